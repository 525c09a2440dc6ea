import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Arch, MemmapOnMemoryMode } from '../../src/config/types';
import { GiB, KiB, MiB } from '../../src/config/units';
import { archProfile, memmapOnMemoryPlan, simulateMemmap } from '../../src/core';
import { makeConfig } from './core-helpers';

const plan = (arch: Arch, block: number, mode: MemmapOnMemoryMode, version = '6.12', size = block) => memmapOnMemoryPlan(archProfile(makeConfig({ arch, version })), block, size, mode);

describe('core memmap_on_memory support (§3 worked examples)', () => {
  it('x86 128 MiB block: 512 pages, 126 MiB usable', () => {
    const p = plan('x86_64', 128 * MiB, 'on');
    assert.equal(p.supported, true);
    assert.equal(p.memmapSize, 2 * MiB);
    assert.equal(p.memmapPages, 512);
    assert.equal(128 * MiB - p.memmapPages * 4096, 126 * MiB);
  });

  it('x86 2 GiB block: 8192 pages, 2016 MiB usable; 6.1 only when exactly one block is added', () => {
    assert.equal(plan('x86_64', 2 * GiB, 'on').memmapPages, 8192);
    assert.equal(plan('x86_64', 2 * GiB, 'on', '6.1').supported, true);
    const multi = plan('x86_64', 2 * GiB, 'on', '6.1', 4 * GiB);
    assert.equal(multi.supported, false);
    assert.match(multi.reason, /not exactly one memory block/);
    assert.equal(plan('x86_64', 2 * GiB, 'on', '6.12', 4 * GiB).supported, true);
  });

  it('s390 256 MiB block: 1024 pages (pageblock 256), 252 MiB usable', () => {
    const p = plan('s390x', 256 * MiB, 'on');
    assert.equal(p.supported, true);
    assert.equal(p.memmapPages, 1024);
    assert.equal(plan('s390x', 256 * MiB, 'on', '6.1').supported, false);
  });

  it('ppc64 radix 64K 256 MiB LMB: not with Y; with force 32 pages, 28 wasted, 254 MiB usable', () => {
    const y = plan('ppc64-radix', 256 * MiB, 'on');
    assert.equal(y.supported, false);
    assert.equal(y.memmapPages, 4);
    const f = plan('ppc64-radix', 256 * MiB, 'force');
    assert.equal(f.supported, true);
    assert.equal(f.memmapPages, 32);
    assert.equal(f.wastePages, 28);
    assert.equal(f.kernelMessage, 'Memory hotplug will waste 28 pages in each memory block\n');
    assert.equal(256 * MiB - f.memmapPages * 64 * KiB, 254 * MiB);
    assert.equal(plan('ppc64-hash', 256 * MiB, 'force').supported, false);
  });

  it('arm64 64K 512 MiB: impossible (with force the memmap would be the whole block); arm64 16K never PMD-aligned', () => {
    const on = plan('arm64-64k', 512 * MiB, 'on');
    assert.equal(on.supported, false);
    assert.equal(on.memmapSize, 512 * KiB);
    const force = plan('arm64-64k', 512 * MiB, 'force');
    assert.equal(force.supported, false);
    assert.equal(force.memmapPages, 8192);
    assert.match(force.reason, /whole 512 MiB block/);
    assert.equal(plan('arm64-16k', 128 * MiB, 'on').supported, false);
    assert.equal(plan('arm64-4k', 128 * MiB, 'on').supported, true);
  });

  it('the parameter must be on', () => {
    assert.equal(plan('x86_64', 128 * MiB, 'off').supported, false);
    assert.equal(plan('x86_64', 128 * MiB, 'force', '6.1').supported, false);
  });
});

describe('core hot-add (add_memory_resource)', () => {
  const hot = (o: Parameters<typeof makeConfig>[0]) => {
    const r = simulateMemmap(makeConfig(o));
    return { r, h: r.memmap.hotplug[0] };
  };

  it('x86 1 GiB in 128 MiB blocks with memmap_on_memory: each block self-hosts 2 MiB', () => {
    const { h, r } = hot({ kernel: { memmapOnMemory: 'on' }, hotplug: [{ start: 32 * GiB, size: GiB, memmapOnMemory: true }] });
    assert.equal(h.status, 'ok');
    assert.equal(h.memmapOnMemory, true);
    assert.equal(h.blocks, 8);
    assert.equal(h.memmapPagesPerBlock, 512);
    assert.equal(h.selfHostedBytes, 16 * MiB);
    assert.equal(h.ramBytes, 0);
    assert.equal(h.usableBytes, 8 * 126 * MiB);
    assert.equal(h.structPages, GiB / 4096);
    assert.equal(r.memmap.deviceBytes, 16 * MiB);
  });

  it('ppc64 radix force: 28 pages wasted per block, 254 MiB usable per block', () => {
    const { h } = hot({ arch: 'ppc64-radix', ram: { size: 16 * GiB }, kernel: { memmapOnMemory: 'force', memoryBlockSize: 256 * MiB }, hotplug: [{ start: 32 * GiB, size: GiB, memmapOnMemory: true }] });
    assert.equal(h.memmapOnMemory, true);
    assert.equal(h.memmapPagesPerBlock, 32);
    assert.equal(h.wastedPagesPerBlock, 28);
    assert.equal(h.selfHostedBytes, 4 * 4 * 64 * KiB);
    assert.equal(h.wastedBytes, 4 * 28 * 64 * KiB);
    assert.equal(h.usableBytes, 4 * 254 * MiB);
  });

  it('6.12 falls back silently to a RAM memmap; 6.1 fails with -EINVAL', () => {
    const cfg = { ram: { size: 128 * GiB }, kernel: { memmapOnMemory: 'on' as const }, hotplug: [{ start: 256 * GiB, size: 4 * GiB, memmapOnMemory: true }] };
    const arm = hot({ ...cfg, arch: 'arm64-16k' });
    assert.equal(arm.h.status, 'ok');
    assert.equal(arm.h.memmapOnMemory, false);
    assert.equal(arm.h.ramBytes, 16 * MiB); // 262,144 pages of 16 KiB × 64 B
    assert.ok(arm.h.notes.some((n) => /silent fallback/.test(n)));
    const old = hot({ ...cfg, version: '6.1' });
    assert.equal(old.h.status, 'failed');
    assert.equal(old.h.ramBytes, 0);
    assert.ok(old.r.errors.some((e) => /-EINVAL/.test(e.message)));
    // 6.1, exactly one 2 GiB block: supported, 2016 MiB usable.
    const single = hot({ ...cfg, version: '6.1', hotplug: [{ start: 256 * GiB, size: 2 * GiB, memmapOnMemory: true }] });
    assert.equal(single.h.memmapOnMemory, true);
    assert.equal(single.h.usableBytes, 2016 * MiB);
  });

  it('without memmap_on_memory the memmap comes from RAM', () => {
    const { h } = hot({ hotplug: [{ start: 32 * GiB, size: GiB }] });
    assert.equal(h.ramBytes, 16 * MiB);
    assert.equal(h.selfHostedBytes, 0);
    assert.equal(h.usableBytes, GiB);
  });

  it('unaligned hot-add and overlap with boot RAM are refused with the kernel text', () => {
    const un = hot({ hotplug: [{ start: 32 * GiB + 64 * MiB, size: GiB }] });
    assert.equal(un.h.status, 'failed');
    assert.equal(un.r.errors[0].kernelMessage, 'Block size [0x8000000] unaligned hotplug range: start 0x804000000, size 0x40000000');
    const ov = hot({ hotplug: [{ start: 8 * GiB, size: GiB }] });
    assert.equal(ov.h.status, 'failed');
    assert.match(ov.r.errors[0].message, /-EEXIST/);
  });
});

describe('core dax/kmem', () => {
  it('CXL kmem: the dax range is hot-added block by block; the device points at the hot-add', () => {
    const r = simulateMemmap(makeConfig({ devices: [{ kind: 'cxl', mode: 'kmem', start: 64 * GiB, size: 8 * GiB, map: 'mem' }] }));
    const d = r.memmap.devices[0];
    assert.equal(d.status, 'ok');
    assert.equal(d.hotplugIndex, 0);
    assert.equal(d.memmapBytes, 0);
    const h = r.memmap.hotplug[0];
    assert.equal(h.source, 'kmem');
    assert.equal(h.device, d.name);
    assert.equal(h.ramBytes, 128 * MiB);
  });

  it('pmem kmem with map=dev: the info block area is lost, the rest is block-aligned', () => {
    const r = simulateMemmap(makeConfig({ devices: [{ kind: 'pmem', mode: 'kmem', start: 64 * GiB, size: 8 * GiB, map: 'dev' }] }));
    const h = r.memmap.hotplug[0];
    assert.equal(h.start, 64 * GiB + 256 * MiB);
    assert.equal(h.size, 8 * GiB - 256 * MiB);
  });

  it('kmem memmap_on_memory: 6.12 with the parameter on self-hosts; before 6.8 the attribute does not exist', () => {
    const cfg = (version: string) =>
      simulateMemmap(makeConfig({ version, kernel: { memmapOnMemory: 'on' }, devices: [{ kind: 'cxl', mode: 'kmem', start: 64 * GiB, size: 8 * GiB, map: 'mem', memmapOnMemory: true }] }));
    const r12 = cfg('6.12');
    assert.equal(r12.memmap.hotplug[0].memmapOnMemory, true);
    assert.equal(r12.memmap.hotplug[0].selfHostedBytes, 128 * MiB);
    // memory_block_online(): mhp_init_memmap_on_memory() initializes the struct pages of the self-hosted
    // vmemmap pages too (move_pfn_range_to_zone(), 6.12 mm/memory_hotplug.c:1123), online_pages() the rest:
    // every struct page of the range, the figure the timing model onlines.
    const d = r12.memmap.devices[0];
    assert.equal(d.usablePages, (8 * GiB - 128 * MiB) / 4096);
    assert.equal(d.initializedStructPages, (8 * GiB) / 4096);
    assert.equal(d.initializedStructPages, r12.memmap.hotplug[0].structPages);
    const r1 = cfg('6.1');
    assert.equal(r1.memmap.hotplug[0].memmapOnMemory, false);
    assert.ok(r1.errors.some((e) => e.severity === 'warning' && /6\.8/.test(e.message)));
    const off = simulateMemmap(makeConfig({ devices: [{ kind: 'cxl', mode: 'kmem', start: 64 * GiB, size: 8 * GiB, map: 'mem', memmapOnMemory: true }] }));
    assert.equal(off.errors[0].kernelMessage, 'memmap_on_memory is not available\n');
  });

  it('no whole block after alignment: rejecting DAX region', () => {
    const r = simulateMemmap(makeConfig({ devices: [{ kind: 'cxl', mode: 'kmem', start: 64 * GiB + 2 * MiB, size: 128 * MiB, map: 'mem' }] }));
    assert.equal(r.memmap.devices[0].status, 'failed');
    assert.match(r.errors[0].kernelMessage!, /rejecting DAX region without any memory after alignment/);
  });
});
