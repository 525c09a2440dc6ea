// Review fixes of the log reader, each on synthetic text: more timestamp / journal forms, lsmem's block size,
// hard-wrapped free-text messages and zone lines, and where a boot pasted after a heading starts. Every case
// is also read through the general path (fast path off), which must agree.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lines, one, read } from './trace-read';

const BANNER = 'Linux version 6.1.0-34-amd64 (x@y) (gcc 12) #1 SMP PREEMPT_DYNAMIC Debian 6.1.135-1 (2025-04-25)';
const DEFER0 = 'node 0 deferred pages initialised in 56ms';
const DEFER1 = 'node 1 deferred pages initialised in 60ms';

describe('timestamp and journal forms', () => {
  it('dmesg --time-format=delta "[<    0.000123>]": relative, summed like "[  +0.000123]"', () => {
    const f = read(lines(`[<    0.000000>] ${BANNER}`, '[<    0.500000>] x86/fpu: x', `[<    1.000000>] ${DEFER0}`, `[<    0.250000>] ${DEFER1}`));
    assert.equal(f.boots.length, 1);
    const b = f.boots[0];
    assert.deepEqual(f.input.timestamps, ['relative']);
    assert.equal(b.timestamps, 'relative');
    assert.equal(b.kernelVersion, '6.1.0-34-amd64');
    assert.deepEqual(b.deferredInit.map((d) => [d.node, d.ms, d.t]), [[0, 56, 1.5], [1, 60, 1.75]]);
  });

  it('dmesg -T -d "[Wed May 21 10:59:00 2025 <    0.000123>]": the wall clock and relative seconds', () => {
    const f = read(lines(`[Wed May 21 10:59:00 2025 <    0.000000>] ${BANNER}`, `[Wed May 21 10:59:03 2025 <    3.044198>] ${DEFER0}`));
    const b = f.boots[0];
    assert.deepEqual(f.input.timestamps, ['relative', 'wallclock']);
    assert.equal(b.wallClock, 'Wed May 21 10:59:00 2025');
    assert.deepEqual(b.deferredInit.map((d) => [d.node, d.t]), [[0, 3.044198]]);
  });

  it('journalctl -o short-full and -o short-unix: wall-clock prefixes', () => {
    const full = read(lines(`Wed 2025-05-21 10:59:23 UTC host kernel: ${BANNER}`, `Wed 2025-05-21 10:59:23 CEST host kernel: ${DEFER0}`, `Wed 2025-05-21 10:59:24 +03 host kernel: ${DEFER1}`));
    assert.equal(full.boots.length, 1);
    assert.deepEqual(full.input.prefixes, ['journal-full']);
    assert.equal(full.boots[0].wallClock, 'Wed 2025-05-21 10:59:23 UTC');
    assert.deepEqual(full.boots[0].deferredInit.map((d) => [d.node, d.t]), [[0, null], [1, null]]);
    const unix = read(lines(`1747825163.311954 host kernel: ${BANNER}`, `1747825166.311954 host kernel: [    3.044198] ${DEFER0}`));
    assert.equal(unix.boots.length, 1);
    assert.deepEqual(unix.input.prefixes, ['journal-unix']);
    assert.equal(unix.boots[0].wallClock, '2025-05-21T10:59:23.311Z');
    assert.deepEqual(unix.boots[0].deferredInit.map((d) => [d.node, d.t]), [[0, 3.044198]], 'the kernel stamp after the prefix still counts');
  });
});

describe('lsmem pasted after the kernel log', () => {
  it('"Memory block size:" of lsmem is not the kernel\'s once-per-boot line: one boot', () => {
    const b = one(
      lines(
        `[    0.000000] ${BANNER}`,
        '[    3.068230] x86/mm: Memory block size: 2048MB',
        'RANGE                                  SIZE  STATE REMOVABLE BLOCK  ZONES NODE',
        '0x0000000000000000-0x000000007fffffff   2G online       yes     0   None    0',
        'Memory block size:         2G',
        'Total online memory:       2G',
      ),
    );
    assert.equal(b.memoryBlockBytes, 2 * 1024 ** 3);
    assert.equal(b.memoryBlockLine, 2);
    assert.equal(b.lsmem?.blockSizeBytes, 2 * 1024 ** 3);
  });
});

describe('hard-wrapped messages', () => {
  it('a wrapped command line, DMI and banner take their continuation lines (mail quoting, syslog)', () => {
    // Wrapped as a mailer does, at 72-80 columns (a line that with the next word fits in 64 was not wrapped:
    // trace-review.test.ts).
    const b = one(
      lines(
        '> [    0.000000] Linux version 6.1.0-34-amd64 (debian-kernel@lists.debian.org)',
        '> (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian)',
        '> 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.135-1 (2025-04-25)',
        '> [    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz-6.1.0-34-amd64',
        '> root=/dev/mapper/vg0-root ro hugetlb_free_vmemmap=on hugepagesz=1G',
        '> hugepages=0:64,1:0',
        '> [    0.000000] DMI: Supermicro SYS-120C-TN10R/X12DDW-A6, BIOS 1.9',
        '> 01/11/2024',
        `> [    3.044198] ${DEFER0}`,
      ),
    );
    assert.equal(b.commandLine, 'BOOT_IMAGE=/boot/vmlinuz-6.1.0-34-amd64 root=/dev/mapper/vg0-root ro hugetlb_free_vmemmap=on hugepagesz=1G hugepages=0:64,1:0');
    assert.equal(b.commandLineLine, 4);
    assert.equal(b.machine, 'Supermicro SYS-120C-TN10R/X12DDW-A6, BIOS 1.9 01/11/2024');
    assert.equal(b.kernel?.distroVersion, '6.1.135-1');
    const s = one(lines('May 21 10:59:23 host kernel: Command line:', 'BOOT_IMAGE=/boot/vmlinuz-6.1.0-34-amd64 ro quiet', `May 21 10:59:23 host kernel: ${DEFER0}`));
    assert.equal(s.commandLine, 'BOOT_IMAGE=/boot/vmlinuz-6.1.0-34-amd64 ro quiet');
  });

  it('never glues the next message, another quote level, or lines of a log without stamps', () => {
    const b = one(lines('[    0.000000] Command line: ro quiet', '[    0.000001] DMI: QEMU', `[    3.044198] ${DEFER0}`));
    assert.deepEqual([b.commandLine, b.machine], ['ro quiet', 'QEMU']);
    const q = one(lines('> [    0.000000] Command line: ro quiet', 'What the reply says.', `> [    3.044198] ${DEFER0}`));
    assert.equal(q.commandLine, 'ro quiet');
    const m = one(lines('[    0.000000] Command line: ro quiet', 'x86/fpu: Supporting XSAVE feature 0x001', `[    3.044198] ${DEFER0}`));
    assert.equal(m.commandLine, 'ro quiet', 'a message of its own is not a continuation');
    const t = one(lines('Command line: ro quiet', 'microcode: updated early', DEFER0));
    assert.equal(t.commandLine, 'ro quiet', 'without stamps a wrapped tail cannot be told from the next message');
  });

  it('a zone line cut after its name or "[mem" waits for its rest; the block goes on after it', () => {
    const b = one(
      lines(
        '[    0.093177] Zone ranges:',
        '[    0.093178]   DMA      [mem',
        '0x0000000000001000-0x0000000000ffffff]',
        '[    0.093180]   DMA32',
        '[mem 0x0000000001000000-0x00000000ffffffff]',
        '[    0.093182]   Normal   [mem 0x0000000100000000-0x000000407fffffff]',
        '[    0.093184]   Device   empty',
        '[    0.093185] Movable zone start for each node',
      ),
    );
    assert.deepEqual(
      b.zones.map((z) => [z.zone, z.start, z.end, z.empty, z.line]),
      [
        ['DMA', 0x1000, 0xffffff, false, 2],
        ['DMA32', 0x1000000, 0xffffffff, false, 4],
        ['Normal', 0x100000000, 0x407fffffff, false, 6],
        ['Device', null, null, true, 7],
      ],
    );
    // A cut "zone" that gets no continuation ends the block as before.
    const c = one(lines('[    0.093177] Zone ranges:', '[    0.093178]   DMA      [mem 0x0000000000001000-0x0000000000ffffff]', '[    0.093179]   Normal', `[    3.044198] ${DEFER0}`));
    assert.deepEqual(c.zones.map((z) => z.zone), ['DMA']);
    assert.deepEqual(c.deferredInit.map((d) => d.node), [0]);
  });
});

describe('where a pasted second boot starts', () => {
  it('a heading right above the first stamp that went back belongs to the new boot', () => {
    const f = read(
      lines(
        '> Before:',
        '> [    4.350400] HugeTLB: allocation took 706ms with hugepage_allocation_threads=32',
        '> [    4.355608] HugeTLB: registered 2.00 MiB page size, pre-allocated 128074 pages',
        '> After:',
        '> [    3.561088] HugeTLB: two-phase hugepage allocation is used',
        '> [    4.281054] HugeTLB: registered 2.00 MiB page size, pre-allocated 128512 pages',
      ),
    );
    assert.deepEqual(f.boots.map((b) => [b.firstLine, b.lastLine]), [[1, 3], [4, 6]]);
  });

  it('so does one above a stamp reset, but not the lines of a log without stamps', () => {
    const f = read(lines(`[    0.000000] ${BANNER}`, `[    3.044198] ${DEFER0}`, 'AFTER', '-----', `[    0.000000] ${BANNER}`, `[    3.044198] ${DEFER0}`));
    assert.deepEqual(f.boots.map((b) => [b.boundary, b.firstLine, b.lastLine]), [['start-of-file', 1, 2], ['timestamp-reset', 3, 6]]);
    const n = read(lines(BANNER, DEFER0, 'x86/fpu: x', BANNER, DEFER0));
    assert.deepEqual(n.boots.map((b) => [b.boundary, b.firstLine, b.lastLine]), [['start-of-file', 1, 3], ['linux-version', 4, 5]]);
  });
});
