import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { GiB, KiB, MiB, alignmentOf } from '../../src/config/units';
import { type Altmap, VmemmapSpace, altmapAllocRun, archProfile, compoundHeadSections, memmapPagesFor, newAltmap, simulateMemmap, zoneDeviceInitRange } from '../../src/core';
import { buildInitWorkload } from '../../src/core/init';
import { makeConfig } from './core-helpers';

const one = (o: Parameters<typeof makeConfig>[0]) => {
  const r = simulateMemmap(makeConfig(o));
  return { r, d: r.memmap.devices[0] };
};

/** The kernel's altmap_alloc_block_buf(), one call at a time. */
function kernelAltmapAlloc(a: Altmap, nrPfns: number): boolean {
  const pfn = a.basePfn + a.reserve + a.alloc + a.align;
  let nrAlign = alignmentOf(nrPfns);
  nrAlign = Math.ceil(pfn / nrAlign) * nrAlign - pfn;
  const allocated = a.alloc + a.align;
  const nrFree = a.free > allocated ? a.free - allocated : 0;
  if (nrPfns + nrAlign > nrFree) return false;
  a.alloc += nrPfns;
  a.align += nrAlign;
  return true;
}

describe('core altmap_alloc_block_buf() in closed form (§2e)', () => {
  it('§2e worked example: 1024 PMD requests from base 0x1000000, reserve 2, free 524,798', () => {
    const a = newAltmap(0x1000000, 0x2ffffff, 2, 524798);
    const r = altmapAllocRun(a, 512, 1024);
    assert.equal(r.done, 1024);
    assert.equal(r.padding, 510);
    assert.equal(r.firstPfn, 0x1000000 + 512);
    assert.equal(a.alloc, 524288);
    assert.equal(a.align, 510);
    assert.equal(altmapAllocRun(a, 512, 1).done, 0);
  });

  it('matches the per-call kernel loop for any altmap and request run (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 30 }),
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 40000 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.constantFrom(1, 32, 256, 512, 2048, 3, 24),
        fc.integer({ min: 0, max: 80 }),
        (base, reserve, free, used, nrPfns, count) => {
          const a = newAltmap(base, base + 2 ** 31, reserve, free);
          const b = newAltmap(base, base + 2 ** 31, reserve, free);
          // Some earlier single-page allocations shift the next pfn.
          const pre = Math.min(used, free);
          a.alloc = pre;
          b.alloc = pre;
          const r = altmapAllocRun(a, nrPfns, count);
          let done = 0;
          while (done < count && kernelAltmapAlloc(b, nrPfns)) done++;
          assert.equal(r.done, done);
          assert.equal(a.alloc, b.alloc);
          assert.equal(a.align, b.align);
          assert.ok(a.alloc + a.align <= Math.max(a.free, pre));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('core ZONE_DEVICE vmemmap population (§2, §4d)', () => {
  it('Case A: 1024 PMD blocks from the altmap, exactly its free pages; RAM pays only page tables', () => {
    const { d, r } = one({ devices: [{}] });
    assert.equal(d.status, 'ok');
    assert.equal(d.structPages, 33554432);
    assert.equal(d.deviceBytes, 2 * GiB);
    assert.equal(d.ramBytes, 0);
    assert.equal(d.memmapBytes, 2 * GiB);
    assert.equal(d.location, 'device');
    assert.deepEqual(
      { alloc: d.altmap!.alloc, align: d.altmap!.align, free: d.altmap!.free, unused: d.altmap!.unusedPages },
      { alloc: 524288, align: 510, free: 524798, unused: 0 },
    );
    assert.equal(d.usablePages, 33029632);
    assert.equal(d.initializedStructPages, 33029632);
    assert.equal(d.pieces.length, 1);
    assert.equal(d.pieces[0].mapping, 'pmd');
    // vmemmap [1 GiB, 3 GiB): two new PMD tables, no PTE tables.
    assert.equal(d.pageTableBytes, 2 * 4 * KiB);
    assert.equal(r.memmap.pageTables.pte.tables, 0);
    assert.deepEqual(d.mappedRange, { start: 64 * GiB, end: 192 * GiB });
  });

  it('Case B: align 1 GiB wastes 261,632 altmap pages', () => {
    const { d } = one({ devices: [{ align: GiB }] });
    assert.equal(d.dataOffsetBytes, 3 * GiB);
    assert.equal(d.altmap!.alloc + d.altmap!.align, 524798);
    assert.equal(d.altmap!.unusedPages, 786430 - 524798);
  });

  it('Case C: start 64 GiB + 2 MiB: sub-section pieces 504 + 8 pages from RAM, 1023 PMD blocks from the altmap', () => {
    const { d } = one({ devices: [{ start: 64 * GiB + 2 * MiB }] });
    assert.equal(d.status, 'ok');
    assert.equal(d.pieces.length, 3);
    assert.deepEqual(
      d.pieces.map((p) => [p.mapping, p.fullSections, p.ramBytes / 4096, p.deviceBytes / 4096]),
      [
        ['base', 0, 504, 0],
        ['pmd', 1023, 0, 1023 * 512],
        ['base', 0, 8, 0],
      ],
    );
    assert.match(d.pieces[0].note, /sub-section piece 126 MiB/);
    assert.match(d.pieces[0].note, /504 pages \(2016 KiB\) from RAM/);
    assert.equal(d.ramBytes, 512 * 4096);
    assert.equal(d.altmap!.alloc + d.altmap!.align, 524286);
    assert.equal(d.location, 'split');
    // vmemmap [1 GiB + 32 KiB, 3 GiB + 32 KiB): 2 PTE tables (the partial sections) + 3 PMD tables.
    assert.equal(d.pageTableBytes, 2 * 4 * KiB + 3 * 4 * KiB);
  });

  it('Case C in a boot section: the first piece reuses the early section memmap', () => {
    const { d } = one({ ram: { size: 64 * GiB }, devices: [{ start: 64 * GiB + 2 * MiB }] });
    // RAM ends at 64 GiB exactly: section 512 is not early.
    assert.equal(d.ramBytes, 512 * 4096);
    const { d: d2 } = one({ nodes: [{ ranges: [{ start: 0, size: 64 * GiB + 2 * MiB }] }], devices: [{ start: 64 * GiB + 2 * MiB }] });
    assert.equal(d2.pieces[0].mapping, 'early-reuse');
    assert.equal(d2.pieces[0].ramBytes, 0);
    assert.equal(d2.ramBytes, 8 * 4096);
  });

  it('Case D: map=mem fsdax: the 2 GiB memmap comes from RAM (1024 PMD blocks)', () => {
    const { d } = one({ devices: [{ map: 'mem' }] });
    assert.equal(d.ramBytes, 2 * GiB);
    assert.equal(d.deviceBytes, 0);
    assert.equal(d.altmap, null);
    assert.equal(d.usablePages, 33553920);
    assert.equal(d.location, 'ram');
  });

  it('Case F: 1 GiB map=dev: 8 PMD blocks + 510 padding = free 4606', () => {
    const { d } = one({ devices: [{ size: GiB }] });
    assert.equal(d.dataOffsetBytes, 18 * MiB);
    assert.deepEqual([d.altmap!.alloc, d.altmap!.align, d.altmap!.free], [4096, 510, 4606]);
  });

  it('Case G: 16 MiB map=dev: one sub-section piece, 64 RAM pages, the altmap unused', () => {
    const { d } = one({ devices: [{ size: 16 * MiB }] });
    assert.equal(d.ramBytes, 64 * 4096);
    assert.equal(d.deviceBytes, 0);
    assert.equal(d.altmap!.alloc, 0);
    assert.equal(d.usablePages, 3584);
    assert.equal(d.location, 'ram');
  });

  it('arm64 4K: sub-section base pages DO use the altmap', () => {
    const { d } = one({ arch: 'arm64-4k', ram: { size: 16 * GiB }, devices: [{ start: 64 * GiB + 2 * MiB, size: 16 * GiB }] });
    assert.equal(d.status, 'ok');
    assert.equal(d.ramBytes, 0);
    assert.equal(d.altmap!.alloc, 504 + 127 * 512 + 8);
    assert.equal(d.altmap!.align, 6); // after 504 single pages the first PMD block pads from base+506 to base+512
  });

  it('riscv64 6.12: every piece gets a whole PMD, so a misaligned map=dev namespace exhausts its altmap (-ENOMEM)', () => {
    const { d, r } = one({ arch: 'riscv64', ram: { size: 16 * GiB }, devices: [{ start: 64 * GiB + 2 * MiB, size: 16 * GiB }] });
    assert.equal(d.status, 'failed');
    assert.equal(d.memmapBytes, 0);
    assert.equal(d.pageTableBytes, 0);
    const e = r.errors.find((x) => x.severity === 'error');
    assert.ok(e);
    assert.match(e.message, /altmap runs out/);
    assert.match(e.message, /-ENOMEM/);
    assert.equal(e.code, 'altmap-exhausted');
    assert.deepEqual(e.path, ['devices', 0]);
    // Nothing leaked into the totals or the page tables.
    assert.equal(r.memmap.totalBytes, r.memmap.bootMemmapBytes + r.memmap.nodes[0].pageTableBytes);
    // Aligned, it fits.
    assert.equal(one({ arch: 'riscv64', ram: { size: 16 * GiB }, devices: [{ start: 64 * GiB, size: 16 * GiB }] }).d.status, 'ok');
  });

  it('riscv64 6.1: base pages from RAM, altmap ignored', () => {
    const { d } = one({ arch: 'riscv64', version: '6.1', devices: [{ size: 16 * GiB }] });
    // 6.1 riscv has no ZONE_DEVICE (ARCH_HAS_PTE_DEVMAP): fsdax is refused.
    assert.equal(d.status, 'failed');
  });

  it('ppc64 radix and hash: the nvdimm reservation is exactly what PMD / 16 MiB blocks need', () => {
    const radix = one({ arch: 'ppc64-radix', ram: { size: 16 * GiB }, devices: [{ size: 64 * GiB }] }).d;
    assert.equal(radix.status, 'ok');
    assert.deepEqual([radix.altmap!.alloc, radix.altmap!.align, radix.altmap!.free], [1024, 31, 1055]);
    const hash = one({ arch: 'ppc64-hash', ram: { size: 16 * GiB }, devices: [{ size: 64 * GiB, align: 16 * MiB }] }).d;
    assert.equal(hash.status, 'ok');
    assert.deepEqual([hash.altmap!.alloc, hash.altmap!.align, hash.altmap!.free], [1024, 255, 1279]);
    assert.equal(hash.pageTableBytes, 0);
  });

  it('overlaps: System RAM, another device', () => {
    const ram = one({ ram: { size: 256 * GiB }, devices: [{ start: 64 * GiB }] });
    assert.equal(ram.d.status, 'failed');
    assert.equal(ram.r.errors[0].kernelMessage, 'attempted on ram region 0x1000000000-0x2fffffffff\n');
    const mixed = one({ ram: { size: 128 * GiB }, devices: [{ start: 64 * GiB }] });
    assert.equal(mixed.r.errors[0].kernelMessage, 'attempted on mixed region 0x1000000000-0x2fffffffff\n');
    const two = simulateMemmap(makeConfig({ devices: [{ name: 'a' }, { name: 'b', start: 128 * GiB }] }));
    assert.equal(two.memmap.devices[1].status, 'failed');
    assert.equal(two.errors[0].kernelMessage, 'Conflicting mapping in same section\n');
  });

  it('raw mode on an ND_REGION_PAGEMAP region (e820 / memmap=nn!ss, virtio-pmem, of_pmem): struct pages, memmap in RAM', () => {
    for (const provider of ['e820', 'virtio-pmem', 'of-pmem'] as const) {
      const { d } = one({ devices: [{ mode: 'raw', provider, map: 'dev' }] });
      assert.equal(d.status, 'ok', provider);
      assert.equal(d.structPages, (128 * GiB) / (4 * KiB));
      assert.equal(d.ramBytes, 2 * GiB); // 32 Mi struct pages x 64 B: pmem_attach_disk() maps the whole namespace
      assert.equal(d.deviceBytes, 0);
      assert.equal(d.dataOffsetBytes, 0);
      assert.match(d.notes.join('\n'), /ND_REGION_PAGEMAP/);
    }
    // pmem_should_map_pages() says no: an NFIT region, no ZONE_DEVICE, a namespace mixed with System RAM.
    assert.equal(one({ devices: [{ mode: 'raw', provider: 'nfit' }] }).d.status, 'no-struct-pages');
    assert.equal(one({ arch: 's390x', devices: [{ mode: 'raw', provider: 'e820' }] }).d.status, 'no-struct-pages');
    const mixed = one({ ram: { size: 96 * GiB }, devices: [{ mode: 'raw', provider: 'e820' }] });
    assert.equal(mixed.d.status, 'no-struct-pages');
    assert.match(mixed.d.notes.join('\n'), /REGION_MIXED/);
  });

  it('raw mode on an ND_REGION_PAGEMAP region must be memremap_compat_align()ed: "%pr misaligned, unable to map"', () => {
    // nvdimm_namespace_common_probe(): IS_ALIGNED(res->start | (res->end + 1), memremap_compat_align()) for a
    // namespace pmem_should_map_pages() maps, else -EOPNOTSUPP ([6.12] namespace_devs.c:1497-1506, [6.1] :1488-1497).
    const hash = one({ arch: 'ppc64-hash', ram: { size: 16 * GiB }, devices: [{ mode: 'raw', provider: 'of-pmem', start: 0x1000200000, size: GiB }] });
    assert.equal(hash.d.status, 'failed'); // ppc64 hash: compat align 16 MiB (the linear mapping page size)
    assert.equal(hash.r.errors.length, 1);
    assert.equal(hash.r.errors[0].kernelMessage, '[mem 0x1000200000-0x10401fffff flags 0x200] misaligned, unable to map\n');
    assert.match(hash.r.errors[0].message, /start and end are not aligned to memremap_compat_align\(\) \(16 MiB\).*-EOPNOTSUPP/);
    assert.equal(hash.r.memmap.vmstat!.nrMemmapPages, 0);
    for (const version of ['6.1', '6.12']) {
      const x86 = one({ version, devices: [{ mode: 'raw', provider: 'e820', start: 0x1000100000, size: GiB }] });
      assert.equal(x86.d.status, 'failed', version);
      assert.equal(x86.r.errors[0].kernelMessage, '[mem 0x1000100000-0x10400fffff flags 0x200] misaligned, unable to map\n', version);
    }
    const end = one({ devices: [{ mode: 'raw', provider: 'virtio-pmem', start: 64 * GiB, size: GiB + MiB }] });
    assert.equal(end.r.errors[0].kernelMessage, '[mem 0x1000000000-0x10400fffff flags 0x200] misaligned, unable to map\n');
    assert.match(end.r.errors[0].message, /end 0x1040100000 is not aligned/);
    // 2 MiB-aligned on x86, 16 MiB-aligned on hash: mapped.
    assert.equal(one({ devices: [{ mode: 'raw', provider: 'e820', start: 64 * GiB + 2 * MiB, size: GiB }] }).d.status, 'ok');
    assert.equal(one({ arch: 'ppc64-hash', ram: { size: 16 * GiB }, devices: [{ mode: 'raw', provider: 'of-pmem', start: 0x1001000000, size: GiB }] }).d.status, 'ok');
    // A raw namespace that gets no struct pages (NFIT region) is not checked.
    assert.equal(one({ devices: [{ mode: 'raw', provider: 'nfit', start: 0x1000100000, size: GiB }] }).d.status, 'no-struct-pages');
  });

  it('raw mode has no struct pages; s390 has no ZONE_DEVICE', () => {
    const raw = one({ devices: [{ mode: 'raw' }] }).d;
    assert.equal(raw.status, 'no-struct-pages');
    assert.equal(raw.memmapBytes, 0);
    const s390 = one({ arch: 's390x', devices: [{}] });
    assert.equal(s390.d.status, 'failed');
    assert.match(s390.r.errors[0].message, /ZONE_DEVICE/);
  });
});

describe('core vmemmap page-table sizes', () => {
  it('ppc64 radix: the boot memmap takes whole 64 KiB pages at each level (early_alloc_pgtable(PAGE_SIZE)); later tables are 4 KiB / 256 B', () => {
    // 64 GiB of boot RAM: 64 MiB of vmemmap, PMD-mapped: one PUD and one PMD table, each a 64 KiB page.
    const boot = simulateMemmap(makeConfig({ arch: 'ppc64-radix', ram: { size: 64 * GiB } })).memmap;
    assert.deepEqual(boot.pageTables, { pte: { tables: 0, bytes: 0 }, pmd: { tables: 1, bytes: 64 * KiB }, pud: { tables: 1, bytes: 64 * KiB } });
    assert.equal(boot.nodes[0].pageTableBytes, 128 * KiB);
    // Hot-added 1 GiB at 2 TiB: its vmemmap (2 TiB / 64 KiB * 64 B = 2 GiB of VA on) needs a new PMD table,
    // allocated after slab is up: pmd_alloc() gives 4 KiB.
    const hot = simulateMemmap(makeConfig({ arch: 'ppc64-radix', ram: { size: 64 * GiB }, hotplug: [{ start: 2048 * GiB, size: GiB }] })).memmap;
    assert.deepEqual(hot.pageTables.pmd, { tables: 2, bytes: 64 * KiB + 4 * KiB });
    assert.equal(hot.hotplug[0].pageTableBytes, 4 * KiB);
  });

  it('s390: PTE tables are 2 KiB fragments in 6.1 and whole 4 KiB pages in 6.12 (page_table_alloc(), vmem_pte_alloc())', () => {
    for (const [version, bytes] of [
      ['6.1', 2 * KiB],
      ['6.12', 4 * KiB],
    ] as const) {
      const pte = archProfile(makeConfig({ arch: 's390x', version })).pageTableLevels.find((l) => l.name === 'pte')!;
      assert.equal(pte.tableBytes, bytes, version);
    }
  });
});

describe('core vmemmap_populate_hugepages() over an existing PTE table (x86 6.1 vs 6.12)', () => {
  // A PMD that already holds a PTE table (from base pages) gets base pages: 6.12 passes the altmap,
  // 6.1 passes NULL (RAM). Not reachable through nvdimm layouts with a 64-byte struct page, so the
  // engine is driven directly.
  for (const [version, fromAltmap] of [
    ['6.12', true],
    ['6.1', false],
  ] as const) {
    it(`${version}: the rest of the section comes from ${fromAltmap ? 'the altmap' : 'RAM'}`, () => {
      const space = new VmemmapSpace(archProfile(makeConfig({ version })));
      const section = 1000 * 32768;
      const sub = space.populate(section, 512, null, null); // a sub-section piece: 8 base pages from RAM
      assert.equal(sub.basePages, 8);
      assert.equal(sub.pageTableBytes > 0, true);
      const alt = newAltmap(section, section + 32767, 0, 4096);
      const o = space.populate(section, 32768, alt, null);
      assert.equal(o.leafBlocks, 0);
      assert.equal(o.basePages, 504);
      assert.equal(o.altmapPages, fromAltmap ? 504 : 0);
      assert.equal(o.ramBytes, fromAltmap ? 0 : 504 * 4096);
    });
  }
});

describe('core run-of-sections closed form equals per-section populate calls (property)', () => {
  const arches = ['x86_64', 'arm64-4k', 'arm64-16k', 'arm64-64k', 'ppc64-radix', 'ppc64-hash', 's390x', 'riscv64'] as const;
  it('same frames, altmap use and page tables for any arch, position, length and altmap', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...arches),
        fc.constantFrom('6.1', '6.12'),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 1, max: 300 }),
        fc.option(fc.integer({ min: 0, max: 3000 })),
        fc.option(fc.integer({ min: 0, max: 600 })),
        fc.constantFrom(64, 80),
        (arch, version, firstSection, k, freeExtra, preSub, structPageSize) => {
          const p = archProfile(makeConfig({ arch, version, kernel: { structPageSize } }), 0, 16 * GiB);
          const PPS = p.pagesPerSection;
          const start = firstSection * PPS;
          const mkAlt = () => (freeExtra === null ? null : newAltmap(start, start + k * PPS - 1, 2, Math.floor((k * PPS * p.structPageSize) / p.pageSize) + freeExtra));
          const run = new VmemmapSpace(p);
          const each = new VmemmapSpace(p);
          // Optionally a sub-section piece populated first just below the run (a neighbour).
          if (preSub !== null && firstSection > 0) {
            const pre = start - p.pagesPerSubsection * (1 + (preSub % (p.subsectionsPerSection - 1)));
            run.populate(pre, start - pre, null, null);
            each.populate(pre, start - pre, null, null);
          }
          const a1 = mkAlt();
          const a2 = mkAlt();
          const o = run.populate(start, k * PPS, a1, null);
          let ram = 0;
          let alt = 0;
          let pt = 0;
          let failed = false;
          for (let i = 0; i < k && !failed; i++) {
            const oi = each.populate(start + i * PPS, PPS, a2, null);
            ram += oi.ramBytes;
            alt += oi.altmapPages;
            pt += oi.pageTableBytes;
            failed = oi.failure !== null;
          }
          assert.equal(o.failure !== null, failed);
          if (!failed) {
            assert.equal(o.ramBytes, ram);
            assert.equal(o.altmapPages, alt);
            assert.equal(o.pageTableBytes, pt);
            assert.deepEqual(a1, a2);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('core compound dedup: a run equals per-section vmemmap_populate_compound_pages() calls (property)', () => {
  it('same frames and reused PTEs for any compound size and range offset', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(512, 4096, 32768, 262144, 1048576),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 0, max: 63 }),
        fc.integer({ min: 1, max: 4000 }),
        (C, k, subOff, firstSection) => {
          const p = archProfile(makeConfig());
          const PPS = p.pagesPerSection;
          const start = firstSection * PPS;
          const geo = { pfns: C, rangeStartPfn: start - subOff * p.pagesPerSubsection };
          const o = new VmemmapSpace(p).populate(start, k * PPS, null, geo);
          const each = new VmemmapSpace(p);
          let ram = 0;
          let reused = 0;
          for (let i = 0; i < k; i++) {
            const oi = each.populate(start + i * PPS, PPS, null, geo);
            ram += oi.ramBytes;
            reused += oi.reusedPages;
          }
          assert.equal(o.ramBytes, ram);
          assert.equal(o.reusedPages, reused);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('core populate counts carried to the timing model (SectionPiece leafBlocks / basePages / reusedPages)', () => {
  it('a full-section run whose two end PMDs already hold PTE tables: 1 PMD block + 768 base pages, not re-derived from bytes', () => {
    // sizeof(struct page) 80: a section's memmap is 2.5 MiB, so PMDs straddle sections. Namespaces a (top of
    // section 512) and c (bottom of section 515) PTE-map the PMDs that b's sections 513-514 begin and end in;
    // b's vmemmap_populate_hugepages() then maps 1.5 MiB + 1.5 MiB of base pages in them and one PMD between.
    const cfg = makeConfig({
      kernel: { structPageSize: 80 },
      ram: { start: 4 * GiB, size: 16 * GiB },
      devices: [
        { name: 'a', start: 64 * GiB + 104 * MiB, size: 24 * MiB, map: 'mem' },
        { name: 'c', start: 64 * GiB + 384 * MiB, size: 16 * MiB, map: 'mem' },
        { name: 'b', start: 64 * GiB + 128 * MiB, size: 256 * MiB, map: 'mem' },
      ],
    });
    const r = simulateMemmap(cfg);
    assert.deepEqual(r.errors, []);
    const b = r.memmap.devices[2];
    assert.deepEqual(
      b.pieces.map((p) => [p.mapping, p.leafBlocks, p.basePages, p.ramBytes]),
      [['mixed', 1, 768, 2 * MiB + 768 * 4096]],
    );
    const work = buildInitWorkload(cfg, r).devices.find((d) => d.name === 'b')!;
    // The bytes (5 MiB) would read as 2 PMD blocks + 256 base pages.
    assert.deepEqual(work.populate, { pmdBlocks: 1, basePages: 768, reusedPtes: 0 });
  });
});

describe('core shared formulas', () => {
  it('compoundHeadSections() counts the multiples of m in [s, s + k)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 64 }), (s, k, m) => {
        let n = 0;
        for (let i = s; i < s + k; i++) if (i % m === 0) n++;
        assert.equal(compoundHeadSections(s, k, m), n);
      }),
    );
  });

  it('memmapPagesFor() and zoneDeviceInitRange()', () => {
    const x86 = archProfile(makeConfig({}));
    assert.equal(memmapPagesFor(x86, x86.pagesPerSection), 512);
    assert.equal(memmapPagesFor(x86, 1), 1);
    assert.equal(memmapPagesFor(archProfile(makeConfig({ kernel: { structPageSize: 72 } })), 32768), 576);
    const a = newAltmap(0x1000000, 0x1ffffff, 2, 4606);
    assert.deepEqual(zoneDeviceInitRange(a, 0x1000000, 0x1040000), { startPfn: 0x1000000 + 4608, nrPages: 0x40000 - 4608 });
    assert.deepEqual(zoneDeviceInitRange(null, 0x1000000, 0x1040000), { startPfn: 0x1000000, nrPages: 0x40000 });
    assert.deepEqual(zoneDeviceInitRange(newAltmap(0, 99, 2, 200), 0, 100), { startPfn: 202, nrPages: 0 });
  });
});
