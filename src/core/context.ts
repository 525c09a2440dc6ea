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

/**
 * System RAM the vmemmap of devices and hot-adds can still be allocated from, in bytes (the RAM budget).
 * simulateMemmap() opens it with the boot RAM less what boot took (boot memmaps, their page tables,
 * boot HugeTLB pools); each device or hot-add takes the RAM its memmap and page tables need, and a
 * hot-add gives back the memory it onlines. One figure for all nodes: vmemmap_alloc_block() prefers the
 * node but falls back to any (alloc_pages_node() without __GFP_THISNODE). The model's simplifications
 * are listed in docs/cli-json.md ("RAM budget").
 */
export class RamBudget {
  constructor(private free: number) {}

  get freeBytes(): number {
    return this.free;
  }

  /** Take `bytes` if they fit; otherwise take nothing and return false (the allocation fails). */
  take(bytes: number): boolean {
    if (bytes > this.free) return false;
    this.free -= bytes;
    return true;
  }

  /** Memory onlined as System RAM (a hot-add that succeeded). */
  give(bytes: number): void {
    this.free += bytes;
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
  /** System RAM left for the vmemmap of devices and hot-adds (see RamBudget). */
  ram: RamBudget;
}
