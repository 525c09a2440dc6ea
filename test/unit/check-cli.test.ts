// memmap-lab check: text/JSON output, exit codes, bad input with located messages, --fix writing files
// atomically, --severity, --output.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import type { Io } from '../../src/cli/io';
import type { JsonReport } from '../../src/check/report';
import { writeFileAtomic } from '../../src/cli/commands/check';
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
    assert.match(r.out, /checked 4 files: 0 errors, 0 warnings, 0 infos; applied \d+ fixes in 3 files/);
    const after = readFileSync(join(dir, 'optane-2m-start.memmap.yaml'), 'utf8');
    assert.notEqual(after, before);
    assert.ok(after.includes('    start: 0x3048000000\n    size: 130944M\n'), after);
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

  it('writeFileAtomic replaces the file and keeps its mode', () => {
    const dir = tmp();
    const p = join(dir, 'f.memmap.yaml');
    writeFileSync(p, 'old', { mode: 0o600 });
    writeFileAtomic(p, 'new');
    assert.equal(readFileSync(p, 'utf8'), 'new');
    assert.deepEqual(readdirSync(dir), ['f.memmap.yaml']);
  });
});
