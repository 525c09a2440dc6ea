// The thread timeline's rows and bar aggregation (src/report/gantt.ts): grouping of similar helper
// threads, the bound on bars per row whatever the span count, conservation of busy time, critical spans
// never merged away, and the zoom/pan window arithmetic.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadConfigFile } from '../../src/config/load';
import { dashboardModel } from '../../src/report/dashboard-run';
import { aggregateBars, buildLanes, clampWindow, panWindow, threadPattern, zoomWindow } from '../../src/report/gantt';
import { SPAN_CRITICAL, SPAN_OVERHEAD, SPAN_WAIT, type TimelineModel, type TimelineSpan } from '../../src/protocol/dashboard';

const root = join(__dirname, '..', '..');
const defaultTimeline = () => dashboardModel(loadConfigFile(join(root, 'examples', 'default.memmap.yaml')), 'default.memmap.yaml').timeline!;

/** A synthetic timeline: `threads` threads of `perThread` back-to-back spans, every 7th critical, every 5th a wait. */
function synthetic(threads: number, perThread: number, durUs = 10): TimelineModel {
  const spans: TimelineSpan[] = [];
  for (let t = 0; t < threads; t++) {
    for (let i = 0; i < perThread; i++) {
      const flags = (i % 7 === 0 && t === 0 ? SPAN_CRITICAL : 0) | (i % 5 === 4 ? SPAN_WAIT : 0);
      spans.push([t, i * durUs, (i + 1) * durUs, i % 3, -1, 100, flags, 0, 1]);
    }
  }
  return {
    endUs: perThread * durUs,
    bootUs: perThread * durUs,
    memoryLineUs: 0,
    threads: Array.from({ length: threads }, (_, i) => ({ name: i === 0 ? 'swapper/0' : `padata n0.${i}`, process: 'node 0', cpuNode: 0 })),
    phases: ['a', 'b', 'c'],
    targets: [],
    strings: ['cost'],
    spans,
    markers: [],
    totalSpans: spans.length,
  };
}

describe('gantt rows', () => {
  it('threadPattern names groups of similar threads', () => {
    assert.equal(threadPattern('padata n0.12'), 'padata n0.*');
    assert.equal(threadPattern('pgdatinit1'), 'pgdatinit*');
    assert.equal(threadPattern('swapper/0'), 'swapper/*');
    assert.equal(threadPattern('probe namespace0.0'), 'probe namespace0.*');
  });

  it('default example: 107 threads collapse to 8 rows; critical threads keep their own row', () => {
    const t = defaultTimeline();
    const lanes = buildLanes(t, true);
    assert.deepEqual(
      lanes.map((l) => l.label),
      ['swapper/0', 'pgdatinit0', 'pgdatinit1', 'padata n0.* ×51', 'padata n1.* ×50', 'padata n1.45', 'padata hugetlb gather 1', 'probe namespace0.0'],
    );
    assert.deepEqual(
      lanes.filter((l) => l.critical).map((l) => l.label),
      ['swapper/0', 'pgdatinit1', 'padata n1.45', 'probe namespace0.0'],
    );
    const covered = lanes.flatMap((l) => l.threads).sort((a, b) => a - b);
    assert.deepEqual(covered, t.threads.map((_, i) => i), 'every thread in exactly one row');
    assert.equal(buildLanes(t, false).length, t.threads.length);
  });

  it('bars: one per span when zoomed in far enough; merged when zoomed out', () => {
    const t = defaultTimeline();
    const lanes = buildLanes(t, false);
    const fine = aggregateBars(t, lanes, { fromUs: 0, toUs: t.endUs, bucketsPerLane: 1e9, showWaits: true });
    assert.equal(fine.length, t.spans.length);
    assert.ok(fine.every((b) => b.count === 1 && b.span >= 0));
    const coarse = aggregateBars(t, buildLanes(t, true), { fromUs: 0, toUs: t.endUs, bucketsPerLane: 100, showWaits: true });
    assert.ok(coarse.length < 60, `${coarse.length} bars`);
    assert.equal(
      coarse.reduce((a, b) => a + b.count, 0),
      t.spans.length,
    );
    const noWaits = aggregateBars(t, lanes, { fromUs: 0, toUs: t.endUs, bucketsPerLane: 1e9, showWaits: false });
    assert.equal(noWaits.length, t.spans.filter((s) => !(s[6] & SPAN_WAIT)).length);
  });
});

describe('gantt aggregation bounds', () => {
  it('100 000 spans on 10 threads: at most 8 x (buckets + 1) bars per row, busy time and span count conserved', () => {
    const t = synthetic(10, 10_000);
    const lanes = buildLanes(t, false);
    const buckets = 200;
    const bars = aggregateBars(t, lanes, { fromUs: 0, toUs: t.endUs, bucketsPerLane: buckets, showWaits: true });
    for (let l = 0; l < lanes.length; l++) assert.ok(bars.filter((b) => b.lane === l).length <= 8 * (buckets + 1));
    assert.ok(bars.length <= 10 * 3 * (buckets + 1), `${bars.length} bars`);
    assert.equal(
      bars.reduce((a, b) => a + b.count, 0),
      t.spans.length,
    );
    const busy = bars.reduce((a, b) => a + b.busyUs, 0);
    assert.ok(Math.abs(busy - t.spans.reduce((a, s) => a + s[2] - s[1], 0)) < 1e-6);
  });

  it('property: every span lies inside a bar of its row, kind and criticality; counts are conserved', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.tuple(fc.nat(5), fc.nat(10_000), fc.integer({ min: 0, max: 500 }), fc.nat(7)), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 50 }),
        fc.boolean(),
        (threads, raw, buckets, collapse) => {
          const spans: TimelineSpan[] = raw.map(([th, start, dur, flags]) => [th % threads, start, start + dur, flags % 3, -1, 1, flags & 7, 0, 1]);
          const t: TimelineModel = { ...synthetic(threads, 0), endUs: 11_000, spans, totalSpans: spans.length };
          const lanes = buildLanes(t, collapse);
          const bars = aggregateBars(t, lanes, { fromUs: 0, toUs: 11_000, bucketsPerLane: buckets, showWaits: true });
          assert.equal(
            bars.reduce((a, b) => a + b.count, 0),
            spans.length,
          );
          const laneOf = new Map(lanes.flatMap((l, i) => l.threads.map((th) => [th, i] as const)));
          for (const s of spans) {
            const cls = s[6] & (SPAN_CRITICAL | SPAN_WAIT | SPAN_OVERHEAD);
            assert.ok(
              bars.some((b) => b.lane === laneOf.get(s[0]) && b.flags === cls && b.startUs <= s[1] && b.endUs >= s[2]),
              'a span is inside a bar of its row and kind',
            );
          }
          for (const b of bars) assert.ok(b.endUs >= b.startUs && b.count >= 1 && b.threads >= 1);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('only spans that intersect the window are drawn', () => {
    const t = synthetic(2, 100);
    const bars = aggregateBars(t, buildLanes(t, false), { fromUs: 200, toUs: 300, bucketsPerLane: 1e6, showWaits: true });
    assert.ok(bars.length > 0);
    assert.ok(bars.every((b) => b.endUs >= 200 && b.startUs <= 300));
  });
});

describe('zoom and pan', () => {
  it('clampWindow keeps the window inside [0, end] with a minimum width', () => {
    assert.deepEqual(clampWindow(-50, 50, 1000), { fromUs: 0, toUs: 100 });
    assert.deepEqual(clampWindow(950, 1050, 1000), { fromUs: 900, toUs: 1000 });
    assert.deepEqual(clampWindow(0, 5000, 1000), { fromUs: 0, toUs: 1000 });
    assert.deepEqual(clampWindow(10, 10, 1000), { fromUs: 10, toUs: 11 });
    assert.deepEqual(clampWindow(NaN, NaN, 1000), { fromUs: 0, toUs: 1000 });
  });

  it('zooming keeps the point under the pointer in place; zooming back out restores the window', () => {
    const w = zoomWindow({ fromUs: 0, toUs: 1000 }, 0.5, 250, 1000);
    assert.deepEqual(w, { fromUs: 125, toUs: 625 });
    assert.deepEqual(zoomWindow(w, 2, 250, 1000), { fromUs: 0, toUs: 1000 });
  });

  it('property: zoom and pan never leave [0, end] nor invert the window', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 1e9, noNaN: true }), fc.array(fc.tuple(fc.boolean(), fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 30 }), (end, ops) => {
        let w = { fromUs: 0, toUs: end };
        for (const [zoom, x, at] of ops) {
          w = zoom ? zoomWindow(w, Math.exp(x), w.fromUs + at * (w.toUs - w.fromUs), end) : panWindow(w, x * (w.toUs - w.fromUs), end);
          assert.ok(w.fromUs >= 0 && w.toUs <= end * (1 + 1e-12) && w.toUs > w.fromUs, JSON.stringify(w));
        }
      }),
      { numRuns: 300 },
    );
  });
});
