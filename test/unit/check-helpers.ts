// Shared helpers for the checker tests (test/unit/check-*.test.ts).
import assert from 'node:assert/strict';
import { loadConfigText, scenarioConfig } from '../../src/config/load';
import { simulateMemmap } from '../../src/core/simulate';
import { applyFixes, checkText, type CheckResult, type Finding } from '../../src/check/index';

/** A config with boot RAM on node 0: 0-2 GiB and 4-34 GiB (x86_64: 128 MiB memory blocks). */
export function x86(rest: string, head = ''): string {
  return `arch: x86_64\n${head}nodes:\n  - id: 0\n    cpus: 8\n    ranges:\n      - { start: 0x0, size: 2G }\n      - { start: 0x100000000, size: 30G }\n${rest}`;
}

/** A config for another arch with 16 GiB of boot RAM at `ram`. */
export function arch(name: string, rest: string, head = '', ram = '0x0'): string {
  return `arch: ${name}\n${head}nodes:\n  - id: 0\n    cpus: 8\n    ranges:\n      - { start: ${ram}, size: 16G }\n${rest}`;
}

export function check(text: string, file = 'test.memmap.yaml'): CheckResult {
  const r = checkText(text, file);
  assert.deepEqual(
    r.configErrors.filter((e) => e.severity === 'error').map((e) => e.message),
    [],
    'the test config itself must load',
  );
  return r;
}

export function byRule(r: CheckResult, rule: string): Finding[] {
  return r.findings.filter((f) => f.rule === rule);
}

/** The source text a finding points at. */
export function at(r: CheckResult, f: { range: { start: number; end: number } }): string {
  return r.load.doc!.text.slice(f.range.start, f.range.end);
}

/** Apply one fix and check the result: it loads, the rule is gone, and the simulated core accepts it. */
export function assertFixWorks(text: string, f: Finding, fixIndex: number, file = 'test.memmap.yaml'): string {
  const fix = f.fixes[fixIndex];
  const fixed = applyFixes(text, [fix]);
  assert.equal(fixed.applied, 1, `fix "${fix.title}" was not applied`);
  const load = loadConfigText(fixed.text, file);
  assert.deepEqual(
    load.errors.filter((e) => e.severity === 'error').map((e) => e.message),
    [],
    `fix "${fix.title}" broke the config:\n${fixed.text}`,
  );
  const again = checkText(fixed.text, file);
  const still = again.findings.filter((x) => x.rule === f.rule && x.scenario === f.scenario);
  assert.deepEqual(
    still.map((x) => x.message),
    [],
    `${f.rule} still fires after "${fix.title}":\n${fixed.text}`,
  );
  const cfg = f.scenario === null ? load.config! : scenarioConfig(load, f.scenario).config!;
  const sim = simulateMemmap(cfg);
  assert.deepEqual(
    sim.errors.map((e) => e.message),
    [],
    `the simulation fails after "${fix.title}":\n${fixed.text}`,
  );
  return fixed.text;
}
