// Numbers as the kernel prints them: hex addresses, "2.00 MiB" (string_get_size), "2048MB", lsmem's "2G",
// hstate names "hugepages-2048kB". Everything is exact or null: a value that is not a safe integer
// (above 2^53) is null rather than a rounded number.

import { KiB, MiB, GiB, TiB } from '../config/units';

/**
 * The first number a parser here refused since the kernel log reader last cleared it, because it is above
 * 2^53 - 1 (a decimal count or a size; hex addresses are documented as null instead). The reader clears it
 * before a rule reads a message and reports the message when it is set afterwards (Boot.numbersTooLarge):
 * such a number is never dropped silently.
 */
export const tooLarge: { text: string | null } = { text: null };

/** "0x1f000" / "1f000" (hex without prefix) -> number, or null when empty, malformed or above 2^53. */
export function hexOrNull(s: string | undefined): number | null {
  if (!s) return null;
  let i = s.charCodeAt(0) === 35 ? 1 : s.charCodeAt(0) === 48 && (s.charCodeAt(1) | 0x20) === 120 ? 2 : 0;
  const len = s.length - i;
  if (len < 1 || len > 16) return null;
  // Digit by digit: exact while the value is a safe integer, and not safe whenever the value is not.
  let v = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) return null;
    v = v * 16 + d;
  }
  return Number.isSafeInteger(v) ? v : null;
}

/** A decimal integer (possibly negative) or null when it is not a safe integer. */
export function intOrNull(s: string | undefined): number | null {
  if (s === undefined) return null;
  const neg = s.charCodeAt(0) === 45;
  let i = neg ? 1 : 0;
  const len = s.length - i;
  if (len < 1) return null;
  let v = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    v = v * 10 + (c - 48);
  }
  if (len > 16 || !Number.isSafeInteger(v)) {
    // Digit by digit the value stays exact while it is safe; 17 digits and more never are (bar leading zeros).
    if (len > 16 && Number.isSafeInteger(v)) return neg ? -v : v;
    tooLarge.text ??= s;
    return null;
  }
  return neg ? -v : v;
}

const UNIT: Record<string, number> = { '': 1, B: 1, K: KiB, M: MiB, G: GiB, T: TiB, P: 1024 * TiB };

/**
 * A size with a binary unit as the kernel or util-linux print it, in bytes: "2.00 MiB", "16.0 GiB",
 * "512 MiB" (string_get_size, STRING_UNITS_2), "2048MB" (x86 memory block size: MB means MiB there),
 * "2G" / "136G" / "0B" (lsmem). Returns null when the text is not such a size or not a whole number of bytes.
 */
export function binarySize(num: string, unit: string): number | null {
  const u = unitLetter(unit);
  const mult = UNIT[u];
  if (mult === undefined) return null;
  // num: digits, optionally "." and digits (what the rules' regexes capture; checked here all the same)
  const dot = num.indexOf('.');
  const intEnd = dot < 0 ? num.length : dot;
  if (intEnd === 0 || !allDigits(num, 0, intEnd) || (dot >= 0 && (dot === num.length - 1 || !allDigits(num, dot + 1, num.length)))) return null;
  const i = num.slice(0, intEnd);
  const f = dot < 0 ? '' : num.slice(dot + 1);
  // string_get_size prints 3 significant digits ("1.00 GiB", "16.0 GiB"); huge page sizes are powers of
  // two, so the printed value is exact. Round the fraction to whole bytes.
  const whole = Number(i) * mult;
  const frac = f ? Math.round((Number(f) / 10 ** f.length) * mult) : 0;
  const v = whole + frac;
  if (Number.isSafeInteger(v)) return v;
  tooLarge.text ??= `${num} ${unit.trim()}`.trim();
  return null;
}

/** "MiB" / "MB" / "M" / " GiB " / "" -> "M" / "M" / "M" / "G" / "": the unit trimmed, less a trailing "B" or
 *  "iB", upper case. */
function unitLetter(unit: string): string {
  const t = unit.trim();
  let b = t.length;
  if (b > 0 && (t.charCodeAt(b - 1) | 0x20) === 98) {
    b--;
    if (b > 0 && (t.charCodeAt(b - 1) | 0x20) === 105) b--;
  }
  return t.slice(0, b).toUpperCase();
}

function allDigits(s: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = s.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** "hugepages-1048576kB" -> bytes. */
export function hstateSize(name: string): number | null {
  const m = /^hugepages-(\d+)kB$/.exec(name);
  if (!m) return null;
  const v = Number(m[1]) * KiB;
  if (Number.isSafeInteger(v)) return v;
  tooLarge.text ??= name;
  return null;
}
