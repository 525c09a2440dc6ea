// UTF-16 input: a log saved by a Windows tool (PowerShell 5's `>` / Out-File write UTF-16LE with a byte
// order mark) reads as NUL-interleaved bytes, which no rule matches. Such a file is recognised from its first
// bytes and transcoded to UTF-8 as it streams in, so the readers (which take bytes, one character per byte)
// see the same text as for a UTF-8 copy: same lines, same line numbers. UTF-8, ASCII and latin1 input never
// comes here (the fast path is untouched).

import { Buffer } from 'node:buffer';
import { utf16Of, type Utf16 } from '../config/encoding';

export { utf16Of, type Utf16 };

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

// CR-only line endings: a log whose lines end in a lone carriage return (classic Mac OS text, some serial
// console and terminal captures) has no "\n" at all, so it would read as one long line. Such text is
// recognised from its first bytes (CR_LOOK of them: no LF there, and a CR followed by something else) and
// each lone CR is read as a line break as the text streams in ("\r\n" is left as it is: the readers drop
// a CR before a LF). Same length, same line numbers as the LF copy. analyze.ts decides and transcodes the
// bytes it gives the readers; import's second pass (import/records.ts) transcodes the same way when the
// analysis says so (AnalysisFile.input.crOnlyLineEndings), so both count the same lines.

/** How many leading bytes decide whether the text has CR-only line endings. */
export const CR_LOOK = 64 * 1024;

/** The note analyze reports (AnalysisFile.warnings) when it read a lone CR as a line break. */
export const CR_ONLY_NOTE = 'line endings: carriage returns only (classic Mac OS, some serial-console captures): each lone CR was read as a line break';

/**
 * CR-only line endings, from the first bytes of a text (bytes, or a string of one character per byte): no
 * LF among the first CR_LOOK, and at least one CR followed by another byte (not the last byte looked at,
 * whose next byte is not known).
 */
export function crOnlyOf(head: Uint8Array | string): boolean {
  const n = Math.min(head.length, CR_LOOK);
  let lone = false;
  if (typeof head === 'string') {
    const lf = head.indexOf('\n');
    if (lf >= 0 && lf < n) return false;
    for (let i = head.indexOf('\r'); i >= 0 && i < n - 1; i = head.indexOf('\r', i + 1)) if (head.charCodeAt(i + 1) !== 10) lone = true;
    return lone;
  }
  const lf = head.indexOf(10);
  if (lf >= 0 && lf < n) return false;
  for (let i = head.indexOf(13); i >= 0 && i < n - 1; i = head.indexOf(13, i + 1)) {
    if (head[i + 1] !== 10) {
      lone = true;
      break;
    }
  }
  return lone;
}

/** Lone CRs to LFs, chunk by chunk ("\r\n" kept; a CR at the end of a chunk waits for the next byte). */
export class CrToLf {
  private held = false;

  push(chunk: Uint8Array): Buffer {
    const n = chunk.length;
    if (n === 0) return Buffer.alloc(0);
    const pre = this.held ? 1 : 0;
    const keep = chunk[n - 1] === 13 ? n - 1 : n;
    const out = Buffer.allocUnsafe(pre + keep);
    if (pre) out[0] = chunk[0] === 10 ? 13 : 10;
    out.set(chunk.subarray(0, keep), pre);
    // Every CR copied has its next byte in this chunk.
    for (let i = out.indexOf(13, pre); i >= 0; i = out.indexOf(13, i + 1)) if (chunk[i - pre + 1] !== 10) out[i] = 10;
    this.held = keep < n;
    return out;
  }

  /** End of input: a CR held back was a line break. */
  end(): Buffer {
    const held = this.held;
    this.held = false;
    return held ? Buffer.from([10]) : Buffer.alloc(0);
  }
}

/** A file's bytes as the readers take them: UTF-16 decoded, then lone CRs made LFs. analyze.ts sets its stages as it
 *  sniffs the file; import's second pass (import/records.ts) sets them from what the analysis found. */
export class InputTranscoder {
  utf16: Utf16ToUtf8 | null = null;
  cr: CrToLf | null = null;

  /** Nothing to undo: the bytes are read as they are. */
  get identity(): boolean {
    return this.utf16 === null && this.cr === null;
  }

  push(b: Buffer): Buffer {
    const u = this.utf16 === null ? b : this.utf16.push(b);
    return this.cr === null ? u : this.cr.push(u);
  }

  /** End of input: what the stages held back. */
  end(): Buffer {
    const u = this.utf16 === null ? Buffer.alloc(0) : this.utf16.end();
    if (this.cr === null) return u;
    return Buffer.concat([this.cr.push(u), this.cr.end()]);
  }
}
