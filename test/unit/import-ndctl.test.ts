// `ndctl list -N` JSON import: the fixtures (test/fixtures/import/, written for these tests) hold a devdax
// and an fsdax namespace of a 2-node pmem host, listed with -N (no addresses) and -Nv (resource, numa_node).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigText } from '../../src/config/load';
import { simulateMemmap } from '../../src/core/simulate';
import { parseNdctlJson, looksLikeNdctlJson } from '../../src/trace/import';
import { runCli } from './cli-run';
import { importOk as importRun } from './import-run';

const FIX = join(__dirname, '..', 'fixtures', 'import');
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

const cli = (...argv: string[]) => runCli(FIX, ...argv);

const importOk = (...files: string[]) => importRun(FIX, ...files);

function tmpFile(name: string, text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'memmap-ndctl-')), name);
  writeFileSync(p, text);
  return p;
}

describe('import: ndctl list -N JSON', () => {
  it('parses the fixture: modes, map, usable sizes, align, devices', () => {
    const p = parseNdctlJson(
      JSON.stringify([
        { dev: 'namespace1.0', mode: 'devdax', map: 'dev', size: 135289372672, chardev: 'dax1.0', align: 2097152 },
        { dev: 'namespace0.0', mode: 'fsdax', map: 'dev', size: 67643637760, sector_size: 512, align: 2097152, blockdev: 'pmem0' },
      ]),
    );
    assert.deepEqual(p.errors, []);
    assert.deepEqual(
      p.namespaces.map((n) => [n.dev, n.mode, n.map, n.size, n.align, n.blockdev, n.chardev, n.resource]),
      [
        ['namespace1.0', 'devdax', 'dev', 135289372672, 2097152, null, 'dax1.0', null],
        ['namespace0.0', 'fsdax', 'dev', 67643637760, 2097152, 'pmem0', null, null],
      ],
    );
  });

  it('-Nv: namespaces at their "resource", on their numa_node, raw size recovered from the usable size', async () => {
    const { cfg, text } = await importOk('pmem-host.dmesg', 'ndctl-list-Nv.json');
    const d = Object.fromEntries(cfg.devices.map((x) => [x.name, x]));
    assert.deepEqual(
      [d['namespace0.0'].mode, d['namespace0.0'].map, d['namespace0.0'].start, d['namespace0.0'].size, d['namespace0.0'].align, d['namespace0.0'].node],
      ['fsdax', 'dev', 0x3040000000, 64 * GiB, 2 * MiB, 0],
    );
    assert.deepEqual(
      [d['namespace1.0'].mode, d['namespace1.0'].map, d['namespace1.0'].start, d['namespace1.0'].size, d['namespace1.0'].node],
      ['devdax', 'dev', 0x4040000000, 128 * GiB, 1],
    );
    assert.match(text, /start: "0x3040000000" # ndctl "resource"/);
    assert.match(text, /size: 64G # ndctl size 67643637760 is the usable size/);
    assert.match(text, /name: namespace0\.0 # blockdev \/dev\/pmem0/);
    // The simulated kernel agrees: the usable pages are ndctl's size.
    const mem = simulateMemmap(cfg);
    const sim = Object.fromEntries(mem.memmap.devices.map((x) => [x.name, x]));
    assert.equal(sim['namespace0.0'].usablePages * 4096, 67643637760);
    assert.equal(sim['namespace1.0'].usablePages * 4096, 135289372672);
    assert.ok(mem.memmap.devices.every((x) => x.status === 'ok'));
  });

  it('-N (no resource): placed in the log\'s SRAT non-volatile ranges, first fit, with the node of the range', async () => {
    const { cfg, text } = await importOk('pmem-host.dmesg', 'ndctl-list-N.json');
    const d = Object.fromEntries(cfg.devices.map((x) => [x.name, x]));
    assert.deepEqual([d['namespace1.0'].start, d['namespace1.0'].node], [0x4040000000, 1], 'the 128G namespace only fits node 1\'s range');
    assert.deepEqual([d['namespace0.0'].start, d['namespace0.0'].node], [0x3040000000, 0]);
    assert.match(text, /in the persistent memory of line 14: "ACPI: SRAT: Node 1 PXM 1 \[mem 0x4040000000-0x603fffffff\] non-volatile"/);
  });

  it('ndctl JSON alone: namespaces above a placeholder RAM node, said so', async () => {
    const { cfg, text, err } = await importOk('ndctl-list-N.json');
    assert.equal(cfg.nodes.length, 1);
    assert.match(text, /PLACEHOLDER: ndctl \/ daxctl JSON does not describe RAM/);
    assert.match(err, /no "resource" in the ndctl JSON; placed at 0x1100000000, above RAM/);
    const ram = cfg.nodes[0].ranges[0];
    assert.ok(cfg.devices.every((x) => x.start >= ram.start + ram.size && x.start % GiB === 0));
    assert.ok(simulateMemmap(cfg).memmap.devices.every((x) => x.status === 'ok'));
  });

  it('older mode names, raw and sector namespaces, a single object, -RN nesting with the region\'s numa_node, -u sizes', async () => {
    const json = {
      provider: 'ACPI.NFIT',
      dev: 'ndbus0',
      regions: [
        {
          dev: 'region0',
          size: 68719476736,
          numa_node: 1,
          namespaces: [
            { dev: 'namespace0.0', mode: 'memory', size: '62.98 GiB (67.64 GB)', uuid: 'x', blockdev: 'pmem0', align: '2.00 MiB' },
            { dev: 'namespace0.1', mode: 'raw', size: 1073741824, blockdev: 'pmem0.1' },
            { dev: 'namespace0.2', mode: 'sector', size: 1073610752, blockdev: 'pmem0.2s', sector_size: 4096 },
            { dev: 'namespace0.3', mode: 'fsdax', size: 0, state: 'disabled' },
          ],
        },
      ],
    };
    const p = parseNdctlJson(JSON.stringify(json));
    assert.deepEqual(p.errors, []);
    assert.deepEqual(
      p.namespaces.map((n) => [n.dev, n.mode, n.numaNode, n.sizeApproximate]),
      [
        ['namespace0.0', 'fsdax', 1, true],
        ['namespace0.1', 'raw', 1, false],
        ['namespace0.2', 'raw', 1, false],
      ],
    );
    assert.match(p.skipped[0].message, /namespace0\.3: state "disabled"/);
    const one = parseNdctlJson('{"dev":"namespace3.0","mode":"devdax","map":"mem","size":34359738368,"align":1073741824,"chardev":"dax3.0"}');
    assert.deepEqual(
      one.namespaces.map((n) => [n.dev, n.map, n.align]),
      [['namespace3.0', 'mem', GiB]],
    );
    const f = tmpFile('ndctl.json', JSON.stringify(json, null, 2));
    const r = await cli('import', f);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /mode: fsdax # ndctl mode "memory" is the older name of fsdax/);
    assert.match(r.out, /mode: raw # ndctl mode "sector" \(BTT\): no struct pages, modelled as raw/);
    assert.match(r.err, /ndctl -u printed a rounded size/);
    assert.ok(loadConfigText(r.out, 'y.memmap.yaml').config);
  });

  it('tells ndctl JSON from logs and traces', () => {
    assert.equal(looksLikeNdctlJson('[\n  {\n    "dev":"namespace0.0"'), true);
    assert.equal(looksLikeNdctlJson('{"dev":"namespace0.0"}'), true);
    assert.equal(looksLikeNdctlJson('[    0.000000] Linux version 6.1.0'), false);
    assert.equal(looksLikeNdctlJson('{"MESSAGE":"Linux version 6.1","__MONOTONIC_TIMESTAMP":"0"}'), false);
    assert.equal(looksLikeNdctlJson('{"traceEvents":[]}'), false);
  });

  it('malformed JSON: exit 2 with file:line:column', async () => {
    const f = tmpFile('broken.json', '[\n  {\n    "dev":"namespace0.0",\n    "mode":"fsdax"\n    "size":1073741824\n  }\n]\n');
    const r = await cli('import', f);
    assert.equal(r.code, 2);
    assert.match(r.err, /broken\.json:5:5: malformed JSON: comma expected/);
    assert.equal(r.out, '');
  });

  it('a namespace with a bad field: exit 2 at the field', async () => {
    const f = tmpFile('bad.json', '[\n  {"dev":"namespace0.0","mode":"fsdax","size":"12x"},\n  {"dev":"namespace0.1","mode":"turbo","size":1}\n]\n');
    const r = await cli('import', f);
    assert.equal(r.code, 2);
    assert.match(r.err, /bad\.json:2:47: namespace0\.0: "size" "12x" is not a byte count/);
    assert.match(r.err, /bad\.json:3:32: namespace0\.1: unknown mode "turbo"/);
  });

  it('JSON without namespaces is not ndctl output', async () => {
    const f = tmpFile('other.json', '{"regions":[]}');
    const r = await cli('import', f);
    assert.equal(r.code, 2);
    assert.match(r.err, /other\.json:1:1: no namespace or dax device found .*ndctl list -N. or .daxctl list/);
  });
});
