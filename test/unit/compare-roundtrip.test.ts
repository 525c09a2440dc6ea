// import -> simulate -> compare on real corpus logs (read at run time from ../shared/corpus).
//
// Tolerances. The memmap arithmetic is exact: the imported ranges are the log's "Early memory node
// ranges" (memblock.memory), the "Memory: A/TK" total is K(physpages) = the present pages of exactly those
// ranges, and the simulator counts the same pages. So total memory, memory per node, the memory block size
// and the HVO figures must agree to the byte (relative error 0, asserted with 1e-12). The reserved figure
// is a lower bound (boot memmap + kernel image + gigantic pages; the kernel also reserves page tables,
// crashkernel, firmware and percpu areas): within -10% .. 0. Deferred-init times are a model prediction
// with guessed CPU counts: uncalibrated they only have to be in range (x0.2 .. x5); --calibrate then fits
// the per-page cost (see compare-calibrate.test.ts).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompareJson } from '../../src/cli/commands/compare';
import type { Figure } from '../../src/trace/predicted';
import { runCli } from './cli-run';
import { CORPUS, corpusFile } from './corpus';

const EXACT = 1e-12;

const cli = runCli;

/** import the log to a temp config, run simulate on it, then compare --json. */
async function roundTrip(n: string): Promise<{ dir: string; config: string; doc: CompareJson }> {
  const dir = mkdtempSync(join(tmpdir(), `memmap-rt-${n}-`));
  const imp = await cli(dir, 'import', corpusFile(n), '-o', 'machine.memmap.yaml');
  assert.equal(imp.code, 0, imp.err);
  const sim = await cli(dir, 'simulate', join(dir, 'machine.memmap.yaml'), '--json');
  assert.equal(sim.code, 0, sim.err);
  const cmp = await cli(dir, 'compare', corpusFile(n), 'machine.memmap.yaml', '--json');
  assert.equal(cmp.code, 0, cmp.err);
  return { dir, config: join(dir, 'machine.memmap.yaml'), doc: JSON.parse(cmp.out) as CompareJson };
}

const of = (doc: CompareJson, kind: Figure['figure']) => doc.figures.filter((f) => f.figure === kind);

describe('import -> simulate -> compare on corpus logs', () => {
  before(() => {
    if (!existsSync(CORPUS)) assert.fail(`the kernel log corpus is not at ${CORPUS}: these tests read ../shared/corpus next to the repository root`);
  });

  it('04 Supermicro 2-node: memory totals, nodes, block size and HVO exact; reserved a close lower bound', async () => {
    const { doc } = await roundTrip('04');
    assert.equal(doc.schemaVersion, 1);
    assert.equal(doc.boot, 0);
    assert.equal(doc.bootNumber, 1);
    assert.equal(doc.kernelVersion, '6.1.0-34-amd64');
    assert.equal(doc.calibration, null);
    const total = of(doc, 'memoryTotalKiB')[0];
    assert.deepEqual([total.measured, total.predicted, total.line], [268037724, 268037724, 77]);
    assert.ok(Math.abs(total.relError!) < EXACT);
    for (const f of of(doc, 'nodeBytes')) {
      assert.ok(Math.abs(f.relError!) < EXACT, `${f.subject}: ${f.relError}`);
      assert.match(f.note!, /ranges identical/);
    }
    assert.equal(of(doc, 'nodeBytes').length, 2);
    const block = of(doc, 'memoryBlockBytes')[0];
    assert.deepEqual([block.measured, block.predicted, block.relError], [2147483648, 2147483648, 0]);
    assert.deepEqual(
      of(doc, 'hvoFreeableKiB').map((f) => [f.pageSizeBytes, f.measured, f.predicted, f.relError]),
      [
        [1073741824, 16380, 16380, 0],
        [2097152, 28, 28, 0],
      ],
    );
    const reserved = of(doc, 'memoryReservedKiB')[0];
    assert.ok(reserved.relError! <= 0 && reserved.relError! > -0.1, `reserved ${reserved.relError}`);
    const deferred = of(doc, 'deferredInitMs');
    assert.deepEqual(
      deferred.map((f) => [f.node, f.measured, f.line]),
      [
        [0, 56, 111],
        [1, 60, 113],
      ],
    );
    for (const f of deferred) assert.ok(f.predicted! > f.measured * 0.2 && f.predicted! < f.measured * 5, `${f.subject}: ${f.predicted} ms`);
    // Every figure carries the log text it was measured on.
    assert.equal(deferred[0].source, 'node 0 deferred pages initialised in 56ms');
    assert.ok(doc.summary.byFigure.memoryTotalKiB!.worstRelError === 0);
  });

  it('01 HP DL585 8-node: 1 TiB total and all 8 nodes exact', async () => {
    const { doc } = await roundTrip('01');
    assert.equal(of(doc, 'memoryTotalKiB')[0].relError, 0);
    assert.equal(of(doc, 'nodeBytes').length, 8);
    assert.ok(of(doc, 'nodeBytes').every((f) => f.relError === 0));
    assert.equal(of(doc, 'deferredInitMs').length, 8);
    assert.equal(of(doc, 'memoryBlockBytes')[0].relError, 0);
  });

  it('13 arm64: total exact; the pr_debug "pages used for memmap" vs the boot memmap', async () => {
    const { doc } = await roundTrip('13');
    assert.equal(of(doc, 'memoryTotalKiB')[0].relError, 0);
    const mm = of(doc, 'memmapPages')[0];
    assert.equal(mm.measured, 4096 + 4096 + 253952 + 3 * 262144, 'the sum of the log lines');
    // calc_memmap_size() per zone vs sparse_init() per present section: close, not equal (holes, section tails).
    assert.ok(Math.abs(mm.relError!) < 0.02, String(mm.relError));
  });

  it('25 ppc64: the reconstructed node gives the old wording\'s deferred page count exactly', async () => {
    const { doc } = await roundTrip('25');
    const pages = of(doc, 'deferredPages')[0];
    assert.deepEqual([pages.node, pages.measured, pages.predicted], [1, 366473, 366473]);
    const ms = of(doc, 'deferredInitMs')[0];
    assert.equal(ms.measured, 0);
    assert.equal(ms.relError, null, 'no relative error against 0 ms');
  });

  it('the human table: every figure with measured, predicted, error, relative error and log line', async () => {
    const { dir } = await roundTrip('04');
    const r = await cli(dir, 'compare', corpusFile('04'), 'machine.memmap.yaml');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /figure +subject +measured +predicted +error +rel\. error +log line/);
    assert.match(r.out, /memory total +system +268,037,724 KiB +268,037,724 KiB +0 KiB +0\.00% +77/);
    assert.match(r.out, /deferred init +node 0 +56 ms +[\d.]+ ms +[-+][\d.]+ ms +[-+][\d.]+% +111/);
    assert.match(r.out, /HVO freeable +1 GiB page +16,380 KiB +16,380 KiB +0 KiB +0\.00% +131/);
    assert.match(r.out, /memory reserved: predicted = boot memmap .* a lower bound/);
    // compare never touches the config without --calibrate.
    assert.doesNotMatch(readFileSync(join(dir, 'machine.memmap.yaml'), 'utf8'), /^machine:/m);
  });
});
