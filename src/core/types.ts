// Result types of the simulated mm core (memory half): the memmap (struct page array) and the
// vmemmap memory behind it. Integers are bytes, pages (PAGE_SIZE units) or pfns, as named.
//
// Byte totals (tested as invariants in test/unit/core-*.test.ts):
//
//   memmap.ramBytes      = Σ nodes[].bootMemmapBytes
//                        + Σ devices[].ramBytes          (status "ok")
//                        + Σ hotplug[].ramBytes          (status "ok", includes dax/kmem adds)
//                        − Σ hugetlb[].freedBytes        (HVO: net vmemmap returned to the buddy allocator)
//   memmap.deviceBytes   = Σ devices[].deviceBytes + Σ hotplug[].selfHostedBytes
//   memmap.pageTableBytes= Σ nodes[].pageTableBytes + Σ devices[].pageTableBytes
//                        + Σ hotplug[].pageTableBytes + Σ hugetlb[].pageTableBytes
//                        = memmap.pageTables.{pte,pmd,pud}.bytes summed
//   memmap.totalBytes    = ramBytes + deviceBytes + pageTableBytes
//   memmap.savedBytes    = { dedup: Σ devices[].dedupSavedBytes, hvo: Σ hugetlb[].freedBytes }
//
// "memmap bytes" are the frames that back the struct page array (vmemmap data pages / PMD blocks),
// never page-table pages and never altmap alignment padding (reported as altmap.align) or
// memmap_on_memory force padding (reported as hotplug[].wastedBytes). A device or hot-add that the
// kernel would refuse appears with status "failed", all byte figures 0, and an entry in `errors`.
// A dax/kmem device is a hot-add: its memmap is counted once, in memmap.hotplug[device.hotplugIndex],
// and the device record itself carries 0 bytes. Page-table pages are attributed to whichever step
// first needed them (boot, then devices and hot-adds in config order, then HugeTLB splits).

import type { Arch, DeviceKind, DeviceMode, JsonPath, MapLocation } from '../config/types';

export type Severity = 'error' | 'warning';

export interface CoreError {
  /** "error": the kernel refuses (the object is not accounted) or the config cannot mean what it says; "warning": works, but not as one might expect. */
  severity: Severity;
  message: string;
  /** The kernel's own text (printf format filled in), when it prints one. */
  kernelMessage?: string;
  /** JSON path of the config object or field responsible. */
  path: JsonPath;
  /** What failed, for programs (the checker) that must not match message texts. */
  code?: CoreErrorCode;
}

/**
 * Machine-readable causes of core errors that other layers act on:
 * - `altmap-exhausted`: `vmemmap_populate()` ran out of the `vmem_altmap` reservation (-ENOMEM).
 */
export type CoreErrorCode = 'altmap-exhausted';

// ---------------------------------------------------------------------------------------------
// Layout (for the timing model and the checker: do not re-derive these)

/** Half-open pfn range [startPfn, endPfn). */
export interface PfnRange {
  startPfn: number;
  endPfn: number;
}

/** A run of consecutive present sections [startSection, startSection + count). */
export interface SectionRun {
  startSection: number;
  count: number;
}

/** A run of consecutive memory blocks (memory<id> in sysfs). */
export interface BlockRun {
  startBlock: number;
  count: number;
}

export type ZoneName = 'DMA' | 'DMA32' | 'Normal';

export interface ZoneLayout {
  name: ZoneName;
  /** zone_start_pfn .. zone_end_pfn (spanned, holes included). */
  startPfn: number;
  endPfn: number;
  spannedPages: number;
  /** Pages of this node's memory ranges inside the zone. */
  presentPages: number;
  /** spannedPages - presentPages. */
  holePages: number;
  /** The node's memory ranges clipped to the zone, in address order (one padata job each for deferred init). */
  ranges: PfnRange[];
  /** The highest populated zone of the node: the only one deferred init touches (defer_init()). */
  isLastZone: boolean;
}

export interface NodeLayout {
  id: number;
  cpus: number;
  /** Memory ranges (memblock.memory) of this node in pfns, page-trimmed, sorted. */
  ranges: PfnRange[];
  /** Node span: first and last pfn of its ranges. */
  startPfn: number;
  endPfn: number;
  presentPages: number;
  /** Runs of present sections owned by this node (a section shared by two nodes belongs to the lower one). */
  sectionRuns: SectionRun[];
  presentSections: number;
  /** presentSections × PAGES_PER_SECTION: boot struct pages exist for whole sections. */
  structPages: number;
  /** Struct pages in this node's sections that describe no RAM (holes, section tails): initialised as unavailable (PG_reserved). */
  unavailablePages: number;
  zones: ZoneLayout[];
  lastZone: ZoneName | null;
  memoryBlockRuns: BlockRun[];
  path: JsonPath;
}

export interface MemoryLayout {
  arch: Arch;
  pageSize: number;
  sectionSize: number;
  pagesPerSection: number;
  pagesPerSubsection: number;
  pageblockPages: number;
  maxPhysmemBits: number;
  memoryBlockBytes: number;
  sectionsPerBlock: number;
  memoryBlockReason: string;
  nodes: NodeLayout[];
  /** All boot RAM, merged, in pfns. */
  bootRam: PfnRange[];
  presentSections: number;
}

// ---------------------------------------------------------------------------------------------
// memmap result

/** One __add_pages() piece: split at section boundaries; full-section runs are one piece. */
export interface SectionPiece {
  startPfn: number;
  nrPages: number;
  /** Whole sections in the piece (0 for a sub-section piece). */
  fullSections: number;
  /** pmd: PMD/frame leaves; base: PTE-mapped pages; compound: deduplicated compound devmap; early-reuse: boot memmap reused, nothing allocated. */
  mapping: 'pmd' | 'base' | 'mixed' | 'compound' | 'early-reuse' | 'hash';
  ramBytes: number;
  deviceBytes: number;
  /** altmap alignment padding pages consumed by this piece. */
  alignPages: number;
  pageTableBytes: number;
  /** New leaf mappings of the vmemmap (PMD blocks, s390 1 MiB frames, ppc hash bolted pages), from the populate. */
  leafBlocks: number;
  /** New base (PTE-mapped) vmemmap pages that got a frame of their own (compound: head + first tail per compound page). */
  basePages: number;
  /** Compound dedup: vmemmap PTEs mapped onto a shared tail frame. */
  reusedPages: number;
  note: string;
}

export interface AltmapInfo {
  basePfn: number;
  /** Last pfn covered (inclusive), as struct vmem_altmap.end_pfn (used by the ppc altmap_cross_boundary()). */
  endPfn: number;
  reserve: number;
  free: number;
  /** Pages handed out by altmap_alloc_block_buf(). */
  alloc: number;
  /** Padding pages spent on alignment. */
  align: number;
  /** free - alloc - align: metadata area never used. */
  unusedPages: number;
}

export type MemmapLocation = 'device' | 'ram' | 'split' | 'none';

export interface DeviceMemmap {
  name: string;
  node: number;
  kind: DeviceKind;
  mode: DeviceMode;
  map: MapLocation;
  status: 'ok' | 'failed' | 'no-struct-pages';
  start: number;
  size: number;
  /** The range handed to memremap_pages() (or, for kmem, the memory-block-aligned range hot-added), bytes [start, end). */
  mappedRange: { start: number; end: number } | null;
  /** Struct pages that exist for the mapped range (one per pfn). */
  structPages: number;
  /** Struct pages memmap_init_zone_device() actually writes (compound_nr_pages per compound page; kmem: pages onlined). */
  initializedStructPages: number;
  memmapBytes: number;
  location: MemmapLocation;
  ramBytes: number;
  deviceBytes: number;
  dedupSavedBytes: number;
  pageTableBytes: number;
  /** nvdimm info block dataoff (0 when there is no info block). */
  dataOffsetBytes: number;
  endTruncBytes: number;
  /** Usable data pages (nvdimm npfns; dynamic dax: all pages; kmem: pages onlined for use). */
  usablePages: number;
  altmap: AltmapInfo | null;
  /** pgmap->vmemmap_shift (0: not compound). */
  vmemmapShift: number;
  compoundPages: number;
  /** vmemmap_can_optimize() held: compound pages keep 2 vmemmap pages each. */
  dedup: boolean;
  pieces: SectionPiece[];
  /** kmem: index into memmap.hotplug of the add this device produced. */
  hotplugIndex: number | null;
  notes: string[];
  path: JsonPath;
}

export interface HotplugMemmap {
  source: 'hotplug' | 'kmem';
  /** kmem: the dax device. */
  device: string | null;
  node: number;
  start: number;
  size: number;
  status: 'ok' | 'failed';
  /** The caller asked for MHP_MEMMAP_ON_MEMORY. */
  requested: boolean;
  /** memmap_on_memory actually used. */
  memmapOnMemory: boolean;
  blocks: number;
  /** Pages reserved at the start of each block (altmap->free): the memmap plus force padding. */
  memmapPagesPerBlock: number;
  /** Force-mode padding per block ("Memory hotplug will waste %ld pages in each memory block"). */
  wastedPagesPerBlock: number;
  /** vmemmap frames taken from the hot-added memory itself. */
  selfHostedBytes: number;
  /** vmemmap frames taken from system RAM. */
  ramBytes: number;
  memmapBytes: number;
  wastedBytes: number;
  /** blocks × memmapPagesPerBlock × PAGE_SIZE: PageVmemmapSelfHosted pages, present but never managed. */
  reservedBytes: number;
  /** Bytes onlined for use. */
  usableBytes: number;
  pageTableBytes: number;
  structPages: number;
  pieces: SectionPiece[];
  notes: string[];
  path: JsonPath;
}

export interface HugetlbMemmap {
  node: number;
  pageSizeBytes: number;
  count: number;
  /** Pages the kernel allocates: on the node, plus gigantic pages memblock takes from other nodes (offNode). */
  allocated: number;
  /** Gigantic pages memblock_alloc_try_nid_raw() took from other nodes when this node was full. */
  offNode: { node: number; pages: number }[];
  /** Its page size reads as a balanced "hugepages=N" rather than the node form "hugepages=0:N,1:M"
   *  (hugetlbNodeRequests(); machine.hugetlbRequest decides when set). */
  balancedRequest: boolean;
  vmemmapBytesPerPage: number;
  /** hugetlb_vmemmap_optimizable_size(): what "HugeTLB: %d KiB vmemmap can be freed for a %s page" prints, even when HVO is off. */
  optimizableBytesPerPage: number;
  /** What HVO really frees per page (0 when off or unavailable). */
  freedBytesPerPage: number;
  optimizedPages: number;
  freedBytes: number;
  /** PTE tables allocated when the PMD-mapped vmemmap is split. */
  pageTableBytes: number;
  hvo: 'optimized' | 'disabled' | 'unavailable' | 'not-power-of-two' | 'partly-self-hosted' | 'self-hosted';
  kernelMessages: string[];
  notes: string[];
  path: JsonPath;
}

export interface NodeMemmap {
  id: number;
  presentSections: number;
  structPages: number;
  presentPages: number;
  unavailablePages: number;
  /** What sparse_init() really allocates for this node's present sections. */
  bootMemmapBytes: number;
  /** map_count × section_map_size(): the memblock buffer reserved first and trimmed by sparse_buffer_fini(). */
  sectionMapReservedBytes: number;
  /** nr_memmap_boot_pages contribution: DIV_ROUND_UP(PAGES_PER_SECTION × SP, PAGE_SIZE) per present section. */
  nrMemmapBootPages: number;
  pageTableBytes: number;
  zones: ZoneLayout[];
  notes: string[];
}

export interface PageTableCount {
  tables: number;
  bytes: number;
}

export interface MemmapSummary {
  totalBytes: number;
  ramBytes: number;
  deviceBytes: number;
  pageTableBytes: number;
  savedBytes: { dedup: number; hvo: number };
  /** Σ nodes[].bootMemmapBytes */
  bootMemmapBytes: number;
  nodes: NodeMemmap[];
  memoryBlockBytes: number;
  devices: DeviceMemmap[];
  hugetlb: HugetlbMemmap[];
  hotplug: HotplugMemmap[];
  pageTables: { pte: PageTableCount; pmd: PageTableCount; pud: PageTableCount };
  /** /proc/vmstat counters (6.11+), null before. nr_memmap_pages includes altmap-backed vmemmap. */
  vmstat: { nrMemmapBootPages: number; nrMemmapPages: number } | null;
  /**
   * System RAM the vmemmap of devices and hot-adds can come from (docs/cli-json.md, "RAM budget"): what is
   * left after boot (boot RAM less boot memmaps, their page tables and boot HugeTLB pools), and what is
   * left at the end (less the RAM memmaps and page tables of the devices and hot-adds that succeeded,
   * plus the memory the hot-adds onlined). A device or hot-add whose memmap does not fit fails (-ENOMEM).
   */
  ramBudget: { bootFreeBytes: number; freeBytes: number };
  notes: string[];
}

export interface ArchSummary {
  arch: Arch;
  kernel: string;
  /** For a release outside the ones the simulator was checked against (6.1-6.12): what it takes instead. */
  releaseNote: string | null;
  pageSize: number;
  structPageSize: number;
  sectionSize: number;
  pagesPerSection: number;
  pmdSize: number;
  pageblockPages: number;
  maxPhysmemBits: number;
  memremapCompatAlign: number;
  vmemmap: string;
  features: Record<string, boolean | number | string>;
}

export interface MemmapResult {
  memmap: MemmapSummary;
  errors: CoreError[];
  layout: MemoryLayout;
  arch: ArchSummary;
}
