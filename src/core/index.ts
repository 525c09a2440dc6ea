// Public API of the simulated mm core (memory half). Pure TypeScript: no `vscode`, deterministic.
//
// Module map (named after the kernel code they model):
//   arch.ts             per (arch, version) constants, vmemmap mapping policy, features, memory block probe
//   layout.ts           nodes, ranges, present sections, zones, memory blocks (buildMemoryLayout)
//   sparse.ts           mm/sparse.c: present sections, sparse_init() boot memmap
//   zones.ts            free_area_init() zone layout per arch
//   vmemmap.ts          mm/sparse-vmemmap.c + arch vmemmap_populate(): populate in closed form, page tables
//   altmap.ts           struct vmem_altmap, altmap_alloc_block_buf() in closed form
//   memory_hotplug.ts   __add_pages(), memmap_on_memory, add_memory_resource()
//   nvdimm.ts           drivers/nvdimm/pfn_devs.c nd_pfn_init() layout and altmap
//   memremap.ts         mm/memremap.c ZONE_DEVICE, compound devmaps + dedup, dax/kmem
//   hugetlb_vmemmap.ts  HVO
//   simulate.ts         simulateMemmap(): the orchestrator; types.ts: the result types and totals
export { simulateMemmap } from './simulate';
export { buildMemoryLayout, highestAddress, profileOf, type LayoutBuild } from './layout';
export {
  archProfile,
  probeMemoryBlockSize,
  deferredInitMaxThreads,
  versionAtLeast,
  atLeast,
  BOUNDARY,
  type ArchProfile,
  type ArchFeatures,
  type VmemmapPolicy,
  type VmemmapKind,
  type PageTableLevel,
  type KernelVersion,
  type MemoryBlockProbe,
} from './arch';
export { ndPfnInit, rawNamespaceMisaligned, MAX_STRUCT_PAGE_SIZE, ND_PFN_MIN_SIZE, type NdPfnLayout, type NdPfnResult } from './nvdimm';
export { altmapAllocRun, altmapNrFree, altmapNextPfn, altmapOffset, newAltmap, zoneDeviceInitRange, type Altmap } from './altmap';
export { memmapOnMemoryPlan, checkPfnSpan, splitAtSections, type MemmapOnMemoryPlan } from './memory_hotplug';
export { vmemmapCanOptimize, compoundNrPages, daxAllocIsAligned, hasNvdimmInfoBlock, onPagemapRegion } from './memremap';
export { hugetlbVmemmapSize, hugetlbVmemmapOptimizableSize, hvoKernelMessage, stringGetSize } from './hugetlb_vmemmap';
export { zoneLimits, nodeZones, type ZoneLimit } from './zones';
export { presentSectionRuns, blockRuns, bootMemmapPagesPerSection, memmapPagesFor } from './sparse';
export { IntervalSet, unitRange, type Interval } from './intervals';
export type * from './types';
export { VmemmapSpace, VMEMMAP_RESERVE_NR, compoundHeadSections, type PopulateOutcome, type CompoundGeometry } from './vmemmap';
