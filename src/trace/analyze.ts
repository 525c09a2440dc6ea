// The analyzer's entry points: a file, a stream of chunks, or a string -> AnalysisFile.
//
// Input is read in chunks (64 KiB from files), each decoded one character per byte and pushed into the
// reader for the detected format; cancellation is checked between chunks. Memory stays bounded: the
// readers hold a line and the open boot (or one trace event), and boots can be streamed out with onBoot
// instead of being kept (retainBoots).

import { closeSync, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Buffer } from 'node:buffer';
import { throwIfCancelled, type Cancellation } from './cancel';
import { KernelLogReader } from './kernel-log';
import { MAX_LINE } from './lines';
import { createShared, Ctl, DEFAULT_LAYOUT, Hdr, slotRecords, startWorker, type ParallelLayout } from './parallel';
import { FtraceReader } from './ftrace';
import { ChromeTraceReader } from './chrome-trace';
import { CR_ONLY_NOTE, crOnlyOf, CrToLf, InputTranscoder, utf16Of, Utf16ToUtf8 } from './encoding';
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
  /** Read size for files (default 256 KiB). */
  chunkBytes?: number;
}

/** Read size for files: small enough that each block is still in the CPU's cache when it is scanned. */
const READ_BYTES = 256 * 1024;
/** analyzeFile() lets the event loop in after this many bytes. */
const YIELD_BYTES = 8 * 1024 * 1024;
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
  // Lines only ftrace prints, with or without the tracefs header (trace_pipe, grep'd trace files). A line
  // starting with a "[seconds]" stamp is a kernel log's (ftrace_dump_on_oops output in dmesg), never these.
  const ftraceLines = [
    /^# tracer: /m,
    // trace-cmd report
    /^\s*cpus=\d+\s*$/m,
    /^\s*\S.{0,40}-\d+\s+\[\d{3}\]\s.{0,12}\d+\.\d+: (?:funcgraph_entry|funcgraph_exit|function):/m,
    // function tracer: "task-pid [cpu] flags seconds: func[+off/size] [<-parent]" (print-parent off: no parent)
    /^(?!\s*\[)\s*\S.{0,40}-\d+\s+(?:\(\s*[\d-]+\)\s+)?\[\d{3,}\]\s+(?:\S{1,6}\s+)?\d+\.\d{6}: [\w.$]+(?:\+0x[\da-f]+\/0x[\da-f]+)?(?:\s+<-+\s*\S+)?\s*$/m,
    // function_graph: [abstime |] cpu) [task-pid |] [duration] | func(...) or } (funcgraph-abstime, -proc, -args)
    /^\s*(?:\d+\.\d+\s+\|\s+)?\d+\)\s+(?:\S.{0,30}-\d+\s+\|\s+)?[-+!#*@$\d. ]*(?:us)?\s*\|\s+(?:[\w.$]+\(|\}\s*(?:\/\*|$))/m,
    // lost events (kernel trace.c print_trace_line(), trace-cmd report)
    /^CPU:\d+ \[(?:LOST (?:\d+ )?EVENTS|(?:\d+ )?EVENTS DROPPED)\]\s*$/m,
  ];
  if (ftraceLines.some((re) => re.test(head))) return 'ftrace';
  return 'kernel-log';
}

/** An object is read as Chrome trace JSON (the object form, whose "traceEvents" may come after other
 *  top-level data) unless it is a journal export or one JSON object per line (log shippers): those are
 *  kernel logs. Other JSON (ndctl / daxctl list output) is read by the JSON reader too, which says what it
 *  looks like. */
function isTraceJson(head: string): boolean {
  const firstLine = head.split('\n', 1)[0];
  // journalctl -o json is one object per line with MESSAGE: a kernel log; -o json-pretty starts with __CURSOR.
  if (/"MESSAGE"\s*:/.test(firstLine) && /\}\s*$/.test(firstLine)) return false;
  if (/^\s*\{\s*"(?:__CURSOR|__REALTIME_TIMESTAMP|__MONOTONIC_TIMESTAMP|_BOOT_ID|MESSAGE)"\s*:/.test(head)) return false;
  if (/"(?:traceEvents|displayTimeUnit|systemTraceEvents|otherData)"\s*:/.test(head) || /"ph"\s*:/.test(head)) return true;
  // A Chrome trace is one document: a whole object on the first line with another after it is JSON lines.
  if (/\}\s*$/.test(firstLine) && /^\s*\{/.test(head.slice(firstLine.length + 1))) return false;
  return /^\s*\{\s*"(?:[^"\\\n]|\\.){1,256}"\s*:/.test(head);
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
    if (sync && (sinceYield += buf.length) >= YIELD_BYTES) {
      sinceYield = 0;
      await new Promise((r) => setImmediate(r));
    }
  }
  throwIfCancelled(options.signal);
  return run.finish(options);
}

/**
 * Analyze a file, streamed (bounded memory whatever its size). A kernel log is read straight into the
 * reader's scan window, without a copy. Reads are synchronous, in blocks of 256 KiB: from the page cache
 * that is several times faster than the thread pool's reads (no hand-over between threads, the block is
 * still in the CPU's cache when it is scanned); the event loop (and a cancel request) gets in every few MB.
 */
export async function analyzeFile(path: string, options: AnalyzeOptions = {}): Promise<AnalysisFile> {
  return analyzeFileWith(path, options, {});
}

/** How analyzeFile reads (tests force the parallel path onto small files with small blocks). */
export interface ReadPlan {
  /** Read a kernel log on two threads from this size on (default PARALLEL_BYTES; Infinity: never). */
  parallelFrom?: number;
  layout?: ParallelLayout;
  /** Two threads: read at least this many bytes on this thread before the worker takes over, waiting for
   *  the worker if need be (0: the worker reads everything). Default: until the worker is up. */
  handOverAt?: number;
}

/** Files from this size on are read on two threads when they are kernel logs (parallel.ts). */
const PARALLEL_BYTES = 16 * 1024 * 1024;
/** The parallel reader waits this long for the worker at a time before it lets the event loop in. */
const WAIT_MS = 20;

export async function analyzeFileWith(path: string, options: AnalyzeOptions, plan: ReadPlan): Promise<AnalysisFile> {
  const st = await stat(path);
  if (st.isDirectory()) throw new Error(`${path} is a directory`);
  const opts = { ...options, path: options.path ?? path };
  if (st.size >= (plan.parallelFrom ?? PARALLEL_BYTES) && !options.format && sniffFile(path) === 'kernel-log') {
    const r = await analyzeParallel(path, opts, plan.layout ?? DEFAULT_LAYOUT, plan.handOverAt);
    if (r) return r;
  }
  const size = Math.max(1, options.chunkBytes ?? READ_BYTES);
  const fd = openSync(path, 'r');
  try {
    const run = new Run(opts);
    let sinceYield = 0;
    for (;;) {
      throwIfCancelled(options.signal);
      const block = run.block();
      let n: number;
      if (block) {
        n = readSync(fd, block, 0, Math.min(block.length, size), null);
        if (n === 0) break;
        run.pushBlock(n);
      } else {
        // Before the format is known (the sniffed bytes are kept), and for the other formats.
        const buf = Buffer.allocUnsafe(size);
        n = readSync(fd, buf, 0, size, null);
        if (n === 0) break;
        run.push(buf.subarray(0, n), opts);
      }
      if ((sinceYield += n) >= YIELD_BYTES) {
        sinceYield = 0;
        await new Promise((r) => setImmediate(r));
      }
    }
    throwIfCancelled(options.signal);
    return run.finish(opts);
  } finally {
    closeSync(fd);
  }
}

/** The format of a file from its first bytes ('utf-16': UTF-16 text, 'cr-only': CR-only line endings; both
 *  read through a transcoder, not by the two-thread reader). */
function sniffFile(path: string): FileFormat | 'utf-16' | 'cr-only' {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(SNIFF_BYTES);
    let n = 0;
    for (let r; n < SNIFF_BYTES && (r = readSync(fd, buf, n, SNIFF_BYTES - n, n)) > 0; ) n += r;
    if (utf16Of(buf.subarray(0, n))) return 'utf-16';
    if (crOnlyOf(buf.subarray(0, n))) return 'cr-only';
    return detectFormat(buf.toString('latin1', 0, n));
  } finally {
    closeSync(fd);
  }
}

/**
 * A kernel log on two threads (parallel.ts): the worker reads and scans, this thread runs the rules. While
 * the worker starts up (tens of milliseconds), this thread reads the start of the file on its own, and
 * hands over at the start of a line. null when this runtime cannot (no shared WebAssembly memory): the
 * caller reads on one thread.
 */
async function analyzeParallel(
  path: string,
  opts: AnalyzeOptions & { path: string },
  layout: ParallelLayout,
  handOverAt: number | undefined,
): Promise<AnalysisFile | null> {
  const sh = createShared(layout);
  if (!sh) return null;
  const run = new Run({ ...opts, format: 'kernel-log' });
  const reader = run.kernelReader();
  const { ctl, recs } = sh;
  let failure: string | null = null;
  const worker = startWorker(path, sh);
  worker.on('message', (m: { error?: string }) => (failure ??= m.error ?? null));
  worker.on('error', (e: Error) => (failure ??= e.message));
  worker.on('exit', (code) => (failure ??= code === 0 ? null : `exit code ${code}`));
  const fd = openSync(path, 'r');
  const longLine = (from: number, to: number) => {
    const n = Math.min(to - from, MAX_LINE);
    const buf = Buffer.allocUnsafe(n);
    let got = 0;
    for (let r; got < n && (r = readSync(fd, buf, got, n - got, from + got)) > 0; ) got += r;
    return { text: buf.toString('latin1', 0, got), cut: to - from > MAX_LINE };
  };
  /** Wait for `field` to leave `value` (WAIT_MS at a time, letting the event loop in between). */
  const waitFor = async (field: Ctl, value: number) => {
    while (Atomics.load(ctl, field) === value) {
      if (Atomics.load(ctl, Ctl.Failed) || failure !== null) {
        await new Promise((r) => setImmediate(r));
        throw new Error(`reading ${path}: ${failure ?? 'the reader thread failed'}`);
      }
      if (Atomics.wait(ctl, field, value, WAIT_MS) === 'timed-out') {
        await new Promise((r) => setImmediate(r));
        throwIfCancelled(opts.signal);
      }
    }
  };
  let sinceYield = 0;
  try {
    // The start of the file, on this thread (the same reader, with its own scanner), until the worker is up.
    for (let fed = 0; ; ) {
      throwIfCancelled(opts.signal);
      if (handOverAt === undefined ? Atomics.load(ctl, Ctl.Ready) === 1 && failure === null : fed >= handOverAt) {
        await waitFor(Ctl.Ready, 0);
        const dropped = reader.attachShared(sh);
        if (dropped >= 0) {
          // The unfinished line is the worker's to read.
          const from = fed - dropped;
          run.addBytes(-dropped);
          if (reader.quotedPrintable) Atomics.store(ctl, Ctl.QpMode, 1);
          Atomics.store(ctl, Ctl.FromHi, Math.floor(from / 67108864));
          Atomics.store(ctl, Ctl.FromLo, from % 67108864);
          Atomics.store(ctl, Ctl.Started, 1);
          Atomics.notify(ctl, Ctl.Started);
          break;
        }
      }
      const block = run.block();
      if (!block) return null;
      const n = readSync(fd, block, 0, block.length, fed);
      if (n === 0) return run.finish(opts);
      run.pushBlock(n);
      fed += n;
      if ((sinceYield += n) >= YIELD_BYTES) {
        sinceYield = 0;
        await new Promise((r) => setImmediate(r));
      }
    }
    for (let k = 0; ; k++) {
      throwIfCancelled(opts.signal);
      // Wait for block k. This thread blocks, as in a synchronous read: a promise per wake-up would cost
      // more than the wait. The event loop (a cancel request, the worker's events) gets in when the worker
      // keeps it waiting for WAIT_MS, and every YIELD_BYTES.
      if (Atomics.load(ctl, Ctl.Produced) <= k) await waitFor(Ctl.Produced, k);
      const slot = k % layout.slots;
      const h = slotRecords(layout, slot);
      const last = reader.pushScanned(recs, h, sh.stamps, slot * layout.records, longLine);
      const n = recs[h + Hdr.BytesRead];
      run.addBytes(n);
      if (reader.quotedPrintable) Atomics.store(ctl, Ctl.QpMode, 1);
      Atomics.store(ctl, Ctl.Consumed, k + 1);
      if (Atomics.load(ctl, Ctl.Waiting) && Atomics.load(ctl, Ctl.Produced) - (k + 1) <= layout.slots >> 1) Atomics.notify(ctl, Ctl.Consumed);
      if (last) break;
      if ((sinceYield += n) >= YIELD_BYTES) {
        sinceYield = 0;
        await new Promise((r) => setImmediate(r));
      }
    }
    throwIfCancelled(opts.signal);
    return run.finish(opts);
  } finally {
    Atomics.store(ctl, Ctl.Cancel, 1);
    Atomics.notify(ctl, Ctl.Consumed);
    Atomics.notify(ctl, Ctl.Started);
    closeSync(fd);
    await worker.terminate();
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

/** One analysis: sniff, then feed the reader of the detected format (UTF-16 input transcoded to UTF-8
 *  first; then lone CRs read as line breaks when the text has CR-only line endings). */
class Run {
  private sniff: Buffer[] = [];
  private sniffLen = 0;
  /** UTF-16 decoding and CR-only line ends, set as the file is sniffed. */
  private readonly tc = new InputTranscoder();
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
      this.feed(this.transcode(buf));
      return;
    }
    this.sniff.push(buf);
    this.sniffLen += buf.length;
    if (this.sniffLen < SNIFF_BYTES) return;
    // UTF-16 text is two bytes a character: sniff twice as many bytes, so that the CR-only decision sees
    // CR_LOOK characters whatever the chunk size (as LineSplitter does on the decoded text).
    if (this.sniffLen < 2 * SNIFF_BYTES + 2 && utf16Of(Buffer.concat(this.sniff))) return;
    this.startFromSniff(options);
  }

  private startFromSniff(options: AnalyzeOptions): void {
    let all: Buffer = Buffer.concat(this.sniff);
    this.sniff = [];
    const enc = utf16Of(all);
    if (enc) {
      this.tc.utf16 = new Utf16ToUtf8(enc);
      all = this.tc.utf16.push(all);
    }
    if (crOnlyOf(all)) {
      this.tc.cr = new CrToLf();
      all = this.tc.cr.push(all);
    }
    const fmt = detectFormat(all.toString('latin1', 0, Math.min(all.length, SNIFF_BYTES)));
    if (fmt === 'empty' && all.length < SNIFF_BYTES) return;
    this.start(fmt === 'empty' ? 'kernel-log' : fmt, options);
    this.feed(all);
  }

  /** The bytes of the input as the readers take them (UTF-16 decoded, lone CRs made LFs). */
  private transcode(buf: Buffer): Buffer {
    return this.tc.push(buf);
  }

  private feed(buf: Buffer): void {
    if (this.kernel) {
      this.kernel.pushBytes(buf);
      return;
    }
    for (let i = 0; i < buf.length; i += SLICE_BYTES) this.reader!.push(buf.toString('latin1', i, Math.min(buf.length, i + SLICE_BYTES)));
  }

  /** The kernel log reader (format given as kernel-log). */
  kernelReader(): KernelLogReader {
    return this.kernel!;
  }

  addBytes(n: number): void {
    this.bytes += n;
  }

  /** Where the kernel log reader takes the next bytes in place (null: format not known yet, or not a kernel log). */
  block(): Uint8Array | null {
    return this.kernel && this.tc.identity ? this.kernel.byteBlock() : null;
  }

  /** `n` bytes were read into block(). */
  pushBlock(n: number): void {
    this.bytes += n;
    this.kernel!.pushBlock(n);
  }

  private start(fmt: Exclude<FileFormat, 'empty'>, options: AnalyzeOptions): void {
    this.format = fmt;
    if (fmt === 'kernel-log') this.reader = this.kernel = new KernelLogReader({ onBoot: options.onBoot, retainBoots: options.retainBoots });
    else if (fmt === 'ftrace') this.reader = this.ftrace = new FtraceReader();
    else this.reader = this.chrome = new ChromeTraceReader({ onBoot: options.onBoot, retainBoots: options.retainBoots });
  }

  finish(options: AnalyzeOptions): AnalysisFile {
    if (!this.reader && this.sniff.length) this.startFromSniff(options);
    if (this.reader) {
      const rest = this.tc.end();
      if (rest.length) this.feed(rest);
    }
    this.reader?.end();
    const k = this.kernel ?? this.chrome?.log ?? null;
    return {
      path: options.path ?? '<input>',
      format: this.format,
      sizeBytes: this.bytes,
      lines: this.kernel?.lines ?? this.ftrace?.lines ?? 0,
      input: {
        ...(this.kernel ? this.kernel.inputQuirks() : { quotedPrintable: false, mailQuoted: false, timestamps: [], prefixes: [], rejoinedLines: 0, longLinesCut: 0 }),
        encoding: this.tc.utf16?.encoding ?? null,
        crOnlyLineEndings: this.tc.cr !== null,
      },
      boots: k ? k.boots : [],
      bootsNotRetained: k ? k.bootsNotRetained : 0,
      ftrace: this.ftrace ? this.ftrace.summary() : null,
      chromeTrace: this.chrome ? this.chrome.summary() : null,
      warnings: [...(this.tc.cr ? [CR_ONLY_NOTE] : []), ...(this.chrome?.warnings() ?? []), ...(this.ftrace?.warnings() ?? [])],
    };
  }
}
