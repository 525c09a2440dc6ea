// loadConfigText / loadConfigFile: parse → schema → normalized WorkloadConfig, every finding located.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatError, loadConfigFile, loadConfigText, scenarioConfig, type ConfigError, type LoadResult } from '../../src/config/load';
import { decodeConfigBytes, firstInvalidUtf8 } from '../../src/config/encoding';
import { parseKernelVersion } from '../../src/config/units';
import { printableLine, terminalSafe } from '../../src/config/diagnostics';
import { GiB, MiB, TiB } from '../../src/config/units';

const FIXTURES = join(__dirname, '..', 'fixtures', 'config');

/** [line, column, message] of every finding, for compact assertions. */
function where(r: LoadResult): [number, number, string][] {
  return r.errors.map((e) => {
    const p = r.doc!.positionAt(e.range.start);
    return [p.line, p.column, e.message];
  });
}

function only(r: LoadResult): ConfigError & { line: number; column: number; text: string } {
  assert.equal(r.errors.length, 1, `expected one finding, got:\n${r.errors.map((e) => e.message).join('\n')}`);
  assert.equal(r.config, null);
  const e = r.errors[0];
  const p = r.doc!.positionAt(e.range.start);
  return { ...e, line: p.line, column: p.column, text: r.doc!.text.slice(e.range.start, e.range.end) };
}

const MIN_NODES = 'nodes:\n  - id: 0\n    ranges:\n      - { start: 0x100000000, size: 16G }\n';

describe('the same config in JSON and YAML', () => {
  const y = loadConfigFile(join(FIXTURES, 'full.memmap.yaml'));
  const j = loadConfigFile(join(FIXTURES, 'full.memmap.json'));

  it('loads without findings', () => {
    assert.deepEqual(y.errors, []);
    assert.deepEqual(j.errors, []);
    assert.ok(y.config && j.config);
  });

  it('normalizes to deep-equal configs, paths included', () => {
    assert.deepEqual(j.config, y.config);
  });

  it('turns sizes and addresses into exact byte counts and records paths', () => {
    const c = y.config!;
    assert.equal(c.name, 'two-socket');
    assert.equal(c.scenario, null);
    assert.deepEqual(c.kernel, {
      version: '6.6',
      versionNum: [6, 6],
      structPageSize: 64,
      hvo: true,
      memmapOnMemory: 'force',
      deferredInit: true,
      hypervisor: false,
      memoryBlockSize: 2 * GiB,
      maxPhysmemBits: null,
      path: ['kernel'],
    });
    assert.deepEqual(c.nodes[0].ranges[1], { start: 0x100000000, size: 126 * GiB, path: ['nodes', 0, 'ranges', 1] });
    assert.deepEqual(c.nodes[2], { id: 2, cpus: 0, ranges: [{ start: 0x4000000000, size: 64 * GiB, path: ['nodes', 2, 'ranges', 0] }], path: ['nodes', 2] });
    assert.equal(c.devices[0].size, 1.5 * TiB);
    assert.equal(c.devices[0].start, 0x3040000000);
    assert.deepEqual(c.devices[2], {
      name: 'namespace1.0',
      node: 1,
      kind: 'pmem',
      provider: 'nfit',
      mode: 'fsdax',
      start: 0x30000000000,
      size: 16 * GiB,
      align: 2 * MiB,
      map: 'dev',
      memmapOnMemory: false,
      path: ['devices', 2],
    });
    assert.deepEqual(c.hotplug[1], { node: 0, start: 0x6000000000, size: GiB, memmapOnMemory: true, path: ['hotplug', 1] });
    assert.deepEqual(c.hugetlb[1], { node: 1, pageSize: 2 * MiB, count: 1024, path: ['hugetlb', 1] });
    assert.deepEqual(c.machine, { deferredInitThreads: 4, costs: { initPageNs: 1.5 } });
    assert.deepEqual(c.scenarios[1], {
      name: 'big-align',
      set: { 'devices[namespace0.0].align': '1G', 'kernel.hvo': false, 'nodes[1].ranges[0].size': '64G' },
      path: ['scenarios', 1],
    });
  });

  it('paths lead back to the tokens', () => {
    for (const r of [y, j]) {
      const dev = r.config!.devices[1];
      const range = r.doc!.rangeOf([...dev.path, 'align'])!;
      assert.match(r.doc!.text.slice(range.start, range.end), /^"?1G"?$/);
    }
  });
});

describe('defaults', () => {
  it('fills every optional field', () => {
    const r = loadConfigFile(join(FIXTURES, 'minimal.memmap.yaml'));
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.config, {
      name: 'minimal',
      arch: 'x86_64',
      kernel: {
        version: '6.12',
        versionNum: [6, 12],
        structPageSize: 64,
        hvo: false,
        memmapOnMemory: 'off',
        deferredInit: true,
        hypervisor: false,
        memoryBlockSize: null,
        maxPhysmemBits: null,
        path: ['kernel'],
      },
      nodes: [{ id: 0, cpus: 1, ranges: [{ start: 0x100000000, size: 16 * GiB, path: ['nodes', 0, 'ranges', 0] }], path: ['nodes', 0] }],
      devices: [],
      hotplug: [],
      hugetlb: [],
      machine: {},
      scenarios: [],
      scenario: null,
    });
  });

  it('device defaults: node 0, pmem, fsdax, align 2M, map dev', () => {
    const r = loadConfigText(`${MIN_NODES}devices:\n  - { name: ns, start: 64G, size: 1G }\n`, 'd.memmap.yaml');
    assert.deepEqual(r.errors, []);
    const d = r.config!.devices[0];
    assert.deepEqual([d.node, d.kind, d.mode, d.align, d.map, d.memmapOnMemory], [0, 'pmem', 'fsdax', 2 * MiB, 'dev', false]);
  });

  it('the CLI/extension defaults apply only when the file says nothing', () => {
    const opts = { defaultArch: 'arm64-64k' as const, defaultKernelVersion: '6.1' };
    const r = loadConfigText(MIN_NODES, 'x.yaml', opts);
    assert.equal(r.config!.arch, 'arm64-64k');
    assert.deepEqual(r.config!.kernel.versionNum, [6, 1]);
    const r2 = loadConfigText(`arch: s390x\nkernel: { version: "6.8" }\n${MIN_NODES}`, 'x.yaml', opts);
    assert.equal(r2.config!.arch, 's390x');
    assert.equal(r2.config!.kernel.version, '6.8');
  });

  it('a kernel older than the vmemmap is an error at kernel.version; 2.6 and later load', () => {
    const r = loadConfigText(`kernel: { version: "2.4" }\n${MIN_NODES}`, 'x.yaml');
    assert.equal(r.config, null);
    assert.deepEqual(
      r.errors.map((e) => [e.path.join('.'), e.message]),
      [['kernel.version', 'kernel.version: Linux 2.4 predates the vmemmap (CONFIG_SPARSEMEM_VMEMMAP, 2.6.24) and memory hotplug the simulator models: give "2.6" or later (e.g. "6.12")']],
    );
    for (const v of ['2.6', '4.18', '7.0']) assert.ok(loadConfigText(`kernel: { version: "${v}" }\n${MIN_NODES}`, 'x.yaml').config, v);
  });

  it('kernel.maxPhysmemBits takes only what the arch can run with', () => {
    const bad = loadConfigText(`kernel: { maxPhysmemBits: 48 }\n${MIN_NODES}`, 'x.yaml');
    assert.equal(bad.config, null);
    assert.deepEqual(bad.errors.map((e) => [e.path.join('.'), e.message]), [['kernel.maxPhysmemBits', 'kernel.maxPhysmemBits: x86_64 kernels run with MAX_PHYSMEM_BITS 46 or 52, not 48']]);
    assert.equal(loadConfigText(`arch: arm64-4k\nkernel: { maxPhysmemBits: 48 }\n${MIN_NODES}`, 'x.yaml').config!.kernel.maxPhysmemBits, 48);
    assert.equal(loadConfigText(MIN_NODES, 'x.yaml').config!.kernel.maxPhysmemBits, null);
  });

  it('the name defaults to the file name without its extensions', () => {
    assert.equal(loadConfigText(MIN_NODES, '/a/b/server-1.memmap.yaml').config!.name, 'server-1');
    assert.equal(loadConfigText(JSON.stringify({ nodes: [{ id: 0, ranges: [{ start: 0, size: 1 }] }] }), 'C:\\x\\lab.json').config!.name, 'lab');
  });
});

describe('findings are located at the offending token', () => {
  it('YAML: one of each mistake (fixture errors.memmap.yaml)', () => {
    const r = loadConfigFile(join(FIXTURES, 'errors.memmap.yaml'));
    assert.equal(r.config, null);
    assert.deepEqual(where(r), [
      [2, 7, "arch: 'x86' is not one of x86_64, arm64-4k, arm64-16k, arm64-64k, ppc64-radix, ppc64-hash, s390x, riscv64 (did you mean 'x86_64'?)"],
      [4, 12, 'kernel.version: expected a string, got number 6.1: quote it, "6.10"'],
      [5, 19, 'kernel.structPageSize: must be a multiple of 8, got 60'],
      [10, 15, 'nodes[0].ranges[0].size: unparsable size "12Q": use bytes or a number with a binary unit K, M, G, T or P (e.g. "128M", "1.5T", "2GiB")'],
      [11, 5, "nodes[1]: missing required field 'ranges'"],
      [12, 11, 'nodes[1].cpus: must be at least 0, got -1'],
      [18, 5, "unknown field 'alignn' in devices[0] (did you mean 'align'?)"],
      [19, 10, "devices[0].map: 'memory' is not one of dev, mem (did you mean 'mem'?)"],
    ]);
    assert.ok(r.errors.every((e) => e.severity === 'error' && e.source === 'schema'));
    assert.deepEqual(r.errors[6].path, ['devices', 0, 'alignn']);
  });

  it('JSON: the same mistakes', () => {
    const text = [
      '{',
      '  "arch": "x86",',
      '  "kernel": { "version": 6.10, "structPageSize": 60 },',
      '  "nodes": [',
      '    { "id": 0, "ranges": [ { "start": "0x100000000", "size": "12Q" } ] },',
      '    { "id": 1, "cpus": -1 }',
      '  ],',
      '  "devices": [ { "name": "namespace0.0", "start": "0x3040000000", "size": "128G", "alignn": "2M", "map": "memory" } ]',
      '}',
    ].join('\n');
    const r = loadConfigText(text, 'x.memmap.json');
    assert.deepEqual(
      where(r).map(([l, c, m]) => [l, c, m.split(':')[0]]),
      [
        [2, 11, 'arch'],
        [3, 26, 'kernel.version'],
        [3, 50, 'kernel.structPageSize'],
        [5, 62, 'nodes[0].ranges[0].size'],
        [6, 5, 'nodes[1]'],
        [6, 24, 'nodes[1].cpus'],
        [8, 83, "unknown field 'alignn' in devices[0] (did you mean 'align'?)"],
        [8, 106, 'devices[0].map'],
      ],
    );
    assert.match(r.errors[1].message, /quote it, "6.10"/);
  });

  it('syntax error: located, and no schema noise after it', () => {
    const e = only(loadConfigText('{\n  "nodes": [\n    { "id": 0 "ranges": [] }\n  ]\n}', 'x.json'));
    assert.deepEqual([e.line, e.column, e.message, e.source], [3, 15, 'expected a comma', 'syntax']);
    const y = only(loadConfigText('nodes:\n  - id: 0\n   ranges: []\n', 'x.yaml'));
    assert.equal(y.source, 'syntax');
    assert.equal(y.line, 3);
  });

  it('wrong type', () => {
    const e = only(loadConfigText(`${MIN_NODES}kernel:\n  hvo: "yes"\n`, 'x.yaml'));
    assert.deepEqual([e.line, e.column, e.text], [6, 8, '"yes"']);
    assert.equal(e.message, 'kernel.hvo: expected a boolean (true or false), got string "yes"');
    const e2 = only(loadConfigText(`${MIN_NODES}devices:\n  - { name: 5, start: 0, size: 1G }\n`, 'x.yaml'));
    assert.equal(e2.message, 'devices[0].name: expected a string, got number 5: quote it, "5"');
    const e3 = only(loadConfigText(`${MIN_NODES}devices: { name: x }\n`, 'x.yaml'));
    assert.equal(e3.message, 'devices: expected a list, got an object');
  });

  it('wrong type of a size or address', () => {
    const e = only(loadConfigText(`${MIN_NODES}devices:\n  - { name: x, start: [1], size: true }\n`.replace('size: true', 'size: 1G'), 'x.yaml'));
    assert.equal(e.message, 'devices[0].start: expected an address (integer or hex string like "0x3040000000"), got an array');
    const e2 = only(loadConfigText(`${MIN_NODES}devices:\n  - { name: x, start: 0, size: true }\n`, 'x.yaml'));
    assert.equal(e2.message, 'devices[0].size: expected a size (bytes or a string like "128M"), got boolean true');
    assert.equal(e2.text, 'true');
    const e3 = only(loadConfigText(`${MIN_NODES}kernel: { memoryBlockSize: true }\n`, 'x.yaml'));
    assert.match(e3.message, /^kernel\.memoryBlockSize: expected a size .* or null, got boolean true$/);
  });

  it('unknown field: at the key, with a suggestion or the known fields', () => {
    const e = only(loadConfigText(`${MIN_NODES}kernel:\n  hvoo: true\n`, 'x.yaml'));
    assert.deepEqual([e.line, e.column, e.text], [6, 3, 'hvoo']);
    assert.equal(e.message, "unknown field 'hvoo' in kernel (did you mean 'hvo'?)");
    const e2 = only(loadConfigText(`${MIN_NODES}colour: blue\n`, 'x.yaml'));
    assert.deepEqual([e2.line, e2.column], [5, 1]);
    assert.match(e2.message, /^unknown field 'colour' at the top level \(known fields: \$schema, name, description, arch, kernel, nodes/);
  });

  it('unparsable size, and a size that is not a whole number of bytes', () => {
    const e = only(loadConfigText(`${MIN_NODES}hugetlb:\n  - { pageSize: 2X, count: 1 }\n`, 'x.yaml'));
    assert.deepEqual([e.line, e.column, e.text], [6, 17, '2X']);
    assert.match(e.message, /^hugetlb\[0\]\.pageSize: unparsable size "2X"/);
    const e2 = only(loadConfigText(`${MIN_NODES}hugetlb:\n  - { pageSize: 0.3K, count: 1 }\n`, 'x.yaml'));
    assert.equal(e2.message, 'hugetlb[0].pageSize: size "0.3K" is not a whole number of bytes');
    assert.equal(e2.source, 'value');
    assert.equal(e2.text, '0.3K');
  });

  it('unknown arch, with the closest one suggested', () => {
    const e = only(loadConfigText(`arch: arm64\n${MIN_NODES}`, 'x.yaml'));
    assert.deepEqual([e.line, e.column, e.text], [1, 7, 'arm64']);
    assert.match(e.message, /^arch: 'arm64' is not one of x86_64, .* \(did you mean 'arm64-4k'\?\)$/);
    const e2 = only(loadConfigText(`arch: sparc\n${MIN_NODES}`, 'x.yaml'));
    assert.ok(!e2.message.includes('did you mean'));
  });

  it('missing required fields: at the object that lacks them', () => {
    const e = only(loadConfigText('nodes:\n  - id: 0\n    ranges:\n      - { start: 0 }\n', 'x.yaml'));
    assert.equal(e.message, "nodes[0].ranges[0]: missing required field 'size'");
    assert.equal(e.text, '{ start: 0 }');
    const e2 = only(loadConfigText('{\n  "name": "x",\n  "arch": "x86_64"\n}', 'x.json'));
    assert.equal(e2.message, "top level: missing required field 'nodes'");
    assert.deepEqual([e2.line, e2.column, e2.text], [1, 1, '{']);
    const e3 = only(loadConfigText('nodes:\n  - cpus: 1\n', 'x.yaml'));
    assert.equal(e3.message, "nodes[0]: missing required fields 'id' and 'ranges'");
    const e4 = only(loadConfigText('nodes: []\n', 'x.yaml'));
    assert.equal(e4.message, 'nodes: needs at least 1 entry');
  });

  it('memory-less nodes are fine, but some node needs boot RAM', () => {
    const ok = loadConfigText(`${MIN_NODES}  - id: 1\n    cpus: 0\n    ranges: []\n`, 'x.yaml');
    assert.deepEqual(ok.errors, []);
    assert.deepEqual(ok.config!.nodes[1], { id: 1, cpus: 0, ranges: [], path: ['nodes', 1] });
    const e = only(loadConfigText('nodes:\n  - id: 0\n    ranges: []\n  - id: 1\n    ranges: []\n', 'x.yaml'));
    assert.equal(e.message, 'nodes: no node has a memory range: at least one node needs boot RAM (memblock.memory would be empty)');
    assert.deepEqual([e.line, e.column], [2, 3]);
  });

  it('a node reference to an undefined node', () => {
    const e = only(loadConfigText(`${MIN_NODES}devices:\n  - name: ns\n    node: 3\n    start: 64G\n    size: 1G\n`, 'x.yaml'));
    assert.deepEqual([e.line, e.column, e.text], [7, 11, '3']);
    assert.equal(e.message, 'devices[0].node: node 3 is not defined (defined nodes: 0)');
    const text = 'nodes:\n  - id: 1\n    ranges: [{ start: 0, size: 1G }]\nhotplug:\n  - { start: 4G, size: 1G }\n';
    const e2 = only(loadConfigText(text, 'x.yaml'));
    assert.equal(e2.message, "hotplug[0]: no 'node' given, and the default node 0 is not defined (defined nodes: 1)");
    assert.equal(e2.text, '{ start: 4G, size: 1G }');
    const e3 = only(loadConfigText(`${MIN_NODES}hugetlb:\n  - { node: 2, pageSize: 2M, count: 1 }\n`, 'x.yaml'));
    assert.equal(e3.message, 'hugetlb[0].node: node 2 is not defined (defined nodes: 0)');
  });

  it('duplicate device names, node ids and scenario names: at the second one', () => {
    const devs = `${MIN_NODES}devices:\n  - { name: ns0, start: 64G, size: 1G }\n  - { name: ns0, start: 65G, size: 1G }\n`;
    const e = only(loadConfigText(devs, 'x.yaml'));
    assert.deepEqual([e.line, e.column], [7, 13]);
    assert.equal(e.message, "devices[1].name: 'ns0' is already the name of devices[0]");
    const nodes = `${MIN_NODES}  - id: 0\n    ranges: [{ start: 0, size: 1G }]\n`;
    const e2 = only(loadConfigText(nodes, 'x.yaml'));
    assert.deepEqual([e2.line, e2.column], [5, 9]);
    assert.equal(e2.message, 'nodes[1].id: node 0 is already defined by nodes[0]');
    const sc = `${MIN_NODES}scenarios:\n  - name: a\n  - name: b\n  - name: a\n`;
    const e3 = only(loadConfigText(sc, 'x.yaml'));
    assert.deepEqual([e3.line, e3.column, e3.message], [8, 11, "scenarios[2].name: 'a' is already the name of scenarios[0]"]);
  });

  it('values beyond 2^53: one finding per token, wherever the number is', () => {
    const e = only(loadConfigText(`${MIN_NODES}hugetlb:\n  - { pageSize: 2M, count: 100000000000000000000 }\n`, 'x.yaml'));
    assert.match(e.message, /^number 100000000000000000000 is beyond 2\^53 - 1/);
    assert.equal(e.text, '100000000000000000000');
    const e2 = only(loadConfigText(`${MIN_NODES}devices:\n  - { name: x, start: 0x20000000000000, size: 1G }\n`, 'x.yaml'));
    assert.match(e2.message, /^number 0x20000000000000 is beyond/);
    const e3 = only(loadConfigText(`${MIN_NODES}devices:\n  - { name: x, start: "0x20000000000000", size: 1G }\n`, 'x.yaml'));
    assert.match(e3.message, /^devices\[0\]\.start: address 0x20000000000000 is beyond/);
  });

  it('documents that are not a config at all', () => {
    assert.equal(only(loadConfigText('', 'x.yaml')).message, 'the document is empty: a memmap config is an object with at least "nodes"');
    assert.equal(only(loadConfigText('# nothing\n', 'x.yaml')).message, 'the document is empty: a memmap config is an object with at least "nodes"');
    assert.match(only(loadConfigText('[1, 2]', 'x.json')).message, /^the config must be an object .* got an array$/);
    assert.match(only(loadConfigText('', 'x.json')).message, /expected a value/);
  });

  it('config is null exactly when there is an error-level finding', () => {
    for (const text of [MIN_NODES, `${MIN_NODES}x: 1\n`, 'nodes: 1', '{']) {
      const r = loadConfigText(text, 'x.yaml');
      assert.equal(r.config === null, r.errors.some((e) => e.severity === 'error'), text);
    }
  });
});

describe('formatError and files', () => {
  it('formats file:line:column: severity: message', () => {
    const r = loadConfigText(`${MIN_NODES}kernel: { hvo: 1 }\n`, 'lab.memmap.yaml');
    assert.equal(formatError(r.doc, 'lab.memmap.yaml', r.errors[0]), 'lab.memmap.yaml:5:16: error: kernel.hvo: expected a boolean (true or false), got number 1');
  });

  it('a missing file is one error at offset 0', () => {
    const path = join(tmpdir(), 'memmap-lab-no-such-dir', 'nope.memmap.yaml');
    const r = loadConfigFile(path);
    assert.equal(r.doc, null);
    assert.equal(r.config, null);
    assert.deepEqual(r.errors.map((e) => [e.message, e.range]), [[`cannot read ${path}: no such file`, { start: 0, end: 0 }]]);
    assert.equal(formatError(r.doc, path, r.errors[0]), `${path}: error: cannot read ${path}: no such file`);
  });

  it('reads a file with a byte order mark', () => {
    const dir = mkdtempSync(join(tmpdir(), 'memmap-lab-config-'));
    const file = join(dir, 'bom.memmap.json');
    const json = readFileSync(join(FIXTURES, 'full.memmap.json'), 'utf8');
    writeFileSync(file, '\ufeff' + json);
    const r = loadConfigFile(file);
    assert.deepEqual(r.errors, []);
    assert.equal(r.config!.name, 'two-socket');
  });
});

describe('messages quote what the user wrote as a short, printable excerpt', () => {
  // Control characters (C0, DEL, C1), format characters and line separators: what a terminal acts on or hides.
  const printable = (m: string) =>
    [...m].every((c) => {
      const n = c.codePointAt(0)!;
      return n >= 0x20 && !(n >= 0x7f && n <= 0x9f) && !(n >= 0x200b && n <= 0x200f) && n !== 0x2028 && n !== 0x2029;
    });

  it('a binary file: the message shows its first bytes escaped, not its whole content', () => {
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(7000, 0), Buffer.from('\x1b[31mred\x1b[0m')]);
    const dir = mkdtempSync(join(tmpdir(), 'memmap-binary-'));
    writeFileSync(join(dir, 'x.memmap.yaml'), elf);
    const e = only(loadConfigFile(join(dir, 'x.memmap.yaml')));
    assert.equal(e.message, 'the config must be an object with fields such as "nodes" and "devices", got string "\\u007fELF\\u0002\\u0001\\u0001\\u0000\\u0000…" (7020 characters)');
  });

  it('every message of a loaded file is printable and short, whatever the bytes', () => {
    // Deterministic pseudo-random bytes, and text that makes the YAML parser quote it ("unknown directive %...").
    let seed = 7;
    const bytes = Buffer.from(Array.from({ length: 6000 }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff));
    const texts = [bytes.toString('latin1'), bytes.toString('utf8'), `%${'\u0001\u009b'.repeat(3000)}\n---\nnodes: []\n`, `nodes:\n  - id: 0\n    ranges: [{ start: 0, size: "${'\u001b'.repeat(500)}" }]\n`];
    for (const text of texts) {
      for (const e of loadConfigText(text, 'x.memmap.yaml').errors) {
        assert.ok(e.message.length <= 400, `${e.message.length}: ${e.message.slice(0, 80)}`);
        assert.ok(printable(e.message), e.message.slice(0, 80));
      }
    }
  });

  it('long values are cut with an ellipsis; short printable ones are quoted as before', () => {
    const long = 'x'.repeat(5000);
    const size = only(loadConfigText(`nodes:\n  - id: 0\n    ranges: [{ start: 0, size: "${long}G" }]\n`, 'x.memmap.yaml'));
    assert.match(size.message, /^nodes\[0\]\.ranges\[0\]\.size: unparsable size "x{40}…": use bytes/);
    const field = only(loadConfigText(`nodes:\n  - id: 0\n    "${'x'.repeat(1000)}": 1\n    ranges: [{ start: 0, size: 4G }]\n`, 'x.memmap.yaml'));
    assert.match(field.message, /^unknown field 'x{40}…' in nodes\[0\]/);
    assert.equal(only(loadConfigText('kernel:\n  hvo: "y\\u001bes"\n' + MIN_NODES, 'x.memmap.yaml')).message, 'kernel.hvo: expected a boolean (true or false), got string "y\\u001bes"');
    assert.equal(only(loadConfigText('kernel:\n  hvo: "say \\"yes\\""\n' + MIN_NODES, 'x.memmap.yaml')).message, 'kernel.hvo: expected a boolean (true or false), got string "say \\"yes\\""');
  });
});

describe('files that are not UTF-8 are errors, never read with replacement characters', () => {
  const write = (name: string, bytes: Buffer) => {
    const dir = mkdtempSync(join(tmpdir(), 'memmap-enc-'));
    writeFileSync(join(dir, name), bytes);
    return join(dir, name);
  };
  const latin1 = (s: string) => Buffer.from(s, 'latin1');

  it('Latin-1 bytes: one error at the first bad byte, with its value (no silent U+FFFD, no duplicate names)', () => {
    const text = `${MIN_NODES}devices:\n  - { name: "caf\u00e9", start: 1T, size: 16G }\n  - { name: "caf\u00e8", start: 2T, size: 16G }\n`;
    const file = write('l1.memmap.yaml', latin1(text));
    const e = only(loadConfigFile(file));
    assert.equal(e.message, 'byte 0xE9 is not valid UTF-8 (Latin-1 or Windows-1252 text?): save the file as UTF-8');
    assert.deepEqual([e.line, e.column], [6, 17]);
    assert.equal(e.source, 'syntax');
    const r = loadConfigFile(file);
    assert.equal(formatError(r.doc, 'l1.memmap.yaml', r.errors[0]), `l1.memmap.yaml:6:17: error: ${e.message}`);
    // A scenario of it gives the same error, not "unknown scenario".
    assert.deepEqual(scenarioConfig(r, 'x').errors.map((x) => x.message), [e.message]);
    // A single one in a comment is not changed silently either.
    assert.match(only(loadConfigFile(write('c.memmap.yaml', latin1(`${MIN_NODES}# \u00ff\n`)))).message, /^byte 0xFF is not valid UTF-8/);
  });

  it('UTF-16 (with a BOM, or NULs) and UTF-32 say so', () => {
    const text = MIN_NODES;
    const le = Buffer.from(text, 'utf16le');
    const be = Buffer.from(le).swap16();
    for (const [bytes, what] of [
      [Buffer.concat([Buffer.from([0xff, 0xfe]), le]), 'UTF-16 (little-endian)'],
      [le, 'UTF-16 (little-endian)'],
      [Buffer.concat([Buffer.from([0xfe, 0xff]), be]), 'UTF-16 (big-endian)'],
      [be, 'UTF-16 (big-endian)'],
      [Buffer.from([0xff, 0xfe, 0, 0, 0x6e, 0, 0, 0]), 'UTF-32 (little-endian)'],
    ] as const) {
      for (const name of ['u.memmap.yaml', 'u.memmap.json']) {
        const e = only(loadConfigFile(write(name, bytes)));
        assert.equal(e.message, `this file is ${what}: save it as UTF-8`);
        assert.deepEqual([e.line, e.column], [1, 1]);
      }
    }
  });

  it('UTF-8 with or without a BOM reads as before; the decoder finds the first invalid sequence', () => {
    assert.deepEqual(decodeConfigBytes(Buffer.from('\ufeffname: "caf\u00e9 \u{1f4be}"\n')), { ok: true, text: 'name: "caf\u00e9 \u{1f4be}"\n' });
    assert.deepEqual(loadConfigFile(write('ok.memmap.yaml', Buffer.from(`name: "caf\u00e9"\n${MIN_NODES}`))).errors, []);
    for (const [bytes, at] of [
      [[0x61, 0x80], 1],
      [[0xc3], 0],
      [[0xe2, 0x82], 0],
      [[0xed, 0xa0, 0x80], 0],
      [[0xf4, 0x90, 0x80, 0x80], 0],
      [[0xc0, 0xaf], 0],
      [[0x61, 0xe2, 0x82, 0xac, 0xe9, 0x62], 4],
    ] as const) {
      assert.equal(firstInvalidUtf8(Uint8Array.from(bytes)), at, String(bytes));
    }
    const d = decodeConfigBytes(Uint8Array.from([0x61, 0xe2, 0x82, 0xac, 0x0a, 0xe9, 0x62]));
    assert.ok(!d.ok);
    assert.equal(d.offset, 3);
    assert.equal(d.text, 'a\u20ac\n\ufffdb');
  });
});

describe('names are printable; free text holds no control characters but tabs and line breaks', () => {
  it('a device name with ESC, BEL or a line break: an error naming the character, at the name', () => {
    const json = JSON.stringify({
      nodes: [{ id: 0, ranges: [{ start: '4G', size: '64G' }] }],
      devices: [
        { name: 'a\u001b]0;pwned\u0007\u001b[2J', start: '1T', size: '16G' },
        { name: 'b\nFAKE: error: all good', start: '2T', size: '16G' },
      ],
    });
    const r = loadConfigText(json, 'x.memmap.json');
    assert.equal(r.config, null);
    assert.deepEqual(
      r.errors.map((e) => e.message),
      [
        "devices[0].name: 'a\\u001b]0;pwned\\u0007\\u001b[2J' contains the control character U+001B (ESC) at character 2: names and other identifiers must be printable text",
        "devices[1].name: 'b\\nFAKE: error: all good' contains the control character U+000A (LF) at character 2: names and other identifiers must be printable text",
      ],
    );
    assert.equal(where(r)[0][1], json.indexOf('"a\\u001b') + 1);
  });

  it('DEL, C1, bidirectional overrides in the config, scenario and calibration names; the scenario set too', () => {
    const cases: [string, string][] = [
      [`name: "x\\x7f"\n${MIN_NODES}`, 'name: \'x\\u007f\' contains the control character U+007F (DEL) at character 2'],
      [`name: "x\\x9b"\n${MIN_NODES}`, 'name: \'x\\u009b\' contains the control character U+009B (CSI) at character 2'],
      [`name: "a\\u202Eb"\n${MIN_NODES}`, "name: 'a\\u202eb' contains the control character U+202E (RIGHT-TO-LEFT OVERRIDE) at character 2"],
      [`${MIN_NODES}scenarios:\n  - name: "s\\ts"\n`, "scenarios[0].name: 's\\ts' contains the control character U+0009 (TAB) at character 2"],
      [`${MIN_NODES}machine:\n  calibration: [ { phase: zoneDevice, device: "d\\x85", ms: 1 } ]\n`, "machine.calibration[0].device: 'd\\u0085' contains the control character U+0085 (NEL) at character 2"],
      [`${MIN_NODES}devices: [ { name: ns0, start: 1T, size: 16G } ]\nscenarios:\n  - name: s\n    set: { "devices[0].name": "n\\e" }\n`, "scenario 's': devices[0].name: 'n\\u001b' contains the control character U+001B (ESC) at character 2"],
    ];
    for (const [text, message] of cases) assert.equal(only(loadConfigText(text, 'x.memmap.yaml')).message.split(': names and')[0], message);
  });

  it('free text: tabs and line breaks are fine, ESC is not', () => {
    const ok = loadConfigText(`description: |\n  two\tlines\n  of text\n${MIN_NODES}scenarios:\n  - name: s\n    description: "a\\r\\nb"\n`, 'x.memmap.yaml');
    assert.deepEqual(ok.errors, []);
    const bad = only(loadConfigText(`description: "red \\e[31m"\n${MIN_NODES}`, 'x.memmap.yaml'));
    assert.equal(bad.message, "description: 'red \\u001b[31m' contains the control character U+001B (ESC) at character 5: free text may hold tabs and line breaks, but no other control characters");
    // Printable Unicode, emoji sequences (ZWJ) included, is fine in names.
    assert.deepEqual(loadConfigText(`name: "caf\u00e9 \u{1f468}\u200d\u{1f4bb}"\n${MIN_NODES}`, 'x.memmap.yaml').errors, []);
  });
});

describe('kernel versions have no leading zeros', () => {
  it('"6.012" is an error at the version, not 6.12; "6.0" and "6.12" are fine', () => {
    const e = only(loadConfigText(`${MIN_NODES}kernel: { version: "6.012" }\n`, 'x.memmap.yaml'));
    assert.equal(e.message, 'kernel.version: "6.012" has a leading zero in its minor number: kernel versions have none (e.g. "6.12", not "6.012")');
    assert.deepEqual([e.line, e.column, e.text], [5, 20, '"6.012"']);
    assert.match(only(loadConfigText(`${MIN_NODES}kernel: { version: "06.1" }\n`, 'x.memmap.yaml')).message, /leading zero in its major number/);
    assert.match(only(loadConfigText(`${MIN_NODES}kernel: { version: "99999999999999999999.1" }\n`, 'x.memmap.yaml')).message, /major number 99999999999999999999 is not a kernel release/);
    // Unquoted in YAML: the number 6.012; quoting it would not help, so no "quote it".
    assert.equal(only(loadConfigText(`${MIN_NODES}kernel: { version: 6.012 }\n`, 'x.memmap.yaml')).message, 'kernel.version: expected a string, got number 6.012: "6.012" has a leading zero in its minor number: kernel versions have none (e.g. "6.12", not "6.012")');
    for (const v of ['6.0', '6.12', '2.6', '10.100']) assert.deepEqual(loadConfigText(`${MIN_NODES}kernel: { version: "${v}" }\n`, 'x.memmap.yaml').errors, [], v);
    // The default from the CLI or the extension's setting is held to the same rule.
    assert.match(only(loadConfigText(MIN_NODES, 'x.memmap.yaml', { defaultKernelVersion: '6.010' })).message, /^kernel\.version: "6\.010" has a leading zero/);
    assert.deepEqual(parseKernelVersion('6.12'), { ok: true, major: 6, minor: 12 });
  });
});

describe('printing config strings', () => {
  it('terminalSafe escapes what a terminal acts on, keeps line breaks and tabs, and JSON stays the same JSON', () => {
    assert.equal(terminalSafe('a\u001b[2Jb\n\tc\r\nd\re\u202ef\u0085'), 'a\\u001b[2Jb\n\tc\r\nd\\re\\u202ef\\u0085');
    const doc = { name: 'a\u007f\u009b\u2066', n: 1 };
    assert.deepEqual(JSON.parse(terminalSafe(JSON.stringify(doc))), doc);
    assert.equal(terminalSafe('plain\n'), 'plain\n');
  });

  it('printableLine keeps a finding on one line, whatever its length', () => {
    assert.equal(printableLine('device b\nFAKE: error'), 'device b\\nFAKE: error');
    assert.equal(printableLine('x'.repeat(1000)).length, 1000);
  });
});
