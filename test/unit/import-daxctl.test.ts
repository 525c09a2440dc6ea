// `daxctl list` JSON import (CXL regions and soft-reserved memory as dax devices): the parser (fields of
// daxctl/json.c, what provides the memory from the region path, mappings, bad input with locations), the
// config it builds, and the real `daxctl list -iDMR` of corpus log 18 (an 8 GiB hmem device onlined as
// System RAM on node 1) imported with that log: its lsmem range is the device, not node 1's boot RAM.
import { describe, it } from 'node:test';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigText } from '../../src/config/load';
import { simulateMemmap } from '../../src/core/simulate';
import { daxProvider } from '../../src/trace/import/ndctl';
import { buildImport, looksLikeNdctlJson, parseNdctlJson } from '../../src/trace/import';
import { runCli } from './cli-run';
import { importOk as importRun } from './import-run';
import { corpusFile } from './corpus';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const dir = mkdtempSync(join(tmpdir(), 'memmap-daxctl-'));
const cli = (...argv: string[]) => runCli(dir, ...argv);

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const importOk = (...files: string[]) => importRun(dir, ...files);

/** `daxctl list -RDM` of a CXL expander (two mappings, listed out of page_offset order) and an hmem device. */
const CXL_AND_HMEM = JSON.stringify(
  [
    {
      path: '/platform/ACPI0017:00/root0/decoder0.0/region0/dax_region0',
      id: 0,
      size: 64 * GiB,
      align: 2 * MiB,
      devices: [
        {
          chardev: 'dax0.0',
          size: 64 * GiB,
          target_node: 2,
          align: 2 * MiB,
          mode: 'system-ram',
          online_memblocks: 32,
          total_memblocks: 32,
          movable: true,
          mappings: [
            { page_offset: '0xc00000', start: '0x3000000000', end: '0x33ffffffff', size: 16 * GiB },
            { page_offset: '0', start: '0x2080000000', end: '0x2c7fffffff', size: 48 * GiB },
          ],
        },
      ],
    },
    { path: '/platform/hmem.1', id: 1, size: 16 * GiB, align: 2 * MiB, devices: [{ chardev: 'dax1.0', size: 16 * GiB, target_node: 3, align: 1 * GiB, mode: 'devdax' }] },
  ],
  null,
  2,
);

describe('import: daxctl list JSON', () => {
  it('what provides the memory, from the region path', () => {
    assert.equal(daxProvider('/platform/ACPI0017:00/root0/decoder0.0/region0/dax_region0'), 'cxl');
    assert.equal(daxProvider('/platform/hmem.0'), 'hmem');
    assert.equal(daxProvider('/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/region1/dax1.0'), 'pmem');
    assert.equal(daxProvider('/platform/e820_pmem/ndbus0/region0/dax0.0'), 'pmem');
    assert.equal(daxProvider('/somewhere/else'), null);
  });

  it('parses devices inside regions: modes, sizes, node, mappings in page_offset order, provider', () => {
    assert.ok(looksLikeNdctlJson(CXL_AND_HMEM));
    const p = parseNdctlJson(CXL_AND_HMEM);
    assert.deepEqual(p.errors, []);
    assert.equal(p.namespaces.length, 0);
    const [cxl, hmem] = p.daxDevices;
    assert.deepEqual(
      { chardev: cxl.chardev, mode: cxl.mode, size: cxl.size, node: cxl.targetNode, provider: cxl.provider, blocks: [cxl.onlineBlocks, cxl.totalBlocks] },
      { chardev: 'dax0.0', mode: 'kmem', size: 64 * GiB, node: 2, provider: 'cxl', blocks: [32, 32] },
    );
    assert.deepEqual(cxl.mappings, [
      { start: 0x2080000000, size: 48 * GiB },
      { start: 0x3000000000, size: 16 * GiB },
    ]);
    assert.deepEqual({ mode: hmem.mode, align: hmem.align, provider: hmem.provider, mappings: hmem.mappings }, { mode: 'devdax', align: GiB, provider: 'hmem', mappings: [] });
  });

  it('builds devices: one per mapping, kind from the region, map mem, memory-less target nodes; it simulates cleanly', async () => {
    const { cfg, text, err } = await importOk(file('cxl.json', CXL_AND_HMEM));
    assert.deepEqual(
      cfg.devices.map((d) => [d.name, d.kind, d.mode, d.node, d.start, d.size, d.align, d.map]),
      [
        ['dax0.0.m0', 'cxl', 'kmem', 2, 0x2080000000, 48 * GiB, 2 * MiB, 'mem'],
        ['dax0.0.m1', 'cxl', 'kmem', 2, 0x3000000000, 16 * GiB, 2 * MiB, 'mem'],
        ['dax1.0', 'hmem', 'devdax', 3, cfg.devices[2].start, 16 * GiB, GiB, 'mem'],
      ],
    );
    // Without mappings the hmem device is placed above RAM and clear of the CXL ranges, and said so.
    assert.ok(cfg.devices[2].start >= 0x3400000000 || cfg.devices[2].start + 16 * GiB <= 0x2080000000);
    assert.match(text, /start: "0x[0-9a-f]+" # placed above RAM: daxctl printed no mappings \(daxctl list -M shows them\)/);
    assert.match(err, /dax1\.0 has no mappings in the daxctl JSON/);
    assert.match(text, /# system-ram: 32 of 32 memory blocks online/);
    assert.match(text, /kind: cxl # from the region path \/platform\/ACPI0017:00\/root0\/decoder0\.0\/region0\/dax_region0/);
    assert.match(text, /memmap_on_memory \(6\.8\+\)/);
    assert.deepEqual(cfg.nodes.map((n) => [n.id, n.ranges.length, n.cpus]), [[0, 1, 1], [2, 0, 0], [3, 0, 0]]);
    const sim = simulateMemmap(cfg);
    assert.deepEqual(sim.errors.filter((e) => e.severity === 'error'), []);
    assert.equal(sim.memmap.devices.find((d) => d.name === 'dax1.0')!.structPages, (16 * GiB) / 4096);
  });

  it('without regions the provider is a stated guess; famfs is a devdax mode; disabled and NVDIMM devices are skipped', async () => {
    const json = JSON.stringify([
      { chardev: 'dax4.0', size: 8 * GiB, target_node: 1, mode: 'famfs', mappings: [{ page_offset: '0', start: '0x4000000000', end: '0x41ffffffff', size: 8 * GiB }] },
      { chardev: 'dax5.0', size: 8 * GiB, target_node: 1, mode: 'devdax', state: 'disabled' },
      { path: '/platform/ACPI0012:00/ndbus0/region0', id: 0, devices: [{ chardev: 'dax0.1', size: 4 * GiB, mode: 'devdax' }] },
    ]);
    const p = parseNdctlJson(json);
    assert.deepEqual(p.daxDevices.map((d) => [d.chardev, d.mode, d.modeAsPrinted, d.provider]), [['dax4.0', 'devdax', 'famfs', null]]);
    assert.deepEqual(p.skipped.map((s) => s.message.split(':')[0]), ['dax5.0', 'dax0.1']);
    assert.match(p.skipped[1].message, /on an NVDIMM namespace .*import `ndctl list -N` for it/);
    const { cfg, text, err } = await importOk(file('famfs.json', json));
    assert.deepEqual(cfg.devices.map((d) => [d.name, d.kind, d.mode]), [['dax4.0', 'cxl', 'devdax']]);
    assert.match(text, /kind: cxl # guess: daxctl list -D does not say what provides the memory/);
    assert.match(text, /mode: devdax # daxctl mode "famfs": a device-dax mode/);
    assert.match(err, /dax4\.0: kind cxl assumed/);
    assert.match(err, /skipped dax5\.0: state "disabled"/);
  });

  it('bad daxctl input is located: mode, size, align, mappings', () => {
    const bad = (dev: Record<string, unknown>) => parseNdctlJson(JSON.stringify([{ chardev: 'dax0.0', size: GiB, mode: 'devdax', ...dev }], null, 1)).errors;
    assert.match(bad({ mode: 'turbo' })[0].message, /^dax0\.0: unknown mode "turbo" \(expected system-ram, devdax or famfs\)/);
    assert.match(bad({ size: 'lots' })[0].message, /"size" "lots" is not a byte count/);
    assert.match(bad({ align: 0 })[0].message, /"align" 0 is not a byte count/);
    const m = bad({ mappings: [{ page_offset: '0', start: '0x1000', end: '0xfff' }] });
    assert.match(m[0].message, /a mapping without a valid "start" and "end"/);
    assert.deepEqual([m[0].line, m[0].column], [6, 15], 'at the "mappings" value');
    assert.deepEqual(bad({ mappings: [{ page_offset: '0', start: '0x100000000', end: '0x13fffffff' }] }), [], 'mappings that cover the device are fine');
    assert.match(bad({ size: 2 * GiB, mappings: [{ page_offset: '0', start: '0x100000000', end: '0x13fffffff' }] })[0].message, /the mappings cover 1073741824 bytes, the device 2147483648/);
  });
});

describe('import: daxctl JSON never crashes the parser or the import', () => {
  it('any JSON, and daxctl devices with any field replaced: errors or a config that loads', () => {
    const fields = ['chardev', 'mode', 'size', 'align', 'target_node', 'mappings', 'state', 'path', 'online_memblocks'];
    const device = { chardev: 'dax0.0', size: 8 * GiB, target_node: 1, align: 2 * MiB, mode: 'system-ram', mappings: [{ page_offset: '0', start: '0x2080000000', end: '0x227fffffff', size: 8 * GiB }] };
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.dictionary(fc.constantFrom(...fields), fc.jsonValue()).map((over) => JSON.stringify([{ path: '/platform/hmem.0', devices: [{ ...device, ...over }] }]))), (text) => {
        const parse = parseNdctlJson(text);
        for (const e of parse.errors) assert.ok(e.line >= 1 && e.column >= 1 && e.message.length > 0);
        if (parse.errors.length) return;
        const r = buildImport({ ndctl: { path: 'fuzz.json', parse } });
        if (r.ok) assert.ok(loadConfigText(r.text, 'fuzz.memmap.yaml').config, r.text);
        else assert.ok(r.errors.length > 0);
      }),
      { numRuns: 300, seed: 20261207 },
    );
  });
});

describe('import: a log, ndctl namespaces and daxctl devices of one machine together', () => {
  it('takes both JSON files; each device cites its own file; a bad JSON is reported with its own path', async () => {
    const FIX = join(__dirname, '..', 'fixtures', 'import');
    const { cfg, text } = await importOk(join(FIX, 'pmem-host.dmesg'), join(FIX, 'ndctl-list-Nv.json'), file('cxl.json', CXL_AND_HMEM));
    assert.deepEqual(cfg.devices.map((d) => [d.name, d.kind]), [['namespace1.0', 'pmem'], ['namespace0.0', 'pmem'], ['dax0.0.m0', 'cxl'], ['dax0.0.m1', 'cxl'], ['dax1.0', 'hmem']]);
    assert.match(text, /# from ndctl-list-Nv\.json:\d+: \{"dev":"namespace0\.0"/);
    assert.match(text, /# from cxl\.json:\d+: \{"chardev":"dax0\.0"/);
    assert.match(text, /# devices: .*ndctl-list-Nv\.json, .*cxl\.json \(ndctl list -N, daxctl list\)/);
    const bad = await cli('import', join(FIX, 'ndctl-list-Nv.json'), file('bad.json', '[{"chardev":"dax9.0","mode":"devdax"}]'));
    assert.equal(bad.code, 2);
    assert.match(bad.err, /bad\.json:1:2: dax9\.0: no "size"/);
  });
});

describe('import: corpus 18, a CXL/hmem host: its dmesg-less issue text with lsmem, and its `daxctl list -iDMR`', () => {
  // The daxctl JSON is the fenced block after "$ daxctl list -iDMR" in the corpus file (read in place).
  const log = corpusFile('18');
  const text = readFileSync(log, 'utf8');
  const json = /\$ daxctl list -iDMR\n([\s\S]*?)\n```/.exec(text)?.[1] ?? '';

  it('node 1 RAM from lsmem alone; with the daxctl JSON it is dax0.0 (hmem, system-ram) and node 1 has no boot RAM', async () => {
    assert.ok(json.startsWith('['), 'the daxctl block of corpus 18');
    const alone = await importOk(log);
    assert.deepEqual(alone.cfg.nodes.map((n) => [n.id, n.ranges.map((r) => [r.start, r.size])]), [
      [0, [[0, 2 * GiB], [0x100000000, 126 * GiB]]],
      [1, [[0x2080000000, 8 * GiB]]],
    ]);
    const both = await importOk(log, file('18-daxctl.json', json));
    assert.deepEqual(both.cfg.nodes.map((n) => [n.id, n.ranges.length, n.cpus]), [[0, 2, 1], [1, 0, 0]]);
    assert.deepEqual(both.cfg.devices.map((d) => [d.name, d.kind, d.mode, d.node, d.start, d.size, d.align]), [['dax0.0', 'hmem', 'kmem', 1, 0x2080000000, 8 * GiB, 2 * MiB]]);
    assert.match(both.text, /start: "0x2080000000" # lsmem line 42: .*node 1's 8 GiB of System RAM is this device \(daxctl system-ram\), not boot RAM/);
    assert.match(both.text, /# no boot RAM: the memory lsmem lists on node 1 is dax0\.0 \(dax\/kmem\)/);
    // The memory block size lsmem prints (2G) is what the simulator probes; dax/kmem adds 4 blocks (65-68).
    const sim = simulateMemmap(both.cfg);
    assert.deepEqual(sim.errors.filter((e) => e.severity === 'error'), []);
    assert.equal(sim.layout.memoryBlockBytes, 2 * GiB);
    assert.equal(sim.memmap.devices[0].structPages, (8 * GiB) / 4096);
    assert.equal((await cli('check', file('18.memmap.yaml', both.text))).code, 0);
  });

  it('with `daxctl list -M` mappings (as daxctl/json.c prints them) the lsmem range leaves boot RAM too: the output simulates and checks clean', async () => {
    // The real -iDMR block plus the mappings array util_daxctl_mapping_to_json() adds (hex strings, size a number).
    const regions = JSON.parse(json) as Array<{ devices: Array<Record<string, unknown>> }>;
    regions[0].devices[0].mappings = [{ page_offset: '0x0', start: '0x2080000000', end: '0x227fffffff', size: 8 * GiB }];
    const withM = await importOk(log, file('18-daxctl-M.json', JSON.stringify(regions, null, 2)));
    assert.deepEqual(withM.cfg.nodes.map((n) => [n.id, n.ranges.map((r) => [r.start, r.size]), n.cpus]), [
      [0, [[0, 2 * GiB], [0x100000000, 126 * GiB]], 1],
      [1, [], 0],
    ]);
    assert.deepEqual(withM.cfg.devices.map((d) => [d.name, d.kind, d.mode, d.node, d.start, d.size]), [['dax0.0', 'hmem', 'kmem', 1, 0x2080000000, 8 * GiB]]);
    assert.match(withM.text, /start: "0x2080000000" # daxctl -M mapping start; lsmem line 42: .*node 1's memory there is this device \(daxctl system-ram\), not boot RAM/);
    assert.match(withM.text, /# no boot RAM: the memory the log lists on node 1 is dax0\.0 \(dax\/kmem, daxctl -M\)/);
    assert.doesNotMatch(withM.err, /EEXIST|simulate:/);
    // What docs/import-compare.md promises: the output simulates and checks without an error.
    const sim = simulateMemmap(withM.cfg);
    assert.deepEqual(sim.errors.filter((e) => e.severity === 'error'), []);
    assert.equal(sim.memmap.devices[0].structPages, (8 * GiB) / 4096);
    const yaml = file('18-M.memmap.yaml', withM.text);
    const simulated = await cli('simulate', yaml);
    assert.equal(simulated.code, 0, simulated.out + simulated.err);
    const checked = await cli('check', yaml);
    assert.equal(checked.code, 0, checked.out + checked.err);
    assert.doesNotMatch(checked.out, /MM034/);
  });

  it('a mapping inside a larger lsmem or SRAT range takes only its bytes out of the node; the rest stays boot RAM', async () => {
    const dax = (mappings: Array<[number, number]>, mode = 'system-ram') =>
      JSON.stringify([{ path: '/platform/hmem.0', devices: [{ chardev: 'dax0.0', size: mappings.reduce((s, [, z]) => s + z, 0), target_node: 1, align: 2 * MiB, mode, mappings: mappings.map(([a, z], i) => ({ page_offset: `0x${(i * 0x100000).toString(16)}`, start: `0x${a.toString(16)}`, end: `0x${(a + z - 1).toString(16)}`, size: z })) }] }]);
    // lsmem: node 1 has 16G (blocks 65-72); the device is the middle 4G of it.
    const lsmem = file('lsmem.log', [
      '$ lsmem -o+ZONES,NODE',
      'RANGE                                  SIZE  STATE REMOVABLE BLOCK  ZONES NODE',
      '0x0000000100000000-0x000000017fffffff    2G online       yes   2-2 Normal    0',
      '0x0000002080000000-0x000000247fffffff   16G online       yes 65-72 Normal    1',
      '',
      'Memory block size:         2G',
      'Total online memory:      18G',
    ].join('\n') + '\n');
    const a = await importOk(lsmem, file('mid.json', dax([[0x2180000000, 4 * GiB]])));
    assert.deepEqual(a.cfg.nodes.find((n) => n.id === 1)!.ranges.map((r) => [r.start, r.size]), [[0x2080000000, 4 * GiB], [0x2280000000, 8 * GiB]]);
    assert.match(a.text, /less 0x2180000000-0x227fffffff: dax0\.0 \(daxctl -M\), not boot RAM/);
    assert.deepEqual(simulateMemmap(a.cfg).errors.filter((e) => e.severity === 'error'), []);
    // SRAT (firmware) lists soft-reserved memory too: a devdax device's mapping leaves it as well.
    const srat = file('srat.log', [
      '[    0.000000] ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x7fffffff]',
      '[    0.000000] ACPI: SRAT: Node 1 PXM 1 [mem 0x2080000000-0x247fffffff] hotplug',
      '[    0.100000] Memory: 1000K/2097152K available (100K kernel code, 100K rwdata, 100K rodata, 100K init, 100K bss, 1000K reserved, 0K cma-reserved)',
    ].join('\n') + '\n');
    const b = await importOk(srat, file('srat.json', dax([[0x2080000000, 8 * GiB]], 'devdax')));
    assert.deepEqual(b.cfg.nodes.find((n) => n.id === 1)!.ranges.map((r) => [r.start, r.size]), [[0x2280000000, 8 * GiB]]);
    assert.match(b.text, /start: "0x2080000000" # daxctl -M mapping start; SRAT line 2: .*node 1's memory there is this device \(daxctl devdax\), not boot RAM/);
    assert.deepEqual(simulateMemmap(b.cfg).errors.filter((e) => e.severity === 'error'), []);
  });
});
