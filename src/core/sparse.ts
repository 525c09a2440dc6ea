// SPARSEMEM: memory ranges -> present sections per node, memory blocks, and the boot memmap
// sparse_init() really allocates.
//
// Sources: [both] mm/sparse.c memory_present() (a section is present when any memblock range touches
// it; the first range in address order sets its nid), sparse_init()/sparse_init_nid() (per present
// section __populate_section_memmap(pfn, PAGES_PER_SECTION, nid, NULL, NULL) from a per-node memblock
// buffer of map_count × section_map_size(), trimmed by sparse_buffer_fini()), memmap_boot_pages_add().
// Everything works on runs of sections, never one section at a time.

import { divFloor, divRoundUp } from '../config/units';
import type { ArchProfile } from './arch';
import { IntervalSet } from './intervals';
import type { BlockRun, PfnRange, SectionRun } from './types';
import type { VmemmapSpace } from './vmemmap';

export interface OwnedRange extends PfnRange {
  node: number;
}

/** Section index range [first, end) touched by pfns [startPfn, endPfn). */
export function sectionSpan(r: PfnRange, pagesPerSection: number): { start: number; end: number } {
  return { start: divFloor(r.startPfn, pagesPerSection), end: divRoundUp(r.endPfn, pagesPerSection) };
}

/**
 * Present section runs per node. `ranges` must be sorted by startPfn and disjoint. A section touched
 * by ranges of two nodes belongs to the node whose range comes first (memory_present() only claims
 * sections that are not present yet).
 */
export function presentSectionRuns(ranges: readonly OwnedRange[], pagesPerSection: number): Map<number, SectionRun[]> {
  const runs = new Map<number, SectionRun[]>();
  let claimedEnd = -1;
  for (const r of ranges) {
    if (r.endPfn <= r.startPfn) continue;
    const span = sectionSpan(r, pagesPerSection);
    const from = Math.max(span.start, claimedEnd);
    if (span.end > from) {
      const list = runs.get(r.node) ?? [];
      const last = list[list.length - 1];
      if (last && last.startSection + last.count === from) last.count += span.end - from;
      else list.push({ startSection: from, count: span.end - from });
      runs.set(r.node, list);
    }
    claimedEnd = Math.max(claimedEnd, span.end);
  }
  return runs;
}

export function countSections(runs: readonly SectionRun[]): number {
  return runs.reduce((s, r) => s + r.count, 0);
}

/** Memory blocks holding the given sections (block id = section_nr / sections_per_block). */
export function blockRuns(runs: readonly SectionRun[], sectionsPerBlock: number): BlockRun[] {
  const out: BlockRun[] = [];
  for (const r of runs) {
    const s = divFloor(r.startSection, sectionsPerBlock);
    const e = divRoundUp(r.startSection + r.count, sectionsPerBlock);
    const last = out[out.length - 1];
    if (last && last.startBlock + last.count >= s) last.count = Math.max(last.count, e - last.startBlock);
    else out.push({ startBlock: s, count: e - s });
  }
  return out;
}

/** Pages of `ram` (all boot RAM) inside the given section runs. */
export function ramPagesInSections(runs: readonly SectionRun[], ram: IntervalSet, pagesPerSection: number): number {
  return runs.reduce((s, r) => s + ram.measure(r.startSection * pagesPerSection, (r.startSection + r.count) * pagesPerSection), 0);
}

/** Pages of memmap for `nrPages` struct pages: DIV_ROUND_UP(nr_pages * sizeof(struct page), PAGE_SIZE), the
 *  vmstat counters' unit (memmap_boot_pages_add() per boot section, memmap_pages_add() per hot-added piece). */
export function memmapPagesFor(profile: Pick<ArchProfile, 'structPageSize' | 'pageSize'>, nrPages: number): number {
  return divRoundUp(nrPages * profile.structPageSize, profile.pageSize);
}

/** nr_memmap_boot_pages added per present section: DIV_ROUND_UP(PAGES_PER_SECTION * sizeof(struct page), PAGE_SIZE). */
export function bootMemmapPagesPerSection(profile: ArchProfile): number {
  return memmapPagesFor(profile, profile.pagesPerSection);
}

export interface SparseInitNode {
  bootMemmapBytes: number;
  pageTableBytes: number;
}

/**
 * sparse_init(): populate the vmemmap of every present section, in section order across nodes (the
 * order matters where arches decide per PMD by the first section that touches it, e.g. ppc radix).
 * Returns what each node really allocated (vmemmap frames from memblock) and its page-table pages.
 */
export function sparseInit(space: VmemmapSpace, runsByNode: Map<number, SectionRun[]>, pagesPerSection: number): Map<number, SparseInitNode> {
  const all: (SectionRun & { node: number })[] = [];
  for (const [node, runs] of runsByNode) for (const r of runs) all.push({ ...r, node });
  all.sort((a, b) => a.startSection - b.startSection);
  const out = new Map<number, SparseInitNode>();
  for (const node of runsByNode.keys()) out.set(node, { bootMemmapBytes: 0, pageTableBytes: 0 });
  for (const r of all) {
    const o = space.populate(r.startSection * pagesPerSection, r.count * pagesPerSection, null, null);
    const n = out.get(r.node)!;
    n.bootMemmapBytes += o.ramBytes;
    n.pageTableBytes += o.pageTableBytes;
  }
  // mm_core_init() sets up slab after sparse_init(): devices, hot-adds and HVO allocate page tables from it.
  space.slabAvailable = true;
  return out;
}

/** A set of pfn ranges as an IntervalSet. */
export function pfnSet(ranges: readonly PfnRange[]): IntervalSet {
  const s = new IntervalSet();
  for (const r of ranges) s.add(r.startPfn, r.endPfn);
  return s;
}
