// Every figure that /work/shared/corpus/INDEX.md lists for a log is extracted from that log.
// The corpus is read at run time from ../shared/corpus next to the repository (never copied here).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../../src/trace/analyze';
import type { AnalysisFile, Boot, KernelError } from '../../src/trace/types';
import { CORPUS } from './corpus';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

const cache = new Map<string, AnalysisFile>();
async function corpus(n: string): Promise<AnalysisFile> {
  const f = readdirSync(CORPUS).find((x) => x.startsWith(`${n}-`) && x.endsWith('.log'));
  assert.ok(f, `corpus file ${n}-*.log is missing from ${CORPUS}`);
  if (!cache.has(n)) cache.set(n, await analyzeFile(join(CORPUS, f)));
  return cache.get(n)!;
}
async function oneBoot(n: string): Promise<Boot> {
  const r = await corpus(n);
  assert.equal(r.boots.length, 1, `${n}: expected one boot, got ${r.boots.length}`);
  return r.boots[0];
}
const deferred = (b: Boot) => Object.fromEntries(b.deferredInit.map((d) => [d.node, d.ms]));
const errorsOf = (b: Boot, kind: string): KernelError[] => b.errors.filter((e) => e.kind === kind);

describe('trace analyzer vs the corpus (INDEX.md figures)', () => {
  before(() => {
    if (!existsSync(CORPUS)) {
      assert.fail(`the kernel log corpus is not at ${CORPUS}: these tests read ../shared/corpus next to the repository root`);
    }
  });

  it('01 HP DL585 G7: 8 nodes deferred (relative stamps), Memory line, block size, total pages', async () => {
    const r = await corpus('01');
    assert.deepEqual(r.input.timestamps, ['relative', 'wallclock']);
    assert.ok(r.input.mailQuoted);
    const b = await oneBoot('01');
    assert.equal(b.kernelVersion, '5.19.0-rc2+');
    assert.deepEqual(deferred(b), { 1: 419, 6: 417, 5: 419, 3: 421, 0: 439, 7: 457, 2: 483, 4: 489 });
    assert.deepEqual(b.deferredInit.map((d) => d.node), [1, 6, 5, 3, 0, 7, 2, 4], 'in log order');
    assert.ok(b.deferredInit.every((d) => d.pages === null && d.t !== null));
    assert.equal(b.memory?.availableKiB, 3513124);
    assert.equal(b.memory?.totalKiB, 1060058788);
    assert.equal(b.memory?.reservedKiB, 17278068);
    assert.equal(b.memory?.cmaReservedKiB, 0);
    assert.equal(b.memory?.kernelCodeKiB, 14342);
    assert.equal(b.memory?.bssKiB, 17352);
    assert.equal(b.memoryBlockBytes, 2048 * MiB);
    assert.equal(b.totalPages, 260873685);
    assert.deepEqual(b.zones.map((z) => z.zone), ['DMA', 'DMA32', 'Normal', 'Device']);
    assert.equal(b.zones[3].empty, true);
    assert.equal(b.nodeRanges.length, 11);
    assert.equal(b.initmem.length, 8);
    assert.deepEqual(b.unavailableRanges.map((u) => u.pages), [1, 100, 64, 8625, 4097]);
    assert.equal(b.unavailableRanges[4].node, 7);
  });

  it('04 Supermicro: rsyslog ISO + quoted-printable; deferred 56/60 ms, Memory line, HVO, block size', async () => {
    const r = await corpus('04');
    assert.ok(r.input.quotedPrintable);
    assert.ok(r.input.prefixes.includes('iso8601'));
    const b = await oneBoot('04');
    assert.equal(b.kernelVersion, '6.1.0-34-amd64');
    assert.equal(b.kernel?.distroVersion, '6.1.135-1');
    assert.deepEqual(deferred(b), { 0: 56, 1: 60 });
    assert.equal(b.memory?.availableKiB, 1852992);
    assert.equal(b.memory?.totalKiB, 268037724);
    assert.equal(b.memory?.reservedKiB, 4369320);
    assert.equal(b.memory?.line, 77, 'the line where the QP-split "Memor=" starts');
    assert.equal(b.totalPages, 65962256);
    assert.equal(b.memoryBlockBytes, 2048 * MiB);
    assert.equal(b.memoryBlockLine, 117, 'the QP-split "x86/m=" line');
    assert.equal(b.machineLine, 11);
    assert.equal(b.commandLineLine, 7);
    const h1g = b.hugetlb.find((h) => h.pageSizeBytes === GiB);
    const h2m = b.hugetlb.find((h) => h.pageSizeBytes === 2 * MiB);
    assert.equal(h1g?.vmemmapFreeableKiB, 16380);
    assert.equal(h2m?.vmemmapFreeableKiB, 28);
    assert.equal(h1g?.preallocatedPages, 0);
    assert.equal(b.wallClock, '2025-05-21T10:59:23.311954+00:00');
  });

  it('05 DL380 devdax: 8 memmap_init_zone_device lines and two bad pages with mapcount -1024', async () => {
    const b = await oneBoot('05');
    assert.equal(b.kernelVersion, '5.10.0-rc3');
    assert.deepEqual(b.zoneDevice.map((z) => [z.pages, z.ms]), [
      [2063872, 34], [2063872, 34], [2063872, 24], [2063872, 24],
      [1835008, 21], [1835008, 22], [1835008, 31], [1835008, 32],
    ]);
    const bad = errorsOf(b, 'bad-page-state');
    assert.deepEqual(bad.map((e) => e.details.pfnHex), ['0x891066', '0x189525']);
    assert.deepEqual(bad.map((e) => e.details.mapcount), [-1024, -1024]);
    assert.deepEqual(b.deferredInit, []);
  });

  it('06 QEMU NVMe CMB: Misaligned __add_pages (6.1 "#" typo), 512-page ZONE_DEVICE init, p2p memory', async () => {
    const b = await oneBoot('06');
    assert.equal(b.kernelVersion, '5.8.0-rc1-00034-gb6cf9836d07f-dirty');
    const [mis] = errorsOf(b, 'misaligned-add-pages');
    assert.equal(mis.text, 'Misaligned __add_pages start: 0xfdd00 end: #fdeff');
    assert.equal(mis.line, 3);
    assert.equal(mis.details.startPfn, 0xfdd00);
    assert.equal(mis.details.endPfn, 0xfdeff);
    assert.deepEqual(b.zoneDevice.map((z) => [z.pages, z.ms, z.line]), [[512, 0, 9]]);
    const [p2p] = b.deviceMemory;
    assert.equal(p2p.kind, 'p2pdma');
    assert.equal(p2p.start, 0xfd200000);
    assert.equal(p2p.end, 0xfd3fffff);
  });

  it('11 nouveau: no timestamps, quoted; 2097152 pages in 16 ms, DMEM 8192 MB', async () => {
    const r = await corpus('11');
    assert.deepEqual(r.input.timestamps, ['none']);
    const b = await oneBoot('11');
    assert.deepEqual(b.zoneDevice.map((z) => [z.pages, z.ms, z.t]), [[2097152, 16, null]]);
    assert.equal(b.deviceMemory[0].kind, 'device-private');
    assert.equal(b.deviceMemory[0].bytes, 8192 * MiB);
    assert.equal(b.deviceMemory[0].driver, 'nouveau');
  });

  it('13 TaiShan 200: old unavailable-ranges line, totalpages, pages used for memmap, Memory line, no deferred init', async () => {
    const b = await oneBoot('13');
    assert.equal(b.kernelVersion, '5.8.0-25-generic');
    assert.equal(b.kernel?.distroVersion, '5.8.14');
    assert.deepEqual(b.unavailableRanges.map((u) => [u.node, u.zone, u.pages]), [[null, null, 697]]);
    assert.deepEqual(b.nodeTotalPages.map((n) => [n.node, n.pages]), [[0, 16776144], [1, 16777216], [2, 16777216], [3, 16777216]]);
    const normal = (node: number) => b.zoneMemmap.find((z) => z.node === node && z.zone === 'Normal')?.memmapPages;
    assert.equal(normal(0), 253952);
    for (const n of [1, 2, 3]) assert.equal(normal(n), 262144);
    assert.equal(b.memmapPagesTotal, 4096 + 4096 + 253952 + 3 * 262144);
    assert.equal(b.memory?.availableKiB, 263204532);
    assert.equal(b.memory?.totalKiB, 268431168);
    assert.equal(b.memory?.reservedKiB, 5193868);
    assert.equal(b.memory?.cmaReservedKiB, 32768);
    assert.equal(b.totalPages, 66059216);
    assert.equal(b.nodeRanges.filter((r) => r.node === 0).length, 34);
    assert.deepEqual(b.deferredInit, [], 'all memory initialised eagerly: no deferred line, so no entry (not 0)');
  });

  it('14 Skylake ndctl: alignment collision 67108864 bytes, conflicting mapping, memremap WARNING', async () => {
    const b = await oneBoot('14');
    const [col] = errorsOf(b, 'alignment-collision');
    assert.equal(col.details.truncateBytes, 67108864);
    assert.equal(col.details.namespace, 'namespace1.0');
    assert.equal(col.device, 'nd_pmem pfn1.0');
    assert.equal(errorsOf(b, 'conflicting-mapping').length, 1);
    assert.equal(errorsOf(b, 'ndctl-enable-failed').length, 2);
    assert.equal(errorsOf(b, 'ndctl-create-namespace-failed').length, 1);
    const [tr] = b.callTraces;
    assert.equal(tr.function, 'devm_memremap_pages');
    assert.equal(tr.phase, 'zone-device');
  });

  it('18 CXL hmem: lsmem block size 2G, blocks 65-68 Normal on node 1, 136G online, auto-online abort', async () => {
    const b = await oneBoot('18');
    assert.equal(b.memoryBlockBytes, 2 * GiB);
    assert.equal(b.lsmem?.blockSizeBytes, 2 * GiB);
    assert.equal(b.lsmem?.totalOnlineBytes, 136 * GiB);
    assert.equal(b.lsmem?.totalOfflineBytes, 0);
    const r = b.lsmem?.ranges.find((x) => x.node === 1);
    assert.deepEqual([r?.firstBlock, r?.lastBlock, r?.zones, r?.sizeBytes], [65, 68, 'Normal', 8 * GiB]);
    const [auto] = errorsOf(b, 'daxctl-auto-online');
    assert.equal(auto.text, 'dax0.0: error: kernel policy will auto-online memory, aborting');
    assert.equal(auto.line, 31);
  });

  it('22 SGI UV: old wording with pages, grep file-name prefixes, lines wrapped before the ms', async () => {
    const r = await corpus('22');
    assert.ok(r.input.prefixes.includes('wrapper'));
    assert.ok(r.input.rejoinedLines >= 12);
    const b = await oneBoot('22');
    const d = new Map(b.deferredInit.map((x) => [x.node, x]));
    assert.deepEqual([d.get(0)?.pages, d.get(0)?.ms], [14950072, 544]);
    assert.deepEqual([d.get(1)?.pages, d.get(1)?.ms], [15990505, 564]);
    assert.deepEqual([d.get(215)?.pages, d.get(215)?.ms], [3600110, 724]);
    assert.equal(d.get(102)?.ms, 756);
    assert.deepEqual([29, 30, 31].map((n) => d.get(n)?.ms), [1376, 1368, 1372]);
    assert.ok([29, 30, 31].every((n) => Math.abs((d.get(n)?.pages ?? 0) - 7.73e6) < 0.01e6));
    assert.equal(d.get(247)?.ms, 1504);
    assert.deepEqual([d.get(19)?.pages, d.get(19)?.ms], [15986409, 1728]);
    assert.equal(d.get(215)?.line, 11, 'a wrapped message keeps the line it starts on');
    assert.equal(b.deferredInit.length, 14);
  });

  it('25 POWER9: old wording, node 1 366473 pages in 0 ms; node 0 has no CPUs', async () => {
    const b = await oneBoot('25');
    assert.deepEqual(b.deferredInit.map((x) => [x.node, x.pages, x.ms]), [[1, 366473, 0]]);
    assert.deepEqual(b.nodeCpus.map((c) => [c.node, c.cpus]), [[0, ''], [1, '0-7']]);
    assert.equal(b.arch, 'powerpc');
  });

  it('28 Oracle 1 TiB: before 901 ms and after 1128 ms are two boots (no timestamps)', async () => {
    const r = await corpus('28');
    assert.equal(r.boots.length, 2);
    assert.deepEqual(r.boots[0].deferredInit.map((x) => [x.node, x.pages, x.ms]), [[1, 32471632, 901]]);
    assert.deepEqual(r.boots[1].deferredInit.map((x) => [x.node, x.pages, x.ms]), [[1, 32471632, 1128]]);
    assert.equal(r.boots[1].boundary, 'repeated-fact');
    assert.equal(r.boots[1].firstLine, 4, 'the second boot starts at the "After:" line');
  });

  it('29 arm64 big.LITTLE: deferred 0 ms, Memory line after it with 65536K cma-reserved', async () => {
    const b = await oneBoot('29');
    assert.deepEqual(b.deferredInit.map((x) => [x.node, x.ms]), [[0, 0]]);
    assert.equal(b.memory?.availableKiB, 3885480);
    assert.equal(b.memory?.totalKiB, 4190208);
    assert.equal(b.memory?.reservedKiB, 233796);
    assert.equal(b.memory?.cmaReservedKiB, 65536);
    assert.ok(b.memory!.line > b.deferredInit[0].line);
  });

  it('30 printk caller id + level: node 0 57 ms from [   T36]', async () => {
    const r = await corpus('30');
    assert.ok(r.input.prefixes.includes('caller-id'));
    assert.ok(r.input.prefixes.includes('level'));
    const b = await oneBoot('30');
    assert.deepEqual(b.deferredInit.map((x) => [x.node, x.ms, x.t]), [[0, 57, 0.064229]]);
  });

  it('32 laptop, double-spaced: deferred 16 ms, Memory line, 128 MB blocks', async () => {
    const b = await oneBoot('32');
    assert.deepEqual(deferred(b), { 0: 16 });
    assert.equal(b.memory?.availableKiB, 15887288);
    assert.equal(b.memory?.totalKiB, 16513824);
    assert.equal(b.memory?.reservedKiB, 610716);
    assert.equal(b.memoryBlockBytes, 128 * MiB);
  });

  it('35 HVO 5.19: "can optimize N vmemmap pages" converted to KiB before, new wording after, 512 optimized at boot', async () => {
    const r = await corpus('35');
    assert.equal(r.boots.length, 2);
    const [before, after] = r.boots;
    const h = (b: Boot, size: number) => b.hugetlb.find((x) => x.pageSizeBytes === size);
    assert.equal(h(before, GiB)?.vmemmapFreeablePages, 4095);
    assert.equal(h(before, GiB)?.vmemmapFreeableKiB, 16380);
    assert.equal(h(before, 2 * MiB)?.vmemmapFreeablePages, 7);
    assert.equal(h(before, 2 * MiB)?.vmemmapFreeableKiB, 28);
    assert.equal(h(before, 2 * MiB)?.preallocatedPages, 512);
    assert.equal(before.pageSizeBytes, 4096);
    assert.equal(h(after, GiB)?.vmemmapFreeableKiB, 16380);
    assert.equal(h(after, 2 * MiB)?.vmemmapFreeableKiB, 28);
    assert.equal(h(after, GiB)?.hvoWording, 'can-be-optimized');
    assert.deepEqual(after.hugetlbOptimizedAtBoot && [after.hugetlbOptimizedAtBoot.pages, after.hugetlbOptimizedAtBoot.t], [512, 1.246123]);
    assert.equal(after.boundary, 'timestamp-reset');
    assert.equal(before.kernelVersion, '5.19.0-rc1-next-20220610+');
  });

  it('37 HVO 5.15: "can free N vmemmap pages" (two pages kept) converted to KiB; hugetlb_cma 1024 MiB on node 1', async () => {
    const b = await oneBoot('37');
    const h = (size: number) => b.hugetlb.find((x) => x.pageSizeBytes === size);
    assert.deepEqual([h(GiB)?.vmemmapFreeablePages, h(GiB)?.vmemmapFreeableKiB, h(GiB)?.hvoWording], [4094, 16376, 'can-free-pages']);
    assert.deepEqual([h(2 * MiB)?.vmemmapFreeablePages, h(2 * MiB)?.vmemmapFreeableKiB], [6, 24]);
    assert.deepEqual(b.hugetlbCma.map((c) => [c.node, c.mib]), [[1, 1024]]);
    assert.equal(b.kernelVersion, '5.15.0-rc4-mm1+');
    assert.equal(b.kernel?.source, 'boot-image');
  });

  it('40 QEMU 4 nodes: deferred 4/21/33/32 ms despite out-of-order stamps, 128 MB blocks, one boot', async () => {
    const b = await oneBoot('40');
    assert.deepEqual(deferred(b), { 0: 4, 1: 21, 2: 33, 3: 32 });
    assert.equal(b.memoryBlockBytes, 128 * MiB);
  });

  it('43 virtio-mem: requested size, plug/add ranges, vmemmap alloc failure order 9 and its call trace', async () => {
    const b = await oneBoot('43');
    assert.equal(b.kernelVersion, '5.13.0-rc7+');
    const kinds = b.hotplug.map((h) => [h.kind, h.start, h.end, h.bytes]);
    assert.deepEqual(kinds, [
      ['virtio-mem-requested-size', null, null, 0x10000000],
      ['virtio-mem-plug', 0x100000000, 0x107ffffff, 128 * MiB],
      ['virtio-mem-add', 0x100000000, 0x107ffffff, 128 * MiB],
    ]);
    const [f] = errorsOf(b, 'vmemmap-alloc-failure');
    assert.deepEqual(f.details, { order: 9, mode: '0x4cc0', gfp: 'GFP_KERNEL|__GFP_RETRY_MAYFAIL' });
    const [tr] = b.callTraces;
    assert.equal(tr.function, 'vmemmap_alloc_block');
    assert.equal(tr.phase, 'hotplug-add');
    assert.ok(tr.functions.includes('sparse_add_section') && tr.functions.includes('add_memory_driver_managed'));
    assert.ok(tr.frames.includes('? __alloc_pages'), 'unreliable frames are kept, marked');
  });

  it('53 two-phase HugeTLB allocation: before 706 ms, 128074 of 128512; after 712 ms, 128512', async () => {
    const r = await corpus('53');
    assert.equal(r.boots.length, 2);
    const [before, after] = r.boots;
    assert.deepEqual(before.hugetlbAllocations.map((a) => [a.ms, a.threads]), [[706, 32]]);
    assert.deepEqual(before.hugetlbAllocationFailures.map((f) => [f.requestedPages, f.allocatedPages]), [[128512, 128074]]);
    assert.deepEqual([before.hugetlb[0].requestedPages, before.hugetlb[0].preallocatedPages], [128512, 128074]);
    assert.equal(before.hugetlbTwoPhase, false);
    assert.deepEqual(after.hugetlbAllocations.map((a) => a.ms), [712]);
    assert.equal(after.hugetlb[0].preallocatedPages, 128512);
    assert.equal(after.hugetlbTwoPhase, true);
  });

  it('54 arm64 64K pages: 16 GiB / 512 MiB / 2 MiB hstates, 0 KiB vmemmap freeable', async () => {
    const b = await oneBoot('54');
    assert.deepEqual(b.hugetlb.map((h) => [h.pageSizeBytes, h.vmemmapFreeableKiB, h.preallocatedPages]), [
      [16 * GiB, 0, 0],
      [512 * MiB, 0, 0],
      [2 * MiB, 0, 0],
    ]);
    assert.deepEqual(b.hugetlbAllocations.map((a) => [a.ms, a.threads]), [[0, 1], [0, 1]]);
  });

  it('every corpus file is read as a kernel log with at least one boot', async () => {
    for (const f of readdirSync(CORPUS).filter((x) => x.endsWith('.log'))) {
      const r = await corpus(f.split('-')[0]);
      assert.equal(r.format, 'kernel-log', f);
      assert.ok(r.boots.length >= 1, f);
      for (const b of r.boots) assert.ok(b.firstLine >= 1 && b.lastLine <= r.lines && b.firstLine <= b.lastLine, f);
    }
  });
});
