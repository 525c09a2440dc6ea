// Several boots in one file: where each boot starts and why.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText, analyzeStream } from '../../src/trace/analyze';
import type { Boot } from '../../src/trace/types';

const lines = (...l: string[]) => l.join('\n') + '\n';
const BANNER = (v: string) => `Linux version ${v} (builder@host) (gcc 12.2.0) #1 SMP PREEMPT_DYNAMIC`;
const summary = (boots: Boot[]) => boots.map((b) => ({ boundary: b.boundary, first: b.firstLine, last: b.lastLine, version: b.kernelVersion, deferred: b.deferredInit.map((d) => d.ms) }));

describe('boot segmentation', () => {
  it('a second "Linux version" banner starts a new boot', () => {
    const r = analyzeText(lines(
      `[    0.000000] ${BANNER('6.1.0')}`,
      '[    3.000000] node 0 deferred pages initialised in 56ms',
      '[    9.000000] reboot: Restarting system',
      `[    0.000000] ${BANNER('6.12.0')}`,
      '[    2.000000] node 0 deferred pages initialised in 40ms',
    ));
    assert.deepEqual(summary(r.boots), [
      { boundary: 'start-of-file', first: 1, last: 3, version: '6.1.0', deferred: [56] },
      { boundary: 'timestamp-reset', first: 4, last: 5, version: '6.12.0', deferred: [40] },
    ]);
  });

  it('banner without a timestamp reset (dmesg -t, relative stamps) still splits, and restarts the relative sum', () => {
    const r = analyzeText(lines(
      `[Jun21 23:09] ${BANNER('5.19.0')}`,
      '[  +2.000000] node 0 deferred pages initialised in 56ms',
      `[Jun21 23:15] ${BANNER('5.19.1')}`,
      '[  +1.500000] node 0 deferred pages initialised in 50ms',
    ));
    assert.deepEqual(summary(r.boots).map((b) => [b.boundary, b.version]), [['start-of-file', '5.19.0'], ['linux-version', '5.19.1']]);
    assert.deepEqual(r.boots.map((b) => b.deferredInit[0].t), [2, 1.5]);
    assert.deepEqual(r.boots.map((b) => b.wallClock), ['Jun21 23:09', 'Jun21 23:15']);
  });

  it('a stamp printed as 0.000000 after later stamps starts a new boot even without a banner', () => {
    const r = analyzeText(lines(
      '[    0.000000] Zone ranges:',
      '[    0.000000]   DMA      [mem 0x0000000000001000-0x0000000000ffffff]',
      '[    1.200000] node 0 deferred pages initialised in 30ms',
      '[    0.000000] Command line: ro quiet',
      '[    0.000000] Zone ranges:',
      '[    0.000000]   Normal   [mem 0x0000000100000000-0x000000107fffffff]',
    ));
    assert.deepEqual(summary(r.boots).map((b) => [b.boundary, b.first, b.last]), [['start-of-file', 1, 3], ['timestamp-reset', 4, 6]]);
    assert.deepEqual(r.boots.map((b) => b.zones.map((z) => z.zone)), [['DMA'], ['Normal']]);
  });

  it('lines before the banner at 0.000000 (arm64 "Booting Linux", microcode) belong to the same boot', () => {
    const r = analyzeText(lines(
      '[    0.000000] Booting Linux on physical CPU 0x0000080000 [0x481fd010]',
      '[    0.000000] microcode: microcode updated early to revision 0xd0003f5',
      `[    0.000000] ${BANNER('5.8.0')}`,
      '[    0.000000] Memory: 100K/200K available (1K kernel code, 2K reserved)',
    ));
    assert.equal(r.boots.length, 1);
    assert.equal(r.boots[0].kernelVersion, '5.8.0');
  });

  it('out-of-order stamps (other CPUs, syslog reordering) do not split a boot', () => {
    const r = analyzeText(lines(
      '[    1.337812] .... node  #1, CPUs:   #2',
      '[    0.060799] masked ExtINT on CPU#2',
      '[    1.357446] node 0 deferred pages initialised in 4ms',
      '[    1.376022] node 1 deferred pages initialised in 21ms',
      '[  178.082888] node 31 initialised, 7728877 pages in 1372ms',
      '[  178.080060] node 29 initialised, 7728877 pages in 1376ms',
    ));
    assert.equal(r.boots.length, 1);
    assert.deepEqual(r.boots[0].deferredInit.map((d) => d.node), [0, 1, 31, 29]);
  });

  it('a repeated once-per-boot message splits at the prose line before it ("Before:" / "After:")', () => {
    const r = analyzeText(lines(
      'There is a small regression:',
      'Before:',
      'node 1 initialised, 32471632 pages in 901ms',
      'After:',
      'node 1 initialised, 32471632 pages in 1128ms',
    ));
    assert.deepEqual(summary(r.boots), [
      { boundary: 'start-of-file', first: 1, last: 3, version: null, deferred: [901] },
      { boundary: 'repeated-fact', first: 4, last: 5, version: null, deferred: [1128] },
    ]);
  });

  it('... or at the message whose stamp went back, and takes the facts after that point along', () => {
    const r = analyzeText(lines(
      '[    4.350400] HugeTLB: allocation took 706ms with hugepage_allocation_threads=32',
      '[    4.355608] HugeTLB: registered 2.00 MiB page size, pre-allocated 128074 pages',
      '[    3.561088] HugeTLB: two-phase hugepage allocation is used',
      '[    4.280300] HugeTLB: allocation took 712ms with hugepage_allocation_threads=32',
      '[    4.281054] HugeTLB: registered 2.00 MiB page size, pre-allocated 128512 pages',
    ));
    assert.deepEqual(r.boots.map((b) => [b.boundary, b.firstLine, b.lastLine, b.hugetlbTwoPhase, b.hugetlbAllocations.map((a) => a.ms)]), [
      ['start-of-file', 1, 2, false, [706]],
      ['repeated-fact', 3, 5, true, [712]],
    ]);
  });

  it('the same node twice with nothing in between splits at the repeated line itself', () => {
    const r = analyzeText(lines('[    1.0] node 0 deferred pages initialised in 5ms', '[    2.0] node 0 deferred pages initialised in 6ms'));
    assert.deepEqual(r.boots.map((b) => [b.firstLine, b.lastLine]), [[1, 1], [2, 2]]);
  });

  it('journalctl -o json: a new _BOOT_ID is a new boot', () => {
    const j = (boot: string, mono: number, msg: string) => JSON.stringify({ _BOOT_ID: boot, __MONOTONIC_TIMESTAMP: String(mono), MESSAGE: msg });
    const r = analyzeText(lines(
      j('aaa', 3000000, 'node 0 deferred pages initialised in 56ms'),
      j('bbb', 5000000, 'Memory: 100K/200K available (1K kernel code, 2K reserved)'),
      j('bbb', 6000000, 'node 0 deferred pages initialised in 60ms'),
    ));
    assert.deepEqual(r.boots.map((b) => [b.boundary, b.deferredInit.map((d) => d.ms)]), [['start-of-file', [56]], ['journal-boot-id', [60]]]);
  });

  it('mail prose before the log and an excerpt without banner are one boot from the start of the file', () => {
    const r = analyzeText(lines('Hi,', 'I see this on boot:', '', '> [    3.0] node 0 deferred pages initialised in 56ms', '', 'Thanks'));
    assert.deepEqual(summary(r.boots), [{ boundary: 'start-of-file', first: 1, last: 6, version: null, deferred: [56] }]);
  });

  it('streaming in any chunk sizes gives the same boots, and onBoot sees each boot once, in order', async () => {
    const text = lines(
      `[    0.000000] ${BANNER('6.1.0')}`,
      '[    3.000000] node 0 deferred pages initialised in 56ms',
      `[    0.000000] ${BANNER('6.12.0')}`,
      '[    2.000000] node 0 deferred pages initialised in 40ms',
      `[    0.000000] ${BANNER('6.13.0')}`,
    );
    const whole = analyzeText(text);
    for (const size of [1, 7, 64]) {
      const seen: string[] = [];
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      const r = await analyzeStream(chunks, { onBoot: (b) => seen.push(String(b.kernelVersion)), retainBoots: 1 });
      assert.deepEqual(seen, ['6.1.0', '6.12.0', '6.13.0']);
      assert.equal(r.boots.length, 1);
      assert.equal(r.bootsNotRetained, 2);
      assert.deepEqual(r.boots[0], whole.boots[0]);
    }
  });
});

describe('bounded work: cancellation and limits', () => {
  it('an aborted signal stops analyzeText and analyzeStream with AnalysisCancelledError', async () => {
    const { AnalysisCancelledError } = await import('../../src/trace/cancel');
    const ac = new AbortController();
    ac.abort();
    assert.throws(() => analyzeText('[    1.0] node 0 deferred pages initialised in 5ms\n', { signal: ac.signal }), AnalysisCancelledError);
    // Cancelled between chunks, by a VS Code-style token.
    let pulled = 0;
    const token = { isCancellationRequested: false };
    function* chunks() {
      for (;;) {
        pulled++;
        if (pulled === 3) token.isCancellationRequested = true;
        yield '[    1.0] pci 0000:00:00.0: [8086:1237] type 00 class 0x060000\n'.repeat(100);
      }
    }
    await assert.rejects(analyzeStream(chunks(), { signal: token }), AnalysisCancelledError);
    assert.equal(pulled, 3);
  });

  it('a boot keeps at most 20000 facts and counts the rest', () => {
    const r = analyzeText('[    1.0] memmap_init_zone_device initialised 512 pages in 0ms\n'.repeat(20005));
    assert.equal(r.boots[0].zoneDevice.length, 20000);
    assert.equal(r.boots[0].factsDropped, 5);
  });

  it('a line longer than 1 MiB is cut, the lines after it are read', async () => {
    const long = 'x'.repeat(3 * 1024 * 1024);
    const text = `${long}\n[    1.0] node 0 deferred pages initialised in 5ms\n${long}`;
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 65536) chunks.push(text.slice(i, i + 65536));
    const r = await analyzeStream(chunks);
    assert.equal(r.input.longLinesCut, 2);
    assert.equal(r.lines, 3);
    assert.deepEqual(r.boots[0].deferredInit.map((d) => [d.node, d.line]), [[0, 2]]);
  });

  it('retainBoots: 0 with onBoot streams boots without keeping them', async () => {
    const text = Array.from({ length: 50 }, (_, i) => `[    0.000000] Linux version 6.${i}.0 (a@b) #1\n[    1.0] node 0 deferred pages initialised in ${i}ms\n`).join('');
    let n = 0;
    const r = await analyzeStream([text], { retainBoots: 0, onBoot: () => n++ });
    assert.equal(n, 50);
    assert.deepEqual(r.boots, []);
    assert.equal(r.bootsNotRetained, 50);
  });
});

describe('bounded memory on adversarial input', () => {
  it('distinct once-per-boot facts are capped like the others', () => {
    const text = Array.from({ length: 20010 }, (_, i) => `node ${i} deferred pages initialised in 1ms\n`).join('');
    const r = analyzeText(text);
    assert.equal(r.boots.length, 1);
    assert.equal(r.boots[0].deferredInit.length, 20000);
    assert.equal(r.boots[0].factsDropped, 10);
  });
});
