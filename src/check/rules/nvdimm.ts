// nvdimm pfn/dax info block rules (drivers/nvdimm/pfn_devs.c): compat alignment, supported alignments,
// the metadata reservation, struct page size, and alignment waste. Layouts come from the core's
// ndPfnInit(); nothing of nd_pfn_init() is recomputed here.

import { GiB, KiB, MiB, formatHex18, isPowerOfTwo } from '../../config/index';
import { MAX_STRUCT_PAGE_SIZE, ND_PFN_MIN_SIZE, vmemmapCanOptimize } from '../../core/index';
import type { FixSpec, Rule, RuleContext, RuleFinding } from '../types';
import type { DeviceConfig } from '../../config/types';
import { NDCTL_START_ALIGN, ndctlSizeMultiple, ndctlSizeRefused } from './ndctl';
import { alignedStartFixes, alignedTo, bytesExact, bytesReadable, formatHex, hasInfoBlock, isAligned, isNdctlNamespace, ndLayout, set, size, str } from './util';

/** The align value as the user wrote it (ndctl prints its --align argument back). */
function alignToken(ctx: RuleContext, d: DeviceConfig): string {
  const raw = ctx.raw([...d.path, 'align']);
  if (raw !== undefined) return raw;
  for (const [u, n] of [['G', GiB], ['M', MiB], ['K', KiB]] as const) if (d.align % n === 0) return `${d.align / n}${u}`;
  return String(d.align);
}

/** Candidate alignments for a fix: PMD first (the default), then the largest supported below `align`. */
function alignCandidates(ctx: RuleContext, d: DeviceConfig): number[] {
  const p = ctx.profile;
  const list = [p.pmdSize, ...[...p.daxAlignments].sort((a, b) => b - a).filter((a) => a < d.align)];
  // A candidate must leave a data area; failures for other reasons (start, struct page size) are other rules'.
  const fits = (a: number) => {
    if (!hasInfoBlock(d)) return isAligned(d.start, a) && isAligned(d.size, a);
    const r = ndLayout(ctx, d, { align: a });
    return r.ok || !/unable to satisfy|unsupported align|invalid altmap/.test(r.failure.kernelMessage ?? '');
  };
  const ok = (a: number) => p.daxAlignments.includes(a) && a !== d.align && a <= d.size && fits(a);
  return [...new Set(list)].filter(ok);
}

export const namespaceCompatMisaligned: Rule = {
  id: 'MM017',
  slug: 'namespace-compat-misaligned',
  severity: 'error',
  area: 'nvdimm',
  title: 'Namespace start not aligned to memremap_compat_align()',
  reference: '§9.12',
  kernelCitation: '[6.12] drivers/nvdimm/pfn_devs.c: nd_pfn_init(); arch/powerpc/mm/book3s64/pgtable.c: memremap_compat_align()',
  kernelText: ['%s: start %pa misaligned to %#lx\\n', 'resource start misaligned\\n'],
  appliesTo: { arches: ['ppc64-hash'] },
  doc: [
    '`nd_pfn_init()` requires the namespace start to be a multiple of `memremap_compat_align()`: the sub-section size',
    '(2 MiB) on most architectures, but 16 MiB on ppc64 with the hash MMU (the linear mapping page size). A namespace that is',
    '2 MiB aligned but not compat aligned is refused with -EINVAL (an existing one: `resource start misaligned`).',
    '',
    '**Fix:** start the namespace on a 16 MiB boundary.',
  ].join('\n'),
  check(ctx) {
    const p = ctx.profile;
    const C = p.memremapCompatAlign;
    const out: RuleFinding[] = [];
    for (const d of ctx.config.devices) {
      if (!hasInfoBlock(d) || !isAligned(d.start, p.subsectionSize) || isAligned(d.start, C)) continue;
      // Every device with an info block is an ndctl namespace: its start and size follow ndctl's rules too.
      const startAlign = Math.max(C, NDCTL_START_ALIGN);
      const sizeAlign = Math.max(C, ndctlSizeMultiple(ctx, d));
      // Only ranges the simulated kernel maps without exhausting a map=dev altmap (as MM002 and MM023).
      const fixes = alignedStartFixes(ctx, d, startAlign, sizeAlign);
      out.push({
        path: [...d.path, 'start'],
        message: `namespace ${d.name} starts at ${formatHex(d.start)}, which is not aligned to memremap_compat_align() = ${bytesExact(C)} on ${p.arch} (it is ${alignedTo(d.start)}): nd_pfn_init() refuses it with -EINVAL`,
        kernelText: `${d.name}: start ${formatHex18(d.start)} misaligned to ${formatHex(C)}`,
        fixes,
      });
    }
    return out;
  },
};

export const alignUnsupported: Rule = {
  id: 'MM018',
  slug: 'align-unsupported',
  severity: 'error',
  area: 'nvdimm',
  title: 'Alignment the architecture does not support',
  reference: '§9.13',
  kernelCitation: '[6.12] drivers/nvdimm/pfn_devs.c: nd_pfn_supported_alignments(); drivers/dax/bus.c: dax_align_valid(); ndctl v81 ndctl/namespace.c: validate_namespace_options()',
  kernelText: ['unsupported align: %s\\n', 'align must be a power-of-2 greater than %ld\\n', 'init failed, alignment mismatch: %ld:%ld\\n'],
  appliesTo: {},
  doc: [
    'A pfn/dax namespace or device-dax instance can only use the alignments in `supported_alignments`: `PAGE_SIZE`, the PMD',
    'size if the CPU has transparent huge pages and the PUD size with PUD THP — x86_64: 4K, 2M, 1G; arm64 4K: 4K, 2M;',
    'arm64 64K: 64K, 512M. ndctl refuses anything else; a namespace written by another kernel fails with',
    '`init failed, alignment mismatch`; device-dax `align` writes fail with -EINVAL.',
    '',
    '**Fix:** use the PMD size (2 MiB on x86_64), the default.',
  ].join('\n'),
  check(ctx) {
    const p = ctx.profile;
    const out: RuleFinding[] = [];
    for (const d of ctx.config.devices) {
      if (!(hasInfoBlock(d) || d.mode === 'devdax') || p.daxAlignments.includes(d.align)) continue;
      const tok = alignToken(ctx, d);
      const pow2 = isPowerOfTwo(d.align) && d.align >= p.pageSize;
      const kernelText = isNdctlNamespace(d) ? (pow2 ? `unsupported align: ${tok}` : `align must be a power-of-2 greater than ${p.pageSize}`) : '';
      const written = ctx.raw([...d.path, 'align']) !== undefined;
      out.push({
        path: [...d.path, 'align'],
        message: `align ${bytesExact(d.align)}${written ? '' : ' (not set: the config format\'s default)'} is not supported on ${p.arch}: the ${hasInfoBlock(d) ? 'pfn/dax namespace' : 'device-dax instance'} accepts only ${p.daxAlignments.map(bytesExact).join(', ')}` + (isNdctlNamespace(d) ? '; ndctl refuses it' : '; the align write fails with -EINVAL'),
        kernelText,
        fixes: alignCandidates(ctx, d).map((a): FixSpec => ({ title: `Set align to ${bytesExact(a)}`, ops: [set([...d.path, 'align'], size(a))] })),
      });
    }
    return out;
  },
};

export const alignExceedsCapacity: Rule = {
  id: 'MM019',
  slug: 'align-exceeds-capacity',
  severity: 'error',
  area: 'nvdimm',
  title: 'Alignment larger than the namespace',
  reference: '§9.14',
  kernelCitation: '[6.12] drivers/nvdimm/pfn_devs.c: nd_pfn_init(), nd_pfn_validate()',
  kernelText: ['%s unable to satisfy requested alignment\\n', 'alignment: %lx exceeds capacity %llx\\n'],
  appliesTo: {},
  doc: [
    'An alignment larger than the namespace leaves no aligned data area: creating it fails in `nd_pfn_init()` (`unable to',
    'satisfy requested alignment`, -ENXIO); an existing info block fails `nd_pfn_validate()` (`alignment: … exceeds capacity …`).',
    '',
    '**Fix:** a smaller alignment (2 MiB).',
  ].join('\n'),
  check(ctx) {
    const p = ctx.profile;
    const out: RuleFinding[] = [];
    for (const d of ctx.config.devices) {
      if (!hasInfoBlock(d) || !p.daxAlignments.includes(d.align) || d.align <= d.size) continue;
      out.push({
        path: [...d.path, 'align'],
        message: `align ${bytesExact(d.align)} is larger than namespace ${d.name} (${bytesExact(d.size)}): no aligned data area is left`,
        kernelText: `${d.name} unable to satisfy requested alignment\nalignment: ${d.align.toString(16)} exceeds capacity ${d.size.toString(16)}`,
        fixes: alignCandidates(ctx, d).map((a): FixSpec => ({ title: `Set align to ${bytesExact(a)}`, ops: [set([...d.path, 'align'], size(a))] })),
      });
    }
    return out;
  },
};

export const metadataDoesNotFit: Rule = {
  id: 'MM020',
  slug: 'metadata-does-not-fit',
  severity: 'error',
  area: 'nvdimm',
  title: 'Info block and memmap reservation leave no data',
  reference: '§9.15, §9.7',
  kernelCitation: '[6.12] drivers/nvdimm/pfn_devs.c: nd_pfn_init()',
  kernelText: ['%s unable to satisfy requested alignment\\n'],
  appliesTo: {},
  doc: [
    '`nd_pfn_init()` puts the data of a pfn/dax namespace at `offset = ALIGN(start + 8K [+ 64 × npfns with map=dev], align) −',
    'start` and truncates the end to `align`. 6.12 refuses `offset >= size − end_trunc`: -ENXIO, `%s unable to satisfy',
    'requested alignment`. 6.1 refuses only `offset >= size`; the one layout it accepts beyond that is `offset == size −',
    'end_trunc` (both are multiples of the align), which writes an info block with **0 data pages**: fsdax still maps the',
    'range (every struct page describes metadata, the disk has capacity 0), while devdax and kmem get a 0-byte dax device that',
    '`dax_bus_probe()` refuses with -ENXIO, silently.',
    '',
    '**Fix:** map=mem (no memmap reservation), a smaller alignment, or a bigger namespace.',
  ].join('\n'),
  check(ctx) {
    const p = ctx.profile;
    const out: RuleFinding[] = [];
    for (const [i, d] of ctx.config.devices.entries()) {
      if (!hasInfoBlock(d) || !p.daxAlignments.includes(d.align) || d.align > d.size || d.size < ND_PFN_MIN_SIZE) continue;
      if (!isAligned(d.start, p.memremapCompatAlign)) continue;
      // ndctl refuses the size first (MM025 / MM026, which keep the align): no layout is ever written.
      if (ndctlSizeRefused(ctx, d) !== null) continue;
      if (d.map === 'dev' && p.structPageSize > MAX_STRUCT_PAGE_SIZE) continue;
      const r = ndLayout(ctx, d);
      const empty = r.ok && r.layout.dataPages === 0;
      // A device the simulated kernel mapped with data has a layout that fits.
      if (!empty && (ctx.sim.memmap.devices[i]?.status === 'ok' || r.ok || r.layout.offset === undefined)) continue;
      const L = r.layout;
      const offset = L.offset!;
      const avail = d.size - (L.endTrunc ?? 0);
      const fixes: FixSpec[] = [];
      const fits = (o: Partial<Pick<DeviceConfig, 'align' | 'map'>>) => {
        const x = ndLayout(ctx, d, o);
        return x.ok && x.layout.dataPages > 0;
      };
      if (d.map === 'dev' && fits({ map: 'mem' })) fixes.push({ title: 'Set map to mem (no memmap reservation in the namespace)', ops: [set([...d.path, 'map'], str('mem'))] });
      for (const a of alignCandidates(ctx, d)) if (fits({ align: a })) fixes.push({ title: `Set align to ${bytesExact(a)}`, ops: [set([...d.path, 'align'], size(a))] });
      const what = d.map === 'dev' ? `the 8 KiB info block and the memmap reservation (64 B × ${L.npfnsRaw ?? 0} pfns = ${bytesReadable(L.pageMapSize ?? 0)})` : 'the 8 KiB info block';
      const empty61 =
        d.mode === 'fsdax'
          ? 'the pmem disk maps the range but has capacity 0 (every struct page describes metadata)'
          : 'the dax device has 0 bytes and dax_bus_probe() refuses it with -ENXIO, silently';
      out.push({
        path: [...d.path, d.map === 'dev' ? 'map' : 'align'],
        message:
          `namespace ${d.name} (${bytesExact(d.size)}): ${what} rounded up to ${bytesExact(L.effectiveAlign ?? d.align)} put the data at offset ${bytesExact(offset)}, ` +
          `but only ${bytesExact(avail)} ${L.endTrunc ? `are left after truncating ${bytesExact(L.endTrunc)} to align the end` : 'exist'}: ` +
          (empty
            ? `Linux ${p.version.join('.')} nd_pfn_init() only refuses offset >= size, so it writes an info block with 0 data pages: ${empty61}`
            : 'nd_pfn_init() fails with -ENXIO'),
        kernelText: r.ok ? '' : (r.failure.kernelMessage ?? '').trimEnd(),
        fixes,
      });
    }
    return out;
  },
};

export const structPageTooLarge: Rule = {
  id: 'MM021',
  slug: 'struct-page-too-large',
  severity: 'error',
  area: 'nvdimm',
  title: 'struct page larger than 64 bytes with map=dev',
  reference: '§9.19',
  kernelCitation: '[6.12] drivers/nvdimm/pfn_devs.c: nd_pfn_init() (MAX_STRUCT_PAGE_SIZE)',
  kernelText: ['Memory debug options prevent using pmem for the page map\\n'],
  appliesTo: {},
  doc: [
    'nvdimm reserves 64 bytes per page (`MAX_STRUCT_PAGE_SIZE`) for a map=dev memmap. Debug options that grow `struct page`',
    '(KMSAN: 80 bytes) make `nd_pfn_init()` refuse map=dev unless `CONFIG_NVDIMM_KMSAN`.',
    '',
    '**Fix:** map=mem on such kernels.',
  ].join('\n'),
  check(ctx) {
    const SP = ctx.profile.structPageSize;
    if (SP <= MAX_STRUCT_PAGE_SIZE) return [];
    return ctx.config.devices
      .filter((d) => hasInfoBlock(d) && d.map === 'dev')
      .map((d) => ({
        path: [...d.path, 'map'],
        message: `sizeof(struct page) is ${SP} bytes (kernel.structPageSize) but nvdimm reserves ${MAX_STRUCT_PAGE_SIZE} bytes per page for a map=dev memmap: nd_pfn_init() refuses ${d.name} with -EINVAL`,
        kernelText: 'Memory debug options prevent using pmem for the page map',
        related: [{ path: ['kernel', 'structPageSize'], message: `struct page is ${SP} bytes` }],
        fixes: [{ title: 'Set map to mem', ops: [set([...d.path, 'map'], str('mem'))] }],
      }));
  },
};

export const wastefulAlign: Rule = {
  id: 'MM022',
  slug: 'wasteful-align',
  severity: 'warning',
  tradeOff: true,
  area: 'nvdimm',
  title: 'Huge alignment wastes namespace capacity',
  reference: '§9.22, §4d cases B and E',
  kernelCitation: '[6.12] drivers/nvdimm/pfn_devs.c: nd_pfn_init()',
  kernelText: [],
  appliesTo: {},
  doc: [
    'The data offset and the end of a pfn/dax namespace are rounded to `align`. With a 1 GiB alignment a 128 GiB map=dev',
    'namespace puts its data at 3 GiB instead of 2 GiB + 2 MiB (§4d case B: 1022 MiB of the metadata area never used), and a',
    'map=mem namespace loses its whole first GiB (case E). Worth it only when applications map the device with 1 GiB pages.',
    '',
    '**Fix:** align 2 MiB.',
  ].join('\n'),
  check(ctx) {
    const p = ctx.profile;
    const out: RuleFinding[] = [];
    for (const d of ctx.config.devices) {
      if (!hasInfoBlock(d) || d.align <= p.pmdSize || !p.daxAlignments.includes(d.align)) continue;
      const a = ndLayout(ctx, d);
      const b = ndLayout(ctx, d, { align: p.pmdSize });
      if (!a.ok || !b.ok) continue;
      const lostA = a.layout.offset + a.layout.endTrunc;
      const lostB = b.layout.offset + b.layout.endTrunc;
      const waste = lostA - lostB;
      if (waste <= 0) continue;
      const parts = [`rounds the data offset up to ${bytesExact(a.layout.offset)} (${bytesExact(b.layout.offset)} with align ${bytesExact(p.pmdSize)})`];
      if (a.layout.endTrunc !== b.layout.endTrunc) parts.push(`truncates ${bytesExact(a.layout.endTrunc)} at the end`);
      out.push({
        path: [...d.path, 'align'],
        message:
          `align ${bytesExact(d.align)} ${parts.join(' and ')}: ${bytesExact(waste)} of ${d.name} never hold data` +
          (d.mode === 'devdax'
            ? ` (worth it only if applications need ${bytesExact(d.align)} device-dax mappings` + (d.map === 'mem' && vmemmapCanOptimize(p, false, d.align / p.pageSize) ? ', or to shrink the deduplicated memmap further)' : ')')
            : ''),
        kernelText: '',
        fixes: [{ title: `Set align to ${bytesExact(p.pmdSize)}`, ops: [set([...d.path, 'align'], size(p.pmdSize))] }],
      });
    }
    return out;
  },
};

