// simulateMemmap(): the memory half of the simulated mm core.
//
// Order of events, as on a real machine: sparse_init() populates the boot memmap of every present
// section; devices are mapped (memremap_pages / dax/kmem) and memory is hot-added, in config order;
// HugeTLB pools are then allocated and optimized (HVO). Each step records what it allocated from RAM,
// from the device itself and as page tables; the totals are defined in ./types.ts.

import { bytesExact } from './format';
import type { WorkloadConfig } from '../config/types';

import type { ArchProfile } from './arch';
import { DeviceClaims, type SimContext } from './context';
import { HugetlbPlacer, hugetlbPool } from './hugetlb_vmemmap';
import { IntervalSet } from './intervals';
import { buildMemoryLayout } from './layout';
import { hotAdd } from './memory_hotplug';
import { mapDevice } from './memremap';
import { bootMemmapPagesPerSection, sparseInit } from './sparse';
import type { ArchSummary, DeviceMemmap, HotplugMemmap, HugetlbMemmap, MemmapResult, NodeMemmap, PageTableCount } from './types';
import { VmemmapSpace } from './vmemmap';

export type * from './types';

export function simulateMemmap(cfg: WorkloadConfig): MemmapResult {
  const built = buildMemoryLayout(cfg);
  const { profile, layout } = built;
  const P = profile.pageSize;
  const space = new VmemmapSpace(profile);
  const ctx: SimContext = {
    cfg,
    profile,
    space,
    earlySections: built.earlySections,
    bootRam: built.bootRam,
    hotplugRam: new IntervalSet(),
    deviceClaims: new DeviceClaims(),
    memoryBlockBytes: layout.memoryBlockBytes,
    errors: built.errors,
    nrMemmapPages: 0,
  };

  // ---- boot: sparse_init()
  const boot = sparseInit(space, built.runsByNode, profile.pagesPerSection);
  const perSectionBootPages = bootMemmapPagesPerSection(profile);
  const nodes: NodeMemmap[] = layout.nodes.map((n) => {
    const b = boot.get(n.id) ?? { bootMemmapBytes: 0, pageTableBytes: 0 };
    const notes: string[] = [];
    if (n.presentSections > 0) {
      notes.push(
        `${n.presentSections} present sections × ${bytesExact(profile.sectionMemmapBytes)} of struct pages; sparse_init() allocates ${bytesExact(b.bootMemmapBytes)}` +
          (b.bootMemmapBytes !== n.presentSections * profile.sectionMemmapBytes ? ` (${profile.vmemmap.describe})` : ''),
      );
    }
    if (n.unavailablePages > 0) notes.push(`${n.unavailablePages} struct pages describe no RAM (holes and section tails, initialised as unavailable)`);
    return {
      id: n.id,
      presentSections: n.presentSections,
      structPages: n.structPages,
      presentPages: n.presentPages,
      unavailablePages: n.unavailablePages,
      bootMemmapBytes: b.bootMemmapBytes,
      sectionMapReservedBytes: n.presentSections * profile.sectionMapSize,
      nrMemmapBootPages: n.presentSections * perSectionBootPages,
      pageTableBytes: b.pageTableBytes,
      zones: n.zones,
      notes,
    };
  });

  // ---- devices, then hot-adds
  const hotplug: HotplugMemmap[] = [];
  const devices: DeviceMemmap[] = cfg.devices.map((d) => mapDevice(ctx, d, hotplug));
  for (const h of cfg.hotplug) {
    hotplug.push(hotAdd(ctx, { source: 'hotplug', device: null, node: h.node, start: h.start, size: h.size, memmapOnMemory: h.memmapOnMemory, path: h.path }));
  }

  // ---- HugeTLB pools and HVO
  const placer = new HugetlbPlacer(layout.nodes, hotplug, P);
  const hugetlb: HugetlbMemmap[] = cfg.hugetlb.map((pool) => hugetlbPool(ctx, pool, placer));

  // ---- totals
  const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((s, x) => s + f(x), 0);
  const bootMemmapBytes = sum(nodes, (n) => n.bootMemmapBytes);
  const hvoFreed = sum(hugetlb, (h) => h.freedBytes);
  const ramBytes = bootMemmapBytes + sum(devices, (d) => d.ramBytes) + sum(hotplug, (h) => h.ramBytes) - hvoFreed;
  const deviceBytes = sum(devices, (d) => d.deviceBytes) + sum(hotplug, (h) => h.selfHostedBytes);
  const pageTableBytes = space.pageTableBytes;
  const counts = space.pageTableCounts();
  const level = (name: string): PageTableCount => {
    const c = counts.find((x) => x.name === name);
    return c ? { tables: c.tables, bytes: c.bytes } : { tables: 0, bytes: 0 };
  };

  // ---- /proc/vmstat (6.11+): 6.12 HVO frees all vmemmap pages of a folio and allocates a new head page.
  let vmstat: MemmapResult['memmap']['vmstat'] = null;
  if (profile.features.memmapVmstat) {
    let bootPages = sum(nodes, (n) => n.nrMemmapBootPages);
    let pages = ctx.nrMemmapPages;
    for (const h of hugetlb) {
      if (h.optimizedPages === 0) continue;
      const vm = h.vmemmapBytesPerPage / P;
      bootPages -= h.optimizedPages * vm;
      pages += h.optimizedPages;
    }
    vmstat = { nrMemmapBootPages: bootPages, nrMemmapPages: pages };
  }

  const notes: string[] = [...profile.notes, profile.vmemmap.describe, `memory block size ${bytesExact(layout.memoryBlockBytes)}: ${layout.memoryBlockReason}`];
  if (hugetlb.some((h) => h.allocated > 0)) notes.push('HugeTLB pools are placed top-down in each node (boot RAM first, then hot-added memory): a model choice for where HVO splits the vmemmap');

  return {
    memmap: {
      totalBytes: ramBytes + deviceBytes + pageTableBytes,
      ramBytes,
      deviceBytes,
      pageTableBytes,
      savedBytes: { dedup: sum(devices, (d) => d.dedupSavedBytes), hvo: hvoFreed },
      bootMemmapBytes,
      nodes,
      memoryBlockBytes: layout.memoryBlockBytes,
      devices,
      hugetlb,
      hotplug,
      pageTables: { pte: level('pte'), pmd: level('pmd'), pud: level('pud') },
      vmstat,
      notes,
    },
    errors: ctx.errors,
    layout,
    arch: archSummary(cfg, profile),
  };
}

function archSummary(cfg: WorkloadConfig, p: ArchProfile): ArchSummary {
  return {
    arch: p.arch,
    kernel: cfg.kernel.version,
    pageSize: p.pageSize,
    structPageSize: p.structPageSize,
    sectionSize: p.sectionSize,
    pagesPerSection: p.pagesPerSection,
    pmdSize: p.pmdSize,
    pageblockPages: p.pageblockPages,
    maxPhysmemBits: p.maxPhysmemBits,
    memremapCompatAlign: p.memremapCompatAlign,
    vmemmap: p.vmemmap.describe,
    features: { ...p.features },
  };
}
