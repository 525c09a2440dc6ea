// The checker's engine: load → (base config + each scenario variant) → simulate → rules → findings
// with source ranges and rendered fixes.

import { configRange, loadConfigFile, loadConfigText, scenarioConfig, type LoadOptions, type LoadResult, type Range, type SourceDoc } from '../config/index';
import type { JsonPath, WorkloadConfig } from '../config/types';
import { buildMemoryLayout, simulateMemmap, type MemmapResult } from '../core/index';
import { editsFor } from './edits';
import { RULES } from './rules/index';
import type { CheckOptions, CheckResult, Finding, Fix, Rule, RuleContext, RuleFinding, Severity } from './types';

function loadOptions(opts: CheckOptions): LoadOptions {
  return { defaultArch: opts.defaultArch, defaultKernelVersion: opts.defaultKernelVersion };
}

/** Check config text (a *.memmap.yaml / *.memmap.json). Never throws. */
export function checkText(text: string, fileName: string, opts: CheckOptions = {}): CheckResult {
  return checkDocument(loadConfigText(text, fileName, loadOptions(opts)), opts);
}

/** Read and check a config file. Never throws; an unreadable file is a config error. */
export function checkFile(path: string, opts: CheckOptions = {}): CheckResult {
  return checkDocument(loadConfigFile(path, loadOptions(opts)), opts);
}

/**
 * Run the rules on a loaded config (what the editor already has) and on each of its scenarios. When the
 * loader reported an error, no rule runs and `configErrors` says why.
 */
export function checkDocument(load: LoadResult, opts: CheckOptions = {}): CheckResult {
  const configErrors = load.errors;
  if (!load.doc || !load.config || configErrors.some((e) => e.severity === 'error')) return { findings: [], configErrors, load };
  try {
    return check(load, opts);
  } catch (e) {
    // A bug in memmap-lab: say so at the top of the file rather than lose the editor's diagnostics.
    const rule = RULES.find((r) => r.runsLast) ?? RULES[0];
    const message = `internal error in the checker (a bug in memmap-lab): ${(e as Error)?.message ?? String(e)}`;
    const finding: Finding = { rule: rule.id, slug: rule.slug, severity: 'error', message, kernelText: '', path: [], range: { start: 0, end: 0 }, related: [], fixes: [], scenario: null, tradeOff: false };
    return { findings: [finding], configErrors, load };
  }
}

function check(load: LoadResult, opts: CheckOptions): CheckResult {
  const configErrors = load.errors;
  if (!load.config) return { findings: [], configErrors, load };
  const rules = selectRules(opts);
  const base = runRules(load, null, rules, new Set(), opts.simulation);
  const findings = [...base];
  if (opts.scenarios !== false && load.config.scenarios.length) {
    const seen = new Set(base.map((f) => findingKey(f.rule, f.path, f.message)));
    load.config.scenarios.forEach((sc, si) => {
      const v = scenarioConfig(load, sc.name, loadOptions(opts));
      if (!v.config) return;
      for (const f of runRules(v, si, rules, seen)) findings.push(f);
    });
  }
  findings.sort((a, b) => a.range.start - b.range.start || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message));
  return { findings, configErrors, load };
}

function selectRules(opts: CheckOptions): readonly Rule[] {
  const want = opts.rules ? new Set(opts.rules.map((r) => r.toLowerCase())) : null;
  const list = want ? RULES.filter((r) => want.has(r.id.toLowerCase()) || want.has(r.slug)) : RULES;
  return [...list.filter((r) => !r.runsLast), ...list.filter((r) => r.runsLast)];
}

function findingKey(rule: string, path: JsonPath, message: string): string {
  return `${rule}|${path.join('/')}|${message}`;
}

function applies(rule: Rule, cfg: WorkloadConfig): boolean {
  const a = rule.appliesTo;
  if (a.arches && !a.arches.includes(cfg.arch)) return false;
  const v = cfg.kernel.versionNum;
  const cmp = (x: readonly [number, number]) => (v[0] !== x[0] ? v[0] - x[0] : v[1] - x[1]);
  if (a.kernels?.min && cmp(a.kernels.min) < 0) return false;
  if (a.kernels?.max && cmp(a.kernels.max) > 0) return false;
  return true;
}

/** Rules over one config: the base (scenario null) or scenario index `si`. */
function runRules(v: LoadResult, si: number | null, rules: readonly Rule[], baseKeys: ReadonlySet<string> = new Set(), given?: MemmapResult): Finding[] {
  const cfg = v.config!;
  const out: Finding[] = [];
  let sim: MemmapResult;
  let profile: RuleContext['profile'];
  try {
    sim = given ?? simulateMemmap(cfg);
    profile = buildMemoryLayout(cfg).profile;
  } catch (e) {
    const rule = RULES.find((r) => r.runsLast) ?? RULES[0];
    out.push(toFinding(rule, { path: [], message: `the simulated mm core failed on this config (a bug in memmap-lab): ${(e as Error)?.message ?? String(e)}` }, v, si));
    return out;
  }
  const doc = v.doc!;
  const memo = new Map<string, unknown>();
  const prior: { rule: string; path: JsonPath; severity: Severity }[] = [];
  const ctx: RuleContext = {
    config: cfg,
    load: v,
    profile,
    sim,
    prior,
    memo<T>(key: string, compute: () => T): T {
      if (!memo.has(key)) memo.set(key, compute());
      return memo.get(key) as T;
    },
    raw(path) {
      const r = configRange(v, path);
      const t = doc.text.slice(r.start, r.end).trim();
      if (!t || /[\r\n{}[\]]/.test(t[0]) || /[\r\n]/.test(t)) return undefined;
      return t[0] === '"' || t[0] === "'" ? t.slice(1, -1) : t;
    },
  };
  for (const rule of rules) {
    if (!applies(rule, cfg)) continue;
    let found: RuleFinding[];
    try {
      found = rule.check(ctx);
    } catch (e) {
      found = [{ path: [], severity: 'error', message: `internal error in rule ${rule.id} ${rule.slug} (a bug in memmap-lab): ${(e as Error)?.message ?? String(e)}` }];
    }
    for (const f of found) {
      prior.push({ rule: rule.id, path: f.path, severity: f.severity ?? rule.severity });
      if (si !== null && baseKeys.has(findingKey(rule.id, f.path, f.message))) continue;
      out.push(toFinding(rule, f, v, si));
    }
  }
  return out;
}

/** A range spanning lines (a whole block mapping, when the field itself is not written) cut to its first line. */
function oneLine(doc: SourceDoc, r: Range): Range {
  const nl = doc.text.slice(r.start, r.end).search(/[\r\n]/);
  return nl < 0 ? r : { start: r.start, end: r.start + nl };
}

function toFinding(rule: Rule, f: RuleFinding, v: LoadResult, si: number | null): Finding {
  const doc = v.doc!;
  let range = oneLine(doc, configRange(v, f.path));
  const related = (f.related ?? []).map((r) => ({ path: r.path, range: oneLine(doc, configRange(v, r.path)), message: r.message }));
  let message = f.message;
  const scenario = si === null ? null : (v.config?.scenario ?? null);
  if (si !== null) {
    message = `scenario '${scenario}': ${message}`;
    // A value the scenario does not set: show the finding at the scenario, point at the value.
    const sc = doc.rangeOf(['scenarios', si]);
    if (!sc || range.start < sc.start || range.end > sc.end) {
      related.unshift({ path: f.path, range, message: 'the value in the base config' });
      range = doc.rangeOf(['scenarios', si, 'name']) ?? range;
    }
  }
  const fixes: Fix[] = [];
  for (const fx of f.fixes ?? []) {
    const edits = editsFor(doc, fx.ops, si);
    if (edits && edits.length) fixes.push({ title: si === null ? fx.title : `In scenario '${scenario}': ${fx.title}`, edits });
  }
  return {
    rule: rule.id,
    slug: rule.slug,
    severity: f.severity ?? rule.severity,
    message,
    kernelText: f.kernelText ?? '',
    path: f.path,
    range,
    related,
    fixes,
    scenario,
    tradeOff: rule.tradeOff === true || f.tradeOff === true,
  };
}
