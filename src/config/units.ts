// Sizes and addresses: parsing what users write and printing what the kernel would.
//
// Sizes are integers (bytes) or strings with binary units, case-insensitive: "4K", "128M", "1.5T",
// "2GiB", "512 MB" (K/M/G/T/P/E are powers of 1024; a trailing "B" or "iB" is allowed). Addresses are
// integers or hex strings ("0x3040000000"). Every value must be an exact whole number of bytes no larger
// than Number.MAX_SAFE_INTEGER (8 PiB - 1), so that all arithmetic downstream stays exact.
import { excerpt, quoted } from './diagnostics';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
export const TiB = 1024 * GiB;
export const PiB = 1024 * TiB;

const UNIT_SHIFT: Record<string, number> = { '': 0, k: 10, m: 20, g: 30, t: 40, p: 50, e: 60 };

export type Parsed = { ok: true; value: number } | { ok: false; message: string };

// Matched against trimmed text only, with a single \s* run: linear time (the old /^\s*…\s*([kmgtpe]?)(i?b)?\s*$/
// backtracked between its overlapping blanks and took seconds on "1" + 50,000 spaces + "x").
const SIZE_RE = /^([0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*([kmgtpe]?)(i?b)?$/i;
/** The longest size string read (after trimming); "1.00000000000000000000T" is 23. */
const SIZE_MAX_CHARS = 64;

const unparsableSize = (v: string, why = '') =>
  `unparsable size ${quoted(v)}: ${why}use bytes or a number with a binary unit K, M, G, T or P (e.g. "128M", "1.5T", "2GiB")`;

/** Parse a size in bytes: a non-negative safe integer, or a string such as "1.5T" or "2GiB". */
export function parseSize(v: unknown): Parsed {
  if (typeof v === 'number') return checkWhole(v, String(v));
  if (typeof v !== 'string') return { ok: false, message: `expected a size (bytes or a string like "128M"), got ${describe(v)}` };
  const hex = /^\s*0x[0-9a-f]+\s*$/i.test(v);
  if (hex) return parseAddress(v);
  const t = v.trim();
  const m = SIZE_RE.exec(t);
  if (!m) return { ok: false, message: unparsableSize(v) };
  if (t.length > SIZE_MAX_CHARS) return { ok: false, message: unparsableSize(v, `longer than ${SIZE_MAX_CHARS} characters; `) };
  const [, num, unit, suffix] = m;
  if (suffix && suffix.toLowerCase() === 'ib' && !unit) return { ok: false, message: `unparsable size ${quoted(v)}: "iB" needs a unit before it (KiB, MiB, GiB, ...)` };
  const shift = UNIT_SHIFT[unit.toLowerCase()];
  // Exact decimal * 2^shift: split integer and fraction so "1.5T" does not go through a rounded float;
  // the fraction is computed with BigInt, as its digits (".0036220550537109375M") may exceed 2^53.
  const [intPart, fracPart = ''] = num.split('.');
  const scale = 2 ** shift;
  const whole = Number(intPart || '0') * scale;
  let frac = 0;
  if (fracPart) {
    const denom = 10n ** BigInt(fracPart.length);
    const numer = BigInt(fracPart) * (1n << BigInt(shift));
    if (numer % denom !== 0n) return { ok: false, message: `size ${quoted(v)} is not a whole number of bytes` };
    frac = Number(numer / denom);
  }
  return checkWhole(whole + frac, excerpt(v));
}

/** Parse a physical address: a non-negative safe integer or a hex string "0x...". */
export function parseAddress(v: unknown): Parsed {
  if (typeof v === 'number') return checkWhole(v, String(v));
  if (typeof v !== 'string') return { ok: false, message: `expected an address (integer or hex string like "0x3040000000"), got ${describe(v)}` };
  const s = v.trim();
  if (/^0x[0-9a-f]+$/i.test(s)) {
    const n = Number.parseInt(s.slice(2), 16);
    if (!Number.isSafeInteger(n)) return { ok: false, message: `address ${excerpt(s)} is beyond ${formatHex(Number.MAX_SAFE_INTEGER)} (2^53 - 1), the largest value memmap-lab computes exactly` };
    return { ok: true, value: n };
  }
  if (/^[0-9]+$/.test(s)) return checkWhole(Number(s), excerpt(v));
  // Allow sizes with units as addresses too ("64G" is a common way to write 0x1000000000); a size-like
  // string that is not a valid size ("0.3K", "16P") gets the size's reason.
  const asSize = parseSize(s);
  if (asSize.ok || SIZE_RE.test(s)) return asSize;
  return { ok: false, message: `unparsable address ${quoted(v)}: use an integer or a hex string like "0x3040000000"` };
}

function checkWhole(n: number, shown: string): Parsed {
  if (!Number.isFinite(n) || n < 0) return { ok: false, message: `${shown} is not a non-negative number of bytes` };
  if (!Number.isInteger(n)) return { ok: false, message: `${shown} is not a whole number of bytes` };
  if (!Number.isSafeInteger(n)) return { ok: false, message: `${shown} is beyond 2^53 - 1 bytes, the largest value memmap-lab computes exactly` };
  return { ok: true, value: n };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

/** "0x3040000000": lower-case hex with 0x, like the kernel's %#lx. */
export function formatHex(n: number): string {
  return '0x' + n.toString(16);
}

/** "0x0000003040000000": the kernel's %#018Lx, as in "[mem %#018Lx-%#018Lx]". */
export function formatHex18(n: number): string {
  return '0x' + n.toString(16).padStart(16, '0');
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/**
 * A byte count for people: exact whenever possible, in the largest unit with at most two decimals
 * ("2 GiB", "1.5 TiB") or else in the largest unit that divides it with at most five digits ("2050 MiB",
 * "16380 KiB"); otherwise truncated to two decimals ("16.89 GiB"; never rounded
 * up, so 2 GiB - 1 does not print as "2 GiB").
 */
export function formatBytes(n: number): string {
  if (n === 0) return '0 B';
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  let top = 0;
  while (top < UNITS.length - 1 && a >= 1024 ** (top + 1)) top++;
  const inTop = a / 1024 ** top;
  if (Number.isInteger(inTop * 100)) return `${sign}${inTop} ${UNITS[top]}`; // exact: "1.5 TiB", "1023.75 MiB"
  for (let u = top; u >= 0; u--) {
    const unit = 1024 ** u;
    if (a % unit === 0 && a / unit < 100000) return `${sign}${a / unit} ${UNITS[u]}`;
  }
  const v = a / 1024 ** top;
  return `${sign}${(Math.floor(v * 100) / 100).toFixed(2).replace(/\.?0+$/, '')} ${UNITS[top]}`;
}

/** The largest power of two dividing n ("n is 2 MiB aligned"), or Infinity for 0. */
export function alignmentOf(n: number): number {
  if (n === 0) return Infinity;
  let a = 1;
  while (n % (a * 2) === 0) a *= 2;
  return a;
}

// Exact alignment helpers for values up to 2^53 (no 32-bit bitwise operators).
export function alignDown(n: number, a: number): number {
  return n - (n % a);
}
export function alignUp(n: number, a: number): number {
  const r = n % a;
  return r === 0 ? n : n + (a - r);
}
export function isAligned(n: number, a: number): boolean {
  return n % a === 0;
}
export function divRoundUp(n: number, d: number): number {
  const r = n % d;
  return (n - r) / d + (r === 0 ? 0 : 1);
}
/** Exact floor(n / d) for non-negative safe integers. */
export function divFloor(n: number, d: number): number {
  return (n - (n % d)) / d;
}
export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && alignmentOf(n) === n;
}

/** The largest major or minor number a kernel version may have (Linux has had at most 3.19, 4.20 and 2.6.39). */
const VERSION_PART_MAX = 999;

export type ParsedVersion = { ok: true; major: number; minor: number } | { ok: false; message: string };

/**
 * A kernel version "major.minor" ("6.1", "6.12"), as kernel.version, --kernel and the extension's
 * memmapLab.defaultKernel take it. A leading zero is an error, not read past: "6.012" is neither 6.12 nor
 * 6.1, and a number beyond VERSION_PART_MAX is not a kernel release. The message says what is wrong
 * with `v` (quoted), to follow "kernel.version: " or "--kernel: ".
 */
export function parseKernelVersion(v: string): ParsedVersion {
  const m = /^(\d+)\.(\d+)$/.exec(v);
  if (!m) return { ok: false, message: `${quoted(v)} is not a kernel version "major.minor" (e.g. "6.12")` };
  for (const [part, what] of [
    [m[1], 'major'],
    [m[2], 'minor'],
  ] as const) {
    if (part.length > 1 && part.startsWith('0')) {
      return { ok: false, message: `${quoted(v)} has a leading zero in its ${what} number: kernel versions have none (e.g. "6.12", not "6.012")` };
    }
    if (Number(part) > VERSION_PART_MAX) return { ok: false, message: `${quoted(v)}: ${what} number ${excerpt(part)} is not a kernel release (at most ${VERSION_PART_MAX})` };
  }
  return { ok: true, major: Number(m[1]), minor: Number(m[2]) };
}
