// Findings about a config file, and how to name the place they are about.
//
// Every finding carries a `range` (character offsets into the document text) so that the CLI can
// print file:line:column and the editor can underline the exact token, and a `path`: the JSON path
// of the value it is about in the (possibly scenario-modified) config.
import type { JsonPath } from './types';
import type { Range } from './source';

export interface ConfigError {
  message: string;
  path: JsonPath;
  range: Range;
  severity: 'error' | 'warning';
  /** syntax: the text does not parse; schema: the format (types, fields); value: sizes, numbers,
   * references; scenario: a scenario's overrides. */
  source?: 'syntax' | 'schema' | 'value' | 'scenario';
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A JSON path as users write it: `devices[0].size`, `scenarios[1].set["kernel.hvo"]`.
 * The empty path (the document itself) is "top level".
 */
export function formatPath(path: JsonPath): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else if (IDENT.test(p)) s += s ? `.${p}` : p;
    else s += `[${JSON.stringify(p)}]`;
  }
  return s || 'top level';
}

/** A short, user-facing rendering of a parsed value for messages: `string "x86"`, `number 5`, `an object`.
 *  A long string is cut (`string "ELF\u0002…" (7000 characters)`). */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') {
    const c = cut(v, EXCERPT_MAX, true);
    return `string "${c.text}"${c.cut ? ` (${[...v].length} characters)` : ''}`;
  }
  return `${typeof v} ${excerpt(String(v))}`;
}

// ---- Quoting what the user wrote in messages ----
//
// A message quotes at most a short excerpt of a value, with what a terminal would act on or not show
// (control characters: NUL, ESC, C1; format characters; line and paragraph separators; unpaired
// surrogates) escaped: a binary file given as a config must not fill the screen with its bytes.

/** The longest excerpt of a value a message quotes (in characters, escapes included). */
export const EXCERPT_MAX = 40;
/** The longest message a config error has (a backstop: values are quoted with excerpt() already). */
export const MESSAGE_MAX = 400;

const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}]/u;
const UNPRINTABLE_G = new RegExp(UNPRINTABLE.source, 'gu');
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function escapeChar(c: string): string {
  if (ESCAPES[c]) return ESCAPES[c];
  const cp = c.codePointAt(0)!;
  return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

/** `s` with its unprintable characters escaped (`\u0000`, `\n`, `\u001b`), cut to `max` characters with "…". */
export function excerpt(s: string, max = EXCERPT_MAX): string {
  return cut(s, max, false).text;
}

function cut(s: string, max: number, escapeQuote: boolean): { text: string; cut: boolean } {
  let out = '';
  for (const c of s) {
    const e = UNPRINTABLE.test(c) ? escapeChar(c) : escapeQuote && (c === '"' || c === '\\') ? `\\${c}` : c;
    if (out.length + e.length > max) return { text: out + '…', cut: true };
    out += e;
  }
  return { text: out, cut: false };
}

/** `s` in double quotes as a short printable excerpt: JSON.stringify(s) for a short printable string. */
export function quoted(s: string, max = EXCERPT_MAX): string {
  return `"${cut(s, max, true).text}"`;
}

/** A message made safe to print: unprintable characters escaped, at most MESSAGE_MAX characters. */
export function printableMessage(m: string): string {
  return excerpt(m, MESSAGE_MAX);
}

/** `s` made safe to print as one line of a terminal: like printableMessage (line breaks, ESC, C1 and the
 *  other unprintable characters escaped) but never cut. For text that quotes config strings the loader
 *  did not write itself (checker findings and the titles of their fixes, the core's messages). */
export function printableLine(s: string): string {
  return UNPRINTABLE.test(s) ? s.replace(UNPRINTABLE_G, escapeChar) : s;
}

/** What a name may not hold, as a character class body: C0 and C1 controls, DEL, the line and paragraph separators,
 *  the bidirectional overrides and isolates (schema.ts IDENT_PATTERN is built from it). */
export const NOT_IN_NAMES = '\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';
/** The first character a name may not hold (scenario paths check names with it). */
export const UNPRINTABLE_IN_NAME = new RegExp(`[${NOT_IN_NAMES}]`, 'u');
const UNPRINTABLE_IN_NAME_G = new RegExp(`[${NOT_IN_NAMES}]`, 'gu');

/** `s` with every character a name may not hold dropped (text made into a name: import's machine name). */
export function printableName(s: string): string {
  return s.replace(UNPRINTABLE_IN_NAME_G, '');
}

/** Characters a terminal acts on rather than shows: C0 controls other than tab and line feed, a carriage
 *  return not followed by a line feed, DEL, C1 controls, and the bidirectional overrides and isolates that
 *  reorder what follows them ("Trojan Source"). */
const TERMINAL_UNSAFE = /[^\P{Cc}\t\n\r]|\r(?!\n)|[\u202a-\u202e\u2066-\u2069]/gu;

/**
 * Multi-line output text made safe for a terminal: every character of TERMINAL_UNSAFE escaped as \u001b
 * (\r as \r), line breaks and tabs kept. A JSON document stays the same JSON (these characters only occur
 * inside its strings, where the escape means the same character).
 */
export function terminalSafe(text: string): string {
  TERMINAL_UNSAFE.lastIndex = 0;
  if (!TERMINAL_UNSAFE.test(text)) return text;
  TERMINAL_UNSAFE.lastIndex = 0;
  return text.replace(TERMINAL_UNSAFE, escapeChar);
}

const C0_NAMES = ['NUL', 'SOH', 'STX', 'ETX', 'EOT', 'ENQ', 'ACK', 'BEL', 'BS', 'TAB', 'LF', 'VT', 'FF', 'CR', 'SO', 'SI', 'DLE', 'DC1', 'DC2', 'DC3', 'DC4', 'NAK', 'SYN', 'ETB', 'CAN', 'EM', 'SUB', 'ESC', 'FS', 'GS', 'RS', 'US'];
const OTHER_NAMES: Record<number, string> = {
  0x7f: 'DEL',
  0x85: 'NEL',
  0x9b: 'CSI',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
};

/** "U+001B (ESC)", "U+0090 (a C1 control character)", "U+202E (RIGHT-TO-LEFT OVERRIDE)". */
export function describeChar(c: string): string {
  const cp = c.codePointAt(0)!;
  const u = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = cp < 0x20 ? C0_NAMES[cp] : (OTHER_NAMES[cp] ?? (cp >= 0x80 && cp <= 0x9f ? 'a C1 control character' : undefined));
  return name ? `${u} (${name})` : u;
}

/** Edit distance (optimal string alignment: a transposition counts as one edit), case-insensitive. */
function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate the user most likely meant by `word` ("alignn" → "align", "x86" → "x86_64"), or
 * undefined when nothing is close: a small edit distance, or one being a prefix of the other.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const lc = c.toLowerCase();
    let d = distance(w, lc);
    if (w.length >= 2 && (lc.startsWith(w) || w.startsWith(lc))) d = Math.min(d, 1);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/** " (did you mean 'x'?)" or "". */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const c = closest(word, candidates);
  return c === undefined ? '' : ` (did you mean '${c}'?)`;
}
