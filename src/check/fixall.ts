// Fix All: the preferred fixes of a config's findings, applied in rounds and checked after each, so that a fix
// computed before another one never lands on a config that has changed under it, and a fix that would add an
// error elsewhere (an ndctl rule broken by a memory-block fix, an altmap that no longer holds the memmap) is left
// out. Shared by `memmap-lab check --fix` and the extension's Fix All.
//
// Each round takes one finding per config object (a device, a hot-add, a pool, in a scenario or not), errors
// first, in a fixed order (object, then rule id: never the order of the keys in the file), applies their
// preferred fixes together and checks once. When that batch does not pass, its first half is tried, then its
// first quarter, ... down to the one fix that is refused. So a config with many independent findings costs a
// few checks, not one per finding.

import { checkText as checkConfigText } from './engine';
import { applyFixes, nonOverlappingFixes } from './edits';
import { findingIdentity as findingKey, fixAllApplies } from './policy';
import { atLeast, isInvalid, SEVERITY_RANK as RANK } from './report';
import { objectKey } from './rules/simulation';
import type { CheckOptions, CheckResult, Finding, Fix, Severity } from './types';

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
  /** Checks run (the first included). */
  checks: number;
}

type Check = (text: string, fileName: string, opts: CheckOptions) => CheckResult;

/** Checks a Fix All may run: far more than any real config needs (a round fixes every object at once). */
const MAX_CHECKS = 200;

/** The config object a finding is about (devices/3, hotplug/0, nodes/1/ranges/0, kernel, ...) in its scenario. */
const objectOf = (f: Finding) => `${f.scenario ?? ''}|${objectKey(f.path)}`;

function order(a: Finding, b: Finding): number {
  const pa = a.path.slice(0, 2);
  const pb = b.path.slice(0, 2);
  return (
    RANK[a.severity] - RANK[b.severity] ||
    (a.scenario ?? '').localeCompare(b.scenario ?? '') ||
    String(pa[0] ?? '').localeCompare(String(pb[0] ?? '')) ||
    (typeof pa[1] === 'number' && typeof pb[1] === 'number' ? pa[1] - pb[1] : String(pa[1] ?? '').localeCompare(String(pb[1] ?? ''))) ||
    a.rule.localeCompare(b.rule) ||
    a.path.join('/').localeCompare(b.path.join('/'))
  );
}

/** Errors per rule and scenario. */
function errorCounts(r: CheckResult): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of r.findings) if (f.severity === 'error') m.set(`${f.rule}|${f.scenario}`, (m.get(`${f.rule}|${f.scenario}`) ?? 0) + 1);
  return m;
}

/**
 * Apply the preferred fix of every finding at or above `min` that fixAllApplies(), as described above. A fix (or a
 * batch) is kept only when the config still loads, no rule reports more errors than before, and fewer findings are
 * left (fewer errors, or as many errors and fewer findings Fix All would apply); a refused fix is reported in
 * `skipped`, and its finding's next fix is tried in the next round.
 */
export function fixAll(text: string, fileName: string, opts: CheckOptions = {}, min: Severity = 'info', checkText: Check = checkConfigText): FixAllResult {
  const checkOpts: CheckOptions = { ...opts, simulation: undefined };
  let checks = 0;
  const check = (t: string) => {
    checks++;
    return checkText(t, fileName, checkOpts);
  };
  let cur = text;
  let res = check(cur);
  const applied: FixAllStep[] = [];
  const skipped: SkippedFix[] = [];
  if (isInvalid(res)) return { text, applied, skipped, result: res, checks };
  const refused = new Set<string>();
  const refuseKey = (f: Finding, fix: Fix) => `${f.rule}|${f.scenario}|${fix.title}`;
  /** The finding's first fix not refused yet (the preferred one, unless it was refused). */
  const usable = (f: Finding) => f.fixes.find((x) => !refused.has(refuseKey(f, x)));
  const wanted = (r: CheckResult) => atLeast(r.findings, min).filter((f) => fixAllApplies(f));
  const measure = (r: CheckResult) => ({ errors: r.findings.filter((f) => f.severity === 'error').length, left: wanted(r).length });
  const step = (f: Finding, fix: Fix): FixAllStep => ({ rule: f.rule, message: f.message, title: fix.title });

  /** Why `next` (the check of `nextText`) is not an improvement on `res`, or null when it is. `strict`: also no
   *  error at a place that had none (for a batch, where one bad fix could hide behind good ones). */
  const refusal = (nextText: string, next: CheckResult, strict: boolean): string | null => {
    if (nextText === cur) return 'the fix changes nothing';
    if (isInvalid(next)) return `the config would no longer load: ${next.configErrors.find((e) => e.severity === 'error')?.message ?? ''}`;
    const before = errorCounts(res);
    for (const [k, n] of errorCounts(next)) {
      if (n > (before.get(k) ?? 0)) return `it would add an error: ${next.findings.find((f) => f.severity === 'error' && `${f.rule}|${f.scenario}` === k)!.rule}`;
    }
    if (strict) {
      const had = new Set(res.findings.filter((f) => f.severity === 'error').map(findingKey));
      const added = next.findings.find((f) => f.severity === 'error' && !had.has(findingKey(f)));
      if (added) return `it would add an error: ${added.rule} ${added.message}`;
    }
    const a = measure(res);
    const b = measure(next);
    if (b.errors > a.errors || (b.errors === a.errors && b.left >= a.left)) return 'the finding is still there after the fix';
    return null;
  };

  while (checks < MAX_CHECKS) {
    const candidates = wanted(res)
      .filter((f) => usable(f) !== undefined)
      .sort(order);
    if (!candidates.length) break;
    // One finding per object, fixes that do not overlap.
    const seen = new Set<string>();
    const perObject = candidates.filter((f) => !seen.has(objectOf(f)) && seen.add(objectOf(f)));
    const fixes = perObject.map((f) => usable(f)!);
    const taken = nonOverlappingFixes(fixes);
    const batch = taken.map((i) => ({ f: perObject[i], fix: fixes[i] }));
    if (!batch.length) break;
    // The batch, else its first half, its first quarter, ...: a bad fix is isolated in log2(batch) checks and
    // refused; every part that passes is kept (the next round takes the rest, from the new text).
    let part = batch;
    while (checks < MAX_CHECKS) {
      const out = applyFixes(cur, part.map((b) => b.fix));
      const next = check(out.text);
      const why = refusal(out.text, next, part.length > 1);
      if (why === null) {
        cur = out.text;
        res = next;
        for (const b of part) applied.push(step(b.f, b.fix));
        break;
      }
      if (part.length === 1) {
        refused.add(refuseKey(part[0].f, part[0].fix));
        skipped.push({ ...step(part[0].f, part[0].fix), reason: why });
        break;
      }
      part = part.slice(0, Math.ceil(part.length / 2));
    }
  }
  if (checks >= MAX_CHECKS && wanted(res).some((f) => usable(f) !== undefined)) {
    skipped.push({ rule: '', message: '', title: '', reason: `stopped after ${MAX_CHECKS} checks; the findings left were not tried` });
  }
  return { text: cur, applied, skipped, result: res, checks };
}
