// Simulate time versus installed memory: the core's cost must follow the number of ranges and runs of
// sections, never the number of pages. Prints the median of repeated runs for 1 TiB, 64 TiB and 1 PiB
// machines (same shape: 16 nodes, one PMEM namespace per node, a HugeTLB pool per node) and the
// 1 PiB / 1 TiB ratio (target <= 1.5); and versus the number of namespaces (520 to 4,160 in the style of
// bench/check.ts): near-linear, so the ratio for 8x the namespaces should stay near 8.
import { performance } from 'node:perf_hooks';
import { loadConfigText } from '../src/config/load';
import { simulateMemmap } from '../src/core/simulate';
import { GiB, TiB, PiB, formatBytes } from '../src/config/units';
import { QUICK, reps } from './quick';
import { median, time } from './stats';
import { bigConfig, toYaml } from './configs';

const RUNS = reps(200, 5);

function configText(total: number): string {
  const nodes = 16;
  const perNode = total / nodes / 2; // half DRAM, half PMEM
  const lines = ['arch: x86_64', 'kernel: { version: "6.12", hvo: true }', 'nodes:'];
  for (let n = 0; n < nodes; n++) {
    const base = n * 2 * perNode + (n === 0 ? 0 : 0);
    lines.push(`  - id: ${n}`, '    cpus: 64', '    ranges:');
    if (n === 0) lines.push('      - { start: 0x0, size: 2G }', `      - { start: 0x100000000, size: ${perNode - 4 * GiB} }`);
    else lines.push(`      - { start: ${base}, size: ${perNode} }`);
  }
  lines.push('devices:');
  for (let n = 0; n < nodes; n++) {
    const start = n * 2 * perNode + perNode;
    lines.push(`  - { name: ns${n}, node: ${n}, kind: pmem, mode: devdax, start: ${start}, size: ${perNode}, align: 2M, map: ${n % 2 ? 'dev' : 'mem'} }`);
  }
  lines.push('hugetlb:');
  for (let n = 0; n < nodes; n++) lines.push(`  - { node: ${n}, pageSize: 1G, count: ${Math.floor(perNode / GiB / 4)} }`);
  return lines.join('\n') + '\n';
}

function bench(total: number): { ms: number; memmap: number } {
  const load = loadConfigText(configText(total), 'bench.memmap.yaml');
  if (!load.config) throw new Error(load.errors.map((e) => e.message).join('\n'));
  const cfg = load.config;
  let memmap = 0;
  for (let i = 0; i < reps(20, 2); i++) memmap = simulateMemmap(cfg).memmap.totalBytes; // warm-up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = simulateMemmap(cfg);
    times.push(performance.now() - t0);
    if (r.errors.some((e) => e.severity === 'error')) throw new Error(r.errors[0].message);
  }
  return { ms: median(times), memmap };
}

const sizes: [string, number][] = [['1 TiB', TiB], ['64 TiB', 64 * TiB], ['1 PiB', PiB]];
const results = sizes.map(([label, total]) => ({ label, ...bench(total) }));
console.log(`simulateMemmap (16 nodes, 16 PMEM namespaces, 16 HugeTLB pools; median of ${RUNS} runs)`);
for (const r of results) console.log(`  ${r.label.padEnd(7)} ${r.ms.toFixed(3).padStart(8)} ms   memmap ${formatBytes(r.memmap)}`);
const ratio = results[2].ms / results[0].ms;
console.log(`  ratio 1 PiB / 1 TiB: ${ratio.toFixed(2)} (target <= 1.5) ${ratio <= 1.5 ? 'OK' : 'MISSED'}`);

// The number of devices: every __add_pages() snapshots the vmemmap space for its rollback; that must cost
// what the add touches, not the size of the space (it once copied every interval set: 4,160 namespaces
// took 124 ms instead of 74).
const counts = (QUICK ? [65, 130, 260, 520] : [520, 1040, 2080, 4160]).map((n) => {
  const load = loadConfigText(toYaml(bigConfig(n, 0)), 'bench.memmap.yaml');
  if (!load.config) throw new Error(load.errors.map((e) => e.message).join('\n'));
  const cfg = load.config;
  return { n, ms: time(reps(30, 2), () => simulateMemmap(cfg)) };
});
console.log(`simulateMemmap versus PMEM namespaces (8 nodes, 60 hot-adds, 16 pools; median of ${reps(30, 2)} runs)`);
for (const c of counts) console.log(`  ${String(c.n).padStart(5)} namespaces ${c.ms.toFixed(2).padStart(8)} ms`);
console.log(`  ratio ${counts[3].n} / ${counts[0].n} namespaces: ${(counts[3].ms / counts[0].ms).toFixed(1)} (linear: 8)`);
