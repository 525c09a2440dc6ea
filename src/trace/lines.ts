// Splitting chunks into lines without copying: the callback gets the chunk string and the line's bounds
// (end excludes "\n"; a CR before it is the caller's business). A line that spans chunks is glued into a
// string of its own (inChunk = false). Lines longer than MAX_LINE are cut (the rest up to the newline is
// skipped), so memory stays bounded on input without newlines.
//
// Text with CR-only line endings (encoding.ts crOnlyOf: no LF in its first CR_LOOK characters, a lone CR
// there) has each lone CR read as a line break, as analyze.ts reads such a file: the text is held until
// that is known (an LF seen, CR_LOOK characters, or the end), which does not depend on how it is chunked.

import { CR_LOOK, CrToLfText, crOnlyOf } from './encoding';

export const MAX_LINE = 1 << 20;

const enum Endings {
  Undecided,
  Lf,
  CrOnly,
}

export class LineSplitter {
  longLinesCut = 0;
  private carry = '';
  private cut = false;
  private endings = Endings.Undecided;
  /** The text held while the line endings are undecided. */
  private head = '';
  private cr: CrToLfText | null = null;

  constructor(
    private readonly onLine: (s: string, start: number, end: number, inChunk: boolean) => void,
    /** Called before the lines of a chunk, with the offset of its first whole line. */
    private readonly onChunk?: (s: string, from: number) => void,
  ) {}

  /** The text has CR-only line endings: each lone CR was read as a line break. */
  get crOnly(): boolean {
    return this.endings === Endings.CrOnly;
  }

  push(s: string): void {
    if (this.endings === Endings.Lf) {
      this.split(s);
      return;
    }
    if (this.endings === Endings.Undecided) {
      const h = this.head + s;
      if (h.length < CR_LOOK && !h.includes('\n')) {
        this.head = h;
        return;
      }
      this.head = '';
      this.decide(h);
      s = h;
    }
    this.split(this.cr === null ? s : this.cr.push(s));
  }

  private decide(h: string): void {
    if (crOnlyOf(h)) {
      this.endings = Endings.CrOnly;
      this.cr = new CrToLfText();
    } else {
      this.endings = Endings.Lf;
    }
  }

  private split(s: string): void {
    let pos = 0;
    if (this.carry.length || this.cut) {
      const nl = s.indexOf('\n');
      if (nl < 0) {
        this.addCarry(s);
        return;
      }
      this.addCarry(s.slice(0, nl));
      this.flushCarry();
      pos = nl + 1;
    }
    this.onChunk?.(s, pos);
    for (;;) {
      const nl = s.indexOf('\n', pos);
      if (nl < 0) break;
      if (nl - pos > MAX_LINE) {
        this.longLinesCut++;
        this.onLine(s, pos, pos + MAX_LINE, true);
      } else {
        this.onLine(s, pos, nl, true);
      }
      pos = nl + 1;
    }
    if (pos < s.length) this.addCarry(s.slice(pos));
  }

  /** End of input: the last line, if it had no newline. */
  end(): void {
    if (this.endings === Endings.Undecided) {
      const h = this.head;
      this.head = '';
      this.decide(h);
      if (h !== '') this.push(h);
    }
    if (this.cr !== null) {
      const rest = this.cr.end();
      if (rest !== '') this.split(rest);
    }
    if (this.carry.length || this.cut) this.flushCarry();
  }

  private flushCarry(): void {
    const line = this.carry;
    this.carry = '';
    this.cut = false;
    this.onLine(line, 0, line.length, false);
  }

  private addCarry(s: string): void {
    if (this.cut) return;
    if (this.carry.length + s.length > MAX_LINE) {
      this.carry += s.slice(0, MAX_LINE - this.carry.length);
      this.cut = true;
      this.longLinesCut++;
    } else {
      this.carry += s;
    }
  }
}
