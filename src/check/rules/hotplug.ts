// Memory hotplug rules: memory block alignment, the memory block size itself, memmap_on_memory, and
// dax/kmem (device memory hot-added as System RAM).

import { alignDown, type DeviceConfig, type MemmapOnMemoryMode } from '../../config/index';
import { memmapOnMemoryPlan, ndPfnInit, probeMemoryBlockSize } from '../../core/index';
import type { FixSpec, Rule, RuleContext, RuleFinding } from '../types';
import { NDCTL_START_ALIGN, ndctlAccepts, ndctlSizeMultiple } from './ndctl';
import { alignedTo, bool, bytesExact, formatHex, growTo, hasInfoBlock, hexRange, isAligned, isFree, ndLayout, rangeFix, set, shrinkInto, size, str } from './util';

export const hotplugBlockMisaligned: Rule = {
  id: 'MM001',
  slug: 'hotplug-block-misaligned',
  severity: 'error',
  area: 'hotplug',
  title: 'Hot-added range not aligned to the memory block size',
  reference: '§9.1',
  kernelCitation: '[6.12] mm/memory_hotplug.c: check_hotplug_memory_range()',
  kernelText: ['Block size [%#lx] unaligned hotplug range: start %#llx, size %#llx'],
  appliesTo: {},
  doc: [
    '`add_memory()` (ACPI memory devices, virtio-mem, DLPAR, dax/kmem) adds whole memory blocks: `check_hotplug_memory_range()`',
    'refuses a range whose start or size is not a multiple of `memory_block_size_bytes()` (or whose size is 0) with -EINVAL and',
    'the pr_err below (the kernel prints no newline). The memory block size is 128 MiB on x86_64 below 64 GiB of boot RAM and',
    '2 GiB on bare metal above; see `/sys/devices/system/memory/block_size_bytes`.',
    '',
    '**Fix:** round the range to whole memory blocks.',
  ].join('\n'),
  check(ctx) {
    const MB = ctx.sim.layout.memoryBlockBytes;
    const out: RuleFinding[] = [];
    ctx.config.hotplug.forEach((h, i) => {
      const startOk = isAligned(h.start, MB);
      const sizeOk = h.size > 0 && isAligned(h.size, MB);
      if (startOk && sizeOk) return;
      const what: string[] = [];
      if (!startOk) what.push(`start ${formatHex(h.start)} is not a multiple of the ${bytesExact(MB)} memory block size (it is ${alignedTo(h.start)})`);
      if (!sizeOk) what.push(h.size === 0 ? 'the size is 0' : `size ${bytesExact(h.size)} is not a multiple of ${bytesExact(MB)}`);
      const fixes: FixSpec[] = [];
      const inner = shrinkInto(h.start, h.size, MB, MB);
      if (inner) fixes.push(rangeFix(`Shrink to whole ${bytesExact(MB)} memory blocks: start ${formatHex(inner.start)}, size ${bytesExact(inner.size)}`, h.path, h, inner));
      const outer = growTo(h.start, h.size, MB, MB);
      if (isFree(ctx, outer.start, outer.start + outer.size, h.path)) {
        fixes.push(rangeFix(`Grow to whole ${bytesExact(MB)} memory blocks: start ${formatHex(outer.start)}, size ${bytesExact(outer.size)}`, h.path, h, outer));
      }
      const related = ctx.config.kernel.memoryBlockSize !== null ? [{ path: ['kernel', 'memoryBlockSize'], message: `the memory block size (${bytesExact(MB)}) is set here` }] : [];
      out.push({
        path: [...h.path, startOk ? 'size' : 'start'],
        message: `hotplug[${i}] ${hexRange(h.start, h.start + Math.max(h.size, 1))}: ${what.join(' and ')}; add_memory() refuses the whole range with -EINVAL (memory block size: ${ctx.sim.layout.memoryBlockReason})`,
        kernelText: `Block size [${formatHex(MB)}] unaligned hotplug range: start ${formatHex(h.start)}, size ${formatHex(h.size)}`,
        related,
        fixes,
      });
    });
    return out;
  },
};

export const blockSizeInvalid: Rule = {
  id: 'MM005',
  slug: 'block-size-invalid',
  severity: 'error',
  area: 'hotplug',
  title: 'Memory block size the kernel rejects',
  reference: '§9.28',
  kernelCitation: '[6.12] drivers/base/memory.c: memory_dev_init(); arch/x86/mm/init_64.c: set_memory_block_size_order()',
  kernelText: ['Memory block size not suitable: 0x%lx\\n'],
  appliesTo: {},
  doc: [
    'The memory block size must be a power of two no smaller than the section size: `memory_dev_init()` panics with',
    '`Memory block size not suitable` otherwise (ppc64 `ibm,lmb-size`, s390 SCLP `rzm`, other platform overrides). On x86_64',
    '`set_memory_block_size_order()` rejects sizes outside 128 MiB … 64 GiB with -EINVAL and the kernel probes the size instead',
    '(a warning here: the block size silently differs from the one configured).',
    '',
    '**Fix:** use a power of two between the section size and 64 GiB.',
  ].join('\n'),
  check(ctx) {
    const override = ctx.config.kernel.memoryBlockSize;
    if (override === null) return [];
    const p = ctx.profile;
    const ranges = ctx.sim.layout.bootRam.map((r) => ({ start: r.startPfn * p.pageSize, end: r.endPfn * p.pageSize }));
    const probe = (v: number) => probeMemoryBlockSize(p, ranges, ctx.config.kernel.hypervisor, v);
    const res = probe(override);
    if (!res.problem) return [];
    const fixes: FixSpec[] = [];
    let up = p.sectionSize;
    while (up < override && up < 2 ** 50) up *= 2;
    for (const c of [up, up / 2]) {
      if (c >= p.sectionSize && !probe(c).problem && !fixes.length) fixes.push({ title: `Set the memory block size to ${bytesExact(c)}`, ops: [set(['kernel', 'memoryBlockSize'], size(c))] });
    }
    return [
      {
        path: ['kernel', 'memoryBlockSize'],
        severity: res.problem.fatal ? 'error' : 'warning',
        message: res.problem.fatal ? res.problem.message : `${res.problem.message}: the memory block size is ${bytesExact(res.bytes)} instead (${res.reason})`,
        kernelText: res.problem.kernelMessage?.trimEnd() ?? '',
        fixes,
      },
    ];
  },
};

function modeText(m: MemmapOnMemoryMode): string {
  return m === 'on' ? 'Y' : m === 'force' ? 'force' : 'N';
}

export const memmapOnMemoryUnsupported: Rule = {
  id: 'MM006',
  slug: 'memmap-on-memory-unsupported',
  severity: 'warning',
  area: 'hotplug',
  title: 'memmap_on_memory requested but not possible for this memory',
  reference: '§9.24, §3',
  kernelCitation: '[6.12] mm/memory_hotplug.c: mhp_supports_memmap_on_memory(), memory_block_memmap_on_memory_pages(); drivers/dax/bus.c: memmap_on_memory_store()',
  kernelText: ['memmap_on_memory is not available\\n', 'Memory hotplug will waste %ld pages in each memory block\\n'],
  appliesTo: {},
  doc: [
    'With `memory_hotplug.memmap_on_memory` a hot-added memory block keeps its own memmap at its start — only when the memmap of',
    'one block is a whole number of pageblocks (`force` pads it), is PMD aligned (`arch_supports_memmap_on_memory()`) and is',
    'smaller than the block. Otherwise Linux ≥ 6.6 **silently** puts the memmap in RAM. Linux 6.1 to 6.7 also require the add',
    'to be exactly one memory block (6.6 and 6.7 silently put the memmap of a bigger add in RAM; per-block altmaps came in',
    '6.8). On 6.1 `add_memory_resource()` would fail with -EINVAL if `MHP_MEMMAP_ON_MEMORY` came',
    'unsupported, but the ACPI memory hotplug driver (what a `hotplug` entry models) checks `mhp_supports_memmap_on_memory()`',
    'first and adds without the flag: the memmap goes to RAM there too. For dax/kmem, writing 1 to',
    '`/sys/bus/dax/devices/daxX.Y/memmap_on_memory` fails with -EOPNOTSUPP (dev_dbg `memmap_on_memory is not available`).',
    '',
    '**Fix:** `memory_hotplug.memmap_on_memory=force` when only the pageblock rounding is missing (not when the memmap of one',
    'block is not PMD aligned, as on arm64 with 16K or 64K pages: force pads the pages, not the memmap size; the message says',
    'which block size would work and whether the architecture can have it), enable the parameter for dax/kmem, or stop',
    'expecting the memmap in the hot-added memory.',
  ].join('\n'),
  check(ctx) {
    const p = ctx.profile;
    if (!p.features.memmapOnMemory) return [];
    const out: RuleFinding[] = [];
    const MB = ctx.sim.layout.memoryBlockBytes;
    const mode = ctx.config.kernel.memmapOnMemory;
    const fallback = p.features.memmapOnMemoryFallback;
    const v = p.version.join('.');
    const modeFixes = (sz: number): FixSpec[] => {
      const fixes: FixSpec[] = [];
      for (const m of (mode === 'off' ? ['on', 'force'] : mode === 'on' ? ['force'] : []) as MemmapOnMemoryMode[]) {
        const plan = memmapOnMemoryPlan(p, MB, sz, m);
        if (plan.supported && !fixes.length) {
          fixes.push({
            title: `Set memory_hotplug.memmap_on_memory=${modeText(m)}` + (plan.wastePages ? ` (wastes ${plan.wastePages} pages per block)` : ''),
            ops: [set(['kernel', 'memmapOnMemory'], str(m))],
          });
        }
      }
      return fixes;
    };
    // Hot-adds of one size share their plan (configs list hundreds of identical DIMMs).
    const planFor = (sz: number) => ctx.memo(`mom:${MB}:${sz}:${mode}`, () => memmapOnMemoryPlan(p, MB, sz, mode));
    ctx.config.hotplug.forEach((h, i) => {
      if (!h.memmapOnMemory || mode === 'off' || !isAligned(h.start, MB) || !isAligned(h.size, MB) || h.size === 0) return;
      const plan = planFor(h.size);
      if (plan.supported) return;
      const blocks = h.size / MB;
      const fixes = modeFixes(h.size);
      fixes.push({ title: 'Do not request memmap_on_memory for this range', ops: [set([...h.path, 'memmapOnMemory'], bool(false))] });
      const inRam = `the memmap of the ${blocks} block${blocks === 1 ? '' : 's'} (${bytesExact(plan.memmapSize * blocks)}) comes from RAM`;
      out.push({
        path: [...h.path, 'memmapOnMemory'],
        message:
          `hotplug[${i}] asks for memmap_on_memory (memory_hotplug.memmap_on_memory=${modeText(mode)}) but it cannot be used: ${plan.reason}; ` +
          (fallback
            ? `Linux ${v} silently falls back, so ${inRam}`
            : `Linux ${v}'s ACPI memory hotplug driver checks mhp_supports_memmap_on_memory(size) first and adds without MHP_MEMMAP_ON_MEMORY, so ${inRam}`),
        kernelText: plan.kernelMessage?.trimEnd() ?? '',
        related: [{ path: ['kernel', 'memmapOnMemory'], message: `memory_hotplug.memmap_on_memory=${modeText(mode)}` }],
        fixes,
      });
    });
    if (p.features.daxKmemMemmapOnMemory) {
      ctx.config.devices.forEach((d, i) => {
        if (d.mode !== 'kmem' || !d.memmapOnMemory) return;
        const rec = ctx.sim.memmap.devices[i];
        if (!rec?.mappedRange) return;
        const sz = rec.mappedRange.end - rec.mappedRange.start;
        const plan = planFor(sz);
        if (plan.supported) return;
        const fixes = modeFixes(sz);
        fixes.push({ title: `Leave ${d.name}/memmap_on_memory at 0`, ops: [set([...d.path, 'memmapOnMemory'], bool(false))] });
        out.push({
          path: [...d.path, 'memmapOnMemory'],
          message: `writing 1 to /sys/bus/dax/devices/${d.name}/memmap_on_memory fails with -EOPNOTSUPP (${plan.reason}), so dax/kmem adds ${bytesExact(sz)} with its memmap in RAM`,
          kernelText: 'memmap_on_memory is not available',
          related: [{ path: ['kernel', 'memmapOnMemory'], message: `memory_hotplug.memmap_on_memory=${modeText(mode)}` }],
          fixes,
        });
      });
    }
    return out;
  },
};

export const memmapOnMemoryUnavailable: Rule = {
  id: 'MM007',
  slug: 'memmap-on-memory-unavailable',
  severity: 'warning',
  area: 'hotplug',
  title: 'memmap_on_memory on an architecture or kernel without it',
  reference: '§9.25',
  kernelCitation: '[6.12] mm/Kconfig: MHP_MEMMAP_ON_MEMORY, ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE; arch/powerpc/Kconfig: ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE if PPC_RADIX_MMU; arch/powerpc/include/asm/pgtable.h: arch_supports_memmap_on_memory(); drivers/dax/bus.c: dev_attr_memmap_on_memory (v6.8)',
  kernelText: ["%s: `%s' invalid for parameter `%s'\\n"],
  appliesTo: {},
  doc: [
    '`memory_hotplug.memmap_on_memory` exists only with `CONFIG_MHP_MEMMAP_ON_MEMORY`, which needs',
    '`ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE`: x86 and arm64 in 6.1; x86, arm64, powerpc (radix), riscv and s390 in 6.12. Elsewhere the',
    'parameter is an unknown module parameter and silently ignored. powerpc selects it `if PPC_RADIX_MMU` (default y), so a',
    'ppc64 kernel running with the hash MMU has the parameter, but `arch_supports_memmap_on_memory()` returns false without',
    'radix: every hot-add keeps its memmap in RAM. `force` is understood from 6.6 on (6.1 has a boolean',
    'parameter and refuses the value). The per-device dax/kmem attribute `daxX.Y/memmap_on_memory` exists from 6.8.',
    '',
    '**Fix:** drop the setting, or model a kernel that has the feature.',
  ].join('\n'),
  check(ctx) {
    const p = ctx.profile;
    const out: RuleFinding[] = [];
    const mode = ctx.config.kernel.memmapOnMemory;
    const v = p.version.join('.');
    if (mode !== 'off' && !p.features.memmapOnMemory) {
      // powerpc selects ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE if PPC_RADIX_MMU (default y): a kernel that runs with the hash
      // MMU has the parameter, but arch_supports_memmap_on_memory() is false without radix.
      const hashWithParameter = p.features.memmapOnMemoryParameter;
      out.push({
        path: ['kernel', 'memmapOnMemory'],
        message: hashWithParameter
          ? `memory_hotplug.memmap_on_memory=${modeText(mode)} has no effect on ${p.arch} with Linux ${v}: powerpc selects ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE only with PPC_RADIX_MMU, so the parameter exists in a radix-capable kernel, but arch_supports_memmap_on_memory() returns false when the radix MMU is not in use, so mhp_supports_memmap_on_memory() refuses every hot-add and the memmap of hot-added memory comes from RAM, silently`
          : `memory_hotplug.memmap_on_memory=${modeText(mode)} has no effect on ${p.arch} with Linux ${v}: the architecture does not select ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE, so the parameter does not exist and is silently ignored; hot-added memory gets its memmap from RAM`,
        kernelText: '',
        fixes: [{ title: 'Set memmapOnMemory to off', ops: [set(['kernel', 'memmapOnMemory'], str('off'))] }],
      });
    } else if (mode === 'force' && !p.features.memmapOnMemoryFallback) {
      out.push({
        path: ['kernel', 'memmapOnMemory'],
        message: `memory_hotplug.memmap_on_memory=force is understood from Linux 6.6 on; Linux ${v} has a boolean parameter, refuses "force" and keeps memmap_on_memory off`,
        kernelText: "Booting kernel: `force' invalid for parameter `memory_hotplug.memmap_on_memory'",
        fixes: [{ title: 'Set memmapOnMemory to on', ops: [set(['kernel', 'memmapOnMemory'], str('on'))] }],
      });
    }
    if (!p.features.daxKmemMemmapOnMemory) {
      ctx.config.devices.forEach((d) => {
        if (d.mode !== 'kmem' || !d.memmapOnMemory) return;
        out.push({
          path: [...d.path, 'memmapOnMemory'],
          message: `/sys/bus/dax/devices/${d.name}/memmap_on_memory exists from Linux 6.8 on; with Linux ${v} dax/kmem always hot-adds ${d.name} with its memmap in RAM`,
          kernelText: '',
          fixes: [{ title: `Drop memmapOnMemory (no effect before 6.8)`, ops: [set([...d.path, 'memmapOnMemory'], bool(false))] }],
        });
      });
    }
    return out;
  },
};

/** The core's error for a device, if its kernel text contains `marker`. */
function coreError(ctx: Parameters<Rule['check']>[0], path: readonly (string | number)[], marker: string) {
  const key = path.join('/');
  return ctx.sim.errors.find((e) => e.path.slice(0, path.length).join('/') === key && (e.kernelMessage ?? '').includes(marker));
}

export const kmemNoWholeBlock: Rule = {
  id: 'MM008',
  slug: 'kmem-no-whole-block',
  severity: 'error',
  area: 'hotplug',
  title: 'dax/kmem range holds no whole memory block',
  reference: '§3 (dax/kmem)',
  kernelCitation: '[6.12] drivers/dax/kmem.c: dev_dax_kmem_probe(), dax_kmem_range()',
  kernelText: ['mapping%d: %#llx-%#llx too small after alignment\\n', 'rejecting DAX region without any memory after alignment\\n'],
  appliesTo: {},
  doc: [
    'dax/kmem hot-adds only whole memory blocks: `dax_kmem_range()` rounds the start up and the end down to',
    '`memory_block_size_bytes()`. When nothing is left the probe fails with -EINVAL (pmem namespaces lose their info block and',
    'map=dev reservation first).',
    '',
    '**Fix:** make the range cover at least one aligned memory block.',
  ].join('\n'),
  check(ctx) {
    const out: RuleFinding[] = [];
    const MB = ctx.sim.layout.memoryBlockBytes;
    ctx.config.devices.forEach((d) => {
      if (d.mode !== 'kmem') return;
      const e = coreError(ctx, d.path, 'rejecting DAX region without any memory after alignment');
      if (!e) return;
      const fixes: FixSpec[] = [];
      if (!hasInfoBlock(d)) {
        const g = growTo(d.start, d.size, MB, MB);
        if (isFree(ctx, g.start, g.start + g.size, d.path)) fixes.push(rangeFix(`Grow to whole ${bytesExact(MB)} memory blocks: start ${formatHex(g.start)}, size ${bytesExact(g.size)}`, d.path, d, g));
      }
      out.push({ path: [...d.path, 'size'], message: e.message, kernelText: (e.kernelMessage ?? '').trimEnd(), fixes });
    });
    return out;
  },
};

/**
 * The start of a namespace that ends at the block boundary `E`, that ndctl accepts (ndctlAccepts()) and whose data
 * (after the nd_pfn_init() data offset, which with map=dev grows with the size) begins exactly on the block boundary
 * `B` and ends on `E`; the one closest below `B`, or null. The start steps down from `B` by ndctl's start alignment
 * until the data offset could no longer reach back to `B`.
 */
function kmemWholeBlocksStart(ctx: RuleContext, d: DeviceConfig, B: number, E: number, MB: number): number | null {
  if (!isAligned(B, MB) || B >= E) return null;
  for (let k = 1; k <= 1 << 16; k++) {
    const s = B - k * NDCTL_START_ALIGN;
    if (s < 0) return null;
    const r = ndPfnInit(ctx.profile, { ...d, start: s, size: E - s });
    const off = r.layout.offset;
    // No layout at all (an align or struct page size nd_pfn_init() refuses whatever the size: MM018 / MM021).
    if (off === undefined) return null;
    // The data offset grows by 64 B per pfn with the size (map=dev), far slower than the start steps down: once the
    // start is more than an offset and an alignment below B, no later one reaches B.
    if (B - s > off + (r.layout.effectiveAlign ?? 0)) return null;
    if (r.ok && s + off === B && r.layout.rangeEnd === E && ndctlAccepts(ctx, d, { start: s, size: E - s })) return s;
  }
  return null;
}

export const kmemPartialBlocks: Rule = {
  id: 'MM009',
  slug: 'kmem-partial-blocks',
  severity: 'warning',
  tradeOff: true,
  area: 'hotplug',
  title: 'dax/kmem leaves the unaligned edges of the range unused',
  reference: '§3 (dax/kmem)',
  kernelCitation: '[6.12] drivers/dax/kmem.c: dax_kmem_range()',
  kernelText: [],
  appliesTo: {},
  doc: [
    'dax/kmem rounds each range to whole memory blocks (`ALIGN(start, block)`, `ALIGN_DOWN(end + 1, block) - 1`) and silently',
    'leaves the edges unused. On x86 bare metal with more than 64 GiB of RAM a memory block is 2 GiB, so up to 4 GiB of a',
    'CXL region can be lost this way. A pmem namespace hands dax/kmem its data area, which begins after the info block (the',
    '`nd_pfn_init()` data offset, at least 2 MiB): a namespace that starts on a block boundary loses the rest of its first',
    'block (2046 MiB with 2 GiB blocks). The data offset itself is not reported.',
    '',
    '**Fix:** size and place the region in whole memory blocks; for a pmem namespace, start it one data offset below a block',
    'boundary so that its data begins on the boundary.',
  ].join('\n'),
  check(ctx) {
    const out: RuleFinding[] = [];
    const MB = ctx.sim.layout.memoryBlockBytes;
    ctx.config.devices.forEach((d, i) => {
      if (d.mode !== 'kmem') return;
      const rec = ctx.sim.memmap.devices[i];
      if (!rec || rec.status !== 'ok' || !rec.mappedRange) return;
      const end = d.start + d.size;
      const pmem = hasInfoBlock(d);
      // pmem: dax/kmem gets the data area, from the data offset on (the info block area is not counted here).
      const dataStart = d.start + (pmem ? rec.dataOffsetBytes : 0);
      const lead = rec.mappedRange.start - dataStart;
      const tail = end - rec.mappedRange.end;
      if (lead + tail <= 0) return;
      const fixes: FixSpec[] = [];
      if (pmem) {
        // A pmem namespace is an ndctl namespace: only starts and sizes ndctl accepts (ndctlAccepts(): 16 MiB start,
        // size a multiple of the region alignment and of the align) whose data begins on a block boundary B and
        // whose data area ends on one (E, the last block boundary in it): no edge is left.
        const E = rec.mappedRange.end;
        const targets = lead > 0 ? [alignDown(dataStart, MB), rec.mappedRange.start] : [rec.mappedRange.start];
        const seen = new Set<number>();
        for (const B of targets) {
          const s = kmemWholeBlocksStart(ctx, d, B, E, MB);
          if (s === null || seen.has(s) || !isFree(ctx, s, E, d.path)) continue;
          seen.add(s);
          const title =
            s === d.start
              ? `End the namespace at the block boundary ${formatHex(E)} (size ${bytesExact(E - s)})`
              : `Start the namespace at ${formatHex(s)}, ${bytesExact(B - s)} below the block boundary ${formatHex(B)} (size ${bytesExact(E - s)}${E !== end ? `, ending at the block boundary ${formatHex(E)}` : ''}): its data then begins on the boundary and dax/kmem adds all of it`;
          fixes.push(rangeFix(title, d.path, d, { start: s, size: E - s }));
        }
      } else {
        // CXL / HMEM: the range comes from the hardware (the CXL region, the SRAT / soft-reserved range): shrinking
        // to whole blocks first, growing only where the address space is free.
        const sh = shrinkInto(d.start, d.size, MB, MB);
        if (sh) fixes.push(rangeFix(`Shrink to whole ${bytesExact(MB)} memory blocks: start ${formatHex(sh.start)}, size ${bytesExact(sh.size)}`, d.path, d, sh));
        const g = growTo(d.start, d.size, MB, MB);
        if (isFree(ctx, g.start, g.start + g.size, d.path)) fixes.push(rangeFix(`Grow to whole ${bytesExact(MB)} memory blocks: start ${formatHex(g.start)}, size ${bytesExact(g.size)}`, d.path, d, g));
      }
      const parts: string[] = [];
      if (lead > 0 && pmem) {
        parts.push(
          `${bytesExact(lead)} at the start (${hexRange(dataStart, rec.mappedRange.start)}: the data begins at ${formatHex(dataStart)}, after the ${bytesExact(rec.dataOffsetBytes)} data offset of the info block${d.map === 'dev' ? ' and the map=dev memmap reservation' : ''}, and ALIGN(start, ${bytesExact(MB)}) moves it up to the next block)`,
        );
      } else if (lead > 0) parts.push(`${bytesExact(lead)} at the start (${hexRange(d.start, rec.mappedRange.start)})`);
      if (tail > 0) parts.push(`${bytesExact(tail)} at the end (${hexRange(rec.mappedRange.end, end)})`);
      out.push({
        path: [...d.path, lead > 0 ? 'start' : 'size'],
        message:
          `dax/kmem onlines only whole ${bytesExact(MB)} memory blocks of ${d.name}: ${parts.join(' and ')} ${lead > 0 && tail > 0 ? 'are' : 'is'} never used as System RAM` +
          (pmem && !fixes.length ? `; no namespace ndctl accepts here (16 MiB-aligned start, size a multiple of ${bytesExact(ndctlSizeMultiple(ctx, d))}) has its data begin and end on block boundaries` : ''),
        kernelText: '',
        fixes,
      });
    });
    return out;
  },
};

export const kmemMapDevReserve: Rule = {
  id: 'MM010',
  slug: 'kmem-map-dev-reserve',
  severity: 'warning',
  tradeOff: true,
  area: 'hotplug',
  title: 'map=dev reservation on a namespace used by dax/kmem',
  reference: '§4c, §3',
  kernelCitation: '[6.12] drivers/nvdimm/pfn_devs.c: nd_pfn_init(); drivers/dax/kmem.c',
  kernelText: [],
  appliesTo: {},
  doc: [
    'A devdax namespace created with `--map=dev` (the ndctl default) reserves 64 bytes per page (`MAX_STRUCT_PAGE_SIZE`) for a',
    'memmap at its start. When the namespace is then given to dax/kmem (`daxctl reconfigure-device --mode=system-ram`), the',
    'memory is hot-added like any memory block and gets an ordinary hot-plug memmap: the reservation (1/64 of the namespace',
    'with 4 KiB pages, 1/256 with 16 KiB, 1/1024 with 64 KiB) is never used.',
    '',
    '**Fix:** create the namespace with `--map=mem`.',
  ].join('\n'),
  check(ctx) {
    const out: RuleFinding[] = [];
    ctx.config.devices.forEach((d) => {
      if (d.mode !== 'kmem' || d.map !== 'dev' || !hasInfoBlock(d)) return;
      const dev = ndLayout(ctx, d);
      const mem = ndLayout(ctx, d, { map: 'mem' });
      if (!dev.ok || !mem.ok) return;
      const waste = dev.layout.offset - mem.layout.offset;
      if (waste <= 0) return;
      out.push({
        path: [...d.path, 'map'],
        message: `map=dev makes ${d.name} reserve its first ${bytesExact(dev.layout.offset)} for a memmap that dax/kmem never uses (kmem memory gets an ordinary hot-plug memmap): ${bytesExact(waste)} more than map=mem`,
        kernelText: '',
        fixes: [{ title: 'Set map to mem', ops: [set([...d.path, 'map'], str('mem'))] }],
      });
    });
    return out;
  },
};
