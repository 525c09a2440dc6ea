// A small streaming JSON tokenizer: text in chunks of any size, SAX-style callbacks out. Memory is bounded
// by the longest string it keeps (longer strings are cut to MAX_STRING, the scan goes on), the longest
// number (a number longer than MAX_NUMBER characters is a syntax error) and the nesting depth. It stops at
// the first syntax error and reports where (byte offset in the input, a UTF-8 byte order mark included, for
// input decoded one character per byte).
//
// Strings come out as byte strings, like the rest of the analyzer's text (text.ts): a \uXXXX escape is
// written as the UTF-8 bytes of its character (a surrogate pair as one 4-byte character, a lone surrogate
// as U+FFFD), so toUnicode() decodes escaped and literal characters alike. Numbers are read as JSON.parse
// reads them: one too large for a double (1e400) is Infinity, not an error; the handler decides.

export interface JsonHandler {
  startObject(): void;
  endObject(): void;
  startArray(): void;
  endArray(): void;
  key(k: string): void;
  value(v: string | number | boolean | null): void;
}

export const MAX_STRING = 4096;
/** Longest number token: a double needs at most 17 significant digits, and no writer pads one to 1 KiB;
 *  past this the number is an error (located at its first byte) rather than an unbounded buffer. */
export const MAX_NUMBER = 1024;
const MAX_DEPTH = 512;

const enum S {
  Value, // a value is expected
  ValueOrEnd, // after "[": a value or "]"
  KeyOrEnd, // after "{": a key or "}"
  Key, // after "," in an object
  Colon,
  After, // after a value: "," or a closing bracket
  Str,
  Num,
  Lit,
  Done,
  Failed,
}

const WS = /[^ \t\r\n]/g;
const STR_STOP = /["\\]/g;
const NUM_CHARS = /[^0-9eE+.-]/g;
const LIT_CHARS = /[^a-z]/g;

export class JsonTokenizer {
  /** Characters consumed before the current chunk. */
  private base = 0;
  private state = S.Value;
  private stack: number[] = []; // 1 object, 2 array
  private buf = '';
  private cut = false;
  private isKey = false;
  /** An escape split across chunks: "\\" or "\\uXY". */
  private esc = '';
  /** Where the number or literal being read started (absolute offset), for its error. */
  private tokenAt = 0;
  /** A \uD800-\uDBFF escape waiting for the low half of its surrogate pair (0: none). */
  private hi = 0;
  /** Absolute offset of the last "{" or "[" reported (startObject / startArray): where that value starts. */
  start = 0;
  error: string | null = null;
  errorAt: number | null = null;

  constructor(private readonly h: JsonHandler) {}

  /** The document is complete (the root value ended). */
  get done(): boolean {
    return this.state === S.Done;
  }

  get failed(): boolean {
    return this.state === S.Failed;
  }

  /** Where reading stopped: the error offset, or the end of the input read so far. */
  get position(): number {
    return this.errorAt ?? this.base;
  }

  push(s: string): void {
    if (this.state === S.Failed) return;
    if (this.base === 0 && s.charCodeAt(0) === 0xef && s.startsWith('\xef\xbb\xbf')) {
      // Skipped, but counted: offsets are offsets in the file.
      s = s.slice(3);
      this.base = 3;
    }
    let i = 0;
    const n = s.length;
    while (i < n) {
      switch (this.state) {
        case S.Str: {
          if (this.esc) {
            i = this.escape(s, i);
            if (i < 0) return;
            continue;
          }
          STR_STOP.lastIndex = i;
          const m = STR_STOP.exec(s);
          const stop = m ? m.index : n;
          // A high surrogate followed by a plain character has no low half: it is a character of its own.
          if (this.hi && stop > i) this.appendCode(0xfffd);
          this.append(s, i, stop);
          if (!m) {
            i = n;
            continue;
          }
          if (s.charCodeAt(stop) === 34) {
            i = stop + 1;
            this.endString();
          } else {
            this.esc = '\\';
            i = stop + 1;
          }
          continue;
        }
        case S.Num: {
          NUM_CHARS.lastIndex = i;
          const m = NUM_CHARS.exec(s);
          const stop = m ? m.index : n;
          // Kept up to one character past the limit: enough to know it is too long, never more.
          this.buf += s.slice(i, Math.min(stop, i + MAX_NUMBER + 1 - this.buf.length));
          if (this.buf.length > MAX_NUMBER) {
            this.failAt(this.tokenAt, `number longer than ${MAX_NUMBER} characters`);
            return;
          }
          i = stop;
          // A bad number stops the scan here: reading on would replace its error with one about the next token.
          if (m && !this.endNumber()) return;
          continue;
        }
        case S.Lit: {
          LIT_CHARS.lastIndex = i;
          const m = LIT_CHARS.exec(s);
          const stop = m ? m.index : n;
          this.buf += s.slice(i, stop);
          if (this.buf.length > 5) {
            this.failAt(this.tokenAt, `bad literal "${this.buf.slice(0, 20)}"`);
            return;
          }
          i = stop;
          if (m && !this.endLiteral()) return;
          continue;
        }
        default: {
          WS.lastIndex = i;
          const m = WS.exec(s);
          if (!m) {
            i = n;
            continue;
          }
          i = m.index;
          if (!this.token(s, i)) return;
          i++;
        }
      }
    }
    this.base += n;
  }

  /** End of input: a number or literal at the very end of the document is complete now. */
  end(): void {
    if (this.state === S.Num) this.endNumber();
    else if (this.state === S.Lit) this.endLiteral();
  }

  private token(s: string, i: number): boolean {
    const c = s.charCodeAt(i);
    const st = this.state;
    if (st === S.Done) return this.fail(i, 'data after the end of the document');
    if (st === S.Colon) {
      if (c !== 58) return this.fail(i, 'expected ":"');
      this.state = S.Value;
      return true;
    }
    if (st === S.After) {
      const top = this.stack[this.stack.length - 1];
      if (c === 44 /* , */) {
        this.state = top === 1 ? S.Key : S.Value;
        return true;
      }
      if (c === 125 /* } */ && top === 1) return this.close(1);
      if (c === 93 /* ] */ && top === 2) return this.close(2);
      return this.fail(i, `unexpected "${s[i]}"`);
    }
    if (st === S.KeyOrEnd || st === S.Key) {
      if (c === 125 && st === S.KeyOrEnd) return this.close(1);
      if (c !== 34) return this.fail(i, 'expected a key');
      this.startString(true);
      return true;
    }
    // a value
    if (c === 93 && st === S.ValueOrEnd) return this.close(2);
    switch (c) {
      case 123:
        return this.open(1, i);
      case 91:
        return this.open(2, i);
      case 34:
        this.startString(false);
        return true;
      case 116:
      case 102:
      case 110:
        this.state = S.Lit;
        this.buf = s[i];
        this.tokenAt = this.base + i;
        return true;
      default:
        if (c === 45 || (c >= 48 && c <= 57)) {
          this.state = S.Num;
          this.buf = s[i];
          this.tokenAt = this.base + i;
          return true;
        }
        return this.fail(i, `unexpected "${s[i]}"`);
    }
  }

  private open(kind: number, i: number): boolean {
    if (this.stack.length >= MAX_DEPTH) return this.fail(i, 'nested too deep');
    this.stack.push(kind);
    this.start = this.base + i;
    if (kind === 1) {
      this.state = S.KeyOrEnd;
      this.h.startObject();
    } else {
      this.state = S.ValueOrEnd;
      this.h.startArray();
    }
    return true;
  }

  private close(kind: number): boolean {
    this.stack.pop();
    if (kind === 1) this.h.endObject();
    else this.h.endArray();
    this.afterValue();
    return true;
  }

  private afterValue(): void {
    this.state = this.stack.length ? S.After : S.Done;
  }

  private startString(isKey: boolean): void {
    this.state = S.Str;
    this.isKey = isKey;
    this.buf = '';
    this.cut = false;
  }

  private append(s: string, from: number, to: number): void {
    if (this.cut || to <= from) return;
    const room = MAX_STRING - this.buf.length;
    if (to - from > room) {
      this.buf += s.slice(from, from + room);
      this.cut = true;
    } else {
      this.buf += s.slice(from, to);
    }
  }

  /** Continue an escape sequence at s[i]; returns the next index, or -1 on error. */
  private escape(s: string, i: number): number {
    while (i < s.length) {
      this.esc += s[i++];
      const e = this.esc;
      if (e.length === 2) {
        const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e[1] === 'u') continue;
        const v = map[e[1]];
        if (v === undefined) {
          this.fail(i - 1, 'bad escape');
          return -1;
        }
        this.esc = '';
        if (this.hi) this.appendCode(0xfffd);
        this.appendChar(v);
        return i;
      }
      if (e.length === 6) {
        if (!/^\\u[0-9a-fA-F]{4}$/.test(e)) {
          this.fail(i - 1, 'bad \\u escape');
          return -1;
        }
        this.esc = '';
        this.unicodeEscape(Number.parseInt(e.slice(2), 16));
        return i;
      }
    }
    return i;
  }

  /** A \uXXXX escape: surrogate halves are paired up before the character is written. */
  private unicodeEscape(u: number): void {
    if (u >= 0xd800 && u <= 0xdbff) {
      if (this.hi) this.appendCode(0xfffd);
      this.hi = u;
    } else if (u >= 0xdc00 && u <= 0xdfff) {
      this.appendCode(this.hi ? 0x10000 + ((this.hi - 0xd800) << 10) + (u - 0xdc00) : 0xfffd);
    } else {
      if (this.hi) this.appendCode(0xfffd);
      this.appendCode(u);
    }
  }

  /** A character by code point, as its UTF-8 bytes (one string character per byte); whole or not at all. */
  private appendCode(cp: number): void {
    this.hi = 0;
    let bytes: string;
    if (cp < 0x80) bytes = String.fromCharCode(cp);
    else if (cp < 0x800) bytes = String.fromCharCode(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) bytes = String.fromCharCode(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else bytes = String.fromCharCode(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    this.appendChar(bytes);
  }

  private appendChar(c: string): void {
    if (!this.cut && this.buf.length + c.length <= MAX_STRING) this.buf += c;
    else this.cut = true;
  }

  private endString(): void {
    if (this.hi) this.appendCode(0xfffd);
    const v = this.buf;
    this.buf = '';
    if (this.isKey) {
      this.state = S.Colon;
      this.h.key(v);
    } else {
      this.h.value(v);
      this.afterValue();
    }
  }

  /** The number in buf is complete; false (and failed, located at the number's start) if it is not one.
   *  Out of a double's range is not malformed: 1e400 is Infinity, as JSON.parse reads it. */
  private endNumber(): boolean {
    if (!/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(this.buf)) {
      return this.failAt(this.tokenAt, `bad number "${this.buf.slice(0, 20)}"`);
    }
    const v = Number(this.buf);
    this.buf = '';
    this.h.value(v);
    this.afterValue();
    return true;
  }

  /** As endNumber, for true / false / null. */
  private endLiteral(): boolean {
    const b = this.buf;
    this.buf = '';
    if (b === 'true') this.h.value(true);
    else if (b === 'false') this.h.value(false);
    else if (b === 'null') this.h.value(null);
    else return this.failAt(this.tokenAt, `bad literal "${b}"`);
    this.afterValue();
    return true;
  }

  /** Fail at s[i] of the current chunk. */
  private fail(i: number, msg: string): false {
    return this.failAt(this.base + i, msg);
  }

  /** Fail at an absolute offset. */
  private failAt(at: number, msg: string): false {
    this.state = S.Failed;
    this.errorAt = at;
    this.error = msg;
    return false;
  }
}
