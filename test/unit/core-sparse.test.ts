import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GiB, KiB, MiB } from '../../src/config/units';
import { buildMemoryLayout, simulateMemmap } from '../../src/core';
import { makeConfig } from './core-helpers';

describe('core sparse: present sections and the boot memmap (§1, §2d, §7)', () => {
  it('512 GiB of x86 RAM: 4096 sections, 8 GiB boot memmap (1/64 of RAM)', () => {
    const r = simulateMemmap(makeConfig({ ram: { size: 512 * GiB } }));
    const n = r.memmap.nodes[0];
    assert.equal(n.presentSections, 4096);
    assert.equal(n.structPages, 4096 * 32768);
    assert.equal(n.bootMemmapBytes, 8 * GiB);
    assert.equal(n.sectionMapReservedBytes, 8 * GiB);
    assert.equal(n.nrMemmapBootPages, 4096 * 512);
    assert.equal(r.memmap.bootMemmapBytes, 8 * GiB);
    // PMD-mapped: no PTE tables; 8 GiB of vmemmap -> 8 PMD tables, 1 PUD table.
    assert.deepEqual(r.memmap.pageTables.pte, { tables: 0, bytes: 0 });
    assert.deepEqual(r.memmap.pageTables.pmd, { tables: 8, bytes: 8 * 4 * KiB });
    assert.deepEqual(r.memmap.pageTables.pud, { tables: 1, bytes: 4 * KiB });
    assert.equal(r.memmap.memoryBlockBytes, 2 * GiB);
    assert.deepEqual(r.layout.nodes[0].memoryBlockRuns, [{ startBlock: 0, count: 256 }]);
  });

  it('§7 worked example: 256 GiB = 2048 sections, 4 GiB boot memmap, nr_memmap_boot_pages 1,048,576', () => {
    const r = simulateMemmap(makeConfig({ ram: { size: 256 * GiB } }));
    assert.equal(r.memmap.nodes[0].presentSections, 2048);
    assert.equal(r.memmap.nodes[0].bootMemmapBytes, 4 * GiB);
    assert.equal(r.memmap.vmstat?.nrMemmapBootPages, 1048576);
  });

  it('a whole section is mapped even when it is only partly RAM; the rest is unavailable', () => {
    const r = simulateMemmap(makeConfig({ ram: { size: 100 * MiB } }));
    const n = r.memmap.nodes[0];
    assert.equal(n.presentSections, 1);
    assert.equal(n.presentPages, 25600);
    assert.equal(n.unavailablePages, 32768 - 25600);
    assert.equal(n.bootMemmapBytes, 2 * MiB);
  });

  it('a section shared by two nodes belongs to the node whose memory comes first', () => {
    const b = buildMemoryLayout(
      makeConfig({
        nodes: [
          { id: 0, ranges: [{ start: 0, size: 192 * MiB }] },
          { id: 1, ranges: [{ start: 192 * MiB, size: 320 * MiB }] },
        ],
      }),
    );
    assert.deepEqual(b.layout.nodes[0].sectionRuns, [{ startSection: 0, count: 2 }]);
    assert.deepEqual(b.layout.nodes[1].sectionRuns, [{ startSection: 2, count: 2 }]);
    assert.equal(b.layout.presentSections, 4);
    // Node 0's section 1 also holds node 1's first 64 MiB: no hole there.
    assert.equal(b.layout.nodes[0].unavailablePages, 0);
  });

  it('section runs, not sections: holes split runs', () => {
    const b = buildMemoryLayout(makeConfig({ nodes: [{ ranges: [{ start: 0, size: 1 * GiB }, { start: 4 * GiB, size: 2 * GiB }, { start: 6 * GiB, size: 1 * GiB }] }] }));
    assert.deepEqual(b.layout.nodes[0].sectionRuns, [
      { startSection: 0, count: 8 },
      { startSection: 32, count: 24 },
    ]);
  });

  it('x86 zones: DMA < 16 MiB, DMA32 < 4 GiB, Normal; the last zone of a node', () => {
    const b = buildMemoryLayout(
      makeConfig({
        nodes: [
          { id: 0, ranges: [{ start: 0, size: 2 * GiB }, { start: 4 * GiB, size: 12 * GiB }] },
          { id: 1, ranges: [{ start: 16 * GiB, size: 16 * GiB }] },
        ],
      }),
    );
    const z0 = b.layout.nodes[0].zones;
    assert.deepEqual(
      z0.map((z) => [z.name, z.startPfn, z.endPfn, z.presentPages, z.isLastZone]),
      [
        ['DMA', 0, 4096, 4096, false],
        ['DMA32', 4096, 1048576, 524288 - 4096, false],
        ['Normal', 1048576, 4194304, 3 * 1048576, true],
      ],
    );
    assert.equal(z0[1].holePages, 1048576 - 4096 - (524288 - 4096));
    assert.equal(b.layout.nodes[0].lastZone, 'Normal');
    assert.deepEqual(
      b.layout.nodes[1].zones.map((z) => z.name),
      ['Normal'],
    );
    assert.deepEqual(z0[2].ranges, [{ startPfn: 1048576, endPfn: 4194304 }]);
  });

  it('arm64 zones: DMA up to 4 GiB when DRAM starts below it, else ZONE_DMA spans everything', () => {
    const low = buildMemoryLayout(makeConfig({ arch: 'arm64-4k', ram: { start: 2 * GiB, size: 8 * GiB } }));
    assert.deepEqual(
      low.layout.nodes[0].zones.map((z) => [z.name, z.presentPages]),
      [
        ['DMA', 524288],
        ['Normal', 6 * 262144],
      ],
    );
    const high = buildMemoryLayout(makeConfig({ arch: 'arm64-4k', ram: { start: 8 * GiB, size: 8 * GiB } }));
    assert.deepEqual(
      high.layout.nodes[0].zones.map((z) => z.name),
      ['DMA'],
    );
  });

  it('riscv DMA32 < 4 GiB, s390 DMA < 2 GiB, ppc64 Normal only', () => {
    const rv = buildMemoryLayout(makeConfig({ arch: 'riscv64', ram: { size: 8 * GiB } }));
    assert.deepEqual(rv.layout.nodes[0].zones.map((z) => z.name), ['DMA32', 'Normal']);
    const s = buildMemoryLayout(makeConfig({ arch: 's390x', ram: { size: 8 * GiB } }));
    assert.deepEqual(s.layout.nodes[0].zones.map((z) => [z.name, z.endPfn]), [['DMA', 524288], ['Normal', 2097152]]);
    const p = buildMemoryLayout(makeConfig({ arch: 'ppc64-radix', ram: { size: 8 * GiB } }));
    assert.deepEqual(p.layout.nodes[0].zones.map((z) => z.name), ['Normal']);
  });

  it('overlapping ranges are reported and counted once', () => {
    const r = simulateMemmap(makeConfig({ nodes: [{ ranges: [{ start: 0, size: 2 * GiB }, { start: GiB, size: 2 * GiB }] }] }));
    assert.equal(r.memmap.nodes[0].presentPages, (3 * GiB) / (4 * KiB));
    assert.ok(r.errors.some((e) => e.severity === 'error' && /overlaps/.test(e.message)));
  });
});

describe('core sparse: how other arches back the boot memmap', () => {
  it('arm64 64K: base pages; one 512 MiB section = 8 pages of 64 KiB', () => {
    const r = simulateMemmap(makeConfig({ arch: 'arm64-64k', ram: { size: 512 * MiB } }));
    assert.equal(r.memmap.nodes[0].bootMemmapBytes, 512 * KiB);
    assert.equal(r.memmap.pageTables.pte.tables, 1);
    assert.equal(r.memmap.pageTables.pte.bytes, 64 * KiB);
  });

  it('ppc64 radix: a PMD-aligned section allocates a whole 2 MiB PMD for its 16 KiB memmap', () => {
    const r = simulateMemmap(makeConfig({ arch: 'ppc64-radix', ram: { size: 16 * MiB } }));
    const n = r.memmap.nodes[0];
    assert.equal(n.presentSections, 1);
    assert.equal(n.bootMemmapBytes, 2 * MiB);
    assert.equal(n.nrMemmapBootPages, 1); // the vmstat counter only counts DIV_ROUND_UP(16 KiB, 64 KiB)
    // 16 GiB: 1024 sections, 16 MiB of memmap = 8 PMDs.
    assert.equal(simulateMemmap(makeConfig({ arch: 'ppc64-radix', ram: { size: 16 * GiB } })).memmap.nodes[0].bootMemmapBytes, 16 * MiB);
  });

  it('ppc64 radix: memory starting inside a PMD of vmemmap is base-mapped up to the next PMD', () => {
    // Sections from 1 GiB: vmemmap offset 1 MiB, inside the first PMD -> 64 KiB pages up to 2 MiB, then PMDs.
    const r = simulateMemmap(makeConfig({ arch: 'ppc64-radix', ram: { start: GiB, size: 3 * GiB } }));
    assert.equal(r.memmap.nodes[0].bootMemmapBytes, MiB + 2 * MiB);
    assert.equal(r.memmap.pageTables.pte.tables, 1);
  });

  it('ppc64 hash: 16 MiB bolted pages when RAM >= 1 GiB, 64 KiB pages below; no page tables', () => {
    const big = simulateMemmap(makeConfig({ arch: 'ppc64-hash', ram: { size: 16 * GiB } }));
    assert.equal(big.memmap.nodes[0].bootMemmapBytes, 16 * MiB);
    assert.equal(big.memmap.pageTableBytes, 0);
    const small = simulateMemmap(makeConfig({ arch: 'ppc64-hash', ram: { size: 512 * MiB } }));
    assert.equal(small.memmap.nodes[0].bootMemmapBytes, 512 * KiB);
  });

  it('s390: 4 MiB of memmap per 256 MiB section in 1 MiB frames', () => {
    const r = simulateMemmap(makeConfig({ arch: 's390x', ram: { size: GiB } }));
    assert.equal(r.memmap.nodes[0].presentSections, 4);
    assert.equal(r.memmap.nodes[0].bootMemmapBytes, 16 * MiB);
  });

  it('sizeof(struct page) 80 (KMSAN): PMD blocks are shared between sections', () => {
    // 2 sections × 2.5 MiB = 5 MiB of memmap touches 3 PMD blocks.
    const r = simulateMemmap(makeConfig({ ram: { size: 256 * MiB }, kernel: { structPageSize: 80 } }));
    assert.equal(r.memmap.nodes[0].bootMemmapBytes, 6 * MiB);
    assert.equal(r.memmap.nodes[0].sectionMapReservedBytes, 2 * 4 * MiB);
  });
});
