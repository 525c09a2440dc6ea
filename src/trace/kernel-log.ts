// The kernel log reader: byte-string chunks in, boots out. Push-based and synchronous per chunk, so the
// caller decides about I/O, cancellation and memory (only the current line, a few pending lines and the
// facts of the open boot are held).
//
// Layers:
//   physical lines   split on \n, CR stripped, over-long lines cut at 1 MiB
//   quoted-printable soft breaks ("=" at line end) joined, "=XX" decoded, "=0A" splitting into lines;
//                    QP mode turns on at the first soft break with "=XX" escapes (on its line or in the
//                    lines it joins); before that a trailing "=" joins only a following line that does not
//                    start a log record, and nothing is decoded
//   records          prefixes parsed (prefix.ts); "..." / collector gap markers end pending state
//   wrapped messages a message whose rule head matches but whose regex does not waits for the next
//                    un-prefixed line(s) (up to 3); the join is kept only if it makes the message match.
//                    Free-text messages (command line, DMI, banner: Match.Open) take the un-prefixed lines
//                    that follow them (up to 16) only while those read as a wrapped tail (mayBeTail()): the
//                    line before was wide enough to have been wrapped, and the line is not a message, an
//                    anywhere-rule anchor, a heading, separator, fence, zone line, label or sentence; the
//                    anywhere rules are not run on such a message. A zone line cut after its name or "[mem"
//                    waits for its rest (up to 3)
//   boots            a new boot at "Linux version" (when the current boot already has facts), at a stamp
//                    printed as 0.000000 after non-zero stamps, at a journal _BOOT_ID change, and when a
//                    once-per-boot fact repeats (see boot.ts); un-prefixed headings ("> After:") right above
//                    the stamped line a boot starts at go with it (a heading: an un-prefixed line nothing read:
//                    no rule, not a call-trace frame)
//
// Fast path: most lines of a dmesg are "[ seconds] text" with a text no rule is interested in. Such a line,
// while no multi-line state is open, is dismissed after checking its stamp and looking up the first
// character of its text in the rule table; everything else takes the general path, which produces the same
// result for dismissed lines (they add nothing but "the boot has absolute stamps" and the reset check,
// which the fast path does too).

import { Buffer } from 'node:buffer';
import { BootBuilder, MAX_FACTS_PER_BOOT, foldBoot, type Fact } from './boot';
import { functionPhase, stackPhase, baseFunctionName } from './functions';
import { parseRecord, RECORD_START, TsKind, type PrefixQuirks, type Rec } from './prefix';
import {
  ANYWHERE_RULES, DEVICE_ANYWHERE_RULES, DEVICE_BUCKETS, FRAME, Match, RULE_BUCKETS, TRACE_MARKER, ZONE_LINE, ZONE_PART,
  type AnywhereRule, type DevCtx, type HeadEntry, type Sink,
} from './rules';
import { hexOrNull, tooLarge } from './numbers';
import { LineSplitter, MAX_LINE } from './lines';
import { createLineScanner, DATA, OUT_MAIN, Out, ScanStatus, scannerInstance, type LineScanner } from './scan';
import { Hdr, HDR_INTS, Kind, RecField, REC_INTS, type Shared } from './parallel';
import { cleanText } from './text';
import type { Boot, BootBoundary, InputQuirks, KernelError } from './types';

export interface KernelLogOptions {
  /** Called with each boot as soon as it is complete (in file order). */
  onBoot?: (boot: Boot) => void;
  /** Keep at most this many boots in `boots` (default: all). Use 0 with onBoot to stream. */
  retainBoots?: number;
  /** false: read every line through the general path (tests check that both paths agree). */
  fastPath?: boolean;
  /** Bytes read per block by pushBytes() (tests use small windows to exercise the block edges). */
  windowBytes?: number;
}

const MAX_JOINS = 3;
/** Continuation lines joined to a free-text message (Match.Open): a 4 KiB command line wrapped at ~72 columns
 *  takes more than 3. */
const MAX_OPEN_JOINS = 16;
/** Mail and terminal wrapping break lines at 64 columns or more: a free-text message's line (prefixes included)
 *  that, with the first word of the next line, fits in this many was not wrapped there. */
const WRAP_COLUMNS = 64;
const MAX_QP_FRAGMENTS = 64;
const TRACE_WAIT = 40;
const TRACE_MISSES = 3;
const MAX_FRAMES = 48;
/** pushBytes(): bytes per block, and at most this much of an unfinished line kept in front of the next
 *  block (a longer line is collected as a string, like LineSplitter's carry). */
const WINDOW_BYTES = 256 * 1024;
const CARRY_BYTES = 64 * 1024;

const GAP = /^[\s>]*(?:\.{3,}|\[\.\.\.\]|<snip>|\[ ?snip ?\]|-+ ?snip ?-+|#{3,} ?\[collector: .*)\s*$/i;
const QP_ESCAPE = /=([0-9A-Fa-f]{2})/g;
const QP_EVIDENCE = /=[0-9A-F]{2}/;
/** Lines a reader wrote around a log, not the wrapped tail of a command line, DMI string or banner (trimmed):
 *  a heading ("Before:", "AFTER", lsmem's "RANGE  SIZE  STATE"), a separator ("-----"), a code fence, a label
 *  ("Note: ..." as "x86/fpu: ..." starts a message). Each alternative is one character class run: linear. */
const NOT_A_TAIL = /^[^=]*[A-Za-z)]:$|^```|^[A-Za-z][\w./-]*: |^[^A-Za-z0-9]*$|^[A-Z][A-Z\s'(),.:;!?&-]*$/;
/** ... or a sentence: ends in a lower-case word and ".", "!" or "?", with at least three lower-case words. */
const SENTENCE_END = /(?:^|\s)[a-z]{2,}[.!?]$/;
const LOWER_WORD = /(?:^|\s)[a-z]+(?=[\s,;:.!?]|$)/g;

// Module-local copies of what the per-line code reads (an imported binding may be a getter, and an
// imported const enum a property lookup, when modules are compiled one by one).
const BUCKETS = RULE_BUCKETS;
const DEV_BUCKETS = DEVICE_BUCKETS;
const ANYWHERE = ANYWHERE_RULES;
const DEV_ANYWHERE = DEVICE_ANYWHERE_RULES;
const ANCHORS = ANYWHERE_RULES.map((r) => r.anchor);
const parse = parseRecord;
const MAX_FACTS = MAX_FACTS_PER_BOOT;
const fold = foldBoot;
const hex = hexOrNull;
const TOO_LARGE = tooLarge;
const clean = cleanText;
const phaseOf = functionPhase;
const baseName = baseFunctionName;
const MATCHED = Match.Matched;
const INCOMPLETE = Match.Incomplete;
const NONE = Match.None;
const OPEN = Match.Open;
const ABSOLUTE = TsKind.Absolute;
const RELATIVE = TsKind.Relative;

// The scanner's result slots and statuses as plain numbers (no property lookups in the loop).
const OUT_LINES = Out.Lines;
const OUT_COUNTED = Out.Counted;
const OUT_STAMPED = Out.Stamped;
const OUT_NONZERO = Out.NonZero;
const OUT_STATUS = Out.Status;
const NEED_MORE = ScanStatus.NeedMore;
const ALL_LINES = 0x7fffffff;
// Parallel records (parallel.ts), likewise.
const H_COUNT = Hdr.Count;
const H_EOF = Hdr.Eof;
const H_START = Hdr.Start;
const H_END = Hdr.End;
const R_HDR = HDR_INTS;
const R_INTS = REC_INTS;
const R_KIND = RecField.Kind;
const R_START = RecField.Start;
const R_STOP = RecField.Stop;
const R_NEXT = RecField.Next;
const R_LINES = RecField.Lines;
const R_COUNTED = RecField.Counted;
const R_STAMPED = RecField.Stamped;
const R_NONZERO = RecField.NonZero;
const R_Z1 = RecField.Z1;
const R_Z1_LINES = RecField.Z1Lines;
const R_Z1_STAMPED = RecField.Z1Stamped;
const R_Z1_COUNTED = RecField.Z1Counted;
const R_QP = RecField.Qp;
const R_STATUS = RecField.Status;
const R_FILE_START_HI = RecField.FileStartHi;
const R_FILE_START_LO = RecField.FileStartLo;
const R_FILE_END_HI = RecField.FileEndHi;
const R_FILE_END_LO = RecField.FileEndLo;
const R_PLAIN = RecField.Plain;
const R_TEXT_START = RecField.TextStart;
const R_TEXT_END = RecField.TextEnd;
const K_SEGMENT = Kind.Segment;
const K_GIVE_UP = Kind.GiveUp;
const K_LONG = Kind.Long;
const LINE_STOP = ScanStatus.Line;
const BYTE_STOP = ScanStatus.Byte;

/** Could `rec` be the hard-wrapped tail of the free-text message whose last physical line is `prev`? */
function mayBeTail(rec: Rec, prev: Rec): boolean {
  const text = rec.text.trim();
  let w = 0;
  while (w < text.length && text.charCodeAt(w) !== 32 && text.charCodeAt(w) !== 9) w++;
  // A wrapper breaks before a word that would not fit: the line before, a blank and that word are wider than
  // any width it wraps at (a line of 64 or more characters always is).
  if (prev.width + 1 + w <= WRAP_COLUMNS) return false;
  for (let i = 0; i < ANCHORS.length; i++) if (text.includes(ANCHORS[i])) return false;
  if (NOT_A_TAIL.test(text) || ZONE_LINE.test(text)) return false;
  if (SENTENCE_END.test(text)) {
    LOWER_WORD.lastIndex = 0;
    let words = 0;
    while (words < 3 && LOWER_WORD.exec(text) !== null) words++;
    if (words >= 3) return false;
  }
  return true;
}

/** Does a line hold an anywhere-rule anchor or an ESC (either keeps it off the fast path)? */
function hasAnchorOrEsc(s: string): boolean {
  if (s.includes('\x1b')) return true;
  for (let i = 0; i < ANCHORS.length; i++) if (s.includes(ANCHORS[i])) return true;
  return false;
}

/** Cheap pre-check for GAP: the first character that is not a blank or a quote mark (and for "[", the
 *  next ones: only "[...]" and "[ snip ]" are gaps, not a "[ seconds]" stamp). */
function mayBeGap(text: string): boolean {
  let i = 0;
  let c = text.charCodeAt(0);
  while (c === 32 || c === 9 || c === 62) c = text.charCodeAt(++i);
  if (c === 91) {
    c = text.charCodeAt(i + 1);
    if (c === 32) c = text.charCodeAt(i + 2);
    return c === 46 || c === 115 || c === 83;
  }
  return c === 46 || c === 60 || c === 45 || c === 35;
}

/** The distinct base names of the frames' functions that belong to a memmap phase, in frame order
 *  (only the frames not marked "? " when `reliable`). */
function relatedFunctions(frames: readonly string[], reliable: boolean): string[] {
  const out: string[] = [];
  for (const f of frames) {
    const guess = f.startsWith('? ');
    if (reliable && guess) continue;
    const name = baseName(guess ? f.slice(2) : f);
    if (phaseOf(name) !== null && !out.includes(name)) out.push(name);
  }
  return out;
}

/** Buffer's latin1 decoder without toString()'s argument handling (present in every Node version). */
type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };

interface TraceState {
  line: number;
  t: number | null;
  trigger: string;
  fn: string | null;
  rip: string | null;
  frames: string[];
  inFrames: boolean;
  wait: number;
  misses: number;
}

interface Pending {
  rec: Rec;
  text: string;
  conts: Rec[];
  /** The longest join that reads as a whole message (Match.Open), and how many of `conts` it holds; null: none. */
  okText: string | null;
  okConts: number;
  /** A zone line cut short inside the "Zone ranges:" block (read against ZONE_LINE, not the rules). */
  zone: boolean;
}

export class KernelLogReader implements Sink {
  readonly boots: Boot[] = [];
  bootsNotRetained = 0;
  lines = 0;
  readonly quirks: PrefixQuirks = { mailQuoted: false, absolute: false, relative: false, wallclock: false, prefixes: new Set() };
  private qpUsed = false;
  private rejoined = 0;

  // Sink state
  rec!: Rec;
  dev: DevCtx | null = null;
  nodeContext: number | null = null;
  final = false;

  private cur = new BootBuilder(0, 'start-of-file', 1);
  private emitted = 0;

  // physical layer
  private readonly splitter = new LineSplitter(
    (s, start, end, inChunk) => this.physical(s, start, end, inChunk),
    (s, from) => this.chunk(s, from),
  );
  private chunkFast = false;
  private readonly hits: number[] = ANCHORS.map(() => 0);
  private minHit = 0;
  private qpMode = false;
  private qpPend: { frags: string[]; lines: number[]; len: number } | null = null;

  // byte input (pushBytes, or scanned blocks from parallel.ts): which kind of input this reader was given first
  private mode: 'none' | 'string' | 'bytes' | 'shared' = 'none';
  private sc: LineScanner | null = null;
  /** The scanner's memory as a Buffer (indexOf, latin1 decoding). */
  private mem: Latin1Buffer | null = null;
  /** Where blocks are written in the scanner's memory; the unfinished line before it is the carry. */
  private blockAt = 0;
  private blockBytes = 0;
  private carryBytes = 0;
  /** A line longer than CARRY_BYTES being collected as a string (null: none). */
  private longLine: string | null = null;
  private longCut = false;
  private longCuts = 0;

  // record layer
  private pending: Pending | null = null;
  private zoneBlockOn = false;
  private trace: TraceState | null = null;
  private badPageErr: KernelError | null = null;
  private badPageTtl = 0;

  constructor(private readonly options: KernelLogOptions = {}) {}

  /** Feed a chunk of the file, decoded one character per byte (latin1). */
  push(s: string): void {
    if (this.mode === 'bytes') {
      this.pushBytes(Buffer.from(s, 'latin1'));
      return;
    }
    this.mode = 'string';
    this.splitter.push(s);
  }

  /**
   * Feed a chunk of the file as bytes: the fast way. Lines are found and most of them dismissed over the
   * bytes (scan.ts); only the lines that may matter are decoded. Same results as push() of the same bytes
   * decoded as latin1.
   */
  pushBytes(chunk: Uint8Array): void {
    const block = this.mode === 'none' ? this.byteBlock() : this.mode === 'bytes' ? this.blockView() : null;
    if (block === null) {
      this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1'));
      return;
    }
    for (let i = 0; i < chunk.length; ) {
      const n = Math.min(block.length, chunk.length - i);
      block.set(chunk.subarray(i, i + n));
      this.pushBlock(n);
      i += n;
    }
  }

  /**
   * Where the next block of input may be written in place (then call pushBlock with its size): saves a
   * copy when reading a file. null when this reader does not take bytes (no WebAssembly SIMD, fastPath
   * false, or string input already).
   */
  byteBlock(): Uint8Array | null {
    if (this.mode === 'string' || this.options.fastPath === false) return null;
    if (this.mode === 'none') {
      const block = this.options.windowBytes ?? WINDOW_BYTES;
      const carry = Math.min(CARRY_BYTES, block);
      const sc = createLineScanner(carry + block);
      if (sc === null) return null;
      this.mode = 'bytes';
      this.sc = sc;
      const mem = Buffer.from(sc.bytes.buffer, sc.bytes.byteOffset, sc.bytes.byteLength) as Latin1Buffer;
      if (typeof mem.latin1Slice !== 'function') mem.latin1Slice = (start, end) => mem.toString('latin1', start, end);
      this.mem = mem;
      this.blockAt = DATA + carry;
      this.blockBytes = block;
    }
    return this.blockView();
  }

  private blockView(): Uint8Array {
    return this.sc!.bytes.subarray(this.blockAt, this.blockAt + this.blockBytes);
  }

  /** `n` bytes were written at byteBlock(): read the lines they complete. */
  pushBlock(n: number): void {
    const mem = this.mem!;
    let pos = this.blockAt;
    const end = this.blockAt + n;
    if (this.longLine !== null) {
      const nl = mem.indexOf(10, pos);
      if (nl < 0 || nl >= end) {
        this.addLong(pos, end);
        return;
      }
      this.addLong(pos, nl);
      const line = this.longLine;
      this.longLine = null;
      this.longCut = false;
      this.byteLine(line, false);
      pos = nl + 1;
    } else {
      pos -= this.carryBytes;
    }
    pos = this.readLines(pos, end);
    const tail = end - pos;
    if (tail > this.blockAt - DATA) {
      this.carryBytes = 0;
      this.longLine = '';
      this.addLong(pos, end);
    } else {
      mem.copyWithin(this.blockAt - tail, pos, end);
      this.carryBytes = tail;
    }
  }

  /** The complete lines in mem[pos, end): returns where the unfinished last line starts. */
  private readLines(pos: number, end: number): number {
    const sc = this.sc!;
    const mem = this.mem!;
    const out = sc.out;
    for (;;) {
      let status = BYTE_STOP;
      if (this.qpPend === null && this.pending === null && !this.zoneBlockOn && (this.trace === null || !this.trace.inFrames)) {
        out[OUT_NONZERO] = this.cur.seenNonZeroTs ? 1 : 0;
        pos = this.qpMode ? sc.scanQp(pos, end, sc.outAt, ALL_LINES) : sc.scan(pos, end, sc.outAt, ALL_LINES);
        if (out[OUT_LINES] !== 0) this.dismissed(out[OUT_LINES], out[OUT_STAMPED], out[OUT_COUNTED], out[OUT_NONZERO] !== 0);
        status = out[OUT_STATUS];
        if (status === NEED_MORE) return pos;
      }
      const nl = mem.indexOf(10, pos);
      if (nl < 0 || nl >= end) return pos;
      this.stopLine(pos, nl, status);
      pos = nl + 1;
    }
  }

  /** What dismiss() does for `lines` lines, all at once (no fact can come in between). */
  private dismissed(lines: number, stamped: number, counted: number, nonZero: boolean): void {
    const b = this.cur;
    this.lines += lines;
    if (stamped !== 0) {
      b.sawAbsolute = true;
      this.quirks.absolute = true;
    }
    if (nonZero) b.seenNonZeroTs = true;
    if (counted !== 0) {
      const tr = this.trace;
      if (tr !== null && (tr.wait += counted) > TRACE_WAIT) this.finishTrace();
      if (this.badPageErr !== null && (this.badPageTtl -= counted) < 0) this.badPageErr = null;
    }
  }

  /** The line mem[pos, nl) where a scan stopped. */
  private stopLine(pos: number, nl: number, status: number): void {
    const mem = this.mem!;
    if (status === LINE_STOP) {
      // dismiss() would say no: straight to the general path.
      this.lines++;
      let e = nl;
      while (e > pos && mem[e - 1] === 13) e--;
      this.slow(mem.latin1Slice(pos, e));
    } else {
      this.byteLine(mem.latin1Slice(pos, nl), true);
    }
  }

  /**
   * Parallel input (parallel.ts): read from the shared memory, with a scanner instance of this thread's
   * own. Also after byte input (analyze.ts reads the start of a file itself while the worker starts up):
   * the unfinished line is dropped then, for the worker to read again. Returns how many bytes were
   * dropped, or -1 when it cannot switch now (then nothing changed): it cannot at all, or a line too long
   * for the carry area is being collected (read on and try again).
   */
  attachShared(sh: Shared): number {
    if ((this.mode !== 'none' && this.mode !== 'bytes') || this.longLine !== null || this.options.fastPath === false) return -1;
    try {
      const sc = scannerInstance(sh.module, sh.memory, OUT_MAIN);
      const mem = Buffer.from(sh.memory.buffer) as Latin1Buffer;
      if (typeof mem.latin1Slice !== 'function') mem.latin1Slice = (start, end) => mem.toString('latin1', start, end);
      const dropped = this.carryBytes;
      this.carryBytes = 0;
      this.sc = sc;
      this.mem = mem;
      this.mode = 'shared';
      return dropped;
    } catch {
      return -1;
    }
  }

  /**
   * One block scanned by the worker: its records start at recs[h] (parallel.ts). Segments the worker
   * scanned under the assumptions that hold here are taken as they are; the rest is read again here.
   * `longLine` reads a line too long for the carry area from the file: its text (at most MAX_LINE) and
   * whether it was cut. The stamps of plain stop lines are at stamps[stampAt + record]. Returns whether
   * this was the last block.
   */
  pushScanned(
    recs: Int32Array,
    h: number,
    stamps: Float64Array,
    stampAt: number,
    longLine: (from: number, to: number) => { text: string; cut: boolean },
  ): boolean {
    const count = recs[h + H_COUNT];
    for (let i = 0; i < count; i++) {
      const r = h + R_HDR + i * R_INTS;
      const kind = recs[r + R_KIND];
      const start = recs[r + R_START];
      const stop = recs[r + R_STOP];
      if (kind === K_LONG) {
        const from = recs[r + R_FILE_START_HI] * 67108864 + recs[r + R_FILE_START_LO];
        const to = recs[r + R_FILE_END_HI] * 67108864 + recs[r + R_FILE_END_LO];
        const { text, cut } = longLine(from, to);
        if (cut) this.longCuts++;
        this.byteLine(text, false);
      } else if (kind === K_GIVE_UP) {
        this.readLines(start, stop);
      } else {
        const segment = kind === K_SEGMENT;
        const next = recs[r + R_NEXT];
        const limit = segment ? next : stop;
        const fast = this.qpPend === null && recs[r + R_QP] === (this.qpMode ? 1 : 0);
        // A message waiting for continuation lines (hard-wrapped, a free-text Match.Open one, a cut zone line)
        // gets none from a dismissed line (it has a stamp or is empty: canContinue() is false), so onRecord()
        // would read it alone at the segment's first line: do that here, and the segment stays on the fast path.
        if (fast && this.pending !== null && recs[r + R_LINES] > 0) this.resolvePending(this.pending);
        if (fast && this.pending === null && !this.zoneBlockOn && (this.trace === null || !this.trace.inFrames)) {
          const z1 = recs[r + R_Z1];
          if (z1 >= 0 && this.cur.seenNonZeroTs) {
            // This boot has a non-zero stamp already: the scan here stops at that zero stamp.
            this.dismissed(recs[r + R_Z1_LINES], recs[r + R_Z1_STAMPED], recs[r + R_Z1_COUNTED], false);
            this.readLines(z1, limit);
          } else {
            this.dismissed(recs[r + R_LINES], recs[r + R_STAMPED], recs[r + R_COUNTED], recs[r + R_NONZERO] !== 0);
            if (!segment) continue;
            if (recs[r + R_PLAIN] === 1) {
              // What slow() -> logical() -> parseRecord() make of it, read by the worker.
              const ts = stamps[stampAt + i];
              this.lines++;
              this.quirks.absolute = true;
              this.onRecord({
                line: this.lines, text: this.mem!.latin1Slice(recs[r + R_TEXT_START], recs[r + R_TEXT_END]), ts, tsKind: ABSOLUTE,
                zeroTs: ts === 0, prefixed: true, quote: 0, wall: null, bootId: null, t: null, width: recs[r + R_TEXT_END] - stop,
              });
            } else {
              this.stopLine(stop, next - 1, recs[r + R_STATUS]);
            }
          }
        } else {
          this.readLines(start, limit);
        }
      }
    }
    if (recs[h + H_EOF] === 0) return false;
    const start = recs[h + H_START];
    const end = recs[h + H_END];
    if (end > start) this.byteLine(this.mem!.latin1Slice(start, end), false);
    return true;
  }

  /** Whether the reader is in quoted-printable mode (the parallel reader tells its worker). */
  get quotedPrintable(): boolean {
    return this.qpMode;
  }

  /** A line from byte input, decoded: as physical() for a line of a string chunk. */
  private byteLine(s: string, inChunk: boolean): void {
    this.lines++;
    let end = s.length;
    while (end > 0 && s.charCodeAt(end - 1) === 13) end--;
    if (
      inChunk && this.qpPend === null && this.pending === null && !this.zoneBlockOn &&
      (this.trace === null || !this.trace.inFrames) && !hasAnchorOrEsc(s) && this.dismiss(s, 0, end)
    ) {
      return;
    }
    this.slow(end === s.length ? s : s.slice(0, end));
  }

  /** Add mem[from, to) to the long line being collected, cut at MAX_LINE as LineSplitter does. */
  private addLong(from: number, to: number): void {
    if (this.longCut) return;
    const have = this.longLine!.length;
    if (have + (to - from) > MAX_LINE) {
      this.longLine += this.mem!.latin1Slice(from, from + (MAX_LINE - have));
      this.longCut = true;
      this.longCuts++;
    } else {
      this.longLine += this.mem!.latin1Slice(from, to);
    }
  }

  /** Before the lines of a chunk: conditions for the fast path, and where the anywhere-anchors are. */
  private chunk(s: string, from: number): void {
    // ANSI colour codes can hide a stamp from the fast path; their escape character is cheap to look for.
    this.chunkFast = this.options.fastPath !== false && !s.includes('\x1b');
    this.minHit = Infinity;
    for (let i = 0; i < ANCHORS.length; i++) {
      const h = s.indexOf(ANCHORS[i], from);
      this.hits[i] = h < 0 ? Infinity : h;
      if (this.hits[i] < this.minHit) this.minHit = this.hits[i];
    }
  }

  /** End of input: flush the last line and the open boot. */
  end(): void {
    this.splitter.end();
    if (this.longLine !== null) {
      const line = this.longLine;
      this.longLine = null;
      this.longCut = false;
      this.byteLine(line, false);
    } else if (this.carryBytes > 0) {
      const line = this.mem!.latin1Slice(this.blockAt - this.carryBytes, this.blockAt);
      this.carryBytes = 0;
      this.byteLine(line, false);
    }
    const qp = this.qpPend;
    if (qp) {
      this.qpPend = null;
      this.flushQp(qp);
    }
    this.flushPending();
    this.finishTrace();
    this.cur.lastLine = this.lines;
    this.emitBoot(this.cur);
  }

  /** encoding is always null here: analyze.ts transcodes UTF-16 before the bytes reach this reader (and says so). */
  inputQuirks(): InputQuirks {
    const q = this.quirks;
    const timestamps: InputQuirks['timestamps'] = [];
    if (q.absolute) timestamps.push('absolute');
    if (q.relative) timestamps.push('relative');
    if (q.wallclock) timestamps.push('wallclock');
    if (!timestamps.length) timestamps.push('none');
    return {
      quotedPrintable: this.qpUsed,
      mailQuoted: q.mailQuoted,
      timestamps,
      prefixes: [...q.prefixes].sort(),
      rejoinedLines: this.rejoined,
      longLinesCut: this.splitter.longLinesCut + this.longCuts,
      encoding: null,
      crOnlyLineEndings: false,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // physical lines

  private physical(s: string, start: number, end: number, inChunk: boolean): void {
    this.lines++;
    while (end > start && s.charCodeAt(end - 1) === 13) end--;
    if (inChunk) {
      if (this.minHit <= end) {
        this.advanceHits(s, end);
      } else if (
        this.chunkFast && this.qpPend === null && this.pending === null && !this.zoneBlockOn &&
        (this.trace === null || !this.trace.inFrames) && this.dismiss(s, start, end)
      ) {
        return;
      }
    }
    this.slow(start === 0 && end === s.length ? s : s.slice(start, end));
  }

  private advanceHits(s: string, end: number): void {
    this.minHit = Infinity;
    for (let i = 0; i < this.hits.length; i++) {
      if (this.hits[i] <= end) {
        const h = s.indexOf(ANCHORS[i], end);
        this.hits[i] = h < 0 ? Infinity : h;
      }
      if (this.hits[i] < this.minHit) this.minHit = this.hits[i];
    }
  }

  /**
   * The fast path: true when the line is "[ seconds] text" with an absolute stamp and a text that no rule
   * head starts (so the general path would only note the stamp). Otherwise false, with nothing changed
   * that the general path would not change the same way.
   */
  private dismiss(s: string, start: number, end: number): boolean {
    if (s.charCodeAt(start) !== 91 || s.charCodeAt(end - 1) === 61) return false;
    if (this.qpMode) {
      const eq = s.indexOf('=', start);
      if (eq >= 0 && eq < end) return false; // may hold a QP escape: decode on the general path
    }
    let p = start + 1;
    let c = s.charCodeAt(p);
    while (c === 32) c = s.charCodeAt(++p);
    const i0 = p;
    let zero = true;
    while (c >= 48 && c <= 57) {
      if (c !== 48) zero = false;
      c = s.charCodeAt(++p);
    }
    if (p === i0 || p - i0 > 12 || c !== 46) return false; // as prefix.ts STAMP: 1-12 digits . 1-9 digits
    const f0 = ++p;
    c = s.charCodeAt(p);
    while (c >= 48 && c <= 57) {
      if (c !== 48) zero = false;
      c = s.charCodeAt(++p);
    }
    if (p === f0 || p - f0 > 9 || c !== 93) return false;
    c = s.charCodeAt(++p);
    if (c === 32) c = s.charCodeAt(++p);
    if (c === 91) return false; // caller id, or a text starting with "["
    const b = this.cur;
    if (zero) {
      if (b.seenNonZeroTs) return false; // a timestamp reset: new boot
    } else {
      b.seenNonZeroTs = true;
    }
    b.sawAbsolute = true;
    this.quirks.absolute = true;
    while (c === 32 || c === 9) c = s.charCodeAt(++p);
    if (p >= end) return true; // an empty message: handle() would stop at it too
    const bucket = c < 128 ? BUCKETS[c] : null;
    if (bucket !== null) for (let i = 0; i < bucket.length; i++) if (s.startsWith(bucket[i].head, p)) return false;
    // journalctl -o short-monotonic: "[ 1.2] host kernel: text".
    const sp = s.indexOf(' ', p);
    if (sp >= 0 && sp < end && s.startsWith('kernel:', sp + 1)) return false;
    // What handle() does for a record no rule takes: count it against an open report and a bad page.
    const tr = this.trace;
    if (tr !== null && ++tr.wait > TRACE_WAIT) this.finishTrace();
    if (this.badPageErr !== null && --this.badPageTtl < 0) this.badPageErr = null;
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // quoted-printable

  private slow(raw: string): void {
    const lineNo = this.lines;
    const qp = this.qpPend;
    if (qp) {
      if (this.qpMode || (raw.trim() !== '' && !RECORD_START.test(raw))) {
        const soft = raw.endsWith('=');
        qp.frags.push(soft ? raw.slice(0, -1) : raw);
        qp.lines.push(lineNo);
        qp.len += raw.length;
        if (soft && qp.frags.length < MAX_QP_FRAGMENTS && qp.len < MAX_LINE) return;
        this.qpPend = null;
        this.flushQp(qp);
        return;
      }
      // Not a continuation: that "=" was part of the text.
      this.qpPend = null;
      qp.frags[qp.frags.length - 1] += '=';
      this.flushQp(qp);
    }
    if (raw.endsWith('=')) {
      // A soft line break with "=XX" escapes on the same line is evidence of quoted-printable too.
      if (!this.qpMode && QP_EVIDENCE.test(raw.slice(0, -1))) this.qpMode = true;
      this.qpPend = { frags: [raw.slice(0, -1)], lines: [lineNo], len: raw.length };
      return;
    }
    if (this.qpMode && raw.includes('=')) {
      this.flushQp({ frags: [raw], lines: [lineNo], len: raw.length });
      return;
    }
    this.logical(raw, lineNo);
  }

  private flushQp(qp: { frags: string[]; lines: number[]; len: number }): void {
    // Quoted-printable is established by a soft line break whose parts carry "=XX" escapes. (Both the fast
    // and the general path see every line that ends with "=", so they agree on when this happens.)
    if (!this.qpMode && qp.frags.length > 1 && qp.frags.some((f) => QP_EVIDENCE.test(f))) this.qpMode = true;
    const decode = this.qpMode;
    if (decode) this.qpUsed = true;
    let text = '';
    const starts: number[] = [];
    for (const f of qp.frags) {
      starts.push(text.length);
      text += decode ? f.replace(QP_ESCAPE, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))) : f;
    }
    if (!text.includes('\n')) {
      this.logical(text, qp.lines[0]);
      return;
    }
    // "=0A" encoded a line break: one logical line per piece, numbered by the fragment it starts in.
    let at = 0;
    for (const piece of text.split('\n')) {
      let k = 0;
      while (k + 1 < starts.length && starts[k + 1] <= at) k++;
      this.logical(piece.replace(/\r+$/, ''), qp.lines[k]);
      at += piece.length + 1;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // records

  private logical(text: string, lineNo: number): void {
    if (mayBeGap(text) && GAP.test(text)) {
      this.flushPending();
      return;
    }
    this.onRecord(parse(text, lineNo, this.quirks));
  }

  private onRecord(rec: Rec): void {
    const p = this.pending;
    if (p) {
      if (this.canContinue(rec, p)) {
        p.conts.push(rec);
        const joined = /\s$/.test(p.text) ? p.text + rec.text.trimStart() : `${p.text} ${rec.text.trimStart()}`;
        const r = p.zone ? this.zoneJoin(joined, p) : this.dispatchText(joined, p.rec, p.conts.length >= (p.okText !== null ? MAX_OPEN_JOINS : MAX_JOINS));
        if (r === MATCHED) {
          this.pending = null;
          this.joined(p, p.conts.length);
          return;
        }
        if (r === INCOMPLETE || r === OPEN) {
          p.text = joined;
          if (r === OPEN) {
            p.okText = joined;
            p.okConts = p.conts.length;
          }
          return;
        }
        p.conts.pop();
      }
      this.resolvePending(p);
    }
    this.handle(rec);
  }

  /** A cut zone line joined with a continuation: MATCHED (the zone read), INCOMPLETE (still cut), or NONE. */
  private zoneJoin(joined: string, p: Pending): Match {
    const z = ZONE_LINE.exec(joined);
    if (z) {
      this.zoneFact(z, p.rec);
      return MATCHED;
    }
    return p.conts.length < MAX_JOINS && ZONE_PART.test(joined) ? INCOMPLETE : NONE;
  }

  private zoneFact(z: RegExpExecArray, rec: Rec): void {
    this.rec = rec;
    this.fact({ k: 'zone', v: { zone: z[1], start: hex(z[3]), end: hex(z[4]), empty: z[2] === 'empty', line: rec.line } });
  }

  /** The pending message got no (further) continuation: read it alone (with fallbacks), or as far as it was
   *  whole (Match.Open), then the lines held with it. */
  private resolvePending(p: Pending): void {
    this.pending = null;
    let used = 0;
    if (p.zone) {
      // Not a zone line after all: the block ends here, as it would have at this line.
      this.zoneBlockOn = false;
      this.afterZones(p.rec);
    } else if (p.okText !== null) {
      this.dispatchText(p.okText, p.rec, true);
      used = p.okConts;
      this.joined(p, used);
    } else if (this.dispatchText(p.rec.text, p.rec, true) === NONE) {
      this.unread(p.rec);
    }
    for (let i = used; i < p.conts.length; i++) this.onRecord(p.conts[i]);
  }

  /** `n` continuation lines were read as part of the pending message: counted, and noted on the boot (Boot.wrapped)
   *  so that a second pass (import's quotes) can read the message whole too. */
  private joined(p: Pending, n: number): void {
    if (n === 0) return;
    this.rejoined += n;
    this.fact({ k: 'wrapped', line: p.rec.line, lastLine: p.conts[n - 1].line }, undefined, p.rec);
  }

  private flushPending(): void {
    const p = this.pending;
    if (p) this.resolvePending(p);
  }

  private canContinue(rec: Rec, p: Pending): boolean {
    if (rec.prefixed || rec.quote !== p.rec.quote || rec.text.trim() === '') return false;
    if (this.isMessage(rec.text)) return false;
    // A free-text message (Match.Open) always reads: join only what looks like its wrapped tail. (The other joins
    // are kept only if they make the message match.)
    return p.okText === null || mayBeTail(rec, p.conts.length ? p.conts[p.conts.length - 1] : p.rec);
  }

  /** Is the text a whole message of its own (a rule's head and regex both match)? */
  private isMessage(text: string): boolean {
    const body = text.trimStart();
    const c = body.charCodeAt(0);
    const bucket = c < 128 ? BUCKETS[c] : null;
    return bucket !== null && bucket.some((e) => body.startsWith(e.head) && e.rule.re.test(body));
  }

  /** A new record (not the continuation of a wrapped one). */
  private handle(rec: Rec): void {
    this.note(rec);
    if (rec.text === '') {
      if (this.trace?.inFrames && ++this.trace.misses >= TRACE_MISSES) this.finishTrace();
      return;
    }
    if (this.zoneBlockOn) {
      const z = ZONE_LINE.exec(rec.text);
      if (z) {
        this.zoneFact(z, rec);
        return;
      }
      if (ZONE_PART.test(rec.text)) {
        this.pending = { rec, text: rec.text, conts: [], okText: null, okConts: 0, zone: true };
        return;
      }
      this.zoneBlockOn = false;
    }
    this.afterZones(rec);
  }

  /** handle() past the zone block. */
  private afterZones(rec: Rec): void {
    if (this.trace && this.traceLine(rec)) return;
    if (this.badPageErr !== null && --this.badPageTtl < 0) this.badPageErr = null;
    const r = this.dispatchText(rec.text, rec, false);
    if (r === INCOMPLETE || r === OPEN) this.pending = { rec, text: rec.text, conts: [], okText: r === OPEN ? rec.text : null, okConts: 0, zone: false };
    else if (r === NONE) this.unread(rec);
  }

  /** Nothing read the record (no rule, not a call-trace frame or a zone line): an un-prefixed one may be a heading
   *  ("> After:") of the boot that starts at the next stamped line (BootBuilder.headingStart). */
  private unread(rec: Rec): void {
    if (!rec.prefixed && rec.text !== '') this.cur.addCandidate(rec.line, true);
  }

  /** Boot bookkeeping for a record: boundaries, seconds, boundary candidates. */
  private note(rec: Rec): void {
    let b = this.cur;
    if (rec.bootId !== null) {
      if (b.bootId !== null && b.bootId !== rec.bootId) b = this.newBoot('journal-boot-id', rec.line, rec.prefixed);
      b.bootId = rec.bootId;
    }
    if (rec.tsKind === ABSOLUTE) {
      if (rec.zeroTs) {
        if (b.seenNonZeroTs) b = this.newBoot('timestamp-reset', rec.line, rec.prefixed);
      } else {
        b.seenNonZeroTs = true;
      }
      b.sawAbsolute = true;
      rec.t = rec.ts;
    } else if (rec.tsKind === RELATIVE) {
      b.relSum = Math.round((b.relSum + (rec.ts ?? 0)) * 1e6) / 1e6;
      rec.t = b.relSum;
      b.sawRelative = true;
    }
    if (rec.wall !== null && b.wallClock === null) b.wallClock = rec.wall;
  }

  private dispatchText(text: string, rec: Rec, final: boolean): Match {
    this.rec = rec;
    this.dev = null;
    this.final = final;
    let r = this.dispatch(text, BUCKETS, final);
    // A free-text message (Match.Open) is not searched for anywhere-rule anchors: a joined tail never holds one
    // (mayBeTail()), and the command line or DMI string itself is not a message.
    if (r === MATCHED || r === OPEN) return r;
    const a = this.anywhere(text, ANYWHERE, final);
    if (a !== NONE) r = a;
    return r;
  }

  private dispatch(text: string, buckets: Array<HeadEntry[] | null>, final: boolean): Match {
    let i = 0;
    while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
    const c = text.charCodeAt(i);
    const bucket = c < 128 ? buckets[c] : null;
    if (bucket === null) return NONE;
    const body = i ? text.slice(i) : text;
    let incomplete = false;
    let open = false;
    for (const { head, rule } of bucket) {
      if (!body.startsWith(head)) continue;
      let m = rule.re.exec(body);
      if (!m) {
        // Maybe hard-wrapped: wait for the next line, unless this is the last chance or the rule never wraps.
        if (!final && rule.wrap !== false) {
          incomplete = true;
          continue;
        }
        m = rule.fallback ? rule.fallback.exec(body) : null;
        if (!m) continue;
      }
      TOO_LARGE.text = null;
      const res = rule.emit(m, this);
      if (TOO_LARGE.text !== null && this.tooLarge(m.input, rule.id, res)) return MATCHED;
      if (res === INCOMPLETE) incomplete = true;
      else if (res === OPEN) open = true;
      else if (res !== false && res !== NONE) return MATCHED;
    }
    // Whole as it stands (open) beats incomplete: joining more lines only has to keep it whole.
    return open ? OPEN : incomplete ? INCOMPLETE : NONE;
  }

  /** A rule met a number above 2^53 - 1 (numbers.ts tooLarge): report the message (Boot.numbersTooLarge),
   *  never drop it silently. true when the message counts as read (the rule recognised it). */
  private tooLarge(text: string, rule: string, res: boolean | void | Match): boolean {
    const number = TOO_LARGE.text!;
    TOO_LARGE.text = null;
    if (res === INCOMPLETE) return false;
    const kept = res !== false && res !== NONE;
    this.fact({ k: 'too-large', v: { line: this.rec.line, t: this.rec.t, number: clean(number, 100), text: clean(this.dev ? `${this.dev.name}: ${text}` : text, 200), rule, kept } });
    return true;
  }

  private anywhere(text: string, rules: readonly AnywhereRule[], final: boolean): Match {
    let r = NONE;
    for (const rule of rules) {
      if (!text.includes(rule.anchor)) continue;
      let m = rule.re.exec(text);
      if (!m) {
        if (!final && rule.wrap !== false) {
          r = INCOMPLETE;
          continue;
        }
        m = rule.fallback ? rule.fallback.exec(text) : null;
        if (!m) continue;
      }
      TOO_LARGE.text = null;
      const res = rule.emit(m, this);
      if (TOO_LARGE.text !== null && this.tooLarge(m.input, rule.id, res)) return MATCHED;
      if (res === INCOMPLETE) r = INCOMPLETE;
      else if (res !== false && res !== NONE) return MATCHED;
    }
    return r;
  }

  // ---------------------------------------------------------------------------------------------
  // Sink

  deviceMessage(rest: string, dev: DevCtx): Match {
    this.dev = dev;
    let r = this.dispatch(rest, DEV_BUCKETS, this.final);
    if (r !== MATCHED) {
      const r2 = this.dispatch(rest, BUCKETS, this.final);
      if (r2 !== NONE) r = r2;
    }
    if (r !== MATCHED) {
      const r3 = this.anywhere(rest, DEV_ANYWHERE, this.final);
      if (r3 !== NONE) r = r3;
    }
    this.dev = null;
    return r;
  }

  fact(f: Fact, once?: string, at?: { line: number; t: number | null }): void {
    let b = this.cur;
    const line = at ? at.line : this.rec.line;
    const t = at ? at.t : this.rec.t;
    if (once !== undefined) {
      const prev = b.once.get(once);
      if (prev !== undefined) b = this.splitBoot(prev, line);
    }
    if (b.facts.length >= MAX_FACTS) {
      b.factsDropped++;
      return;
    }
    if (t !== null) {
      if (b.lastFactT !== null && t < b.lastFactT) b.addCandidate(line);
      b.lastFactT = t;
    }
    b.facts.push({ f, line, t, once: once ?? null });
    if (once !== undefined) b.once.set(once, line);
    if (f.k !== 'version' && f.k !== 'wrapped') b.substantive++;
  }

  kernelBanner(): void {
    const b = this.cur;
    if (b.substantive > 0 || b.once.has('version')) {
      const nb = this.newBoot('linux-version', this.rec.line, this.rec.prefixed);
      nb.wallClock = this.rec.wall;
    }
  }

  zoneBlock(): void {
    this.zoneBlockOn = true;
  }

  setArch(a: NonNullable<Boot['arch']>): void {
    this.cur.arch ??= a;
  }

  traceTrigger(text: string, fn: string | null): void {
    this.finishTrace();
    this.trace = { line: this.rec.line, t: this.rec.t, trigger: clean(text, 300), fn, rip: null, frames: [], inFrames: false, wait: 0, misses: 0 };
  }

  traceHeader(): void {
    if (!this.trace || this.trace.inFrames) {
      this.finishTrace();
      this.traceTrigger('Call Trace:', null);
    }
    this.trace!.inFrames = true;
  }

  traceRip(fn: string): void {
    if (this.trace && !this.trace.inFrames) this.trace.rip ??= fn;
  }

  badPage(e: KernelError | null): KernelError | null {
    if (e) {
      this.badPageErr = e;
      this.badPageTtl = 4;
      return e;
    }
    const b = this.badPageErr;
    this.badPageErr = null;
    return b;
  }

  // ---------------------------------------------------------------------------------------------
  // call traces

  /** While a report is open: true when the record was a frame (consumed). */
  private traceLine(rec: Rec): boolean {
    const tr = this.trace!;
    if (!tr.inFrames) {
      if (++tr.wait > TRACE_WAIT) this.finishTrace();
      return false;
    }
    const m = FRAME.exec(rec.text);
    if (m) {
      if (tr.frames.length < MAX_FRAMES) tr.frames.push((m[1] || m[3] ? '? ' : '') + m[2]);
      tr.misses = 0;
      return true;
    }
    if (TRACE_MARKER.test(rec.text)) return true;
    if (++tr.misses >= TRACE_MISSES) this.finishTrace();
    return false;
  }

  private finishTrace(): void {
    const tr = this.trace;
    if (!tr) return;
    this.trace = null;
    const frames = tr.frames;
    const lead = tr.fn ?? tr.rip;
    if (lead) {
      let seen = false;
      for (let i = 0; i < frames.length && !seen; i++) seen = frames[i] === lead || frames[i] === `? ${lead}`;
      if (!seen) frames.unshift(lead);
    }
    // The functions of the memmap code in the stack: the reliable frames ("? " marks a guess), else all.
    let functions = relatedFunctions(frames, true);
    if (!functions.length) functions = relatedFunctions(frames, false);
    if (!functions.length) return;
    this.fact(
      { k: 'trace', v: { line: tr.line, t: tr.t, trigger: tr.trigger, function: functions[0], phase: stackPhase(functions)!, functions, frames } },
      undefined,
      { line: tr.line, t: tr.t },
    );
  }

  // ---------------------------------------------------------------------------------------------
  // boots

  /** A new boot from `line`, or from the headings right above it ("After:") when that line has a log prefix. */
  private newBoot(reason: BootBoundary, line: number, prefixed: boolean): BootBuilder {
    this.finishTrace();
    const old = this.cur;
    const at = prefixed ? old.headingStart(line, old.firstLine) : line;
    old.lastLine = at - 1;
    this.emitBoot(old);
    this.cur = new BootBuilder(0, reason, at);
    this.zoneBlockOn = false;
    this.nodeContext = null;
    this.badPageErr = null;
    return this.cur;
  }

  private splitBoot(prevLine: number, line: number): BootBuilder {
    this.finishTrace();
    const old = this.cur;
    const at = old.splitLine(prevLine, line);
    const next = new BootBuilder(0, 'repeated-fact', at);
    old.moveFrom(at, next);
    this.emitBoot(old);
    this.cur = next;
    return next;
  }

  private emitBoot(b: BootBuilder): void {
    if (b.facts.length === 0) return;
    b.index = this.emitted++;
    const boot = fold(b);
    this.options.onBoot?.(boot);
    if (this.boots.length < (this.options.retainBoots ?? Infinity)) this.boots.push(boot);
    else this.bootsNotRetained++;
  }
}
