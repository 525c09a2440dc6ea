// Helpers shared by the rules: device classes, config ranges, fix builders, number formatting.
// No kernel arithmetic lives here: layouts, plans and alignments come from src/core.

import { formatHex, isAligned, alignDown, alignUp, type DeviceConfig, type JsonPath } from '../../config/index';
import { bytesExact, bytesReadable } from '../../core/format';
import { hasNvdimmInfoBlock, ndPfnInit, onPagemapRegion, simulateMemmap, type NdPfnResult } from '../../core/index';
import type { FixOp, FixSpec, FixValue, RuleContext } from '../types';

export { bytesExact, bytesReadable, formatHex };

/** Devices with struct pages: everything but raw namespaces, and raw ones too on an ND_REGION_PAGEMAP region
 *  (the core decides the rest: ZONE_DEVICE, a namespace mixed with System RAM). */
export function hasStructPages(d: DeviceConfig): boolean {
  return d.mode !== 'raw' || onPagemapRegion(d);
}

/**
 * A raw namespace on an ND_REGION_PAGEMAP region: no info block, no dax device, and nothing ndctl created (the
 * label-less namespace exists as soon as the region does); [6.12] drivers/nvdimm/pmem.c pmem_attach_disk() maps
 * it with devm_memremap_pages() (pmem_should_map_pages()), memmap in RAM.
 */
export function isPagemapRaw(d: DeviceConfig): boolean {
  return d.mode === 'raw' && onPagemapRegion(d);
}

/** Devices that get an nvdimm pfn/dax info block (nd_pfn_init), as src/core/memremap.ts mapDevice() classifies them. */
export const hasInfoBlock = hasNvdimmInfoBlock;

/** Dynamic dax regions (CXL / soft-reserved memory through device-dax): no info block, no altmap. Not raw namespaces. */
export function isDynamicDax(d: DeviceConfig): boolean {
  return d.mode !== 'raw' && !hasInfoBlock(d);
}

/**
 * Namespaces that ndctl creates (or converts): NVDIMM (and CXL persistent memory) namespaces. A raw namespace on
 * a label-less region is not one: it is the region itself (memmap=nn!ss, the virtio or device-tree range) and
 * needs no create-namespace step; `ndctl create-namespace -e` converting it to fsdax/devdax makes it one again.
 */
export function isNdctlNamespace(d: DeviceConfig): boolean {
  return (d.kind === 'pmem' && !isPagemapRaw(d)) || (d.kind === 'cxl' && d.mode === 'fsdax');
}

/** The ndctl mode name of a namespace ("kmem" devices are devdax namespaces given to dax/kmem). */
export function ndctlMode(d: DeviceConfig): string {
  return d.mode === 'kmem' ? 'devdax' : d.mode;
}

/** The device's align when the architecture supports it (0 otherwise): safe to align fixes to. */
export function usableAlign(ctx: RuleContext, d: DeviceConfig): number {
  return ctx.profile.daxAlignments.includes(d.align) ? d.align : 0;
}

/** The region of an ndctl-style name (namespace0.1 -> region0), for ndctl's messages. */
export function regionOf(name: string): string {
  const m = /^namespace(\d+)\.\d+$/.exec(name);
  return m ? `region${m[1]}` : 'region';
}

/** nd_pfn_init() for a device (memoized per device index and settings). */
export function ndLayout(ctx: RuleContext, d: DeviceConfig, override: Partial<Pick<DeviceConfig, 'align' | 'map' | 'start' | 'size'>> = {}): NdPfnResult {
  const dev = { ...d, ...override };
  return ctx.memo(`nd:${dev.name}:${dev.start}:${dev.size}:${dev.align}:${dev.map}:${dev.mode}`, () => ndPfnInit(ctx.profile, dev));
}

/**
 * Does the simulated kernel map device `d` at `r` without running out of its altmap (MM014's condition, the core's
 * `altmap-exhausted`)? For fixes that move or resize a map=dev device: a start that is only sub-section aligned can
 * cost more vmemmap than nd_pfn_init() reserved (riscv64 6.12 maps every piece with whole PMD blocks). Simulates the
 * config's nodes and kernel with that one device (memoized); devices without an altmap always pass.
 */
export function altmapHolds(ctx: RuleContext, d: DeviceConfig, r: { start: number; size: number }): boolean {
  if (d.map !== 'dev' || !hasInfoBlock(d) || d.mode === 'kmem') return true;
  // Away from boot RAM the answer only depends on where the range sits within a period that is a multiple of
  // the section size, of the memory a vmemmap PMD block describes and of the altmap's PMD alignment: ranges
  // that differ by whole periods share one simulation (a config with hundreds of namespaces simulates a few).
  const p = ctx.profile;
  const period = 8 * Math.max(p.sectionSize, (p.pmdSize / p.structPageSize) * p.pageSize, p.pmdSize);
  const nearRam = ctx.config.nodes.some((n) => n.ranges.some((m) => m.start < r.start + r.size + period && r.start - period < m.start + m.size));
  const at = nearRam ? `${r.start}` : `~${r.start % period}`;
  return ctx.memo(`altmapHolds:${at}:${r.size}:${d.align}:${d.mode}:${d.kind}:${d.provider}`, () => {
    const cfg = { ...ctx.config, devices: [{ ...d, start: r.start, size: r.size }], hotplug: [], hugetlb: [], scenarios: [] };
    return !simulateMemmap(cfg).errors.some((e) => e.code === 'altmap-exhausted');
  });
}

/**
 * The ranges among `candidates` (in order; nulls and repeats dropped) at which the simulated kernel maps device `d`
 * without running out of its altmap (altmapHolds()); when none does, the section-aligned shrink of `d` (start a
 * multiple of the section size and of `startAlign`, size of the section size and of `sizeAlign`) if that one holds,
 * marked `section`. For fixes that move or resize a map=dev namespace (MM004, MM017, MM023, as MM002 does): riscv64
 * 6.12 maps every partial-section piece with whole PMD blocks from the altmap, a namespace in whole sections does not.
 */
export function altmapSafeRanges(
  ctx: RuleContext,
  d: DeviceConfig,
  candidates: readonly ({ start: number; size: number } | null)[],
  startAlign: number,
  sizeAlign: number,
): { range: { start: number; size: number }; section: boolean }[] {
  const out: { range: { start: number; size: number }; section: boolean }[] = [];
  for (const r of candidates) {
    if (!r || out.some((x) => x.range.start === r.start && x.range.size === r.size)) continue;
    if (altmapHolds(ctx, d, r)) out.push({ range: r, section: false });
  }
  if (out.length) return out;
  const SS = ctx.profile.sectionSize;
  const s = shrinkInto(d.start, d.size, Math.max(SS, startAlign), Math.max(SS, sizeAlign));
  return s && altmapHolds(ctx, d, s) ? [{ range: s, section: true }] : [];
}

/** The fixes that move `d` to the shrink of it aligned to `startAlign` / `sizeAlign` (or, where the altmap would not
 *  hold, to whole sections): altmapSafeRanges() of that one candidate, titled "Start at ..., size ...". */
export function alignedStartFixes(ctx: RuleContext, d: DeviceConfig, startAlign: number, sizeAlign: number): FixSpec[] {
  const s = shrinkInto(d.start, d.size, startAlign, sizeAlign);
  return altmapSafeRanges(ctx, d, [s], startAlign, sizeAlign).map(({ range: r, section }) =>
    rangeFix(`Start at ${section ? 'the section boundary ' : ''}${formatHex(r.start)}, size ${bytesExact(r.size)}`, d.path, d, r),
  );
}

/** "1 MiB aligned": the largest power of two dividing n. */
export function alignedTo(n: number): string {
  if (n === 0) return 'aligned to everything';
  let a = 1;
  while (n % (a * 2) === 0) a *= 2;
  return `${bytesExact(a)} aligned`;
}

/** An address range [start, end) as the kernel prints ranges: 0x...-0x... (inclusive end). */
export function hexRange(start: number, end: number): string {
  return `${formatHex(start)}-${formatHex(end - 1)}`;
}

// ---------------------------------------------------------------------------------------------
// Fix builders

export const size = (bytes: number): FixValue => ({ kind: 'size', bytes });
export const address = (bytes: number): FixValue => ({ kind: 'address', bytes });
export const str = (value: string): FixValue => ({ kind: 'string', value });
export const bool = (value: boolean): FixValue => ({ kind: 'boolean', value });
export const int = (value: number): FixValue => ({ kind: 'integer', value });
export const set = (path: JsonPath, value: FixValue): FixOp => ({ op: 'set', path, value });

/** A fix moving/resizing an object with start and size (only the values that change). */
export function rangeFix(title: string, path: JsonPath, old: { start: number; size: number }, next: { start: number; size: number }): FixSpec {
  const ops: FixOp[] = [];
  if (next.start !== old.start) ops.push(set([...path, 'start'], address(next.start)));
  if (next.size !== old.size) ops.push(set([...path, 'size'], size(next.size)));
  return { title, ops };
}

/**
 * The largest range inside [start, start + size) whose start is a multiple of `startAlign` and whose
 * size is a multiple of `sizeAlign`; null when none is left.
 */
export function shrinkInto(start: number, sz: number, startAlign: number, sizeAlign: number): { start: number; size: number } | null {
  const s = alignUp(start, startAlign);
  const end = start + sz;
  if (s >= end) return null;
  const n = alignDown(end - s, sizeAlign);
  return n > 0 ? { start: s, size: n } : null;
}

/** The smallest range covering [start, start + size) with aligned start and size. */
export function growTo(start: number, sz: number, startAlign: number, sizeAlign: number): { start: number; size: number } {
  const s = alignDown(start, startAlign);
  return { start: s, size: alignUp(start + sz - s, sizeAlign) || sizeAlign };
}

// ---------------------------------------------------------------------------------------------
// What occupies the physical address space

export interface Occupant {
  kind: 'ram' | 'device' | 'hotplug';
  start: number;
  end: number;
  path: JsonPath;
  /** "node 0 RAM 0x0-0x7fffffff", "device namespace0.0 0x…-0x…", "hotplug[1] 0x…-0x…" */
  readonly label: string;
}

function occupant(kind: Occupant['kind'], start: number, end: number, path: JsonPath, what: string): Occupant {
  // Labels are only needed for findings: built on first use.
  return {
    kind,
    start,
    end,
    path,
    get label() {
      return `${what} ${hexRange(start, end)}`;
    },
  };
}

/** Boot RAM ranges, devices and hot-add ranges of the config, in config order. */
export function occupants(ctx: RuleContext): Occupant[] {
  return ctx.memo('occupants', () => {
    const out: Occupant[] = [];
    for (const n of ctx.config.nodes) for (const r of n.ranges) out.push(occupant('ram', r.start, r.start + r.size, r.path, `node ${n.id} RAM`));
    for (const d of ctx.config.devices) out.push(occupant('device', d.start, d.start + d.size, d.path, `device ${d.name}`));
    ctx.config.hotplug.forEach((h, i) => out.push(occupant('hotplug', h.start, h.start + h.size, h.path, `hotplug[${i}]`)));
    return out;
  });
}

/** Occupants sorted by start with a running maximum of their ends: overlap queries in O(log n + k). */
export class RangeIndex {
  private readonly sorted: Occupant[];
  private readonly maxEnd: number[];

  constructor(list: readonly Occupant[]) {
    this.sorted = list.filter((o) => o.end > o.start).sort((a, b) => a.start - b.start);
    this.maxEnd = [];
    let m = -Infinity;
    for (const o of this.sorted) this.maxEnd.push((m = Math.max(m, o.end)));
  }

  /** The first occupant (in address order, from the top) overlapping [start, end), other than `self`. */
  find(start: number, end: number, self?: JsonPath): Occupant | undefined {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid].start < end) lo = mid + 1;
      else hi = mid;
    }
    for (let j = lo - 1; j >= 0 && this.maxEnd[j] > start; j--) {
      const o = this.sorted[j];
      if (o.end > start && o.path !== self) return o;
    }
    return undefined;
  }
}

/** The index of all occupants (memoized per config). */
export function occupantIndex(ctx: RuleContext): RangeIndex {
  return ctx.memo('occupantIndex', () => new RangeIndex(occupants(ctx)));
}

/** Is [start, end) free of every occupant but the one at `self` (the config object's own path array)? */
export function isFree(ctx: RuleContext, start: number, end: number, self: JsonPath): boolean {
  return occupantIndex(ctx).find(start, end, self) === undefined;
}

/** The first `align`-aligned address >= from where [a, a + length) is free (besides `self`), or null. */
export function firstFree(ctx: RuleContext, from: number, length: number, align: number, self: JsonPath): number | null {
  let a = alignUp(from, align);
  const limit = Number.MAX_SAFE_INTEGER - length;
  const index = occupantIndex(ctx);
  for (let guard = 0; guard < 10_000 && a <= limit; guard++) {
    const hit = index.find(a, a + length, self);
    if (!hit) return a;
    a = alignUp(hit.end, align);
  }
  return null;
}

export { isAligned };
