// Synthetic logs for each input quirk and each message family the analyzer reads (old and new wordings),
// and the negative cases: what is not in the log is null or empty, never 0.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../src/trace/analyze';
import { parseRecord, RECORD_START } from '../../src/trace/prefix';
import type { AnalysisFile, Boot } from '../../src/trace/types';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const DEFER = 'node 0 deferred pages initialised in 56ms';

function one(text: string): Boot {
  const r = analyzeText(text);
  assert.equal(r.boots.length, 1, `expected one boot, got ${r.boots.length}`);
  return r.boots[0];
}
const lines = (...l: string[]) => l.join('\n') + '\n';
const d0 = (b: Boot) => b.deferredInit.map((d) => [d.node, d.ms, d.t]);

describe('line prefixes and timestamps', () => {
  it('absolute stamps: t in seconds', () => {
    assert.deepEqual(d0(one(`[    3.044198] ${DEFER}\n`)), [[0, 56, 3.044198]]);
  });

  it('wider and narrower stamps: [12345.678901], [  1.5]', () => {
    assert.deepEqual(d0(one(`[12345.678901] ${DEFER}\n`)), [[0, 56, 12345.678901]]);
    assert.deepEqual(d0(one(`[    1.5] ${DEFER}\n`)), [[0, 56, 1.5]]);
  });

  it('relative stamps (dmesg -e / -d): summed from the start of the boot, negative deltas included', () => {
    const r = analyzeText(lines('[Jun21 23:09] Linux version 6.1.0 (x@y) #1', '[  +0.500000] x86/fpu: x', '[  -0.100000] smpboot: CPU 1', `[  +1.000000] ${DEFER}`));
    assert.deepEqual(r.input.timestamps, ['relative', 'wallclock']);
    const b = r.boots[0];
    assert.equal(b.timestamps, 'relative');
    assert.deepEqual(d0(b), [[0, 56, 1.4]]);
    assert.equal(b.wallClock, 'Jun21 23:09');
  });

  it('no stamps (dmesg -t): t is null', () => {
    const r = analyzeText(`${DEFER}\n`);
    assert.deepEqual(r.input.timestamps, ['none']);
    assert.deepEqual(d0(r.boots[0]), [[0, 56, null]]);
    assert.equal(r.boots[0].timestamps, 'none');
  });

  it('printk levels and caller ids: <6>, [    T1], [  C0], console-glued [ts][T0]', () => {
    for (const l of [`<6>[    0.064229] [   T36] ${DEFER}`, `<4>[    0.064229] [  C0] ${DEFER}`, `[    0.064229][   T36] ${DEFER}`, `<6>${DEFER}`]) {
      const b = one(`${l}\n`);
      assert.deepEqual(b.deferredInit.map((d) => [d.node, d.ms]), [[0, 56]], l);
    }
  });

  it('dmesg -d delta stamps and dmesg -T / -x prefixes', () => {
    assert.deepEqual(d0(one(`[    3.044198 <    0.000123>] ${DEFER}\n`)), [[0, 56, 3.044198]]);
    const t = one(`[Mon Jun 21 23:09:01 2022] ${DEFER}\n`);
    assert.deepEqual(d0(t), [[0, 56, null]]);
    assert.equal(t.wallClock, 'Mon Jun 21 23:09:01 2022');
    const x = analyzeText(`kern  :info  : [    3.044198] ${DEFER}\n`);
    assert.deepEqual(d0(x.boots[0]), [[0, 56, 3.044198]]);
    assert.ok(x.input.prefixes.includes('dmesg-decode'));
  });

  it('syslog and journalctl -k prefixes, with and without the kernel stamp', () => {
    for (const l of [
      `May 21 10:59:23 mc-misc2002 kernel: [    3.044198] ${DEFER}`,
      `May  1 10:59:23 host kernel: ${DEFER}`,
      `May 21 10:59:23.311954 host kernel: ${DEFER}`,
      `2025-05-21T10:59:23.311954+00:00 mc-misc2002 kernel: [    3.044198] ${DEFER}`,
      `2025-05-21T10:59:23+0000 host kernel: ${DEFER}`,
      `[    3.044198] myhost kernel: ${DEFER}`,
    ]) {
      const r = analyzeText(`${l}\n`);
      assert.equal(r.boots.length, 1, l);
      assert.deepEqual(r.boots[0].deferredInit.map((d) => [d.node, d.ms]), [[0, 56]], l);
    }
  });

  it('journalctl -o json lines: MESSAGE, monotonic time, boot id', () => {
    const j = JSON.stringify({ __MONOTONIC_TIMESTAMP: '3044198', _BOOT_ID: 'a1', MESSAGE: DEFER, PRIORITY: '6' });
    const r = analyzeText(`${j}\n`);
    assert.equal(r.format, 'kernel-log');
    assert.ok(r.input.prefixes.includes('journal-json'));
    assert.deepEqual(d0(r.boots[0]), [[0, 56, 3.044198]]);
  });

  it('logfmt wrappers and /dev/kmsg records', () => {
    const r = analyzeText(`ts=2025-05-21T10:59:23Z level=info msg="[    3.044198] ${DEFER}"\n`);
    assert.deepEqual(d0(r.boots[0]), [[0, 56, 3.044198]]);
    assert.equal(r.boots[0].wallClock, '2025-05-21T10:59:23Z');
    const k = analyzeText(`6,339,3044198,-;${DEFER}\n`);
    assert.deepEqual(d0(k.boots[0]), [[0, 56, 3.044198]]);
  });

  it('any prefix before a stamp (grep -H file names, tool prefixes) is dropped', () => {
    const r = analyzeText(`log_uv48_05121052:[  177.250385] node 0 initialised, 14950072 pages in 544ms\nserial0: <6>[    3.044198] ${DEFER.replace('0', '1')}\n`);
    assert.deepEqual(r.boots[0].deferredInit.map((d) => [d.node, d.ms, d.pages]), [[0, 544, 14950072], [1, 56, null]]);
  });

  it('ANSI colour codes from serial consoles', () => {
    assert.deepEqual(d0(one(`\x1b[32m[    3.044198]\x1b[0m ${DEFER}\n`)), [[0, 56, 3.044198]]);
  });

  it('CRLF line ends, double spacing and a byte-order mark', () => {
    const b = one(`\ufeff[    1.000000] ${DEFER}\r\n\r\n[    1.000001] Memory: 100K/200K available (1K kernel code, 2K reserved)\r\n\r\n`);
    assert.deepEqual(d0(b), [[0, 56, 1]]);
    assert.equal(b.memory?.availableKiB, 100);
    assert.equal(b.memory?.line, 3);
  });
});

describe('RECORD_START (is the line after a trailing "=" a new record?)', () => {
  const prefixed = (l: string) => parseRecord(l, 1, { mailQuoted: false, absolute: false, relative: false, wallclock: false, prefixes: new Set() }).prefixed;
  it('knows every prefix anchored at the line start that parseRecord() reads', () => {
    for (const l of [
      '[    1.234567] x', '[  +0.000002] x', '<6>[    1.234567] x', '[    1.234567] [    T1] x', '[Tue May 21 10:59:23 2025] x', '[<    0.000002>] x',
      'May 21 10:59:23 host kernel: x', '2025-05-21T10:59:23.311954+00:00 host kernel: x', 'Wed 2025-05-21 10:59:23 UTC host kernel: x',
      '1747825163.311954 host kernel: x', '6,339,5140900,-;x', 'kern  :info  : [    1.234567] x', '> > [    1.234567] x',
    ]) {
      assert.ok(prefixed(l), l);
      assert.ok(RECORD_START.test(l), l);
    }
  });
  it('not the forms a soft-broken fragment can look like (logfmt, a wrapper before a stamp)', () => {
    for (const l of ['level=7 console=ttyS0', 'nel: [    0.000000] microcode: updated early', 'dmesg.txt:[    1.234567] x', ' version 6.1.0-34-amd64 (debian-kernel@lists.debian.org)']) {
      assert.ok(!RECORD_START.test(l), l);
    }
  });
  it('a dmesg -x record after a message that ends in "=" is a record of its own, not a soft break', () => {
    const r = analyzeText('kern  :info  : [    0.100000] Kernel command line: root=\nkern  :info  : [    1.000000] node 0 deferred pages initialised in 56ms\n');
    assert.deepEqual(r.boots[0].deferredInit.map((d) => [d.node, d.ms, d.line]), [[0, 56, 2]]);
    assert.equal(r.boots[0].commandLine, 'root=');
  });
});

describe('mail artefacts', () => {
  it('"> " and "> > " quoting, blank quoted lines', () => {
    const r = analyzeText(lines('> > [    1.000000] Linux version 6.1.0 (a@b) #1', '> >', `> > [    3.000000] ${DEFER}`));
    assert.ok(r.input.mailQuoted);
    assert.equal(r.boots[0].kernelVersion, '6.1.0');
    assert.deepEqual(d0(r.boots[0]), [[0, 56, 3]]);
  });

  it('quoted-printable: soft breaks inside words, =3D, =2E and =0A= line breaks; line numbers of the first part', () => {
    const text = lines(
      '> 2025-05-21T10:59:23.313317+00:00 h kernel: [    3.044198] node =',
      '0 deferred pages initialised in 56ms',
      '> 2025-05-21T10:59:23.313049+00:00 h kernel: [    0.234438] Memor=',
      'y: 1852992K/268037724K available (14342K kernel code, 2339K rwdata, 9092K r=',
      'odata, 2800K init, 17380K bss, 4369320K reserved, 0K cma-reserved)',
      '> 2025-05-21T10:59:23.313050+00:00 h kernel: [    0.234772] SLUB: HWalign=3D64',
      '[    3.1] HugeTLB: 28 KiB vmemmap can be freed for a 2.00 MiB page=0A=',
      '[    3.2] node 1 deferred pages initialised in 6=',
      '0ms',
    );
    const r = analyzeText(text);
    assert.ok(r.input.quotedPrintable);
    const b = r.boots[0];
    assert.deepEqual(b.deferredInit.map((d) => [d.node, d.ms, d.line]), [[0, 56, 1], [1, 60, 8]], 'a line after =0A= starts where its text starts');
    assert.equal(b.memory?.reservedKiB, 4369320);
    assert.equal(b.memory?.rodataKiB, 9092);
    assert.equal(b.memory?.line, 3);
    assert.equal(b.hugetlb[0].vmemmapFreeableKiB, 28);
  });

  it('a trailing "=" before QP is established joins only a following non-record line', () => {
    const b = one(lines(`[    1.000000] Kernel command line: root=/dev/sda foo=`, `[    3.044198] ${DEFER}`));
    assert.equal(b.commandLine, 'root=/dev/sda foo=');
    assert.deepEqual(d0(b), [[0, 56, 3.044198]]);
  });

  it('hard-wrapped messages are rejoined: "pages in \\n724ms", "- \\n0x...", "order:9,\\nmode:..."', () => {
    const r = analyzeText(lines(
      '[  177.436047] node 215 initialised, 3600110 pages in ',
      '724ms',
      '> [    8.098038] virtio_mem virtio0: plugging memory: 0x100000000 -',
      '> 0x107ffffff',
      '> [    8.106298] kworker/0:1: vmemmap alloc failure: order:9,',
      '> mode:0x4cc0(GFP_KERNEL|__GFP_RETRY_MAYFAIL),',
      '> nodemask=(null),cpuset=/,mems_allowed=0',
    ));
    const b = r.boots[0];
    assert.deepEqual(b.deferredInit.map((d) => [d.node, d.pages, d.ms, d.line]), [[215, 3600110, 724, 1]]);
    assert.deepEqual(b.hotplug.map((h) => [h.kind, h.start, h.end, h.line]), [['virtio-mem-plug', 0x100000000, 0x107ffffff, 3]]);
    assert.deepEqual(b.errors[0].details, { order: 9, mode: '0x4cc0', gfp: 'GFP_KERNEL|__GFP_RETRY_MAYFAIL' });
    assert.equal(r.input.rejoinedLines, 3);
    // Which lines each wrapped message took, for a second pass that quotes it (import).
    assert.deepEqual(b.wrapped, [{ line: 1, lastLine: 2 }, { line: 3, lastLine: 4 }, { line: 5, lastLine: 6 }]);
    assert.equal(b.wrapped.reduce((n, w) => n + w.lastLine - w.line, 0), r.input.rejoinedLines);
  });

  it('a join is kept only when it completes the message; otherwise both lines are read on their own', () => {
    const r = analyzeText(lines('node 0 deferred pages initialised in', 'After:', `node 1 deferred pages initialised in 9ms`, 'node 2 initialised, 5 pages in', 'nothing here'));
    const b = r.boots[0];
    assert.deepEqual(b.deferredInit.map((d) => [d.node, d.ms]), [[1, 9]]);
    assert.equal(r.input.rejoinedLines, 0);
    assert.deepEqual(b.wrapped, []);
  });

  it('a message cut off by a truncated excerpt is not guessed', () => {
    const r = analyzeText('08974] POWER9 performance monitor hardware support registered\n[    0.02] node 1 initialised, 366473 pages in');
    assert.deepEqual(r.boots.map((b) => b.deferredInit), [], 'no fact, so no boot');
  });

  it('gap markers ("...", "[...]", collector breaks) end a pending wrapped message', () => {
    const b = one(lines('[  1.000000] node 3 initialised, 15986409 pages in', '....', '1624ms', `[    3.0] ${DEFER}`));
    assert.deepEqual(b.deferredInit.map((d) => d.node), [0]);
  });
});

describe('message families', () => {
  it('Memory: line, all fields; older k-suffixed layout with data/absent/highmem', () => {
    const b = one('[    0.5] Memory: 3885480K/4190208K available (15232K kernel code, 3446K rwdata, 6172K rodata, 2752K init, 828K bss, 233796K reserved, 65536K cma-reserved, 1024K highmem)\n');
    assert.deepEqual(b.memory && { ...b.memory, line: 0, t: 0 }, {
      availableKiB: 3885480, totalKiB: 4190208, kernelCodeKiB: 15232, rwdataKiB: 3446, rodataKiB: 6172, initKiB: 2752, bssKiB: 828,
      reservedKiB: 233796, cmaReservedKiB: 65536, highmemKiB: 1024, dataKiB: null, absentKiB: null, line: 0, t: 0,
    });
    const old = one('Memory: 8180436k/9437184k available (5377k kernel code, 1057748k absent, 199000k reserved, 2819k data, 1396k init)\n').memory;
    assert.deepEqual([old?.availableKiB, old?.absentKiB, old?.dataKiB, old?.rodataKiB], [8180436, 1057748, 2819, null]);
  });

  it('zones, movable zone start, early node ranges, Initmem setup incl. memoryless nodes (both wordings)', () => {
    const b = one(lines(
      '[    0.0] Zone ranges:',
      '[    0.0]   DMA      [mem 0x0000000000001000-0x0000000000ffffff]',
      '[    0.0]   Normal   [mem 0x0000000100000000-0x000000407fffffff]',
      '[    0.0]   Device   empty',
      '[    0.0] Movable zone start for each node',
      '[    0.0]   Node 1: 0x0000002080000000',
      '[    0.0] Early memory node ranges',
      '[    0.0]   node   1: [mem 0x0000002080000000-0x000000407fffffff]',
      '[    0.0] Initmem setup node 0 as memoryless',
      '[    0.0] Initmem setup node 1 [mem 0x0000002080000000-0x000000407fffffff]',
      '[    0.0] Initmem setup node 2 [mem 0x0000000000000000-0x0000000000000000]',
    ));
    assert.deepEqual(b.zones.map((z) => [z.zone, z.start, z.end, z.empty]), [
      ['DMA', 0x1000, 0xffffff, false], ['Normal', 0x100000000, 0x407fffffff, false], ['Device', null, null, true],
    ]);
    assert.deepEqual(b.movableZoneStart.map((m) => [m.node, m.start]), [[1, 0x2080000000]]);
    assert.deepEqual(b.nodeRanges.map((r) => [r.node, r.start, r.sizeBytes]), [[1, 0x2080000000, 128 * GiB]]);
    assert.deepEqual(b.initmem.map((i) => [i.node, i.memoryless]), [[0, true], [1, false], [2, true]]);
  });

  it('pages in unavailable ranges: per zone (5.14+) and the older whole-system line', () => {
    const b = one(lines('On node 0, zone DMA32: 31744 pages in unavailable ranges', 'Zeroed struct page in unavailable ranges: 697 pages'));
    assert.deepEqual(b.unavailableRanges.map((u) => [u.node, u.zone, u.pages]), [[0, 'DMA32', 31744], [null, null, 697]]);
  });

  it('memory block size: x86 MB and lsmem units', () => {
    assert.equal(one('[    3.0] x86/mm: Memory block size: 128MB\n').memoryBlockBytes, 128 * MiB);
    assert.equal(one('Memory block size:       256M\n').memoryBlockBytes, 256 * MiB);
  });

  it('HugeTLB registered (with and without colon) and the four HVO wordings, old ones converted to KiB', () => {
    const b = one(lines(
      '[    1.0] x86/fpu: Supporting XSAVE feature 0x001',
      '[    1.1] HugeTLB registered 1.00 GiB page size, pre-allocated 2 pages',
      '[    1.2] HugeTLB: registered 2.00 MiB page size, pre-allocated 512 pages',
      '[    1.3] HugeTLB: can free 4094 vmemmap pages for hugepages-1048576kB',
      '[    1.4] HugeTLB: can optimize 7 vmemmap pages for hugepages-2048kB',
    ));
    assert.deepEqual(b.hugetlb.map((h) => [h.pageSizeBytes, h.preallocatedPages, h.vmemmapFreeablePages, h.vmemmapFreeableKiB, h.hvoWording]), [
      [GiB, 2, 4094, 16376, 'can-free-pages'],
      [2 * MiB, 512, 7, 28, 'can-optimize-pages'],
    ]);
    const n = one(lines('HugeTLB: 16380 KiB vmemmap can be freed for a 1.00 GiB page', 'HugeTLB: 28 KiB vmemmap can be optimized for a 2.00 MiB page'));
    assert.deepEqual(n.hugetlb.map((h) => [h.vmemmapFreeableKiB, h.hvoWording]), [[16380, 'can-be-freed'], [28, 'can-be-optimized']]);
  });

  it('old HVO wording with a page size the log cannot prove stays in pages (KiB null)', () => {
    const b = one('HugeTLB: can free 100 vmemmap pages for hugepages-2048kB\n');
    assert.deepEqual([b.hugetlb[0].vmemmapFreeablePages, b.hugetlb[0].vmemmapFreeableKiB, b.pageSizeBytes], [100, null, null]);
  });

  it('HugeTLB allocation timing, per-node failure, two-phase, optimized at boot, hugetlb_cma', () => {
    const b = one(lines(
      'HugeTLB: two-phase hugepage allocation is used',
      'HugeTLB: allocation took 712ms with hugepage_allocation_threads=32',
      'HugeTLB: allocating 100 of page size 1.00 GiB failed node1.  Only allocated 60 hugepages.',
      'HugeTLB: 512 huge pages whose vmemmap are optimized at boot',
      'hugetlb_cma: reserved 1024 MiB on node 1',
    ));
    assert.equal(b.hugetlbTwoPhase, true);
    assert.deepEqual(b.hugetlbAllocations.map((a) => [a.ms, a.threads]), [[712, 32]]);
    assert.deepEqual(b.hugetlbAllocationFailures.map((f) => [f.pageSizeBytes, f.requestedPages, f.allocatedPages, f.node]), [[GiB, 100, 60, 1]]);
    assert.equal(b.hugetlbOptimizedAtBoot?.pages, 512);
    assert.deepEqual(b.hugetlbCma.map((c) => [c.node, c.mib]), [[1, 1024]]);
  });

  it('ZONE_DEVICE memmap init and device memory (p2pdma, nouveau DMEM)', () => {
    const b = one(lines(
      '[  303.441089] memmap_init_zone_device initialised 2063872 pages in 34ms',
      '[    8.385715] nvme 0000:03:00.0: added peer-to-peer DMA memory [mem 0xfd200000-0xfd3fffff 64bit pref]',
      'nouveau 0000:01:00.0: DRM: DMEM: registered 8192MB of device memory',
    ));
    assert.deepEqual(b.zoneDevice.map((z) => [z.pages, z.ms, z.t]), [[2063872, 34, 303.441089]]);
    assert.deepEqual(b.deviceMemory.map((d) => [d.kind, d.device, d.bytes]), [['p2pdma', 'nvme 0000:03:00.0', 2 * MiB], ['device-private', 'nouveau 0000:01:00.0', 8 * GiB]]);
  });

  it('nvdimm / dax / memremap / hotplug errors, each with its kind', () => {
    const b = one(lines(
      'Misaligned __add_pages start: 0x100200 end: 0x1003ff',
      'nd_pmem namespace0.0: [mem 0x3040000000-0x30bfffffff flags 0x200] misaligned, unable to map',
      'nd_pfn pfn0.0: pfn0.0: start 0x3040000000 misaligned to 0x1000000',
      'nd_pmem pfn0.1: init failed, page size mismatch 65536',
      'dax_pmem dax0.0: init failed, alignment mismatch: 1073741824:2097152',
      'nd_pmem pfn0.1: bad offset: 0x2000 dax disabled align: 0x200000',
      'nd_pmem pfn0.1: resource start misaligned',
      'nd_pmem pfn0.1: number of pfns truncated from 100 to 90',
      'nd_pmem pfn1.0: namespace1.0 alignment collision, truncate 67108864 bytes',
      'Conflicting mapping in same section',
      'attempted on ram region 0x100000000-0x1ffffffff',
      'memory add fail, invalid altmap',
      'Block size [0x8000000] unaligned hotplug range: start 0x104000000, size 0x4000000',
      'kmem dax0.0: rejecting DAX region without any memory after alignment',
      'sparse_init_nid: node[1] memory map backing failed. Some memory will not be available.',
      '[ffffea0000000000-ffffea00001fffff] potential offnode page_structs',
      'libndctl: ndctl_pfn_enable: pfn1.0: failed to enable',
    ));
    assert.deepEqual(b.errors.map((e) => e.kind), [
      'misaligned-add-pages', 'misaligned-unable-to-map', 'nd-pfn-start-misaligned', 'nd-pfn-page-size-mismatch', 'nd-pfn-alignment-mismatch',
      'nd-pfn-bad-offset', 'nd-pfn-resource-start-misaligned', 'nd-pfn-npfns-truncated', 'alignment-collision', 'conflicting-mapping',
      'memremap-overlaps-ram', 'invalid-altmap', 'hotplug-unaligned-block', 'kmem-no-memory-after-alignment', 'memmap-backing-failed',
      'offnode-page-structs', 'ndctl-enable-failed',
    ]);
    assert.deepEqual(b.errors[0].details, { function: '__add_pages', startPfn: 0x100200, endPfn: 0x1003ff });
    assert.deepEqual(b.errors[1].details, { start: 0x3040000000, end: 0x30bfffffff });
    assert.deepEqual(b.errors[4].details, { align: 1073741824, expected: 2097152 });
    assert.equal(b.errors[3].device, 'nd_pmem pfn0.1');
    assert.deepEqual(b.errors.map((e) => e.line), Array.from({ length: 17 }, (_, i) => i + 1));
  });

  it('hotplug: virtio-mem, kmem ranges, memmap_on_memory force', () => {
    const b = one(lines(
      'virtio_mem virtio0: requested size: 0x10000000',
      'virtio_mem virtio0: unplugging memory: 0x108000000 - 0x10fffffff',
      'virtio_mem virtio0: removing memory: 0x108000000 - 0x10fffffff',
      'kmem dax0.0: mapping0: 0x100000000-0x107ffffff too small after alignment',
      'Memory hotplug will waste 28 pages in each memory block',
    ));
    assert.deepEqual(b.hotplug.map((h) => [h.kind, h.bytes, h.pages]), [
      ['virtio-mem-requested-size', 256 * MiB, null], ['virtio-mem-unplug', 128 * MiB, null], ['virtio-mem-remove', 128 * MiB, null],
      ['kmem-range-too-small', 128 * MiB, null], ['memmap-on-memory-waste', null, 28],
    ]);
  });

  it('call traces: which memmap function and which phase (deferred init, boot, HVO, arm64 and powerpc frames)', () => {
    const b = one(lines(
      '[    5.0] WARNING: CPU: 3 PID: 300 at mm/page_alloc.c:1500 __free_pages_core+0x1a/0x40',
      '[    5.0] Modules linked in:',
      '[    5.0] CPU: 3 PID: 300 Comm: pgdatinit0 Not tainted 6.12.0 #1',
      '[    5.0] Call Trace:',
      '[    5.0]  <TASK>',
      '[    5.0]  __free_pages_core+0x1a/0x40',
      '[    5.0]  deferred_free_pages+0x50/0x90',
      '[    5.0]  deferred_init_memmap_chunk+0x1f0/0x2a0',
      '[    5.0]  padata_do_multithreaded+0x2c0/0x340',
      '[    5.0]  deferred_init_memmap+0x1a0/0x2b0',
      '[    5.0]  kthread+0xe0/0x110',
      '[    5.0]  </TASK>',
      '[    5.0] ---[ end trace 0000000000000000 ]---',
      '[    9.0] Call trace:',
      '[    9.0]  vmemmap_remap_free+0x100/0x150',
      '[    9.0]  hugetlb_vmemmap_optimize_folio+0x88/0xf0',
      '[    9.0]  alloc_fresh_hugetlb_folio+0x60/0x90',
      '[    9.5] Call Trace:',
      '[    9.5] [c000000000e3b8f0] [c0000000003a1bf4] memmap_init_range+0x94/0x1d0 (unreliable)',
      '[    9.5] [c000000000e3b9a0] [c0000000015a2c3c] free_area_init+0x4c0/0x6a0',
      '[    9.5] random text',
      '[    9.5] random text',
      '[    9.5] random text',
      '[   10.0] Call Trace:',
      '[   10.0]  dump_stack+0x57/0x6a',
      '[   10.0]  bad_page.cold.114+0x9b/0xa0',
    ));
    assert.equal(b.kernelVersion, '6.12.0');
    assert.deepEqual(b.callTraces.map((c) => [c.function, c.phase]), [
      ['deferred_free_pages', 'deferred-init'],
      ['vmemmap_remap_free', 'hvo'],
      ['free_area_init', 'boot-memmap'],
    ]);
    assert.deepEqual(b.callTraces[0].functions, ['deferred_free_pages', 'deferred_init_memmap_chunk', 'deferred_init_memmap']);
    assert.equal(b.callTraces[0].trigger, 'WARNING: CPU: 3 PID: 300 at mm/page_alloc.c:1500 __free_pages_core+0x1a/0x40');
    assert.equal(b.callTraces[2].frames[0], '? memmap_init_range', 'powerpc "(unreliable)" frames are marked');
  });

  it('kernel version from the banner beats the oops header and the boot image name', () => {
    const b = one(lines(
      '[    0.0] Linux version 6.1.0-10-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP PREEMPT_DYNAMIC Debian 6.1.38-1 (2023-07-14)',
      '[    0.0] Command line: BOOT_IMAGE=/vmlinuz-6.1.0-9-amd64 root=/dev/sda1',
      '[    9.0] CPU: 0 PID: 1 Comm: swapper/0 Tainted: G        W          6.1.0-10-amd64 #1 Debian 6.1.38-1',
    ));
    assert.equal(b.kernelVersion, '6.1.0-10-amd64');
    assert.deepEqual([b.kernel?.source, b.kernel?.distroVersion, b.kernel?.line], ['linux-version', '6.1.38-1', 1]);
    assert.equal(b.commandLine, 'BOOT_IMAGE=/vmlinuz-6.1.0-9-amd64 root=/dev/sda1');
  });
});

describe('what is not in the log is not in the result', () => {
  it('no deferred line: an empty list, not a zero; no Memory line: null; no version: null', () => {
    const b = one('[    0.5] x86/mm: Memory block size: 128MB\n');
    assert.deepEqual(b.deferredInit, []);
    assert.equal(b.memory, null);
    assert.equal(b.kernelVersion, null);
    assert.equal(b.kernel, null);
    assert.equal(b.totalPages, null);
    assert.equal(b.memmapPagesTotal, null);
    assert.deepEqual(b.hugetlb, []);
    assert.equal(b.hugetlbOptimizedAtBoot, null);
    assert.equal(b.lsmem, null);
  });

  it('a log with no memmap messages has no boots; an empty file is "empty"', () => {
    const r: AnalysisFile = analyzeText('[    0.000000] ACPI: Core revision 20220331\n[    1.0] pci 0000:00:00.0: [8086:1237]\n');
    assert.equal(r.format, 'kernel-log');
    assert.deepEqual(r.boots, []);
    assert.equal(analyzeText('').format, 'empty');
    assert.equal(analyzeText('\n\n').format, 'empty');
  });

  it('look-alike lines are not read as facts', () => {
    const b = analyzeText(lines(
      '[    1.0] node 0 deferred pages initialised in a moment',
      '[    1.0] Memory: not a memory line',
      '[    1.0] HugeTLB: registered 2.00 MiB page size',
      '[    1.0] memmap_init_zone_device initialised many pages in 3ms',
      'the node 0 deferred pages initialised in 5ms line is missing here',
    ));
    assert.deepEqual(b.boots, []);
  });

  it('numbers too large to be exact are dropped rather than rounded', () => {
    const r = analyzeText('node 0 deferred pages initialised in 123456789012345678901ms\n[    1.0]   node   0: [mem 0x0000000000001000-0xffffffffffffffff]\n');
    assert.equal(r.boots.length, 1);
    assert.deepEqual(r.boots[0].deferredInit, []);
    assert.deepEqual(r.boots[0].nodeRanges.map((n) => [n.start, n.end, n.sizeBytes]), [[0x1000, null, null]]);
  });
});
