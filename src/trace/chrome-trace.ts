// Chrome Trace Event JSON (the simulator's --trace output, Perfetto/about:tracing exports, other tools):
// the object form {"traceEvents": [...], ...} and the bare array form [...] (whose closing "]" may be
// missing). Read with the streaming tokenizer; one event object is built at a time (bounded: 64 keys,
// 4 levels, strings cut at 4 KiB) and folded into per-name aggregates.
//
//   X            complete event: dur
//   B / E        begin/end on one thread (a stack per pid:tid)
//   b / e, S / F async begin/end (matched by cat, id and name)
//   i / I / n    instant events (counted)
//   C            counters (count and last values)
//   M            metadata: process_name / thread_name
// Instant events with a string args.log (memmap-lab's simulator writes the kernel's log line there) are
// replayed as "[seconds] line" through a kernel log reader, so a simulated trace yields boots like a log.
//
// Only objects with a "ph" are events. An event whose "ts" or "dur" is missing or not a number (null, "",
// true; Number() would make them 0), a negative "dur", an end earlier than its begin, an end without its
// begin and a begin never ended are not summed: each kind is counted in one warning with the byte offset
// of its first event. JSON that is not a trace at all (ndctl / daxctl list output, which `memmap-lab import`
// reads) gets a warning saying so.

import { JsonTokenizer, type JsonHandler } from './json-stream';
import { spanPhase } from './functions';
import { KernelLogReader } from './kernel-log';
import { toUnicode } from './text';
import type { ChromeTraceSpan, ChromeTraceSummary } from './types';

type Json = string | number | boolean | null | JsonObj | Json[];
interface JsonObj {
  [k: string]: Json;
}

const MAX_KEYS = 64;
const MAX_EVENT_DEPTH = 4;
const MAX_NAMES = 5000;
const MAX_OPEN = 10000;
const MAX_SPANS_OUT = 500;
/** B events kept open per thread (deeper ones are skipped, and so are their E events). */
const MAX_DEPTH = 256;
const MAX_OTHER_OUT = 100;

/** Events not read, by why: what the warning says they are, and what became of them. */
const PROBLEMS = {
  ts: ['events with a missing or invalid "ts" (not a number)', 'skipped'],
  dur: ['X events with a missing or invalid "dur" (not a number)', 'skipped'],
  negativeDur: ['X events with a negative "dur"', 'skipped'],
  endBeforeBegin: ['end events (E, e, F) earlier than their begin', 'skipped with their begin'],
  endWithoutBegin: ['end events (E, e, F) without an open begin', 'skipped'],
  beginWithoutEnd: ['begin events (B, b, S) never ended', 'not in the spans'],
  notEvent: ['objects without a "ph" in the event array (not trace events)', 'skipped'],
  tooMany: [`begin events beyond what is kept open (${MAX_DEPTH} nested on a thread, ${MAX_OPEN} threads or async spans)`, 'skipped with their ends'],
} as const;
type Problem = keyof typeof PROBLEMS;

/** Keys of `ndctl list` / `daxctl list` JSON (namespaces, regions, buses, DIMMs, dax devices and regions). */
const NDCTL_KEYS = new Set(['dev', 'chardev', 'mode', 'size', 'regions', 'namespaces', 'dimms', 'devices', 'path']);

interface Agg {
  name: string;
  cat: string | null;
  count: number;
  total: number;
  min: number;
  max: number;
  firstTs: number;
}

/** A begin (B, b, S) waiting for its end; `at` is its byte offset. */
interface Begin {
  name: string;
  cat: string | null;
  ts: number;
  at: number;
}

export class ChromeTraceReader implements JsonHandler {
  private readonly tok = new JsonTokenizer(this);
  private depth = 0;
  private eventsDepth = -1;
  private rootIsObject = false;
  private traceEventsKeyPending = false;
  /** Containers of the event being built; empty when not inside an event. */
  private build: Array<{ c: JsonObj | Json[]; key: string | null }> = [];
  /** > 0 while skipping a part of an event that is too deep. */
  private skip = 0;

  private events = 0;
  private readonly spans = new Map<string, Agg>();
  private readonly instants = new Map<string, number>();
  private readonly counters = new Map<string, { count: number; last: Record<string, number> }>();
  private readonly processNames = new Map<string, string>();
  private readonly threadStacks = new Map<string, Begin[]>();
  /** Per thread, B events skipped past MAX_DEPTH and not ended yet: the next E events end them, not the kept begins. */
  private readonly skippedDepth = new Map<string, number>();
  private readonly asyncOpen = new Map<string, Begin>();
  /** Events not read, by why: how many and the byte offset of the first. */
  private readonly problems = new Map<Problem, { count: number; at: number }>();
  /** Byte offset of the event being built. */
  private eventAt = 0;
  /** Objects of the event array that look like ndctl / daxctl list entries; NDCTL_KEYS seen at the top level. */
  private ndctlObjects = 0;
  private readonly rootNdctlKeys = new Set<string>();
  private sawTraceEvents = false;
  private namesDropped = 0;
  private readonly metadata = new Map<string, string | number | boolean | null>();
  private rootKey: string | null = null;
  private innerKey: string | null = null;
  private logLines = 0;
  readonly log: KernelLogReader;

  constructor(options: ConstructorParameters<typeof KernelLogReader>[0] = {}) {
    this.log = new KernelLogReader(options);
  }

  push(s: string): void {
    this.tok.push(s);
  }

  end(): void {
    this.tok.end();
    this.log.end();
  }

  warnings(): string[] {
    const w: string[] = [];
    if (this.tok.failed) w.push(`JSON syntax error at byte ${this.tok.position}: ${this.tok.error}; events before it were read`);
    else if (!this.tok.done && this.events > 0) w.push(`the trace ends before its closing bracket (byte ${this.tok.position}); all complete events were read`);
    if (this.namesDropped) w.push(`${this.namesDropped} events with more than ${MAX_NAMES} distinct names were counted but not aggregated`);
    this.unended();
    const ndctl = this.events === 0 && (this.ndctlObjects > 0 || ndctlRoot(this.rootNdctlKeys));
    if (ndctl) {
      w.push('not a trace: this looks like `ndctl list` / `daxctl list` JSON (namespaces, regions or dax devices); `memmap-lab import` reads it');
    } else if (this.tok.done && this.rootIsObject && !this.sawTraceEvents) {
      w.push('not a trace: a JSON object without a "traceEvents" array');
    }
    for (const [kind, p] of this.problems) {
      if (kind === 'notEvent' && ndctl) continue;
      const [what, fate] = PROBLEMS[kind];
      w.push(`${what}: ${p.count} ${fate}, the first at byte ${p.at}`);
    }
    return w;
  }

  /** Begins still open at the end of the input: counted once (warnings() may be called again). */
  private unended(): void {
    if (this.problems.has('beginWithoutEnd')) return;
    for (const st of this.threadStacks.values()) for (const b of st) this.problem('beginWithoutEnd', b.at);
    for (const b of this.asyncOpen.values()) this.problem('beginWithoutEnd', b.at);
  }

  private problem(kind: Problem, at = this.eventAt): void {
    const p = this.problems.get(kind);
    if (!p) this.problems.set(kind, { count: 1, at });
    else {
      p.count++;
      if (at < p.at) p.at = at;
    }
  }

  summary(): ChromeTraceSummary {
    const spans: ChromeTraceSpan[] = [...this.spans.values()].map((a) => ({
      name: toUnicode(a.name),
      cat: a.cat === null ? null : toUnicode(a.cat),
      count: a.count,
      totalUs: round3(a.total),
      minUs: round3(a.min),
      maxUs: round3(a.max),
      firstTs: a.firstTs,
      phase: spanPhase(a.name),
    }));
    spans.sort((a, b) => Number(b.phase !== null) - Number(a.phase !== null) || b.totalUs - a.totalUs || a.name.localeCompare(b.name));
    const related = spans.filter((s) => s.phase !== null).length;
    return {
      events: this.events,
      spans: spans.slice(0, Math.max(MAX_SPANS_OUT, related)),
      instants: [...this.instants].sort((a, b) => b[1] - a[1]).slice(0, MAX_OTHER_OUT).map(([name, count]) => ({ name: toUnicode(name), count })),
      counters: [...this.counters].slice(0, MAX_OTHER_OUT).map(([name, c]) => ({ name: toUnicode(name), count: c.count, last: c.last })),
      processNames: Object.fromEntries([...this.processNames].map(([k, v]) => [toUnicode(k), toUnicode(v)])),
      metadata: Object.fromEntries([...this.metadata].map(([k, v]) => [toUnicode(k), typeof v === 'string' ? toUnicode(v) : v])),
      logLines: this.logLines,
      namesSeen: this.spans.size + this.namesDropped,
      truncatedAt: this.tok.done ? null : this.tok.position,
    };
  }

  // ---- tokenizer callbacks ----

  startObject(): void {
    this.depth++;
    if (this.depth === 1) this.rootIsObject = true;
    if (this.skip) {
      this.skip++;
    } else if (this.build.length) {
      this.nest(dict());
    } else if (this.depth === this.eventsDepth + 1 && this.eventsDepth > 0) {
      this.build.push({ c: dict(), key: null });
      this.eventAt = this.tok.start;
    }
    this.traceEventsKeyPending = false;
  }

  endObject(): void {
    this.depth--;
    this.close();
  }

  startArray(): void {
    this.depth++;
    if (this.depth === 1) this.eventsDepth = 1;
    else if (this.traceEventsKeyPending && this.depth === 2) {
      this.eventsDepth = 2;
      this.sawTraceEvents = true;
    }
    this.traceEventsKeyPending = false;
    if (this.skip) this.skip++;
    else if (this.build.length) this.nest([]);
  }

  endArray(): void {
    this.depth--;
    if (this.depth < this.eventsDepth) this.eventsDepth = -1;
    this.close();
  }

  key(k: string): void {
    if (this.build.length && !this.skip) this.build[this.build.length - 1].key = k;
    else if (this.depth === 1 && this.rootIsObject) {
      this.traceEventsKeyPending = k === 'traceEvents';
      this.rootKey = k;
      if (NDCTL_KEYS.has(k)) this.rootNdctlKeys.add(k);
    } else if (this.depth === 2) this.innerKey = k;
  }

  value(v: string | number | boolean | null): void {
    this.traceEventsKeyPending = false;
    if (this.build.length && !this.skip) this.put(v);
    else if (this.rootIsObject && this.metadata.size < MAX_OTHER_OUT) {
      if (this.depth === 1 && this.rootKey !== null) this.metadata.set(this.rootKey, v);
      else if (this.depth === 2 && this.rootKey === 'otherData' && this.innerKey !== null) this.metadata.set(this.innerKey, v);
    }
  }

  // ---- building one event ----

  private put(v: Json): void {
    const top = this.build[this.build.length - 1];
    if (Array.isArray(top.c)) {
      if (top.c.length < MAX_KEYS) top.c.push(v);
    } else if (top.key !== null && Object.keys(top.c).length < MAX_KEYS) {
      top.c[top.key] = v;
    }
  }

  private nest(c: JsonObj | Json[]): void {
    if (this.build.length >= MAX_EVENT_DEPTH) {
      this.skip = 1;
      return;
    }
    this.put(c);
    this.build.push({ c, key: null });
  }

  private close(): void {
    if (this.skip) {
      this.skip--;
      return;
    }
    if (!this.build.length) return;
    const done = this.build.pop()!;
    if (!this.build.length && !Array.isArray(done.c)) this.event(done.c);
  }

  // ---- folding events ----

  private event(e: JsonObj): void {
    if (typeof e.ph !== 'string') {
      this.problem('notEvent');
      if (ndctlObject(e)) this.ndctlObjects++;
      return;
    }
    this.events++;
    const ph = e.ph;
    const name = typeof e.name === 'string' ? e.name : '';
    const cat = typeof e.cat === 'string' ? e.cat : null;
    const ts = micros(e.ts);
    const thread = `${String(e.pid ?? '')}:${String(e.tid ?? '')}`;
    switch (ph) {
      case 'X': {
        const dur = micros(e.dur);
        if (ts === null) this.problem('ts');
        else if (dur === null) this.problem('dur');
        else if (dur < 0) this.problem('negativeDur');
        else this.span(name, cat, dur, ts);
        break;
      }
      case 'B': {
        if (ts === null) {
          this.problem('ts');
          break;
        }
        let st = this.threadStacks.get(thread);
        if (!st) {
          if (this.threadStacks.size >= MAX_OPEN) {
            this.problem('tooMany');
            break;
          }
          this.threadStacks.set(thread, (st = []));
        }
        if (st.length < MAX_DEPTH) st.push({ name, cat, ts, at: this.eventAt });
        else {
          this.problem('tooMany');
          this.skippedDepth.set(thread, (this.skippedDepth.get(thread) ?? 0) + 1);
        }
        break;
      }
      case 'E': {
        // The end of a begin skipped for depth: it ends nothing that was kept.
        const skipped = this.skippedDepth.get(thread);
        if (skipped) {
          this.skippedDepth.set(thread, skipped - 1);
          break;
        }
        // The begin is taken off its thread's stack even when this end cannot close it: left there, it
        // would pair every later end of the thread with the wrong begin.
        const open = this.threadStacks.get(thread)?.pop();
        this.endSpan(open, ts);
        break;
      }
      case 'b':
      case 'S': {
        if (ts === null) this.problem('ts');
        else if (this.asyncOpen.size < MAX_OPEN) this.asyncOpen.set(asyncKey(cat, e, name), { name, cat, ts, at: this.eventAt });
        else this.problem('tooMany');
        break;
      }
      case 'e':
      case 'F': {
        const k = asyncKey(cat, e, name);
        const open = this.asyncOpen.get(k);
        this.asyncOpen.delete(k);
        this.endSpan(open, ts);
        break;
      }
      case 'i':
      case 'I':
      case 'n':
      case 'R': {
        if (this.instants.has(name) || this.instants.size < MAX_NAMES) this.instants.set(name, (this.instants.get(name) ?? 0) + 1);
        const args = e.args;
        const log = args && typeof args === 'object' && !Array.isArray(args) ? args.log : undefined;
        if (typeof log !== 'string') break;
        if (ts === null) {
          this.problem('ts');
          break;
        }
        const sec = Math.max(0, ts) / 1e6;
        this.log.push(`[${sec.toFixed(6).padStart(12, ' ')}] ${log.replace(/[\r\n]+/g, ' ')}\n`);
        this.logLines++;
        break;
      }
      case 'C': {
        let c = this.counters.get(name);
        if (!c && this.counters.size < MAX_NAMES) this.counters.set(name, (c = { count: 0, last: {} }));
        if (c) {
          c.count++;
          const args = e.args;
          if (args && typeof args === 'object' && !Array.isArray(args)) {
            // 1e400 reads as Infinity, which JSON output would print as null: not a counter value.
            for (const [k, v] of Object.entries(args)) if (typeof v === 'number' && Number.isFinite(v)) c.last[toUnicode(k)] = v;
          }
        }
        break;
      }
      case 'M': {
        const args = e.args as JsonObj | undefined;
        const label = args && typeof args === 'object' && !Array.isArray(args) ? args.name : undefined;
        const key = name === 'process_name' ? String(e.pid ?? '') : name === 'thread_name' ? thread : null;
        if (typeof label === 'string' && key !== null && (this.processNames.has(key) || this.processNames.size < MAX_OPEN)) this.processNames.set(key, label);
        break;
      }
    }
  }

  /** An end event (E, e, F) at `ts` for the begin `open` (undefined: none was open). */
  private endSpan(open: Begin | undefined, ts: number | null): void {
    if (ts === null) this.problem('ts');
    else if (!open) this.problem('endWithoutBegin');
    else if (ts < open.ts) this.problem('endBeforeBegin');
    else this.span(open.name, open.cat, ts - open.ts, open.ts);
  }

  private span(name: string, cat: string | null, dur: number, ts: number): void {
    const key = `${cat ?? ''}\0${name}`;
    let a = this.spans.get(key);
    if (!a) {
      if (this.spans.size >= MAX_NAMES) {
        this.namesDropped++;
        return;
      }
      a = { name, cat, count: 0, total: 0, min: Infinity, max: -Infinity, firstTs: ts };
      this.spans.set(key, a);
    }
    a.count++;
    a.total += dur;
    if (dur < a.min) a.min = dur;
    if (dur > a.max) a.max = dur;
    if (ts < a.firstTs) a.firstTs = ts;
  }
}

/** A "ts" or "dur" in microseconds: a finite number, or a string holding one (some exporters quote them);
 *  null for anything else (missing, null, "", true, 1e400 read as Infinity). */
function micros(v: Json | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string' || !/^\s*-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\s*$/.test(v)) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

function asyncKey(cat: string | null, e: JsonObj, name: string): string {
  return `${cat}\0${String(e.id ?? e.id2 ?? '')}\0${name}`;
}

/** An entry of `ndctl list` / `daxctl list`: a namespace, region, bus or DIMM ("dev"), a dax device
 *  ("chardev"), a daxctl region ("path" and "devices"). */
function ndctlObject(e: JsonObj): boolean {
  return typeof e.dev === 'string' || typeof e.chardev === 'string' || (typeof e.path === 'string' && 'devices' in e);
}

/** The top-level keys of an `ndctl list` / `daxctl list` object (a bus with its regions, a single namespace
 *  or dax device). */
function ndctlRoot(keys: ReadonlySet<string>): boolean {
  const has = (k: string) => keys.has(k);
  return has('regions') || has('namespaces') || has('dimms') || ((has('dev') || has('chardev')) && (has('mode') || has('size'))) || (has('path') && has('devices'));
}

/** An object for parsed JSON: no prototype, so a "__proto__" key is an ordinary key. */
function dict(): JsonObj {
  return Object.create(null) as JsonObj;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
