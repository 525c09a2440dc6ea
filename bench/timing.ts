// Timing-model benchmark: simulate the struct page init timeline of a 64-device, 16-node, 1 PiB
// machine and write its Chrome trace. Prints times, event counts and events per second.
//
//   node --import tsx bench/timing.ts [--runs N] [--keep]     (run by `npm run bench` / `npm run bench -- timing`)
//
// The machine: 16 nodes x 64 CPUs x 32 TiB of DRAM (512 TiB), 48 PMEM namespaces of 8 TiB (fsdax map=dev,
// devdax 2M map=mem, devdax 1G map=mem in turn) and 16 CXL expanders of 8 TiB onlined through dax/kmem
// with memmap_on_memory (4096 memory blocks each, every block onlined under mem_hotplug_lock), plus a
// 1 GiB and a 2 MiB HugeTLB pool per node: 1 PiB of memory in all. Nothing is asserted.

import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigText } from '../src/config/load';
import { simulateMemmap } from '../src/core/index';
import { simulateTiming } from '../src/core/init/timing';
import { writeChromeTrace } from '../src/trace/chrome-export';
import { reps } from './quick';

const TiB = 2 ** 40;
const GiB = 2 ** 30;
const hex = (n: number) => '0x' + n.toString(16);

function petabyteMachine(): string {
  const nodes = [];
  for (let k = 0; k < 16; k++) {
    const ranges = k === 0 ? [{ start: 0, size: 2 * GiB }, { start: 4 * GiB, size: 32 * TiB - 4 * GiB }] : [{ start: k * 32 * TiB, size: 32 * TiB }];
    nodes.push({ id: k, cpus: 64, ranges: ranges.map((r) => ({ start: hex(r.start), size: r.size })) });
  }
  const devices = [];
  for (let i = 0; i < 64; i++) {
    const start = hex(512 * TiB + i * 8 * TiB);
    const node = i % 16;
    if (i >= 48) devices.push({ name: `dax${i}.0`, node, kind: 'cxl', mode: 'kmem', start, size: 8 * TiB, align: 2 * 2 ** 20, map: 'mem', memmapOnMemory: true });
    else {
      const v = i % 3;
      devices.push({
        name: `namespace${i}.0`,
        node,
        kind: 'pmem',
        mode: v === 0 ? 'fsdax' : 'devdax',
        start,
        size: 8 * TiB,
        align: v === 2 ? GiB : 2 * 2 ** 20,
        map: v === 0 ? 'dev' : 'mem',
      });
    }
  }
  const hugetlb = [];
  for (let k = 0; k < 16; k++) hugetlb.push({ node: k, pageSize: GiB, count: 1024 }, { node: k, pageSize: 2 * 2 ** 20, count: 65536 });
  return JSON.stringify({
    name: '16-node 1 PiB machine, 64 devices',
    arch: 'x86_64',
    kernel: { version: '6.12', hvo: true, memmapOnMemory: 'on', deferredInit: true },
    nodes,
    devices,
    hugetlb,
  });
}

function ms(t0: number): number {
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const runs = Number(argv[argv.indexOf('--runs') + 1]) || reps(3, 1);
  const keep = argv.includes('--keep');

  const lr = loadConfigText(petabyteMachine(), 'bench-1pib.memmap.json');
  if (!lr.config) {
    console.error(lr.errors.map((e) => e.message).join('\n'));
    process.exitCode = 1;
    return;
  }
  const cfg = lr.config;
  const total = cfg.nodes.reduce((s, n) => s + n.ranges.reduce((a, r) => a + r.size, 0), 0) + cfg.devices.reduce((s, d) => s + d.size, 0);
  console.log(`machine: ${cfg.nodes.length} nodes, ${cfg.devices.length} devices, ${(total / 2 ** 50).toFixed(3)} PiB`);

  let t0 = performance.now();
  const mem = simulateMemmap(cfg);
  const memMs = ms(t0);
  if (mem.errors.some((e) => e.severity === 'error')) console.log(`memory core errors: ${mem.errors.filter((e) => e.severity === 'error').length} (first: ${mem.errors.find((e) => e.severity === 'error')?.message})`);

  const times: number[] = [];
  let timing = simulateTiming(cfg, mem);
  for (let i = 0; i < runs; i++) {
    t0 = performance.now();
    timing = simulateTiming(cfg, mem);
    times.push(ms(t0));
  }
  times.sort((a, b) => a - b);
  const med = times[Math.floor(times.length / 2)];

  const dir = mkdtempSync(join(tmpdir(), 'memmap-lab-bench-'));
  const file = join(dir, 'trace.json');
  t0 = performance.now();
  const out = createWriteStream(file);
  let buf = '';
  const events = writeChromeTrace(timing, { config: cfg.name }, (c) => {
    buf += c;
    if (buf.length > 1 << 20) {
      out.write(buf);
      buf = '';
    }
  });
  out.end(buf);
  await new Promise<void>((resolve) => out.on('finish', () => resolve()));
  const traceMs = ms(t0);
  const bytes = statSync(file).size;
  if (!keep) rmSync(dir, { recursive: true });

  const s = timing.stats;
  const rows: [string, string][] = [
    ['simulateMemmap (memory half)', `${memMs.toFixed(1)} ms`],
    [`simulateTiming (median of ${runs})`, `${med.toFixed(1)} ms (min ${times[0].toFixed(1)}, max ${times[times.length - 1].toFixed(1)})`],
    ['DES events processed', String(s.events)],
    ['events / second', `${Math.round(s.events / (med / 1000)).toLocaleString('en-US')}`],
    ['spans / threads', `${s.spans} / ${s.threads}`],
    ['write Chrome trace', `${traceMs.toFixed(1)} ms, ${events} trace events, ${(bytes / 2 ** 20).toFixed(1)} MiB${keep ? ` (${file})` : ''}`],
    ['trace events / second', `${Math.round(events / (traceMs / 1000)).toLocaleString('en-US')}`],
    ['simulated boot memory init / everything', `${timing.bootMs.toFixed(1)} ms / ${timing.endMs.toFixed(1)} ms`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
