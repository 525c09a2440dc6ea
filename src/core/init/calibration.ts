// Calibration: a measured point ("node 0 deferred init 1785.7 ms with 1 thread") scales the cost the
// measurement depends on, so that the model reproduces it; predictions for other thread counts and sizes
// then follow from the model's structure (padata chunks, bandwidth, the lock).
//
// For each point the matching part of the workload is simulated alone (the other nodes, devices and
// pools removed, the thread count forced to the point's), and one of two multipliers is solved so that
// the prediction equals the measurement:
//   - the per-page cost of the point's term and media ("initPage:dram", "zoneDevicePage:pmem", ...), or
//   - the media's node write bandwidth ("writeBw:dram": a multiplier on nodeWriteGBps, > 1 = faster),
// whichever binds in the isolated run with the defaults: the one the prediction is more sensitive to
// (a 1% change). deferred_init_memmap() runs with all the node's CPUs, so a dmesg time from a node with
// more than ~11 CPUs is bandwidth-bound: scaling the per-page cost to fit it would also slow the
// single-threaded phases (early memmap_init, hot-add) by the same factor. A measurement the binding key
// cannot reach is tried with the other; one that neither reaches (faster than the fixed costs and the
// CPU floor allow) is reported, not forced. The prediction is monotonic in either multiplier
// (non-decreasing in a per-page cost, non-increasing in a bandwidth), so bisection on log(s) finds it.
// Several points solving the same key are combined by their geometric mean.

import { bandwidthScaleKey, scaleKey } from './cost_model';
import { runTimeline } from './timeline';
import type { CalibrationOutcome, CalibrationPoint, CostEra, InitWorkload, MachineParams, MachineProblem, Media, NodeInitWork, TimelineResult } from './types';

interface Isolated {
  w: InitWorkload;
  m: MachineParams;
  /** The per-page cost key ("initPage:dram"). */
  key: string;
  /** The bandwidth key of the same media ("writeBw:dram"). */
  bwKey: string;
  /** Threads the point says it ran, and the CPUs of the node that runs them (for the sanity warning). */
  cpuCheck: { threads: number; cpus: number; node: number } | null;
  metric: (r: TimelineResult) => number;
}

/** The node whose CPUs run work for memory on `node` (itself, or the nearest node id with CPUs). */
function cpuNodeOf(w: InitWorkload, node: number): { id: number; cpus: number } | null {
  const withCpus = w.nodes.filter((n) => n.cpus > 0);
  const self = withCpus.find((n) => n.id === node);
  if (self) return { id: self.id, cpus: self.cpus };
  let best: NodeInitWork | null = null;
  for (const n of withCpus) if (best === null || Math.abs(n.id - node) < Math.abs(best.id - node)) best = n;
  return best ? { id: best.id, cpus: best.cpus } : null;
}

function keysOf(pageKey: string, media: Media): { key: string; bwKey: string } {
  return { key: pageKey, bwKey: bandwidthScaleKey(media) };
}

function idleNode(n: NodeInitWork): NodeInitWork {
  return { ...n, bootVmemmap: { pmdBlocks: 0, basePages: 0, reusedPtes: 0 }, earlyPages: 0, reservedPages: 0, deferredRanges: [], deferredPages: 0 };
}

function withOptions(m: MachineParams, patch: Partial<MachineParams['options']>): MachineParams {
  return { ...m, options: { ...m.options, ...patch }, calibration: [] };
}

/** The isolated experiment for a point, or an error message. */
export function isolate(w: InitWorkload, m: MachineParams, pt: CalibrationPoint): Isolated | string {
  const idle = w.nodes.map(idleNode);
  const base: InitWorkload = { ...w, nodes: idle, devices: [], hugetlb: [] };
  switch (pt.phase) {
    case 'deferred':
    case 'early': {
      const n = w.nodes.find((x) => x.id === pt.node);
      if (!n) return `no node ${pt.node} in the config`;
      if (pt.phase === 'deferred' && n.deferredRanges.length === 0) return `node ${pt.node} has nothing deferred (deferred init off, or all its memory is initialized early)`;
      if (pt.phase === 'early' && n.earlyPages === 0) return `node ${pt.node} has no early-initialized pages`;
      const nodes = idle.map((x) => (x.id !== n.id ? x : pt.phase === 'deferred' ? { ...x, deferredRanges: n.deferredRanges, deferredPages: n.deferredPages } : { ...x, earlyPages: n.earlyPages }));
      const threads = pt.phase === 'deferred' && pt.threads !== null ? Math.max(1, pt.threads) : m.options.deferredInitThreads;
      const runner = cpuNodeOf(w, n.id);
      return {
        w: { ...base, nodes },
        m: withOptions(m, { deferredInitThreads: threads }),
        ...keysOf(scaleKey('initPage', n.memmapHome.media), n.memmapHome.media),
        cpuCheck: pt.phase === 'deferred' && pt.threads !== null && runner ? { threads: pt.threads, cpus: runner.cpus, node: runner.id } : null,
        metric: (r) => {
          const t = r.nodes.find((x) => x.id === n.id);
          return t ? (pt.phase === 'deferred' ? t.deferredMs : t.earlyMs) : 0;
        },
      };
    }
    case 'zoneDevice':
    case 'hotplugOnline':
    case 'populate': {
      const d = w.devices.find((x) => x.name === pt.device);
      if (!d) return `no device or hot-add entry named "${pt.device}"`;
      if (pt.phase === 'zoneDevice' && d.kind !== 'zoneDevice') return `"${pt.device}" is not a ZONE_DEVICE namespace (fsdax/devdax); use phase "hotplugOnline"`;
      if (pt.phase === 'hotplugOnline' && d.kind !== 'hotplug') return `"${pt.device}" is not hot-added memory (kmem / hotplug); use phase "zoneDevice"`;
      const key =
        pt.phase === 'zoneDevice' ? scaleKey('zoneDevicePage', d.memmapHome.media) : pt.phase === 'hotplugOnline' ? scaleKey('initPage', d.memmapHome.media) : scaleKey('populate', d.memmapHome.media);
      const threads = pt.phase === 'zoneDevice' && pt.threads !== null ? Math.max(1, pt.threads) : m.options.memmapInitThreads;
      const runner = cpuNodeOf(w, d.node);
      return {
        w: { ...base, devices: [d] },
        m: withOptions(m, { memmapInitThreads: threads, deviceProbeDelayMs: 0 }),
        ...keysOf(key, d.memmapHome.media),
        cpuCheck: pt.phase === 'zoneDevice' && pt.threads !== null && runner ? { threads: pt.threads, cpus: runner.cpus, node: runner.id } : null,
        metric: (r) => {
          const t = r.devices[0];
          return pt.phase === 'populate' ? t.populateMs : t.initMs;
        },
      };
    }
    case 'hugetlb': {
      const pools = w.hugetlb.filter((p) => p.node === pt.node && p.count > 0);
      if (pools.length === 0) return `no boot HugeTLB pool on node ${pt.node}`;
      const n = w.nodes.find((x) => x.id === pt.node);
      const media = n ? n.memmapHome.media : 'dram';
      return {
        w: { ...base, hugetlb: pools },
        m: withOptions(m, {}),
        ...keysOf(scaleKey('hugetlb', media), media),
        cpuCheck: null,
        metric: (r) => r.hugetlb.filter((h) => h.node === pt.node).reduce((a, h) => a + h.initMs, 0),
      };
    }
  }
}

const LO = 1e-4;
const HI = 1e4;
/** The step of the sensitivity test that decides which constraint binds. */
const PROBE = 1.01;

function predict(iso: Isolated, scales: ReadonlyMap<string, number>, era: CostEra): number {
  return iso.metric(runTimeline(iso.w, iso.m, scales, era));
}

/** Bandwidth keys make the prediction faster as they grow; per-page keys slower. */
function isBandwidthKey(key: string): boolean {
  return key.startsWith('writeBw:');
}

type Solved = { scale: number } | { lo: number; hi: number };

/** Solve the multiplier of `key` for one point, or the range of predictions it can reach. */
function solve(iso: Isolated, key: string, target: number, era: CostEra): Solved {
  // f(u) = prediction with the multiplier at e^(+-u): non-decreasing in u either way.
  const sign = isBandwidthKey(key) ? -1 : 1;
  const at = (u: number): number => predict(iso, new Map([[key, Math.exp(sign * u)]]), era);
  let lo = Math.log(LO);
  let hi = Math.log(HI);
  const fLo = at(lo);
  const fHi = at(hi);
  if (target < fLo || target > fHi) return { lo: fLo, hi: fHi };
  for (let i = 0; i < 64; i++) {
    const mid = (lo + hi) / 2;
    if (at(mid) < target) lo = mid;
    else hi = mid;
  }
  return { scale: Math.exp((sign * (lo + hi)) / 2) };
}

/**
 * The key whose constraint binds in the isolated run with the defaults: the elasticity of the prediction
 * to a 1% slower per-page cost vs a 1% lower node bandwidth. Ties (both 0: fixed costs only, or both
 * partly binding to the same degree) go to the per-page cost.
 */
function bindingKeys(iso: Isolated, era: CostEra, base: number): { order: [string, string]; bound: 'per-page cost' | 'node write bandwidth' } {
  const slowerPage = predict(iso, new Map([[iso.key, PROBE]]), era);
  const lowerBw = predict(iso, new Map([[iso.bwKey, 1 / PROBE]]), era);
  const ePage = base > 0 ? Math.log(slowerPage / base) : 0;
  const eBw = base > 0 ? Math.log(lowerBw / base) : 0;
  return eBw > ePage ? { order: [iso.bwKey, iso.key], bound: 'node write bandwidth' } : { order: [iso.key, iso.bwKey], bound: 'per-page cost' };
}

/** Apply all calibration points: returns the scales, one outcome per usable point, and problems. */
export function calibrate(
  w: InitWorkload,
  m: MachineParams,
  era: CostEra,
): { scales: Map<string, number>; outcomes: CalibrationOutcome[]; problems: MachineProblem[] } {
  const problems: MachineProblem[] = [];
  const solved: { pt: CalibrationPoint; iso: Isolated; key: string; scale: number; defaultMs: number }[] = [];
  for (const pt of m.calibration) {
    const iso = isolate(w, m, pt);
    if (typeof iso === 'string') {
      problems.push({ message: `calibration point not used: ${iso}`, path: pt.path, severity: 'warning' });
      continue;
    }
    const c = iso.cpuCheck;
    if (c !== null && c.threads > c.cpus) {
      problems.push({
        message: `calibration point: ${c.threads} threads on node ${c.node}, which has ${c.cpus} CPUs (the kernel never asks for more threads than the node's CPUs: check the point's threads or the node's cpus); the model runs the ${c.threads} threads on the ${c.cpus} CPUs`,
        path: [...pt.path, 'threads'],
        severity: 'warning',
      });
    }
    const defaultMs = predict(iso, new Map(), era);
    const { order, bound } = bindingKeys(iso, era, defaultMs);
    const tries: { key: string; r: Solved }[] = [];
    let done: { key: string; scale: number } | null = null;
    for (const key of order) {
      const r = solve(iso, key, pt.ms, era);
      tries.push({ key, r });
      if ('scale' in r) {
        done = { key, scale: r.scale };
        break;
      }
    }
    if (done === null) {
      const ranges = tries.map((t) => ('lo' in t.r ? `${t.key} (${round(t.r.lo)} ms .. ${round(t.r.hi)} ms)` : t.key)).join(' or ');
      const floor = Math.max(...tries.map((t) => ('lo' in t.r ? t.r.lo : 0)));
      problems.push({
        message: `calibration point not used: ${pt.ms} ms is outside what scaling ${ranges} can reach (the isolated run is bound by the ${bound}); ${pt.ms < floor ? 'faster than any per-page cost or node write bandwidth allows: the fixed costs (thread start, page tables) and the CPU floor remain; check the point and its threads' : 'check the point'}`,
        path: [...pt.path, 'ms'],
        severity: 'warning',
      });
      continue;
    }
    solved.push({ pt, iso, key: done.key, scale: done.scale, defaultMs });
  }
  const byKey = new Map<string, number[]>();
  for (const s of solved) byKey.set(s.key, [...(byKey.get(s.key) ?? []), s.scale]);
  const scales = new Map<string, number>();
  for (const [k, v] of byKey) scales.set(k, Math.exp(v.reduce((a, x) => a + Math.log(x), 0) / v.length));
  const outcomes: CalibrationOutcome[] = solved.map((s) => ({
    phase: s.pt.phase,
    node: s.pt.node,
    device: s.pt.device,
    threads: s.pt.threads,
    measuredMs: s.pt.ms,
    defaultMs: round(s.defaultMs),
    predictedMs: round(predict(s.iso, scales, era)),
    scaled: s.key,
    scale: Math.round((scales.get(s.key) ?? 1) * 1e6) / 1e6,
    path: s.pt.path,
  }));
  return { scales, outcomes, problems };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
