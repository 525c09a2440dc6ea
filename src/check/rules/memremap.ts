// ZONE_DEVICE rules (mm/memremap.c, drivers/dax): availability, dynamic dax regions, altmap
// exhaustion (from the simulation) and compound devmap vmemmap deduplication.

import { divFloor, isPowerOfTwo } from '../../config/index';
import { daxAllocIsAligned, vmemmapCanOptimize, VMEMMAP_RESERVE_NR } from '../../core/index';
import type { DeviceConfig } from '../../config/types';
import type { FixSpec, Rule, RuleContext, RuleFinding } from '../types';
import { NDCTL_START_ALIGN, ndctlAccepts, ndctlSizeMultiple } from './ndctl';
import { altmapHolds, alignedTo, bytesExact, formatHex, growTo, hasInfoBlock, hexRange, isAligned, isDynamicDax, isFree, isNdctlNamespace, ndLayout, rangeFix, set, shrinkInto, size, str, usableAlign } from './util';

export const zoneDeviceUnavailable: Rule = {
  id: 'MM011',
  slug: 'zone-device-unavailable',
  severity: 'error',
  area: 'memremap',
  title: 'fsdax/devdax on an architecture without ZONE_DEVICE',
  reference: '§4a',
  kernelCitation: '[6.12] mm/Kconfig: ZONE_DEVICE (depends on ARCH_HAS_PTE_DEVMAP)',
  kernelText: [],
  appliesTo: {},
  doc: [
    'fsdax and devdax give device memory struct pages through `memremap_pages()`, which needs `CONFIG_ZONE_DEVICE`; that',
    'depends on `ARCH_HAS_PTE_DEVMAP` (x86_64, arm64, ppc64, riscv in 6.12; not s390). Without it the pfn/dax device cannot be',
    'created at all.',
    '',
    '**Fix:** use raw mode (no struct pages) or dax/kmem, or model an architecture with ZONE_DEVICE.',
  ].join('\n'),
  check(ctx) {
    const p = ctx.profile;
    if (p.features.zoneDevice) return [];
    return ctx.config.devices
      .filter((d) => d.mode === 'fsdax' || d.mode === 'devdax')
      .map((d) => ({
        path: [...d.path, 'mode'],
        message: `${d.name}: ${d.mode} needs ZONE_DEVICE, which ${p.arch} does not have with Linux ${p.version.join('.')} (no ARCH_HAS_PTE_DEVMAP): the ${d.mode === 'fsdax' ? 'pfn' : 'dax'} device cannot be created`,
        kernelText: '',
        fixes: [{ title: 'Use raw mode (no struct pages)', ops: [set([...d.path, 'mode'], str('raw'))] }],
      }));
  },
};

export const daxMapDev: Rule = {
  id: 'MM012',
  slug: 'dax-map-dev',
  severity: 'error',
  area: 'memremap',
  title: 'map=dev on a dynamic dax region (no info block)',
  reference: '§4c',
  kernelCitation: '[6.12] drivers/dax/cxl.c: cxl_dax_region_probe(); drivers/dax/hmem/hmem.c: dax_hmem_probe(); drivers/dax/bus.c: alloc_dax_region()',
  kernelText: [],
  appliesTo: {},
  doc: [
    'Only nvdimm pfn/dax namespaces have an info block that can reserve room for the memmap in the device (`--map=dev`, an',
    'altmap). CXL RAM regions and soft-reserved (HMEM) memory become dynamic dax regions without an altmap',
    '(`alloc_dax_region()` has none to give): the memmap of a devdax instance always comes from RAM. Reported only when the',
    'config says `map: dev` itself (the default for these devices is `mem`), and not for dax/kmem, whose memory gets an',
    'ordinary hot-plug memmap whatever `map` says.',
    '',
    '**Fix:** `map: mem`.',
  ].join('\n'),
  check(ctx) {
    return ctx.config.devices
      .filter((d) => isDynamicDax(d) && d.mode !== 'kmem' && d.map === 'dev' && ctx.raw([...d.path, 'map']) !== undefined)
      .map((d) => ({
        path: [...d.path, 'map'],
        message: `${d.kind} ${d.mode} device ${d.name} is a dynamic dax region: it has no info block to reserve a memmap in, so map=dev is impossible and its memmap is always in RAM`,
        kernelText: '',
        fixes: [{ title: 'Set map to mem', ops: [set([...d.path, 'map'], str('mem'))] }],
      }));
  },
};

export const daxRegionMisaligned: Rule = {
  id: 'MM013',
  slug: 'dax-region-misaligned',
  severity: 'error',
  area: 'memremap',
  title: 'Dynamic dax region not aligned to PMD_SIZE, or not a multiple of its align',
  reference: '§4c (device-dax)',
  kernelCitation: '[6.12] drivers/dax/bus.c: alloc_dax_region(), dev_dax_validate_align(), alloc_is_aligned(); drivers/dax/device.c: __dev_dax_pud_fault(); arch/x86/include/asm/pgtable.h: pfn_pud()',
  kernelText: ['%s: align %u invalid for range %d\\n'],
  appliesTo: {},
  doc: [
    'CXL and HMEM dax regions are created with `alloc_dax_region(…, PMD_SIZE, …)`, which returns NULL (-ENOMEM, no message)',
    'unless start and size are PMD aligned (2 MiB on x86_64, 32 MiB on arm64 16K, 512 MiB on arm64 64K, 16 MiB on ppc64 hash).',
    'The `align` of a device-dax instance is checked against its **length** only: `dev_dax_validate_align()` →',
    '`alloc_is_aligned()` refuses an align the size is not a multiple of (nor of `memremap_compat_align()`), dev_dbg only,',
    '-EINVAL. Nothing checks the start against the align: an instance that starts on a PMD boundary but not on a 1 GiB one',
    'takes a 1 GiB align and probes, but faults smaller than the align get SIGBUS and each 1 GiB fault maps',
    '`start + n × 1 GiB`, not a 1 GiB-aligned address — x86 `pfn_pud()` drops the low bits, so the mapping would point',
    'below the intended memory (reported as a warning, a trade-off: its fixes give up capacity or the align, so a bulk',
    'fix leaves it).',
    '',
    '**Fix:** the PMD size as align (the default) when the size is a multiple of it, or shrink the region to aligned',
    'boundaries (for a start off the align, shrinking comes first: it keeps the align).',
  ].join('\n'),
  check(ctx) {
    const out: RuleFinding[] = [];
    const p = ctx.profile;
    for (const d of ctx.config.devices) {
      if (!isDynamicDax(d)) continue;
      // Sub-section misalignment is MM002's.
      if (!isAligned(d.start, p.subsectionSize) || !isAligned(d.size, p.subsectionSize)) continue;
      const pmdBad = !isAligned(d.start, p.pmdSize) || !isAligned(d.size, p.pmdSize);
      const aligned = d.mode === 'devdax' && p.daxAlignments.includes(d.align);
      // dev_dax_validate_align() -> alloc_is_aligned(): the length only.
      const sizeBad = aligned && !daxAllocIsAligned(p, d.size, d.align);
      const startBad = aligned && !isAligned(d.start, d.align);
      if (!pmdBad && !sizeBad && !startBad) continue;
      const A = Math.max(p.pmdSize, aligned ? d.align : 0);
      const s = shrinkInto(d.start, d.size, A, A);
      const shrink = s ? [rangeFix(`Shrink to ${formatHex(s.start)}, size ${bytesExact(s.size)} (${bytesExact(A)} aligned)`, d.path, d, s)] : [];
      if (pmdBad) {
        out.push({
          path: [...d.path, !isAligned(d.start, p.pmdSize) ? 'start' : 'size'],
          message: `dax region ${d.name} ${hexRange(d.start, d.start + d.size)} is not aligned to PMD_SIZE (${bytesExact(p.pmdSize)}): alloc_dax_region() returns NULL and the device never appears (-ENOMEM, no message)`,
          kernelText: '',
          fixes: shrink,
        });
        continue;
      }
      // The PMD size as align: the region is PMD aligned here, so the instance takes it.
      const pmdAlign: FixSpec[] = d.align !== p.pmdSize && p.daxAlignments.includes(p.pmdSize) ? [{ title: `Set align to ${bytesExact(p.pmdSize)}`, ops: [set([...d.path, 'align'], size(p.pmdSize))] }] : [];
      if (sizeBad) {
        out.push({
          path: [...d.path, 'size'],
          message: `device-dax ${d.name} is ${bytesExact(d.size)}, not a multiple of its align ${bytesExact(d.align)}: dev_dax_validate_align() refuses the align (-EINVAL)`,
          kernelText: `dev_dax_validate_align: align ${d.align} invalid for range 0`,
          related: [{ path: [...d.path, 'align'], message: `align ${bytesExact(d.align)}` }],
          fixes: [...pmdAlign, ...shrink],
        });
        continue;
      }
      // Works as configured: a trade-off (the fixes drop the align or capacity), never applied in bulk. Keeping the
      // align by shrinking to aligned boundaries comes first when that range is free.
      const keepAlign = s && isFree(ctx, s.start, s.start + s.size, d.path) ? shrink : [];
      out.push({
        path: [...d.path, 'start'],
        severity: 'warning',
        tradeOff: true,
        message:
          `device-dax ${d.name} starts at ${formatHex(d.start)}, which is not ${bytesExact(d.align)} aligned (it is ${alignedTo(d.start)}): dev_dax_validate_align() checks only the length, so align ${bytesExact(d.align)} is accepted and the device probes, ` +
          `but faults smaller than ${bytesExact(d.align)} get SIGBUS and each ${bytesExact(d.align)} fault maps a physical address that is not ${bytesExact(d.align)} aligned` + (p.arch === 'x86_64' ? ' (x86 pfn_pud() drops the low bits: the mapping points below the device)' : ''),
        kernelText: '',
        related: [{ path: [...d.path, 'align'], message: `align ${bytesExact(d.align)}` }],
        fixes: [...keepAlign, ...pmdAlign],
      });
    }
    return out;
  },
};

/**
 * MM014's fixes that keep map=dev: the namespace shrunk to whole sections, or grown to them where the address space
 * is free (start and end on section boundaries, and on what ndctl and nd_pfn_init() need), at which the simulated
 * kernel maps it without running out of the altmap (altmapHolds()); riscv64 6.12 takes whole PMD blocks from the
 * altmap for every partial-section piece.
 */
function wholeSectionFixes(ctx: RuleContext, d: DeviceConfig): FixSpec[] {
  if (!hasInfoBlock(d) || d.mode === 'kmem') return [];
  const p = ctx.profile;
  const SS = p.sectionSize;
  const ndctl = isNdctlNamespace(d);
  const startAlign = Math.max(SS, p.memremapCompatAlign, ndctl ? NDCTL_START_ALIGN : 0);
  const sizeAlign = Math.max(SS, ndctl ? ndctlSizeMultiple(ctx, d) : usableAlign(ctx, d));
  const fixes: FixSpec[] = [];
  const candidates: [string, { start: number; size: number } | null][] = [
    ['Shrink', shrinkInto(d.start, d.size, startAlign, sizeAlign)],
    ['Grow', growTo(d.start, d.size, startAlign, sizeAlign)],
  ];
  for (const [verb, r] of candidates) {
    if (!r || (r.start === d.start && r.size === d.size)) continue;
    if (!isFree(ctx, r.start, r.start + r.size, d.path) || !ndctlAccepts(ctx, d, r) || !ndLayout(ctx, d, r).ok || !altmapHolds(ctx, d, r)) continue;
    fixes.push(rangeFix(`${verb} to whole sections: start ${formatHex(r.start)}, size ${bytesExact(r.size)} (keeps map=dev)`, d.path, d, r));
  }
  return fixes;
}

export const altmapExhausted: Rule = {
  id: 'MM014',
  slug: 'altmap-exhausted',
  severity: 'error',
  area: 'simulation',
  title: 'The altmap runs out while the memmap is populated',
  reference: '§9.8, §2e',
  kernelCitation: '[6.12] mm/sparse-vmemmap.c: altmap_alloc_block_buf(), vmemmap_populate_hugepages()',
  kernelText: [],
  appliesTo: {},
  doc: [
    'With map=dev (or memmap_on_memory) the memmap is carved from the device through a `vmem_altmap`. Every PMD block of',
    'vmemmap costs 512 pages plus padding to an absolute 2 MiB pfn boundary; base pages, and on riscv every sub-section piece',
    '(whole PMD blocks), cost more than the reservation `nd_pfn_init()` sized for full sections. When the altmap runs out,',
    '`vmemmap_populate_hugepages()` returns -ENOMEM without fallback (x86, arm64 4K in 6.12, riscv): `__add_pages()` fails, x86',
    '`add_pages()` prints a WARN_ON_ONCE splat with no dedicated text, and the probe fails. Found by the simulated mm core.',
    '',
    '**Fix:** align the namespace to sections, or use map=mem.',
  ].join('\n'),
  check(ctx) {
    const out: RuleFinding[] = [];
    for (const e of ctx.sim.errors) {
      if (e.severity !== 'error' || e.code !== 'altmap-exhausted') continue;
      const obj = e.path.slice(0, 2);
      const fixes: FixSpec[] = [];
      let path = obj;
      if (obj[0] === 'devices' && typeof obj[1] === 'number') {
        const d = ctx.config.devices[obj[1]];
        // Whole sections first: they keep map=dev (Fix All applies the first fix); map=mem is the fallback.
        if (d && d.map === 'dev') fixes.push(...wholeSectionFixes(ctx, d), { title: 'Set map to mem (memmap in RAM, no altmap)', ops: [set([...d.path, 'map'], str('mem'))] });
        path = [...obj, d && d.mode === 'kmem' ? 'memmapOnMemory' : 'map'];
      } else if (obj[0] === 'hotplug' && typeof obj[1] === 'number') {
        fixes.push({ title: 'Do not request memmap_on_memory for this range', ops: [set([...obj, 'memmapOnMemory'], { kind: 'boolean', value: false })] });
        path = [...obj, 'memmapOnMemory'];
      }
      out.push({ path, message: e.message, kernelText: (e.kernelMessage ?? '').trimEnd(), fixes });
    }
    return out;
  },
};

/** Why vmemmap_can_optimize() is false for a device without an altmap. */
function noDedupReason(ctx: Parameters<Rule['check']>[0], compoundPfns: number): string {
  const p = ctx.profile;
  if (!p.features.daxVmemmapDedup) return `${p.arch} with Linux ${p.version.join('.')} does not select ARCH_WANT_OPTIMIZE_DAX_VMEMMAP`;
  if (!isPowerOfTwo(p.structPageSize)) return `sizeof(struct page) is ${p.structPageSize}, not a power of two`;
  // __vmemmap_can_optimize(): nr_vmemmap_pages = (nr_pages * sizeof(struct page)) >> PAGE_SHIFT, an integer.
  const pages = divFloor(compoundPfns * p.structPageSize, p.pageSize);
  return `the memmap of one compound page (${compoundPfns} × ${p.structPageSize} B = ${bytesExact(compoundPfns * p.structPageSize)}) is ${pages} vmemmap page${pages === 1 ? '' : 's'} (nr_vmemmap_pages, rounded down to whole ${bytesExact(p.pageSize)} pages), not more than the ${VMEMMAP_RESERVE_NR} that dedup keeps`;
}

export const dedupUnavailable: Rule = {
  id: 'MM015',
  slug: 'dedup-unavailable',
  severity: 'warning',
  tradeOff: true,
  area: 'memremap',
  title: 'Compound devdax without vmemmap deduplication (full memmap in RAM)',
  reference: '§9.23, §5',
  kernelCitation: '[6.12] include/linux/mm.h: __vmemmap_can_optimize(); mm/sparse-vmemmap.c: vmemmap_populate_compound_pages()',
  kernelText: [],
  appliesTo: {},
  doc: [
    'device-dax with `align` > PAGE_SIZE is a compound devmap; without an altmap the kernel normally keeps only 2 vmemmap pages',
    'per compound page (a 2 MiB page: 2 of 8, a 1 GiB page: 2 of 4096). That needs `ARCH_WANT_OPTIMIZE_DAX_VMEMMAP` (x86_64;',
    'riscv and ppc64 radix in 6.12 — not arm64), a power-of-two `sizeof(struct page)` (not with KMSAN) and a compound memmap',
    'larger than 2 pages (ppc64 with 64K pages needs 1 GiB alignment). Otherwise the whole memmap silently stays in RAM.',
    '',
    '**Fix:** for nvdimm namespaces, map=dev puts the memmap on the device instead; on ppc64 radix use 1 GiB alignment.',
  ].join('\n'),
  check(ctx) {
    const out: RuleFinding[] = [];
    const p = ctx.profile;
    ctx.config.devices.forEach((d, i) => {
      if (d.mode !== 'devdax' || d.align <= p.pageSize || !p.daxAlignments.includes(d.align)) return;
      const noAltmap = d.map === 'mem' || isDynamicDax(d);
      if (!noAltmap) return;
      const pfns = d.align / p.pageSize;
      if (vmemmapCanOptimize(p, false, pfns)) return;
      const rec = ctx.sim.memmap.devices[i];
      if (!rec || rec.status !== 'ok') return;
      const fixes: FixSpec[] = [];
      const fits = (a: number) => (hasInfoBlock(d) ? ndLayout(ctx, d, { align: a }).ok : isAligned(d.start, a) && isAligned(d.size, a));
      const big = p.daxAlignments.filter((a) => a > d.align && vmemmapCanOptimize(p, false, a / p.pageSize) && fits(a));
      if (big.length) {
        fixes.push({ title: `Set align to ${bytesExact(big[0])} (deduplicated)`, ops: [set([...d.path, 'align'], size(big[0]))] });
      }
      if (hasInfoBlock(d) && ndLayout(ctx, d, { map: 'dev' }).ok) fixes.push({ title: 'Set map to dev (memmap on the device)', ops: [set([...d.path, 'map'], str('dev'))] });
      out.push({
        path: [...d.path, 'align'],
        message: `${d.name} is a compound devmap (${bytesExact(d.align)} pages) but its vmemmap cannot be deduplicated: ${noDedupReason(ctx, pfns)}; the full memmap, ${bytesExact(rec.memmapBytes)}, stays in RAM`,
        kernelText: '',
        fixes,
      });
    });
    return out;
  },
};

/** sizeof(struct page) / PAGE_SIZE as a fraction: "1/64" for 64 B and 4 KiB, "1/1024" for 64 KiB, "5/256" for 80 B. */
function memmapFraction(structPageSize: number, pageSize: number): string {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const g = gcd(structPageSize, pageSize);
  return `${structPageSize / g}/${pageSize / g}`;
}

export const dedupMapDev: Rule = {
  id: 'MM016',
  slug: 'dedup-map-dev',
  severity: 'info',
  area: 'memremap',
  title: 'Compound devdax with map=dev: no vmemmap deduplication',
  reference: '§9.23, §5',
  kernelCitation: '[6.12] include/linux/mm.h: __vmemmap_can_optimize() (requires !altmap)',
  kernelText: [],
  appliesTo: {},
  doc: [
    'vmemmap deduplication of compound devmaps needs the memmap in RAM: with map=dev (an altmap) `vmemmap_can_optimize()` is',
    'false and the full memmap (`sizeof(struct page)` / `PAGE_SIZE` of the namespace: 1/64 with 4K pages and a 64-byte struct page,',
    '1/256 with 16K, 1/1024 with 64K) is carved from the device. That costs no RAM, so it is often the right',
    'choice (and the ndctl default); with map=mem the kernel would keep only 2 vmemmap pages per compound page in RAM instead.',
    'Reported as information so the trade-off is visible.',
    '',
    '**Fix:** map=mem if RAM for the deduplicated memmap is cheaper than the device capacity.',
  ].join('\n'),
  check(ctx) {
    const out: RuleFinding[] = [];
    const p = ctx.profile;
    ctx.config.devices.forEach((d, i) => {
      if (d.mode !== 'devdax' || d.map !== 'dev' || !hasInfoBlock(d) || d.align <= p.pageSize) return;
      const pfns = d.align / p.pageSize;
      if (!vmemmapCanOptimize(p, false, pfns)) return;
      const rec = ctx.sim.memmap.devices[i];
      if (!rec || rec.status !== 'ok') return;
      const perCompound = divFloor(pfns * p.structPageSize, p.pageSize);
      out.push({
        path: [...d.path, 'map'],
        message:
          `${d.name} is a compound devmap (${bytesExact(d.align)} pages) with map=dev, so its vmemmap is not deduplicated ` +
          `(the full memmap, ${memmapFraction(p.structPageSize, p.pageSize)} of the namespace): ` +
          (rec.deviceBytes > 0
            ? `the memmap takes ${bytesExact(rec.deviceBytes)} of the device${rec.ramBytes > 0 ? ` and ${bytesExact(rec.ramBytes)} of RAM` : ''}`
            : `its whole memmap (${bytesExact(rec.ramBytes)}) comes from RAM anyway, undeduplicated` +
              (ctx.prior.some((f) => f.rule === 'MM004' && f.path.slice(0, d.path.length).join('/') === d.path.join('/')) ? ' (MM004: the altmap is not used for its partial sections)' : '')) +
          `; with map=mem the kernel would keep ${VMEMMAP_RESERVE_NR} of every ${perCompound} vmemmap pages, in RAM`,
        kernelText: '',
        // The map=mem data offset is never larger than the map=dev one: the layout fits too.
        fixes: [{ title: 'Set map to mem (deduplicated memmap in RAM)', ops: [set([...d.path, 'map'], str('mem'))] }],
      });
    });
    return out;
  },
};
