// Defaults that depend on the arch: a device without `align` gets the arch's HPAGE_PMD_SIZE, the
// align ndctl and nd_pfn_init() pick (supported_alignments: PAGE_SIZE, PMD with THP, PUD).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '../../src/config/load';
import { MiB } from '../../src/config/units';
import { simulateMemmap } from '../../src/core/simulate';

const text = (arch: string) =>
  `arch: ${arch}\nnodes:\n  - id: 0\n    ranges: [ { start: 0x80000000, size: 8G } ]\ndevices:\n  - { name: ns0, start: 64G, size: 16G }\n`;

describe('device align default per arch', () => {
  for (const [arch, align] of [
    ['x86_64', 2 * MiB],
    ['arm64-4k', 2 * MiB],
    ['arm64-16k', 32 * MiB],
    ['arm64-64k', 512 * MiB],
    ['ppc64-radix', 2 * MiB],
    ['ppc64-hash', 16 * MiB],
    ['s390x', 1 * MiB],
    ['riscv64', 2 * MiB],
  ] as const) {
    it(`${arch}: ${align / MiB} MiB`, () => {
      const r = loadConfigText(text(arch), 'x.memmap.yaml');
      assert.deepEqual(r.errors, []);
      assert.equal(r.config!.devices[0].align, align);
    });
  }
  it('an explicit align wins', () => {
    const r = loadConfigText(text('arm64-64k').replace('size: 16G }', 'size: 16G, align: 64K }'), 'x.memmap.yaml');
    assert.equal(r.config!.devices[0].align, 64 * 1024);
  });
});

// devices[].memmapOnMemory: drivers/dax/cxl.c (6.12 :29) creates the dax device of a CXL region with
// memmap_on_memory = true (6.8+, with the per-device knob); pmem and hmem dax devices get false. The default is
// what the kernel ends up doing: true only where add_memory_resource() can honour MHP_MEMMAP_ON_MEMORY.
describe('device memmapOnMemory default', () => {
  const cfg = (kernel: string, dev: string, archName = 'x86_64') =>
    `arch: ${archName}\nkernel: { ${kernel} }\nnodes:\n  - id: 0\n    ranges: [ { start: 0x0, size: 32G } ]\ndevices:\n  - { name: dax0.0, ${dev}, mode: kmem, start: 64G, size: 8G, map: mem }\n`;
  const mom = (kernel: string, dev: string, archName?: string) => {
    const r = loadConfigText(cfg(kernel, dev, archName), 'x.memmap.yaml');
    assert.deepEqual(r.errors, []);
    return r.config!.devices[0].memmapOnMemory;
  };
  it('kind cxl on 6.12 with memory_hotplug.memmap_on_memory on or force: true', () => {
    assert.equal(mom('version: "6.12", memmapOnMemory: "on"', 'kind: cxl'), true);
    assert.equal(mom('version: "6.8", memmapOnMemory: "force"', 'kind: cxl'), true);
  });
  it('kind cxl where the kernel cannot honour it: false (add_memory_resource() falls back silently)', () => {
    assert.equal(mom('version: "6.12"', 'kind: cxl'), false); // kernel.memmapOnMemory off
    assert.equal(mom('version: "6.6", memmapOnMemory: "on"', 'kind: cxl'), false); // before the dax knob (6.8)
    assert.equal(mom('version: "6.12", memmapOnMemory: "on"', 'kind: cxl', 'ppc64-hash'), false); // arch_supports_memmap_on_memory()
    assert.equal(mom('version: "6.12", memmapOnMemory: "on"', 'kind: cxl', 'arm64-64k'), false); // memmap not pageblock aligned
  });
  it('pmem and hmem: false; an explicit value wins', () => {
    assert.equal(mom('version: "6.12", memmapOnMemory: "on"', 'kind: hmem'), false);
    assert.equal(mom('version: "6.12", memmapOnMemory: "on"', 'kind: pmem'), false);
    assert.equal(mom('version: "6.12", memmapOnMemory: "on"', 'kind: cxl, memmapOnMemory: false'), false);
    assert.equal(mom('version: "6.12", memmapOnMemory: "on"', 'kind: hmem, memmapOnMemory: true'), true);
  });
  it('the simulated kmem device self-hosts its memmap by default, and the unhonoured default is silent', () => {
    const on = simulateMemmap(loadConfigText(cfg('version: "6.12", memmapOnMemory: "on"', 'kind: cxl'), 'x.memmap.yaml').config!);
    assert.deepEqual(on.errors, []);
    assert.equal(on.memmap.hotplug[0].memmapOnMemory, true);
    const off = simulateMemmap(loadConfigText(cfg('version: "6.12"', 'kind: cxl'), 'x.memmap.yaml').config!);
    assert.deepEqual(off.errors, []);
    assert.equal(off.memmap.hotplug[0].memmapOnMemory, false);
  });
});
