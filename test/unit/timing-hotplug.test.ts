// Hot-add (memmap_on_memory, seed 001), the seeds' alternatives (000, 002, 003) and the memory-half seam.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { timing, workloadOf } from './timing-helpers';

const CXL = (mom: boolean) => `
arch: x86_64
kernel: { version: "6.12", memmapOnMemory: "on" }
nodes:
  - { id: 0, cpus: 32, ranges: [ { start: 0x0, size: 2G }, { start: 0x100000000, size: 126G } ] }
  - { id: 1, cpus: 0, ranges: [ { start: 0x2080000000, size: 2G } ] }
devices:
  - { name: dax0.0, node: 1, kind: cxl, mode: kmem, start: 0x2100000000, size: 64G, align: 2M, map: mem, memmapOnMemory: ${mom} }
`;

describe('memory hot-add (dax/kmem, memmap_on_memory)', () => {
  it('onlines block by block under the lock; the self-hosted memmap is written to the CXL media', () => {
    const w = workloadOf(CXL(true));
    const d = w.devices[0];
    assert.equal(d.kind, 'hotplug');
    if (d.kind !== 'hotplug') return;
    assert.equal(d.blocks, 32); // 64 GiB / 2 GiB blocks (bare metal, > 64 GiB of RAM)
    assert.ok(d.memmapPagesPerBlock > 0);
    assert.deepEqual(d.memmapHome, { media: 'cxl', node: 1 });
    const t = timing(w);
    const online = t.spans.filter((s) => s.phase === 'memoryBlockOnline');
    assert.equal(online.length, 1, 'uncontended blocks merge into one span');
    assert.equal(online[0].pages, 32 * 524288);
    assert.match(online[0].costTerm, /memmap_on_memory/);
    assert.match(online[0].costTerm, /cxl:1/);
    assert.match(online[0].costTerm, /remote \(CPU node 0\)/, 'node 1 has no CPUs');
    assert.equal(t.devices[0].kind, 'hotplug');
    assert.ok(t.devices[0].initMs > 0 && t.devices[0].populateMs > 0);
  });
  it('without memmap_on_memory the memmap is in DRAM of the nearest memory node', () => {
    const w = workloadOf(CXL(false));
    const d = w.devices[0];
    assert.ok(d.kind === 'hotplug' && d.memmapPagesPerBlock === 0);
    assert.deepEqual(d.memmapHome, { media: 'dram', node: 1 });
  });
  it('a hot-add and a namespace probing together interleave on mem_hotplug_lock', () => {
    const w = workloadOf(`
arch: x86_64
kernel: { version: "6.12", memmapOnMemory: "on" }
nodes:
  - { id: 0, cpus: 32, ranges: [ { start: 0x0, size: 2G }, { start: 0x100000000, size: 126G } ] }
devices:
  - { name: dax0.0, node: 0, kind: cxl, mode: kmem, start: 0x4000000000, size: 64G, align: 2M, map: mem, memmapOnMemory: true }
  - { name: pmem1, node: 0, kind: pmem, mode: fsdax, start: 0x8000000000, size: 64G, align: 2M, map: dev }
`);
    const t = timing(w);
    const pmem = t.devices.find((d) => d.name === 'pmem1');
    assert.ok(pmem && pmem.lockWaitMs > 0, 'the namespace waits for the hot-add holding the lock');
    // FIFO: add_memory_resource() releases the lock before onlining, the waiting probe gets it, then the blocks.
    const add = t.spans.find((s) => s.phase === 'hotplugAdd')!;
    const populate = t.spans.find((s) => s.phase === 'devicePopulate')!;
    const firstOnline = t.spans.find((s) => s.phase === 'memoryBlockOnline')!;
    assert.ok(add.endUs <= populate.startUs && populate.endUs <= firstOnline.startUs);
  });
});

describe("the seeds' alternatives", () => {
  const w = workloadOf(`
arch: x86_64
kernel: { version: "6.12" }
nodes:
  - { id: 0, cpus: 16, ranges: [ { start: 0x0, size: 2G }, { start: 0x100000000, size: 60G } ] }
devices:
  - { name: ns0, node: 0, kind: pmem, mode: devdax, start: 0x1000000000, size: 128G, align: 2M, map: mem }
  - { name: ns1, node: 0, kind: pmem, mode: devdax, start: 0x3000000000, size: 128G, align: 2M, map: mem }
  - { name: ns2, node: 0, kind: pmem, mode: devdax, start: 0x5000000000, size: 128G, align: 2M, map: mem }
`);
  it('seed 000: a per-page indirect call is slower than bulk init by indirectCallNs per struct page', () => {
    const bulk = timing(w);
    const ind = timing(w, { zoneDeviceInit: 'indirectCall' });
    const d = ind.devices[0].initMs - bulk.devices[0].initMs;
    assert.ok(Math.abs(d - (bulk.devices[0].pages * 10) / 1e6) < 0.01, `${d} ms`);
  });
  it('seeds 000/002: init under the lock serializes the namespaces; outside it they overlap', () => {
    const out = timing(w);
    const under = timing(w, { deviceInitLock: 'under' });
    const last = (t: typeof out) => Math.max(...t.devices.map((d) => d.readyAtMs));
    assert.ok(last(under) > last(out) * 1.5, `${last(under)} vs ${last(out)}`);
    assert.ok(under.devices[2].lockWaitMs >= 2 * under.devices[0].initMs * 0.99);
    assert.equal(out.devices[2].lockWaitMs > 0, true, 'population is still serialized');
  });
  it('seed 003: NR_MEMMAP_THREADS pieces on DRAM struct pages scale until the DRAM bandwidth', () => {
    const one = timing(w).devices[0].initMs;
    const eight = timing(w, { memmapInitThreads: 8 }).devices[0].initMs;
    assert.ok(one / eight > 3, `${(one / eight).toFixed(2)}x`);
  });
  it('first bind under a hypervisor costs firstBindVmFactor (Z1/Z2); a rebind does not', () => {
    const vm = workloadOf(`
arch: x86_64
kernel: { version: "6.12", hypervisor: true }
nodes:
  - { id: 0, cpus: 16, ranges: [ { start: 0x0, size: 2G }, { start: 0x100000000, size: 60G } ] }
devices:
  - { name: ns0, node: 0, kind: pmem, mode: fsdax, start: 0x1000000000, size: 100G, align: 2M, map: mem }
`);
    const first = timing(vm).devices[0].initMs;
    const rebind = timing(vm, { deviceBind: 'rebind' }).devices[0].initMs;
    assert.ok(Math.abs(first / rebind - 1486 / 273.52) < 0.01);
  });
});

describe('gigantic HugeTLB pages reserve memory where memblock placed them', () => {
  const yaml = (count: number) => `arch: x86_64
kernel: { version: "6.12", deferredInit: true }
nodes:
  - { id: 0, cpus: 8, ranges: [ { start: 0x0, size: 2G }, { start: 0x100000000, size: 28G } ] }
  - { id: 1, cpus: 8, ranges: [ { start: 0x800000000, size: 4G } ] }
hugetlb:
  - { node: 1, pageSize: 1G, count: ${count} }
`;
  const deferred = (count: number) => workloadOf(yaml(count)).nodes.map((n) => n.deferredPages);
  it('a full node 1: the 5 pages memblock took from node 0 leave node 0\'s deferred init, not node 1\'s', () => {
    const [n0, n1] = deferred(0);
    const [f0, f1] = deferred(3); // 3 fit on node 1
    const [o0, o1] = deferred(8); // 3 on node 1, 5 from node 0
    assert.equal(f0, n0);
    assert.equal(n1 - f1, 3 * 262144);
    assert.equal(o1, f1);
    assert.equal(n0 - o0, 5 * 262144);
  });
});

describe('hot-adds run one after the other: add_memory() holds lock_device_hotplug() across adding and onlining', () => {
  it('the second 16 GiB hot-add waits for the first to be online, not just for its next block', () => {
    const t = timing(
      workloadOf(`arch: x86_64
kernel: { version: "6.12", memmapOnMemory: "on" }
nodes:
  - { id: 0, cpus: 8, ranges: [ { start: 0x0, size: 2G }, { start: 0x100000000, size: 14G } ] }
hotplug:
  - { node: 0, start: 0x1000000000, size: 16G }
  - { node: 0, start: 0x2000000000, size: 16G }
`),
    );
    const [a, b] = t.devices;
    assert.ok(b.lockWaitMs >= a.populateMs + a.initMs - 1e-6, `hotplug[1] waited ${b.lockWaitMs} ms`);
    const aDone = Math.max(...t.spans.filter((s) => s.device === a.name && s.phase === 'memoryBlockOnline').map((s) => s.endUs));
    const bFirst = Math.min(...t.spans.filter((s) => s.device === b.name && (s.phase === 'hotplugAdd' || s.phase === 'memoryBlockOnline')).map((s) => s.startUs));
    assert.ok(bFirst >= aDone, `hotplug[1] starts at ${bFirst} us, hotplug[0] is online at ${aDone} us`);
  });
});

describe('a 2 MiB boot pool on a one-node machine is a plain hugepages=N: padata with 2 x N_MEMORY threads', () => {
  it('two threads allocate it (hugetlb_pages_alloc_boot()), not the node-specific serial path', () => {
    const t = timing(
      workloadOf(`arch: x86_64
kernel: { version: "6.12" }
nodes:
  - { id: 0, cpus: 16, ranges: [ { start: 0x0, size: 2G }, { start: 0x100000000, size: 62G } ] }
hugetlb:
  - { node: 0, pageSize: 2M, count: 8192 }
`),
    );
    const spans = t.spans.filter((s) => s.phase === 'hugetlbAlloc');
    assert.equal(new Set(spans.map((s) => s.tid)).size, 2);
  });
});
