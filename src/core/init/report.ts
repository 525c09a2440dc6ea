// Plain-text reports of timing results: the table and critical path for `simulate`'s human summary,
// and a flat, diffable summary for `simulate --compare`.

import { formatBytes } from '../../config/units';
import { changedRows, compareFlat, type Comparison, type ComparisonRow } from '../compare';
import type { CriticalPathEntry, TimingResult } from './types';

const f1 = (n: number): string => (Math.round(n * 10) / 10).toFixed(1);

function table(head: string[], rows: string[][], rightAlign: boolean[]): string[] {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (rightAlign[i] ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)];
}

/** Merge consecutive critical-path entries of the same thread, phase and target for display. */
export function compactCriticalPath(path: readonly CriticalPathEntry[]): { thread: string; phase: string; target: string; startUs: number; endUs: number; count: number; costTerm: string; limitedBy: string }[] {
  const out: { thread: string; phase: string; target: string; startUs: number; endUs: number; count: number; costTerm: string; limitedBy: string }[] = [];
  for (const e of path) {
    const target = e.device ?? (e.node !== null ? `node ${e.node}` : '');
    const last = out[out.length - 1];
    if (last && last.thread === e.thread && last.phase === e.phase && last.target === target) {
      last.endUs = e.endUs;
      last.count++;
      if (e.limitedBy === 'bandwidth') last.limitedBy = 'bandwidth';
      continue;
    }
    out.push({ thread: e.thread, phase: e.phase, target, startUs: e.startUs, endUs: e.endUs, count: 1, costTerm: e.costTerm, limitedBy: e.limitedBy });
  }
  return out;
}

/**
 * The human summary of a timing result: headline times, per-node / per-device / per-pool tables,
 * calibration outcomes, problems, and the critical path (merged runs of the same phase).
 */
export function formatTimingTable(t: TimingResult, opts: { maxPathLines?: number } = {}): string {
  const out: string[] = [];
  out.push(`Timing: boot memory init ${f1(t.bootMs)} ms ("Memory:" line at ${f1(t.memoryLineMs)} ms), everything done at ${f1(t.endMs)} ms`);
  if (t.nodes.length > 0) {
    out.push('');
    out.push(
      ...table(
        ['node', 'early ms', 'deferred ms', 'threads', 'early pages', 'deferred pages', 'done at ms'],
        t.nodes.map((n) => [String(n.id), f1(n.earlyMs), n.deferredPages > 0 ? f1(n.deferredMs) : '-', String(n.threads), String(n.earlyPages), String(n.deferredPages), n.doneAtMs === null ? '-' : f1(n.doneAtMs)]),
        [false, true, true, true, true, true, true],
      ).map((l) => '  ' + l),
    );
  }
  if (t.devices.length > 0) {
    out.push('');
    out.push(
      ...table(
        ['device', 'kind', 'node', 'populate ms', 'init ms', 'lock wait ms', 'ready at ms', 'threads', 'struct pages'],
        t.devices.map((d) => [d.name, d.kind === 'zoneDevice' ? 'ZONE_DEVICE' : 'hot-add', String(d.node), f1(d.populateMs), f1(d.initMs), f1(d.lockWaitMs), f1(d.readyAtMs), String(d.threads), String(d.pages)]),
        [false, false, true, true, true, true, true, true, true],
      ).map((l) => '  ' + l),
    );
  }
  if (t.hugetlb.length > 0) {
    out.push('');
    out.push(
      ...table(
        ['hugetlb pool', 'node', 'pages', 'init ms', 'of which HVO ms'],
        t.hugetlb.map((h) => [formatBytes(h.pageSizeBytes), String(h.node), String(h.count), f1(h.initMs), f1(h.hvoMs)]),
        [false, true, true, true, true],
      ).map((l) => '  ' + l),
    );
  }
  if (t.calibration.length > 0) {
    out.push('');
    out.push('  calibration:');
    for (const c of t.calibration) {
      const what = c.device ?? (c.node !== null ? `node ${c.node}` : '');
      out.push(
        `    ${c.phase} ${what}${c.threads !== null ? ` with ${c.threads} thread(s)` : ''}: measured ${c.measuredMs} ms, default model ${f1(c.defaultMs)} ms; ${c.scaled} x${c.scale.toFixed(3)} -> ${f1(c.predictedMs)} ms`,
      );
    }
  }
  if (t.problems.length > 0) {
    out.push('');
    for (const p of t.problems) out.push(`  ${p.severity}: machine${p.path.length > 1 ? '.' + p.path.slice(1).join('.') : ''}: ${p.message}`);
  }
  const path = compactCriticalPath(t.criticalPath);
  out.push('');
  out.push(`  critical path (${f1(t.endMs)} ms = sum of ${t.criticalPath.length} spans):`);
  const max = opts.maxPathLines ?? 24;
  const shown = path.length > max ? [...path.slice(0, max / 2), null, ...path.slice(path.length - max / 2)] : path;
  const rows = shown.map((p) =>
    p === null
      ? ['...', '', '', '', '', '']
      : [
          `${f1(p.startUs / 1000)}-${f1(p.endUs / 1000)}`,
          f1((p.endUs - p.startUs) / 1000),
          p.thread,
          `${p.phase}${p.count > 1 ? ` x${p.count}` : ''}${p.target ? ` ${p.target}` : ''}`,
          p.limitedBy,
          p.costTerm,
        ],
  );
  out.push(...table(['ms', 'dur ms', 'thread', 'phase', 'bound', 'cost term'], rows, [true, true, false, false, false, false]).map((l) => '    ' + l));
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Comparison

/** Flat, stable-keyed numbers of a timing result, for diffs between scenarios. */
export interface TimingSummary {
  bootMs: number;
  memoryLineMs: number;
  endMs: number;
  /** Keyed "node 0". */
  nodes: Record<string, { earlyMs: number; deferredMs: number; threads: number }>;
  /** Keyed by device / hot-add name. */
  devices: Record<string, { populateMs: number; initMs: number; lockWaitMs: number; readyAtMs: number }>;
  /** Keyed "node 0 1 GiB". */
  hugetlb: Record<string, { initMs: number; hvoMs: number }>;
}

export function timingSummary(t: TimingResult): TimingSummary {
  const s: TimingSummary = { bootMs: t.bootMs, memoryLineMs: t.memoryLineMs, endMs: t.endMs, nodes: {}, devices: {}, hugetlb: {} };
  for (const n of t.nodes) s.nodes[`node ${n.id}`] = { earlyMs: n.earlyMs, deferredMs: n.deferredMs, threads: n.threads };
  for (const d of t.devices) s.devices[d.name] = { populateMs: d.populateMs, initMs: d.initMs, lockWaitMs: d.lockWaitMs, readyAtMs: d.readyAtMs };
  for (const h of t.hugetlb) s.hugetlb[`node ${h.node} ${formatBytes(h.pageSizeBytes)}`] = { initMs: h.initMs, hvoMs: h.hvoMs };
  return s;
}

/** One compared timing quantity (shared with the memory comparison in src/core/compare.ts). */
export type TimingComparisonRow = ComparisonRow;

/** Scenarios side by side; column 0 is the base. */
export type TimingComparison = Comparison;

function flatten(s: TimingSummary): Map<string, number> {
  const m = new Map<string, number>();
  m.set('bootMs', s.bootMs);
  m.set('memoryLineMs', s.memoryLineMs);
  m.set('endMs', s.endMs);
  for (const sect of ['nodes', 'devices', 'hugetlb'] as const) {
    for (const [k, v] of Object.entries(s[sect])) for (const [f, x] of Object.entries(v)) m.set(`${sect}.${k}.${f}`, x as number);
  }
  return m;
}

/** Compare timing results (the first is the base). Keys present in any column appear once, in first-seen order. */
export function compareTimings(columns: { name: string; timing: TimingResult }[]): TimingComparison {
  return compareFlat(columns.map((c) => ({ name: c.name, values: flatten(timingSummary(c.timing)) })));
}

/** The comparison as a text table: one row per quantity that differs somewhere (or all with `all`). */
export function formatTimingComparison(cmp: TimingComparison, opts: { all?: boolean } = {}): string {
  const rows = changedRows(cmp, opts.all);
  if (rows.length === 0) return '  no timing differences\n';
  const head = ['quantity (ms)', ...cmp.columns.map((c, i) => (i === 0 ? c : `${c} (delta)`))];
  const body = rows.map((r) => [
    r.key,
    ...r.values.map((v, i) => {
      if (v === null) return '-';
      if (i === 0) return f1(v);
      const d = r.deltas[i];
      return `${f1(v)} (${d === null ? '?' : (d >= 0 ? '+' : '') + f1(d)})`;
    }),
  ]);
  return table(head, body, [false, ...cmp.columns.map(() => true)]).map((l) => '  ' + l).join('\n') + '\n';
}
