// `memmap-lab check` cost: one 5,000-line config (YAML and JSON; target <= 20 ms for the check itself) and
// a folder of 1,000 config files through the CLI. Prints figures (medians); asserts nothing. Runs from an
// esbuild bundle of itself (bench/bundled.ts), as the CLI and the analysis thread run bundles.
//
// The check's figure is the steady state: the analysis thread checks the config again on every edit, so
// from the second edit or so V8 has compiled the rules; the first call in a fresh process (the CLI's
// single check) is printed next to it.
import { performance } from 'node:perf_hooks';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigText, type LoadResult } from '../src/config/load';
import { checkDocument, checkText, fixAll } from '../src/check/index';
import { simulateMemmap } from '../src/core/simulate';
import { main } from '../src/cli/main';
import type { Io } from '../src/cli/io';
import { reps } from './quick';
import { median, time } from './stats';
import { bigConfig, manyPoolsYaml, nodeHeavyYaml, toYaml } from './configs';
import { repoRoot, runBundled } from './bundled';

/** `cold`: the first shape, whose first check is the first in this process. */
function shape(label: string, yaml: string, cold = false): void {
  const yl: LoadResult = loadConfigText(yaml, 'big.memmap.yaml');
  if (!yl.config) throw new Error(yl.errors.map((e) => e.message).join('\n'));
  const json = JSON.stringify(yl.doc!.value, null, 2) + '\n';
  const lines = (t: string) => t.split('\n').length - 1;
  const t0 = performance.now();
  const findings = checkDocument(yl).findings.length;
  const first = performance.now() - t0;
  // Steady state: 20 untimed runs first (V8 optimizes the rules and the core after a few of them).
  const sim = time(reps(20, 1), () => simulateMemmap(yl.config!), reps(20, 0));
  const check = time(reps(20, 1), () => checkDocument(yl), reps(20, 0));
  const yamlLoad = time(reps(10, 1), () => loadConfigText(yaml, 'big.memmap.yaml'));
  const jsonLoad = time(reps(10, 1), () => loadConfigText(json, 'big.memmap.json'));
  const yamlTotal = time(reps(10, 1), () => checkText(yaml, 'big.memmap.yaml'));
  const jsonTotal = time(reps(10, 1), () => checkText(json, 'big.memmap.json'));
  console.log(`  ${label}: YAML ${lines(yaml)} lines, JSON ${lines(json)} lines, ${yl.config.scenarios.length} scenarios, ${findings} findings`);
  console.log(`    check (rules + simulation, on the loaded config): ${check.toFixed(1)} ms (target <= 20 ms); of which simulateMemmap ${sim.toFixed(1)} ms per variant, rules ${(check - sim * (1 + yl.config.scenarios.length)).toFixed(1)} ms${cold ? `; the first check in this process (the CLI's case) ${first.toFixed(1)} ms` : ''}`);
  console.log(`    load only:    YAML ${yamlLoad.toFixed(1)} ms   JSON ${jsonLoad.toFixed(1)} ms`);
  console.log(`    load + check: YAML ${yamlTotal.toFixed(1)} ms   JSON ${jsonTotal.toFixed(1)} ms`);
  // Fix All (the editor's source.fixAll, `check --fix`): rounds of fixes, a check after each.
  let fixed = fixAll(yaml, 'big.memmap.yaml');
  const fixMs = time(reps(3, 1), () => (fixed = fixAll(yaml, 'big.memmap.yaml')));
  const left = fixed.result.findings.length;
  console.log(`    Fix All:      ${fixMs.toFixed(1)} ms for ${fixed.applied.length} fixes in ${fixed.checks} checks (${fixed.skipped.length} refused, ${left} findings left: trade-offs, infos, scenario warnings)`);
}


// ---- 1,000 files through the CLI (read, check, format, summary)
async function thousandFiles(): Promise<void> {
const dir = mkdtempSync(join(tmpdir(), 'memmap-check-bench-'));
const examples = join(repoRoot(__dirname), 'examples');
const sources = readdirSync(examples).filter((f) => f.endsWith('.memmap.yaml')).map((f) => readFileSync(join(examples, f), 'utf8'));
const FILES = reps(1000, 20);
for (let i = 0; i < FILES; i++) {
  let t = sources[i % sources.length];
  // Vary them a little: every 7th file gets a namespace 2 MiB past a 16 MiB boundary.
  if (i % 7 === 0) t = t.replace(/start: 0x10000000000/, 'start: 0x10000200000');
  writeFileSync(join(dir, `c${String(i).padStart(4, '0')}.memmap.yaml`), t);
}
const io: Io = { out: () => undefined, err: () => undefined, cwd: dir };
const runs: number[] = [];
let code = 0;
for (let i = 0; i < reps(3, 1); i++) {
  const t0 = performance.now();
  code = await main(['check', '.'], io);
  runs.push(performance.now() - t0);
}
const ms = median(runs);
console.log(`check of ${FILES.toLocaleString('en-US')} config files (the examples, with scenarios) through the CLI: ${ms.toFixed(0)} ms (${(ms / FILES).toFixed(2)} ms per file), exit ${code}`);
if (code > 1) process.exitCode = 1;
rmSync(dir, { recursive: true, force: true });
}

/** The checker's cost as a config grows: n and 4n nodes with a HugeTLB pool each that does not fit (one finding each).
 *  Linear is a ratio of 4; a rule that compares every pool with every other shows as 16. */
function scaling(): void {
  const n = reps(1000, 50);
  const at = (pools: number) => {
    const yl = loadConfigText(manyPoolsYaml(pools), 'pools.memmap.yaml');
    if (!yl.config) throw new Error(yl.errors.map((e) => e.message).join('\n'));
    let findings = 0;
    const ms = time(reps(3, 1), () => (findings = checkDocument(yl).findings.length), reps(1, 0));
    return { ms, findings };
  };
  const a = at(n);
  const b = at(4 * n);
  console.log(`  ${n.toLocaleString('en-US')} nodes with a HugeTLB pool each: check ${a.ms.toFixed(0)} ms (${a.findings} findings); ${(4 * n).toLocaleString('en-US')} nodes: ${b.ms.toFixed(0)} ms (${b.findings} findings); ratio ${(b.ms / a.ms).toFixed(1)} (linear 4)`);
}

async function run(): Promise<void> {
  if (await runBundled(__filename)) return;
  console.log('check of one ~5,000-line config (median of repeated runs)');
  shape('520 pmem namespaces, 8 nodes, 60 hot-adds, 16 HugeTLB pools', toYaml(bigConfig(520, 0)), true);
  shape('the same with 4 scenarios', toYaml(bigConfig(520, 4)));
  shape('128 nodes, 900 hot-adds (memmap_on_memory)', nodeHeavyYaml());
  scaling();
  await thousandFiles();
}

run().catch((e: Error) => {
  console.error(e);
  process.exitCode = 1;
});
