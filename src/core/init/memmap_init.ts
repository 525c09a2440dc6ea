// Early boot on the boot CPU, before SMP: sparse_init() populates the vmemmap of every present
// section, memmap_init() initializes the struct pages that are not deferred (low zones, the first
// PAGES_PER_SECTION pages of each node's last zone, holes and unavailable ranges), and
// memmap_init_reserved_pages() initializes the struct pages of the memblock reservations in the deferred
// area: the boot memmap and its page tables, and before 6.7 every gigantic HugeTLB page
// (mm/sparse.c, mm/mm_init.c, mm/memblock.c).

import { pageWork, populateWork } from './cost_model';
import type { Command } from './des';
import type { Ctx, Env, Program } from './env';
import { hstateName } from './hugetlb_init';

/** sparse_init(): per node, map the boot memmap (no struct page writes). */
export function* sparseInit(env: Env, _ctx: Ctx): Program {
  for (const node of env.w.nodes) {
    const v = node.bootVmemmap;
    if (v.pmdBlocks + v.basePages + v.reusedPtes === 0) continue;
    yield {
      op: 'work',
      work: populateWork(env.m, env.scales, {
        phase: 'sparseInit',
        pmdBlocks: v.pmdBlocks,
        basePages: v.basePages,
        reusedPtes: v.reusedPtes,
        boot: true,
        node: node.id,
        device: null,
        media: node.memmapHome.media,
      }),
    };
  }
}

/** Struct pages of one node initialized on the boot CPU (remote for the other nodes' memmaps). */
function bootCpuPages(env: Env, ctx: Ctx, node: Env['w']['nodes'][number], phase: 'memmapInitEarly' | 'memmapInitReserved', term: 'initPage' | 'reservedInitPage', pages: number): Command {
  return {
    op: 'work',
    work: pageWork(env.m, env.w.features.structPageSize, env.scales, {
      phase,
      term,
      pages,
      extraCpuNs: 0,
      extraLabel: '',
      home: node.memmapHome,
      cpuNode: ctx.cpuNode,
      node: node.id,
      device: null,
      era: env.era,
      factor: 1,
      factorLabel: '',
    }),
  };
}

/** memmap_init(): the early struct pages of every node, on the boot CPU (remote for other nodes). */
export function* memmapInitEarly(env: Env, ctx: Ctx): Program {
  for (const node of env.w.nodes) if (node.earlyPages > 0) yield bootCpuPages(env, ctx, node, 'memmapInitEarly', 'initPage', node.earlyPages);
}

/**
 * memblock_free_all() -> memmap_init_reserved_pages() -> reserve_bootmem_region() -> init_reserved_page(), on
 * the boot CPU (mm/memblock.c, mm/mm_init.c): the struct pages of every memblock-reserved region in the
 * deferred area. Each node's boot memmap and vmemmap page tables are such regions; so, before
 * MEMBLOCK_RSRV_NOINIT (6.7), is every boot-allocated gigantic HugeTLB page.
 */
export function* memmapInitReserved(env: Env, ctx: Ctx): Program {
  // Without deferred init, memmap_init() already initialized them and init_reserved_page() is a stub.
  if (!env.w.features.deferredInit) return;
  for (const node of env.w.nodes) if (node.reservedPages > 0) yield bootCpuPages(env, ctx, node, 'memmapInitReserved', 'reservedInitPage', node.reservedPages);
  if (env.w.features.hugetlbGiganticNoinit) return;
  for (const pool of env.w.hugetlb) {
    if (!pool.gigantic || pool.count === 0) continue;
    const node = env.w.nodes.find((n) => n.id === pool.node);
    const home = node ? node.memmapHome : { media: 'dram' as const, node: pool.node };
    yield {
      op: 'work',
      work: pageWork(env.m, env.w.features.structPageSize, env.scales, {
        phase: 'memmapInitReserved',
        term: 'reservedInitPage',
        pages: pool.count * pool.structPagesPerPage,
        extraCpuNs: 0,
        extraLabel: '',
        home,
        cpuNode: ctx.cpuNode,
        node: pool.node,
        device: hstateName(pool.pageSizeBytes),
        era: env.era,
        factor: 1,
        factorLabel: '',
      }),
    };
  }
}
