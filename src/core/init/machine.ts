// The config's `machine` section: validate, fill in defaults, and report located problems.
//
// Every key is optional; unknown keys are reported (warnings) so typos do not silently fall back to
// defaults. Problems carry the JSON path of the offending token (config path prefix + key).

import type { JsonPath } from '../../config/types';
import { defaultMachine } from './cost_model';
import type { CalibrationPhase, CalibrationPoint, CostEra, CostParams, MachineParams, MachineProblem, Media, MediaParams, ModelOptions } from './types';

export const CALIBRATION_PHASES: readonly CalibrationPhase[] = ['deferred', 'early', 'zoneDevice', 'hotplugOnline', 'hugetlb', 'populate'];
const MEDIA: readonly Media[] = ['dram', 'pmem', 'cxl'];
// '4.20-5.7' is the name eras before 5.2 were split off had: after Duyck's series, before padata.
const ERAS: readonly (CostEra | 'auto' | '4.20-5.7')[] = ['auto', 'pre-4.20', '4.20-5.1', '5.2-5.7', '4.20-5.7', '5.8+'];

const TOP_KEYS = [
  'costs',
  'media',
  'numaRemoteFactor',
  'firstBindVmFactor',
  'deferredInitThreads',
  'memmapInitThreads',
  'zoneDeviceInit',
  'deviceInitLock',
  'deviceBind',
  'era',
  'hugetlbRequest',
  'deviceProbeDelayMs',
  'calibration',
] as const;

export interface NormalizedMachine {
  params: MachineParams;
  problems: MachineProblem[];
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Normalize `machine` (as parsed, may be undefined/empty). `path` is the JSON path of the section in
 * the config (["machine"] normally). Never throws: invalid values are reported and replaced by defaults.
 */
export function normalizeMachine(raw: unknown, path: JsonPath = ['machine']): NormalizedMachine {
  const params = defaultMachine();
  const problems: MachineProblem[] = [];
  const err = (message: string, p: JsonPath): void => void problems.push({ message, path: p, severity: 'error' });
  const warn = (message: string, p: JsonPath): void => void problems.push({ message, path: p, severity: 'warning' });

  if (raw === undefined || raw === null) return { params, problems };
  if (!isObj(raw)) {
    err('machine must be an object', path);
    return { params, problems };
  }

  const num = (v: unknown, p: JsonPath, what: string, opts: { min?: number; exclusiveMin?: number; integer?: boolean } = {}): number | undefined => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      err(`${what} must be a number, got ${JSON.stringify(v)}`, p);
      return undefined;
    }
    if (opts.integer && !Number.isInteger(v)) {
      err(`${what} must be a whole number, got ${v}`, p);
      return undefined;
    }
    if (opts.min !== undefined && v < opts.min) {
      err(`${what} must be at least ${opts.min}, got ${v}`, p);
      return undefined;
    }
    if (opts.exclusiveMin !== undefined && v <= opts.exclusiveMin) {
      err(`${what} must be greater than ${opts.exclusiveMin}, got ${v}`, p);
      return undefined;
    }
    return v;
  };
  const oneOf = <T extends string>(v: unknown, allowed: readonly T[], p: JsonPath, what: string): T | undefined => {
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    err(`${what} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(v)}`, p);
    return undefined;
  };

  for (const k of Object.keys(raw)) {
    if (!(TOP_KEYS as readonly string[]).includes(k)) warn(`unknown machine key "${k}" (known: ${TOP_KEYS.join(', ')})`, [...path, k]);
  }

  if (raw.costs !== undefined) {
    const cp = [...path, 'costs'];
    if (!isObj(raw.costs)) err('machine.costs must be an object of costs in ns', cp);
    else {
      for (const [k, v] of Object.entries(raw.costs)) {
        if (!(k in params.costs)) {
          warn(`unknown cost "${k}" (known: ${Object.keys(params.costs).join(', ')})`, [...cp, k]);
          continue;
        }
        const n = num(v, [...cp, k], `machine.costs.${k}`, { min: 0 });
        if (n !== undefined) params.costs[k as keyof CostParams] = n;
      }
    }
  }

  if (raw.media !== undefined) {
    const mp = [...path, 'media'];
    if (!isObj(raw.media)) err('machine.media must be an object keyed by dram, pmem, cxl', mp);
    else {
      for (const [mk, mv] of Object.entries(raw.media)) {
        if (!(MEDIA as readonly string[]).includes(mk)) {
          warn(`unknown media "${mk}" (known: ${MEDIA.join(', ')})`, [...mp, mk]);
          continue;
        }
        if (!isObj(mv)) {
          err(`machine.media.${mk} must be an object { threadWriteGBps, nodeWriteGBps }`, [...mp, mk]);
          continue;
        }
        for (const [k, v] of Object.entries(mv)) {
          if (k !== 'threadWriteGBps' && k !== 'nodeWriteGBps') {
            warn(`unknown media parameter "${k}" (known: threadWriteGBps, nodeWriteGBps)`, [...mp, mk, k]);
            continue;
          }
          const n = num(v, [...mp, mk, k], `machine.media.${mk}.${k}`, { exclusiveMin: 0 });
          if (n !== undefined) params.media[mk as Media][k as keyof MediaParams] = n;
        }
      }
    }
  }

  if (raw.numaRemoteFactor !== undefined) {
    const n = num(raw.numaRemoteFactor, [...path, 'numaRemoteFactor'], 'machine.numaRemoteFactor', { min: 1 });
    if (n !== undefined) params.numaRemoteFactor = n;
  }
  if (raw.firstBindVmFactor !== undefined) {
    const n = num(raw.firstBindVmFactor, [...path, 'firstBindVmFactor'], 'machine.firstBindVmFactor', { min: 1 });
    if (n !== undefined) params.firstBindVmFactor = n;
  }

  const o: ModelOptions = params.options;
  if (raw.deferredInitThreads !== undefined && raw.deferredInitThreads !== null) {
    const n = num(raw.deferredInitThreads, [...path, 'deferredInitThreads'], 'machine.deferredInitThreads', { min: 1, integer: true });
    if (n !== undefined) o.deferredInitThreads = n;
  }
  if (raw.memmapInitThreads !== undefined) {
    const n = num(raw.memmapInitThreads, [...path, 'memmapInitThreads'], 'machine.memmapInitThreads', { min: 1, integer: true });
    if (n !== undefined) o.memmapInitThreads = n;
  }
  if (raw.zoneDeviceInit !== undefined) {
    const v = oneOf(raw.zoneDeviceInit, ['bulk', 'indirectCall'] as const, [...path, 'zoneDeviceInit'], 'machine.zoneDeviceInit');
    if (v) o.zoneDeviceInit = v;
  }
  if (raw.deviceInitLock !== undefined) {
    const v = oneOf(raw.deviceInitLock, ['outside', 'under'] as const, [...path, 'deviceInitLock'], 'machine.deviceInitLock');
    if (v) o.deviceInitLock = v;
  }
  if (raw.deviceBind !== undefined) {
    const v = oneOf(raw.deviceBind, ['first', 'rebind'] as const, [...path, 'deviceBind'], 'machine.deviceBind');
    if (v) o.deviceBind = v;
  }
  if (raw.era !== undefined) {
    const v = oneOf(raw.era, ERAS, [...path, 'era'], 'machine.era');
    if (v) o.era = v === 'auto' ? null : v === '4.20-5.7' ? '5.2-5.7' : v;
  }
  if (raw.hugetlbRequest !== undefined) {
    const v = oneOf(raw.hugetlbRequest, ['auto', 'perNode', 'balanced'] as const, [...path, 'hugetlbRequest'], 'machine.hugetlbRequest');
    if (v) o.hugetlbRequest = v;
  }
  if (raw.deviceProbeDelayMs !== undefined) {
    const n = num(raw.deviceProbeDelayMs, [...path, 'deviceProbeDelayMs'], 'machine.deviceProbeDelayMs', { min: 0 });
    if (n !== undefined) o.deviceProbeDelayMs = n;
  }

  if (raw.calibration !== undefined) {
    const cp = [...path, 'calibration'];
    if (!Array.isArray(raw.calibration)) err('machine.calibration must be a list of measured points', cp);
    else raw.calibration.forEach((pt, i) => {
      const pp = [...cp, i];
      const c = parseCalibrationPoint(pt, pp, err, warn);
      if (c) params.calibration.push(c);
    });
  }

  return { params, problems };
}

function parseCalibrationPoint(
  pt: unknown,
  pp: JsonPath,
  err: (m: string, p: JsonPath) => void,
  warn: (m: string, p: JsonPath) => void,
): CalibrationPoint | null {
  if (!isObj(pt)) {
    err('a calibration point must be an object { phase, node, device, threads, ms }', pp);
    return null;
  }
  for (const k of Object.keys(pt)) {
    if (!['phase', 'node', 'device', 'threads', 'ms', 'source'].includes(k)) warn(`unknown calibration key "${k}"`, [...pp, k]);
  }
  let ok = true;
  const phase = pt.phase;
  if (typeof phase !== 'string' || !(CALIBRATION_PHASES as readonly string[]).includes(phase)) {
    err(`calibration phase must be one of ${CALIBRATION_PHASES.map((p) => JSON.stringify(p)).join(', ')}, got ${JSON.stringify(phase)}`, [...pp, 'phase']);
    ok = false;
  }
  const node = pt.node ?? null;
  if (node !== null && !(typeof node === 'number' && Number.isInteger(node) && node >= 0)) {
    err(`calibration node must be a node id or null, got ${JSON.stringify(node)}`, [...pp, 'node']);
    ok = false;
  }
  const device = pt.device ?? null;
  if (device !== null && typeof device !== 'string') {
    err(`calibration device must be a device name or null, got ${JSON.stringify(device)}`, [...pp, 'device']);
    ok = false;
  }
  const threads = pt.threads ?? null;
  if (threads !== null && !(typeof threads === 'number' && Number.isInteger(threads) && threads >= 0)) {
    err(`calibration threads must be a whole number (0 = the pre-padata single thread) or null, got ${JSON.stringify(threads)}`, [...pp, 'threads']);
    ok = false;
  }
  const ms = pt.ms;
  if (!(typeof ms === 'number' && Number.isFinite(ms) && ms > 0)) {
    err(`calibration ms must be a positive number of milliseconds, got ${JSON.stringify(ms)}`, [...pp, 'ms']);
    ok = false;
  }
  if (ok && (phase === 'zoneDevice' || phase === 'hotplugOnline') && device === null) {
    err(`a ${phase} calibration point needs "device": the namespace or hot-add entry it was measured on`, [...pp, 'device']);
    ok = false;
  }
  if (ok && (phase === 'deferred' || phase === 'early' || phase === 'hugetlb') && node === null) {
    err(`a ${phase} calibration point needs "node"`, [...pp, 'node']);
    ok = false;
  }
  if (!ok) return null;
  return {
    phase: phase as CalibrationPhase,
    node: node as number | null,
    device: device as string | null,
    threads: threads as number | null,
    ms: ms as number,
    path: pp,
  };
}
