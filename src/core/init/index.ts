// Public API of the struct page init TIMING model (docs/timing-model.md). Pure TypeScript, deterministic.
//
//   simulateTiming(cfg, simulateMemmap(cfg))  -> TimingResult   (simulate --json: `timing`)
//   formatTimingTable(timing)                 -> text           (human summary: table + critical path)
//   compareTimings([{name, timing}, ...])     -> TimingComparison (simulate --compare)
//   toChromeTrace / writeChromeTrace           in src/trace/chrome-export.ts (--trace out.json)
export { simulateTiming, simulateTimingWorkload, type TimingOptions } from './timing';
export { normalizeMachine, CALIBRATION_PHASES, type NormalizedMachine } from './machine';
export { buildInitWorkload, TIMING_BOUNDARY, type MemoryLayoutInput } from './workload';
export { defaultMachine, COST_SOURCES, MEDIA_SOURCES, NUMA_REMOTE_SOURCE, FIRST_BIND_VM_SOURCE, ERA_FACTORS, type ParamSource } from './cost_model';
export { formatTimingTable, compareTimings, formatTimingComparison, timingSummary, type TimingSummary, type TimingComparison, type TimingComparisonRow } from './report';
export { padataPlan, padataChunks, type PadataJob, type PadataPlan } from './padata';
export type * from './types';
