// UTF-16 input: a log saved by a Windows tool (PowerShell 5's `>` / Out-File write UTF-16LE with a byte
// order mark) reads as NUL-interleaved bytes, which no rule matches. Such a file is recognised from its first
// bytes and transcoded to UTF-8 as it streams in, so the readers (which take bytes, one character per byte)
// see the same text as for a UTF-8 copy: same lines, same line numbers. UTF-8, ASCII and latin1 input never
// comes here (the fast path is untouched).

import { Buffer } from 'node:buffer';

export type Utf16 = 'utf-16le' | 'utf-16be';

/** How many leading bytes the NUL heuristic looks at. */
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

/** UTF-16 bytes in, UTF-8 bytes out, chunk by chunk (a code unit or surrogate pair split over two chunks is
 *  kept for the next; the byte order mark is dropped; an unpaired surrogate or odd last byte becomes U+FFFD). */
export class Utf16ToUtf8 {
  private readonly decoder: TextDecoder;

  constructor(readonly encoding: Utf16) {
    this.decoder = new TextDecoder(encoding);
  }

  push(chunk: Uint8Array): Buffer {
    return Buffer.from(this.decoder.decode(chunk, { stream: true }), 'utf8');
  }

  end(): Buffer {
    return Buffer.from(this.decoder.decode(), 'utf8');
  }
}

/** A whole file's text: UTF-16 decoded when it is UTF-16, else UTF-8 (small inputs: JSON, numactl -H). */
export function decodeText(buf: Uint8Array): string {
  const enc = utf16Of(buf);
  return enc ? new TextDecoder(enc).decode(buf) : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8');
}
