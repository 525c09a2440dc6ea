// A big kernel log on two threads: a worker reads the file and runs the byte scanner (scan.ts) over it,
// block by block, while the calling thread runs the rules on the lines the scanner stopped at.
//
// The scanner's decisions depend on the reader's state in three ways, and the worker knows none of it:
//   - a zero stamp after a non-zero one in the same boot stops the scan. The worker scans each segment
//     (the lines between two stops) as if the boot had seen no non-zero stamp yet, and reports the first
//     zero-stamped line it let through (Out.Z1); the reader, knowing the boot, cuts the segment there.
//   - quoted-printable mode makes any "=" stop: the worker reads the mode from a shared flag when it starts
//     a segment and says which it used; a segment scanned in the other mode is scanned again by the reader.
//   - the reader only skips lines while no multi-line state is open (a wrapped message, a QP soft break, a
//     zone block, call-trace frames): in such a state it reads the segment itself, line by line and with
//     its own scanner instance over the same memory, up to the next segment.
// So every line gets exactly the treatment it gets on one thread (tests check that the results are equal).
//
// Start-up: the worker takes tens of milliseconds to come up. Meanwhile the reader reads the start of the
// file on its own (analyze.ts); when the worker is up, the reader says from where it is to read on (the
// start of the reader's unfinished line).
//
// Memory: one shared WebAssembly memory holds the scanner's tables and SLOTS blocks of input, each with a
// carry area in front for the unfinished line of the block before. A line longer than the carry area is
// not copied: the worker reports its file offsets and the reader reads it from the file itself. The worker
// waits while all slots are full (until half of them are free again), the reader while the next block is
// not scanned yet (without blocking its event loop). Segment records go through a shared Int32Array, per
// slot.

import { Worker } from 'node:worker_threads';
import { DATA, OUT_WORKER, PAD, initScannerMemory, scannerModule, scannerPages, Out, ScanStatus } from './scan';
import { RULES } from './rules';

/** The rules whose message opens a multi-line state in the reader (call-trace frames, a zone block), in
 *  which it reads the lines that follow itself. */
const STATE_RULES = ['call-trace', 'zone-ranges'];

/** Record fields (Int32Array slots per record). */
export const enum RecField {
  Kind = 0,
  Start = 1,
  Stop = 2,
  Next = 3,
  Lines = 4,
  Counted = 5,
  Stamped = 6,
  NonZero = 7,
  Z1 = 8,
  Z1Lines = 9,
  Z1Stamped = 10,
  Z1Counted = 11,
  /** 1: scanned in quoted-printable mode. */
  Qp = 12,
  /** ScanStatus of a Segment. */
  Status = 13,
  /** Long lines: file offsets as two 26-bit halves (files up to 2^52 bytes). */
  FileStartHi = 14,
  FileStartLo = 15,
  FileEndHi = 16,
  FileEndLo = 17,
  /** A Line stop that is a plain "[ seconds] text" line (prefix.ts plainStamped: no caller id, no "host
   *  kernel:", no "=" at the end): 1, with its text at [TextStart, TextEnd) and its stamp in `stamps`. */
  Plain = 18,
  TextStart = 19,
  TextEnd = 20,
}
export const REC_INTS = 21;

/** Record kinds. */
export const enum Kind {
  /** Lines [Start, Stop) dismissed by the scan (the counts), then the line at Stop (Status), up to Next. */
  Segment = 0,
  /** Lines [Start, Stop) dismissed, and no stop line: Stop is the block's unfinished last line (carried over
   *  to the next block) or just the end of a run of at most `runLines` lines (shorter runs after a line
   *  that opens a multi-line state keep what the reader has to scan again, when it cannot take a run as it
   *  is, small). */
  Run = 1,
  /** Too many records for the slot: the reader reads [Start, Stop) itself (Stop: the unfinished line). */
  GiveUp = 2,
  /** A line longer than the carry area, at these file offsets (end: its "\n", or the end of the file). */
  Long = 3,
}

/** Block header fields (Int32Array slots at the start of a slot's record area). */
export const enum Hdr {
  Count = 0,
  /** The file ended: [Start, End) of this block is the last line, without "\n" (may be empty). */
  Eof = 1,
  Start = 2,
  End = 3,
  BytesRead = 4,
}
const HDR_INTS = 8;

/** Control fields (shared Int32Array). */
export const enum Ctl {
  Produced = 0,
  Consumed = 1,
  QpMode = 2,
  Cancel = 3,
  Failed = 4,
  /** The worker waits for free slots (the reader wakes it when half of them are free). */
  Waiting = 5,
  /** The worker is up (it waits for Started). */
  Ready = 6,
  /** The reader has read the file up to From itself: the worker reads on from there. */
  Started = 7,
  /** From as two 26-bit halves. */
  FromHi = 8,
  FromLo = 9,
}

export interface ParallelLayout {
  /** Bytes read per block. */
  block: number;
  /** Carry area in front of each block (an unfinished line up to this size is copied). */
  carry: number;
  slots: number;
  /** Records per slot. */
  records: number;
  /** Lines per run at most. */
  runLines: number;
}

/** 8 slots of 256 KiB (2.6 MiB of shared memory). 16, 32 and 128 slots were measured too (1 GiB log, five
 *  interleaved runs each): no difference beyond the machine's noise, only more memory. */
export const DEFAULT_LAYOUT: ParallelLayout = { block: 256 * 1024, carry: 64 * 1024, slots: 8, records: 4096, runLines: 1024 };

/** Where slot `i` starts, its data area (block-aligned reads) and the memory's size. */
export function slotBytes(l: ParallelLayout): number {
  return Math.ceil((l.carry + l.block + PAD) / 4096) * 4096;
}
export function slotBase(l: ParallelLayout, i: number): number {
  return DATA + i * slotBytes(l);
}

export interface Shared {
  layout: ParallelLayout;
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctl: Int32Array;
  recs: Int32Array;
  /** The stamp of a Plain record, at the record's number (slot * records + i). */
  stamps: Float64Array;
}

/** The shared state for a parallel read, or null when this runtime cannot share a scanner memory. */
export function createShared(layout: ParallelLayout): Shared | null {
  if (typeof SharedArrayBuffer === 'undefined') return null;
  const pages = scannerPages(layout.slots * slotBytes(layout));
  const module = scannerModule(pages, true);
  if (!module) return null;
  try {
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    initScannerMemory(new Uint8Array(memory.buffer));
    const ctl = new Int32Array(new SharedArrayBuffer(64));
    const recs = new Int32Array(new SharedArrayBuffer(4 * layout.slots * (HDR_INTS + layout.records * REC_INTS)));
    const stamps = new Float64Array(new SharedArrayBuffer(8 * layout.slots * layout.records));
    return { layout, module, memory, ctl, recs, stamps };
  } catch {
    return null;
  }
}

/** Offset (in ints) of slot i's header in `recs`; its records follow the header. */
export function slotRecords(l: ParallelLayout, i: number): number {
  return i * (HDR_INTS + l.records * REC_INTS);
}
export { HDR_INTS };

/** The worker: read, scan, record. Plain JavaScript (it runs from a string, so a bundle needs no extra
 *  file); the numbers it needs (memory layout, field indexes) come in workerData. */
const WORKER_SOURCE = String.raw`
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { path, module, memory, ctl, recs, stamps, L, O, R, H, C, S, KIND, STATE_HEADS } = workerData;
const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000];
const inst = new WebAssembly.Instance(module, { env: { memory } });
const scan = inst.exports.scan;
const scanQp = inst.exports.scanQp;
const bytes = Buffer.from(memory.buffer);
const out = new Int32Array(memory.buffer, L.out, 16);
let fd = -1;
// The line [ls, nl) where the scan stopped, read as prefix.ts plainStamped() reads it (after the reader's
// CR stripping): its text and stamp into record r, or Plain 0.
function plain(r, ri, ls, nl) {
  recs[r + R.Plain] = 0;
  let end = nl;
  while (end > ls && bytes[end - 1] === 13) end--;
  if (end === ls || bytes[ls] !== 91 || bytes[end - 1] === 61) return;
  let p = ls + 1;
  let c = bytes[p];
  while (c === 32) c = bytes[++p];
  const i0 = p;
  let ip = 0;
  while (c >= 48 && c <= 57) {
    ip = ip * 10 + (c - 48);
    c = bytes[++p];
  }
  if (p === i0 || p - i0 > 12 || c !== 46) return;
  const f0 = ++p;
  let fp = 0;
  c = bytes[p];
  while (c >= 48 && c <= 57) {
    fp = fp * 10 + (c - 48);
    c = bytes[++p];
  }
  const fl = p - f0;
  if (fl === 0 || fl > 9 || c !== 93) return;
  p++;
  if (p < end && bytes[p] === 32) p++;
  if (p < end && bytes[p] === 91) return;
  if (hasKernel(p, end)) return;
  // String.prototype.trimEnd's white space, as bytes: TAB LF VT FF CR SPACE NBSP
  let te = end;
  for (; te > p; te--) {
    const b = bytes[te - 1];
    if (!(b === 32 || (b >= 9 && b <= 13) || b === 160)) break;
  }
  stamps[ri] = ip + fp / POW10[fl];
  recs[r + R.TextStart] = p;
  recs[r + R.TextEnd] = te;
  recs[r + R.Plain] = 1;
}
// Does " kernel:" occur in bytes[from, to)? (Not bytes.indexOf(): that would look through the rest of
// the shared memory, megabytes, whenever the line does not hold it.)
const KERNEL = [32, 107, 101, 114, 110, 101, 108, 58];
function hasKernel(from, to) {
  for (let i = from; i + 8 <= to; i++) {
    let k = 0;
    while (k < 8 && bytes[i + k] === KERNEL[k]) k++;
    if (k === 8) return true;
  }
  return false;
}
function setLong(r, from, to) {
  recs[r + R.FileStartHi] = Math.floor(from / 67108864);
  recs[r + R.FileStartLo] = from % 67108864;
  recs[r + R.FileEndHi] = Math.floor(to / 67108864);
  recs[r + R.FileEndLo] = to % 67108864;
}
// Does the text at bytes[p, end) start (after blanks) with a head in STATE_HEADS?
function opensState(p, end) {
  while (p < end && (bytes[p] === 32 || bytes[p] === 9)) p++;
  for (const head of STATE_HEADS) {
    if (end - p < head.length) continue;
    let k = 0;
    while (k < head.length && bytes[p + k] === head[k]) k++;
    if (k === head.length) return true;
  }
  return false;
}
// Per block: the records written so far, and the unfinished line left for the next block.
let count = 0;
let tail = 0;
// Lines per scan call: L.runLines, but after a line that opens a multi-line state (STATE_HEADS) runs of
// 4, 8, 16 ... lines: the reader reads the lines of that state itself, and then the rest of the run
// they are in again, so that rest stays short.
let runLines = L.runLines;
function add(h, kind) {
  const r = h + L.hdrInts + count++ * L.recInts;
  recs[r + R.Kind] = kind;
  recs[r + R.Plain] = 0;
  return r;
}
// Scan the lines of bytes[pos, end) (slot's block, records from h): sets count and tail.
function scanBlock(h, slot, pos, end) {
  tail = pos;
  while (pos < end) {
    if (count >= L.records - 1) {
      let t = bytes.lastIndexOf(10, end - 1);
      t = t < pos ? pos : t + 1;
      const r = add(h, KIND.GiveUp);
      recs[r + R.Start] = pos;
      recs[r + R.Stop] = t;
      tail = t;
      return;
    }
    const qp = Atomics.load(ctl, C.QpMode);
    out[O.NonZero] = 0;
    const stop = qp ? scanQp(pos, end, L.out, runLines) : scan(pos, end, L.out, runLines);
    let status = out[O.Status];
    let next = -1;
    if (status === S.Line) {
      next = out[O.StopEnd] + 1;
    } else if (status === S.Byte) {
      const nl = bytes.indexOf(10, stop);
      if (nl >= 0 && nl < end) next = nl + 1;
      else status = S.NeedMore;
    }
    const r = add(h, status === S.NeedMore || status === S.Pause ? KIND.Run : KIND.Segment);
    recs[r + R.Start] = pos;
    recs[r + R.Stop] = stop;
    recs[r + R.Next] = next;
    recs[r + R.Status] = status;
    recs[r + R.Lines] = out[O.Lines];
    recs[r + R.Counted] = out[O.Counted];
    recs[r + R.Stamped] = out[O.Stamped];
    recs[r + R.NonZero] = out[O.NonZero];
    recs[r + R.Z1] = out[O.Z1];
    recs[r + R.Z1Lines] = out[O.Z1Lines];
    recs[r + R.Z1Stamped] = out[O.Z1Stamped];
    recs[r + R.Z1Counted] = out[O.Z1Counted];
    recs[r + R.Qp] = qp;
    if (status === S.Line) plain(r, slot * L.records + count - 1, stop, next - 1);
    if (status === S.Line && recs[r + R.Plain] === 1 && opensState(recs[r + R.TextStart], recs[r + R.TextEnd])) runLines = Math.min(4, L.runLines);
    else if (runLines < L.runLines) runLines = Math.min(2 * runLines, L.runLines);
    if (status === S.NeedMore) {
      tail = stop;
      return;
    }
    pos = status === S.Pause ? stop : next;
    tail = pos;
  }
}
function run() {
  fd = fs.openSync(path, 'r');
  // The reader reads the start of the file itself until this thread is up; then it says where to go on.
  Atomics.store(ctl, C.Ready, 1);
  Atomics.notify(ctl, C.Ready);
  while (Atomics.load(ctl, C.Started) === 0) {
    if (Atomics.load(ctl, C.Cancel)) throw 0;
    Atomics.wait(ctl, C.Started, 0, 100);
  }
  const from = Atomics.load(ctl, C.FromHi) * 67108864 + Atomics.load(ctl, C.FromLo);
  // The kernel copies from the page cache several times faster when source and destination are aligned
  // alike (measured: 1 GiB read into a page-aligned buffer from page-aligned file offsets 0.13 s of system
  // time, shifted by 16 bytes 0.6 s). The slots are page-aligned and each read is a whole block, so the
  // first read starts at the page boundary below \`from\` and skips what is before it.
  let skip = from % 4096 < L.block ? from % 4096 : 0;
  let fileAtData = from - skip; // file offset of the block's first byte read
  let carry = 0; // bytes of the unfinished line to copy in front of the next block, from carryFrom
  let carryFrom = 0;
  let longStart = -1; // file offset of a line too long for the carry area, while its end is looked for
  for (let k = 0; ; k++) {
    const slot = k % L.slots;
    if (k - Atomics.load(ctl, C.Consumed) >= L.slots) {
      // All slots full: wait until half of them are free (a wake-up per block would cost more than the block).
      Atomics.store(ctl, C.Waiting, 1);
      while (k - Atomics.load(ctl, C.Consumed) > L.slots >> 1) {
        if (Atomics.load(ctl, C.Cancel)) throw 0;
        Atomics.wait(ctl, C.Consumed, Atomics.load(ctl, C.Consumed), 100);
      }
      Atomics.store(ctl, C.Waiting, 0);
    }
    if (Atomics.load(ctl, C.Cancel)) throw 0;
    const dataAt = L.data + slot * L.slotBytes + L.carry;
    if (carry > 0) bytes.copyWithin(dataAt - carry, carryFrom, carryFrom + carry);
    const got = fs.readSync(fd, bytes, dataAt, L.block, fileAtData);
    const n = Math.max(0, got - skip); // bytes new to the reader
    const eof = n === 0;
    const start = dataAt - carry + skip;
    const end = dataAt + Math.max(got, skip);
    skip = 0;
    const h = slot * L.slotInts;
    count = 0;
    let pos = start;
    if (longStart >= 0) {
      let nl = eof ? -1 : bytes.indexOf(10, dataAt);
      if (nl >= end) nl = -1;
      if (nl >= 0) {
        setLong(add(h, KIND.Long), longStart, fileAtData + (nl - dataAt));
        longStart = -1;
        pos = nl + 1;
      } else if (eof) {
        setLong(add(h, KIND.Long), longStart, fileAtData);
        longStart = -1;
      } else {
        pos = end;
      }
    }
    tail = pos;
    if (!eof) scanBlock(h, slot, pos, end);
    carry = 0;
    if (!eof && longStart < 0 && tail < end) {
      if (end - tail > L.carry) longStart = fileAtData + (tail - dataAt);
      else {
        carry = end - tail;
        carryFrom = tail;
      }
    }
    recs[h + H.Count] = count;
    recs[h + H.Eof] = eof ? 1 : 0;
    recs[h + H.Start] = start;
    recs[h + H.End] = end;
    recs[h + H.BytesRead] = n;
    Atomics.store(ctl, C.Produced, k + 1);
    Atomics.notify(ctl, C.Produced);
    if (eof) break;
    fileAtData += got;
  }
}
try {
  run();
} catch (e) {
  if (e !== 0) {
    parentPort.postMessage({ error: String((e && e.message) || e) });
    Atomics.store(ctl, C.Failed, 1);
    Atomics.notify(ctl, C.Produced);
  }
} finally {
  if (fd >= 0) fs.closeSync(fd);
}
`;

/** Start the worker that reads and scans `path` into `sh`. */
export function startWorker(path: string, sh: Shared): Worker {
  const l = sh.layout;
  const L = {
    ...l, data: DATA, out: OUT_WORKER, slotBytes: slotBytes(l), slotInts: HDR_INTS + l.records * REC_INTS, hdrInts: HDR_INTS, recInts: REC_INTS,
  };
  const O = {
    Lines: Out.Lines, Counted: Out.Counted, Stamped: Out.Stamped, NonZero: Out.NonZero, Status: Out.Status, StopEnd: Out.StopEnd,
    Z1: Out.Z1, Z1Lines: Out.Z1Lines, Z1Stamped: Out.Z1Stamped, Z1Counted: Out.Z1Counted,
  };
  const R = {
    Kind: RecField.Kind, Start: RecField.Start, Stop: RecField.Stop, Next: RecField.Next, Lines: RecField.Lines, Counted: RecField.Counted, Stamped: RecField.Stamped,
    NonZero: RecField.NonZero, Z1: RecField.Z1, Z1Lines: RecField.Z1Lines, Z1Stamped: RecField.Z1Stamped, Z1Counted: RecField.Z1Counted, Qp: RecField.Qp,
    Status: RecField.Status, FileStartHi: RecField.FileStartHi, FileStartLo: RecField.FileStartLo, FileEndHi: RecField.FileEndHi, FileEndLo: RecField.FileEndLo,
    Plain: RecField.Plain, TextStart: RecField.TextStart, TextEnd: RecField.TextEnd,
  };
  const H = { Count: Hdr.Count, Eof: Hdr.Eof, Start: Hdr.Start, End: Hdr.End, BytesRead: Hdr.BytesRead };
  const C = {
    Produced: Ctl.Produced, Consumed: Ctl.Consumed, QpMode: Ctl.QpMode, Cancel: Ctl.Cancel, Failed: Ctl.Failed, Waiting: Ctl.Waiting, Ready: Ctl.Ready,
    Started: Ctl.Started, FromHi: Ctl.FromHi, FromLo: Ctl.FromLo,
  };
  const S = { NeedMore: ScanStatus.NeedMore, Line: ScanStatus.Line, Byte: ScanStatus.Byte, Pause: ScanStatus.Pause };
  const KIND = { Segment: Kind.Segment, Run: Kind.Run, GiveUp: Kind.GiveUp, Long: Kind.Long };
  const STATE_HEADS = RULES.filter((r) => STATE_RULES.includes(r.id)).flatMap((r) => r.heads.map((h) => Array.from(h, (ch) => ch.charCodeAt(0))));
  return new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path, module: sh.module, memory: sh.memory, ctl: sh.ctl, recs: sh.recs, stamps: sh.stamps, L, O, R, H, C, S, KIND, STATE_HEADS },
  });
}
