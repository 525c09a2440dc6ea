// memmap-lab compare <log> <config> [--json] [--boot N] [--scenario NAME] [--calibrate [-o FILE] [--force]]
//
// Measured (a boot log) vs predicted (the config run through the simulated mm core), per figure: memory
// totals, memory block size, node memory, deferred init per node, ZONE_DEVICE init per device, HVO.
// --calibrate fits the timing model's per-page costs to the log: it writes machine.calibration points
// into the config text (a minimal edit, comments kept), atomically, and compares again.
// The JSON document (schemaVersion 1) is described in docs/import-compare.md.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatBytes, formatError, loadConfigFile, loadConfigText, type LoadResult } from '../../config/index';
import { buildInitWorkload } from '../../core/init/workload';
import type { CalibrationOutcome, MachineProblem } from '../../core/init/types';
import { bootNumber } from '../../trace/boot';
import { readLog, type LogInput } from '../../trace/import';
import { upsertCalibration } from '../../trace/import/config-edit';
import {
  calibrationPoints,
  compareFigures,
  FIGURE_LABELS,
  matchZoneDevices,
  meanRatio,
  simulatedDevices,
  worstError,
  type CompareReport,
  type Figure,
  type FigureKind,
  type PlatformMismatch,
} from '../../trace/predicted';
import { EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, parseArgs, UsageError, type Io } from '../io';
import { formatLocation } from '../located';
import { num, table } from '../../report/table';
import { bootOption } from './import';
import { writeOutput } from '../write';
import type { Command } from './index';
import { simulateLoaded, type JsonError } from './simulate';

export const COMPARE_SCHEMA_VERSION = 1;

const help = `usage: memmap-lab compare <log> <config> [--json] [--boot N] [--scenario NAME] [--calibrate [-o FILE] [--force]]

Measured (from a boot log) vs predicted (from a workload config run through the simulated mm core), per
figure: the Memory: line's total and reserved, memory block size, memory per node, deferred struct page
init per node, ZONE_DEVICE init per device (pages and ms), HugeTLB vmemmap optimization (HVO) savings;
each with the absolute and relative error.

  --json           print the JSON document (docs/import-compare.md)
  --boot N         the boot of the log to use (1 = the first, as \`memmap-lab analyze\` lists them;
                   default: the one with the most memory facts)
  --scenario NAME  simulate one of the config's scenarios
  --calibrate      fit the timing model to the log: write machine.calibration points (deferred init per
                   node, ZONE_DEVICE init per device) into the config, then compare again
  -o, --output F   with --calibrate: write the calibrated config to F instead of changing <config>
  --force          with -o: replace F if it exists

exit: 0 compared, 1 the simulated kernel refuses part of the config, 2 bad input
`;

/** One run of the comparison. */
interface Run {
  load: LoadResult;
  report: CompareReport;
  calibration: CalibrationOutcome[];
  problems: MachineProblem[];
  errors: JsonError[];
  exitCode: number;
  points: ReturnType<typeof calibrationPoints>;
}

export interface CompareSummary {
  figures: number;
  /** Largest |relError| over all figures (null when none has one). */
  worstRelError: number | null;
  byFigure: Partial<Record<FigureKind, { count: number; worstRelError: number | null; meanRatio: number | null }>>;
}

/** The document `compare --json` prints. */
export interface CompareJson {
  schemaVersion: number;
  log: string;
  /** The boot's index (0-based, as analyze --json's `index`). */
  boot: number;
  /** The boot as the text output and --boot number it (from 1): boot + 1. */
  bootNumber: number;
  kernelVersion: string | null;
  config: string;
  scenario: string | null;
  /** The log's arch, base page size or kernel major.minor where they differ from the config's. */
  mismatches: PlatformMismatch[];
  figures: Figure[];
  unmatched: CompareReport['unmatched'];
  notes: string[];
  summary: CompareSummary;
  calibration: null | {
    written: string | null;
    points: Record<string, unknown>[];
    replaced: number;
    added: number;
    skipped: string[];
    outcomes: CalibrationOutcome[];
    problems: MachineProblem[];
    before: { figures: Figure[]; summary: CompareSummary };
  };
  errors: JsonError[];
}

function summarize(figures: readonly Figure[]): CompareSummary {
  const byFigure: CompareSummary['byFigure'] = {};
  for (const f of figures) {
    const e = byFigure[f.figure] ?? { count: 0, worstRelError: null, meanRatio: null };
    e.count++;
    byFigure[f.figure] = e;
  }
  for (const k of Object.keys(byFigure) as FigureKind[]) {
    byFigure[k]!.worstRelError = worstError(figures, k);
    byFigure[k]!.meanRatio = meanRatio(figures, k);
  }
  return { figures: figures.length, worstRelError: worstError(figures), byFigure };
}

function run(log: LogInput, base: LoadResult, file: string, scenario: string | null): Run | { failed: string[] } {
  const o = simulateLoaded(base, file, scenario);
  if (!o.result || !o.timing || !o.load.config) {
    return { failed: o.load.errors.map((e) => formatError(o.load.doc, file, e)) };
  }
  const cfg = o.load.config;
  const work = buildInitWorkload(cfg, o.result);
  const report = compareFigures(log, cfg, o.result, o.timing, work);
  const matches = matchZoneDevices(log.boot.zoneDevice, simulatedDevices(work, o.timing));
  const points = calibrationPoints(log, cfg, work, matches);
  return { load: o.load, report, calibration: o.timing.calibration, problems: o.timing.problems, errors: o.json.errors, exitCode: o.exitCode, points };
}

function value(f: Figure, v: number): string {
  switch (f.unit) {
    case 'bytes':
      return formatBytes(v);
    case 'KiB':
      return `${num(v)} KiB`;
    case 'pages':
      return num(v);
    case 'ms':
      return `${Number.isInteger(v) ? v : v.toFixed(1)} ms`;
  }
}

/** Rounded as value() shows it, so that a tiny difference does not print as "-0.0 ms". */
function shown(f: Figure, v: number): number {
  return f.unit === 'ms' ? Math.round(v * 10) / 10 : Math.round(v);
}

function signed(f: Figure, v: number): string {
  const r = shown(f, v);
  if (r === 0) return f.unit === 'ms' ? '0 ms' : f.unit === 'pages' ? '0' : f.unit === 'KiB' ? '0 KiB' : '0 B';
  return (r > 0 ? '+' : '-') + value(f, Math.abs(r));
}

function pct(r: number | null): string {
  if (r === null) return '-';
  const p = Math.round(r * 10000) / 100;
  if (p === 0) return '0.00%';
  return `${p > 0 ? '+' : '-'}${Math.abs(p).toFixed(2)}%`;
}

function figureTable(figures: readonly Figure[]): string {
  if (!figures.length) return '  (no figure to compare)\n';
  return table(
    ['figure', 'subject', 'measured', 'predicted', 'error', 'rel. error', 'log line'],
    figures.map((f) => [
      FIGURE_LABELS[f.figure],
      f.subject,
      value(f, f.measured),
      f.predicted === null ? '-' : value(f, f.predicted),
      f.absError === null ? '-' : signed(f, f.absError),
      pct(f.relError),
      f.line === null ? '-' : String(f.line),
    ]),
  );
}

function figureNotes(figures: readonly Figure[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const f of figures) {
    if (!f.note) continue;
    // Per-kind notes that only differ in numbers are said once.
    const key = `${f.figure}:${f.note.replace(/\d+(\.\d+)?/g, '#')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(`${FIGURE_LABELS[f.figure]}${f.figure === 'nodeBytes' || f.predicted === null ? ` (${f.subject})` : ''}: ${f.note}`);
  }
  return out;
}

export const compareCommand: Command = {
  name: 'compare',
  summary: 'measured (a boot log) vs predicted (a config): errors per figure; --calibrate fits the timing model',
  help,
  async run(argv: readonly string[], io: Io): Promise<number> {
    const { flags, options, positionals } = parseArgs(argv, { flags: ['json', 'calibrate', 'force'], options: ['scenario', 'boot', 'output'] });
    if (positionals.length !== 2) throw new UsageError(positionals.length < 2 ? 'give a log and a config: compare <log> <config>' : 'give exactly one log and one config');
    const [logPath, configPath] = positionals;
    const calibrate = flags.has('calibrate');
    const output = options.get('output');
    if (output !== undefined && !calibrate) throw new UsageError('-o/--output applies with --calibrate (where to write the calibrated config)');
    if (flags.has('force') && output === undefined) throw new UsageError('--force only applies with -o FILE');
    const scenario = options.get('scenario') ?? null;
    const boot = bootOption(options.get('boot'));
    const json = flags.has('json');

    const lr = await readLog(resolve(io.cwd, logPath), { boot });
    if (!lr.ok) {
      io.err(`memmap-lab compare: ${lr.message.split(resolve(io.cwd, logPath)).join(logPath)}\n`);
      return EXIT_BAD_INPUT;
    }
    const log: LogInput = { ...lr.log, path: logPath };
    const configAbs = resolve(io.cwd, configPath);
    const base = loadConfigFile(configAbs);
    const before = run(log, base, configPath, scenario);
    if ('failed' in before) {
      for (const e of before.failed) io.err(e.split(configAbs).join(configPath) + '\n');
      return EXIT_BAD_INPUT;
    }

    let after: Run = before;
    let cal: CompareJson['calibration'] = null;
    const out: string[] = [];
    const b = log.boot;
    out.push(`${logPath} (boot ${bootNumber(b)}${b.kernelVersion ? `, Linux ${b.kernelVersion}` : ''}) measured vs ${configPath}${scenario ? ` scenario "${scenario}"` : ''} predicted`, '');
    // A log of another machine or kernel than the config's: said before any figure.
    const mismatches = before.report.mismatches;
    for (const m of mismatches) out.push(`warning: ${m.message}`);
    if (mismatches.length) out.push('');

    if (calibrate) {
      const pts = before.points;
      if (pts.points.length === 0) {
        io.err(`memmap-lab compare: --calibrate: nothing to calibrate: ${pts.skipped.length ? pts.skipped.join('; ') : 'the log has no deferred-init or ZONE_DEVICE time'}\n`);
        return EXIT_BAD_INPUT;
      }
      let text: string;
      try {
        text = readFileSync(configAbs, 'utf8');
      } catch (e) {
        io.err(`memmap-lab compare: cannot read ${configPath}: ${(e as Error).message}\n`);
        return EXIT_BAD_INPUT;
      }
      const bom = text.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
      const target = output ?? configPath;
      const edit = upsertCalibration(bom ? text.slice(1) : text, configPath, pts.points.map((p) => p.value), pts.points.map((p) => p.comment));
      if (!edit.ok) {
        io.err(`memmap-lab compare: --calibrate: ${configPath}: ${edit.message}\n`);
        return EXIT_BAD_INPUT;
      }
      const targetAbs = resolve(io.cwd, target);
      const w = writeOutput(targetAbs, bom + edit.text, { replace: output === undefined || flags.has('force'), shown: target, inputs: [resolve(io.cwd, logPath)] });
      if (!w.ok) {
        io.err(`memmap-lab compare: ${w.message}\n`);
        return EXIT_BAD_INPUT;
      }
      const reloaded = loadConfigText(edit.text, targetAbs);
      const r = run(log, reloaded, target, scenario);
      if ('failed' in r) {
        for (const e of r.failed) io.err(e.split(targetAbs).join(target) + '\n');
        return EXIT_BAD_INPUT;
      }
      after = r;
      cal = {
        written: target,
        points: pts.points.map((p) => p.value),
        replaced: edit.replaced,
        added: edit.added,
        skipped: pts.skipped,
        outcomes: after.calibration,
        problems: after.problems.filter((p) => /calibration/.test(p.message)),
        before: { figures: before.report.figures, summary: summarize(before.report.figures) },
      };
      out.push('Before calibration');
      out.push(figureTable(before.report.figures));
      out.push(
        `Calibration: ${pts.points.length} point${pts.points.length === 1 ? '' : 's'} written to ${target} (machine.calibration: ${edit.added} added, ${edit.replaced} replaced${edit.method === 'yaml-rewrite' ? '; the YAML had to be rewritten, check its formatting' : ''})`,
      );
      for (const p of pts.points) out.push(`  ${p.phase} ${p.node !== null ? `node ${p.node}` : p.device}: ${p.ms} ms  (${p.comment})`);
      for (const s of pts.skipped) out.push(`  not used: ${s}`);
      if (after.calibration.length) {
        const byKey = new Map<string, number>();
        for (const c of after.calibration) byKey.set(c.scaled, c.scale);
        out.push(`  fitted: ${[...byKey].map(([k, s]) => `${k} x${s.toFixed(4)}`).join(', ')} (multipliers of the per-page cost, initPage/zoneDevicePage/..., or of a media's write bandwidth, writeBw; points on one key share it: geometric mean)`);
      }
      for (const p of cal.problems) out.push(`  ${p.severity}: ${p.message}`);
      out.push('', 'After calibration');
    }

    const report = after.report;
    const summary = summarize(report.figures);
    if (json) {
      const doc: CompareJson = {
        schemaVersion: COMPARE_SCHEMA_VERSION,
        log: logPath,
        boot: b.index,
        bootNumber: bootNumber(b),
        kernelVersion: b.kernelVersion,
        config: cal?.written ?? configPath,
        scenario,
        mismatches: report.mismatches,
        figures: report.figures,
        unmatched: report.unmatched,
        notes: report.notes,
        summary,
        calibration: cal,
        errors: after.errors,
      };
      io.out(JSON.stringify(doc, null, 2) + '\n');
      return after.exitCode === EXIT_FINDINGS ? EXIT_FINDINGS : EXIT_OK;
    }
    out.push(figureTable(report.figures));
    // The mismatches are also the first notes (for views that show notes only): printed above already.
    const notes = [...figureNotes(report.figures), ...report.notes.filter((n) => !report.mismatches.some((m) => n === `mismatch: ${m.message}`))];
    for (const u of report.unmatched) notes.push(`not compared: line ${u.line}${u.source ? `: "${u.source}"` : ''}: ${u.why}`);
    if (notes.length) {
      out.push('Notes');
      for (const n of notes) out.push(`  - ${n}`);
      out.push('');
    }
    const problems = after.errors;
    if (problems.length) {
      out.push('Problems');
      for (const e of problems) out.push(`  ${formatLocation(e)}: ${e.severity}: ${e.message}`);
      out.push('');
    }
    io.out(out.join('\n'));
    return after.exitCode === EXIT_FINDINGS ? EXIT_FINDINGS : EXIT_OK;
  },
};
