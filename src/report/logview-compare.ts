// Measured (one boot of a kernel log) vs predicted (a workload config run through the simulated mm core
// and the timing model), as the Memmap Log View shows it: the figures of `memmap-lab compare`
// (src/trace/predicted.ts: compareFigures) with their relative errors. Pure: no I/O.
import type { LoadResult } from '../config/load';
import { simulateMemmap } from '../core/simulate';
import { simulateTimingWorkload } from '../core/init/timing';
import { buildInitWorkload } from '../core/init/workload';
import { compareFigures, FIGURE_LABELS, worstError, type MeasuredLog } from '../trace/predicted';
import type { Comparison } from '../protocol/logview';

const failed = (config: string, boot: number, configName: string | null, message: string): Comparison => ({ config, configName, boot, status: 'failed', message, rows: [], unmatched: [], notes: [], worstRelError: null });

/**
 * Compare the boot of `log` with the config `load` (loaded by the caller: the editor's text, unsaved
 * edits included). `config` is the config's name as shown.
 */
export function compareWithConfig(log: MeasuredLog, load: LoadResult, config: string): Comparison {
  const boot = log.boot.index;
  const cfg = load.config;
  const errors = load.errors.filter((e) => e.severity === 'error');
  if (!cfg || errors.length) {
    const first = errors[0]?.message ?? 'the config does not load';
    return failed(config, boot, cfg?.name ?? null, `${config} has ${errors.length || 1} error${errors.length > 1 ? 's' : ''} (${first}): fix ${errors.length > 1 ? 'them' : 'it'} to compare.`);
  }
  let report;
  try {
    const memmap = simulateMemmap(cfg);
    const work = buildInitWorkload(cfg, memmap);
    const timing = simulateTimingWorkload(work, cfg.machine, { path: ['machine'] });
    report = compareFigures(log, cfg, memmap, timing, work);
  } catch (e) {
    return failed(config, boot, cfg.name, `the simulation of ${config} failed: ${(e as Error)?.message ?? String(e)}`);
  }
  return {
    config,
    configName: cfg.name,
    boot,
    status: 'ok',
    message: null,
    rows: report.figures.map((f) => ({
      figure: f.figure,
      label: FIGURE_LABELS[f.figure] ?? f.figure,
      subject: f.subject,
      unit: f.unit,
      measured: f.measured,
      predicted: f.predicted,
      absError: f.absError,
      relError: f.relError,
      line: f.line,
      source: f.source === null ? null : f.source.slice(0, 1000),
      note: f.note === null ? null : f.note.slice(0, 2000),
    })),
    unmatched: report.unmatched.map((u) => ({ line: u.line, source: u.source === null ? null : u.source.slice(0, 1000), why: u.why.slice(0, 1000) })),
    notes: report.notes,
    worstRelError: worstError(report.figures),
  };
}
