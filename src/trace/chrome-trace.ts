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
const MAX_OTHER_OUT = 100;

interface Agg {
  name: string;
  cat: string | null;
  count: number;
  total: number;
  min: number;
  max: number;
  firstTs: number;
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
  private readonly threadStacks = new Map<string, Array<{ name: string; cat: string | null; ts: number }>>();
  private readonly asyncOpen = new Map<string, number>();
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
    return w;
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
    else if (this.traceEventsKeyPending && this.depth === 2) this.eventsDepth = 2;
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
    this.events++;
    const ph = typeof e.ph === 'string' ? e.ph : '';
    const name = typeof e.name === 'string' ? e.name : '';
    const cat = typeof e.cat === 'string' ? e.cat : null;
    const ts = typeof e.ts === 'number' ? e.ts : Number(e.ts);
    const thread = `${String(e.pid ?? '')}:${String(e.tid ?? '')}`;
    switch (ph) {
      case 'X': {
        const dur = typeof e.dur === 'number' ? e.dur : Number(e.dur);
        if (Number.isFinite(dur)) this.span(name, cat, dur, ts);
        break;
      }
      case 'B': {
        let st = this.threadStacks.get(thread);
        if (!st) {
          if (this.threadStacks.size >= MAX_OPEN) break;
          this.threadStacks.set(thread, (st = []));
        }
        if (st.length < 256 && Number.isFinite(ts)) st.push({ name, cat, ts });
        break;
      }
      case 'E': {
        const open = this.threadStacks.get(thread)?.pop();
        if (open && Number.isFinite(ts)) this.span(open.name, open.cat, ts - open.ts, open.ts);
        break;
      }
      case 'b':
      case 'S': {
        if (this.asyncOpen.size < MAX_OPEN && Number.isFinite(ts)) this.asyncOpen.set(`${cat}\0${String(e.id ?? e.id2 ?? '')}\0${name}`, ts);
        break;
      }
      case 'e':
      case 'F': {
        const k = `${cat}\0${String(e.id ?? e.id2 ?? '')}\0${name}`;
        const start = this.asyncOpen.get(k);
        if (start !== undefined && Number.isFinite(ts)) {
          this.asyncOpen.delete(k);
          this.span(name, cat, ts - start, start);
        }
        break;
      }
      case 'i':
      case 'I':
      case 'n':
      case 'R': {
        if (this.instants.has(name) || this.instants.size < MAX_NAMES) this.instants.set(name, (this.instants.get(name) ?? 0) + 1);
        const args = e.args;
        const log = args && typeof args === 'object' && !Array.isArray(args) ? args.log : undefined;
        if (typeof log === 'string' && Number.isFinite(ts)) {
          const sec = Math.max(0, ts) / 1e6;
          this.log.push(`[${sec.toFixed(6).padStart(12, ' ')}] ${log.replace(/[\r\n]+/g, ' ')}\n`);
          this.logLines++;
        }
        break;
      }
      case 'C': {
        let c = this.counters.get(name);
        if (!c && this.counters.size < MAX_NAMES) this.counters.set(name, (c = { count: 0, last: {} }));
        if (c) {
          c.count++;
          const args = e.args;
          if (args && typeof args === 'object' && !Array.isArray(args)) {
            for (const [k, v] of Object.entries(args)) if (typeof v === 'number') c.last[toUnicode(k)] = v;
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

  private span(name: string, cat: string | null, dur: number, ts: number): void {
    const key = `${cat ?? ''}\0${name}`;
    let a = this.spans.get(key);
    if (!a) {
      if (this.spans.size >= MAX_NAMES) {
        this.namesDropped++;
        return;
      }
      a = { name, cat, count: 0, total: 0, min: Infinity, max: -Infinity, firstTs: Number.isFinite(ts) ? ts : 0 };
      this.spans.set(key, a);
    }
    a.count++;
    a.total += dur;
    if (dur < a.min) a.min = dur;
    if (dur > a.max) a.max = dur;
    if (Number.isFinite(ts) && ts < a.firstTs) a.firstTs = ts;
  }
}

/** An object for parsed JSON: no prototype, so a "__proto__" key is an ordinary key. */
function dict(): JsonObj {
  return Object.create(null) as JsonObj;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
