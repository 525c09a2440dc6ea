// Scenarios side by side: flat, stable-keyed numbers of each result and their deltas to the base
// (column 0). Used for memory figures here and for timing figures by src/core/init/report.ts.
import type { MemmapSummary } from './types';

/** One compared quantity: its value in each column (null when absent) and the delta to the base. */
export interface ComparisonRow {
  /** Stable key, e.g. "devices.namespace0.0.ramBytes" or "nodes.node 1.deferredMs". */
  key: string;
  values: (number | null)[];
  /** values[i] - values[0] (null when either is absent). */
  deltas: (number | null)[];
}

/** Columns (scenario names; column 0 is the base) and one row per quantity. */
export interface Comparison {
  columns: string[];
  rows: ComparisonRow[];
}

/** Compare flat summaries. Keys present in any column appear once, in first-seen order. */
export function compareFlat(columns: readonly { name: string; values: ReadonlyMap<string, number> }[]): Comparison {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const c of columns) {
    for (const k of c.values.keys()) {
      if (seen.has(k)) continue;
      seen.add(k);
      keys.push(k);
    }
  }
  const rows = keys.map((key) => {
    const values = columns.map((c) => c.values.get(key) ?? null);
    const base = values[0];
    return { key, values, deltas: values.map((v) => (v === null || base === null ? null : Math.round((v - base) * 1e6) / 1e6)) };
  });
  return { columns: columns.map((c) => c.name), rows };
}

/** Rows whose value differs between columns (all rows with `all`). */
export function changedRows(cmp: Comparison, all = false): ComparisonRow[] {
  return cmp.rows.filter((r) => all || r.values.some((v) => v !== r.values[0]));
}

/** The memory figures of a result that scenarios change, flat and stable-keyed (bytes unless named). */
export function memmapFlat(m: MemmapSummary): Map<string, number> {
  const f = new Map<string, number>();
  f.set('memmap.totalBytes', m.totalBytes);
  f.set('memmap.ramBytes', m.ramBytes);
  f.set('memmap.deviceBytes', m.deviceBytes);
  f.set('memmap.pageTableBytes', m.pageTableBytes);
  f.set('memmap.savedBytes.dedup', m.savedBytes.dedup);
  f.set('memmap.savedBytes.hvo', m.savedBytes.hvo);
  f.set('memmap.memoryBlockBytes', m.memoryBlockBytes);
  for (const n of m.nodes) {
    f.set(`nodes.node ${n.id}.structPages`, n.structPages);
    f.set(`nodes.node ${n.id}.bootMemmapBytes`, n.bootMemmapBytes);
  }
  for (const d of m.devices) {
    const hp = d.hotplugIndex !== null ? m.hotplug[d.hotplugIndex] : null;
    f.set(`devices.${d.name}.memmapBytes`, hp ? hp.memmapBytes : d.memmapBytes);
    f.set(`devices.${d.name}.ramBytes`, hp ? hp.ramBytes : d.ramBytes);
    f.set(`devices.${d.name}.deviceBytes`, hp ? hp.selfHostedBytes : d.deviceBytes);
    f.set(`devices.${d.name}.dedupSavedBytes`, d.dedupSavedBytes);
    f.set(`devices.${d.name}.dataOffsetBytes`, d.dataOffsetBytes);
    if (hp) f.set(`devices.${d.name}.usableBytes`, hp.usableBytes);
    else f.set(`devices.${d.name}.usablePages`, d.usablePages);
  }
  m.hotplug.forEach((h, i) => {
    if (h.source !== 'hotplug') return;
    f.set(`hotplug.${i}.selfHostedBytes`, h.selfHostedBytes);
    f.set(`hotplug.${i}.ramBytes`, h.ramBytes);
  });
  for (const h of m.hugetlb) f.set(`hugetlb.node ${h.node} ${h.pageSizeBytes}.freedBytes`, h.freedBytes);
  return f;
}
