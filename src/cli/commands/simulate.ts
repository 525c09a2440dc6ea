// memmap-lab simulate <config> [--scenario NAME] [--json]
//
// Loads a workload config, runs the simulated mm core on it (or on one of its scenarios) and prints a
// human summary or the stable JSON document described in docs/cli-json.md.
import { loadConfigFile, scenarioConfig, formatError, formatBytes, type LoadResult } from '../../config/index';
import { simulateMemmap } from '../../core/simulate';
import type { MemmapResult, CoreError } from '../../core/types';
import { EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, parseArgs, UsageError, type Io } from '../io';
import { locate, formatLocation } from '../located';
import { num, table } from '../table';
import type { Command } from './index';

export const SCHEMA_VERSION = 1;

const help = `usage: memmap-lab simulate <config> [--scenario NAME] [--json]

Runs the simulated mm core on a workload config (*.memmap.yaml / *.memmap.json) and prints where every
struct page and vmemmap page lives and what it costs.

  --scenario NAME   simulate one of the config's what-if scenarios instead of the base config
  --json            print the JSON document (docs/cli-json.md) instead of the summary

exit: 0 simulated, 1 the kernel would refuse a device or range (see errors), 2 bad input
`;

/** One located problem in the JSON document. */
export interface JsonError {
  severity: 'error' | 'warning';
  message: string;
  kernelMessage: string | null;
  file: string;
  line: number;
  column: number;
  path: string | null;
}

/** The JSON document `simulate --json` prints (schemaVersion 1). */
export interface SimulateJson {
  schemaVersion: number;
  config: string;
  scenario: string | null;
  name: string | null;
  arch: string | null;
  kernel: string | null;
  archProfile: MemmapResult['arch'] | null;
  memmap: MemmapResult['memmap'] | null;
  errors: JsonError[];
}

export interface SimulateOutcome {
  load: LoadResult;
  result: MemmapResult | null;
  json: SimulateJson;
  exitCode: number;
}

/** Load, pick the scenario, simulate: what the command and its tests share. */
export function simulateFile(file: string, scenario: string | null): SimulateOutcome {
  const base = loadConfigFile(file);
  const load = scenario !== null && base.doc ? scenarioConfig(base, scenario) : base;
  const json: SimulateJson = {
    schemaVersion: SCHEMA_VERSION,
    config: file,
    scenario,
    name: null,
    arch: null,
    kernel: null,
    archProfile: null,
    memmap: null,
    errors: [],
  };
  if (!load.config) {
    json.errors = load.errors.map((e) => {
      const p = load.doc ? load.doc.positionAt(e.range.start) : { line: 1, column: 1 };
      return { severity: e.severity, message: e.message, kernelMessage: null, file, line: p.line, column: p.column, path: pathString(e.path) };
    });
    return { load, result: null, json, exitCode: EXIT_BAD_INPUT };
  }
  const result = simulateMemmap(load.config);
  json.name = load.config.name;
  json.arch = load.config.arch;
  json.kernel = load.config.kernel.version;
  json.archProfile = result.arch;
  json.memmap = result.memmap;
  json.errors = [
    ...load.errors.map((e) => {
      const p = load.doc!.positionAt(e.range.start);
      return { severity: e.severity, message: e.message, kernelMessage: null, file, line: p.line, column: p.column, path: pathString(e.path) };
    }),
    ...result.errors.map((e) => coreError(load, file, e)),
  ];
  const failed = result.errors.some((e) => e.severity === 'error');
  return { load, result, json, exitCode: failed ? EXIT_FINDINGS : EXIT_OK };
}

function coreError(load: LoadResult, file: string, e: CoreError): JsonError {
  const l = locate(load, file, e.path);
  return { severity: e.severity, message: e.message, kernelMessage: e.kernelMessage ?? null, file, line: l.line, column: l.column, path: pathString(e.path) };
}

function pathString(path: readonly (string | number)[]): string | null {
  if (!path.length) return null;
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'simulate a workload config: struct pages, vmemmap, where the memmap lives, savings',
  help,
  async run(argv: readonly string[], io: Io): Promise<number> {
    const { flags, options, positionals } = parseArgs(argv, { flags: ['json'], options: ['scenario'] });
    if (positionals.length !== 1) throw new UsageError(positionals.length ? 'give exactly one config file' : 'missing <config>');
    const file = positionals[0];
    const outcome = simulateFile(file, options.get('scenario') ?? null);
    if (flags.has('json')) {
      io.out(JSON.stringify(outcome.json, null, 2) + '\n');
      if (outcome.exitCode === EXIT_BAD_INPUT) for (const e of outcome.load.errors) io.err(formatError(outcome.load.doc, file, e) + '\n');
      return outcome.exitCode;
    }
    if (!outcome.result) {
      for (const e of outcome.load.errors) io.err(formatError(outcome.load.doc, file, e) + '\n');
      return outcome.exitCode;
    }
    io.out(formatSummary(outcome));
    return outcome.exitCode;
  },
};

/** The human summary: headline, tables per node, device, HugeTLB pool and hot-add, then problems and notes. */
export function formatSummary(o: SimulateOutcome): string {
  const r = o.result!;
  const m = r.memmap;
  const cfg = o.load.config!;
  const a = r.arch;
  const out: string[] = [];
  const title = cfg.name + (cfg.scenario ? ` — scenario "${cfg.scenario}"` : '');
  out.push(`${title}  (${o.json.config})`);
  out.push(
    `${a.arch}, Linux ${a.kernel}: ${formatBytes(a.pageSize)} pages, ${a.structPageSize}-byte struct page, ` +
      `${formatBytes(a.sectionSize)} sections, memory block ${formatBytes(m.memoryBlockBytes)}`,
  );
  out.push('');
  out.push(
    `memmap ${formatBytes(m.totalBytes)} = RAM ${formatBytes(m.ramBytes)} + on device ${formatBytes(m.deviceBytes)} + page tables ${formatBytes(m.pageTableBytes)}`,
  );
  if (m.savedBytes.dedup || m.savedBytes.hvo)
    out.push(`saved: compound devmap vmemmap dedup ${formatBytes(m.savedBytes.dedup)}, HugeTLB vmemmap optimization ${formatBytes(m.savedBytes.hvo)}`);
  out.push('');
  out.push('Nodes (boot memory)');
  out.push(
    table(
      ['node', 'RAM', 'sections', 'struct pages', 'boot memmap', 'page tables', 'zones'],
      m.nodes.map((n) => [
        n.id,
        formatBytes(n.presentPages * a.pageSize),
        num(n.presentSections),
        num(n.structPages),
        formatBytes(n.bootMemmapBytes),
        formatBytes(n.pageTableBytes),
        n.zones.map((z) => z.name).join(' ') || '-',
      ]),
    ),
  );
  if (m.devices.length) {
    out.push('Devices (ZONE_DEVICE and dax/kmem)');
    out.push(
      table(
        ['device', 'kind/mode', 'size', 'map', 'struct pages', 'memmap', 'location', 'dedup saved', 'data offset', 'usable pages', 'status'],
        m.devices.map((d) => {
          const hp = d.hotplugIndex !== null ? m.hotplug[d.hotplugIndex] : null;
          return [
            d.name,
            `${d.kind}/${d.mode}`,
            formatBytes(d.size),
            d.mode === 'kmem' ? (hp?.memmapOnMemory ? 'on-mem' : 'mem') : d.map,
            num(hp ? hp.structPages : d.structPages),
            formatBytes(hp ? hp.memmapBytes : d.memmapBytes),
            hp ? (hp.memmapOnMemory ? 'self-hosted' : 'ram') : d.location,
            formatBytes(d.dedupSavedBytes),
            formatBytes(d.dataOffsetBytes),
            num(hp ? hp.usableBytes / a.pageSize : d.usablePages),
            d.status,
          ];
        }),
      ),
    );
    const alt = m.devices.filter((d) => d.altmap);
    if (alt.length) {
      out.push('altmaps (struct vmem_altmap, in pages)');
      out.push(
        table(
          ['device', 'base_pfn', 'reserve', 'free', 'alloc', 'align', 'unused'],
          alt.map((d) => [d.name, '0x' + d.altmap!.basePfn.toString(16), num(d.altmap!.reserve), num(d.altmap!.free), num(d.altmap!.alloc), num(d.altmap!.align), num(d.altmap!.unusedPages)]),
        ),
      );
    }
  }
  const hot = m.hotplug.filter((h) => h.source === 'hotplug');
  if (hot.length) {
    out.push('Hot-added memory');
    out.push(
      table(
        ['node', 'start', 'size', 'blocks', 'memmap_on_memory', 'self-hosted', 'RAM', 'wasted', 'status'],
        hot.map((h) => [h.node, '0x' + h.start.toString(16), formatBytes(h.size), num(h.blocks), h.memmapOnMemory ? 'yes' : h.requested ? 'fallback' : 'no', formatBytes(h.selfHostedBytes), formatBytes(h.ramBytes), formatBytes(h.wastedBytes), h.status]),
      ),
    );
  }
  if (m.hugetlb.length) {
    out.push('HugeTLB pools');
    out.push(
      table(
        ['node', 'page size', 'pages', 'vmemmap/page', 'freed/page', 'freed', 'HVO'],
        m.hugetlb.map((h) => [h.node, formatBytes(h.pageSizeBytes), num(h.allocated), formatBytes(h.vmemmapBytesPerPage), formatBytes(h.freedBytesPerPage), formatBytes(h.freedBytes), h.hvo]),
      ),
    );
  }
  const problems = o.json.errors;
  if (problems.length) {
    out.push('Problems');
    for (const e of problems) {
      out.push(`  ${formatLocation(e)}: ${e.severity}: ${e.message}`);
      if (e.kernelMessage) out.push(`      kernel: ${e.kernelMessage.trimEnd()}`);
    }
    out.push('');
  }
  const notes = [...m.notes, ...m.devices.flatMap((d) => d.notes.map((n) => `${d.name}: ${n}`)), ...m.hugetlb.flatMap((h) => h.notes.map((n) => `hugetlb node ${h.node} ${formatBytes(h.pageSizeBytes)}: ${n}`))];
  if (notes.length) {
    out.push('Notes');
    for (const n of notes) out.push(`  - ${n}`);
    out.push('');
  }
  return out.join('\n');
}
