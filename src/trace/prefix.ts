// One logical log line -> the kernel message it carries, with what its prefixes said.
//
// Layers, outside in (each optional):
//   mail quote marks           "> ", "> > "
//   a wrapper                  syslog "May 21 10:59:23 host kernel: ", rsyslog ISO-8601 "2025-05-21T10:59:23.31+00:00 host kernel: ",
//                              journalctl -o short-full "Wed 2025-05-21 10:59:23 UTC host kernel: ",
//                              journalctl -o short-unix "1747825163.311954 host kernel: " (wall clock, as syslog),
//                              journalctl -o json {"MESSAGE": ...}, logfmt `ts=... msg="..."`, /dev/kmsg "6,339,5140900,-;",
//                              dmesg -x "kern  :info  : ", or anything else in front of a "[ seconds]" stamp (grep -H file names)
//   printk level               "<6>"
//   timestamp                  "[    1.234567]", relative "[  +0.000002]" / "[  -2.3]", dmesg -d "[ 1.2 < 0.0001>]",
//                              dmesg -T "[Mon Jun 21 23:09:01 2022]", dmesg -e "[Jun21 23:09]",
//                              dmesg --time-format=delta "[<    0.000123>]" / "[<   -0.000004>]" (relative: the signed
//                              delta to the previous message, as "[  +0.000123]"), dmesg -T -d "[Mon Jun 21 23:09:01 2022 <    0.000123>]"
//                              (wall clock and relative)
//   printk caller id           "[    T1] ", "[  C0]" (also glued: "[    0.000000][    T0]")
//   journal short-monotonic    "host kernel: " after the stamp
// A line cut at the start of the file ("08974] POWER9 ...") keeps its text; the stamp fragment is dropped.

import { Buffer } from 'node:buffer';

export const enum TsKind {
  None = 0,
  Absolute = 1,
  Relative = 2,
}

/** A kernel message with its prefixes parsed. Byte string (latin1) like all analyzer text. */
export interface Rec {
  line: number;
  text: string;
  /** Absolute seconds, or the delta for relative stamps; null when there is no stamp. */
  ts: number | null;
  tsKind: TsKind;
  /** The stamp is printed as zero ("0.000000"): the first lines of a boot. */
  zeroTs: boolean;
  /** The line had a log prefix (stamp, level, syslog, ...): it is a record, not prose or a wrapped tail. */
  prefixed: boolean;
  quote: number;
  wall: string | null;
  bootId: string | null;
  /** Seconds for results (relative stamps summed); set by the reader. */
  t: number | null;
  /** The physical line's width up to the end of its text (prefixes and quote marks counted, trailing blanks not):
   *  whether a mailer or terminal may have hard-wrapped it (kernel-log.ts). */
  width: number;
}

export interface PrefixQuirks {
  mailQuoted: boolean;
  absolute: boolean;
  relative: boolean;
  wallclock: boolean;
  prefixes: Set<string>;
}

// eslint-disable-next-line no-control-regex -- ANSI colour sequences start with the ESC control character
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
const STAMP = /\[\s*([+-]?)(\d{1,12})\.(\d{1,9})(?:\s*<\s*[+-]?\d+\.\d+>)?\]/y;
const WALL = /\[([A-Z][a-z]{2}\s?\d{1,2} \d\d:\d\d(?::\d\d)?|[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4})(?: <\s*([+-]?)(\d{1,12})\.(\d{1,9})>)?\]/y;
/** dmesg --time-format=delta: "[<    0.000123>]", the seconds since the previous message. util-linux prints a signed
 *  difference ("%12.06f"): a message stamped earlier than the one before it gives "[<   -0.000004>]". */
const DELTA = /\[<\s*([+-]?)(\d{1,12})\.(\d{1,9})>\]/y;
const CALLER = /\[\s*[TC]\d{1,7}\] ?/y;
const LEVEL = /<(\d{1,3})>/y;
const SYSLOG = /([A-Z][a-z]{2} [ \d]?\d \d\d:\d\d:\d\d(?:\.\d+)?) (\S+) ([^\s:[\]]+)(?:\[\d+\])?: ?/y;
/** journalctl -o short-full: "Wed 2025-05-21 10:59:23 UTC host kernel: " (the zone as %Z prints it: "CEST", "+03"). */
const SHORT_FULL = /([A-Z][a-z]{2} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? (?:[A-Za-z]{1,6}|[+-]\d\d(?::?\d\d)?)) (\S+) ([^\s:[\]]+)(?:\[\d+\])?: ?/y;
/** journalctl -o short-unix: "1747825163.311954 host kernel: " (seconds since the epoch: a wall clock). */
const SHORT_UNIX = /(\d{9,11}\.\d{1,9}) (\S+) ([^\s:[\]]+)(?:\[\d+\])?: ?/y;
const ISO = /(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?) +/y;
const ISO_HOST = /\S+ (?:kernel|[\w.-]+\[\d+\]): ?/y;
const HOST_KERNEL = /\S+ kernel: ?/y;
const KMSG = /(\d{1,3}),(\d{1,20}),(\d{1,20}),[^;]{0,24};/y;
const DMESG_X = /(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7]) *:(?:emerg|alert|crit|err|warn|notice|info|debug) *: /y;
/**
 * Does a raw line start a log record? A cheap test, without parseRecord()'s side effects, for the kernel log reader's
 * quoted-printable decision (kernel-log.ts: is the line after a trailing "=" its continuation?). It knows the prefixes
 * anchored at the line's start (after mail quote marks): stamps, levels, syslog, ISO-8601, journal short-full and
 * short-unix, /dev/kmsg records, dmesg -x. Not the forms a soft-broken fragment can look like: logfmt ("level=7 ..." may
 * be the rest of "loglevel=7"), a wrapper before a stamp ("nel: [    0.000000] ..." is the rest of "kernel:"), JSON.
 * test/unit/trace-format.test.ts checks both lists.
 */
export const RECORD_START = new RegExp(
  '^(?:[ \\t]*>)*[ \\t]*(?:' +
    [
      '(?:<\\d{1,3}>)?\\[(?:\\s*[+-]?\\d+\\.\\d+(?:\\s*<\\s*[+-]?\\d+\\.\\d+>)?|<\\s*[+-]?\\d+\\.\\d+>|[A-Z][a-z]{2} [A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}(?: <\\s*[+-]?\\d+\\.\\d+>)?)\\]',
      '[A-Z][a-z]{2} [ \\d]?\\d \\d\\d:\\d\\d:\\d\\d',
      '(?:[A-Z][a-z]{2} )?\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d',
      '\\d{9,11}\\.\\d+ \\S+ \\S+: ',
      KMSG.source,
      DMESG_X.source,
    ].join('|') +
    ')',
);
const LOGFMT_START = /(?:ts|time|timestamp|t|level|lvl|caller|host|hostname)=/y;
const LOGFMT_MSG = /(?:^|\s)(?:msg|message|MESSAGE)=(?:"((?:[^"\\]|\\.)*)"|(\S+))/;
const LOGFMT_TIME = /(?:^|\s)(?:ts|time|timestamp)=(?:"([^"]*)"|(\S+))/;
const EMBEDDED = /<\d{1,3}>\[|\[\s*[+-]?\d{1,12}\.\d{6}\]/;
const FRAGMENT = /\s*[+-]?\d{0,12}\.?\d{1,9}\] /y;

function stickyAt(re: RegExp, s: string, p: number): RegExpExecArray | null {
  re.lastIndex = p;
  return re.exec(s);
}

function unescapeLogfmt(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

/** Count and skip mail quote marks at p: "> ", ">> ", "> > " (up to 3 spaces before each mark). */
function skipQuotes(s: string, p: number): [number, number] {
  let depth = 0;
  for (;;) {
    let q = p;
    while (q < s.length && q - p < 3 && (s.charCodeAt(q) === 32 || s.charCodeAt(q) === 9)) q++;
    if (s.charCodeAt(q) !== 62) return [p, depth];
    depth++;
    p = q + 1;
    if (s.charCodeAt(p) === 32) p++;
  }
}

/** journalctl -o json / export-as-json line: {"MESSAGE": "...", "__MONOTONIC_TIMESTAMP": "1234", ...}. */
function parseJournalJson(s: string, rec: Rec, q: PrefixQuirks): boolean {
  if (!s.includes('"MESSAGE"')) return false;
  let o: unknown;
  try {
    o = JSON.parse(s.slice(s.indexOf('{')));
  } catch {
    return false;
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) return false;
  const j = o as Record<string, unknown>;
  const m = j.MESSAGE;
  let text: string | null = null;
  // The line was decoded one character per byte, so a MESSAGE string is already a byte string.
  if (typeof m === 'string') text = m;
  else if (Array.isArray(m) && m.every((x) => typeof x === 'number')) text = Buffer.from(m as number[]).toString('latin1');
  if (text === null) return false;
  rec.text = text;
  rec.prefixed = true;
  const mono = Number(j.__MONOTONIC_TIMESTAMP);
  if (Number.isFinite(mono) && mono >= 0) {
    rec.ts = mono / 1e6;
    rec.tsKind = TsKind.Absolute;
    rec.zeroTs = mono === 0;
    q.absolute = true;
  }
  if (typeof j._BOOT_ID === 'string') rec.bootId = j._BOOT_ID;
  const rt = Number(j.__REALTIME_TIMESTAMP);
  if (Number.isFinite(rt) && rt > 0) {
    const d = new Date(rt / 1000);
    if (!Number.isNaN(d.getTime())) rec.wall = d.toISOString();
  }
  q.prefixes.add('journal-json');
  return true;
}

const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000];

/**
 * The common case without a regex: "[ seconds] text" (spaces, 1-12 digits, ".", 1-9 digits, "]"), no
 * caller id, no "host kernel:". Returns the Rec parseRecord() would, or null for anything else.
 */
function plainStamped(s: string, line: number, q: PrefixQuirks): Rec | null {
  if (s.charCodeAt(0) !== 91) return null;
  let p = 1;
  let c = s.charCodeAt(p);
  while (c === 32) c = s.charCodeAt(++p);
  const i0 = p;
  let ip = 0;
  while (c >= 48 && c <= 57) {
    ip = ip * 10 + (c - 48);
    c = s.charCodeAt(++p);
  }
  if (p === i0 || p - i0 > 12 || c !== 46) return null;
  const f0 = ++p;
  let fp = 0;
  c = s.charCodeAt(p);
  while (c >= 48 && c <= 57) {
    fp = fp * 10 + (c - 48);
    c = s.charCodeAt(++p);
  }
  const fLen = p - f0;
  // Anything else after the digits ("<...>" of dmesg -d) is the regex's business.
  if (fLen === 0 || fLen > 9 || c !== 93) return null;
  p++;
  if (s.charCodeAt(p) === 32) p++;
  // A caller id, or "host kernel:" (journalctl -o short-monotonic): the regexes decide.
  if (s.charCodeAt(p) === 91 || s.includes(' kernel:', p)) return null;
  // As parseStamp: Number(ip) + Number(fp) / 10 ** digits (the integers are exact either way).
  const ts = ip + fp / POW10[fLen];
  q.absolute = true;
  const text = s.slice(p).trimEnd();
  return { line, text, ts, tsKind: TsKind.Absolute, zeroTs: ts === 0, prefixed: true, quote: 0, wall: null, bootId: null, t: null, width: p + text.length };
}

/** Parse the prefixes of one logical line. */
export function parseRecord(raw: string, line: number, q: PrefixQuirks): Rec {
  if (!raw.includes('\x1b')) {
    const plain = plainStamped(raw, line, q);
    if (plain !== null) return plain;
  }
  return parseRecordGeneral(raw, line, q);
}

/** parseRecord() without the shortcut for plain stamped lines (tests check that both agree). */
export function parseRecordGeneral(raw: string, line: number, q: PrefixQuirks): Rec {
  let s = raw;
  if (s.includes('\x1b')) s = s.replace(ANSI, '');
  const rec: Rec = { line, text: '', ts: null, tsKind: TsKind.None, zeroTs: false, prefixed: false, quote: 0, wall: null, bootId: null, t: null, width: 0 };
  const [afterQuotes, depth] = skipQuotes(s, 0);
  let p = afterQuotes;
  rec.quote = depth;
  if (depth) q.mailQuoted = true;

  const c = s.charCodeAt(p);
  // Wrappers.
  if (c === 123 /* { */ && parseJournalJson(s.slice(p), rec, q)) {
    rec.text = rec.text.trimEnd();
    rec.width = s.trimEnd().length;
    return rec;
  }
  let m: RegExpExecArray | null;
  if (c >= 48 && c <= 57) {
    if ((m = stickyAt(ISO, s, p))) {
      rec.wall = m[1];
      rec.prefixed = true;
      p = ISO.lastIndex;
      if (stickyAt(ISO_HOST, s, p)) p = ISO_HOST.lastIndex;
      q.prefixes.add('iso8601');
      q.wallclock = true;
    } else if ((m = stickyAt(SHORT_UNIX, s, p))) {
      const d = new Date(Number(m[1]) * 1000);
      rec.wall = Number.isNaN(d.getTime()) ? m[1] : d.toISOString();
      rec.prefixed = true;
      p = SHORT_UNIX.lastIndex;
      q.prefixes.add('journal-unix');
      q.wallclock = true;
    } else if ((m = stickyAt(KMSG, s, p))) {
      rec.ts = Number(m[3]) / 1e6;
      rec.tsKind = TsKind.Absolute;
      rec.zeroTs = /^0+$/.test(m[3]);
      rec.prefixed = true;
      p = KMSG.lastIndex;
      q.prefixes.add('kmsg');
      q.absolute = true;
    }
  } else if (c >= 65 && c <= 90 && (m = stickyAt(SYSLOG, s, p))) {
    rec.wall = m[1];
    rec.prefixed = true;
    p = SYSLOG.lastIndex;
    q.prefixes.add('syslog');
    q.wallclock = true;
  } else if (c >= 65 && c <= 90 && (m = stickyAt(SHORT_FULL, s, p))) {
    rec.wall = m[1];
    rec.prefixed = true;
    p = SHORT_FULL.lastIndex;
    q.prefixes.add('journal-full');
    q.wallclock = true;
  } else if (c >= 97 && c <= 122) {
    if (stickyAt(DMESG_X, s, p)) {
      rec.prefixed = true;
      p = DMESG_X.lastIndex;
      q.prefixes.add('dmesg-decode');
    } else if (stickyAt(LOGFMT_START, s, p) && (m = LOGFMT_MSG.exec(s.slice(p)))) {
      const tm = LOGFMT_TIME.exec(s.slice(p));
      if (tm) rec.wall = tm[1] ?? tm[2];
      s = unescapeLogfmt(m[1] ?? m[2]);
      p = 0;
      rec.prefixed = true;
      q.prefixes.add('logfmt');
    }
  }

  // Level, stamp, caller id.
  if (stickyAt(LEVEL, s, p)) {
    p = LEVEL.lastIndex;
    rec.prefixed = true;
    q.prefixes.add('level');
  }
  let end = parseStamp(s, p, rec, q);
  if (end < 0 && !rec.prefixed) {
    // Something unknown in front of a stamp (grep -H "file:", a tool's own prefix): drop it.
    const e = EMBEDDED.exec(s.length - p > 256 ? s.slice(p, p + 256) : s.slice(p));
    if (e && e.index > 0) {
      p += e.index;
      q.prefixes.add('wrapper');
      if (stickyAt(LEVEL, s, p)) p = LEVEL.lastIndex;
      end = parseStamp(s, p, rec, q);
    }
  }
  if (end >= 0) {
    p = end;
    if (stickyAt(CALLER, s, p)) {
      p = CALLER.lastIndex;
      q.prefixes.add('caller-id');
    }
    if (stickyAt(HOST_KERNEL, s, p)) p = HOST_KERNEL.lastIndex;
  } else if (!rec.prefixed && line <= 1 && stickyAt(FRAGMENT, s, p)) {
    // The first line of an excerpt, cut inside its stamp.
    p = FRAGMENT.lastIndex;
    rec.prefixed = true;
  }
  rec.text = s.slice(p).trimEnd();
  rec.width = p + rec.text.length;
  return rec;
}

/** Parse a stamp at p into rec; returns the position after it (and one space), or -1. */
function parseStamp(s: string, p: number, rec: Rec, q: PrefixQuirks): number {
  if (s.charCodeAt(p) !== 91) return -1;
  let m = stickyAt(STAMP, s, p);
  let end: number;
  if (m) {
    const [, sign, ip, fp] = m;
    const v = signed(sign ?? '', ip, fp);
    if (sign) {
      relative(v, rec, q);
    } else {
      rec.ts = v;
      rec.tsKind = TsKind.Absolute;
      rec.zeroTs = v === 0;
      q.absolute = true;
    }
    end = STAMP.lastIndex;
  } else if ((m = stickyAt(WALL, s, p))) {
    rec.wall = m[1];
    q.wallclock = true;
    end = WALL.lastIndex;
    // dmesg -T -d: the delta to the previous message, summed like relative stamps.
    if (m[3] !== undefined) relative(signed(m[2], m[3], m[4]), rec, q);
  } else if ((m = stickyAt(DELTA, s, p))) {
    relative(signed(m[1], m[2], m[3]), rec, q);
    end = DELTA.lastIndex;
  } else {
    return -1;
  }
  rec.prefixed = true;
  return s.charCodeAt(end) === 32 ? end + 1 : end;
}

/** "-" / "+" / "", integer and fraction digits -> seconds. */
function signed(sign: string, ip: string, fp: string): number {
  const v = Number(ip) + Number(fp) / 10 ** fp.length;
  return sign === '-' ? -v : v;
}

function relative(delta: number, rec: Rec, q: PrefixQuirks): void {
  rec.ts = delta;
  rec.tsKind = TsKind.Relative;
  q.relative = true;
}
