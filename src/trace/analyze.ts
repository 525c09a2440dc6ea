// The analyzer's entry points: a file, a stream of chunks, or a string -> AnalysisFile.
//
// Input is read in chunks (64 KiB from files), each decoded one character per byte and pushed into the
// reader for the detected format; cancellation is checked between chunks. Memory stays bounded: the
// readers hold a line and the open boot (or one trace event), and boots can be streamed out with onBoot
// instead of being kept (retainBoots).

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Buffer } from 'node:buffer';
import { throwIfCancelled, type Cancellation } from './cancel';
import { KernelLogReader } from './kernel-log';
import { FtraceReader } from './ftrace';
import { ChromeTraceReader } from './chrome-trace';
import type { AnalysisFile, Boot, FileFormat } from './types';

export interface AnalyzeOptions {
  /** Checked between chunks; a cancelled analysis rejects with AnalysisCancelledError. */
  signal?: Cancellation;
  /** Called with each boot of a kernel log as soon as it is complete. */
  onBoot?: (boot: Boot) => void;
  /** Keep at most this many boots in the result (default: all); the rest are counted in bootsNotRetained. */
  retainBoots?: number;
  /** The path to report (analyzeStream, analyzeText). */
  path?: string;
  /** Skip detection. */
  format?: Exclude<FileFormat, 'empty'>;
  /** Read size for files (default 1 MiB). */
  chunkBytes?: number;
}

/** How many leading bytes decide the format. */
const SNIFF_BYTES = 64 * 1024;
/** Readers get strings of at most this size: small enough to stay in V8's young generation (cheap to
 *  collect), large enough that per-chunk work is negligible. Files are read in larger blocks. */
const SLICE_BYTES = 64 * 1024;

/** The format of a file from its first bytes (decoded one character per byte). */
export function detectFormat(sample: string): FileFormat {
  const s = sample.replace(/^\xef\xbb\xbf/, '');
  if (s.trim() === '') return 'empty';
  const head = s.slice(0, 4096);
  if (/^\s*\[\s*(?:\{|\])/.test(head) || (/^\s*\{/.test(head) && isTraceJson(head))) return 'chrome-trace';
  if (
    /^# tracer: /m.test(head) ||
    /^\s*cpus=\d+\s*$/m.test(head) ||
    /^\s*\S.{0,40}-\d+\s+\[\d{3}\]\s.{0,12}\d+\.\d+: (?:funcgraph_entry|funcgraph_exit|function):/m.test(head) ||
    /^\s*\d+\)\s+[-+!#*@$\d. ]*(?:us)?\s*\|\s+[\w.$]+\(\)/m.test(head)
  ) {
    return 'ftrace';
  }
  return 'kernel-log';
}

function isTraceJson(head: string): boolean {
  const firstLine = head.split('\n', 1)[0];
  // journalctl -o json is one object per line with MESSAGE: a kernel log.
  if (/"MESSAGE"\s*:/.test(firstLine) && /\}\s*$/.test(firstLine)) return false;
  return /"(?:traceEvents|displayTimeUnit|systemTraceEvents|otherData)"\s*:/.test(head) || /"ph"\s*:/.test(head);
}

interface Reader {
  push(s: string): void;
  end(): void;
}

/** Analyze a stream of chunks (Buffers, Uint8Arrays or strings). */
export async function analyzeStream(
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: AnalyzeOptions = {},
): Promise<AnalysisFile> {
  const run = new Run(options);
  let sinceYield = 0;
  const sync = !(Symbol.asyncIterator in (source as object));
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    throwIfCancelled(options.signal);
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    run.push(buf, options);
    // In-memory sources never wait: let the event loop (and a cancel request) in now and then.
    if (sync && (sinceYield += buf.length) >= 8 * 1024 * 1024) {
      sinceYield = 0;
      await new Promise((r) => setImmediate(r));
    }
  }
  throwIfCancelled(options.signal);
  return run.finish(options);
}

/** Analyze a file, streamed (bounded memory whatever its size). */
export async function analyzeFile(path: string, options: AnalyzeOptions = {}): Promise<AnalysisFile> {
  const st = await stat(path);
  if (st.isDirectory()) throw new Error(`${path} is a directory`);
  const stream = createReadStream(path, { highWaterMark: options.chunkBytes ?? 1024 * 1024 });
  try {
    return await analyzeStream(stream, { ...options, path: options.path ?? path });
  } finally {
    stream.destroy();
  }
}

/** Analyze text already in memory (tests, the editor's open document). */
export function analyzeText(text: string, options: AnalyzeOptions = {}): AnalysisFile {
  const run = new Run(options);
  const buf = Buffer.from(text, 'utf8');
  const step = 1024 * 1024;
  for (let i = 0; i < buf.length; i += step) {
    throwIfCancelled(options.signal);
    run.push(buf.subarray(i, Math.min(buf.length, i + step)), options);
  }
  return run.finish(options);
}

/** One analysis: sniff, then feed the reader of the detected format. */
class Run {
  private sniff: Buffer[] = [];
  private sniffLen = 0;
  private reader: Reader | null = null;
  private format: FileFormat = 'empty';
  private kernel: KernelLogReader | null = null;
  private ftrace: FtraceReader | null = null;
  private chrome: ChromeTraceReader | null = null;
  private bytes = 0;

  constructor(options: AnalyzeOptions) {
    if (options.format) this.start(options.format, options);
  }

  push(buf: Buffer, options: AnalyzeOptions): void {
    this.bytes += buf.length;
    if (this.reader) {
      for (let i = 0; i < buf.length; i += SLICE_BYTES) this.reader.push(buf.toString('latin1', i, Math.min(buf.length, i + SLICE_BYTES)));
      return;
    }
    this.sniff.push(buf);
    this.sniffLen += buf.length;
    if (this.sniffLen >= SNIFF_BYTES) this.startFromSniff(options);
  }

  private startFromSniff(options: AnalyzeOptions): void {
    const all = Buffer.concat(this.sniff);
    this.sniff = [];
    const fmt = detectFormat(all.toString('latin1', 0, Math.min(all.length, SNIFF_BYTES)));
    if (fmt === 'empty' && all.length < SNIFF_BYTES) return;
    this.start(fmt === 'empty' ? 'kernel-log' : fmt, options);
    for (let i = 0; i < all.length; i += SLICE_BYTES) this.reader!.push(all.toString('latin1', i, Math.min(all.length, i + SLICE_BYTES)));
  }

  private start(fmt: Exclude<FileFormat, 'empty'>, options: AnalyzeOptions): void {
    this.format = fmt;
    if (fmt === 'kernel-log') this.reader = this.kernel = new KernelLogReader({ onBoot: options.onBoot, retainBoots: options.retainBoots });
    else if (fmt === 'ftrace') this.reader = this.ftrace = new FtraceReader();
    else this.reader = this.chrome = new ChromeTraceReader({ onBoot: options.onBoot, retainBoots: options.retainBoots });
  }

  finish(options: AnalyzeOptions): AnalysisFile {
    if (!this.reader && this.sniff.length) this.startFromSniff(options);
    this.reader?.end();
    const k = this.kernel ?? this.chrome?.log ?? null;
    return {
      path: options.path ?? '<input>',
      format: this.format,
      sizeBytes: this.bytes,
      lines: this.kernel?.lines ?? this.ftrace?.lines ?? 0,
      input: this.kernel ? this.kernel.inputQuirks() : { quotedPrintable: false, mailQuoted: false, timestamps: [], prefixes: [], rejoinedLines: 0, longLinesCut: 0 },
      boots: k ? k.boots : [],
      bootsNotRetained: k ? k.bootsNotRetained : 0,
      ftrace: this.ftrace ? this.ftrace.summary() : null,
      chromeTrace: this.chrome ? this.chrome.summary() : null,
      warnings: this.chrome?.warnings() ?? [],
    };
  }
}
