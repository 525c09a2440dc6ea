// ndctl (v81, ndctl/namespace.c) rules: what `ndctl create-namespace` refuses before the kernel is asked.
// The config has no interleave-ways field: one way (the region align 16 MiB, MEMREMAP_COMPAT_ALIGN_MAX)
// is assumed, as for a non-interleaved region.

import { MiB, KiB, GiB, TiB, alignUp, alignDown } from '../../config/index';
import type { DeviceConfig } from '../../config/types';
import { onPagemapRegion } from '../../core/index';
import type { FixSpec, Rule, RuleContext, RuleFinding } from '../types';
import { alignedStartFixes, usableAlign, bytesExact, formatHex, hasInfoBlock, isAligned, isFree, isNdctlNamespace, ndLayout, ndctlMode, regionOf, set, size } from './util';

const SZ_16M = 16 * MiB;
/** Default region alignment (MEMREMAP_COMPAT_ALIGN_MAX) and interleave ways assumed. */
const REGION_ALIGN = SZ_16M;
const WAYS = 1;
/** ndctl check_dax_align(): an fsdax / devdax namespace starts on a 16 MiB boundary. */
export const NDCTL_START_ALIGN = SZ_16M;
/** validate_namespace_options() and the kernel's claim (nd_namespace_store()): fsdax / devdax / sector need 16 MiB. */
export const NDCTL_MIN_SIZE = SZ_16M;

/**
 * What the size of an ndctl namespace must be a multiple of: the region alignment, and for fsdax / devdax its
 * align × interleave ways too (validate_namespace_options(); an align the architecture does not support is MM018's
 * and left out).
 */
export function ndctlSizeMultiple(ctx: RuleContext, d: DeviceConfig, align = d.align): number {
  const a = d.mode === 'raw' || !ctx.profile.daxAlignments.includes(align) ? 0 : align * WAYS;
  return Math.max(REGION_ALIGN, a);
}

/**
 * Which ndctl size check refuses the namespace's size (`size`, default its own), as the rule that reports it, or
 * null: ndctl v81 validate_namespace_options() checks, in this order, the size against the region alignment (every
 * mode, raw too: MM025), against align × interleave ways (fsdax / devdax: MM026; raw and sector use PAGE_SIZE), and
 * against 16 MiB (not raw: MM024). A size below 16 MiB of a mode that needs 16 MiB is MM024 whichever line ndctl
 * prints first (MM024 gives the region line as its kernel text). Size 0 is not ndctl's (the simulation's catch-all).
 */
export function ndctlSizeRefused(ctx: RuleContext, d: DeviceConfig, sz = d.size): 'MM024' | 'MM025' | 'MM026' | null {
  if (!isNdctlNamespace(d) || sz <= 0) return null;
  if (d.mode !== 'raw' && sz < NDCTL_MIN_SIZE) return 'MM024';
  if (!isAligned(sz, REGION_ALIGN)) return 'MM025';
  if (!isAligned(sz, ndctlSizeMultiple(ctx, d))) return 'MM026';
  return null;
}

/** Does ndctl's check_dax_align() (setup_namespace(), after the size checks) refuse the start (MM023)? fsdax / devdax only. */
export function ndctlStartRefused(d: DeviceConfig, start = d.start): boolean {
  return isNdctlNamespace(d) && d.mode !== 'raw' && !isAligned(start, NDCTL_START_ALIGN);
}

/**
 * Would ndctl create (or convert) the namespace at `r` (MM023-MM026)? Devices ndctl does not create pass. For
 * fixes of other rules that move or resize a namespace: the same checks the rules report (ndctlSizeRefused(),
 * ndctlStartRefused()), and a size to create.
 */
export function ndctlAccepts(ctx: RuleContext, d: DeviceConfig, r: { start: number; size: number }): boolean {
  if (!isNdctlNamespace(d)) return true;
  return r.size > 0 && ndctlSizeRefused(ctx, d, r.size) === null && !ndctlStartRefused(d, r.start);
}

/**
 * The namespaces that ndctl creates with an info block or as raw, or converts (`create-namespace -e`); not a raw
 * namespace on a label-less region (e820 / memmap=nn!ss, virtio-pmem, of_pmem), which exists with its region.
 */
function namespaces(ctx: RuleContext): DeviceConfig[] {
  return ctx.config.devices.filter((d) => isNdctlNamespace(d));
}

/** Size fixes: round down, and up when the space after the namespace is free; only sizes that leave
 *  nd_pfn_init() a data area (a namespace with an info block). */
function sizeFixes(ctx: RuleContext, d: DeviceConfig, multiple: number, min = multiple): FixSpec[] {
  const fixes: FixSpec[] = [];
  const holds = (sz: number) => !hasInfoBlock(d) || ndLayout(ctx, d, { size: sz }).ok;
  const up = Math.max(alignUp(d.size, multiple), min);
  const down = alignDown(d.size, multiple);
  if (isFree(ctx, d.start, d.start + up, d.path) && holds(up)) fixes.push({ title: `Round the size up to ${bytesExact(up)}`, ops: [set([...d.path, 'size'], size(up))] });
  if (down >= min && down !== up && holds(down)) fixes.push({ title: `Round the size down to ${bytesExact(down)}`, ops: [set([...d.path, 'size'], size(down))] });
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
      if (!ndctlStartRefused(d)) continue;
      // Not even compat aligned: the kernel refuses first (MM002 / MM017).
      if (!isAligned(d.start, p.subsectionSize) || !isAligned(d.start, p.memremapCompatAlign)) continue;
      // Only ranges the simulated kernel maps: with map=dev a 16 MiB start inside a section can exhaust the altmap
      // (MM014, riscv64 6.12); the section-aligned shrink is offered then.
      const sizeAlign = ndctlSizeMultiple(ctx, d);
      const fixes = alignedStartFixes(ctx, d, NDCTL_START_ALIGN, sizeAlign);
      out.push({
        path: [...d.path, 'start'],
        message: `namespace ${d.name} starts at ${formatHex(d.start)}, ${bytesExact(d.start % NDCTL_START_ALIGN)} past a 16 MiB boundary: ndctl create-namespace refuses ${ndctlMode(d)} namespaces not aligned to 16 MiB (unless --force)`,
        kernelText: `${d.name} misaligned to 16M, adjust region alignment and retry`,
        fixes,
      });
    }
    return out;
  },
};

/**
 * The smallest namespace size ndctl accepts with align `a` (at least 16 MiB, a multiple of the region alignment
 * and of `a`) that still leaves nd_pfn_init() a data area (a 1 GiB align with map=dev needs 2 GiB); null when a
 * few multiples do not.
 */
function smallestNamespace(ctx: RuleContext, d: DeviceConfig, a: number): number | null {
  const m = ndctlSizeMultiple(ctx, d, a);
  for (let sz = alignUp(NDCTL_MIN_SIZE, m), k = 0; k < 8; sz += m, k++) if (ndLayout(ctx, d, { size: sz, align: a }).ok) return sz;
  return null;
}

export const ndctlMinSize: Rule = {
  id: 'MM024',
  slug: 'ndctl-min-size',
  severity: 'error',
  area: 'ndctl',
  title: 'Namespace smaller than 16 MiB',
  reference: '§9.20, §9.21',
  kernelCitation:
    'ndctl v81 ndctl/namespace.c: validate_namespace_options(); [6.12] drivers/nvdimm/namespace_devs.c: __size_store(); drivers/nvdimm/claim.c: nd_namespace_store(); drivers/nvdimm/region_devs.c: default_align()',
  kernelText: ['%s: align setting is %#lx size %#llx is misaligned\\n', '%llu is not %ldK aligned\\n', "'--size=' must be >= 16MiB for '%s' mode\\n", '%s too small to host\\n'],
  appliesTo: {},
  doc: [
    'fsdax, devdax and sector namespaces need at least 16 MiB: ndctl refuses smaller sizes, and the kernel refuses to claim',
    'a smaller namespace for a pfn/dax/btt device (`nd_namespace_store()`: dev_dbg `too small to host`, -ENXIO).',
    '',
    'What ndctl prints first depends on the region: `validate_namespace_options()` checks the size against the region',
    'alignment, then against `align`, and only then against 16 MiB. A labelled region (ACPI NFIT, CXL) of 16 MiB or more',
    'has the 16 MiB region alignment (`default_align()`), so a smaller size meets the region check first (`align setting',
    'is 0x1000000 size … is misaligned`, the line MM025 quotes); the kernel refuses the size write the same way',
    '(`__size_store()`: `… is not 16384K aligned`). A label-less region (`provider: e820`, `virtio-pmem`, `of-pmem`) is',
    'the namespace: below 16 MiB its region alignment is PAGE_SIZE, so ndctl reaches `--size= must be >= 16MiB`, and the',
    'kernel\'s claim fails with `too small to host`.',
    '',
    '**Fix:** at least 16 MiB (for a 1 GiB align, the smallest multiple of it that leaves a data area).',
  ].join('\n'),
  check(ctx) {
    const out: RuleFinding[] = [];
    const p = ctx.profile;
    for (const d of namespaces(ctx)) {
      if (ndctlSizeRefused(ctx, d) !== 'MM024') continue;
      const mode = ndctlMode(d);
      // default_align(): a region below 16 MiB (a label-less region is its namespace) has PAGE_SIZE alignment.
      const labelless = onPagemapRegion(d);
      let kernelText: string;
      if (!labelless) {
        kernelText = `${regionOf(d.name)}: align setting is ${formatHex(REGION_ALIGN)} size ${formatHex(d.size)} is misaligned\n${d.size} is not ${REGION_ALIGN / KiB}K aligned`;
      } else if (!isAligned(d.size, p.pageSize)) {
        kernelText = `${regionOf(d.name)}: align setting is ${formatHex(p.pageSize)} size ${formatHex(d.size)} is misaligned`;
      } else if (p.daxAlignments.includes(d.align) && !isAligned(d.size, d.align * WAYS)) {
        kernelText = `'--size=' must align to interleave-width: ${WAYS} and alignment: ${d.align}\ndid you intend --size=${ndctlSuggestion(ctx, d)}?`;
      } else {
        kernelText = `'--size=' must be >= 16MiB for '${mode}' mode\n${d.name} too small to host`;
      }
      // The new size, computed once: the user's align if a namespace of that align fits here, else the largest
      // smaller supported align whose smallest namespace fits (the align is then set too).
      const own = usableAlign(ctx, d) || p.pmdSize;
      const aligns = [own, ...[...p.daxAlignments].filter((a) => a < own).sort((x, y) => y - x)];
      const fixes: FixSpec[] = [];
      for (const a of aligns) {
        const sz = smallestNamespace(ctx, d, a);
        if (sz === null || !isFree(ctx, d.start, d.start + sz, d.path)) continue;
        const ops = [set([...d.path, 'size'], size(sz))];
        if (a !== d.align) ops.push(set([...d.path, 'align'], size(a)));
        fixes.push({ title: a === d.align ? `Set the size to ${bytesExact(sz)}` : `Set the size to ${bytesExact(sz)} and align to ${bytesExact(a)}`, ops });
        break;
      }
      out.push({
        path: [...d.path, 'size'],
        message:
          `namespace ${d.name} is ${bytesExact(d.size)}: ${mode} namespaces must be at least 16 MiB — ` +
          (labelless
            ? `ndctl create-namespace -e refuses to convert the ${d.provider} region, and the kernel cannot host the info block (nd_namespace_store(): -ENXIO)`
            : `ndctl checks the size against the 16 MiB region alignment first and refuses it, and so does the kernel's size write (-EINVAL)`),
        kernelText,
        fixes,
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
  kernelCitation: 'ndctl v81 ndctl/namespace.c: validate_namespace_options(); [6.12] drivers/nvdimm/namespace_devs.c: __size_store()',
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
    'The region alignment is checked for every mode, raw included, before anything else (`validate_namespace_options()`):',
    'a raw namespace has no 16 MiB minimum (MM024 is for fsdax, devdax and sector), so an 8 MiB raw namespace on a',
    'labelled region (ACPI NFIT, CXL) is refused here.',
    '',
    '**Fix:** round the size to 16 MiB.',
  ].join('\n'),
  check(ctx) {
    const out: RuleFinding[] = [];
    for (const d of namespaces(ctx)) {
      if (ndctlSizeRefused(ctx, d) !== 'MM025') continue;
      const multiple = ndctlSizeMultiple(ctx, d);
      const ndctlLine = `${regionOf(d.name)}: align setting is ${formatHex(REGION_ALIGN)} size ${formatHex(d.size)} is misaligned`;
      // A label-less namespace (ND_DEVICE_NAMESPACE_IO) has no size attribute to write: ndctl v81 setup_namespace()
      // skips set_size for it, so only validate_namespace_options() refuses; [6.12] namespace_devs.c __size_store()
      // (:784 "%llu is not %ldK aligned") is never reached.
      // (The label-less regions are exactly those that set ND_REGION_PAGEMAP: e820, virtio-pmem, of_pmem.)
      const labelless = onPagemapRegion(d);
      const over = d.size < REGION_ALIGN ? 'smaller than it' : `${bytesExact(d.size % REGION_ALIGN)} too many`;
      const head = `namespace ${d.name} is ${bytesExact(d.size)}, not a multiple of the ${bytesExact(REGION_ALIGN)} region alignment (${over})`;
      out.push({
        path: [...d.path, 'size'],
        message: labelless
          ? `${head}: the namespace of a label-less region (${d.provider}) is the whole region, and ndctl create-namespace -e refuses to convert it to ${ndctlMode(d)}`
          : `${head}: ndctl and the kernel refuse the size`,
        kernelText: labelless ? ndctlLine : `${ndctlLine}\n${d.size} is not ${REGION_ALIGN / KiB}K aligned`,
        fixes: sizeFixes(ctx, d, multiple, NDCTL_MIN_SIZE),
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
    for (const d of namespaces(ctx)) {
      if (ndctlSizeRefused(ctx, d) !== 'MM026') continue;
      out.push({
        path: [...d.path, 'size'],
        message: `namespace ${d.name} is ${bytesExact(d.size)}, not a multiple of its align ${bytesExact(d.align)}: ndctl refuses the size`,
        kernelText: `'--size=' must align to interleave-width: ${WAYS} and alignment: ${d.align}\ndid you intend --size=${ndctlSuggestion(ctx, d)}?`,
        related: [{ path: [...d.path, 'align'], message: `align ${bytesExact(d.align)}` }],
        fixes: sizeFixes(ctx, d, ndctlSizeMultiple(ctx, d), Math.max(NDCTL_MIN_SIZE, d.align)),
      });
    }
    return out;
  },
};
