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
//                    un-prefixed line(s) (up to 3); the join is kept only if it makes the message match
//   boots            a new boot at "Linux version" (when the current boot already has facts), at a stamp
//                    printed as 0.000000 after non-zero stamps, at a journal _BOOT_ID change, and when a
//                    once-per-boot fact repeats (see boot.ts)
//
// Fast path: most lines of a dmesg are "[ seconds] text" with a text no rule is interested in. Such a line,
// while no multi-line state is open, is dismissed after checking its stamp and looking up the first
// character of its text in the rule table; everything else takes the general path, which produces the same
// result for dismissed lines (they add nothing but "the boot has absolute stamps" and the reset check,
// which the fast path does too).

import { BootBuilder, MAX_FACTS_PER_BOOT, foldBoot, type Fact } from './boot';
import { functionPhase, stackPhase, baseFunctionName } from './functions';
import { parseRecord, TsKind, type PrefixQuirks, type Rec } from './prefix';
import {
  ANYWHERE_RULES, DEVICE_ANYWHERE_RULES, DEVICE_BUCKETS, FRAME, Match, RULE_BUCKETS, TRACE_MARKER, ZONE_LINE,
  type AnywhereRule, type DevCtx, type HeadEntry, type Sink,
} from './rules';
import { hexOrNull } from './numbers';
import { LineSplitter, MAX_LINE } from './lines';
import { cleanText } from './text';
import type { Boot, BootBoundary, InputQuirks, KernelError } from './types';

export interface KernelLogOptions {
  /** Called with each boot as soon as it is complete (in file order). */
  onBoot?: (boot: Boot) => void;
  /** Keep at most this many boots in `boots` (default: all). Use 0 with onBoot to stream. */
  retainBoots?: number;
  /** false: read every line through the general path (tests check that both paths agree). */
  fastPath?: boolean;
}

const MAX_JOINS = 3;
const MAX_QP_FRAGMENTS = 64;
const TRACE_WAIT = 40;
const TRACE_MISSES = 3;
const MAX_FRAMES = 48;

const GAP = /^[\s>]*(?:\.{3,}|\[\.\.\.\]|<snip>|\[ ?snip ?\]|-+ ?snip ?-+|#{3,} ?\[collector: .*)\s*$/i;
/** Does a raw line start a log record? (Used before QP mode is established.) */
const RECORD_START = /^(?:[ \t]*>)*[ \t]*(?:(?:<\d{1,3}>)?\[\s*[+-]?\d+\.\d+\]|[A-Z][a-z]{2} [ \d]?\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\d[T ]\d\d:\d\d)/;
const QP_ESCAPE = /=([0-9A-Fa-f]{2})/g;
const QP_EVIDENCE = /=[0-9A-F]{2}/;

// Module-local copies of the tables the per-line loop reads (an imported binding may be a getter).
const BUCKETS = RULE_BUCKETS;
const ANCHORS = ANYWHERE_RULES.map((r) => r.anchor);

/** Cheap pre-check for GAP: the first character that is not a blank or a quote mark. */
function mayBeGap(text: string): boolean {
  let i = 0;
  let c = text.charCodeAt(0);
  while (c === 32 || c === 9 || c === 62) c = text.charCodeAt(++i);
  return c === 46 || c === 91 || c === 60 || c === 45 || c === 35;
}

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
  private final = false;

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

  // record layer
  private pending: Pending | null = null;
  private zoneBlockOn = false;
  private trace: TraceState | null = null;
  private badPageErr: KernelError | null = null;
  private badPageTtl = 0;

  constructor(private readonly options: KernelLogOptions = {}) {}

  /** Feed a chunk of the file, decoded one character per byte (latin1). */
  push(s: string): void {
    this.splitter.push(s);
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
      longLinesCut: this.splitter.longLinesCut,
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
    this.onRecord(parseRecord(text, lineNo, this.quirks));
  }

  private onRecord(rec: Rec): void {
    const p = this.pending;
    if (p) {
      if (this.canContinue(rec, p)) {
        p.conts.push(rec);
        const joined = /\s$/.test(p.text) ? p.text + rec.text.trimStart() : `${p.text} ${rec.text.trimStart()}`;
        const r = this.dispatchText(joined, p.rec, p.conts.length >= MAX_JOINS);
        if (r === Match.Matched) {
          this.pending = null;
          this.rejoined += p.conts.length;
          return;
        }
        if (r === Match.Incomplete) {
          p.text = joined;
          return;
        }
        p.conts.pop();
      }
      this.resolvePending(p);
    }
    this.handle(rec);
  }

  /** The pending message got no continuation: read it alone (with fallbacks), then the lines held with it. */
  private resolvePending(p: Pending): void {
    this.pending = null;
    this.dispatchText(p.rec.text, p.rec, true);
    for (const c of p.conts) this.onRecord(c);
  }

  private flushPending(): void {
    const p = this.pending;
    if (p) this.resolvePending(p);
  }

  private canContinue(rec: Rec, p: Pending): boolean {
    if (rec.prefixed || rec.quote !== p.rec.quote || rec.text.trim() === '') return false;
    return !this.isMessage(rec.text);
  }

  /** Is the text a whole message of its own (a rule's head and regex both match)? */
  private isMessage(text: string): boolean {
    const body = text.trimStart();
    const c = body.charCodeAt(0);
    const bucket = c < 128 ? RULE_BUCKETS[c] : null;
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
        this.rec = rec;
        const start = hexOrNull(z[3]);
        const end = hexOrNull(z[4]);
        this.fact({ k: 'zone', v: { zone: z[1], start, end, empty: z[2] === 'empty', line: rec.line } });
        return;
      }
      this.zoneBlockOn = false;
    }
    if (this.trace && this.traceLine(rec)) return;
    if (this.badPageErr !== null && --this.badPageTtl < 0) this.badPageErr = null;
    if (this.dispatchText(rec.text, rec, false) === Match.Incomplete) this.pending = { rec, text: rec.text, conts: [] };
  }

  /** Boot bookkeeping for a record: boundaries, seconds, boundary candidates. */
  private note(rec: Rec): void {
    let b = this.cur;
    if (rec.bootId !== null) {
      if (b.bootId !== null && b.bootId !== rec.bootId) b = this.newBoot('journal-boot-id', rec.line);
      b.bootId = rec.bootId;
    }
    if (rec.tsKind === TsKind.Absolute) {
      if (rec.zeroTs) {
        if (b.seenNonZeroTs) b = this.newBoot('timestamp-reset', rec.line);
      } else {
        b.seenNonZeroTs = true;
      }
      b.sawAbsolute = true;
      rec.t = rec.ts;
    } else if (rec.tsKind === TsKind.Relative) {
      b.relSum = Math.round((b.relSum + (rec.ts ?? 0)) * 1e6) / 1e6;
      rec.t = b.relSum;
      b.sawRelative = true;
    }
    if (rec.wall !== null && b.wallClock === null) b.wallClock = rec.wall;
    if (!rec.prefixed && rec.text !== '') b.addCandidate(rec.line);
  }

  private dispatchText(text: string, rec: Rec, final: boolean): Match {
    this.rec = rec;
    this.dev = null;
    this.final = final;
    let r = this.dispatch(text, RULE_BUCKETS, final);
    if (r === Match.Matched) return r;
    const a = this.anywhere(text, ANYWHERE_RULES, final);
    if (a !== Match.None) r = a;
    return r;
  }

  private dispatch(text: string, buckets: Array<HeadEntry[] | null>, final: boolean): Match {
    let i = 0;
    while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
    const c = text.charCodeAt(i);
    const bucket = c < 128 ? buckets[c] : null;
    if (bucket === null) return Match.None;
    const body = i ? text.slice(i) : text;
    let incomplete = false;
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
      const res = rule.emit(m, this);
      if (res === Match.Incomplete) incomplete = true;
      else if (res !== false && res !== Match.None) return Match.Matched;
    }
    return incomplete ? Match.Incomplete : Match.None;
  }

  private anywhere(text: string, rules: readonly AnywhereRule[], final: boolean): Match {
    let r = Match.None;
    for (const rule of rules) {
      if (!text.includes(rule.anchor)) continue;
      let m = rule.re.exec(text);
      if (!m) {
        if (!final && rule.wrap !== false) {
          r = Match.Incomplete;
          continue;
        }
        m = rule.fallback ? rule.fallback.exec(text) : null;
        if (!m) continue;
      }
      const res = rule.emit(m, this);
      if (res === Match.Incomplete) r = Match.Incomplete;
      else if (res !== false && res !== Match.None) return Match.Matched;
    }
    return r;
  }

  // ---------------------------------------------------------------------------------------------
  // Sink

  deviceMessage(rest: string, dev: DevCtx): Match {
    this.dev = dev;
    let r = this.dispatch(rest, DEVICE_BUCKETS, this.final);
    if (r !== Match.Matched) {
      const r2 = this.dispatch(rest, RULE_BUCKETS, this.final);
      if (r2 !== Match.None) r = r2;
    }
    if (r !== Match.Matched) {
      const r3 = this.anywhere(rest, DEVICE_ANYWHERE_RULES, this.final);
      if (r3 !== Match.None) r = r3;
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
    if (b.facts.length >= MAX_FACTS_PER_BOOT) {
      b.factsDropped++;
      return;
    }
    if (t !== null) {
      if (b.lastFactT !== null && t < b.lastFactT) b.addCandidate(line);
      b.lastFactT = t;
    }
    b.facts.push({ f, line, t, once: once ?? null });
    if (once !== undefined) b.once.set(once, line);
    if (f.k !== 'version') b.substantive++;
  }

  kernelBanner(): void {
    const b = this.cur;
    if (b.substantive > 0 || b.once.has('version')) {
      const nb = this.newBoot('linux-version', this.rec.line);
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
    this.trace = { line: this.rec.line, t: this.rec.t, trigger: cleanText(text, 300), fn, rip: null, frames: [], inFrames: false, wait: 0, misses: 0 };
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
    if (lead && !frames.some((f) => f === lead || f === `? ${lead}`)) frames.unshift(lead);
    const names = (list: string[]) => list.map((f) => baseFunctionName(f.replace(/^\? /, '')));
    let related = names(frames.filter((f) => !f.startsWith('? '))).filter((f) => functionPhase(f) !== null);
    if (!related.length) related = names(frames).filter((f) => functionPhase(f) !== null);
    if (!related.length) return;
    const functions = [...new Set(related)];
    this.fact(
      { k: 'trace', v: { line: tr.line, t: tr.t, trigger: tr.trigger, function: functions[0], phase: stackPhase(functions)!, functions, frames } },
      undefined,
      { line: tr.line, t: tr.t },
    );
  }

  // ---------------------------------------------------------------------------------------------
  // boots

  private newBoot(reason: BootBoundary, line: number): BootBuilder {
    this.finishTrace();
    const old = this.cur;
    old.lastLine = line - 1;
    this.emitBoot(old);
    this.cur = new BootBuilder(0, reason, line);
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
    const boot = foldBoot(b);
    this.options.onBoot?.(boot);
    if (this.boots.length < (this.options.retainBoots ?? Infinity)) this.boots.push(boot);
    else this.bootsNotRetained++;
  }
}
