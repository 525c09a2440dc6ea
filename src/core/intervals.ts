// A set of disjoint half-open integer intervals [start, end), kept sorted and merged.
//
// The simulator never walks pages or sections one by one: sections, vmemmap pages, PMD blocks and
// page-table units are all tracked as runs. Every operation here costs O(log n + k) in the number of
// stored runs n (k = runs touched), independent of how many units the runs describe, so a 1 PiB
// machine costs what a 1 TiB one does.

export interface Interval {
  start: number;
  end: number;
}

/** One piece of a query range, either already covered by the set or not. */
export interface Segment extends Interval {
  covered: boolean;
}

export class IntervalSet {
  private starts: number[] = [];
  private ends: number[] = [];
  private size = 0;
  /** The undo journal (only for a set made with `journal`): per add(), where it spliced, how many runs it
   *  replaced and the size before; the replaced runs' bounds in jRuns. */
  private readonly journal: { at: number[]; removed: number[]; size: number[]; runs: number[] } | null;

  /** `journal`: keep what add() changes, so that rollback() can undo it (VmemmapSpace's snapshots): a
   *  rollback then costs what the adds since the mark cost, not a copy of the whole set. */
  constructor(options?: { journal: boolean }) {
    this.journal = options?.journal ? { at: [], removed: [], size: [], runs: [] } : null;
  }

  /** Total number of units covered. */
  get total(): number {
    return this.size;
  }

  runs(): Interval[] {
    return this.starts.map((s, i) => ({ start: s, end: this.ends[i] }));
  }

  /** A point to roll back to (the journal's length). */
  mark(): number {
    if (!this.journal) throw new Error('IntervalSet.mark(): this set keeps no journal');
    return this.journal.at.length;
  }

  /** Undo every add() since `mark`, latest first. Marks are a stack: after a rollback to m, a mark taken
   *  after m is gone. */
  rollback(mark: number): void {
    const J = this.journal;
    if (!J || mark > J.at.length) throw new Error('IntervalSet.rollback(): not a mark of this set');
    for (let e = J.at.length - 1; e >= mark; e--) {
      const i = J.at[e];
      const k = J.removed[e];
      const from = J.runs.length - 2 * k;
      const starts: number[] = [];
      const ends: number[] = [];
      for (let r = from; r < J.runs.length; r += 2) {
        starts.push(J.runs[r]);
        ends.push(J.runs[r + 1]);
      }
      J.runs.length = from;
      this.starts.splice(i, 1, ...starts);
      this.ends.splice(i, 1, ...ends);
      this.size = J.size[e];
    }
    J.at.length = mark;
    J.removed.length = mark;
    J.size.length = mark;
  }

  /** Index of the first run whose end is > x (the first run that can contain or follow x). */
  private firstEndingAfter(x: number): number {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.ends[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Add [start, end); returns how many units were not covered before. */
  add(start: number, end: number): number {
    if (end <= start) return 0;
    const before = this.measure(start, end);
    // Runs that overlap or touch [start, end) are merged: ends[i] >= start and starts[i] <= end.
    const i = this.firstEndingAfter(start - 1); // first run with end >= start
    let j = i;
    let ns = start;
    let ne = end;
    while (j < this.starts.length && this.starts[j] <= end) {
      if (this.starts[j] < ns) ns = this.starts[j];
      if (this.ends[j] > ne) ne = this.ends[j];
      j++;
    }
    let removed = 0;
    for (let k = i; k < j; k++) removed += this.ends[k] - this.starts[k];
    const J = this.journal;
    if (J) {
      J.at.push(i);
      J.removed.push(j - i);
      J.size.push(this.size);
      for (let k = i; k < j; k++) J.runs.push(this.starts[k], this.ends[k]);
    }
    this.starts.splice(i, j - i, ns);
    this.ends.splice(i, j - i, ne);
    this.size += ne - ns - removed;
    return end - start - before;
  }

  /** Number of units of [start, end) that are covered. */
  measure(start: number, end: number): number {
    if (end <= start) return 0;
    let n = 0;
    for (let i = this.firstEndingAfter(start); i < this.starts.length && this.starts[i] < end; i++) {
      n += Math.min(end, this.ends[i]) - Math.max(start, this.starts[i]);
    }
    return n;
  }

  /** True when some unit of [start, end) is covered. */
  intersects(start: number, end: number): boolean {
    if (end <= start) return false;
    const i = this.firstEndingAfter(start);
    return i < this.starts.length && this.starts[i] < end;
  }

  /** Split [start, end) into consecutive covered / uncovered segments, in order. */
  segments(start: number, end: number): Segment[] {
    const out: Segment[] = [];
    let cur = start;
    for (let i = this.firstEndingAfter(start); i < this.starts.length && this.starts[i] < end && cur < end; i++) {
      const s = Math.max(cur, this.starts[i]);
      const e = Math.min(end, this.ends[i]);
      if (s > cur) out.push({ start: cur, end: s, covered: false });
      if (e > s) out.push({ start: s, end: e, covered: true });
      cur = Math.max(cur, e);
    }
    if (cur < end) out.push({ start: cur, end, covered: false });
    return out;
  }
}

/**
 * Distinct units of size `unit` touched by the byte interval [start, end): the index range
 * [floor(start / unit), ceil(end / unit)).
 */
export function unitRange(start: number, end: number, unit: number): Interval {
  return { start: (start - (start % unit)) / unit, end: (end - 1 - ((end - 1) % unit)) / unit + 1 };
}
