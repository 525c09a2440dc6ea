// Everything the dashboard shows about one config: the base run (memory + timing), every scenario run,
// and the checker's findings, turned into the view model. Shared by the extension's dashboard panel
// and `memmap-lab report`; no vscode, no file I/O (the caller loads the config).
import { scenarioConfig, type LoadOptions, type LoadResult } from '../config/load';
import { simulateMemmap } from '../core/simulate';
import type { MemmapResult } from '../core/types';
import type { TimingResult } from '../core/init/types';
import { simulateTiming } from '../core/init/index';
import { checkDocument } from '../check/index';
import type { DashboardModel } from '../protocol/dashboard';
import { buildDashboardModel, type CheckerFindingLike, type DashboardInput, type DashboardRun, type ModelOptions } from './dashboard-model';

export interface RunOptions extends ModelOptions {
  /** Defaults for configs that omit arch / kernel (the extension's settings). */
  load?: LoadOptions;
  /** A MemmapResult of `load` already computed (the extension's live analysis), reused for the base run. */
  baseResult?: MemmapResult | null;
  /** The timing model's result for `baseResult`, when the caller has it too. */
  baseTiming?: TimingResult | null;
  /** Run the checker (default true); without it the core's errors are listed instead. */
  checker?: boolean;
  /** The checker's findings on `load`, when the caller already has them (the extension's live check). */
  findings?: CheckerFindingLike[] | null;
}

const hasErrors = (load: LoadResult) => !load.config || load.errors.some((e) => e.severity === 'error');

function run(name: string, load: LoadResult, reuse?: MemmapResult | null, reuseTiming?: TimingResult | null): DashboardRun {
  if (hasErrors(load)) return { name, load, result: null, timing: null, crash: null };
  try {
    const result = reuse ?? simulateMemmap(load.config!);
    const timing = (reuse && reuseTiming) || simulateTiming(load.config!, result);
    return { name, load, result, timing, crash: null };
  } catch (e) {
    return { name, load, result: null, timing: null, crash: (e as Error)?.stack ?? String(e) };
  }
}

/** Simulate the base config and its scenarios and check it: the dashboard's input. */
export function runDashboard(load: LoadResult, file: string, opts: RunOptions = {}): DashboardInput {
  const base = run('base', load, opts.baseResult, opts.baseTiming);
  const scenarios: DashboardRun[] = [];
  if (base.result && load.config) {
    for (const sc of load.config.scenarios) scenarios.push(run(sc.name, scenarioConfig(load, sc.name, opts.load ?? {})));
  }
  let checker: CheckerFindingLike[] | null = null;
  if (opts.checker !== false && opts.findings) checker = opts.findings;
  else if (opts.checker !== false && !hasErrors(load)) {
    try {
      const simulation = base.result ?? undefined;
      checker = checkDocument(load, { defaultArch: opts.load?.defaultArch, defaultKernelVersion: opts.load?.defaultKernelVersion, simulation }).findings;
    } catch {
      checker = null; // the checker failed: fall back to the core's own errors
    }
  }
  return { file, base, scenarios, checker };
}

/** runDashboard + buildDashboardModel. */
export function dashboardModel(load: LoadResult, file: string, opts: RunOptions = {}): DashboardModel {
  return buildDashboardModel(runDashboard(load, file, opts), opts);
}
