// The timing model's entry points: normalize `machine`, calibrate, run the DES, return TimingResult.
//
//   simulateTiming(cfg, memmap)           config + memory result (from simulateMemmap) -> TimingResult
//   simulateTimingWorkload(workload, raw) an already-built InitWorkload (tests, calibration studies)
//
// Deterministic: the same inputs give the same result, byte for byte.

import type { WorkloadConfig, JsonPath } from '../../config/types';
import { calibrate } from './calibration';
import { eraOf } from './cost_model';
import { normalizeMachine } from './machine';
import { runTimeline } from './timeline';
import type { InitWorkload, MachineParams, TimingResult } from './types';
import { buildInitWorkload, type MemoryLayoutInput } from './workload';

/** Options of a timing run. */
export interface TimingOptions {
  /** Use these parameters instead of normalizing cfg.machine (e.g. a what-if from the dashboard). */
  params?: MachineParams;
  /** Apply machine.calibration (default true). */
  calibrate?: boolean;
}

/**
 * Simulate the struct page init timeline of a workload config, given the memory result of the same
 * config (`simulateMemmap(cfg)`): boot (sparse_init, early memmap_init, deferred init with padata,
 * HugeTLB), then device probes and hot-adds under mem_hotplug_lock.
 */
export function simulateTiming(cfg: WorkloadConfig, memmap: MemoryLayoutInput, opts: TimingOptions = {}): TimingResult {
  const w = buildInitWorkload(cfg, memmap);
  return simulateTimingWorkload(w, cfg.machine, { ...opts, path: ['machine'] });
}

/** Simulate an InitWorkload with a raw (unnormalized) `machine` section. */
export function simulateTimingWorkload(w: InitWorkload, machineRaw: unknown, opts: TimingOptions & { path?: JsonPath } = {}): TimingResult {
  const norm = opts.params ? { params: opts.params, problems: [] } : normalizeMachine(machineRaw, opts.path ?? ['machine']);
  const m = norm.params;
  const era = eraOf(w.features.version, m.options.era);
  const cal = opts.calibrate === false || m.calibration.length === 0 ? { scales: new Map<string, number>(), outcomes: [], problems: [] } : calibrate(w, m, era);
  const t = runTimeline(w, m, cal.scales, era);
  const problems = [...norm.problems, ...cal.problems];
  if (w.nodes.length > 0 && !w.nodes.some((n) => n.cpus > 0)) {
    problems.push({ message: 'no node has CPUs: the timing model boots on one CPU of the first node', path: ['nodes'], severity: 'warning' });
  }
  return { ...t, params: m, calibration: cal.outcomes, problems };
}
