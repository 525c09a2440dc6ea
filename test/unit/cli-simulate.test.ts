// `memmap-lab simulate`: exit codes, the JSON document's fields, located bad-input errors, and the
// kernel's numbers for the bundled examples (kernel-mm.md §4d Case A for the seed 003 namespace).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { main } from '../../src/cli/main';
import type { Io } from '../../src/cli/io';
import { isBytesKey, type CompareJson, type SimulateJson } from '../../src/cli/commands/simulate';
import { GiB, MiB, KiB } from '../../src/config/units';
import { runCli } from './cli-run';

const root = join(__dirname, '..', '..');
const example = (name: string) => join(root, 'examples', name);

const cli = (...argv: string[]) => runCli(root, ...argv);

function tmpConfig(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'memmap-cli-'));
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('simulate --json', () => {
  it('gives the kernel numbers for the 128 GiB seed 003 namespace (Case A)', async () => {
    const r = await cli('simulate', example('seed003-128g-namespace.memmap.yaml'), '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as SimulateJson;
    assert.equal(j.schemaVersion, 1);
    assert.equal(j.arch, 'x86_64');
    assert.equal(j.kernel, '6.12');
    assert.equal(j.scenario, null);
    const d = j.memmap!.devices[0];
    assert.equal(d.name, 'namespace0.0');
    assert.equal(d.dataOffsetBytes, 2 * GiB + 2 * MiB);
    assert.equal(d.usablePages, 33_029_632);
    assert.deepEqual(
      { basePfn: d.altmap!.basePfn, reserve: d.altmap!.reserve, free: d.altmap!.free, alloc: d.altmap!.alloc, align: d.altmap!.align },
      { basePfn: 0x1000000, reserve: 2, free: 524_798, alloc: 524_288, align: 510 },
    );
    assert.equal(d.location, 'device');
    assert.equal(d.deviceBytes, 2 * GiB);
    assert.equal(d.ramBytes, 0);
    assert.equal(d.memmapBytes, d.ramBytes + d.deviceBytes);
    const m = j.memmap!;
    assert.equal(m.totalBytes, m.ramBytes + m.deviceBytes + m.pageTableBytes);
    assert.deepEqual(j.errors, []);
  });

  it('applies a scenario: align 1G moves the data offset to 3 GiB (Case B)', async () => {
    const r = await cli('simulate', example('seed003-128g-namespace.memmap.yaml'), '--json', '--scenario', 'align 1G');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as SimulateJson;
    assert.equal(j.scenario, 'align 1G');
    assert.equal(j.memmap!.devices[0].dataOffsetBytes, 3 * GiB);
    assert.equal(j.memmap!.devices[0].altmap!.free, 786_430);
  });

  it('the text summary gives the RAM the vmemmap of devices and hot-adds draws from', async () => {
    // 768 GiB of boot RAM less 12 GiB of boot memmap, 56 KiB of page tables, 64 x 1 GiB and 4096 x 2 MiB pages;
    // then namespace0.0's 6 GiB memmap in RAM (and its page tables).
    const r = await cli('simulate', example('default.memmap.yaml'));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /\nSystem RAM for the vmemmap of devices and hot-adds: 683\.99 GiB after boot \(less boot memmaps, their page tables and boot HugeTLB pools\), 677\.95 GiB left\n/);
  });

  it('reports HVO savings per pool (28 KiB per 2 MiB page, 16380 KiB per 1 GiB page)', async () => {
    const r = await cli('simulate', example('default.memmap.yaml'), '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as SimulateJson;
    const [g1, m2] = j.memmap!.hugetlb;
    assert.equal(g1.freedBytesPerPage, 16380 * KiB);
    assert.equal(g1.freedBytes, 64 * 16380 * KiB);
    assert.equal(m2.freedBytesPerPage, 28 * KiB);
    assert.equal(j.memmap!.savedBytes.hvo, g1.freedBytes + m2.freedBytes);
    // 1.5 TiB devdax, 2M align, map=mem: dedup keeps 2 of 8 vmemmap pages.
    const d = j.memmap!.devices[0];
    assert.equal(d.ramBytes, 6 * GiB);
    assert.equal(d.dedupSavedBytes, 18 * GiB);
  });

  it('simulates every bundled example without error', async () => {
    for (const f of readdirSync(join(root, 'examples')).filter((n) => /\.memmap\.(ya?ml|json)$/.test(n))) {
      const r = await cli('simulate', example(f), '--json');
      assert.equal(r.code, 0, `${f}: ${r.err}`);
      const j = JSON.parse(r.out) as SimulateJson;
      assert.equal(j.errors.filter((e) => e.severity === 'error').length, 0, f);
      assert.ok(j.memmap!.totalBytes > 0, f);
    }
  });
});

describe('simulate: timing, --trace and --compare', () => {
  it('--json carries the timing object with spans and a critical path summing to endMs', async () => {
    const r = await cli('simulate', example('two-socket-dram.memmap.yaml'), '--json');
    assert.equal(r.code, 0, r.err);
    const t = (JSON.parse(r.out) as SimulateJson).timing!;
    assert.equal(t.nodes.length, 2);
    assert.ok(t.nodes.every((n) => n.deferredMs > 0 && n.threads === 52));
    assert.ok(t.spans.length > 0);
    const pathMs = t.criticalPath.reduce((a, e) => a + (e.endUs - e.startUs), 0) / 1000;
    assert.ok(Math.abs(pathMs - t.endMs) < 0.01, `${pathMs} vs ${t.endMs}`);
  });

  it('--trace writes Chrome Trace Event JSON that a trace viewer loads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memmap-trace-'));
    const out = join(dir, 'boot.trace.json');
    const r = await cli('simulate', example('seed003-128g-namespace.memmap.yaml'), '--trace', out);
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { traceEvents: { ph: string; pid: number; tid: number; ts: number; dur?: number; name: string }[] };
    const x = doc.traceEvents.filter((e) => e.ph === 'X');
    assert.ok(x.length > 0);
    assert.ok(x.every((e) => Number.isInteger(e.pid) && Number.isInteger(e.tid) && e.ts >= 0 && (e.dur ?? -1) >= 0));
    assert.ok(x.some((e) => /zoneDeviceInit/.test(e.name)), 'the device init span is in the trace');
    assert.deepEqual(readdirSync(dir), ['boot.trace.json'], 'no temporary file left behind');
  });

  it('--trace to an unwritable place is exit 2 and leaves nothing', async () => {
    const r = await cli('simulate', example('seed003-128g-namespace.memmap.yaml'), '--trace', '/nonexistent-dir/x.json');
    assert.equal(r.code, 2);
    assert.equal(r.err, 'memmap-lab simulate: cannot write /nonexistent-dir/x.json: no such directory /nonexistent-dir\n');
    // A folder: the message names it as given and says why, never the temporary file.
    const dir = mkdtempSync(join(tmpdir(), 'memmap-trace-'));
    const d = await runCli(dir, 'simulate', example('seed003-128g-namespace.memmap.yaml'), '--trace', '.');
    assert.equal(d.code, 2);
    assert.equal(d.err, 'memmap-lab simulate: cannot write .: is a directory\n');
    assert.deepEqual(readdirSync(dir), []);
  });

  it('--compare runs every scenario side by side with deltas (Case A vs Case B)', async () => {
    const r = await cli('simulate', example('seed003-128g-namespace.memmap.yaml'), '--compare', '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as CompareJson;
    assert.deepEqual(j.columns, ['base', 'align 1G', 'map=mem']);
    const off = j.memory.rows.find((x) => x.key === 'devices.namespace0.0.dataOffsetBytes')!;
    assert.deepEqual(off.values, [2 * GiB + 2 * MiB, 3 * GiB, 2 * MiB]);
    assert.equal(off.deltas[1], 1022 * MiB);
    const ram = j.memory.rows.find((x) => x.key === 'devices.namespace0.0.ramBytes')!;
    assert.equal(ram.deltas[2], 2 * GiB, 'map=mem moves the 2 GiB memmap into RAM');
    assert.ok(j.timing.rows.some((x) => x.key === 'devices.namespace0.0.initMs'));
    const text = await cli('simulate', example('seed003-128g-namespace.memmap.yaml'), '--compare');
    assert.match(text.out, /dataOffsetBytes\s+2050 MiB\s+3 GiB \(\+1022 MiB\)\s+2 MiB \(-2 GiB\)/);
  });

  it('--compare prints every byte count in units, savedBytes.* too', async () => {
    const r = await cli('simulate', example('default.memmap.yaml'), '--compare');
    assert.equal(r.code, 0, r.err);
    const rows = r.out.split('\n').filter((l) => /^\s+memmap\.savedBytes\./.test(l));
    assert.deepEqual(rows.map((l) => l.trim().split(/\s+/)[0]), ['memmap.savedBytes.dedup', 'memmap.savedBytes.hvo']);
    for (const l of rows) assert.doesNotMatch(l, /\d,\d{3}/, l);
    assert.match(r.out, /memmap\.savedBytes\.dedup\s+18 GiB\s+0 B \(-18 GiB\)/);
    assert.deepEqual(['memmap.savedBytes.dedup', 'memmap.savedBytes.hvo', 'memmap.ramBytes', 'hugetlb.node 0 1073741824.freedBytes'].map(isBytesKey), [true, true, true, true]);
    assert.deepEqual(['devices.namespace0.0.usablePages', 'nodes.node 0.structPages', 'devices.xBytes.usablePages'].map(isBytesKey), [false, false, false]);
  });
});

describe('simulate: human summary', () => {
  it('prints tables per node and device and the headline', async () => {
    const r = await cli('simulate', example('seed003-128g-namespace.memmap.yaml'));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /memmap .* = RAM .* \+ on device 2 GiB \+ page tables/);
    assert.match(r.out, /namespace0\.0\s+pmem\/fsdax\s+128 GiB\s+dev\s+33,554,432/);
    assert.match(r.out, /0x1000000\s+2\s+524,798\s+524,288\s+510/);
    assert.match(r.out, /2050 MiB/); // data offset 2 GiB + 2 MiB, printed exactly
  });
});

describe('simulate: paths', () => {
  it('resolves the config and --trace relative to the working directory, and names them as given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memmap-cwd-'));
    let out = '';
    let err = '';
    const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: join(root, 'examples') };
    const code = await main(['simulate', 'default.memmap.yaml', '--trace', join(dir, 'boot.trace.json')], io);
    assert.equal(code, 0, err);
    assert.match(out, /\(default\.memmap\.yaml\)/);
    assert.ok(JSON.parse(readFileSync(join(dir, 'boot.trace.json'), 'utf8')).traceEvents.length > 0);
    out = '';
    err = '';
    assert.equal(await main(['simulate', 'no-such.memmap.yaml'], io), 2);
    assert.match(err, /no-such\.memmap\.yaml/);
    assert.doesNotMatch(err, new RegExp(root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  });
});

describe('simulate: bad input', () => {
  it('a missing file is exit 2 with a message, no stack', async () => {
    const r = await cli('simulate', '/nonexistent/x.memmap.yaml');
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot read \/nonexistent\/x\.memmap\.yaml: no such file/);
    assert.doesNotMatch(r.err, /at .*\.ts:\d+/);
  });

  it('a syntax error is located', async () => {
    const p = tmpConfig('bad.memmap.json', '{\n  "nodes": [\n    { "id": 0 "ranges": [] }\n  ]\n}\n');
    const r = await cli('simulate', p);
    assert.equal(r.code, 2);
    assert.match(r.err, new RegExp(`${p.replace(/[.]/g, '\\.')}:3:15: error: `));
  });

  it('an unparsable size, an unknown field and an unknown arch are each located', async () => {
    const p = tmpConfig('bad.memmap.yaml', 'arch: x86\nnodes:\n  - id: 0\n    ranges:\n      - { start: 0, size: 12Q }\ndevices:\n  - { name: a, start: 64G, size: 1G, alignn: 2M }\n');
    const r = await cli('simulate', p);
    assert.equal(r.code, 2);
    assert.match(r.err, /bad\.memmap\.yaml:1:7: error: .*x86/);
    assert.match(r.err, /bad\.memmap\.yaml:5:27: error: .*12Q/);
    assert.match(r.err, /bad\.memmap\.yaml:7:\d+: error: .*alignn/);
  });

  it('--json on bad input still prints a document with located errors', async () => {
    const p = tmpConfig('bad.memmap.yaml', 'nodes:\n  - id: 0\n    ranges:\n      - { start: 0, size: 12Q }\n');
    const r = await cli('simulate', p, '--json');
    assert.equal(r.code, 2);
    const j = JSON.parse(r.out) as SimulateJson;
    assert.equal(j.memmap, null);
    assert.equal(j.errors.length, 1);
    assert.deepEqual([j.errors[0].line, j.errors[0].column], [4, 27]);
  });

  it('an unknown scenario lists the known ones', async () => {
    const r = await cli('simulate', example('seed003-128g-namespace.memmap.yaml'), '--scenario', 'nope');
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown scenario 'nope': the config defines 'align 1G', 'map=mem'/);
  });

  it('--arch / --kernel say what a config without arch or kernel.version is, for its scenarios too', async () => {
    const text = 'nodes:\n  - id: 0\n    ranges: [{ start: 0x100000000, size: 64G }]\nscenarios:\n  - name: 2x\n    set: { "nodes[0].ranges[0].size": 128G }\n';
    const bare = tmpConfig('bare.memmap.yaml', text);
    const pages = (j: SimulateJson) => j.memmap!.nodes[0].structPages;
    const plain = JSON.parse((await cli('simulate', bare, '--json')).out) as SimulateJson;
    assert.deepEqual([plain.arch, plain.kernel, pages(plain)], ['x86_64', '6.12', (64 * GiB) / (4 * KiB)]);
    const r = await cli('simulate', bare, '--json', '--arch', 'arm64-64k', '--kernel', '6.1');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as SimulateJson;
    assert.deepEqual([j.arch, j.kernel, j.archProfile!.pageSize, pages(j)], ['arm64-64k', '6.1', 64 * KiB, (64 * GiB) / (64 * KiB)]);
    const sc = JSON.parse((await cli('simulate', bare, '--json', '--arch=arm64-64k', '--scenario', '2x')).out) as SimulateJson;
    assert.deepEqual([sc.arch, pages(sc)], ['arm64-64k', (128 * GiB) / (64 * KiB)]);
    const cmp = JSON.parse((await cli('simulate', bare, '--compare', '--json', '--arch', 'arm64-64k')).out) as CompareJson;
    assert.deepEqual(cmp.memory.rows.find((x) => x.key === 'nodes.node 0.structPages')?.values, [(64 * GiB) / (64 * KiB), (128 * GiB) / (64 * KiB)]);
    // A config that names its arch and kernel keeps them.
    const own = JSON.parse((await cli('simulate', example('seed003-128g-namespace.memmap.yaml'), '--json', '--arch', 'arm64-64k', '--kernel', '6.1')).out) as SimulateJson;
    assert.deepEqual([own.arch, own.kernel], ['x86_64', '6.12']);
    const bad = await cli('simulate', bare, '--arch', 'sparc64');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--arch must be one of x86_64, arm64-4k, .*not 'sparc64'/);
    assert.match((await cli('simulate', bare, '--kernel', '6')).err, /--kernel must be "major.minor"/);
  });

  it('unknown options and missing arguments are usage errors (exit 2)', async () => {
    assert.equal((await cli('simulate', '--frobnicate', 'x')).code, 2);
    assert.equal((await cli('simulate')).code, 2);
    assert.equal((await cli('no-such-command')).code, 2);
  });

  it('a kernel failure (altmap too small for a hand-made layout) is exit 1 with the kernel text', async () => {
    // riscv64 on 6.12: a map=dev namespace starting 2 MiB past a section boundary runs its altmap dry
    // (the sub-section piece takes a whole PMD block from the altmap): -ENOMEM from __add_pages.
    const p = tmpConfig(
      'enomem.memmap.yaml',
      'arch: riscv64\nkernel: { version: "6.12" }\nnodes:\n  - id: 0\n    ranges: [ { start: 0x80000000, size: 8G } ]\ndevices:\n  - { name: ns0, kind: pmem, mode: fsdax, start: 0x1000200000, size: 1G, align: 2M, map: dev }\n',
    );
    const r = await cli('simulate', p, '--json');
    const j = JSON.parse(r.out) as SimulateJson;
    assert.equal(r.code, 1, r.out);
    const e = j.errors.find((x) => x.severity === 'error')!;
    assert.equal(e.path, 'devices[0]');
    assert.equal(e.line, 7);
    assert.equal(j.memmap!.devices[0].status, 'failed');
  });
});

/** What a terminal acts on: C0 controls but tab and line feed, DEL and C1. */
const UNSAFE = /[^\P{Cc}\t\n]/u;

describe('bad input on the command line', () => {
  it('--kernel with a leading zero is a usage error, not 6.10', async () => {
    const r = await cli('simulate', example('seed003-128g-namespace.memmap.yaml'), '--kernel', '6.010');
    assert.equal(r.code, 2);
    assert.match(r.err, /^memmap-lab simulate: --kernel: "6\.010" has a leading zero in its minor number/);
    assert.equal((await cli('check', example('seed003-128g-namespace.memmap.yaml'), '--kernel=06.1')).code, 2);
  });

  it('nothing printed acts on the terminal: a file name with ESC, config names with ESC or a line break', async () => {
    const r = await cli('simulate', 'no\u001b]0;pwned\u0007such\r.memmap.yaml');
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.err, UNSAFE);
    assert.match(r.err, /no\\u001b\]0;pwned\\u0007such\\r\.memmap\.yaml/);
    const p = tmpConfig(
      'esc.memmap.json',
      JSON.stringify({
        nodes: [{ id: 0, ranges: [{ start: '4G', size: '64G' }] }],
        devices: [
          { name: 'a\u001b]0;pwned\u0007\u001b[2J', start: '1T', size: '16G' },
          { name: 'b\nFAKE: error: all good', start: '1T', size: '16G' },
        ],
      }),
    );
    for (const argv of [['check', p], ['simulate', p], ['simulate', p, '--json'], ['check', p, '--format', 'json']]) {
      const o = await cli(...argv);
      assert.equal(o.code, 2, argv.join(' '));
      assert.doesNotMatch(o.out + o.err, UNSAFE, argv.join(' '));
      assert.doesNotMatch(o.out + o.err, /^FAKE/m, argv.join(' '));
      assert.match(o.out + o.err, /U\+001B \(ESC\)/, argv.join(' '));
    }
  });

  it('check: a Latin-1 file is an error at its first bad byte; UTF-16 says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memmap-cli-enc-'));
    writeFileSync(join(dir, 'l1.memmap.yaml'), Buffer.from('name: "caf\u00e9"\nnodes: []\n', 'latin1'));
    writeFileSync(join(dir, 'u16.memmap.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('nodes: []\n', 'utf16le')]));
    const r = await runCli(dir, 'check', 'l1.memmap.yaml', 'u16.memmap.yaml');
    assert.equal(r.code, 2);
    assert.match(r.out, /^l1\.memmap\.yaml:1:11: error: byte 0xE9 is not valid UTF-8 \(Latin-1 or Windows-1252 text\?\): save the file as UTF-8$/m);
    assert.match(r.out, /^u16\.memmap\.yaml:1:1: error: this file is UTF-16 \(little-endian\): save it as UTF-8$/m);
    const s = await runCli(dir, 'simulate', 'l1.memmap.yaml');
    assert.equal(s.err, 'l1.memmap.yaml:1:11: error: byte 0xE9 is not valid UTF-8 (Latin-1 or Windows-1252 text?): save the file as UTF-8\n');
  });

  it("simulate --scenario: another scenario's broken set key is not named after the one simulated", async () => {
    const p = tmpConfig(
      'b8.memmap.yaml',
      'nodes:\n  - id: 0\n    ranges: [{ start: 0x100000000, size: 64G }]\nhugetlb:\n  - { pageSize: 2M, count: 4 }\nscenarios:\n  - name: g\n    set: { "hugetlb[0].count": 8 }\n  - name: h\n    set: { "hugetlb[0]..count": 8 }\n',
    );
    const r = await cli('simulate', p, '--scenario', 'g');
    assert.equal(r.code, 2);
    assert.match(r.err, /:10:12: error: scenarios\[1\]\.set: "hugetlb\[0\]\.\.count" is not a valid path/);
    assert.doesNotMatch(r.err, /scenario 'g'/);
  });
});
