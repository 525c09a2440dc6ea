// The trace analyzer's library API (used by `memmap-lab analyze`, and by the extension and the later
// import/compare commands): analyze a file, a stream or a string into an AnalysisFile; render it for
// people; or drive the readers directly with chunks.

export { analyzeFile, analyzeStream, analyzeText, detectFormat, type AnalyzeOptions } from './analyze';
export { AnalysisCancelledError, isCancelled, type Cancellation, type CancelToken } from './cancel';
export { summarize, bootSummary, fileHeader, fileFooter } from './summary';
export { KernelLogReader, type KernelLogOptions } from './kernel-log';
export { FtraceReader } from './ftrace';
export { ChromeTraceReader } from './chrome-trace';
export { JsonTokenizer, type JsonHandler } from './json-stream';
export { RULES, DEVICE_RULES, DEVICE_ANYWHERE_RULES, ANYWHERE_RULES, type Rule, type AnywhereRule } from './rules';
export { functionPhase, spanPhase, stackPhase, PHASE_PRIORITY } from './functions';
export * from './types';
