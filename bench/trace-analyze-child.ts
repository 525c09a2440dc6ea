// The measured side of bench/trace-analyze.ts: analyzeFile() on one file, in a process of its own, run from
// an esbuild bundle of this file (as `memmap-lab analyze` runs dist/cli.js). Prints one JSON line.
//
//   node bench/out/trace-analyze-child.js <file> [--warm]

import { readdirSync, readFileSync } from 'node:fs';
import { analyzeFile } from '../src/trace/analyze';

const MB = 1e6;

export interface ChildResult {
  seconds: number;
  cpuSeconds: number;
  bytes: number;
  lines: number;
  boots: number;
  facts: number;
  baseRssMB: number;
  peakRssMB: number;
  /** CPU seconds of the calling thread (the rules) and of V8's own threads (JIT compilers, GC helpers);
   *  the reader thread has the rest. null where /proc/self/task is not there. */
  mainCpuSeconds: number | null;
  v8CpuSeconds: number | null;
}

/** CPU seconds per thread of this process, by thread id (Linux). */
function threadCpu(): Map<string, number> | null {
  try {
    const out = new Map<string, number>();
    for (const t of readdirSync('/proc/self/task')) {
      const s = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      out.set(t, (Number(f[11]) + Number(f[12])) / 100);
    }
    return out;
  } catch {
    return null;
  }
}

/** `warm`: analyze the file once before the measured run, so that V8 has compiled the rules (the
 *  extension host's situation from the second log on; the CLI runs cold). */
async function child(file: string, warm: boolean): Promise<void> {
  if (warm) await analyzeFile(file, { retainBoots: 0, onBoot: () => undefined });
  const baseRssMB = process.memoryUsage().rss / MB;
  const th0 = threadCpu();
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
  // The reader thread has ended by now; the threads left are this one and V8's (whose ids are not ours).
  const th1 = threadCpu();
  const own = String(process.pid);
  const spent = (t: string) => (th1?.get(t) ?? 0) - (th0?.get(t) ?? 0);
  const out: ChildResult = {
    seconds,
    cpuSeconds: (c.user + c.system) / 1e6,
    bytes: r.sizeBytes,
    lines: r.lines,
    boots,
    facts,
    baseRssMB,
    peakRssMB: (process.resourceUsage().maxRSS * 1024) / MB,
    mainCpuSeconds: th1 ? spent(own) : null,
    v8CpuSeconds: th1 ? [...th1.keys()].filter((t) => t !== own).reduce((a, t) => a + spent(t), 0) : null,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}


child(process.argv[2], process.argv[3] === '--warm').catch((e: Error) => {
  process.stderr.write(`trace-analyze child: ${e.stack ?? e.message}\n`);
  process.exitCode = 1;
});
