// Shared state of one simulation run (internal to src/core).

import type { WorkloadConfig } from '../config/types';
import type { ArchProfile } from './arch';
import type { IntervalSet } from './intervals';
import type { CoreError } from './types';
import type { VmemmapSpace } from './vmemmap';

export interface DeviceClaim {
  name: string;
  startPfn: number;
  endPfn: number;
}

/**
 * ZONE_DEVICE ranges claimed so far (pgmap ownership), kept sorted by start pfn. Claims never overlap
 * (an overlapping device fails), so the claim that could contain a pfn is the one with the largest start
 * at or below it: lookups are binary searches, not scans, so many devices stay cheap.
 */
export class DeviceClaims {
  private readonly claims: DeviceClaim[] = [];

  /** Index of the last claim with startPfn <= pfn, or -1. */
  private before(pfn: number): number {
    let lo = 0;
    let hi = this.claims.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.claims[mid].startPfn <= pfn) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** The claim owning `pfn`, if any (get_dev_pagemap()). */
  owner(pfn: number): DeviceClaim | undefined {
    const i = this.before(pfn);
    return i >= 0 && pfn < this.claims[i].endPfn ? this.claims[i] : undefined;
  }

  /** A claim overlapping [startPfn, endPfn), if any. */
  overlapping(startPfn: number, endPfn: number): DeviceClaim | undefined {
    const i = this.before(endPfn - 1);
    return i >= 0 && this.claims[i].endPfn > startPfn ? this.claims[i] : undefined;
  }

  add(c: DeviceClaim): void {
    this.claims.splice(this.before(c.startPfn) + 1, 0, c);
  }
}

export interface SimContext {
  cfg: WorkloadConfig;
  profile: ArchProfile;
  space: VmemmapSpace;
  /** SECTION_IS_EARLY sections (section numbers). */
  earlySections: IntervalSet;
  /** Boot System RAM (pfns). */
  bootRam: IntervalSet;
  /** Hot-added System RAM so far (pfns): hotplug entries and dax/kmem. */
  hotplugRam: IntervalSet;
  /** ZONE_DEVICE ranges claimed so far. */
  deviceClaims: DeviceClaims;
  memoryBlockBytes: number;
  errors: CoreError[];
  /** nr_memmap_pages accumulated (section_nr_vmemmap_pages per hot-added piece). */
  nrMemmapPages: number;
}
