// Each figure cites the line it was read from: a HugeTLB size is told by two messages (the "registered ...
// pre-allocated" line and the HVO "vmemmap can be freed" line), and analyze, diff, compare and import each
// cite the one their figure comes from.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../src/trace/analyze';
import { diffBoots } from '../../src/trace/diff';
import { buildImport, readLogText } from '../../src/trace/import';
import { loadConfigText } from '../../src/config/load';
import { compareWithConfig } from '../../src/report/logview-compare';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

const LOG = [
  '[    0.000000] Linux version 6.1.0-34-amd64 (x@y) (gcc 12) #1 SMP',
  '[    0.000000] Early memory node ranges',
  '[    0.000000]   node   0: [mem 0x0000000000001000-0x000000007fffffff]',
  '[    3.184201] HugeTLB: registered 1.00 GiB page size, pre-allocated 0 pages',
  '[    3.188148] HugeTLB: 16380 KiB vmemmap can be freed for a 1.00 GiB page',
  '[    3.196148] HugeTLB: registered 2.00 MiB page size, pre-allocated 8 pages',
  '[    3.204148] HugeTLB: 28 KiB vmemmap can be freed for a 2.00 MiB page',
  '',
].join('\n');

describe('HugeTLB facts cite their own lines', () => {
  it('analyze: preallocatedLine and hvoLine per size (line stays the first line about the size)', () => {
    const b = analyzeText(LOG).boots[0];
    const h = (size: number) => b.hugetlb.find((x) => x.pageSizeBytes === size)!;
    assert.deepEqual([h(GiB).line, h(GiB).preallocatedLine, h(GiB).hvoLine], [4, 4, 5]);
    assert.deepEqual([h(2 * MiB).line, h(2 * MiB).preallocatedLine, h(2 * MiB).hvoLine], [6, 6, 7]);
  });

  it('HVO printed before the registered line (5.19-rc): each figure still keeps its line', () => {
    const b = analyzeText(
      [
        '[    0.330930] HugeTLB: can optimize 7 vmemmap pages for hugepages-2048kB',
        '[    0.359285] HugeTLB registered 2.00 MiB page size, pre-allocated 512 pages',
        '[    0.400000] x86/fpu: x',
        '',
      ].join('\n'),
    ).boots[0];
    assert.deepEqual(b.hugetlb.map((h) => [h.line, h.preallocatedLine, h.hvoLine, h.vmemmapFreeableKiB]), [[1, 2, 1, 28]]);
  });

  it('diff: preallocatedPages rows cite the registered line, vmemmapFreeableKiB rows the HVO line', () => {
    const f = analyzeText(LOG + LOG.replace('#1 SMP', '#2 SMP'));
    assert.equal(f.boots.length, 2);
    const rows = diffBoots(f.boots[0], f.boots[1]);
    const row = (k: string) => rows.find((r) => r.key === k)!;
    assert.deepEqual([row(`hugetlb.${2 * MiB}.preallocatedPages`).beforeLine, row(`hugetlb.${2 * MiB}.preallocatedPages`).afterLine], [6, 13]);
    assert.deepEqual([row(`hugetlb.${2 * MiB}.vmemmapFreeableKiB`).beforeLine, row(`hugetlb.${2 * MiB}.vmemmapFreeableKiB`).afterLine], [7, 14]);
    assert.deepEqual([row(`hugetlb.${GiB}.vmemmapFreeableKiB`).beforeLine, row(`hugetlb.${GiB}.vmemmapFreeableKiB`).afterLine], [5, 12]);
  });

  it('compare and import cite the HVO line for HVO figures, the registered line for pools', () => {
    const lr = readLogText(LOG, 'dmesg.txt');
    assert.ok(lr.ok);
    const r = buildImport({ log: lr.log });
    assert.ok(r.ok, r.ok ? '' : r.errors.join('\n'));
    assert.match(r.text, /16380 KiB per 1 GiB page, line 5; 28 KiB per 2 MiB page, line 7/);
    assert.match(r.text, /from line 6: "HugeTLB: registered 2\.00 MiB page size, pre-allocated 8 pages"/);
    const load = loadConfigText(r.text, 'x.memmap.yaml');
    const c = compareWithConfig(lr.log, load, 'x.memmap.yaml');
    assert.equal(c.status, 'ok');
    const hvo = c.rows.filter((x) => x.figure === 'hvoFreeableKiB');
    assert.deepEqual(hvo.map((x) => [x.subject, x.line]), [['1 GiB page', 5], ['2 MiB page', 7]]);
  });
});
