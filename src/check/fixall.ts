// Fix All: the preferred fixes of a config's findings, applied one at a time and checked again after each,
// so that a fix computed before another one never lands on a config that has changed under it, and a fix
// that would add an error elsewhere (an ndctl rule broken by a memory-block fix, an altmap that no longer
// holds the memmap) is left out. Shared by `memmap-lab check --fix` and the extension's Fix All.

import { checkText as checkConfigText } from './engine';
import { applyFixes } from './edits';
import { fixAllApplies } from './policy';
import { atLeast, isInvalid } from './report';
import { ruleById } from './rules/index';
import type { CheckOptions, CheckResult, Finding, Severity } from './types';

export interface FixAllStep {
  rule: string;
  /** The finding's message, as reported before the fix. */
  message: string;
  /** The fix's title. */
  title: string;
}

export interface SkippedFix extends FixAllStep {
  /** Why the fix was not applied. */
  reason: string;
}

export interface FixAllResult {
  /** The text with the applied fixes (the input when none applied). */
  text: string;
  applied: FixAllStep[];
  skipped: SkippedFix[];
  /** The check of `text`. */
  result: CheckResult;
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Errors per rule and scenario: a fix may not raise any of these counts (paths shift when a fix deletes an item). */
function errorCounts(r: CheckResult): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of r.findings) if (f.severity === 'error') m.set(`${f.rule}|${f.scenario}`, (m.get(`${f.rule}|${f.scenario}`) ?? 0) + 1);
  return m;
}

const sameFinding = (a: Finding, b: Finding) => a.rule === b.rule && a.scenario === b.scenario && a.path.join('/') === b.path.join('/');

/**
 * Apply the preferred fix of every finding at or above `min` that fixAllApplies(), errors first, one at a time:
 * after each fix the config is checked again, and the fix is kept only when the config still loads, its finding
 * is gone, and no rule reports more errors than before; when the preferred fix is refused, the finding's next
 * fix is tried. The next fix is taken from the new findings.
 */
export function fixAll(
  text: string,
  fileName: string,
  opts: CheckOptions = {},
  min: Severity = 'info',
  /** The checker (tests give one whose fixes misbehave). */
  checkText: (text: string, fileName: string, opts: CheckOptions) => CheckResult = checkConfigText,
): FixAllResult {
  const checkOpts: CheckOptions = { ...opts, simulation: undefined };
  let cur = text;
  let res = checkText(cur, fileName, checkOpts);
  const applied: FixAllStep[] = [];
  const skipped: SkippedFix[] = [];
  if (isInvalid(res)) return { text, applied, skipped, result: res };
  const refused = new Set<string>();
  const key = (f: Finding, title: string) => `${f.rule}|${f.scenario}|${f.path.join('/')}|${title}`;
  /** The finding's first fix not refused yet (the preferred one, unless it was refused). */
  const usable = (f: Finding) => f.fixes.find((x) => !refused.has(key(f, x.title)));
  // Each step removes a finding or refuses a fix, so this bound is never reached on a sane rule set.
  const maxSteps = 4 * res.findings.length + 16;
  for (let step = 0; step < maxSteps; step++) {
    const next = atLeast(res.findings, min)
      .filter((f) => fixAllApplies(f, ruleById(f.rule)) && usable(f) !== undefined)
      .sort((a, b) => RANK[a.severity] - RANK[b.severity] || a.range.start - b.range.start)[0];
    if (!next) break;
    const fix = usable(next)!;
    const step1: FixAllStep = { rule: next.rule, message: next.message, title: fix.title };
    const out = applyFixes(cur, [fix]);
    const again = out.applied ? checkText(out.text, fileName, checkOpts) : null;
    let reason: string | null = null;
    if (!again || out.text === cur) reason = 'the fix changes nothing';
    else if (isInvalid(again)) reason = `the config would no longer load: ${again.configErrors.find((e) => e.severity === 'error')?.message ?? ''}`;
    else if (again.findings.some((f) => sameFinding(f, next)) && again.findings.filter((f) => f.rule === next.rule && f.scenario === next.scenario).length >= res.findings.filter((f) => f.rule === next.rule && f.scenario === next.scenario).length) {
      reason = 'the finding is still there after the fix';
    } else {
      const before = errorCounts(res);
      for (const [k, n] of errorCounts(again)) {
        if (n > (before.get(k) ?? 0)) {
          const added = again.findings.find((f) => f.severity === 'error' && `${f.rule}|${f.scenario}` === k)!;
          reason = `it would add an error: ${added.rule} ${added.message}`;
          break;
        }
      }
    }
    if (reason !== null) {
      refused.add(key(next, fix.title));
      skipped.push({ ...step1, reason });
      continue;
    }
    cur = out.text;
    res = again!;
    applied.push(step1);
  }
  return { text: cur, applied, skipped, result: res };
}
