// struct vmem_altmap and altmap_alloc_block_buf() in closed form.
//
// [both] mm/sparse-vmemmap.c:
//   pfn      = base_pfn + reserve + alloc + align           (vmem_altmap_next_pfn)
//   nr_pfns  = size >> PAGE_SHIFT
//   nr_align = 1UL << find_first_bit(&nr_pfns, BITS_PER_LONG) (largest power of two dividing nr_pfns)
//   nr_align = ALIGN(pfn, nr_align) - pfn                  (padding: ABSOLUTE pfn alignment)
//   nr_free  = free > alloc + align ? free - (alloc + align) : 0
//   if (nr_pfns + nr_align > nr_free) return NULL
//   alloc += nr_pfns; align += nr_align
//
// A run of n equal requests costs one formula: only the first one can be padded (after it the next
// pfn is aligned to nr_align because nr_pfns is a multiple of nr_align), so n requests need
// first_padding + n × nr_pfns pages. 1024 PMD blocks of 2 MiB = 510 + 1024 × 512.

import { alignUp, alignmentOf, divFloor, divRoundUp } from '../config/units';
import type { AltmapInfo } from './types';

/** struct vmem_altmap: the fields of AltmapInfo without the derived unusedPages. */
export type Altmap = Omit<AltmapInfo, 'unusedPages'>;

export function newAltmap(basePfn: number, endPfn: number, reserve: number, free: number): Altmap {
  return { basePfn, endPfn, reserve, free, alloc: 0, align: 0 };
}

/** vmem_altmap_offset(): pfns from base before the first pfn with a usable device struct page. */
export function altmapOffset(a: Altmap): number {
  return a.reserve + a.free;
}

/**
 * The pfns memmap_init_zone_device() initializes for a pgmap range [startPfn, endPfn): with an altmap it
 * starts at base_pfn + vmem_altmap_offset() (the struct pages of the info block and of the memmap itself
 * are left to move_pfn_range_to_zone()), else at the range start. Never negative.
 */
export function zoneDeviceInitRange(a: Altmap | null, startPfn: number, endPfn: number): { startPfn: number; nrPages: number } {
  const start = a ? a.basePfn + altmapOffset(a) : startPfn;
  return { startPfn: start, nrPages: Math.max(0, endPfn - start) };
}

export function altmapNextPfn(a: Altmap): number {
  return a.basePfn + a.reserve + a.alloc + a.align;
}

export function altmapNrFree(a: Altmap): number {
  const allocated = a.alloc + a.align;
  return a.free > allocated ? a.free - allocated : 0;
}

export interface AltmapRunResult {
  /** Requests satisfied (the first failure stops the run, as the kernel's loop does). */
  done: number;
  /** Padding pages added to altmap.align by this run. */
  padding: number;
  /** pfn of the first block handed out (after padding), or null when none was. */
  firstPfn: number | null;
  /** pfn at which the first failing request would have started. */
  failedAtPfn: number | null;
}

/**
 * `count` consecutive altmap_alloc_block_buf(nrPfns × PAGE_SIZE) calls, in O(1). Mutates `a`.
 */
export function altmapAllocRun(a: Altmap, nrPfns: number, count: number): AltmapRunResult {
  if (count <= 0) return { done: 0, padding: 0, firstPfn: null, failedAtPfn: null };
  const pfn = altmapNextPfn(a);
  const unit = alignmentOf(nrPfns);
  const pad = alignUp(pfn, unit) - pfn;
  const nrFree = altmapNrFree(a);
  if (nrPfns + pad > nrFree) return { done: 0, padding: 0, firstPfn: null, failedAtPfn: pfn };
  // The first request fits; every later one starts aligned and needs exactly nrPfns.
  const more = Math.min(count - 1, divFloor(nrFree - pad - nrPfns, nrPfns));
  const done = 1 + more;
  a.alloc += done * nrPfns;
  a.align += pad;
  const failedAtPfn = done < count ? altmapNextPfn(a) : null;
  return { done, padding: pad, firstPfn: pfn + pad, failedAtPfn };
}

export function altmapInfo(a: Altmap): AltmapInfo {
  return {
    basePfn: a.basePfn,
    endPfn: a.endPfn,
    reserve: a.reserve,
    free: a.free,
    alloc: a.alloc,
    align: a.align,
    unusedPages: Math.max(0, a.free - a.alloc - a.align),
  };
}

/**
 * altmap_cross_boundary() (arch/powerpc/mm/init_64.c) for every vmemmap block of `unitBytes` at once:
 * a block with index i describes pfns [i × unitBytes / SP, (i + 1) × unitBytes / SP); it does not cross
 * the device boundary exactly when lo <= i < hi.
 */
export function altmapInsideUnits(a: Altmap, unitBytes: number, structPageSize: number): { lo: number; hi: number } {
  const lo = divRoundUp(a.basePfn * structPageSize, unitBytes);
  const hi = divFloor((a.endPfn + 1) * structPageSize, unitBytes);
  return { lo, hi: Math.max(lo, hi) };
}
