// Zones per node, as free_area_init() lays them out from the arch's max_zone_pfns[].
//
// Sources ([6.12], same rules in 6.1 unless noted):
//   x86_64   arch/x86/mm/init.c zone_sizes_init(): DMA < 16 MiB, DMA32 < 4 GiB, Normal.
//   arm64    arch/arm64/mm/init.c zone_sizes_init(): ZONE_DMA up to min(firmware DMA limit, 4 GiB) when
//            DRAM starts below 4 GiB (6.12: zone_dma_limit = min(.., U32_MAX); 6.1: zone_dma_bits =
//            min3(32, dt, acpi)), so ZONE_DMA32 ends at the same 4 GiB and is empty; when DRAM starts
//            above 4 GiB the limits become PHYS_ADDR_MAX and ZONE_DMA spans everything. No firmware
//            dma-ranges narrower than 32 bits are modelled.
//   riscv64  arch/riscv/mm/init.c: DMA32 < 4 GiB, Normal.
//   s390x    arch/s390/mm/init.c: DMA < 2 GiB (MAX_DMA_ADDRESS 0x80000000), Normal.
//   ppc64    book3s64 has no ZONE_DMA (only PPC_BOOK3E_64 selects it): Normal only.
// ZONE_MOVABLE (kernelcore=, movable_node) is not modelled.
//
// Zone span per node (zone_spanned_pages_in_node): [clamp(node_start, lo, hi), clamp(node_end, lo, hi)).

import { GiB, MiB } from '../config/units';
import type { ArchProfile } from './arch';
import type { PfnRange, ZoneLayout, ZoneName } from './types';

export interface ZoneLimit {
  name: ZoneName;
  /** Exclusive end pfn (max_zone_pfns[zone]); Infinity for the last zone. */
  endPfn: number;
}

export function zoneLimits(profile: ArchProfile, dramStartPfn: number): ZoneLimit[] {
  const P = profile.pageSize;
  const pfn = (bytes: number) => bytes / P;
  switch (profile.arch) {
    case 'x86_64':
      return [
        { name: 'DMA', endPfn: pfn(16 * MiB) },
        { name: 'DMA32', endPfn: pfn(4 * GiB) },
        { name: 'Normal', endPfn: Infinity },
      ];
    case 'arm64-4k':
    case 'arm64-16k':
    case 'arm64-64k':
      if (dramStartPfn * P < 4 * GiB) {
        return [
          { name: 'DMA', endPfn: pfn(4 * GiB) },
          { name: 'Normal', endPfn: Infinity },
        ];
      }
      return [{ name: 'DMA', endPfn: Infinity }];
    case 'riscv64':
      return [
        { name: 'DMA32', endPfn: pfn(4 * GiB) },
        { name: 'Normal', endPfn: Infinity },
      ];
    case 's390x':
      return [
        { name: 'DMA', endPfn: pfn(2 * GiB) },
        { name: 'Normal', endPfn: Infinity },
      ];
    default:
      return [{ name: 'Normal', endPfn: Infinity }];
  }
}

/** Populated zones of one node (ranges sorted, disjoint, in pfns). */
export function nodeZones(limits: ZoneLimit[], ranges: readonly PfnRange[]): ZoneLayout[] {
  if (ranges.length === 0) return [];
  const nodeStart = ranges[0].startPfn;
  const nodeEnd = ranges[ranges.length - 1].endPfn;
  const zones: ZoneLayout[] = [];
  let lo = 0;
  for (const lim of limits) {
    const hi = lim.endPfn;
    const zs = Math.min(Math.max(nodeStart, lo), hi);
    const ze = Math.min(Math.max(nodeEnd, lo), hi);
    lo = hi;
    if (ze <= zs) continue;
    const clipped: PfnRange[] = [];
    let present = 0;
    for (const r of ranges) {
      const s = Math.max(r.startPfn, zs);
      const e = Math.min(r.endPfn, ze);
      if (e > s) {
        clipped.push({ startPfn: s, endPfn: e });
        present += e - s;
      }
    }
    if (present === 0) continue;
    zones.push({
      name: lim.name,
      startPfn: zs,
      endPfn: ze,
      spannedPages: ze - zs,
      presentPages: present,
      holePages: ze - zs - present,
      ranges: clipped,
      isLastZone: false,
    });
  }
  if (zones.length) zones[zones.length - 1].isLastZone = true;
  return zones;
}
