// `memmap-lab compare --calibrate`: the log's deferred-init and ZONE_DEVICE times become machine.calibration
// points written into the config text (nothing else in the file changes), and the fitted errors drop.
//
// What "drops to ~0" means: the calibration mechanism (src/core/init/calibration.ts) solves ONE multiplier
// per point, on the constraint that binds in its isolated run: a per-page cost per media ("initPage:dram",
// "zoneDevicePage:pmem") when it is CPU-bound, the media's node write bandwidth ("writeBw:dram") when it is
// bandwidth-bound (deferred init with all of a node's CPUs, beyond ~11 of them). One point per key is
// reproduced exactly (asserted to 0.1%), and several points on one key share the geometric mean of their
// scales: what is left per node is the node-to-node spread of the measurements that a per-media parameter
// cannot express (asserted: the phase's geometric-mean error is small and every node is within the
// measured spread).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompareJson } from '../../src/cli/commands/compare';
import { loadConfigText } from '../../src/config/load';
import { runCli } from './cli-run';
import { CORPUS, corpusFile } from './corpus';

const FIX = join(__dirname, '..', 'fixtures', 'import');

const cli = runCli;

function workdir(): string {
  const d = mkdtempSync(join(tmpdir(), 'memmap-cal-'));
  copyFileSync(join(FIX, 'pmem-host.dmesg'), join(d, 'pmem-host.dmesg'));
  copyFileSync(join(FIX, 'ndctl-list-Nv.json'), join(d, 'ndctl-list-Nv.json'));
  return d;
}

const figures = (doc: CompareJson, kind: string) => doc.figures.filter((f) => f.figure === kind);

describe('compare --calibrate', () => {
  it('pmem host: ZONE_DEVICE errors drop to ~0, deferred init to the node spread; only machine: is added', async () => {
    const d = workdir();
    const imp = await cli(d, 'import', 'pmem-host.dmesg', 'ndctl-list-Nv.json', '-o', 'pm.memmap.yaml');
    assert.equal(imp.code, 0, imp.err);
    const original = readFileSync(join(d, 'pm.memmap.yaml'), 'utf8');

    const r = await cli(d, 'compare', 'pmem-host.dmesg', 'pm.memmap.yaml', '--calibrate', '--json');
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out) as CompareJson;
    const cal = doc.calibration!;
    assert.equal(cal.written, 'pm.memmap.yaml');
    assert.deepEqual(
      cal.points.map((p) => [p.phase, p.node ?? p.device, p.ms]),
      [
        ['deferred', 0, 76],
        ['deferred', 1, 76],
        ['zoneDevice', 'namespace0.0', 1012],
        ['zoneDevice', 'namespace1.0', 2024],
      ],
    );
    assert.deepEqual([cal.added, cal.replaced], [4, 0]);
    // Before: the default (Skylake J3 / Optane D7) costs are far off for this log.
    const zBefore = cal.before.figures.filter((f) => f.figure === 'zoneDeviceMs');
    assert.ok(zBefore.every((f) => Math.abs(f.relError!) > 0.3), 'uncalibrated ZONE_DEVICE times are off');
    // After: one scale for zoneDevicePage:pmem reproduces both namespaces (same per-page cost).
    for (const f of figures(doc, 'zoneDeviceMs')) assert.ok(Math.abs(f.relError!) < 1e-3, `${f.subject}: ${f.relError}`);
    for (const f of figures(doc, 'zoneDevicePages')) assert.equal(f.relError, 0);
    const deferred = figures(doc, 'deferredInitMs');
    assert.ok(Math.abs(doc.summary.byFigure.deferredInitMs!.meanRatio! - 1) < 0.005, `geometric mean ratio ${doc.summary.byFigure.deferredInitMs!.meanRatio}`);
    for (const f of deferred) assert.ok(Math.abs(f.relError!) < 0.05, `${f.subject}: ${f.relError}`);
    assert.ok(cal.outcomes.length === 4 && cal.problems.length === 0);

    // The config text: the original, byte for byte, then the machine section.
    const after = readFileSync(join(d, 'pm.memmap.yaml'), 'utf8');
    assert.ok(after.startsWith(original), 'nothing before the new machine: section changed');
    const added = after.slice(original.length);
    assert.match(added, /^machine:\n {2}calibration:\n/);
    assert.equal(added.split('\n').filter((l) => /^ {4}- \{ phase: /.test(l)).length, 4);
    assert.match(added, /- \{ phase: deferred, node: 0, ms: 76, source: pmem-host\.dmesg:58 \} # line 58: "node 0 deferred pages initialised in 76ms"/);
    assert.ok(loadConfigText(after, 'pm.memmap.yaml').config);
    assert.deepEqual(
      readdirSync(d).filter((f) => f.endsWith('.tmp')),
      [],
    );

    // Again: the same points replace themselves, the file does not change.
    const again = await cli(d, 'compare', 'pmem-host.dmesg', 'pm.memmap.yaml', '--calibrate', '--json');
    assert.equal(again.code, 0, again.err);
    const doc2 = JSON.parse(again.out) as CompareJson;
    assert.deepEqual([doc2.calibration!.added, doc2.calibration!.replaced], [0, 4]);
    assert.equal(readFileSync(join(d, 'pm.memmap.yaml'), 'utf8'), after);
  });

  it('-o writes the calibrated config elsewhere and leaves the config alone; refuses to replace without --force', async () => {
    const d = workdir();
    assert.equal((await cli(d, 'import', 'pmem-host.dmesg', 'ndctl-list-Nv.json', '-o', 'pm.memmap.yaml')).code, 0);
    const original = readFileSync(join(d, 'pm.memmap.yaml'), 'utf8');
    const r = await cli(d, 'compare', 'pmem-host.dmesg', 'pm.memmap.yaml', '--calibrate', '-o', 'cal.memmap.yaml');
    assert.equal(r.code, 0, r.err);
    assert.equal(readFileSync(join(d, 'pm.memmap.yaml'), 'utf8'), original);
    assert.ok(readFileSync(join(d, 'cal.memmap.yaml'), 'utf8').startsWith(original));
    // The human report: before, the points, after.
    assert.match(r.out, /Before calibration\n/);
    assert.match(r.out, /Calibration: 4 points written to cal\.memmap\.yaml \(machine\.calibration: 4 added, 0 replaced\)/);
    assert.match(r.out, /fitted: initPage:dram x[\d.]+, zoneDevicePage:pmem x[\d.]+/);
    assert.match(r.out, /After calibration\n/);
    assert.match(r.out, /ZONE_DEVICE init +namespace1\.0 +2024 ms +2024\.0 ms +0 ms +0\.00% +69/);
    const again = await cli(d, 'compare', 'pmem-host.dmesg', 'pm.memmap.yaml', '--calibrate', '-o', 'cal.memmap.yaml');
    assert.equal(again.code, 2);
    assert.match(again.err, /cal\.memmap\.yaml exists: use --force to replace it/);
    const forced = await cli(d, 'compare', 'pmem-host.dmesg', 'pm.memmap.yaml', '--calibrate', '-o', 'cal.memmap.yaml', '--force');
    assert.equal(forced.code, 0, forced.err);
  });

  it('an existing machine section and a stale point: replaced in place, everything else kept (YAML)', async () => {
    const d = workdir();
    const text = [
      '# my pmem host, by hand',
      'name: pm   # short',
      'arch: x86_64',
      'kernel: { version: "6.1" }',
      'nodes:',
      '- id: 0',
      '  cpus: 8',
      '  ranges:',
      '  - { start: 0x1000, size: 632K }',
      '  - { start: 0x100000, size: 2047M }',
      '  - { start: 0x100000000, size: 62G }',
      '- id: 1',
      '  cpus: 8',
      '  ranges: [{ start: 0x1080000000, size: 64G }]',
      'machine:',
      '  era: auto      # keep me',
      '  calibration:',
      '  - { phase: deferred, node: 0, ms: 999 }   # stale',
      '  - { phase: early, node: 0, ms: 3 }',
      'scenarios:',
      '- name: six-twelve',
      '  set: { kernel.version: "6.12" }',
      '',
    ].join('\n');
    writeFileSync(join(d, 'hand.memmap.yaml'), text);
    const r = await cli(d, 'compare', 'pmem-host.dmesg', 'hand.memmap.yaml', '--calibrate', '--json');
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out) as CompareJson;
    assert.deepEqual([doc.calibration!.added, doc.calibration!.replaced], [1, 1], 'no devices in this config: only the deferred points');
    const after = readFileSync(join(d, 'hand.memmap.yaml'), 'utf8');
    const lines = after.split('\n');
    assert.equal(lines[17], '  - { phase: deferred, node: 0, ms: 76, source: pmem-host.dmesg:58 } # line 58: "node 0 deferred pages initialised in 76ms"');
    assert.equal(lines[18], '  - { phase: early, node: 0, ms: 3 }');
    assert.match(lines[19], /^ {2}- \{ phase: deferred, node: 1, ms: 76, source: pmem-host\.dmesg:59 \}/);
    // Everything else, byte for byte.
    const untouched = (s: string) => s.split('\n').filter((l) => !/phase: deferred/.test(l));
    assert.deepEqual(untouched(after), untouched(text));
    // The hand-written "early" point scales the same cost (initPage:dram): all three share one scale.
    assert.deepEqual(
      doc.calibration!.outcomes.map((o) => [o.phase, o.node, o.scaled]),
      [
        ['deferred', 0, 'initPage:dram'],
        ['early', 0, 'initPage:dram'],
        ['deferred', 1, 'initPage:dram'],
      ],
    );
    // --scenario: the same points, the scenario's variant compared.
    const sc = await cli(d, 'compare', 'pmem-host.dmesg', 'hand.memmap.yaml', '--calibrate', '--scenario', 'six-twelve', '--json');
    assert.equal(sc.code, 0, sc.err);
    assert.equal((JSON.parse(sc.out) as CompareJson).scenario, 'six-twelve');
    assert.equal(readFileSync(join(d, 'hand.memmap.yaml'), 'utf8'), after, 'the same points again: no change');
  });

  it('a JSON config with comments: jsonc edit, comments and layout kept', async () => {
    const d = workdir();
    const text = `{
  // hand-written
  "$schema": "../src/config/memmap.schema.json",
  "name": "pm",
  "kernel": { "version": "6.1" },
  "nodes": [
    { "id": 0, "cpus": 8, "ranges": [ { "start": "0x100000000", "size": "62G" } ] }, // node 0
    { "id": 1, "cpus": 8, "ranges": [ { "start": "0x1080000000", "size": "64G" } ] }
  ]
}
`;
    writeFileSync(join(d, 'pm.memmap.json'), text);
    const r = await cli(d, 'compare', 'pmem-host.dmesg', 'pm.memmap.json', '--calibrate');
    assert.equal(r.code, 0, r.err);
    const after = readFileSync(join(d, 'pm.memmap.json'), 'utf8');
    assert.ok(after.includes('  // hand-written\n'));
    assert.ok(after.includes('}, // node 0\n'));
    const head = text.slice(0, text.indexOf('  ]\n}'));
    assert.ok(after.startsWith(head), 'everything up to the end of nodes is unchanged');
    const cfg = loadConfigText(after, 'pm.memmap.json').config!;
    assert.deepEqual(
      (cfg.machine.calibration as { node: number; ms: number }[]).map((p) => [p.node, p.ms]),
      [
        [0, 76],
        [1, 76],
      ],
    );
  });

  describe('on corpus logs', () => {
    before(function () {
      if (!existsSync(CORPUS)) assert.fail(`the kernel log corpus is not at ${CORPUS}`);
    });

    it('32 (one node): the deferred-init error drops to ~0', async () => {
      const d = mkdtempSync(join(tmpdir(), 'memmap-cal32-'));
      assert.equal((await cli(d, 'import', corpusFile('32'), '-o', 'm.memmap.yaml')).code, 0);
      const r = await cli(d, 'compare', corpusFile('32'), 'm.memmap.yaml', '--calibrate', '--json');
      assert.equal(r.code, 0, r.err);
      const doc = JSON.parse(r.out) as CompareJson;
      const before = doc.calibration!.before.figures.find((f) => f.figure === 'deferredInitMs')!;
      const after = figures(doc, 'deferredInitMs')[0];
      assert.equal(after.measured, 16);
      assert.ok(Math.abs(after.relError!) < 1e-3, `after: ${after.relError}`);
      assert.ok(Math.abs(before.relError!) > Math.abs(after.relError!));
    });

    it('04 (two nodes, 56 vs 60 ms on equal nodes): the fit sits between them', async () => {
      const d = mkdtempSync(join(tmpdir(), 'memmap-cal04-'));
      assert.equal((await cli(d, 'import', corpusFile('04'), '-o', 'm.memmap.yaml')).code, 0);
      const original = readFileSync(join(d, 'm.memmap.yaml'), 'utf8');
      const r = await cli(d, 'compare', corpusFile('04'), 'm.memmap.yaml', '--calibrate', '--json');
      assert.equal(r.code, 0, r.err);
      const doc = JSON.parse(r.out) as CompareJson;
      const after = figures(doc, 'deferredInitMs');
      // 24 CPUs per node: both deferred inits are bandwidth-bound, so they fit the DRAM bandwidth, not the per-page cost.
      assert.deepEqual(
        doc.calibration!.outcomes.map((o) => o.scaled),
        ['writeBw:dram', 'writeBw:dram'],
      );
      const spread = 60 / 56 - 1;
      for (const f of after) assert.ok(Math.abs(f.relError!) <= spread, `${f.subject}: ${f.relError}`);
      assert.ok(Math.abs(doc.summary.byFigure.deferredInitMs!.meanRatio! - 1) < 0.03);
      assert.ok(after.some((f) => f.relError! > 0) && after.some((f) => f.relError! < 0), 'one above, one below');
      const text = readFileSync(join(d, 'm.memmap.yaml'), 'utf8');
      assert.ok(text.startsWith(original), 'the imported config and its comments are kept');
    });
  });
});
