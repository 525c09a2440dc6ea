// Published measurements as tests of the timing model. Each test names the row of
// /work/shared/reference/published-calibration.md (or docs/timing-model.md for U*/H1) it checks and
// its tolerance. "Consistency" tests re-derive a figure the defaults were chosen from (they check the
// pipeline: layout -> workload -> DES -> tables); the others are predictions.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { COST_SOURCES } from '../../src/core/init/cost_model';
import type { InitWorkload, TimingResult } from '../../src/core/init/types';
import { PMEM_W2, SKYLAKE_J3, assertWithin, timing, workloadOf } from './timing-helpers';

const slowestDeferred = (t: TimingResult): number => Math.max(...t.nodes.map((n) => n.deferredMs));

describe('J3: Skylake deferred init thread scaling (Jordan 2020), calibrated with thr 0', () => {
  const w = workloadOf(SKYLAKE_J3);
  const calibration = [{ phase: 'deferred', node: 1, threads: 0, ms: 1785.7 }];
  // thr = padata max_threads per node ("as if deferred_page_init_max_threads() returned it"); 0 = pre-padata (1 thread).
  // Predictions: the CPU-bound points, from initPageNs (thr 0) alone.
  const predictions: [number, number][] = [
    [1, 1717.7],
    [6, 359.3],
  ];
  // Consistency: dram.nodeWriteGBps is the mean of exactly these five points (166.14 ms), so they only check
  // that the pipeline reproduces their mean; each point's spread around it (stdev up to 30 ms) is noise the
  // model does not have.
  const plateau: [number, number][] = [
    [13, 157.0],
    [19, 172.0],
    [26, 173.7],
    [39, 190.0],
    [52, 138.0],
  ];
  it('reproduces the calibration point thr 0 = 1785.7 ms', () => {
    const t = timing(w, { deferredInitThreads: 1, calibration });
    assertWithin(slowestDeferred(t), 1785.7, 0.001, 'J3 thr 0');
    assert.equal(t.calibration.length, 1);
    assert.equal(t.calibration[0].scaled, 'initPage:dram');
  });
  for (const [thr, ms] of predictions) {
    it(`thr ${thr}: ${ms} ms within ±25% (prediction)`, () => {
      const t = timing(w, { deferredInitThreads: thr, calibration });
      assertWithin(slowestDeferred(t), ms, 0.25, `J3 thr ${thr}`);
      assert.equal(t.nodes[1].threads, thr);
    });
  }
  it('thr 13..52: the plateau nodeWriteGBps was fitted to (consistency): their mean within 1%, each within ±25%', () => {
    const got = plateau.map(([thr, ms]) => {
      const t = timing(w, { deferredInitThreads: thr, calibration });
      assert.equal(t.nodes[1].threads, thr);
      assertWithin(slowestDeferred(t), ms, 0.25, `J3 thr ${thr}`);
      return slowestDeferred(t);
    });
    const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
    assertWithin(mean(got), mean(plateau.map(([, ms]) => ms)), 0.01, 'J3 plateau mean (166.14 ms)');
  });
  it('the plateau is the node write bandwidth: 13..52 threads are bandwidth-bound and never faster than bytes / bandwidth', () => {
    const t = timing(w, { deferredInitThreads: 52, calibration });
    const chunks = t.spans.filter((s) => s.phase === 'deferredInit' && s.kind === 'work' && s.node === 1);
    assert.ok(chunks.every((s) => s.limitedBy === 'bandwidth'));
    const floorMs = (t.nodes[1].deferredPages * 64) / t.params.media.dram.nodeWriteGBps / 1e6;
    assert.ok(t.nodes[1].deferredMs >= floorMs - 1e-6);
  });
});

describe('W2: seed 003 multithreaded ZONE_DEVICE init, 128 GiB namespace, PMEM media bandwidth bound', () => {
  const w = workloadOf(PMEM_W2);
  it('8 threads (NR_MEMMAP_THREADS) give 1.5x to 2x (consistency: nodeWriteGBps is 1.75 x one thread\'s rate, from W2)', () => {
    const one = timing(w, { memmapInitThreads: 1 });
    const eight = timing(w, { memmapInitThreads: 8 });
    assert.equal(eight.devices[0].threads, 8);
    const speedup = one.devices[0].initMs / eight.devices[0].initMs;
    assert.ok(speedup >= 1.5 && speedup <= 2.0, `speedup ${speedup.toFixed(2)}x`);
    const pieces = eight.spans.filter((s) => s.phase === 'zoneDeviceInit');
    assert.equal(pieces.length, 8);
    assert.ok(pieces.every((s) => s.limitedBy === 'bandwidth'), 'limited by memory-media write bandwidth');
    assert.equal(pieces.reduce((a, s) => a + s.pages, 0), one.devices[0].pages - one.spans.filter((s) => s.phase === 'deviceAltmapInit').reduce((a, s) => a + s.pages, 0));
  });
  it('the log line counts the 33,029,632 data pages (kernel-mm.md 4d Case A)', () => {
    const t = timing(w);
    const m = t.markers.find((x) => x.device === 'namespace0.0');
    assert.match(m?.log ?? '', /^memmap_init_zone_device initialised 33029632 pages in \d+ms$/);
  });
});

describe('M5/M7: compound devmap bootstrap of a 128 GiB devdax namespace, map=mem (Martins 2021)', () => {
  const ns = (align: string) =>
    workloadOf(`
arch: x86_64
kernel: { version: "6.12" }
nodes:
  - { id: 0, cpus: 32, ranges: [ { start: 0x0, size: 2G }, { start: 0x100000000, size: 60G } ] }
devices:
  - { name: dax0.0, node: 0, kind: pmem, mode: devdax, start: 0x1000000000, size: 128G, align: ${align}, map: mem }
`);
  const initMs = (w: InitWorkload) => timing(w).devices[0].initMs;
  const base = initMs(ns('4K'));
  const m2 = initMs(ns('2M'));
  const g1 = initMs(ns('1G'));
  it('base pages: ~268-358 ms (consistency: zoneDevicePageNs is the midpoint)', () => {
    assert.ok(base >= 268 && base <= 358, `${base} ms`);
  });
  it('2 MiB compound: ~80-110 ms, about 3x faster (consistency: compoundPageNs is fitted to the 95 ms midpoint)', () => {
    assertWithin(m2, 95, 0.01, 'M5 2M');
    const ratio = base / m2;
    assert.ok(ratio >= 268 / 110 && ratio <= 358 / 80, `ratio ${ratio.toFixed(2)}`);
    assertWithin(ratio, 3.3, 0.25, 'M5 2M speedup');
  });
  it('1 GiB compound: < 1 ms (prediction: only 128 struct pages per compound page are written)', () => {
    assert.ok(g1 < 1, `${g1} ms`);
  });
  it('M7: 2 MiB within the 80-120 ms of v1 (the RFC 190 ms cold-cache variant is not modeled)', () => {
    assert.ok(m2 >= 80 * 0.75 && m2 <= 120 * 1.25);
  });
});

describe("D6/D7: Duyck's deferred init and PMEM per-node figures (4 sockets, 384 GB RAM + 3 TB PMEM per node)", () => {
  const GiB = 1024 ** 3;
  const hex = (n: number) => '0x' + n.toString(16);
  const nodes = [0, 1, 2, 3]
    .map((k) =>
      k === 0
        ? `  - { id: 0, cpus: 28, ranges: [ { start: 0x0, size: 2G }, { start: 0x100000000, size: 382G } ] }`
        : `  - { id: ${k}, cpus: 28, ranges: [ { start: ${hex((386 + 384 * (k - 1)) * GiB)}, size: 384G } ] }`,
    )
    .join('\n');
  const devices = [0, 1, 2, 3].map((k) => `  - { name: pmem${k}, node: ${k}, kind: pmem, mode: fsdax, start: ${hex((2048 + 3072 * k) * GiB)}, size: 3T, align: 2M, map: dev }`).join('\n');
  const w = workloadOf(`arch: x86_64\nkernel: { version: "6.12" }\nnodes:\n${nodes}\ndevices:\n${devices}\n`);
  // D6/D7 compare Duyck's deferred init series (merged in 5.2) with the tree before it (4.20 had his earlier
  // series: ZONE_DEVICE pages initialized once, outside the lock).
  const after = timing(w, { era: '5.2-5.7', calibration: [{ phase: 'deferred', node: 1, threads: 1, ms: 1060 }] });
  const scale = after.calibration[0].scale;
  const before = timing(w, { era: '4.20-5.1', costs: { initPageNs: COST_SOURCES.initPageNs.value * scale } });
  const older = timing(w, { era: 'pre-4.20', costs: { initPageNs: COST_SOURCES.initPageNs.value * scale } });

  it('D6 after (his series): one pgdatinit thread per node, 1.06 s on nodes 1-3 (calibration point on node 1)', () => {
    for (const n of after.nodes.slice(1)) {
      assert.equal(n.threads, 1);
      assertWithin(n.deferredMs, 1060, 0.01, `D6 after node ${n.id}`);
    }
  });
  it('D6 uncalibrated: the J3 (Skylake 8167M) initPageNs predicts 1.79 s, +68%: another machine needs its own calibration point', () => {
    const plain = timing(w, { era: '5.2-5.7' });
    for (const n of plain.nodes.slice(1)) {
      const err = n.deferredMs / 1060 - 1;
      assert.ok(err > 0.5 && err < 0.9, `D6 after node ${n.id}, uncalibrated: ${n.deferredMs} ms (${(100 * err).toFixed(0)}%)`);
    }
  });
  it('D6 before: 3.75 s per node (consistency: the era factor is D6)', () => {
    for (const n of before.nodes.slice(1)) assertWithin(n.deferredMs, 3750, 0.02, `D6 before node ${n.id}`);
  });
  it('D7 after: memmap_init_zone_device of 3 TB map=dev PMEM, 19.12 s per node, namespaces in parallel', () => {
    for (const d of after.devices) assertWithin(d.initMs, 19120, 0.02, `D7 after ${d.name}`);
    const inits = after.spans.filter((s) => s.phase === 'zoneDeviceInit');
    const overlap = Math.min(...inits.map((s) => s.endUs)) > Math.max(...inits.map((s) => s.startUs));
    assert.ok(overlap, 'the four namespaces initialize concurrently outside mem_hotplug_lock');
  });
  it('D7 before (4.20-5.1): 24.17 s per node, the namespaces still in parallel (init outside the lock since 4.20)', () => {
    for (const d of before.devices) assertWithin(d.initMs, 24170, 0.02, `D7 before ${d.name}`);
    // They only wait for each other's vmemmap population under mem_hotplug_lock, not for an init.
    for (const d of before.devices) assert.ok(d.lockWaitMs < 0.25 * 24170, `${d.name} waited ${d.lockWaitMs} ms for the lock`);
  });
  it('D15 (before 4.20): ZONE_DEVICE pages initialized twice ("nearly doubling"), under the hotplug lock: the namespaces serialize', () => {
    for (const d of older.devices) assertWithin(d.initMs, 2 * 24170, 0.02, `pre-4.20 ${d.name}`);
    const last = older.devices.reduce((a, d) => (d.readyAtMs > a.readyAtMs ? d : a));
    assert.ok(last.lockWaitMs > 3 * 2 * 24170 * 0.95, `last namespace waited ${last.lockWaitMs} ms for the lock`);
  });
});

describe('U1-U4: 500 x 1 GiB HugeTLB pages at boot, 512 GiB system (Arif 2023; boot-time differences)', () => {
  const cfg = (version: string, hvo: boolean) => `
arch: x86_64
kernel: { version: "${version}", hvo: ${hvo}, deferredInit: true }
nodes:
  - { id: 0, cpus: 32, ranges: [ { start: 0x0, size: 2G }, { start: 0x100000000, size: 512G } ] }
hugetlb:
  - { node: 0, pageSize: 1G, count: 500 }
`;
  const boot = (v: string, hvo: boolean) => timing(workloadOf(cfg(v, hvo))).bootMs;
  const withoutOff = boot('6.6', false);
  const withoutOn = boot('6.6', true);
  const withOff = boot('6.7', false);
  const withOn = boot('6.7', true);
  it('without the patches, HVO costs 0.32 s (U2 - U1)', () => assertWithin(withoutOn - withoutOff, 320, 0.05, 'U2-U1'));
  it('with the patches, HVO saves 0.83 s (U3 - U4)', () => assertWithin(withOff - withOn, 830, 0.05, 'U3-U4'));
  it('the series saves 2.26 s with HVO on vs the old HVO-off boot (U1 - U4)', () => assertWithin(withoutOff - withOn, 2260, 0.05, 'U1-U4'));
});

describe('H1: 2 MiB boot pools, hugepages=N, padata multiplier 2 (mm/hugetlb.c comment in hugetlb_pages_alloc_boot(), 6.12)', () => {
  // hugetlbAllocPageNs is the 256G/2-node multiplier-1 figure (358 ms); these rows are predictions at the
  // kernel's multiplier 2. The model scales that per-page cost linearly with threads (2.0x from multiplier
  // 1 to 2) where the kernel gained 1.67x (256G), 1.61x (50G) and 1.44x (2T): on 2 nodes it is 17-21% fast
  // (tolerance ±25%, as the other predictions). On 4 nodes the same per-page cost is 46% slow at
  // multiplier 1 (1432 vs 979 ms) and the two errors cancel to +5% at multiplier 2: ±10% (a model writing
  // one node at a time, as before the rotation was modelled, gave 900 ms, +33%).
  const pools = (nodes: number, perNodeGiB: number) => {
    const hex = (n: bigint) => '0x' + n.toString(16);
    const lines = Array.from({ length: nodes }, (_, i) =>
      i === 0
        ? `  - { id: 0, cpus: 64, ranges: [ { start: 0x0, size: 2G }, { start: 0x100000000, size: ${perNodeGiB + 8}G } ] }`
        : `  - { id: ${i}, cpus: 64, ranges: [ { start: ${hex((BigInt(i) * 2048n) << 30n)}, size: ${perNodeGiB + 8}G } ] }`,
    );
    const hp = Array.from({ length: nodes }, (_, i) => `  - { node: ${i}, pageSize: 2M, count: ${perNodeGiB * 512} }`);
    return workloadOf(`arch: x86_64\nkernel: { version: "6.12", hvo: false }\nnodes:\n${lines.join('\n')}\nhugetlb:\n${hp.join('\n')}\n`);
  };
  const run = (w: InitWorkload) => {
    const t = timing(w);
    const spans = t.spans.filter((s) => s.phase === 'hugetlbAlloc');
    const wall = (Math.max(...spans.map((s) => s.endUs)) - Math.min(...spans.map((s) => s.startUs))) / 1000;
    return { t, spans, wall, threads: new Set(spans.map((s) => s.tid)).size };
  };
  it('256G on 2 nodes: 215 ms with max_threads = 2 x nodes, within ±25% (the multiplier 1 point, 358 ms, gives the per-page cost)', () => {
    const w = workloadOf(`
arch: x86_64
kernel: { version: "6.12", hvo: false }
nodes:
  - { id: 0, cpus: 64, ranges: [ { start: 0x0, size: 2G }, { start: 0x100000000, size: 188G } ] }
  - { id: 1, cpus: 64, ranges: [ { start: 0x3000000000, size: 192G } ] }
hugetlb:
  - { node: 0, pageSize: 2M, count: 65536 }
  - { node: 1, pageSize: 2M, count: 65536 }
`);
    const r = run(w);
    assert.equal(r.threads, 4, 'four threads: the caller and 3 padata helpers');
    assertWithin(r.wall, 215, 0.25, 'H1 256G 2 nodes, multiplier 2');
  });
  it('2T on 4 nodes: 679 ms, within ±10% (prediction): every thread rotates its pages over the 4 nodes', () => {
    const r = run(pools(4, 512));
    assert.equal(r.threads, 8);
    assertWithin(r.wall, 679, 0.1, 'H1 2T 4 nodes, multiplier 2');
    // alloc_pool_huge_folio(..., &next_node): the 8 threads share the 4 nodes' bandwidth (152.6 GB/s), far
    // above their 48 GB/s of struct page writes: CPU-bound, not one node's 38.2 GB/s at a time.
    assert.ok(r.spans.every((s) => s.limitedBy === 'cpu'), 'no allocation is slowed by bandwidth');
    assert.match(r.spans[0].costTerm, /on dram:0\+dram:1\+dram:2\+dram:3 \(every thread's pages rotate over the nodes: 152\.\d+ GB\/s together\)/);
    for (const h of r.t.hugetlb) assert.ok(h.initMs > 0, `pool on node ${h.node} has its thread time`);
  });
  it('50G on 2 nodes: 44 ms, within ±25% (prediction; -20%: the linear thread scaling)', () => {
    const r = run(pools(2, 25));
    assert.equal(r.threads, 4);
    assertWithin(r.wall, 44, 0.25, 'H1 50G 2 nodes, multiplier 2');
  });
});
