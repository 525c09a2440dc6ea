// Byte strings. The analyzer decodes input as latin1, one character per byte: decoding is the cheapest
// possible, every regex over ASCII kernel text works unchanged, and offsets equal byte offsets. Text that
// leaves the analyzer (messages in results) is turned back into proper Unicode with toUnicode().

import { Buffer } from 'node:buffer';

const NON_ASCII = /[\x80-\xff]/;

/** A latin1 byte string back to the UTF-8 text it encodes (invalid sequences become U+FFFD). */
export function toUnicode(bytes: string): string {
  return NON_ASCII.test(bytes) ? Buffer.from(bytes, 'latin1').toString('utf8') : bytes;
}

/** A message for results: Unicode, control characters (C0 but TAB and LF, DEL, C1, the line and paragraph separators
 *  and the bidirectional overrides and isolates) dropped, trimmed, at most `max` characters. What is left is what a
 *  config name may hold (config/schema.ts IDENT_PATTERN), once TAB and LF are gone too: import writes such text
 *  into configs. */
export function cleanText(bytes: string, max = 500): string {
  let s = isPlainAscii(bytes) ? bytes.trim() : dropControls(toUnicode(bytes)).trim();
  if (s.length > max) s = s.slice(0, max - 1) + '\u2026';
  return s;
}

/** Printable ASCII, TAB and LF only: nothing for cleanText() to decode or drop (the common case, checked
 *  without a regex or a copy). */
function isPlainAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7e || (c < 0x20 && c !== 9 && c !== 10)) return false;
  }
  return true;
}

function dropControls(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '');
}
