import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Arch, DeviceKind, DeviceMode, MapLocation, MemmapOnMemoryMode, WorkloadConfig } from '../../src/config/types';
import { GiB, MiB, PiB, TiB } from '../../src/config/units';
import { archProfile, simulateMemmap, type MemmapResult } from '../../src/core';
import { makeConfig } from './core-helpers';

const ARCHES: Arch[] = ['x86_64', 'arm64-4k', 'arm64-16k', 'arm64-64k', 'ppc64-radix', 'ppc64-hash', 's390x', 'riscv64'];
const SUB = 2 * MiB;

/** Random but plausible configs: RAM ranges, devices, hot-adds and pools above the RAM. */
const configArb: fc.Arbitrary<WorkloadConfig> = fc
  .record({
    arch: fc.constantFrom(...ARCHES),
    version: fc.constantFrom('6.1', '6.12', '6.6', '6.8', '5.15'),
    hvo: fc.boolean(),
    mom: fc.constantFrom<MemmapOnMemoryMode>('off', 'on', 'force'),
    structPageSize: fc.constantFrom(64, 64, 64, 80),
    hypervisor: fc.boolean(),
    nodes: fc.array(fc.array(fc.record({ gap: fc.integer({ min: 0, max: 2048 }), size: fc.integer({ min: 1, max: 16384 }) }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
    devices: fc.array(
      fc.record({
        gap: fc.integer({ min: 0, max: 4096 }),
        size: fc.integer({ min: 4, max: 65536 }),
        kind: fc.constantFrom<DeviceKind>('pmem', 'cxl', 'hmem'),
        mode: fc.constantFrom<DeviceMode>('fsdax', 'devdax', 'kmem', 'raw'),
        map: fc.constantFrom<MapLocation>('dev', 'mem'),
        alignIdx: fc.integer({ min: 0, max: 2 }),
        memmapOnMemory: fc.boolean(),
      }),
      { maxLength: 3 },
    ),
    hotplug: fc.array(fc.record({ gap: fc.integer({ min: 0, max: 64 }), blocks: fc.integer({ min: 1, max: 64 }), memmapOnMemory: fc.boolean(), skew: fc.boolean() }), { maxLength: 2 }),
    hugetlb: fc.array(fc.record({ node: fc.integer({ min: 0, max: 2 }), big: fc.boolean(), count: fc.integer({ min: 0, max: 3000 }) }), { maxLength: 2 }),
  })
  .map((g) => {
    const base = makeConfig({ arch: g.arch, version: g.version });
    const prof = archProfile(base);
    let cursor = 0;
    const nodes = g.nodes.map((ranges, i) => ({
      id: i,
      cpus: 4,
      ranges: ranges.map((r) => {
        const start = cursor + r.gap * SUB;
        const size = r.size * SUB;
        cursor = start + size;
        return { start, size };
      }),
    }));
    // Devices and hot-adds above all RAM, 1 GiB apart (some may still be refused: that is part of the test).
    let top = Math.ceil(cursor / (16 * GiB)) * 16 * GiB + 16 * GiB;
    const devices = g.devices.map((d, i) => {
      const start = top + d.gap * SUB;
      const size = d.size * SUB;
      top = Math.ceil((start + size) / GiB) * GiB + GiB;
      return { name: `dev${i}`, node: 0, kind: d.kind, mode: d.mode, map: d.map, start, size, align: prof.daxAlignments[Math.min(d.alignIdx, prof.daxAlignments.length - 1)], memmapOnMemory: d.memmapOnMemory };
    });
    const hotplug = g.hotplug.map((h) => {
      const blk = 2 * GiB;
      const start = Math.ceil(top / blk) * blk + h.gap * blk + (h.skew ? 64 * MiB : 0);
      const size = h.blocks * 256 * MiB;
      top = start + size + GiB;
      return { node: 0, start, size, memmapOnMemory: h.memmapOnMemory };
    });
    const hugetlb = g.hugetlb.map((h) => ({ node: Math.min(h.node, nodes.length - 1), pageSize: h.big ? prof.hugepageSizes[prof.hugepageSizes.length - 1] : prof.hugepageSizes[0], count: h.count }));
    return makeConfig({
      arch: g.arch,
      version: g.version,
      kernel: { hvo: g.hvo, memmapOnMemory: g.mom, structPageSize: g.structPageSize, hypervisor: g.hypervisor },
      nodes,
      devices,
      hotplug,
      hugetlb,
    });
  });

const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((s, x) => s + f(x), 0);

function checkTotals(r: MemmapResult): void {
  const m = r.memmap;
  assert.equal(m.bootMemmapBytes, sum(m.nodes, (n) => n.bootMemmapBytes));
  assert.equal(m.ramBytes, m.bootMemmapBytes + sum(m.devices, (d) => d.ramBytes) + sum(m.hotplug, (h) => h.ramBytes) - sum(m.hugetlb, (h) => h.freedBytes));
  assert.equal(m.deviceBytes, sum(m.devices, (d) => d.deviceBytes) + sum(m.hotplug, (h) => h.selfHostedBytes));
  assert.equal(m.pageTableBytes, sum(m.nodes, (n) => n.pageTableBytes) + sum(m.devices, (d) => d.pageTableBytes) + sum(m.hotplug, (h) => h.pageTableBytes) + sum(m.hugetlb, (h) => h.pageTableBytes));
  assert.equal(m.pageTableBytes, m.pageTables.pte.bytes + m.pageTables.pmd.bytes + m.pageTables.pud.bytes);
  assert.equal(m.totalBytes, m.ramBytes + m.deviceBytes + m.pageTableBytes);
  assert.equal(m.savedBytes.hvo, sum(m.hugetlb, (h) => h.freedBytes));
  assert.equal(m.savedBytes.dedup, sum(m.devices, (d) => d.dedupSavedBytes));
  assert.ok(m.ramBytes >= 0);
  for (const d of m.devices) {
    assert.equal(d.memmapBytes, d.ramBytes + d.deviceBytes);
    assert.equal(d.ramBytes, sum(d.pieces, (p) => p.ramBytes));
    assert.equal(d.deviceBytes, sum(d.pieces, (p) => p.deviceBytes));
    if (d.status !== 'ok') assert.deepEqual([d.memmapBytes, d.pageTableBytes, d.dedupSavedBytes], [0, 0, 0]);
    if (d.status === 'failed') assert.ok(r.errors.some((e) => e.severity === 'error' && e.path[0] === 'devices' && e.path[1] === m.devices.indexOf(d)));
    const expectLoc = d.ramBytes && d.deviceBytes ? 'split' : d.deviceBytes ? 'device' : d.ramBytes ? 'ram' : 'none';
    assert.equal(d.location, expectLoc);
  }
  for (const h of m.hotplug) {
    assert.equal(h.memmapBytes, h.selfHostedBytes + h.ramBytes);
    if (h.status !== 'ok') assert.deepEqual([h.memmapBytes, h.pageTableBytes], [0, 0]);
  }
}

describe('core properties (fast-check)', () => {
  it('byte totals add up, failed adds are not accounted', () => {
    fc.assert(fc.property(configArb, (cfg) => checkTotals(simulateMemmap(cfg))), { numRuns: 300 });
  });

  it('struct pages equal the pages described', () => {
    fc.assert(
      fc.property(configArb, (cfg) => {
        const r = simulateMemmap(cfg);
        const pps = r.layout.pagesPerSection;
        assert.equal(sum(r.memmap.nodes, (n) => n.structPages), r.layout.presentSections * pps);
        for (const n of r.layout.nodes) {
          assert.equal(n.structPages, n.presentSections * pps);
          assert.equal(n.presentPages, sum(n.ranges, (x) => x.endPfn - x.startPfn));
          assert.equal(n.presentPages, sum(n.zones, (z) => z.presentPages));
          for (const z of n.zones) assert.equal(z.spannedPages, z.presentPages + z.holePages);
        }
        for (const d of r.memmap.devices) {
          if (d.status === 'ok' && d.mappedRange) assert.equal(d.structPages, (d.mappedRange.end - d.mappedRange.start) / r.layout.pageSize);
          if (d.status === 'ok' && d.mode !== 'kmem') assert.ok(d.initializedStructPages <= d.structPages);
        }
        for (const h of r.memmap.hotplug) if (h.status === 'ok') assert.equal(h.structPages, h.size / r.layout.pageSize);
        // x86 with 64-byte struct pages: exactly one 2 MiB PMD per section.
        const sp = cfg.kernel.structPageSize;
        if (cfg.arch === 'x86_64' && sp === 64) for (const n of r.memmap.nodes) assert.equal(n.bootMemmapBytes, n.structPages * sp);
      }),
      { numRuns: 200 },
    );
  });

  it('the boot memmap backs every boot struct page', () => {
    fc.assert(
      fc.property(configArb, (cfg) => {
        const r = simulateMemmap(cfg);
        const sp = cfg.kernel.structPageSize;
        const pps = r.layout.pagesPerSection;
        assert.ok(r.memmap.bootMemmapBytes >= r.layout.presentSections * pps * sp);
      }),
      { numRuns: 200 },
    );
  });

  it('altmap alloc + align <= free whenever the add succeeds', () => {
    fc.assert(
      fc.property(configArb, (cfg) => {
        for (const d of simulateMemmap(cfg).memmap.devices) {
          if (d.status !== 'ok' || !d.altmap) continue;
          assert.ok(d.altmap.alloc + d.altmap.align <= d.altmap.free, `${d.name}: ${JSON.stringify(d.altmap)}`);
          assert.equal(d.altmap.unusedPages, d.altmap.free - d.altmap.alloc - d.altmap.align);
          assert.equal(d.deviceBytes, d.altmap.alloc * archProfile(cfg).pageSize);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('monotonic in size: more RAM -> at least as much boot memmap; bigger map=mem device -> at least as much memmap', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ARCHES),
        fc.constantFrom('6.1', '6.12'),
        fc.integer({ min: 1, max: 20000 }),
        fc.integer({ min: 0, max: 20000 }),
        fc.integer({ min: 0, max: 4000 }),
        (arch, version, a, extra, startSub) => {
          const start = startSub * SUB;
          const small = simulateMemmap(makeConfig({ arch, version, ram: { start, size: a * SUB } }));
          const big = simulateMemmap(makeConfig({ arch, version, ram: { start, size: (a + extra) * SUB } }));
          assert.ok(big.memmap.bootMemmapBytes >= small.memmap.bootMemmapBytes);
          assert.ok(big.memmap.totalBytes >= small.memmap.totalBytes);
          const dev = (n: number) =>
            simulateMemmap(makeConfig({ arch: arch === 's390x' ? 'x86_64' : arch, version, ram: { size: 16 * GiB }, devices: [{ mode: 'fsdax', map: 'mem', start: 64 * GiB, size: n * 16 * MiB, align: archProfile(makeConfig({ arch })).daxAlignments[0] }] })).memmap.devices[0];
          const d1 = dev(1 + (a % 512));
          const d2 = dev(1 + (a % 512) + (extra % 512));
          if (d1.status === 'ok' && d2.status === 'ok') assert.ok(d2.memmapBytes >= d1.memmapBytes);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('deterministic', () => {
    fc.assert(
      fc.property(configArb, (cfg) => {
        assert.deepEqual(simulateMemmap(cfg), simulateMemmap(cfg));
      }),
      { numRuns: 50 },
    );
  });
});

describe('core scale', () => {
  it('1 PiB simulates like 1 TiB: everything is proportional (no per-page or per-section work)', () => {
    const run = (size: number) =>
      simulateMemmap(
        makeConfig({
          kernel: { hvo: true, memmapOnMemory: 'on' },
          nodes: Array.from({ length: 8 }, (_, i) => ({ id: i, ranges: [{ start: (i * size) / 8, size: size / 8 }] })),
          devices: [
            { start: size * 2, size: size / 4, map: 'dev' },
            { name: 'dax', start: size * 2 + size / 2, size: size / 4, map: 'mem', mode: 'devdax', align: GiB },
          ],
          hotplug: [{ start: size * 3, size: size / 8, memmapOnMemory: true }],
          hugetlb: [{ count: 100000 }],
        }),
      );
    const t = run(TiB);
    const p = run(PiB);
    assert.equal(p.errors.filter((e) => e.severity === 'error').length, 0);
    assert.equal(p.memmap.bootMemmapBytes, PiB / 64);
    assert.equal(p.memmap.bootMemmapBytes, t.memmap.bootMemmapBytes * 1024);
    assert.equal(p.memmap.devices[0].deviceBytes, t.memmap.devices[0].deviceBytes * 1024);
    assert.equal(p.memmap.hotplug[0].selfHostedBytes, t.memmap.hotplug[0].selfHostedBytes * 1024);
    checkTotals(p);
  });
});
