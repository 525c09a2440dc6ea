// A second, light pass over a kernel log for `import` and `compare`: the kernel message of every line of one
// boot, prefixes removed (the analyzer's parseRecord: syslog, rsyslog, journal, "> " quoting, stamps,
// levels, caller ids) and quoted-printable soft breaks joined. It serves two purposes:
//   - the text of the lines the analyzer's facts point at, so generated comments can quote them;
//   - the few facts import needs that the analyzer does not extract (SRAT affinity, CPUs per node,
//     "Hypervisor detected", page-size evidence), see ./facts.ts.
// Memory stays bounded: only the requested lines' texts (cut to 200 characters) are kept.

import { createReadStream } from 'node:fs';
import { CrToLf, InputTranscoder, Utf16ToUtf8, type Utf16 } from '../encoding';
import { LineSplitter } from '../lines';
import { parseRecord, type PrefixQuirks } from '../prefix';
import { cleanText } from '../text';

export interface RecordPassOptions {
  /** Only lines in [first, last] (1-based, inclusive) are read; the boot's range. */
  first: number;
  last: number;
  /** The file uses quoted-printable soft breaks (AnalysisFile.input.quotedPrintable). */
  quotedPrintable: boolean;
  /** The file is UTF-16 (AnalysisFile.input.encoding): transcoded to UTF-8 as the analyzer reads it. */
  encoding?: Utf16 | null;
  /** The file has CR-only line endings (AnalysisFile.input.crOnlyLineEndings): each lone CR is a line break,
   *  after the UTF-16 decoding, as the analyzer reads it. */
  crOnly?: boolean;
  /** Messages the analyzer read over several lines (Boot.wrapped): first line -> last continuation line. */
  wrapped?: ReadonlyMap<number, number>;
  /** Line numbers whose message text to keep. */
  want: ReadonlySet<number>;
  /** Called with every message of the range (text is a latin1 byte string, prefixes removed); returning
   *  true keeps the message's text as if its line had been in `want`. */
  onMessage?: (text: string, line: number) => boolean | void;
}

const QP_ESCAPE = /=([0-9A-Fa-f]{2})/g;
const MAX_KEPT = 200;

/** Runs the pass over chunks of the file; returns the kept texts by line number. */
export class RecordPass {
  readonly texts = new Map<number, string>();
  private readonly quirks: PrefixQuirks = { mailQuoted: false, absolute: false, relative: false, wallclock: false, prefixes: new Set() };
  private line = 0;
  private qp: { text: string; line: number; parts: number } | null = null;
  /** A message the analyzer read over several lines, while its continuation lines come. */
  private join: { line: number; lastLine: number; text: string } | null = null;
  private readonly splitter = new LineSplitter((s, start, end) => this.physical(s.slice(start, end)));

  constructor(private readonly opts: RecordPassOptions) {}

  push(chunk: string): void {
    this.splitter.push(chunk);
  }

  /** Past the end of the range: the rest of the input can be skipped. */
  get done(): boolean {
    return this.line > this.opts.last + 64;
  }

  end(): void {
    this.splitter.end();
    this.flushQp();
    this.flushJoin();
  }

  private physical(raw: string): void {
    this.line++;
    const n = this.line;
    if (n < this.opts.first || n > this.opts.last + 64) {
      // Past the boot (plus a few continuation lines of a soft-broken last message): nothing to do.
      if (this.qp && n > this.opts.last) this.flushQp();
      return;
    }
    const text = raw.replace(/\r+$/, '');
    if (this.opts.quotedPrintable) {
      if (this.qp) {
        const soft = text.endsWith('=');
        this.qp.text += soft ? text.slice(0, -1) : text;
        this.qp.parts++;
        if (soft && this.qp.parts < 64) return;
        this.flushQp();
        return;
      }
      if (text.endsWith('=')) {
        this.qp = { text: text.slice(0, -1), line: n, parts: 1 };
        return;
      }
      this.logical(text.replace(QP_ESCAPE, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))), n);
      return;
    }
    if (n <= this.opts.last) this.logical(text, n);
  }

  private flushQp(): void {
    const qp = this.qp;
    if (!qp) return;
    this.qp = null;
    const decoded = qp.text.replace(QP_ESCAPE, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
    for (const piece of decoded.split('\n')) this.logical(piece.replace(/\r+$/, ''), qp.line);
  }

  private logical(raw: string, line: number): void {
    const j = this.join;
    if (j !== null) {
      if (line > j.line && line <= j.lastLine) {
        // A continuation line the analyzer joined to the message (Boot.wrapped): read as one message, as it did.
        j.text = `${j.text} ${parseRecord(raw, line, this.quirks).text.trim()}`;
        if (line === j.lastLine) this.flushJoin();
        return;
      }
      this.flushJoin();
    }
    if (line > this.opts.last) return;
    const rec = parseRecord(raw, line, this.quirks);
    const text = rec.text.trim();
    if (text === '') return;
    const lastLine = this.opts.wrapped?.get(line);
    if (lastLine !== undefined && lastLine > line) {
      this.join = { line, lastLine, text };
      return;
    }
    this.message(text, line);
  }

  private flushJoin(): void {
    const j = this.join;
    if (j === null) return;
    this.join = null;
    this.message(j.text, j.line);
  }

  private message(text: string, line: number): void {
    const keep = this.opts.onMessage?.(text, line) === true;
    if ((keep || this.opts.want.has(line)) && !this.texts.has(line)) this.texts.set(line, cleanText(text, MAX_KEPT));
  }
}

/** The file's bytes as the analyzer's readers take them (analyze.ts): UTF-16 decoded, then lone CRs made LFs. */
function transcoder(opts: RecordPassOptions): InputTranscoder {
  const tc = new InputTranscoder();
  if (opts.encoding) tc.utf16 = new Utf16ToUtf8(opts.encoding);
  if (opts.crOnly) tc.cr = new CrToLf();
  return tc;
}

/** Run the pass over a file (streamed, one latin1 character per byte like the analyzer). */
export async function recordPassFile(path: string, opts: RecordPassOptions): Promise<Map<number, string>> {
  const pass = new RecordPass(opts);
  const tc = transcoder(opts);
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024 });
  let done = false;
  try {
    for await (const chunk of stream) {
      pass.push(tc.push(chunk as Buffer).toString('latin1'));
      // Stop reading once past the boot.
      if ((done = pass.done)) break;
    }
  } finally {
    stream.destroy();
  }
  if (!done) pass.push(tc.end().toString('latin1'));
  pass.end();
  return pass.texts;
}

/** Run the pass over text in memory (tests, the editor): its UTF-8 bytes, as analyzeText() reads them. */
export function recordPassText(text: string, opts: RecordPassOptions): Map<number, string> {
  const pass = new RecordPass(opts);
  const tc = transcoder(opts);
  pass.push(Buffer.concat([tc.push(Buffer.from(text, 'utf8')), tc.end()]).toString('latin1'));
  pass.end();
  return pass.texts;
}
