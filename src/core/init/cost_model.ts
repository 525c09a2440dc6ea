// The cost model: default parameters (each with the published row it comes from), era factors, and
// the one function that turns "initialize N struct pages of this kind, living here, from a CPU there"
// into a DES work item with an explained duration.
//
// Units: ns for CPU costs, GB/s (decimal, = bytes per ns) for write rates and bandwidths.
// Rows (J3, M5, D7, W2, Z1/Z2, ...) refer to /work/shared/reference/published-calibration.md; U1-U4
// and H1 are extra published figures listed in docs/timing-model.md.

import type { WorkSpec } from './des';
import type { CostEra, CostParams, MachineParams, Media, MediaParams, ModelOptions, SpanPhase } from './types';

/** Where a default comes from. `estimate` means no published measurement exists: calibrate it. */
export interface ParamSource {
  value: number;
  unit: string;
  rows: string[];
  derivation: string;
  estimate: boolean;
}

// The slowest node's deferred pages: its 384 GiB Normal zone minus the first section (initialized early), minus
// the node's boot memmap (64 B per 4 KiB page) and the 6 PMD tables that map it, which memblock reserved at the
// top of the node: memmap_init_reserved_pages() initializes them on the boot CPU, deferred init skips them.
const J3_NODE_PAGES = 384 * 262144;
const J3_DEFERRED_PAGES = J3_NODE_PAGES - 32768 - (J3_NODE_PAGES * 64) / 4096 - 6;

/** Default per-page / per-item costs (ns), with their derivations. */
export const COST_SOURCES: Record<keyof CostParams, ParamSource> = {
  initPageNs: {
    value: 1785.7e6 / J3_DEFERRED_PAGES,
    unit: 'ns per struct page',
    rows: ['J3'],
    derivation: 'J3 thr 0: 1785.7 ms for the slowest node, 384 GiB = 100,663,296 pages minus the 32,768 initialized early and the 1,572,870 of its memmap and page tables (memblock-reserved, initialized by memmap_init_reserved_pages()) = 99,057,658 deferred pages, one thread (Skylake 8167M @ 2.0 GHz)',
    estimate: false,
  },
  zoneDevicePageNs: {
    value: 313e6 / (128 * 262144 - 512),
    unit: 'ns per struct page',
    rows: ['M5'],
    derivation: 'M5 before: ~268-358 ms (midpoint 313 ms) to bootstrap a 128 GiB devdax namespace, map=mem (DRAM struct pages), base pages: 33,553,920 pages',
    estimate: false,
  },
  compoundPageNs: {
    value: (95e6 - 65535 * 128 * (313e6 / (128 * 262144 - 512))) / 65535,
    unit: 'ns per compound page',
    rows: ['M5', 'M16'],
    derivation: 'M5 after, 2 MiB: ~80-110 ms (midpoint 95 ms) for 65,535 compound pages x 128 struct pages (M16) = 8,388,480 struct pages at zoneDevicePageNs; the remaining 16.75 ms / 65,535',
    estimate: false,
  },
  reservedInitPageNs: {
    value: 10.91,
    unit: 'ns per struct page',
    rows: ['U1', 'U2', 'U3', 'U4'],
    derivation: 'Usama Arif 2023 (500 x 1 GiB pages, kexec boot): the four boot times solve rest-of-boot R = 1.000 s, tail init 8.78 ns, HVO 0.64 ms per page, and early reserved init + gather init = 19.69 ns per struct page, so init_reserved_page() = 10.91 ns',
    estimate: false,
  },
  hugetlbTailPageNs: {
    value: 1.15e9 / (500 * 262080),
    unit: 'ns per struct page',
    rows: ['U3', 'U4'],
    derivation: 'U3 - U4 (with patches, HVO off 2.15 s vs on 1.32 s): 500 x 262,080 tail struct pages = 0.83 s + 500 x HVO 0.64 ms, i.e. 1.15 s / 131,040,000',
    estimate: false,
  },
  hvoVmemmapPageNs: {
    value: 0.64e6 / 4095,
    unit: 'ns per vmemmap page freed',
    rows: ['U1', 'U2'],
    derivation: 'U2 - U1 (without patches, HVO on 3.90 s vs off 3.58 s): 0.32 s / 500 pages = 0.64 ms per 1 GiB page, / 4,095 vmemmap pages freed',
    estimate: false,
  },
  hugetlbAllocPageNs: {
    value: (358e6 * 2) / 131072 / 512,
    unit: 'ns per struct page of a non-gigantic huge page',
    rows: ['H1'],
    derivation: 'H1 (mm/hugetlb.c comment in 6.12): 256G of 2 MiB pages on 2 nodes, multiplier 1 (max_threads 2): 358 ms for 131,072 pages = 5.46 us per page per thread, / 512 struct pages (buddy allocation, prep_compound_page, local and remote nodes mixed)',
    estimate: false,
  },
  bootVmemmapPmdNs: {
    value: 200,
    unit: 'ns per PMD vmemmap block',
    rows: [],
    derivation: 'estimate: sparse_init() maps each section memmap from a preallocated node buffer (no zeroing since the struct page zeroing moved into __init_single_page, T3)',
    estimate: true,
  },
  vmemmapPmdNs: {
    value: 2000,
    unit: 'ns per PMD vmemmap block',
    rows: [],
    derivation: 'estimate: one order-9 buddy allocation (or altmap carve-out) plus set_pmd per 128 MiB section',
    estimate: true,
  },
  vmemmapPteNs: {
    value: 200,
    unit: 'ns per base vmemmap page',
    rows: [],
    derivation: 'estimate: one order-0 allocation from the per-CPU lists plus set_pte',
    estimate: true,
  },
  vmemmapReusePteNs: {
    value: 20,
    unit: 'ns per reused PTE',
    rows: [],
    derivation: 'estimate: set_pte to an already-populated page (compound devmap dedup)',
    estimate: true,
  },
  indirectCallNs: {
    value: 10,
    unit: 'ns per page',
    rows: [],
    derivation: 'estimate: a retpolined indirect call, ~20 cycles at 2 GHz (seed 000: "per-page init is much slower than initializing pages in bulk")',
    estimate: true,
  },
  lockHandoffNs: {
    value: 10000,
    unit: 'ns per hand-off',
    rows: [],
    derivation: 'estimate: percpu_up_write() waking the next percpu_down_write() waiter',
    estimate: true,
  },
  threadStartNs: {
    value: 30000,
    unit: 'ns per thread',
    rows: [],
    derivation: 'estimate: queue_work() on system_unbound_wq / async_schedule() / kthread_run() until the worker runs',
    estimate: true,
  },
};

/** Default media parameters, with their derivations. */
export const MEDIA_SOURCES: Record<Media, Record<keyof MediaParams, ParamSource>> = {
  dram: {
    threadWriteGBps: {
      value: 12,
      unit: 'GB/s',
      rows: [],
      derivation: 'estimate: one core streaming 64-byte stores; never the bound for DRAM struct pages (17.7 ns per 64 B = 3.6 GB/s)',
      estimate: true,
    },
    nodeWriteGBps: {
      value: (J3_DEFERRED_PAGES * 64) / (((157 + 172 + 173.7 + 190 + 138) / 5) * 1e6),
      unit: 'GB/s',
      rows: ['J3', 'J16'],
      derivation: 'J3 saturated points (thr 13, 19, 26, 39, 52: mean 166.14 ms) for 99,057,658 x 64 B; saturation at ~10.7 threads agrees with J16 ("only up to about 8 or 10 CPUs gives you any benefit")',
      estimate: false,
    },
  },
  pmem: {
    threadWriteGBps: {
      value: 64 / (19.12e9 / 792722944),
      unit: 'GB/s',
      rows: ['D7'],
      derivation: 'D7 after: 19.12 s per node for a 3 TiB map=dev namespace (struct pages in PMEM): 792,722,944 data pages, 24.12 ns per 64 B struct page',
      estimate: false,
    },
    nodeWriteGBps: {
      value: (1.75 * 64) / (19.12e9 / 792722944),
      unit: 'GB/s',
      rows: ['W2', 'D7'],
      derivation: 'W2: 8 threads give 1.5x-2x (midpoint 1.75x) "limited by memory-media write bandwidth", times the D7 single-thread rate',
      estimate: false,
    },
  },
  cxl: {
    threadWriteGBps: {
      value: 4,
      unit: 'GB/s',
      rows: [],
      derivation: 'estimate: no published struct page init figure on CXL memory; about 1.5x DRAM store latency',
      estimate: true,
    },
    nodeWriteGBps: {
      value: 25,
      unit: 'GB/s',
      rows: [],
      derivation: 'estimate: a x16 PCIe 5.0 CXL Type-3 expander sustains roughly 25 GB/s of writes',
      estimate: true,
    },
  },
};

export const NUMA_REMOTE_SOURCE: ParamSource = {
  value: 1.5,
  unit: 'x',
  rows: [],
  derivation: 'estimate: remote-node store cost relative to local; calibrate with a measurement from a CPU-less node',
  estimate: true,
};

export const FIRST_BIND_VM_SOURCE: ParamSource = {
  value: 1486 / 273.52,
  unit: 'x',
  rows: ['Z1', 'Z2', 'Z3', 'Z4'],
  derivation: 'Z2/Z1: first bind 1486 ms vs rebind 273.52 ms of a 100 GB fsdax namespace in a VM (devdax, Z4/Z3: 4.83x). Applied only under a hypervisor',
  estimate: false,
};

/**
 * Era multipliers on the effective per-page time. Duyck's work landed in two steps: "Address issues slowing
 * persistent memory initialization" in 4.20 (966cf44f637e: ZONE_DEVICE pages initialized once, outside the
 * hotplug lock, row D15: it "was nearly doubling the memory initialization time") and "Deferred page init
 * improvements" (v6, 2018-11-30) in 5.2 (rows D6: deferred init 3.75 s -> 1.06 s, D7: PMEM init 24.17 s ->
 * 19.12 s). padata for deferred init came in 5.8.
 */
export const ERA_FACTORS: Record<CostEra, { initPage: number; zoneDevicePage: number; padata: boolean; deviceInitUnderLock: boolean }> = {
  'pre-4.20': { initPage: 3.75 / 1.06, zoneDevicePage: (2 * 24.17) / 19.12, padata: false, deviceInitUnderLock: true },
  '4.20-5.1': { initPage: 3.75 / 1.06, zoneDevicePage: 24.17 / 19.12, padata: false, deviceInitUnderLock: false },
  '5.2-5.7': { initPage: 1, zoneDevicePage: 1, padata: false, deviceInitUnderLock: false },
  '5.8+': { initPage: 1, zoneDevicePage: 1, padata: true, deviceInitUnderLock: false },
};

function defaultsOf<K extends string>(src: Record<K, ParamSource>): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const k of Object.keys(src) as K[]) out[k] = src[k].value;
  return out;
}

export const DEFAULT_OPTIONS: ModelOptions = {
  deferredInitThreads: null,
  memmapInitThreads: 1,
  zoneDeviceInit: 'bulk',
  deviceInitLock: 'outside',
  deviceBind: 'first',
  era: null,
  hugetlbRequest: 'auto',
  deviceProbeDelayMs: 0,
};

/** All defaults. A fresh deep copy each call. */
export function defaultMachine(): MachineParams {
  return {
    costs: defaultsOf(COST_SOURCES),
    media: {
      dram: defaultsOf(MEDIA_SOURCES.dram),
      pmem: defaultsOf(MEDIA_SOURCES.pmem),
      cxl: defaultsOf(MEDIA_SOURCES.cxl),
    },
    numaRemoteFactor: NUMA_REMOTE_SOURCE.value,
    firstBindVmFactor: FIRST_BIND_VM_SOURCE.value,
    options: { ...DEFAULT_OPTIONS },
    calibration: [],
  };
}

/** The era a kernel version falls in (the simulated kernels, 6.1 and 6.12, are '5.8+'). */
export function eraOf(version: readonly [number, number], override: CostEra | null): CostEra {
  if (override) return override;
  const [maj, min] = version;
  if (maj < 4 || (maj === 4 && min < 20)) return 'pre-4.20';
  if (maj < 5 || (maj === 5 && min < 2)) return '4.20-5.1';
  if (maj === 5 && min < 8) return '5.2-5.7';
  return '5.8+';
}

/** Per-page cost terms that calibration can scale, per media. */
export type PageTerm = 'initPage' | 'zoneDevicePage' | 'reservedInitPage' | 'hugetlb' | 'populate';

/**
 * Calibration multipliers, keyed "term:media" (e.g. "initPage:dram": a multiplier on the per-page time) or
 * "writeBw:media" (a multiplier on `media.<media>.nodeWriteGBps`, > 1 = more bandwidth). Missing = 1.
 */
export type CostScales = ReadonlyMap<string, number>;

export function scaleKey(term: PageTerm, media: Media): string {
  return `${term}:${media}`;
}

/** The calibration key of a media's node write bandwidth (applied wherever nodeWriteGBps is used). */
export function bandwidthScaleKey(media: Media): string {
  return `writeBw:${media}`;
}

/** A media's node write bandwidth in GB/s (= bytes/ns) after calibration. */
export function nodeWriteGBps(m: MachineParams, scales: CostScales, media: Media): number {
  return m.media[media].nodeWriteGBps * (scales.get(bandwidthScaleKey(media)) ?? 1);
}

/** The context a struct page write happens in. */
export interface PageWorkArgs {
  phase: SpanPhase;
  term: 'initPage' | 'zoneDevicePage' | 'reservedInitPage' | 'hugetlbTailPage' | 'hugetlbAllocPage';
  pages: number;
  /** Fixed CPU time on top of the per-page cost (compound heads, indirect calls...), in ns. */
  extraCpuNs: number;
  /** Label for extraCpuNs in the cost term. */
  extraLabel: string;
  home: { media: Media; node: number };
  cpuNode: number;
  node: number | null;
  device: string | null;
  era: CostEra;
  /** Extra multiplier (first bind under a hypervisor), with its label. */
  factor: number;
  factorLabel: string;
  /**
   * The write-bandwidth domain when it is not the memmap's own `media:node` (HugeTLB boot allocation
   * rotating each thread's pages over the nodes: hugetlb_init.ts), with its label for the cost term.
   */
  domain?: { key: string; label: string };
}

/** The model's single formula for struct page writes: standalone time = max(CPU, bytes / thread rate). */
export function pageWork(m: MachineParams, structPageSize: number, scales: CostScales, a: PageWorkArgs): WorkSpec {
  const perPage = termNs(m.costs, a.term);
  const eraF = a.term === 'zoneDevicePage' ? ERA_FACTORS[a.era].zoneDevicePage : a.term === 'initPage' ? ERA_FACTORS[a.era].initPage : 1;
  const scale = scales.get(scaleKey(termScaleKey(a.term), a.home.media)) ?? 1;
  // hugetlbAllocPageNs was measured with pages spread over local and remote nodes: no extra factor.
  const remote = a.cpuNode !== a.home.node && a.term !== 'hugetlbAllocPage' ? m.numaRemoteFactor : 1;
  const bytes = a.pages * structPageSize;
  const cpuNs = a.pages * perPage + a.extraCpuNs;
  const writeNs = bytes / m.media[a.home.media].threadWriteGBps;
  const mult = eraF * scale * remote * a.factor;
  const writeBound = writeNs > cpuNs;
  const standaloneNs = Math.max(cpuNs, writeNs) * mult;
  const parts = [
    writeBound
      ? `${a.home.media}.threadWriteGBps ${r2(m.media[a.home.media].threadWriteGBps)} GB/s (${structPageSize} B/page)`
      : `${a.term}Ns ${r2(perPage)} ns/page${a.extraCpuNs > 0 ? ` + ${a.extraLabel}` : ''}`,
  ];
  if (eraF !== 1) parts.push(`era ${a.era} x${r2(eraF)}`);
  if (scale !== 1) parts.push(`calibrated x${r3(scale)}`);
  if (remote !== 1) parts.push(`remote (CPU node ${a.cpuNode}) x${r2(remote)}`);
  if (a.factor !== 1) parts.push(`${a.factorLabel} x${r2(a.factor)}`);
  return {
    phase: a.phase,
    node: a.node,
    device: a.device,
    pages: a.pages,
    bytes,
    standaloneNs,
    standaloneLimit: writeBound ? 'threadWrite' : 'cpu',
    domain: a.domain ? a.domain.key : `${a.home.media}:${a.home.node}`,
    costTerm: `${parts.join(', ')} on ${a.domain ? a.domain.label : `${a.home.media}:${a.home.node}`}`,
  };
}

/** The calibration key a per-page term is scaled by. */
export function termScaleKey(term: PageWorkArgs['term']): PageTerm {
  return term === 'hugetlbTailPage' || term === 'hugetlbAllocPage' ? 'hugetlb' : term;
}

function termNs(c: CostParams, term: PageWorkArgs['term']): number {
  switch (term) {
    case 'initPage':
      return c.initPageNs;
    case 'zoneDevicePage':
      return c.zoneDevicePageNs;
    case 'reservedInitPage':
      return c.reservedInitPageNs;
    case 'hugetlbTailPage':
      return c.hugetlbTailPageNs;
    case 'hugetlbAllocPage':
      return c.hugetlbAllocPageNs;
  }
}

/** Page-table work (vmemmap population): CPU only, no struct page bandwidth. */
export function populateWork(
  m: MachineParams,
  scales: CostScales,
  a: { phase: SpanPhase; pmdBlocks: number; basePages: number; reusedPtes: number; boot: boolean; node: number | null; device: string | null; media: Media },
): WorkSpec {
  const pmdNs = a.boot ? m.costs.bootVmemmapPmdNs : m.costs.vmemmapPmdNs;
  const scale = scales.get(scaleKey('populate', a.media)) ?? 1;
  const ns = (a.pmdBlocks * pmdNs + a.basePages * m.costs.vmemmapPteNs + a.reusedPtes * m.costs.vmemmapReusePteNs) * scale;
  const terms: string[] = [];
  if (a.pmdBlocks > 0) terms.push(`${a.pmdBlocks} PMD x ${a.boot ? 'bootVmemmapPmdNs' : 'vmemmapPmdNs'} ${r2(pmdNs)} ns`);
  if (a.basePages > 0) terms.push(`${a.basePages} PTE pages x vmemmapPteNs ${r2(m.costs.vmemmapPteNs)} ns`);
  if (a.reusedPtes > 0) terms.push(`${a.reusedPtes} reused PTEs x vmemmapReusePteNs ${r2(m.costs.vmemmapReusePteNs)} ns`);
  if (scale !== 1) terms.push(`calibrated x${r3(scale)}`);
  return {
    phase: a.phase,
    node: a.node,
    device: a.device,
    pages: a.pmdBlocks + a.basePages,
    bytes: 0,
    standaloneNs: ns,
    standaloneLimit: 'cpu',
    domain: null,
    costTerm: terms.length > 0 ? terms.join(' + ') : 'nothing to populate',
  };
}

/** A fixed-cost CPU item (hugetlb allocation, HVO). */
export function fixedWork(
  a: { phase: SpanPhase; ns: number; items: number; node: number | null; device: string | null; costTerm: string },
): WorkSpec {
  return {
    phase: a.phase,
    node: a.node,
    device: a.device,
    pages: a.items,
    bytes: 0,
    standaloneNs: Math.max(0, a.ns),
    standaloneLimit: 'cpu',
    domain: null,
    costTerm: a.costTerm,
  };
}

export function r2(n: number): string {
  return (Math.round(n * 100) / 100).toString();
}
function r3(n: number): string {
  return (Math.round(n * 1000) / 1000).toString();
}
