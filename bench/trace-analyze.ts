// Throughput and memory of the kernel log analyzer on a large log, next to `grep -c` on the same file.
//
//   node --import tsx bench/trace-analyze.ts [--bytes N] [--runs N]
//
// 1. Generates bench/out/trace-1g.log (1 GiB by default) from the corpus's lines (bench/gen-log.ts), unless a
//    file of that size is already there (bench/out/ is git-ignored).
// 2. Times `grep -c 'deferred pages' <file>` (best of --runs, the file is in the page cache after the first).
// 3. Times analyzeFile() on the same file in a child process of its own (best of --runs), streaming boots out
//    without keeping them, and reads that process's peak RSS.
// 4. Prints MB/s for both, their ratio (target >= 0.5) and the analyzer's peak RSS (target <= 150 MB).
// Wall time is what the targets are about; CPU time is printed too, because on a loaded machine it is the
// steadier figure.

import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { analyzeFile } from '../src/trace/analyze';
import { DEFAULT_OUT, generateLog } from './gen-log';

interface ChildResult {
  seconds: number;
  cpuSeconds: number;
  bytes: number;
  lines: number;
  boots: number;
  facts: number;
  baseRssMB: number;
  peakRssMB: number;
}

const MB = 1e6;

async function child(file: string): Promise<void> {
  const baseRssMB = process.memoryUsage().rss / MB;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let boots = 0;
  let facts = 0;
  const r = await analyzeFile(file, {
    retainBoots: 0,
    onBoot: (b) => {
      boots++;
      facts += b.deferredInit.length + b.zones.length + b.nodeRanges.length + b.unavailableRanges.length + b.hugetlb.length + b.zoneDevice.length + b.errors.length + b.callTraces.length + b.hotplug.length + (b.memory ? 1 : 0);
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const out: ChildResult = {
    seconds,
    cpuSeconds: (c.user + c.system) / 1e6,
    bytes: r.sizeBytes,
    lines: r.lines,
    boots,
    facts,
    baseRssMB,
    peakRssMB: (process.resourceUsage().maxRSS * 1024) / MB,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3]);
  const bytes = arg('bytes', 1024 * 1024 * 1024);
  const runs = arg('runs', 2);
  const file = bytes === 1024 * 1024 * 1024 ? DEFAULT_OUT : resolve(__dirname, 'out', `trace-${bytes}.log`);

  if (!existsSync(file) || statSync(file).size < bytes) {
    process.stdout.write(`generating ${file} (${(bytes / MB).toFixed(0)} MB) from the corpus ...\n`);
    const t0 = performance.now();
    const g = await generateLog(file, bytes);
    process.stdout.write(`  ${g.lines} lines, ${g.boots} boots in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const size = statSync(file).size;

  let grepBest = Infinity;
  let grepCount = '';
  for (let i = 0; i < runs + 1; i++) {
    const t0 = performance.now();
    const g = spawnSync('grep', ['-c', 'deferred pages', file], { encoding: 'utf8' });
    const s = (performance.now() - t0) / 1000;
    if (g.status !== 0 && g.status !== 1) throw new Error(`grep failed: ${g.stderr}`);
    grepCount = g.stdout.trim();
    if (i > 0) grepBest = Math.min(grepBest, s); // the first run warms the page cache
  }

  let best: ChildResult | null = null;
  for (let i = 0; i < runs; i++) {
    const c = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', file], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (c.status !== 0) throw new Error(`analyzer run failed: ${c.stderr}`);
    const r = JSON.parse(c.stdout.trim().split('\n').pop()!) as ChildResult;
    process.stdout.write(`  analyze run ${i + 1}: ${r.seconds.toFixed(2)} s wall, ${r.cpuSeconds.toFixed(2)} s CPU, peak RSS ${r.peakRssMB.toFixed(0)} MB\n`);
    if (!best || r.seconds < best.seconds) best = r;
  }
  const a = best!;
  const grepMBs = size / MB / grepBest;
  const anaMBs = size / MB / a.seconds;
  const ratio = anaMBs / grepMBs;
  const lines = [
    '',
    `file             ${file}`,
    `size             ${(size / MB).toFixed(0)} MB, ${a.lines} lines, ${a.boots} boots, ${a.facts} facts (${grepCount} "deferred pages" lines)`,
    `grep -c          ${grepBest.toFixed(3)} s   ${grepMBs.toFixed(0)} MB/s`,
    `analyze          ${a.seconds.toFixed(3)} s   ${anaMBs.toFixed(0)} MB/s   (CPU ${a.cpuSeconds.toFixed(2)} s: ${(size / MB / a.cpuSeconds).toFixed(0)} MB per CPU-second)`,
    `ratio            ${ratio.toFixed(3)}   (target >= 0.5: ${ratio >= 0.5 ? 'met' : 'not met'})`,
    `peak RSS         ${a.peakRssMB.toFixed(0)} MB   (node + tsx at start: ${a.baseRssMB.toFixed(0)} MB; target <= 150 MB: ${a.peakRssMB <= 150 ? 'met' : 'not met'})`,
    `load average     ${loadavg().map((x) => x.toFixed(2)).join(' ')} (${cpus().length} CPUs)`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((e: Error) => {
  process.stderr.write(`trace-analyze bench: ${e.stack ?? e.message}\n`);
  process.exitCode = 1;
});
