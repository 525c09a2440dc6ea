// Calibration: a measured point ("node 0 deferred init 1785.7 ms with 1 thread") scales the per-page
// cost it depends on, so that the model reproduces the measurement; predictions for other thread
// counts and sizes then follow from the model's structure (padata chunks, bandwidth, the lock).
//
// For each point the matching part of the workload is simulated alone (the other nodes, devices and
// pools removed, the thread count forced to the point's) and the multiplier s of one cost key
// ("initPage:dram", "zoneDevicePage:pmem", ...) is solved so that the prediction equals the
// measurement: predicted(s) is non-decreasing in s, so bisection on log(s) finds it. Several points
// naming the same key are combined by their geometric mean. A measurement that no multiplier can
// reach (for example faster than the media bandwidth allows) is reported, not forced.

import { scaleKey } from './cost_model';
import { runTimeline } from './timeline';
import type { CalibrationOutcome, CalibrationPoint, CostEra, InitWorkload, MachineParams, MachineProblem, NodeInitWork, TimelineResult } from './types';

interface Isolated {
  w: InitWorkload;
  m: MachineParams;
  key: string;
  metric: (r: TimelineResult) => number;
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
      return {
        w: { ...base, nodes },
        m: withOptions(m, { deferredInitThreads: threads }),
        key: scaleKey('initPage', n.memmapHome.media),
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
      return {
        w: { ...base, devices: [d] },
        m: withOptions(m, { memmapInitThreads: threads, deviceProbeDelayMs: 0 }),
        key,
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
      return {
        w: { ...base, hugetlb: pools },
        m: withOptions(m, {}),
        key: scaleKey('hugetlb', n ? n.memmapHome.media : 'dram'),
        metric: (r) => r.hugetlb.filter((h) => h.node === pt.node).reduce((a, h) => a + h.initMs, 0),
      };
    }
  }
}

const LO = 1e-4;
const HI = 1e4;

function predict(iso: Isolated, scales: ReadonlyMap<string, number>, era: CostEra): number {
  return iso.metric(runTimeline(iso.w, iso.m, scales, era));
}

/** Solve the multiplier for one point; null when the measurement is out of reach. */
function solve(iso: Isolated, target: number, era: CostEra): { scale: number } | { lo: number; hi: number } {
  const at = (s: number): number => predict(iso, new Map([[iso.key, s]]), era);
  const fLo = at(LO);
  const fHi = at(HI);
  if (target < fLo || target > fHi) return { lo: fLo, hi: fHi };
  let lo = Math.log(LO);
  let hi = Math.log(HI);
  for (let i = 0; i < 64; i++) {
    const mid = (lo + hi) / 2;
    if (at(Math.exp(mid)) < target) lo = mid;
    else hi = mid;
  }
  return { scale: Math.exp((lo + hi) / 2) };
}

/** Apply all calibration points: returns the scales, one outcome per usable point, and problems. */
export function calibrate(
  w: InitWorkload,
  m: MachineParams,
  era: CostEra,
): { scales: Map<string, number>; outcomes: CalibrationOutcome[]; problems: MachineProblem[] } {
  const problems: MachineProblem[] = [];
  const solved: { pt: CalibrationPoint; iso: Isolated; scale: number; defaultMs: number }[] = [];
  for (const pt of m.calibration) {
    const iso = isolate(w, m, pt);
    if (typeof iso === 'string') {
      problems.push({ message: `calibration point not used: ${iso}`, path: pt.path, severity: 'warning' });
      continue;
    }
    const defaultMs = predict(iso, new Map(), era);
    const r = solve(iso, pt.ms, era);
    if ('lo' in r) {
      problems.push({
        message: `calibration point not used: ${pt.ms} ms is outside what scaling ${iso.key} can reach (${round(r.lo)} ms .. ${round(r.hi)} ms); ${pt.ms < r.lo ? 'the time is bound by bandwidth or fixed costs: raise machine.media.*.nodeWriteGBps or lower the fixed costs' : 'check the point'}`,
        path: [...pt.path, 'ms'],
        severity: 'warning',
      });
      continue;
    }
    solved.push({ pt, iso, scale: r.scale, defaultMs });
  }
  const byKey = new Map<string, number[]>();
  for (const s of solved) byKey.set(s.iso.key, [...(byKey.get(s.iso.key) ?? []), s.scale]);
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
    scaled: s.iso.key,
    scale: Math.round((scales.get(s.iso.key) ?? 1) * 1e6) / 1e6,
    path: s.pt.path,
  }));
  return { scales, outcomes, problems };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
