import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeviceConfig } from '../../src/config/types';
import { GiB, KiB, MiB } from '../../src/config/units';
import { altmapOffset, archProfile, ndPfnInit, simulateMemmap, type NdPfnLayout } from '../../src/core';
import { makeConfig } from './core-helpers';

const x86 = (version = '6.12', structPageSize = 64) => archProfile(makeConfig({ version, kernel: { structPageSize } }));
type Dev = Pick<DeviceConfig, 'name' | 'start' | 'size' | 'align' | 'map' | 'mode'>;
const dev = (o: Partial<Dev>): Dev => ({ name: 'namespace0.0', start: 64 * GiB, size: 128 * GiB, align: 2 * MiB, map: 'dev', mode: 'fsdax', ...o });
const ok = (r: ReturnType<typeof ndPfnInit>): NdPfnLayout => {
  assert.ok(r.ok, r.ok ? '' : r.failure.message);
  return r.layout;
};

describe('core nvdimm nd_pfn_init() layout (§4c, §4d)', () => {
  it('Case A: 128 GiB, align 2 MiB, map=dev at 64 GiB', () => {
    const L = ok(ndPfnInit(x86(), dev({})));
    assert.equal(L.npfnsRaw, 33554430);
    assert.equal(L.pageMapSize, 2147483520);
    assert.equal(L.offset, 2149580800);
    assert.equal(L.offset, 2 * GiB + 2 * MiB);
    assert.equal(L.endTrunc, 0);
    assert.equal(L.dataPages, 33029632);
    assert.deepEqual(L.altmap, { basePfn: 0x1000000, endPfn: 0x1000000 + 33554432 - 1, reserve: 2, free: 524798, alloc: 0, align: 0 });
    assert.equal(L.altmap!.reserve + L.altmap!.free, L.offset / 4096); // vmem_altmap_offset
    assert.deepEqual([L.rangeStart, L.rangeEnd], [64 * GiB, 192 * GiB]);
  });

  it('Case B: align 1 GiB, map=dev -> offset 3 GiB, 32,768,000 data pages, free 786,430', () => {
    const L = ok(ndPfnInit(x86(), dev({ align: GiB })));
    assert.equal(L.offset, 3 * GiB);
    assert.equal(L.dataPages, 32768000);
    assert.equal(L.altmap!.free, 786430);
  });

  it('Case C: start 64 GiB + 2 MiB -> same offset, altmap base at the start', () => {
    const L = ok(ndPfnInit(x86(), dev({ start: 64 * GiB + 2 * MiB })));
    assert.equal(L.offset, 2 * GiB + 2 * MiB);
    assert.equal(L.altmap!.basePfn, 0x1000200);
    assert.equal(L.altmap!.free, 524798);
  });

  it('Case D: map=mem, align 2 MiB -> offset 2 MiB, 33,553,920 data pages, no altmap', () => {
    const L = ok(ndPfnInit(x86(), dev({ map: 'mem' })));
    assert.equal(L.offset, 2 * MiB);
    assert.equal(L.dataPages, 33553920);
    assert.equal(L.altmap, null);
  });

  it('Case E: map=mem, align 1 GiB -> offset 1 GiB', () => {
    assert.equal(ok(ndPfnInit(x86(), dev({ map: 'mem', align: GiB }))).offset, GiB);
  });

  it('Case F: 1 GiB map=dev -> offset 18 MiB, free 4606', () => {
    const L = ok(ndPfnInit(x86(), dev({ size: GiB })));
    assert.equal(L.offset, 18 * MiB);
    assert.equal(L.altmap!.free, 4606);
  });

  it('Case G: 16 MiB map=dev -> offset 2 MiB, 3584 data pages', () => {
    const L = ok(ndPfnInit(x86(), dev({ size: 16 * MiB })));
    assert.equal(L.offset, 2 * MiB);
    assert.equal(L.dataPages, 3584);
  });

  it('end_trunc: the end is aligned down to max(align, compat)', () => {
    const L = ok(ndPfnInit(x86(), dev({ size: 4 * GiB + 3 * MiB, map: 'mem' })));
    assert.equal(L.endTrunc, MiB);
    assert.equal(L.rangeEnd, 64 * GiB + 4 * GiB + 2 * MiB);
    assert.equal(L.dataPages, (4 * GiB + 3 * MiB - 2 * MiB - MiB) / 4096);
  });

  it('64 KiB pages: the info block reserve is one page (ALIGN(SZ_8K, PAGE_SIZE))', () => {
    const p = archProfile(makeConfig({ arch: 'ppc64-radix' }));
    const L = ok(ndPfnInit(p, dev({ size: 64 * GiB })));
    assert.equal(L.infoBlockReserve, 64 * KiB);
    assert.equal(L.altmap!.reserve, 1);
    assert.equal(L.npfnsRaw, 1048575);
    assert.equal(L.offset, 66 * MiB);
    assert.equal(L.altmap!.free, 1055);
  });
});

describe('core nvdimm failures and their kernel messages', () => {
  it('start not aligned to memremap_compat_align()', () => {
    const r = ndPfnInit(x86(), dev({ start: 64 * GiB + MiB }));
    assert.ok(!r.ok);
    assert.equal(r.failure.kernelMessage, 'namespace0.0: start 0x0000001000100000 misaligned to 0x200000\n');
  });

  it('ppc hash needs 16 MiB alignment', () => {
    const r = ndPfnInit(archProfile(makeConfig({ arch: 'ppc64-hash' })), dev({ start: 64 * GiB + 2 * MiB, align: 16 * MiB }));
    assert.ok(!r.ok);
    assert.match(r.failure.kernelMessage!, /misaligned to 0x1000000/);
  });

  it('below 16 MiB: too small to host', () => {
    const r = ndPfnInit(x86(), dev({ size: 8 * MiB }));
    assert.ok(!r.ok);
    assert.equal(r.failure.kernelMessage, 'namespace0.0 too small to host\n');
  });

  it('unsupported align', () => {
    const r = ndPfnInit(archProfile(makeConfig({ arch: 'arm64-4k' })), dev({ align: GiB }));
    assert.ok(!r.ok);
    assert.equal(r.failure.kernelMessage, `unsupported align: ${GiB}\n`);
  });

  it('offset >= size: unable to satisfy requested alignment (both versions)', () => {
    for (const v of ['6.1', '6.12']) {
      const r = ndPfnInit(x86(v), dev({ size: 16 * MiB, align: GiB, map: 'mem' }));
      assert.ok(!r.ok);
      assert.equal(r.failure.kernelMessage, 'namespace0.0 unable to satisfy requested alignment\n');
    }
  });

  it('offset == size - end_trunc < size: 6.12 refuses in nd_pfn_init, 6.1 writes an info block with 0 data pages', () => {
    // [6.1] drivers/nvdimm/pfn_devs.c:813 only tests offset >= size; npfns = PHYS_PFN(size - offset - end_trunc) = 0.
    const d = dev({ size: GiB + 4 * MiB, align: GiB, map: 'mem' });
    const r12 = ndPfnInit(x86('6.12'), d);
    assert.ok(!r12.ok);
    assert.equal(r12.failure.kernelMessage, 'namespace0.0 unable to satisfy requested alignment\n');
    const L = ok(ndPfnInit(x86('6.1'), d));
    assert.deepEqual([L.offset, L.endTrunc, L.dataPages, L.altmap], [GiB, 4 * MiB, 0, null]);
    // map=dev: free = PHYS_PFN(offset - 8K), so vmem_altmap_offset() is exactly the pages of the range, which
    // [6.1] mm/memory_hotplug.c:319-320 accepts (it refuses only vmem_altmap_offset() > nr_pages).
    const D = ok(ndPfnInit(x86('6.1'), { ...d, map: 'dev' }));
    assert.equal(D.dataPages, 0);
    assert.equal(D.altmap!.free, GiB / 4096 - 2);
    assert.equal(altmapOffset(D.altmap!), (D.rangeEnd - D.rangeStart) / 4096);
  });

  it('struct page larger than 64 bytes with map=dev', () => {
    const r = ndPfnInit(x86('6.12', 80), dev({}));
    assert.ok(!r.ok);
    assert.equal(r.failure.kernelMessage, 'Memory debug options prevent using pmem for the page map\n');
    assert.ok(ndPfnInit(x86('6.12', 80), dev({ map: 'mem' })).ok);
  });
});

describe('core 6.1 namespace whose data offset lands on the truncated end (offset == size - end_trunc)', () => {
  // 1 GiB at 64 GiB + 16 MiB, align 1 GiB, map=dev: offset = ALIGN(start + 8K + 64 x 262142, 1G) - start = 1008 MiB,
  // end_trunc = 16 MiB, so the data area is empty. 6.1 accepts it (pfn_devs.c:813 tests offset >= size only).
  const sim = (mode: 'fsdax' | 'devdax' | 'kmem', version = '6.1') =>
    simulateMemmap(makeConfig({ version, ram: { start: 4 * GiB, size: 16 * GiB }, devices: [{ name: 'ns0', mode, start: 64 * GiB + 16 * MiB, size: GiB, align: GiB, map: 'dev' }] }));

  it('fsdax: pmem maps the whole range, the memmap of the first 112 MiB from RAM, 7 PMDs from the altmap, nothing initialized', () => {
    const r = sim('fsdax');
    const d = r.memmap.devices[0];
    assert.deepEqual(r.errors, []);
    assert.equal(d.status, 'ok');
    assert.equal(d.structPages, 258048); // (1 GiB - 16 MiB) / 4 KiB
    assert.equal(d.usablePages, 0);
    assert.equal(d.initializedStructPages, 0); // memmap_init_zone_device(): base_pfn + vmem_altmap_offset() == end_pfn
    assert.equal(d.dataOffsetBytes, 1008 * MiB);
    assert.equal(d.endTruncBytes, 16 * MiB);
    assert.deepEqual(
      d.pieces.map((p) => [p.nrPages, p.fullSections, p.mapping, p.basePages, p.leafBlocks, p.ramBytes, p.deviceBytes]),
      [
        [28672, 0, 'base', 448, 0, 448 * 4096, 0], // x86: a sub-section piece takes base pages from RAM, altmap ignored
        [229376, 7, 'pmd', 0, 7, 0, 7 * 2 * MiB],
      ],
    );
    assert.deepEqual([d.altmap!.reserve, d.altmap!.free, d.altmap!.alloc, d.altmap!.align], [2, 258046, 3584, 510]);
    assert.match(d.notes.join('\n'), /0 data pages.*capacity 0/);
  });

  it('fsdax notes say who initializes the struct pages: map=dev the altmap pass, map=mem memmap_init_zone_device() all of them', () => {
    // [6.1] memmap_init_range() (from move_pfn_range_to_zone()) returns at once for ZONE_DEVICE without an altmap and
    // else covers the altmap's pfns after its reserve; memmap_init_zone_device() starts at base_pfn +
    // vmem_altmap_offset() (here the range end) with an altmap, else at the range start.
    const dev = sim('fsdax').memmap.devices[0];
    const devNote = dev.notes.find((n) => /0 data pages/.test(n))!;
    assert.match(devNote, /move_pfn_range_to_zone\(\) initializes the struct pages of the altmap's 258046 free pfns \(all but its 2-page reserve\)/);
    assert.match(devNote, /memmap_init_zone_device\(\), which starts at base_pfn \+ vmem_altmap_offset\(\) = the range end, initializes none/);
    assert.equal(dev.initializedStructPages, 0);

    // map=mem at 64 GiB, 1040 MiB: offset ALIGN(8K, 1G) = 1 GiB, end_trunc 16 MiB, no altmap.
    const r = simulateMemmap(makeConfig({ version: '6.1', ram: { start: 4 * GiB, size: 16 * GiB }, devices: [{ name: 'ns0', mode: 'fsdax', start: 64 * GiB, size: 1040 * MiB, align: GiB, map: 'mem' }] }));
    const mem = r.memmap.devices[0];
    assert.deepEqual(r.errors, []);
    assert.deepEqual([mem.status, mem.usablePages, mem.altmap, mem.initializedStructPages], ['ok', 0, null, 262144]);
    const memNote = mem.notes.find((n) => /0 data pages/.test(n))!;
    assert.match(memNote, /capacity 0.*no altmap \(map=mem\) move_pfn_range_to_zone\(\) initializes none and memmap_init_zone_device\(\) initializes all 262144 of them/);
  });

  it('devdax and kmem: the dax device is 0 bytes and dax_bus_probe() refuses it (-ENXIO, no message): no memmap', () => {
    for (const mode of ['devdax', 'kmem'] as const) {
      const r = sim(mode);
      assert.equal(r.memmap.devices[0].status, 'failed', mode);
      assert.equal(r.memmap.hotplug.length, 0, mode);
      assert.equal(r.errors.length, 1, mode);
      assert.equal(r.errors[0].kernelMessage, undefined, mode);
      assert.match(r.errors[0].message, /0 data pages.*dax_bus_probe\(\) refuses it with -ENXIO/, mode);
    }
  });

  it('6.12 refuses the layout in nd_pfn_init()', () => {
    const r = sim('fsdax', '6.12');
    assert.equal(r.memmap.devices[0].status, 'failed');
    assert.equal(r.errors[0].kernelMessage, 'ns0 unable to satisfy requested alignment\n');
  });
});
