// The analyzer's number and text helpers (src/trace/numbers.ts, text.ts) take fast paths without regexes;
// these properties hold them to the plain regex definitions they replace.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { binarySize, intOrNull, tooLarge } from '../../src/trace/numbers';
import { analyzeText } from '../../src/trace/analyze';
import { KernelLogReader } from '../../src/trace/kernel-log';
import { bootSummary } from '../../src/trace/summary';
import { buildImport, readLogText } from '../../src/trace/import';
import { cleanText } from '../../src/trace/text';
import { KiB, MiB, GiB, TiB } from '../../src/config/units';

const UNIT: Record<string, number> = { '': 1, B: 1, K: KiB, M: MiB, G: GiB, T: TiB, P: 1024 * TiB };

/** binarySize as first written: regexes and split. */
function binarySizeByRegex(num: string, unit: string): number | null {
  const u = unit.trim().replace(/i?B$/i, '').toUpperCase();
  const mult = UNIT[u];
  if (mult === undefined || !/^\d+(\.\d+)?$/.test(num)) return null;
  const [i, f = ''] = num.split('.');
  const whole = Number(i) * mult;
  const frac = f ? Math.round((Number(f) / 10 ** f.length) * mult) : 0;
  const v = whole + frac;
  return Number.isSafeInteger(v) ? v : null;
}

/** cleanText as first written: decode, drop controls by regex, trim, cut. */
function cleanTextByRegex(bytes: string, max = 500): string {
  const uni = /[\x80-\xff]/.test(bytes) ? Buffer.from(bytes, 'latin1').toString('utf8') : bytes;
  // C0 but TAB and LF, DEL, C1, the line and paragraph separators, the bidi overrides and isolates.
  // eslint-disable-next-line no-control-regex
  let s = uni.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '').trim();
  if (s.length > max) s = s.slice(0, max - 1) + '\u2026';
  return s;
}

const latin1 = (chars: string) => fc.array(fc.constantFrom(...chars), { maxLength: 12 }).map((a) => a.join(''));

describe('trace number and text helpers', () => {
  it('binarySize: the kernel and lsmem spellings', () => {
    assert.equal(binarySize('2.00', 'MiB'), 2 * MiB);
    assert.equal(binarySize('16.0', ' GiB'), 16 * GiB);
    assert.equal(binarySize('2048', 'MB'), 2048 * MiB);
    assert.equal(binarySize('2', 'G'), 2 * GiB);
    assert.equal(binarySize('0', 'B'), 0);
    assert.equal(binarySize('1.5', 'K'), 1536);
    assert.equal(binarySize('1.', 'M'), null);
    assert.equal(binarySize('.5', 'M'), null);
    assert.equal(binarySize('1.2.3', 'M'), null);
    assert.equal(binarySize('12', 'XiB'), null);
    assert.equal(binarySize('99999999999', 'P'), null);
  });

  it('binarySize agrees with the regex definition on any digits, dots and unit letters', () => {
    fc.assert(
      fc.property(latin1('0123456789.. x'), latin1(' KMGTPBibkmgX\u00a0\t'), (num, unit) => {
        assert.equal(binarySize(num, unit), binarySizeByRegex(num, unit), `${JSON.stringify(num)} ${JSON.stringify(unit)}`);
      }),
      { numRuns: 3000 },
    );
  });

  it('cleanText agrees with the regex definition on ASCII, controls and UTF-8 bytes', () => {
    // Bytes of UTF-8 text among them: é (c3 a9), € (e2 82 ac), NEL (c2 85), U+2029 (e2 80 a9), RLO (e2 80 ae).
    const chars = 'ab Z09 \t\n\r\x00\x01\x1b\x7f\x80\x85\xa0\xa9\xae\xc2\xc3\xa9\xe2\x82\xac\xff';
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...chars), { maxLength: 40 }).map((a) => a.join('')), fc.integer({ min: 1, max: 30 }), (s, max) => {
        assert.equal(cleanText(s, max), cleanTextByRegex(s, max), JSON.stringify(s));
        assert.equal(cleanText(s), cleanTextByRegex(s), JSON.stringify(s));
      }),
      { numRuns: 3000 },
    );
    // The separators and the bidi controls are dropped wherever they are (they are JavaScript white space: trim() alone
    // would only drop them at the ends).
    assert.equal(cleanText('a\xe2\x80\xa9b \xe2\x80\xaec\xc2\x85d'), 'ab cd');
  });
});

describe('numbers above 2^53 - 1 in log values: reported, never dropped silently', () => {
  it('the parsers refuse them and say which (leading zeros are no overflow)', () => {
    tooLarge.text = null;
    assert.equal(intOrNull('9007199254740991'), 9007199254740991);
    assert.equal(tooLarge.text, null);
    assert.equal(intOrNull('00000000000000000042'), 42);
    assert.equal(tooLarge.text, null);
    assert.equal(intOrNull('9007199254740993'), null);
    assert.equal(tooLarge.text, '9007199254740993');
    tooLarge.text = null;
    assert.equal(binarySize('9999999', 'PiB'), null);
    assert.equal(tooLarge.text, '9999999 PiB');
    tooLarge.text = null;
  });

  it('a message with one is a per-boot warning with its line (numbersTooLarge), in JSON and in the summary', () => {
    const log = [
      '[    1.000000] memmap_init_zone_device initialised 9007199254740993 pages in 5ms',
      '[    1.100000] memmap_init_zone_device initialised 512 pages in 0ms',
      '[    1.200000] Memory hotplug will waste 99999999999999999 pages in each memory block',
      '[    1.300000] node 0 deferred pages initialised in 18446744073709551615ms',
    ].join('\n');
    for (const fastPath of [true, false]) {
      // The byte reader (fast path) and the general path alike.
      const r = new KernelLogReader({ fastPath });
      if (fastPath) r.pushBytes(Buffer.from(log, 'latin1'));
      else r.push(log);
      r.end();
      assert.equal(r.boots.length, 1, `fast path ${fastPath}`);
      const b = r.boots[0];
      assert.deepEqual(b.zoneDevice.map((z) => z.pages), [512], 'the line with the too-large count is not read as a rounded one');
      assert.deepEqual(b.deferredInit, []);
      assert.equal(b.hotplug[0].pages, null);
      assert.equal(b.factsDropped, 0);
      assert.deepEqual(
        b.numbersTooLarge.map((x) => [x.line, x.number, x.rule, x.kept]),
        [
          [1, '9007199254740993', 'zone-device', false],
          [3, '99999999999999999', 'memmap-on-memory-waste', true],
          [4, '18446744073709551615', 'deferred-init', false],
        ],
      );
      assert.equal(b.numbersTooLarge[0].text, 'memmap_init_zone_device initialised 9007199254740993 pages in 5ms');
      assert.equal(b.numbersTooLarge[0].t, 1);
      const s = bootSummary(b);
      assert.match(s, /warning: line 1: 9007199254740993 is above 2\^53 - 1, which a JSON number cannot hold exactly: message not read: "memmap_init_zone_device initialised 9007199254740993 pages in 5ms"/);
      assert.match(s, /warning: line 3: 99999999999999999 .*: read with that value left out \(null\)/);
    }
    // A log whose only memmap line has such a number still has a boot (not "0 boots, nothing found").
    const only = analyzeText('[    1.0] memmap_init_zone_device initialised 9007199254740993 pages in 5ms\n');
    assert.equal(only.boots.length, 1);
    assert.equal(only.boots[0].numbersTooLarge.length, 1);
    // Hard-wrapped by a mailer: reported once, at the message's first line.
    const wrapped = analyzeText('[    1.0] node 0 deferred pages\ninitialised in 18446744073709551615ms\n');
    assert.deepEqual(wrapped.boots[0].numbersTooLarge.map((x) => [x.line, x.rule]), [[1, 'deferred-init']]);
  });

  it('import notes them (and leaves a comment); the value is in no figure', () => {
    const text = [
      '[    0.000000] Early memory node ranges',
      '[    0.000000]   node   0: [mem 0x0000000000001000-0x000000007fffffff]',
      '[    1.000000] memmap_init_zone_device initialised 9007199254740993 pages in 5ms',
    ].join('\n');
    const lr = readLogText(text, 'big.log');
    assert.ok(lr.ok);
    const r = buildImport({ log: lr.log });
    assert.ok(r.ok);
    assert.ok(r.warnings.some((w) => /^log: line 3: 9007199254740993 is above 2\^53 - 1 .*the message was not read: "memmap_init_zone_device/.test(w)), r.warnings.join('\n'));
    assert.match(r.text, /# not imported: line 3: 9007199254740993 is above 2\^53 - 1/);
  });
});
