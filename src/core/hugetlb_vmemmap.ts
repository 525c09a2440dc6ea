// HugeTLB Vmemmap Optimization (HVO), mm/hugetlb_vmemmap.{c,h} and report_hugepages() in mm/hugetlb.c.
//
//   hugetlb_vmemmap_size(h)             = pages_per_huge_page(h) * sizeof(struct page)
//   hugetlb_vmemmap_optimizable_size(h) = max(vmemmap_size - HUGETLB_VMEMMAP_RESERVE_SIZE, 0),
//                                         0 if struct page is not a power of two or HVO is not built
//   HUGETLB_VMEMMAP_RESERVE_SIZE        = PAGE_SIZE (1 page kept; 2 pages in 5.14-5.17)
// The optimizable size is printed ("HugeTLB: %d KiB vmemmap can be freed for a %s page") even when
// hugetlb_free_vmemmap is off. Optimizing splits the PMD-mapped vmemmap into PTEs first (one PTE table
// per PMD of vmemmap). Pages whose vmemmap is self-hosted (memmap_on_memory) are never optimized.
//
// Placement follows how the kernel allocates boot pools (placeBootHugetlbPools() below): boot RAM only,
// after what memblock reserved for the boot memmap; top-down within the free memory. Gigantic pages first
// (memblock, not node-exact: node by node in node-id order for the node form, round-robin over the memory
// nodes for a balanced hugepages=N, a full node's turn falling back to any node); then, from 6.9, HVO gives
// their vmemmap back; then the smaller sizes from the buddy allocator, which keeps the zones' min watermarks
// and lowmem_reserve, node by node for the node form and round-robin over the memory nodes for a balanced
// hugepages=N (a full node passing its turn). A second pool for a node and size is ignored, as
// hugepages_setup() ignores a second hugepages= (hugetlbDuplicatePools()).

import { bytesExact } from './format';
import type { HugetlbPoolConfig, WorkloadConfig } from '../config/types';
import { GiB, KiB, MiB, alignDown, alignUp, divFloor, divRoundUp, isPowerOfTwo } from '../config/units';
import { type ArchProfile, BOUNDARY, atLeast } from './arch';
import { hugetlbAllocJob, padataChunks, padataPlan } from './init/padata';
import type { SimContext } from './context';
import type { IntervalSet } from './intervals';
import type { HugetlbMemmap, NodeLayout } from './types';

/** hugetlb_vmemmap_size(): vmemmap bytes describing one huge page. */
export function hugetlbVmemmapSize(profile: ArchProfile, pageSizeBytes: number): number {
  return (pageSizeBytes / profile.pageSize) * profile.structPageSize;
}

/** hugetlb_vmemmap_optimizable_size(): 0 when HVO is not built for the arch/version or SP is not a power of two. */
export function hugetlbVmemmapOptimizableSize(profile: ArchProfile, pageSizeBytes: number): number {
  if (!profile.features.hvo || !isPowerOfTwo(profile.structPageSize)) return 0;
  return Math.max(hugetlbVmemmapSize(profile, pageSizeBytes) - profile.features.hvoReservePages * profile.pageSize, 0);
}

/** string_get_size(size, 1, STRING_UNITS_2): "2.00 MiB", "1.00 GiB". */
export function stringGetSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let u = 0;
  let v = bytes;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${bytes} B`;
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return `${v.toFixed(digits)} ${units[u]}`;
}

/** hstate name: "hugepages-2048kB". */
function hstateName(bytes: number): string {
  return `hugepages-${bytes / KiB}kB`;
}

/**
 * The boot log line about the vmemmap an hstate can free, in the kernel version's wording. `hvoOn` is kernel.hvo
 * (hugetlb_free_vmemmap=on): 5.14-5.17 hugetlb_vmemmap_init() returns before its pr_info() when
 * !hugetlb_free_vmemmap_enabled, so those kernels print "can free N vmemmap pages" only with HVO on; from 5.18
 * (the vm.hugetlb_optimize_vmemmap sysctl dropped that early return) the line comes whenever HVO is built, and
 * 6.0+ report_hugepages() prints the "can be freed" line for every hstate, HVO built or not.
 */
export function hvoKernelMessage(profile: ArchProfile, pageSizeBytes: number, hvoOn: boolean): string | null {
  const opt = hugetlbVmemmapOptimizableSize(profile, pageSizeBytes);
  const v = profile.version;
  if (atLeast(v, [6, 0])) return `HugeTLB: ${opt / KiB} KiB vmemmap can be freed for a ${stringGetSize(pageSizeBytes)} page\n`;
  if (!profile.features.hvo || opt === 0) return null;
  if (atLeast(v, [5, 18])) return `HugeTLB: can optimize ${opt / profile.pageSize} vmemmap pages for ${hstateName(pageSizeBytes)}\n`;
  if (!hvoOn) return null;
  return `HugeTLB: can free ${opt / profile.pageSize} vmemmap pages for ${hstateName(pageSizeBytes)}\n`;
}

/** A hugepagesz= value as written on the command line ("2M", "1G"). */
function sizeToken(bytes: number): string {
  if (bytes % GiB === 0) return `${bytes / GiB}G`;
  if (bytes % MiB === 0) return `${bytes / MiB}M`;
  return `${bytes / KiB}K`;
}

// ---------------------------------------------------------------------------------------------
// Boot placement
//
// Boot pools come from memory present at boot, never from memory hot-added later:
// - Gigantic pages (order > MAX_PAGE_ORDER) are allocated while hugepages= is parsed, after
//   sparse_init(), from memblock: memblock_alloc_try_nid_raw(size, size, 0, MEMBLOCK_ALLOC_ACCESSIBLE,
//   nid) [6.12 mm/hugetlb.c:3184 __alloc_bootmem_huge_page()], top-down (memblock's direction) and
//   size-aligned, in memory memblock has not reserved. The call is not exact-nid: when the node is full,
//   memblock_alloc_range_nid() retries on any node [6.12 mm/memblock.c:1472] and the page lands there
//   without a message; "allocating %u of page size %s failed node%d" only comes when no node has room.
// - Smaller pages are allocated in hugetlb_init() from the buddy allocator with __GFP_THISNODE
//   [6.12 mm/hugetlb.c:3373 hugetlb_hstate_alloc_pages_onenode()]: the node's boot RAM memblock did not
//   keep. Where buddy takes them is not modeled; they are placed top-down too.
// memblock.reserved as far as the model knows it: the node's boot memmap, a buffer of
// map_count × section_map_size() aligned to section_map_size(), node-exact and top-down [6.12
// mm/sparse.c:393 sparse_buffer_init()], trimmed to what the sections used [sparse_buffer_fini()];
// the vmemmap page tables sparse_init() allocates node-locally from memblock; on x86 the first 1 MiB
// [6.12 arch/x86/realmode/init.c:67]; and the gigantic pages of the pools allocated before. (The kernel
// image, NODE_DATA, the direct map's page tables and firmware reservations are not modeled.)

/** A run of huge pages [startPfn, endPfn) of one node. */
export interface HugetlbChunk {
  node: number;
  startPfn: number;
  endPfn: number;
  pages: number;
}

// ---------------------------------------------------------------------------------------------
// Per-node requests
//
// The config gives every pool a node, but the command line has two forms: "hugepages=N" (balanced: the
// kernel spreads N over the nodes with memory, round-robin) and "hugepages=0:N,1:M" (node specific). A page
// size whose pools give every memory node the same count, and no other node any, is taken for the balanced
// form (a single memory node included: "hugepages=N" puts every page there, so no one writes the node form for
// it); anything else needs the node form. machine.hugetlbRequest overrides the reading. This is the one place
// the form is decided: the placement below and the timing model (src/core/init/hugetlb_init.ts, through
// HugetlbMemmap.balancedRequest) both take it from here. 6.12 mm/hugetlb.c:4655-4656 hugepages_setup()
// refuses the node form when hugetlb_node_alloc_supported() is false, which only powerpc Book3S-64 says (hash
// and radix alike: arch/powerpc/mm/hugetlbpage.c:119-122, the generic __weak one at mm/hugetlb.c:4593 is
// true): it prints the warning below and returns before adding anything, so the whole hugepages= of that
// page size is dropped and its pools get no page.

/** The warning of hugepages_setup() for a node-specific request the architecture cannot allocate. */
export const HUGETLB_NODE_ALLOC_UNSUPPORTED = "HugeTLB: architecture can't support node specific alloc, ignoring!\n";

/** hugetlb_node_alloc_supported(): false on powerpc Book3S-64 (6.12 arch/powerpc/mm/hugetlbpage.c:119). */
export function hugetlbNodeAllocSupported(profile: Pick<ArchProfile, 'arch'>): boolean {
  return profile.arch !== 'ppc64-hash' && profile.arch !== 'ppc64-radix';
}

/** Which command-line form the pools stand for: machine.hugetlbRequest (the timing model's option), 'auto' otherwise. */
export type HugetlbRequest = 'auto' | 'perNode' | 'balanced';

/** machine.hugetlbRequest of a config, as the timing model reads it ('auto' when absent or not one of the three;
 *  the timing model's parser reports a bad value). */
export function hugetlbRequestOf(cfg: Pick<WorkloadConfig, 'machine'>): HugetlbRequest {
  const v = cfg.machine?.hugetlbRequest;
  return v === 'perNode' || v === 'balanced' ? v : 'auto';
}

// A node named twice for one page size. The command line has one hugepagesz= per page size, followed by one
// hugepages= naming each node once; a later pool for a node and size an earlier pool already has stands for a
// further hugepages= after it, which 6.12 mm/hugetlb.c hugepages_setup() ignores (mhp == last_mhp):
//   "HugeTLB: hugepages= specified twice without interleaving hugepagesz=, ignoring hugepages=%s"
// Writing it with a hugepagesz= of its own changes nothing: hugepagesz_setup() refuses a size whose hstate exists
// ("HugeTLB: hugepagesz=%s specified twice, ignoring", leaving parsed_valid_hugepagesz false), and the hugepages=
// after it is dropped ("HugeTLB: hugepages=%s does not follow a valid hugepagesz, ignoring"). Either way the later
// pool gets no page and the earlier one keeps its own count. (Repeating the node inside one list, "0:64,0:128",
// is not what the config stands for: the last count would win for the node.)

/** The pools hugepages_setup() ignores: for each pool, the index of the earlier pool of the same node and page size,
 *  null for the first (and for pools of an unsupported size, on no known node or with no pages). */
export function hugetlbDuplicatePools(
  profile: Pick<ArchProfile, 'hugepageSizes'>,
  nodes: readonly Pick<NodeLayout, 'id'>[],
  pools: readonly Pick<HugetlbPoolConfig, 'node' | 'pageSize' | 'count'>[],
): (number | null)[] {
  const known = new Set(nodes.map((n) => n.id));
  const first = new Map<string, number>();
  return pools.map((p, i) => {
    if (!profile.hugepageSizes.includes(p.pageSize) || !known.has(p.node) || !(p.count > 0)) return null;
    const key = `${p.node}:${p.pageSize}`;
    const j = first.get(key);
    if (j !== undefined) return j;
    first.set(key, i);
    return null;
  });
}

/** hugepages_setup()'s warning for a second hugepages= of one hstate; `arg` is what followed "hugepages=". */
function hugetlbSpecifiedTwiceMessage(arg: string): string {
  return `HugeTLB: hugepages= specified twice without interleaving hugepagesz=, ignoring hugepages=${arg}\n`;
}

/**
 * The node-specific hugepages= of each pool's page size, or null when its pools read as a balanced "hugepages=N"
 * (see above; `request` other than 'auto' says which form every size takes), in pool order. Pools of an
 * unsupported size, on no known node or with no pages are null, and so are the pools hugepages_setup() ignores
 * (hugetlbDuplicatePools()), which do not count for the reading either.
 */
export function hugetlbNodeRequests(
  profile: Pick<ArchProfile, 'hugepageSizes'>,
  nodes: readonly Pick<NodeLayout, 'id' | 'presentPages'>[],
  pools: readonly Pick<HugetlbPoolConfig, 'node' | 'pageSize' | 'count'>[],
  request: HugetlbRequest = 'auto',
  /** hugetlbDuplicatePools() of the same pools, when the caller has it already. */
  dup: readonly (number | null)[] = hugetlbDuplicatePools(profile, nodes, pools),
): (string | null)[] {
  const known = new Set(nodes.map((n) => n.id));
  const memNodes = nodes.filter((n) => n.presentPages > 0).map((n) => n.id);
  const liveAt = (i: number) => profile.hugepageSizes.includes(pools[i].pageSize) && known.has(pools[i].node) && pools[i].count > 0 && dup[i] === null;
  const live = pools.map((_, i) => i).filter(liveAt);
  const bySize = new Map<number, string | null>();
  for (const size of new Set(live.map((i) => pools[i].pageSize))) {
    const mine = live.filter((i) => pools[i].pageSize === size).map((i) => pools[i]);
    // One pool per node now (the duplicates are out).
    const countOf = (id: number) => mine.find((p) => p.node === id)?.count ?? 0;
    const counts = memNodes.map(countOf);
    const balanced =
      request === 'balanced' || (request === 'auto' && counts.length > 0 && counts[0] > 0 && counts.every((c) => c === counts[0]) && mine.every((p) => memNodes.includes(p.node)));
    const perNode = [...new Set(mine.map((p) => p.node))].sort((a, b) => a - b).map((id) => `${id}:${countOf(id)}`);
    bySize.set(size, balanced ? null : `hugepagesz=${sizeToken(size)} hugepages=${perNode.join(',')}`);
  }
  return pools.map((p, i) => (liveAt(i) ? (bySize.get(p.pageSize) ?? null) : null));
}

/** Where the kernel puts one boot pool (placeBootHugetlbPools()). */
export interface BootPoolPlacement {
  /**
   * The node-specific command line of the pool's page size when the architecture refuses it
   * (HUGETLB_NODE_ALLOC_UNSUPPORTED): the pool gets nothing. Null otherwise.
   */
  nodeRequestIgnored: string | null;
  /** The pool's page size reads as a balanced "hugepages=N" (hugetlbNodeRequests()), not the node form. The timing
   *  model takes this to choose between padata over the nodes and hugetlb_hstate_alloc_pages_specific_nodes(). */
  balancedRequest: boolean;
  /** hstate_is_gigantic(): allocated from memblock at hugepages= parsing, before every smaller size. */
  gigantic: boolean;
  chunks: HugetlbChunk[];
  /** Pages the kernel allocated for the request (what "Only allocated %lu hugepages" counts). */
  allocated: number;
  /** Of those, pages on the requested node. */
  onNode: number;
  /** Pages on other nodes, per node: gigantic pages memblock found elsewhere when the requested node was full; for a
   *  balanced hugepages=N, pages on a memory node the config gives no pool of the size. */
  offNode: { node: number; pages: number }[];
  /**
   * A balanced "hugepages=N" that the nodes could not hold: N asked and what all nodes got
   * (hugetlb_hstate_alloc_pages_errcheck()'s warning, which names no node). Set on the size's first pool only.
   */
  balancedShort: { asked: number; allocated: number } | null;
  /** The earlier pool of the same node and page size when hugepages_setup() ignores this one
   *  (hugetlbDuplicatePools()): it gets no page. Null otherwise. */
  duplicateOf: number | null;
  /** The kernel's warning for a duplicate (hugetlbSpecifiedTwiceMessage(), or HUGETLB_NODE_ALLOC_UNSUPPORTED when the
   *  size's node form is refused anyway); null for other pools. */
  duplicateMessage: string | null;
  /** The pool's place in the kernel's allocation order (0 first): see placeBootHugetlbPools(). */
  order: number;
}

/** hstate_is_gigantic(): huge_page_order(h) > MAX_PAGE_ORDER. */
export function hugetlbIsGigantic(profile: ArchProfile, pageSizeBytes: number): boolean {
  return pageSizeBytes / profile.pageSize > 2 ** profile.maxPageOrder;
}

interface FreeRange {
  node: number;
  startPfn: number;
  endPfn: number;
}

/** Free boot memory (memblock.memory less memblock.reserved) of every node, handed out top-down like memblock. */
class BootMemblock {
  /** Sorted by startPfn, disjoint. */
  private free: FreeRange[] = [];

  constructor(nodes: readonly NodeLayout[]) {
    for (const n of nodes) for (const r of n.ranges) if (r.endPfn > r.startPfn) this.free.push({ node: n.id, startPfn: r.startPfn, endPfn: r.endPfn });
    this.free.sort((a, b) => a.startPfn - b.startPfn);
  }

  /** memblock_reserve() of a fixed range. */
  reserve(startPfn: number, endPfn: number): void {
    this.free = this.free.flatMap((r) => {
      if (r.endPfn <= startPfn || r.startPfn >= endPfn) return [r];
      const out: FreeRange[] = [];
      if (r.startPfn < startPfn) out.push({ ...r, endPfn: startPfn });
      if (r.endPfn > endPfn) out.push({ ...r, startPfn: endPfn });
      return out;
    });
  }

  /** Give back [startPfn, endPfn) of `node`, which an alloc() returned (sparse_buffer_fini()). */
  release(node: number, startPfn: number, endPfn: number): void {
    if (endPfn <= startPfn) return;
    let i = this.free.findIndex((r) => r.startPfn >= endPfn);
    if (i < 0) i = this.free.length;
    this.free.splice(i, 0, { node, startPfn, endPfn });
    // Merge with the neighbours of the same node.
    const next = this.free[i + 1];
    if (next && next.node === node && next.startPfn === endPfn) {
      this.free[i].endPfn = next.endPfn;
      this.free.splice(i + 1, 1);
    }
    const prev = this.free[i - 1];
    if (prev && prev.node === node && prev.endPfn === startPfn) {
      prev.endPfn = this.free[i].endPfn;
      this.free.splice(i, 1);
    }
  }

  /**
   * Up to `count` blocks of `unit` pfns aligned to `align` (`unit` a multiple of `align`), each where
   * memblock's top-down search finds it: the highest fit in `node`'s free memory, or any node's (null,
   * NUMA_NO_NODE). Consecutive blocks from one free range are contiguous, so a range is carved once.
   */
  alloc(node: number | null, unit: number, align: number, count: number): HugetlbChunk[] {
    const out: HugetlbChunk[] = [];
    let need = count;
    for (let i = this.free.length - 1; i >= 0 && need > 0; i--) {
      const r = this.free[i];
      if ((node !== null && r.node !== node) || r.endPfn - r.startPfn < unit) continue;
      const top = alignDown(r.endPfn - unit, align) + unit;
      if (top - unit < r.startPfn) continue;
      const n = Math.min(need, divFloor(top - r.startPfn, unit));
      const s = top - n * unit;
      out.push({ node: r.node, startPfn: s, endPfn: top, pages: n });
      const rest: FreeRange[] = [];
      if (r.startPfn < s) rest.push({ node: r.node, startPfn: r.startPfn, endPfn: s });
      if (top < r.endPfn) rest.push({ node: r.node, startPfn: top, endPfn: r.endPfn });
      this.free.splice(i, 1, ...rest);
      need -= n;
    }
    return out;
  }

  /** How many blocks of `unit` pfns, aligned to `unit`, alloc() could still find in `node`. */
  capacity(node: number, unit: number): number {
    let n = 0;
    for (const r of this.free) {
      if (r.node !== node) continue;
      const top = alignDown(r.endPfn, unit);
      if (top - unit >= r.startPfn) n += divFloor(top - r.startPfn, unit);
    }
    return n;
  }

  /** Free pages of `node`. */
  freePages(node: number): number {
    return this.free.reduce((s, r) => s + (r.node === node ? r.endPfn - r.startPfn : 0), 0);
  }

  /** Take `pages` from the bottom of `node`'s free memory (what the buddy allocator keeps back). */
  holdLowest(node: number, pages: number): void {
    let left = pages;
    for (let i = 0; i < this.free.length && left > 0; i++) {
      const r = this.free[i];
      if (r.node !== node) continue;
      const n = Math.min(left, r.endPfn - r.startPfn);
      r.startPfn += n;
      left -= n;
    }
    this.free = this.free.filter((r) => r.endPfn > r.startPfn);
  }

  /** `pages` single pages for `node`, falling back to any node (memblock_alloc_try_nid_raw() is not node-exact). */
  allocPages(node: number, pages: number): void {
    const got = this.alloc(node, 1, 1, pages).reduce((s, c) => s + c.pages, 0);
    if (got < pages) this.alloc(null, 1, 1, pages - got);
  }
}

/**
 * What the buddy allocator keeps back from 2 MiB boot pages on each node, in pages (6.12 mm/page_alloc.c):
 *   - every zone's min watermark: calculate_min_free_kbytes() gives min_free_kbytes = int_sqrt(lowmem_kbytes * 16),
 *     clamped to 128..262144, and __setup_per_zone_wmarks() shares it out by managed pages (the allocation has no
 *     __GFP_HIGH, so it never goes below min);
 *   - in each zone below the node's highest one (DMA, DMA32), lowmem_reserve: the managed pages of the node's
 *     zones above it / sysctl_lowmem_reserve_ratio (256 for DMA and DMA32; setup_per_zone_lowmem_reserve()),
 *     which __zone_watermark_ok() adds to the watermark for an allocation that may use the higher zones (a huge
 *     page is GFP_HIGHUSER(_MOVABLE)). A zone keeps back at most all it has.
 * Managed pages here: boot RAM less what sparse_init() reserved (the node's top zone holds it); gigantic pages
 * count from 6.9 (their gather in page_alloc_init_late() gives them back to totalram before
 * init_per_zone_wmark_min()); before, hugetlb_init() gathers them after the smaller pools (`notYetManaged`).
 */
export function buddyReservePages(
  profile: ArchProfile,
  nodes: readonly NodeLayout[],
  reserved: readonly NodeBootReservation[],
  /** Gigantic pages (in base pages) per node not yet given to the zones when the watermarks are set (before 6.9). */
  notYetManaged: ReadonlyMap<number, number> = new Map(),
): { node: number; pages: number }[] {
  const P = profile.pageSize;
  const zones = nodes.map((n) => {
    const r = reserved.find((x) => x.id === n.id);
    const held = (r ? bootReservedPages(P, r) : 0) + (notYetManaged.get(n.id) ?? 0);
    const present = n.zones.filter((z) => z.presentPages > 0);
    return { node: n.id, managed: present.map((z) => (z.isLastZone ? Math.max(0, z.presentPages - held) : z.presentPages)) };
  });
  const total = zones.reduce((s, n) => s + n.managed.reduce((a, b) => a + b, 0), 0);
  if (total === 0) return [];
  const lowmemKiB = (total * P) / 1024;
  const minFreeKiB = Math.min(262144, Math.max(128, Math.floor(Math.sqrt(lowmemKiB * 16))));
  const minPages = Math.floor((minFreeKiB * 1024) / P);
  return zones.map(({ node, managed }) => {
    let pages = 0;
    managed.forEach((m, i) => {
      const min = Math.floor((minPages * m) / total);
      const above = managed.slice(i + 1).reduce((a, b) => a + b, 0);
      pages += Math.min(m, min + Math.floor(above / LOWMEM_RESERVE_RATIO));
    });
    return { node, pages };
  });
}

/** sysctl_lowmem_reserve_ratio[] of ZONE_DMA and ZONE_DMA32 (the zones below Normal that the simulator lays out). */
const LOWMEM_RESERVE_RATIO = 256;

/** Pages of a node that sparse_init() keeps reserved in memblock: its boot memmap and the page tables mapping it.
 *  The buddy allocator never gets them, and deferred init skips them (memmap_init_reserved_pages() does them). */
export function bootReservedPages(pageSize: number, r: Pick<NodeBootReservation, 'bootMemmapBytes' | 'pageTableBytes'>): number {
  return divRoundUp(r.bootMemmapBytes, pageSize) + divRoundUp(r.pageTableBytes, pageSize);
}

/** What sparse_init() took from memblock on one node (NodeMemmap's figures). */
export interface NodeBootReservation {
  id: number;
  /** What the sections really used of the buffer. */
  bootMemmapBytes: number;
  /** map_count × section_map_size(): the buffer reserved first. */
  sectionMapReservedBytes: number;
  pageTableBytes: number;
}

/**
 * Whether HVO of the gigantic boot pages runs before hugetlb_init() allocates the smaller pools, and the memory
 * it frees can be located in the sparse buffer: 6.9+ gathers them in page_alloc_init_late()
 * (hugetlb_bootmem_struct_page_init() -> gather_bootmem_prealloc_node() -> hugetlb_vmemmap_optimize_folios()),
 * and each section's memmap is whole PMD blocks of the buffer (x86_64, arm64 4K: 2 MiB per section), so a
 * huge page's vmemmap is one run of it. HVO allocates a new head vmemmap page (hugetlb_vmemmap.c
 * __hugetlb_vmemmap_optimize_folio()) and frees every original one to the buddy allocator
 * (free_bootmem_page()), where they merge into 2 MiB blocks again.
 */
function hvoFreesAtGather(profile: ArchProfile): boolean {
  const sectionMemmap = profile.pagesPerSection * profile.structPageSize;
  return (
    profile.features.hvo &&
    isPowerOfTwo(profile.structPageSize) &&
    atLeast(profile.version, BOUNDARY.hugetlbParallelAlloc) &&
    sectionMemmap % profile.pmdSize === 0 &&
    profile.sectionMapSize === sectionMemmap
  );
}

/** Give the vmemmap of the huge pages of chunk `c` back to memblock's model (see hvoFreesAtGather()). */
function releaseHvoVmemmap(profile: ArchProfile, nodes: readonly NodeLayout[], bufferAt: ReadonlyMap<number, number>, mb: BootMemblock, c: HugetlbChunk): void {
  const P = profile.pageSize;
  const pps = profile.pagesPerSection;
  // The memmap of a pfn lives in the buffer of the node whose sections hold it.
  const owner = nodes.find((n) => n.sectionRuns.some((r) => c.startPfn >= r.startSection * pps && c.startPfn < (r.startSection + r.count) * pps));
  const at = owner ? bufferAt.get(owner.id) : undefined;
  if (!owner || at === undefined) return;
  // Its sections' memmaps follow each other in the buffer in section order.
  const rank = (pfn: number): number | null => {
    const sec = Math.floor(pfn / pps);
    let before = 0;
    for (const r of owner.sectionRuns) {
      if (sec >= r.startSection && sec < r.startSection + r.count) return before + (sec - r.startSection);
      before += r.count;
    }
    return null;
  };
  const first = rank(c.startPfn);
  const last = rank(c.endPfn - 1);
  if (first === null || last === null || last - first !== Math.floor((c.endPfn - 1) / pps) - Math.floor(c.startPfn / pps)) return;
  const byteOf = (pfn: number, r: number) => r * pps * profile.structPageSize + (pfn % pps) * profile.structPageSize;
  const start = at + Math.floor(byteOf(c.startPfn, first) / P);
  const end = at + Math.ceil((byteOf(c.endPfn - 1, last) + profile.structPageSize) / P);
  mb.release(owner.id, start, end);
}

/**
 * Where a balanced "hugepages=N" of a non-gigantic size lands, per memory node (6.12 mm/hugetlb.c): each
 * page comes from alloc_pool_huge_folio(), which tries the nodes round-robin from `next_node` (with
 * __GFP_THISNODE, so a full node passes its turn to the next one). 6.9+ (hugetlb_pages_alloc_boot()) splits N
 * into padata chunks and every chunk starts its round-robin at the first node again
 * (hugetlb_pages_alloc_boot_node(): next_node = first_online_node), so 1006 pages on 2 nodes are 505 + 501;
 * before, one loop goes round-robin from the first memory node. A chunk stops at the first page no node can
 * hold. `nodes`: the memory nodes in id order with the huge pages each can still hold.
 */
export function balancedSpread(asked: number, nodes: readonly { id: number; capacity: number }[], padata: boolean): Map<number, number> {
  const k = nodes.length;
  const got = new Map<number, number>(nodes.map((n) => [n.id, 0]));
  if (k === 0 || asked <= 0) return got;
  const cap = nodes.map((n) => Math.max(0, n.capacity));
  // Asked for at least what all nodes hold: every node fills up, whatever the chunking.
  if (asked >= cap.reduce((a, b) => a + b, 0)) return new Map(nodes.map((n, i) => [n.id, cap[i]]));
  const count = nodes.map(() => 0);
  const chunks = padata ? padataChunks(hugetlbAllocJob(asked, k), padataPlan(hugetlbAllocJob(asked, k))) : [{ start: 0, end: asked }];
  for (const c of chunks) {
    let left = c.end - c.start;
    let next = 0;
    while (left > 0) {
      // The nodes that still have room, in round-robin order from `next`.
      const open: number[] = [];
      for (let t = 0; t < k; t++) if (cap[(next + t) % k] > 0) open.push((next + t) % k);
      if (open.length === 0) break;
      // Whole rounds over them while none fills up; then page by page until one does (or the chunk ends).
      const rounds = Math.min(Math.floor(left / open.length), ...open.map((i) => cap[i]));
      if (rounds > 0) {
        for (const i of open) {
          cap[i] -= rounds;
          count[i] += rounds;
        }
        left -= rounds * open.length;
        next = open[0];
        continue;
      }
      for (const i of open) {
        if (left === 0) break;
        cap[i]--;
        count[i]++;
        left--;
        next = (i + 1) % k;
        if (cap[i] === 0) break;
      }
    }
  }
  nodes.forEach((n, i) => got.set(n.id, count[i]));
  return got;
}

/**
 * Place every boot pool as the kernel allocates it (see the comment above): the result is in config
 * order. `nodes` is the boot layout (memblock.memory); `reserved` what sparse_init() took per node.
 * Pools of an unsupported size, of a node that does not exist or with no pages get nothing.
 */
export function placeBootHugetlbPools(
  profile: ArchProfile,
  nodes: readonly NodeLayout[],
  reserved: readonly NodeBootReservation[],
  pools: readonly Pick<HugetlbPoolConfig, 'node' | 'pageSize' | 'count'>[],
  request: HugetlbRequest = 'auto',
  /** kernel.hvo (hugetlb_free_vmemmap=on). */
  hvo = false,
): BootPoolPlacement[] {
  const P = profile.pageSize;
  const mb = new BootMemblock(nodes);
  /** Where each node's sparse buffer starts (its sections' memmaps, one after the other). */
  const bufferAt = new Map<number, number>();
  if (profile.arch === 'x86_64') mb.reserve(0, divRoundUp(MiB, P)); // reserve_real_mode(): memblock_reserve(0, SZ_1M)

  // sparse_init(), in section order: the buffer, the page tables populating from it, then its unused tail back.
  const align = Math.max(1, divRoundUp(profile.sectionMapSize, P));
  for (const n of [...nodes].sort((a, b) => a.startPfn - b.startPfn)) {
    const r = reserved.find((x) => x.id === n.id);
    if (!r) continue;
    const used = divRoundUp(r.bootMemmapBytes, P);
    let buffer: HugetlbChunk | null = null;
    if (used > 0) {
      const bufferPfns = alignUp(Math.max(used, divRoundUp(r.sectionMapReservedBytes, P)), align);
      buffer = mb.alloc(n.id, bufferPfns, align, 1)[0] ?? null;
      if (buffer) bufferAt.set(n.id, buffer.startPfn);
      // No room for the whole buffer: each section's memmap is allocated on its own (vmemmap_alloc_block()).
      if (!buffer) mb.allocPages(n.id, used);
    }
    mb.allocPages(n.id, divRoundUp(r.pageTableBytes, P));
    if (buffer) mb.release(n.id, buffer.startPfn + used, buffer.endPfn);
  }

  const dupOf = hugetlbDuplicatePools(profile, nodes, pools);
  const nodeForm = hugetlbNodeRequests(profile, nodes, pools, request, dupOf);
  const known = new Set(nodes.map((n) => n.id));
  const supported = hugetlbNodeAllocSupported(profile);
  const out: BootPoolPlacement[] = pools.map((p, i) => {
    const first = dupOf[i];
    // The size's reading is its first pool's; the duplicate's hugepages= is written in that form. A pool of an
    // unsupported size, on no known node or with no pages stands for no request at all (not a balanced one).
    const live = profile.hugepageSizes.includes(p.pageSize) && known.has(p.node) && p.count > 0;
    const balanced = live && (first === null ? nodeForm[i] === null : nodeForm[first] === null);
    return {
      nodeRequestIgnored: supported ? null : nodeForm[i],
      balancedRequest: balanced,
      gigantic: hugetlbIsGigantic(profile, p.pageSize),
      chunks: [],
      allocated: 0,
      onNode: 0,
      offNode: [],
      balancedShort: null,
      duplicateOf: first,
      // On powerpc Book3S-64 a node-form hugepages= is refused before the "twice" test can see it (the refused one
      // never set last_mhp), so a duplicate of a node-form size gets the architecture's warning instead.
      duplicateMessage: first === null ? null : !supported && !balanced ? HUGETLB_NODE_ALLOC_UNSUPPORTED : hugetlbSpecifiedTwiceMessage(balanced ? `${p.count}` : `${p.node}:${p.count}`),
      order: 0,
    };
  });
  const memoryNodes = nodes.filter((n) => n.presentPages > 0).map((n) => n.id).sort((a, b) => a - b);
  const balancedDone = new Set<number>();
  // The kernel's order: the gigantic sizes while hugepages= is parsed, in command-line order (each hugepagesz=
  // hugepages= pair is handled as it is parsed: hugepages_setup() -> hugetlb_hstate_alloc_pages()); the others
  // later in hugetlb_init() -> hugetlb_init_hstates(), for_each_hstate(), i.e. in the order their hugepagesz= created
  // the hstates (hugetlb_add_hstate()), the command-line order again. The command line is taken to name the sizes
  // in the order the config first mentions them. Within one size, hugetlb_hstate_alloc_pages_specific_nodes() goes
  // for_each_online_node(), in node-id order (6.12 mm/hugetlb.c), whatever the order of the config's pools.
  const sizeRank = new Map<number, number>();
  for (const p of pools) if (!sizeRank.has(p.pageSize)) sizeRank.set(p.pageSize, sizeRank.size);
  const order = pools
    .map((_, i) => i)
    .sort((a, b) => Number(out[b].gigantic) - Number(out[a].gigantic) || sizeRank.get(pools[a].pageSize)! - sizeRank.get(pools[b].pageSize)! || pools[a].node - pools[b].node || a - b);
  order.forEach((i, k) => (out[i].order = k));
  let watermarksHeld = false;
  for (const i of order) {
    const pool = pools[i];
    const o = out[i];
    if (!o.gigantic && !watermarksHeld) {
      // 6.9+: the gigantic pages were gathered, and HVO gave their vmemmap back, before hugetlb_init().
      if (hvo && hvoFreesAtGather(profile)) {
        for (let j = 0; j < pools.length; j++) if (out[j].gigantic) for (const c of out[j].chunks) releaseHvoVmemmap(profile, nodes, bufferAt, mb, c);
      }
      // The buddy allocator keeps back each zone's min watermark, and lowmem_reserve in the lower zones.
      watermarksHeld = true;
      const gathered = atLeast(profile.version, BOUNDARY.hugetlbParallelAlloc);
      const notYetManaged = new Map<number, number>();
      if (!gathered) for (const oj of out) if (oj.gigantic) for (const c of oj.chunks) notYetManaged.set(c.node, (notYetManaged.get(c.node) ?? 0) + (c.endPfn - c.startPfn));
      for (const w of buddyReservePages(profile, nodes, reserved, notYetManaged)) mb.holdLowest(w.node, w.pages);
    }
    if (!profile.hugepageSizes.includes(pool.pageSize) || !known.has(pool.node) || !(pool.count > 0) || o.nodeRequestIgnored !== null || o.duplicateOf !== null) continue;
    const unit = pool.pageSize / P;
    if (o.balancedRequest) {
      // hugepages=N: the whole size at once, spread over the memory nodes.
      if (balancedDone.has(pool.pageSize)) continue;
      balancedDone.add(pool.pageSize);
      const mine = pools
        .map((_, j) => j)
        .filter((j) => pools[j].pageSize === pool.pageSize && out[j].balancedRequest && out[j].duplicateOf === null && known.has(pools[j].node) && pools[j].count > 0);
      const asked = mine.reduce((t, j) => t + pools[j].count, 0);
      let perNode: Map<number, HugetlbChunk[]>;
      if (o.gigantic) perNode = giganticBalancedAlloc(mb, memoryNodes, unit, asked);
      else {
        // alloc_pool_huge_folio() with __GFP_THISNODE per try (balancedSpread()); where buddy takes them is not modeled.
        const got = balancedSpread(
          asked,
          memoryNodes.map((id) => ({ id, capacity: mb.capacity(id, unit) })),
          atLeast(profile.version, BOUNDARY.hugetlbParallelAlloc),
        );
        perNode = new Map(memoryNodes.map((id) => [id, mb.alloc(id, unit, unit, got.get(id) ?? 0)]));
      }
      // A node's pages go to its pool (one per node: the duplicates are out), even beyond its count (another node
      // was full and this one took its turns).
      for (const j of mine) {
        const chunks = perNode.get(pools[j].node) ?? [];
        perNode.delete(pools[j].node);
        out[j].chunks = chunks;
        out[j].onNode = out[j].allocated = chunks.reduce((t, c) => t + c.pages, 0);
      }
      // Pages on a memory node the config gives no pool of this size (only when another node was full, or with
      // machine.hugetlbRequest: balanced): booked to the first pool, as pages on another node (offNode).
      for (const [node, chunks] of perNode) {
        const pages = chunks.reduce((t, c) => t + c.pages, 0);
        if (pages <= 0) continue;
        const first = out[mine[0]];
        first.chunks.push(...chunks);
        first.allocated += pages;
        first.offNode.push({ node, pages });
      }
      const allocated = mine.reduce((t, j) => t + out[j].allocated, 0);
      if (allocated < asked) o.balancedShort = { asked, allocated };
      continue;
    }
    o.chunks = mb.alloc(pool.node, unit, unit, pool.count);
    o.onNode = o.chunks.reduce((s, c) => s + c.pages, 0);
    if (o.gigantic && o.onNode < pool.count) {
      for (const c of mb.alloc(null, unit, unit, pool.count - o.onNode)) {
        o.chunks.push(c);
        const e = o.offNode.find((x) => x.node === c.node);
        if (e) e.pages += c.pages;
        else o.offNode.push({ node: c.node, pages: c.pages });
      }
    }
    o.allocated = o.chunks.reduce((s, c) => s + c.pages, 0);
  }
  return out;
}

/**
 * A balanced hugepages=N of a gigantic size (6.12 mm/hugetlb.c hugetlb_hstate_alloc_pages() ->
 * hugetlb_gigantic_pages_alloc_boot()): N calls of alloc_bootmem_huge_page(h, NUMA_NO_NODE); each
 * (__alloc_bootmem_huge_page()) takes the next node of for_each_node_mask_to_alloc() over N_MEMORY, round-robin from
 * h->next_nid_to_alloc (first_memory_node, set by hugetlb_add_hstate()), and asks memblock_alloc_try_nid_raw() for a
 * page there. That is not node-exact (mm/memblock.c memblock_alloc_range_nid() retries with NUMA_NO_NODE): a full
 * node's turn gives a page wherever memblock's top-down search finds one, on any node. The loop stops at the first
 * page memblock cannot find at all; hugetlb_hstate_alloc_pages_errcheck() then prints the one warning naming no node.
 * 6.1 is the same (the loop was inline in hugetlb_hstate_alloc_pages(), with the same message). Returns each node's
 * chunks, top-down.
 */
function giganticBalancedAlloc(mb: BootMemblock, memoryNodes: readonly number[], unit: number, asked: number): Map<number, HugetlbChunk[]> {
  const out = new Map<number, HugetlbChunk[]>(memoryNodes.map((id) => [id, []]));
  const add = (c: HugetlbChunk) => {
    let list = out.get(c.node);
    if (!list) out.set(c.node, (list = []));
    const last = list[list.length - 1];
    if (last && last.startPfn === c.endPfn) {
      last.startPfn = c.startPfn;
      last.pages += c.pages;
    } else list.push({ ...c });
  };
  const k = memoryNodes.length;
  let left = asked;
  let next = 0;
  let someFull = false;
  while (left > 0 && k > 0) {
    if (!someFull && left >= k) {
      // Whole rounds while every node has room: each node its page of every round, node-exact.
      const caps = memoryNodes.map((id) => mb.capacity(id, unit));
      const rounds = Math.min(Math.floor(left / k), ...caps);
      if (rounds > 0) {
        for (const id of memoryNodes) for (const c of mb.alloc(id, unit, unit, rounds)) add(c);
        left -= rounds * k;
        continue;
      }
      someFull = caps.some((c) => c === 0);
    }
    // Page by page: the node whose turn it is, else (memblock's fallback) wherever the top-down search finds room.
    const id = memoryNodes[next];
    next = (next + 1) % k;
    const got = mb.alloc(id, unit, unit, 1);
    const page = got.length > 0 ? got : mb.alloc(null, unit, unit, 1);
    if (page.length === 0) break;
    for (const c of page) add(c);
    left--;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// /proc/vmstat

/** nr_memmap_boot_pages / nr_memmap_pages changes. */
export interface MemmapVmstatDelta {
  nrMemmapBootPages: number;
  nrMemmapPages: number;
}

/**
 * What optimizing huge pages does to the vmstat counters (6.11+). 6.12 __hugetlb_vmemmap_optimize_folio()
 * allocates a new head vmemmap page per folio (memmap_pages_add(1), mm/hugetlb_vmemmap.c:544) and frees
 * every original vmemmap page through free_vmemmap_page() (:183-190): memmap_boot_pages_add(-1) when
 * the page is PageReserved (memblock: the boot memmap), memmap_pages_add(-1) otherwise (buddy: the
 * memmap of hot-added memory).
 */
export function hvoVmstatDelta(vmemmapPagesPerHugePage: number, bootMemmapPages: number, otherPages: number): MemmapVmstatDelta {
  return {
    nrMemmapBootPages: 0 - bootMemmapPages * vmemmapPagesPerHugePage,
    nrMemmapPages: bootMemmapPages + otherPages - otherPages * vmemmapPagesPerHugePage,
  };
}

/** Huge pages of a chunk whose pfns all lie in early sections: their vmemmap is the boot memmap (memblock). */
function bootMemmapHugePages(early: IntervalSet, pagesPerSection: number, c: HugetlbChunk, unit: number): number {
  let n = 0;
  for (const seg of early.segments(divFloor(c.startPfn, pagesPerSection), divRoundUp(c.endPfn, pagesPerSection))) {
    if (!seg.covered) continue;
    const lo = Math.max(c.startPfn, seg.start * pagesPerSection);
    const hi = Math.min(c.endPfn, seg.end * pagesPerSection);
    const first = c.startPfn + alignUp(lo - c.startPfn, unit);
    const last = c.startPfn + alignDown(hi - c.startPfn, unit);
    if (last > first) n += (last - first) / unit;
  }
  return n;
}

export interface HugetlbPoolResult {
  rec: HugetlbMemmap;
  /** The pool's part of the vmstat counters (all 0 when nothing is optimized). */
  vmstat: MemmapVmstatDelta;
}

export function hugetlbPool(ctx: SimContext, pool: HugetlbPoolConfig, placement: BootPoolPlacement): HugetlbPoolResult {
  const { profile, space } = ctx;
  const P = profile.pageSize;
  const hs = pool.pageSize;
  const rec: HugetlbMemmap = {
    node: pool.node,
    pageSizeBytes: hs,
    count: pool.count,
    allocated: 0,
    offNode: [],
    balancedRequest: false,
    vmemmapBytesPerPage: hugetlbVmemmapSize(profile, hs),
    optimizableBytesPerPage: 0,
    freedBytesPerPage: 0,
    optimizedPages: 0,
    freedBytes: 0,
    pageTableBytes: 0,
    hvo: 'unavailable',
    kernelMessages: [],
    notes: [],
    path: pool.path,
  };
  const result: HugetlbPoolResult = { rec, vmstat: { nrMemmapBootPages: 0, nrMemmapPages: 0 } };
  if (!profile.hugepageSizes.includes(hs)) {
    ctx.errors.push({
      severity: 'error',
      message: `huge page size ${bytesExact(hs)} is not supported on ${profile.arch} (${profile.hugepageSizes.map(bytesExact).join(', ')})`,
      kernelMessage: `HugeTLB: unsupported hugepagesz=${sizeToken(hs)}\n`,
      path: [...pool.path, 'pageSize'],
    });
    return result;
  }
  rec.optimizableBytesPerPage = hugetlbVmemmapOptimizableSize(profile, hs);
  const msg = hvoKernelMessage(profile, hs, ctx.cfg.kernel.hvo);
  if (msg) rec.kernelMessages.push(msg);

  const chunks = placement.chunks;
  rec.allocated = placement.allocated;
  rec.balancedRequest = placement.balancedRequest;
  rec.offNode = placement.offNode.map((o) => ({ ...o }));
  const off = placement.offNode.map((o) => `${o.pages} from node ${o.node}`).join(', ');
  if (placement.duplicateOf !== null) {
    // hugepages_setup() ignores a second hugepages= of the hstate (hugetlbDuplicatePools()).
    const first = `hugetlb[${placement.duplicateOf}]`;
    ctx.errors.push({
      severity: 'warning',
      message:
        `a second pool of ${bytesExact(hs)} pages on node ${pool.node} (${first} is the first): the command line has one hugepages= per hugepagesz=, ` +
        `and hugepages_setup() ignores a second one, so none of these ${pool.count} pages is allocated (the node gets ${first}'s count, not the sum)`,
      kernelMessage: placement.duplicateMessage ?? undefined,
      path: [...pool.path, 'count'],
    });
    rec.notes.push(`not allocated: repeats ${first} (node ${pool.node}, ${bytesExact(hs)}), and the kernel ignores a second hugepages= for one page size`);
  } else if (placement.nodeRequestIgnored !== null) {
    ctx.errors.push({
      severity: 'error',
      message:
        `the ${bytesExact(hs)} pools need a node-specific request (${placement.nodeRequestIgnored}), and ${profile.arch} cannot allocate boot huge pages per node ` +
        `(hugetlb_node_alloc_supported() is false on powerpc Book3S-64): hugepages_setup() ignores that hugepages=, so none of the ${pool.count} pages on node ${pool.node} is allocated`,
      kernelMessage: HUGETLB_NODE_ALLOC_UNSUPPORTED,
      path: [...pool.path, 'node'],
    });
    rec.notes.push(`not allocated: ${profile.arch} ignores node-specific hugepages= (${placement.nodeRequestIgnored}); a balanced hugepages=N (the same count on every node with memory) is allocated`);
  } else if (placement.balancedRequest) {
    // hugepages=N: a full node's share went to the others; only the size as a whole can fall short
    // (6.12 mm/hugetlb.c hugetlb_hstate_alloc_pages() -> hugetlb_hstate_alloc_pages_errcheck(), any page size).
    const short = placement.balancedShort;
    if (short) {
      ctx.errors.push({
        severity: 'warning',
        message: `the memory nodes have room for only ${short.allocated} of the ${short.asked} huge pages of ${bytesExact(hs)} (hugepages=${short.asked}) in their boot RAM`,
        kernelMessage: `HugeTLB: allocating ${short.asked} of page size ${stringGetSize(hs)} failed.  Only allocated ${short.allocated} hugepages.\n`,
        path: [...pool.path, 'count'],
      });
    }
    if (rec.allocated !== pool.count) {
      const turn = placement.gigantic
        ? ", and a full node's turn takes a page wherever memblock finds one (memblock_alloc_try_nid_raw() is not node-exact)"
        : ', and a full node passes its turn to the next';
      rec.notes.push(`hugepages=N spreads the pages round-robin over the memory nodes${placement.balancedShort || rec.allocated < pool.count ? turn : ''}: node ${pool.node} gets ${placement.onNode} of them`);
    }
    if (off) rec.notes.push(`pages on memory nodes the config gives no ${bytesExact(hs)} pool, booked here: ${off}`);
  } else if (rec.allocated < pool.count) {
    ctx.errors.push({
      severity: 'warning',
      message:
        `node ${pool.node} has room for only ${placement.onNode} of ${pool.count} huge pages of ${bytesExact(hs)} in its boot RAM` +
        (off ? ` (memblock took ${off}; no node has room for more)` : ''),
      kernelMessage: `HugeTLB: allocating ${pool.count} of page size ${stringGetSize(hs)} failed node${pool.node}.  Only allocated ${rec.allocated} hugepages.\n`,
      path: [...pool.path, 'count'],
    });
  } else if (off) {
    ctx.errors.push({
      severity: 'warning',
      message: `node ${pool.node} has room for only ${placement.onNode} of ${pool.count} huge pages of ${bytesExact(hs)} in its boot RAM: memblock_alloc_try_nid_raw() is not node-exact and silently takes the other ${pool.count - placement.onNode} elsewhere (${off})`,
      path: [...pool.path, 'count'],
    });
  }
  if (off && !placement.balancedRequest) rec.notes.push(`node ${pool.node} is full: memblock_alloc_try_nid_raw() is not node-exact and took ${off}`);
  if (profile.arch === 'ppc64-hash' && placement.gigantic) {
    // 6.12 arch/powerpc/mm/hugetlbpage.c:126-131 alloc_bootmem_huge_page(): not modelled, the placement above is memblock's.
    rec.notes.push(
      `on a pseries LPAR (hash MMU) boot ${bytesExact(hs)} pages are not taken from memblock: alloc_bootmem_huge_page() hands out the 16 GiB blocks the firmware set aside (ibm,expected#pages, pseries_add_gpage()), so the pool gets at most what the LPAR was given; the placement shown is the memblock one (bare metal / PowerNV)`,
    );
  }

  if (!profile.features.hvo) {
    rec.hvo = 'unavailable';
    rec.notes.push(`HVO is not available on ${profile.arch} with Linux ${profile.version.join('.')} (no ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP)`);
    return result;
  }
  if (!isPowerOfTwo(profile.structPageSize)) {
    rec.hvo = 'not-power-of-two';
    rec.notes.push(`sizeof(struct page) ${profile.structPageSize} is not a power of two: HVO can free nothing`);
    return result;
  }
  if (rec.optimizableBytesPerPage === 0) {
    rec.hvo = 'unavailable';
    rec.notes.push('the vmemmap of one huge page is no larger than what HVO keeps');
    return result;
  }
  if (!ctx.cfg.kernel.hvo) {
    rec.hvo = 'disabled';
    rec.notes.push(`HVO is off (hugetlb_free_vmemmap): ${bytesExact(rec.optimizableBytesPerPage)} per page could be freed, ${bytesExact(rec.optimizableBytesPerPage * rec.allocated)} for the pool`);
    return result;
  }

  // Boot pools are in boot RAM, whose memmap is never self-hosted: every page is optimized.
  const unit = hs / P;
  let bootMemmap = 0;
  for (const c of chunks) {
    rec.optimizedPages += c.pages;
    bootMemmap += bootMemmapHugePages(ctx.earlySections, profile.pagesPerSection, c, unit);
    const va = space.vaOf(c.startPfn, c.endPfn - c.startPfn);
    rec.pageTableBytes += space.splitLeavesForHvo(va.start, va.end);
  }
  result.vmstat = hvoVmstatDelta(rec.vmemmapBytesPerPage / P, bootMemmap, rec.optimizedPages - bootMemmap);
  rec.freedBytesPerPage = rec.optimizedPages > 0 ? rec.optimizableBytesPerPage : 0;
  rec.freedBytes = rec.optimizedPages * rec.optimizableBytesPerPage;
  rec.hvo = 'optimized';
  rec.notes.push(
    `HVO keeps ${profile.features.hvoReservePages} of ${rec.vmemmapBytesPerPage / P} vmemmap pages per huge page: ${bytesExact(rec.optimizableBytesPerPage)} freed per page, ${bytesExact(rec.freedBytes)} for ${rec.optimizedPages} pages` +
      (rec.pageTableBytes ? `; splitting the PMD-mapped vmemmap costs ${bytesExact(rec.pageTableBytes)} of PTE tables` : ''),
  );
  return result;
}
