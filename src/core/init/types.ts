// Types of the struct page initialization TIMING model (docs/timing-model.md).
//
// The memory half of the core (src/core/*.ts) says *what* struct pages exist and where their memmap
// lives; this half says *how long* initializing them takes, on which threads, and why. Everything here
// is plain data (JSON-serializable), deterministic, and free of the VS Code API.

import type { JsonPath } from '../../config/types';

// ---------------------------------------------------------------------------------------------
// Input: the init workload (what has to be initialized), built from the memory layout
// ---------------------------------------------------------------------------------------------

/** Where a range of struct pages (the memmap) physically lives: its media and NUMA node. */
export type Media = 'dram' | 'pmem' | 'cxl';

/** A media location: write-bandwidth domain `${media}:${node}`. */
export interface MemmapHome {
  media: Media;
  node: number;
}

/** How the vmemmap of some range is populated (page-table work, not struct page writes). */
export interface VmemmapPopulation {
  /** PMD-sized vmemmap blocks mapped (x86: one per full 128 MiB section, 2 MiB of struct pages each). */
  pmdBlocks: number;
  /** Base-page (PTE) vmemmap pages allocated and mapped: sub-section pieces, compound-devmap dedup. */
  basePages: number;
  /** PTEs that map an already-allocated page (compound devmap dedup reuse, HVO remaps); no allocation. */
  reusedPtes: number;
}

/** One padata job of deferred init: one memblock range of the node's last zone. */
export interface DeferredRange {
  /** First pfn of the job (first_deferred_pfn or the range start, whichever is later). */
  startPfn: number;
  /** End pfn (exclusive) of the memory in this range. */
  endPfn: number;
}

/** Per-node boot work, from the sparse/zones layout. */
export interface NodeInitWork {
  id: number;
  /** CPUs of the node (cpumask_weight(cpumask_of_node(nid))). */
  cpus: number;
  /** True when the node has memory (N_MEMORY): it gets a pgdatinit thread. */
  hasMemory: boolean;
  /** Boot vmemmap population by sparse_init() for the node's present sections. */
  bootVmemmap: VmemmapPopulation;
  /** Struct pages initialized by memmap_init() on the boot CPU (low zones, first section of the last zone, holes). */
  earlyPages: number;
  /**
   * Struct pages of the node's memblock reservations in the deferred area that memmap_init_reserved_pages()
   * initializes on the boot CPU (init_reserved_page()): its boot memmap and vmemmap page tables, which
   * memblock put at the top of the node. Deferred init skips them (it walks free ranges only).
   */
  reservedPages: number;
  /** deferred_page_init_max_threads() for this node (from the arch profile). */
  maxThreads: number;
  /** Deferred padata jobs, one per memblock range of the last zone from first_deferred_pfn (empty: nothing deferred). */
  deferredRanges: DeferredRange[];
  /** The memory deferred init initializes (free ranges from first_deferred_pfn), for chunk page counts. */
  deferredMemory: DeferredRange[];
  /** Pages in deferredMemory (struct pages initialised by pgdatinit + helpers). */
  deferredPages: number;
  /** Where this node's boot memmap lives (sparse_init allocates it node-local). */
  memmapHome: MemmapHome;
}

/** One ZONE_DEVICE namespace (fsdax / devdax): memremap_pages() + memmap_init_zone_device(). */
export interface ZoneDeviceInitWork {
  kind: 'zoneDevice';
  name: string;
  /** Index in the config's devices[] (stable order for lock FIFO and trace pids). */
  index: number;
  node: number;
  /** Device media (what the namespace is made of). */
  media: Media;
  /** Vmemmap population done by __add_pages() under mem_hotplug_lock. */
  populate: VmemmapPopulation;
  /** Struct pages initialized by move_pfn_range_to_zone() under the lock: the altmap's own pfns. */
  altmapInitPages: number;
  /** nr_pages of memmap_init_zone_device() (after the altmap adjustment): the pr_debug count. */
  initPages: number;
  /** Struct pages memmap_init_zone_device() actually writes (compound_nr_pages() per compound page). */
  structPagesWritten: number;
  /** Compound geometry, or null for base pages. */
  compound: null | {
    pfnsPerCompound: number;
    compoundPages: number;
    /** compound_nr_pages(): struct pages written per compound page (128 with dedup on x86, else pfnsPerCompound). */
    structPagesPerCompound: number;
  };
  /** Where the struct pages live (map=dev: the device itself; map=mem: DRAM). */
  memmapHome: MemmapHome;
}

/** Memory hot-add: add_memory_resource() + per-block online (dax/kmem devices and hotplug[] entries). */
export interface HotplugInitWork {
  kind: 'hotplug';
  /** Device name (dax/kmem) or "hotplug[i]". */
  name: string;
  /** Index in devices[] or hotplug[]; `source` says which. */
  index: number;
  source: 'device' | 'hotplug';
  node: number;
  media: Media;
  /** Memory blocks added and onlined. */
  blocks: number;
  /** Pages per memory block (memory_block_size_bytes() / PAGE_SIZE). */
  pagesPerBlock: number;
  /** Vmemmap pages self-hosted at the start of each block (memmap_on_memory), 0 when not effective. */
  memmapPagesPerBlock: number;
  /** Vmemmap population for the whole range (add_memory_resource under the lock). */
  populate: VmemmapPopulation;
  /** Where the struct pages live (memmap_on_memory: the hot-added media; else DRAM). */
  memmapHome: MemmapHome;
}

/** A device or hotplug entry's init work. */
export type DeviceInitWork = ZoneDeviceInitWork | HotplugInitWork;

/** A boot-time HugeTLB pool on one node. */
export interface HugetlbPoolInitWork {
  node: number;
  pageSizeBytes: number;
  count: number;
  /** Gigantic (order > MAX_PAGE_ORDER): memblock-allocated early, gathered in page_alloc_init_late / hugetlb_init. */
  gigantic: boolean;
  /** pages_per_huge_page(h): struct pages per huge page. */
  structPagesPerPage: number;
  /** Pages memblock took from other nodes' memory (the pool's node was full); their memory is reserved there. */
  offNode: { node: number; pages: number }[];
  /** The memory half read its page size's request as a balanced "hugepages=N" (HugetlbMemmap.balancedRequest). */
  balancedRequest: boolean;
  /** Huge pages of the pool HVO optimizes (compiled in, enabled, power-of-two struct page, not self-hosted). */
  hvoPages: number;
  /** Vmemmap pages HVO frees per huge page (7 for 2 MiB, 4095 for 1 GiB on x86). */
  vmemmapPagesFreedPerPage: number;
  /** HUGETLB_VMEMMAP_RESERVE_PAGES: struct pages kept in the head vmemmap page (64 on x86). */
  reserveStructPages: number;
}

/** Kernel behaviour switches that change the *timing structure*, resolved from arch + version. */
export interface InitKernelFeatures {
  /** [major, minor]. */
  version: readonly [number, number];
  /** CONFIG_DEFERRED_STRUCT_PAGE_INIT in effect. */
  deferredInit: boolean;
  /** 6.12: "Memory:" printed after deferred init (page_alloc_init_late); 6.1: before (mm_init). */
  memoryLineAfterDeferred: boolean;
  /** MEMBLOCK_RSRV_NOINIT for gigantic hugetlb pages: tail struct pages not initialized early (6.7+). */
  hugetlbGiganticNoinit: boolean;
  /** padata for hugetlb boot allocation and gigantic gather (6.9+). */
  hugetlbParallel: boolean;
  /** sizeof(struct page). */
  structPageSize: number;
  /** PAGE_SIZE. */
  pageSize: number;
  /** PAGES_PER_SECTION. */
  pagesPerSection: number;
  /** MAX_ORDER_NR_PAGES (buddy free granularity in deferred init). */
  maxOrderNrPages: number;
}

/** Everything the timing model needs to know about the machine's memory: built by workload.ts. */
export interface InitWorkload {
  features: InitKernelFeatures;
  nodes: NodeInitWork[];
  devices: DeviceInitWork[];
  hugetlb: HugetlbPoolInitWork[];
  /** Running under a hypervisor (first-touch / first-bind costs differ). */
  hypervisor: boolean;
}

// ---------------------------------------------------------------------------------------------
// Machine parameters (config `machine` section, normalized by machine.ts)
// ---------------------------------------------------------------------------------------------

/** Per-media write characteristics. GB/s are decimal, i.e. bytes per nanosecond. */
export interface MediaParams {
  /** Rate at which one thread can write struct pages on this media (GB/s). */
  threadWriteGBps: number;
  /** Aggregate write bandwidth of this media per NUMA node (all threads together, GB/s). */
  nodeWriteGBps: number;
}

/** Cost-model era: selects historical per-page costs and the deferred-init threading of that era. */
export type CostEra = 'pre-4.20' | '4.20-5.1' | '5.2-5.7' | '5.8+';

/** Per-page / per-item CPU costs in nanoseconds (single thread, warm, local memory). */
export interface CostParams {
  /** __init_single_page() + freeing to buddy: early memmap_init, deferred init, hotplug online. */
  initPageNs: number;
  /** __init_zone_device_page() per struct page (memmap_init_zone_device). */
  zoneDevicePageNs: number;
  /** Extra per compound page (head setup, prep_compound_head, loop step). */
  compoundPageNs: number;
  /** init_reserved_page() per struct page of a memblock-reserved range (gigantic hugetlb before 6.7). */
  reservedInitPageNs: number;
  /** Tail struct page init of a huge page (hugetlb_folio_init_tail_vmemmap / prep_compound_gigantic_page). */
  hugetlbTailPageNs: number;
  /** HVO per vmemmap page freed (remap PTE, free page, share of PMD split and TLB flush). */
  hvoVmemmapPageNs: number;
  /**
   * Boot allocation of a non-gigantic huge page from buddy, per struct page of the huge page
   * (alloc_pages, prep_compound_page over every tail, enqueue), local/remote mix included.
   */
  hugetlbAllocPageNs: number;
  /** sparse_init(): mapping one PMD vmemmap block from the preallocated per-node memblock buffer. */
  bootVmemmapPmdNs: number;
  /** Hotplug vmemmap_populate(): allocating (buddy order 9, or altmap) and mapping one PMD block. */
  vmemmapPmdNs: number;
  /** Populating one base-page vmemmap page (allocation + set_pte). */
  vmemmapPteNs: number;
  /** Mapping one reused vmemmap PTE (no allocation). */
  vmemmapReusePteNs: number;
  /** One indirect call (retpolined) per page, for the seed-000 per-page init callback option. */
  indirectCallNs: number;
  /** mem_hotplug_lock hand-off to a waiting writer (wakeup + percpu_rwsem writer entry). */
  lockHandoffNs: number;
  /** Start latency of a helper thread (padata work on system_unbound_wq, async worker, kthread). */
  threadStartNs: number;
}

/** A measured point used to scale the matching per-page cost (calibration.ts). */
export interface CalibrationPoint {
  phase: CalibrationPhase;
  /** Node of the measurement (deferred/early/hugetlb), or null. */
  node: number | null;
  /** Device name (zoneDevice/hotplugOnline), or null. */
  device: string | null;
  /** Threads used in the measurement: max_threads for deferred, memmapInitThreads for zoneDevice. Null = as configured. */
  threads: number | null;
  /** Measured wall time in milliseconds. */
  ms: number;
  path: JsonPath;
}

/** Phases a calibration point can name (each maps to one cost term, see calibration.ts). */
export type CalibrationPhase = 'deferred' | 'early' | 'zoneDevice' | 'hotplugOnline' | 'hugetlb' | 'populate';

/** Model options: the seeds' alternatives, selectable for comparison. */
export interface ModelOptions {
  /** Override of deferred_page_init_max_threads() per node (null = kernel behaviour). */
  deferredInitThreads: number | null;
  /** Seed 003: split one device's memmap_init_zone_device into this many async pieces (1 = kernel). */
  memmapInitThreads: number;
  /** Seed 000: per-page init through an indirect callback instead of bulk init. */
  zoneDeviceInit: 'bulk' | 'indirectCall';
  /** Seeds 000/002: where ZONE_DEVICE struct page init runs relative to mem_hotplug_lock. */
  deviceInitLock: 'outside' | 'under';
  /** First bind of the devices (cold) or a rebind (warm). */
  deviceBind: 'first' | 'rebind';
  /** Cost era (null = from the kernel version). */
  era: CostEra | null;
  /** How boot hugetlb pools were requested: per node ("hugepages=0:N,1:M") or balanced ("hugepages=N"). */
  hugetlbRequest: 'auto' | 'perNode' | 'balanced';
  /** Delay between the end of boot memory init and the device probes / hot-adds, in ms. */
  deviceProbeDelayMs: number;
}

/** The normalized `machine` section: every model parameter, with defaults filled in. */
export interface MachineParams {
  costs: CostParams;
  media: Record<Media, MediaParams>;
  /** Multiplier on per-page time when the CPU's node differs from the memmap's node. */
  numaRemoteFactor: number;
  /** Multiplier on per-page device init time for a first bind under a hypervisor (Z2/Z1). */
  firstBindVmFactor: number;
  options: ModelOptions;
  calibration: CalibrationPoint[];
}

/** A located problem in the `machine` section (or a calibration point that could not be used). */
export interface MachineProblem {
  message: string;
  path: JsonPath;
  severity: 'error' | 'warning';
}

// ---------------------------------------------------------------------------------------------
// Output: the timeline
// ---------------------------------------------------------------------------------------------

/** What a span is doing. Waits are spans too, so each thread's timeline is fully covered. */
export type SpanPhase =
  | 'sparseInit'
  | 'memmapInitEarly'
  | 'memmapInitReserved'
  | 'deferredInit'
  | 'threadStart'
  | 'join'
  | 'hugetlbGather'
  | 'hugetlbAlloc'
  | 'hvo'
  | 'lockWait'
  | 'lockHandoff'
  | 'cpuWait'
  | 'devicePopulate'
  | 'deviceAltmapInit'
  | 'zoneDeviceInit'
  | 'hotplugAdd'
  | 'memoryBlockOnline';

/** What bounded a work span's duration. */
export type LimitedBy = 'cpu' | 'threadWrite' | 'bandwidth' | 'fixed' | 'wait';

/**
 * One interval on one thread: work, a wait or a fixed overhead. Spans of one thread never overlap.
 * Every duration is explained by `costTerm` (which parameter, at what value) and `limitedBy`.
 */
export interface Span {
  /** Index in TimingResult.spans. */
  id: number;
  /** Thread name: "swapper/0", "pgdatinit1", "padata/1.3", "probe namespace0.0", ... */
  thread: string;
  /** Numeric thread id (unique per run; the Chrome trace tid). */
  tid: number;
  startUs: number;
  endUs: number;
  phase: SpanPhase;
  /** NUMA node the work is for (the memory's node), or null. */
  node: number | null;
  /** Device / hotplug entry name, or null. */
  device: string | null;
  /** Struct pages initialized (or huge pages for hugetlb phases, vmemmap pages for hvo), 0 for waits. */
  pages: number;
  /** Bytes of struct pages written (pages * sizeof(struct page) for init phases). */
  bytes: number;
  /** Human-readable cost term: "initPageNs 17.75 ns x 1.00 (dram:0, local)". */
  costTerm: string;
  limitedBy: LimitedBy;
  /** work = struct page / page-table work; wait = blocked; overhead = fixed latency; group = encloses spans. */
  kind: 'work' | 'wait' | 'overhead' | 'group';
  /** Span whose end made this span start (same thread predecessor, lock releaser, ...), or null at t=0. */
  causeId: number | null;
  /** Enclosing span on the same thread (e.g. a padata job around its chunks), or null. */
  parentId: number | null;
}

/** An instant event (a kernel log line or a milestone). */
export interface Marker {
  atUs: number;
  thread: string;
  tid: number;
  name: string;
  /** The kernel log line it corresponds to, when there is one. */
  log: string | null;
  node: number | null;
  device: string | null;
}

/** One element of the critical path: a span, in time order. Durations sum to the path's end time. */
export interface CriticalPathEntry {
  spanId: number;
  thread: string;
  phase: SpanPhase;
  node: number | null;
  device: string | null;
  startUs: number;
  endUs: number;
  durUs: number;
  costTerm: string;
  limitedBy: LimitedBy;
}

/** Per-node boot timing. */
export interface NodeTiming {
  id: number;
  /** Boot-CPU time spent on this node's early memmap_init (plus its sparse_init share). */
  earlyMs: number;
  /** Wall time of deferred_init_memmap() on this node (what "node %d deferred pages initialised in %ums" prints). */
  deferredMs: number;
  /** Threads that worked on the node's deferred init (pgdatinit + padata helpers). */
  threads: number;
  /** Struct pages initialized early (memmap_init() and memmap_init_reserved_pages() for the node's own
   *  reservations) and deferred. */
  earlyPages: number;
  deferredPages: number;
  /** When the node's deferred init finished (from boot start), or null if nothing was deferred. */
  doneAtMs: number | null;
}

/** Per-device (or hot-add) timing. */
export interface DeviceTiming {
  name: string;
  kind: 'zoneDevice' | 'hotplug';
  node: number;
  /** Time holding mem_hotplug_lock for vmemmap population and the altmap pfns (or add + online for hot-add). */
  populateMs: number;
  /** Struct page init time (memmap_init_zone_device, or block onlining) outside of waits. */
  initMs: number;
  /** Time spent waiting for mem_hotplug_lock (including hand-offs). */
  lockWaitMs: number;
  /** Time from boot start until the device's memmap is fully initialized. */
  readyAtMs: number;
  /** Struct pages written. */
  pages: number;
  threads: number;
}

/** Per boot HugeTLB pool timing. */
export interface HugetlbTiming {
  node: number;
  pageSizeBytes: number;
  count: number;
  /** Thread time spent on this pool (allocation, tail init, HVO), summed over threads. */
  initMs: number;
  /** Of which HVO. */
  hvoMs: number;
}

/** How one calibration point was applied. */
export interface CalibrationOutcome {
  phase: CalibrationPhase;
  node: number | null;
  device: string | null;
  threads: number | null;
  measuredMs: number;
  /** Prediction with default costs, before scaling. */
  defaultMs: number;
  /** Prediction after all calibration scales were applied. */
  predictedMs: number;
  /**
   * Key that was scaled: the per-page cost of the point's term and media ("initPage:dram", "zoneDevicePage:pmem",
   * "hugetlb:dram", "populate:dram") when the isolated run is bound by it, or the media's node write bandwidth
   * ("writeBw:dram") when that binds (a deferred init with all of a node's CPUs, a multithreaded device init).
   */
  scaled: string;
  /**
   * Multiplier applied to that key (geometric mean when several points solve the same key): on the per-page time
   * for a cost key (> 1 = slower), on `media.<media>.nodeWriteGBps` for "writeBw:" (> 1 = more bandwidth).
   */
  scale: number;
  path: JsonPath;
}

/** The part of a TimingResult one DES run produces (timeline.ts: runTimeline; no params, calibration or
 *  problems). */
export interface TimelineResult {
  /** Boot time of the memory-init part of boot: until "Memory:" is printed and boot hugetlb pools are ready. */
  bootMs: number;
  /** When the "Memory:" line prints (6.1: before deferred init; 6.12: after). */
  memoryLineMs: number;
  /** End of everything simulated (boot + device probes + hot-adds). */
  endMs: number;
  nodes: NodeTiming[];
  devices: DeviceTiming[];
  hugetlb: HugetlbTiming[];
  /** Critical path to endMs: durations sum to endMs. */
  criticalPath: CriticalPathEntry[];
  /** Critical path to bootMs: durations sum to bootMs. */
  bootCriticalPath: CriticalPathEntry[];
  spans: Span[];
  markers: Marker[];
  /** Threads (tid order): name, tid, the node whose CPUs it runs on, and its Chrome trace process. */
  threads: { tid: number; name: string; cpuNode: number; process: string }[];
  /** DES statistics. */
  stats: { events: number; spans: number; threads: number };
}

/**
 * The timing result: `simulate --json`'s `timing` object. Times in ms from the start of boot
 * (sparse_init) unless a field says µs. Spans and the critical path explain every number.
 */
export interface TimingResult extends TimelineResult {
  /** Parameters actually used (after defaults and calibration), for reproducibility. */
  params: MachineParams;
  calibration: CalibrationOutcome[];
  problems: MachineProblem[];
}
