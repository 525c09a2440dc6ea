// memmap-lab simulate <config> [--scenario NAME] [--json] [--trace out.json] [--compare]
//
// Loads a workload config, runs the simulated mm core on it (or on one of its scenarios): memory
// accounting and the init timing model. Prints a human summary or the stable JSON document described
// in docs/cli-json.md; writes the timeline as Chrome Trace Event JSON; compares scenarios side by side.
import { resolve } from 'node:path';
import { loadConfigFile, scenarioConfig, formatError, formatBytes, printableLine, type LoadOptions, type LoadResult } from '../../config/index';
import { simulateMemmap } from '../../core/simulate';
import type { MemmapResult, CoreError } from '../../core/types';
import { simulateTiming, compareTimings, formatTimingComparison, type TimingResult } from '../../core/init/index';
import { changedRows, compareFlat, memmapFlat, type Comparison } from '../../core/compare';
import { writeChromeTrace } from '../../trace/chrome-export';
import { configDefaults, DEFAULTS_HELP, EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, parseArgs, UsageError, type Io } from '../io';
import { locate, formatLocation } from '../located';
import { writeOutput } from '../write';
import { num, table } from '../../report/table';
import { formatSimulationSummary, type LocatedProblem } from '../../report/summary';
import type { Command } from './index';

export const SCHEMA_VERSION = 1;

const help = `usage: memmap-lab simulate <config> [--scenario NAME] [--json] [--trace FILE] [--compare] [--arch ARCH] [--kernel X.Y]

Runs the simulated mm core on a workload config (*.memmap.yaml / *.memmap.json): where every struct
page and vmemmap page lives and what it costs, and how long struct page initialization takes, on which
threads and why.

  --scenario NAME   simulate one of the config's what-if scenarios instead of the base config
  --json            print the JSON document (docs/cli-json.md) instead of the summary
  --trace FILE      also write the init timeline as Chrome Trace Event JSON (Perfetto, chrome://tracing);
                    a generated file: replaced if it exists (never one of the inputs)
  --compare         run the base config and every scenario side by side: memory and timing deltas
${DEFAULTS_HELP}

exit: 0 simulated, 1 the kernel would refuse a device or range (see errors), 2 bad input
`;

/** One located problem in the JSON document: where it is, and the config path it is about. */
export interface JsonError extends LocatedProblem {
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
  timing: TimingResult | null;
  errors: JsonError[];
}

export interface SimulateOutcome {
  load: LoadResult;
  result: MemmapResult | null;
  timing: TimingResult | null;
  json: SimulateJson;
  exitCode: number;
}

/** Load, pick the scenario, simulate: what the command and its tests share. */
export function simulateFile(file: string, scenario: string | null, cwd = process.cwd(), defaults: LoadOptions = {}): SimulateOutcome {
  return simulateLoaded(loadShown(file, cwd, defaults), file, scenario, defaults);
}

/** Load `file` (relative to `cwd`); a read error names the file as the user wrote it. */
function loadShown(file: string, cwd: string, defaults: LoadOptions): LoadResult {
  return loadConfigFile(resolve(cwd, file), defaults, file);
}

/** Simulate an already loaded config (or one of its scenarios). */
export function simulateLoaded(base: LoadResult, file: string, scenario: string | null, defaults: LoadOptions = {}): SimulateOutcome {
  const load = scenario !== null && base.doc ? scenarioConfig(base, scenario, defaults) : base;
  const json: SimulateJson = {
    schemaVersion: SCHEMA_VERSION,
    config: file,
    scenario,
    name: null,
    arch: null,
    kernel: null,
    archProfile: null,
    memmap: null,
    timing: null,
    errors: [],
  };
  if (!load.config) {
    json.errors = load.errors.map((e) => {
      const p = load.doc ? load.doc.positionAt(e.range.start) : { line: 1, column: 1 };
      return { severity: e.severity, message: e.message, kernelMessage: null, file, line: p.line, column: p.column, path: pathString(e.path) };
    });
    return { load, result: null, timing: null, json, exitCode: EXIT_BAD_INPUT };
  }
  const result = simulateMemmap(load.config);
  const timing = simulateTiming(load.config, result);
  json.name = load.config.name;
  json.arch = load.config.arch;
  json.kernel = load.config.kernel.version;
  json.archProfile = result.arch;
  json.memmap = result.memmap;
  json.timing = timing;
  json.errors = [
    ...load.errors.map((e) => {
      const p = load.doc!.positionAt(e.range.start);
      return { severity: e.severity, message: e.message, kernelMessage: null, file, line: p.line, column: p.column, path: pathString(e.path) };
    }),
    ...result.errors.map((e) => coreError(load, file, e)),
    ...timing.problems.map((e) => coreError(load, file, { severity: e.severity, message: `machine: ${e.message}`, path: e.path })),
  ];
  const failed = result.errors.some((e) => e.severity === 'error') || timing.problems.some((e) => e.severity === 'error');
  return { load, result, timing, json, exitCode: failed ? EXIT_FINDINGS : EXIT_OK };
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
    const { flags, options, positionals } = parseArgs(argv, { flags: ['json', 'compare'], options: ['scenario', 'trace', 'arch', 'kernel'] });
    const defaults = configDefaults(options);
    if (positionals.length !== 1) throw new UsageError(positionals.length ? 'give exactly one config file' : 'missing <config>');
    const file = positionals[0];
    if (flags.has('compare')) {
      if (options.has('scenario')) throw new UsageError('--compare runs every scenario; it does not take --scenario');
      if (options.has('trace')) throw new UsageError('--compare does not write a trace; run one scenario with --trace');
      return runCompare(file, flags.has('json'), io, defaults);
    }
    const outcome = simulateFile(file, options.get('scenario') ?? null, io.cwd, defaults);
    const tracePath = options.get('trace');
    if (tracePath !== undefined && outcome.timing) {
      const cfg = outcome.load.config!;
      let events = 0;
      const written = writeOutput(resolve(io.cwd, tracePath), (write) => void (events = writeChromeTrace(outcome.timing!, { config: cfg.name, scenario: cfg.scenario, file }, write)), { shown: tracePath, inputs: [resolve(io.cwd, file)] });
      if (!written.ok) {
        io.err(`memmap-lab simulate: ${written.message}\n`);
        return EXIT_BAD_INPUT;
      }
      if (!flags.has('json')) io.err(`trace: ${events} events written to ${tracePath}\n`);
    }
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

/** The document `simulate --compare --json` prints. */
export interface CompareJson {
  schemaVersion: number;
  config: string;
  columns: string[];
  memory: Comparison;
  timing: Comparison;
  errors: JsonError[];
}

/** simulate --compare: the base config and every scenario, side by side. */
function runCompare(file: string, json: boolean, io: Io, defaults: LoadOptions): number {
  const base = loadShown(file, io.cwd, defaults);
  const baseOutcome = simulateLoaded(base, file, null, defaults);
  if (!baseOutcome.result) {
    if (json) io.out(JSON.stringify(baseOutcome.json, null, 2) + '\n');
    for (const e of base.errors) io.err(formatError(base.doc, file, e) + '\n');
    return baseOutcome.exitCode;
  }
  const cfg = base.config!;
  const outcomes = [{ name: 'base', o: baseOutcome }, ...cfg.scenarios.map((sc) => ({ name: sc.name, o: simulateLoaded(base, file, sc.name, defaults) }))];
  const ok = outcomes.filter((c) => c.o.result && c.o.timing);
  const memory = compareFlat(ok.map((c) => ({ name: c.name, values: memmapFlat(c.o.result!.memmap) })));
  const timing = compareTimings(ok.map((c) => ({ name: c.name, timing: c.o.timing! })));
  const errors = outcomes.flatMap((c) => c.o.json.errors.map((e) => ({ ...e, message: c.name === 'base' ? e.message : `scenario '${c.name}': ${e.message}` })));
  const exitCode = Math.max(...outcomes.map((c) => c.o.exitCode));
  if (json) {
    const doc: CompareJson = { schemaVersion: SCHEMA_VERSION, config: file, columns: memory.columns, memory, timing, errors };
    io.out(JSON.stringify(doc, null, 2) + '\n');
    return exitCode;
  }
  const out: string[] = [`${cfg.name}  (${file}): ${ok.length === 1 ? '1 run' : `${ok.length} runs side by side`}; deltas against the base config`, ''];
  if (cfg.scenarios.length === 0) out.push('(the config defines no scenarios: add `scenarios:` to compare what-if variants)', '');
  out.push('Memory');
  out.push(formatMemoryComparison(memory));
  out.push('Timing');
  out.push(formatTimingComparison(timing));
  if (errors.length) {
    out.push('Problems');
    for (const e of errors) out.push(`  ${formatLocation(e)}: ${e.severity}: ${printableLine(e.message)}` + (e.kernelMessage ? `\n      kernel: ${e.kernelMessage.trimEnd().split('\n').map(printableLine).join('\n              ')}` : ''));
    out.push('');
  }
  io.out(out.join('\n'));
  return exitCode;
}

/** Whether a row of memmapFlat() is a byte count: its quantity ends in "Bytes", or it is one of the
 *  memmap.savedBytes.* fields (dedup, hvo). */
export function isBytesKey(key: string): boolean {
  return /Bytes$/.test(key) || /^memmap\.savedBytes\.[A-Za-z]+$/.test(key);
}

function formatMemoryComparison(cmp: Comparison): string {
  const rows = changedRows(cmp);
  if (rows.length === 0) return '  no memory differences\n';
  const fmt = (key: string, v: number) => (isBytesKey(key) ? formatBytes(v) : num(v));
  return table(
    ['quantity', ...cmp.columns.map((c, i) => (i === 0 ? c : `${c} (delta)`))],
    rows.map((r) => [
      r.key,
      ...r.values.map((v, i) => {
        if (v === null) return '-';
        if (i === 0) return fmt(r.key, v);
        const d = r.deltas[i] ?? 0;
        return `${fmt(r.key, v)} (${d >= 0 ? '+' : '-'}${fmt(r.key, Math.abs(d))})`;
      }),
    ]),
  );
}

/** The human summary of one simulation (shared with the extension's output channel). */
export function formatSummary(o: SimulateOutcome): string {
  return formatSimulationSummary({ config: o.load.config!, result: o.result!, timing: o.timing, problems: o.json.errors, source: o.json.config });
}
