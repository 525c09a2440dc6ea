// The seam between the memory half of the core and the timing model: turns a config and its
// MemmapResult (simulateMemmap) into an InitWorkload - what has to be initialized, where it lives,
// and which kernel behaviour applies. Every memory figure comes from the memory result or the arch
// profile; the only derivations here are timing-specific:
//   - defer_init() (mm/mm_init.c): which struct pages of the last zone memmap_init() does early
//     (the first PAGES_PER_SECTION, up to the next section boundary) and where deferred init starts;
//   - the padata jobs of deferred_init_memmap() (one per memblock range from first_deferred_pfn);
//   - memblock-reserved gigantic HugeTLB pages, which deferred init skips (memblock allocates them
//     top-down in the node, the same placement the memory half assumes);
//   - the version boundaries of the timing structure (TIMING_BOUNDARY below).

import type { DeviceKind, WorkloadConfig } from '../../config/types';
import { type ArchProfile, BOUNDARY, archProfile, atLeast, deferredInitMaxThreads } from '../arch';
import { zoneDeviceInitRange } from '../altmap';
import { highestAddress } from '../layout';
import { bootReservedPages } from '../hugetlb_vmemmap';
import type { DeviceMemmap, HotplugMemmap, HugetlbMemmap, MemmapResult, NodeLayout, PfnRange, SectionPiece } from '../types';
import type {
  DeferredRange,
  DeviceInitWork,
  HotplugInitWork,
  HugetlbPoolInitWork,
  InitKernelFeatures,
  InitWorkload,
  Media,
  MemmapHome,
  NodeInitWork,
  VmemmapPopulation,
  ZoneDeviceInitWork,
} from './types';

/** What the timing model reads from the memory half: the result of simulateMemmap(cfg). */
export type MemoryLayoutInput = MemmapResult;

/**
 * Version boundaries of the timing structure (UNVERIFIED "merged in" versions; the 6.12.117 tree has
 * both features, the 6.1 reference has neither).
 */
export const TIMING_BOUNDARY = {
  /** MEMBLOCK_RSRV_NOINIT: gigantic HugeTLB tail struct pages not initialized early (Usama Arif, v6.7). */
  hugetlbGiganticNoinit: [6, 7],
  /** padata for hugetlb boot allocation and gigantic gather (Gang Li, v6.9): the memory half's boundary. */
  hugetlbParallel: BOUNDARY.hugetlbParallelAlloc,
  /** Deferred init leaves one section of the highest zone early ("mm: initialize pages on demand during boot",
   *  c9e97a1997fb, v4.17); before, update_defer_init() left "at least 2G of the highest zone"
   *  (2UL << (30 - PAGE_SHIFT) pages, v4.2). Later v4.x also took max() with node_spanned_pages >> 8 (more
   *  than 2 GiB only for nodes above 512 GiB) and added memblock reservations in that range: not modelled. */
  deferOneSection: [4, 17],
  /** system_unbound_wq's max_active (512) split over the nodes by online CPUs, wq_update_node_max_active()
   *  (Tejun Heo's "workqueue: Implement system-wide nr_active enforcement for unbound workqueues", v6.9,
   *  UNVERIFIED: only the 6.12 tree was read). Before, each unbound pool_workqueue had max_active
   *  WQ_UNBOUND_MAX_ACTIVE = max(512, 4 x num_possible_cpus()), never fewer than padata's helpers. */
  wqNodeMaxActive: [6, 9],
} as const;

/** The pages of the highest zone that deferred init leaves to early init (counted as defer_init() counts). */
export function earlyDeferTarget(version: readonly [number, number], pagesPerSection: number, pageSize: number): number {
  return atLeast(version, TIMING_BOUNDARY.deferOneSection) ? pagesPerSection : (2 * 1024 ** 3) / pageSize;
}

export function mediaOf(kind: DeviceKind): Media {
  return kind === 'pmem' ? 'pmem' : kind === 'cxl' ? 'cxl' : 'dram';
}

function totalRamOf(cfg: WorkloadConfig): number {
  return cfg.nodes.reduce((s, n) => s + n.ranges.reduce((t, r) => t + r.size, 0), 0);
}

/** Build the init workload of a config from its memory result. */
export function buildInitWorkload(cfg: WorkloadConfig, r: MemmapResult): InitWorkload {
  const profile = archProfile(cfg, highestAddress(cfg), totalRamOf(cfg));
  const v = cfg.kernel.versionNum;
  const features: InitKernelFeatures = {
    version: [v[0], v[1]],
    deferredInit: cfg.kernel.deferredInit,
    memoryLineAfterDeferred: atLeast(v, BOUNDARY.modern),
    hugetlbGiganticNoinit: atLeast(v, TIMING_BOUNDARY.hugetlbGiganticNoinit),
    hugetlbParallel: atLeast(v, TIMING_BOUNDARY.hugetlbParallel),
    structPageSize: profile.structPageSize,
    pageSize: profile.pageSize,
    pagesPerSection: profile.pagesPerSection,
    maxOrderNrPages: 2 ** profile.maxPageOrder,
  };
  const P = profile.pageSize;
  const hugetlb = r.memmap.hugetlb.map((h) => hugetlbPoolWork(profile, h)).filter((h): h is HugetlbPoolInitWork => h !== null);
  const memoryNodes = r.layout.nodes.filter((n) => n.presentPages > 0).map((n) => n.id);
  const dramHome = (node: number): MemmapHome => ({ media: 'dram', node: nearest(memoryNodes, node) });

  const nodes: NodeInitWork[] = r.layout.nodes.map((n) => {
    const nm = r.memmap.nodes.find((x) => x.id === n.id);
    const bootBytes = nm ? nm.bootMemmapBytes : 0;
    // Gigantic pages reserve memory where memblock found it: on the pool's node, or on another one when it was full.
    const reservedHere = (h: HugetlbPoolInitWork) => {
      const away = h.offNode.reduce((s, o) => s + o.pages, 0);
      return (h.node === n.id ? h.count - away : 0) + h.offNode.filter((o) => o.node === n.id).reduce((s, o) => s + o.pages, 0);
    };
    const gigantic = hugetlb.filter((h) => h.gigantic).reduce((s, h) => s + reservedHere(h) * h.structPagesPerPage, 0);
    // sparse_init()'s memmap buffer and the vmemmap page tables: memblock allocations at the top of the node.
    const bootReserved = nm ? bootReservedPages(P, nm) : 0;
    const d = deferSplit(n, profile.pagesPerSection, features.deferredInit, gigantic, bootReserved, earlyDeferTarget(v, profile.pagesPerSection, P));
    return {
      id: n.id,
      cpus: n.cpus,
      hasMemory: n.presentPages > 0,
      bootVmemmap: bootPopulation(profile, bootBytes),
      earlyPages: d.earlyPages,
      reservedPages: d.reservedPages,
      maxThreads: deferredInitMaxThreads(profile, n.cpus),
      deferredRanges: d.jobs,
      deferredMemory: d.memory,
      deferredPages: d.memory.reduce((s, x) => s + x.endPfn - x.startPfn, 0),
      memmapHome: { media: 'dram', node: n.id },
    };
  });

  const devices: DeviceInitWork[] = [];
  r.memmap.devices.forEach((d, index) => {
    if (d.status !== 'ok') return;
    const cfgDev = cfg.devices.find((x) => x.name === d.name);
    const media = mediaOf(cfgDev ? cfgDev.kind : d.kind);
    if (d.hotplugIndex !== null) {
      const h = r.memmap.hotplug[d.hotplugIndex];
      if (h && h.status === 'ok') devices.push(hotplugWork(h, d.name, index, 'device', media, dramHome));
      return;
    }
    if (d.structPages === 0 || d.location === 'none') return; // raw namespaces: no struct pages
    devices.push(zoneDeviceWork(d, index, media, dramHome, P));
  });
  let hi = 0;
  r.memmap.hotplug.forEach((h) => {
    if (h.source !== 'hotplug') return;
    const i = hi++;
    if (h.status !== 'ok') return;
    devices.push(hotplugWork(h, `hotplug[${i}]`, i, 'hotplug', 'dram', dramHome));
  });

  return { features, nodes, devices, hugetlb, hypervisor: cfg.kernel.hypervisor };
}

/** The memory node nearest to `node` (by id distance; ties: lower id). */
function nearest(memoryNodes: number[], node: number): number {
  if (memoryNodes.length === 0 || memoryNodes.includes(node)) return node;
  let best = memoryNodes[0];
  for (const m of memoryNodes) if (Math.abs(m - node) < Math.abs(best - node)) best = m;
  return best;
}

/** sparse_init()'s mapping work for `bytes` of boot memmap. */
function bootPopulation(profile: ArchProfile, bytes: number): VmemmapPopulation {
  const leaf = profile.vmemmap.leafBytes;
  if (leaf > 0 && profile.sectionMemmapBytes % leaf === 0) return { pmdBlocks: Math.floor(bytes / leaf), basePages: 0, reusedPtes: 0 };
  return { pmdBlocks: 0, basePages: Math.floor(bytes / profile.pageSize), reusedPtes: 0 };
}

/** Mapping work of __add_pages() pieces: the leaf blocks, base pages and reused PTEs each populate made. */
export function populationOf(pieces: readonly SectionPiece[]): VmemmapPopulation {
  const out: VmemmapPopulation = { pmdBlocks: 0, basePages: 0, reusedPtes: 0 };
  for (const p of pieces) {
    out.pmdBlocks += p.leafBlocks;
    out.basePages += p.basePages;
    out.reusedPtes += p.reusedPages;
  }
  return out;
}

function zoneDeviceWork(
  d: DeviceMemmap,
  index: number,
  media: Media,
  dramHome: (node: number) => MemmapHome,
  P: number,
): ZoneDeviceInitWork {
  // memmap_init_zone_device() nr_pages: from base_pfn + vmem_altmap_offset() with an altmap.
  const range = d.mappedRange ?? { start: 0, end: 0 };
  const initPages = zoneDeviceInitRange(d.altmap, Math.floor(range.start / P), Math.floor(range.end / P)).nrPages;
  const compound =
    d.vmemmapShift > 0 && d.compoundPages > 0
      ? { pfnsPerCompound: 2 ** d.vmemmapShift, compoundPages: d.compoundPages, structPagesPerCompound: d.initializedStructPages / d.compoundPages }
      : null;
  const home: MemmapHome = d.location === 'device' || d.location === 'split' ? { media, node: d.node } : dramHome(d.node);
  return {
    kind: 'zoneDevice',
    name: d.name,
    index,
    node: d.node,
    media,
    populate: populationOf(d.pieces),
    // move_pfn_range_to_zone() -> memmap_init_range(): [base_pfn + reserve, base_pfn + vmem_altmap_offset)
    altmapInitPages: d.altmap ? d.altmap.free : 0,
    initPages,
    structPagesWritten: d.initializedStructPages,
    compound,
    memmapHome: home,
  };
}

function hotplugWork(
  h: HotplugMemmap,
  name: string,
  index: number,
  source: 'device' | 'hotplug',
  media: Media,
  dramHome: (node: number) => MemmapHome,
): HotplugInitWork {
  const pagesPerBlock = h.blocks > 0 ? Math.floor(h.structPages / h.blocks) : 0;
  return {
    kind: 'hotplug',
    name,
    index,
    source,
    node: h.node,
    media,
    blocks: h.blocks,
    pagesPerBlock,
    memmapPagesPerBlock: h.memmapOnMemory ? h.memmapPagesPerBlock : 0,
    populate: populationOf(h.pieces),
    memmapHome: h.memmapOnMemory ? { media, node: h.node } : dramHome(h.node),
  };
}

function hugetlbPoolWork(profile: ArchProfile, h: HugetlbMemmap): HugetlbPoolInitWork | null {
  if (h.allocated <= 0) return null;
  const P = profile.pageSize;
  const perPage = h.pageSizeBytes / P;
  return {
    node: h.node,
    pageSizeBytes: h.pageSizeBytes,
    count: h.allocated,
    gigantic: perPage > 2 ** profile.maxPageOrder, // hstate_is_gigantic(): order > MAX_PAGE_ORDER
    structPagesPerPage: perPage,
    offNode: h.offNode,
    balancedRequest: h.balancedRequest,
    hvoPages: h.freedBytesPerPage > 0 ? h.optimizedPages : 0,
    vmemmapPagesFreedPerPage: Math.floor(h.freedBytesPerPage / P),
    // HUGETLB_VMEMMAP_RESERVE_PAGES = HUGETLB_VMEMMAP_RESERVE_SIZE / sizeof(struct page)
    reserveStructPages: Math.floor((profile.features.hvoReservePages * P) / profile.structPageSize),
  };
}

/**
 * defer_init() and deferred_init_memmap() for one node: the early struct pages (everything but the
 * deferred part of the last zone, plus holes), the padata jobs and the memory they initialize.
 * Memblock reservations at the top of the node are skipped (deferred init walks free ranges only):
 * `bootReservedPages` of boot memmap and vmemmap page tables, which memmap_init_reserved_pages() initializes
 * on the boot CPU instead (reservedPages: the part of them in the deferred area), and below them
 * `giganticReservedPages` of HugeTLB memory, which HugeTLB initializes itself (6.7+) or
 * memmapInitReserved() does with the memmap (before 6.7).
 */
export function deferSplit(
  n: NodeLayout,
  pagesPerSection: number,
  deferredInit: boolean,
  giganticReservedPages: number,
  bootReservedPages = 0,
  earlyTarget = pagesPerSection,
): { earlyPages: number; reservedPages: number; jobs: DeferredRange[]; memory: DeferredRange[] } {
  const unavailable = n.unavailablePages;
  const last = n.zones.find((z) => z.isLastZone);
  if (!deferredInit || !last) return { earlyPages: n.presentPages + unavailable, reservedPages: 0, jobs: [], memory: [] };
  // first_deferred_pfn: the first section-aligned pfn reached after `earlyTarget` initialized pages
  // (PAGES_PER_SECTION from v4.17, 2 GiB before).
  let count = 0;
  let first: number | null = null;
  for (const r of last.ranges) {
    const candidate = alignUpTo(r.startPfn + Math.max(0, earlyTarget - count), pagesPerSection);
    if (candidate < r.endPfn) {
      first = candidate;
      break;
    }
    count += r.endPfn - r.startPfn;
  }
  if (first === null) return { earlyPages: n.presentPages + unavailable, reservedPages: 0, jobs: [], memory: [] };
  const firstDeferred = first;
  const area: PfnRange[] = last.ranges.filter((r) => r.endPfn > firstDeferred).map((r) => ({ startPfn: Math.max(r.startPfn, firstDeferred), endPfn: r.endPfn }));
  const areaPages = area.reduce((s, x) => s + x.endPfn - x.startPfn, 0);
  // The memmap, page tables and gigantic HugeTLB pages are memblock-reserved: neither memmap_init() nor
  // deferred init touches them.
  const reservedPages = Math.min(bootReservedPages, areaPages);
  const memory = trimTop(area, reservedPages + giganticReservedPages);
  // Jobs: for each free range, start at max(spfn, first_init_pfn); first_init_pfn = ALIGN(epfn, PPS).
  const jobs: DeferredRange[] = [];
  let firstInit = firstDeferred;
  for (const r of memory) {
    if (r.endPfn <= firstInit) continue;
    jobs.push({ startPfn: Math.max(r.startPfn, firstInit), endPfn: r.endPfn });
    firstInit = alignUpTo(r.endPfn, pagesPerSection);
  }
  return { earlyPages: n.presentPages - areaPages + unavailable, reservedPages, jobs, memory };
}

function alignUpTo(n: number, a: number): number {
  const r = n % a;
  return r === 0 ? n : n + (a - r);
}

/** Remove `pages` from the top of sorted ranges. */
function trimTop(ranges: PfnRange[], pages: number): PfnRange[] {
  const out = ranges.map((r) => ({ ...r }));
  let left = pages;
  for (let i = out.length - 1; i >= 0 && left > 0; i--) {
    const len = out[i].endPfn - out[i].startPfn;
    const cut = Math.min(len, left);
    out[i].endPfn -= cut;
    left -= cut;
  }
  return out.filter((r) => r.endPfn > r.startPfn);
}
