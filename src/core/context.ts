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
  deviceClaims: DeviceClaim[];
  memoryBlockBytes: number;
  errors: CoreError[];
  /** nr_memmap_pages accumulated (section_nr_vmemmap_pages per hot-added piece). */
  nrMemmapPages: number;
}
