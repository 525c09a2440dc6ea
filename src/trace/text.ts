// Byte strings. The analyzer decodes input as latin1, one character per byte: decoding is the cheapest
// possible, every regex over ASCII kernel text works unchanged, and offsets equal byte offsets. Text that
// leaves the analyzer (messages in results) is turned back into proper Unicode with toUnicode().

import { Buffer } from 'node:buffer';

const NON_ASCII = /[\x80-\xff]/;

/** A latin1 byte string back to the UTF-8 text it encodes (invalid sequences become U+FFFD). */
export function toUnicode(bytes: string): string {
  return NON_ASCII.test(bytes) ? Buffer.from(bytes, 'latin1').toString('utf8') : bytes;
}

/** A message for results: Unicode, control characters dropped, trimmed, at most `max` characters. */
export function cleanText(bytes: string, max = 500): string {
  // eslint-disable-next-line no-control-regex
  let s = toUnicode(bytes).replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '').trim();
  if (s.length > max) s = s.slice(0, max - 1) + '\u2026';
  return s;
}
