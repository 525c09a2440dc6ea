// Deferred struct page init: page_alloc_init_late() starts one pgdatinit kthread per N_MEMORY node;
// each runs deferred_init_memmap(): one padata_do_multithreaded() job per memblock range of the
// node's last zone, split into section-aligned chunks shared by the thread itself and its helpers
// (mm/mm_init.c, kernel/padata.c in 6.12.117).

import type { Command, ThreadSpec } from './des';
import { pageWork } from './cost_model';
import { type Ctx, type Env, type Program, claimUnboundWorkers, cpuNodeFor, eraHasPadata, inactiveHelpers, releaseUnboundWorkers } from './env';
import { deferredJob, padataChunks, padataPlan } from './padata';
import type { NodeInitWork } from './types';

/** Thread name of a node's deferred init kthread. */
export function pgdatinitName(node: number): string {
  return `pgdatinit${node}`;
}

/** The pgdatinit thread spec for a node (bound to the node's CPUs when it has any). */
export function pgdatinitThread(env: Env, node: NodeInitWork): ThreadSpec {
  return {
    name: pgdatinitName(node.id),
    cpuNode: cpuNodeFor(env, node.id),
    process: `node ${node.id}`,
    startDelayNs: env.m.costs.threadStartNs,
    body: (ctx) => deferredInitMemmap(env, node, ctx),
  };
}

/**
 * max_threads for the node's jobs: machine.deferredInitThreads "as if deferred_page_init_max_threads()
 * returned it", else the kernel's value (1 in eras before padata).
 */
export function nodeMaxThreads(env: Env, node: NodeInitWork): number {
  const override = env.m.options.deferredInitThreads;
  if (override !== null) return Math.max(1, Math.floor(override));
  if (!eraHasPadata(env)) return 1;
  return Math.max(1, node.maxThreads);
}

/** Pages of `mem` (sorted, disjoint) inside [start, end). */
export function overlapPages(mem: readonly { startPfn: number; endPfn: number }[], start: number, end: number): number {
  let n = 0;
  // Binary search for the first range ending after start.
  let lo = 0;
  let hi = mem.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (mem[mid].endPfn <= start) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < mem.length && mem[i].startPfn < end; i++) {
    n += Math.max(0, Math.min(end, mem[i].endPfn) - Math.max(start, mem[i].startPfn));
  }
  return n;
}

/** deferred_init_memmap(node). */
export function* deferredInitMemmap(env: Env, node: NodeInitWork, ctx: Ctx): Program {
  if (node.deferredRanges.length === 0) return; // first_deferred_pfn == ULONG_MAX: returns before printing
  const t0 = ctx.now();
  yield { op: 'beginGroup', phase: 'deferredInit', node: node.id, device: null, costTerm: 'deferred_init_memmap()' };
  const maxThreads = nodeMaxThreads(env, node);
  const pps = env.w.features.pagesPerSection;
  let threads = 1;
  let pages = 0;
  for (const range of node.deferredRanges) {
    const job = deferredJob(range.startPfn, range.endPfn, pps, maxThreads);
    const plan = padataPlan(job, env.padataFree);
    env.padataFree -= plan.helpers;
    // queue_work(system_unbound_wq) from this node's CPU: at most the node's max_active run at once (6.9+);
    // chunk_size still counts every work (ps.nworks), the inactive ones find no chunk left when they run.
    const active = claimUnboundWorkers(env, ctx.cpuNode, plan.helpers);
    threads = Math.max(threads, 1 + active);
    const chunks = padataChunks(job, plan);
    const cursor = { i: 0 };
    // A chunk initializes the deferred memory inside it (deferred_init_memmap_chunk() walks the free
    // ranges up to the chunk end, so the last chunk of a job may reach into the next range).
    const chunkPages = (c: { start: number; end: number }): number => overlapPages(node.deferredMemory, c.start, c.end);
    function* helperLoop(hctx: Ctx): Generator<Command, void, unknown> {
      while (cursor.i < chunks.length) {
        const c = chunks[cursor.i++];
        const n = chunkPages(c);
        if (n === 0) continue;
        pages += n;
        yield {
          op: 'work',
          work: pageWork(env.m, env.w.features.structPageSize, env.scales, {
            phase: 'deferredInit',
            term: 'initPage',
            pages: n,
            extraCpuNs: 0,
            extraLabel: '',
            home: node.memmapHome,
            cpuNode: hctx.cpuNode,
            node: node.id,
            device: null,
            era: env.era,
            factor: 1,
            factorLabel: '',
          }),
        };
      }
    }
    const helpers: ThreadSpec[] = [];
    for (let k = 1; k <= active; k++) {
      helpers.push({
        name: `padata n${node.id}.${k}`,
        cpuNode: ctx.cpuNode, // numa_aware = false: system_unbound_wq runs it near the queueing CPU
        process: `node ${node.id}`,
        startDelayNs: env.m.costs.threadStartNs,
        body: (hctx) => helperLoop(hctx),
      });
    }
    let tids: number[] = [];
    if (helpers.length > 0) tids = (yield { op: 'spawn', threads: helpers }) as number[];
    yield* helperLoop(ctx);
    if (tids.length > 0) yield { op: 'join', tids, node: node.id };
    yield* inactiveHelpers(env, new Map([[ctx.cpuNode, plan.helpers - active]]), node.id);
    releaseUnboundWorkers(env, ctx.cpuNode, active);
    env.padataFree += plan.helpers;
  }
  env.deferredThreads.set(node.id, threads);
  yield { op: 'endGroup', pages, bytes: pages * env.w.features.structPageSize };
  const ms = Math.floor((ctx.now() - t0) / 1e6);
  yield { op: 'mark', name: `node ${node.id} deferred pages initialised`, log: `node ${node.id} deferred pages initialised in ${ms}ms`, node: node.id };
}
