// The editor features' words and numbers: CodeLens titles, hover markdown, alignment facts, quick fix
// titles, and which config object is at a cursor offset. Pure functions over the core's results (no
// vscode, no heavy imports: types, the small units module and one pure function of the core's sparse
// layout), unit-tested in test/unit/ext-*.
import { divFloor, divRoundUp, formatBytes, formatHex } from '../config/units';
import { sectionSpan } from '../core/sparse';
import type { Range } from '../config/source';
import type { JsonPath, WorkloadConfig } from '../config/types';
import type { DeviceMemmap, HotplugMemmap, HugetlbMemmap, MemmapResult, MemmapSummary, NodeMemmap } from '../core/types';
import type { DeviceTiming, HugetlbTiming, NodeTiming, TimingResult } from '../core/init/types';

/** What the dashboard focuses on (src/protocol/dashboard.ts FocusSchema: node "0", device or "hotplug[i]", scenario name). */
export interface Focus {
  kind: 'node' | 'device' | 'scenario';
  name: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const count = (n: number) => n.toLocaleString('en-US');

/** "0.42 ms", "7.3 ms", "137 ms", "1.1 s", "3.2 s", "125 s". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 100_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 1000)} s`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Bytes to 3-4 significant digits for one-line titles: "6 GiB", "1.1 GiB", "34.9 GiB", "1022 MiB" (hovers keep exact figures). */
export function approxBytes(n: number): string {
  const a = Math.abs(n);
  let u = 0;
  while (u < UNITS.length - 1 && a >= 1024 ** (u + 1)) u++;
  const v = a / 1024 ** u;
  const shown = Number.isInteger(v) ? String(v) : v < 100 ? v.toFixed(1) : v.toFixed(0);
  return `${n < 0 ? '-' : ''}${shown} ${UNITS[u]}`;
}

/** A signed byte difference: "+24 GiB", "-6 GiB", "+18.0 GiB", "±0". */
export function formatDelta(bytes: number): string {
  if (bytes === 0) return '±0';
  return `${bytes > 0 ? '+' : '-'}${approxBytes(Math.abs(bytes))}`;
}

// ---------------------------------------------------------------------------------------------
// Alignment

/** A granule the kernel cares about: page, sub-section, section, memory block, a device's align. */
export interface Granule {
  bytes: number;
  name: string;
}

export interface GranuleLayout {
  pageSize: number;
  sectionSize: number;
  pagesPerSubsection: number;
  memoryBlockBytes: number;
}

/** The granules of a layout (plus extra ones, e.g. a namespace's align), ascending; equal sizes share one entry. */
export function granulesOf(layout: GranuleLayout, extra: readonly Granule[] = []): Granule[] {
  const all: Granule[] = [
    { bytes: layout.pageSize, name: 'page' },
    { bytes: layout.pagesPerSubsection * layout.pageSize, name: 'sub-section' },
    { bytes: layout.sectionSize, name: 'section' },
    { bytes: layout.memoryBlockBytes, name: 'memory block' },
    ...extra,
  ];
  const bySize = new Map<number, string[]>();
  for (const g of all) {
    if (!(g.bytes > 0)) continue;
    const names = bySize.get(g.bytes) ?? [];
    if (!names.includes(g.name)) names.push(g.name);
    bySize.set(g.bytes, names);
  }
  return [...bySize.entries()].sort((a, b) => a[0] - b[0]).map(([bytes, names]) => ({ bytes, name: names.join(', ') }));
}

const granule = (g: Granule) => `${formatBytes(g.bytes)} (${g.name})`;

/**
 * Which granules a value satisfies and the first it breaks:
 *   address: "`0x3043200000` is 2 MiB aligned (sub-section) but not 128 MiB (section)"
 *   size:    "78 MiB is a multiple of 2 MiB (sub-section) but not of 128 MiB (section)"
 */
export function describeAlignment(value: number, granules: readonly Granule[], kind: 'address' | 'size'): string {
  const shown = kind === 'address' ? `\`${formatHex(value)}\`` : formatBytes(value);
  if (!granules.length) return shown;
  if (value === 0) return `${shown} is aligned to every granule`;
  const ok = granules.filter((g) => value % g.bytes === 0);
  const bad = granules.find((g) => value % g.bytes !== 0);
  const best = ok[ok.length - 1];
  if (kind === 'address') {
    if (!best) return `${shown} is not even ${granule(bad!)} aligned`;
    if (!bad) return `${shown} is ${granule(best)} aligned${ok.length > 1 ? `, and so on every smaller granule (${ok.slice(0, -1).map((g) => g.name).join(', ')})` : ''}`;
    return `${shown} is ${granule(best)} aligned but not ${granule(bad)}`;
  }
  if (!best) return `${shown} is not a multiple of ${granule(bad!)}`;
  if (!bad) return `${shown} is a multiple of ${granule(best)}${ok.length > 1 ? `, and so of every smaller granule (${ok.slice(0, -1).map((g) => g.name).join(', ')})` : ''}`;
  return `${shown} is a multiple of ${granule(best)} but not of ${granule(bad)}`;
}

// ---------------------------------------------------------------------------------------------
// Which config object is at an offset

export type ElementKind = 'machine' | 'node' | 'range' | 'device' | 'hotplug' | 'hugetlb' | 'scenario';

export interface ConfigElement {
  kind: ElementKind;
  /** Index in config.nodes / devices / hotplug / hugetlb / scenarios (for 'range': the node's). */
  index: number;
  /** 'range': index in the node's ranges. */
  sub?: number;
  path: JsonPath;
  /** Source range of the whole object. */
  range: Range;
  /** The member under the cursor (key or value), when there is one. */
  field?: { key: string; range: Range };
}

/** Where a config path is written: SourceDoc.rangeOf (part 'key' for a member's key). */
export type RangeOf = (path: JsonPath, part?: 'value' | 'key') => Range | null;

const FIELDS = ['id', 'cpus', 'name', 'node', 'kind', 'mode', 'start', 'size', 'align', 'map', 'memmapOnMemory', 'pageSize', 'count', 'set', 'description'];

/** The top-level members that describe the machine as a whole (their hover: what the simulator takes for
 *  this arch and kernel). */
const MACHINE_KEYS = ['arch', 'kernel'];

/** Nodes, node ranges, devices, hot-adds, HugeTLB pools and scenarios with their paths, in config order. */
export function elementsOf(config: WorkloadConfig): Omit<ConfigElement, 'range' | 'field'>[] {
  const out: Omit<ConfigElement, 'range' | 'field'>[] = [];
  config.nodes.forEach((n, i) => {
    out.push({ kind: 'node', index: i, path: n.path });
    n.ranges.forEach((r, j) => out.push({ kind: 'range', index: i, sub: j, path: r.path }));
  });
  config.devices.forEach((d, i) => out.push({ kind: 'device', index: i, path: d.path }));
  config.hotplug.forEach((h, i) => out.push({ kind: 'hotplug', index: i, path: h.path }));
  config.hugetlb.forEach((h, i) => out.push({ kind: 'hugetlb', index: i, path: h.path }));
  config.scenarios.forEach((s, i) => out.push({ kind: 'scenario', index: i, path: s.path }));
  return out;
}

/** Two config paths name the same object (["devices", 0] and ["devices", "0"] alike). */
export const samePath = (a: JsonPath, b: JsonPath) => a.length === b.length && a.every((x, i) => String(x) === String(b[i]));

const within = (r: Range, offset: number) => r.start <= offset && offset <= r.end;

/** The innermost node range, node, device, hot-add, pool or scenario written around `offset`, with the member under it. */
export function elementAt(config: WorkloadConfig, rangeOf: RangeOf, offset: number): ConfigElement | null {
  // `arch: ...` and the `kernel:` block, key or value: the machine.
  for (const key of MACHINE_KEYS) {
    const k = rangeOf([key], 'key');
    const v = rangeOf([key]);
    if (!v) continue;
    const range = { start: Math.min(k?.start ?? v.start, v.start), end: Math.max(k?.end ?? v.end, v.end) };
    if (within(range, offset)) return { kind: 'machine', index: 0, path: [key], range };
  }
  let best: ConfigElement | null = null;
  for (const e of elementsOf(config)) {
    const range = rangeOf(e.path);
    if (!range || !within(range, offset)) continue;
    if (best && range.end - range.start >= best.range.end - best.range.start) continue;
    best = { ...e, range };
  }
  if (!best) return null;
  for (const key of FIELDS) {
    const k = rangeOf([...best.path, key], 'key');
    const v = rangeOf([...best.path, key]);
    if (!v) continue;
    if ((k && within(k, offset)) || within(v, offset)) {
      best.field = { key, range: { start: Math.min(k?.start ?? v.start, v.start), end: Math.max(k?.end ?? v.end, v.end) } };
      break;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Quick fixes

/** The first kernel function a rule cites: "[6.12] mm/memory_hotplug.c: check_pfn_span(); ..." -> "check_pfn_span()". */
export function kernelFunction(citation: string): string | null {
  return /([A-Za-z_][A-Za-z0-9_]*)\(\)/.exec(citation)?.[0] ?? null;
}

/** "Shrink to whole sections: start 0x3048000000, size 65408 MiB (MM004, vmemmap_populate())". */
export function quickFixTitle(fixTitle: string, rule: { id: string; slug: string; kernelCitation: string }): string {
  return `${fixTitle} (${rule.id}, ${kernelFunction(rule.kernelCitation) ?? rule.slug})`;
}

// ---------------------------------------------------------------------------------------------
// CodeLens titles

const SIMULATE = '▶ Simulate';

function where(d: { location?: string; ramBytes: number; deviceBytes: number }, bytes: number): string {
  if (bytes === 0) return 'no memmap';
  if (d.deviceBytes > 0 && d.ramBytes > 0) return `${approxBytes(bytes)} memmap (${approxBytes(d.deviceBytes)} on device, ${approxBytes(d.ramBytes)} in RAM)`;
  return `${approxBytes(bytes)} memmap ${d.deviceBytes > 0 ? 'on device' : 'in RAM'}`;
}

/** "▶ Simulate · node 0 · 6 GiB memmap in RAM · 138 ms deferred init". */
export function nodeLensTitle(n: NodeMemmap, t: NodeTiming | undefined): string {
  const parts = [SIMULATE, `node ${n.id}`, n.bootMemmapBytes ? `${approxBytes(n.bootMemmapBytes)} memmap in RAM` : 'no memory'];
  if (t && t.deferredPages > 0) parts.push(`${formatMs(t.deferredMs)} deferred init`);
  else if (t && t.earlyPages > 0) parts.push(`${formatMs(t.earlyMs)} init`);
  return parts.join(' · ');
}

/** "▶ Simulate · 24 GiB memmap on device · 1.1 s init" (a dax/kmem device: its hot-add's figures). */
export function deviceLensTitle(d: DeviceMemmap, t: DeviceTiming | undefined, hot: HotplugMemmap | undefined): string {
  if (d.status === 'failed' || hot?.status === 'failed') return `${SIMULATE} · ${d.name} is refused by the simulated kernel (see Problems)`;
  if (d.status === 'no-struct-pages') return `${SIMULATE} · ${d.name}: no struct pages (${d.mode})`;
  const parts = [SIMULATE];
  if (hot) parts.push(hot.memmapOnMemory ? `${approxBytes(hot.memmapBytes)} memmap on the memory itself` : where({ ramBytes: hot.ramBytes, deviceBytes: hot.selfHostedBytes }, hot.memmapBytes));
  else parts.push(where(d, d.memmapBytes));
  if (d.dedupSavedBytes > 0) parts.push(`${approxBytes(d.dedupSavedBytes)} saved by dedup`);
  if (t) parts.push(`${formatMs(t.initMs)} init`);
  return parts.join(' · ');
}

/** "▶ Simulate · hot-add · 64 MiB memmap in RAM · 9.3 ms online". */
export function hotplugLensTitle(h: HotplugMemmap, t: DeviceTiming | undefined): string {
  if (h.status === 'failed') return `${SIMULATE} · this hot-add is refused by the simulated kernel (see Problems)`;
  const parts = [SIMULATE, `hot-add ${plural(h.blocks, 'block')}`, h.memmapOnMemory ? `${approxBytes(h.memmapBytes)} memmap on the memory itself` : where({ ramBytes: h.ramBytes, deviceBytes: h.selfHostedBytes }, h.memmapBytes)];
  if (t) parts.push(`${formatMs(t.initMs)} online`);
  return parts.join(' · ');
}

/** What the CodeLens and hovers show of the timing model: the init times per node, device and pool (the
 *  spans, threads and critical path - megabytes for a big machine - are the dashboard's, computed there). */
export type TimingFigures = Pick<TimingResult, 'bootMs' | 'endMs' | 'nodes' | 'devices' | 'hugetlb'>;

/** The memmap totals a scenario is compared on. */
export type MemmapTotals = Pick<MemmapSummary, 'totalBytes' | 'ramBytes' | 'deviceBytes' | 'savedBytes'>;

/** Figures of one scenario variant, shown next to the base config's. */
export interface ScenarioFigures {
  /** null: the variant does not load or simulate (`error` says why). */
  memmap: MemmapTotals | null;
  /** The simulated kernel's failures in the variant. */
  kernelFailures: number;
  timing: Pick<TimingResult, 'bootMs' | 'endMs'> | null;
  /** The variant does not load or simulate (its problems are in the Problems panel). */
  error: string | null;
}

/** "▶ Simulate · memmap 30 GiB (+24 GiB) · RAM -6 GiB · init 1.8 s (+120 ms)". */
export function scenarioLensTitle(base: { sim: MemmapResult; timing: TimingFigures | null }, v: ScenarioFigures): string {
  if (!v.memmap) return `${SIMULATE} · scenario does not simulate: ${v.error ?? 'see Problems'}`;
  const a = base.sim.memmap.totalBytes;
  const b = v.memmap.totalBytes;
  const parts = [SIMULATE, `memmap ${approxBytes(b)} (${formatDelta(b - a)})`];
  const ram = v.memmap.ramBytes - base.sim.memmap.ramBytes;
  if (ram !== 0) parts.push(`RAM ${formatDelta(ram)}`);
  if (v.timing) {
    const d = base.timing ? v.timing.endMs - base.timing.endMs : null;
    parts.push(`init ${formatMs(v.timing.endMs)}${d === null ? '' : ` (${d === 0 ? '±0' : `${d > 0 ? '+' : '-'}${formatMs(Math.abs(d))}`})`}`);
  }
  return parts.join(' · ');
}

// ---------------------------------------------------------------------------------------------
// Hovers (markdown)

/** Markdown-safe inline code. */
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

function row(label: string, value: string): string {
  return `| ${label} | ${value.replace(/\|/g, '\\|')} |`;
}

function table(rows: [string, string][]): string {
  if (!rows.length) return '';
  return ['| | |', '|---|---|', ...rows.map(([l, v]) => row(l, v))].join('\n');
}

/** What the arch/kernel features of the simulated machine mean (src/core/arch.ts ArchFeatures). */
const FEATURES: [keyof MemmapResult['arch']['features'], string][] = [
  ['zoneDevice', 'ZONE_DEVICE (fsdax, devdax, P2PDMA, device-private)'],
  ['altmap', 'vmem_altmap: the memmap on the device (arch_add_memory() takes an altmap)'],
  ['daxVmemmapDedup', 'compound devmap vmemmap dedup (ARCH_WANT_OPTIMIZE_DAX_VMEMMAP)'],
  ['hvo', 'HugeTLB vmemmap optimization (HUGETLB_PAGE_OPTIMIZE_VMEMMAP)'],
  ['hvoReservePages', 'vmemmap pages HVO keeps per huge page'],
  ['memmapOnMemory', 'memory_hotplug.memmap_on_memory (ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE)'],
  ['memmapOnMemoryFallback', 'memmap_on_memory: per-block check, `force`, fallback to a RAM memmap'],
  ['daxKmemMemmapOnMemory', 'dax/kmem memmap_on_memory (per-block altmaps)'],
  ['memmapVmstat', '/proc/vmstat nr_memmap_pages, nr_memmap_boot_pages'],
  ['deferredInitThreads', 'deferred struct page init threads (deferred_page_init_max_threads())'],
];

/** The hover over `arch` and `kernel`: what the simulator takes for this architecture and kernel version. */
export function machineHover(sim: MemmapResult): string {
  const a = sim.arch;
  const l = sim.layout;
  const feature = (v: boolean | number | string) => (v === true ? 'yes' : v === false ? 'no' : v === 'node-cpus' ? 'one per CPU of the node' : v === 'one' ? 'one' : String(v));
  const rows: [string, string][] = [
    ['page size', formatBytes(a.pageSize)],
    ['struct page', `${a.structPageSize} B`],
    ['section', `${formatBytes(a.sectionSize)} (${count(a.pagesPerSection)} pages)`],
    ['sub-section', `${formatBytes(l.pagesPerSubsection * a.pageSize)} (${count(l.pagesPerSubsection)} pages)`],
    ['PMD', formatBytes(a.pmdSize)],
    ['pageblock', `${count(a.pageblockPages)} pages (${formatBytes(a.pageblockPages * a.pageSize)})`],
    ['memory block', `${formatBytes(l.memoryBlockBytes)} (${plural(l.sectionsPerBlock, 'section')}): ${l.memoryBlockReason}`],
    ['physical address bits', `${a.maxPhysmemBits} (MAX_PHYSMEM_BITS: ${formatBytes(2 ** a.maxPhysmemBits)})`],
    ['memremap_compat_align()', formatBytes(a.memremapCompatAlign)],
    ['vmemmap', a.vmemmap],
    ...FEATURES.filter(([k]) => k in a.features).map(([k, label]): [string, string] => [label, feature(a.features[k])]),
  ];
  return [`**${a.arch}, Linux ${a.kernel}** as the simulator models it`, '', ...(a.releaseNote ? [`${a.releaseNote}.`, ''] : []), table(rows)].join('\n');
}

export function nodeHover(n: NodeMemmap, t: NodeTiming | undefined, pools: readonly HugetlbMemmap[], sim: MemmapResult): string {
  const a = sim.arch;
  const rows: [string, string][] = [
    ['present sections', `${count(n.presentSections)} × ${formatBytes(a.sectionSize)}`],
    ['struct pages', `${count(n.structPages)} (${count(n.unavailablePages)} of them for holes)`],
    ['boot memmap', `${formatBytes(n.bootMemmapBytes)} in node ${n.id} RAM (sparse_init(), ${a.structPageSize} B per struct page)`],
    ['vmemmap page tables', formatBytes(n.pageTableBytes)],
  ];
  const freed = pools.reduce((s, p) => s + p.freedBytes, 0);
  if (freed) rows.push(['freed by HVO', `${formatBytes(freed)} (HugeTLB pools of node ${n.id})`]);
  if (t) {
    rows.push(['early init (boot CPU)', `${formatMs(t.earlyMs)} for ${count(t.earlyPages)} struct pages`]);
    if (t.deferredPages) rows.push(['deferred init', `${formatMs(t.deferredMs)} on ${plural(t.threads, 'thread')} for ${count(t.deferredPages)} struct pages`]);
  }
  return [`**node ${n.id}**: ${formatBytes(n.bootMemmapBytes)} of memmap for ${formatBytes(n.presentPages * a.pageSize)} of RAM`, '', table(rows)].join('\n');
}

export function rangeHover(nodeId: number, start: number, size: number, sim: MemmapResult, granules: readonly Granule[]): string {
  const a = sim.arch;
  const end = start + size;
  const span = sectionSpan({ startPfn: divFloor(start, a.pageSize), endPfn: divRoundUp(end, a.pageSize) }, a.pagesPerSection);
  const [first, last] = [span.start, span.end];
  const sections = Math.max(0, last - first);
  const memmap = sections * a.pagesPerSection * a.structPageSize;
  const rows: [string, string][] = [
    ['range', `${code(formatHex(start))} – ${code(formatHex(end - 1))} (${formatBytes(size)})`],
    ['sections', `${count(sections)} (${first} – ${last - 1}) × ${formatBytes(a.sectionSize)}`],
    ['struct pages', `${count(sections * a.pagesPerSection)} ≈ ${formatBytes(memmap)} of memmap in node ${nodeId} RAM`],
    ['start', describeAlignment(start, granules, 'address')],
    ['end', describeAlignment(end, granules, 'address')],
  ];
  return [`**node ${nodeId} RAM range**`, '', table(rows)].join('\n');
}

function altmapRows(d: DeviceMemmap, pageSize: number): [string, string][] {
  if (!d.altmap) return [];
  const m = d.altmap;
  return [['altmap', `reserve ${count(m.reserve)}, free ${count(m.free)}, used ${count(m.alloc)} + ${count(m.align)} padding, unused ${count(m.unusedPages)} pages (${formatBytes(m.unusedPages * pageSize)})`]];
}

export function deviceHover(d: DeviceMemmap, t: DeviceTiming | undefined, hot: HotplugMemmap | undefined, sim: MemmapResult): string {
  const a = sim.arch;
  const head = `**${d.name}** (${d.kind} ${d.mode}, map=${d.map}, node ${d.node})`;
  if (d.status === 'failed') return `${head}: refused by the simulated kernel, nothing is mapped (see the problem on this device)`;
  const rows: [string, string][] = [['struct pages', `${count(d.structPages)}${d.initializedStructPages !== d.structPages ? ` (${count(d.initializedStructPages)} written by memmap_init_zone_device())` : ''}`]];
  if (hot) {
    rows.push(['memmap', `${formatBytes(hot.memmapBytes)}: ${hot.memmapOnMemory ? `${formatBytes(hot.selfHostedBytes)} on the hot-added memory itself (memmap_on_memory)` : `${formatBytes(hot.ramBytes)} in RAM`}`]);
    rows.push(['onlined', `${plural(hot.blocks, 'memory block')}, ${formatBytes(hot.usableBytes)} usable`]);
    if (hot.wastedBytes) rows.push(['wasted', `${formatBytes(hot.wastedBytes)} of memmap_on_memory padding`]);
  } else {
    rows.push(['memmap', `${formatBytes(d.memmapBytes)}: ${d.location === 'split' ? `${formatBytes(d.deviceBytes)} on the device, ${formatBytes(d.ramBytes)} in RAM` : d.location === 'device' ? 'on the device (altmap)' : d.location === 'ram' ? 'in system RAM' : 'none'}`]);
  }
  if (d.dedupSavedBytes) rows.push(['saved', `${formatBytes(d.dedupSavedBytes)} by compound devmap dedup (vmemmap_can_optimize())`]);
  rows.push(['vmemmap page tables', formatBytes(d.pageTableBytes)]);
  if (d.dataOffsetBytes) rows.push(['info block', `data offset ${formatBytes(d.dataOffsetBytes)}, ${count(d.usablePages)} usable pages`]);
  rows.push(...altmapRows(d, a.pageSize));
  if (t) rows.push(['init', `${formatMs(t.initMs)} struct page init + ${formatMs(t.populateMs)} under mem_hotplug_lock${t.lockWaitMs ? `, ${formatMs(t.lockWaitMs)} waiting for it` : ''}; ready at ${formatMs(t.readyAtMs)}`]);
  return [head, '', table(rows)].join('\n');
}

export function hotplugHover(index: number, h: HotplugMemmap, t: DeviceTiming | undefined): string {
  const head = `**hotplug[${index}]** (node ${h.node}${h.requested ? ', MHP_MEMMAP_ON_MEMORY requested' : ''})`;
  if (h.status === 'failed') return `${head}: refused by the simulated kernel, nothing is added (see the problem on this hot-add)`;
  const rows: [string, string][] = [
    ['blocks', `${plural(h.blocks, 'memory block')}, ${formatBytes(h.usableBytes)} usable`],
    ['struct pages', count(h.structPages)],
    ['memmap', `${formatBytes(h.memmapBytes)}: ${h.memmapOnMemory ? `on the hot-added memory itself (${count(h.memmapPagesPerBlock)} pages per block)` : 'in RAM'}`],
  ];
  if (h.wastedBytes) rows.push(['wasted', `${formatBytes(h.wastedBytes)} (memmap_on_memory=force padding)`]);
  rows.push(['vmemmap page tables', formatBytes(h.pageTableBytes)]);
  if (t) rows.push(['online', `${formatMs(t.initMs)} + ${formatMs(t.populateMs)} add_memory_resource()${t.lockWaitMs ? `, ${formatMs(t.lockWaitMs)} waiting for mem_hotplug_lock` : ''}; ready at ${formatMs(t.readyAtMs)}`]);
  return [head, '', table(rows)].join('\n');
}

const HVO: Record<HugetlbMemmap['hvo'], string> = {
  optimized: 'on: HugeTLB vmemmap optimization frees the tail vmemmap pages',
  disabled: 'off (hugetlb_free_vmemmap=off)',
  unavailable: 'not available on this arch / kernel',
  'not-power-of-two': 'not possible: sizeof(struct page) is not a power of two',
  'partly-self-hosted': 'partly: some pages sit on memory whose memmap is self-hosted (memmap_on_memory)',
  'self-hosted': 'not possible: the memory hosts its own memmap (memmap_on_memory)',
};

/** How many pages of a pool the kernel allocates, and where (memblock takes gigantic pages from other nodes
 *  when the pool's node is full). */
export function hugetlbPagesText(p: Pick<HugetlbMemmap, 'allocated' | 'count' | 'node' | 'offNode'>): string {
  const off = p.offNode.reduce((s, o) => s + o.pages, 0);
  const where = off ? `${count(p.allocated - off)} on node ${p.node}, ${p.offNode.map((o) => `${count(o.pages)} from node ${o.node}`).join(', ')}` : `on node ${p.node}`;
  return `${count(p.allocated)} of ${count(p.count)} requested allocated ${off ? `(${where})` : where}`;
}

export function hugetlbHover(p: HugetlbMemmap, t: HugetlbTiming | undefined): string {
  const rows: [string, string][] = [
    ['pages', hugetlbPagesText(p)],
    ['vmemmap per page', `${formatBytes(p.vmemmapBytesPerPage)} (${formatBytes(p.optimizableBytesPerPage)} optimizable)`],
    ['HVO', HVO[p.hvo] ?? p.hvo],
  ];
  if (p.freedBytes) rows.push(['saved', `${formatBytes(p.freedBytes)} freed (${formatBytes(p.freedBytesPerPage)} per page × ${count(p.optimizedPages)})`]);
  if (p.pageTableBytes) rows.push(['vmemmap page tables', `${formatBytes(p.pageTableBytes)} (PMD splits)`]);
  if (t) rows.push(['init', `${formatMs(t.initMs)}${t.hvoMs ? `, of which HVO ${formatMs(t.hvoMs)}` : ''}`]);
  const lines = [`**HugeTLB pool**: ${count(p.count)} × ${formatBytes(p.pageSizeBytes)} on node ${p.node}`, '', table(rows)];
  if (p.kernelMessages.length) lines.push('', ...p.kernelMessages.map((m) => `    ${m.trimEnd()}`));
  return lines.join('\n');
}

function summaryRows(m: MemmapTotals, v: MemmapTotals): [string, string][] {
  const cmp = (a: number, b: number) => (a === b ? formatBytes(b) : `${formatBytes(a)} → ${formatBytes(b)} (${formatDelta(b - a)})`);
  return [
    ['memmap', cmp(m.totalBytes, v.totalBytes)],
    ['in RAM', cmp(m.ramBytes, v.ramBytes)],
    ['on devices', cmp(m.deviceBytes, v.deviceBytes)],
    ['saved (dedup + HVO)', cmp(m.savedBytes.dedup + m.savedBytes.hvo, v.savedBytes.dedup + v.savedBytes.hvo)],
  ];
}

export function scenarioHover(name: string, base: { sim: MemmapResult; timing: TimingFigures | null }, v: ScenarioFigures): string {
  const head = `**scenario '${name}'** compared with the base config`;
  if (!v.memmap) return `${head}: does not simulate (${v.error ?? 'see Problems'})`;
  const rows = summaryRows(base.sim.memmap, v.memmap);
  if (base.timing && v.timing) {
    rows.push(['boot memory init', base.timing.bootMs === v.timing.bootMs ? formatMs(v.timing.bootMs) : `${formatMs(base.timing.bootMs)} → ${formatMs(v.timing.bootMs)}`]);
    rows.push(['everything initialized', base.timing.endMs === v.timing.endMs ? formatMs(v.timing.endMs) : `${formatMs(base.timing.endMs)} → ${formatMs(v.timing.endMs)}`]);
  }
  if (v.kernelFailures) rows.push(['kernel failures', String(v.kernelFailures)]);
  return [head, '', table(rows)].join('\n');
}

/** The alignment line of a size/address member (start, size, align, pageSize), or null for other members. */
export function valueFacts(key: string, value: unknown, granules: readonly Granule[], start?: number): string | null {
  if (typeof value !== 'number') return null;
  if (key === 'start') return describeAlignment(value, granules, 'address');
  if (key === 'size') {
    const s = describeAlignment(value, granules, 'size');
    return start === undefined ? s : `${s}; the end ${describeAlignment(start + value, granules, 'address')}`;
  }
  if (key === 'align' || key === 'pageSize') return `${formatBytes(value)} = ${code(formatHex(value))}`;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Fix all

/** The one replacement that turns `before` into `after`: the differing middle between their common prefix and suffix. */
export function textChange(before: string, after: string): { range: Range; newText: string } | null {
  if (before === after) return null;
  let p = 0;
  const n = Math.min(before.length, after.length);
  while (p < n && before.charCodeAt(p) === after.charCodeAt(p)) p++;
  let s = 0;
  while (s < n - p && before.charCodeAt(before.length - 1 - s) === after.charCodeAt(after.length - 1 - s)) s++;
  return { range: { start: p, end: before.length - s }, newText: after.slice(p, after.length - s) };
}

/**
 * The replacements that turn `before` into `after` (Fix All's result as edits, so that VS Code keeps the cursor
 * and folding outside them): one per changed line when both have the same lines, else one for the differing middle.
 */
export function textChanges(before: string, after: string): { range: Range; newText: string }[] {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length !== b.length) {
    const c = textChange(before, after);
    return c ? [c] : [];
  }
  const out: { range: Range; newText: string }[] = [];
  let at = 0;
  for (let i = 0; i < a.length; i++) {
    const c = a[i] === b[i] ? null : textChange(a[i], b[i]);
    if (c) out.push({ range: { start: at + c.range.start, end: at + c.range.end }, newText: c.newText });
    at += a[i].length + 1;
  }
  return out;
}
