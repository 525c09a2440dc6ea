// Cross-object rules: overlapping ranges (devices, boot RAM, hot-added memory) and memory placed in
// another node's span.

import { NDCTL_START_ALIGN } from './ndctl';
import { daxKmemRange } from '../../core/memremap';
import type { DeviceConfig, JsonPath } from '../../config/types';
import type { FixSpec, Rule, RuleContext, RuleFinding } from '../types';
import { RangeIndex, usableAlign, address, bytesExact, firstFree, formatHex, hasInfoBlock, hasStructPages, hexRange, int, isNdctlNamespace, ndLayout, occupants, set, type Occupant } from './util';

/** Pairs (earlier, later) of overlapping occupants, later in config order; sorted sweep, O(n log n + k). */
function overlaps(list: readonly Occupant[]): [Occupant, Occupant][] {
  const idx = list.map((o, i) => ({ o, i })).filter((x) => x.o.end > x.o.start);
  idx.sort((a, b) => a.o.start - b.o.start || a.i - b.i);
  const out: [Occupant, Occupant][] = [];
  const active: { o: Occupant; i: number }[] = [];
  for (const cur of idx) {
    for (let k = active.length - 1; k >= 0; k--) if (active[k].o.end <= cur.o.start) active.splice(k, 1);
    for (const a of active) out.push(a.i < cur.i ? [a.o, cur.o] : [cur.o, a.o]);
    active.push(cur);
  }
  return out;
}

/** A fix moving the object at `path` (with its size) to the first free aligned address above `from`. */
function moveFix(ctx: RuleContext, path: JsonPath, start: number, sz: number, from: number, align: number): FixSpec[] {
  const a = firstFree(ctx, Math.max(from, start), sz, align, path);
  if (a === null || a === start || a + sz > 2 ** ctx.profile.maxPhysmemBits) return [];
  return [{ title: `Move to ${formatHex(a)} (the first free ${bytesExact(align)}-aligned address above the overlap)`, ops: [set([...path, 'start'], address(a))] }];
}

/** Alignment a moved device keeps its properties with: section, 16 MiB (ndctl), its align, memory blocks for kmem. */
function moveAlign(ctx: RuleContext, path: JsonPath): number {
  const p = ctx.profile;
  const MB = ctx.sim.layout.memoryBlockBytes;
  if (path[0] === 'hotplug') return MB;
  const d = ctx.config.devices[path[1] as number];
  let a = Math.max(p.sectionSize, p.pmdSize, usableAlign(ctx, d));
  if (isNdctlNamespace(d)) a = Math.max(a, NDCTL_START_ALIGN);
  if (d.mode === 'kmem') a = Math.max(a, MB);
  return a;
}

const deviceOf = (ctx: RuleContext, o: Occupant) => ctx.config.devices[o.path[1] as number];

/**
 * The range dax/kmem claims with request_mem_region(): the dax range (a pmem namespace's data area, after the info
 * block) rounded by dax_kmem_range() to whole memory blocks; null when no whole block is left (MM008) or the info
 * block fails (the probe never gets there).
 */
function kmemRequest(ctx: RuleContext, d: DeviceConfig): { start: number; end: number } | null {
  const MB = ctx.sim.layout.memoryBlockBytes;
  let s = d.start;
  let e = d.start + d.size;
  if (hasInfoBlock(d)) {
    const r = ndLayout(ctx, d);
    if (!r.ok) return null;
    s = d.start + r.layout.offset;
    e = r.layout.rangeEnd;
  }
  return daxKmemRange(s, e, MB);
}

export const deviceOverlapsRam: Rule = {
  id: 'MM032',
  slug: 'device-overlaps-ram',
  severity: 'error',
  area: 'cross',
  title: 'Device range overlaps System RAM',
  reference: '§9.4',
  kernelCitation: '[6.12] mm/memremap.c: pagemap_range() (region_intersects())',
  kernelText: ['attempted on %s region %#llx-%#llx\\n'],
  appliesTo: {},
  doc: [
    '`memremap_pages()` refuses a range that intersects System RAM (`region_intersects()`): WARN_ONCE `attempted on ram region …`',
    '(or `mixed` when only part of it is RAM) and -ENXIO; the namespace or dax device fails to probe. A raw namespace over RAM',
    'fails its resource request.',
    '',
    '**Fix:** the device range must not overlap the nodes\' boot RAM: check both against `/proc/iomem`.',
  ].join('\n'),
  check(ctx) {
    const out: RuleFinding[] = [];
    const list = occupants(ctx);
    const ram = list.filter((o) => o.kind === 'ram');
    list.forEach((o) => {
      if (o.kind !== 'device') return;
      const d = deviceOf(ctx, o);
      if (d.mode === 'kmem') return; // a hot-add: MM034
      const hits = ram.filter((r) => r.start < o.end && o.start < r.end);
      if (!hits.length) return;
      let rs = o.start;
      let re = o.end;
      if (hasInfoBlock(d)) {
        const L = ndLayout(ctx, d);
        if (L.ok) {
          rs = L.layout.rangeStart;
          re = L.layout.rangeEnd;
        }
      }
      const covered = hits.reduce((s, r) => s + Math.max(0, Math.min(r.end, re) - Math.max(r.start, rs)), 0);
      const mixed = covered < re - rs;
      // A raw namespace mixed with System RAM falls back to devm_memremap() (pmem_should_map_pages()).
      const zoneDevice = hasStructPages(d) && !(d.mode === 'raw' && mixed);
      out.push({
        path: [...d.path, 'start'],
        message: `device ${d.name} ${hexRange(o.start, o.end)} overlaps boot RAM (${hits.map((h) => h.label).join(', ')})` + (zoneDevice ? `: memremap_pages() refuses a ${mixed ? 'partly ' : ''}RAM range with -ENXIO` : ': the namespace resource conflicts with System RAM'),
        kernelText: zoneDevice ? `attempted on ${mixed ? 'mixed' : 'ram'} region ${hexRange(rs, re)}` : '',
        related: hits.map((h) => ({ path: h.path, message: `overlapping ${h.label}` })),
        fixes: moveFix(ctx, d.path, d.start, d.size, Math.max(...hits.map((h) => h.end)), moveAlign(ctx, d.path)),
      });
    });
    return out;
  },
};

export const deviceOverlap: Rule = {
  id: 'MM033',
  slug: 'device-overlap',
  severity: 'error',
  area: 'cross',
  title: 'Two devices overlap',
  reference: '§9.5',
  kernelCitation: '[6.12] mm/memremap.c: pagemap_range() (get_dev_pagemap()); mm/sparse.c: fill_subsection_map()',
  kernelText: ['Conflicting mapping in same section\\n'],
  appliesTo: {},
  doc: [
    'Two ZONE_DEVICE ranges cannot share pages. When the first or last pfn of the second range already belongs to another',
    'pgmap, `pagemap_range()` WARNs `Conflicting mapping in same section` and returns -ENOMEM; an overlap strictly inside',
    'fails in `fill_subsection_map()` with -EEXIST and no message (corpus 14 shows the older, section-granular variant of this',
    'failure). Namespaces of one region cannot overlap at all; overlapping devices in a config are a copy-and-paste error.',
    '',
    '**Fix:** move the second device to free address space.',
  ].join('\n'),
  check(ctx) {
    const out: RuleFinding[] = [];
    const devs = occupants(ctx).filter((o) => o.kind === 'device');
    for (const [a, b] of overlaps(devs)) {
      const da = deviceOf(ctx, a);
      const db = deviceOf(ctx, b);
      const zd = (x: typeof da) => x.mode === 'fsdax' || x.mode === 'devdax';
      const edge = (b.start >= a.start && b.start < a.end) || (b.end - 1 >= a.start && b.end - 1 < a.end);
      const conflict = zd(da) && zd(db) && edge;
      out.push({
        path: [...db.path, 'start'],
        message: `device ${db.name} ${hexRange(b.start, b.end)} overlaps device ${da.name} ${hexRange(a.start, a.end)} by ${bytesExact(Math.min(a.end, b.end) - Math.max(a.start, b.start))}` + (conflict ? ': memremap_pages() finds its first or last pfn already mapped (-ENOMEM)' : ': the second one to probe fails (-EEXIST)'),
        kernelText: conflict ? 'Conflicting mapping in same section' : '',
        related: [{ path: da.path, message: `device ${da.name}` }],
        fixes: moveFix(ctx, db.path, db.start, db.size, a.end, moveAlign(ctx, db.path)),
      });
    }
    return out;
  },
};

export const hotplugOverlap: Rule = {
  id: 'MM034',
  slug: 'hotplug-overlap',
  severity: 'error',
  area: 'cross',
  title: 'Hot-added memory overlaps present memory',
  reference: '§9.4 (hotplug), §3',
  kernelCitation: '[6.12] mm/memory_hotplug.c: register_memory_resource(); drivers/dax/kmem.c: dev_dax_kmem_probe(), dax_kmem_range(); kernel/resource.c: __request_region_locked()',
  kernelText: ['Unable to reserve System RAM region: %016llx->%016llx\\n', 'mapping%d: %#llx-%#llx could not reserve region\\n'],
  appliesTo: {},
  doc: [
    '`add_memory()` first claims the range in the resource tree (`register_memory_resource()`); a range that overlaps boot RAM,',
    'a device or an earlier hot-add fails with -EEXIST (pr_debug only). dax/kmem first rounds its range to whole memory blocks',
    '(`dax_kmem_range()`) and claims that with `request_mem_region()`: when the rounded range is busy it warns `could not',
    'reserve region` and the probe fails with -EBUSY (an overlap that the rounding leaves out is not met there).',
    '',
    '**Fix:** hot-add free physical address space only.',
  ].join('\n'),
  check(ctx) {
    const out: RuleFinding[] = [];
    const list = occupants(ctx);
    const isAdd = (o: Occupant) => o.kind === 'hotplug' || (o.kind === 'device' && deviceOf(ctx, o).mode === 'kmem');
    const seen = new Set<string>();
    for (const [a, b] of overlaps(list)) {
      // Report the hot-add (the later one when both are).
      const [other, add] = isAdd(b) ? [a, b] : isAdd(a) ? [b, a] : [null, null];
      if (!add || !other) continue;
      if (other.kind === 'device' && add.kind === 'device' && !isAdd(other)) continue; // device vs device: MM033
      const key = add.path.join('/');
      if (seen.has(key)) continue;
      const kmem = add.kind === 'device';
      // dax/kmem claims the range dax_kmem_range() rounded to memory blocks: only an overlap with that one counts.
      const req = kmem ? kmemRequest(ctx, deviceOf(ctx, add)) : { start: add.start, end: add.end };
      if (!req || !(other.start < req.end && req.start < other.end)) continue;
      seen.add(key);
      const name = kmem ? `dax/kmem device ${deviceOf(ctx, add).name}` : add.label.split(' ')[0];
      const pad = (n: number) => n.toString(16).padStart(16, '0');
      out.push({
        path: [...add.path, 'start'],
        message: kmem
          ? `${name} ${hexRange(add.start, add.end)} overlaps ${other.label}: dax_kmem_range() rounds it to whole ${bytesExact(ctx.sim.layout.memoryBlockBytes)} memory blocks, ${hexRange(req.start, req.end)}, which request_mem_region() finds busy: the dax/kmem probe fails with -EBUSY`
          : `${name} ${hexRange(add.start, add.end)} overlaps ${other.label}: add_memory() cannot claim the range (-EEXIST)`,
        kernelText: kmem ? `mapping0: ${hexRange(req.start, req.end)} could not reserve region` : `Unable to reserve System RAM region: ${pad(add.start)}->${pad(add.end)}`,
        related: [{ path: other.path, message: other.label }],
        fixes: moveFix(ctx, add.path, add.start, add.end - add.start, other.end, moveAlign(ctx, add.path)),
      });
    }
    return out;
  },
};

export const nodeRangesOverlap: Rule = {
  id: 'MM035',
  slug: 'node-ranges-overlap',
  severity: 'error',
  area: 'cross',
  title: 'Boot RAM ranges overlap',
  reference: '§1 (memblock)',
  kernelCitation: '[6.12] mm/memblock.c: memblock_add_node(); mm/sparse.c: memory_present()',
  kernelText: [],
  appliesTo: {},
  doc: [
    'Each physical page belongs to one memory range of one node. Overlapping ranges (often two nodes claiming the same',
    'address range) are merged by memblock and the overlap is counted once; which node owns it depends on the order. The',
    'firmware tables (E820 / SRAT) never describe this, so the config is wrong.',
    '',
    '**Fix:** make the ranges disjoint.',
  ].join('\n'),
  check(ctx) {
    const ram = occupants(ctx).filter((o) => o.kind === 'ram');
    return overlaps(ram).map(([a, b]) => {
      const fixes: FixSpec[] = [];
      if (b.end > a.end && b.start >= a.start) {
        fixes.push({
          title: `Start the range at ${formatHex(a.end)}, after the overlap`,
          ops: [set([...b.path, 'start'], address(a.end)), set([...b.path, 'size'], { kind: 'size', bytes: b.end - a.end })],
        });
      }
      return {
        path: [...b.path, 'start'],
        message: `${b.label} overlaps ${a.label} by ${bytesExact(Math.min(a.end, b.end) - Math.max(a.start, b.start))}: memblock merges them and counts the overlap once`,
        kernelText: '',
        related: [{ path: a.path, message: a.label }],
        fixes,
      };
    });
  },
};

/** The boot RAM ranges MM035 reports an overlap of, both sides (it reports at the later one, the earlier one related). */
export function overlappingRamRanges(ctx: RuleContext): JsonPath[] {
  return overlaps(occupants(ctx).filter((o) => o.kind === 'ram')).flatMap(([a, b]) => [a.path, b.path]);
}

export const otherNodeSpan: Rule = {
  id: 'MM036',
  slug: 'device-in-other-node-span',
  severity: 'warning',
  tradeOff: true,
  area: 'cross',
  title: 'Device or hot-added memory inside another node\'s span',
  reference: '§1, §7a (node spans)',
  kernelCitation: '[6.12] mm/memory_hotplug.c: move_pfn_range_to_zone(), resize_pgdat_range()',
  kernelText: [],
  appliesTo: {},
  doc: [
    'A node spans from the first to the last pfn of its memory. Device memory or hot-added memory assigned to node A but',
    'placed inside node B\'s span makes the spans of A and B interleave once it is onlined or mapped (the zone and',
    '`pgdat` of A grow across B). It works, but firmware normally gives such a range to B: check the device\'s',
    '`numa_node` / `target_node` against the SRAT.',
    '',
    '**Fix:** assign the memory to the node whose span it lies in, if that is what the firmware says.',
  ].join('\n'),
  check(ctx) {
    const out: RuleFinding[] = [];
    const P = ctx.profile.pageSize;
    const spans = ctx.sim.layout.nodes.filter((n) => n.endPfn > n.startPfn).map((n) => ({ id: n.id, start: n.startPfn * P, end: n.endPfn * P, path: n.path }));
    const ram = ctx.memo('ramIndex', () => new RangeIndex(occupants(ctx).filter((o) => o.kind === 'ram')));
    const consider = (path: JsonPath, what: string, node: number, start: number, end: number) => {
      if (end <= start || ram.find(start, end)) return; // overlaps: MM032 / MM034
      const own = spans.find((s) => s.id === node);
      if (own && own.start < end && start < own.end) return;
      const other = spans.find((s) => s.id !== node && s.start <= start && end <= s.end);
      if (!other) return;
      out.push({
        path: [...path, 'node'],
        message: `${what} ${hexRange(start, end)} is assigned to node ${node} but lies inside the span of node ${other.id} (${hexRange(other.start, other.end)}): the spans of the two nodes will interleave`,
        kernelText: '',
        related: [{ path: other.path, message: `node ${other.id} spans ${hexRange(other.start, other.end)}` }],
        fixes: [{ title: `Assign it to node ${other.id}`, ops: [set([...path, 'node'], int(other.id))] }],
      });
    };
    for (const d of ctx.config.devices) if (hasStructPages(d)) consider(d.path, `device ${d.name}`, d.node, d.start, d.start + d.size);
    ctx.config.hotplug.forEach((h, i) => consider(h.path, `hotplug[${i}]`, h.node, h.start, h.start + h.size));
    return out;
  },
};

