// mm/memory_hotplug.c: __add_pages() (shared by hot-add and ZONE_DEVICE), memmap_on_memory and
// add_memory_resource().
//
// __add_pages() ([both]): validate the altmap ("memory add fail, invalid altmap"), check_pfn_span()
// (sub-section granularity), then split at section boundaries and sparse_add_section() each piece:
// section_activate() reuses the boot memmap for a sub-section piece of an early section, otherwise
// populate_section_memmap(). A run of whole sections is one closed-form piece here.
//
// memmap_on_memory:
//   6.1  mhp_supports_memmap_on_memory(size): param on && size == memory_block_size_bytes()
//        && IS_ALIGNED(vmemmap_size, PMD_SIZE) && IS_ALIGNED(size - vmemmap_size, pageblock bytes);
//        flag passed but unsupported -> add_memory_resource() fails with -EINVAL, but no caller modelled
//        passes it unchecked: a hotplug[] entry is an ACPI memory device, and [6.1]
//        acpi_memory_enable_device() sets the flag only if mhp_supports_memmap_on_memory(info->length)
//        (s390 sclp and dax/kmem do not pass it in 6.1), so unsupported means a RAM memmap. One altmap
//        { base_pfn = start, free = size / PAGE_SIZE }; the block records altmap.alloc pages.
//   6.6+ memory_block_memmap_on_memory_pages() with `force` padding; unsupported -> silent fallback to a
//        RAM memmap. 6.6-6.7: mhp_supports_memmap_on_memory(size) still requires size == one memory block
//        and that one add gets one altmap { base_pfn = start, end_pfn = PHYS_PFN(res->end),
//        free = memmap_pages }; a multi-block add falls back to RAM.
//   6.8+ (reference documents 6.12) mhp_supports_memmap_on_memory(void); one altmap per memory block
//        { base_pfn = block start, end_pfn = block end - 1, free = memmap_pages }.

import { bytesExact, bytesReadable } from './format';
import { divFloor, formatHex, isAligned, alignUp } from '../config/units';
import { type ArchProfile, BOUNDARY, atLeast } from './arch';
import { type Altmap, altmapOffset, newAltmap } from './altmap';
import type { SimContext } from './context';
import { memmapPagesFor } from './sparse';
import type { CoreError, CoreErrorCode, HotplugMemmap, SectionPiece } from './types';
import { type CompoundGeometry, type PopulateOutcome, VMEMMAP_RESERVE_NR, addOutcome, compoundHeadSections, emptyOutcome } from './vmemmap';
import type { MemmapOnMemoryMode, JsonPath } from '../config/types';

// ---------------------------------------------------------------------------------------------
// __add_pages()

export interface AddPagesRequest {
  startPfn: number;
  nrPages: number;
  altmap: Altmap | null;
  compound: CompoundGeometry | null;
}

export interface AddPagesResult {
  ok: boolean;
  failure: { message: string; kernelMessage?: string; code?: CoreErrorCode } | null;
  pieces: SectionPiece[];
  total: PopulateOutcome;
  /** nr_memmap_pages this add contributes (section_nr_vmemmap_pages per populated piece). */
  nrMemmapPages: number;
}

interface RawPiece {
  startPfn: number;
  nrPages: number;
  fullSections: number;
}

/** cur_nr_pages = min(end_pfn - pfn, SECTION_ALIGN_UP(pfn + 1) - pfn), whole-section runs merged. */
export function splitAtSections(startPfn: number, nrPages: number, pagesPerSection: number): RawPiece[] {
  const end = startPfn + nrPages;
  const out: RawPiece[] = [];
  let cur = startPfn;
  if (cur % pagesPerSection !== 0) {
    const e = Math.min(end, cur - (cur % pagesPerSection) + pagesPerSection);
    out.push({ startPfn: cur, nrPages: e - cur, fullSections: 0 });
    cur = e;
  }
  const k = divFloor(end - cur, pagesPerSection);
  if (k > 0) {
    out.push({ startPfn: cur, nrPages: k * pagesPerSection, fullSections: k });
    cur += k * pagesPerSection;
  }
  if (cur < end) out.push({ startPfn: cur, nrPages: end - cur, fullSections: 0 });
  return out;
}

/** check_pfn_span(): sub-section granularity with SPARSEMEM_VMEMMAP. */
export function checkPfnSpan(profile: ArchProfile, startPfn: number, nrPages: number): { message: string; kernelMessage: string } | null {
  const min = profile.pagesPerSubsection;
  if (isAligned(startPfn, min) && isAligned(nrPages, min)) return null;
  const modern = atLeast(profile.version, BOUNDARY.modern);
  const end = startPfn + nrPages - 1;
  // 6.1 prints the end as "#%lx" (a typo for %#lx).
  const endText = modern ? formatHex(end) : `#${end.toString(16)}`;
  return {
    message: `range pfn ${formatHex(startPfn)}+${nrPages} is not aligned to a sub-section (${bytesExact(profile.subsectionSize)}, ${min} pages): check_pfn_span() fails, -EINVAL`,
    kernelMessage: `Misaligned __add_pages start: ${formatHex(startPfn)} end: ${endText}\n`,
  };
}

/**
 * What populate_section_memmap() adds to nr_memmap_pages for one piece or a run of whole sections.
 * - 6.12 ([6.12.118] mm/sparse-vmemmap.c:542 section_nr_vmemmap_pages(), :574): the vmemmap pages really
 *   allocated, VMEMMAP_RESERVE_NR per compound page when vmemmap_can_optimize(). That is the stable fix
 *   "mm/sparse-vmemmap: fix DAX vmemmap accounting with optimization" (Debian changelog: 6.12.101); the
 *   config has no stable release, so "6.12" means a current 6.12.y.
 * - 6.11 (and 6.12.0-6.12.100): DIV_ROUND_UP(nr_pages * sizeof(struct page), PAGE_SIZE) per call, dedup
 *   or not (the old body, left as dead code at [6.12.118] mm/sparse.c:562-573).
 */
function sectionNrVmemmapPages(profile: ArchProfile, piece: RawPiece, compound: CompoundGeometry | null): number {
  const PPS = profile.pagesPerSection;
  if (!compound || !atLeast(profile.version, BOUNDARY.memmapVmstatDedup)) {
    if (piece.fullSections > 0) return piece.fullSections * memmapPagesFor(profile, PPS);
    return memmapPagesFor(profile, piece.nrPages);
  }
  const C = compound.pfns;
  if (C < PPS) return divFloor(VMEMMAP_RESERVE_NR * piece.nrPages, C);
  // order >= PFN_SECTION_SHIFT: VMEMMAP_RESERVE_NR for a section whose pfn is compound-aligned (absolute pfn), else 0.
  if (piece.fullSections === 0) return isAligned(piece.startPfn, C) ? VMEMMAP_RESERVE_NR : 0;
  return VMEMMAP_RESERVE_NR * compoundHeadSections(piece.startPfn / PPS, piece.fullSections, C / PPS);
}

function mappingOf(o: PopulateOutcome, compound: boolean, hash: boolean): SectionPiece['mapping'] {
  if (compound) return 'compound';
  if (hash) return 'hash';
  if (o.leafBlocks > 0 && o.basePages > 0) return 'mixed';
  if (o.leafBlocks > 0) return 'pmd';
  return 'base';
}

function describePiece(profile: ArchProfile, p: RawPiece, o: PopulateOutcome, altmap: Altmap | null, compound: CompoundGeometry | null): string {
  const P = profile.pageSize;
  const what = p.fullSections > 0 ? `${p.fullSections} full section${p.fullSections === 1 ? '' : 's'} (${bytesExact(p.nrPages * P)})` : `sub-section piece ${bytesExact(p.nrPages * P)} at pfn ${formatHex(p.startPfn)}`;
  const parts: string[] = [];
  if (compound) {
    parts.push(`compound devmap (${compound.pfns} pfns per compound page): ${o.basePages} vmemmap pages from RAM, ${o.reusedPages} PTEs reuse a tail page`);
  } else {
    const leafName = profile.vmemmap.kind === 'hash' ? 'bolted vmemmap pages' : profile.vmemmap.kind === 'pmd-always' && profile.arch === 's390x' ? '1 MiB frames' : 'PMD blocks';
    if (o.leafBlocks > 0) parts.push(`${o.leafBlocks} ${leafName} of ${bytesExact(profile.vmemmap.leafBytes)}`);
    if (o.basePages > 0) parts.push(`${o.basePages} base vmemmap pages`);
    if (o.altmapPages > 0) parts.push(`${o.altmapPages} pages from the altmap${o.alignPages ? ` (+${o.alignPages} alignment padding)` : ''}`);
    if (o.ramBytes > 0) parts.push(`${o.ramBytes / P} pages (${bytesExact(o.ramBytes)}) from RAM`);
    if (altmap && o.altmapPages === 0 && o.ramBytes > 0 && p.fullSections === 0 && profile.vmemmap.kind === 'x86') {
      parts.push('x86 vmemmap_populate() ignores the altmap for pieces smaller than a section');
    }
    if (parts.length === 0) parts.push('already mapped, nothing allocated');
  }
  return `${what}: ${parts.join(', ')}`;
}

/**
 * __add_pages(nid, pfn, nr_pages, params). On failure the vmemmap state is rolled back and the
 * result carries the kernel's reason; the caller reports it and accounts nothing.
 */
export function addPages(ctx: SimContext, req: AddPagesRequest): AddPagesResult {
  const { profile, space } = ctx;
  const fail = (message: string, kernelMessage?: string, code?: CoreErrorCode): AddPagesResult => ({ ok: false, failure: { message, kernelMessage, code }, pieces: [], total: emptyOutcome(), nrMemmapPages: 0 });
  const alt = req.altmap;
  if (alt) {
    if (alt.basePfn !== req.startPfn || altmapOffset(alt) > req.nrPages) {
      return fail(
        `invalid altmap: base_pfn ${formatHex(alt.basePfn)} must equal the first pfn ${formatHex(req.startPfn)} and reserve + free (${altmapOffset(alt)}) must not exceed the ${req.nrPages} pages added; __add_pages() returns -EINVAL`,
        'memory add fail, invalid altmap\n',
      );
    }
    alt.alloc = 0;
  }
  const span = checkPfnSpan(profile, req.startPfn, req.nrPages);
  if (span) return fail(span.message, span.kernelMessage);

  const snap = space.snapshot();
  const altSave = alt ? { alloc: alt.alloc, align: alt.align } : null;
  const PPS = profile.pagesPerSection;
  const pieces: SectionPiece[] = [];
  const total = emptyOutcome();
  let nrMemmap = 0;
  for (const p of splitAtSections(req.startPfn, req.nrPages, PPS)) {
    const section = divFloor(p.startPfn, PPS);
    if (p.fullSections === 0 && ctx.earlySections.intersects(section, section + 1)) {
      pieces.push({
        startPfn: p.startPfn,
        nrPages: p.nrPages,
        fullSections: 0,
        mapping: 'early-reuse',
        ramBytes: 0,
        deviceBytes: 0,
        alignPages: 0,
        pageTableBytes: 0,
        leafBlocks: 0,
        basePages: 0,
        reusedPages: 0,
        note: `sub-section piece ${bytesExact(p.nrPages * profile.pageSize)} at pfn ${formatHex(p.startPfn)} lies in early (boot) section ${section}: its boot memmap is reused, nothing allocated`,
      });
      continue;
    }
    const o = space.populate(p.startPfn, p.nrPages, alt, req.compound);
    if (o.failure) {
      space.restore(snap);
      if (alt && altSave) {
        alt.alloc = altSave.alloc;
        alt.align = altSave.align;
      }
      const sec = divFloor(o.failure.pfn, PPS);
      return fail(
        `${o.failure.message}; section_activate() fails for section ${sec} (pfn ${formatHex(o.failure.pfn)}), so __add_pages() and the whole add fail with -ENOMEM` +
          (profile.arch === 'x86_64' ? ' (x86 add_pages() WARN_ON_ONCE splat, no dedicated message)' : '') +
          '. The kernel does not unwind the sections added before the failing one; nothing is accounted here',
        o.failure.kernelMessage,
        o.failure.code,
      );
    }
    addOutcome(total, o);
    nrMemmap += sectionNrVmemmapPages(profile, p, req.compound);
    pieces.push({
      startPfn: p.startPfn,
      nrPages: p.nrPages,
      fullSections: p.fullSections,
      mapping: mappingOf(o, !!req.compound, profile.vmemmap.kind === 'hash'),
      ramBytes: o.ramBytes,
      deviceBytes: o.altmapPages * profile.pageSize,
      alignPages: o.alignPages,
      pageTableBytes: o.pageTableBytes,
      leafBlocks: o.leafBlocks,
      basePages: o.basePages,
      reusedPages: o.reusedPages,
      note: describePiece(profile, p, o, alt, req.compound),
    });
  }
  return { ok: true, failure: null, pieces, total, nrMemmapPages: nrMemmap };
}

// ---------------------------------------------------------------------------------------------
// RAM for the vmemmap

/**
 * The RAM budget check of one device or hot-add whose populate allocated `total` (ctx.ram, see
 * RamBudget): its vmemmap frames from RAM and its new page-table pages must fit in the System RAM left.
 * Without an altmap every frame comes from vmemmap_alloc_block() (alloc_pages_node(), GFP_KERNEL |
 * __GFP_RETRY_MAYFAIL, warn_alloc() once; [6.12] mm/sparse-vmemmap.c:51, :66); vmemmap_populate_hugepages()
 * falls back to base pages (:362), whose vmemmap_populate_range() returns -ENOMEM (:293), so __add_pages()
 * fails. Takes the RAM and returns null, or takes nothing and returns why the add fails (the caller rolls
 * the vmemmap back).
 */
export function takeVmemmapRam(ctx: SimContext, total: PopulateOutcome): string | null {
  const { profile } = ctx;
  const need = total.ramBytes + total.pageTableBytes;
  if (ctx.ram.take(need)) return null;
  // The first allocation that fails: a leaf block (PMD / frame / bolted page) when the memmap is leaf-mapped
  // from RAM, else a base page or a page-table page. vmemmap_alloc_block() warns once per boot.
  const leafFromRam = total.altmapPages === 0 && total.leafBlocks > 0 && profile.vmemmap.leafBytes > 0;
  const order = leafFromRam ? Math.round(Math.log2(profile.vmemmap.leafBytes / profile.pageSize)) : 0;
  return (
    `its vmemmap needs ${bytesExact(total.ramBytes)} of RAM` +
    (total.pageTableBytes ? ` and ${bytesExact(total.pageTableBytes)} of page tables` : '') +
    `, but only ${bytesReadable(ctx.ram.freeBytes)} of System RAM is left (boot RAM less the boot memmaps, their page tables and the boot HugeTLB pools, less what earlier devices and hot-adds took, plus the memory they onlined)` +
    `: vmemmap_alloc_block() fails (warn_alloc() logs "vmemmap alloc failure: order:${order}" once per boot), vmemmap_populate() returns -ENOMEM and __add_pages() fails` +
    (profile.arch === 'x86_64' ? ' (x86 add_pages() WARN_ON_ONCE splat)' : '')
  );
}

// ---------------------------------------------------------------------------------------------
// memmap_on_memory

export interface MemmapOnMemoryPlan {
  /** The self-hosted memmap would be used. */
  supported: boolean;
  /** Why not / how. */
  reason: string;
  /** memory_block_memmap_size(): memmap bytes of one block. */
  memmapSize: number;
  /** Pages reserved per block (altmap->free; 6.1: the vmemmap pages the altmap hands out). */
  memmapPages: number;
  /** force padding per block. */
  wastePages: number;
  /** "Memory hotplug will waste %ld pages in each memory block\n" (force mode, 6.6+). */
  kernelMessage?: string;
}

/**
 * add_memory_resource() splits a memmap_on_memory add into one altmap per memory block
 * (create_altmaps_and_memory_blocks(), "mm/memory_hotplug: split memmap_on_memory requests across memblocks",
 * v6.8, the series that also added the dax/kmem knob: BOUNDARY.daxKmemMemmapOnMemory). Before, one add of
 * exactly one block got one altmap and anything larger fell back (6.6-6.7) or was refused (< 6.6).
 */
function perBlockAltmaps(profile: ArchProfile): boolean {
  return profile.features.daxKmemMemmapOnMemory;
}

/** Which test of mhp_supports_memmap_on_memory() failed. */
type MomFailure = 'param' | 'size' | 'page' | 'pageblock' | 'whole' | 'arch';

interface MomCheck extends MemmapOnMemoryPlan {
  failure: MomFailure | null;
}

/**
 * mhp_supports_memmap_on_memory() for blocks of `blockBytes` and an add of `size` bytes, without advice.
 * 6.8+: per block (memory_block_memmap_on_memory_pages / mhp_supports_memmap_on_memory(void), [6.12]
 * mm/memory_hotplug.c:57, :1360); 6.6-6.7: the same tests, but mhp_supports_memmap_on_memory(size) still
 * starts with size == memory_block_size_bytes() (dropped by "mm/memory_hotplug: export
 * mhp_supports_memmap_on_memory()", v6.8); < 6.6: the 6.1 form, size == one block.
 */
function momCheck(profile: ArchProfile, blockBytes: number, size: number, mode: MemmapOnMemoryMode): MomCheck {
  const P = profile.pageSize;
  const SP = profile.structPageSize;
  const memmapSize = (blockBytes / P) * SP;
  const base = { memmapSize, memmapPages: memmapPagesFor(profile, blockBytes / P), wastePages: 0 };
  const no = (failure: MomFailure, reason: string): MomCheck => ({ ...base, supported: false, reason, failure });
  if (!profile.features.memmapOnMemory) return no('param', `memmap_on_memory is not available on ${profile.arch} with Linux ${profile.version.join('.')} (no ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE)`);
  if (!profile.features.memmapOnMemoryFallback) {
    // 6.1 form.
    if (mode === 'off') return no('param', 'memory_hotplug.memmap_on_memory is off');
    if (mode === 'force') return no('param', 'memory_hotplug.memmap_on_memory=force is not understood before 6.6 (boolean parameter): treated as off');
    const vmemmapSize = (size / P) * SP;
    if (size !== blockBytes) return no('size', `the add is ${bytesExact(size)}, not exactly one memory block (${bytesExact(blockBytes)}): mhp_supports_memmap_on_memory(size) requires size == memory_block_size_bytes()`);
    if (!isAligned(vmemmapSize, profile.pmdSize)) return no('arch', `the memmap of one block (${bytesExact(vmemmapSize)}) is not a multiple of PMD_SIZE (${bytesExact(profile.pmdSize)})`);
    if (!isAligned(size - vmemmapSize, profile.pageblockPages * P)) return no('pageblock', `the memory left after the memmap is not a multiple of a pageblock (${bytesExact(profile.pageblockPages * P)})`);
    return { ...base, memmapPages: vmemmapSize / P, supported: true, failure: null, reason: `the first ${vmemmapSize / P} pages (${bytesExact(vmemmapSize)}) of the block hold its memmap` };
  }
  // 6.6+ form.
  if (mode === 'off') return no('param', 'memory_hotplug.memmap_on_memory is off');
  let memmapPages = base.memmapPages;
  const exact = memmapPages;
  if (mode === 'force') memmapPages = alignUp(memmapPages, profile.pageblockPages);
  const plan = { memmapSize, memmapPages, wastePages: memmapPages - exact };
  const forceMsg = mode === 'force' ? `Memory hotplug will waste ${memmapPages - exact} pages in each memory block\n` : undefined;
  const no2 = (failure: MomFailure, reason: string): MomCheck => ({ ...plan, supported: false, reason, failure, kernelMessage: forceMsg });
  if (!perBlockAltmaps(profile) && size !== blockBytes) {
    return no2(
      'size',
      `the add is ${bytesExact(size)}, not exactly one memory block (${bytesExact(blockBytes)}): Linux ${profile.version.join('.')} mhp_supports_memmap_on_memory(size) requires size == memory_block_size_bytes() (one altmap per memory block, splitting a larger add, came in 6.8)`,
    );
  }
  if (!isAligned(memmapSize, P)) return no2('page', `the memmap of one block (${memmapSize} bytes) is not a whole number of pages`);
  if (!isAligned(memmapPages, profile.pageblockPages)) return no2('pageblock', `the memmap of one block is ${memmapPages} pages, not a multiple of pageblock_nr_pages (${profile.pageblockPages})`);
  if (memmapPages === blockBytes / P) return no2('whole', `the memmap would take the whole ${bytesExact(blockBytes)} block ("No effective hotplugged memory doesn't make sense")`);
  // arch_supports_memmap_on_memory(): default IS_ALIGNED(memmap_size, PMD_SIZE) (:1349); powerpc: radix (64K pages: always).
  if (profile.arch === 'ppc64-hash') return no2('arch', 'ppc64 hash MMU: arch_supports_memmap_on_memory() is false');
  if (profile.arch !== 'ppc64-radix' && !isAligned(memmapSize, profile.pmdSize))
    return no2('arch', `the memmap of one block (${bytesExact(memmapSize)}) is not a multiple of PMD_SIZE (${bytesExact(profile.pmdSize)}): arch_supports_memmap_on_memory() is false`);
  return {
    ...plan,
    supported: true,
    failure: null,
    reason: `each ${bytesExact(blockBytes)} block keeps its memmap in its first ${memmapPages} pages` + (plan.wastePages ? ` (${plan.wastePages} of them force-mode padding)` : ''),
    kernelMessage: forceMsg,
  };
}

/** How memory_block_size_bytes() is set on each architecture, for advice about the block size. */
function blockSizeSource(profile: ArchProfile): string | null {
  switch (profile.arch) {
    case 'x86_64':
      return 'x86 sets the block size with set_memory_block_size_order() on some platforms (kernel.memoryBlockSize) and probes it otherwise';
    case 'ppc64-radix':
    case 'ppc64-hash':
      return 'ppc64 takes the block size from the firmware\'s ibm,lmb-size (kernel.memoryBlockSize)';
    case 's390x':
      return 's390 takes the block size from the SCLP rzm (kernel.memoryBlockSize)';
    default:
      return null; // the __weak memory_block_size_bytes(): one section
  }
}

/**
 * What would let blocks of this architecture self-host their memmap, when the block size is the
 * problem: the smallest power-of-two block from the current one up whose memmap passes the pageblock and
 * arch tests (with on, or force), and whether the architecture can have such blocks.
 */
function blockSizeAdvice(profile: ArchProfile, blockBytes: number, version61: boolean): string {
  const limit = 2 ** profile.maxPhysmemBits;
  let found = 0;
  let forced = false;
  for (let b = blockBytes * 2; b <= limit && !found; b *= 2) {
    if (momCheck(profile, b, b, 'on').supported) found = b;
    else if (!version61 && momCheck(profile, b, b, 'force').supported) {
      found = b;
      forced = true;
    }
  }
  if (!found) return `no memory block size up to ${bytesExact(limit)} would pass these tests on ${profile.arch}: the memmap stays in RAM`;
  const what = `memory blocks of ${bytesExact(found)}${forced ? ' with force' : ''} would be the smallest that self-host their memmap (${bytesExact((found / profile.pageSize) * profile.structPageSize)} each)`;
  const src = blockSizeSource(profile);
  if (src) return `${what}; ${src}`;
  return `${what}, but ${profile.arch} memory blocks are one section (${bytesExact(profile.sectionSize)}, the generic memory_block_size_bytes()): memmap_on_memory cannot be used here, the memmap stays in RAM`;
}

/**
 * Can memory of `size` bytes (one add) self-host its memmap? `mode` is memory_hotplug.memmap_on_memory.
 * When it cannot, `reason` says which test fails and what would help: force only where it is the
 * pageblock rounding alone that is missing (force pads the pages, never memory_block_memmap_size(),
 * which arch_supports_memmap_on_memory() tests against PMD_SIZE, [6.12] mm/memory_hotplug.c:1357), else
 * the memory block size that would work and whether this architecture can have it.
 */
export function memmapOnMemoryPlan(profile: ArchProfile, blockBytes: number, size: number, mode: MemmapOnMemoryMode): MemmapOnMemoryPlan {
  // Hot-adds of one size share their plan (a config with hundreds of them asks hundreds of times).
  let memo = planMemo.get(profile);
  if (!memo) planMemo.set(profile, (memo = new Map()));
  const key = `${blockBytes}:${size}:${mode}`;
  let plan = memo.get(key);
  if (plan === undefined) memo.set(key, (plan = Object.freeze(computeMemmapOnMemoryPlan(profile, blockBytes, size, mode))));
  return plan;
}
const planMemo = new WeakMap<ArchProfile, Map<string, Readonly<MemmapOnMemoryPlan>>>();

function computeMemmapOnMemoryPlan(profile: ArchProfile, blockBytes: number, size: number, mode: MemmapOnMemoryMode): MemmapOnMemoryPlan {
  const { failure, ...plan } = momCheck(profile, blockBytes, size, mode);
  if (plan.supported || failure === null || failure === 'param' || failure === 'size' || failure === 'page') return plan;
  const v61 = !profile.features.memmapOnMemoryFallback;
  if (failure === 'pageblock' && mode !== 'force' && !v61) {
    const f = momCheck(profile, blockBytes, size, 'force');
    if (f.supported) return { ...plan, reason: `${plan.reason}; memory_hotplug.memmap_on_memory=force would pad it to ${f.memmapPages} pages (wasting ${f.wastePages} per block)` };
    return { ...plan, reason: `${plan.reason}; force would not help: ${f.reason}; ${blockSizeAdvice(profile, blockBytes, v61)}` };
  }
  if (failure === 'arch' && profile.arch === 'ppc64-hash') return plan;
  const forceNote = failure === 'arch' && !v61 ? '; force cannot help (it pads the pages, not the memmap size that must be PMD aligned)' : '';
  return { ...plan, reason: `${plan.reason}${forceNote}; ${blockSizeAdvice(profile, blockBytes, v61)}` };
}

// ---------------------------------------------------------------------------------------------
// add_memory_resource()

export interface HotAddRequest {
  source: 'hotplug' | 'kmem';
  device: string | null;
  node: number;
  start: number;
  size: number;
  /** MHP_MEMMAP_ON_MEMORY passed by the caller. */
  memmapOnMemory: boolean;
  path: JsonPath;
  /** For kmem, the caller already decided memmap_on_memory against the dax attribute; false forces RAM. */
  allowMemmapOnMemory?: boolean;
}

function hotplugRecord(req: HotAddRequest): HotplugMemmap {
  return {
    source: req.source,
    device: req.device,
    node: req.node,
    start: req.start,
    size: req.size,
    status: 'failed',
    requested: req.memmapOnMemory,
    memmapOnMemory: false,
    blocks: 0,
    memmapPagesPerBlock: 0,
    wastedPagesPerBlock: 0,
    selfHostedBytes: 0,
    ramBytes: 0,
    memmapBytes: 0,
    wastedBytes: 0,
    reservedBytes: 0,
    usableBytes: 0,
    pageTableBytes: 0,
    structPages: 0,
    pieces: [],
    notes: [],
    path: req.path,
  };
}

/** Pluggable range check (mhp_range_allowed): returns the kernel warning or null. */
export function mhpRangeAllowed(profile: ArchProfile, start: number, size: number): string | null {
  const max = 2 ** profile.maxPhysmemBits - 1;
  const end = start + size;
  if (size > 0 && end - 1 <= max) return null;
  return `Hotplug memory [${formatHex(start)}-${formatHex(end)}] exceeds maximum addressable range [0x0-${formatHex(max)}]\n`;
}

/**
 * add_memory_resource(nid, [start, start + size), flags): hot-add System RAM. Records a HotplugMemmap
 * (status "failed" with an error when the kernel refuses) and returns it.
 */
export function hotAdd(ctx: SimContext, req: HotAddRequest): HotplugMemmap {
  const { profile } = ctx;
  const P = profile.pageSize;
  const MB = ctx.memoryBlockBytes;
  const rec = hotplugRecord(req);
  const err = (e: Omit<CoreError, 'path' | 'severity'> & { severity?: CoreError['severity'] }) => {
    ctx.errors.push({ severity: e.severity ?? 'error', message: e.message, kernelMessage: e.kernelMessage, path: req.path, ...(e.code ? { code: e.code } : {}) });
  };
  const what = req.source === 'kmem' ? `dax/kmem add of ${req.device}` : 'hot-add';

  // check_hotplug_memory_range()
  if (!req.size || !isAligned(req.start, MB) || !isAligned(req.size, MB)) {
    err({
      message: `${what} ${formatHex(req.start)}+${bytesExact(req.size)} is not aligned to the memory block size ${bytesExact(MB)}: add_memory_resource() fails with -EINVAL`,
      kernelMessage: `Block size [${formatHex(MB)}] unaligned hotplug range: start ${formatHex(req.start)}, size ${formatHex(req.size)}`,
    });
    return rec;
  }
  const tooHigh = mhpRangeAllowed(profile, req.start, req.size);
  if (tooHigh) {
    err({ message: `${what} ${formatHex(req.start)}+${bytesExact(req.size)} lies beyond MAX_PHYSMEM_BITS (${profile.maxPhysmemBits}): -E2BIG`, kernelMessage: tooHigh });
    return rec;
  }
  const startPfn = req.start / P;
  const nrPages = req.size / P;
  const endPfn = startPfn + nrPages;
  if (ctx.bootRam.intersects(startPfn, endPfn) || ctx.hotplugRam.intersects(startPfn, endPfn) || ctx.deviceClaims.overlapping(startPfn, endPfn)) {
    err({
      message: `${what} ${formatHex(req.start)}-${formatHex(req.start + req.size - 1)} overlaps memory that is already present (boot RAM, another hot-add or a device): register_memory_resource() fails with -EEXIST`,
      kernelMessage: `Unable to reserve System RAM region: ${req.start.toString(16).padStart(16, '0')}->${(req.start + req.size).toString(16).padStart(16, '0')}\n`,
    });
    return rec;
  }

  const blocks = req.size / MB;
  const mode = ctx.cfg.kernel.memmapOnMemory;
  let useMom = false;
  let plan: MemmapOnMemoryPlan | null = null;
  if (req.memmapOnMemory && req.allowMemmapOnMemory !== false) {
    plan = memmapOnMemoryPlan(profile, MB, req.size, mode);
    if (plan.supported) useMom = true;
    else if (!profile.features.memmapOnMemoryFallback) {
      // Before 6.6 add_memory_resource() would fail with -EINVAL if the flag came unsupported, so the
      // caller checks first: [6.1] acpi_memory_enable_device() sets MHP_MEMMAP_ON_MEMORY only if
      // mhp_supports_memmap_on_memory(info->length) holds (s390 sclp and dax/kmem never pass it in 6.1).
      rec.notes.push(
        `memmap_on_memory not used, memmap from RAM: the ACPI memory hotplug driver checks mhp_supports_memmap_on_memory(size) first and adds without MHP_MEMMAP_ON_MEMORY (Linux ${profile.version.join('.')}): ${plan.reason}`,
      );
    } else {
      rec.notes.push(`memmap_on_memory requested but not used, memmap from RAM (silent fallback): ${plan.reason}`);
    }
  }

  const snap = ctx.space.snapshot();
  let result: AddPagesResult;
  let perBlockFree = 0;
  let altAlloc = 0;
  let altAlign = 0;
  if (!useMom) {
    result = addPages(ctx, { startPfn, nrPages, altmap: null, compound: null });
  } else if (!profile.features.memmapOnMemoryFallback) {
    // 6.1: one altmap for the (single-block) add, free = all pages.
    const alt = newAltmap(startPfn, endPfn - 1, 0, nrPages);
    result = addPages(ctx, { startPfn, nrPages, altmap: alt, compound: null });
    perBlockFree = alt.alloc;
    altAlloc = alt.alloc;
    altAlign = alt.align;
  } else {
    // 6.8+: create_altmaps_and_memory_blocks(): one altmap per block (6.6-6.7: only one-block adds get
    // here, with the same single altmap). Blocks are identical translated
    // copies, so block 0 is populated exactly and the others follow in closed form when their vmemmap
    // area is untouched; otherwise each block is populated in turn.
    const blockPages = MB / P;
    const mk = (b: number) => newAltmap(startPfn + b * blockPages, startPfn + (b + 1) * blockPages - 1, 0, plan!.memmapPages);
    const a0 = mk(0);
    result = addPages(ctx, { startPfn, nrPages: blockPages, altmap: a0, compound: null });
    perBlockFree = plan!.memmapPages;
    altAlloc = a0.alloc;
    altAlign = a0.align;
    if (result.ok && blocks > 1) {
      const restVa = ctx.space.vaOf(startPfn + blockPages, nrPages - blockPages);
      const blockVa = blockPages * profile.structPageSize;
      const uniform =
        (result.total.basePages === 0 && result.total.leafBlocks > 0 && isAligned(blockVa, profile.vmemmap.leafBytes)) ||
        (result.total.leafBlocks === 0 && result.total.basePages > 0 && isAligned(blockVa, P));
      if (uniform && ctx.space.isUnmapped(restVa.start, restVa.end)) {
        const kind = result.total.leafBlocks > 0 ? 'leaf' : 'pte';
        const ptBytes = ctx.space.markMapped(restVa.start, restVa.end, kind);
        const n = blocks - 1;
        const o = result.total;
        const rest: PopulateOutcome = {
          ramBytes: o.ramBytes * n,
          altmapPages: o.altmapPages * n,
          alignPages: o.alignPages * n,
          leafBlocks: o.leafBlocks * n,
          basePages: o.basePages * n,
          reusedPages: 0,
          pageTableBytes: ptBytes,
          failure: null,
        };
        // addOutcome() adds into result.total, which `o` aliases: read the first block's count before it.
        const perBlockAltmapPages = o.altmapPages;
        addOutcome(result.total, rest);
        result.nrMemmapPages *= blocks;
        result.pieces.push({
          startPfn: startPfn + blockPages,
          nrPages: nrPages - blockPages,
          fullSections: (nrPages - blockPages) / profile.pagesPerSection,
          mapping: kind === 'leaf' ? 'pmd' : 'base',
          ramBytes: rest.ramBytes,
          deviceBytes: rest.altmapPages * P,
          alignPages: rest.alignPages,
          pageTableBytes: ptBytes,
          leafBlocks: rest.leafBlocks,
          basePages: rest.basePages,
          reusedPages: rest.reusedPages,
          note: `${n} more memory blocks, each like the first (per-block altmap): ${perBlockAltmapPages} vmemmap pages from its own start`,
        });
        altAlloc *= blocks;
        altAlign *= blocks;
      } else {
        for (let b = 1; b < blocks && result.ok; b++) {
          const ab = mk(b);
          const rb = addPages(ctx, { startPfn: startPfn + b * blockPages, nrPages: blockPages, altmap: ab, compound: null });
          if (!rb.ok) {
            result = rb;
            break;
          }
          addOutcome(result.total, rb.total);
          result.pieces.push(...rb.pieces);
          result.nrMemmapPages += rb.nrMemmapPages;
          altAlloc += ab.alloc;
          altAlign += ab.align;
        }
      }
    }
  }

  if (!result.ok) {
    ctx.space.restore(snap);
    err({ message: `${what} ${formatHex(req.start)}+${bytesExact(req.size)} fails: ${result.failure!.message}`, kernelMessage: result.failure!.kernelMessage, code: result.failure!.code });
    return rec;
  }
  const noRam = takeVmemmapRam(ctx, result.total);
  if (noRam) {
    ctx.space.restore(snap);
    err({
      message: `${what} ${formatHex(req.start)}+${bytesExact(req.size)}: ${noRam}, so add_memory_resource() fails with -ENOMEM` + (req.source === 'kmem' ? ' and dax/kmem does not add the range' : ''),
      // [6.12] drivers/dax/kmem.c:174 dev_warn(); the ACPI driver's dev_err() "add_memory failed" has no range.
      kernelMessage: req.source === 'kmem' ? `mapping0: ${formatHex(req.start)}-${formatHex(req.start + req.size - 1)} memory add failed\n` : undefined,
    });
    return rec;
  }

  ctx.hotplugRam.add(startPfn, endPfn);
  ctx.nrMemmapPages += result.nrMemmapPages;
  const t = result.total;
  rec.status = 'ok';
  rec.memmapOnMemory = useMom;
  rec.blocks = blocks;
  rec.structPages = nrPages;
  rec.pieces = result.pieces;
  rec.selfHostedBytes = t.altmapPages * P;
  rec.ramBytes = t.ramBytes;
  rec.memmapBytes = rec.selfHostedBytes + rec.ramBytes;
  rec.pageTableBytes = t.pageTableBytes;
  if (useMom) {
    const fallback = profile.features.memmapOnMemoryFallback;
    rec.memmapPagesPerBlock = fallback ? perBlockFree : altAlloc;
    rec.wastedPagesPerBlock = fallback ? perBlockFree - altAlloc / blocks - altAlign / blocks : 0;
    rec.reservedBytes = rec.memmapPagesPerBlock * blocks * P;
    rec.wastedBytes = rec.wastedPagesPerBlock * blocks * P;
    rec.usableBytes = req.size - rec.reservedBytes;
    rec.notes.push(plan!.reason);
    if (plan!.kernelMessage) rec.notes.push(`kernel: ${plan!.kernelMessage.trim()}`);
    if (rec.wastedPagesPerBlock > 0)
      rec.notes.push(`${rec.wastedPagesPerBlock} pages per block are force-mode padding (self-hosted but unused): ${bytesExact(rec.wastedBytes)} in total`);
  } else {
    rec.usableBytes = req.size;
  }
  // The added blocks are onlined: later devices and hot-adds can take their memmap from them.
  ctx.ram.give(rec.usableBytes);
  return rec;
}
