// `memmap-lab import` on real logs of the corpus (read at run time from ../shared/corpus, never copied):
// the configs load and simulate, and their nodes, ranges, CPUs, arch and kernel match the log.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigText } from '../../src/config/load';
import type { WorkloadConfig } from '../../src/config/types';
import { simulateMemmap } from '../../src/core/simulate';
import { simulateTiming } from '../../src/core/init/timing';
import { analyzeFile } from '../../src/trace/analyze';
import { buildImport, readLog } from '../../src/trace/import';
import { runCli } from './cli-run';
import { CORPUS, corpusFile } from './corpus';

const GiB = 1024 ** 3;

const cli = runCli;

/** Import a corpus log through the CLI (stdout), then load and simulate the YAML it printed. */
async function imported(n: string): Promise<{ text: string; cfg: WorkloadConfig; err: string }> {
  const r = await cli(tmpdir(), 'import', corpusFile(n));
  assert.equal(r.code, 0, r.err);
  const load = loadConfigText(r.out, `${n}.memmap.yaml`);
  assert.deepEqual(
    load.errors.filter((e) => e.severity === 'error').map((e) => e.message),
    [],
    'the imported config loads without errors',
  );
  const cfg = load.config!;
  const mem = simulateMemmap(cfg);
  simulateTiming(cfg, mem);
  return { text: r.out, cfg, err: r.err };
}

/** The log's "Early memory node ranges", per node, as [start, size] pairs. */
async function logRanges(n: string): Promise<Map<number, [number, number][]>> {
  const f = await analyzeFile(corpusFile(n));
  const out = new Map<number, [number, number][]>();
  for (const r of f.boots[0].nodeRanges) out.set(r.node, [...(out.get(r.node) ?? []), [r.start!, r.end! + 1 - r.start!]]);
  return out;
}

const cfgRanges = (cfg: WorkloadConfig) => new Map(cfg.nodes.map((n) => [n.id, n.ranges.map((r) => [r.start, r.size] as [number, number])]));

describe('import: corpus logs', () => {
  before(() => {
    if (!existsSync(CORPUS)) assert.fail(`the kernel log corpus is not at ${CORPUS}: these tests read ../shared/corpus next to the repository root`);
  });

  it('04 Supermicro 2-node 256G (rsyslog + quoted-printable): nodes, exact ranges, CPUs, version, comments', async () => {
    const { text, cfg } = await imported('04');
    assert.equal(cfg.arch, 'x86_64');
    assert.equal(cfg.kernel.version, '6.1');
    assert.equal(cfg.kernel.deferredInit, true);
    assert.equal(cfg.kernel.memoryBlockSize, null, '2 GiB is what the simulator probes for >= 64 GiB of bare metal');
    assert.deepEqual(cfgRanges(cfg), await logRanges('04'));
    assert.deepEqual(
      cfg.nodes.map((n) => n.cpus),
      [24, 24],
      '48 CPUs (smp: Brought up 2 nodes, 48 CPUs) over 2 nodes',
    );
    assert.equal(cfg.name, 'Supermicro SYS-120C-TN10R/X12DDW-A6');
    // Where values came from: the line and its text, the QP soft break decoded.
    assert.match(text, /version: "6\.1" # from line 3: "Linux version 6\.1\.0-34-amd64/);
    assert.match(text, /# from line 43: "node {3}0: \[mem 0x0000000000001000-0x0000000000097fff\]"/);
    assert.match(text, /cpus: 24 # guess: 48 CPUs \(line 105: "smp: Brought up 2 nodes, 48 CPUs"\)/);
    assert.match(text, /# measured: deferred init 56 ms \(line 111: "node 0 deferred pages initialised in 56ms"\)/);
    assert.doesNotMatch(text, /^machine:/m, 'no calibration without --calibrate');
  });

  it('01 HP DL585 G7 8-node 1 TiB (relative stamps, mail quoting): 8 nodes with the exact ranges', async () => {
    const { cfg } = await imported('01');
    assert.equal(cfg.nodes.length, 8);
    assert.deepEqual(cfgRanges(cfg), await logRanges('01'));
    assert.equal(cfg.kernel.version, '5.19');
    assert.ok(cfg.nodes.every((n) => n.cpus === 6));
    const mem = simulateMemmap(cfg);
    const present = mem.layout.nodes.reduce((s, n) => s + n.presentPages, 0) * 4096;
    assert.equal(present / 1024, 1060058788, 'the Memory: line total (KiB), exactly');
  });

  it('13 arm64 TaiShan 4-node: arm64 with 4K pages proven from the page counts, 37 ranges, no deferred line', async () => {
    const { cfg, text } = await imported('13');
    assert.equal(cfg.arch, 'arm64-4k');
    assert.equal(cfg.kernel.version, '5.8');
    assert.deepEqual(cfgRanges(cfg), await logRanges('13'));
    assert.equal(cfg.nodes.reduce((s, n) => s + n.ranges.length, 0), 37);
    assert.match(text, /page size 4 KiB: node 0's ranges hold \d+ bytes in 16776144 pages/);
    assert.deepEqual(
      cfg.nodes.map((n) => n.cpus),
      [24, 24, 24, 24],
      'SLUB CPUs=96 over 4 nodes (a stated guess: only one SRAT CPU line survived)',
    );
    // No deferred-init line, and on 5.8 "Memory:" (before deferred init) leaves nothing unaccounted: deferral off, said why.
    assert.equal(cfg.kernel.deferredInit, false);
    assert.match(text, /deferredInit: false # the log proves it off/);
    assert.match(text, /263204532K available \(98%\) \+ 5193868K reserved \+ 32768K cma-reserved leave 0K of the 268431168K total/);
  });

  it('25 ppc64 POWER9: memoryless CPU-less node 0, node 1 reconstructed from the old deferred wording, 64K pages', async () => {
    const { cfg, text, err } = await imported('25');
    assert.equal(cfg.arch, 'ppc64-radix');
    assert.deepEqual(
      cfg.nodes.map((n) => [n.id, n.cpus, n.ranges.length]),
      [
        [0, 0, 0],
        [1, 8, 1],
      ],
    );
    assert.match(text, /page size 64 KiB: line 12: "futex hash table entries: 2048 \(order: 2, 262144 bytes\)"/);
    assert.match(text, /RECONSTRUCTED from 366473 deferred pages/);
    assert.match(err, /reconstructed from a page count/);
    // The reconstruction gives the simulator exactly the deferred page count the log printed.
    const mem = simulateMemmap(cfg);
    const t = simulateTiming(cfg, mem);
    assert.equal(t.nodes.find((n) => n.id === 1)!.deferredPages, 366473);
  });

  it('32 x86 laptop: one node from the Memory: total, CPUs counted from the smpboot lines', async () => {
    const { cfg } = await imported('32');
    assert.equal(cfg.nodes.length, 1);
    assert.equal(cfg.nodes[0].cpus, 8);
    assert.equal(cfg.nodes[0].ranges[0].size, 16513824 * 1024);
    assert.equal(cfg.nodes[0].ranges[0].start, 4 * GiB, 'placed in ZONE_NORMAL');
  });

  it('22 SGI UV: a message wrapped before its "ms" is quoted whole in the comments, as the analyzer read it', async () => {
    const { text } = await imported('22');
    assert.match(text, /line 11: "node 215 initialised, 3600110 pages in 724ms"/);
    assert.doesNotMatch(text, /pages in"/);
  });

  it('18 CXL host: nodes from lsmem online blocks', async () => {
    const { cfg } = await imported('18');
    assert.deepEqual(
      cfg.nodes.map((n) => [n.id, n.ranges.reduce((s, r) => s + r.size, 0) / GiB]),
      [
        [0, 128],
        [1, 8],
      ],
    );
  });

  it('--boot picks a boot, numbered from 1 as analyze lists them; 0 and a boot that does not exist are bad input', async () => {
    const ok = await cli(tmpdir(), 'import', corpusFile('28'), '--boot', '1');
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /# log: .* \(kernel-log, boot 1 of 2: lines 1-3\)/);
    assert.match(ok.out, /measured: deferred init 901 ms/);
    const second = await cli(tmpdir(), 'import', corpusFile('28'), '--boot', '2');
    assert.match(second.out, /boot 2 of 2: lines 4-11/);
    assert.match(second.out, /measured: deferred init 1128 ms/);
    // analyze calls the same boots 1 and 2.
    const listed = await cli(tmpdir(), 'analyze', corpusFile('28'));
    assert.match(listed.out, /boot 1 \(lines 1-3\)[\s\S]*boot 2 \(lines 4-11/);
    const bad = await cli(tmpdir(), 'import', corpusFile('28'), '--boot', '5');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /there is no boot 5: the log has 2 boots \(--boot 1\.\.2: boots are numbered from 1, as `memmap-lab analyze` lists them\)/);
    const zero = await cli(tmpdir(), 'import', corpusFile('28'), '--boot', '0');
    assert.equal(zero.code, 2);
    assert.match(zero.err, /--boot 0: boots are numbered from 1, as `memmap-lab analyze` lists them \(the first boot is 1\)/);
    const nan = await cli(tmpdir(), 'import', corpusFile('28'), '--boot', 'x');
    assert.equal(nan.code, 2);
    assert.match(nan.err, /--boot needs a boot number \(1 for the first boot/);
  });

  it('-o writes atomically and never replaces a file without --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memmap-import-'));
    const out = join(dir, 'm.memmap.yaml');
    const r = await cli(dir, 'import', corpusFile('04'), '-o', 'm.memmap.yaml');
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '');
    assert.match(r.err, /wrote m\.memmap\.yaml: x86_64, Linux 6\.1, 2 nodes/);
    const first = readFileSync(out, 'utf8');
    assert.ok(loadConfigText(first, out).config);
    writeFileSync(out, '# mine\n');
    const again = await cli(dir, 'import', corpusFile('04'), '-o', 'm.memmap.yaml');
    assert.equal(again.code, 2);
    assert.match(again.err, /m\.memmap\.yaml exists: use --force to replace it/);
    assert.equal(readFileSync(out, 'utf8'), '# mine\n');
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
      'no temporary file left behind',
    );
    const forced = await cli(dir, 'import', corpusFile('04'), '-o', 'm.memmap.yaml', '--force');
    assert.equal(forced.code, 0, forced.err);
    assert.equal(readFileSync(out, 'utf8'), first);
  });

  it('--calibrate writes the deferred-init times as machine.calibration points', async () => {
    const r = await cli(tmpdir(), 'import', corpusFile('04'), '--calibrate');
    assert.equal(r.code, 0, r.err);
    const cfg = loadConfigText(r.out, 'c.memmap.yaml').config!;
    assert.deepEqual(
      (cfg.machine.calibration as { phase: string; node: number; ms: number }[]).map((p) => [p.phase, p.node, p.ms]),
      [
        ['deferred', 0, 56],
        ['deferred', 1, 60],
      ],
    );
    const t = simulateTiming(cfg, simulateMemmap(cfg));
    assert.equal(t.calibration.length, 2);
  });

  it('the library API gives the same config as the CLI', async () => {
    const lr = await readLog(corpusFile('04'));
    assert.ok(lr.ok);
    const res = buildImport({ log: { ...lr.log, path: corpusFile('04') } });
    assert.ok(res.ok);
    const r = await cli(tmpdir(), 'import', corpusFile('04'));
    assert.equal(res.text, r.out);
  });
});
