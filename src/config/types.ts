// The normalized workload config: what the mm core consumes.
//
// The parser (src/config/load.ts) turns a *.memmap.json / *.memmap.yaml file into this shape:
// every size and address is a plain number of bytes (exact: the parser rejects anything above
// Number.MAX_SAFE_INTEGER), defaults are filled in, and every object keeps `path`, its JSON path
// in the source document, so that the core, the checker and the editor can point back at the
// exact token through SourceDoc.rangeOf(path).

/** A JSON path into the config document: object keys and array indices. */
export type JsonPath = readonly (string | number)[];

export const ARCHES = ['x86_64', 'arm64-4k', 'arm64-16k', 'arm64-64k', 'ppc64-radix', 'ppc64-hash', 's390x', 'riscv64'] as const;
export type Arch = (typeof ARCHES)[number];

export type MemmapOnMemoryMode = 'off' | 'on' | 'force';

export interface KernelOptions {
  /** As written, e.g. "6.1" or "6.12". */
  version: string;
  /** [major, minor] parsed from `version`. */
  versionNum: readonly [number, number];
  /** sizeof(struct page) in bytes (64 on common 64-bit configs; 80 with KMSAN). */
  structPageSize: number;
  /** HugeTLB vmemmap optimization enabled (hugetlb_free_vmemmap=on). */
  hvo: boolean;
  /** memory_hotplug.memmap_on_memory module parameter. */
  memmapOnMemory: MemmapOnMemoryMode;
  /** CONFIG_DEFERRED_STRUCT_PAGE_INIT. */
  deferredInit: boolean;
  /** x86: running under a hypervisor (X86_FEATURE_HYPERVISOR) changes the memory block size probe. */
  hypervisor: boolean;
  /** Platform override of the memory block size (set_memory_block_size_order, ibm,lmb-size, sclp rzm). */
  memoryBlockSize: number | null;
  /** MAX_PHYSMEM_BITS the kernel runs with (x86 la57 or not, arm64 52-bit PA or not, ...); null = what the memory needs. */
  maxPhysmemBits: number | null;
  path: JsonPath;
}

export interface MemRange {
  start: number;
  size: number;
  path: JsonPath;
}

export interface NodeConfig {
  id: number;
  cpus: number;
  ranges: MemRange[];
  path: JsonPath;
}

export type DeviceKind = 'pmem' | 'cxl' | 'hmem';
/** The NVDIMM bus of a pmem namespace's region (ndctl's bus provider). */
export type PmemProvider = 'nfit' | 'e820' | 'virtio-pmem' | 'of-pmem';
export type DeviceMode = 'fsdax' | 'devdax' | 'kmem' | 'raw';
export type MapLocation = 'dev' | 'mem';

export interface DeviceConfig {
  name: string;
  node: number;
  kind: DeviceKind;
  /** pmem: e820, virtio-pmem and of_pmem regions set ND_REGION_PAGEMAP (raw namespaces get struct pages). */
  provider: PmemProvider;
  mode: DeviceMode;
  start: number;
  size: number;
  /** Namespace / dax alignment in bytes (nd_pfn->align, dev_dax->align). */
  align: number;
  /** Where the memmap lives: "dev" (altmap in the device) or "mem" (system RAM). */
  map: MapLocation;
  /** dax/kmem only: /sys/bus/dax/devices/daxX.Y/memmap_on_memory (6.8+). */
  memmapOnMemory: boolean;
  path: JsonPath;
}

export interface HotplugConfig {
  node: number;
  start: number;
  size: number;
  /** Caller passes MHP_MEMMAP_ON_MEMORY (as the ACPI memory driver, dax/kmem, s390 sclp and pseries do; virtio-mem never does); effective only if the kernel supports it. */
  memmapOnMemory: boolean;
  path: JsonPath;
}

export interface HugetlbPoolConfig {
  node: number;
  pageSize: number;
  count: number;
  path: JsonPath;
}

export interface ScenarioConfig {
  name: string;
  /** JSON-path-like keys ("devices[0].map") to raw values, applied before normalization. */
  set: Record<string, unknown>;
  path: JsonPath;
}

export interface WorkloadConfig {
  name: string;
  arch: Arch;
  kernel: KernelOptions;
  nodes: NodeConfig[];
  devices: DeviceConfig[];
  hotplug: HotplugConfig[];
  hugetlb: HugetlbPoolConfig[];
  /** Timing-model parameters (issue: timing model); kept as parsed until that model consumes them. */
  machine: Record<string, unknown>;
  scenarios: ScenarioConfig[];
  /** Name of the scenario applied to produce this config, or null for the base config. */
  scenario: string | null;
}
