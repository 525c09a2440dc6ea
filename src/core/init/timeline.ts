// One timing run: the boot sequence and the device probes as DES threads, then the result tables,
// markers and critical paths derived from the recorded spans.
//
// Boot order (6.12; 6.1 differences in brackets), all on the boot CPU unless said otherwise:
//   sparse_init -> memmap_init -> [before 6.7: memmap_init_reserved_pages for gigantic hugetlb]
//   [6.1: "Memory:" line] -> page_alloc_init_late: one pgdatinit thread per N_MEMORY node + padata
//   helpers, boot waits for all -> [6.9+: hugetlb_bootmem_struct_page_init, padata over nodes]
//   -> [6.12: "Memory:" line] -> hugetlb_init (subsys_initcall): [before 6.9: gather, serial]
//   non-gigantic pools -> end of boot memory init (bootMs) -> device probes and hot-adds, which
//   contend for mem_hotplug_lock.

import { Engine, type RawSpan } from './des';
import { type CostScales, nodeWriteGBps } from './cost_model';
import { pgdatinitThread } from './deferred_init';
import { type Env, type Program, makeEnv } from './env';
import { gatherBootmemPreallocSerial, hstateName, hugetlbAllocNonGigantic, hugetlbBootmemStructPageInit } from './hugetlb_init';
import { hotAddThread } from './hotplug_lock';
import { memmapInitEarly, memmapInitReserved, sparseInit } from './memmap_init';
import type {
  CostEra,
  CriticalPathEntry,
  DeviceTiming,
  HugetlbTiming,
  InitWorkload,
  MachineParams,
  Marker,
  NodeTiming,
  Span,
  TimelineResult,
} from './types';
import { zoneDeviceProbeThread } from './zone_device_init';

const BOOT_THREAD = 'swapper/0';

function* bootSequence(env: Env, ctx: Parameters<typeof sparseInit>[1]): Program {
  const f = env.w.features;
  yield* sparseInit(env, ctx);
  yield* memmapInitEarly(env, ctx);
  yield* memmapInitReserved(env, ctx);
  if (!f.memoryLineAfterDeferred) {
    env.memoryLineNs = ctx.now();
    yield { op: 'mark', name: 'Memory: line', log: 'Memory: ...K/...K available (mem_init_print_info, before deferred init)' };
  }
  if (f.deferredInit) {
    const nodes = env.w.nodes.filter((n) => n.hasMemory);
    if (nodes.length > 0) {
      const tids = (yield { op: 'spawn', threads: nodes.map((n) => pgdatinitThread(env, n)) }) as number[];
      yield { op: 'join', tids };
    }
  }
  if (f.hugetlbParallel) yield* hugetlbBootmemStructPageInit(env, ctx);
  if (f.memoryLineAfterDeferred) {
    env.memoryLineNs = ctx.now();
    yield { op: 'mark', name: 'Memory: line', log: 'Memory: ...K/...K available (mem_init_print_info, end of page_alloc_init_late)' };
  }
  // hugetlb_init(): before 6.9, hugetlb_init_hstates() allocates the smaller pools, then gather_bootmem_prealloc().
  yield* hugetlbAllocNonGigantic(env, ctx);
  if (!f.hugetlbParallel) yield* gatherBootmemPreallocSerial(env, ctx);
  env.bootEndNs = ctx.now();
  env.bootEndCause = ctx.cause();
  yield { op: 'mark', name: 'boot memory init done', log: null };
  if (env.w.devices.length > 0) {
    const delay = env.m.options.deviceProbeDelayMs * 1e6;
    const specs = env.w.devices.map((d) => {
      const s = d.kind === 'zoneDevice' ? zoneDeviceProbeThread(env, d) : hotAddThread(env, d);
      const start = (s.startDelayNs ?? 0) + delay;
      return { ...s, startDelayNs: start, startLabel: delay > 0 ? `deviceProbeDelayMs ${env.m.options.deviceProbeDelayMs} ms + threadStartNs` : undefined };
    });
    yield { op: 'spawn', threads: specs };
  }
}

/** Run the DES for a workload with given parameters and calibration scales. */
export function runTimeline(w: InitWorkload, m: MachineParams, scales: CostScales, era: CostEra): TimelineResult {
  const env = makeEnv(w, m, scales, era);
  const cpus = new Map<number, number>();
  for (const n of w.nodes) cpus.set(n.id, n.cpus);
  for (const id of env.cpuNodes) if (!((cpus.get(id) ?? 0) > 0)) cpus.set(id, 1);
  const engine = new Engine({
    cpus,
    domainCapacity: (key) => {
      // A combined domain (HugeTLB rotation over nodes) was registered with its capacity before use.
      const combined = env.domainCapacities.get(key);
      if (combined !== undefined) return combined;
      const media = key.split(':')[0] as keyof MachineParams['media'];
      return m.media[media] ? nodeWriteGBps(m, scales, media) : Infinity;
    },
    lockHandoffNs: m.costs.lockHandoffNs,
  });
  engine.spawn({ name: BOOT_THREAD, cpuNode: env.bootCpuNode, process: `node ${env.bootCpuNode}`, body: (ctx) => bootSequence(env, ctx) });
  engine.run();
  return buildResult(env, engine);
}

const us = (ns: number): number => Math.round(ns) / 1000;
const ms = (ns: number): number => Math.round(ns) / 1e6;

function buildResult(env: Env, engine: Engine): TimelineResult {
  const threadName = (tid: number): string => engine.threads[tid].name;
  const spans: Span[] = engine.spans.map((s) => ({
    id: s.id,
    thread: threadName(s.tid),
    tid: s.tid,
    startUs: us(s.startNs),
    endUs: us(s.endNs),
    phase: s.phase,
    node: s.node,
    device: s.device,
    pages: s.pages,
    bytes: s.bytes,
    costTerm: s.costTerm,
    limitedBy: s.limitedBy,
    kind: s.kind,
    causeId: s.causeId,
    parentId: s.parentId,
  }));
  const markers: Marker[] = engine.markers.map((mk) => ({
    atUs: us(mk.atNs),
    thread: threadName(mk.tid),
    tid: mk.tid,
    name: mk.name,
    log: mk.log,
    node: mk.node,
    device: mk.device,
  }));
  const raw = engine.spans;
  let endNs = Math.max(env.bootEndNs, 0);
  // One pass over the spans: per-node, per-device and per-pool sums.
  const earlyByNode = new Map<number, number>();
  const groupByNode = new Map<number, RawSpan>();
  interface DevAcc {
    populate: number;
    wait: number;
    online: number;
    initStart: number;
    initEnd: number;
    pages: number;
  }
  const dev = new Map<string, DevAcc>();
  const pool = new Map<string, { t: number; hvo: number }>();
  let last: RawSpan | null = null;
  for (const s of raw) {
    const d = s.endNs - s.startNs;
    if (s.kind === 'group') {
      if (s.phase === 'deferredInit' && s.node !== null && !groupByNode.has(s.node)) groupByNode.set(s.node, s);
      continue;
    }
    if (s.endNs > endNs) endNs = s.endNs;
    // A wait ends when some other span ends: the path starts from that one.
    if (s.kind !== 'wait' && (last === null || s.endNs > last.endNs || (s.endNs === last.endNs && s.id > last.id))) last = s;
    if (s.node !== null && (s.phase === 'sparseInit' || s.phase === 'memmapInitEarly' || s.phase === 'memmapInitReserved')) {
      earlyByNode.set(s.node, (earlyByNode.get(s.node) ?? 0) + d);
    }
    if (s.device === null) continue;
    if (s.phase === 'hugetlbGather' || s.phase === 'hugetlbAlloc' || s.phase === 'hvo' || s.phase === 'memmapInitReserved') {
      const k = `${s.node}:${s.device}`;
      const a = pool.get(k) ?? { t: 0, hvo: 0 };
      a.t += d;
      if (s.phase === 'hvo') a.hvo += d;
      pool.set(k, a);
      continue;
    }
    let a = dev.get(s.device);
    if (!a) {
      a = { populate: 0, wait: 0, online: 0, initStart: Infinity, initEnd: -Infinity, pages: 0 };
      dev.set(s.device, a);
    }
    switch (s.phase) {
      case 'devicePopulate':
      case 'hotplugAdd':
        a.populate += d;
        break;
      case 'deviceAltmapInit':
        a.populate += d;
        a.pages += s.pages;
        break;
      case 'lockWait':
      case 'lockHandoff':
        a.wait += d;
        break;
      case 'zoneDeviceInit':
        a.initStart = Math.min(a.initStart, s.startNs);
        a.initEnd = Math.max(a.initEnd, s.endNs);
        a.pages += s.pages;
        break;
      case 'memoryBlockOnline':
        a.online += d;
        a.pages += s.pages;
        break;
    }
  }
  const readyAt = new Map<string, number>();
  for (const mk of engine.markers) if (mk.device !== null && !readyAt.has(mk.device)) readyAt.set(mk.device, mk.atNs);

  const nodes: NodeTiming[] = env.w.nodes.map((n) => {
    const g = groupByNode.get(n.id);
    return {
      id: n.id,
      earlyMs: ms(earlyByNode.get(n.id) ?? 0),
      deferredMs: g ? ms(g.endNs - g.startNs) : 0,
      threads: env.deferredThreads.get(n.id) ?? (n.deferredRanges.length > 0 ? 1 : 0),
      earlyPages: n.earlyPages + n.reservedPages,
      deferredPages: n.deferredPages,
      doneAtMs: g ? ms(g.endNs) : null,
    };
  });

  const devices: DeviceTiming[] = env.w.devices.map((d) => {
    const a = dev.get(d.name);
    const init = !a ? 0 : d.kind === 'zoneDevice' ? (a.initEnd >= a.initStart ? a.initEnd - a.initStart : 0) : a.online;
    const ready = readyAt.get(d.name);
    return {
      name: d.name,
      kind: d.kind,
      node: d.node,
      populateMs: ms(a?.populate ?? 0),
      initMs: ms(init),
      lockWaitMs: ms(a?.wait ?? 0),
      readyAtMs: ready !== undefined ? ms(ready) : 0,
      pages: a?.pages ?? 0,
      threads: env.deviceThreads.get(d.name) ?? 1,
    };
  });

  const hugetlb: HugetlbTiming[] = env.w.hugetlb.map((p) => {
    const a = pool.get(`${p.node}:${hstateName(p.pageSizeBytes)}`) ?? { t: 0, hvo: 0 };
    return { node: p.node, pageSizeBytes: p.pageSizeBytes, count: p.count, initMs: ms(a.t), hvoMs: ms(a.hvo) };
  });

  // Critical paths.
  const criticalPath = chain(raw, last ? last.id : null, threadName);
  const bootCriticalPath = chain(raw, env.bootEndCause, threadName);

  return {
    bootMs: ms(env.bootEndNs),
    memoryLineMs: ms(env.memoryLineNs),
    endMs: ms(endNs),
    nodes,
    devices,
    hugetlb,
    criticalPath,
    bootCriticalPath,
    spans,
    markers,
    threads: engine.threads.map((t) => ({ tid: t.tid, name: t.name, cpuNode: t.cpuNode, process: t.process })),
    stats: { events: engine.events, spans: spans.length, threads: engine.threads.length },
  };
}

/** Follow causeId from `endId` back to t=0; returns the chain in time order. */
function chain(raw: readonly RawSpan[], endId: number | null, threadName: (tid: number) => string): CriticalPathEntry[] {
  const out: CriticalPathEntry[] = [];
  let id = endId;
  let guard = Infinity;
  // A cause was opened before the span it caused, so ids strictly decrease along the chain.
  while (id !== null && id < guard) {
    guard = id;
    const s = raw[id];
    out.push({
      spanId: s.id,
      thread: threadName(s.tid),
      phase: s.phase,
      node: s.node,
      device: s.device,
      startUs: us(s.startNs),
      endUs: us(s.endNs),
      durUs: (Math.round(s.endNs) - Math.round(s.startNs)) / 1000,
      costTerm: s.costTerm,
      limitedBy: s.limitedBy,
    });
    id = s.causeId;
  }
  return out.reverse();
}
