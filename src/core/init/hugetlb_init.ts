// Boot-time HugeTLB pools (mm/hugetlb.c, 6.12.117):
// - gigantic pages (1 GiB on x86) are memblock-allocated early; with MEMBLOCK_RSRV_NOINIT (6.7+)
//   only the head struct page is initialized then. hugetlb_bootmem_struct_page_init() (called by
//   page_alloc_init_late() after deferred init, before "Memory:") gathers them with one padata job
//   over node ids (6.9+): per page, HUGETLB_VMEMMAP_RESERVE_PAGES struct pages, then HVO; the
//   remaining tails only when HVO is off or fails. Before 6.9 the gather is serial in hugetlb_init().
// - non-gigantic pages (2 MiB) are allocated from buddy in hugetlb_init() (subsys_initcall):
//   "hugepages=N" uses hugetlb_pages_alloc_boot(), a padata job with 2 x N_MEMORY threads (6.9+), whose
//   thread function hugetlb_pages_alloc_boot_node() allocates page after page with
//   alloc_pool_huge_folio(h, &node_states[N_MEMORY], ..., &next_node): every thread rotates its pages over
//   the memory nodes, so all threads write all nodes' memmaps at once (rotationDomain());
//   per-node requests ("hugepages=0:N,1:M") allocate serially, node by node.

import type { Command, ThreadSpec, WorkSpec } from './des';
import { fixedWork, nodeWriteGBps, pageWork, r2 } from './cost_model';
import { type Ctx, type Env, type Program, claimUnboundWorkers, inactiveHelpers, nextPadataNode, releaseUnboundWorkers } from './env';
import { hugetlbAllocJob, hugetlbGatherJob, padataChunks, padataPlan } from './padata';
import type { HugetlbPoolInitWork } from './types';

/** The hstate name the kernel uses in sysfs: "hugepages-2048kB". */
export function hstateName(pageSizeBytes: number): string {
  return `hugepages-${pageSizeBytes / 1024}kB`;
}

function homeOf(env: Env, node: number): { media: 'dram' | 'pmem' | 'cxl'; node: number } {
  const n = env.w.nodes.find((x) => x.id === node);
  return n ? n.memmapHome : { media: 'dram', node };
}

/** Struct pages written by the gather / allocation step for `count` pages of which `hvo` are optimized. */
export function structPagesWritten(env: Env, pool: HugetlbPoolInitWork, count: number, hvo: number): number {
  if (pool.gigantic && env.w.features.hugetlbGiganticNoinit) {
    // hugetlb_folio_init_vmemmap(folio, h, HUGETLB_VMEMMAP_RESERVE_PAGES); the other tails only when
    // the page is not HVO-optimized (prep_and_add_bootmem_folios()).
    return hvo * Math.min(pool.reserveStructPages, pool.structPagesPerPage) + (count - hvo) * pool.structPagesPerPage;
  }
  // prep_compound_gigantic_page() / prep_compound_page(): head + every tail.
  return count * pool.structPagesPerPage;
}

/**
 * The write-bandwidth domain of a balanced boot allocation: alloc_pool_huge_folio() hands each thread's
 * pages to the memory nodes in turn (next_node), so a thread's struct page writes are spread over the
 * pools' nodes in proportion to their pages, and together the threads can use every node's bandwidth.
 * Modelled as one combined domain whose capacity is min over nodes (nodeWriteGBps / share of the bytes):
 * the aggregate rate at which the nodes, written in those proportions, saturate. Registered in the env
 * (timeline.ts asks it for the capacity). Nothing else writes struct pages while hugetlb_init() runs.
 */
export function rotationDomain(env: Env, pools: readonly HugetlbPoolInitWork[]): { key: string; label: string } {
  const total = pools.reduce((s, p) => s + p.count * p.structPagesPerPage, 0);
  const share = new Map<string, { media: 'dram' | 'pmem' | 'cxl'; bytes: number }>();
  for (const p of pools) {
    const h = homeOf(env, p.node);
    const k = `${h.media}:${h.node}`;
    const e = share.get(k) ?? { media: h.media, bytes: 0 };
    e.bytes += p.count * p.structPagesPerPage;
    share.set(k, e);
  }
  const keys = [...share.keys()];
  if (keys.length <= 1 || total <= 0) {
    const k = keys[0] ?? 'dram:0';
    return { key: k, label: k };
  }
  const key = keys.join('+');
  let cap = Infinity;
  for (const e of share.values()) cap = Math.min(cap, nodeWriteGBps(env.m, env.scales, e.media) / (e.bytes / total));
  env.domainCapacities.set(key, cap);
  return { key, label: `${key} (every thread's pages rotate over the nodes: ${r2(cap)} GB/s together)` };
}

/** The work items for `count` huge pages of a pool, done from a CPU on `cpuNode`. */
export function poolWork(env: Env, pool: HugetlbPoolInitWork, count: number, cpuNode: number, domain?: { key: string; label: string }): WorkSpec[] {
  if (count <= 0) return [];
  const hvo = pool.count > 0 ? Math.floor((count * pool.hvoPages) / pool.count) : 0;
  const out: WorkSpec[] = [];
  const name = hstateName(pool.pageSizeBytes);
  const alloc = !pool.gigantic;
  out.push(
    pageWork(env.m, env.w.features.structPageSize, env.scales, {
      phase: alloc ? 'hugetlbAlloc' : 'hugetlbGather',
      term: alloc ? 'hugetlbAllocPage' : 'hugetlbTailPage',
      pages: structPagesWritten(env, pool, count, hvo),
      extraCpuNs: 0,
      extraLabel: '',
      home: homeOf(env, pool.node),
      cpuNode,
      node: pool.node,
      device: name,
      era: env.era,
      factor: 1,
      factorLabel: '',
      domain,
    }),
  );
  if (hvo > 0 && pool.vmemmapPagesFreedPerPage > 0) {
    const vm = hvo * pool.vmemmapPagesFreedPerPage;
    // Gigantic pages are gathered by one thread per node (remote when it runs elsewhere); boot
    // allocation spreads pages over nodes and its cost already mixes local and remote.
    const remote = pool.gigantic && cpuNode !== pool.node;
    out.push(
      fixedWork({
        phase: 'hvo',
        ns: vm * env.m.costs.hvoVmemmapPageNs * (remote ? env.m.numaRemoteFactor : 1),
        items: vm,
        node: pool.node,
        device: name,
        costTerm: `${vm} vmemmap pages x hvoVmemmapPageNs ${r2(env.m.costs.hvoVmemmapPageNs)} ns${remote ? ` x remote ${r2(env.m.numaRemoteFactor)}` : ''}`,
      }),
    );
  }
  return out;
}

function* runAll(items: WorkSpec[]): Generator<Command, void, unknown> {
  for (const w of items) yield { op: 'work', work: w };
}

/** gather_bootmem_prealloc_node(nid) for every gigantic pool on the node. */
function gatherNode(env: Env, nid: number, cpuNode: number): WorkSpec[] {
  const out: WorkSpec[] = [];
  for (const pool of env.w.hugetlb) if (pool.gigantic && pool.node === nid) out.push(...poolWork(env, pool, pool.count, cpuNode));
  return out;
}

function hasGigantic(env: Env): boolean {
  return env.w.hugetlb.some((p) => p.gigantic && p.count > 0);
}

/** hugetlb_bootmem_struct_page_init() (6.9+): padata over node ids, numa_aware. */
export function* hugetlbBootmemStructPageInit(env: Env, ctx: Ctx): Program {
  if (!hasGigantic(env)) return;
  const nrNodeIds = Math.max(...env.w.nodes.map((n) => n.id)) + 1;
  const memNodes = env.w.nodes.filter((n) => n.hasMemory).length;
  const job = hugetlbGatherJob(nrNodeIds, memNodes);
  yield* padataRun(env, ctx, job, 'hugetlb gather', (c, cpuNode) => {
    const items: WorkSpec[] = [];
    for (let nid = c.start; nid < c.end; nid++) items.push(...gatherNode(env, nid, cpuNode));
    return items;
  });
}

/** gather_bootmem_prealloc() before 6.9: serial, node by node, on the calling thread. */
export function* gatherBootmemPreallocSerial(env: Env, ctx: Ctx): Program {
  const nodes = [...new Set(env.w.hugetlb.filter((p) => p.gigantic).map((p) => p.node))].sort((a, b) => a - b);
  for (const nid of nodes) yield* runAll(gatherNode(env, nid, ctx.cpuNode));
}

/** Whether the non-gigantic pools of one page size stand for "hugepages=N" (balanced) rather than per-node requests:
 *  decided once, by the memory half (hugetlbNodeRequests() in src/core/hugetlb_vmemmap.ts). */
export function isBalancedRequest(pools: readonly HugetlbPoolInitWork[]): boolean {
  return pools.length > 0 && pools.every((p) => p.balancedRequest);
}

/** hugetlb_init() -> hugetlb_hstate_alloc_pages() for every non-gigantic page size. */
export function* hugetlbAllocNonGigantic(env: Env, ctx: Ctx): Program {
  const sizes = [...new Set(env.w.hugetlb.filter((p) => !p.gigantic && p.count > 0).map((p) => p.pageSizeBytes))].sort((a, b) => a - b);
  for (const size of sizes) {
    const pools = env.w.hugetlb.filter((p) => !p.gigantic && p.pageSizeBytes === size && p.count > 0).sort((a, b) => a.node - b.node);
    if (env.w.features.hugetlbParallel && isBalancedRequest(pools)) {
      const total = pools.reduce((s, p) => s + p.count, 0);
      const memNodes = env.w.nodes.filter((n) => n.hasMemory).length;
      const job = hugetlbAllocJob(total, memNodes);
      const domain = rotationDomain(env, pools);
      yield* padataRun(env, ctx, job, 'hugetlb alloc', (c, cpuNode) => {
        // alloc_pool_huge_folio() spreads each chunk's pages over the nodes round-robin, page by page: one
        // item per node for the accounting (pages, time per pool), all of them on the rotation's domain.
        const n = c.end - c.start;
        const items: WorkSpec[] = [];
        let given = 0;
        pools.forEach((p, i) => {
          const share = i === pools.length - 1 ? n - given : Math.floor((n * p.count) / total);
          given += share;
          items.push(...poolWork(env, p, share, cpuNode, domain));
        });
        return items;
      });
    } else {
      // hugetlb_hstate_alloc_pages_specific_nodes(): node by node on the calling thread.
      for (const p of pools) yield* runAll(poolWork(env, p, p.count, ctx.cpuNode));
    }
  }
}

/** Run a numa_aware padata job whose chunks expand into work items. */
function* padataRun(
  env: Env,
  ctx: Ctx,
  job: { start: number; size: number; align: number; minChunk: number; maxThreads: number },
  label: string,
  itemsOf: (c: { start: number; end: number }, cpuNode: number) => WorkSpec[],
): Program {
  const plan = padataPlan(job, env.padataFree);
  env.padataFree -= plan.helpers;
  const chunks = padataChunks(job, plan);
  const cursor = { i: 0 };
  function* loop(hctx: Ctx): Generator<Command, void, unknown> {
    while (cursor.i < chunks.length) {
      const c = chunks[cursor.i++];
      yield* runAll(itemsOf(c, hctx.cpuNode));
    }
  }
  const helpers: ThreadSpec[] = [];
  const claimed = new Map<number, number>();
  const inactive = new Map<number, number>();
  for (let k = 1; k <= plan.helpers; k++) {
    const nid = nextPadataNode(env); // queue_work_node(next_node_in(last_used_nid, N_CPU))
    // system_unbound_wq's per-node max_active: a helper beyond it waits, inactive, until an active one
    // on its node finishes, which for padata is after the last chunk.
    if (claimUnboundWorkers(env, nid, 1) === 0) {
      inactive.set(nid, (inactive.get(nid) ?? 0) + 1);
      continue;
    }
    claimed.set(nid, (claimed.get(nid) ?? 0) + 1);
    helpers.push({
      name: `padata ${label} ${k}`,
      cpuNode: nid,
      process: `node ${nid}`,
      startDelayNs: env.m.costs.threadStartNs,
      body: (hctx) => loop(hctx),
    });
  }
  let tids: number[] = [];
  if (helpers.length > 0) tids = (yield { op: 'spawn', threads: helpers }) as number[];
  yield* loop(ctx);
  if (tids.length > 0) yield { op: 'join', tids };
  yield* inactiveHelpers(env, inactive, null);
  for (const [nid, n] of claimed) releaseUnboundWorkers(env, nid, n);
  env.padataFree += plan.helpers;
}
