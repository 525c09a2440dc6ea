// ZONE_DEVICE mapping of a device (mm/memremap.c memremap_pages()/pagemap_range()), compound devmaps
// and vmemmap dedup, and dax/kmem.
//
// Device kinds and modes:
//   pmem fsdax/devdax, cxl fsdax  nvdimm pfn/dax info block (nd_pfn_init, §4c): altmap for map=dev
//   cxl/hmem devdax               dynamic dax region: no info block, no altmap (memmap always in RAM)
//   raw                           no struct pages (pmem raw mode uses devm_memremap() without a pgmap)
//   kmem                          hot-added as System RAM by dax/kmem (memory-block aligned), see hotAdd()
// Compound devmaps: devdax with align > PAGE_SIZE sets vmemmap_shift = order_base_2(align >> PAGE_SHIFT);
// fsdax never. vmemmap_can_optimize(): arch (ARCH_WANT_OPTIMIZE_DAX_VMEMMAP) && pgmap &&
// is_power_of_2(sizeof(struct page)) && !altmap && (nr * SP) >> PAGE_SHIFT > VMEMMAP_RESERVE_NR (2).

import { bytesExact } from './format';
import type { DeviceConfig } from '../config/types';
import { alignDown, alignUp, divFloor, divRoundUp, formatHex, isPowerOfTwo } from '../config/units';
import { type ArchProfile, BOUNDARY, atLeast } from './arch';
import { type Altmap, altmapInfo, zoneDeviceInitRange } from './altmap';
import type { SimContext } from './context';
import { addPages, hotAdd, memmapOnMemoryPlan, mhpRangeAllowed, takeVmemmapRam } from './memory_hotplug';
import { ndPfnInit, rawNamespaceMisaligned } from './nvdimm';
import { IntervalSet } from './intervals';
import type { CoreError, CoreErrorCode, DeviceMemmap, HotplugMemmap, MemmapLocation, SectionPiece } from './types';
import { type CompoundGeometry, VMEMMAP_RESERVE_NR } from './vmemmap';

/** vmemmap_can_optimize(altmap, pgmap) for a pgmap with `compoundPfns` pfns per compound page. */
export function vmemmapCanOptimize(profile: ArchProfile, hasAltmap: boolean, compoundPfns: number): boolean {
  if (!profile.features.daxVmemmapDedup || hasAltmap || compoundPfns <= 1) return false;
  const SP = profile.structPageSize;
  if (!isPowerOfTwo(SP)) return false;
  return divFloor(compoundPfns * SP, profile.pageSize) > VMEMMAP_RESERVE_NR;
}

/** compound_nr_pages(): struct pages memmap_init_zone_device() writes per compound page. */
export function compoundNrPages(profile: ArchProfile, optimized: boolean, compoundPfns: number): number {
  return optimized ? VMEMMAP_RESERVE_NR * (profile.pageSize / profile.structPageSize) : compoundPfns;
}

function emptyDevice(d: DeviceConfig): DeviceMemmap {
  return {
    name: d.name,
    node: d.node,
    kind: d.kind,
    mode: d.mode,
    map: d.map,
    status: 'failed',
    start: d.start,
    size: d.size,
    mappedRange: null,
    structPages: 0,
    initializedStructPages: 0,
    memmapBytes: 0,
    location: 'none',
    ramBytes: 0,
    deviceBytes: 0,
    dedupSavedBytes: 0,
    pageTableBytes: 0,
    dataOffsetBytes: 0,
    endTruncBytes: 0,
    usablePages: 0,
    altmap: null,
    vmemmapShift: 0,
    compoundPages: 0,
    dedup: false,
    pieces: [],
    hotplugIndex: null,
    notes: [],
    path: d.path,
  };
}

function locationOf(ram: number, dev: number): MemmapLocation {
  if (ram > 0 && dev > 0) return 'split';
  if (dev > 0) return 'device';
  if (ram > 0) return 'ram';
  return 'none';
}

/**
 * Map one device. Returns its record; kmem adds also append to `hotplug`.
 */
export function mapDevice(ctx: SimContext, d: DeviceConfig, hotplug: HotplugMemmap[]): DeviceMemmap {
  const { profile } = ctx;
  const P = profile.pageSize;
  const rec = emptyDevice(d);
  const err = (e: Omit<CoreError, 'path'> & { path?: CoreError['path'] }) => ctx.errors.push({ ...e, path: e.path ?? d.path });
  const fail = (message: string, kernelMessage?: string, path = d.path, code?: CoreErrorCode): DeviceMemmap => {
    err({ severity: 'error', message: `device ${d.name}: ${message}`, kernelMessage, path, ...(code ? { code } : {}) });
    rec.status = 'failed';
    return rec;
  };

  if (d.size <= 0) return fail('size is 0', undefined, [...d.path, 'size']);

  if (d.mode === 'raw') {
    const why = rawWithoutPages(ctx, d);
    if (why !== null) {
      rec.status = 'no-struct-pages';
      rec.usablePages = divFloor(d.size, P);
      rec.notes.push(`raw mode: ${why}, so the namespace is mapped with devm_memremap() and has no struct pages, no memmap at all`);
      return rec;
    }
  }
  // Past here a raw namespace is on an ND_REGION_PAGEMAP region: pmem_attach_disk() gives it struct pages.
  const pagemapRaw = d.mode === 'raw';
  if (pagemapRaw) {
    const misaligned = rawNamespaceMisaligned(profile, d);
    if (misaligned) return fail(misaligned.message, misaligned.kernelMessage);
  }

  if (d.mode !== 'kmem' && !profile.features.zoneDevice) {
    return fail(`${d.mode} needs ZONE_DEVICE, which ${profile.arch} does not have with Linux ${profile.version.join('.')} (no ARCH_HAS_PTE_DEVMAP)`, undefined, [...d.path, 'mode']);
  }
  const nvdimmLayout = hasNvdimmInfoBlock(d);
  if (d.kind === 'hmem' && d.mode === 'fsdax') {
    return fail('hmem (Soft Reserved / HMAT) memory is exposed through device-dax only; fsdax needs a pmem namespace', undefined, [...d.path, 'mode']);
  }

  // ---- nvdimm info block layout (pmem fsdax/devdax/kmem, cxl fsdax)
  let rangeStart = d.start;
  let rangeEnd = d.start + d.size;
  let altmap: Altmap | null = null;
  let dataStart = d.start;
  if (nvdimmLayout) {
    const r = ndPfnInit(profile, d);
    if (!r.ok) {
      rec.dataOffsetBytes = r.layout.offset ?? 0;
      rec.endTruncBytes = r.layout.endTrunc ?? 0;
      return fail(r.failure.message, r.failure.kernelMessage);
    }
    const L = r.layout;
    rec.dataOffsetBytes = L.offset;
    rec.endTruncBytes = L.endTrunc;
    rec.usablePages = L.dataPages;
    rangeStart = L.rangeStart;
    rangeEnd = L.rangeEnd;
    dataStart = d.start + L.offset;
    altmap = d.mode === 'kmem' ? null : L.altmap;
    rec.notes.push(
      `nvdimm info block: data offset ${bytesExact(L.offset)} (${d.map === 'dev' ? `8 KiB info block + 64 B × ${L.npfnsRaw} pfns of memmap reservation` : '8 KiB info block'} rounded up to ${bytesExact(L.effectiveAlign)})` +
        (L.endTrunc ? `, ${bytesExact(L.endTrunc)} truncated at the end` : '') +
        `, ${L.dataPages} usable data pages`,
    );
    if (d.mode === 'fsdax' && d.align > P) rec.notes.push('fsdax never uses compound devmaps (pmem does not set vmemmap_shift): align only shapes the layout');
    if (L.dataPages === 0) {
      // Only 6.1 gets here (nd_pfn_init() tests offset >= size, not offset >= size - end_trunc).
      const why = `Linux ${profile.version.join('.')} nd_pfn_init() only refuses a data offset >= the namespace size, so a data offset equal to the size left after truncating the end (${bytesExact(L.offset)}) passes and the info block describes 0 data pages`;
      if (d.mode !== 'fsdax') {
        // __dax_pmem_probe(): dax region [start + offset, end] is empty, devm_create_dev_dax(size 0) makes a seed
        // device; dax_bus_probe() returns -ENXIO for a 0-byte dev_dax before device_dax / kmem probe ([6.1]
        // drivers/dax/bus.c:179), which the driver core takes silently: no memremap_pages(), no memmap.
        return fail(`${why}: dax_pmem creates a 0-byte dax device and dax_bus_probe() refuses it with -ENXIO (no message), so ${d.mode === 'kmem' ? 'dax/kmem adds nothing' : 'it is never mapped'} and has no memmap`);
      }
      // pmem_attach_disk(): memremap_pages() over the whole range (all of it metadata), set_capacity() 0.
      // [6.1] mm/memremap.c:254,267 -> mm/page_alloc.c:6874-6880 memmap_init_range(): for ZONE_DEVICE it returns
      // at once without an altmap, else covers [start (+ reserve if start == base_pfn), base_pfn + vmem_altmap_offset());
      // mm/mm_init.c:331-334 memmap_init_zone_device() starts at base_pfn + vmem_altmap_offset() with an altmap, else
      // at the range start. With map=dev and 0 data pages vmem_altmap_offset() is the whole range: the device pass is empty.
      const init = altmap
        ? `(the 8 KiB info block, the memmap reservation and the alignment padding, all of it the altmap's): move_pfn_range_to_zone() initializes the struct pages of the altmap's ${altmap.free} free pfns (all but its ${altmap.reserve}-page reserve) and memmap_init_zone_device(), which starts at base_pfn + vmem_altmap_offset() = the range end, initializes none`
        : `(the 8 KiB info block and the alignment padding); with no altmap (map=mem) move_pfn_range_to_zone() initializes none and memmap_init_zone_device() initializes all ${zoneDeviceInitRange(null, divFloor(rangeStart, P), divFloor(rangeEnd, P)).nrPages} of them`;
      rec.notes.push(`${why}: pmem still maps the range with memremap_pages() and the pmem disk has capacity 0; every struct page describes metadata ${init}`);
    }
  } else if (pagemapRaw) {
    // pmem_attach_disk(): pgmap.range = the whole namespace, MEMORY_DEVICE_FS_DAX, no altmap, no vmemmap_shift.
    rec.usablePages = divFloor(d.size, P);
    rec.notes.push(
      `raw namespace on a ${d.provider} region (ND_REGION_PAGEMAP): pmem_attach_disk() maps all of it with devm_memremap_pages() (MEMORY_DEVICE_FS_DAX, no info block, so no altmap and map does not apply): its memmap is in RAM`,
    );
  } else {
    // Dynamic dax region (CXL region, HMEM): no info block; alloc_dax_region() needs the range PMD-aligned.
    // (dax/kmem never uses `map`: its memory gets a hot-plug memmap whatever the setting.)
    if (d.map === 'dev' && d.mode !== 'kmem') {
      err({
        severity: 'error',
        message: `device ${d.name}: ${d.kind} ${d.mode} is a dynamic dax region and has no info block; memmap is always in RAM (map "dev" is impossible, simulated as map "mem")`,
        path: [...d.path, 'map'],
      });
    }
    if (d.start % profile.pmdSize !== 0 || d.size % profile.pmdSize !== 0) {
      return fail(`the dax region ${formatHex(d.start)}+${bytesExact(d.size)} is not aligned to ${bytesExact(profile.pmdSize)}: alloc_dax_region() fails (-ENOMEM, no message)`);
    }
    rec.usablePages = divFloor(d.size, P);
  }

  // ---- dax/kmem: hot-add as System RAM
  if (d.mode === 'kmem') return kmem(ctx, d, rec, dataStart, rangeEnd, hotplug);

  if (d.mode === 'devdax' && !profile.daxAlignments.includes(d.align)) {
    return fail(`align ${bytesExact(d.align)} is not a supported device-dax alignment (${profile.daxAlignments.map(bytesExact).join(', ')})`, undefined, [...d.path, 'align']);
  }
  // dev_dax_validate_align() -> alloc_is_aligned(): only the length; the start is the region's, which
  // alloc_dax_region() checked against PMD_SIZE only.
  if (d.mode === 'devdax' && !nvdimmLayout && !daxAllocIsAligned(profile, d.size, d.align)) {
    return fail(`the range is not a multiple of its align ${bytesExact(d.align)}: dev_dax_validate_align() refuses it (-EINVAL)`, undefined, [...d.path, 'align']);
  }

  // ---- pagemap_range() checks
  const startPfn = divFloor(rangeStart, P);
  const nrPages = divFloor(rangeEnd - rangeStart, P);
  const endPfn = startPfn + nrPages;
  const ramOverlap = systemRamPages(ctx, startPfn, endPfn);
  if (ramOverlap > 0) {
    const mixed = ramOverlap < nrPages;
    return fail(
      `the range overlaps System RAM${mixed ? ' in part' : ''}: pagemap_range() refuses it with -ENXIO`,
      `attempted on ${mixed ? 'mixed' : 'ram'} region ${formatHex(rangeStart)}-${formatHex(rangeEnd - 1)}\n`,
    );
  }
  const conflict = ctx.deviceClaims.owner(startPfn) ?? ctx.deviceClaims.owner(endPfn - 1);
  if (conflict) return fail(`its first or last pfn belongs to device ${conflict.name}: -ENOMEM`, 'Conflicting mapping in same section\n');
  const inside = ctx.deviceClaims.overlapping(startPfn, endPfn);
  if (inside) return fail(`it overlaps device ${inside.name}: fill_subsection_map() finds the sub-sections already present, -EEXIST`);
  const tooHigh = mhpRangeAllowed(profile, rangeStart, rangeEnd - rangeStart);
  if (tooHigh) return fail(`the range lies beyond MAX_PHYSMEM_BITS (${profile.maxPhysmemBits}): -EINVAL`, tooHigh);

  // ---- compound geometry and dedup
  let compound: CompoundGeometry | null = null;
  const compoundPfns = d.mode === 'devdax' && d.align > P ? d.align / P : 1;
  rec.vmemmapShift = Math.round(Math.log2(compoundPfns));
  const dedup = compoundPfns > 1 && vmemmapCanOptimize(profile, altmap !== null, compoundPfns);
  if (dedup) compound = { pfns: compoundPfns, rangeStartPfn: startPfn };
  rec.dedup = dedup;
  if (compoundPfns > 1 && !dedup) {
    const why = altmap
      ? 'the memmap is in the device (map=dev): dedup needs the memmap in RAM'
      : !profile.features.daxVmemmapDedup
        ? `${profile.arch} with Linux ${profile.version.join('.')} has no ARCH_WANT_OPTIMIZE_DAX_VMEMMAP`
        : !isPowerOfTwo(profile.structPageSize)
          ? `sizeof(struct page) ${profile.structPageSize} is not a power of two`
          : `a compound page's memmap (${divFloor(compoundPfns * profile.structPageSize, P)} vmemmap pages) is not more than ${VMEMMAP_RESERVE_NR} pages`;
    rec.notes.push(`compound devmap (vmemmap_shift ${rec.vmemmapShift}) without vmemmap dedup: ${why}`);
  }

  const snap = ctx.space.snapshot();
  const res = addPages(ctx, { startPfn, nrPages, altmap, compound });
  if (!res.ok) {
    if (altmap) rec.altmap = altmapInfo(altmap);
    return fail(res.failure!.message, res.failure!.kernelMessage, d.path, res.failure!.code);
  }
  const noRam = takeVmemmapRam(ctx, res.total);
  if (noRam) {
    ctx.space.restore(snap);
    // pagemap_range() fails, memremap_pages() returns the error: the pmem / dax probe fails, no message of its own.
    return fail(`${noRam}, so memremap_pages() fails with -ENOMEM and the ${pagemapRaw || d.mode === 'fsdax' ? 'pmem' : 'device-dax'} probe fails`);
  }
  ctx.deviceClaims.add({ name: d.name, startPfn, endPfn });
  ctx.nrMemmapPages += res.nrMemmapPages;

  const t = res.total;
  rec.status = 'ok';
  rec.mappedRange = { start: rangeStart, end: rangeEnd };
  rec.pieces = res.pieces;
  rec.structPages = nrPages;
  rec.ramBytes = t.ramBytes;
  rec.deviceBytes = t.altmapPages * P;
  rec.memmapBytes = rec.ramBytes + rec.deviceBytes;
  rec.location = locationOf(rec.ramBytes, rec.deviceBytes);
  rec.pageTableBytes = t.pageTableBytes;
  rec.altmap = altmap ? altmapInfo(altmap) : null;

  const initPages = zoneDeviceInitRange(altmap, startPfn, endPfn).nrPages;
  if (compoundPfns > 1) {
    rec.compoundPages = divRoundUp(initPages, compoundPfns);
    const perCompound = compoundNrPages(profile, dedup, compoundPfns);
    // Compound pages whose head is in an early section reuse the unoptimised boot memmap: from the fix in
    // BOUNDARY.zoneDeviceEarlyCompound, [6.12.118] mm/mm_init.c compound_nr_pages() initialises all their struct
    // pages (pgmap_vmemmap_nr()); before it (6.1), only the optimised count, like any other compound page.
    const earlyFix = atLeast(profile.version, BOUNDARY.zoneDeviceEarlyCompound);
    const earlyHeads = dedup && earlyFix ? res.pieces.filter((p) => p.mapping === 'early-reuse').reduce((s, p) => s + divRoundUp(p.nrPages, compoundPfns), 0) : 0;
    rec.initializedStructPages = Math.min(initPages, (rec.compoundPages - earlyHeads) * perCompound + earlyHeads * compoundPfns);
  } else {
    rec.initializedStructPages = initPages;
  }
  if (dedup) {
    const without = vmemmapBytesWithoutDedup(ctx, res.pieces);
    rec.dedupSavedBytes = without - rec.ramBytes;
    rec.notes.push(
      `compound devmap with vmemmap dedup: ${compoundPfns} pfns per compound page keep ${VMEMMAP_RESERVE_NR} vmemmap pages each; ${bytesExact(rec.ramBytes)} instead of ${bytesExact(without)} (saves ${bytesExact(rec.dedupSavedBytes)}; the vmemmap is PTE-mapped, ${bytesExact(rec.pageTableBytes)} of page tables)`,
    );
  }
  if (altmap) {
    const a = rec.altmap!;
    rec.notes.push(
      `altmap: base_pfn ${formatHex(a.basePfn)}, reserve ${a.reserve}, free ${a.free}; used alloc ${a.alloc} + align ${a.align}` + (a.unusedPages ? `, ${a.unusedPages} pages (${bytesExact(a.unusedPages * P)}) of the metadata area never used` : ''),
    );
  }
  for (const p of res.pieces) rec.notes.push(p.note);
  return rec;
}

/**
 * The vmemmap the pieces would need without dedup: the pages spanned by their struct pages (VA span
 * rounded out to whole pages, pages shared by adjacent pieces counted once), early-reuse pieces left out
 * (their boot memmap exists either way). Not section_nr_vmemmap_pages(), which rounds every section up to
 * a page on its own and so counts one 64 KiB vmemmap page once per 16 MiB section on ppc64 (16 KiB of
 * struct pages each).
 */
function vmemmapBytesWithoutDedup(ctx: SimContext, pieces: readonly SectionPiece[]): number {
  const P = ctx.profile.pageSize;
  const pages = new IntervalSet();
  for (const p of pieces) {
    if (p.mapping === 'early-reuse') continue;
    const va = ctx.space.vaOf(p.startPfn, p.nrPages);
    pages.add(divFloor(va.start, P), divRoundUp(va.end, P));
  }
  return pages.total * P;
}

/**
 * [6.12] drivers/dax/bus.c alloc_is_aligned(): a device-dax size (or resize) must be a multiple of
 * max(dev_dax->align, memremap_compat_align()); dev_dax_validate_align() refuses the align otherwise.
 */
export function daxAllocIsAligned(profile: Pick<ArchProfile, 'memremapCompatAlign'>, size: number, align: number): boolean {
  return size % Math.max(align, profile.memremapCompatAlign) === 0;
}

/** Devices that get an nvdimm pfn/dax info block (nd_pfn_init()): pmem namespaces and CXL fsdax, never a raw
 *  namespace (a raw one on an ND_REGION_PAGEMAP region is mapped whole, without one). */
export function hasNvdimmInfoBlock(d: Pick<DeviceConfig, 'kind' | 'mode'>): boolean {
  return d.mode !== 'raw' && (d.kind === 'pmem' || (d.kind === 'cxl' && d.mode === 'fsdax'));
}

/** A pmem namespace on a region that sets ND_REGION_PAGEMAP: e820 (memmap=nn!ss), virtio-pmem, of_pmem. */
export function onPagemapRegion(d: Pick<DeviceConfig, 'kind' | 'provider'>): boolean {
  return d.kind === 'pmem' && d.provider !== 'nfit';
}

/**
 * Why a raw namespace gets no struct pages (pmem_should_map_pages() says no), or null when it does: a pmem
 * region with ND_REGION_PAGEMAP (e820 / memmap=nn!ss, virtio-pmem, of_pmem; ACPI NFIT regions never set
 * it), ZONE_DEVICE, and a namespace that does not share sections with System RAM (REGION_MIXED).
 */
function rawWithoutPages(ctx: SimContext, d: DeviceConfig): string | null {
  if (!onPagemapRegion(d)) return d.kind === 'pmem' ? 'an ACPI NFIT region does not set ND_REGION_PAGEMAP' : `a raw ${d.kind} device is not a pmem namespace`;
  const { profile } = ctx;
  if (!profile.features.zoneDevice) return `${profile.arch} with Linux ${profile.version.join('.')} has no ZONE_DEVICE (pmem_should_map_pages())`;
  const P = profile.pageSize;
  const s = divFloor(d.start, P);
  const e = divFloor(d.start + d.size, P);
  const ram = systemRamPages(ctx, s, e);
  if (ram > 0 && ram < e - s) return 'the namespace is mixed with System RAM (region_intersects() REGION_MIXED, pmem_should_map_pages())';
  return null;
}

/** Pages of [startPfn, endPfn) that are System RAM (boot or hot-added): what region_intersects() looks at. */
function systemRamPages(ctx: SimContext, startPfn: number, endPfn: number): number {
  return ctx.bootRam.measure(startPfn, endPfn) + ctx.hotplugRam.measure(startPfn, endPfn);
}

/** dax_kmem_range(): the part of a dax range [start, end) dax/kmem adds, whole memory blocks
 *  (r->start = ALIGN(start, block); r->end = ALIGN_DOWN(end + 1, block) - 1); null when none is left. */
export function daxKmemRange(start: number, end: number, blockBytes: number): { start: number; end: number } | null {
  const s = alignUp(start, blockBytes);
  const e = alignDown(end, blockBytes);
  return s < e ? { start: s, end: e } : null;
}

/** dax/kmem: memory-block-align each range and add it as driver-managed System RAM. */
function kmem(ctx: SimContext, d: DeviceConfig, rec: DeviceMemmap, rangeStart: number, rangeEnd: number, hotplug: HotplugMemmap[]): DeviceMemmap {
  const { profile } = ctx;
  const MB = ctx.memoryBlockBytes;
  const P = profile.pageSize;
  const r = daxKmemRange(rangeStart, rangeEnd, MB);
  if (r === null) {
    ctx.errors.push({
      severity: 'error',
      message: `device ${d.name}: the dax range ${formatHex(rangeStart)}-${formatHex(rangeEnd - 1)} holds no whole ${bytesExact(MB)} memory block: dax/kmem rejects it (-EINVAL)`,
      kernelMessage: `mapping0: ${formatHex(rangeStart)}-${formatHex(rangeEnd - 1)} too small after alignment\nrejecting DAX region without any memory after alignment\n`,
      path: d.path,
    });
    return rec;
  }
  const { start: s, end: e } = r;
  if (s !== rangeStart || e !== rangeEnd) {
    rec.notes.push(`dax/kmem aligns the range to memory blocks: ${bytesExact(s - rangeStart + rangeEnd - e)} at the edges are not added`);
  }
  if (d.kind === 'pmem' && d.map === 'dev') {
    rec.notes.push(`map=dev reserved ${bytesExact(rec.dataOffsetBytes)} for a memmap that kmem never uses (kmem memory gets a hot-plug memmap)`);
  }
  let mom = false;
  if (d.memmapOnMemory) {
    if (!profile.features.daxKmemMemmapOnMemory) {
      ctx.errors.push({
        severity: 'warning',
        message: `device ${d.name}: the dax memmap_on_memory attribute exists from Linux 6.8 only; with ${profile.version.join('.')} the memmap of kmem memory is in RAM`,
        path: [...d.path, 'memmapOnMemory'],
      });
    } else {
      const plan = memmapOnMemoryPlan(profile, MB, e - s, ctx.cfg.kernel.memmapOnMemory);
      if (!plan.supported) {
        ctx.errors.push({
          severity: 'warning',
          message: `device ${d.name}: writing 1 to memmap_on_memory fails with -EOPNOTSUPP (${plan.reason}); the memmap is in RAM`,
          kernelMessage: 'memmap_on_memory is not available\n',
          path: [...d.path, 'memmapOnMemory'],
        });
      } else mom = true;
    }
  }
  const h = hotAdd(ctx, { source: 'kmem', device: d.name, node: d.node, start: s, size: e - s, memmapOnMemory: mom, path: d.path });
  hotplug.push(h);
  rec.hotplugIndex = hotplug.length - 1;
  if (h.status !== 'ok') return rec;
  rec.status = 'ok';
  rec.mappedRange = { start: s, end: e };
  rec.structPages = (e - s) / P;
  // Every struct page of the hot-added range is written: memory_block_online() runs
  // mhp_init_memmap_on_memory() over the self-hosted vmemmap pages (move_pfn_range_to_zone(), 6.12
  // mm/memory_hotplug.c:1123) and online_pages() over the rest (:1188). The hot-add's figure, which
  // the timing model's block onlining uses too.
  rec.initializedStructPages = h.structPages;
  rec.usablePages = h.usableBytes / P;
  rec.location = 'none';
  rec.notes.push(
    `dax/kmem hot-adds ${bytesExact(e - s)} as System RAM; its memmap (${bytesExact(h.memmapBytes)}, ${h.memmapOnMemory ? 'self-hosted' : 'from RAM'}) is accounted in memmap.hotplug[${rec.hotplugIndex}], not here`,
  );
  return rec;
}
