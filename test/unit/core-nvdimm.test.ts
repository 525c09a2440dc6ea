import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeviceConfig } from '../../src/config/types';
import { GiB, KiB, MiB } from '../../src/config/units';
import { archProfile, ndPfnInit, type NdPfnLayout } from '../../src/core';
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

  it('offset < size but >= size - end_trunc: 6.12 refuses in nd_pfn_init, 6.1 does not', () => {
    const d = dev({ size: GiB + 4 * MiB, align: GiB, map: 'mem' });
    const r12 = ndPfnInit(x86('6.12'), d);
    assert.ok(!r12.ok);
    assert.equal(r12.failure.kernelMessage, 'namespace0.0 unable to satisfy requested alignment\n');
    const r1 = ndPfnInit(x86('6.1'), d);
    assert.ok(!r1.ok);
    assert.equal(r1.failure.kernelMessage, undefined);
    assert.match(r1.failure.message, /6\.1's nd_pfn_init\(\) only tests offset >= size/);
    const r1dev = ndPfnInit(x86('6.1'), { ...d, map: 'dev' });
    assert.ok(!r1dev.ok);
    assert.equal(r1dev.failure.kernelMessage, 'memory add fail, invalid altmap\n');
  });

  it('struct page larger than 64 bytes with map=dev', () => {
    const r = ndPfnInit(x86('6.12', 80), dev({}));
    assert.ok(!r.ok);
    assert.equal(r.failure.kernelMessage, 'Memory debug options prevent using pmem for the page map\n');
    assert.ok(ndPfnInit(x86('6.12', 80), dev({ map: 'mem' })).ok);
  });
});
