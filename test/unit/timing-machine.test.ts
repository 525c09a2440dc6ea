// The `machine` section: defaults with sources, validation with located problems, calibration,
// reports and comparisons.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { COST_SOURCES, MEDIA_SOURCES, defaultMachine } from '../../src/core/init/cost_model';
import { normalizeMachine } from '../../src/core/init/machine';
import { compareTimings, formatTimingComparison, formatTimingTable } from '../../src/core/init/report';
import configSchema from '../../src/config/memmap.schema.json';

const schemaFragment = configSchema.properties.machine;
import { SKYLAKE_J3, assertWithin, config, timing, workloadOf } from './timing-helpers';
import { simulateMemmap } from '../../src/core/index';

describe('normalizeMachine', () => {
  it('fills every default; each default names its source rows or says it is an estimate', () => {
    const { params, problems } = normalizeMachine(undefined);
    assert.deepEqual(problems, []);
    assert.deepEqual(params, defaultMachine());
    for (const [k, s] of Object.entries(COST_SOURCES)) {
      assert.ok(s.estimate ? s.derivation.startsWith('estimate') : s.rows.length > 0, `${k}: a default needs rows or to be marked as an estimate`);
      assert.equal(params.costs[k as keyof typeof params.costs], s.value);
    }
    assert.ok(Math.abs(params.costs.initPageNs - 18.027) < 0.001, 'J3: 1785.7 ms / 99,057,658 pages');
    assert.ok(Math.abs(params.media.dram.nodeWriteGBps - 38.16) < 0.01);
    assert.ok(Math.abs(params.media.pmem.threadWriteGBps - 2.653) < 0.001);
    assert.ok(MEDIA_SOURCES.cxl.nodeWriteGBps.estimate);
  });
  it('accepts overrides and reports located problems', () => {
    const { params, problems } = normalizeMachine(
      {
        costs: { initPageNs: 10, bogus: 1, zoneDevicePageNs: -1 },
        media: { pmem: { nodeWriteGBps: 8 }, tape: {} },
        deferredInitThreads: 13,
        memmapInitThreads: 0,
        zoneDeviceInit: 'indirectCall',
        deviceInitLock: 'sideways',
        era: 'pre-4.20',
        calibration: [
          { phase: 'deferred', node: 0, threads: 1, ms: 1785.7 },
          { phase: 'zoneDevice', node: null, device: null, ms: 3412 },
          { phase: 'boot', ms: 1 },
        ],
        colour: 'blue',
      },
      ['machine'],
    );
    assert.equal(params.costs.initPageNs, 10);
    assert.equal(params.costs.zoneDevicePageNs, COST_SOURCES.zoneDevicePageNs.value);
    assert.equal(params.media.pmem.nodeWriteGBps, 8);
    assert.equal(params.options.deferredInitThreads, 13);
    assert.equal(params.options.memmapInitThreads, 1);
    assert.equal(params.options.zoneDeviceInit, 'indirectCall');
    assert.equal(params.options.deviceInitLock, 'outside');
    assert.equal(params.options.era, 'pre-4.20');
    assert.equal(params.calibration.length, 1);
    const where = problems.map((p) => `${p.severity} ${p.path.join('.')}`);
    assert.deepEqual(where.sort(), [
      'error machine.calibration.1.device',
      'error machine.calibration.2.phase',
      'error machine.costs.zoneDevicePageNs',
      'error machine.deviceInitLock',
      'error machine.memmapInitThreads',
      'warning machine.colour',
      'warning machine.costs.bogus',
      'warning machine.media.tape',
    ]);
  });
  it('the schema fragment lists every key normalizeMachine knows', () => {
    const props = (schemaFragment as { properties: Record<string, { properties?: Record<string, unknown> }> }).properties;
    for (const k of ['costs', 'media', 'numaRemoteFactor', 'firstBindVmFactor', 'deferredInitThreads', 'memmapInitThreads', 'zoneDeviceInit', 'deviceInitLock', 'deviceBind', 'era', 'hugetlbRequest', 'deviceProbeDelayMs', 'calibration']) {
      assert.ok(k in props, `schema fragment lacks ${k}`);
    }
    for (const k of Object.keys(COST_SOURCES)) assert.ok(k in (props.costs.properties ?? {}), `schema fragment lacks costs.${k}`);
  });
});

describe('calibration', () => {
  const w = workloadOf(SKYLAKE_J3);
  it('a measured point scales the matching per-page cost; other thread counts follow', () => {
    const t = timing(w, { deferredInitThreads: 1, calibration: [{ phase: 'deferred', node: 1, threads: 1, ms: 3571.4 }] });
    assert.equal(t.calibration.length, 1);
    assert.ok(Math.abs(t.calibration[0].scale - 2) < 0.001);
    assert.ok(Math.abs(t.nodes[1].deferredMs - 3571.4) < 0.5);
    assert.ok(Math.abs(t.params.costs.initPageNs - COST_SOURCES.initPageNs.value) < 1e-12, 'the defaults are not mutated');
  });
  it('a point below the bandwidth bound is reported, not forced', () => {
    const t = timing(w, { calibration: [{ phase: 'deferred', node: 1, threads: 52, ms: 10 }] });
    assert.equal(t.calibration.length, 0);
    assert.equal(t.problems.length, 1);
    assert.match(t.problems[0].message, /bandwidth/);
    assert.deepEqual(t.problems[0].path, ['machine', 'calibration', 0, 'ms']);
  });
  it('a point naming something absent is reported', () => {
    const t = timing(w, { calibration: [{ phase: 'zoneDevice', device: 'nope', ms: 10 }] });
    assert.match(t.problems[0].message, /no device or hot-add entry named "nope"/);
  });
});

describe('reports', () => {
  const w = workloadOf(SKYLAKE_J3);
  const a = timing(w);
  const b = timing(w, { deferredInitThreads: 8 });
  it('formatTimingTable shows the nodes and the critical path', () => {
    const text = formatTimingTable(a);
    assert.match(text, /^Timing: boot memory init \d+\.\d ms/);
    assert.match(text, /critical path \(\d+\.\d ms = sum of \d+ spans\)/);
    assert.match(text, /pgdatinit1|padata n1\./);
  });
  it('compareTimings gives stable keys, values and deltas', () => {
    const cmp = compareTimings([
      { name: 'base', timing: a },
      { name: '8 threads', timing: b },
    ]);
    assert.deepEqual(cmp.columns, ['base', '8 threads']);
    const row = cmp.rows.find((r) => r.key === 'nodes.node 1.deferredMs');
    assert.ok(row);
    assert.equal(row.values[0], a.nodes[1].deferredMs);
    assert.ok((row.deltas[1] as number) > 0);
    assert.match(formatTimingComparison(cmp), /nodes\.node 1\.deferredMs/);
  });
});

describe('cost eras follow the releases Duyck\'s two series and padata landed in', () => {
  it('eraOf: 4.19 pre-4.20, 4.20 and 5.1 before the deferred init series, 5.2-5.7, then padata', async () => {
    const { eraOf } = await import('../../src/core/init/cost_model');
    assert.deepEqual(
      ([[4, 19], [4, 20], [5, 1], [5, 2], [5, 7], [5, 8], [6, 12]] as const).map((v) => eraOf(v, null)),
      ['pre-4.20', '4.20-5.1', '4.20-5.1', '5.2-5.7', '5.2-5.7', '5.8+', '5.8+'],
    );
  });
  it('machine.era "4.20-5.7", the old name, means 5.2-5.7', () => {
    const { params, problems } = normalizeMachine({ era: '4.20-5.7' }, ['machine']);
    assert.equal(params.options.era, '5.2-5.7');
    assert.deepEqual(problems, []);
  });
});

describe('the hugepages= form is decided once, by the memory half', () => {
  const yaml = (extra: string, machine = '') => `
arch: x86_64
kernel: { version: "6.12", hvo: false }
${machine}
nodes:
  - { id: 0, cpus: 16, ranges: [ { start: 0x0, size: 2G }, { start: 0x100000000, size: 62G } ] }
  - { id: 1, cpus: 16, ranges: [ { start: 0x2000000000, size: 64G } ] }
  - { id: 2, cpus: 16, ranges: [] }
hugetlb:
  - { node: 0, pageSize: 2M, count: 4096 }
  - { node: 1, pageSize: 2M, count: 4096 }
${extra}`;
  const threads = (y: string) => new Set(timing(workloadOf(y)).spans.filter((s) => s.phase === 'hugetlbAlloc').map((s) => s.tid)).size;
  const balanced = (y: string) => simulateMemmap(config(y)).memmap.hugetlb.map((h) => h.balancedRequest);
  it('the same count on every memory node is hugepages=N: padata threads', () => {
    assert.deepEqual(balanced(yaml('')), [true, true]);
    assert.ok(threads(yaml('')) > 1);
  });
  it('a pool on a memoryless node makes it the node form for both halves: node by node on one thread', () => {
    const y = yaml('  - { node: 2, pageSize: 2M, count: 16 }');
    assert.deepEqual(balanced(y), [false, false, false]);
    assert.equal(threads(y), 1);
  });
  it('machine.hugetlbRequest: perNode reaches the timing model through the memory half', () => {
    const y = yaml('', 'machine: { hugetlbRequest: perNode }');
    assert.deepEqual(balanced(y), [false, false]);
    assert.equal(threads(y), 1);
  });
});

describe('memmap_init_reserved_pages(): the memmap and its page tables, reserved at the top of each node', () => {
  const w = workloadOf(SKYLAKE_J3);
  it('are initialized on the boot CPU, not by deferred init (J3 node 1: 6 GiB of memmap + 6 PMD tables)', () => {
    const n1 = w.nodes.find((n) => n.id === 1)!;
    assert.equal(n1.reservedPages, (384 * 262144 * 64) / 4096 + 6);
    assert.equal(n1.deferredPages, 384 * 262144 - 32768 - n1.reservedPages, 'deferred init walks free ranges only');
    const t = timing(w);
    const spans = t.spans.filter((s) => s.phase === 'memmapInitReserved' && s.node === 1);
    assert.equal(spans.length, 1);
    assert.equal(spans[0].tid, t.spans.find((s) => s.phase === 'memmapInitEarly')!.tid, 'on the boot CPU');
    const ms = (spans[0].endUs - spans[0].startUs) / 1000;
    const perPage = COST_SOURCES.reservedInitPageNs.value * defaultMachine().numaRemoteFactor; // node 1's memmap, from node 0's boot CPU
    assertWithin(ms, (n1.reservedPages * perPage) / 1e6, 0.01, 'init_reserved_page() per struct page, remote');
    const node = t.nodes.find((n) => n.id === 1)!;
    assert.equal(node.earlyPages + node.deferredPages, 384 * 262144, 'every struct page of the node, once');
  });
  it('are initialized by memmap_init() already when nothing is deferred', () => {
    const off = workloadOf(SKYLAKE_J3.replace('deferredInit: true', 'deferredInit: false'));
    assert.ok(off.nodes.every((n) => n.reservedPages === 0 && n.deferredPages === 0));
    assert.equal(timing(off).spans.filter((s) => s.phase === 'memmapInitReserved').length, 0);
  });
});

describe('hugetlb_init() order', () => {
  const yaml = (version: string) => `
arch: x86_64
kernel: { version: "${version}", hvo: false }
nodes:
  - { id: 0, cpus: 16, ranges: [ { start: 0x0, size: 2G }, { start: 0x100000000, size: 62G } ] }
hugetlb:
  - { node: 0, pageSize: 1G, count: 8 }
  - { node: 0, pageSize: 2M, count: 1024 }
`;
  it('before 6.9: hugetlb_init_hstates() allocates the 2 MiB pool, then gather_bootmem_prealloc() gathers the 1 GiB pages', () => {
    const t = timing(workloadOf(yaml('6.1')));
    const alloc = t.spans.filter((s) => s.phase === 'hugetlbAlloc');
    const gather = t.spans.filter((s) => s.phase === 'hugetlbGather');
    assert.ok(alloc.length > 0 && gather.length > 0);
    assert.ok(Math.max(...alloc.map((s) => s.endUs)) <= Math.min(...gather.map((s) => s.startUs)));
  });
  it('6.9+: page_alloc_init_late() gathers the 1 GiB pages first', () => {
    const t = timing(workloadOf(yaml('6.12')));
    const alloc = t.spans.filter((s) => s.phase === 'hugetlbAlloc');
    const gather = t.spans.filter((s) => s.phase === 'hugetlbGather');
    assert.ok(Math.max(...gather.map((s) => s.endUs)) <= Math.min(...alloc.map((s) => s.startUs)));
  });
});
