// The rule registry, in id order. Ids are stable: never renumber, only append.
//
//   MM001-MM010  memory hotplug, sparse, memmap_on_memory, dax/kmem   (./hotplug.ts, ./sparse.ts)
//   MM011-MM016  ZONE_DEVICE, device-dax, altmap, vmemmap dedup        (./memremap.ts)
//   MM017-MM022  nvdimm pfn/dax info block                             (./nvdimm.ts)
//   MM023-MM026  ndctl create-namespace                                (./ndctl.ts)
//   MM027-MM031  HugeTLB and HVO                                       (./hugetlb.ts)
//   MM032-MM036  cross-object: overlaps, node spans                    (./cross.ts)
//   MM037        anything else the simulated core refuses              (./simulation.ts)
//   MM038        map=dev memmap in RAM for whole sections (ppc64 hash, riscv 6.1)  (./sparse.ts)
//   MM039        machine.calibration points the timing model cannot use (./simulation.ts)

import type { Rule } from '../types';
import { deviceOverlap, deviceOverlapsRam, hotplugOverlap, nodeRangesOverlap, otherNodeSpan } from './cross';
import { blockSizeInvalid, hotplugBlockMisaligned, kmemMapDevReserve, kmemNoWholeBlock, kmemPartialBlocks, memmapOnMemoryUnavailable, memmapOnMemoryUnsupported } from './hotplug';
import { hugetlbDuplicatePool, hugetlbPoolTooLarge, hugetlbSizeUnsupported, hvoSelfHosted, hvoUnavailable } from './hugetlb';
import { altmapExhausted, daxMapDev, daxRegionMisaligned, dedupMapDev, dedupUnavailable, zoneDeviceUnavailable } from './memremap';
import { ndctlMinSize, ndctlSizeAlign, ndctlSizeRegionAlign, ndctlStart16m } from './ndctl';
import { alignExceedsCapacity, alignUnsupported, metadataDoesNotFit, namespaceCompatMisaligned, structPageTooLarge, wastefulAlign } from './nvdimm';
import { calibrationPointUnused, kernelFailure } from './simulation';
import { beyondMaxPhysmem, mapDevMemmapInRam, subsectionMemmapInRam, subsectionMisaligned } from './sparse';

export const RULES: readonly Rule[] = [
  hotplugBlockMisaligned,
  subsectionMisaligned,
  beyondMaxPhysmem,
  subsectionMemmapInRam,
  blockSizeInvalid,
  memmapOnMemoryUnsupported,
  memmapOnMemoryUnavailable,
  kmemNoWholeBlock,
  kmemPartialBlocks,
  kmemMapDevReserve,
  zoneDeviceUnavailable,
  daxMapDev,
  daxRegionMisaligned,
  altmapExhausted,
  dedupUnavailable,
  dedupMapDev,
  namespaceCompatMisaligned,
  alignUnsupported,
  alignExceedsCapacity,
  metadataDoesNotFit,
  structPageTooLarge,
  wastefulAlign,
  ndctlStart16m,
  ndctlMinSize,
  ndctlSizeRegionAlign,
  ndctlSizeAlign,
  hugetlbSizeUnsupported,
  hugetlbPoolTooLarge,
  hugetlbDuplicatePool,
  hvoUnavailable,
  hvoSelfHosted,
  deviceOverlapsRam,
  deviceOverlap,
  hotplugOverlap,
  nodeRangesOverlap,
  otherNodeSpan,
  kernelFailure,
  mapDevMemmapInRam,
  calibrationPointUnused,
];

const byId = new Map(RULES.map((r) => [r.id, r]));
const bySlug = new Map(RULES.map((r) => [r.slug, r]));

/** A rule by id ("MM002") or slug ("subsection-misaligned"). */
export function ruleById(idOrSlug: string): Rule | undefined {
  return byId.get(idOrSlug.toUpperCase()) ?? bySlug.get(idOrSlug);
}
