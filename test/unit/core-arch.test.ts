import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Arch } from '../../src/config/types';
import { GiB, KiB, MiB } from '../../src/config/units';
import { archProfile, deferredInitMaxThreads, probeMemoryBlockSize, simulateMemmap } from '../../src/core';
import { makeConfig } from './core-helpers';

const prof = (arch: Arch, version = '6.12', extra: Parameters<typeof makeConfig>[0] = {}) => {
  const cfg = makeConfig({ arch, version, ...extra });
  return archProfile(cfg);
};

describe('core arch profiles (§1 table)', () => {
  it('x86_64 4K: 128 MiB sections, 32768 pages, 2 MiB memmap per section, 64 sub-sections', () => {
    const p = prof('x86_64');
    assert.equal(p.pageSize, 4 * KiB);
    assert.equal(p.sectionSize, 128 * MiB);
    assert.equal(p.pagesPerSection, 32768);
    assert.equal(p.sectionMemmapBytes, 2 * MiB);
    assert.equal(p.sectionMapSize, 2 * MiB);
    assert.equal(p.pagesPerSubsection, 512);
    assert.equal(p.subsectionsPerSection, 64);
    assert.equal(p.pageblockPages, 512);
    assert.equal(p.pmdSize, 2 * MiB);
    assert.equal(p.maxPhysmemBits, 46);
    assert.equal(2 ** (p.maxPhysmemBits - p.sectionSizeBits), 524288);
    assert.deepEqual(p.daxAlignments, [4 * KiB, 2 * MiB, GiB]);
  });

  it('x86_64 above 64 TiB assumes 5-level paging (MAX_PHYSMEM_BITS 52)', () => {
    const p = archProfile(makeConfig(), 2 ** 47);
    assert.equal(p.maxPhysmemBits, 52);
  });

  it('arm64 page sizes: 16K 8192 pages / 512 KiB, 64K 512 MiB sections', () => {
    const p16 = prof('arm64-16k');
    assert.equal(p16.pagesPerSection, 8192);
    assert.equal(p16.sectionMemmapBytes, 512 * KiB);
    assert.equal(p16.pmdSize, 32 * MiB);
    assert.equal(p16.pageblockPages * p16.pageSize, 32 * MiB);
    assert.equal(p16.pagesPerSubsection, 128);
    const p64 = prof('arm64-64k');
    assert.equal(p64.sectionSize, 512 * MiB);
    assert.equal(p64.pagesPerSection, 8192);
    assert.equal(p64.pageblockOrder, 13);
    assert.equal(p64.pagesPerSubsection, 32);
    assert.equal(p64.subsectionsPerSection, 256);
    assert.equal(p64.vmemmap.kind, 'base');
  });

  it('ppc64 64K: 16 MiB sections of 256 pages, 16 KiB memmap, pageblock 2 MiB radix / 16 MiB hash', () => {
    const r = prof('ppc64-radix');
    assert.equal(r.pagesPerSection, 256);
    assert.equal(r.sectionMemmapBytes, 16 * KiB);
    assert.equal(r.pagesPerSubsection, 32);
    assert.equal(r.subsectionsPerSection, 8);
    assert.equal(r.pageblockPages * r.pageSize, 2 * MiB);
    assert.equal(r.memremapCompatAlign, 2 * MiB);
    const h = prof('ppc64-hash');
    assert.equal(h.pageblockPages * h.pageSize, 16 * MiB);
    assert.equal(h.memremapCompatAlign, 16 * MiB);
    assert.equal(h.maxPhysmemBits, 51);
  });

  it('s390x: 256 MiB sections, 4 MiB memmap, 1 MiB frames; riscv64: 128 MiB sections', () => {
    const s = prof('s390x');
    assert.equal(s.pagesPerSection, 65536);
    assert.equal(s.sectionMemmapBytes, 4 * MiB);
    assert.equal(s.pageblockPages, 256);
    assert.equal(s.subsectionsPerSection, 128);
    assert.equal(s.vmemmap.leafBytes, MiB);
    const rv = prof('riscv64');
    assert.equal(rv.pagesPerSection, 32768);
    assert.equal(rv.maxPhysmemBits, 56);
  });

  it('MAX_PAGE_ORDER per arch (6.1 MAX_ORDER - 1 is the same number)', () => {
    assert.equal(prof('arm64-4k').maxPageOrder, 10);
    assert.equal(prof('arm64-16k').maxPageOrder, 11);
    assert.equal(prof('arm64-64k').maxPageOrder, 13);
    assert.equal(prof('ppc64-radix').maxPageOrder, 8);
    assert.equal(prof('arm64-64k', '6.1').pageblockOrder, 13);
  });
});

describe('core feature availability per arch and version', () => {
  it('HVO: 6.1 x86_64 only; 6.12 x86_64 and riscv64; kept pages 2 in 5.14-5.17, 1 from 5.18', () => {
    assert.equal(prof('x86_64', '6.1').features.hvo, true);
    assert.equal(prof('riscv64', '6.1').features.hvo, false);
    assert.equal(prof('riscv64', '6.12').features.hvo, true);
    assert.equal(prof('s390x', '6.12').features.hvo, false);
    assert.equal(prof('arm64-4k', '6.12').features.hvo, false);
    assert.equal(prof('x86_64', '5.10').features.hvo, false);
    assert.equal(prof('x86_64', '5.15').features.hvoReservePages, 2);
    assert.equal(prof('x86_64', '5.18').features.hvoReservePages, 1);
  });

  it('HVO per version between 6.1 and 6.12: riscv64 from 6.4, s390x 6.2-6.11 (dropped again in 6.12.y)', () => {
    const on = (a: Arch, v: string) => prof(a, v).features.hvo;
    assert.deepEqual(['6.1', '6.3', '6.4', '6.6', '6.11', '6.12'].map((v) => on('riscv64', v)), [false, false, true, true, true, true]);
    assert.deepEqual(['6.1', '6.2', '6.6', '6.11', '6.12', '6.13'].map((v) => on('s390x', v)), [false, true, true, true, false, false]);
    assert.deepEqual(['5.14', '6.1', '6.6', '6.12'].map((v) => on('x86_64', v)), [true, true, true, true]);
    for (const a of ['arm64-4k', 'arm64-16k', 'arm64-64k', 'ppc64-radix', 'ppc64-hash'] as Arch[]) assert.equal(on(a, '6.6'), false, a);
  });

  it('DAX vmemmap dedup: 6.12 x86_64, riscv64, ppc radix; 6.1 x86_64', () => {
    const on = (a: Arch, v: string) => prof(a, v).features.daxVmemmapDedup;
    assert.deepEqual(
      (['x86_64', 'riscv64', 'ppc64-radix', 'ppc64-hash', 'arm64-4k'] as Arch[]).map((a) => on(a, '6.12')),
      [true, true, true, false, false],
    );
    assert.deepEqual(
      (['x86_64', 'riscv64', 'ppc64-radix'] as Arch[]).map((a) => on(a, '6.1')),
      [true, false, false],
    );
  });

  it('memmap_on_memory: 6.1 x86 and arm64; 6.12 adds ppc radix, riscv, s390; fallback from 6.6; dax kmem from 6.8', () => {
    const on = (a: Arch, v: string) => prof(a, v).features.memmapOnMemory;
    assert.deepEqual((['x86_64', 'arm64-4k', 'ppc64-radix', 'riscv64', 's390x', 'ppc64-hash'] as Arch[]).map((a) => on(a, '6.1')), [true, true, false, false, false, false]);
    assert.deepEqual((['x86_64', 'arm64-4k', 'ppc64-radix', 'riscv64', 's390x', 'ppc64-hash'] as Arch[]).map((a) => on(a, '6.12')), [true, true, true, true, true, false]);
    // The parameter exists where the arch selects the option; ppc64 hash has it (PPC_RADIX_MMU) without the support.
    const param = (a: Arch, v: string) => prof(a, v).features.memmapOnMemoryParameter;
    assert.deepEqual((['x86_64', 'arm64-4k', 'ppc64-radix', 'riscv64', 's390x', 'ppc64-hash'] as Arch[]).map((a) => param(a, '6.1')), [true, true, false, false, false, false]);
    assert.deepEqual((['x86_64', 'arm64-4k', 'ppc64-radix', 'riscv64', 's390x', 'ppc64-hash'] as Arch[]).map((a) => param(a, '6.12')), [true, true, true, true, true, true]);
    assert.equal(prof('x86_64', '6.5').features.memmapOnMemoryFallback, false);
    assert.equal(prof('x86_64', '6.6').features.memmapOnMemoryFallback, true);
    assert.equal(prof('x86_64', '6.7').features.daxKmemMemmapOnMemory, false);
    assert.equal(prof('x86_64', '6.8').features.daxKmemMemmapOnMemory, true);
  });

  it('deferred init threads: 6.1 x86 per-node CPUs, others 1; 6.12 all per-node CPUs', () => {
    assert.equal(deferredInitMaxThreads(prof('x86_64', '6.1'), 32), 32);
    assert.equal(deferredInitMaxThreads(prof('arm64-4k', '6.1'), 32), 1);
    assert.equal(deferredInitMaxThreads(prof('arm64-4k', '6.12'), 32), 32);
    assert.equal(deferredInitMaxThreads(prof('arm64-4k', '6.12'), 0), 1);
  });

  it('ZONE_DEVICE: not on s390; 6.1 not on riscv', () => {
    assert.equal(prof('s390x').features.zoneDevice, false);
    assert.equal(prof('riscv64', '6.1').features.zoneDevice, false);
    assert.equal(prof('riscv64', '6.12').features.zoneDevice, true);
  });

  it('vmemmap mapping: riscv base pages (altmap NULL) in 6.1, PMD blocks in 6.12', () => {
    assert.equal(prof('riscv64', '6.1').vmemmap.kind, 'base');
    assert.equal(prof('riscv64', '6.1').vmemmap.baseUsesAltmap, false);
    assert.equal(prof('riscv64', '6.12').vmemmap.kind, 'pmd-always');
    assert.equal(prof('x86_64', '6.1').vmemmap.pteFallbackUsesAltmap, false);
    assert.equal(prof('x86_64', '6.12').vmemmap.pteFallbackUsesAltmap, true);
    assert.equal(prof('arm64-4k', '6.1').vmemmap.pmdAltmapFailure, 'base-altmap');
    assert.equal(prof('arm64-4k', '6.12').vmemmap.pmdAltmapFailure, 'enomem');
  });
});

describe('core memory block size probe', () => {
  const x86 = archProfile(makeConfig());
  const probe = (end: number, hypervisor: boolean, override: number | null = null) => probeMemoryBlockSize(x86, [{ start: 0, end }], hypervisor, override);

  it('x86: below 64 GiB of boot memory -> 128 MiB', () => {
    assert.equal(probe(48 * GiB, false).bytes, 128 * MiB);
    assert.equal(probe(48 * GiB, true).bytes, 128 * MiB);
    assert.equal(probe(48 * GiB, false).kernelMessage, 'x86/mm: Memory block size: 128MB\n');
  });

  it('x86: bare metal with >= 64 GiB -> 2 GiB', () => {
    assert.equal(probe(64 * GiB, false).bytes, 2 * GiB);
    assert.equal(probe(512 * GiB + 128 * MiB, false).bytes, 2 * GiB);
    assert.equal(probe(512 * GiB, false).kernelMessage, 'x86/mm: Memory block size: 2048MB\n');
  });

  it('x86: VM -> largest power of two <= 2 GiB dividing boot_mem_end, floor 128 MiB', () => {
    assert.equal(probe(96 * GiB, true).bytes, 2 * GiB);
    assert.equal(probe(65 * GiB, true).bytes, GiB);
    assert.equal(probe(64 * GiB + 512 * MiB, true).bytes, 512 * MiB);
    assert.equal(probe(64 * GiB + 128 * MiB, true).bytes, 128 * MiB);
    assert.equal(probe(64 * GiB + 2 * MiB, true).bytes, 128 * MiB);
  });

  it('x86: set_memory_block_size_order() override accepted between 128 MiB and 64 GiB, else probed', () => {
    assert.equal(probe(512 * GiB, false, GiB).bytes, GiB);
    const bad = probe(512 * GiB, false, 128 * GiB);
    assert.equal(bad.bytes, 2 * GiB);
    assert.ok(bad.problem && !bad.problem.fatal);
  });

  it('x86: boot_mem_end is the end of the highest range (max_pfn), not the amount of RAM', () => {
    const r = simulateMemmap(makeConfig({ nodes: [{ ranges: [{ start: 0, size: 2 * GiB }, { start: 4 * GiB, size: 62 * GiB }] }] }));
    assert.equal(r.memmap.memoryBlockBytes, 2 * GiB); // ends at 66 GiB >= 64 GiB, bare metal
  });

  it('ppc64: ibm,lmb-size override, else probed from memory node sizes', () => {
    const p = prof('ppc64-radix');
    assert.equal(probeMemoryBlockSize(p, [{ start: 0, end: 16 * GiB }], false, 256 * MiB).bytes, 256 * MiB);
    assert.equal(probeMemoryBlockSize(p, [{ start: 0, end: 16 * GiB }], false, null).bytes, GiB);
    assert.equal(probeMemoryBlockSize(p, [{ start: 0, end: 3 * GiB }], false, null).bytes, 256 * MiB);
    // Only one bit is tested per step ((mem_size & block_size) == 0 stops): 3 GiB + 16 MiB stops at 256 MiB.
    assert.equal(probeMemoryBlockSize(p, [{ start: 0, end: 3 * GiB + 16 * MiB }], false, null).bytes, 256 * MiB);
    assert.equal(probeMemoryBlockSize(p, [{ start: 0, end: GiB + 256 * MiB + 64 * MiB }], false, null).bytes, 16 * MiB);
    const bad = probeMemoryBlockSize(p, [{ start: 0, end: 16 * GiB }], false, 48 * MiB);
    assert.equal(bad.problem?.kernelMessage, 'Memory block size not suitable: 0x3000000\n');
    assert.equal(bad.problem?.fatal, true);
  });

  it('s390: max(256 MiB, sclp.rzm); arm64/riscv: the section size', () => {
    const s = prof('s390x');
    assert.equal(probeMemoryBlockSize(s, [{ start: 0, end: 16 * GiB }], false, null).bytes, 256 * MiB);
    assert.equal(probeMemoryBlockSize(s, [{ start: 0, end: 16 * GiB }], false, GiB).bytes, GiB);
    assert.equal(probeMemoryBlockSize(s, [{ start: 0, end: 16 * GiB }], false, 128 * MiB).bytes, 256 * MiB);
    assert.equal(probeMemoryBlockSize(prof('arm64-64k'), [{ start: 0, end: 16 * GiB }], false, null).bytes, 512 * MiB);
    assert.equal(probeMemoryBlockSize(prof('riscv64'), [{ start: 0, end: 512 * GiB }], false, null).bytes, 128 * MiB);
  });
});
