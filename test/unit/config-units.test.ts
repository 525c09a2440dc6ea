// Sizes and addresses as users write them (src/config/units.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatHex, formatHex18, GiB, KiB, MiB, parseAddress, parseSize, TiB } from '../../src/config/units';

function size(v: unknown): number {
  const r = parseSize(v);
  assert.ok(r.ok, `parseSize(${JSON.stringify(v)}) failed: ${r.ok ? '' : r.message}`);
  return r.value;
}

function sizeError(v: unknown): string {
  const r = parseSize(v);
  assert.ok(!r.ok, `parseSize(${JSON.stringify(v)}) should fail, got ${r.ok ? r.value : ''}`);
  return r.message;
}

describe('parseSize', () => {
  it('reads binary units, case-insensitive, with optional B / iB and spaces', () => {
    assert.equal(size('4K'), 4096);
    assert.equal(size('128m'), 128 * MiB);
    assert.equal(size('2GiB'), 2 * GiB);
    assert.equal(size('2gib'), 2 * GiB);
    assert.equal(size('512 MB'), 512 * MiB);
    assert.equal(size(' 1G '), GiB);
    assert.equal(size('100b'), 100);
    assert.equal(size('1P'), 1024 * TiB);
  });

  it('reads exact fractions of a unit', () => {
    assert.equal(size('1.5T'), 1649267441664);
    assert.equal(size('0.5K'), 512);
    assert.equal(size('.25M'), 256 * KiB);
    // More fraction digits than a double holds exactly.
    assert.equal(size('0.0036220550537109375M'), 3798);
    assert.equal(size('1.00000000000000000000T'), TiB);
  });

  it('reads integers, digit strings and hex strings', () => {
    assert.equal(size(0), 0);
    assert.equal(size(4096), 4096);
    assert.equal(size('4096'), 4096);
    assert.equal(size('0x3040000000'), 207232172032);
    assert.equal(size('0X200000'), 2 * MiB);
  });

  it('rejects fractions of a byte, unknown units, negatives and non-sizes', () => {
    assert.match(sizeError('0.3K'), /not a whole number of bytes/);
    assert.match(sizeError(1.5), /not a whole number of bytes/);
    assert.match(sizeError('12Q'), /unparsable size "12Q"/);
    assert.match(sizeError('iB'), /unparsable/);
    assert.match(sizeError('5iB'), /needs a unit/);
    assert.match(sizeError(-1), /non-negative/);
    assert.match(sizeError(true), /expected a size/);
    assert.match(sizeError(null), /expected a size/);
  });

  it('rejects values beyond 2^53 - 1', () => {
    assert.equal(size(Number.MAX_SAFE_INTEGER), 2 ** 53 - 1);
    assert.match(sizeError(2 ** 53), /beyond 2\^53/);
    assert.match(sizeError('8P'), /beyond 2\^53/);
    assert.match(sizeError('9007199254740992'), /beyond 2\^53/);
    assert.match(sizeError('0x20000000000000'), /beyond/);
    assert.match(sizeError('1E'), /beyond 2\^53/);
  });
});

describe('parseAddress', () => {
  it('reads integers, hex strings and size-like strings', () => {
    const addr = (v: unknown) => {
      const r = parseAddress(v);
      assert.ok(r.ok, String(v));
      return r.value;
    };
    assert.equal(addr(0x100000000), 0x100000000);
    assert.equal(addr('0x3040000000'), 0x3040000000);
    assert.equal(addr('4294967296'), 4294967296);
    assert.equal(addr('64G'), 0x1000000000);
  });

  it('rejects garbage and huge addresses', () => {
    const r1 = parseAddress('0xZZ');
    assert.ok(!r1.ok && /unparsable address/.test(r1.message));
    const r2 = parseAddress('0xffffffffffffffff');
    assert.ok(!r2.ok && /beyond/.test(r2.message));
    const r4 = parseAddress('0.3K');
    assert.ok(!r4.ok && /not a whole number of bytes/.test(r4.message));
    const r3 = parseAddress({});
    assert.ok(!r3.ok && /expected an address/.test(r3.message));
  });
});

describe('formatBytes / formatHex', () => {
  it('prints whole units exactly, others with two decimals', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(4096), '4 KiB');
    assert.equal(formatBytes(126 * MiB), '126 MiB');
    assert.equal(formatBytes(2 * GiB), '2 GiB');
    assert.equal(formatBytes(1.5 * TiB), '1.5 TiB');
    assert.equal(formatBytes(1.25 * GiB + 3 * MiB), '1283 MiB'); // exact in MiB beats a rounded GiB
    assert.equal(formatBytes(2 * GiB + 2 * MiB), '2050 MiB');
    assert.equal(formatBytes(2 * GiB - 1), '1.99 GiB');
    assert.equal(formatBytes(-2 * MiB), '-2 MiB');
  });

  it('prints addresses like the kernel', () => {
    assert.equal(formatHex(0x3040000000), '0x3040000000');
    assert.equal(formatHex(0), '0x0');
    assert.equal(formatHex18(0x100000000), '0x0000000100000000');
  });
});
