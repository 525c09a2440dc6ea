// Number formatting for the dashboard: exact where a kernel developer compares numbers, compact on axes.
import { formatBytes } from '../src/config/units';

export { formatBytes };

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** "1.5 GiB", "384 MiB", "12.3 GiB": at most 3 significant digits, for axes and cards. */
export function compactBytes(n: number): string {
  if (n === 0) return '0';
  const sign = n < 0 ? '-' : '';
  let a = Math.abs(n);
  let u = 0;
  while (u < UNITS.length - 1 && a >= 1024) {
    a /= 1024;
    u++;
  }
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : 2;
  return `${sign}${Number(a.toFixed(digits))} ${UNITS[u]}`;
}

/** A formatter for one table column of byte counts: one unit for the whole column (the largest that fits), 2 decimals. */
export function bytesColumn(values: readonly number[]): (v: number) => string {
  const max = Math.max(0, ...values.map(Math.abs));
  let u = 0;
  while (u < UNITS.length - 1 && max >= 1024 ** (u + 1)) u++;
  return (v) => (v === 0 ? '–' : u === 0 ? `${v} B` : `${(v / 1024 ** u).toFixed(2)} ${UNITS[u]}`);
}

/** A tick step for a byte axis up to `max`: 1, 2 or 5 × 10^k of a binary unit, about `ticks` ticks. */
export function binaryStep(max: number, ticks = 8): number | undefined {
  if (!(max > 0)) return undefined;
  let u = 0;
  while (u < UNITS.length - 1 && max >= 1024 ** (u + 1)) u++;
  const unit = 1024 ** u;
  const raw = max / unit / ticks;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const m = [1, 2, 5, 10].find((x) => x * pow >= raw) ?? 10;
  return m * pow * unit;
}

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
export const fmtInt = (n: number): string => intFmt.format(n);

/** Milliseconds with a precision that suits the magnitude. */
export function fmtMs(ms: number): string {
  const a = Math.abs(ms);
  if (a === 0) return '0';
  if (a >= 100) return ms.toFixed(1);
  if (a >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

/** "+1.5 GiB", "-12.30 ms", "±0". */
export function fmtDelta(v: number, unit: 'bytes' | 'ms' | 'count'): string {
  if (v === 0) return '±0';
  const sign = v > 0 ? '+' : '−';
  const a = Math.abs(v);
  return sign + (unit === 'bytes' ? compactBytes(a) : unit === 'ms' ? `${fmtMs(a)} ms` : fmtInt(a));
}

export function fmtValue(v: number, unit: 'bytes' | 'ms' | 'count'): string {
  return unit === 'bytes' ? compactBytes(v) : unit === 'ms' ? `${fmtMs(v)} ms` : fmtInt(v);
}

export function fmtPct(part: number, whole: number): string {
  if (!(whole > 0)) return '–';
  const pct = (100 * part) / whole;
  if (pct === 0 || pct === 100) return `${pct} %`;
  return `${pct.toFixed(pct < 1 || pct > 99 ? 2 : 1)} %`;
}

/** Kernel names of the timing model's phases. */
const PHASES: Record<string, string> = {
  sparseInit: 'sparse_init vmemmap',
  memmapInitEarly: 'memmap_init (early)',
  memmapInitReserved: 'init_reserved_page',
  deferredInit: 'deferred_init_memmap',
  threadStart: 'thread start',
  join: 'wait: join',
  hugetlbGather: 'hugetlb gather',
  hugetlbAlloc: 'hugetlb alloc',
  hvo: 'HVO vmemmap free',
  lockWait: 'wait: mem_hotplug_lock',
  lockHandoff: 'lock hand-off',
  cpuWait: 'wait: CPU',
  devicePopulate: 'vmemmap populate',
  deviceAltmapInit: 'altmap pfn init',
  zoneDeviceInit: 'memmap_init_zone_device',
  hotplugAdd: 'add_memory',
  memoryBlockOnline: 'online_pages',
};
export const phaseLabel = (p: string): string => PHASES[p] ?? p;

/** "Ln 12, Col 5" (1-based, as VS Code's status bar). */
export const fmtLoc = (l: { startLine: number; startCharacter: number }): string => `Ln ${l.startLine + 1}, Col ${l.startCharacter + 1}`;
