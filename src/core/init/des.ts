// A deterministic discrete-event engine for jobs on threads, CPUs, a lock and write bandwidth.
//
// - Threads are generator functions yielding commands (work, acquire/release, spawn, join, ...).
//   Between two yields a thread runs at one instant of simulated time, so it may read and update
//   shared JS state (a padata chunk cursor, the padata_works pool) without races.
// - CPUs: each thread runs on the CPUs of one node (a counting resource, FIFO). A thread holds a
//   CPU only while it does work; sleeping on the lock or a join does not.
// - Locks: FIFO mutexes with a hand-off cost when ownership passes to a waiter (mem_hotplug_lock).
// - Write bandwidth: work writing struct pages to a media domain ("dram:0", "pmem:1") shares that
//   domain's bandwidth. Each work item alone progresses at speed 1 (its standalone time) and demands
//   bytes / standalone time; when the demands exceed the domain capacity, every item in the domain
//   slows down by capacity / demand (proportional share). So n equal items on one domain take
//   max(work / n, bytes / bandwidth) in aggregate.
// - Every interval a thread spends is a span (work, wait or fixed overhead), and every span records
//   the span whose end made it start (`causeId`), so the critical path is a chain of contiguous spans.
//
// Events are processed in (time, sequence) order; sequence numbers are assigned in program order,
// so a run is a pure function of its inputs. The number of events is proportional to the number of
// jobs and chunks, never to the number of pages.

import type { LimitedBy, Marker, SpanPhase } from './types';

/** A unit of work on a thread. */
export interface WorkSpec {
  phase: SpanPhase;
  node: number | null;
  device: string | null;
  /** Struct pages (or items) the work covers, for reporting. */
  pages: number;
  /** Bytes written to `domain` (0 for no bandwidth demand). */
  bytes: number;
  /** Duration alone on an idle machine, in ns. */
  standaloneNs: number;
  /** What bounds the standalone duration. */
  standaloneLimit: 'cpu' | 'threadWrite' | 'fixed';
  /** Write-bandwidth domain, or null. */
  domain: string | null;
  /** Explanation of the duration: which cost term, at what value. */
  costTerm: string;
  /** Needs a CPU of the thread's node while running (default true). */
  needsCpu?: boolean;
  /**
   * Extend the thread's previous span instead of opening a new one when it is the same kind of work
   * (phase, node, device, cost term) and follows it without a gap (e.g. onlining block after block).
   */
  merge?: boolean;
}

/** Commands a thread can yield. `spawn` resumes with the new tids; the others with undefined. */
export type Command =
  | { op: 'work'; work: WorkSpec }
  | { op: 'delay'; ns: number; phase: SpanPhase; costTerm: string; node?: number | null; device?: string | null }
  | { op: 'acquire'; lock: string; node?: number | null; device?: string | null }
  | { op: 'release'; lock: string }
  | { op: 'spawn'; threads: ThreadSpec[] }
  | { op: 'join'; tids: number[]; node?: number | null; device?: string | null }
  | { op: 'mark'; name: string; log: string | null; node?: number | null; device?: string | null }
  | { op: 'beginGroup'; phase: SpanPhase; node: number | null; device: string | null; costTerm: string }
  | { op: 'endGroup'; pages?: number; bytes?: number };

/** The thread body: a generator of commands. */
export type ThreadBody = (ctx: ThreadContext) => Generator<Command, void, unknown>;

export interface ThreadSpec {
  name: string;
  /** Node whose CPUs the thread runs on. */
  cpuNode: number;
  /** Chrome-trace process the thread belongs to ("node 0", "device namespace0.0"). */
  process: string;
  /** Start latency (a 'threadStart' span), in ns. */
  startDelayNs?: number;
  /** Cost term of the start latency span (default "threadStartNs <n> ns"). */
  startLabel?: string;
  body: ThreadBody;
}

/** What a thread body can see. */
export interface ThreadContext {
  readonly tid: number;
  readonly name: string;
  readonly cpuNode: number;
  /** Current simulated time in ns. */
  now(): number;
  /** The span this thread's next span would follow (its causal predecessor so far), or null. */
  cause(): number | null;
}

/** A recorded span (times in ns). */
export interface RawSpan {
  id: number;
  tid: number;
  startNs: number;
  endNs: number;
  phase: SpanPhase;
  node: number | null;
  device: string | null;
  pages: number;
  bytes: number;
  costTerm: string;
  limitedBy: LimitedBy;
  kind: 'work' | 'wait' | 'overhead' | 'group';
  causeId: number | null;
  parentId: number | null;
}

export interface RawThread {
  tid: number;
  name: string;
  cpuNode: number;
  process: string;
  startNs: number;
  endNs: number | null;
}

export interface EngineOptions {
  /** CPUs per node (a node with 0 CPUs cannot run threads: callers must pick another cpuNode). */
  cpus: ReadonlyMap<number, number>;
  /** Capacity of a bandwidth domain in bytes/ns (= GB/s); Infinity for none. */
  domainCapacity: (domain: string) => number;
  /** Hand-off cost when a lock passes to a waiting thread, in ns. */
  lockHandoffNs: number;
  /** Safety valve: abort after this many events. */
  maxEvents?: number;
}

interface Running {
  th: Thread;
  spanId: number;
  /** Standalone duration, ns. */
  standalone: number;
  /** Bytes per standalone ns. */
  demand: number;
  /** Domain virtual time at which the item completes. */
  vFinish: number;
  /** Domain throttled virtual time when the item started. */
  throttledAtStart: number;
  domain: Domain | null;
  needsCpu: boolean;
  seq: number;
}

interface Thread {
  tid: number;
  name: string;
  cpuNode: number;
  process: string;
  gen: Generator<Command, void, unknown>;
  done: boolean;
  /** Span whose end the thread's next span follows. */
  cause: number | null;
  groups: number[];
  joiners: { th: Thread; waitSpan: number | null; tids: number[] }[];
  lastSpan: number | null;
  startNs: number;
  endNs: number | null;
  /** Pending work waiting for a CPU. */
  pendingWork: WorkSpec | null;
  waitSpan: number | null;
}

interface Lock {
  owner: Thread | null;
  waiters: Thread[];
}

interface CpuPool {
  free: number;
  waiters: Thread[];
}

/**
 * A write-bandwidth domain. All its items progress at the same speed, so it keeps a virtual clock V
 * (standalone ns elapsed per item) and a heap of items by the V at which they finish: one engine
 * event per domain, O(log n) per change.
 */
interface Domain {
  capacity: number;
  V: number;
  lastT: number;
  speed: number;
  demand: number;
  /** Virtual time elapsed while throttled (speed < 1). */
  throttledV: number;
  heap: Running[];
  token: number;
}

function runLess(a: Running, b: Running): boolean {
  return a.vFinish < b.vFinish || (a.vFinish === b.vFinish && a.seq < b.seq);
}

function heapPush(h: Running[], x: Running): void {
  h.push(x);
  let i = h.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (runLess(h[p], h[i])) break;
    [h[p], h[i]] = [h[i], h[p]];
    i = p;
  }
}

function heapPop(h: Running[]): Running | undefined {
  if (h.length === 0) return undefined;
  const top = h[0];
  const last = h.pop() as Running;
  if (h.length > 0) {
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && runLess(h[l], h[m])) m = l;
      if (r < h.length && runLess(h[r], h[m])) m = r;
      if (m === i) break;
      [h[m], h[i]] = [h[i], h[m]];
      i = m;
    }
  }
  return top;
}

const EV_RESUME = 0;
const EV_START = 1;
const EV_DONE = 2;
const EV_DOMAIN = 3;

/** One event; a single shape (monomorphic) keeps the heap fast. */
class Event {
  constructor(
    readonly t: number,
    readonly seq: number,
    readonly kind: number,
    readonly th: Thread | null,
    readonly run: Running | null,
    readonly token: number,
    readonly value: unknown,
    readonly dom: Domain | null = null,
  ) {}
}

/** Binary min-heap on (t, seq). */
class EventHeap {
  private a: Event[] = [];
  get size(): number {
    return this.a.length;
  }
  push(e: Event): void {
    const a = this.a;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(a[p], a[i])) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  pop(): Event | undefined {
    const a = this.a;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop() as Event;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l], a[m])) m = l;
        if (r < a.length && less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}

function less(x: Event, y: Event): boolean {
  return x.t < y.t || (x.t === y.t && x.seq < y.seq);
}

/** The engine. Create, spawn root threads with `spawn`, then `run()`. */
export class Engine {
  readonly spans: RawSpan[] = [];
  readonly markers: (Omit<Marker, 'atUs' | 'thread'> & { atNs: number })[] = [];
  readonly threads: RawThread[] = [];
  events = 0;
  private now = 0;
  private seq = 0;
  private heap = new EventHeap();
  private all: Thread[] = [];
  private locks = new Map<string, Lock>();
  private pools = new Map<number, CpuPool>();
  private domains = new Map<string, Domain>();
  private tokens = 0;

  constructor(private readonly opts: EngineOptions) {
    for (const [node, n] of opts.cpus) this.pools.set(node, { free: n, waiters: [] });
  }

  /** Current time in ns. */
  time(): number {
    return this.now;
  }

  /** Start a root thread at time `atNs` (its cause is null). Returns its tid. */
  spawn(spec: ThreadSpec, atNs = 0): number {
    return this.createThread(spec, atNs, null);
  }

  /** Run to completion. Throws on deadlock (threads blocked forever) or when maxEvents is exceeded. */
  run(): void {
    const max = this.opts.maxEvents ?? 50_000_000;
    for (;;) {
      const e = this.heap.pop();
      if (!e) break;
      if (e.kind === EV_DOMAIN && e.token !== (e.dom as Domain).token) continue; // stale domain event
      this.events++;
      if (this.events > max) throw new Error(`timing DES: more than ${max} events`);
      this.now = e.t;
      if (e.kind === EV_RESUME) this.step(e.th as Thread, e.value);
      else if (e.kind === EV_START) this.step(e.th as Thread, undefined);
      else if (e.kind === EV_DONE) this.finishWork(e.run as Running);
      else this.domainEvent(e.dom as Domain);
    }
    const stuck = this.all.filter((t) => !t.done);
    if (stuck.length > 0) throw new Error(`timing DES: deadlock, threads never finished: ${stuck.map((t) => t.name).join(', ')}`);
  }

  // ------------------------------------------------------------------------------------------

  private pushResume(t: number, th: Thread, value: unknown = undefined): void {
    this.heap.push(new Event(t, this.seq++, EV_RESUME, th, null, 0, value));
  }

  private pushStart(t: number, th: Thread): void {
    this.heap.push(new Event(t, this.seq++, EV_START, th, null, 0, undefined));
  }

  private pushDone(t: number, run: Running): void {
    this.heap.push(new Event(t, this.seq++, EV_DONE, null, run, 0, undefined));
  }

  private pushDomain(t: number, d: Domain): void {
    this.heap.push(new Event(t, this.seq++, EV_DOMAIN, null, null, d.token, undefined, d));
  }

  private createThread(spec: ThreadSpec, atNs: number, cause: number | null): number {
    const tid = this.all.length;
    if (!this.pools.has(spec.cpuNode)) throw new Error(`timing DES: thread ${spec.name} on node ${spec.cpuNode}, which has no CPU pool`);
    const holder: { th: Thread | null } = { th: null };
    const ctx: ThreadContext = { tid, name: spec.name, cpuNode: spec.cpuNode, now: () => this.now, cause: () => holder.th?.cause ?? null };
    const th: Thread = {
      tid,
      name: spec.name,
      cpuNode: spec.cpuNode,
      process: spec.process,
      gen: spec.body(ctx),
      done: false,
      cause,
      groups: [],
      joiners: [],
      lastSpan: null,
      startNs: atNs,
      endNs: null,
      pendingWork: null,
      waitSpan: null,
    };
    holder.th = th;
    this.all.push(th);
    this.threads.push({ tid, name: spec.name, cpuNode: spec.cpuNode, process: spec.process, startNs: atNs, endNs: null });
    const delay = spec.startDelayNs ?? 0;
    if (delay > 0) {
      const id = this.openSpan(th, 'threadStart', null, null, spec.startLabel ?? `threadStartNs ${fmt(delay)} ns`, 'overhead', 'fixed', atNs);
      this.closeSpan(id, atNs + delay);
      th.cause = id;
      this.pushStart(atNs + delay, th);
    } else {
      this.pushStart(atNs, th);
    }
    return tid;
  }

  private openSpan(
    th: Thread,
    phase: SpanPhase,
    node: number | null,
    device: string | null,
    costTerm: string,
    kind: RawSpan['kind'],
    limitedBy: LimitedBy,
    at = this.now,
  ): number {
    const id = this.spans.length;
    const parentId = th.groups.length > 0 ? th.groups[th.groups.length - 1] : null;
    this.spans.push({
      id,
      tid: th.tid,
      startNs: at,
      endNs: at,
      phase,
      node,
      device,
      pages: 0,
      bytes: 0,
      costTerm,
      limitedBy,
      kind,
      causeId: kind === 'group' ? null : th.cause,
      parentId,
    });
    if (kind !== 'group') th.lastSpan = id;
    return id;
  }

  private closeSpan(id: number, at = this.now): void {
    this.spans[id].endNs = at;
  }

  /** Advance a thread until it blocks or ends. */
  private step(th: Thread, value: unknown): void {
    let v = value;
    for (;;) {
      const r = th.gen.next(v);
      v = undefined;
      if (r.done) {
        this.endThread(th);
        return;
      }
      const c = r.value;
      switch (c.op) {
        case 'work':
          this.requestWork(th, c.work);
          return;
        case 'delay': {
          if (c.ns <= 0) break;
          const id = this.openSpan(th, c.phase, c.node ?? null, c.device ?? null, c.costTerm, 'overhead', 'fixed');
          this.closeSpan(id, this.now + c.ns);
          th.cause = id;
          this.pushResume(this.now + c.ns, th);
          return;
        }
        case 'acquire': {
          const lock = this.lock(c.lock);
          if (lock.owner === null) {
            lock.owner = th;
            break;
          }
          if (lock.owner === th) throw new Error(`timing DES: ${th.name} re-acquires ${c.lock}`);
          th.waitSpan = this.openSpan(th, 'lockWait', c.node ?? null, c.device ?? null, `waiting for ${c.lock}`, 'wait', 'wait');
          lock.waiters.push(th);
          return;
        }
        case 'release': {
          const lock = this.lock(c.lock);
          if (lock.owner !== th) throw new Error(`timing DES: ${th.name} releases ${c.lock} it does not hold`);
          this.handOff(lock, th, c.lock);
          break;
        }
        case 'spawn': {
          const tids = c.threads.map((s) => this.createThread(s, this.now, th.cause));
          v = tids;
          break;
        }
        case 'join': {
          const pending = c.tids.filter((t) => !this.all[t].done);
          if (pending.length === 0) {
            // All finished: the join completes now; its cause is the last of them to finish.
            const last = this.lastFinisher(c.tids);
            if (last !== null && last.endNs === this.now && last.cause !== null) th.cause = last.cause;
            break;
          }
          const waitSpan = this.openSpan(th, 'join', c.node ?? null, c.device ?? null, `waiting for ${pending.length} thread(s)`, 'wait', 'wait');
          const j = { th, waitSpan, tids: c.tids };
          for (const t of pending) this.all[t].joiners.push(j);
          return;
        }
        case 'mark':
          this.markers.push({ atNs: this.now, tid: th.tid, name: c.name, log: c.log, node: c.node ?? null, device: c.device ?? null });
          break;
        case 'beginGroup': {
          const id = this.openSpan(th, c.phase, c.node, c.device, c.costTerm, 'group', 'wait');
          th.groups.push(id);
          break;
        }
        case 'endGroup': {
          const id = th.groups.pop();
          if (id === undefined) throw new Error(`timing DES: ${th.name} endGroup without beginGroup`);
          const s = this.spans[id];
          s.endNs = this.now;
          s.pages = c.pages ?? 0;
          s.bytes = c.bytes ?? 0;
          break;
        }
      }
    }
  }

  private lastFinisher(tids: number[]): Thread | null {
    let best: Thread | null = null;
    for (const t of tids) {
      const th = this.all[t];
      if (th.endNs === null) continue;
      if (best === null || (th.endNs as number) > (best.endNs as number)) best = th;
    }
    return best;
  }

  private endThread(th: Thread): void {
    th.done = true;
    th.endNs = this.now;
    this.threads[th.tid].endNs = this.now;
    if (th.groups.length > 0) throw new Error(`timing DES: ${th.name} ended inside a group`);
    for (const j of th.joiners) {
      if (j.tids.every((t) => this.all[t].done)) {
        const w = j.th;
        if (j.waitSpan !== null) this.closeSpan(j.waitSpan);
        w.cause = th.cause;
        this.pushResume(this.now, w);
      }
    }
    th.joiners = [];
  }

  private lock(name: string): Lock {
    let l = this.locks.get(name);
    if (!l) {
      l = { owner: null, waiters: [] };
      this.locks.set(name, l);
    }
    return l;
  }

  private handOff(lock: Lock, from: Thread, name: string): void {
    const next = lock.waiters.shift();
    if (!next) {
      lock.owner = null;
      return;
    }
    lock.owner = next;
    if (next.waitSpan !== null) this.closeSpan(next.waitSpan);
    next.waitSpan = null;
    next.cause = from.cause;
    const h = this.opts.lockHandoffNs;
    if (h > 0) {
      const id = this.openSpan(next, 'lockHandoff', null, null, `lockHandoffNs ${fmt(h)} ns (${name})`, 'overhead', 'fixed');
      this.closeSpan(id, this.now + h);
      next.cause = id;
      this.pushResume(this.now + h, next);
    } else {
      this.pushResume(this.now, next);
    }
  }

  private requestWork(th: Thread, w: WorkSpec): void {
    if (w.needsCpu === false) {
      this.startWork(th, w);
      return;
    }
    const pool = this.pools.get(th.cpuNode) as CpuPool;
    if (pool.free > 0) {
      pool.free--;
      this.startWork(th, w);
      return;
    }
    th.pendingWork = w;
    th.waitSpan = this.openSpan(th, 'cpuWait', w.node, w.device, `no free CPU on node ${th.cpuNode}`, 'wait', 'wait');
    pool.waiters.push(th);
  }

  private startWork(th: Thread, w: WorkSpec): void {
    let id: number;
    const prev = th.lastSpan !== null ? this.spans[th.lastSpan] : null;
    const parent = th.groups.length > 0 ? th.groups[th.groups.length - 1] : null;
    if (
      w.merge &&
      prev !== null &&
      th.cause === prev.id &&
      prev.kind === 'work' &&
      prev.endNs === this.now &&
      prev.phase === w.phase &&
      prev.node === w.node &&
      prev.device === w.device &&
      prev.costTerm === w.costTerm &&
      prev.parentId === parent
    ) {
      id = prev.id;
      prev.pages += w.pages;
      prev.bytes += w.bytes;
      if (prev.limitedBy !== 'bandwidth') prev.limitedBy = w.standaloneLimit;
    } else {
      id = this.openSpan(th, w.phase, w.node, w.device, w.costTerm, 'work', w.standaloneLimit);
      const s = this.spans[id];
      s.pages = w.pages;
      s.bytes = w.bytes;
    }
    const standalone = Math.max(0, w.standaloneNs);
    const demand = standalone > 0 && w.domain !== null ? w.bytes / standalone : 0;
    const d = demand > 0 && w.domain !== null ? this.domain(w.domain) : null;
    const run: Running = {
      th,
      spanId: id,
      standalone,
      demand,
      vFinish: 0,
      throttledAtStart: 0,
      domain: d,
      needsCpu: w.needsCpu !== false,
      seq: ++this.tokens,
    };
    if (d === null) {
      this.pushDone(this.now + standalone, run);
      return;
    }
    this.advance(d);
    run.vFinish = d.V + standalone;
    run.throttledAtStart = d.throttledV;
    heapPush(d.heap, run);
    d.demand += demand;
    this.reschedule(d);
  }

  private domain(key: string): Domain {
    let d = this.domains.get(key);
    if (!d) {
      const cap = this.opts.domainCapacity(key);
      d = { capacity: cap > 0 ? cap : Infinity, V: 0, lastT: this.now, speed: 1, demand: 0, throttledV: 0, heap: [], token: 0 };
      this.domains.set(key, d);
    }
    return d;
  }

  /** Bring the domain's virtual clock up to now. */
  private advance(d: Domain): void {
    const dv = (this.now - d.lastT) * d.speed;
    d.V += dv;
    if (d.speed < 1) d.throttledV += dv;
    d.lastT = this.now;
  }

  /** Recompute the shared speed (capacity / demand when over capacity) and the next completion. */
  private reschedule(d: Domain): void {
    if (d.heap.length === 0) d.demand = 0;
    d.speed = d.demand > d.capacity ? d.capacity / d.demand : 1;
    d.token++;
    const top = d.heap[0];
    if (top) this.pushDomain(this.now + Math.max(0, top.vFinish - d.V) / d.speed, d);
  }

  private domainEvent(d: Domain): void {
    this.advance(d);
    const done: Running[] = [];
    // The event was scheduled for the earliest item: it completes now even if rounding left its
    // virtual finish a hair above V (otherwise time could stop advancing).
    const first = heapPop(d.heap) as Running;
    if (first.vFinish > d.V) d.V = first.vFinish;
    d.demand -= first.demand;
    done.push(first);
    const eps = 1e-12 * Math.max(1, Math.abs(d.V));
    while (d.heap.length > 0 && d.heap[0].vFinish <= d.V + eps) {
      const r = heapPop(d.heap) as Running;
      d.demand -= r.demand;
      done.push(r);
    }
    this.reschedule(d);
    for (const r of done) this.finishWork(r);
  }

  private finishWork(run: Running): void {
    const th = run.th;
    const s = this.spans[run.spanId];
    s.endNs = this.now;
    if (run.domain !== null && run.domain.throttledV > run.throttledAtStart + 1e-9) s.limitedBy = 'bandwidth';
    th.cause = run.spanId;
    if (run.needsCpu) {
      const pool = this.pools.get(th.cpuNode) as CpuPool;
      const waiter = pool.waiters.shift();
      if (waiter) {
        // The CPU passes straight to the first waiter; its work starts now, caused by this span.
        if (waiter.waitSpan !== null) this.closeSpan(waiter.waitSpan);
        waiter.waitSpan = null;
        waiter.cause = run.spanId;
        const w = waiter.pendingWork as WorkSpec;
        waiter.pendingWork = null;
        this.startWork(waiter, w);
      } else {
        pool.free++;
      }
    }
    this.step(th, undefined);
  }
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}
