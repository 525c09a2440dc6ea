// The analyzer's number and text helpers (src/trace/numbers.ts, text.ts) take fast paths without regexes;
// these properties hold them to the plain regex definitions they replace.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { binarySize } from '../../src/trace/numbers';
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
  // eslint-disable-next-line no-control-regex
  let s = uni.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '').trim();
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
    const chars = 'ab Z09 \t\n\r\x00\x01\x1b\x7f\x80\xa0\xc3\xa9\xe2\x82\xac\xff';
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...chars), { maxLength: 40 }).map((a) => a.join('')), fc.integer({ min: 1, max: 30 }), (s, max) => {
        assert.equal(cleanText(s, max), cleanTextByRegex(s, max), JSON.stringify(s));
        assert.equal(cleanText(s), cleanTextByRegex(s), JSON.stringify(s));
      }),
      { numRuns: 3000 },
    );
  });
});
