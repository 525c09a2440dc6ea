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
  if (offset >= size - endTrunc) {
    // 6.1 passes nd_pfn_init() (it only tests offset >= size) and writes a negative data size.
    return fail(
      `data offset ${bytesExact(offset)} is beyond the end of the namespace once ${bytesExact(endTrunc)} are truncated for alignment; 6.1's nd_pfn_init() only tests offset >= size and writes an info block with no usable data` +
        (dev.map === 'dev' ? '; the altmap is larger than the mapped range, so __add_pages() refuses it' : '; the namespace has no usable pages'),
      dev.map === 'dev' ? 'memory add fail, invalid altmap\n' : undefined,
      partial,
    );
  }
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
