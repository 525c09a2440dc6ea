// Logs with CR-only line endings (classic Mac OS text, some serial-console captures) read exactly as their
// LF copy: same boots, same facts, same line numbers, through every path (a file read in blocks of any size,
// the two-thread reader's size threshold, text in memory, streams, UTF-16, import's second pass), and the
// quirk is reported. CRLF and LF input is never taken for CR-only.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFile, analyzeFileWith, analyzeStream, analyzeText } from '../../src/trace/analyze';
import { CR_ONLY_NOTE, CrToLf, crOnlyOf } from '../../src/trace/encoding';
import { recordPassFile, recordPassText } from '../../src/trace/import/records';
import type { AnalysisFile } from '../../src/trace/types';
import { runCli } from './cli-run';
import { corpusFile, corpusTexts } from './corpus';

const dir = mkdtempSync(join(tmpdir(), 'memmap-cr-'));
const cli = (...argv: string[]) => runCli(dir, ...argv);

function file(name: string, bytes: Buffer | string): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

const toCr = (text: string) => text.replace(/\r?\n/g, '\r');

/** What must not differ from the LF copy: everything but the path and the CR note and flag. */
function figures(f: AnalysisFile) {
  return { format: f.format, sizeBytes: f.sizeBytes, lines: f.lines, input: { ...f.input, crOnlyLineEndings: null }, boots: f.boots, bootsNotRetained: f.bootsNotRetained, warnings: f.warnings.filter((w) => w !== CR_ONLY_NOTE) };
}

/** Every message import's second pass reads, by line (crOnly: as analyze says the file is). */
function messagesOf(text: string, crOnly: boolean, quotedPrintable = false): Map<number, string> {
  return recordPassText(text, { first: 1, last: Infinity, quotedPrintable, crOnly, want: new Set(), onMessage: () => true });
}

describe('CR-only line endings', () => {
  const logs = ['01', '04', '13'].map((n) => ({ n, path: corpusFile(n), text: readFileSync(corpusFile(n), 'latin1') }));

  it('are recognised from the first bytes; LF, CRLF and the corpus logs are not', () => {
    assert.equal(crOnlyOf(Buffer.from('a\rb\r')), true);
    assert.equal(crOnlyOf('a\rb\r'), true);
    assert.equal(crOnlyOf(Buffer.from('a\r\nb\r\n')), false, 'CRLF');
    assert.equal(crOnlyOf(Buffer.from('a\nb\rc\n')), false, 'a stray CR in an LF file');
    assert.equal(crOnlyOf(Buffer.from('one line, no break')), false);
    assert.equal(crOnlyOf(Buffer.from('a\r')), false, 'a last CR whose next byte is unknown');
    assert.equal(crOnlyOf(Buffer.alloc(0)), false);
    for (const t of corpusTexts()) {
      assert.equal(crOnlyOf(Buffer.from(t, 'latin1')), false);
      assert.equal(crOnlyOf(Buffer.from(t.replace(/\r?\n/g, '\r\n'), 'latin1')), false);
    }
  });

  it('lone CRs become LFs whatever the chunks ("\\r\\n" kept, a CR at a chunk end waits for the next byte)', () => {
    const text = 'a\rb\r\nc\r\rd\r';
    const want = 'a\nb\r\nc\n\nd\n';
    for (let chunk = 1; chunk <= text.length; chunk++) {
      const tb = new CrToLf();
      const bytes: Buffer[] = [];
      for (let i = 0; i < text.length; i += chunk) bytes.push(tb.push(Buffer.from(text.slice(i, i + chunk), 'latin1')));
      bytes.push(tb.end());
      assert.equal(Buffer.concat(bytes).toString('latin1'), want, `chunk ${chunk}`);
    }
  });

  it('import\'s second pass reads them as the analyzer does when the analysis says so (file and text)', async () => {
    const { text } = logs[1];
    const qp = analyzeText(text).input.quotedPrintable;
    const want = messagesOf(text, false, qp);
    assert.ok(want.size > 20, String(want.size));
    const cr = toCr(text);
    assert.deepEqual(messagesOf(cr, true, qp), want);
    const p = file('04-pass-cr.log', Buffer.from(cr, 'latin1'));
    const texts = await recordPassFile(p, { first: 1, last: Infinity, quotedPrintable: qp, crOnly: true, want: new Set(), onMessage: () => true });
    assert.deepEqual(texts, want);
    // The lines it cites are the analyzer's: the CR-only copy's facts point at the same lines.
    const a = analyzeText(cr);
    assert.equal(a.input.crOnlyLineEndings, true);
    for (const d of a.boots[0].deferredInit) assert.match(want.get(d.line)!, /deferred pages initialised/);
    // A CRLF after the first 64 KiB of a CR-only text is one line break (its CR is the reader's to drop).
    const long = `${'[    1.000000] x\r'.repeat(5000)}[    2.000000] y\r\n[    3.000000] z\r`;
    const got = messagesOf(long, true);
    assert.equal(got.size, 5002);
    assert.equal(got.get(5001), 'y');
    assert.equal(got.get(5002), 'z');
    // Not CR-only: lines end at LFs only, a stray CR stays in its line (the kept text drops control characters).
    assert.deepEqual([...messagesOf('[    1.0] a\rb\n[    2.0] c\n', false).entries()], [[1, 'ab'], [2, 'c']]);
  });

  it('analyze exactly as the LF copy (every read size, the two-thread threshold, text, stream) and say so', async () => {
    for (const { n, path, text } of logs) {
      const want = figures(await analyzeFile(path));
      assert.ok(want.boots.length >= 1);
      const p = file(`${n}-cr.log`, Buffer.from(toCr(text), 'latin1'));
      for (const chunkBytes of [undefined, 1001, 7]) {
        const got = await analyzeFile(p, { chunkBytes });
        assert.deepEqual(figures(got), want, `${n}, chunkBytes ${chunkBytes}`);
        assert.deepEqual(got.warnings, [CR_ONLY_NOTE]);
        assert.equal(got.input.crOnlyLineEndings, true);
      }
      assert.deepEqual(figures(await analyzeFileWith(p, {}, { parallelFrom: 0 })), want, `${n}, parallel threshold`);
      assert.deepEqual(figures(analyzeText(toCr(text))), figures(analyzeText(text)), `${n}, text`);
      const bytes = Buffer.from(toCr(text), 'latin1');
      const parts = [3, 500, 4096].map((c) => Array.from({ length: Math.ceil(bytes.length / c) }, (_, i) => bytes.subarray(i * c, (i + 1) * c)));
      for (const chunks of parts) assert.deepEqual(figures(await analyzeStream(chunks)), want, `${n}, stream`);
      // CRLF reads as it always did: no note.
      const crlf = await analyzeFile(file(`${n}-crlf.log`, Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'latin1')));
      assert.deepEqual(crlf.boots, want.boots);
      assert.deepEqual(crlf.warnings, []);
      assert.equal(crlf.input.crOnlyLineEndings, false);
    }
  });

  it('UTF-16 with CR-only line endings reads as the LF copy too', async () => {
    const { path, text } = logs[1];
    const want = await analyzeFile(path);
    const p = file('04-cr-utf16.log', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(toCr(text), 'utf16le')]));
    const got = await analyzeFile(p);
    assert.deepEqual(got.boots, want.boots);
    assert.equal(got.lines, want.lines);
    assert.equal(got.input.encoding, 'utf-16le');
    assert.equal(got.input.crOnlyLineEndings, true);
    assert.deepEqual(got.warnings, [CR_ONLY_NOTE]);
  });

  it('the CLI: analyze finds the boots and notes the line endings (--json: warnings); import prints the LF copy\'s config', async () => {
    const { path, text } = logs[1];
    const p = file('dmesg-mac.log', Buffer.from(toCr(text), 'latin1'));
    const a = await cli('analyze', p);
    assert.equal(a.code, 0, a.err);
    assert.match(a.out, /boot 1 \(lines 1-138\): Linux 6\.1\.0-34-amd64/);
    assert.match(a.out, /138 lines, 1 boot \(CR-only line endings, each CR read as a line break; /);
    assert.doesNotMatch(a.out, /no memmap-related kernel messages found/);
    const j = await cli('analyze', '--json', p);
    assert.equal(j.code, 0, j.err);
    const doc = JSON.parse(j.out) as { files: AnalysisFile[] };
    assert.deepEqual(doc.files[0].warnings, [CR_ONLY_NOTE]);
    assert.equal(doc.files[0].input.crOnlyLineEndings, true);
    assert.equal(doc.files[0].boots.length, 1);
    const i = await cli('import', p);
    assert.equal(i.code, 0, i.err);
    const plain = await cli('import', path);
    const body = (s: string) => s.replace(/^# log: .*\n/m, '').replace(/^name: .*\n/m, '');
    assert.equal(body(i.out), body(plain.out));
    assert.match(i.out, /version: "6\.1" # from line 3: "Linux version 6\.1\.0-34-amd64/);
  });
});

describe('UTF-16: the CR-only decision does not depend on the chunk size (review)', () => {
  it('a lone CR before the first LF, 45,000 characters in: read the same with any chunk size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memmap-u16cr-'));
    const text = 'x'.repeat(20000) + '\r' + 'y'.repeat(25000) + '\n[    0.000000] Linux version 6.12.0 (b@h) #1 SMP\n[    0.100000] node 0 deferred pages initialised in 5ms\n';
    const p = join(dir, 'u16.log');
    writeFileSync(p, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const runs = await Promise.all([undefined, 65536, 4096].map((chunkBytes) => analyzeFile(p, { chunkBytes })));
    const shape = (f: AnalysisFile) => [f.lines, f.warnings.length, f.boots[0]?.kernel?.line, f.boots[0]?.deferredInit[0]?.ms];
    assert.deepEqual(runs.map(shape), [0, 1, 2].map(() => [3, 0, 2, 5]));
  });
});

describe('import says how it read the log', () => {
  it('a CR-only log and a UTF-16 log get an input note on standard error', async () => {
    const d = mkdtempSync(join(tmpdir(), 'memmap-import-input-'));
    const text = readFileSync(corpusFile('04'), 'latin1');
    writeFileSync(join(d, 'cr.log'), text.replace(/\r?\n/g, '\r'));
    writeFileSync(join(d, 'u16.log'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const cr = await runCli(d, 'import', 'cr.log', '-o', 'cr.memmap.yaml');
    assert.equal(cr.code, 0, cr.err);
    assert.match(cr.err, /note: input: line endings: carriage returns only/);
    const u16 = await runCli(d, 'import', 'u16.log', '-o', 'u16.memmap.yaml');
    assert.equal(u16.code, 0, u16.err);
    assert.match(u16.err, /note: input: the log is UTF-16LE: it was read transcoded to UTF-8/);
    const plain = await runCli(d, 'import', corpusFile('04'), '-o', 'plain.memmap.yaml');
    assert.doesNotMatch(plain.err, /note: input:/);
  });
});
