import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GiB, KiB, MiB } from '../../src/config/units';
import { archProfile, compoundNrPages, simulateMemmap, vmemmapCanOptimize } from '../../src/core';
import { makeConfig } from './core-helpers';

const devdax = (o: Parameters<typeof makeConfig>[0] = {}, dev: Record<string, unknown> = {}) => {
  const r = simulateMemmap(makeConfig({ ...o, devices: [{ mode: 'devdax', map: 'mem', ...dev }] }));
  return { r, d: r.memmap.devices[0] };
};

describe('core compound devmaps and vmemmap dedup (§5)', () => {
  it('128 GiB devdax map=mem align 2 MiB: 2 of 8 vmemmap pages per compound page = 512 MiB + 4 MiB of PTE tables', () => {
    const { d, r } = devdax();
    assert.equal(d.status, 'ok');
    assert.equal(d.vmemmapShift, 9);
    assert.equal(d.dedup, true);
    assert.equal(d.compoundPages, 65536);
    assert.equal(d.ramBytes, 512 * MiB);
    assert.equal(d.dedupSavedBytes, 2 * GiB - 512 * MiB);
    // 1024 PTE tables (4 MiB) + 2 PMD tables.
    assert.equal(d.pageTableBytes, 4 * MiB + 2 * 4 * KiB);
    assert.equal(r.memmap.pageTables.pte.tables, 1024);
    // memmap_init_zone_device: 65,536 compound pages × 128 struct pages = a quarter of 33,554,432.
    assert.equal(d.initializedStructPages, 8388608);
    assert.equal(d.structPages, 33554432);
    assert.equal(r.memmap.savedBytes.dedup, d.dedupSavedBytes);
  });

  it('align 1 GiB: 2 vmemmap pages per 1 GiB compound page (reuse_compound_section) = 1 MiB + 4 MiB', () => {
    const { d } = devdax({}, { align: GiB });
    assert.equal(d.vmemmapShift, 18);
    assert.equal(d.dataOffsetBytes, GiB);
    assert.equal(d.compoundPages, 128);
    assert.equal(d.ramBytes, MiB);
    assert.equal(d.dedupSavedBytes, 2 * GiB - MiB);
    assert.equal(d.pageTableBytes, 4 * MiB + 2 * 4 * KiB);
    assert.equal(d.initializedStructPages, 128 * 128);
  });

  it('compound pages with their head in an early section: all their struct pages from the 6.12.y fix, the optimised count before (6.1)', () => {
    // Boot RAM ends 64 MiB into the section at 4 GiB; a CXL dax region fills the rest of it and 896 MiB more: 32 compound
    // pages reuse the unoptimised boot memmap (section_activate()), 448 are deduplicated.
    const run = (version: string) =>
      devdax({ version, nodes: [{ id: 0, ranges: [{ start: 0, size: 2 * GiB }, { start: 4 * GiB, size: 64 * MiB }] }] }, { kind: 'cxl', start: 4 * GiB + 64 * MiB, size: 960 * MiB, align: 2 * MiB }).d;
    const d12 = run('6.12');
    assert.deepEqual(d12.pieces?.map((p) => [p.mapping, p.nrPages]), [['early-reuse', 16384], ['compound', 229376]]);
    // [6.12.118] mm/mm_init.c compound_nr_pages(): early_section() -> pgmap_vmemmap_nr().
    assert.equal(d12.initializedStructPages, 32 * 512 + 448 * 128);
    // Before "mm/mm_init: fix uninitialized struct pages for ZONE_DEVICE" (6.12.100): 128 for every compound page.
    assert.equal(run('6.1').initializedStructPages, 480 * 128);
  });

  it('dedup needs the memmap in RAM: map=dev keeps the full memmap in the device', () => {
    const { d } = devdax({}, { map: 'dev' });
    assert.equal(d.dedup, false);
    assert.equal(d.vmemmapShift, 9);
    assert.equal(d.deviceBytes, 2 * GiB);
    assert.equal(d.dedupSavedBytes, 0);
    assert.ok(d.notes.some((n) => /map=dev/.test(n)));
  });

  it('fsdax is never compound', () => {
    const r = simulateMemmap(makeConfig({ devices: [{ mode: 'fsdax', map: 'mem' }] }));
    assert.equal(r.memmap.devices[0].vmemmapShift, 0);
    assert.equal(r.memmap.devices[0].ramBytes, 2 * GiB);
  });

  it('no dedup on arm64 (no ARCH_WANT_OPTIMIZE_DAX_VMEMMAP), nor with a 72/80-byte struct page', () => {
    assert.equal(devdax({ arch: 'arm64-4k' }).d.ramBytes, 2 * GiB);
    const kmsan = devdax({ kernel: { structPageSize: 80 } }).d;
    assert.equal(kmsan.dedup, false);
    assert.equal(kmsan.ramBytes, 2.5 * GiB);
  });

  it('6.1 x86 has dedup; ppc radix 64K only for 1 GiB (2 MiB needs 32 struct pages, under one vmemmap page)', () => {
    assert.equal(devdax({ version: '6.1' }).d.ramBytes, 512 * MiB);
    const p = archProfile(makeConfig({ arch: 'ppc64-radix' }));
    assert.equal(vmemmapCanOptimize(p, false, (2 * MiB) / (64 * KiB)), false);
    assert.equal(vmemmapCanOptimize(p, false, GiB / (64 * KiB)), true);
    const radix = devdax({ arch: 'ppc64-radix', ram: { size: 16 * GiB } }, { size: 64 * GiB, align: GiB });
    assert.equal(radix.d.dedup, true);
    assert.equal(radix.d.ramBytes, 64 * 2 * 64 * KiB);
  });

  it('the saving is measured against the memmap the range really needs: ppc64 radix 64G at 1 GiB saves 56 MiB of 64 MiB, not 248 MiB', () => {
    // 16 MiB sections of 64 KiB pages hold 16 KiB of struct pages: four sections share one 64 KiB vmemmap page,
    // so counting DIV_ROUND_UP(PAGES_PER_SECTION × SP, PAGE_SIZE) per section (section_nr_vmemmap_pages()) gives 256 MiB.
    const radix = devdax({ arch: 'ppc64-radix', ram: { size: 16 * GiB } }, { start: 64 * GiB, size: 64 * GiB, align: GiB }).d;
    assert.equal(radix.ramBytes, 8 * MiB);
    assert.equal(radix.dedupSavedBytes, 56 * MiB);
    assert.ok(radix.notes.some((n) => /8 MiB instead of 64 MiB \(saves 56 MiB;/.test(n)));
    const plain = devdax({ arch: 'ppc64-radix', ram: { size: 16 * GiB } }, { start: 64 * GiB, size: 64 * GiB, align: 64 * KiB }).d;
    assert.equal(plain.ramBytes, 64 * MiB);
    assert.equal(radix.ramBytes + radix.dedupSavedBytes, plain.ramBytes);
    // x86: a sub-section piece at the start (namespace 2 MiB into a section) is counted by its own pages.
    const x86 = devdax({}, { start: 64 * GiB + 2 * MiB, size: 8 * GiB - 2 * MiB }).d;
    assert.equal(x86.dedup, true);
    assert.equal(x86.ramBytes + x86.dedupSavedBytes, ((8 * GiB - 2 * MiB) / 4096) * 64);
  });

  it('compound_nr_pages: 2 × PAGE_SIZE / SP with dedup, the whole compound page without', () => {
    const p = archProfile(makeConfig());
    assert.equal(compoundNrPages(p, true, 512), 128);
    assert.equal(compoundNrPages(p, false, 512), 512);
  });

  it('dynamic dax (CXL/HMEM devdax): no info block, whole range, memmap in RAM; map=dev is an error', () => {
    const { d } = devdax({}, { kind: 'cxl', start: 64 * GiB, size: 8 * GiB });
    assert.equal(d.dataOffsetBytes, 0);
    assert.equal(d.usablePages, (8 * GiB) / 4096);
    assert.equal(d.ramBytes, 32 * MiB);
    const bad = devdax({}, { kind: 'hmem', size: 8 * GiB, map: 'dev' });
    assert.equal(bad.d.status, 'ok');
    assert.equal(bad.d.ramBytes, 32 * MiB);
    assert.ok(bad.r.errors.some((e) => e.severity === 'error' && /has no info block; memmap is always in RAM/.test(e.message)));
    const unaligned = devdax({}, { kind: 'cxl', start: 64 * GiB + MiB, size: 8 * GiB });
    assert.equal(unaligned.d.status, 'failed');
  });
});
