// The byte scanner (src/trace/scan.ts, the WebAssembly fast path over raw bytes) against the general path:
// whatever the input and however it is cut into blocks, reading bytes gives exactly what reading the
// same text line by line through the general path gives.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { analyzeFile, analyzeFileWith, detectFormat } from '../../src/trace/analyze';
import { AnalysisCancelledError } from '../../src/trace/cancel';
import { KernelLogReader } from '../../src/trace/kernel-log';
import { anchorProbes, createLineScanner, DATA, Out, ScanStatus } from '../../src/trace/scan';
import { ANYWHERE_RULES } from '../../src/trace/rules';
import { parseRecord, parseRecordGeneral, type PrefixQuirks } from '../../src/trace/prefix';
import { hexOrNull, intOrNull } from '../../src/trace/numbers';
import { generateLog } from '../../bench/gen-log';
import { createShared } from '../../src/trace/parallel';
import { corpusSlice, corpusTexts } from './corpus';

const RUNS = Number(process.env.TRACE_FUZZ_RUNS ?? 150);

function result(r: KernelLogReader): unknown {
  return JSON.parse(JSON.stringify({ boots: r.boots, lines: r.lines, input: r.inputQuirks() }));
}

/** Every line through the general path (string input, fast path off). */
function general(text: string): unknown {
  const r = new KernelLogReader({ fastPath: false });
  for (let i = 0; i < text.length; i += 4096) r.push(text.slice(i, i + 4096));
  r.end();
  return result(r);
}

/** Byte input with a scan window of `window` bytes, pushed in chunks of `chunk` bytes. */
function bytes(text: string, window?: number, chunk = 1 << 20): unknown {
  const r = new KernelLogReader({ windowBytes: window });
  const buf = Buffer.from(text, 'latin1');
  for (let i = 0; i < buf.length; i += chunk) r.pushBytes(buf.subarray(i, i + chunk));
  r.end();
  return result(r);
}

const texts = corpusTexts();
const slice = corpusSlice(texts);
const spliced = fc.array(
  fc.tuple(slice, fc.constantFrom('', '\n', '\r\n', '=\n', '> ', '[    0.000000] ', '\n\n', '=3D', '....\n', '\x1b[0m', '[    5.000000] ')).map(([a, b]) => a + b),
  { maxLength: 12 },
).map((p) => p.join(''));

/** Lines that exercise what the scanner decides: stamps of every shape, rule heads, anchors, blank lines,
 *  "=" at the end, ESC, journal prefixes, resets, call traces and bad pages with fillers in between. */
const LINE_POOL = [
  '[    0.000000] Linux version 6.1.0 (a@b) (gcc 12) #1 SMP',
  '[    0.000000] ACPI: RSDP 0x00000000000F05B0 000024 (v02 BOCHS )',
  '[    1.000000] ACPI: PM-Timer IO Port: 0x608',
  '[    2.500000] smpboot: CPU 3 Converting physical 7 to logical die 3',
  '[    3.000000] node 0 deferred pages initialised in 56ms',
  '[    3.100000] node  1: [mem 0x0000000100000000-0x000000107fffffff]',
  '[    3.200000]   node   1: [mem 0x0000000100000000-0x000000107fffffff]',
  '[    0.000000] Zone ranges:',
  '[    0.000000]   DMA      [mem 0x0000000000001000-0x0000000000ffffff]',
  '[    0.000000]   Normal   empty',
  '[    4.000000] Memory: 1852992K/268037724K available (16384K kernel code, 4369320K reserved)',
  '[    4.100000] Memory: 1852992K/268037724K available (16384K kernel code,',
  '4369320K reserved)',
  '[    5.000000] WARNING: CPU: 3 PID: 1 at mm/memremap.c:188 devm_memremap_pages+0x1a/0x40',
  '[    5.100000] BUG: Bad page state in process kworker/41:0  pfn:891066',
  '[    5.200000] page:00000000a1b2c3d4 refcount:0 mapcount:-1024 mapping:0000000000000000 index:0x0 pfn:0x891066',
  '[    5.300000] Call Trace:',
  '[    5.300001]  dump_stack+0x57/0x6a',
  '[    5.300002]  ? sparse_add_section+0x1a/0x40',
  '[    5.300003]  vmemmap_populate+0x10/0x20',
  '[    5.300004]  <TASK>',
  '[    5.400000] kworker/0:1: vmemmap alloc failure: order:9, mode:0x4cc0(GFP_KERNEL|__GFP_RETRY_MAYFAIL), nodemask=(null)',
  '[    5.500000] pci 0000:00:04.0: added peer-to-peer DMA memory 0xfd200000-0xfd3fffff',
  '[    5.600000] memmap_init_zone_device initialised 2063872 pages in 34ms',
  '[    5.700000] nd_pmem pfn1.0: namespace1.0 alignment collision, truncate 67108864 bytes',
  '[    6.000000] host kernel: node 2 deferred pages initialised in 5ms',
  '[    6.100000] host notkernel: x',
  '[    6.200000] [    T1] node 3 deferred pages initialised in 7ms',
  '[    6.300000][    T1] x',
  '[    6.400000] soft wrapped line that ends with =',
  '[    6.450000] Memor=\ny: 1852992K/268037724K available (16384K kernel code, 4369320K reserved)',
  '[    6.460000] soft break with an escape=\nab=3Dcd',
  '[    6.470000] node 9 deferred pages=20initialised in 5ms',
  '[    6.480000] =6Eode 7 deferred pages initialised in 5ms',
  'ab=3Dcd',
  '[    6.500000] with =3D an escape',
  '[    6.600000] \x1b[32mnode 4 deferred pages initialised in 9ms\x1b[0m',
  '[    6.700000]',
  '[    6.800000]    \t ',
  '[\t6.900000] node 5 deferred pages initialised in 5ms',
  '[1234567890123.5] node 6 deferred pages initialised in 5ms',
  '[123456789012.5] filler',
  '[    1.1234567890] filler',
  '[  +0.000002] node 7 deferred pages initialised in 5ms',
  '<6>[    7.000000] node 8 deferred pages initialised in 5ms',
  'May 21 10:59:23 host kernel: [    7.100000] x86/mm: Memory block size: 2048MB',
  '> [    7.200000] quoted filler',
  '....',
  '',
  '\r',
  '   ',
  'After:',
  '[    8.000000] x86/fpu: Supporting XSAVE feature 0x001',
  '[    9.000000] Ungültige Zeichen \xc3\xbc \xff',
  '[   10.000000] HugeTLB: 16380 KiB vmemmap can be freed for a 1.00 GiB page',
  '[   10.100000]   Node 1: 0x0000000100000000\t',
  '[   10.200000]   Node 2: 0x0000000200000000\xa0',
  '[   10.300000] x86/mm: Memory block size: 2048MB \x0b',
  '[<    0.000002>] node 7 deferred pages initialised in 5ms',
  '[Wed May 21 10:59:00 2025 <    0.000002>] node 7 deferred pages initialised in 5ms',
  'Wed 2025-05-21 10:59:23 UTC host kernel: node 2 deferred pages initialised in 5ms',
  '1747825163.311954 host kernel: [    7.300000] node 2 deferred pages initialised in 5ms',
  '[    0.000000] Command line: BOOT_IMAGE=/vmlinuz root=/dev/vda1',
  'hugetlb_free_vmemmap=on hugepages=0:4',
  '[    0.000000] DMI: QEMU Standard PC (i440FX + PIIX, 1996),',
  '[    0.000000]   DMA32    [mem',
  '0x0000000001000000-0x00000000ffffffff]',
  'Memory block size:         2G',
  '[    0.000000] DMI: Memory slots populated: 16/32',
  '[<   -0.000004>] node 1 deferred pages initialised in 21ms',
  '[Wed May 21 10:59:00 2025 <   -0.000004>] node 1 deferred pages initialised in 21ms',
  '[    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz-6.1.0-34-amd64 root=/dev/sda1 ro hugepagesz=1G',
  '[    8.447547] Hardware name: QEMU Standard PC (Q35 + ICH9, 2009), BIOS rel-1.13.0-0-gf21b5a4aeb0',
  'BIOS rel-1.14.0-0-g155821a1990b-prebuilt.qemu.org 04/01/2014',
  'Note: without hugetlb_free_vmemmap=on the boot is fine.',
  'with hugepages=64 instead, it fails as shown below.',
  'AFTER',
  '```',
  'Call Trace:',
  ' devm_memremap_pages+0x1/0x2',
  'kworker/0:1: vmemmap alloc failure: order:9, mode:0x4cc0(GFP_KERNEL), nodemask=(null)',
];
const FILLERS = ['[   11.000000] ACPI: filler', '[   11.500000] PM: hibernation: filler', '[    0.000000] early filler', '[   12.000000] audit: filler'];
const poolText = fc
  .array(fc.oneof(fc.constantFrom(...LINE_POOL), fc.tuple(fc.constantFrom(...FILLERS), fc.integer({ min: 1, max: 60 })).map(([l, n]) => Array(n).fill(l).join('\n'))), { maxLength: 40 })
  .chain((ls) => fc.constantFrom('\n', '\r\n').map((eol) => ls.join(eol) + eol));
/** A few pool lines alone: what one odd line does to an otherwise empty boot. */
const fewLines = fc.array(fc.constantFrom(...LINE_POOL, ...FILLERS), { minLength: 1, maxLength: 4 }).map((ls) => ls.join('\n') + '\n');

describe('byte scanner', () => {
  it('is available on this Node (WebAssembly SIMD)', () => {
    assert.ok(createLineScanner(1024), 'createLineScanner returned null: the byte path would fall back to strings');
  });

  it('stops at the lines the reader must see and counts the rest', () => {
    const sc = createLineScanner(4096)!;
    const text = '[    0.000000] a\n[    1.000000] ACPI: x\n\n[    2.5] foo\n[    3.0] node 0 deferred pages initialised in 5ms\n[ 4.0]   \n[5.0] abc kernel: z\n[6.0] x vmemmap alloc failure: order:9\n[7.0] vmemmap alloc fail\npartial';
    sc.bytes.set(Buffer.from(text, 'latin1'), DATA);
    const end = DATA + text.length;
    const lineAt = (at: number) => text.slice(at - DATA).split('\n')[0];
    const after = (at: number) => at + lineAt(at).length + 1;
    sc.out[Out.NonZero] = 0;
    let at = sc.scan(DATA, end, sc.outAt, 1e9);
    assert.equal(lineAt(at), '[    3.0] node 0 deferred pages initialised in 5ms');
    assert.deepEqual([...sc.out.subarray(0, 5)], [4, 3, 3, 1, ScanStatus.Line]);
    assert.equal(sc.out[Out.StopEnd], at + lineAt(at).length);
    assert.equal(sc.out[Out.Z1], DATA);
    assert.deepEqual([...sc.out.subarray(Out.Z1Lines, Out.Z1Counted + 1)], [0, 0, 0]);
    at = sc.scan(after(at), end, sc.outAt, 1e9);
    assert.equal(lineAt(at), '[5.0] abc kernel: z');
    assert.deepEqual([...sc.out.subarray(0, 5)], [1, 0, 1, 1, ScanStatus.Line]);
    at = sc.scan(after(at), end, sc.outAt, 1e9);
    assert.equal(lineAt(at), '[6.0] x vmemmap alloc failure: order:9');
    assert.deepEqual([...sc.out.subarray(0, 5)], [0, 0, 0, 1, ScanStatus.Byte]);
    at = sc.scan(after(at), end, sc.outAt, 1e9);
    assert.equal(text.slice(at - DATA), 'partial');
    assert.deepEqual([...sc.out.subarray(0, 5)], [1, 1, 1, 1, ScanStatus.NeedMore]);
    // A zero stamp after a non-zero one (a new boot) stops; in quoted-printable mode any "=" stops.
    sc.out[Out.NonZero] = 1;
    assert.equal(sc.scan(DATA, end, sc.outAt, 1e9), DATA);
    const qp = '[    1.0] a\n[    2.0] b=3Dc\n';
    sc.bytes.set(Buffer.from(qp, 'latin1'), DATA);
    assert.equal(sc.scanQp(DATA, DATA + qp.length, sc.outAt, 1e9) - DATA, qp.indexOf('[    2.0]'));
    assert.equal(sc.out[Out.Status], ScanStatus.Byte);
    assert.equal(sc.scan(DATA, DATA + qp.length, sc.outAt, 1e9) - DATA, qp.length);
  });

  it('the anchor probes find every anchor', () => {
    const check = (anchors: string[]) => {
      const probes = anchorProbes(anchors);
      anchors.forEach((a, k) => {
        const hits = probes.flatMap((p) => p.hits.filter((h) => h.anchor === k).map((h) => ({ p, at: h.at })));
        assert.ok(hits.length > 0, a);
        for (const { p, at } of hits) {
          assert.equal(a.charCodeAt(at), p.first, a);
          assert.equal(a.charCodeAt(at + p.dist), p.second, a);
        }
      });
    };
    check(ANYWHERE_RULES.map((r) => r.anchor));
    check(['abc', 'xyz']);
    check(['q', 'abcdefgh q']);
    check(['one anchor']);
  });

  it('bytes in any blocks read like the general path: corpus splices', () => {
    fc.assert(
      fc.property(spliced, fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 5000 }), (text, window, chunk) => {
        const want = general(text);
        assert.deepEqual(bytes(text), want);
        assert.deepEqual(bytes(text, window, chunk), want);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('bytes in any blocks read like the general path: scanner decisions, call traces and bad pages between fillers', () => {
    fc.assert(
      fc.property(poolText, fc.integer({ min: 1, max: 300 }), (text, window) => {
        const want = general(text);
        assert.deepEqual(bytes(text), want);
        assert.deepEqual(bytes(text, window, 777), want);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('bytes read like the general path: a few odd lines alone', () => {
    fc.assert(
      fc.property(fewLines, (text) => {
        assert.deepEqual(bytes(text), general(text));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('stamps of every shape: the scanner reads them as the general path does', () => {
    const digits = (n: number, zero: boolean) => fc.array(fc.constantFrom(...(zero ? '0' : '0123456789')), { minLength: n, maxLength: n }).map((d) => d.join(''));
    const stamp = fc
      .record({
        lead: fc.constantFrom('[', '[', '[', ' [', '<6>['),
        spaces: fc.constantFrom('', ' ', '    ', '\t', '  \t'),
        zero: fc.boolean(),
        ip: fc.integer({ min: 0, max: 14 }),
        dot: fc.constantFrom('.', '.', '.', ',', ''),
        fp: fc.integer({ min: 0, max: 11 }),
        close: fc.constantFrom(']', ']', ']', '] ', ']  ', '', ' ]', '][ T1] '),
        text: fc.constantFrom('', 'ACPI: x', 'node 0 deferred pages initialised in 5ms', 'x kernel: y', '  Normal zone: 5 pages used for memmap', '\t\tz'),
      })
      .chain((r) => fc.tuple(digits(r.ip, r.zero), digits(r.fp, r.zero)).map(([i, f]) => `${r.lead}${r.spaces}${i}${r.dot}${f}${r.close}${r.text}`));
    fc.assert(
      fc.property(fc.array(stamp, { minLength: 1, maxLength: 30 }), (ls) => {
        const text = ls.join('\n') + '\n';
        assert.deepEqual(bytes(text), general(text));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('an open report and a bad page count the dismissed lines after them', () => {
    const triggers = [
      '[    5.000000] WARNING: CPU: 3 PID: 1 at mm/memremap.c:188 devm_memremap_pages+0x1a/0x40',
      '[    5.100000] BUG: Bad page state in process kworker/41:0  pfn:891066',
      '[    5.400000] kworker/0:1: vmemmap alloc failure: order:9, mode:0x4cc0(GFP_KERNEL), nodemask=(null)',
    ];
    const frames = ['[    5.300000] Call Trace:', '[    5.300001]  vmemmap_populate+0x10/0x20', '[    5.300002]  sparse_add_section+0x1a/0x40', '[    5.300003] filler after'];
    const dump = '[    5.200000] page:00000000a1b2c3d4 refcount:0 mapcount:-1024 mapping:0000000000000000 index:0x0 pfn:0x891066';
    fc.assert(
      fc.property(fc.constantFrom(...triggers), fc.integer({ min: 0, max: 45 }), fc.constantFrom('\n', '\n\n'), fc.boolean(), (trigger, n, eol, bad) => {
        const fill = Array.from({ length: n }, (_, i) => `[   11.${String(i).padStart(6, '0')}] ACPI: filler ${i}`);
        const text = [trigger, ...fill, ...(bad ? [dump] : frames), ...fill.slice(0, 3)].join(eol) + eol;
        const want = general(text);
        assert.deepEqual(bytes(text), want);
        assert.deepEqual(bytes(text, 64, 100), want);
      }),
      { numRuns: RUNS },
    );
  });

  it('the whole corpus at once, and each file alone', () => {
    const all = texts.join('\n');
    assert.deepEqual(bytes(all), general(all));
    for (const t of texts) assert.deepEqual(bytes(t, 4096, 1000), general(t));
  });

  it('lines longer than the carry and than 1 MiB are read and cut as by the string path', () => {
    const long = 'x'.repeat(3 * 1024 * 1024);
    const text = `${long}\n[    1.0] node 0 deferred pages initialised in 5ms\n${'y'.repeat(100_000)}\n[    2.0] a\n${long}`;
    const want = general(text);
    assert.equal((want as { input: { longLinesCut: number } }).input.longLinesCut, 2);
    assert.deepEqual(bytes(text), want);
    assert.deepEqual(bytes(text, 1000, 65536), want);
  });

  it('a generated multi-boot log: analyzeFile (bytes, in place) equals the general path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memmap-scan-'));
    try {
      const file = join(dir, 'gen.log');
      await generateLog(file, 3_000_000, 7);
      const text = readFileSync(file, 'latin1');
      const r = await analyzeFile(file, { chunkBytes: 100_000 });
      const want = general(text) as { boots: unknown[]; lines: number; input: unknown };
      assert.ok(want.boots.length > 5);
      assert.deepEqual(JSON.parse(JSON.stringify({ boots: r.boots, lines: r.lines, input: r.input })), want);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('shortcuts of the general path', () => {
  const quirks = (): PrefixQuirks => ({ mailQuoted: false, absolute: false, relative: false, wallclock: false, prefixes: new Set() });
  const stampish = fc
    .tuple(
      fc.constantFrom('[', '[', ' [', '> [', '<6>[', ''),
      fc.constantFrom('', ' ', '    ', '\t', '+', '-'),
      fc.stringMatching(/^[0-9]{0,14}$/),
      fc.constantFrom('.', '.', ','),
      fc.stringMatching(/^[0-9]{0,11}$/),
      fc.constantFrom(']', '] ', ']  ', ' ]', '', '][    T1] ', '] [  C2] ', ' < 0.000010>] ', '] \x1b[0m'),
      fc.constantFrom('', 'x', 'ACPI: x  ', 'host kernel: y', 'host  kernel: y', 'a\tkernel: b', '  Normal zone: 5 pages', '\u00a0z'),
    )
    .map((parts) => parts.join(''));

  it('the plain stamped line shortcut gives what the prefix regexes give', () => {
    const corpusLines = texts.join('\n').split('\n').slice(0, 20000);
    const edges = ['[1234567890123.5] x', '[123456789012.5] x', '[    1.1234567890] x', '[1.123456789] x', '[1.] x', '[.5] x', '[    0.000000]', '[ 0.0]  \t ', '[1.5]kernel: x'];
    for (const raw of edges) {
      const q1 = quirks();
      const q2 = quirks();
      assert.deepEqual(parseRecord(raw, 5, q1), parseRecordGeneral(raw, 5, q2), raw);
      assert.deepEqual(q1, q2);
    }
    fc.assert(
      fc.property(fc.oneof(stampish, fc.constantFrom(...corpusLines)), fc.integer({ min: 1, max: 3 }), (raw, line) => {
        const q1 = quirks();
        const q2 = quirks();
        assert.deepEqual(parseRecord(raw, line, q1), parseRecordGeneral(raw, line, q2));
        assert.deepEqual(q1, q2);
      }),
      { numRuns: RUNS * 20 },
    );
  });

  it('hexOrNull and intOrNull give what the regex versions give', () => {
    const refHex = (s: string | undefined): number | null => {
      if (!s) return null;
      const h = s.startsWith('0x') || s.startsWith('0X') ? s.slice(2) : s.startsWith('#') ? s.slice(1) : s;
      if (!/^[0-9a-fA-F]{1,16}$/.test(h)) return null;
      const v = Number.parseInt(h, 16);
      return Number.isSafeInteger(v) ? v : null;
    };
    const refInt = (s: string | undefined): number | null => {
      if (s === undefined || !/^-?\d{1,16}$/.test(s)) return null;
      const v = Number(s);
      return Number.isSafeInteger(v) ? v : null;
    };
    const hexish = fc.tuple(fc.constantFrom('', '0x', '0X', '#', '0', 'x'), fc.stringMatching(/^[0-9a-fA-FxX#g -]{0,18}$/)).map(([a, b]) => a + b);
    const intish = fc.tuple(fc.constantFrom('', '-', '+', '--'), fc.stringMatching(/^[0-9a. -]{0,18}$/)).map(([a, b]) => a + b);
    const edges = ['1fffffffffffff', '20000000000000', '0x1fffffffffffff', '0x20000000000000', 'ffffffffffffffff', '9007199254740991', '9007199254740992', '-9007199254740991', '-0', '0', '', '0x', '#'];
    for (const e of edges) {
      assert.equal(hexOrNull(e), refHex(e), e);
      assert.equal(intOrNull(e), refInt(e), e);
    }
    assert.equal(hexOrNull(undefined), null);
    assert.equal(intOrNull(undefined), null);
    fc.assert(
      fc.property(fc.oneof(hexish, intish, fc.string({ maxLength: 20 })), (s) => {
        assert.equal(hexOrNull(s), refHex(s), s);
        assert.equal(intOrNull(s), refInt(s), s);
      }),
      { numRuns: RUNS * 20 },
    );
  });
});

describe('two threads (parallel.ts)', () => {
  const tiny = { block: 256, carry: 64, slots: 3, records: 6, runLines: 3 };
  const dir = mkdtempSync(join(tmpdir(), 'memmap-par-'));
  let n = 0;
  /** analyzeFile on two threads (forced, with the given layout) vs the general path on one. */
  async function same(text: string, layout = tiny): Promise<void> {
    const file = join(dir, `t${n++}.log`);
    writeFileSync(file, text, 'latin1');
    const r = await analyzeFileWith(file, {}, { parallelFrom: 0, layout, handOverAt: 0 });
    const got = JSON.parse(JSON.stringify({ boots: r.boots, lines: r.lines, input: r.input }));
    assert.deepEqual(got, general(text));
    assert.equal(r.sizeBytes, Buffer.byteLength(text, 'latin1'));
  }

  it('reads like the general path: corpus splices, odd lines, reports between fillers, tiny blocks', async () => {
    assert.ok(createShared(tiny), 'no shared WebAssembly memory here: analyzeFile would read on one thread');
    try {
      await fc.assert(
        fc.asyncProperty(fc.oneof(spliced, poolText, fewLines), async (text) => {
          if (detectFormat(text.slice(0, 65536)) !== 'kernel-log') return;
          await same(text);
        }),
        { numRuns: Math.max(20, Math.floor(RUNS / 3)) },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('long lines, a last line without "\\n", quoted-printable mode, the whole corpus', async () => {
    const d2 = mkdtempSync(join(tmpdir(), 'memmap-par-'));
    try {
      const long = 'x'.repeat(3 * 1024 * 1024);
      const cases = [
        `${long}\n[    1.0] node 0 deferred pages initialised in 5ms\n${'y'.repeat(1000)}\n[    2.0] a\n${long}`,
        `[    1.0] a\n${'z'.repeat(300)}`,
        `[    1.0] a\n[    0.000000] b\n[    2.0] c\n[    0.000000] d\n[    3.0] node 0 deferred pages initialised in 5ms\n`,
        // quoted-printable mode starts while the worker has scanned the lines after it without it
        `[    1.0] a\n[    6.4] soft break with an escape=\nab=3Dcd\n${'[    6.5] filler\n'.repeat(8)}[    6.6] =6Eode 9 deferred pages initialised in 5ms\n${'[    7.0] filler\n'.repeat(50)}`,
        texts.join('\n'),
        LINE_POOL.join('\n') + '\n',
        LINE_POOL.join('\r\n') + '\r\n',
      ];
      for (const text of cases) {
        const file = join(d2, 'c.log');
        writeFileSync(file, text, 'latin1');
        for (const layout of [tiny, { block: 4096, carry: 1024, slots: 2, records: 64, runLines: 16 }, undefined]) {
          const r = await analyzeFileWith(file, {}, { parallelFrom: 0, layout, handOverAt: 0 });
          assert.deepEqual(JSON.parse(JSON.stringify({ boots: r.boots, lines: r.lines, input: r.input })), general(text));
        }
      }
    } finally {
      rmSync(d2, { recursive: true, force: true });
    }
  });

  it('this thread reads the start, the worker the rest: handed over anywhere, also inside a long line', async () => {
    const d2 = mkdtempSync(join(tmpdir(), 'memmap-par-'));
    try {
      const long = 'x'.repeat(300 * 1024);
      const cases = [
        `${LINE_POOL.join('\n')}\n${long}\n${LINE_POOL.join('\n')}\n`.repeat(3),
        `[    1.0] a\n[    6.4] soft break with an escape=\nab=3Dcd\n${'[    6.5] filler\n'.repeat(30000)}[    6.6] =6Eode 9 deferred pages initialised in 5ms\n`,
      ];
      for (const text of cases) {
        const file = join(d2, 'h.log');
        writeFileSync(file, text, 'latin1');
        const want = general(text);
        const size = Buffer.byteLength(text, 'latin1');
        for (const handOverAt of [1, 256 * 1024, 300 * 1024, size >> 1, size - 1, size + 1]) {
          const r = await analyzeFileWith(file, {}, { parallelFrom: 0, layout: { block: 4096, carry: 1024, slots: 2, records: 64, runLines: 16 }, handOverAt });
          assert.deepEqual(JSON.parse(JSON.stringify({ boots: r.boots, lines: r.lines, input: r.input })), want, `handed over at ${handOverAt}`);
          assert.equal(r.sizeBytes, size);
        }
      }
    } finally {
      rmSync(d2, { recursive: true, force: true });
    }
  });

  it('a generated multi-boot log, with the default layout and a cramped one', async () => {
    const d2 = mkdtempSync(join(tmpdir(), 'memmap-par-'));
    try {
      const file = join(d2, 'gen.log');
      await generateLog(file, 4_000_000, 3);
      const want = general(readFileSync(file, 'latin1'));
      const cramped = { block: 8192, carry: 512, slots: 2, records: 32, runLines: 8 };
      // handOverAt undefined: as analyzeFile does it (this thread reads until the worker is up)
      for (const [layout, handOverAt] of [[undefined, undefined], [undefined, 0], [cramped, 0]] as const) {
        const seen: number[] = [];
        const r = await analyzeFileWith(file, { retainBoots: 2, onBoot: (b) => seen.push(b.index) }, { parallelFrom: 0, layout, handOverAt });
        const w = want as { boots: unknown[] };
        assert.deepEqual(seen, w.boots.map((_, i) => i));
        assert.equal(r.bootsNotRetained, w.boots.length - 2);
        assert.deepEqual(JSON.parse(JSON.stringify(r.boots)), w.boots.slice(0, 2));
      }
    } finally {
      rmSync(d2, { recursive: true, force: true });
    }
  });

  it('stops on cancellation and ends its worker', async () => {
    const d2 = mkdtempSync(join(tmpdir(), 'memmap-par-'));
    try {
      const file = join(d2, 'big.log');
      // More than YIELD_BYTES (analyze.ts): the reader lets the event loop in at least once.
      writeFileSync(file, '[    1.000000] ACPI: filler line\n'.repeat(600_000));
      const token = { isCancellationRequested: false };
      setTimeout(() => (token.isCancellationRequested = true), 5);
      await assert.rejects(analyzeFileWith(file, { signal: token }, { parallelFrom: 0, layout: { block: 4096, carry: 1024, slots: 2, records: 64, runLines: 16 }, handOverAt: 0 }), AnalysisCancelledError);
    } finally {
      rmSync(d2, { recursive: true, force: true });
    }
  });
});
