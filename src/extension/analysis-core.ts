// One config analysis as plain data: parse + validate, the simulated mm core, then the checker's rules on
// the simulation; and, for the CodeLens and hovers, the timing model's per-object figures and the
// scenario variants' figures. No `vscode`: it
// runs in the analysis thread (analysis-worker.ts) and, when that thread is not available, in the
// extension host.
import { loadConfigText, scenarioConfig, type LoadOptions, type LoadResult, type LoadWire } from '../config/load';
import { simulateMemmap, type MemmapResult } from '../core/simulate';
import { checkDocument } from '../check/engine';
import type { CheckResult } from '../check/types';
import { simulateTiming } from '../core/init/index';
import type { ScenarioFigures, TimingFigures } from './figures';
import { dashboardModel } from '../report/dashboard-run';
import type { DashboardModel } from '../protocol/dashboard';
import type { WorkloadConfig } from '../config/types';
import { writeChromeTrace } from '../trace/chrome-export';

/** What the CodeLens and hovers show beyond the analysis: the timing model's figures and every scenario's. */
export interface EditorFigures {
  timing: TimingFigures | null;
  scenarios: Record<string, ScenarioFigures>;
  /** The timing model or a scenario's simulation threw (bugs): what to log. */
  crashes: string[];
}

export interface AnalysisRequest {
  kind: 'analysis';
  id: number;
  text: string;
  fileName: string;
  options: LoadOptions;
  /** Run the mm core on the config (and then the checker). */
  simulate: boolean;
  /** Then the EditorFigures too (a second reply). */
  figures: boolean;
}

/** The dashboard's whole model of a config (its base run, every scenario, the findings): built in the
 *  thread when a dashboard is open, so that each edit does not cost the host the scenarios' runs. */
export interface DashboardRequest {
  kind: 'dashboard';
  id: number;
  text: string;
  fileName: string;
  options: LoadOptions;
  /** The file's name as the dashboard shows it. */
  file: string;
}

/** Export Timeline: the config's init timeline as Chrome Trace Event JSON, written in the thread (the timing
 *  model and the JSON take 0.1-0.3 s for a config of a few thousand lines). */
export interface TimelineRequest {
  kind: 'timeline';
  id: number;
  text: string;
  fileName: string;
  options: LoadOptions;
  /** The file's name as the trace's metadata and the messages say it. */
  file: string;
}

/** The exported timeline (UTF-8 JSON and its event count), or why there is none: the message for the user,
 *  and the stack of a crash for the log. */
export type TimelineExport =
  | { ok: true; json: Uint8Array; events: number }
  | { ok: false; error: string; crash: string | null };

/** The thread's replies to a request: the analysis (or its failure), then - when asked and simulated - the
 *  EditorFigures; or the dashboard model; or an exported timeline. */
export type AnalysisReply =
  | { id: number; kind: 'dashboard'; model: DashboardModel }
  | { id: number; kind: 'timeline'; timeline: TimelineExport }
  | { id: number; kind: 'analysis'; load: LoadWire; sim: MemmapResult | null; simCrash: string | null; check: Omit<CheckResult, 'load'> | null; ms: number }
  | { id: number; kind: 'figures'; figures: EditorFigures }
  /** The host cancelled the request before the thread got to it (or to its figures): nothing more follows. */
  | { id: number; kind: 'cancelled' }
  | { id: number; kind: 'failed'; error: string };

/** Host -> thread: the request `id` is no longer wanted (a newer edit superseded it). */
export interface CancelRequest {
  kind: 'cancel';
  id: number;
}

export interface AnalysisResult {
  load: LoadResult;
  /** The core's result; null when not simulated (not asked, or the config did not load). */
  sim: MemmapResult | null;
  /** The core threw: a bug in the core, reported as a diagnostic instead of losing the rest. */
  simCrash: string | null;
  /** The checker's result on the simulated config (null when not simulated). */
  check: CheckResult | null;
}

export function runAnalysis(req: Omit<AnalysisRequest, 'kind' | 'id' | 'figures'>): AnalysisResult {
  const load = loadConfigText(req.text, req.fileName, req.options);
  let sim: MemmapResult | null = null;
  let simCrash: string | null = null;
  if (req.simulate && load.config && !load.errors.some((e) => e.severity === 'error')) {
    try {
      sim = simulateMemmap(load.config);
    } catch (e) {
      simCrash = (e as Error)?.stack ?? String(e);
    }
  }
  const check = sim ? checkDocument(load, { ...req.options, simulation: sim }) : null;
  return { load, sim, simCrash, check };
}

const stackOf = (e: unknown): string => (e as Error)?.stack ?? String(e);

/** The timing model on a simulated config, as the CodeLens and hovers need it (throws what it throws). */
export function timingFigures(config: WorkloadConfig, sim: MemmapResult): TimingFigures {
  const t = simulateTiming(config, sim);
  return { bootMs: t.bootMs, endMs: t.endMs, nodes: t.nodes, devices: t.devices, hugetlb: t.hugetlb };
}

/** One scenario variant of a loaded config, simulated with its timing. `crash` gets the stack of a bug. */
export function scenarioFigures(load: LoadResult, name: string, options: LoadOptions, crash?: (stack: string) => void): ScenarioFigures {
  try {
    const loaded = scenarioConfig(load, name, options);
    if (!loaded.config) return { memmap: null, kernelFailures: 0, timing: null, error: loaded.errors.find((e) => e.severity === 'error')?.message ?? 'the scenario does not load' };
    const sim = simulateMemmap(loaded.config);
    const t = simulateTiming(loaded.config, sim);
    const m = sim.memmap;
    return { memmap: { totalBytes: m.totalBytes, ramBytes: m.ramBytes, deviceBytes: m.deviceBytes, savedBytes: m.savedBytes }, kernelFailures: sim.errors.length, timing: { bootMs: t.bootMs, endMs: t.endMs }, error: null };
  } catch (e) {
    crash?.(`scenario '${name}': ${stackOf(e)}`);
    return { memmap: null, kernelFailures: 0, timing: null, error: `the simulation failed: ${(e as Error)?.message ?? String(e)}` };
  }
}

/** The timing figures and every scenario's, for an analysis (the analysis thread's second reply). */
export function editorFigures(load: LoadResult, sim: MemmapResult, options: LoadOptions): EditorFigures {
  const out: EditorFigures = { timing: null, scenarios: {}, crashes: [] };
  if (!load.config) return out;
  try {
    out.timing = timingFigures(load.config, sim);
  } catch (e) {
    out.crashes.push(`the timing model: ${stackOf(e)}`);
  }
  for (const s of load.config.scenarios) out.scenarios[s.name] = scenarioFigures(load, s.name, options, (c) => out.crashes.push(c));
  return out;
}

/** The dashboard's model of a config text: the analysis, then dashboardModel() reusing its simulation and
 *  findings (report/dashboard-run.ts, as the extension host builds it when the thread cannot). */
export function runDashboardModel(req: Omit<DashboardRequest, 'kind' | 'id'>): DashboardModel {
  const { load, sim, check } = runAnalysis({ text: req.text, fileName: req.fileName, options: req.options, simulate: true });
  return dashboardModel(load, req.file, { load: req.options, baseResult: sim, findings: check?.findings ?? null });
}

/** Export Timeline's work on a config text: the analysis, the timing model, then the Chrome trace as UTF-8
 *  bytes (the thread hands them over without a copy). A config with errors, or a crash, gives the reason. */
export function runTimelineExport(req: Omit<TimelineRequest, 'kind' | 'id'>): TimelineExport {
  const { load, sim, simCrash } = runAnalysis({ text: req.text, fileName: req.fileName, options: req.options, simulate: true });
  if (!load.config || !sim) {
    const n = load.errors.filter((e) => e.severity === 'error').length;
    const error = simCrash ? `the simulation of ${req.file} crashed` : `${req.file} has ${n} error${n === 1 ? '' : 's'}: fix ${n === 1 ? 'it' : 'them'} to export its timeline`;
    return { ok: false, error, crash: simCrash };
  }
  const timing = simulateTiming(load.config, sim);
  const chunks: string[] = [];
  const events = writeChromeTrace(timing, { config: load.config.name, scenario: load.config.scenario, file: req.file }, (c) => void chunks.push(c));
  return { ok: true, json: new TextEncoder().encode(chunks.join('')), events };
}
