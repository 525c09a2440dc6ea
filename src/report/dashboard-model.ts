// The dashboard's view model: what the webview (and the HTML report) render, built from the config
// loader's result, the mm core's MemmapResult, the timing model's TimingResult, the scenario runs and
// the checker's findings. Pure: no I/O, deterministic, JSON-serializable output (validated against
// src/protocol/dashboard.ts by the tests). Every row that comes from the config carries the editor
// range of the config object that produced it, resolved through configRange().
import { configRange, type LoadResult } from '../config/load';
import type { Range } from '../config/source';
import type { JsonPath } from '../config/types';
import { formatBytes } from '../config/units';
import { ruleById } from '../check/rules/index';
import { citedFunction } from '../check/docs';
import { compareFlat, memmapFlat, type Comparison } from '../core/compare';
import { compactCriticalPath, compareTimings } from '../core/init/report';
import type { Span, TimingResult } from '../core/init/types';
import type { CoreError, MemmapResult } from '../core/types';
import {
  MODEL_VERSION,
  SPAN_CRITICAL,
  SPAN_OVERHEAD,
  SPAN_WAIT,
  type CompareModel,
  type CompareRow,
  type DashboardModel,
  type FindingRow,
  type Headline,
  type HugetlbRow,
  type MemoryRow,
  type PhaseRow,
  type SourceRange,
  type TimelineModel,
  type TimelineSpan,
  type TimingModel,
} from '../protocol/dashboard';
import { aggregateBars, buildLanes } from './gantt';

/** One simulation: the base config or one scenario variant. */
export interface DashboardRun {
  /** "base" or the scenario's name. */
  name: string;
  /** The loader's result for this run (a scenario variant's own LoadResult: its ranges point into `set`). */
  load: LoadResult;
  result: MemmapResult | null;
  timing: TimingResult | null;
  /** The core threw (a bug): its message. */
  crash: string | null;
}

/** What the checker (src/check) reports; structurally its Finding. */
export interface CheckerFindingLike {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  kernelText: string;
  range: Range;
  scenario: string | null;
  fixes: readonly unknown[];
}

export interface DashboardInput {
  /** The config's path as the user should see it. */
  file: string;
  base: DashboardRun;
  scenarios: DashboardRun[];
  /** The checker's findings, or null when the checker is unavailable (then the core's errors are listed). */
  checker: CheckerFindingLike[] | null;
}

export interface ModelOptions {
  /** Timeline spans sent at most; beyond it spans are pre-aggregated per thread (default 60 000). */
  maxSpans?: number;
}

export const DEFAULT_MAX_SPANS = 60_000;

const ms = (us: number): number => Math.round(us) / 1000;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Editor range (0-based) of a loader range (character offsets). */
export function sourceRange(load: LoadResult, r: Range): SourceRange | null {
  if (!load.doc) return null;
  const a = load.doc.positionAt(r.start);
  const b = load.doc.positionAt(r.end);
  return { startLine: a.line - 1, startCharacter: a.column - 1, endLine: b.line - 1, endCharacter: b.column - 1 };
}

/** Editor range of the config object at `path` (scenario variants: where the scenario set it). */
export function locate(load: LoadResult, path: JsonPath): SourceRange | null {
  if (!load.doc) return null;
  try {
    return sourceRange(load, configRange(load, path));
  } catch {
    return null;
  }
}

const WHERE: Record<string, string> = { device: 'device (altmap)', ram: 'RAM', split: 'RAM + device', none: 'none' };

function memoryRows(run: DashboardRun): MemoryRow[] {
  const r = run.result!;
  const m = r.memmap;
  const P = r.arch.pageSize;
  const rows: MemoryRow[] = [];
  for (const n of m.nodes) {
    const pools = m.hugetlb.filter((h) => h.node === n.id);
    const freed = pools.reduce((a, h) => a + h.freedBytes, 0);
    const layout = r.layout.nodes.find((l) => l.id === n.id);
    const zones = n.zones.map((z) => z.name).join(' ');
    rows.push({
      key: `node:${n.id}`,
      kind: 'node',
      name: String(n.id),
      label: `node ${n.id}`,
      detail: `${formatBytes(n.presentPages * P)} RAM, ${n.presentSections} sections${zones ? `, zones ${zones}` : ''}`,
      location: 'RAM',
      status: 'ok',
      structPages: n.structPages,
      ramBytes: n.bootMemmapBytes - freed,
      deviceBytes: 0,
      pageTableBytes: n.pageTableBytes + pools.reduce((a, h) => a + h.pageTableBytes, 0),
      dedupSavedBytes: 0,
      hvoSavedBytes: freed,
      loc: layout ? locate(run.load, layout.path) : null,
    });
  }
  for (const d of m.devices) {
    const hp = d.hotplugIndex !== null ? m.hotplug[d.hotplugIndex] : null;
    const compound = d.vmemmapShift ? `, ${formatBytes(P * 2 ** d.vmemmapShift)} compound` : '';
    const base = { key: `device:${d.name}`, kind: 'device' as const, name: d.name, label: d.name, status: d.status, loc: locate(run.load, d.path) };
    if (hp) {
      rows.push({
        ...base,
        detail: `${d.mode} ${d.kind} ${formatBytes(d.size)} on node ${d.node}, ${hp.blocks} memory blocks${hp.memmapOnMemory ? ', memmap_on_memory' : ''}`,
        location: hp.memmapOnMemory ? 'self-hosted' : 'RAM',
        structPages: hp.structPages,
        ramBytes: hp.ramBytes,
        deviceBytes: hp.selfHostedBytes,
        pageTableBytes: hp.pageTableBytes + d.pageTableBytes,
        dedupSavedBytes: d.dedupSavedBytes,
        hvoSavedBytes: 0,
      });
    } else {
      rows.push({
        ...base,
        detail: `${d.mode} ${d.kind} ${formatBytes(d.size)} on node ${d.node}, map=${d.map}${compound}`,
        location: WHERE[d.location] ?? d.location,
        structPages: d.structPages,
        ramBytes: d.ramBytes,
        deviceBytes: d.deviceBytes,
        pageTableBytes: d.pageTableBytes,
        dedupSavedBytes: d.dedupSavedBytes,
        hvoSavedBytes: 0,
      });
    }
  }
  m.hotplug.forEach((h, i) => {
    if (h.source !== 'hotplug') return;
    rows.push({
      key: `hotplug:${i}`,
      kind: 'hotplug',
      name: `hotplug[${i}]`,
      label: `hot-add ${i}`,
      detail: `${formatBytes(h.size)} at 0x${h.start.toString(16)} on node ${h.node}, ${h.blocks} memory blocks${h.memmapOnMemory ? ', memmap_on_memory' : h.requested ? ', memmap_on_memory refused' : ''}`,
      location: h.memmapOnMemory ? 'self-hosted' : 'RAM',
      status: h.status,
      structPages: h.structPages,
      ramBytes: h.ramBytes,
      deviceBytes: h.selfHostedBytes,
      pageTableBytes: h.pageTableBytes,
      dedupSavedBytes: 0,
      hvoSavedBytes: 0,
      loc: locate(run.load, h.path),
    });
  });
  return rows;
}

function hugetlbRows(run: DashboardRun): HugetlbRow[] {
  const r = run.result!;
  return r.memmap.hugetlb.map((h) => {
    const t = run.timing?.hugetlb.find((x) => x.node === h.node && x.pageSizeBytes === h.pageSizeBytes);
    return {
      node: h.node,
      pageSizeBytes: h.pageSizeBytes,
      count: h.count,
      allocated: h.allocated,
      vmemmapBytesPerPage: h.vmemmapBytesPerPage,
      freedBytesPerPage: h.freedBytesPerPage,
      freedBytes: h.freedBytes,
      pageTableBytes: h.pageTableBytes,
      hvo: h.hvo,
      initMs: t ? round3(t.initMs) : null,
      hvoMs: t ? round3(t.hvoMs) : null,
      loc: locate(run.load, h.path),
    };
  });
}

/** Where a timing target (device / hot-add name, node, HugeTLB hstate) is configured. */
class Targets {
  readonly list: { label: string; loc: SourceRange | null }[] = [];
  private readonly index = new Map<string, number>();

  constructor(private readonly run: DashboardRun) {}

  private add(key: string, label: string, path: () => JsonPath | null): number {
    const have = this.index.get(key);
    if (have !== undefined) return have;
    const p = path();
    const i = this.list.push({ label, loc: p ? locate(this.run.load, p) : null }) - 1;
    this.index.set(key, i);
    return i;
  }

  /** -1 when the span is about nothing in the config (a wait, a thread start). */
  of(phase: string, node: number | null, device: string | null): number {
    const m = this.run.result?.memmap;
    if (device !== null && /^hugepages-\d+kB$/.test(device)) {
      const size = Number(device.slice(10, -2)) * 1024;
      return this.add(`hugetlb:${node}:${device}`, `HugeTLB ${formatBytes(size)} node ${node}`, () => m?.hugetlb.find((h) => h.node === node && h.pageSizeBytes === size)?.path ?? null);
    }
    if (device !== null) return this.add(`device:${device}`, device, () => this.devicePath(device));
    if (node !== null && phase !== 'join' && phase !== 'threadStart') return this.add(`node:${node}`, `node ${node}`, () => this.run.result?.layout.nodes.find((n) => n.id === node)?.path ?? null);
    return -1;
  }

  devicePath(name: string): JsonPath | null {
    const m = this.run.result?.memmap;
    const d = m?.devices.find((x) => x.name === name);
    if (d) return d.path;
    const hp = /^hotplug\[(\d+)\]$/.exec(name);
    if (hp && m?.hotplug[Number(hp[1])]) return m.hotplug[Number(hp[1])].path;
    return null;
  }
}

function phaseRows(t: TimingResult): PhaseRow[] {
  const rows = new Map<string, PhaseRow>();
  for (const sp of t.spans) {
    if (sp.kind === 'group') continue;
    let r = rows.get(sp.phase);
    if (!r) {
      r = { phase: sp.phase, kind: sp.kind, threadMs: 0, criticalMs: 0, spans: 0, pages: 0 };
      rows.set(sp.phase, r);
    } else if (r.kind !== sp.kind) {
      r.kind = 'work';
    }
    r.threadMs += (sp.endUs - sp.startUs) / 1000;
    r.spans++;
    if (sp.kind === 'work') r.pages += sp.pages;
  }
  for (const c of t.criticalPath) {
    const r = rows.get(c.phase);
    if (r) r.criticalMs += c.durUs / 1000;
  }
  return [...rows.values()].map((r) => ({ ...r, threadMs: round3(r.threadMs), criticalMs: round3(r.criticalMs) }));
}

function timingModel(run: DashboardRun, targets: Targets): TimingModel {
  const t = run.timing!;
  const nodeLoc = (id: number) => {
    const p = run.result?.layout.nodes.find((n) => n.id === id)?.path;
    return p ? locate(run.load, p) : null;
  };
  return {
    bootMs: round3(t.bootMs),
    memoryLineMs: round3(t.memoryLineMs),
    endMs: round3(t.endMs),
    phases: phaseRows(t),
    nodes: t.nodes.map((n) => ({
      node: n.id,
      earlyMs: round3(n.earlyMs),
      deferredMs: round3(n.deferredMs),
      threads: n.threads,
      earlyPages: n.earlyPages,
      deferredPages: n.deferredPages,
      doneAtMs: n.doneAtMs === null ? null : round3(n.doneAtMs),
      loc: nodeLoc(n.id),
    })),
    devices: t.devices.map((d) => {
      const p = targets.devicePath(d.name);
      return {
        name: d.name,
        kind: d.kind,
        node: d.node,
        populateMs: round3(d.populateMs),
        initMs: round3(d.initMs),
        lockWaitMs: round3(d.lockWaitMs),
        readyAtMs: round3(d.readyAtMs),
        threads: d.threads,
        pages: d.pages,
        loc: p ? locate(run.load, p) : null,
      };
    }),
    criticalPath: compactCriticalPath(t.criticalPath).map((c, i, all) => {
      // compactCriticalPath merged entries; find the first original entry of this row for its target.
      const first = t.criticalPath[all.slice(0, i).reduce((a, x) => a + x.count, 0)];
      const ti = first ? targets.of(first.phase, first.node, first.device) : -1;
      return {
        thread: c.thread,
        phase: c.phase,
        target: c.target,
        startMs: ms(c.startUs),
        endMs: ms(c.endUs),
        count: c.count,
        costTerm: c.costTerm,
        limitedBy: c.limitedBy,
        loc: ti >= 0 ? targets.list[ti].loc : null,
      };
    }),
    criticalSpans: t.criticalPath.length,
  };
}

function timelineModel(run: DashboardRun, targets: Targets, opts: ModelOptions): TimelineModel {
  const t = run.timing!;
  const threads = [...t.threads].sort((a, b) => a.tid - b.tid);
  const threadIndex = new Map(threads.map((th, i) => [th.tid, i]));
  const phases: string[] = [];
  const phaseIndex = new Map<string, number>();
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const intern = (tbl: string[], idx: Map<string, number>, v: string) => {
    let i = idx.get(v);
    if (i === undefined) {
      i = tbl.push(v) - 1;
      idx.set(v, i);
    }
    return i;
  };
  const critical = new Set(t.criticalPath.map((c) => c.spanId));
  const leaves: Span[] = t.spans.filter((sp) => sp.kind !== 'group');
  let spans: TimelineSpan[] = leaves.map((sp) => [
    threadIndex.get(sp.tid) ?? 0,
    sp.startUs,
    sp.endUs,
    intern(phases, phaseIndex, sp.phase),
    targets.of(sp.phase, sp.node, sp.device),
    sp.pages,
    (critical.has(sp.id) ? SPAN_CRITICAL : 0) | (sp.kind === 'wait' ? SPAN_WAIT : 0) | (sp.kind === 'overhead' ? SPAN_OVERHEAD : 0),
    intern(strings, stringIndex, sp.limitedBy === 'wait' || !sp.limitedBy ? sp.costTerm : `${sp.costTerm} · ${sp.limitedBy}-bound`),
    1,
  ]);
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const model: TimelineModel = {
    endUs: t.endMs * 1000,
    bootUs: t.bootMs * 1000,
    memoryLineUs: t.memoryLineMs * 1000,
    threads: threads.map((th) => ({ name: th.name, process: th.process, cpuNode: th.cpuNode })),
    phases,
    targets: targets.list,
    strings,
    spans,
    markers: t.markers.map((mk) => ({ atUs: mk.atUs, thread: threadIndex.get(mk.tid) ?? 0, label: mk.name, log: mk.log })),
    totalSpans: leaves.length,
  };
  const max = Math.max(100, opts.maxSpans ?? DEFAULT_MAX_SPANS);
  if (spans.length > max) {
    // Pre-aggregate: one row per thread, as many buckets as the budget allows (critical spans kept apart).
    const lanes = buildLanes(model, false);
    const buckets = Math.max(4, Math.floor(max / Math.max(1, threads.length) / 8));
    const bars = aggregateBars(model, lanes, { fromUs: 0, toUs: Math.max(model.endUs, 1), bucketsPerLane: buckets, showWaits: true });
    spans = bars.map((b) => [lanes[b.lane].threads[0], b.startUs, b.endUs, b.phase, b.target, b.pages, b.flags, b.costTerm, b.count]);
    model.spans = spans;
  }
  return model;
}

const sevRank = { error: 0, warning: 1, info: 2 } as const;

function coreFindings(run: DashboardRun, errors: readonly CoreError[], source: 'core' | 'machine'): FindingRow[] {
  const scenario = run.name === 'base' ? null : run.name;
  return errors.map((e) => ({
    source,
    code: source === 'core' ? 'MMSIM' : 'machine',
    severity: e.severity,
    message: `${scenario ? `scenario '${scenario}': ` : ''}${source === 'machine' ? 'machine: ' : ''}${e.message}`,
    kernelText: e.kernelMessage?.trimEnd() || null,
    scenario,
    fixes: 0,
    loc: locate(run.load, e.path),
    kernel: null,
  }));
}

function findingRows(input: DashboardInput): FindingRow[] {
  const { base } = input;
  const out: FindingRow[] = base.load.errors.map((e) => {
    const sc = /^scenario '([^']*)'/.exec(e.message);
    return { source: 'config', code: e.source ?? 'config', severity: e.severity, message: e.message, kernelText: null, scenario: sc ? sc[1] : null, fixes: 0, loc: sourceRange(base.load, e.range), kernel: null };
  });
  for (const run of [base, ...input.scenarios]) {
    if (run.crash) out.push({ source: 'core', code: 'MMSIM', severity: 'error', message: `${run.name === 'base' ? '' : `scenario '${run.name}': `}the simulation crashed (a bug, please report it): ${run.crash.split('\n')[0]}`, kernelText: null, scenario: run.name === 'base' ? null : run.name, fixes: 0, loc: null, kernel: null });
    if (!input.checker && run.result) out.push(...coreFindings(run, run.result.errors, 'core'));
    if (run.timing) out.push(...coreFindings(run, run.timing.problems, 'machine'));
  }
  for (const f of input.checker ?? []) {
    const rule = ruleById(f.rule);
    out.push({ source: 'checker', code: f.rule, severity: f.severity, message: f.message, kernelText: f.kernelText.trimEnd() || null, scenario: f.scenario, fixes: f.fixes.length, loc: sourceRange(base.load, f.range), kernel: rule ? citedFunction(rule.kernelCitation) : null });
  }
  const seen = new Set<string>();
  const unique = out.filter((f) => {
    const k = `${f.code}\u0000${f.message}\u0000${f.loc ? `${f.loc.startLine}:${f.loc.startCharacter}` : ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const pos = (f: FindingRow) => (f.loc ? f.loc.startLine * 1e6 + f.loc.startCharacter : -1);
  return unique.sort((a, b) => sevRank[a.severity] - sevRank[b.severity] || pos(a) - pos(b));
}

function unitOf(key: string): CompareRow['unit'] {
  if (/Bytes$|savedBytes\.(dedup|hvo)$/.test(key)) return 'bytes';
  if (/Ms$/.test(key)) return 'ms';
  return 'count';
}

function rowsOf(cmp: Comparison): CompareRow[] {
  return cmp.rows.map((r) => ({ key: r.key, unit: unitOf(r.key), values: r.values.map((v) => (v === null ? null : round3(v))), deltas: r.deltas.map((v) => (v === null ? null : round3(v))), changed: r.values.some((v) => v !== r.values[0]) }));
}

function scenarioDescription(load: LoadResult, index: number): string | null {
  const raw = (load.doc?.value as { scenarios?: { description?: unknown }[] } | null)?.scenarios?.[index]?.description;
  return typeof raw === 'string' ? raw : null;
}

function compareModel(input: DashboardInput, findings: FindingRow[]): CompareModel {
  const runs = [input.base, ...input.scenarios];
  const memory = compareFlat(runs.map((r) => ({ name: r.name, values: r.result ? memmapFlat(r.result.memmap) : new Map<string, number>() })));
  const okTiming = runs.filter((r) => r.timing);
  const t = compareTimings(okTiming.map((r) => ({ name: r.name, timing: r.timing! })));
  // compareTimings only sees the runs that have a timing: spread its columns back over all runs.
  const timing: Comparison = {
    columns: runs.map((r) => r.name),
    rows: t.rows.map((row) => {
      const values = runs.map((r) => {
        const i = okTiming.indexOf(r);
        return i < 0 ? null : row.values[i];
      });
      return { key: row.key, values, deltas: values.map((v) => (v === null || values[0] === null ? null : Math.round((v - values[0]) * 1e6) / 1e6)) };
    }),
  };
  const scenarios = input.base.load.config?.scenarios ?? [];
  return {
    columns: runs.map((r, i) => {
      const name = r.name === 'base' ? null : r.name;
      const mine = findings.filter((f) => f.scenario === name);
      const m = r.result?.memmap;
      const sc = i === 0 ? null : scenarios.findIndex((x) => x.name === r.name);
      return {
        name: r.name,
        description: sc !== null && sc >= 0 ? scenarioDescription(input.base.load, sc) : null,
        ok: !!r.result && !!r.timing,
        errors: mine.filter((f) => f.severity === 'error').length,
        warnings: mine.filter((f) => f.severity === 'warning').length,
        headline:
          m && r.timing
            ? { totalBytes: m.totalBytes, ramBytes: m.ramBytes, deviceBytes: m.deviceBytes, pageTableBytes: m.pageTableBytes, dedupSavedBytes: m.savedBytes.dedup, hvoSavedBytes: m.savedBytes.hvo, bootMs: round3(r.timing.bootMs), endMs: round3(r.timing.endMs) }
            : null,
        loc: sc !== null && sc >= 0 ? locate(input.base.load, ['scenarios', sc]) : null,
      };
    }),
    memory: rowsOf(memory),
    timing: rowsOf(timing),
  };
}

function headline(run: DashboardRun, findings: FindingRow[]): Headline | null {
  const r = run.result;
  if (!r) return null;
  const m = r.memmap;
  const t = run.timing;
  const structPages =
    m.nodes.reduce((a, n) => a + n.structPages, 0) +
    m.devices.reduce((a, d) => a + (d.hotplugIndex !== null ? 0 : d.structPages), 0) +
    m.hotplug.reduce((a, h) => a + (h.status === 'ok' ? h.structPages : 0), 0);
  return {
    totalBytes: m.totalBytes,
    ramBytes: m.ramBytes,
    deviceBytes: m.deviceBytes,
    pageTableBytes: m.pageTableBytes,
    dedupSavedBytes: m.savedBytes.dedup,
    hvoSavedBytes: m.savedBytes.hvo,
    structPages,
    bootMs: t ? round3(t.bootMs) : null,
    memoryLineMs: t ? round3(t.memoryLineMs) : null,
    endMs: t ? round3(t.endMs) : null,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    infos: findings.filter((f) => f.severity === 'info').length,
  };
}

/** The dashboard model of one config: its base run, its scenarios and its findings. */
export function buildDashboardModel(input: DashboardInput, opts: ModelOptions = {}): DashboardModel {
  const { base } = input;
  const cfg = base.load.config;
  const findings = findingRows(input);
  const r = base.result;
  const targets = new Targets(base);
  const status: DashboardModel['status'] = base.crash ? 'crashed' : r ? 'ok' : 'invalid';
  const nErr = findings.filter((f) => f.severity === 'error').length;
  return {
    version: MODEL_VERSION,
    file: input.file,
    name: cfg?.name ?? null,
    arch: cfg?.arch ?? null,
    kernel: cfg?.kernel.version ?? null,
    status,
    statusMessage:
      status === 'crashed'
        ? `The simulation crashed: ${base.crash!.split('\n')[0]}`
        : status === 'invalid'
          ? `The config has ${nErr} error${nErr === 1 ? '' : 's'}: fix ${nErr === 1 ? 'it' : 'them'} to simulate (see Findings).`
          : null,
    geometry: r ? { pageSize: r.arch.pageSize, structPageSize: r.arch.structPageSize, sectionSize: r.arch.sectionSize, memoryBlockBytes: r.memmap.memoryBlockBytes } : null,
    headline: headline(base, findings),
    memory: r ? memoryRows(base) : [],
    hugetlb: r ? hugetlbRows(base) : [],
    timing: r && base.timing ? timingModel(base, targets) : null,
    timeline: r && base.timing ? timelineModel(base, targets, opts) : null,
    compare: r ? compareModel(input, findings) : null,
    findings,
  };
}
