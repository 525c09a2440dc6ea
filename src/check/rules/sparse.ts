// Sparse memory model rules: sub-section granularity, the addressable maximum, and the x86 rule that
// puts the memmap of partial sections in RAM even with map=dev.

import { formatHex18 } from '../../config/index';
import { checkPfnSpan, rawNamespaceMisaligned } from '../../core/index';
import { mhpRangeAllowed } from '../../core/memory_hotplug';
import type { JsonPath } from '../../config/types';
import type { Rule, RuleFinding } from '../types';
import { NDCTL_START_ALIGN, ndctlSizeMultiple } from './ndctl';
import { altmapSafeRanges, usableAlign, alignedTo, bytesExact, formatHex, growTo, hasInfoBlock, hasStructPages, hexRange, isAligned, isDynamicDax, isFree, isNdctlNamespace, isPagemapRaw, rangeFix, set, shrinkInto, str } from './util';

export const subsectionMisaligned: Rule = {
  id: 'MM002',
  slug: 'subsection-misaligned',
  severity: 'error',
  area: 'memremap',
  title: 'Device range not aligned to a 2 MiB sub-section',
  reference: '§9.2, §9.12',
  kernelCitation:
    '[6.12] mm/memory_hotplug.c: check_pfn_span(), __add_pages(); drivers/nvdimm/pfn_devs.c: nd_pfn_init(); drivers/dax/bus.c: alloc_dax_region(); drivers/nvdimm/pmem.c: pmem_attach_disk()',
  kernelText: ['Misaligned %s start: %#lx end: %#lx\\n', '%s: start %pa misaligned to %#lx\\n'],
  appliesTo: {},
  doc: [
    'ZONE_DEVICE memory is mapped in whole sub-sections: `__add_pages()` → `check_pfn_span()` refuses a range whose start pfn or',
    'length is not a multiple of `PAGES_PER_SUBSECTION` (2 MiB on every architecture) with the WARN',
    '`Misaligned __add_pages start: … end: …` and -EINVAL (6.1 prints the end as `#%lx`).',
    '',
    'The drivers stop earlier: an nvdimm pfn/dax namespace whose start is not aligned to `memremap_compat_align()` fails in',
    '`nd_pfn_init()` (`%s: start %pa misaligned to %#lx`); a CXL / soft-reserved dax region that is not PMD aligned makes',
    '`alloc_dax_region()` return NULL (-ENOMEM, no message). Drivers without such a check meet the `check_pfn_span()` WARN',
    'itself: a raw namespace on a label-less region with `ND_REGION_PAGEMAP` (`provider: e820` for `memmap=nn!ss`,',
    '`virtio-pmem`, `of-pmem`), which `pmem_attach_disk()` maps whole with `devm_memremap_pages()`, so the pmem device fails',
    'to probe; P2PDMA BARs and device-private memory.',
    '',
    '**Fix:** start the namespace on a 16 MiB boundary (ndctl\'s own namespace alignment) and keep the size a multiple of it;',
    'for `memmap=nn!ss`, give a start and size that are multiples of 2 MiB.',
  ].join('\n'),
  check(ctx) {
    const out: RuleFinding[] = [];
    const p = ctx.profile;
    const SUB = p.subsectionSize;
    ctx.config.devices.forEach((d) => {
      if (!hasStructPages(d)) return;
      const end = d.start + d.size;
      if (hasInfoBlock(d)) {
        if (isAligned(d.start, SUB)) return;
        const ndctl = isNdctlNamespace(d);
        const startAlign = Math.max(ndctl ? NDCTL_START_ALIGN : SUB, p.memremapCompatAlign);
        const sizeAlign = ndctl ? ndctlSizeMultiple(ctx, d) : Math.max(SUB, usableAlign(ctx, d));
        // The nearest aligned range, and the one in whole sections; only what the simulated kernel maps: with map=dev a
        // start inside a section can exhaust the altmap (MM014, riscv64 6.12), and the section-aligned one is then offered.
        const a = shrinkInto(d.start, d.size, startAlign, sizeAlign);
        const b = shrinkInto(d.start, d.size, p.sectionSize, Math.max(p.sectionSize, sizeAlign));
        const fixes = altmapSafeRanges(ctx, d, [a, b], startAlign, sizeAlign).map(({ range: r }) =>
          a && r.start === a.start && r.size === a.size
            ? rangeFix(`Start at ${formatHex(r.start)} (${bytesExact(startAlign)} aligned), size ${bytesExact(r.size)}`, d.path, d, r)
            : rangeFix(`Start at the section boundary ${formatHex(r.start)}, size ${bytesExact(r.size)}`, d.path, d, r),
        );
        out.push({
          path: [...d.path, 'start'],
          message:
            `namespace ${d.name} starts at ${formatHex(d.start)}, which is not aligned to a ${bytesExact(SUB)} sub-section (it is ${alignedTo(d.start)}): ` +
            `memory is mapped in whole sub-sections, and nd_pfn_init() refuses a start not aligned to memremap_compat_align() (${bytesExact(p.memremapCompatAlign)}) with -EINVAL`,
          kernelText: `${d.name}: start ${formatHex18(d.start)} misaligned to ${formatHex(p.memremapCompatAlign)}`,
          fixes,
        });
        return;
      }
      const badStart = !isAligned(d.start, SUB);
      const badSize = !isAligned(d.size, SUB);
      if (isPagemapRaw(d)) {
        // The region sets ND_REGION_PAGEMAP, so the pmem driver maps the namespace's pages:
        // nvdimm_namespace_common_probe() first refuses a start or end not aligned to memremap_compat_align()
        // ("%pr misaligned, unable to map", -EOPNOTSUPP); past it, pmem_attach_disk() -> devm_memremap_pages() ->
        // __add_pages() meets check_pfn_span(). The core decides which (and whether the namespace is mapped at
        // all: ZONE_DEVICE, not mixed with System RAM): its error is the finding.
        const samePath = (e: { path: readonly (string | number)[] }) => e.path.length === d.path.length && e.path.every((x, k) => x === d.path[k]);
        const err = ctx.sim.errors.find((e) => samePath(e) && /misaligned, unable to map|^Misaligned __add_pages/.test(e.kernelMessage ?? ''));
        // The core's nvdimm_namespace_common_probe() condition (start and end on memremap_compat_align()).
        if (!err || rawNamespaceMisaligned(p, d) === null) return;
        const A = Math.max(SUB, p.memremapCompatAlign);
        const rawStart = !isAligned(d.start, A);
        const probe = /misaligned, unable to map/.test(err.kernelMessage ?? '');
        const a = shrinkInto(d.start, d.size, A, A);
        const g = growTo(d.start, d.size, A, A);
        out.push({
          path: [...d.path, rawStart ? 'start' : 'size'],
          message:
            `raw namespace ${d.name} ${hexRange(d.start, end)} on ${/^[aeio]/.test(d.provider) ? 'an' : 'a'} ${d.provider} region: ` +
            (rawStart ? `start ${formatHex(d.start)} is not ${bytesExact(A)} aligned (it is ${alignedTo(d.start)})` : `size ${bytesExact(d.size)} is not a multiple of ${bytesExact(A)}`) +
            `: the region sets ND_REGION_PAGEMAP, so the pmem driver maps the namespace's pages, ` +
            (probe
              ? `and nvdimm_namespace_common_probe() refuses a namespace whose start or end is not aligned to memremap_compat_align() (${bytesExact(p.memremapCompatAlign)}) with -EOPNOTSUPP`
              : `and __add_pages() maps memory in whole ${bytesExact(SUB)} sub-sections: check_pfn_span() fails with a WARN and -EINVAL`) +
            ` — the pmem device does not probe (no /dev/pmem)`,
          kernelText: (err.kernelMessage ?? '').trimEnd(),
          fixes: [
            ...(a ? [rangeFix(`Shrink to ${formatHex(a.start)}, size ${bytesExact(a.size)} (${bytesExact(A)} aligned)`, d.path, d, a)] : []),
            ...(isFree(ctx, g.start, g.start + g.size, d.path) ? [rangeFix(`Grow to ${formatHex(g.start)}, size ${bytesExact(g.size)} (${bytesExact(A)} aligned)`, d.path, d, g)] : []),
          ],
        });
        return;
      }
      // Dynamic dax regions (CXL, soft-reserved): alloc_dax_region(.., PMD_SIZE, ..) checks start and size.
      if (!isDynamicDax(d)) return;
      if (!badStart && !badSize) return;
      const A = Math.max(SUB, p.pmdSize, d.mode === 'devdax' ? usableAlign(ctx, d) : 0);
      const g = growTo(d.start, d.size, A, A);
      const span = checkPfnSpan(p, Math.floor(d.start / p.pageSize), Math.floor(d.size / p.pageSize));
      const a = shrinkInto(d.start, d.size, A, A);
      out.push({
        path: [...d.path, badStart ? 'start' : 'size'],
        message:
          `dax region ${d.name} ${hexRange(d.start, end)}: ` +
          (badStart ? `start ${formatHex(d.start)} is not ${bytesExact(SUB)} aligned (it is ${alignedTo(d.start)})` : `size ${bytesExact(d.size)} is not a multiple of ${bytesExact(SUB)}`) +
          `: memory is mapped in whole ${bytesExact(SUB)} sub-sections; alloc_dax_region() refuses a range that is not ${bytesExact(p.pmdSize)} (PMD) aligned and the device never appears (-ENOMEM, no message)` +
          (span ? ` — a driver without that check (P2PDMA, device-private memory) meets check_pfn_span(): "${span.kernelMessage.trimEnd()}"` : ''),
        kernelText: '',
        fixes: [
          ...(a ? [rangeFix(`Shrink to ${formatHex(a.start)}, size ${bytesExact(a.size)} (${bytesExact(A)} aligned)`, d.path, d, a)] : []),
          ...(isFree(ctx, g.start, g.start + g.size, d.path) ? [rangeFix(`Grow to ${formatHex(g.start)}, size ${bytesExact(g.size)} (${bytesExact(A)} aligned)`, d.path, d, g)] : []),
        ],
      });
    });
    return out;
  },
};

export const beyondMaxPhysmem: Rule = {
  id: 'MM003',
  slug: 'beyond-max-physmem',
  severity: 'error',
  area: 'hotplug',
  title: 'Range beyond the maximum addressable physical address',
  reference: '§9.3',
  kernelCitation: '[6.12] mm/memory_hotplug.c: mhp_range_allowed(), mhp_get_pluggable_range()',
  kernelText: ['Hotplug memory [%#llx-%#llx] exceeds maximum addressable range [%#llx-%#llx]\\n'],
  appliesTo: {},
  doc: [
    'Hot-added and ZONE_DEVICE memory must lie below `1 << MAX_PHYSMEM_BITS` (x86_64: 46 bits with 4-level paging, 52 with',
    'la57; arm64: `PHYS_MASK_SHIFT`; ppc64: 51; s390: `CONFIG_MAX_PHYSMEM_BITS`). `mhp_range_allowed()` refuses anything',
    'above with the warning below and -E2BIG / -EINVAL. Without `kernel.maxPhysmemBits` the simulator takes what the',
    'config\'s memory needs (x86_64: 5-level paging once anything lies above 64 TiB); set it to 46 to check a 4-level kernel.',
    '',
    '**Fix:** the address comes from firmware (SRAT/CEDT, the device tree): check the config against `/proc/iomem`.',
  ].join('\n'),
  check(ctx) {
    const out: RuleFinding[] = [];
    const p = ctx.profile;
    const max = 2 ** p.maxPhysmemBits;
    const consider = (path: JsonPath, what: string, start: number, sz: number) => {
      if (sz <= 0) return;
      const msg = mhpRangeAllowed(p, start, sz);
      if (!msg) return;
      out.push({
        path: [...path, start >= max ? 'start' : 'size'],
        message: `${what} ${hexRange(start, start + sz)} ends above ${formatHex(max)}, the ${p.maxPhysmemBits}-bit limit of ${p.arch} (MAX_PHYSMEM_BITS): memory there cannot be hot-added or mapped`,
        kernelText: msg.trimEnd(),
      });
    };
    ctx.config.devices.forEach((d) => hasStructPages(d) && consider(d.path, `device ${d.name}`, d.start, d.size));
    ctx.config.hotplug.forEach((h, i) => consider(h.path, `hotplug[${i}]`, h.start, h.size));
    return out;
  },
};

/** Why a map=dev device's partial-section pieces take memmap pages from RAM, per architecture (the core's vmemmap
 *  policy: only x86 and ppc64 put such pieces in RAM; riscv64 6.12 and arm64 take them from the altmap). */
function partialPieceWhy(p: Parameters<Rule['check']>[0]['profile']): string {
  if (p.arch === 'ppc64-radix' || p.arch === 'ppc64-hash')
    return `${p.arch} vmemmap_populate() takes a vmemmap page from RAM when it also describes memory outside the device (altmap_cross_boundary())`;
  if (p.vmemmap.kind === 'x86') return `${p.arch} vmemmap_populate() maps a piece smaller than a section with base pages from RAM and ignores the altmap (vmemmap_populate_basepages(…, NULL))`;
  return p.vmemmap.describe;
}

export const subsectionMemmapInRam: Rule = {
  id: 'MM004',
  slug: 'subsection-memmap-in-ram',
  severity: 'warning',
  tradeOff: true,
  area: 'memremap',
  title: 'Partial sections of a map=dev device get their memmap from RAM',
  reference: '§9.11, §2b',
  kernelCitation: '[6.12] arch/x86/mm/init_64.c: vmemmap_populate(); mm/sparse-vmemmap.c: __populate_section_memmap(); arch/powerpc/mm/book3s64/radix_pgtable.c: radix__vmemmap_populate() (altmap_cross_boundary())',
  kernelText: [],
  appliesTo: {},
  doc: [
    '`__add_pages()` splits a range at section boundaries (128 MiB on x86_64). On x86 `vmemmap_populate()` maps a piece',
    'smaller than a section with base pages **from RAM** and ignores the altmap (`vmemmap_populate_basepages(start, end,',
    'node, NULL)`), so a map=dev namespace that does not start and end on a section boundary keeps part of its memmap in',
    'system RAM, silently. (A partial piece inside a section that already holds boot RAM reuses the boot memmap instead.)',
    'riscv64 (6.12, the first release the simulator gives it ZONE_DEVICE) and arm64 take such pieces from the altmap, which',
    'can run out instead (MM014). ppc64 (radix and hash) does use the altmap for such pieces, but a vmemmap',
    'page that would also describe memory outside the device (`altmap_cross_boundary()`) comes from RAM, which happens at',
    'a namespace edge inside a section.',
    '',
    '**Fix:** start and end the namespace on section boundaries.',
  ].join('\n'),
  check(ctx) {
    const out: RuleFinding[] = [];
    const p = ctx.profile;
    const P = p.pageSize;
    const SS = p.sectionSize;
    ctx.config.devices.forEach((d, i) => {
      if (d.map !== 'dev' || !hasInfoBlock(d) || d.mode === 'kmem') return;
      const rec = ctx.sim.memmap.devices[i];
      if (!rec || rec.status !== 'ok' || !rec.mappedRange) return;
      // Partial sections only: whole sections in RAM (ppc64 hash, riscv64 6.1) are MM038's.
      const pieces = rec.pieces.filter((x) => x.ramBytes > 0 && x.mapping !== 'compound' && x.fullSections === 0);
      if (pieces.length === 0) return;
      const total = pieces.reduce((s, x) => s + x.ramBytes, 0);
      const parts: string[] = [];
      let atStart = false;
      for (const x of pieces) {
        const s = x.startPfn * P;
        const e = s + x.nrPages * P;
        const where = s === rec.mappedRange.start ? 'the first' : e === rec.mappedRange.end ? 'the last' : 'the';
        if (s === rec.mappedRange.start) atStart = true;
        parts.push(`${where} ${bytesExact(x.nrPages * P)} (partial section ${hexRange(s, e)}): ${x.ramBytes / P} memmap page${x.ramBytes === P ? '' : 's'} (${bytesExact(x.ramBytes)}) from RAM`);
      }
      const lead = !isAligned(d.start, SS)
        ? `start ${formatHex(d.start)} is ${alignedTo(d.start)} but not ${bytesExact(SS)} (section) aligned`
        : `the namespace ends at ${formatHex(rec.mappedRange.end)}, inside a ${bytesExact(SS)} section`;
      const why = partialPieceWhy(p);
      const pmem = isNdctlNamespace(d);
      const startAlign = pmem ? Math.max(SS, NDCTL_START_ALIGN) : SS;
      const sizeAlign = Math.max(SS, pmem ? ndctlSizeMultiple(ctx, d) : usableAlign(ctx, d));
      // Only a range the simulated kernel maps without exhausting the altmap (as MM002).
      const fix = altmapSafeRanges(ctx, d, [shrinkInto(d.start, d.size, startAlign, sizeAlign)], startAlign, sizeAlign)[0]?.range;
      out.push({
        path: [...d.path, atStart ? 'start' : 'size'],
        message: `${lead}: ${why}, so ${bytesExact(total)} of the memmap of map=dev device ${d.name} comes from RAM — ${parts.join('; ')}`,
        kernelText: '',
        related: [{ path: [...d.path, 'map'], message: 'map=dev: the memmap was meant to live on the device' }],
        fixes: fix ? [rangeFix(`Shrink to whole sections: start ${formatHex(fix.start)}, size ${bytesExact(fix.size)}`, d.path, d, fix)] : [],
      });
    });
    return out;
  },
};

export const mapDevMemmapInRam: Rule = {
  id: 'MM038',
  slug: 'map-dev-memmap-in-ram',
  severity: 'warning',
  tradeOff: true,
  area: 'memremap',
  title: 'map=dev, but the architecture puts whole sections of the memmap in RAM',
  reference: '§2c, §9.11',
  kernelCitation: '[6.12] arch/powerpc/mm/init_64.c: vmemmap_populate() (altmap_cross_boundary())',
  kernelText: [],
  appliesTo: { arches: ['ppc64-hash'] },
  doc: [
    'ppc64 with the hash MMU takes memmap pages of full sections from RAM although the device has an altmap: it bolts the',
    'vmemmap in 16 MiB pages (`mmu_vmemmap_psize`), and a page that would describe memory outside the device',
    '(`altmap_cross_boundary()`) comes from RAM — a 16 MiB vmemmap page describes 16 GiB with 64K pages, so namespaces smaller',
    'than that, or not aligned to it, keep their memmap in RAM. The map=dev reservation is then (partly) wasted, silently.',
    '(riscv64 6.1, whose `vmemmap_populate()` ignores the altmap, has no ZONE_DEVICE in the simulator — MM011 — so no',
    'map=dev device gets that far.)',
    '',
    '**Fix:** map=mem when nothing of the memmap lands on the device; otherwise size and place the namespace in whole',
    'vmemmap pages.',
  ].join('\n'),
  check(ctx) {
    const out: RuleFinding[] = [];
    const p = ctx.profile;
    ctx.config.devices.forEach((d, i) => {
      if (d.map !== 'dev' || !hasInfoBlock(d) || d.mode === 'kmem') return;
      const rec = ctx.sim.memmap.devices[i];
      if (!rec || rec.status !== 'ok') return;
      const ram = rec.pieces.filter((x) => x.fullSections > 0 && x.mapping !== 'compound').reduce((s, x) => s + x.ramBytes, 0);
      if (ram <= 0) return;
      const all = rec.deviceBytes === 0;
      out.push({
        path: [...d.path, 'map'],
        message: `${bytesExact(ram)} of the memmap of map=dev device ${d.name} comes from RAM${all ? ' (all of it)' : ''}: ${p.vmemmap.describe}`,
        kernelText: '',
        fixes: all ? [{ title: 'Set map to mem (the memmap is in RAM anyway; frees the reservation)', ops: [set([...d.path, 'map'], str('mem'))] }] : [],
      });
    });
    return out;
  },
};
