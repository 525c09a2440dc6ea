// The kernel log reader's fast path over raw bytes, in WebAssembly with SIMD.
//
// Most lines of a dmesg are "[ seconds] text" with a text that no rule starts with; the reader only needs
// to count them and note what their stamps say for boot segmentation. This scanner goes over a window of
// the file's bytes 64 at a time (four 16-byte vectors), finds the line ends, and for each line applies
// exactly the test of KernelLogReader.dismiss() (kernel-log.ts). It stops at the first line it cannot
// dismiss and returns that line's offset: the reader then decodes that one line and takes it through the
// JavaScript paths, and calls the scanner again after it. So only a few percent of the lines of a big log are ever decoded.
//
// A line is dismissed when ALL of these hold (anything else stops the scan, which is always safe):
//   - it is empty (after trailing CRs are dropped), or
//   - it starts with "[", spaces, 1-12 digits, ".", 1-9 digits, "]" (what dismiss() accepts), then
//     an optional space and not "[" (a printk caller id)
//   - it does not end with "=" (a quoted-printable soft break) and, once the file is known to be
//     quoted-printable, holds no "=" at all
//   - a stamp printed as zero comes before any non-zero stamp of the boot (else: a timestamp reset)
//   - the message (after blanks) starts with no rule head (rules.ts RULE_BUCKETS), and its first word is
//     not followed by "kernel:" (journalctl short-monotonic)
//   - it holds no ESC (ANSI colours can hide a stamp) and none of the anywhere-rule anchors; the anchors
//     are found with a pair of their rarest bytes compared at once over 16 positions, and where both
//     bytes are there the whole anchor is compared
// Per dismissed line the scanner counts: lines, lines with a stamp, lines that count as a record (a
// non-empty message: the reader advances an open call trace's and bad page's line budgets by that), and it
// records "a non-zero stamp was seen". The reader applies these after each call; nothing else of the
// reader's state can change on a dismissed line (the reader only calls the scanner while no multi-line
// state is open: no pending wrapped message, QP soft break, zone block or call-trace frames).
//
// The module is generated at load time from the rule table (wasm.ts), so it can never disagree with the
// rules. Where WebAssembly SIMD is unavailable, createLineScanner() returns null and the reader decodes
// everything and uses its JavaScript fast path (same results, slower).

import { Code, I32, I64, V128, wasmModule } from './wasm';
import { ANYWHERE_RULES, RULE_BUCKETS } from './rules';

/** Memory layout: rule heads, anywhere-rule anchors, result slots, then data. */
const HEAD_INDEX = 0; // u16[128]: address of the head list for a first byte, 0 = none
const HEADS = 256; // head lists: [len, bytes...]*, 0
const ANCHOR_BYTES = 6144; // the anchors' bytes, one after the other
/** Result slots of up to two threads scanning the same memory (OUT_SLOTS bytes each, see Out). */
export const OUT_MAIN = 8064;
export const OUT_WORKER = 8128;
const OUT_SLOTS = 64;
const HEAD_PAIRS = 8192; // bit set over the first two bytes of a message: may a rule head start so?
/** Where data may start. */
export const DATA = 16384;
/** Bytes looked at per pass of the scan loop. */
const WINDOW = 64;
/** Bytes after the data that the scan loop's loads (a window plus an anchor pair's distance) may touch. */
export const PAD = 128;

/** Result slots (Int32Array indexes at the `out` address of a scan). */
export const enum Out {
  /** Lines dismissed. */
  Lines = 0,
  /** ... of which records (a stamp and a message): an open call trace and bad page count them. */
  Counted = 1,
  /** ... of which have a stamp. */
  Stamped = 2,
  /** In: the boot has seen a non-zero stamp; out: the same after the dismissed lines. */
  NonZero = 3,
  Status = 4,
  /** For ScanStatus.Line: the stop line's "\n". */
  StopEnd = 5,
  /** The first dismissed line with a zero stamp (-1: none), and Lines/Stamped/Counted before it. (Scanned
   *  with NonZero 0, such lines come before any non-zero stamp: with NonZero 1 the scan would stop there.) */
  Z1 = 6,
  Z1Lines = 7,
  Z1Stamped = 8,
  Z1Counted = 9,
}

/** Why scan() returned. */
export const enum ScanStatus {
  /** No complete line left: the return value is where the unfinished line starts. */
  NeedMore = 0,
  /** At a line that KernelLogReader.dismiss() would not dismiss: the general path's. */
  Line = 1,
  /** At a line with an ESC, an "=" in quoted-printable mode or an anchor: the reader checks it. */
  Byte = 2,
  /** `maxLines` lines were dismissed: the return value is where the next line starts. */
  Pause = 3,
}

/** How common a byte is in kernel log text (lower = rarer); used to pick the anchor bytes to compare. */
function commonness(c: number): number {
  const ch = String.fromCharCode(c);
  if (ch === ' ') return 100;
  const lower = 'etaoinsrhldcumfpgwybvkxjqz'.indexOf(ch);
  if (lower >= 0) return 80 - lower * 2;
  if (c >= 48 && c <= 57) return 60;
  if ('.:-_/[](),='.includes(ch)) return 40;
  if ('ACEIMNPRST'.includes(ch)) return 30;
  return 20;
}

/** Two bytes `dist` apart, compared at 16 positions at once; where both are there, the anchors that hold
 *  them (at offset `at` of anchor `anchor`) are compared whole. */
export interface Probe {
  first: number;
  second: number;
  dist: number;
  hits: Array<{ anchor: number; at: number }>;
}

/** Where a pair of bytes `dist` apart occurs in a string. */
function pairOffsets(s: string, first: number, second: number, dist: number): number[] {
  const out: number[] = [];
  for (let i = 0; i + dist < s.length; i++) if (s.charCodeAt(i) === first && s.charCodeAt(i + dist) === second) out.push(i);
  return out;
}

/** The rarest pair of bytes, `minDist` to 16 apart, that every anchor holds (null: none). */
function commonPair(anchors: readonly string[], minDist: number): Probe | null {
  let best: Probe | null = null;
  let bestScore = Infinity;
  const a0 = anchors[0];
  for (let i = 0; i < a0.length; i++) {
    for (let j = i + minDist; j < a0.length && j - i <= 16; j++) {
      const first = a0.charCodeAt(i);
      const second = a0.charCodeAt(j);
      const hits: Probe['hits'] = [];
      let all = true;
      anchors.forEach((a, k) => {
        const at = pairOffsets(a, first, second, j - i);
        if (!at.length) all = false;
        for (const o of at) hits.push({ anchor: k, at: o });
      });
      const score = commonness(first) + commonness(second);
      if (all && score < bestScore) {
        best = { first, second, dist: j - i, hits };
        bestScore = score;
      }
    }
  }
  return best;
}

/**
 * The probes that find every anchor: one pair of bytes that all anchors hold (the rarest such pair,
 * preferably 4 or more apart) when there is one, else a pair per anchor (its two rarest bytes, at least 4 apart where it allows). Fewer
 * probes are fewer vector operations per 16 bytes; a common pair hits more often, but a false hit costs a
 * couple of byte compares.
 */
export function anchorProbes(anchors: readonly string[]): Probe[] {
  if (anchors.length === 0) return [];
  // Bytes at least 4 apart are nearly independent: a pair of them is much rarer than a bigram.
  const best = commonPair(anchors, 4) ?? commonPair(anchors, 1);
  if (best && anchors.length > 1) return [best];
  return anchors.map((a, k) => {
    const codes = Array.from(a, (c) => c.charCodeAt(0));
    if (codes.length === 1) return { first: codes[0], second: codes[0], dist: 0, hits: [{ anchor: k, at: 0 }] };
    const byRarity = codes.map((c, i) => ({ c, i })).sort((x, y) => commonness(x.c) - commonness(y.c) || x.i - y.i);
    const r1 = byRarity[0];
    const r2 = byRarity.find((x) => Math.abs(x.i - r1.i) >= 4) ?? byRarity[1];
    const [lo, hi] = r1.i < r2.i ? [r1, r2] : [r2, r1];
    return { first: lo.c, second: hi.c, dist: hi.i - lo.i, hits: pairOffsets(a, lo.c, hi.c, hi.i - lo.i).map((at) => ({ anchor: k, at })) };
  });
}

const PRINTABLE = /^[\x20-\x7e]+$/;

/** The scanner's tables (rule heads by first byte, anchors), or null when something is not plain ASCII text. */
function buildTables(anchors: readonly string[]): Uint8Array | null {
  const mem = new Uint8Array(DATA);
  const view = new DataView(mem.buffer);
  let at = HEADS;
  const pair = (a: number, b: number) => {
    const i = a | (b << 8);
    mem[HEAD_PAIRS + (i >> 3)] |= 1 << (i & 7);
  };
  for (let c = 0; c < 128; c++) {
    const bucket = RULE_BUCKETS[c];
    if (!bucket) continue;
    view.setUint16(HEAD_INDEX + c * 2, at, true);
    for (const { head } of bucket) {
      if (head.length > 255 || !PRINTABLE.test(head) || at + head.length + 2 >= ANCHOR_BYTES) return null;
      mem[at++] = head.length;
      for (let i = 0; i < head.length; i++) mem[at++] = head.charCodeAt(i);
      if (head.length === 1) for (let b = 0; b < 256; b++) pair(c, b);
      else pair(c, head.charCodeAt(1));
    }
    mem[at++] = 0;
  }
  at = ANCHOR_BYTES;
  for (const a of anchors) {
    if (a.length > PAD - WINDOW || !PRINTABLE.test(a) || at + a.length >= OUT_MAIN) return null;
    for (let i = 0; i < a.length; i++) mem[at++] = a.charCodeAt(i);
  }
  return mem;
}

/** Locals for vector constants. */
const VECTOR_CONSTANTS = 12;
/** i32 locals after the parameters (scanFunction's L). */
const I32_LOCALS = 23;

/** "kernel:" as a little-endian 7-byte integer. */
const KERNEL = Array.from('kernel:').reduce((v, ch, i) => v | (BigInt(ch.charCodeAt(0)) << BigInt(8 * i)), 0n);

/** scan(pos, end, out, maxLines) -> where it stopped; the counts and the status in the result slots at
 *  `out`. `qp`: the variant for quoted-printable mode, where any "=" stops. */
function scanFunction(anchors: readonly string[], qp: boolean): Code {
  const probes = anchorProbes(anchors);
  // i32 locals, two vectors, the vector constants (see vc()), then the 64-bit hit mask
  const L = {
    pos: 0, end: 1, out: 2, maxLines: 3, ls: 4, q: 5, b: 6, r: 7, lines: 8, counted: 9, stamped: 10, le: 11, p: 12, c: 13,
    zero: 14, i0: 15, off: 16, len: 17, k: 18, s: 19, nz: 20, e: 21, d: 22, dg: 23, rng: 24, rng2: 25, z1: 26, v: 27, v2: 28,
    m: 4 + I32_LOCALS + 2 + VECTOR_CONSTANTS,
  };
  // Vector constants live in locals set once (materializing a v128.const costs instructions every time).
  const consts = new Map<number, number>();
  const NCONST = VECTOR_CONSTANTS;
  /** The local holding 16 copies of `byte`. */
  const vc = (byte: number): number => {
    let l = consts.get(byte);
    if (l === undefined) {
      if (consts.size >= NCONST) throw new Error('too many vector constants');
      l = L.v2 + 1 + consts.size;
      consts.set(byte, l);
    }
    return l;
  };
  const x = new Code();
  const finish = (status: number) => {
    x.get(L.out).get(L.lines).store32(Out.Lines * 4);
    x.get(L.out).get(L.counted).store32(Out.Counted * 4);
    x.get(L.out).get(L.stamped).store32(Out.Stamped * 4);
    x.get(L.out).get(L.nz).store32(Out.NonZero * 4);
    x.get(L.out).i32(status).store32(Out.Status * 4);
    x.get(L.out).get(L.z1).store32(Out.Z1 * 4);
    x.get(L.ls).return();
  };
  const stop = () => {
    x.get(L.out).get(L.b).store32(Out.StopEnd * 4);
    finish(ScanStatus.Line);
  };
  const next = () => x.get(L.p).i32(1).add().tee(L.p).load8().set(L.c); // c = mem[++p]
  const whileC = (cond: () => void) =>
    x.block(() =>
      x.loop(() => {
        cond();
        x.eqz().brIf(1);
        next();
        x.br(0);
      }),
    );
  const digits = () =>
    x.block(() =>
      x.loop(() => {
        x.get(L.c).i32(48).sub().i32(10).geU().brIf(1);
        x.get(L.c).i32(48).ne().if(() => x.i32(0).set(L.zero));
        next();
        x.br(0);
      }),
    );

  /** The line [ls, b): dismiss() over bytes. Leaves `r` = 1 (empty line), 2 (stamp, empty message) or
   *  3 (a record) at the end of the block, or stops the scan. */
  const line = () =>
    x.block(() => {
      const dismissed = (kind: number) => x.i32(kind).set(L.r).br('dismissed');
      // le = b less trailing CRs
      x.get(L.b).set(L.le);
      x.get(L.b).i32(1).sub().load8().i32(13).eq().if(() =>
        x.block(() =>
          x.loop(() => {
            x.get(L.le).get(L.ls).leU().brIf(1);
            x.get(L.le).i32(1).sub().load8().i32(13).ne().brIf(1);
            x.get(L.le).i32(1).sub().set(L.le);
            x.br(0);
          }),
        ),
      );
      x.get(L.le).get(L.ls).eq().if(() => dismissed(1));
      x.get(L.ls).load8().i32(91).ne().if(stop);
      x.get(L.le).i32(1).sub().load8().i32(61).eq().if(stop);
      // "[" spaces digits "." digits "]": over the line's first 16 bytes at once when the "]" is there
      x.get(L.ls).v128Load().set(L.v2);
      x.get(L.v2).get(vc(93)).i8x16Eq().bitmask8().tee(L.e).if(
        () => {
          // e: the first "]", d: the first ".", i0: the first byte after "[" that is not a space
          x.get(L.e).ctz().set(L.e);
          x.get(L.v2).get(vc(46)).i8x16Eq().bitmask8().i32(0x10000).or().ctz().set(L.d);
          x.get(L.v2).get(vc(32)).i8x16Eq().bitmask8().i32(-1).xor().i32(-2).and().ctz().set(L.i0);
          x.get(L.v2).get(vc(48)).i8x16Sub().get(vc(10)).i8x16LtU().bitmask8().set(L.dg);
          // digits from i0 to d (1-12 of them), from d + 1 to e (1-9)
          x.get(L.d).get(L.e).geU().if(stop);
          x.get(L.d).get(L.i0).sub().i32(1).sub().i32(12).geU().if(stop);
          x.get(L.e).get(L.d).sub().i32(2).sub().i32(9).geU().if(stop);
          x.i32(1).get(L.d).shl().i32(1).get(L.i0).shl().sub().tee(L.rng);
          x.get(L.dg).and().get(L.rng).ne().if(stop);
          x.i32(1).get(L.e).shl().i32(2).get(L.d).shl().sub().tee(L.rng2);
          x.get(L.dg).and().get(L.rng2).ne().if(stop);
          // zero: every digit is "0"
          x.get(L.v2).get(vc(48)).i8x16Eq().bitmask8().i32(-1).xor().get(L.dg).and().get(L.rng).get(L.rng2).or().and().eqz().set(L.zero);
          x.get(L.ls).get(L.e).add().set(L.p);
        },
        () => {
          x.get(L.ls).set(L.p);
          next();
          whileC(() => x.get(L.c).i32(32).eq());
          x.i32(1).set(L.zero);
          x.get(L.p).set(L.i0);
          digits();
          x.get(L.p).get(L.i0).eq().if(stop);
          x.get(L.p).get(L.i0).sub().i32(12).gtU().if(stop);
          x.get(L.c).i32(46).ne().if(stop);
          next();
          x.get(L.p).set(L.i0);
          digits();
          x.get(L.p).get(L.i0).eq().if(stop);
          x.get(L.p).get(L.i0).sub().i32(9).gtU().if(stop);
          x.get(L.c).i32(93).ne().if(stop);
        },
      );
      next();
      x.get(L.c).i32(32).eq().if(next);
      x.get(L.c).i32(91).eq().if(stop); // a caller id, or a message starting with "["
      // a zero stamp after a non-zero one starts a boot: the reader's business
      x.get(L.zero).get(L.nz).and().if(stop);
      whileC(() => x.get(L.c).i32(32).eq().get(L.c).i32(9).eq().or());
      // A dismissed stamped line: a non-zero stamp sets nz; the first zero one is recorded (Out.Z1) with
      // the counts before it.
      const commit = () =>
        x.get(L.zero).if(
          () =>
            x.get(L.z1).i32(0).ltS().if(() => {
              x.get(L.ls).set(L.z1);
              x.get(L.out).get(L.lines).store32(Out.Z1Lines * 4);
              x.get(L.out).get(L.stamped).store32(Out.Z1Stamped * 4);
              x.get(L.out).get(L.counted).store32(Out.Z1Counted * 4);
            }),
          () => x.i32(1).set(L.nz),
        );
      x.get(L.p).get(L.le).geU().if(() => {
        commit();
        dismissed(2);
      });
      // rule heads starting with this byte (when a head may start with these two bytes at all)
      x.get(L.p).load16().tee(L.k).i32(3).shrU().load8(HEAD_PAIRS).get(L.k).i32(7).and().shrU().i32(1).and().if(() => {
        x.get(L.c).i32(1).shl().load16(HEAD_INDEX).set(L.off);
        x.block(() =>
          x.loop(() => {
            x.get(L.off).eqz().brIf(1);
            x.get(L.off).load8().tee(L.len).eqz().brIf(1);
            x.i32(0).set(L.k);
            x.block(() =>
              x.loop(() => {
                x.get(L.k).get(L.len).eq().if(stop);
                x.get(L.p).get(L.k).add().load8().get(L.off).get(L.k).add().load8(1).ne().brIf(1);
                x.get(L.k).i32(1).add().set(L.k);
                x.br(0);
              }),
            );
            x.get(L.off).get(L.len).add().i32(1).add().set(L.off);
            x.br(0);
          }),
        );
      });
      // "host kernel: text" (journalctl -o short-monotonic): the first space, then "kernel:"
      x.get(L.p).v128Load().get(vc(32)).i8x16Eq().bitmask8().tee(L.s).if(
        () => x.get(L.p).get(L.s).ctz().add().set(L.s),
        () => {
          x.get(L.p).i32(16).add().set(L.s);
          x.block(() =>
            x.loop(() => {
              x.get(L.s).get(L.le).geU().brIf(1);
              x.get(L.s).load8().i32(32).eq().brIf(1);
              x.get(L.s).i32(1).add().set(L.s);
              x.br(0);
            }),
          );
        },
      );
      x.get(L.s).get(L.le).ltU().if(() => {
        x.get(L.s).load64(1).i64(0x00ffffffffffffffn).and64().i64(KERNEL).eq64().if(stop);
      });
      commit();
      x.i32(3).set(L.r);
    }, 'dismissed');

  /** A byte that is not a line end stopped the SIMD pass at b: stop if it is an ESC, an "=" (qp) or the
   *  start of a real anchor in this line; else it was a false hit. */
  const anchorAt: number[] = [];
  for (let k = 0, addr = ANCHOR_BYTES; k < anchors.length; addr += anchors[k].length, k++) anchorAt.push(addr);
  const byteHit = () => {
    x.get(L.c).i32(27).eq().if(() => finish(ScanStatus.Byte));
    if (qp) x.get(L.c).i32(61).eq().if(() => finish(ScanStatus.Byte));
    for (const pr of probes) {
      x.get(L.c).i32(pr.first).eq().get(L.b).load8(pr.dist).i32(pr.second).eq().and().if(() => {
        for (const { anchor, at } of pr.hits) {
          const a = anchors[anchor];
          // the anchor would start at s = b - at: compare it whole
          x.get(L.b).i32(at).sub().tee(L.s).get(L.ls).geU().if(() => {
            x.i32(0).set(L.k);
            x.block(() =>
              x.loop(() => {
                x.get(L.k).i32(a.length).eq().if(() => finish(ScanStatus.Byte));
                x.get(L.s).get(L.k).add().load8().get(L.k).load8(anchorAt[anchor]).ne().brIf(1);
                x.get(L.k).i32(1).add().set(L.k);
                x.br(0);
              }),
            );
          });
        }
      });
    }
  };

  x.get(L.pos).set(L.ls);
  x.get(L.pos).set(L.q);
  x.get(L.out).load32(Out.NonZero * 4).set(L.nz);
  x.i32(-1).set(L.z1);
  x.loop(() => {
    x.get(L.q).get(L.end).geU().if(() => finish(ScanStatus.NeedMore));
    // The hits in WINDOW bytes from q, 16 at a time, as one 64-bit mask: one pass of the loop (and one
    // hard-to-predict branch) per window instead of per 16 bytes.
    for (let w = 0; w < WINDOW; w += 16) {
      x.get(L.q).v128Load(w).set(L.v);
      x.get(L.v).get(vc(10)).i8x16Eq();
      x.get(L.v).get(vc(27)).i8x16Eq().v128Or();
      if (qp) x.get(L.v).get(vc(61)).i8x16Eq().v128Or();
      for (const pr of probes) {
        x.get(L.v).get(vc(pr.first)).i8x16Eq();
        if (pr.dist > 0) x.get(L.q).v128Load(w + pr.dist).get(vc(pr.second)).i8x16Eq().v128And();
        x.v128Or();
      }
      x.bitmask8().extendU();
      if (w > 0) x.i64(BigInt(w)).shl64().get(L.m).or64();
      x.set(L.m);
    }
    // no bits past the end of the data
    x.get(L.end).get(L.q).sub().i32(WINDOW).ltU().if(() => {
      x.get(L.m).i64(1n).get(L.end).get(L.q).sub().extendU().shl64().i64(1n).sub64().and64().set(L.m);
    });
    x.block(() =>
      x.loop(() => {
        x.get(L.m).eqz64().brIf('bitsDone');
        x.get(L.q).get(L.m).ctz64().wrap().add().set(L.b);
        x.get(L.m).get(L.m).i64(1n).sub64().and64().set(L.m);
        x.get(L.b).load8().tee(L.c).i32(10).ne().if(() => {
          byteHit();
          x.br('bits');
        });
        line();
        // counts without branches: r is 1 (empty line), 2 (stamp, empty message) or 3 (record)
        x.get(L.lines).i32(1).add().set(L.lines);
        x.get(L.stamped).get(L.r).i32(2).geU().add().set(L.stamped);
        x.get(L.counted).get(L.r).i32(3).eq().add().set(L.counted);
        x.get(L.b).i32(1).add().set(L.ls);
        x.get(L.lines).get(L.maxLines).geU().if(() => finish(ScanStatus.Pause));
        x.br('bits');
      }, 'bits'),
    'bitsDone');
    x.get(L.q).i32(WINDOW).add().set(L.q);
    x.br(0);
  });
  x.i32(0); // not reached: the loop only leaves by return
  const prelude = new Code();
  for (const [byte, l] of consts) prelude.splat8(byte).set(l);
  return prelude.append(x);
}

let tables: Uint8Array | null | undefined;
/** The functions' code: the same for every memory (generating it takes milliseconds). */
let codes: [Code, Code] | undefined;
const modules = new Map<string, WebAssembly.Module | null>();

/** The scanner's module for a memory of `pages` pages, shared between threads or not (cached), or null
 *  when it cannot be built here (no WebAssembly SIMD). */
export function scannerModule(pages: number, shared: boolean): WebAssembly.Module | null {
  const key = `${pages}/${shared}`;
  let m = modules.get(key);
  if (m !== undefined) return m;
  m = null;
  try {
    const anchors = ANYWHERE_RULES.map((r) => r.anchor);
    tables ??= buildTables(anchors);
    if (tables) {
      codes ??= [scanFunction(anchors, false), scanFunction(anchors, true)];
      const locals = [...new Array<number>(I32_LOCALS).fill(I32), ...new Array<number>(2 + VECTOR_CONSTANTS).fill(V128), I64];
      const params = [I32, I32, I32, I32];
      m = new WebAssembly.Module(
        wasmModule(pages, shared, [
          { params, results: [I32], locals, code: codes[0], export: 'scan' },
          { params, results: [I32], locals, code: codes[1], export: 'scanQp' },
        ]),
      );
    }
  } catch {
    m = null;
  }
  modules.set(key, m);
  return m;
}

/** Pages for a memory with `bytes` of data after the tables. */
export function scannerPages(bytes: number): number {
  return Math.ceil((DATA + bytes + PAD) / 65536);
}

/** Writes the tables into a scanner memory (once, before any scan). */
export function initScannerMemory(bytes: Uint8Array): void {
  bytes.set(tables!, 0);
}

type ScanFn = (pos: number, end: number, out: number, maxLines: number) => number;

/** One scanner instance over a memory. */
export interface LineScanner {
  /** The whole memory. */
  readonly bytes: Uint8Array;
  /** Where this instance's result slots are (an address for scan(), and as Int32Array). */
  readonly outAt: number;
  readonly out: Int32Array;
  /** Dismiss lines in bytes[pos, end) (at most maxLines); returns where it stopped, with out[Out.Status]
   *  saying why; the results in the slots at `out`. */
  readonly scan: ScanFn;
  /** The same in quoted-printable mode (any "=" stops). */
  readonly scanQp: ScanFn;
}

/** An instance of `module` over `memory` (whose tables are written), with result slots at `outAt`. */
export function scannerInstance(module: WebAssembly.Module, memory: WebAssembly.Memory, outAt: number): LineScanner {
  const inst = new WebAssembly.Instance(module, { env: { memory } });
  return {
    bytes: new Uint8Array(memory.buffer),
    outAt,
    out: new Int32Array(memory.buffer, outAt, OUT_SLOTS / 4),
    scan: inst.exports.scan as ScanFn,
    scanQp: inst.exports.scanQp as ScanFn,
  };
}

/** A scanner with a memory of its own holding `capacity` bytes of data from DATA on, or null where
 *  WebAssembly SIMD is not available. */
export function createLineScanner(capacity: number): LineScanner | null {
  const pages = scannerPages(capacity);
  const module = scannerModule(pages, false);
  if (!module) return null;
  try {
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    initScannerMemory(new Uint8Array(memory.buffer));
    return scannerInstance(module, memory, OUT_MAIN);
  } catch {
    return null;
  }
}
