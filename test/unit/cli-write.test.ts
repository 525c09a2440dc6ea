// src/cli/write.ts: how every command writes its output files (check -o / --fix, simulate --trace, report -o,
// import -o, compare --calibrate): atomically, and on failure a message naming the path as the user gave
// it and why, never the temporary file and never an exception.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeErrorReason, writeOutput } from '../../src/cli/write';
import { runCli } from './cli-run';

const tmp = () => mkdtempSync(join(tmpdir(), 'memmap-write-'));
const errno = (code: string, message = `${code}: something, open '/x/.y.123.abcd.tmp'`) => Object.assign(new Error(message), { code });

describe('writeOutput', () => {
  it('writes a string or chunks, leaving no temporary file', () => {
    const dir = tmp();
    assert.deepEqual(writeOutput(join(dir, 'a.txt'), 'one'), { ok: true });
    assert.deepEqual(
      writeOutput(join(dir, 'b.txt'), (write) => {
        write('t');
        write('wo');
      }),
      { ok: true },
    );
    assert.deepEqual([readFileSync(join(dir, 'a.txt'), 'utf8'), readFileSync(join(dir, 'b.txt'), 'utf8')], ['one', 'two']);
    assert.deepEqual(readdirSync(dir).sort(), ['a.txt', 'b.txt']);
  });

  it('a long file name (255 bytes) is written: the temporary name is kept short', () => {
    const dir = tmp();
    const name = 'n'.repeat(255);
    assert.deepEqual(writeOutput(join(dir, name), 'x'), { ok: true });
    assert.deepEqual(readdirSync(dir), [name]);
  });

  it('replace: false never replaces a file (import -o without --force)', () => {
    const dir = tmp();
    const p = join(dir, 'm.memmap.yaml');
    assert.deepEqual(writeOutput(p, 'first', { replace: false, shown: 'm.memmap.yaml' }), { ok: true });
    assert.deepEqual(writeOutput(p, 'second', { replace: false, shown: 'm.memmap.yaml' }), { ok: false, message: 'm.memmap.yaml exists: use --force to replace it' });
    assert.equal(readFileSync(p, 'utf8'), 'first');
    assert.deepEqual(readdirSync(dir), ['m.memmap.yaml']);
  });

  it('a failure names the path as given and why, never the temporary file', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'notes.txt'), '');
    const cases: Array<[string, string]> = [
      ['out', 'cannot write out: is a directory'],
      ['missing/x.json', 'cannot write missing/x.json: no such directory missing'],
      ['missing/deeper/x.json', 'cannot write missing/deeper/x.json: no such directory missing'],
      ['./notes.txt/x.json', 'cannot write ./notes.txt/x.json: notes.txt is not a directory'],
    ];
    for (const [shown, message] of cases) {
      const r = writeOutput(join(dir, shown), 'x', { shown });
      assert.deepEqual(r, { ok: false, message });
      assert.doesNotMatch(message, /\.tmp|E[A-Z]+:/);
    }
    assert.deepEqual(readdirSync(dir).sort(), ['notes.txt', 'out']);
    assert.deepEqual(readdirSync(join(dir, 'out')), []);
  });

  it('an exception of the body itself (a bug, not the file system) is thrown, and the temporary file removed', () => {
    const dir = tmp();
    assert.throws(
      () =>
        writeOutput(join(dir, 't.json'), (write) => {
          write('{');
          throw new TypeError('a bug');
        }),
      /a bug/,
    );
    assert.deepEqual(readdirSync(dir), []);
  });

  it('reasons in words for the errors a write meets', () => {
    assert.equal(writeErrorReason(errno('EACCES'), '/x/y'), 'permission denied');
    assert.equal(writeErrorReason(errno('EPERM'), '/x/y'), 'permission denied');
    assert.equal(writeErrorReason(errno('EROFS'), '/x/y'), 'read-only file system');
    assert.equal(writeErrorReason(errno('ENOSPC'), '/x/y'), 'no space left on the device');
    assert.equal(writeErrorReason(errno('EISDIR'), '/x/y'), 'is a directory');
    // Anything else: the code and its words, without the (temporary) path.
    assert.equal(writeErrorReason(errno('EIO', "EIO: i/o error, open '/x/.y.123.abcd.tmp'"), '/x/y'), 'EIO: i/o error');
  });

  it('never writes over one of the command\'s inputs, under any name, even when replacing is allowed', () => {
    const dir = tmp();
    const input = join(dir, 'a.memmap.yaml');
    writeFileSync(input, 'name: a\n');
    symlinkSync(input, join(dir, 'link.yaml'));
    for (const target of [input, join(dir, 'link.yaml'), join(dir, '.', 'a.memmap.yaml')]) {
      const r = writeOutput(target, '<html>', { inputs: [input], shown: 'out' });
      assert.deepEqual(r, { ok: false, message: `cannot write out: it is an input of this command (${input}); choose another output file` });
    }
    assert.equal(readFileSync(input, 'utf8'), 'name: a\n');
    assert.deepEqual(writeOutput(join(dir, 'b.html'), '<html>', { inputs: [input] }), { ok: true });
  });
});

describe('the commands refuse to write over their own input', () => {
  const dir = tmp();
  const cfg = join(dir, 'a.memmap.yaml');
  const text = readFileSync(join(__dirname, '..', '..', 'examples', 'default.memmap.yaml'), 'utf8');
  for (const argv of [
    ['report', 'a.memmap.yaml', '-o', 'a.memmap.yaml'],
    ['simulate', 'a.memmap.yaml', '--trace', 'a.memmap.yaml'],
    ['check', 'a.memmap.yaml', '-o', './a.memmap.yaml'],
  ]) {
    it(argv.join(' '), async () => {
      writeFileSync(cfg, text);
      const r = await runCli(dir, ...argv);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, /cannot write .*a\.memmap\.yaml: it is an input of this command/);
      assert.equal(readFileSync(cfg, 'utf8'), text, 'the config is untouched');
    });
  }
});

