// drivers/nvdimm/pfn_devs.c: the pfn/dax info block layout (nd_pfn_init) and the altmap built from it
// (__nvdimm_setup_pfn, init_altmap_base/reserve).
//
//   npfns     = PHYS_PFN(size - SZ_8K)
//   align     = max(nd_pfn->align, memremap_compat_align())
//   start must be aligned to memremap_compat_align()      "%s: start %pa misaligned to %#lx\n"  -EINVAL
//   end_trunc = start + size - ALIGN_DOWN(start + size, align)
//   map=dev:  offset = ALIGN(start + SZ_8K + 64 * npfns, align) - start   (MAX_STRUCT_PAGE_SIZE 64)
//   map=mem:  offset = ALIGN(start + SZ_8K, align) - start
//   6.12: offset >= size - end_trunc, 6.1: offset >= size  ->  "%s unable to satisfy requested alignment\n" -ENXIO
//         ([6.1] pfn_devs.c:813). offset and size - end_trunc are both an align boundary minus start and
//         end_trunc < align, so past 6.1's test offset <= size - end_trunc: equality is the only case 6.12
//         refuses and 6.1 accepts, with 0 data pages (vmem_altmap_offset() == nr_pages, which __add_pages()
//         accepts: [6.1] mm/memory_hotplug.c:319-320 refuses only offset > nr_pages).
//   data npfns = PHYS_PFN(size - offset - end_trunc)
//   altmap (map=dev): base_pfn = SUBSECTION_ALIGN_DOWN(PHYS_PFN(base)), reserve = nd_info_block_reserve()/PAGE_SIZE
//                     + (PHYS_PFN(base) - base_pfn), free = PHYS_PFN(offset - nd_info_block_reserve()),
//                     end_pfn = PHYS_PFN(res.end - end_trunc)
//   pgmap range = [res.start + start_pad, res.end - end_trunc] (the whole namespace, metadata included)

import { bytesExact } from './format';
import type { DeviceConfig } from '../config/types';
import { KiB, MiB, alignDown, alignUp, divFloor, formatHex, formatHex18, isAligned } from '../config/units';
import { type ArchProfile, BOUNDARY, atLeast } from './arch';
import { type Altmap, newAltmap } from './altmap';

/** MAX_STRUCT_PAGE_SIZE: nvdimm reserves 64 bytes per pfn regardless of sizeof(struct page). */
export const MAX_STRUCT_PAGE_SIZE = 64;
const SZ_8K = 8 * KiB;
/** ND_MIN_NAMESPACE_SIZE for pfn/dax claims: "%s too small to host". */
export const ND_PFN_MIN_SIZE = 16 * MiB;

export interface NdPfnFailure {
  message: string;
  kernelMessage?: string;
}

export interface NdPfnLayout {
  /** nd_info_block_reserve() = ALIGN(SZ_8K, PAGE_SIZE). */
  infoBlockReserve: number;
  /** npfns before the layout: PHYS_PFN(size - SZ_8K). */
  npfnsRaw: number;
  /** max(nd_pfn->align, memremap_compat_align()) */
  effectiveAlign: number;
  endTrunc: number;
  /** pfn_sb->dataoff */
  offset: number;
  /** map=dev: 64 × npfns bytes reserved for the memmap. */
  pageMapSize: number;
  /** pfn_sb->npfns: usable data pages. */
  dataPages: number;
  /** The pgmap range handed to memremap_pages(), bytes [start, end). */
  rangeStart: number;
  rangeEnd: number;
  altmap: Altmap | null;
}

export type NdPfnResult = { ok: true; layout: NdPfnLayout } | { ok: false; failure: NdPfnFailure; layout: Partial<NdPfnLayout> };

/** A namespace resource as printk's %pr prints it: "[mem %#010llx-%#010llx flags %#lx]" (lib/vsprintf.c
 *  resource_string(), raw form; namespace resources are IORESOURCE_MEM, 0x200). `end` is exclusive. */
export function formatResourceRaw(start: number, end: number): string {
  const hex = (n: number) => '0x' + n.toString(16).padStart(8, '0');
  return `[mem ${hex(start)}-${hex(end - 1)} flags 0x200]`;
}

/**
 * nvdimm_namespace_common_probe() for a namespace that will map pages itself (pmem_should_map_pages(): raw
 * mode on an ND_REGION_PAGEMAP region): IS_ALIGNED(res->start | (res->end + 1), memremap_compat_align()),
 * else "%pr misaligned, unable to map" and -EOPNOTSUPP ([6.12] drivers/nvdimm/namespace_devs.c:1497-1506,
 * [6.1] :1488-1497). pfn/dax namespaces check their alignment in nd_pfn_init() instead. Null when aligned.
 */
export function rawNamespaceMisaligned(profile: Pick<ArchProfile, 'memremapCompatAlign'>, dev: Pick<DeviceConfig, 'start' | 'size'>): NdPfnFailure | null {
  const compat = profile.memremapCompatAlign;
  const end = dev.start + dev.size;
  if (isAligned(dev.start, compat) && isAligned(end, compat)) return null;
  const which = !isAligned(dev.start, compat) ? (!isAligned(end, compat) ? 'start and end are' : `start ${formatHex(dev.start)} is`) : `end ${formatHex(end)} is`;
  return {
    message: `the namespace's ${which} not aligned to memremap_compat_align() (${bytesExact(compat)}): nvdimm_namespace_common_probe() refuses to map its pages (-EOPNOTSUPP) and the pmem probe fails`,
    kernelMessage: `${formatResourceRaw(dev.start, end)} misaligned, unable to map\n`,
  };
}

/** Namespace device name used in the kernel's messages (the config name). */
export function ndPfnInit(profile: ArchProfile, dev: Pick<DeviceConfig, 'name' | 'start' | 'size' | 'align' | 'map' | 'mode'>): NdPfnResult {
  const P = profile.pageSize;
  const SP = profile.structPageSize;
  const compat = profile.memremapCompatAlign;
  const { start, size } = dev;
  const infoBlockReserve = alignUp(SZ_8K, P);
  const fail = (message: string, kernelMessage?: string, layout: Partial<NdPfnLayout> = {}): NdPfnResult => ({ ok: false, failure: { message, kernelMessage }, layout });

  // claim: __nvdimm_namespace_capacity(ndns) < SZ_16M
  if (size < ND_PFN_MIN_SIZE) {
    return fail(`${bytesExact(size)} is too small for a pfn/dax info block (at least 16 MiB); the claim fails with -ENXIO`, `${dev.name} too small to host\n`);
  }
  if (!profile.daxAlignments.includes(dev.align)) {
    return fail(
      `align ${bytesExact(dev.align)} is not one of the supported alignments (${profile.daxAlignments.map(bytesExact).join(', ')}): the align attribute rejects it (ndctl: "unsupported align")`,
      `unsupported align: ${dev.align}\n`,
    );
  }
  const npfnsRaw = divFloor(size - SZ_8K, P);
  const effectiveAlign = Math.max(dev.align, compat);
  if (!isAligned(start, compat)) {
    return fail(`namespace start ${formatHex(start)} is not aligned to memremap_compat_align() (${bytesExact(compat)}): nd_pfn_init() fails with -EINVAL`, `${dev.name}: start ${formatHex18(start)} misaligned to ${formatHex(compat)}\n`);
  }
  const endTrunc = start + size - alignDown(start + size, effectiveAlign);
  let offset: number;
  let pageMapSize = 0;
  if (dev.map === 'dev') {
    if (SP > MAX_STRUCT_PAGE_SIZE) {
      return fail(
        `sizeof(struct page) is ${SP} > ${MAX_STRUCT_PAGE_SIZE} (debug options such as KMSAN): map=dev is refused unless CONFIG_NVDIMM_KMSAN`,
        'Memory debug options prevent using pmem for the page map\n',
      );
    }
    pageMapSize = MAX_STRUCT_PAGE_SIZE * npfnsRaw;
    offset = alignUp(start + SZ_8K + pageMapSize, effectiveAlign) - start;
  } else {
    offset = alignUp(start + SZ_8K, effectiveAlign) - start;
  }
  const partial = { infoBlockReserve, npfnsRaw, effectiveAlign, endTrunc, offset, pageMapSize };
  const modern = atLeast(profile.version, BOUNDARY.modern);
  if (modern ? offset >= size - endTrunc : offset >= size) {
    return fail(
      `the ${dev.map === 'dev' ? 'info block + memmap reservation' : 'info block'} rounded up to ${bytesExact(effectiveAlign)} (data offset ${bytesExact(offset)}) leaves no data in ${bytesExact(size - endTrunc)}: nd_pfn_init() fails with -ENXIO`,
      `${dev.name} unable to satisfy requested alignment\n`,
      partial,
    );
  }
  // 6.1 with offset == size - end_trunc: npfns 0, the whole range is metadata (see the header).
  const dataPages = divFloor(size - offset - endTrunc, P);
  const rangeStart = start; // start_pad is 0: start is compat-aligned
  const rangeEnd = start + size - endTrunc;
  let altmap: Altmap | null = null;
  if (dev.map === 'dev') {
    const basePfnRaw = divFloor(rangeStart, P);
    const basePfn = alignDown(basePfnRaw, profile.pagesPerSubsection);
    const reserve = infoBlockReserve / P + (basePfnRaw - basePfn);
    const free = divFloor(offset - infoBlockReserve, P);
    altmap = newAltmap(basePfn, divFloor(rangeEnd - 1, P), reserve, free);
  }
  // Built field by field: an object spread of `partial` here cost ~10 µs per call in V8.
  const layout: NdPfnLayout = { infoBlockReserve, npfnsRaw, effectiveAlign, endTrunc, offset, pageMapSize, dataPages, rangeStart, rangeEnd, altmap };
  return { ok: true, layout };
}
