// The vmemmap virtual area and __populate_section_memmap() in closed form.
//
// The struct page of pfn p lives at vmemmap + p × sizeof(struct page). We track, over vmemmap byte
// offsets, which leaf blocks (PMD leaves / s390 1 MiB frames / ppc hash bolted pages) and which base
// pages are mapped, and which page-table pages exist. One populate call handles one __add_pages()
// piece; a run of whole sections is one call (equivalent to the kernel's per-section calls, see the
// notes on each path), so the cost is proportional to the number of runs, never to pages or sections.
//
// Sources: [both] mm/sparse-vmemmap.c (vmemmap_populate_hugepages, vmemmap_populate_basepages,
// vmemmap_populate_compound_pages, reuse_compound_section), arch/x86/mm/init_64.c vmemmap_populate(),
// arch/arm64/mm/mmu.c vmemmap_populate(), arch/riscv/mm/init.c, arch/s390/mm/vmem.c modify_pmd_table(),
// arch/powerpc/mm/book3s64/radix_pgtable.c radix__vmemmap_populate(), arch/powerpc/mm/init_64.c
// __vmemmap_populate() (hash).

import { divFloor, divRoundUp } from '../config/units';
import type { ArchProfile } from './arch';
import { type Altmap, altmapAllocRun, altmapInsideUnits, altmapNextPfn, altmapNrFree } from './altmap';
import { IntervalSet, unitRange } from './intervals';
import type { CoreErrorCode } from './types';

/** VMEMMAP_RESERVE_NR: vmemmap pages kept per compound page with dedup (the head page and one tail page). */
export const VMEMMAP_RESERVE_NR = 2;

/**
 * Sections of the run [firstSection, firstSection + count) that start a compound page of
 * `sectionsPerCompound` sections (compounds of a section or more): the multiples of sectionsPerCompound in
 * that run, in O(1). Section numbers are counted from whatever origin the kernel aligns against: the pgmap
 * range start for vmemmap_populate_compound_pages() (reuse_compound_section()), the absolute pfn for
 * section_nr_vmemmap_pages().
 */
export function compoundHeadSections(firstSection: number, count: number, sectionsPerCompound: number): number {
  if (count <= 0) return 0;
  const m = sectionsPerCompound;
  return divFloor(firstSection + count - 1, m) - (firstSection === 0 ? -1 : divFloor(firstSection - 1, m));
}

/** Compound devmap geometry for vmemmap_populate_compound_pages(). */
export interface CompoundGeometry {
  /** pgmap_vmemmap_nr(pgmap) = 1 << vmemmap_shift */
  pfns: number;
  /** PHYS_PFN(pgmap->ranges[nr_range].start): compound pages are counted from the range start. */
  rangeStartPfn: number;
}

export interface PopulateFailure {
  message: string;
  kernelMessage?: string;
  code: CoreErrorCode;
  /** First pfn whose memmap could not be populated. */
  pfn: number;
}

/** What one populate call allocated. */
export interface PopulateOutcome {
  ramBytes: number;
  altmapPages: number;
  alignPages: number;
  /** New leaf mappings (PMD / frame / hash page). */
  leafBlocks: number;
  /** New base (PTE-mapped) vmemmap pages that got a frame of their own. */
  basePages: number;
  /** Compound dedup: VA pages mapped onto a shared frame. */
  reusedPages: number;
  pageTableBytes: number;
  failure: PopulateFailure | null;
}

export function emptyOutcome(): PopulateOutcome {
  return { ramBytes: 0, altmapPages: 0, alignPages: 0, leafBlocks: 0, basePages: 0, reusedPages: 0, pageTableBytes: 0, failure: null };
}

export function addOutcome(into: PopulateOutcome, o: PopulateOutcome): void {
  into.ramBytes += o.ramBytes;
  into.altmapPages += o.altmapPages;
  into.alignPages += o.alignPages;
  into.leafBlocks += o.leafBlocks;
  into.basePages += o.basePages;
  into.reusedPages += o.reusedPages;
  into.pageTableBytes += o.pageTableBytes;
  if (o.failure && !into.failure) into.failure = o.failure;
}

/** Where VmemmapSpace's sets were (their journal marks) and the page-table counts. */
interface Snapshot {
  leaf: number;
  pte: number;
  levels: number[];
  tables: number[];
  tableBytes: number[];
}

export class VmemmapSpace {
  readonly P: number;
  readonly SP: number;
  private readonly leafBytes: number;
  // Journaled: a failed __add_pages() rolls its populate back (snapshot/restore) at the cost of what it did.
  private readonly leaf = new IntervalSet({ journal: true });
  private readonly pte = new IntervalSet({ journal: true });
  private readonly levels: IntervalSet[];
  /** Page-table pages per level (same order as profile.pageTableLevels), and their bytes. */
  private tables: number[];
  private tableBytes: number[];
  /** Whether slab_is_available(): false while sparse_init() maps the boot memmap (sparseInit() sets it
   *  when it is done); an arch may allocate its early page tables in other sizes (earlyTableBytes). */
  slabAvailable = false;

  constructor(readonly profile: ArchProfile) {
    this.P = profile.pageSize;
    this.SP = profile.structPageSize;
    this.leafBytes = profile.vmemmap.leafBytes;
    this.levels = profile.pageTableLevels.map(() => new IntervalSet({ journal: true }));
    this.tables = profile.pageTableLevels.map(() => 0);
    this.tableBytes = profile.pageTableLevels.map(() => 0);
  }

  /** A point to go back to with restore() (snapshots nest: restoring one drops those taken after it). */
  snapshot(): Snapshot {
    return { leaf: this.leaf.mark(), pte: this.pte.mark(), levels: this.levels.map((l) => l.mark()), tables: this.tables.slice(), tableBytes: this.tableBytes.slice() };
  }

  restore(s: Snapshot): void {
    this.leaf.rollback(s.leaf);
    this.pte.rollback(s.pte);
    this.levels.forEach((l, i) => l.rollback(s.levels[i]));
    this.tables = s.tables.slice();
    this.tableBytes = s.tableBytes.slice();
  }

  /** Page-table pages and bytes per level so far. */
  pageTableCounts(): { name: string; tables: number; bytes: number }[] {
    return this.profile.pageTableLevels.map((l, i) => ({ name: l.name, tables: this.tables[i], bytes: this.tableBytes[i] }));
  }

  get pageTableBytes(): number {
    return this.tableBytes.reduce((s, b) => s + b, 0);
  }

  /** Vmemmap byte interval of pfns [pfn, pfn + n). */
  vaOf(pfn: number, n: number): { start: number; end: number } {
    return { start: pfn * this.SP, end: (pfn + n) * this.SP };
  }

  // -------------------------------------------------------------------------------------------
  // Page tables

  /** Record page-table pages for a mapped VA interval; returns the bytes newly allocated. */
  private markTables(vaS: number, vaE: number, pteMapped: boolean): number {
    let bytes = 0;
    this.profile.pageTableLevels.forEach((lv, i) => {
      if (lv.name === 'pte' && !pteMapped) return;
      const r = unitRange(vaS, vaE, lv.coversBytes);
      const added = this.levels[i].add(r.start, r.end);
      const size = !this.slabAvailable && lv.earlyTableBytes !== undefined ? lv.earlyTableBytes : lv.tableBytes;
      this.tables[i] += added;
      this.tableBytes[i] += added * size;
      bytes += added * size;
    });
    return bytes;
  }

  /** PMD-sized block indices that hold a PTE table. */
  private get pteTableBlocks(): IntervalSet | null {
    const i = this.profile.pageTableLevels.findIndex((l) => l.name === 'pte');
    return i >= 0 ? this.levels[i] : null;
  }

  // -------------------------------------------------------------------------------------------
  // Populate

  /**
   * __populate_section_memmap(pfn, nrPages, nid, altmap, pgmap) for one piece (or a run of whole
   * sections). Mutates `altmap`. On failure the outcome carries `failure` and the caller restores a
   * snapshot: the kernel unwinds the failing section (section_deactivate) and the add fails.
   */
  populate(pfn: number, nrPages: number, altmap: Altmap | null, compound: CompoundGeometry | null): PopulateOutcome {
    const out = emptyOutcome();
    const va = this.vaOf(pfn, nrPages);
    if (compound) {
      this.compound(pfn, nrPages, compound, out);
      return out;
    }
    const pol = this.profile.vmemmap;
    const PPS = this.profile.pagesPerSection;
    switch (pol.kind) {
      case 'x86':
        // if (end - start < PAGES_PER_SECTION * sizeof(struct page)) vmemmap_populate_basepages(start, end, node, NULL)
        if (nrPages < PPS) this.basePages(va.start, va.end, null, 'enomem', out);
        else this.hugeRange(va.start, va.end, altmap, out);
        break;
      case 'arm64-pmd':
        if (nrPages < PPS) this.basePages(va.start, va.end, altmap, 'enomem', out);
        else this.hugeRange(va.start, va.end, altmap, out);
        break;
      case 'pmd-always':
        this.hugeRange(va.start, va.end, altmap, out);
        break;
      case 'base':
        this.basePages(va.start, va.end, pol.baseUsesAltmap ? altmap : null, 'enomem', out);
        break;
      case 'radix':
        this.radixRange(va.start, va.end, altmap, out);
        break;
      case 'hash':
        this.hashRange(va.start, va.end, altmap, out);
        break;
    }
    return out;
  }

  /**
   * vmemmap_populate_basepages() over [vaS, vaE): one frame per vmemmap page not mapped yet.
   * `onExhaust`: 'enomem' (generic vmemmap_pte_populate returns NULL) or 'ram' (ppc radix falls back to
   * vmemmap_alloc_block_buf(PAGE_SIZE, node, NULL)). `crossCheck`: ppc radix never takes a page from the
   * altmap if it describes pfns outside the device (altmap_cross_boundary).
   */
  private basePages(vaS: number, vaE: number, altmap: Altmap | null, onExhaust: 'enomem' | 'ram', out: PopulateOutcome, crossCheck = false): boolean {
    if (vaE <= vaS) return true;
    const P = this.P;
    const pr = unitRange(vaS, vaE, P);
    // Pages inside an existing leaf are mapped already.
    const ranges: { start: number; end: number }[] = [];
    if (this.leafBytes > 0) {
      const perLeaf = this.leafBytes / P;
      const br = { start: divFloor(pr.start, perLeaf), end: divRoundUp(pr.end, perLeaf) };
      for (const seg of this.leaf.segments(br.start, br.end)) {
        if (seg.covered) continue;
        const s = Math.max(pr.start, seg.start * perLeaf);
        const e = Math.min(pr.end, seg.end * perLeaf);
        if (e > s) ranges.push({ start: s, end: e });
      }
    } else {
      ranges.push(pr);
    }
    for (const r of ranges) {
      const need = r.end - r.start - this.pte.measure(r.start, r.end);
      if (need > 0) {
        let fromAltmap = 0;
        if (altmap) {
          let eligible = need;
          if (crossCheck) {
            // Only pages whose struct pages lie inside [base_pfn, end_pfn] come from the altmap.
            const w = altmapInsideUnits(altmap, P, this.SP);
            const s = Math.max(r.start, w.lo);
            const e = Math.min(r.end, w.hi);
            eligible = e > s ? e - s - this.pte.measure(s, e) : 0;
          }
          // Single-page requests: nr_align = 1, never padded.
          fromAltmap = Math.min(eligible, altmapNrFree(altmap));
          altmap.alloc += fromAltmap;
          out.altmapPages += fromAltmap;
          if (fromAltmap < eligible && onExhaust === 'enomem') {
            out.failure = {
              code: 'altmap-exhausted',
              message: `the altmap is exhausted while populating base vmemmap pages (${altmapNrFree(altmap)} pages left, ${eligible - fromAltmap} more needed): vmemmap_pte_populate() fails, -ENOMEM`,
              pfn: divFloor((r.start + fromAltmap) * P, this.SP),
            };
            return false;
          }
        }
        out.ramBytes += (need - fromAltmap) * P;
        out.basePages += need;
      }
      this.pte.add(r.start, r.end);
      out.pageTableBytes += this.markTables(r.start * P, r.end * P, true);
    }
    return true;
  }

  /**
   * vmemmap_populate_hugepages(): per PMD step, an existing leaf is reused, an existing PTE table gets
   * base pages, an empty PMD gets a PMD_SIZE block (altmap or RAM). Altmap exhaustion: -ENOMEM (x86,
   * arm64 6.12, riscv) or base pages from the altmap (arm64 6.1, s390).
   */
  private hugeRange(vaS: number, vaE: number, altmap: Altmap | null, out: PopulateOutcome): boolean {
    const L = this.leafBytes;
    const pol = this.profile.vmemmap;
    const nrPfns = L / this.P;
    const blocks = unitRange(vaS, vaE, L);
    const pteBlocks = this.pteTableBlocks;
    for (const seg of this.leaf.segments(blocks.start, blocks.end)) {
      if (seg.covered) continue; // pmd_leaf: vmemmap_check_pmd() -> reuse, nothing allocated
      const parts = pteBlocks ? pteBlocks.segments(seg.start, seg.end) : [{ ...seg, covered: false }];
      for (const part of parts) {
        const sVA = Math.max(vaS, part.start * L);
        const eVA = Math.min(vaE, part.end * L);
        if (part.covered) {
          // PMD already holds a PTE table: vmemmap_populate_basepages(addr, next, node, altmap or NULL)
          if (!this.basePages(sVA, eVA, pol.pteFallbackUsesAltmap ? altmap : null, 'enomem', out)) return false;
          continue;
        }
        const n = part.end - part.start;
        let done = n;
        if (altmap) {
          const r = altmapAllocRun(altmap, nrPfns, n);
          done = r.done;
          out.altmapPages += done * nrPfns;
          out.alignPages += r.padding;
        } else {
          out.ramBytes += n * L;
        }
        if (done > 0) {
          this.leaf.add(part.start, part.start + done);
          out.leafBlocks += done;
          out.pageTableBytes += this.markTables(Math.max(vaS, part.start * L), Math.min(vaE, (part.start + done) * L), false);
        }
        if (done < n && altmap) {
          const failVA = Math.max(vaS, (part.start + done) * L);
          if (pol.pmdAltmapFailure === 'enomem') {
            const left = altmapNrFree(altmap);
            const next = altmapNextPfn(altmap);
            const pad = (nrPfns - (next % nrPfns)) % nrPfns;
            out.failure = {
              code: 'altmap-exhausted',
              message:
                `the altmap runs out: a PMD block needs ${nrPfns} pages` +
                (pad ? ` + ${pad} alignment padding` : '') +
                ` but only ${left} are free (${n - done} of ${n} blocks could not be allocated); vmemmap_populate_hugepages() returns -ENOMEM without fallback`,
              pfn: divFloor(failVA, this.SP),
            };
            return false;
          }
          // Fallback: base pages for the rest (arm64 6.1, s390): PMD keeps failing (same padding, fewer free pages).
          if (!this.basePages(failVA, eVA, altmap, 'enomem', out)) return false;
        }
      }
    }
    return true;
  }

  /** radix__vmemmap_populate(): PMD only where aligned and inside the altmap; otherwise base pages. */
  private radixRange(vaS: number, vaE: number, altmap: Altmap | null, out: PopulateOutcome): boolean {
    const L = this.leafBytes;
    const nrPfns = L / this.P;
    const blocks = unitRange(vaS, vaE, L);
    const pteBlocks = this.pteTableBlocks;
    const base = (s: number, e: number) => this.basePages(s, e, altmap, 'ram', out, true);
    for (const seg of this.leaf.segments(blocks.start, blocks.end)) {
      if (seg.covered) continue;
      const parts = pteBlocks ? pteBlocks.segments(seg.start, seg.end) : [{ ...seg, covered: false }];
      for (const part of parts) {
        let b = part.start;
        if (part.covered) {
          base(Math.max(vaS, b * L), Math.min(vaE, part.end * L));
          continue;
        }
        if (b * L < vaS) {
          // The call starts inside this block: !IS_ALIGNED(addr, PMD_SIZE) -> base mapping.
          base(vaS, Math.min(vaE, (b + 1) * L));
          b++;
        }
        if (b >= part.end) continue;
        // Blocks describing pfns outside the altmap are base-mapped (altmap_cross_boundary).
        let lo = b;
        let hi = part.end;
        if (altmap) {
          const w = altmapInsideUnits(altmap, L, this.SP);
          lo = Math.min(part.end, Math.max(b, w.lo));
          hi = Math.max(lo, Math.min(part.end, w.hi));
          if (lo > b) base(b * L, Math.min(vaE, lo * L));
        }
        if (hi > lo) {
          let done = hi - lo;
          if (altmap) {
            const r = altmapAllocRun(altmap, nrPfns, hi - lo);
            done = r.done;
            out.altmapPages += done * nrPfns;
            out.alignPages += r.padding;
          } else {
            out.ramBytes += done * L;
          }
          if (done > 0) {
            this.leaf.add(lo, lo + done);
            out.leafBlocks += done;
            out.pageTableBytes += this.markTables(lo * L, Math.min(vaE, (lo + done) * L), false);
          }
          // "A vmemmap block allocation can fail due to alignment ... Try base mapping on failure."
          if (lo + done < hi) base((lo + done) * L, Math.min(vaE, hi * L));
        }
        if (hi < part.end) base(Math.max(vaS, hi * L), Math.min(vaE, part.end * L));
      }
    }
    return true;
  }

  /** ppc hash __vmemmap_populate(): one bolted page of mmu_vmemmap_psize per block not yet populated. */
  private hashRange(vaS: number, vaE: number, altmap: Altmap | null, out: PopulateOutcome): boolean {
    const L = this.leafBytes;
    const nrPfns = L / this.P;
    const blocks = unitRange(vaS, vaE, L);
    for (const seg of this.leaf.segments(blocks.start, blocks.end)) {
      if (seg.covered) continue; // vmemmap_populated(): already mapped
      let n = seg.end - seg.start;
      if (altmap) {
        const w = altmapInsideUnits(altmap, L, this.SP);
        const lo = Math.max(seg.start, w.lo);
        const hi = Math.min(seg.end, w.hi);
        if (hi > lo) {
          const r = altmapAllocRun(altmap, nrPfns, hi - lo);
          out.altmapPages += r.done * nrPfns;
          out.alignPages += r.padding;
          n -= r.done; // the rest: "altmap block allocation failed, falling back to system memory"
        }
      }
      out.ramBytes += n * L;
      out.leafBlocks += seg.end - seg.start;
      this.leaf.add(seg.start, seg.end);
    }
    return true;
  }

  /**
   * vmemmap_populate_compound_pages(): per compound page the head vmemmap page and the first tail page
   * get frames (from RAM: no altmap with dedup); the other vmemmap PTEs map the tail frame again. A
   * piece that starts mid-compound with compounds larger than a sub-section reuses the previous
   * section's tail page for the whole piece (reuse_compound_section()). Everything is PTE-mapped.
   */
  private compound(pfn: number, n: number, geo: CompoundGeometry, out: PopulateOutcome): void {
    const PPS = this.profile.pagesPerSection;
    const PPSub = this.profile.pagesPerSubsection;
    const C = geo.pfns;
    const off = pfn - geo.rangeStartPfn;
    let framed: number;
    if (n <= PPS) {
      // One __populate_section_memmap() call.
      if (off % C !== 0 && C > PPSub) framed = 0;
      else framed = VMEMMAP_RESERVE_NR * divRoundUp(n, Math.min(n, C));
    } else {
      // A run of k whole sections, each its own call in the kernel.
      const k = n / PPS;
      if (C >= PPS) {
        // Section j starts a compound page iff (off + j × PPS) % C == 0; the others reuse (C > PPSub).
        const heads = off % PPS === 0 ? compoundHeadSections(off / PPS, k, C / PPS) : 0;
        framed = VMEMMAP_RESERVE_NR * heads;
      } else if (off % C !== 0 && C > PPSub) {
        framed = 0; // every section starts mid-compound (PPS is a multiple of C)
      } else {
        framed = k * VMEMMAP_RESERVE_NR * divRoundUp(PPS, C);
      }
    }
    const va = this.vaOf(pfn, n);
    const pr = unitRange(va.start, va.end, this.P);
    const already = this.pte.measure(pr.start, pr.end);
    const mapped = pr.end - pr.start - already;
    framed = Math.min(framed, mapped);
    out.ramBytes += framed * this.P;
    out.basePages += framed;
    out.reusedPages += mapped - framed;
    this.pte.add(pr.start, pr.end);
    out.pageTableBytes += this.markTables(va.start, va.end, true);
  }

  /**
   * HVO's vmemmap_split_pmd(): PMD leaves covering [vaS, vaE) become PTE tables (one per PMD). Returns
   * the page-table bytes allocated. Base-mapped vmemmap needs no split.
   */
  splitLeavesForHvo(vaS: number, vaE: number): number {
    if (this.leafBytes === 0 || vaE <= vaS) return 0;
    const L = this.leafBytes;
    const blocks = unitRange(vaS, vaE, L);
    let bytes = 0;
    for (const seg of this.leaf.segments(blocks.start, blocks.end)) {
      if (!seg.covered) continue;
      bytes += this.markTables(seg.start * L, seg.end * L, true);
      this.pte.add(divFloor(seg.start * L, this.P), divFloor(seg.end * L, this.P));
    }
    return bytes;
  }

  /** True when no vmemmap page of [vaS, vaE) is mapped yet. */
  isUnmapped(vaS: number, vaE: number): boolean {
    const pr = unitRange(vaS, vaE, this.P);
    if (this.pte.intersects(pr.start, pr.end)) return false;
    if (this.leafBytes > 0) {
      const br = unitRange(vaS, vaE, this.leafBytes);
      if (this.leaf.intersects(br.start, br.end)) return false;
    }
    return true;
  }

  /**
   * Record [vaS, vaE) as mapped like an already simulated identical neighbour (leaf blocks or PTE
   * pages), without allocating: the caller accounts the frames in closed form. Returns page-table bytes.
   */
  markMapped(vaS: number, vaE: number, kind: 'leaf' | 'pte'): number {
    if (kind === 'leaf' && this.leafBytes > 0) {
      const br = unitRange(vaS, vaE, this.leafBytes);
      this.leaf.add(br.start, br.end);
      return this.markTables(vaS, vaE, false);
    }
    const pr = unitRange(vaS, vaE, this.P);
    this.pte.add(pr.start, pr.end);
    return this.markTables(vaS, vaE, true);
  }
}
