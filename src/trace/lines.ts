// Splitting chunks into lines without copying: the callback gets the chunk string and the line's bounds
// (end excludes "\n"; a CR before it is the caller's business). A line that spans chunks is glued into a
// string of its own (inChunk = false). Lines longer than MAX_LINE are cut (the rest up to the newline is
// skipped), so memory stays bounded on input without newlines. Lines end at LF only: text with CR-only line
// endings is transcoded before it gets here (encoding.ts CrToLf, by analyze.ts and import's second pass).

export const MAX_LINE = 1 << 20;

export class LineSplitter {
  longLinesCut = 0;
  private carry = '';
  private cut = false;

  constructor(
    private readonly onLine: (s: string, start: number, end: number, inChunk: boolean) => void,
    /** Called before the lines of a chunk, with the offset of its first whole line. */
    private readonly onChunk?: (s: string, from: number) => void,
  ) {}

  push(s: string): void {
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
