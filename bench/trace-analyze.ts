// Throughput and memory of the kernel log analyzer on a large log, next to `grep -c` on the same file.
//
//   node --import tsx bench/trace-analyze.ts [--bytes N] [--runs N]
//
// 1. Generates bench/out/trace-1g.log (1 GiB by default) from the corpus's lines (bench/gen-log.ts), unless a
//    file of that size is already there (bench/out/ is git-ignored).
// 2. Times `grep -c 'deferred pages' <file>` (best of --runs, the file is in the page cache after the first).
// 3. Times analyzeFile() on the same file in a child process of its own (best of --runs), streaming boots out
//    without keeping them, and reads that process's peak RSS. The child is bench/trace-analyze-child.ts
//    bundled by esbuild into bench/out/, as `memmap-lab analyze` runs dist/cli.js: no TypeScript loader in
//    the measured process or in its reader thread. It also reports CPU per thread (rules, reader, V8's).
// 4. Prints MB/s for both, their ratio (target >= 0.5) and the analyzer's peak RSS (target <= 150 MB).
// Wall time is what the targets are about; CPU time is printed too, because on a loaded machine it is the
// steadier figure.

import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { build } from 'esbuild';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { DEFAULT_OUT, generateLog } from './gen-log';
import type { ChildResult } from './trace-analyze-child';

const MB = 1e6;

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

async function main(): Promise<void> {
  const bytes = arg('bytes', 1024 * 1024 * 1024);
  const runs = arg('runs', 3);
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

  const bundle = resolve(__dirname, 'out', 'trace-analyze-child.js');
  await build({ entryPoints: [resolve(__dirname, 'trace-analyze-child.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  let best: ChildResult | null = null;
  for (let i = 0; i < runs; i++) {
    const c = spawnSync(process.execPath, [bundle, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (c.status !== 0) throw new Error(`analyzer run failed: ${c.stderr}`);
    const r = JSON.parse(c.stdout.trim().split('\n').pop()!) as ChildResult;
    const split = r.mainCpuSeconds === null || r.v8CpuSeconds === null ? '' :
      ` (rules thread ${r.mainCpuSeconds.toFixed(2)}, reader thread ${(r.cpuSeconds - r.mainCpuSeconds - r.v8CpuSeconds).toFixed(2)}, V8 compiler/GC threads ${r.v8CpuSeconds.toFixed(2)})`;
    process.stdout.write(`  analyze run ${i + 1}: ${r.seconds.toFixed(2)} s wall, ${r.cpuSeconds.toFixed(2)} s CPU${split}, peak RSS ${r.peakRssMB.toFixed(0)} MB\n`);
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
    `peak RSS         ${a.peakRssMB.toFixed(0)} MB   (node at start: ${a.baseRssMB.toFixed(0)} MB; target <= 150 MB: ${a.peakRssMB <= 150 ? 'met' : 'not met'})`,
    `load average     ${loadavg().map((x) => x.toFixed(2)).join(' ')} (${cpus().length} CPUs)`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((e: Error) => {
  process.stderr.write(`trace-analyze bench: ${e.stack ?? e.message}\n`);
  process.exitCode = 1;
});
