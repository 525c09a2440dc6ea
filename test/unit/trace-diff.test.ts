// `memmap-lab diff`: two boots' memmap figures side by side. The corpus holds real before/after pairs:
// log 28 (deferred init of a 1 TiB node, 901 ms before a change and 1128 ms after) and log 35 (HVO:
// 512 huge pages optimized at boot in the second boot only).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeText } from '../../src/trace/analyze';
import { bootFigures, diffBoots } from '../../src/trace/diff';
import type { DiffJson } from '../../src/cli/commands/diff';
import { corpusFile } from './corpus';
import { runCli } from './cli-run';

const root = join(__dirname, '..', '..');
const cli = (...argv: string[]) => runCli(root, ...argv);

describe('diff: boot figures', () => {
  it('a boot gives rows only for the facts it prints (absent is no row, not zero)', () => {
    const f = analyzeText('[    0.000000] Linux version 6.1.0-34-amd64 (x@y) #1 SMP\n[    1.000000] node 0 deferred pages initialised in 56ms\n', { path: 'x.log' });
    assert.deepEqual(
      bootFigures(f.boots[0]).map((x) => [x.key, x.value, x.line]),
      [
        ['kernel', '6.1.0-34-amd64', 1],
        ['deferredInit.node0.ms', 56, 2],
      ],
    );
  });

  it('two boots: before, after, delta and percent; a figure only one has is new or gone', () => {
    const f = analyzeText(
      [
        '[    0.000000] Linux version 6.12.0 (x@y) #1 SMP',
        '[    0.500000] Memory: 1000K/2000K available (10K kernel code, 100K reserved, 0K cma-reserved)',
        '[    1.000000] node 0 deferred pages initialised in 100ms',
        '[    1.100000] node 1 deferred pages initialised in 120ms',
        '[    0.000000] Linux version 6.12.0 (x@y) #2 SMP',
        '[    0.500000] Memory: 1100K/2000K available (10K kernel code, 0K reserved, 0K cma-reserved)',
        '[    1.000000] node 0 deferred pages initialised in 75ms',
        '[    3.000000] Misaligned __add_pages start: 0x1000 end: 0x2000',
      ].join('\n'),
      { path: 'x.log' },
    );
    assert.equal(f.boots.length, 2);
    const rows = diffBoots(f.boots[0], f.boots[1]);
    const row = (k: string) => rows.find((r) => r.key === k)!;
    assert.deepEqual([row('deferredInit.node0.ms').before, row('deferredInit.node0.ms').after, row('deferredInit.node0.ms').delta, row('deferredInit.node0.ms').percent], [100, 75, -25, -25]);
    assert.deepEqual([row('deferredInit.node1.ms').after, row('deferredInit.node1.ms').delta], [null, null], 'node 1 only before');
    assert.deepEqual([row('memory.reservedKiB').before, row('memory.reservedKiB').after, row('memory.reservedKiB').percent], [100, 0, -100]);
    assert.deepEqual([row('memory.cmaReservedKiB').delta, row('memory.cmaReservedKiB').percent], [0, null], 'no percent of a zero');
    assert.equal(row('deferredInit.slowestMs').after, null, 'one node after: no slowest-node row');
    assert.deepEqual([row('errors.misaligned-add-pages').before, row('errors.misaligned-add-pages').after, row('errors.misaligned-add-pages').afterLine], [null, 1, 8]);
    assert.equal(row('kernel').delta, null);
  });
});

describe('memmap-lab diff', () => {
  const log28 = corpusFile('28');
  const log35 = corpusFile('35');

  it('one log: its first boot against its last (corpus 28: 901 ms -> 1128 ms, +25.2%)', async () => {
    const r = await cli('diff', log28);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^before: .*28-x86-1tib-8node-deferred-regression-901-vs-1128ms\.log boot 1 \(lines 1-3\)\nafter: {2}.* boot 2 \(lines 4-11\)/);
    assert.match(r.out, /deferred init node 1 +901 ms +1,128 ms +\+227 ms \(\+25\.2%\)/);
    assert.match(r.out, /deferred init node 1 pages +32,471,632 +32,471,632 +=/);
    // --changed: only what moved.
    const changed = await cli('diff', log28, '--changed');
    assert.match(changed.out, /deferred init node 1 +901 ms/);
    assert.doesNotMatch(changed.out, /pages/);
    assert.match((await cli('diff', `${log28}@1`, `${log28}@1`, '--changed')).out, /no figure differs\n$/);
  });

  it('LOG@N picks boots, numbered from 1 as analyze lists them (reversed: -227 ms); --json gives the rows', async () => {
    const text = await cli('diff', `${log28}@2`, `${log28}@1`);
    assert.match(text.out, /^before: .* boot 2 \(lines 4-11\)\nafter: {2}.* boot 1 \(lines 1-3\)/);
    const r = await cli('diff', `${log28}@2`, `${log28}@1`, '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as DiffJson;
    // boot: the 0-based index (as analyze --json); bootNumber: what the text and LOG@N say.
    assert.deepEqual([j.schemaVersion, j.before.boot, j.before.bootNumber, j.after.boot, j.after.bootNumber, j.before.firstLine], [1, 1, 2, 0, 1, 4]);
    const ms = j.rows.find((x) => x.key === 'deferredInit.node1.ms')!;
    assert.deepEqual([ms.before, ms.after, ms.delta, ms.unit, ms.beforeLine], [1128, 901, -227, 'ms', ms.beforeLine]);
    assert.ok(ms.beforeLine! >= 4 && ms.afterLine! <= 3);
  });

  it('two logs: each at its boot with the most memory facts (corpus 32 laptop vs corpus 29 arm64 board)', async () => {
    const r = await cli('diff', corpusFile('32'), corpusFile('29'));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Memory: cma-reserved +0 KiB +65,536 KiB +\+65,536 KiB\n/);
    assert.match(r.out, /deferred init node 0 +16 ms +0 ms +-16 ms \(-100\.0%\)/);
    assert.match(r.out, /memory block size +128 MiB +- +gone/);
  });

  it('--max-slowdown: a boot-time regression gate (exit 1 over the threshold; the JSON names the rows)', async () => {
    const slower = await cli('diff', log28, '--max-slowdown', '10');
    assert.equal(slower.code, 1);
    assert.match(slower.out, /\n1 time grew by more than 10%: deferred init node 1 \+227 ms \(\+25\.2%\)\n$/);
    const ok = await cli('diff', log28, '--max-slowdown=30%');
    assert.equal(ok.code, 0);
    assert.match(ok.out, /no time grew by more than 30%\n$/);
    // Faster is never a regression.
    assert.equal((await cli('diff', `${log28}@2`, `${log28}@1`, '--max-slowdown', '0')).code, 0);
    const j = JSON.parse((await cli('diff', log28, '--max-slowdown', '10', '--json')).out) as DiffJson;
    assert.deepEqual(j.slowdowns, ['deferredInit.node1.ms']);
    assert.deepEqual((JSON.parse((await cli('diff', log28, '--json')).out) as DiffJson).slowdowns, []);
    assert.equal((await cli('diff', log28, '--max-slowdown', 'lots')).code, 2);
  });

  it('corpus 35: HVO optimized 512 pages at boot after the change only', async () => {
    const r = await cli('diff', log35);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /HugeTLB pages optimized at boot +- +512 +new/);
    assert.match(r.out, /HugeTLB 2 MiB vmemmap freeable per page +28 KiB +28 KiB +=/);
  });

  it('bad input: no such boot, one boot only, no boot, missing file, usage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memmap-diff-'));
    const one = join(dir, 'one.log');
    writeFileSync(one, '[    1.000000] node 0 deferred pages initialised in 56ms\n');
    const none = join(dir, 'none.log');
    writeFileSync(none, 'hello\nworld\n');
    const cases: Array<[string[], RegExp]> = [
      [[`${log28}@1`, `${log28}@5`], /there is no boot 5: the log has 2 boots \(@1\.\.@2, numbered from 1 as `memmap-lab analyze` lists them\)/],
      [[`${log28}@0`, `${log28}@1`], /28-x86-1tib-8node-deferred-regression-901-vs-1128ms\.log@0: boots are numbered from 1, as `memmap-lab analyze` lists them \(the first boot is 1\)/],
      [[one], /one\.log holds one boot: give a second log/],
      [[none, one], /none\.log: no boot found/],
      [[join(dir, 'nope.log'), one], /cannot read .*nope\.log: no such file/],
    ];
    for (const [argv, re] of cases) {
      const r = await cli('diff', ...argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.err, re);
    }
    assert.equal((await cli('diff')).code, 2);
    assert.equal((await cli('diff', one, one, one)).code, 2);
    assert.match((await cli('diff', `${log28}@1`)).err, /name the other boot too: diff LOG@1 LOG@2/);
  });
});
