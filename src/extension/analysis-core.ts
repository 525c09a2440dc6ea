// One config analysis as plain data: parse + validate, the simulated mm core, then the checker's rules on
// the simulation; and, for the CodeLens and hovers, the timing model's per-object figures. No `vscode`: it
// runs in the analysis thread (analysis-worker.ts) and, when that thread is not available, in the
// extension host.
import { loadConfigText, type LoadOptions, type LoadResult, type LoadWire } from '../config/load';
import { simulateMemmap, type MemmapResult } from '../core/simulate';
import { checkDocument } from '../check/engine';
import type { CheckResult } from '../check/types';
import { simulateTiming } from '../core/init/index';
import type { TimingFigures } from './figures';

export interface TimingFiguresResult {
  timing: TimingFigures | null;
  /** The timing model threw (a bug in it): its stack. */
  error: string | null;
}

export interface AnalysisRequest {
  id: number;
  text: string;
  fileName: string;
  options: LoadOptions;
  /** Run the mm core on the config (and then the checker). */
  simulate: boolean;
  /** Then the timing model's figures too (a second reply). */
  timing: boolean;
}

/** The thread's replies to a request: the analysis (or its failure), then - when asked and simulated - the
 *  timing figures. */
export type AnalysisReply =
  | { id: number; kind: 'analysis'; load: LoadWire; sim: MemmapResult | null; simCrash: string | null; check: Omit<CheckResult, 'load'> | null; ms: number }
  | { id: number; kind: 'timing'; figures: TimingFiguresResult }
  | { id: number; kind: 'failed'; error: string };

export interface AnalysisResult {
  load: LoadResult;
  /** The core's result; null when not simulated (not asked, or the config did not load). */
  sim: MemmapResult | null;
  /** The core threw: a bug in the core, reported as a diagnostic instead of losing the rest. */
  simCrash: string | null;
  /** The checker's result on the simulated config (null when not simulated). */
  check: CheckResult | null;
}

export function runAnalysis(req: Omit<AnalysisRequest, 'id' | 'timing'>): AnalysisResult {
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

/** The timing model on a simulated config, as the CodeLens and hovers need it. */
export function runTimingFigures(load: LoadResult, sim: MemmapResult): TimingFiguresResult {
  if (!load.config) return { timing: null, error: null };
  try {
    const t = simulateTiming(load.config, sim);
    return { timing: { bootMs: t.bootMs, endMs: t.endMs, nodes: t.nodes, devices: t.devices, hugetlb: t.hugetlb }, error: null };
  } catch (e) {
    return { timing: null, error: (e as Error)?.stack ?? String(e) };
  }
}
