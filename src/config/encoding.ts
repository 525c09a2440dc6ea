// The bytes of a config file as text: UTF-8 (with or without a byte order mark), and nothing else.
//
// Decoding is exact or an error: bytes that are not UTF-8 are never replaced with U+FFFD (two Latin-1 names
// "caf\xe9" and "caf\xe8" would both read "caf\ufffd", and collide as duplicates; one alone would change
// silently). A UTF-16 or UTF-32 file (a byte order mark, or the NUL bytes of mostly-ASCII text) is said to be
// one, instead of being read as a string full of NULs.
// The extension gets its text from VS Code, already decoded; this is for files read from disk.

export type Decoded =
  | { ok: true; text: string }
  /** `text`: what can be shown of the file (valid UTF-8 up to `offset`, the bad byte there, as U+FFFD). */
  | { ok: false; message: string; text: string; offset: number };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossy = new TextDecoder('utf-8', { ignoreBOM: true });

export function decodeConfigBytes(bytes: Uint8Array): Decoded {
  const wide = wideEncoding(bytes);
  if (wide) return { ok: false, message: `this file is ${wide}: save it as UTF-8`, text: '', offset: 0 };
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(start);
  try {
    return { ok: true, text: utf8.decode(body) };
  } catch {
    const bad = firstInvalidUtf8(body);
    const prefix = utf8.decode(body.subarray(0, bad));
    const text = prefix + lossy.decode(body.subarray(bad));
    const hex = `0x${body[bad].toString(16).toUpperCase().padStart(2, '0')}`;
    const latin = body[bad] >= 0xa0 ? ' (Latin-1 or Windows-1252 text?)' : '';
    return { ok: false, message: `byte ${hex} is not valid UTF-8${latin}: save the file as UTF-8`, text, offset: prefix.length };
  }
}

/** "UTF-16 (little-endian)" and the like for a UTF-16 or UTF-32 file, from its byte order mark or its NUL bytes. */
function wideEncoding(b: Uint8Array): string | null {
  if (b[0] === 0x00 && b[1] === 0x00 && b[2] === 0xfe && b[3] === 0xff) return 'UTF-32 (big-endian)';
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0x00 && b[3] === 0x00) return 'UTF-32 (little-endian)';
  const u = utf16Of(b);
  return u === 'utf-16le' ? 'UTF-16 (little-endian)' : u === 'utf-16be' ? 'UTF-16 (big-endian)' : null;
}

export type Utf16 = 'utf-16le' | 'utf-16be';

/** How many leading bytes the UTF-16 NUL heuristic looks at. */
const LOOK = 4096;

/**
 * UTF-16 from the first bytes of a file: a byte order mark (FF FE: little endian, FE FF: big endian), or,
 * without one, text that is mostly ASCII in UTF-16: a NUL in (nearly) every odd byte and (nearly) no even
 * one (little endian), or the other way round (big endian). null for anything else (UTF-8, ASCII, latin1,
 * binary).
 */
export function utf16Of(head: Uint8Array): Utf16 | null {
  if (head.length >= 2) {
    if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
    if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  }
  const pairs = Math.min(head.length, LOOK) >> 1;
  if (pairs < 2) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < pairs; i++) {
    if (head[2 * i] === 0) evenNul++;
    if (head[2 * i + 1] === 0) oddNul++;
  }
  if (oddNul >= pairs * 0.6 && evenNul <= pairs * 0.05) return 'utf-16le';
  if (evenNul >= pairs * 0.6 && oddNul <= pairs * 0.05) return 'utf-16be';
  return null;
}


/** The index of the first byte that does not start a valid UTF-8 sequence (b.length when all are valid). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f; // no UTF-16 surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f; // nothing above U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      const x = b[i + k];
      if (x === undefined || x < (k === 1 ? lo : 0x80) || x > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return b.length;
}
