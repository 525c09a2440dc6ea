// Invariants of the timing model (fast-check), on synthetic workloads and on the examples.
//
// "More threads never slower" holds exactly when deferred init is CPU-bound (no write-bandwidth
// bound, no helper start latency). With a shared bandwidth the model - like the J3 measurements -
// can be slower with more threads; the precise invariants are then: never slower than one thread,
// and never slower than any smaller thread count by more than one chunk plus one helper start
// (the tail left when n chunks sharing the bandwidth finish together). See docs/timing-model.md.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadConfigFile } from '../../src/config/load';
import { simulateMemmap } from '../../src/core/index';
import { COST_SOURCES } from '../../src/core/init/cost_model';
import { runTimeline } from '../../src/core/init/timeline';
import { simulateTiming } from '../../src/core/init/timing';
import { defaultMachine } from '../../src/core/init/cost_model';
import type { DeviceInitWork, InitWorkload, MachineParams, Span, TimingResult } from '../../src/core/init/types';
import { MEM_HOTPLUG_LOCK } from '../../src/core/init/env';
import { PPS, synthNode, synthWorkload } from './timing-helpers';

function run(w: InitWorkload, tweak: (m: MachineParams) => void = () => {}): TimingResult {
  const m = defaultMachine();
  tweak(m);
  const t = runTimeline(w, m, new Map(), '5.8+');
  return { ...t, params: m, calibration: [], problems: [] };
}

const deferredOf = (t: TimingResult, node = 0) => t.nodes.find((n) => n.id === node)!.deferredMs;

/** Checks every structural invariant of a result. */
function checkStructure(t: TimingResult): void {
  const byTid = new Map<number, Span[]>();
  for (const s of t.spans) {
    assert.ok(s.endUs >= s.startUs, `span ${s.id} ends before it starts`);
    if (s.kind === 'group') continue;
    const list = byTid.get(s.tid) ?? [];
    list.push(s);
    byTid.set(s.tid, list);
  }
  // Spans never overlap on one thread.
  for (const [tid, list] of byTid) {
    list.sort((a, b) => a.startUs - b.startUs || a.endUs - b.endUs);
    for (let i = 1; i < list.length; i++) assert.ok(list[i].startUs >= list[i - 1].endUs - 1e-9, `thread ${tid}: spans ${list[i - 1].id} and ${list[i].id} overlap`);
  }
  // Groups contain their children.
  for (const s of t.spans) {
    if (s.parentId === null) continue;
    const p = t.spans[s.parentId];
    assert.equal(p.tid, s.tid);
    assert.ok(p.startUs <= s.startUs && s.endUs <= p.endUs, `span ${s.id} escapes its group ${p.id}`);
  }
  // The critical paths are contiguous chains from 0 whose durations sum to their end.
  for (const [path, end] of [
    [t.criticalPath, t.endMs],
    [t.bootCriticalPath, t.bootMs],
  ] as const) {
    if (path.length === 0) {
      assert.equal(end, 0);
      continue;
    }
    assert.equal(path[0].startUs, 0);
    for (let i = 1; i < path.length; i++) assert.equal(path[i].startUs, path[i - 1].endUs);
    assert.ok(path.every((e) => e.limitedBy !== 'wait'), 'the critical path goes through whoever was waited for, never a wait');
    const sum = path.reduce((a, e) => a + e.durUs, 0);
    assert.ok(Math.abs(sum / 1000 - end) < 1e-6 * Math.max(1, end), `critical path sums to ${sum / 1000} ms, total ${end} ms`);
  }
  // mem_hotplug_lock serializes: spans done under the lock never overlap across threads.
  const locked = lockHeldSpans(t);
  locked.sort((a, b) => a.startUs - b.startUs);
  for (let i = 1; i < locked.length; i++) assert.ok(locked[i].startUs >= locked[i - 1].endUs - 1e-9, `lock held by spans ${locked[i - 1].id} and ${locked[i].id} at once`);
}

/** Spans done while holding mem_hotplug_lock (device init counts when the model puts it under the lock). */
function lockHeldSpans(t: TimingResult): Span[] {
  const under = t.params.options.deviceInitLock === 'under';
  return t.spans.filter(
    (s) =>
      s.kind === 'work' &&
      (s.phase === 'devicePopulate' || s.phase === 'deviceAltmapInit' || s.phase === 'hotplugAdd' || s.phase === 'memoryBlockOnline' || (under && s.phase === 'zoneDeviceInit' && s.thread.startsWith('probe'))),
  );
}

const deviceArb = (i: number): fc.Arbitrary<DeviceInitWork> =>
  fc.oneof(
    fc.record({
      pages: fc.integer({ min: 1, max: 40_000_000 }),
      compound: fc.constantFrom(0, 512, 262144),
      pmem: fc.boolean(),
      node: fc.integer({ min: 0, max: 1 }),
      populate: fc.integer({ min: 0, max: 4096 }),
    }).map(({ pages, compound, pmem, node, populate }): DeviceInitWork => {
      const compounds = compound > 0 ? Math.max(1, Math.floor(pages / compound)) : 0;
      const written = compound > 0 ? compounds * 128 : pages;
      return {
        kind: 'zoneDevice',
        name: `ns${i}`,
        index: i,
        node,
        media: pmem ? 'pmem' : 'cxl',
        populate: { pmdBlocks: populate, basePages: compound > 0 ? compounds * 2 : 0, reusedPtes: compound > 0 ? compounds * 6 : 0 },
        altmapInitPages: pmem ? Math.floor(pages / 64) : 0,
        initPages: pages,
        structPagesWritten: written,
        compound: compound > 0 ? { pfnsPerCompound: compound, compoundPages: compounds, structPagesPerCompound: 128 } : null,
        memmapHome: pmem ? { media: 'pmem', node } : { media: 'dram', node },
      };
    }),
    fc.record({
      blocks: fc.integer({ min: 1, max: 64 }),
      mom: fc.boolean(),
      node: fc.integer({ min: 0, max: 2 }),
    }).map(({ blocks, mom, node }): DeviceInitWork => ({
      kind: 'hotplug',
      name: `hot${i}`,
      index: i,
      source: 'hotplug',
      node,
      media: 'cxl',
      blocks,
      pagesPerBlock: 524288,
      memmapPagesPerBlock: mom ? 8192 : 0,
      populate: { pmdBlocks: blocks * 16, basePages: 0, reusedPtes: 0 },
      memmapHome: mom ? { media: 'cxl', node } : { media: 'dram', node: Math.min(node, 1) },
    })),
  );

const workloadArb: fc.Arbitrary<InitWorkload> = fc
  .record({
    n0: fc.integer({ min: 1, max: 600 }),
    n1: fc.integer({ min: 1, max: 600 }),
    c0: fc.integer({ min: 1, max: 96 }),
    c1: fc.integer({ min: 0, max: 96 }),
    off: fc.integer({ min: 0, max: PPS - 1 }),
    ndev: fc.integer({ min: 0, max: 5 }),
    gig: fc.integer({ min: 0, max: 64 }),
    two: fc.integer({ min: 0, max: 5000 }),
    hvo: fc.boolean(),
    balanced: fc.boolean(),
  })
  .chain((p) =>
    fc.tuple(...Array.from({ length: p.ndev }, (_, i) => deviceArb(i))).map((devices) =>
      synthWorkload([synthNode(0, p.c0, 0, p.n0, p.off), synthNode(1, p.c1, 1000, p.n1), { ...synthNode(2, 0, 3000, 1), hasMemory: false, deferredRanges: [], deferredMemory: [], deferredPages: 0, earlyPages: 0 }], {
        devices,
        hugetlb: [
          ...(p.gig > 0 ? [{ node: 0, pageSizeBytes: 1 << 30, count: p.gig, gigantic: true, structPagesPerPage: 262144, offNode: [], balancedRequest: false, hvoPages: p.hvo ? p.gig : 0, vmemmapPagesFreedPerPage: 4095, reserveStructPages: 64 }] : []),
          ...(p.two > 0 ? [{ node: 1, pageSizeBytes: 2 << 20, count: p.two, gigantic: false, structPagesPerPage: 512, offNode: [], balancedRequest: p.balanced, hvoPages: p.hvo ? p.two : 0, vmemmapPagesFreedPerPage: 7, reserveStructPages: 64 }] : []),
        ],
      }),
    ),
  );

describe('timing invariants', () => {
  it('spans never overlap on a thread, groups nest, the lock serializes, critical paths sum to the totals (property)', () => {
    fc.assert(
      fc.property(workloadArb, fc.constantFrom<'outside' | 'under'>('outside', 'under'), fc.integer({ min: 1, max: 8 }), (w, lock, split) => {
        checkStructure(run(w, (m) => {
          m.options.deviceInitLock = lock;
          m.options.memmapInitThreads = split;
        }));
      }),
      { numRuns: 150 },
    );
  });

  it('more threads never slower when deferred init is CPU-bound (no bandwidth bound, no start latency) (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 800 }), fc.integer({ min: 0, max: PPS - 1 }), fc.integer({ min: 1, max: 63 }), fc.integer({ min: 1, max: 32 }), (sections, off, t1, dt) => {
        const w = synthWorkload([synthNode(0, 96, 0, sections, off)]);
        const at = (t: number) =>
          deferredOf(run(w, (m) => {
            m.options.deferredInitThreads = t;
            m.media.dram.nodeWriteGBps = 1e12;
            m.costs.threadStartNs = 0;
          }));
        assert.ok(at(t1 + dt) <= at(t1) + 1e-9);
      }),
      { numRuns: 300 },
    );
  });

  it('with the bandwidth bound: never slower than one thread, and at most one chunk + one helper start slower than fewer threads (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 800 }), fc.integer({ min: 0, max: PPS - 1 }), fc.integer({ min: 1, max: 63 }), fc.integer({ min: 1, max: 32 }), (sections, off, t1, dt) => {
        const w = synthWorkload([synthNode(0, 96, 0, sections, off)]);
        const at = (t: number) =>
          run(w, (m) => {
            m.options.deferredInitThreads = t;
          });
        const a = at(t1);
        const b = at(t1 + dt);
        const one = deferredOf(at(1));
        assert.ok(deferredOf(b) <= one + 1e-9, 'never slower than one thread');
        const chunkMs = Math.max(0, ...a.spans.filter((s) => s.phase === 'deferredInit' && s.kind === 'work').map((s) => s.pages)) * (COST_SOURCES.initPageNs.value / 1e6);
        assert.ok(deferredOf(b) <= deferredOf(a) + chunkMs + a.params.costs.threadStartNs / 1e6 + 1e-9, `${t1} -> ${t1 + dt} threads: ${deferredOf(a)} -> ${deferredOf(b)} ms`);
      }),
      { numRuns: 300 },
    );
  });

  it('deferred time is monotonic in size (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 96 }), (s1, ds, threads) => {
        const at = (sections: number) =>
          deferredOf(run(synthWorkload([synthNode(0, 96, 0, sections)]), (m) => {
            m.options.deferredInitThreads = threads;
          }));
        assert.ok(at(s1) <= at(s1 + ds) + 1e-9);
      }),
      { numRuns: 200 },
    );
  });

  it('device init time is monotonic in size and the seed-003 split never slower than one thread', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50_000_000 }), fc.integer({ min: 1, max: 50_000_000 }), fc.integer({ min: 1, max: 16 }), fc.boolean(), (p, dp, n, pmem) => {
        const dev = (pages: number): DeviceInitWork => ({
          kind: 'zoneDevice',
          name: 'ns',
          index: 0,
          node: 0,
          media: 'pmem',
          populate: { pmdBlocks: 0, basePages: 0, reusedPtes: 0 },
          altmapInitPages: 0,
          initPages: pages,
          structPagesWritten: pages,
          compound: null,
          memmapHome: pmem ? { media: 'pmem', node: 0 } : { media: 'dram', node: 0 },
        });
        const init = (pages: number, threads: number) => run(synthWorkload([synthNode(0, 32, 0, 2)], { devices: [dev(pages)] }), (m) => (m.options.memmapInitThreads = threads)).devices[0].initMs;
        assert.ok(init(p, 1) <= init(p + dp, 1) + 1e-9);
        assert.ok(init(p, n) <= init(p, 1) + (n > 1 ? 0.03 : 0) + 1e-9);
      }),
      { numRuns: 150 },
    );
  });

  it('the lock serializes what the kernel serializes: N namespaces populate one after another, then init in parallel', () => {
    const devs = [0, 1, 2, 3].map(
      (i): DeviceInitWork => ({
        kind: 'zoneDevice',
        name: `ns${i}`,
        index: i,
        node: 0,
        media: 'pmem',
        populate: { pmdBlocks: 1024, basePages: 0, reusedPtes: 0 },
        altmapInitPages: 524800,
        initPages: 33_029_632,
        structPagesWritten: 33_029_632,
        compound: null,
        memmapHome: { media: 'pmem', node: i },
      }),
    );
    const t = run(synthWorkload([synthNode(0, 32, 0, 2)], { devices: devs }));
    const pop = t.spans.filter((s) => s.phase === 'deviceAltmapInit').sort((a, b) => a.startUs - b.startUs);
    for (let i = 1; i < pop.length; i++) assert.ok(pop[i].startUs >= pop[i - 1].endUs);
    assert.ok(t.devices[3].lockWaitMs > 0);
    const init = t.spans.filter((s) => s.phase === 'zoneDeviceInit');
    assert.ok(Math.min(...init.map((s) => s.endUs)) > Math.max(...init.map((s) => s.startUs)), 'memmap_init_zone_device runs concurrently');
  });

  it('every example config: structure invariants hold and the result is deterministic', () => {
    const dir = join(__dirname, '..', '..', 'examples');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml')).sort()) {
      const lr = loadConfigFile(join(dir, f));
      if (!lr.config) continue;
      const mem = simulateMemmap(lr.config);
      const a = simulateTiming(lr.config, mem);
      const b = simulateTiming(lr.config, mem);
      checkStructure(a);
      assert.equal(JSON.stringify(a), JSON.stringify(b), `${f} is not deterministic`);
    }
  });

  it('uses the lock name the kernel uses', () => {
    assert.equal(MEM_HOTPLUG_LOCK, 'mem_hotplug_lock');
  });
});
