import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { GiB, MiB } from '../../src/config/units';
import { IntervalSet, simulateMemmap } from '../../src/core';
import { makeConfig } from './core-helpers';

/** The set as a bitmap over [0, N): the definition IntervalSet must agree with. */
const N = 64;
const bits = (runs: { start: number; end: number }[]) => {
  const b = new Array<boolean>(N).fill(false);
  for (const r of runs) for (let i = r.start; i < r.end; i++) b[i] = true;
  return b;
};
const interval = fc.tuple(fc.nat(N), fc.nat(N)).map(([a, b]) => ({ start: Math.min(a, b), end: Math.max(a, b) }));

describe('core IntervalSet: sorted merged runs, with an undo journal for VmemmapSpace snapshots', () => {
  it('add / measure / intersects / segments agree with a bitmap (property)', () => {
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 30 }), interval, (adds, q) => {
        const s = new IntervalSet();
        const b = new Array<boolean>(N).fill(false);
        for (const a of adds) {
          let fresh = 0;
          for (let i = a.start; i < a.end; i++) {
            if (!b[i]) fresh++;
            b[i] = true;
          }
          assert.equal(s.add(a.start, a.end), fresh);
        }
        assert.deepEqual(bits(s.runs()), b);
        assert.equal(s.total, b.filter(Boolean).length);
        // runs are sorted, disjoint and not touching (merged)
        const runs = s.runs();
        for (let i = 1; i < runs.length; i++) assert.ok(runs[i - 1].end < runs[i].start);
        const inQ = b.slice(q.start, q.end).filter(Boolean).length;
        assert.equal(s.measure(q.start, q.end), inQ);
        assert.equal(s.intersects(q.start, q.end), inQ > 0);
        const segs = s.segments(q.start, q.end);
        let at = q.start;
        for (const g of segs) {
          assert.equal(g.start, at);
          assert.ok(g.end > g.start);
          for (let i = g.start; i < g.end; i++) assert.equal(b[i], g.covered);
          at = g.end;
        }
        assert.equal(at, q.end > q.start ? q.end : q.start);
      }),
      { numRuns: 300 },
    );
  });

  it('rollback(mark) restores exactly the set at the mark, with nested marks (property)', () => {
    type Op = { kind: 'add'; r: { start: number; end: number } } | { kind: 'mark' } | { kind: 'rollback' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 4, arbitrary: interval.map((r) => ({ kind: 'add' as const, r })) },
      { weight: 1, arbitrary: fc.constant({ kind: 'mark' as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'rollback' as const }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const s = new IntervalSet({ journal: true });
        // The model: a copy of the runs and total at each open mark.
        const marks: { mark: number; runs: { start: number; end: number }[]; total: number }[] = [];
        for (const o of ops) {
          if (o.kind === 'add') s.add(o.r.start, o.r.end);
          else if (o.kind === 'mark') marks.push({ mark: s.mark(), runs: s.runs(), total: s.total });
          else {
            const m = marks.pop();
            if (!m) continue;
            s.rollback(m.mark);
            assert.deepEqual(s.runs(), m.runs);
            assert.equal(s.total, m.total);
          }
        }
        // Unwinding every open mark, innermost first, gets back each state in turn.
        while (marks.length) {
          const m = marks.pop()!;
          s.rollback(m.mark);
          assert.deepEqual(s.runs(), m.runs);
          assert.equal(s.total, m.total);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a set without a journal refuses mark(); a mark past the journal is refused', () => {
    assert.throws(() => new IntervalSet().mark(), /keeps no journal/);
    const s = new IntervalSet({ journal: true });
    s.add(0, 4);
    const m = s.mark();
    s.rollback(0);
    assert.throws(() => s.rollback(m), /not a mark/);
  });
});

describe('core VmemmapSpace snapshots: a failed __add_pages() leaves no trace', () => {
  // riscv64 6.12 gives every piece a whole PMD, so a map=dev namespace 2 MiB past a section runs out of
  // altmap half way through its populate (see core-vmemmap.test.ts); the namespace after it must see the
  // vmemmap space and page tables exactly as if the failed one had never been tried.
  const base = { arch: 'riscv64' as const, ram: { size: 16 * GiB } };
  const failing = { name: 'bad', start: 64 * GiB + 2 * MiB, size: 16 * GiB };
  const ok = { name: 'good', start: 64 * GiB + 32 * GiB, size: 16 * GiB, map: 'mem' as const };
  // The same namespace next to the failed one's vmemmap (shares its page tables): still what it is alone.
  const neighbour = { name: 'next', start: 64 * GiB + 16 * GiB, size: 16 * GiB, map: 'mem' as const };
  // The same range again, section aligned (it fits then): it populates the very vmemmap blocks the failed
  // attempt had populated before it ran out.
  const retry = { name: 'retry', start: 64 * GiB, size: 16 * GiB };

  for (const other of [ok, neighbour, retry]) {
    it(`${other.name}: the same record and totals with or without the failed namespace before it`, () => {
      const withFail = simulateMemmap(makeConfig({ ...base, devices: [failing, other] }));
      const alone = simulateMemmap(makeConfig({ ...base, devices: [other] }));
      assert.equal(withFail.memmap.devices[0].status, 'failed');
      const { path: _p1, ...a } = withFail.memmap.devices[1];
      const { path: _p2, ...b } = alone.memmap.devices[0];
      assert.deepEqual(a, b);
      assert.equal(withFail.memmap.totalBytes, alone.memmap.totalBytes);
      assert.deepEqual(withFail.memmap.nodes, alone.memmap.nodes);
    });
  }
});
