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

  it('force is offered only where it helps: the pageblock rounding alone (ppc64 radix), never where the PMD test fails (arm64 16K/64K)', () => {
    assert.match(plan('ppc64-radix', 256 * MiB, 'on').reason, /memmap_on_memory=force would pad it to 32 pages \(wasting 28 per block\)/);
    // arch_supports_memmap_on_memory() (6.12 mm/memory_hotplug.c:1349) tests memory_block_memmap_size(), which force does not pad.
    const a16 = plan('arm64-16k', 128 * MiB, 'on');
    assert.doesNotMatch(a16.reason, /force would pad/);
    assert.match(a16.reason, /force would not help: the memmap of one block \(512 KiB\) is not a multiple of PMD_SIZE \(32 MiB\)/);
    assert.match(a16.reason, /memory blocks of 8 GiB would be the smallest .*arm64-16k memory blocks are one section \(128 MiB/);
    const a64 = plan('arm64-64k', 512 * MiB, 'on');
    assert.doesNotMatch(a64.reason, /force would pad/);
    assert.match(a64.reason, /force would not help: the memmap would take the whole 512 MiB block/);
    assert.match(a64.reason, /memory blocks of 512 GiB/);
    assert.match(plan('arm64-16k', 128 * MiB, 'force').reason, /force cannot help .*memory blocks of 8 GiB/);
    // x86 with an 80-byte struct page: 2.5 MiB per 128 MiB block; x86 can set the block size.
    const kmsan = memmapOnMemoryPlan(archProfile(makeConfig({ kernel: { structPageSize: 80 } })), 128 * MiB, 128 * MiB, 'on');
    assert.match(kmsan.reason, /force would not help: .*PMD_SIZE.*memory blocks of 512 MiB would be the smallest .*set_memory_block_size_order\(\)/);
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

  it('the note on blocks 2..8 gives the per-block altmap count (512), not the running total after adding them', () => {
    const { h } = hot({ kernel: { memmapOnMemory: 'on' }, hotplug: [{ start: 32 * GiB, size: GiB, memmapOnMemory: true }] });
    const rest = h.pieces.filter((p) => /more memory blocks/.test(p.note ?? ''));
    assert.equal(rest.length, 1);
    assert.equal(rest[0].note, '7 more memory blocks, each like the first (per-block altmap): 512 vmemmap pages from its own start');
    assert.equal(rest[0].deviceBytes, 7 * 512 * 4096);
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

  it('6.12 falls back silently to a RAM memmap; 6.1 ACPI checks mhp_supports_memmap_on_memory(size) first and adds without the flag', () => {
    const cfg = { ram: { size: 128 * GiB }, kernel: { memmapOnMemory: 'on' as const }, hotplug: [{ start: 256 * GiB, size: 4 * GiB, memmapOnMemory: true }] };
    const arm = hot({ ...cfg, arch: 'arm64-16k' });
    assert.equal(arm.h.status, 'ok');
    assert.equal(arm.h.memmapOnMemory, false);
    assert.equal(arm.h.ramBytes, 16 * MiB); // 262,144 pages of 16 KiB × 64 B
    assert.ok(arm.h.notes.some((n) => /silent fallback/.test(n)));
    // [6.1] acpi_memory_enable_device(): MHP_MEMMAP_ON_MEMORY only if mhp_supports_memmap_on_memory(info->length).
    const old = hot({ ...cfg, version: '6.1' });
    assert.equal(old.h.status, 'ok');
    assert.equal(old.h.blocks, 2);
    assert.equal(old.h.memmapOnMemory, false);
    assert.equal(old.h.ramBytes, 64 * MiB);
    assert.deepEqual(old.r.errors, []);
    assert.ok(old.h.notes.some((n) => /checks mhp_supports_memmap_on_memory\(size\) first and adds without MHP_MEMMAP_ON_MEMORY .*not exactly one memory block/.test(n)));
    // 6.1, exactly one 2 GiB block: supported, 2016 MiB usable.
    const single = hot({ ...cfg, version: '6.1', hotplug: [{ start: 256 * GiB, size: 2 * GiB, memmapOnMemory: true }] });
    assert.equal(single.h.memmapOnMemory, true);
    assert.equal(single.h.usableBytes, 2016 * MiB);
  });

  it('s390x 6.1 standby memory: no memmap_on_memory there (sclp adds with MHP_NONE), the add succeeds with the memmap in RAM', () => {
    const { h, r } = hot({ arch: 's390x', version: '6.1', ram: { size: 16 * GiB }, kernel: { memmapOnMemory: 'on' }, hotplug: [{ start: 32 * GiB, size: GiB, memmapOnMemory: true }] });
    assert.equal(h.status, 'ok');
    assert.equal(h.memmapOnMemory, false);
    assert.equal(h.ramBytes, 16 * MiB);
    assert.deepEqual(r.errors.filter((e) => e.severity === 'error'), []);
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

describe('core RAM budget: the memmap of devices and hot-adds must fit in the System RAM left', () => {
  const vm2g = { ram: { start: 4 * GiB, size: 2 * GiB } };

  it('after boot: boot RAM less the boot memmap, its page tables and the boot HugeTLB pools', () => {
    const r = simulateMemmap(makeConfig(vm2g));
    assert.equal(r.memmap.ramBudget.bootFreeBytes, 2 * GiB - 32 * MiB - 8 * KiB);
    assert.equal(r.memmap.ramBudget.freeBytes, r.memmap.ramBudget.bootFreeBytes);
    const pools = simulateMemmap(makeConfig({ ...vm2g, hugetlb: [{ pageSize: 2 * MiB, count: 100 }] }));
    assert.equal(pools.memmap.ramBudget.bootFreeBytes, 2 * GiB - 32 * MiB - 8 * KiB - 200 * MiB);
  });

  it('2 GiB VM, 512 GiB raw virtio-pmem namespace: its 8 GiB memmap in RAM does not fit, memremap_pages() fails with -ENOMEM', () => {
    const r = simulateMemmap(makeConfig({ ...vm2g, devices: [{ name: 'namespace0.0', provider: 'virtio-pmem', mode: 'raw', start: 256 * GiB, size: 512 * GiB }] }));
    const d = r.memmap.devices[0];
    assert.equal(d.status, 'failed');
    assert.deepEqual([d.ramBytes, d.memmapBytes, d.pageTableBytes], [0, 0, 0]);
    assert.equal(r.memmap.ramBytes, 32 * MiB);
    const e = r.errors.find((x) => x.severity === 'error')!;
    assert.deepEqual(e.path, ['devices', 0]);
    assert.match(e.message, /its vmemmap needs 8 GiB of RAM .*only 2064376 KiB \(about 1.97 GiB\) of System RAM is left/);
    assert.match(e.message, /"vmemmap alloc failure: order:9".*memremap_pages\(\) fails with -ENOMEM/);
    // A namespace whose memmap fits is mapped, and takes its memmap from the budget.
    const ok = simulateMemmap(makeConfig({ ...vm2g, devices: [{ name: 'namespace0.0', provider: 'virtio-pmem', mode: 'raw', start: 256 * GiB, size: 64 * GiB }] }));
    assert.equal(ok.memmap.devices[0].status, 'ok');
    assert.equal(ok.memmap.ramBudget.freeBytes, ok.memmap.ramBudget.bootFreeBytes - GiB - ok.memmap.devices[0].pageTableBytes);
  });

  it('2 GiB VM hot-adding 1 TiB without memmap_on_memory: 16 GiB of memmap, -ENOMEM; with it the blocks self-host and the add succeeds', () => {
    const add = (memmapOnMemory: boolean) =>
      simulateMemmap(makeConfig({ ...vm2g, kernel: { memmapOnMemory: 'on' }, hotplug: [{ start: 1024 * GiB, size: 1024 * GiB, memmapOnMemory }] }));
    const ram = add(false);
    const h = ram.memmap.hotplug[0];
    assert.equal(h.status, 'failed');
    assert.deepEqual([h.ramBytes, h.usableBytes, h.blocks], [0, 0, 0]);
    assert.equal(ram.memmap.ramBytes, 32 * MiB);
    assert.match(ram.errors[0].message, /^hot-add 0x10000000000\+1 TiB: its vmemmap needs 16 GiB of RAM .*add_memory_resource\(\) fails with -ENOMEM/);
    const self = add(true).memmap.hotplug[0];
    assert.equal(self.status, 'ok');
    assert.equal(self.selfHostedBytes, 16 * GiB);
  });

  it('memory hot-added and onlined before counts: adding 64 GiB first lets a 1 TiB add follow; devices take first, in config order', () => {
    const r = simulateMemmap(makeConfig({ ...vm2g, hotplug: [{ start: 64 * GiB, size: 64 * GiB }, { start: 1024 * GiB, size: 1024 * GiB }] }));
    assert.deepEqual(r.memmap.hotplug.map((h) => h.status), ['ok', 'ok']);
    assert.equal(r.memmap.hotplug[1].ramBytes, 16 * GiB);
    // A dax/kmem device adds memory too (devices come before hot-adds); a later device's memmap can use it.
    const kmem = simulateMemmap(
      makeConfig({
        ...vm2g,
        devices: [
          { name: 'dax0.0', kind: 'cxl', mode: 'kmem', map: 'mem', start: 64 * GiB, size: 64 * GiB },
          { name: 'namespace1.0', provider: 'virtio-pmem', mode: 'raw', start: 256 * GiB, size: 512 * GiB },
        ],
      }),
    );
    assert.deepEqual(kmem.memmap.devices.map((d) => d.status), ['ok', 'ok']);
    // In the other order the namespace probes first, with 2 GiB of RAM: it fails.
    const first = simulateMemmap(
      makeConfig({
        ...vm2g,
        devices: [
          { name: 'namespace1.0', provider: 'virtio-pmem', mode: 'raw', start: 256 * GiB, size: 512 * GiB },
          { name: 'dax0.0', kind: 'cxl', mode: 'kmem', map: 'mem', start: 64 * GiB, size: 64 * GiB },
        ],
      }),
    );
    assert.deepEqual(first.memmap.devices.map((d) => d.status), ['failed', 'ok']);
  });

  it('boot HugeTLB pools are taken before devices probe', () => {
    const dev = { name: 'namespace0.0', kind: 'pmem' as const, mode: 'fsdax' as const, map: 'mem' as const, start: 256 * GiB, size: 64 * GiB };
    const cfg = (count: number) => simulateMemmap(makeConfig({ ram: { start: 4 * GiB, size: 4 * GiB }, devices: [dev], hugetlb: [{ pageSize: GiB, count }] }));
    assert.equal(cfg(2).memmap.devices[0].status, 'ok'); // 1 GiB memmap in ~1.9 GiB
    assert.equal(cfg(3).memmap.devices[0].status, 'failed'); // ~0.9 GiB left
  });

  it('dax/kmem that does not fit: the kmem probe warns "memory add failed"', () => {
    const r = simulateMemmap(makeConfig({ ...vm2g, devices: [{ name: 'dax0.0', kind: 'cxl', mode: 'kmem', map: 'mem', start: 1024 * GiB, size: 1024 * GiB }] }));
    assert.equal(r.memmap.devices[0].status, 'failed');
    assert.equal(r.errors[0].kernelMessage, 'mapping0: 0x10000000000-0x1ffffffffff memory add failed\n');
  });
});

describe('core memmap_on_memory before per-block altmaps (6.6-6.7)', () => {
  // 6.6/6.7 mhp_supports_memmap_on_memory(size) still begins with size == memory_block_size_bytes(); the split into
  // one altmap per block (create_altmaps_and_memory_blocks()) and the export that dropped the test came in 6.8.
  const hot = (version: string, size: number) =>
    simulateMemmap(makeConfig({ version, ram: { start: 4 * GiB, size: 16 * GiB }, kernel: { memmapOnMemory: 'on' }, hotplug: [{ start: 32 * GiB, size, memmapOnMemory: true }] })).memmap.hotplug[0];

  it('a 1 GiB add of eight 128 MiB blocks falls back silently to a RAM memmap in 6.6 and 6.7, self-hosts from 6.8', () => {
    for (const version of ['6.6', '6.7']) {
      const h = hot(version, GiB);
      assert.equal(h.status, 'ok', version);
      assert.equal(h.memmapOnMemory, false, version);
      assert.equal(h.selfHostedBytes, 0, version);
      assert.equal(h.ramBytes, 16 * MiB, version);
      assert.equal(h.usableBytes, GiB, version);
      assert.match(h.notes.join('\n'), /silent fallback.*not exactly one memory block.*came in 6\.8/, version);
    }
    const h68 = hot('6.8', GiB);
    assert.deepEqual([h68.memmapOnMemory, h68.memmapPagesPerBlock, h68.selfHostedBytes, h68.ramBytes], [true, 512, 16 * MiB, 0]);
  });

  it('an add of exactly one block self-hosts in 6.6 and 6.7 (one altmap, the same as one block of 6.8)', () => {
    for (const version of ['6.6', '6.7']) {
      const h = hot(version, 128 * MiB);
      assert.deepEqual([h.memmapOnMemory, h.memmapPagesPerBlock, h.selfHostedBytes, h.usableBytes], [true, 512, 2 * MiB, 126 * MiB], version);
    }
  });

  it('the plan says why', () => {
    assert.equal(plan('x86_64', 128 * MiB, 'on', '6.7', GiB).supported, false);
    assert.equal(plan('x86_64', 128 * MiB, 'on', '6.7').supported, true);
    assert.equal(plan('x86_64', 128 * MiB, 'on', '6.8', GiB).supported, true);
  });
});

describe('core /proc/vmstat nr_memmap_pages of a deduplicated device-dax', () => {
  // 128 GiB devdax, align 2 MiB, map=mem: 65,536 compound pages keep 2 vmemmap pages each.
  const vm = (version: string) =>
    simulateMemmap(makeConfig({ version, ram: { start: 4 * GiB, size: 60 * GiB }, devices: [{ mode: 'devdax', start: 64 * GiB, size: 128 * GiB, map: 'mem' }] })).memmap;

  it('6.12 (6.12.101 stable fix): section_nr_vmemmap_pages(), 2 per compound page; 6.11: DIV_ROUND_UP(nr_pages * 64, 4096) per section', () => {
    const m12 = vm('6.12');
    assert.equal(m12.devices[0].dedup, true);
    assert.equal(m12.vmstat!.nrMemmapPages, 131072);
    const m11 = vm('6.11');
    assert.equal(m11.devices[0].dedup, true);
    assert.equal(m11.devices[0].ramBytes, m12.devices[0].ramBytes); // the vmemmap is the same, only the counter differs
    assert.equal(m11.vmstat!.nrMemmapPages, 1024 * 512); // 1024 sections x 512 pages
    assert.equal(m11.vmstat!.nrMemmapBootPages, m12.vmstat!.nrMemmapBootPages);
  });
});
