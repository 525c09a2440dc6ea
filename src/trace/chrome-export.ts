// Chrome Trace Event export of a timing result (`memmap-lab simulate <config> --trace out.json`).
//
// Format: the JSON Object Format of the Trace Event specification ({"traceEvents": [...]}), loadable
// by chrome://tracing and Perfetto (ui.perfetto.dev). One process (pid) per NUMA node and per device,
// one thread (tid) per simulated kernel thread, complete events ("ph": "X") for spans, instant events
// ("ph": "i") for the kernel log lines, metadata events ("ph": "M") naming processes and threads.
//
// Nesting: spans of one thread never overlap, and group spans (a padata job, deferred_init_memmap())
// strictly contain their children, so every track is a proper stack and no viewer needs overflow
// tracks. Timestamps are whole nanoseconds written as microseconds with three decimals, so a child's
// start and end are exactly its parent's when they coincide. Events are sorted by (ts, longer first).

import type { Span, TimingResult } from '../core/init/types';

/** Trace metadata stored in `otherData`. */
export interface ChromeTraceMeta {
  /** Config name. */
  config?: string;
  /** Scenario name, or null for the base config. */
  scenario?: string | null;
  /** Free-form extra fields. */
  [key: string]: unknown;
}

/** One Chrome trace event (the subset we emit). */
export interface ChromeTraceEvent {
  name: string;
  ph: 'X' | 'i' | 'M';
  pid: number;
  tid?: number;
  ts?: number;
  dur?: number;
  cat?: string;
  s?: 't' | 'p' | 'g';
  args?: Record<string, unknown>;
}

/** The trace document. */
export interface ChromeTrace {
  traceEvents: ChromeTraceEvent[];
  displayTimeUnit: 'ms' | 'ns';
  otherData: Record<string, unknown>;
}

/** Whole nanoseconds of a µs value from the timing result (already rounded to 1 ns). */
const nsOf = (us: number): number => Math.round(us * 1000);
const usOf = (ns: number): number => ns / 1000;

/** pid assignment: nodes first (1 + node id), then devices in order (1000 + k), then anything else. */
function processIds(timing: TimingResult): Map<string, number> {
  const names = [...new Set(timing.threads.map((t) => t.process))];
  const pids = new Map<string, number>();
  const nodes = names.filter((n) => /^node \d+$/.test(n)).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  for (const n of nodes) pids.set(n, 1 + Number(n.slice(5)));
  const devOrder = timing.devices.map((d) => `device ${d.name}`);
  let k = 0;
  for (const n of devOrder) if (names.includes(n) && !pids.has(n)) pids.set(n, 1000 + k++);
  for (const n of names) if (!pids.has(n)) pids.set(n, 1000 + k++);
  return pids;
}

function spanArgs(s: Span): Record<string, unknown> {
  const a: Record<string, unknown> = { span: s.id, kind: s.kind, costTerm: s.costTerm, limitedBy: s.limitedBy };
  if (s.pages) a.pages = s.pages;
  if (s.bytes) a.bytes = s.bytes;
  if (s.node !== null) a.node = s.node;
  if (s.device !== null) a.device = s.device;
  if (s.causeId !== null) a.after = s.causeId;
  return a;
}

function spanName(s: Span): string {
  if (s.kind === 'group' && s.phase === 'deferredInit') return `deferred_init_memmap node ${s.node}`;
  const target = s.device ?? (s.node !== null ? `node ${s.node}` : '');
  return target ? `${s.phase} ${target}` : s.phase;
}

/**
 * All trace events, metadata first, then spans and markers sorted by (ts, duration descending,
 * group before leaf, span id). A generator, so a large trace can be streamed.
 */
export function* chromeTraceEvents(timing: TimingResult): Generator<ChromeTraceEvent, void, unknown> {
  const pids = processIds(timing);
  const pidOfTid = new Map<number, number>();
  for (const t of timing.threads) pidOfTid.set(t.tid, pids.get(t.process) as number);
  for (const [name, pid] of [...pids].sort((a, b) => a[1] - b[1])) {
    yield { name: 'process_name', ph: 'M', pid, args: { name } };
    yield { name: 'process_sort_index', ph: 'M', pid, args: { sort_index: pid } };
  }
  for (const t of timing.threads) {
    const pid = pidOfTid.get(t.tid) as number;
    yield { name: 'thread_name', ph: 'M', pid, tid: t.tid + 1, args: { name: t.name } };
    yield { name: 'thread_sort_index', ph: 'M', pid, tid: t.tid + 1, args: { sort_index: t.tid } };
  }
  type Item = { ts: number; dur: number; group: boolean; order: number; ev: () => ChromeTraceEvent };
  const items: Item[] = [];
  for (const s of timing.spans) {
    const start = nsOf(s.startUs);
    const end = nsOf(s.endUs);
    items.push({
      ts: start,
      dur: end - start,
      group: s.kind === 'group',
      order: s.id,
      ev: () => ({
        name: spanName(s),
        cat: s.kind === 'wait' ? 'wait' : s.kind === 'overhead' ? 'overhead' : s.phase,
        ph: 'X',
        pid: pidOfTid.get(s.tid) as number,
        tid: s.tid + 1,
        ts: usOf(start),
        dur: usOf(end - start),
        args: spanArgs(s),
      }),
    });
  }
  timing.markers.forEach((m, i) => {
    const ts = nsOf(m.atUs);
    items.push({
      ts,
      dur: -1,
      group: false,
      order: timing.spans.length + i,
      ev: () => ({
        name: m.name,
        cat: 'log',
        ph: 'i',
        s: 't',
        pid: pidOfTid.get(m.tid) as number,
        tid: m.tid + 1,
        ts: usOf(ts),
        args: { ...(m.log !== null ? { log: m.log } : {}), ...(m.node !== null ? { node: m.node } : {}), ...(m.device !== null ? { device: m.device } : {}) },
      }),
    });
  });
  items.sort((a, b) => a.ts - b.ts || b.dur - a.dur || (a.group === b.group ? 0 : a.group ? -1 : 1) || a.order - b.order);
  for (const it of items) yield it.ev();
}

/** The whole trace as an object (JSON.stringify it to write a file). */
export function toChromeTrace(timing: TimingResult, meta: ChromeTraceMeta = {}): ChromeTrace {
  return { traceEvents: [...chromeTraceEvents(timing)], displayTimeUnit: 'ms', otherData: otherData(timing, meta) };
}

function otherData(timing: TimingResult, meta: ChromeTraceMeta): Record<string, unknown> {
  return {
    generator: 'memmap-lab timing model',
    ...meta,
    bootMs: timing.bootMs,
    memoryLineMs: timing.memoryLineMs,
    endMs: timing.endMs,
    criticalPath: timing.criticalPath.map((c) => c.spanId),
  };
}

/**
 * Stream the trace as JSON text through `write` (one call per event line), for traces too large to
 * build as one string. Produces the same document as JSON.stringify(toChromeTrace(...)) modulo
 * whitespace.
 */
export function writeChromeTrace(timing: TimingResult, meta: ChromeTraceMeta, write: (chunk: string) => void): number {
  write('{"displayTimeUnit":"ms","otherData":');
  write(JSON.stringify(otherData(timing, meta)));
  write(',"traceEvents":[\n');
  let n = 0;
  for (const ev of chromeTraceEvents(timing)) {
    write((n === 0 ? '' : ',\n') + JSON.stringify(ev));
    n++;
  }
  write('\n]}\n');
  return n;
}
