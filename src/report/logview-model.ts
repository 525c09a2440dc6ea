// The Memmap Log View's model: what the webview renders of a kernel log's analysis (src/trace), for one
// boot of the file, with the boot's timeline and, when a workload config is linked, the comparison.
// Pure: no I/O, deterministic, JSON-serializable (validated against src/protocol/logview.ts by the tests).
import { formatBytes, formatHex } from '../config/units';
import type { AnalysisFile, Boot, KernelError } from '../trace/types';
import { bootScore } from '../trace/boot';
import { diffBoots, diffChangeText, diffValueText } from '../trace/diff';
import { elixirIdentUrl, elixirTag } from './kernel-source';
import { FACT_VALUE_MAX, LOGVIEW_MODEL_VERSION, TIMELINE_LABEL_MAX, type BootChoice, type BootDiff, type BootView, type Comparison, type Fact, type LogTimeline, type LogViewModel } from '../protocol/logview';

/** At most this many ftrace functions / Chrome trace spans in the model. */
const MAX_FUNCTIONS = 200;
/** Frames kept per call trace. */
const MAX_FRAMES = 48;

export interface LogViewOptions {
  /** The log as the user should see it. */
  file: string;
  /** The boot to show (its index); default: defaultBoot(). Ignored when the file has no such boot. */
  boot?: number | null;
  link?: { uri: string; file: string } | null;
  comparison?: Comparison | null;
  /** Another boot to compare the boot shown with (its index); ignored when it is the boot shown or absent. */
  compareWith?: number | null;
  /** ... or a boot of another log (`file` as shown); it wins over compareWith. */
  compareOther?: { file: string; boot: Boot } | null;
}


export function defaultBoot(file: AnalysisFile): number | null {
  let best: Boot | null = null;
  for (const b of file.boots) if (!best || bootScore(b) >= bootScore(best)) best = b;
  return best ? best.index : null;
}

export function bootTitle(b: Boot): string {
  const who = [b.kernelVersion ? `Linux ${b.kernelVersion}` : 'kernel version not shown'];
  if (b.machine) who.push(`on ${b.machine}`);
  if (b.arch) who.push(`[${b.arch}]`);
  return who.join(' ');
}

const hex = (n: number | null): string | null => (n === null ? null : formatHex(n));
/** The protocol's limits on a timeline label and a fact's value: a log line can be longer. */
const LABEL_MAX = TIMELINE_LABEL_MAX;
const FACT_MAX = FACT_VALUE_MAX;
const cut = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** The input quirks in words. */
export function inputNotes(f: AnalysisFile): string[] {
  const q = f.input;
  const out: string[] = [];
  if (f.format !== 'kernel-log') return out;
  if (q.encoding) out.push(`${q.encoding}: transcoded to UTF-8`);
  if (q.crOnlyLineEndings) out.push('CR-only line endings: each CR read as a line break');
  if (q.quotedPrintable) out.push('quoted-printable (mail archive): soft line breaks joined');
  if (q.mailQuoted) out.push('mail quote marks removed');
  if (q.prefixes.length) out.push(`line prefixes removed: ${q.prefixes.join(', ')}`);
  if (q.rejoinedLines) out.push(`${q.rejoinedLines} hard-wrapped line${q.rejoinedLines === 1 ? '' : 's'} rejoined`);
  if (q.longLinesCut) out.push(`${q.longLinesCut} line${q.longLinesCut === 1 ? '' : 's'} longer than 1 MiB cut`);
  out.push(`timestamps: ${q.timestamps.join(', ') || 'none'}`);
  return out;
}

function overview(b: Boot): Fact[] {
  const out: Fact[] = [];
  const add = (label: string, value: string | null, line: number | null = null) => value !== null && out.push({ label, value: cut(value, FACT_MAX), line });
  if (b.kernel) {
    const from = b.kernel.source === 'linux-version' ? '' : b.kernel.source === 'oops-header' ? ' (from an oops header)' : ' (from the boot image name)';
    add('kernel', `${b.kernel.version}${b.kernel.distroVersion ? ` (${b.kernel.distroVersion})` : ''}${from}`, b.kernel.line);
  }
  add('machine', b.machine, b.machineLine);
  add('arch', b.arch);
  add('command line', b.commandLine, b.commandLineLine);
  add('wall clock', b.wallClock);
  add('lines', `${b.firstLine}–${b.lastLine}${b.boundary === 'start-of-file' ? '' : ` (new boot: ${b.boundary})`}`, b.firstLine || null);
  if (b.firstTimestamp !== null && b.lastTimestamp !== null) add('timestamps', `${b.timestamps}: ${b.firstTimestamp.toFixed(6)} – ${b.lastTimestamp.toFixed(6)} s`);
  add('page size', b.pageSizeBytes === null ? null : formatBytes(b.pageSizeBytes));
  if (b.zonelists) add('total pages', `${b.zonelists.count} zonelists, mobility grouping ${b.zonelists.mobilityGrouping ? 'on' : 'off'}, ${b.totalPages?.toLocaleString('en-US') ?? '?'} pages`, b.zonelists.line);
  add('memory block size', b.memoryBlockBytes === null ? null : formatBytes(b.memoryBlockBytes), b.memoryBlockLine);
  if (b.memmapPagesTotal !== null) add('pages used for memmap', `${b.memmapPagesTotal.toLocaleString('en-US')} (Σ of ${b.zoneMemmap.filter((z) => z.memmapPages !== null).length} zone lines)`, b.zoneMemmap[0]?.line ?? null);
  for (const i of b.initmem) add(`initmem node ${i.node}`, i.memoryless ? 'memoryless' : `${hex(i.start) ?? '?'}–${hex(i.end) ?? '?'}`, i.line);
  for (const m of b.movableZoneStart) add(`movable zone start node ${m.node}`, hex(m.start) ?? '?', m.line);
  for (const n of b.nodeTotalPages) add(`node ${n.node} total pages`, n.pages.toLocaleString('en-US'), n.line);
  for (const c of b.nodeCpus) add(`node ${c.node} CPUs`, c.cpus === '' ? 'none (CPU-less node)' : c.cpus, c.line);
  for (const c of b.cmaReservations) add('CMA', `${c.mib} MiB${c.base !== null ? ` at ${formatHex(c.base)}` : ''}`, c.line);
  if (b.factsDropped) add('facts not kept', `${b.factsDropped} (per-boot limit)`);
  for (const x of b.numbersTooLarge) add('number too large', `${x.number} is above 2^53 - 1: ${x.kept ? 'read with that value left out' : 'message not read'}: "${x.text}"`, x.line);
  return out;
}

function memoryFields(b: Boot): BootView['memory'] {
  const m = b.memory;
  if (!m) return null;
  const fields: { label: string; kib: number }[] = [];
  const f = (label: string, v: number | null) => v !== null && fields.push({ label, kib: v });
  f('available', m.availableKiB);
  f('total', m.totalKiB);
  f('kernel code', m.kernelCodeKiB);
  f('rwdata', m.rwdataKiB);
  f('rodata', m.rodataKiB);
  f('data', m.dataKiB);
  f('init', m.initKiB);
  f('bss', m.bssKiB);
  f('reserved', m.reservedKiB);
  f('cma-reserved', m.cmaReservedKiB);
  f('highmem', m.highmemKiB);
  f('absent', m.absentKiB);
  return { availableKiB: m.availableKiB, totalKiB: m.totalKiB, fields, line: m.line, t: m.t };
}

function hugetlbEvents(b: Boot): Fact[] {
  const out: Fact[] = [];
  for (const a of b.hugetlbAllocations) out.push({ label: 'allocation', value: `took ${a.ms} ms${a.threads !== null ? ` with ${a.threads} threads` : ''}${b.hugetlbTwoPhase ? ' (two-phase)' : ''}`, line: a.line });
  for (const x of b.hugetlbAllocationFailures) out.push({ label: 'allocation failed', value: `${x.allocatedPages} of ${x.requestedPages} ${formatBytes(x.pageSizeBytes)} pages${x.node !== null ? ` on node ${x.node}` : ''}`, line: x.line });
  if (b.hugetlbOptimizedAtBoot) out.push({ label: 'HVO at boot', value: `${b.hugetlbOptimizedAtBoot.pages} huge pages whose vmemmap is optimized`, line: b.hugetlbOptimizedAtBoot.line });
  for (const c of b.hugetlbCma) out.push({ label: 'hugetlb_cma', value: `${c.mib} MiB${c.node !== null ? ` on node ${c.node}` : ''}`, line: c.line });
  return out;
}

function otherFacts(b: Boot): Fact[] {
  const out: Fact[] = [];
  for (const d of b.deviceMemory) {
    const where = d.start !== null ? ` [${formatHex(d.start)}-${d.end === null ? '?' : formatHex(d.end)}]` : '';
    out.push({ label: d.kind === 'p2pdma' ? 'P2PDMA memory' : 'device-private memory', value: `${[d.driver, d.device].filter(Boolean).join(' ') || '?'}${where}${d.bytes !== null ? ` ${formatBytes(d.bytes)}` : ''}`, line: d.line });
  }
  for (const h of b.hotplug) out.push({ label: `hotplug: ${h.kind}`, value: cut(h.text, FACT_MAX), line: h.line });
  for (const u of b.unavailableRanges) out.push({ label: 'unavailable ranges', value: `${u.pages.toLocaleString('en-US')} pages${u.node !== null ? ` on node ${u.node}` : ''}${u.zone ? `, zone ${u.zone}` : ''}`, line: u.line });
  for (const z of b.zoneMemmap) {
    const bits = [z.memmapPages !== null ? `${z.memmapPages.toLocaleString('en-US')} pages used for memmap` : null, z.reservedPages !== null ? `${z.reservedPages.toLocaleString('en-US')} reserved` : null, z.presentPages !== null ? `${z.presentPages.toLocaleString('en-US')} present` : null].filter(Boolean);
    out.push({ label: `${z.node !== null ? `node ${z.node} ` : ''}${z.zone} zone`, value: bits.join(', ') || 'listed', line: z.line });
  }
  if (b.lsmem) {
    const l = b.lsmem;
    out.push({ label: 'lsmem', value: `block ${l.blockSizeBytes !== null ? formatBytes(l.blockSizeBytes) : '?'}, online ${l.totalOnlineBytes !== null ? formatBytes(l.totalOnlineBytes) : '?'}, offline ${l.totalOfflineBytes !== null ? formatBytes(l.totalOfflineBytes) : '?'}`, line: l.ranges[0]?.line ?? null });
    for (const r of l.ranges) out.push({ label: `lsmem blocks ${r.firstBlock ?? '?'}${r.lastBlock !== r.firstBlock ? `-${r.lastBlock ?? '?'}` : ''}`, value: `${r.state}${r.sizeBytes !== null ? ` ${formatBytes(r.sizeBytes)}` : ''}${r.zones ? ` ${r.zones}` : ''}${r.node !== null ? ` node ${r.node}` : ''}`, line: r.line });
  }
  return out;
}

/** Greedy lane packing: the first row of `rows` whose last bar ends before `start`, else a new one. */
function lane(rowsEnd: number[], start: number, end: number): number {
  for (let i = 0; i < rowsEnd.length; i++) {
    if (rowsEnd[i] <= start) {
      rowsEnd[i] = end;
      return i;
    }
  }
  rowsEnd.push(end);
  return rowsEnd.length - 1;
}

/**
 * The boot's timeline, or why there is none. Durations the log prints end at the line's timestamp: deferred
 * init ("node N deferred pages initialised in Mms": printed by the node's pgdatinit thread when it is
 * done), memmap_init_zone_device ("initialised N pages in Mms"), the HugeTLB allocation ("allocation took").
 */
export function bootTimeline(b: Boot): { timeline: LogTimeline | null; note: string | null } {
  if (b.timestamps === 'none') return { timeline: null, note: 'The log has no timestamps (dmesg -t, or an excerpt without them): no timeline.' };
  const rows: string[] = [];
  const bars: LogTimeline['bars'] = [];
  const markers: LogTimeline['markers'] = [];

  // Deferred init: one row per node, in node order.
  const nodes = [...new Set(b.deferredInit.filter((d) => d.t !== null).map((d) => d.node))].sort((x, y) => x - y);
  for (const node of nodes) {
    const row = rows.push(`node ${node} deferred init`) - 1;
    for (const d of b.deferredInit) {
      if (d.node !== node || d.t === null) continue;
      bars.push({ row, startS: d.t - d.ms / 1000, endS: d.t, kind: 'deferredInit', label: `node ${d.node}: deferred_init_memmap ${d.ms} ms${d.pages !== null ? `, ${d.pages.toLocaleString('en-US')} pages` : ''}`, line: d.line });
    }
  }
  // ZONE_DEVICE init and HugeTLB allocations: rows packed so that bars do not overlap.
  const packed = (kind: 'zoneDeviceInit' | 'hugetlbAlloc', name: string, items: { start: number; end: number; label: string; line: number }[]) => {
    const ends: number[] = [];
    const placed = items.sort((x, y) => x.start - y.start).map((it) => ({ it, lane: lane(ends, it.start, it.end) }));
    const first = rows.length;
    for (let i = 0; i < ends.length; i++) rows.push(ends.length === 1 ? name : `${name} ${i + 1}`);
    for (const { it, lane: l } of placed) bars.push({ row: first + l, startS: it.start, endS: it.end, kind, label: cut(it.label, LABEL_MAX), line: it.line });
  };
  packed(
    'zoneDeviceInit',
    'ZONE_DEVICE init',
    b.zoneDevice.filter((z) => z.t !== null).map((z) => ({ start: z.t! - z.ms / 1000, end: z.t!, label: `memmap_init_zone_device: ${z.pages.toLocaleString('en-US')} pages in ${z.ms} ms`, line: z.line })),
  );
  packed(
    'hugetlbAlloc',
    'HugeTLB allocation',
    b.hugetlbAllocations.filter((a) => a.t !== null).map((a) => ({ start: a.t! - a.ms / 1000, end: a.t!, label: `HugeTLB allocation ${a.ms} ms${a.threads !== null ? ` with ${a.threads} threads` : ''}`, line: a.line })),
  );

  const mark = (t: number | null, kind: LogTimeline['markers'][number]['kind'], label: string, ln: number) => {
    if (t === null) return;
    markers.push({ atS: t, kind, label: cut(label, LABEL_MAX), line: ln });
  };
  if (b.memory) mark(b.memory.t, 'memory', `Memory: ${b.memory.availableKiB.toLocaleString('en-US')}K/${b.memory.totalKiB.toLocaleString('en-US')}K available`, b.memory.line);
  if (b.hugetlbOptimizedAtBoot) mark(b.hugetlbOptimizedAtBoot.t, 'hugetlb', `HugeTLB: ${b.hugetlbOptimizedAtBoot.pages} huge pages whose vmemmap are optimized at boot`, b.hugetlbOptimizedAtBoot.line);
  // Per size, the "registered ... pre-allocated" line and the HVO line each at its own time (they are printed
  // apart: HVO before registration on 5.19, the other way round later).
  for (const h of b.hugetlb) {
    const size = `HugeTLB ${formatBytes(h.pageSizeBytes)} page size`;
    if (h.preallocatedLine !== null) mark(h.preallocatedT, 'hugetlb', `${size}: ${h.preallocatedPages} pages pre-allocated`, h.preallocatedLine);
    if (h.hvoLine !== null) {
      const freed = h.vmemmapFreeableKiB !== null ? `${h.vmemmapFreeableKiB} KiB` : `${h.vmemmapFreeablePages} pages of`;
      // In the log's own words: 5.19-rc printed "can be optimized" / "can optimize", later kernels "can be freed" / "can free".
      const verb = h.hvoWording === 'can-be-optimized' || h.hvoWording === 'can-optimize-pages' ? 'can be optimized' : 'can be freed';
      mark(h.hvoT, 'hugetlb', `${size}: ${freed} vmemmap ${verb}`, h.hvoLine);
    }
    if (h.preallocatedLine === null && h.hvoLine === null) mark(h.t, 'hugetlb', size, h.line);
  }
  for (const f of b.hugetlbAllocationFailures) mark(f.t, 'hugetlb', `HugeTLB: only ${f.allocatedPages} of ${f.requestedPages} ${formatBytes(f.pageSizeBytes)} pages allocated`, f.line);
  for (const d of b.deviceMemory) mark(d.t, 'device', `${d.kind === 'p2pdma' ? 'P2PDMA' : 'device-private'} memory${d.device ? ` ${d.device}` : ''}${d.bytes !== null ? ` ${formatBytes(d.bytes)}` : ''}`, d.line);
  for (const h of b.hotplug) mark(h.t, 'hotplug', h.text, h.line);
  for (const e of b.errors) mark(e.t, 'error', `${e.kind}: ${e.text}`, e.line);
  for (const c of b.callTraces) mark(c.t, 'trace', `call trace in ${c.function} (${c.phase})`, c.line);
  markers.sort((x, y) => x.atS - y.atS || x.line - y.line);

  const timed: number[] = [];
  for (const x of bars) timed.push(x.startS, x.endS);
  for (const m of markers) timed.push(m.atS);
  if (!bars.length && !markers.length) return { timeline: null, note: 'No memmap milestone of this boot has a timestamp: no timeline.' };
  // The axis starts at the boot's first timestamp (0 for a boot log from the start) or the first event.
  const startS = timed.reduce((a, x) => Math.min(a, x), b.firstTimestamp ?? Infinity);
  const endS = timed.reduce((a, x) => Math.max(a, x), -Infinity);
  return { timeline: { startS, endS: endS > startS ? endS : startS + 0.001, rows, bars, markers }, note: null };
}

/** Elixir's tag for a boot: its kernel's release, or the latest one when the log does not say which kernel
 *  it is. */
const bootTag = (b: Boot): string => elixirTag(b.kernelVersion) ?? 'latest';

/** Where the function a call trace went through can be read. */
function traceSource(tag: string, fn: string): { url: string; tag: string } | null {
  const url = elixirIdentUrl(tag, fn);
  return url ? { url, tag } : null;
}

/** The function that printed a kernel error (null: ndctl/daxctl output). */
function errorSource(tag: string, e: KernelError): { url: string; tag: string; function: string } | null {
  const url = e.printer && elixirIdentUrl(tag, e.printer.function);
  return e.printer && url ? { url, tag, function: e.printer.function } : null;
}

export function bootView(b: Boot): BootView {
  const { timeline, note } = bootTimeline(b);
  const tag = bootTag(b);
  return {
    index: b.index,
    title: bootTitle(b),
    timestamps: b.timestamps,
    overview: overview(b),
    deferred: [...b.deferredInit].sort((x, y) => x.node - y.node || x.line - y.line).map((d) => ({ node: d.node, ms: d.ms, pages: d.pages, line: d.line, t: d.t })),
    memory: memoryFields(b),
    zones: b.zones.map((z) => ({ zone: z.zone, start: hex(z.start), end: hex(z.end), empty: z.empty, line: z.line })),
    nodeRanges: b.nodeRanges.map((r) => ({ node: r.node, start: hex(r.start), end: hex(r.end), sizeBytes: r.sizeBytes, line: r.line })),
    hugetlb: b.hugetlb.map((h) => ({ pageSizeBytes: h.pageSizeBytes, preallocatedPages: h.preallocatedPages, requestedPages: h.requestedPages, freeableKiB: h.vmemmapFreeableKiB, freeablePages: h.vmemmapFreeablePages, line: h.line })),
    hugetlbEvents: hugetlbEvents(b),
    zoneDevice: b.zoneDevice.map((z) => ({ pages: z.pages, ms: z.ms, line: z.line, t: z.t })),
    other: otherFacts(b),
    errors: b.errors.map((e) => ({ kind: e.kind, line: e.line, t: e.t, text: e.text.slice(0, 2000), device: e.device, source: errorSource(tag, e) })),
    callTraces: b.callTraces.map((c) => ({ line: c.line, t: c.t, trigger: c.trigger.slice(0, 2000), function: c.function, phase: c.phase, frames: c.frames.slice(0, MAX_FRAMES).map((f) => f.slice(0, 500)), source: traceSource(tag, c.function) })),
    timeline,
    timelineNote: note,
  };
}

/** The boot shown (`shown`) next to another boot (`other`): the change from the other to this one. */
export function bootDiff(other: Boot, shown: Boot, otherFile: string | null = null): BootDiff {
  return {
    other: other.index,
    otherTitle: bootTitle(other).slice(0, 1000),
    otherFile: otherFile === null ? null : otherFile.slice(0, 4000),
    rows: diffBoots(other, shown).map((r) => ({
      key: r.key.slice(0, 300),
      label: r.label.slice(0, 300),
      other: r.before === null ? null : diffValueText(r.before, r.unit).slice(0, 1000),
      shown: r.after === null ? null : diffValueText(r.after, r.unit).slice(0, 1000),
      change: diffChangeText(r).slice(0, 200),
      direction: r.delta === null ? 'none' : r.delta > 0 ? 'up' : r.delta < 0 ? 'down' : 'same',
      unit: r.unit,
      otherLine: r.beforeLine,
      shownLine: r.afterLine,
    })),
  };
}

export function bootChoices(file: AnalysisFile): BootChoice[] {
  return file.boots.map((b) => ({ index: b.index, title: bootTitle(b), boundary: b.boundary, firstLine: b.firstLine, lastLine: b.lastLine }));
}

/** The model of an analyzed file. */
export function logViewModel(file: AnalysisFile, opts: LogViewOptions): LogViewModel {
  const want = opts.boot ?? null;
  const boot = file.boots.find((b) => b.index === want) ?? file.boots.find((b) => b.index === defaultBoot(file)) ?? null;
  const other = opts.compareWith === null || opts.compareWith === undefined ? null : (file.boots.find((b) => b.index === opts.compareWith) ?? null);
  const f = file.ftrace;
  const c = file.chromeTrace;
  return {
    version: LOGVIEW_MODEL_VERSION,
    file: opts.file,
    status: 'ok',
    message: file.format === 'empty' ? 'The file is empty.' : file.boots.length === 0 && file.format === 'kernel-log' ? 'No memmap-related kernel messages found: no "Linux version", node ranges, Memory:, deferred init, HugeTLB, ZONE_DEVICE or memory error lines.' : null,
    format: file.format,
    sizeBytes: file.sizeBytes,
    lines: file.lines,
    input: inputNotes(file),
    warnings: file.warnings.map((w) => w.slice(0, 2000)),
    boots: bootChoices(file),
    bootsNotRetained: file.bootsNotRetained,
    boot: boot ? bootView(boot) : null,
    ftrace: f ? { tracer: f.tracer, entries: f.entries, functionsSeen: f.functionsSeen, functions: f.functions.slice(0, MAX_FUNCTIONS).map((x) => ({ function: x.function, calls: x.calls, totalUs: x.totalUs, maxUs: x.maxUs, phase: x.phase })) } : null,
    chromeTrace: c ? { events: c.events, logLines: c.logLines, truncatedAt: c.truncatedAt, spans: c.spans.slice(0, MAX_FUNCTIONS).map((x) => ({ name: x.name.slice(0, 500), count: x.count, totalUs: x.totalUs, maxUs: x.maxUs, phase: x.phase })) } : null,
    link: opts.link ?? null,
    comparison: opts.comparison && boot && opts.comparison.boot === boot.index ? opts.comparison : null,
    bootDiff: boot && opts.compareOther ? bootDiff(opts.compareOther.boot, boot, opts.compareOther.file) : other && boot && other !== boot ? bootDiff(other, boot) : null,
    canImport: !!boot && file.format !== 'ftrace',
  };
}

/** The model of a file that could not be analyzed (unreadable, a reader crash): the message says why. */
export function errorModel(file: string, message: string, sizeBytes = 0): LogViewModel {
  return {
    version: LOGVIEW_MODEL_VERSION,
    file,
    status: 'error',
    message: message.slice(0, 20_000),
    format: 'empty',
    sizeBytes,
    lines: 0,
    input: [],
    warnings: [],
    boots: [],
    bootsNotRetained: 0,
    boot: null,
    ftrace: null,
    chromeTrace: null,
    link: null,
    comparison: null,
    bootDiff: null,
    canImport: false,
  };
}
