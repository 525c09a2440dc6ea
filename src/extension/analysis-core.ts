// One config analysis as plain data: parse + validate, the simulated mm core, then the checker's rules on
// the simulation. No `vscode`: it runs in the analysis thread (analysis-worker.ts) and, when that thread
// is not available, in the extension host.
import { loadConfigText, type LoadOptions, type LoadResult, type LoadWire } from '../config/load';
import { simulateMemmap, type MemmapResult } from '../core/simulate';
import { checkDocument } from '../check/engine';
import type { CheckResult } from '../check/types';

export interface AnalysisRequest {
  id: number;
  text: string;
  fileName: string;
  options: LoadOptions;
  /** Run the mm core on the config (and then the checker). */
  simulate: boolean;
}

export type AnalysisReply =
  | { id: number; ok: true; load: LoadWire; sim: MemmapResult | null; simCrash: string | null; check: Omit<CheckResult, 'load'> | null; ms: number }
  | { id: number; ok: false; error: string };

export interface AnalysisResult {
  load: LoadResult;
  /** The core's result; null when not simulated (not asked, or the config did not load). */
  sim: MemmapResult | null;
  /** The core threw: a bug in the core, reported as a diagnostic instead of losing the rest. */
  simCrash: string | null;
  /** The checker's result on the simulated config (null when not simulated). */
  check: CheckResult | null;
}

export function runAnalysis(req: Omit<AnalysisRequest, 'id'>): AnalysisResult {
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
