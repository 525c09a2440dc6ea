// The thread timeline's rows and bars: which threads share a row, and how the spans of a row are merged
// into at most a few bars per time bucket of the visible window, so the Gantt stays readable (and fast)
// with hundreds of threads and tens of thousands of spans while the critical path stays visible.
//
// Pure and DOM-free: the webview calls it on every zoom/pan, the model builder to pre-aggregate huge
// timelines, and the unit tests check its bounds.
import { SPAN_CRITICAL, SPAN_OVERHEAD, SPAN_WAIT, type TimelineModel } from '../protocol/dashboard';

export interface Lane {
  label: string;
  /** Thread indices (into TimelineModel.threads) drawn in this row. */
  threads: number[];
  /** Some span of the row is on the critical path. */
  critical: boolean;
  /** Several similar threads share the row. */
  collapsed: boolean;
}

export interface GanttBar {
  lane: number;
  startUs: number;
  endUs: number;
  /** Index into TimelineModel.phases: the phase with the most time in the bar. */
  phase: number;
  /** Index into TimelineModel.targets, or -1. */
  target: number;
  /** SPAN_* flags shared by every span of the bar. */
  flags: number;
  /** Simulation spans merged into the bar. */
  count: number;
  /** Σ span durations (> endUs - startUs when threads of a collapsed row overlap). */
  busyUs: number;
  pages: number;
  /** Distinct threads contributing. */
  threads: number;
  /** Index into TimelineModel.strings of the longest span's cost term. */
  costTerm: number;
  /** Index into TimelineModel.spans when the bar is exactly one model span, else -1. */
  span: number;
}

export interface GanttOptions {
  fromUs: number;
  toUs: number;
  /** Time buckets per row: each bucket holds at most one bar per kind (work, wait, overhead) and criticality. */
  bucketsPerLane: number;
  showWaits: boolean;
}

/** Rows of at least this many similar threads are collapsed (when collapsing). */
export const COLLAPSE_MIN_THREADS = 3;

/** "padata n0.12" → "padata n0.*", "pgdatinit1" → "pgdatinit*": the name a group of similar threads shares. */
export function threadPattern(name: string): string {
  return name.replace(/\d+$/, '*');
}

/**
 * One row per thread, or (collapse) one row per group of similar threads of the same process ("padata
 * n0.* ×51"). Threads with a span on the critical path always keep a row of their own.
 */
export function buildLanes(t: TimelineModel, collapse: boolean): Lane[] {
  const critical = new Set<number>();
  for (const sp of t.spans) if (sp[6] & SPAN_CRITICAL) critical.add(sp[0]);
  const single = (i: number): Lane => ({ label: t.threads[i].name, threads: [i], critical: critical.has(i), collapsed: false });
  if (!collapse) return t.threads.map((_, i) => single(i));
  const groups = new Map<string, number[]>();
  t.threads.forEach((th, i) => {
    if (critical.has(i)) return;
    const key = `${th.process}\u0000${threadPattern(th.name)}`;
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  const lanes: Lane[] = [];
  const done = new Set<number>();
  t.threads.forEach((th, i) => {
    if (done.has(i)) return;
    const g = critical.has(i) ? undefined : groups.get(`${th.process}\u0000${threadPattern(th.name)}`);
    if (g && g.length >= COLLAPSE_MIN_THREADS) {
      g.forEach((j) => done.add(j));
      lanes.push({ label: `${threadPattern(th.name)} ×${g.length}`, threads: g, critical: false, collapsed: true });
    } else {
      done.add(i);
      lanes.push(single(i));
    }
  });
  return lanes;
}

interface OpenBar {
  bar: GanttBar;
  bucket: number;
  phaseUs: Map<number, number>;
  longestUs: number;
  threadSet: Set<number>;
}

const CLASS_MASK = SPAN_CRITICAL | SPAN_WAIT | SPAN_OVERHEAD;

/**
 * The bars of every row inside [fromUs, toUs]. Spans of one row that start in the same time bucket and
 * share their kind (work / wait / overhead) and criticality merge into one bar spanning them; critical
 * spans never merge with others. So a row has at most one bar per bucket and kind (bounded by
 * 8 × (bucketsPerLane + 1)), whatever the span count. Bars keep their true extent (they may reach
 * outside the window; the chart clips them).
 */
export function aggregateBars(t: TimelineModel, lanes: readonly Lane[], opts: GanttOptions): GanttBar[] {
  const from = opts.fromUs;
  const to = Math.max(opts.toUs, from + 1e-6);
  const width = (to - from) / Math.max(1, Math.floor(opts.bucketsPerLane));
  const laneOf = new Int32Array(t.threads.length).fill(-1);
  lanes.forEach((l, i) => l.threads.forEach((th) => (laneOf[th] = i)));
  // Spans per lane, in start order.
  const perLane: number[][] = lanes.map(() => []);
  t.spans.forEach((sp, i) => {
    const lane = laneOf[sp[0]];
    if (lane < 0 || sp[2] < from || sp[1] > to) return;
    if (!opts.showWaits && sp[6] & SPAN_WAIT) return;
    perLane[lane].push(i);
  });
  const bars: GanttBar[] = [];
  perLane.forEach((idx, lane) => {
    idx.sort((a, b) => t.spans[a][1] - t.spans[b][1] || a - b);
    const open = new Map<number, OpenBar>();
    const close = (o: OpenBar) => {
      let best = o.bar.phase;
      let bestUs = -1;
      for (const [ph, us] of o.phaseUs) if (us > bestUs) [best, bestUs] = [ph, us];
      o.bar.phase = best;
      o.bar.threads = o.threadSet.size;
      if (o.bar.count !== 1) o.bar.span = -1;
      bars.push(o.bar);
    };
    for (const i of idx) {
      const [thread, startUs, endUs, phase, target, pages, flags, costTerm, merged] = t.spans[i];
      const cls = flags & CLASS_MASK;
      const bucket = Math.floor((Math.max(startUs, from) - from) / width);
      const dur = endUs - startUs;
      const o = open.get(cls);
      if (o && o.bucket === bucket) {
        const b = o.bar;
        b.endUs = Math.max(b.endUs, endUs);
        b.count += merged;
        b.busyUs += dur;
        b.pages += pages;
        o.phaseUs.set(phase, (o.phaseUs.get(phase) ?? 0) + dur);
        o.threadSet.add(thread);
        if (dur > o.longestUs) {
          o.longestUs = dur;
          b.costTerm = costTerm;
          b.target = target;
        }
        continue;
      }
      if (o) close(o);
      open.set(cls, {
        bar: { lane, startUs, endUs, phase, target, flags: cls, count: merged, busyUs: dur, pages, threads: 1, costTerm, span: merged === 1 ? i : -1 },
        bucket,
        phaseUs: new Map([[phase, dur]]),
        longestUs: dur,
        threadSet: new Set([thread]),
      });
    }
    for (const o of open.values()) close(o);
  });
  bars.sort((a, b) => a.lane - b.lane || a.startUs - b.startUs);
  return bars;
}

/** Clamp a zoom window to [0, endUs] with a minimum width (1 µs). */
export function clampWindow(fromUs: number, toUs: number, endUs: number): { fromUs: number; toUs: number } {
  const total = Math.max(endUs, 1);
  let w = Math.min(Math.max(toUs - fromUs, Math.min(1, total)), total);
  if (!Number.isFinite(w)) w = total;
  let f = Number.isFinite(fromUs) ? fromUs : 0;
  f = Math.min(Math.max(f, 0), total - w);
  return { fromUs: f, toUs: f + w };
}

/** Zoom by `factor` (< 1 zooms in) around `atUs`, keeping `atUs` at the same place on screen. */
export function zoomWindow(win: { fromUs: number; toUs: number }, factor: number, atUs: number, endUs: number): { fromUs: number; toUs: number } {
  const at = Math.min(Math.max(atUs, win.fromUs), win.toUs);
  return clampWindow(at - (at - win.fromUs) * factor, at + (win.toUs - at) * factor, endUs);
}

/** Pan by `deltaUs` (the window keeps its width). */
export function panWindow(win: { fromUs: number; toUs: number }, deltaUs: number, endUs: number): { fromUs: number; toUs: number } {
  return clampWindow(win.fromUs + deltaUs, win.toUs + deltaUs, endUs);
}
