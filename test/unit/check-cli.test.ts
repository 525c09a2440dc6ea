// memmap-lab check: text/JSON output, exit codes, bad input with located messages, --fix writing files
// atomically, --severity, --output.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import type { Io } from '../../src/cli/io';
import type { JsonReport } from '../../src/check/report';
import { writeOutput } from '../../src/cli/write';
import { fixAllApplies } from '../../src/check/index';
import { parse as parseJsonc } from 'jsonc-parser';

const ROOT = join(__dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'check');

async function run(args: string[], cwd = ROOT): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), cwd };
  const code = await main(['check', ...args], io);
  return { code, out, err };
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'memmap-check-'));
}

const CLEAN = 'arch: x86_64\nnodes:\n  - id: 0\n    ranges:\n      - { start: 0x100000000, size: 16G }\n';
const BROKEN = CLEAN + 'devices:\n  - name: namespace0.0\n    start: 0x1000200000\n    size: 16G\n';

describe('memmap-lab check', () => {
  it('examples/ are clean: exit 0', async () => {
    const r = await run(['examples/']);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /checked 7 files: 0 errors, /);
  });

  it('text: file:line:column: severity MMnnn message, kernel text, fix, summary; exit 1 on errors', async () => {
    const r = await run(['test/fixtures/check/optane-2m-start.memmap.yaml']);
    assert.equal(r.code, 1);
    const lines = r.out.split('\n');
    assert.ok(lines.includes('test/fixtures/check/optane-2m-start.memmap.yaml:17:12: error MM023 namespace namespace0.0 starts at 0x3043200000, 2 MiB past a 16 MiB boundary: ndctl create-namespace refuses fsdax namespaces not aligned to 16 MiB (unless --force)'), r.out);
    assert.ok(lines.includes('    kernel: namespace0.0 misaligned to 16M, adjust region alignment and retry'));
    assert.ok(lines.includes('    fix: Start at 0x3044000000, size 131056 MiB'));
    assert.match(r.out, /^test\/fixtures\/check\/optane-2m-start\.memmap\.yaml:17:12: warning MM004 start 0x3043200000 is 2 MiB aligned but not 128 MiB/m);
    assert.equal(lines[lines.length - 2], 'checked 1 file: 1 error, 1 warning, 0 infos');
  });

  it('--severity error hides warnings, the exit code still counts errors', async () => {
    const r = await run(['--severity', 'error', 'test/fixtures/check/optane-2m-start.memmap.yaml']);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.out, /MM004/);
    const w = await run(['--severity=error', 'test/fixtures/check/cxl-kmem-6.1.memmap.yaml']);
    assert.equal(w.code, 0);
    assert.match(w.out, /0 errors, 0 warnings/);
  });

  it('folders are walked for *.memmap.{json,yaml,yml}; JSON output is the documented document', async () => {
    const r = await run(['--format', 'json', 'test/fixtures/check']);
    assert.equal(r.code, 1);
    const j = JSON.parse(r.out) as JsonReport;
    assert.equal(j.schemaVersion, 1);
    assert.equal(j.tool.name, 'memmap-lab');
    assert.equal(j.files.length, readdirSync(FIXTURES).filter((f) => /\.memmap\./.test(f)).length);
    assert.ok(j.files.every((f) => f.file.startsWith('test/fixtures/check/') && f.status === 'checked'));
    const f = j.files.find((x) => x.file.endsWith('namespace-collision.memmap.yaml'))!.findings.find((x) => x.rule === 'MM033')!;
    assert.deepEqual(
      { rule: f.rule, slug: f.slug, severity: f.severity, path: f.path, kernelText: f.kernelText, line: f.location.line, column: f.location.column, scenario: f.scenario },
      { rule: 'MM033', slug: 'device-overlap', severity: 'error', path: 'devices[1].start', kernelText: 'Conflicting mapping in same section', line: 21, column: 12, scenario: null },
    );
    assert.equal(f.related[0].path, 'devices[0]');
    assert.equal(f.fixes[0].edits[0].newText, '0x7f00000000');
    assert.equal(j.summary.files, j.files.length);
    assert.ok(j.summary.errors > 0 && j.summary.warnings > 0);
  });

  it('docs/check-json.md shows exactly what the command prints', async () => {
    const doc = readFileSync(join(ROOT, 'docs', 'check-json.md'), 'utf8');
    const example = parseJsonc(/```jsonc\n([\s\S]*?)```/.exec(doc)![1]);
    const r = await run(['--format', 'json', 'test/fixtures/check/namespace-collision.memmap.yaml']);
    assert.deepEqual(JSON.parse(r.out), example);
  });

  it('bad input: unparsable file → exit 2 with the located message; other files are still checked', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.memmap.yaml'), 'nodes:\n  - id: 0\n    ranges: [\n');
    writeFileSync(join(dir, 'ok.memmap.yaml'), BROKEN);
    const r = await run([dir], dir);
    assert.equal(r.code, 2);
    assert.match(r.out, /^bad\.memmap\.yaml:\d+:\d+: error: /m);
    assert.match(r.out, /^ok\.memmap\.yaml:8:12: error MM023 /m);
    assert.match(r.out, /1 file could not be checked/);
  });

  it('bad input: schema errors, missing paths, empty folders, unknown options → exit 2', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'x.memmap.yaml'), 'nodes:\n  - id: 0\n    ranges: []\n    color: red\n');
    const r = await run(['x.memmap.yaml'], dir);
    assert.equal(r.code, 2);
    assert.match(r.out, /^x\.memmap\.yaml:4:5: error: /m);
    assert.equal((await run(['nope.memmap.yaml'], dir)).code, 2);
    mkdirSync(join(dir, 'empty'));
    const e = await run(['empty'], dir);
    assert.equal(e.code, 2);
    assert.match(e.err, /no \*\.memmap\.json, \*\.memmap\.yaml or \*\.memmap\.yml files/);
    const u = await run(['--frobnicate', 'x.memmap.yaml'], dir);
    assert.equal(u.code, 2);
    assert.match(u.err, /unknown option --frobnicate/);
    assert.equal((await run(['--format', 'xml', 'x.memmap.yaml'], dir)).code, 2);
    assert.equal((await run(['--severity', 'fatal', 'x.memmap.yaml'], dir)).code, 2);
    assert.equal((await run([], dir)).code, 2);
  });

  it('--fix rewrites the files atomically (no temporary files left), re-checks and reports what is left', async () => {
    const dir = tmp();
    for (const f of ['optane-2m-start.memmap.yaml', 'hugetlb-pools.memmap.yaml', 'hotplug-2g-blocks.memmap.json']) copyFileSync(join(FIXTURES, f), join(dir, f));
    writeFileSync(join(dir, 'clean.memmap.yaml'), CLEAN);
    const before = readFileSync(join(dir, 'optane-2m-start.memmap.yaml'), 'utf8');
    const r = await run(['--fix', '.'], dir);
    assert.equal(r.code, 0, r.out);
    // MM004 (the partial sections' memmap in RAM) is a trade-off: its fix (shrink to whole sections) is the user's call.
    assert.match(r.out, /checked 4 files: 0 errors, 1 warning, 0 infos; applied \d+ fixes in 3 files/);
    assert.match(r.out, /warning MM004 /);
    const after = readFileSync(join(dir, 'optane-2m-start.memmap.yaml'), 'utf8');
    assert.notEqual(after, before);
    assert.ok(after.includes('    start: 0x3044000000\n    size: 131056M\n'), after);
    assert.ok(after.startsWith('# A 128 GiB Optane namespace'), 'comments are kept');
    assert.equal(readFileSync(join(dir, 'clean.memmap.yaml'), 'utf8'), CLEAN);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
    const again = await run(['.'], dir);
    assert.equal(again.code, 0);
  });

  it('--output writes the report to a file', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.memmap.yaml'), BROKEN);
    const r = await run(['--format=sarif', '-o', 'out.sarif', 'a.memmap.yaml'], dir);
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    const sarif = JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8'));
    assert.equal(sarif.version, '2.1.0');
  });

  it('writeOutput replaces the file and keeps its mode', () => {
    const dir = tmp();
    const p = join(dir, 'f.memmap.yaml');
    writeFileSync(p, 'old', { mode: 0o600 });
    chmodSync(p, 0o640);
    assert.deepEqual(writeOutput(p, 'new'), { ok: true });
    assert.equal(readFileSync(p, 'utf8'), 'new');
    assert.equal(statSync(p).mode & 0o777, 0o640);
    assert.deepEqual(readdirSync(dir), ['f.memmap.yaml']);
  });

  it('-o FILE that cannot be written: exit 2, the path as given and why, no stack, no temporary file left', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.memmap.yaml'), CLEAN);
    writeFileSync(join(dir, 'notes.txt'), 'x');
    mkdirSync(join(dir, 'outdir'));
    const cases: Array<[string, string]> = [
      ['nosuch/x.txt', 'cannot write nosuch/x.txt: no such directory nosuch'],
      ['nosuch/deeper/x.txt', 'cannot write nosuch/deeper/x.txt: no such directory nosuch'],
      ['outdir', 'cannot write outdir: is a directory'],
      ['notes.txt/x', 'cannot write notes.txt/x: notes.txt is not a directory'],
    ];
    for (const [out, message] of cases) {
      const r = await run(['-o', out, 'a.memmap.yaml'], dir);
      assert.equal(r.code, 2, `${out}: ${r.err}`);
      assert.equal(r.err, `memmap-lab check: ${message}\n`);
      assert.equal(r.out, '');
    }
    assert.deepEqual(readdirSync(dir).sort(), ['a.memmap.yaml', 'notes.txt', 'outdir']);
    assert.deepEqual(readdirSync(join(dir, 'outdir')), []);
  });

  it('--fix: a file that cannot be written is exit 2 with the reason, the others are still fixed', async (t) => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.memmap.yaml'), BROKEN);
    writeFileSync(join(dir, 'b.memmap.yaml'), BROKEN);
    // b's folder refuses new files (as a read-only folder does for a user other than root).
    const openSync = fs.openSync;
    t.mock.method(fs, 'openSync', (path: fs.PathLike, ...rest: unknown[]) => {
      if (String(path).includes('.b.memmap.yaml.')) throw Object.assign(new Error(`EACCES: permission denied, open '${String(path)}'`), { code: 'EACCES' });
      return (openSync as (...a: unknown[]) => number)(path, ...rest);
    });
    const r = await run(['--fix', 'a.memmap.yaml', 'b.memmap.yaml'], dir);
    assert.equal(r.code, 2);
    assert.equal(r.err, 'memmap-lab check: --fix: cannot write b.memmap.yaml: permission denied\n');
    assert.notEqual(readFileSync(join(dir, 'a.memmap.yaml'), 'utf8'), BROKEN);
    assert.equal(readFileSync(join(dir, 'b.memmap.yaml'), 'utf8'), BROKEN);
    // b is reported as it is: its error is still there.
    assert.match(r.out, /^b\.memmap\.yaml:8:12: error MM023 /m);
    assert.match(r.out, /applied \d+ fix(es)? in 1 file/);
  });

  it('--fix applies what the editor\'s Fix All applies: errors anywhere, warnings of the base config; never a scenario\'s warnings or infos', async () => {
    const dir = tmp();
    copyFileSync(join(ROOT, 'examples', 'default.memmap.yaml'), join(dir, 'default.memmap.yaml'));
    const before = readFileSync(join(dir, 'default.memmap.yaml'), 'utf8');
    const findings = (JSON.parse((await run(['--format', 'json', 'default.memmap.yaml'], dir)).out) as JsonReport).files[0].findings;
    assert.ok(findings.some((f) => f.scenario !== null && f.fixes.length), 'the example has fixable scenario findings');
    assert.ok(findings.every((f) => !fixAllApplies(f)), 'and nothing Fix All applies');
    const r = await run(['--fix', 'default.memmap.yaml'], dir);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /applied 0 fixes in 0 files/);
    // The what-if scenarios are left as they are ("memmap on the device" keeps map: dev).
    assert.equal(readFileSync(join(dir, 'default.memmap.yaml'), 'utf8'), before);
    // A scenario's warning and the base config's info are left; a warning of the base config is fixed, unless it
    // is a trade-off (MM022: a smaller align gives capacity back but drops the 1 GiB mappings asked for).
    const device = (align: string) => CLEAN + `devices:\n  - name: namespace0.0\n    mode: devdax\n    start: 0x1000000000\n    size: 16G\n    align: ${align}\n`;
    const explored = device('2M') + 'scenarios:\n  - name: 1G pages\n    set: { "devices[0].align": 1G }\n';
    const pools = (a: string) => `hugetlb:\n  - { node: 0, pageSize: 2M, count: 64 }\n${a}`;
    const base = device('1G') + pools('  - { node: 0, pageSize: 2M, count: 32 }\n');
    writeFileSync(join(dir, 'scenario.memmap.yaml'), explored);
    writeFileSync(join(dir, 'base.memmap.yaml'), base);
    const j = JSON.parse((await run(['--format', 'json', 'scenario.memmap.yaml', 'base.memmap.yaml'], dir)).out) as JsonReport;
    const fixable = (i: number) => j.files[i].findings.filter((f) => f.fixes.length).map((f) => [f.rule, f.severity, f.scenario]);
    assert.deepEqual(fixable(0), [['MM016', 'info', null], ['MM016', 'info', '1G pages'], ['MM022', 'warning', '1G pages']]);
    assert.deepEqual(fixable(1), [['MM016', 'info', null], ['MM022', 'warning', null], ['MM029', 'warning', null]]);
    const f = await run(['--fix', 'scenario.memmap.yaml', 'base.memmap.yaml'], dir);
    assert.match(f.out, /applied 1 fix in 1 file/);
    assert.equal(readFileSync(join(dir, 'scenario.memmap.yaml'), 'utf8'), explored);
    const fixed = readFileSync(join(dir, 'base.memmap.yaml'), 'utf8');
    assert.ok(fixed.startsWith(device('1G')), fixed);
    assert.notEqual(fixed, base);
    assert.doesNotMatch((await run(['base.memmap.yaml'], dir)).out, /MM029/);
  });
});
