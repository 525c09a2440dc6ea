// The workload config format: one import for the CLI, the extension and the checker.
export { loadConfigText, loadConfigFile, decodeConfigFile, scenarioConfig, configRange, formatError } from './load';
export { decodeConfigBytes } from './encoding';
export type { ConfigError, LoadResult, LoadOptions } from './load';
export { SourceDoc } from './source';
export type { Range, Position } from './source';
export { configSchema } from './schema';
export { DEFAULTS } from './normalize';
export { formatPath, printableLine, terminalSafe } from './diagnostics';
export { parseSetPath } from './scenario';
export * from './types';
export * from './units';
