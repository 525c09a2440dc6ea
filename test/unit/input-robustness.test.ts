// Bad or pathological input gets a clear, located error: never a crash, a hang or a silently wrong value.
// ndctl JSON (size and nesting), the streaming JSON tokenizer of Chrome traces, and size strings.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNdctlJson } from '../../src/trace/import';
import { JsonTokenizer, type JsonHandler } from '../../src/trace/json-stream';
import { analyzeText } from '../../src/trace/analyze';
import { parseAddress, parseSize } from '../../src/config/units';
import { runCli } from './cli-run';

const FIX = join(__dirname, '..', 'fixtures', 'import');

function tmpFile(name: string, text: string): { dir: string; name: string } {
  const dir = mkdtempSync(join(tmpdir(), 'memmap-robust-'));
  writeFileSync(join(dir, name), text);
  return { dir, name };
}

function timed<T>(f: () => T): { value: T; ms: number } {
  const t = performance.now();
  const value = f();
  return { value, ms: performance.now() - t };
}

/** 1-based line and column by a plain scan (what the parser reported before it binary-searched). */
function naiveLineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}

describe('ndctl JSON: large files', () => {
  it('20,000 namespaces parse in linear time (the quadratic version took minutes)', { timeout: 30_000 }, () => {
    const n = 20_000;
    const text = '[' + Array.from({ length: n }, (_, i) => JSON.stringify({ dev: `namespace0.${i}`, mode: 'fsdax', size: '0x40000000' })).join(',\n') + ']';
    const { value: p, ms } = timed(() => parseNdctlJson(text));
    assert.deepEqual(p.errors, []);
    assert.equal(p.namespaces.length, n);
    assert.deepEqual([p.namespaces[n - 1].dev, p.namespaces[n - 1].line, p.namespaces[n - 1].column], [`namespace0.${n - 1}`, n, 1]);
    assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms`);
  });

  it('20,000 duplicate namespaces and dax devices: the first is kept, each other one skipped, in linear time', { timeout: 30_000 }, () => {
    const n = 20_000;
    const items = Array.from({ length: n }, (_, i) => (i % 2 ? { chardev: `dax1.${i % 7}`, mode: 'devdax', size: 4096 } : { dev: `namespace0.${i % 5}`, mode: 'fsdax', size: 4096 }));
    const { value: p, ms } = timed(() => parseNdctlJson(JSON.stringify(items)));
    assert.deepEqual(p.errors, []);
    assert.deepEqual([p.namespaces.length, p.daxDevices.length, p.skipped.length], [5, 7, n - 12]);
    assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms`);
  });

  it('locations are as before: fixtures, CRLF, BOM, errors deep in the file', () => {
    const texts = [
      readFileSync(join(FIX, 'ndctl-list-N.json'), 'utf8'),
      readFileSync(join(FIX, 'ndctl-list-Nv.json'), 'utf8'),
      JSON.stringify({ regions: [{ numa_node: 1, namespaces: [{ dev: 'namespace3.0', mode: 'raw', size: 1e9 }, { dev: 'namespace3.0', mode: 'raw', size: 1e9 }, { dev: 'namespace3.1', state: 'disabled' }] }] }, null, 2).replace(/\n/g, '\r\n'),
      '\ufeff[\n\n  {"dev":"namespace0.0",\n   "mode":"fsdax", "size": -1}]',
      '[\n {"dev":"namespace0.0",\n "mode":"fsdax", "size": 1}, \n {"dev": 1 ,,]',
    ];
    for (const text of texts) {
      const body = text.replace(/^\ufeff/, '');
      const p = parseNdctlJson(text);
      const located = [...p.namespaces, ...p.errors, ...p.skipped];
      assert.ok(located.length > 0);
      for (const x of located) {
        // Every reported position is that of a token of the text: find the offset, compare with a plain scan.
        const lines = body.split('\n');
        const offset = lines.slice(0, x.line - 1).reduce((s, l) => s + l.length + 1, 0) + x.column - 1;
        assert.deepEqual(naiveLineCol(body, offset), { line: x.line, column: x.column });
        assert.ok(x.column >= 1 && x.column <= lines[x.line - 1].length + 1, JSON.stringify(x));
      }
    }
    const n = parseNdctlJson(readFileSync(join(FIX, 'ndctl-list-Nv.json'), 'utf8'));
    assert.deepEqual(
      n.namespaces.map((x) => [x.dev, x.line, x.column]),
      [
        ['namespace1.0', 2, 3],
        ['namespace0.0', 15, 3],
      ],
    );
  });
});

describe('ndctl JSON: pathological input', () => {
  it('nesting deep enough to exhaust the stack: a located error, exit 2, no internal error', async () => {
    const d = 20_000;
    const deep = '[' + '{"a":'.repeat(d) + '1' + '}'.repeat(d) + ']';
    assert.deepEqual(parseNdctlJson(deep).errors, [{ line: 1, column: 1, message: 'JSON nested too deeply' }]);
    assert.deepEqual(parseNdctlJson('['.repeat(100_000) + ']'.repeat(100_000)).errors, [{ line: 1, column: 1, message: 'JSON nested too deeply' }]);
    const f = tmpFile('deep.json', deep);
    const r = await runCli(f.dir, 'import', f.name);
    assert.equal(r.code, 2, r.err);
    assert.equal(r.out, '');
    assert.equal(r.err, 'memmap-lab import: deep.json:1:1: JSON nested too deeply\n');
  });

  it('moderate nesting still reads', () => {
    const p = parseNdctlJson('{"x":' + '[{"a":'.repeat(200) + '1' + '}]'.repeat(200) + ',"namespaces":[{"dev":"namespace0.0","mode":"fsdax","size":4096}]}');
    assert.deepEqual(p.errors, []);
    assert.equal(p.namespaces.length, 1);
  });

  it('a number that is not a byte count is quoted as written, not as JSON.stringify shows its double', () => {
    const msg = (t: string) => parseNdctlJson(t).errors.map((e) => `${e.line}:${e.column}: ${e.message}`);
    // The error is at the value: column of `token` in `t`.
    const at = (t: string, token: string, m: string) => assert.deepEqual(msg(t), [`1:${t.lastIndexOf(token) + 1}: ${m}`]);
    at('{"dev":"namespace0.0","mode":"devdax","size":1e400}', '1e400', 'namespace0.0: "size" 1e400 is not a byte count');
    at('{"dev":"namespace0.0","mode":"devdax","size":-1E+400}', '-1E+400', 'namespace0.0: "size" -1E+400 is not a byte count');
    at('{"dev":"namespace0.0","mode":"devdax","size":1e-400}', '1e-400', 'namespace0.0: "size" 1e-400 is not a byte count');
    at('{"dev":"namespace0.0","mode":"devdax","size":4096,"align":1e999}', '1e999', 'namespace0.0: "align" 1e999 is not a byte count');
    at('{"dev":"namespace0.0","mode":"devdax","size":4096,"resource":12345678901234567890}', '12345678901234567890', 'namespace0.0: "resource" 12345678901234567890 is not an address');
    at('{"chardev":"dax0.0","mode":"devdax","size":1e400}', '1e400', 'dax0.0: "size" 1e400 is not a byte count');
    // A repeated key: the value read is the last one, and so is the one quoted and located.
    at('{"dev":"namespace0.0","mode":"devdax","size":4096,"size":1e400}', '1e400', 'namespace0.0: "size" 1e400 is not a byte count');
    // Strings as before; a huge number token is cut.
    at('{"dev":"namespace0.0","mode":"devdax","size":"12x"}', '"12x"', 'namespace0.0: "size" "12x" is not a byte count');
    const [long] = msg(`{"dev":"namespace0.0","mode":"devdax","size":1${'0'.repeat(5000)}}`);
    assert.ok(long.length < 120 && long.includes('"size" 1000') && long.includes('…'), long);
  });
});

class Collect implements JsonHandler {
  values: unknown[] = [];
  startObject(): void {}
  endObject(): void {}
  startArray(): void {}
  endArray(): void {}
  key(): void {}
  value(v: string | number | boolean | null): void {
    this.values.push(v);
  }
}

describe('streaming JSON tokenizer: the first bad number or literal is the error', () => {
  const first = (text: string, chunk = text.length) => {
    const t = new JsonTokenizer(new Collect());
    for (let i = 0; i < text.length; i += chunk) t.push(text.slice(i, i + chunk));
    t.end();
    return { error: t.error, at: t.position, failed: t.failed };
  };

  it('a malformed number, an over-long number, a bad literal: reported at its own offset, in any chunking', () => {
    const long = '9'.repeat(1025);
    const cases: Array<[string, string, string]> = [
      [`{"ph":"X","ts":${long},"dur":1}`, long, 'number longer than 1024 characters'],
      [`[1, 2, -${long}]`, `-${long}`, 'number longer than 1024 characters'],
      ['[1, 01, 2]', '01', 'bad number "01"'],
      ['[1, 1.2.3 ]', '1.2.3', 'bad number "1.2.3"'],
      ['{"a":nul,"b":1}', 'nul', 'bad literal "nul"'],
      ['{"a":[truth]}', 'truth', 'bad literal "truth"'],
      ['[1.e5', '1.e5', 'bad number "1.e5"'],
      ['[nul', 'nul', 'bad literal "nul"'],
    ];
    for (const [text, token, error] of cases) {
      for (const chunk of [text.length, 1, 2, 3, 7]) {
        const r = first(text, chunk);
        assert.deepEqual(r, { error, at: text.indexOf(token), failed: true }, `${text.slice(0, 40)} in chunks of ${chunk}`);
      }
    }
  });

  it('a number out of a double\'s range is read as JSON.parse reads it (Infinity), not an error', () => {
    for (const text of ['[1e400, -1e999]', '{"a":1e400}', '[1e400']) {
      const c = new Collect();
      const t = new JsonTokenizer(c);
      t.push(text);
      t.end();
      assert.equal(t.failed, false, text);
      assert.deepEqual(c.values, text === '[1e400, -1e999]' ? [Infinity, -Infinity] : [Infinity], text);
    }
  });

  it('Chrome trace: "ts":1e400 is not a time: that event is skipped and counted, the rest is read', () => {
    const text = '{"traceEvents":[{"name":"a","ph":"X","ts":0,"dur":1},{"name":"b","ph":"X","ts":1e400,"dur":1},{"name":"c","ph":"X","ts":2,"dur":1}]}';
    const r = analyzeText(text);
    assert.equal(r.chromeTrace?.events, 3);
    assert.deepEqual(r.chromeTrace?.spans.map((s) => s.name).sort(), ['a', 'c']);
    assert.equal(r.chromeTrace?.truncatedAt, null);
    assert.deepEqual(r.warnings, [`events with a missing or invalid "ts" (not a number): 1 skipped, the first at byte ${text.indexOf('{"name":"b"')}`]);
  });
});

describe('sizes and addresses: long strings', () => {
  const spaced = '1' + ' '.repeat(50_000) + 'x';

  it('"1" + 50,000 spaces + "x" is refused at once (the backtracking regex took seconds)', { timeout: 30_000 }, () => {
    const s = timed(() => parseSize(spaced));
    assert.ok(!s.value.ok && /^unparsable size "1 +…": use bytes or a number with a binary unit/.test(s.value.message), s.value.ok ? '' : s.value.message);
    const a = timed(() => parseAddress(spaced));
    assert.ok(!a.value.ok && /^unparsable address "1 +…": use an integer or a hex string/.test(a.value.message), a.value.ok ? '' : a.value.message);
    // Shorter than the limit but still many blanks between the number and its unit: linear too.
    const b = timed(() => parseSize(' '.repeat(50_000) + '1' + ' '.repeat(60) + 'x' + ' '.repeat(50_000)));
    assert.ok(!b.value.ok && /^unparsable size/.test(b.value.message));
    assert.ok(s.ms + a.ms + b.ms < 200, `took ${(s.ms + a.ms + b.ms).toFixed(0)} ms`);
  });

  it('over-long size strings are refused; padding around a short one is not counted', () => {
    const long = '1.' + '0'.repeat(70) + 'K';
    const r = parseSize(long);
    assert.ok(!r.ok && /^unparsable size "1\.0+…": longer than 64 characters; use bytes/.test(r.message), r.ok ? '' : r.message);
    // Also as an address: a size-like string gets the size's reason.
    assert.deepEqual(parseAddress(long), r);
    // 64 characters is still read.
    assert.deepEqual(parseSize('1.' + '0'.repeat(61) + 'K'), { ok: true, value: 1024 });
    const p = parseSize(' '.repeat(100) + '4K\t\n');
    assert.deepEqual(p, { ok: true, value: 4096 });
    assert.deepEqual(parseAddress(' '.repeat(100) + '64G '), { ok: true, value: 0x1000000000 });
    assert.deepEqual(parseSize('1.00000000000000000000T'), { ok: true, value: 1024 ** 4 });
    assert.deepEqual(parseSize('512 MB'), { ok: true, value: 512 * 1024 ** 2 });
    // Long hex and digit strings keep their own reason.
    assert.match((parseSize('0x' + 'f'.repeat(80)) as { message: string }).message, /beyond/);
    assert.match((parseAddress('9'.repeat(80)) as { message: string }).message, /beyond 2\^53/);
  });
});

describe('the config loader on a 50,000-character size (the JSON schema\'s size pattern included)', () => {
  it('answers with a located error in well under 2 s (7 s when the schema pattern backtracked)', async () => {
    const { loadConfigText } = await import('../../src/config/load');
    const text = readFileSync(join(__dirname, '..', '..', 'examples', 'default.memmap.yaml'), 'utf8').replace('size: 1.5T', `size: "1${' '.repeat(50000)}x"`);
    const t0 = performance.now();
    const r = loadConfigText(text, 'p.memmap.yaml');
    const ms = performance.now() - t0;
    assert.ok(ms < 2000, `${ms.toFixed(0)} ms`);
    assert.ok(r.errors.some((e) => /size: unparsable size/.test(e.message)), r.errors.map((e) => e.message).join('\n'));
  });
});

describe('ndctl JSON: a numa_node or target_node that is not a node number is an error, not "no node"', () => {
  for (const [raw, shown] of [['1e400', '1e400'], ['"1"', '"1"'], ['-1', '-1'], ['1.5', '1.5']]) {
    it(`numa_node ${raw}`, () => {
      const text = `[\n  {"dev":"namespace0.0","mode":"fsdax","size":1073741824,\n   "numa_node":${raw}}\n]\n`;
      const r = parseNdctlJson(text);
      assert.deepEqual(r.errors.map((e) => [e.line, e.message]), [[3, `namespace0.0: "numa_node" ${shown} is not a node number (ndctl prints a non-negative integer)`]]);
    });
  }
  it('a valid one is taken, on the namespace or inherited from its region', () => {
    const r = parseNdctlJson('[{"dev":"region0","numa_node":1,"namespaces":[{"dev":"namespace0.0","mode":"fsdax","size":1073741824}]}]');
    assert.deepEqual(r.errors, []);
    assert.equal(r.namespaces[0].numaNode, 1);
  });
});
