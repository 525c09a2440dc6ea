// ndctl (v81, ndctl/namespace.c) rules: what `ndctl create-namespace` refuses before the kernel is asked.
// The config has no interleave-ways field: one way (the region align 16 MiB, MEMREMAP_COMPAT_ALIGN_MAX)
// is assumed, as for a non-interleaved region.

import { MiB, KiB, GiB, TiB, alignDown, alignUp } from '../../config/index';
import type { DeviceConfig } from '../../config/types';
import { onPagemapRegion } from '../../core/index';
import type { FixSpec, Rule, RuleContext, RuleFinding } from '../types';
import { usableAlign, bytesExact, formatHex, isAligned, isFree, isNdctlNamespace, ndctlMode, rangeFix, regionOf, set, shrinkInto, size } from './util';

const SZ_16M = 16 * MiB;
/** Default region alignment (MEMREMAP_COMPAT_ALIGN_MAX) and interleave ways assumed. */
const REGION_ALIGN = SZ_16M;
const WAYS = 1;

/**
 * The namespaces ndctl creates with an info block or as raw, or converts (`create-namespace -e`); not a raw
 * namespace on a label-less region (e820 / memmap=nn!ss, virtio-pmem, of_pmem), which exists with its region.
 */
function namespaces(ctx: RuleContext): DeviceConfig[] {
  return ctx.config.devices.filter((d) => isNdctlNamespace(d));
}

/** Size fixes: round down, and up when the space after the namespace is free. */
function sizeFixes(ctx: RuleContext, d: DeviceConfig, multiple: number, min = multiple): FixSpec[] {
  const fixes: FixSpec[] = [];
  const up = Math.max(alignUp(d.size, multiple), min);
  const down = alignDown(d.size, multiple);
  if (isFree(ctx, d.start, d.start + up, d.path)) fixes.push({ title: `Round the size up to ${bytesExact(up)}`, ops: [set([...d.path, 'size'], size(up))] });
  if (down >= min && down !== up) fixes.push({ title: `Round the size down to ${bytesExact(down)}`, ops: [set([...d.path, 'size'], size(down))] });
  return fixes;
}

export const ndctlStart16m: Rule = {
  id: 'MM023',
  slug: 'ndctl-start-16m',
  severity: 'error',
  area: 'ndctl',
  title: 'Namespace start not 16 MiB aligned (ndctl)',
  reference: '§9.12 (ndctl), §4e',
  kernelCitation: 'ndctl v81 ndctl/namespace.c: check_dax_align()',
  kernelText: ['%s misaligned to 16M, adjust region alignment and retry\\n'],
  appliesTo: {},
  doc: [
    '`ndctl create-namespace` refuses an fsdax or devdax namespace whose resource does not start on a 16 MiB boundary (the',
    'largest `memremap_compat_align()` of any architecture, so that the namespace works everywhere), unless `--force`.',
    'The kernel itself only needs `memremap_compat_align()` (2 MiB on x86_64).',
    '',
    '**Fix:** start the namespace on a 16 MiB boundary (adjust the region alignment or the preceding namespaces).',
  ].join('\n'),
  check(ctx) {
    const p = ctx.profile;
    const out: RuleFinding[] = [];
    for (const d of namespaces(ctx)) {
      if (d.mode === 'raw' || isAligned(d.start, SZ_16M)) continue;
      // Not even compat aligned: the kernel refuses first (MM002 / MM017).
      if (!isAligned(d.start, p.subsectionSize) || !isAligned(d.start, p.memremapCompatAlign)) continue;
      const s = shrinkInto(d.start, d.size, SZ_16M, Math.max(REGION_ALIGN, usableAlign(ctx, d)));
      out.push({
        path: [...d.path, 'start'],
        message: `namespace ${d.name} starts at ${formatHex(d.start)}, ${bytesExact(d.start % SZ_16M)} past a 16 MiB boundary: ndctl create-namespace refuses ${ndctlMode(d)} namespaces not aligned to 16 MiB (unless --force)`,
        kernelText: `${d.name} misaligned to 16M, adjust region alignment and retry`,
        fixes: s ? [rangeFix(`Start at ${formatHex(s.start)}, size ${bytesExact(s.size)}`, d.path, d, s)] : [],
      });
    }
    return out;
  },
};

export const ndctlMinSize: Rule = {
  id: 'MM024',
  slug: 'ndctl-min-size',
  severity: 'error',
  area: 'ndctl',
  title: 'Namespace smaller than 16 MiB',
  reference: '§9.20',
  kernelCitation: 'ndctl v81 ndctl/namespace.c: validate_namespace_options(); [6.12] drivers/nvdimm/claim.c: nd_namespace_attach_… (too small to host)',
  kernelText: ["'--size=' must be >= 16MiB for '%s' mode\\n", '%s too small to host\\n'],
  appliesTo: {},
  doc: [
    'fsdax, devdax and sector namespaces need at least 16 MiB: ndctl refuses smaller sizes, and the kernel refuses to claim',
    'a smaller namespace for a pfn/dax/btt device (dev_dbg `too small to host`, -ENXIO).',
    '',
    '**Fix:** at least 16 MiB.',
  ].join('\n'),
  check(ctx) {
    const out: RuleFinding[] = [];
    for (const d of namespaces(ctx)) {
      if (d.mode === 'raw' || d.size >= SZ_16M || d.size === 0) continue;
      out.push({
        path: [...d.path, 'size'],
        message: `namespace ${d.name} is ${bytesExact(d.size)}: ${ndctlMode(d)} namespaces must be at least 16 MiB (ndctl refuses; the kernel cannot host the info block)`,
        kernelText: `'--size=' must be >= 16MiB for '${ndctlMode(d)}' mode\n${d.name} too small to host`,
        fixes: isFree(ctx, d.start, d.start + SZ_16M, d.path) ? [{ title: 'Set the size to 16 MiB', ops: [set([...d.path, 'size'], size(Math.max(SZ_16M, usableAlign(ctx, d))))] }] : [],
      });
    }
    return out;
  },
};

export const ndctlSizeRegionAlign: Rule = {
  id: 'MM025',
  slug: 'ndctl-size-region-align',
  severity: 'error',
  area: 'ndctl',
  title: 'Namespace size not a multiple of the region alignment',
  reference: '§9.21',
  kernelCitation: 'ndctl v81 ndctl/namespace.c: validate_namespace_options(); [6.12] drivers/nvdimm/namespace_devs.c: nd_namespace_store() / __size_store()',
  kernelText: ['%s: align setting is %#lx size %#llx is misaligned\\n', '%llu is not %ldK aligned\\n'],
  appliesTo: {},
  doc: [
    'A namespace size must be a multiple of the region alignment (`/sys/bus/nd/devices/regionX/align`): 16 MiB by default',
    '(`MEMREMAP_COMPAT_ALIGN_MAX`), times the interleave ways when 16 MiB is not divisible by them. ndctl refuses other sizes;',
    'the kernel refuses the size write (dev_dbg `… is not …K aligned`, -EINVAL). The config has no interleave field: one way',
    'is assumed. A namespace on a label-less region (`provider: e820`, `virtio-pmem`, `of-pmem`) is the whole region and has',
    'no size to write: ndctl still refuses to convert it to fsdax/devdax (`create-namespace -e` checks the namespace size',
    'against the region alignment), the kernel line does not apply, and a raw one needs no ndctl step at all.',
    '',
    '**Fix:** round the size to 16 MiB.',
  ].join('\n'),
  check(ctx) {
    const out: RuleFinding[] = [];
    for (const d of namespaces(ctx)) {
      if (d.size < SZ_16M || isAligned(d.size, REGION_ALIGN)) continue;
      const multiple = Math.max(REGION_ALIGN, d.mode === 'raw' ? 0 : usableAlign(ctx, d));
      const ndctlLine = `${regionOf(d.name)}: align setting is ${formatHex(REGION_ALIGN)} size ${formatHex(d.size)} is misaligned`;
      // A label-less namespace (ND_DEVICE_NAMESPACE_IO) has no size attribute to write: ndctl v81 setup_namespace()
      // skips set_size for it, so only validate_namespace_options() refuses; [6.12] namespace_devs.c __size_store()
      // (:784 "%llu is not %ldK aligned") is never reached.
      // (The label-less regions are exactly those that set ND_REGION_PAGEMAP: e820, virtio-pmem, of_pmem.)
      const labelless = onPagemapRegion(d);
      const head = `namespace ${d.name} is ${bytesExact(d.size)}, not a multiple of the ${bytesExact(REGION_ALIGN)} region alignment (${bytesExact(d.size % REGION_ALIGN)} too many)`;
      out.push({
        path: [...d.path, 'size'],
        message: labelless
          ? `${head}: the namespace of a label-less region (${d.provider}) is the whole region, and ndctl create-namespace -e refuses to convert it to ${ndctlMode(d)}`
          : `${head}: ndctl and the kernel refuse the size`,
        kernelText: labelless ? ndctlLine : `${ndctlLine}\n${d.size} is not ${REGION_ALIGN / KiB}K aligned`,
        fixes: sizeFixes(ctx, d, multiple, SZ_16M),
      });
    }
    return out;
  },
};

/** ndctl's "did you intend --size=…" suggestion, in the unit the user wrote. */
function ndctlSuggestion(ctx: RuleContext, d: DeviceConfig): string {
  const raw = ctx.raw([...d.path, 'size']) ?? '';
  const m = /^\s*[0-9.]+\s*([kmgt])/i.exec(raw);
  const units = m ? { k: KiB, m: MiB, g: GiB, t: TiB }[m[1].toLowerCase() as 'k' | 'm' | 'g' | 't'] : 1;
  const suffix = m ? m[1].toUpperCase() : '';
  const sizeAlign = Math.max(units, d.align) * WAYS;
  const suggested = ((Math.floor(d.size / sizeAlign) + 1) * sizeAlign) / units;
  return `${Math.floor(suggested)}${suffix}`;
}

export const ndctlSizeAlign: Rule = {
  id: 'MM026',
  slug: 'ndctl-size-align',
  severity: 'error',
  area: 'ndctl',
  title: 'Namespace size not a multiple of its alignment',
  reference: '§9.21',
  kernelCitation: 'ndctl v81 ndctl/namespace.c: validate_namespace_options()',
  kernelText: ["'--size=' must align to interleave-width: %d and alignment: %ld\\ndid you intend --size=%lld%s?\\n"],
  appliesTo: {},
  doc: [
    'ndctl requires the size of an fsdax/devdax namespace to be a multiple of `align × interleave ways` and suggests the next',
    'multiple up, in the unit `--size` was given in. (With 2 MiB alignment the 16 MiB region rule is stricter; this matters',
    'for 1 GiB alignment.)',
    '',
    '**Fix:** round the size to the alignment.',
  ].join('\n'),
  check(ctx) {
    const out: RuleFinding[] = [];
    const p = ctx.profile;
    for (const d of namespaces(ctx)) {
      if (d.mode === 'raw' || d.size < SZ_16M || !isAligned(d.size, REGION_ALIGN) || !p.daxAlignments.includes(d.align)) continue;
      if (isAligned(d.size, d.align * WAYS)) continue;
      out.push({
        path: [...d.path, 'size'],
        message: `namespace ${d.name} is ${bytesExact(d.size)}, not a multiple of its align ${bytesExact(d.align)}: ndctl refuses the size`,
        kernelText: `'--size=' must align to interleave-width: ${WAYS} and alignment: ${d.align}\ndid you intend --size=${ndctlSuggestion(ctx, d)}?`,
        related: [{ path: [...d.path, 'align'], message: `align ${bytesExact(d.align)}` }],
        fixes: sizeFixes(ctx, d, d.align * WAYS, Math.max(SZ_16M, d.align)),
      });
    }
    return out;
  },
};
