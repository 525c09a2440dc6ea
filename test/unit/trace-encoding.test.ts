// UTF-16 logs (a PowerShell redirect: UTF-16LE with a byte order mark; also big endian, and little endian
// without a BOM, recognised by the NULs in every other byte of the start) read exactly as their UTF-8 copy:
// same boots, same facts, same line numbers; through every path (a file read in blocks of any size, the
// two-thread reader's size threshold, text in memory, import's second pass). UTF-8 input is never taken for
// UTF-16.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFile, analyzeFileWith, analyzeText } from '../../src/trace/analyze';
import { decodeText, utf16Of } from '../../src/trace/encoding';
import { runCli } from './cli-run';
import { corpusFile, corpusTexts } from './corpus';

const dir = mkdtempSync(join(tmpdir(), 'memmap-utf16-'));
const cli = (...argv: string[]) => runCli(dir, ...argv);

function utf16(text: string, enc: 'le' | 'be', bom: boolean): Buffer {
  const le = Buffer.from(text, 'utf16le');
  const body = enc === 'le' ? le : Buffer.from(le).swap16();
  return Buffer.concat([bom ? Buffer.from(enc === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]) : Buffer.alloc(0), body]);
}

function file(name: string, bytes: Buffer | string): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

describe('UTF-16 logs', () => {
  const log04 = corpusFile('04');
  const text04 = readFileSync(log04, 'utf8');
  const variants: Array<[string, 'le' | 'be', boolean, 'utf-16le' | 'utf-16be']> = [
    ['UTF-16LE with BOM (PowerShell 5 redirect)', 'le', true, 'utf-16le'],
    ['UTF-16BE with BOM', 'be', true, 'utf-16be'],
    ['UTF-16LE without BOM', 'le', false, 'utf-16le'],
    ['UTF-16BE without BOM', 'be', false, 'utf-16be'],
  ];

  it('are recognised from their first bytes; UTF-8, latin1 and binary-ish input is not', () => {
    for (const [, enc, bom, want] of variants) assert.equal(utf16Of(utf16(text04, enc, bom)), want);
    for (const t of corpusTexts()) assert.equal(utf16Of(Buffer.from(t, 'latin1')), null);
    assert.equal(utf16Of(Buffer.from('\xef\xbb\xbf[    0.0] Linux version 6.1\n', 'latin1')), null, 'UTF-8 BOM');
    assert.equal(utf16Of(Buffer.alloc(4096)), null, 'NUL padding (a syslog after a crash) is not UTF-16');
    assert.equal(utf16Of(Buffer.from('a')), null);
  });

  it('analyze exactly as the UTF-8 copy: boots, facts, lines; whatever the read size (code units split between reads)', async () => {
    const want = (await analyzeFile(log04)).boots;
    assert.equal(want.length, 1);
    for (const [name, enc, bom, encoding] of variants) {
      const p = file(`04-${enc}-${bom}.log`, utf16(text04, enc, bom));
      for (const chunkBytes of [undefined, 1001, 7]) {
        const got = await analyzeFile(p, { chunkBytes });
        assert.deepEqual(got.boots, want, `${name}, chunkBytes ${chunkBytes}`);
        assert.equal(got.input.encoding, encoding);
        assert.equal(got.sizeBytes, readFileSync(p).length);
      }
      // A file large enough for the two-thread reader is read by the transcoding one.
      assert.deepEqual((await analyzeFileWith(p, {}, { parallelFrom: 0 })).boots, want, `${name}, parallel threshold`);
    }
    assert.equal((await analyzeFile(log04)).input.encoding, null);
  });

  it('text in memory that is UTF-16 read as single bytes (NULs between the characters) is decoded too', () => {
    const asRead = utf16(text04, 'le', false).toString('latin1');
    const got = analyzeText(asRead);
    assert.equal(got.input.encoding, 'utf-16le');
    assert.deepEqual(got.boots, analyzeText(text04).boots);
  });

  it('the CLI: analyze finds the boot and says it decoded UTF-16; import quotes the lines (its second pass decodes too)', async () => {
    const p = file('dmesg-powershell.log', utf16(text04, 'le', true));
    const a = await cli('analyze', p);
    assert.equal(a.code, 0, a.err);
    assert.match(a.out, /boot 1 \(lines 1-138\): Linux 6\.1\.0-34-amd64/);
    assert.match(a.out, /1 boot \(UTF-16LE, decoded; /);
    assert.doesNotMatch(a.out, /no memmap-related kernel messages found/);
    const i = await cli('import', p);
    assert.equal(i.code, 0, i.err);
    const plain = await cli('import', log04);
    assert.equal(i.out.replace(/^# log: .*\n/m, ''), plain.out.replace(/^# log: .*\n/m, ''));
    assert.match(i.out, /version: "6\.1" # from line 3: "Linux version 6\.1\.0-34-amd64/);
  });

  it('ndctl / daxctl JSON and numactl -H saved as UTF-16 are read too', async () => {
    const ns = readFileSync(join(__dirname, '..', 'fixtures', 'import', 'ndctl-list-Nv.json'), 'utf8');
    const p = file('ndctl16.json', utf16(ns, 'le', true));
    assert.equal(decodeText(readFileSync(p)), ns);
    const r = await cli('import', p);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /name: namespace\d\.0/);
  });
});
