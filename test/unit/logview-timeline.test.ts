// The Memmap Log View's boot timeline (src/report/logview-model.ts: bootTimeline) from real kernel logs of
// the corpus (read at run time from ../shared/corpus): durations end at the timestamp of the line that
// reports them, overlapping bars get their own rows, single lines become markers, and logs without
// timestamps get a note instead of an empty chart.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { analyzeFile, analyzeText } from '../../src/trace/index';
import { bootTimeline } from '../../src/report/logview-model';
import type { Boot } from '../../src/trace/types';
import type { LogTimeline } from '../../src/protocol/logview';
import { CORPUS, corpusFile } from './corpus';

async function boot(n: string, index = 0): Promise<Boot> {
  const a = await analyzeFile(corpusFile(n));
  return a.boots[index];
}
const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;

describe('log view timeline', () => {
  before(() => {
    if (!existsSync(CORPUS)) assert.fail(`the kernel log corpus is not at ${CORPUS}`);
  });

  it('01: one row per node, each deferred-init bar ends at its line\'s (summed relative) timestamp', async () => {
    const b = await boot('01');
    const { timeline: t, note } = bootTimeline(b);
    assert.equal(note, null);
    assert.ok(t);
    assert.deepEqual(t.rows, [0, 1, 2, 3, 4, 5, 6, 7].map((n) => `node ${n} deferred init`));
    assert.equal(t.bars.length, 8);
    for (const d of b.deferredInit) {
      const bar: LogTimeline['bars'][number] = t.bars.find((x) => x.line === d.line)!;
      assert.equal(t.rows[bar.row], `node ${d.node} deferred init`);
      assert.equal(bar.kind, 'deferredInit');
      assert.ok(close(bar.endS, d.t!), `node ${d.node} ends at ${d.t}`);
      assert.ok(close(bar.endS - bar.startS, d.ms / 1000), `node ${d.node} lasts ${d.ms} ms`);
    }
    // node 4 (489 ms) ends last, at 9.222021 s.
    assert.ok(close(Math.max(...t.bars.map((x) => x.endS)), 9.222021));
    // The Memory: line is a marker at its own timestamp; the axis starts at the boot's first stamp.
    assert.deepEqual(
      t.markers.map((m) => [m.kind, m.line]),
      [['memory', 125]],
    );
    assert.ok(close(t.markers[0].atS, b.memory!.t!));
    assert.equal(t.startS, 0);
    assert.ok(close(t.endS, 9.222021));
  });

  it('05: ZONE_DEVICE inits that do not overlap share a row; bad page states are markers', async () => {
    const b = await boot('05');
    const { timeline: t } = bootTimeline(b);
    assert.ok(t);
    assert.deepEqual(t.rows, ['ZONE_DEVICE init']);
    assert.deepEqual(
      t.bars.map((x) => [x.line, x.kind]),
      [3, 4, 5, 6, 9, 10, 11, 12].map((l) => [l, 'zoneDeviceInit']),
    );
    const first = t.bars[0];
    assert.ok(close(first.endS, 303.441089) && close(first.startS, 303.441089 - 0.034));
    assert.deepEqual(
      t.markers.map((m) => [m.kind, m.line]),
      [
        ['error', 13],
        ['error', 40],
      ],
    );
    assert.ok(close(t.startS, 303.441089 - 0.034), 'the axis starts where the first bar starts');
  });

  it('overlapping bars of one kind are packed into several rows', () => {
    const log = ['[   10.000000] memmap_init_zone_device initialised 262144 pages in 50ms', '[   10.010000] memmap_init_zone_device initialised 262144 pages in 40ms', '[   10.200000] memmap_init_zone_device initialised 262144 pages in 20ms'].join('\n');
    const b = analyzeText(log, { path: 'zd.log' }).boots[0];
    const { timeline: t } = bootTimeline(b);
    assert.ok(t);
    assert.deepEqual(t.rows, ['ZONE_DEVICE init 1', 'ZONE_DEVICE init 2']);
    // 9.95-10.00 and 9.97-10.01 overlap; 10.18-10.20 fits in the first row again.
    assert.deepEqual(
      t.bars.map((x) => x.row),
      [0, 1, 0],
    );
  });

  it('43: hotplug lines, the error and the call trace are markers in time order', async () => {
    const { timeline: t } = bootTimeline(await boot('43'));
    assert.ok(t);
    assert.deepEqual(t.bars, []);
    assert.deepEqual(
      t.markers.map((m) => m.kind),
      ['hotplug', 'hotplug', 'hotplug', 'error', 'trace'],
    );
    for (let i = 1; i < t.markers.length; i++) assert.ok(t.markers[i].atS >= t.markers[i - 1].atS);
    assert.ok(t.endS > t.startS);
  });

  it('53: the HugeTLB allocation is a bar of its own kind', async () => {
    const { timeline: t } = bootTimeline(await boot('53', 1));
    assert.ok(t);
    assert.deepEqual(t.rows, ['HugeTLB allocation']);
    assert.equal(t.bars[0].kind, 'hugetlbAlloc');
    assert.ok(close(t.bars[0].endS - t.bars[0].startS, 0.712));
  });

  it('a 6.x log says "can be freed", as it prints', () => {
    const f = analyzeText('[    1.000000] Linux version 6.12.9 (a@b) (gcc 12) #1 SMP\n[    2.000000] HugeTLB: registered 1.00 GiB page size, pre-allocated 4 pages\n[    2.000001] HugeTLB: 16380 KiB vmemmap can be freed for a 1.00 GiB page\n');
    const { timeline: t } = bootTimeline(f.boots[0]);
    assert.deepEqual(t!.markers.filter((m) => m.kind === 'hugetlb').map((m) => m.label), ['HugeTLB 1 GiB page size: 4 pages pre-allocated', 'HugeTLB 1 GiB page size: 16380 KiB vmemmap can be freed']);
  });

  it('35: the pre-allocated and the HVO line of a size are marks of their own, each at its own time', async () => {
    const b = await boot('35', 1);
    const h = b.hugetlb.map((x) => [x.pageSizeBytes, x.preallocatedLine, x.preallocatedT, x.hvoLine, x.hvoT]);
    assert.deepEqual(h, [[1024 ** 3, 14, 0.409068, 16, 1.246107], [2 * 1024 ** 2, 15, 0.409071, 17, 1.24611]]);
    const { timeline: t } = bootTimeline(b);
    assert.ok(t);
    assert.deepEqual(
      t.markers.filter((m) => m.kind === 'hugetlb').map((m) => [m.line, m.atS, m.label]),
      [
        [14, 0.409068, 'HugeTLB 1 GiB page size: 0 pages pre-allocated'],
        [15, 0.409071, 'HugeTLB 2 MiB page size: 512 pages pre-allocated'],
        // in the log's own words (5.19-rc: "can be optimized")
        [16, 1.246107, 'HugeTLB 1 GiB page size: 16380 KiB vmemmap can be optimized'],
        [17, 1.24611, 'HugeTLB 2 MiB page size: 28 KiB vmemmap can be optimized'],
        [18, 1.246123, 'HugeTLB: 512 huge pages whose vmemmap are optimized at boot'],
      ],
    );
    // The first boot prints HVO before registering: each mark still has its own line's time.
    const { timeline: t0 } = bootTimeline(await boot('35', 0));
    assert.deepEqual(
      t0!.markers.filter((m) => m.kind === 'hugetlb').map((m) => [m.line, m.atS]),
      [[5, 0.33093], [6, 0.35045], [7, 0.359282], [8, 0.359285]],
    );
  });

  it('11 and 28 have no timestamps: no timeline, a note saying why', async () => {
    for (const n of ['11', '28']) {
      const r = bootTimeline(await boot(n));
      assert.equal(r.timeline, null, n);
      assert.match(r.note!, /no timestamps/, n);
    }
  });
});
