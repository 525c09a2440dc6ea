// simulateMemmap(): the memory half of the simulated mm core.
//
// Order of events: sparse_init() populates the boot memmap of every present section; devices are
// mapped (memremap_pages / dax/kmem) and memory is hot-added, in config order; HugeTLB pools are then
// optimized (HVO). The kernel allocates boot pools before any device or hot-add exists, from boot RAM
// only, so their placement depends on the boot layout alone (placeBootHugetlbPools()); only the
// attribution of page-table pages follows this order. Each step records what it allocated from RAM,
// from the device itself and as page tables; the totals are defined in ./types.ts.
//
// RAM budget (ctx.ram, see RamBudget in ./context.ts): the vmemmap of a device or hot-add is allocated
// from System RAM (vmemmap_alloc_block(), mm/sparse-vmemmap.c), so it must fit in what is left of it:
// the boot RAM less the boot memmaps, their page tables and the boot HugeTLB pools, less what earlier
// devices and hot-adds took, plus the memory earlier hot-adds onlined. An add that does not fit fails
// with -ENOMEM (takeVmemmapRam() in ./memory_hotplug.ts).

import { bytesExact } from './format';
import type { WorkloadConfig } from '../config/types';

import { releaseNote, type ArchProfile } from './arch';
import { DeviceClaims, RamBudget, type SimContext } from './context';
import { hugetlbPool, hugetlbRequestOf, placeBootHugetlbPools } from './hugetlb_vmemmap';
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
    ram: new RamBudget(0),
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

  // ---- boot HugeTLB pools: allocated from boot RAM before any device or hot-add exists, in what
  // sparse_init() left (placeBootHugetlbPools()); HVO splits their vmemmap after the devices below.
  const placements = placeBootHugetlbPools(profile, layout.nodes, nodes, cfg.hugetlb, hugetlbRequestOf(cfg), cfg.kernel.hvo);

  // ---- the RAM budget after boot
  const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((s, x) => s + f(x), 0);
  const bootFreeBytes = ramAfterBoot(
    sum(layout.nodes, (n) => n.presentPages) * profile.pageSize,
    nodes,
    cfg.hugetlb.reduce((s, pool, i) => s + placements[i].allocated * pool.pageSize, 0),
  );
  ctx.ram = new RamBudget(bootFreeBytes);

  // ---- devices, then hot-adds
  const hotplug: HotplugMemmap[] = [];
  const devices: DeviceMemmap[] = cfg.devices.map((d) => mapDevice(ctx, d, hotplug));
  for (const h of cfg.hotplug) {
    hotplug.push(hotAdd(ctx, { source: 'hotplug', device: null, node: h.node, start: h.start, size: h.size, memmapOnMemory: h.memmapOnMemory, path: h.path }));
  }

  // ---- HVO of the boot pools placed above.
  const pools = cfg.hugetlb.map((pool, i) => hugetlbPool(ctx, pool, placements[i]));
  const hugetlb: HugetlbMemmap[] = pools.map((p) => p.rec);

  // ---- totals
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

  // ---- /proc/vmstat (6.11+): HVO's part per pool is hvoVmstatDelta() (boot memmap vs buddy-allocated vmemmap).
  let vmstat: MemmapResult['memmap']['vmstat'] = null;
  if (profile.features.memmapVmstat) {
    vmstat = {
      nrMemmapBootPages: sum(nodes, (n) => n.nrMemmapBootPages) + sum(pools, (p) => p.vmstat.nrMemmapBootPages),
      nrMemmapPages: ctx.nrMemmapPages + sum(pools, (p) => p.vmstat.nrMemmapPages),
    };
  }

  const notes: string[] = [...profile.notes, profile.vmemmap.describe, `memory block size ${bytesExact(layout.memoryBlockBytes)}: ${layout.memoryBlockReason}`];
  if (hugetlb.some((h) => h.allocated > 0)) {
    notes.push(
      'HugeTLB boot pools come from boot RAM only, after the boot memmap: gigantic pages from memblock top-down (another node when theirs is full), smaller ones from the node\'s remaining RAM (placed top-down: a model choice for where HVO splits the vmemmap)',
    );
  }

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
      ramBudget: { bootFreeBytes, freeBytes: ctx.ram.freeBytes },
      notes,
    },
    errors: ctx.errors,
    layout,
    arch: archSummary(cfg, profile),
  };
}

/**
 * The RAM budget's opening figure: System RAM present at boot less what boot took from it before any
 * device probes: the boot memmaps (sparse_init()), their page tables, and the boot HugeTLB pools (gigantic
 * pages from memblock, the others from the buddy allocator in hugetlb_init(), both before device_initcall).
 * Not subtracted (documented in docs/cli-json.md): the kernel image, memblock's other reservations,
 * slab, page cache and user memory, the min watermarks; HVO's freed vmemmap is not given back.
 */
function ramAfterBoot(bootRamBytes: number, nodes: readonly Pick<NodeMemmap, 'bootMemmapBytes' | 'pageTableBytes'>[], hugetlbPoolBytes: number): number {
  const taken = nodes.reduce((s, n) => s + n.bootMemmapBytes + n.pageTableBytes, 0) + hugetlbPoolBytes;
  return Math.max(0, bootRamBytes - taken);
}

function archSummary(cfg: WorkloadConfig, p: ArchProfile): ArchSummary {
  return {
    arch: p.arch,
    kernel: cfg.kernel.version,
    releaseNote: releaseNote(p.version),
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
