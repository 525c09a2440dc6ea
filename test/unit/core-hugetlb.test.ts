import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GiB, KiB, MiB } from '../../src/config/units';
import { archProfile, hugetlbVmemmapOptimizableSize, hvoKernelMessage, simulateMemmap } from '../../src/core';
import { makeConfig } from './core-helpers';

const pool = (o: Parameters<typeof makeConfig>[0]) => {
  const r = simulateMemmap(makeConfig(o));
  return { r, h: r.memmap.hugetlb[0] };
};

describe('core HugeTLB vmemmap optimization (§6)', () => {
  it('x86: 28 KiB per 2 MiB page, 16,380 KiB per 1 GiB page, with the boot log lines', () => {
    const p = archProfile(makeConfig());
    assert.equal(hugetlbVmemmapOptimizableSize(p, 2 * MiB), 28 * KiB);
    assert.equal(hugetlbVmemmapOptimizableSize(p, GiB), 16380 * KiB);
    assert.equal(hvoKernelMessage(p, 2 * MiB), 'HugeTLB: 28 KiB vmemmap can be freed for a 2.00 MiB page\n');
    assert.equal(hvoKernelMessage(p, GiB), 'HugeTLB: 16380 KiB vmemmap can be freed for a 1.00 GiB page\n');
  });

  it('512 × 2 MiB with HVO: 3584 pages = 14 MiB freed, 8 PTE tables for the PMD split', () => {
    const { h, r } = pool({ ram: { size: 16 * GiB }, kernel: { hvo: true }, hugetlb: [{ count: 512 }] });
    assert.equal(h.allocated, 512);
    assert.equal(h.vmemmapBytesPerPage, 32 * KiB);
    assert.equal(h.freedBytesPerPage, 28 * KiB);
    assert.equal(h.freedBytes, 14 * MiB);
    assert.equal(h.freedBytes / 4096, 3584);
    assert.equal(h.pageTableBytes, 8 * 4 * KiB);
    assert.equal(h.hvo, 'optimized');
    assert.equal(r.memmap.savedBytes.hvo, 14 * MiB);
    assert.equal(r.memmap.ramBytes, r.memmap.bootMemmapBytes - 14 * MiB);
    assert.equal(r.memmap.pageTables.pte.tables, 8);
  });

  it('64 × 1 GiB with HVO: 64 × 16,380 KiB freed, 64 × 8 PTE tables (2 MiB)', () => {
    const { h } = pool({ ram: { size: 128 * GiB }, kernel: { hvo: true }, hugetlb: [{ pageSize: GiB, count: 64 }] });
    assert.equal(h.freedBytes, 64 * 16380 * KiB);
    assert.equal(h.pageTableBytes, 2 * MiB);
  });

  it('HVO off: nothing freed, but the optimizable size is still reported and printed', () => {
    const { h, r } = pool({ ram: { size: 16 * GiB }, hugetlb: [{ count: 512 }] });
    assert.equal(h.hvo, 'disabled');
    assert.equal(h.freedBytes, 0);
    assert.equal(h.optimizableBytesPerPage, 28 * KiB);
    assert.deepEqual(h.kernelMessages, ['HugeTLB: 28 KiB vmemmap can be freed for a 2.00 MiB page\n']);
    assert.equal(r.memmap.pageTables.pte.tables, 0);
  });

  it('no HVO on arm64, and none with a non-power-of-two struct page', () => {
    const arm = pool({ arch: 'arm64-64k', ram: { size: 32 * GiB }, kernel: { hvo: true }, hugetlb: [{ pageSize: 512 * MiB, count: 16 }] }).h;
    assert.equal(arm.hvo, 'unavailable');
    assert.equal(arm.freedBytes, 0);
    assert.deepEqual(arm.kernelMessages, ['HugeTLB: 0 KiB vmemmap can be freed for a 512 MiB page\n']);
    const kmsan = pool({ ram: { size: 16 * GiB }, kernel: { hvo: true, structPageSize: 80 }, hugetlb: [{ count: 8 }] }).h;
    assert.equal(kmsan.hvo, 'not-power-of-two');
    assert.equal(kmsan.optimizableBytesPerPage, 0);
  });

  it('5.14-5.17 keep 2 vmemmap pages: 24 KiB per 2 MiB page, old log wording', () => {
    const p = archProfile(makeConfig({ version: '5.15' }));
    assert.equal(hugetlbVmemmapOptimizableSize(p, 2 * MiB), 24 * KiB);
    assert.equal(hvoKernelMessage(p, 2 * MiB), 'HugeTLB: can free 6 vmemmap pages for hugepages-2048kB\n');
    assert.equal(hvoKernelMessage(archProfile(makeConfig({ version: '5.19' })), 2 * MiB), 'HugeTLB: can optimize 7 vmemmap pages for hugepages-2048kB\n');
  });

  it('pages in memory with a self-hosted memmap (memmap_on_memory) are not optimized', () => {
    const { h } = pool({
      ram: { size: GiB },
      kernel: { hvo: true, memmapOnMemory: 'on' },
      hotplug: [{ start: 4 * GiB, size: 2 * GiB, memmapOnMemory: true }],
      hugetlb: [{ count: 1024 }],
    });
    assert.equal(h.allocated, 1024);
    assert.equal(h.optimizedPages, 512);
    assert.equal(h.hvo, 'partly-self-hosted');
    assert.equal(h.freedBytes, 512 * 28 * KiB);
  });

  it('a pool larger than the node warns with the kernel message', () => {
    const { h, r } = pool({ ram: { size: 4 * GiB }, hugetlb: [{ pageSize: GiB, count: 8 }] });
    assert.equal(h.allocated, 4);
    assert.ok(r.errors.some((e) => e.kernelMessage === 'HugeTLB: allocating 8 of page size 1.00 GiB failed node0.  Only allocated 4 hugepages.\n'));
  });

  it('unsupported huge page size', () => {
    const { r } = pool({ hugetlb: [{ pageSize: 4 * MiB, count: 1 }] });
    assert.equal(r.errors[0].kernelMessage, 'HugeTLB: unsupported hugepagesz=4M\n');
  });

  it('vmstat (6.12): HVO frees all vmemmap pages of a folio and allocates one new head page', () => {
    const { r } = pool({ ram: { size: 16 * GiB }, kernel: { hvo: true }, hugetlb: [{ count: 512 }] });
    assert.deepEqual(r.memmap.vmstat, { nrMemmapBootPages: 128 * 512 - 512 * 8, nrMemmapPages: 512 });
    assert.equal(pool({ version: '6.1', hugetlb: [] }).r.memmap.vmstat, null);
  });
});
