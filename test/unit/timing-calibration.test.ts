// Calibration fits the constraint that binds in the isolated run (src/core/init/calibration.ts): a
// deferred-init time measured with all of a node's CPUs (what a 6.12 dmesg line is, on any node with more
// than ~11 CPUs) is bandwidth-bound in the model, so it scales the node write bandwidth ("writeBw:<media>"),
// not the per-page cost, which would slow every single-threaded phase by the same factor.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatTimingTable } from '../../src/core/init/report';
import { MEDIA_SOURCES } from '../../src/core/init/cost_model';
import { PMEM_W2, SKYLAKE_J3, assertWithin, timing, workloadOf } from './timing-helpers';

describe('calibration: a full-thread deferred point (J3 Skylake, 52 CPUs per node)', () => {
  const w = workloadOf(SKYLAKE_J3);
  const plain = timing(w);
  const at52 = (ms: number) => [{ phase: 'deferred', node: 1, threads: 52, ms }];

  it('172 ms at 52 threads scales writeBw:dram (x0.966), not initPage:dram; the per-page cost and early init are untouched', () => {
    const t = timing(w, { calibration: at52(172) });
    assert.deepEqual(t.problems, []);
    assert.equal(t.calibration.length, 1);
    const c = t.calibration[0];
    assert.equal(c.scaled, 'writeBw:dram');
    assertWithin(c.scale, 166.2 / 172, 0.01, 'bandwidth multiplier');
    assertWithin(c.predictedMs, 172, 0.001, 'the point is reproduced');
    assertWithin(t.nodes[1].deferredMs, 172, 0.005, 'node 1 deferred');
    assert.equal(t.nodes[0].earlyMs, plain.nodes[0].earlyMs, 'early memmap_init (one CPU) is not slowed down');
    // The thread-count predictions from the per-page cost stay where the 1-thread J3 figures put them.
    const one = timing(w, { deferredInitThreads: 1, calibration: at52(172) });
    assertWithin(one.nodes[1].deferredMs, 1785.7, 0.001, 'thr 1 keeps the J3 per-page cost');
    assertWithin(one.nodes[1].deferredMs, 1717.7, 0.05, 'J3 thr 1');
    const six = timing(w, { deferredInitThreads: 6, calibration: at52(172) });
    assertWithin(six.nodes[1].deferredMs, 359.3, 0.25, 'J3 thr 6');
  });

  it("J3's own 52-thread figure, 138 ms, is reachable: the bandwidth is raised (x1.20), not refused", () => {
    const t = timing(w, { calibration: at52(138) });
    assert.deepEqual(t.problems, []);
    assert.equal(t.calibration[0].scaled, 'writeBw:dram');
    assertWithin(t.calibration[0].scale, 166.2 / 138, 0.01, 'bandwidth multiplier');
    assertWithin(t.nodes[1].deferredMs, 138, 0.005, 'node 1 deferred');
    assert.match(formatTimingTable(t), /writeBw:dram x1\.20\d/);
  });

  it('a 1-thread point and a 52-thread point fit one key each, and both are reproduced', () => {
    const t = timing(w, { calibration: [{ phase: 'deferred', node: 1, threads: 0, ms: 1785.7 }, ...at52(138)] });
    assert.deepEqual(
      t.calibration.map((c) => c.scaled),
      ['initPage:dram', 'writeBw:dram'],
    );
    for (const c of t.calibration) assertWithin(c.predictedMs, c.measuredMs, 0.005, `${c.scaled} point`);
  });

  it('a CPU-bound point (8 threads, below the ~10.7-thread saturation) still scales the per-page cost', () => {
    const t = timing(w, { calibration: [{ phase: 'deferred', node: 1, threads: 8, ms: 300 }] });
    assert.equal(t.calibration[0].scaled, 'initPage:dram');
    assert.ok(t.calibration[0].scale > 1);
  });

  it('a point neither key can reach is reported, naming both ranges', () => {
    const t = timing(w, { calibration: at52(10) });
    assert.equal(t.calibration.length, 0);
    assert.equal(t.problems.length, 1);
    assert.match(t.problems[0].message, /writeBw:dram \([\d.]+ ms \.\. [\d.]+ ms\) or initPage:dram \([\d.]+ ms \.\. [\d.]+ ms\)/);
    assert.match(t.problems[0].message, /bound by the node write bandwidth/);
    assert.deepEqual(t.problems[0].path, ['machine', 'calibration', 0, 'ms']);
  });

  it('threads above the node CPUs: a warning at the point, the point still used', () => {
    const t = timing(w, { calibration: [{ phase: 'deferred', node: 1, threads: 64, ms: 172 }] });
    const p = t.problems.find((x) => /64 threads on node 1, which has 52 CPUs/.test(x.message));
    assert.ok(p, JSON.stringify(t.problems));
    assert.equal(p.severity, 'warning');
    assert.deepEqual(p.path, ['machine', 'calibration', 0, 'threads']);
    assert.equal(t.calibration.length, 1);
  });
});

describe('calibration: the bandwidth multiplier applies wherever nodeWriteGBps is used', () => {
  it('an 8-thread ZONE_DEVICE point on PMEM (W2: bandwidth-bound) scales writeBw:pmem', () => {
    const w = workloadOf(PMEM_W2);
    const base = timing(w, { memmapInitThreads: 8 });
    const target = base.devices[0].initMs * 1.2;
    const t = timing(w, { memmapInitThreads: 8, calibration: [{ phase: 'zoneDevice', device: 'namespace0.0', threads: 8, ms: target }] });
    assert.equal(t.calibration[0].scaled, 'writeBw:pmem');
    assertWithin(t.calibration[0].scale, 1 / 1.2, 0.02, '1/1.2 of the bandwidth');
    assertWithin(t.devices[0].initMs, target, 0.005, 'reproduced');
    assert.equal(t.params.media.pmem.nodeWriteGBps, MEDIA_SOURCES.pmem.nodeWriteGBps.value, 'the defaults are not mutated: the scale is reported');
    // One thread is bound by its own write rate (2.65 GB/s, below the calibrated 3.87 GB/s of the node): unchanged.
    const one = timing(w, { memmapInitThreads: 1, calibration: [{ phase: 'zoneDevice', device: 'namespace0.0', threads: 8, ms: target }] });
    assertWithin(one.devices[0].initMs, timing(w, { memmapInitThreads: 1 }).devices[0].initMs, 0.001, 'single thread');
  });
});
