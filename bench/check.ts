// `memmap-lab check` cost: one 5,000-line config (YAML and JSON; target <= 20 ms for the check itself) and
// a folder of 1,000 config files through the CLI. Prints figures (medians); asserts nothing.
import { performance } from 'node:perf_hooks';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigText, type LoadResult } from '../src/config/load';
import { checkDocument, checkText } from '../src/check/index';
import { simulateMemmap } from '../src/core/simulate';
import { main } from '../src/cli/main';
import type { Io } from '../src/cli/io';
import { reps } from './quick';

const GiB = 2 ** 30;
const hex = (n: number) => `0x${n.toString(16)}`;

interface BigConfig {
  nodes: { id: number; cpus: number; ranges: { start: string; size: string }[] }[];
  devices: { name: string; node: number; kind: string; mode: string; start: string; size: string; align: string; map: string }[];
  hotplug: { node: number; start: string; size: string; memmapOnMemory: boolean }[];
  hugetlb: { node: number; pageSize: string; count: number }[];
  scenarios: { name: string; set: Record<string, unknown> }[];
}

/** A large machine written the way the examples are: 8 nodes, devices with one field per line, hot-adds, pools. */
function bigConfig(devices: number, scenarios: number): BigConfig {
  const nodes: BigConfig['nodes'] = [];
  for (let n = 0; n < 8; n++) {
    const ranges = n === 0 ? [{ start: '0x0', size: '2G' }, { start: '0x100000000', size: '254G' }] : [{ start: hex(n * 256 * GiB), size: '256G' }];
    nodes.push({ id: n, cpus: 32, ranges });
  }
  const devs: BigConfig['devices'] = [];
  const base = 8 * 256 * GiB;
  for (let i = 0; i < devices; i++) {
    // Every 10th device has something to report (2 MiB past a section, or align 1G).
    const start = base + i * 64 * GiB + (i % 10 === 3 ? 2 * 2 ** 20 : 0);
    devs.push({ name: `namespace${i >> 3}.${i & 7}`, node: i % 8, kind: 'pmem', mode: i % 3 ? 'devdax' : 'fsdax', start: hex(start), size: '32G', align: i % 10 === 7 ? '1G' : '2M', map: i % 2 ? 'dev' : 'mem' });
  }
  const hotplug: BigConfig['hotplug'] = [];
  for (let i = 0; i < 60; i++) hotplug.push({ node: i % 8, start: hex(base + devices * 64 * GiB + i * 8 * GiB), size: '8G', memmapOnMemory: i % 2 === 0 });
  const hugetlb: BigConfig['hugetlb'] = [];
  for (let n = 0; n < 8; n++) hugetlb.push({ node: n, pageSize: '1G', count: 16 }, { node: n, pageSize: '2M', count: 4096 });
  const sc: BigConfig['scenarios'] = [];
  for (let i = 0; i < scenarios; i++) sc.push({ name: `what-if ${i}`, set: { [`devices[${i}].map`]: i % 2 ? 'mem' : 'dev', 'kernel.hvo': i % 2 === 0 } });
  return { nodes, devices: devs, hotplug, hugetlb, scenarios: sc };
}

/** YAML in the examples' style: block mappings for devices, flow mappings for short items. */
function toYaml(cfg: BigConfig): string {
  const out: string[] = ['arch: x86_64', 'kernel:', '  version: "6.12"', '  hvo: true', '  memmapOnMemory: "on"', 'nodes:'];
  for (const n of cfg.nodes) {
    out.push(`  - id: ${n.id}`, `    cpus: ${n.cpus}`, '    ranges:');
    for (const r of n.ranges) out.push(`      - { start: ${r.start}, size: ${r.size} }`);
  }
  out.push('devices:');
  for (const d of cfg.devices) {
    out.push(`  - name: ${d.name}`, `    node: ${d.node}`, `    kind: ${d.kind}`, `    mode: ${d.mode}`, `    start: ${d.start}`, `    size: ${d.size}`, `    align: ${d.align}`, `    map: ${d.map}`, '    # a comment line per device, as in the examples');
  }
  out.push('hotplug:');
  for (const h of cfg.hotplug) out.push(`  - { node: ${h.node}, start: ${h.start}, size: ${h.size}, memmapOnMemory: ${h.memmapOnMemory} }`);
  out.push('hugetlb:');
  for (const h of cfg.hugetlb) out.push(`  - { node: ${h.node}, pageSize: ${h.pageSize}, count: ${h.count} }`);
  if (cfg.scenarios.length) {
    out.push('scenarios:');
    for (const s of cfg.scenarios) out.push(`  - name: ${s.name}`, `    set: ${JSON.stringify(s.set)}`);
  }
  return out.join('\n') + '\n';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(runs: number, f: () => void): number {
  for (let i = 0; i < Math.min(5, runs); i++) f();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  return median(t);
}

/** A node-heavy machine: 128 NUMA nodes with two RAM ranges each and 900 hot-added ranges (block style). */
function nodeHeavyYaml(): string {
  const out: string[] = ['arch: x86_64', 'kernel:', '  version: "6.12"', '  memmapOnMemory: "on"', 'nodes:'];
  for (let n = 0; n < 128; n++) {
    const base = n * 64 * GiB;
    out.push(`  - id: ${n}`, '    cpus: 8', '    ranges:', `      - { start: ${hex(base + (n === 0 ? 0 : 0))}, size: 2G }`, `      - { start: ${hex(base + 4 * GiB)}, size: 28G }`);
  }
  out.push('hotplug:');
  for (let i = 0; i < 900; i++) {
    const n = i % 128;
    // 7 of every 8 are block aligned; one is 1 GiB off (MM001).
    out.push(`  - node: ${n}`, `    start: ${hex(n * 64 * GiB + 32 * GiB + Math.floor(i / 128) * 4 * GiB + (i % 8 === 5 ? GiB : 0))}`, '    size: 2G', `    memmapOnMemory: ${i % 2 === 0}`);
  }
  return out.join('\n') + '\n';
}

function shape(label: string, yaml: string): void {
  const yl: LoadResult = loadConfigText(yaml, 'big.memmap.yaml');
  if (!yl.config) throw new Error(yl.errors.map((e) => e.message).join('\n'));
  const json = JSON.stringify(yl.doc!.value, null, 2) + '\n';
  const lines = (t: string) => t.split('\n').length - 1;
  const findings = checkDocument(yl).findings.length;
  const sim = time(reps(20, 1), () => simulateMemmap(yl.config!));
  const check = time(reps(20, 1), () => checkDocument(yl));
  const yamlLoad = time(reps(10, 1), () => loadConfigText(yaml, 'big.memmap.yaml'));
  const jsonLoad = time(reps(10, 1), () => loadConfigText(json, 'big.memmap.json'));
  const yamlTotal = time(reps(10, 1), () => checkText(yaml, 'big.memmap.yaml'));
  const jsonTotal = time(reps(10, 1), () => checkText(json, 'big.memmap.json'));
  console.log(`  ${label}: YAML ${lines(yaml)} lines, JSON ${lines(json)} lines, ${yl.config.scenarios.length} scenarios, ${findings} findings`);
  console.log(`    check (rules + simulation, on the loaded config): ${check.toFixed(1)} ms (target <= 20 ms); of which simulateMemmap ${sim.toFixed(1)} ms per variant, rules ${(check - sim * (1 + yl.config.scenarios.length)).toFixed(1)} ms`);
  console.log(`    load only:    YAML ${yamlLoad.toFixed(1)} ms   JSON ${jsonLoad.toFixed(1)} ms`);
  console.log(`    load + check: YAML ${yamlTotal.toFixed(1)} ms   JSON ${jsonTotal.toFixed(1)} ms`);
}

console.log('check of one ~5,000-line config (median of repeated runs)');
shape('520 pmem namespaces, 8 nodes, 60 hot-adds, 16 HugeTLB pools', toYaml(bigConfig(520, 0)));
shape('the same with 4 scenarios', toYaml(bigConfig(520, 4)));
shape('128 nodes, 900 hot-adds (memmap_on_memory)', nodeHeavyYaml());

// ---- 1,000 files through the CLI (read, check, format, summary)
async function thousandFiles(): Promise<void> {
const dir = mkdtempSync(join(tmpdir(), 'memmap-check-bench-'));
const examples = join(__dirname, '..', 'examples');
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

void thousandFiles();
