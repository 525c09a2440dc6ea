// Broken configs (test/fixtures/check/) are caught with the kernel's (or ndctl's) own words, at the right
// line, with fixes; applying the preferred fixes (what `check --fix` does) leaves no error.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkText, fixAll } from '../../src/check/index';
import { CORPUS } from './corpus';

const DIR = join(__dirname, '..', 'fixtures', 'check');

/** [rule, line, kernel text] of every warning and error expected in each fixture. */
const EXPECTED: Record<string, [string, number, string][]> = {
  'p2p-cmb.memmap.yaml': [['MM002', 17, '']],
  'namespace-collision.memmap.yaml': [['MM033', 21, 'Conflicting mapping in same section']],
  'optane-2m-start.memmap.yaml': [
    ['MM004', 17, ''],
    ['MM023', 17, 'namespace0.0 misaligned to 16M, adjust region alignment and retry'],
  ],
  'hotplug-2g-blocks.memmap.json': [
    ['MM001', 11, 'Block size [0x80000000] unaligned hotplug range: start 0x5000000000, size 0x40000000'],
    ['MM001', 12, 'Block size [0x80000000] unaligned hotplug range: start 0x5840000000, size 0x200000000'],
  ],
  'kmsan-debug-kernel.memmap.yaml': [
    ['MM030', 5, 'HugeTLB: 0 KiB vmemmap can be freed for a 2.00 MiB page'],
    ['MM021', 16, 'Memory debug options prevent using pmem for the page map'],
  ],
  'devdax-1g-small.memmap.yaml': [
    // nd_pfn_init() would not fit a 1 GiB-aligned data area either, but ndctl refuses the size first: MM020 stays quiet.
    ['MM026', 16, "'--size=' must align to interleave-width: 1 and alignment: 1073741824\ndid you intend --size=2048M?"],
  ],
  'cxl-kmem-6.1.memmap.yaml': [
    ['MM007', 21, ''],
    ['MM009', 23, ''],
  ],
  'arm64-devdax-hvo.memmap.yaml': [
    ['MM030', 4, 'HugeTLB: 0 KiB vmemmap can be freed for a 2.00 MiB page'],
    ['MM015', 15, ''],
  ],
  'hugetlb-pools.memmap.yaml': [
    ['MM027', 16, 'HugeTLB: unsupported hugepagesz=4M'],
    // 62 fit on node 1 (its boot memmap takes the top GiB); memblock silently takes the other 18 from node 0.
    ['MM028', 17, ''],
    // The node form hugepagesz=2M hugepages=0:512 (node 1 has no 2 MiB pool), then a second hugepages=, ignored.
    ['MM029', 19, 'HugeTLB: hugepages= specified twice without interleaving hugepagesz=, ignoring hugepages=0:512'],
  ],
  'riscv-map-dev.memmap.yaml': [['MM014', 14, '']],
};

describe('broken configs in test/fixtures/check', () => {
  const files = readdirSync(DIR).filter((f) => /\.memmap\.(json|ya?ml)$/.test(f)).sort();

  it('every fixture has expectations', () => {
    assert.deepEqual(files, Object.keys(EXPECTED).sort());
  });

  for (const file of files) {
    describe(file, () => {
      const text = readFileSync(join(DIR, file), 'utf8');
      const r = checkText(text, file);

      it('loads, and is caught with the kernel\'s own words at the offending line', () => {
        assert.deepEqual(r.configErrors, []);
        const got = r.findings
          .filter((f) => f.severity !== 'info')
          .map((f): [string, number, string] => [f.rule, r.load.doc!.positionAt(f.range.start).line, f.kernelText]);
        assert.deepEqual(got, EXPECTED[file]);
      });

      it('every error and warning comes with a fix located in the file', () => {
        for (const f of r.findings.filter((x) => x.severity !== 'info')) {
          assert.ok(f.fixes.length > 0, `${f.rule} has no fix: ${f.message}`);
          for (const e of f.fixes[0].edits) assert.ok(e.range.start >= 0 && e.range.end <= text.length && e.range.start <= e.range.end);
        }
      });

      it('the preferred fixes (check --fix) leave no error', () => {
        const fixed = fixAll(text, file, {}, 'info');
        assert.ok(fixed.applied.length > 0);
        assert.deepEqual(fixed.skipped, []);
        const again = checkText(fixed.text, file);
        assert.deepEqual(again.configErrors, []);
        assert.deepEqual(
          again.findings.filter((f) => f.severity === 'error').map((f) => `${f.rule} ${f.message}`),
          [],
          fixed.text,
        );
      });
    });
  }
});

describe('the kernel texts are the ones real logs show (../shared/corpus, read in place)', () => {
  const log = (prefix: string) => {
    const f = existsSync(CORPUS) ? readdirSync(CORPUS).find((x) => x.startsWith(prefix)) : undefined;
    return f ? readFileSync(join(CORPUS, f), 'utf8') : null;
  };

  it('corpus 06: the 2 MiB window at a 1 MiB boundary gives check_pfn_span()\'s exact WARN text', (t) => {
    const text = log('06-');
    if (text === null) return t.skip('no ../shared/corpus');
    const r = checkText(readFileSync(join(DIR, 'p2p-cmb.memmap.yaml'), 'utf8'), 'p2p-cmb.memmap.yaml');
    const quoted = /check_pfn_span\(\): "([^"]+)"/.exec(r.findings.find((f) => f.rule === 'MM002')!.message)![1];
    assert.equal(quoted, 'Misaligned __add_pages start: 0xfdd00 end: #fdeff');
    assert.ok(text.includes(quoted), 'the corpus log prints the same line');
  });

  it('corpus 14: colliding namespaces meet "Conflicting mapping in same section"', (t) => {
    const text = log('14-');
    if (text === null) return t.skip('no ../shared/corpus');
    const r = checkText(readFileSync(join(DIR, 'namespace-collision.memmap.yaml'), 'utf8'), 'namespace-collision.memmap.yaml');
    const f = r.findings.find((x) => x.rule === 'MM033')!;
    assert.ok(text.includes(`nd_pmem pfn1.0: ${f.kernelText}`), 'the corpus log prints the same text (with the dev_printk prefix)');
  });
});
