// Two boots side by side: "did my patch make deferred init faster, and did anything else move?". The
// memmap figures of a boot (the same ones `analyze` extracts) as named rows, and the rows of two boots
// with their difference. Pure: the CLI (`memmap-lab diff`) reads the logs and prints the rows.
import type { Boot } from './types';
import { formatBytes } from '../config/units';

export type Unit = 'ms' | 'pages' | 'KiB' | 'bytes' | 'count' | 'text';

export interface Figure {
  /** Stable key, e.g. "deferredInit.node1.ms". */
  key: string;
  /** What a reader sees, e.g. "deferred init node 1". */
  label: string;
  unit: Unit;
  value: number | string;
  /** 1-based line of the log it comes from (null: derived from several lines). */
  line: number | null;
}

export interface DiffRow {
  key: string;
  label: string;
  unit: Unit;
  before: number | string | null;
  after: number | string | null;
  /** after - before, when both are numbers. */
  delta: number | null;
  /** delta / before x 100, when both are numbers and before is not 0. */
  percent: number | null;
  beforeLine: number | null;
  afterLine: number | null;
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

/** The memmap figures of one boot, in a stable order. Absent facts give no row (never a zero). */
export function bootFigures(b: Boot): Figure[] {
  const out: Figure[] = [];
  const add = (key: string, label: string, unit: Unit, value: number | string | null | undefined, line: number | null) => {
    if (value !== null && value !== undefined) out.push({ key, label, unit, value, line });
  };
  add('kernel', 'kernel', 'text', b.kernelVersion, b.kernel?.line ?? null);
  if (b.memory) {
    const m = b.memory;
    add('memory.totalKiB', 'Memory: total', 'KiB', m.totalKiB, m.line);
    add('memory.availableKiB', 'Memory: available', 'KiB', m.availableKiB, m.line);
    add('memory.reservedKiB', 'Memory: reserved', 'KiB', m.reservedKiB, m.line);
    add('memory.cmaReservedKiB', 'Memory: cma-reserved', 'KiB', m.cmaReservedKiB, m.line);
  }
  add('memoryBlockBytes', 'memory block size', 'bytes', b.memoryBlockBytes, b.memoryBlockLine);
  add('memmapPagesTotal', 'memmap pages (vmstat)', 'pages', b.memmapPagesTotal, null);
  const nodes = [...new Set(b.nodeRanges.map((r) => r.node))].sort((x, y) => x - y);
  for (const n of nodes) {
    const ranges = b.nodeRanges.filter((r) => r.node === n);
    if (ranges.every((r) => r.sizeBytes !== null)) add(`node${n}.bytes`, `node ${n} memory (node ranges)`, 'bytes', sum(ranges.map((r) => r.sizeBytes!)), ranges.length === 1 ? ranges[0].line : null);
  }
  const deferred = [...b.deferredInit].sort((x, y) => x.node - y.node);
  for (const d of deferred) {
    add(`deferredInit.node${d.node}.ms`, `deferred init node ${d.node}`, 'ms', d.ms, d.line);
    add(`deferredInit.node${d.node}.pages`, `deferred init node ${d.node} pages`, 'pages', d.pages, d.line);
  }
  if (deferred.length > 1) {
    const slow = deferred.reduce((x, y) => (y.ms > x.ms ? y : x));
    add('deferredInit.slowestMs', 'deferred init, slowest node', 'ms', slow.ms, slow.line);
  }
  for (const h of [...b.hugetlb].sort((x, y) => x.pageSizeBytes - y.pageSizeBytes)) {
    const size = h.pageSizeBytes >= 2 ** 30 ? `${h.pageSizeBytes / 2 ** 30} GiB` : `${h.pageSizeBytes / 2 ** 20} MiB`;
    add(`hugetlb.${h.pageSizeBytes}.preallocatedPages`, `HugeTLB ${size} pre-allocated`, 'pages', h.preallocatedPages, h.preallocatedLine);
    add(`hugetlb.${h.pageSizeBytes}.vmemmapFreeableKiB`, `HugeTLB ${size} vmemmap freeable per page`, 'KiB', h.vmemmapFreeableKiB, h.hvoLine);
  }
  add('hugetlb.optimizedAtBoot', 'HugeTLB pages optimized at boot', 'pages', b.hugetlbOptimizedAtBoot?.pages, b.hugetlbOptimizedAtBoot?.line ?? null);
  if (b.hugetlbAllocations.length) add('hugetlb.allocationMs', 'HugeTLB allocation time', 'ms', sum(b.hugetlbAllocations.map((a) => a.ms)), b.hugetlbAllocations.length === 1 ? b.hugetlbAllocations[0].line : null);
  if (b.zoneDevice.length) {
    const one = b.zoneDevice.length === 1 ? b.zoneDevice[0].line : null;
    add('zoneDevice.count', 'ZONE_DEVICE inits', 'count', b.zoneDevice.length, one);
    add('zoneDevice.pages', 'ZONE_DEVICE pages', 'pages', sum(b.zoneDevice.map((z) => z.pages)), one);
    add('zoneDevice.ms', 'ZONE_DEVICE init time (sum)', 'ms', sum(b.zoneDevice.map((z) => z.ms)), one);
  }
  const kinds = new Map<string, number[]>();
  for (const e of b.errors) kinds.set(e.kind, [...(kinds.get(e.kind) ?? []), e.line]);
  for (const [kind, lines] of [...kinds.entries()].sort((x, y) => x[0].localeCompare(y[0]))) add(`errors.${kind}`, `errors: ${kind}`, 'count', lines.length, lines.length === 1 ? lines[0] : null);
  if (b.callTraces.length) add('callTraces', 'call traces through memmap code', 'count', b.callTraces.length, b.callTraces.length === 1 ? b.callTraces[0].line : null);
  return out;
}

/** The rows of two boots: every figure either has, in the first boot's order then the second's new ones. */
export function diffBoots(before: Boot, after: Boot): DiffRow[] {
  const a = bootFigures(before);
  const b = bootFigures(after);
  const byKey = new Map(b.map((f) => [f.key, f]));
  const keys = [...a.map((f) => f.key), ...b.map((f) => f.key).filter((k) => !a.some((f) => f.key === k))];
  const aByKey = new Map(a.map((f) => [f.key, f]));
  return keys.map((key) => {
    const x = aByKey.get(key);
    const y = byKey.get(key);
    const f = (x ?? y)!;
    const nums = typeof x?.value === 'number' && typeof y?.value === 'number';
    const delta = nums ? (y!.value as number) - (x!.value as number) : null;
    const percent = nums && (x!.value as number) !== 0 ? (delta! / (x!.value as number)) * 100 : null;
    return { key, label: f.label, unit: f.unit, before: x?.value ?? null, after: y?.value ?? null, delta, percent, beforeLine: x?.line ?? null, afterLine: y?.line ?? null };
  });
}

/** A value as the CLI and the log view show it: "901 ms", "16,380 KiB", "2 GiB", "-" when absent. */
export function diffValueText(v: number | string | null, unit: Unit): string {
  if (v === null) return '-';
  if (typeof v === 'string') return v;
  if (unit === 'bytes') return formatBytes(v);
  if (unit === 'KiB') return `${v.toLocaleString('en-US')} KiB`;
  if (unit === 'ms') return `${v.toLocaleString('en-US')} ms`;
  return v.toLocaleString('en-US');
}

/** The change: "+227 ms (+25.2%)", "=", "new" / "gone" (a figure only one boot has), "changed" (text). */
export function diffChangeText(r: DiffRow): string {
  if (r.delta === null) return r.before === r.after ? '' : r.before === null ? 'new' : r.after === null ? 'gone' : 'changed';
  if (r.delta === 0) return '=';
  const d = r.unit === 'bytes' ? formatBytes(Math.abs(r.delta)) : Math.abs(r.delta).toLocaleString('en-US') + (r.unit === 'ms' ? ' ms' : r.unit === 'KiB' ? ' KiB' : '');
  return `${r.delta > 0 ? '+' : '-'}${d}${r.percent !== null ? ` (${r.percent > 0 ? '+' : ''}${r.percent.toFixed(1)}%)` : ''}`;
}
