// Architecture profiles per (arch, kernel version): the sparsemem constants, how the arch maps the
// vmemmap, which features exist, and the memory block size probe.
//
// Sources (see docs in /work/shared/reference/kernel-mm.md §1-§6, checked against the Debian
// linux-source-6.12 (6.12.117) and linux-source-6.1 (6.1.192) trees):
//   arch/*/include/asm/sparsemem.h          SECTION_SIZE_BITS, MAX_PHYSMEM_BITS
//   mm/mm_init.c: set_pageblock_order()      pageblock_order
//   arch/*/mm: vmemmap_populate()            how the vmemmap is mapped (see VmemmapPolicy)
//   arch/x86/mm/init_64.c: probe_memory_block_size(), set_memory_block_size_order()
//   arch/powerpc/mm/init_64.c: update_memory_block_size(), arch/s390/mm/init.c: memory_block_size_bytes()
//   */Kconfig: ARCH_WANT_OPTIMIZE_{HUGETLB,DAX}_VMEMMAP, ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE, ARCH_HAS_PTE_DEVMAP

import type { Arch, WorkloadConfig } from '../config/types';
import { GiB, KiB, MiB, TiB, isPowerOfTwo } from '../config/units';
import { bytesExact, bytesReadable } from './format';

// ---------------------------------------------------------------------------------------------
// Kernel versions

export type KernelVersion = readonly [number, number];

/** v >= [major, minor]. */
export function versionAtLeast(v: KernelVersion, major: number, minor: number): boolean {
  return v[0] > major || (v[0] === major && v[1] >= minor);
}

/**
 * Behaviour boundaries. The reference documents 6.1 and 6.12 exactly and gives a few boundaries
 * (mostly UNVERIFIED "merged in" versions from mailing-list dates). Where it only says "6.1 vs 6.12",
 * versions >= 6.12 behave like 6.12 and older ones like 6.1 (`MODERN`).
 */
export const BOUNDARY = {
  /** Sub-section (2 MiB) hotplug granularity (Dan Williams' series, v5.3, UNVERIFIED). */
  subsectionHotplug: [5, 3],
  /** memmap_on_memory (MHP_MEMMAP_ON_MEMORY), v5.12 (UNVERIFIED). */
  memmapOnMemory: [5, 12],
  /** HVO introduced with 2 vmemmap pages kept (RESERVE_VMEMMAP_NR 2), v5.14 (UNVERIFIED). */
  hvo: [5, 14],
  /** HVO keeps 1 vmemmap page from ~v5.18 (UNVERIFIED). */
  hvoOnePage: [5, 18],
  /** riscv selects ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP from v6.4: the select came with the 6.4 merge of the riscv
   *  tree, and "RISC-V: fixup in-flight collision with ARCH_WANT_OPTIMIZE_VMEMMAP rename" (Conor Dooley, fixing
   *  89d77f71f493, the riscv-for-linus-6.4-mw1 merge) made it select the renamed symbol (UNVERIFIED: that the fixup
   *  reached v6.4 itself). [6.12] arch/riscv/Kconfig selects it. */
  hvoRiscv: [6, 4],
  /** s390 selects ARCH_WANT_HUGETLB_PAGE_OPTIMIZE_VMEMMAP from v6.2 (UNVERIFIED) ... */
  hvoS390: [6, 2],
  /** ... until "[s390x] Disable ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP", a stable change the Debian changelog lists
   *  under 6.12.63 ([6.12.118] arch/s390/Kconfig no longer selects it). Versions are major.minor and "6.12" means a
   *  recent 6.12.y, so s390x has no HVO at 6.12 (6.12.0-6.12.62 still had it; newer releases follow 6.12). */
  hvoS390Off: [6, 12],
  /** device-dax compound devmaps and vmemmap dedup (Joao Martins), v5.17 (UNVERIFIED). */
  daxDedup: [5, 17],
  /** memmap_on_memory fallback instead of -EINVAL, `force` mode and the arch hook (Aneesh Kumar), v6.6 (UNVERIFIED).
   *  The add must still be exactly one memory block (mhp_supports_memmap_on_memory(size)) until 6.8. */
  memmapOnMemoryFallback: [6, 6],
  /** One series (Vishal Verma, v6.8): per-memory-block altmaps ("mm/memory_hotplug: split memmap_on_memory
   *  requests across memblocks", "mm/memory_hotplug: export mhp_supports_memmap_on_memory()", which drops the
   *  size == memory_block_size_bytes() test) and dax/kmem `memmap_on_memory` (ABI doc: KernelVersion v6.8). */
  daxKmemMemmapOnMemory: [6, 8],
  /** /proc/vmstat nr_memmap_pages / nr_memmap_boot_pages ("mm: report per-page metadata information", v6.11, UNVERIFIED). */
  memmapVmstat: [6, 11],
  /** nr_memmap_pages counts the vmemmap pages a dedup'ed compound devmap really allocates
   *  (section_nr_vmemmap_pages()) instead of DIV_ROUND_UP(nr_pages * sizeof(struct page), PAGE_SIZE): the
   *  stable fix "mm/sparse-vmemmap: fix DAX vmemmap accounting with optimization", 6.12.101 (Debian
   *  changelog). Versions are major.minor, so "6.12" is a 6.12.y with the fix; 6.12.0-6.12.100 counted the
   *  old way, like 6.11. */
  memmapVmstatDedup: [6, 12],
  /** compound_nr_pages() initialises every struct page of a compound page whose head is in an early section (whose
   *  unoptimised boot memmap section_activate() reuses): the stable fix "mm/mm_init: fix uninitialized struct pages
   *  for ZONE_DEVICE", which the Debian changelog lists under 6.12.100 ([6.12.118] mm/mm_init.c compound_nr_pages()
   *  tests early_section()). As for memmapVmstatDedup, "6.12" is a 6.12.y with the fix; 6.1 (and 6.12.0-6.12.99)
   *  write only VMEMMAP_RESERVE_NR pages' worth of struct pages whenever vmemmap_can_optimize(). */
  zoneDeviceEarlyCompound: [6, 12],
  /** s390 PTE tables take a whole 4 KiB page instead of a 2 KiB fragment (6.12 arch/s390/mm/pgalloc.c
   *  page_table_alloc(), vmem.c vmem_pte_alloc(); the release it changed in, v6.9, is UNVERIFIED). */
  s390PteFullPage: [6, 9],
  /** padata for the boot allocation of hugepages=N and the gigantic gather (Gang Li, v6.9, UNVERIFIED): each
   *  padata chunk spreads its pages round-robin from the first node (hugetlb_pages_alloc_boot_node()). */
  hugetlbParallelAlloc: [6, 9],
  /** Everything the reference only documents as "6.12 differs from 6.1". */
  modern: [6, 12],
} as const satisfies Record<string, KernelVersion>;

/**
 * The MAX_PHYSMEM_BITS a kernel of this arch can run with (kernel.maxPhysmemBits): x86_64 46, or 52 with
 * 5-level paging; arm64 48, or 52 with ARM64_PA_BITS_52 / LPA2; book3s64 51 with SPARSEMEM_VMEMMAP +
 * SPARSEMEM_EXTREME, else 46; s390 CONFIG_MAX_PHYSMEM_BITS (42-53); riscv64 56.
 */
export function physmemBitsChoices(arch: Arch): readonly number[] {
  switch (arch) {
    case 'x86_64':
      return [46, 52];
    case 'arm64-4k':
    case 'arm64-16k':
    case 'arm64-64k':
      return [48, 52];
    case 'ppc64-radix':
    case 'ppc64-hash':
      return [46, 51];
    case 's390x':
      return Array.from({ length: 12 }, (_, i) => 42 + i);
    default:
      return [56];
  }
}

/** The releases whose source the simulator's rules were checked against. */
export const CHECKED_RELEASES = { oldest: [6, 1], newest: [6, 12] } as const satisfies Record<string, KernelVersion>;

/** What the simulator takes for a release outside the checked ones (null: 6.1 to 6.12). */
export function releaseNote(v: KernelVersion): string | null {
  if (!atLeast(v, CHECKED_RELEASES.oldest)) {
    return `Linux ${v.join('.')} is older than ${CHECKED_RELEASES.oldest.join('.')}, the oldest release the simulator was checked against: features follow the version boundaries of src/core/arch.ts, some of them UNVERIFIED`;
  }
  if (atLeast(v, [CHECKED_RELEASES.newest[0], CHECKED_RELEASES.newest[1] + 1])) {
    return `Linux ${v.join('.')} is newer than ${CHECKED_RELEASES.newest.join('.')}, the newest release the simulator was checked against: the figures follow ${CHECKED_RELEASES.newest.join('.')} (later changes are not modelled)`;
  }
  return null;
}

export function atLeast(v: KernelVersion, b: KernelVersion): boolean {
  return versionAtLeast(v, b[0], b[1]);
}

// ---------------------------------------------------------------------------------------------
// Profiles

/**
 * How `vmemmap_populate()` maps the memmap of one section piece.
 * - `x86`:        sub-section piece -> base pages from RAM (altmap ignored); full section -> PMD leaves
 *                 (altmap), -ENOMEM when the altmap runs out; an existing PTE table -> base pages
 *                 (6.12 with the altmap, 6.1 from RAM).
 * - `arm64-pmd`:  arm64 4K: sub-section piece -> base pages WITH the altmap; full section -> PMD leaves;
 *                 altmap failure: 6.12 -ENOMEM (generic vmemmap_populate_hugepages), 6.1 falls back to
 *                 base pages from the altmap (arch/arm64/mm/mmu.c own loop).
 * - `pmd-always`: riscv 6.12 (always vmemmap_populate_hugepages, even for sub-sections), s390 with EDAT1
 *                 (1 MiB frames "even if they are only partially used"; failure -> PTEs with the altmap).
 * - `base`:       arm64 16K/64K (base pages with the altmap), riscv 6.1 (base pages, altmap NULL).
 * - `radix`:      ppc64 radix: PMD only if the vmemmap address is PMD-aligned and the block does not cross
 *                 the altmap boundary; otherwise, or when the altmap runs out, base pages (altmap, then RAM).
 * - `hash`:       ppc64 hash: bolted linear pages of mmu_vmemmap_psize (16 MiB when RAM >= 1 GiB, else
 *                 64 KiB), altmap unless the block crosses the device boundary, else RAM. No page tables.
 */
export type VmemmapKind = 'x86' | 'arm64-pmd' | 'pmd-always' | 'base' | 'radix' | 'hash';

export interface VmemmapPolicy {
  kind: VmemmapKind;
  /** Size of one leaf mapping of the vmemmap (PMD_SIZE, s390 1 MiB frame, ppc hash psize); 0 for `base`. */
  leafBytes: number;
  /** Base-page paths take pages from the altmap (arm64, s390 fallback, radix); false: always RAM (x86, riscv 6.1). */
  baseUsesAltmap: boolean;
  /** What a failed PMD-sized altmap allocation leads to. */
  pmdAltmapFailure: 'enomem' | 'base-altmap' | 'base-ram';
  /** x86: base pages inside an existing PTE table use the altmap (6.12) or not (6.1 passes NULL). */
  pteFallbackUsesAltmap: boolean;
  /** Human description for notes. */
  describe: string;
}

/** One level of kernel page tables used for the vmemmap: a table of `tableBytes` maps `coversBytes` of VA. */
export interface PageTableLevel {
  name: 'pte' | 'pmd' | 'pud';
  tableBytes: number;
  coversBytes: number;
  /** Where the arch allocates a table of another size before slab_is_available() (sparse_init()'s boot
   *  memmap): ppc64 radix takes a whole page from memblock at every level. */
  earlyTableBytes?: number;
}

export interface ArchProfile {
  arch: Arch;
  version: KernelVersion;
  /** PAGE_SIZE */
  pageSize: number;
  pageShift: number;
  /** sizeof(struct page) */
  structPageSize: number;
  sectionSizeBits: number;
  /** 1 << SECTION_SIZE_BITS (= MIN_MEMORY_BLOCK_SIZE) */
  sectionSize: number;
  pagesPerSection: number;
  /** SUBSECTION_SIZE: fixed 2 MiB on every arch (SUBSECTION_SHIFT 21). */
  subsectionSize: number;
  pagesPerSubsection: number;
  subsectionsPerSection: number;
  maxPhysmemBits: number;
  pmdSize: number;
  pudSize: number;
  /** MAX_PAGE_ORDER (6.1: MAX_ORDER - 1). */
  maxPageOrder: number;
  pageblockOrder: number;
  pageblockPages: number;
  /** memmap bytes of one section: PAGES_PER_SECTION * sizeof(struct page). */
  sectionMemmapBytes: number;
  /** section_map_size() = ALIGN(SP * PAGES_PER_SECTION, PMD_SIZE): the memblock buffer reserved per section at boot (trimmed later). */
  sectionMapSize: number;
  /** memremap_compat_align() */
  memremapCompatAlign: number;
  /** nd_pfn_supported_alignments(): PAGE_SIZE, PMD if THP, PUD if PUD-THP. */
  daxAlignments: number[];
  /** Huge page sizes the arch accepts for hugetlb (hugepagesz=). */
  hugepageSizes: number[];
  /** How vmemmap_populate() maps the memmap on this arch/version. */
  vmemmap: VmemmapPolicy;
  /** Page-table levels used for the vmemmap, smallest first ([] for ppc hash: HPT, no tables). */
  pageTableLevels: PageTableLevel[];
  features: ArchFeatures;
  notes: string[];
}

export interface ArchFeatures {
  /** ZONE_DEVICE (depends on ARCH_HAS_PTE_DEVMAP): needed by fsdax/devdax. */
  zoneDevice: boolean;
  /** CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP possible on this arch/version. */
  hvo: boolean;
  /** HVO vmemmap pages kept per huge page (HUGETLB_VMEMMAP_RESERVE_SIZE / PAGE_SIZE): 2 in 5.14-5.17, 1 from 5.18. */
  hvoReservePages: number;
  /** CONFIG_ARCH_WANT_OPTIMIZE_DAX_VMEMMAP (compound devmap vmemmap dedup). */
  daxVmemmapDedup: boolean;
  /** ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE selected (arch support for memmap_on_memory). */
  memmapOnMemory: boolean;
  /** The memory_hotplug.memmap_on_memory parameter exists: memmapOnMemory, or ppc64 with the hash MMU (powerpc
   *  selects the option `if PPC_RADIX_MMU`, default y, but arch_supports_memmap_on_memory() is false without radix). */
  memmapOnMemoryParameter: boolean;
  /** >= 6.6: silent fallback to a RAM memmap, `force` mode, per-block check; < 6.6: -EINVAL, size == one block. */
  memmapOnMemoryFallback: boolean;
  /** >= 6.8: per-block altmaps (an add of several blocks can self-host; 6.6-6.7 fall back to RAM for it) and
   *  the dax `memmap_on_memory` attribute for dax/kmem. */
  daxKmemMemmapOnMemory: boolean;
  /** /proc/vmstat nr_memmap_pages and nr_memmap_boot_pages exist. */
  memmapVmstat: boolean;
  /** deferred_page_init_max_threads(): per-node CPUs or always 1 (6.1 non-x86 __weak default). */
  deferredInitThreads: 'node-cpus' | 'one';
  /** arch_add_memory() accepts an altmap (s390 6.1 WARNs and returns -EINVAL). */
  altmap: boolean;
}

const ARCH_ALL = new Set<Arch>(['x86_64', 'arm64-4k', 'arm64-16k', 'arm64-64k', 'ppc64-radix', 'ppc64-hash', 's390x', 'riscv64']);

function pageSizeOf(arch: Arch): number {
  switch (arch) {
    case 'arm64-16k':
      return 16 * KiB;
    case 'arm64-64k':
    case 'ppc64-radix':
    case 'ppc64-hash':
      return 64 * KiB;
    default:
      return 4 * KiB;
  }
}

function log2(n: number): number {
  return Math.round(Math.log2(n));
}

/**
 * The architecture profile for a config. `highestAddress` (exclusive end of all memory the config
 * describes) selects 5-level paging / LPA2 when the 4-level limit is exceeded.
 */
export function archProfile(cfg: Pick<WorkloadConfig, 'arch' | 'kernel'>, highestAddress = 0, totalRam = 0): ArchProfile {
  const arch = cfg.arch;
  if (!ARCH_ALL.has(arch)) throw new Error(`unknown arch ${String(arch)}`);
  const v = cfg.kernel.versionNum;
  const modern = atLeast(v, BOUNDARY.modern);
  const P = pageSizeOf(arch);
  const SP = cfg.kernel.structPageSize;
  const notes: string[] = [];
  const release = releaseNote(v);
  if (release) notes.push(release);

  let sectionSizeBits: number;
  let maxPhysmemBits: number;
  let pmdSize: number;
  let pudSize: number;
  let maxPageOrder: number;
  let pageblockOrder: number;
  let daxAlignments: number[];
  let hugepageSizes: number[];
  let compat = 2 * MiB;
  let levels: PageTableLevel[];
  let vmemmap: VmemmapPolicy;

  const fourLevel4k = (): PageTableLevel[] => [
    { name: 'pte', tableBytes: 4 * KiB, coversBytes: 2 * MiB },
    { name: 'pmd', tableBytes: 4 * KiB, coversBytes: GiB },
    { name: 'pud', tableBytes: 4 * KiB, coversBytes: 512 * GiB },
  ];

  switch (arch) {
    case 'x86_64':
      sectionSizeBits = 27;
      // MAX_PHYSMEM_BITS = pgtable_l5_enabled() ? 52 : 46 (run time)
      maxPhysmemBits = cfg.kernel.maxPhysmemBits ?? (highestAddress > 2 ** 46 ? 52 : 46);
      if (cfg.kernel.maxPhysmemBits == null && maxPhysmemBits === 52) notes.push('memory above 64 TiB: assuming 5-level paging (la57), MAX_PHYSMEM_BITS 52 (kernel.maxPhysmemBits: 46 for a 4-level kernel)');
      pmdSize = 2 * MiB;
      pudSize = GiB;
      maxPageOrder = 10;
      pageblockOrder = 9; // HUGETLB_PAGE_ORDER
      daxAlignments = [4 * KiB, 2 * MiB, GiB];
      hugepageSizes = [2 * MiB, GiB];
      levels = fourLevel4k();
      vmemmap = {
        kind: 'x86',
        leafBytes: pmdSize,
        baseUsesAltmap: false,
        pmdAltmapFailure: 'enomem',
        pteFallbackUsesAltmap: modern,
        describe: 'x86_64: full sections PMD-mapped (2 MiB leaves, from the altmap when there is one); sub-section pieces use base pages from RAM (altmap ignored)',
      };
      break;
    case 'arm64-4k':
    case 'arm64-16k':
    case 'arm64-64k': {
      sectionSizeBits = arch === 'arm64-64k' ? 29 : 27;
      maxPhysmemBits = cfg.kernel.maxPhysmemBits ?? (highestAddress > 2 ** 48 ? 52 : 48);
      if (cfg.kernel.maxPhysmemBits == null && maxPhysmemBits === 52) notes.push('memory above 256 TiB: assuming 52-bit PA (ARM64_PA_BITS_52 / LPA2; kernel.maxPhysmemBits: 48 for a 48-bit kernel)');
      if (arch === 'arm64-4k') {
        pmdSize = 2 * MiB;
        pudSize = GiB;
        maxPageOrder = 10;
        pageblockOrder = 9;
        daxAlignments = [4 * KiB, 2 * MiB];
        hugepageSizes = [64 * KiB, 2 * MiB, 32 * MiB, GiB];
        levels = fourLevel4k();
      } else if (arch === 'arm64-16k') {
        pmdSize = 32 * MiB;
        pudSize = 64 * GiB;
        maxPageOrder = 11;
        pageblockOrder = 11;
        daxAlignments = [16 * KiB, 32 * MiB];
        hugepageSizes = [2 * MiB, 32 * MiB, GiB];
        levels = [
          { name: 'pte', tableBytes: 16 * KiB, coversBytes: 32 * MiB },
          { name: 'pmd', tableBytes: 16 * KiB, coversBytes: 64 * GiB },
          { name: 'pud', tableBytes: 16 * KiB, coversBytes: 128 * TiB },
        ];
      } else {
        pmdSize = 512 * MiB;
        pudSize = 4 * TiB;
        maxPageOrder = 13;
        pageblockOrder = 13;
        daxAlignments = [64 * KiB, 512 * MiB];
        hugepageSizes = [2 * MiB, 512 * MiB, 16 * GiB];
        // 48-bit VA with 64K pages has 3 levels: PGD -> PMD -> PTE.
        levels = [
          { name: 'pte', tableBytes: 64 * KiB, coversBytes: 512 * MiB },
          { name: 'pmd', tableBytes: 64 * KiB, coversBytes: 4 * TiB },
        ];
      }
      vmemmap =
        arch === 'arm64-4k'
          ? {
              kind: 'arm64-pmd',
              leafBytes: pmdSize,
              baseUsesAltmap: true,
              pmdAltmapFailure: modern ? 'enomem' : 'base-altmap',
              pteFallbackUsesAltmap: true,
              describe: 'arm64 4K: full sections PMD-mapped; sub-section pieces use base pages, taken from the altmap when there is one',
            }
          : {
              kind: 'base',
              leafBytes: 0,
              baseUsesAltmap: true,
              pmdAltmapFailure: 'enomem',
              pteFallbackUsesAltmap: true,
              describe: `${arch}: vmemmap always mapped with base pages (no PMD maps with ${arch === 'arm64-16k' ? '16K' : '64K'} pages), from the altmap when there is one`,
            };
      break;
    }
    case 'ppc64-radix':
    case 'ppc64-hash': {
      sectionSizeBits = 24;
      maxPhysmemBits = cfg.kernel.maxPhysmemBits ?? 51;
      maxPageOrder = 8; // ARCH_FORCE_MAX_ORDER with 64K pages
      const radix = arch === 'ppc64-radix';
      if (radix) {
        pmdSize = 2 * MiB;
        pudSize = GiB;
        pageblockOrder = 5; // HUGETLB_PAGE_SIZE_VARIABLE: 2M default huge page
        daxAlignments = [64 * KiB, 2 * MiB, GiB];
        hugepageSizes = [2 * MiB, GiB];
        // RADIX_PTE_INDEX_SIZE 5: 256 B fragments mapping 2 MiB; PMD/PUD index 9: 4 KiB tables. Before slab is
        // up (the boot memmap), vmemmap_{pud,pmd,pte}_alloc() take a whole 64 KiB page of memblock at each
        // level ("All early vmemmap mapping to keep simple do it at PAGE_SIZE", radix_pgtable.c).
        levels = [
          { name: 'pte', tableBytes: 256, coversBytes: 2 * MiB, earlyTableBytes: P },
          { name: 'pmd', tableBytes: 4 * KiB, coversBytes: GiB, earlyTableBytes: P },
          { name: 'pud', tableBytes: 4 * KiB, coversBytes: 512 * GiB, earlyTableBytes: P },
        ];
        vmemmap = {
          kind: 'radix',
          leafBytes: pmdSize,
          baseUsesAltmap: true,
          pmdAltmapFailure: 'base-ram',
          pteFallbackUsesAltmap: true,
          describe: 'ppc64 radix: PMD (2 MiB) only where the vmemmap address is PMD-aligned and inside the altmap; otherwise base pages (altmap first, then RAM)',
        };
      } else {
        pmdSize = 16 * MiB; // hash THP PMD size with 64K pages
        pudSize = 16 * GiB;
        pageblockOrder = 8; // 16M default huge page
        daxAlignments = [64 * KiB, 16 * MiB];
        hugepageSizes = [16 * MiB, 16 * GiB];
        compat = 16 * MiB; // max(SUBSECTION_SIZE, 1 << mmu_linear_psize shift), 16M linear mapping
        levels = [];
        // mmu_vmemmap_psize: 16M if the CPU supports it and memblock_phys_mem_size() >= 1 GiB.
        const psize = totalRam >= GiB ? 16 * MiB : 64 * KiB;
        vmemmap = {
          kind: 'hash',
          leafBytes: psize,
          baseUsesAltmap: true,
          pmdAltmapFailure: 'base-ram',
          pteFallbackUsesAltmap: true,
          describe: `ppc64 hash: vmemmap bolted in ${psize === 16 * MiB ? '16 MiB' : '64 KiB'} pages (mmu_vmemmap_psize), from the altmap unless the page crosses the device, no page tables`,
        };
      }
      break;
    }
    case 's390x':
      sectionSizeBits = 28;
      maxPhysmemBits = cfg.kernel.maxPhysmemBits ?? 46; // CONFIG_MAX_PHYSMEM_BITS default
      pmdSize = MiB;
      pudSize = 2 * GiB;
      maxPageOrder = 10;
      pageblockOrder = 8; // HPAGE_SHIFT 20
      daxAlignments = [4 * KiB, MiB];
      hugepageSizes = [MiB, 2 * GiB];
      levels = [
        // 256 entries of 8 bytes: 2 KiB fragments until page tables took whole pages (page_table_alloc() and
        // the boot path's memblock_alloc(PAGE_SIZE, PAGE_SIZE) in 6.12 vmem_pte_alloc()).
        { name: 'pte', tableBytes: atLeast(v, BOUNDARY.s390PteFullPage) ? 4 * KiB : 2 * KiB, coversBytes: MiB },
        { name: 'pmd', tableBytes: 16 * KiB, coversBytes: 2 * GiB },
        { name: 'pud', tableBytes: 16 * KiB, coversBytes: 4 * TiB },
      ];
      vmemmap = {
        kind: 'pmd-always',
        leafBytes: MiB,
        baseUsesAltmap: modern,
        pmdAltmapFailure: 'base-altmap',
        pteFallbackUsesAltmap: modern,
        describe: 's390 (EDAT1): vmemmap always in 1 MiB frames, even when only partially used',
      };
      notes.push('s390x: assuming EDAT1 (MACHINE_HAS_EDAT1)');
      break;
    case 'riscv64':
      sectionSizeBits = 27;
      maxPhysmemBits = cfg.kernel.maxPhysmemBits ?? 56;
      pmdSize = 2 * MiB;
      pudSize = GiB;
      maxPageOrder = 10;
      pageblockOrder = 9;
      daxAlignments = [4 * KiB, 2 * MiB];
      hugepageSizes = [64 * KiB, 2 * MiB, GiB];
      levels = fourLevel4k();
      vmemmap = modern
        ? {
            kind: 'pmd-always',
            leafBytes: pmdSize,
            baseUsesAltmap: true,
            pmdAltmapFailure: 'enomem',
            pteFallbackUsesAltmap: true,
            describe: 'riscv64: always vmemmap_populate_hugepages(): every piece, even a sub-section, gets whole 2 MiB PMD blocks',
          }
        : {
            kind: 'base',
            leafBytes: 0,
            baseUsesAltmap: false,
            pmdAltmapFailure: 'enomem',
            pteFallbackUsesAltmap: false,
            describe: 'riscv64 (6.1): vmemmap_populate_basepages(start, end, node, NULL): base pages from RAM, altmap ignored',
          };
      break;
  }

  const sectionSize = 2 ** sectionSizeBits;
  const pagesPerSection = sectionSize / P;
  const subsectionSize = 2 * MiB;
  const pagesPerSubsection = subsectionSize / P;
  const sectionMemmapBytes = pagesPerSection * SP;
  const sectionMapSize = Math.ceil(sectionMemmapBytes / pmdSize) * pmdSize;

  const x86 = arch === 'x86_64';
  const ppcRadix = arch === 'ppc64-radix';
  // ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP (ARCH_WANT_HUGETLB_PAGE_OPTIMIZE_VMEMMAP before 6.4): x86_64 from the start
  // (BOUNDARY.hvo), riscv from 6.4, s390 from 6.2 until the 6.12.y that dropped it (loongarch too, not modelled).
  const hvoArch =
    x86 ||
    (arch === 'riscv64' && atLeast(v, BOUNDARY.hvoRiscv)) ||
    (arch === 's390x' && atLeast(v, BOUNDARY.hvoS390) && !atLeast(v, BOUNDARY.hvoS390Off));
  const hvo = atLeast(v, BOUNDARY.hvo) && hvoArch;
  const dedupArch = modern ? x86 || arch === 'riscv64' || ppcRadix : x86;
  const mhpArch = modern ? x86 || arch.startsWith('arm64') || ppcRadix || arch === 'riscv64' || arch === 's390x' : x86 || arch.startsWith('arm64');
  const zoneDevice = modern ? arch !== 's390x' : x86 || arch.startsWith('arm64') || arch.startsWith('ppc64');

  const features: ArchFeatures = {
    zoneDevice,
    hvo,
    hvoReservePages: atLeast(v, BOUNDARY.hvoOnePage) ? 1 : 2,
    daxVmemmapDedup: atLeast(v, BOUNDARY.daxDedup) && dedupArch,
    memmapOnMemory: atLeast(v, BOUNDARY.memmapOnMemory) && mhpArch,
    memmapOnMemoryParameter: atLeast(v, BOUNDARY.memmapOnMemory) && (mhpArch || (modern && arch === 'ppc64-hash')),
    memmapOnMemoryFallback: atLeast(v, BOUNDARY.memmapOnMemoryFallback),
    daxKmemMemmapOnMemory: atLeast(v, BOUNDARY.daxKmemMemmapOnMemory),
    memmapVmstat: atLeast(v, BOUNDARY.memmapVmstat),
    deferredInitThreads: modern || x86 ? 'node-cpus' : 'one',
    altmap: !(arch === 's390x' && !modern),
  };

  return {
    arch,
    version: v,
    pageSize: P,
    pageShift: log2(P),
    structPageSize: SP,
    sectionSizeBits,
    sectionSize,
    pagesPerSection,
    subsectionSize,
    pagesPerSubsection,
    subsectionsPerSection: sectionSize / subsectionSize,
    maxPhysmemBits,
    pmdSize,
    pudSize,
    maxPageOrder,
    pageblockOrder,
    pageblockPages: 2 ** pageblockOrder,
    sectionMemmapBytes,
    sectionMapSize,
    memremapCompatAlign: compat,
    daxAlignments,
    hugepageSizes,
    vmemmap,
    pageTableLevels: levels,
    features,
    notes,
  };
}

/** deferred_page_init_max_threads() for a node with `cpus` CPUs (the timing model uses this). */
/** The default nd_pfn / dev_dax align: HPAGE_PMD_SIZE when THP is available (the second supported alignment), else PAGE_SIZE. */
export function defaultDaxAlign(profile: Pick<ArchProfile, 'daxAlignments'>): number {
  return profile.daxAlignments[1] ?? profile.daxAlignments[0];
}

export function deferredInitMaxThreads(profile: ArchProfile, cpus: number): number {
  return profile.features.deferredInitThreads === 'node-cpus' ? Math.max(cpus, 1) : 1;
}

// ---------------------------------------------------------------------------------------------
// Memory block size

export interface MemoryBlockProbe {
  bytes: number;
  /** How the value was chosen, in the kernel's terms. */
  reason: string;
  /** The kernel's log line, when it prints one. */
  kernelMessage?: string;
  /** A platform override that the kernel would reject (set_memory_block_size_order -EINVAL, memory_dev_init panic). */
  problem?: { message: string; kernelMessage?: string; fatal: boolean };
}

/**
 * memory_block_size_bytes() for the boot memory described by `ranges` (exclusive ends in bytes).
 * `override` is kernel.memoryBlockSize: x86 set_memory_block_size_order(), ppc ibm,lmb-size, s390 sclp.rzm,
 * otherwise a platform value for memory_block_size_bytes().
 */
export function probeMemoryBlockSize(
  profile: ArchProfile,
  ranges: readonly { start: number; end: number }[],
  hypervisor: boolean,
  override: number | null,
): MemoryBlockProbe {
  const MIN = profile.sectionSize; // MIN_MEMORY_BLOCK_SIZE
  const bootMemEnd = ranges.reduce((m, r) => Math.max(m, r.end), 0);
  const mb = (n: number) => `${n / MiB}MB`;
  switch (profile.arch) {
    case 'x86_64': {
      const MAX_BLOCK_SIZE = 2 * GiB;
      const MEM_SIZE_FOR_LARGE_BLOCK = 64 * GiB;
      let problem: MemoryBlockProbe['problem'];
      if (override !== null) {
        // set_memory_block_size_order(order): size = 1UL << order, rejected above 64 GiB or below MIN.
        if (isPowerOfTwo(override) && override <= MEM_SIZE_FOR_LARGE_BLOCK && override >= MIN) {
          return { bytes: override, reason: 'set_memory_block_size_order() override', kernelMessage: `x86/mm: Memory block size: ${mb(override)}\n` };
        }
        problem = {
          message: `memory block size override ${bytesExact(override)} is rejected by set_memory_block_size_order() (must be a power of two between 128 MiB and 64 GiB, -EINVAL); the kernel probes instead`,
          fatal: false,
        };
      }
      let bytes: number;
      let reason: string;
      if (bootMemEnd < MEM_SIZE_FOR_LARGE_BLOCK) {
        bytes = MIN;
        reason = `boot_mem_end ${bytesReadable(bootMemEnd)} < 64 GiB (MEM_SIZE_FOR_LARGE_BLOCK): MIN_MEMORY_BLOCK_SIZE`;
      } else if (!hypervisor) {
        bytes = MAX_BLOCK_SIZE;
        reason = 'bare metal with boot_mem_end >= 64 GiB: MAX_BLOCK_SIZE (2 GiB)';
      } else {
        bytes = MAX_BLOCK_SIZE;
        while (bytes > MIN && bootMemEnd % bytes !== 0) bytes /= 2;
        reason = `virtual machine: largest power of two <= 2 GiB dividing boot_mem_end ${bytesReadable(bootMemEnd)}`;
      }
      return { bytes, reason, kernelMessage: `x86/mm: Memory block size: ${mb(bytes)}\n`, problem };
    }
    case 'ppc64-radix':
    case 'ppc64-hash': {
      if (override !== null) return checked(profile, override, 'ibm,lmb-size from the device tree');
      // update_memory_block_size(): start at 1 GiB, shrink by 4 while (mem_size & block_size), floor 16 MiB.
      let bytes = GiB;
      const floor = 16 * MiB; // DEFAULT_MEMORY_BLOCK_SIZE
      for (const r of ranges) {
        const size = r.end - r.start;
        while (bytes > floor && Math.floor(size / bytes) % 2 === 1) bytes /= 4;
      }
      return { bytes, reason: 'probed from memory node sizes: start at 1 GiB, divide by 4 while (size & block_size), floor 16 MiB' };
    }
    case 's390x': {
      // max(MIN_MEMORY_BLOCK_SIZE, sclp.rzm)
      const rzm = override ?? 0;
      const bytes = Math.max(MIN, rzm);
      return checked(profile, bytes, override !== null ? 'max(MIN_MEMORY_BLOCK_SIZE, sclp.rzm)' : 'MIN_MEMORY_BLOCK_SIZE (sclp.rzm not given)');
    }
    default:
      if (override !== null) return checked(profile, override, 'platform override of memory_block_size_bytes()');
      return { bytes: MIN, reason: 'MIN_MEMORY_BLOCK_SIZE (1 << SECTION_SIZE_BITS, the __weak default)' };
  }
}

function checked(profile: ArchProfile, bytes: number, reason: string): MemoryBlockProbe {
  // memory_dev_init(): panic("Memory block size not suitable: 0x%lx\n") unless a power of two >= MIN.
  if (!isPowerOfTwo(bytes) || bytes < profile.sectionSize) {
    return {
      bytes: profile.sectionSize,
      reason,
      problem: {
        message: `memory block size ${bytesExact(bytes)} is not a power of two >= the section size ${bytesExact(profile.sectionSize)}: memory_dev_init() panics`,
        kernelMessage: `Memory block size not suitable: 0x${bytes.toString(16)}\n`,
        fatal: true,
      },
    };
  }
  return { bytes, reason };
}
