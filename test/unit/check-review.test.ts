// Review fixes of the checker: fixes that pass the other rules (ndctl's namespace rules, the altmap), findings
// that say what the kernel does (MM013, MM024, MM034, MM007), no finding twice (MM020 / MM026, MM037 / MM035),
// the citations, the number formats, and the trade-off rules.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES, rulesMarkdown, applyFixes, checkText, fixAll, type Finding } from '../../src/check/index';
import { ndctlAccepts, ndctlSizeRefused, ndctlStartRefused } from '../../src/check/rules/ndctl';
import type { RuleContext } from '../../src/check/types';
import { loadConfigText } from '../../src/config/load';
import { archProfile, daxAllocIsAligned, ND_PFN_MIN_SIZE, simulateMemmap } from '../../src/core/index';
import { arch, assertFixWorks, byRule, check, x86 } from './check-helpers';

const ns = (fields: string) => `devices:\n  - name: namespace0.0\n${fields}`;
const rule = (id: string) => RULES.find((r) => r.id === id)!;

/** Apply a finding's fix and return the errors of the fixed config (any rule). */
function errorsAfter(text: string, f: Finding, i: number): string[] {
  const fixed = applyFixes(text, [f.fixes[i]]);
  assert.equal(fixed.applied, 1);
  return checkText(fixed.text, 'test.memmap.yaml')
    .findings.filter((x) => x.severity === 'error')
    .map((x) => `${x.rule} ${x.message}`);
}

describe('MM009: fixes of a pmem namespace keep to ndctl, CXL shrinks first', () => {
  const blocks2g = 'kernel: { memoryBlockSize: 2G }\n';
  it('map=dev 64 GiB namespace: every fix is 16 MiB aligned, a multiple of 16 MiB, and leaves no MM023/MM025/MM026', () => {
    const text = x86(ns('    mode: kmem\n    map: dev\n    start: 0x2000000000\n    size: 64G\n'), blocks2g);
    const f = byRule(check(text), 'MM009');
    assert.equal(f.length, 1);
    assert.ok(f[0].fixes.length >= 1, 'a namespace ndctl accepts exists here');
    f[0].fixes.forEach((_, i) => {
      assertFixWorks(text, f[0], i);
      assert.deepEqual(errorsAfter(text, f[0], i), [], f[0].fixes[i].title);
    });
  });
  it('map=mem with a 2 MiB align: the data is 2 MiB past a 16 MiB boundary, so no fix is offered', () => {
    const f = byRule(check(x86(ns('    mode: kmem\n    map: mem\n    start: 0x1000000000\n    size: 64G\n'), blocks2g)), 'MM009');
    assert.equal(f.length, 1);
    assert.deepEqual(f[0].fixes, []);
  });
  it('a CXL region (its size comes from the hardware): shrinking is the preferred fix, growing the second', () => {
    const f = byRule(check(x86('devices:\n  - name: dax0.0\n    kind: cxl\n    mode: kmem\n    start: 0x2010000000\n    size: 63G\n', blocks2g)), 'MM009');
    assert.deepEqual(
      f[0].fixes.map((x) => x.title.split(':')[0]),
      ['Shrink to whole 2 GiB memory blocks', 'Grow to whole 2 GiB memory blocks'],
    );
  });
});

describe('MM024: the size in the title is the size written; ndctl and the kernel in their order', () => {
  it('an 8 MiB namespace: the region alignment check comes first (ndctl and __size_store())', () => {
    const f = byRule(check(x86(ns('    start: 0x1000000000\n    size: 8M\n'))), 'MM024');
    assert.equal(f[0].kernelText, 'region0: align setting is 0x1000000 size 0x800000 is misaligned\n8388608 is not 16384K aligned');
    assert.deepEqual(f[0].fixes.map((x) => x.title), ['Set the size to 16 MiB']);
  });
  it('a label-less e820 region below 16 MiB has a PAGE_SIZE region alignment: ndctl reaches the 16 MiB check', () => {
    const f = byRule(check(x86(ns('    provider: e820\n    start: 0x1000000000\n    size: 8M\n'))), 'MM024');
    assert.equal(f[0].kernelText, "'--size=' must be >= 16MiB for 'fsdax' mode\nnamespace0.0 too small to host");
  });
  it('1 GiB align next to another namespace: no overlapping 1 GiB size; the smallest namespace with 2 MiB align instead', () => {
    const text = x86(
      'devices:\n  - name: namespace0.0\n    mode: devdax\n    align: 1G\n    start: 0x1000000000\n    size: 8M\n' + '  - name: namespace0.1\n    mode: devdax\n    start: 0x1001000000\n    size: 1G\n',
    );
    const f = byRule(check(text), 'MM024');
    assert.deepEqual(f[0].fixes.map((x) => x.title), ['Set the size to 16 MiB and align to 2 MiB']);
    const after = errorsAfter(text, f[0], 0);
    assert.deepEqual(after.filter((e) => /^MM0(19|2[0-6]|33)/.test(e)), []);
  });
  it('1 GiB align with room: 2 GiB, the smallest 1 GiB multiple that leaves a map=dev data area', () => {
    const text = x86(ns('    mode: devdax\n    align: 1G\n    start: 0x1000000000\n    size: 8M\n'));
    const f = byRule(check(text), 'MM024');
    assert.deepEqual(f[0].fixes.map((x) => x.title), ['Set the size to 2 GiB']);
    assert.deepEqual(errorsAfter(text, f[0], 0), []);
  });
});

describe('MM002 on riscv64 6.12: the preferred fix does not exhaust the altmap', () => {
  it('a 1 MiB-aligned map=dev namespace: the section-aligned start is offered, not a 16 MiB one that MM014 refuses', () => {
    const text = arch('riscv64', ns('    start: 0x1000100000\n    size: 4G\n'), '', '0x80000000');
    const f = byRule(check(text), 'MM002');
    assert.ok(f[0].fixes.length >= 1);
    f[0].fixes.forEach((_, i) => {
      assertFixWorks(text, f[0], i);
      assert.deepEqual(errorsAfter(text, f[0], i), [], f[0].fixes[i].title);
    });
    assert.match(f[0].fixes[0].title, /section boundary/);
  });
});

describe('MM020 and MM026 on one device', () => {
  const text = x86(ns('    mode: devdax\n    align: 1G\n    start: 0x1000000000\n    size: 1536M\n'));
  it('ndctl refuses the size (MM026): MM020 does not also offer to drop the align', () => {
    const r = check(text);
    assert.equal(byRule(r, 'MM026').length, 1);
    assert.deepEqual(byRule(r, 'MM020'), []);
  });
  it("MM026's fixes keep a data area (no 1 GiB namespace that nd_pfn_init() refuses)", () => {
    const f = byRule(check(text), 'MM026')[0];
    f.fixes.forEach((_, i) => assertFixWorks(text, f, i));
    assert.deepEqual(f.fixes.map((x) => x.title), ['Round the size up to 2 GiB']);
  });
});

describe('MM013: dev_dax_validate_align() checks the length only', () => {
  const cxl = (fields: string) => x86(`devices:\n  - name: dax0.0\n    kind: cxl\n    mode: devdax\n    map: mem\n    align: 1G\n${fields}`);
  it('a misaligned start alone is a warning about the mappings, not "not a multiple of its align"', () => {
    const text = cxl('    start: 0x1008000000\n    size: 16G\n');
    const f = byRule(check(text), 'MM013');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'warning');
    assert.equal(f[0].kernelText, '');
    assert.doesNotMatch(f[0].message, /not a multiple|refuses/);
    assert.match(f[0].message, /checks only the length/);
    assert.equal(f[0].fixes.length, 2);
    f[0].fixes.forEach((_, i) => assertFixWorks(text, f[0], i));
  });
  it('a size that is not a multiple of the align: "Set align to 2 MiB" first, then shrinking', () => {
    const text = cxl('    start: 0x1000000000\n    size: 15872M\n');
    const f = byRule(check(text), 'MM013');
    assert.equal(f[0].severity, 'error');
    assert.equal(f[0].kernelText, 'dev_dax_validate_align: align 1073741824 invalid for range 0');
    assert.deepEqual(f[0].fixes.map((x) => x.title.split(' (')[0]), ['Set align to 2 MiB', 'Shrink to 0x1000000000, size 15 GiB']);
    f[0].fixes.forEach((_, i) => assertFixWorks(text, f[0], i));
  });
});

describe('MM012: only a map=dev the user wrote, never for kmem', () => {
  const dev = (mode: string, map: string) => x86(`devices:\n  - name: dax0.0\n    kind: cxl\n    mode: ${mode}\n${map}    start: 0x1000000000\n    size: 16G\n`);
  it('cxl / hmem dynamic dax regions default to map: mem; pmem namespaces keep dev', () => {
    const load = loadConfigText(x86('devices:\n  - { name: dax0.0, kind: cxl, mode: devdax, start: 64G, size: 1G }\n  - { name: dax1.0, kind: hmem, mode: kmem, start: 128G, size: 1G }\n  - { name: namespace0.0, kind: cxl, mode: fsdax, start: 192G, size: 1G }\n  - { name: namespace1.0, start: 256G, size: 1G }\n'), 'x.memmap.yaml');
    assert.deepEqual(load.config!.devices.map((d) => d.map), ['mem', 'mem', 'dev', 'dev']);
  });
  it('devdax without map: nothing (no MM012, no MM037)', () => {
    const r = check(dev('devdax', ''));
    assert.deepEqual(r.findings.filter((f) => f.rule === 'MM012' || f.rule === 'MM037').map((f) => f.message), []);
  });
  it('kmem with map: dev written: nothing (kmem memory gets a hot-plug memmap)', () => {
    const r = check(dev('kmem', '    map: dev\n'));
    assert.deepEqual(r.findings.filter((f) => f.rule === 'MM012' || f.rule === 'MM037').map((f) => f.message), []);
  });
  it('devdax with map: dev written: MM012', () => {
    assert.equal(byRule(check(dev('devdax', '    map: dev\n')), 'MM012').length, 1);
  });
});

describe('citations (item 9)', () => {
  it('name the file that defines each function', () => {
    assert.match(rule('MM017').kernelCitation, /arch\/powerpc\/mm\/book3s64\/pgtable\.c: memremap_compat_align\(\)/);
    assert.match(rule('MM025').kernelCitation, /drivers\/nvdimm\/namespace_devs\.c: __size_store\(\)/);
    assert.doesNotMatch(rule('MM025').kernelCitation, /namespace_devs\.c: nd_namespace_store/);
    assert.match(rule('MM024').kernelCitation, /drivers\/nvdimm\/claim\.c: nd_namespace_store\(\)/);
    assert.match(rule('MM030').kernelCitation, /mm\/hugetlb_vmemmap\.h: hugetlb_vmemmap_optimizable_size\(\)/);
    assert.match(rule('MM030').kernelCitation, /fs\/Kconfig: HUGETLB_PAGE_OPTIMIZE_VMEMMAP/);
  });
  const SRC = process.env.LINUX_6_12_SRC ?? '/tmp/ksrc/x/usr/src/linux-source-6.12';
  /** Every [6.12] "file: name()" (and Kconfig symbol) the rules cite, as "file: name" pairs (files alternatives). */
  function citedPairs(): { rule: string; files: string[]; name: string }[] {
    const out: { rule: string; files: string[]; name: string }[] = [];
    for (const r of RULES) {
      let tag: string | null = null;
      for (const part of r.kernelCitation.split(/;\s*/)) {
        const t = /^\[(\d+\.\d+)\]\s*/.exec(part);
        if (t) tag = t[1];
        if (part.startsWith('ndctl ')) tag = null;
        const rest = t ? part.slice(t[0].length) : part;
        const colon = rest.indexOf(': ');
        if (tag !== '6.12' || colon < 0) continue;
        const files = rest.slice(0, colon).split(/,\s*/);
        if (!files.every((f) => /^[\w./-]+$/.test(f))) continue;
        const names = [...rest.slice(colon + 2).matchAll(/\b([A-Za-z_]\w*)(\(\))?/g)].filter((m) => m[2] || /^[A-Z][A-Z0-9_]{3,}$/.test(m[1])).map((m) => m[1]);
        for (const name of names) out.push({ rule: r.id, files, name });
      }
    }
    return out;
  }
  // The pairs verified against the 6.12 source, kept in the repository so that CI (which has no kernel tree) still
  // refuses a citation nobody checked: UPDATE_KERNEL_CITATIONS=1 with the tree at LINUX_6_12_SRC rewrites it.
  const VERIFIED = join(__dirname, '..', 'fixtures', 'check', 'kernel-6.12-citations.json');
  const key = (files: string[], name: string) => `${files.join(', ')}: ${name}`;
  it('every [6.12] "file: name()" (and Kconfig symbol) is found in that file of the 6.12 source', { skip: !existsSync(`${SRC}/mm/memory_hotplug.c`) && 'no Linux 6.12 source tree' }, () => {
    const missing: string[] = [];
    const verified = new Set<string>();
    for (const { rule: id, files, name } of citedPairs()) {
      const found = files.some((f) => existsSync(`${SRC}/${f}`) && new RegExp(`\\b${name}\\b`).test(readFileSync(`${SRC}/${f}`, 'utf8')));
      if (found) verified.add(key(files, name));
      else missing.push(`${id}: ${name} not in ${files.join(', ')}`);
    }
    assert.deepEqual(missing, []);
    const list = [...verified].sort();
    if (process.env.UPDATE_KERNEL_CITATIONS) writeFileSync(VERIFIED, JSON.stringify(list, null, 2) + '\n');
    assert.deepEqual(JSON.parse(readFileSync(VERIFIED, 'utf8')), list, 'test/fixtures/check/kernel-6.12-citations.json is stale: run UPDATE_KERNEL_CITATIONS=1 on this test');
  });
  it('every [6.12] citation was verified against the source (the list kept in the repository)', () => {
    const verified = new Set<string>(JSON.parse(readFileSync(VERIFIED, 'utf8')) as string[]);
    const unverified = citedPairs().filter(({ files, name }) => !verified.has(key(files, name))).map(({ rule: id, files, name }) => `${id}: ${key(files, name)}`);
    assert.deepEqual(unverified, [], 'check these against the 6.12 source, then run UPDATE_KERNEL_CITATIONS=1 on this test with the tree at LINUX_6_12_SRC');
  });
});

describe('MM007 on ppc64 with the hash MMU', () => {
  it('the parameter exists (PPC_RADIX_MMU) but arch_supports_memmap_on_memory() is false without radix', () => {
    const f = byRule(check(arch('ppc64-hash', '', 'kernel: { memmapOnMemory: "on" }\n')), 'MM007');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE only with PPC_RADIX_MMU/);
    assert.match(f[0].message, /arch_supports_memmap_on_memory\(\) returns false/);
    assert.doesNotMatch(f[0].message, /does not exist/);
  });
});

describe('MM034 for dax/kmem: the memory-block-rounded range and -EBUSY', () => {
  it('prints the range dax_kmem_range() rounds to, which request_mem_region() refuses', () => {
    const f = byRule(check(x86('devices:\n  - name: dax0.0\n    kind: cxl\n    mode: kmem\n    start: 0x871000000\n    size: 8G\n')), 'MM034');
    assert.equal(f.length, 1);
    assert.equal(f[0].kernelText, 'mapping0: 0x878000000-0xa6fffffff could not reserve region');
    assert.match(f[0].message, /-EBUSY/);
    assert.doesNotMatch(f[0].message, /EEXIST/);
  });
});

describe('numbers as the kernel counts them, sizes formatted', () => {
  it('MM015 on ppc64 radix: an integer number of vmemmap pages', () => {
    const f = byRule(check(arch('ppc64-radix', ns('    mode: devdax\n    start: 0x1000000000\n    size: 16G\n    align: 2M\n    map: mem\n'))), 'MM015');
    assert.match(f[0].message, / is 0 vmemmap pages /);
    assert.doesNotMatch(f[0].message, /0\.03125/);
  });
  it('MM005 and MM001 print sizes, not raw byte counts', () => {
    assert.match(byRule(check(x86('', 'kernel: { memoryBlockSize: 96M }\n')), 'MM005')[0].message, /override 96 MiB is rejected.*boot_mem_end 34 GiB/);
    assert.match(byRule(check(x86('hotplug:\n  - { start: 0x1004000000, size: 1G }\n')), 'MM001')[0].message, /boot_mem_end 34 GiB < 64 GiB/);
  });
  it('MM020: a long byte count gets a rounded reading', () => {
    const f = byRule(check(x86(ns('    start: 0x1000000000\n    size: 1G\n    align: 1G\n    map: dev\n'))), 'MM020');
    assert.match(f[0].message, /= 16777088 B \(about 16 MiB\)/);
  });
});

describe('MM037 does not repeat an MM035 overlap', () => {
  it('the core reports the earlier range, MM035 the later one: one finding', () => {
    const r = check('arch: x86_64\nnodes:\n  - id: 0\n    ranges: [{ start: 0x100000000, size: 16G }]\n  - id: 1\n    ranges: [{ start: 0x0, size: 8G }]\n');
    assert.equal(byRule(r, 'MM035').length, 1);
    assert.deepEqual(byRule(r, 'MM037').map((f) => f.message), []);
  });
});

describe('trade-off rules', () => {
  it('are the warnings whose fixes change what the config asks for', () => {
    assert.deepEqual(
      RULES.filter((r) => r.tradeOff).map((r) => r.id),
      ['MM004', 'MM009', 'MM010', 'MM015', 'MM022', 'MM036', 'MM038', 'MM039'],
    );
    for (const r of RULES.filter((x) => x.tradeOff)) assert.equal(r.severity, 'warning', r.id);
  });
  it('docs/check.md says Fix all does not apply them', () => {
    const md = rulesMarkdown();
    for (const r of RULES) {
      const section = md.slice(md.indexOf(`### ${r.id} `), md.indexOf('\n### ', md.indexOf(`### ${r.id} `) + 1));
      assert.equal(section.includes('Fix all: not applied'), r.tradeOff === true, r.id);
    }
  });
});

describe('MM020 on 6.1: a data offset on the truncated end is accepted with 0 data pages', () => {
  // 1 GiB at 64 GiB + 16 MiB, align 1 GiB, map=dev: offset 1008 MiB == size - end_trunc (16 MiB).
  const text = (version: string, mode: string) =>
    `arch: x86_64\nkernel: { version: "${version}" }\nnodes:\n  - id: 0\n    cpus: 4\n    ranges: [{ start: 0x100000000, size: 16G }]\n` +
    ns(`    mode: ${mode}\n    start: 0x1001000000\n    size: 1G\n    align: 1G\n    map: dev\n`);
  it('6.1 fsdax: the disk maps with capacity 0 (no -ENXIO, no kernel text); the fixes leave data', () => {
    const f = byRule(check(text('6.1', 'fsdax')), 'MM020');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /only refuses offset >= size, so it writes an info block with 0 data pages: the pmem disk maps the range but has capacity 0/);
    assert.equal(f[0].kernelText, '');
    assert.ok(f[0].fixes.length > 0);
    f[0].fixes.forEach((_, i) => assert.deepEqual(errorsAfter(text('6.1', 'fsdax'), f[0], i), []));
  });
  it('6.1 devdax: a 0-byte dax device that dax_bus_probe() refuses, silently', () => {
    const f = byRule(check(text('6.1', 'devdax')), 'MM020');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /the dax device has 0 bytes and dax_bus_probe\(\) refuses it with -ENXIO, silently/);
  });
  it('6.12 refuses the layout: -ENXIO with the kernel text', () => {
    const f = byRule(check(text('6.12', 'fsdax')), 'MM020');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /nd_pfn_init\(\) fails with -ENXIO/);
    assert.match(f[0].kernelText, /unable to satisfy requested alignment/);
  });
});

describe('MM016 when the altmap holds none of the memmap', () => {
  it('a 16 MiB map=dev namespace inside one section: the memmap is in RAM, said so instead of "0 B of the device"', () => {
    const f = byRule(check(x86(ns('    mode: devdax\n    align: 2M\n    start: 0x1000000000\n    size: 16M\n    map: dev\n'))), 'MM016');
    assert.equal(f.length, 1);
    assert.doesNotMatch(f[0].message, /takes 0 B of the device/);
    assert.match(f[0].message, /its whole memmap \(256 KiB\) comes from RAM anyway, undeduplicated \(MM004: /);
  });
  it('a whole-section namespace: the memmap is on the device', () => {
    const f = byRule(check(x86(ns('    mode: devdax\n    align: 2M\n    start: 0x1000000000\n    size: 1G\n    map: dev\n'))), 'MM016');
    assert.match(f[0].message, /the memmap takes 16 MiB of the device;/);
  });
});

// ---------------------------------------------------------------------------------------------
// Second review round

describe('riscv64 6.12 map=dev namespaces: fixes that move or resize them keep the altmap sufficient', () => {
  const rv = (devices: string) => `arch: riscv64\nkernel: { version: "6.12" }\nnodes:\n  - id: 0\n    cpus: 4\n    ranges: [{ start: 0x80000000, size: 16G }]\ndevices:\n${devices}`;
  const dev = (start: string, size: string) => `  - { name: namespace0.0, kind: pmem, mode: fsdax, start: ${start}, size: ${size} }\n`;
  it('MM023: the 16 MiB start inside a section would exhaust the altmap; the section-aligned shrink is offered instead', () => {
    const text = rv(dev('0x1000200000', '4G'));
    const f = byRule(check(text), 'MM023');
    assert.equal(f.length, 1);
    assert.deepEqual(f[0].fixes.map((x) => x.title), ['Start at the section boundary 0x1008000000, size 3968 MiB']);
    assertFixWorks(text, f[0], 0);
    assert.deepEqual(errorsAfter(text, f[0], 0), []);
  });
  it('MM014: whole sections first (map=dev kept), map=mem last; every fix works', () => {
    const text = rv(dev('0x1001000000', '4080M'));
    const f = byRule(check(text), 'MM014');
    assert.equal(f.length, 1);
    assert.deepEqual(f[0].fixes.map((x) => x.title.split(':')[0]), ['Shrink to whole sections', 'Grow to whole sections', 'Set map to mem (memmap in RAM, no altmap)']);
    f[0].fixes.forEach((_, i) => {
      assertFixWorks(text, f[0], i);
      assert.deepEqual(errorsAfter(text, f[0], i), [], f[0].fixes[i].title);
    });
  });
  it('MM014: the grow is left out where the address space below is taken', () => {
    const text = rv(dev('0x1001000000', '4080M') + '  - { name: namespace1.0, kind: pmem, mode: fsdax, start: 0x1000000000, size: 16M, map: mem }\n');
    const f = byRule(check(text), 'MM014');
    assert.deepEqual(f[0].fixes.map((x) => x.title.split(':')[0]), ['Shrink to whole sections', 'Set map to mem (memmap in RAM, no altmap)']);
  });
  it('Fix All keeps map=dev (the reviewer\'s rv23 config)', () => {
    const text = rv(dev('0x1000200000', '4G') + '  - { name: namespace1.0, kind: pmem, mode: fsdax, start: 0x2000200000, size: 4G }\n');
    const r = fixAll(text, 'test.memmap.yaml');
    assert.deepEqual(r.result.findings.filter((x) => x.severity === 'error').map((x) => `${x.rule} ${x.message}`), []);
    assert.doesNotMatch(r.text, /map: mem/);
    assert.deepEqual(r.result.load.config!.devices.map((d) => [d.map, d.start.toString(16), d.size / 2 ** 20]), [
      ['dev', '1008000000', 3968],
      ['dev', '2008000000', 3968],
    ]);
  });
  it('no fix of MM002, MM004, MM014, MM017 or MM023 leaves a map=dev namespace whose altmap runs out', () => {
    const bad: string[] = [];
    let fixes = 0;
    for (const [a, ram] of [['riscv64', '0x80000000'], ['x86_64', '0x100000000'], ['ppc64-hash', '0x0']]) {
      for (const start of ['0x1000100000', '0x1000200000', '0x1001000000', '0x1004000000']) {
        for (const sz of ['4G', '4080M', '1G']) {
          const text = `arch: ${a}\nkernel: { version: "6.12" }\nnodes:\n  - id: 0\n    cpus: 4\n    ranges: [{ start: ${ram}, size: 16G }]\ndevices:\n${dev(start, sz)}`;
          for (const f of check(text).findings.filter((x) => /^MM0(02|04|14|17|23)$/.test(x.rule))) {
            f.fixes.forEach((fx, i) => {
              fixes++;
              const after = errorsAfter(text, f, i).filter((e) => e.startsWith('MM014'));
              if (after.length) bad.push(`${a} ${start} ${sz} ${f.rule} "${fx.title}": ${after[0]}`);
            });
          }
        }
      }
    }
    assert.ok(fixes >= 30, `only ${fixes} fixes`);
    assert.deepEqual(bad, []);
  });
});

describe('ndctl: one size check for the rules and for other rules\' fixes', () => {
  it('an 8 MiB raw NFIT namespace: MM025 (validate_namespace_options() checks the region alignment first, raw too)', () => {
    const text = x86(ns('    mode: raw\n    start: 0x1000000000\n    size: 8M\n'));
    const r = check(text);
    assert.deepEqual(r.findings.filter((f) => /^MM02[3-6]$/.test(f.rule)).map((f) => f.rule), ['MM025']);
    const f = byRule(r, 'MM025')[0];
    assert.equal(f.kernelText, 'region0: align setting is 0x1000000 size 0x800000 is misaligned\n8388608 is not 16384K aligned');
    assert.match(f.message, /is 8 MiB, not a multiple of the 16 MiB region alignment \(smaller than it\)/);
    assert.deepEqual(f.fixes.map((x) => x.title), ['Round the size up to 16 MiB']);
    assertFixWorks(text, f, 0);
  });
  it('ndctlAccepts() says yes exactly when no ndctl rule refuses the size or the start', () => {
    const load = loadConfigText(x86(ns('    start: 0x1000000000\n    size: 1G\n')), 'x.memmap.yaml');
    const ctx = { profile: archProfile(load.config!) } as unknown as RuleContext;
    const base = load.config!.devices[0];
    const wrong: string[] = [];
    for (const mode of ['raw', 'fsdax', 'devdax', 'kmem'] as const) {
      for (const align of [4 * 2 ** 10, 2 * 2 ** 20, 2 ** 30]) {
        for (let mb = 1; mb <= 2200; mb += mb < 64 ? 1 : 37) {
          for (const start of [0x1000000000, 0x1000200000]) {
            const d = { ...base, mode, align, start, size: mb * 2 ** 20 };
            const refused = ndctlSizeRefused(ctx, d) !== null || ndctlStartRefused(d);
            if (ndctlAccepts(ctx, d, d) === refused) wrong.push(`${mode} align ${align} ${mb} MiB at ${start.toString(16)}`);
          }
        }
      }
    }
    assert.deepEqual(wrong, []);
  });
});

describe('MM013: a start off the align alone is a per-finding trade-off', () => {
  const text = x86('devices:\n  - { name: dax1, kind: hmem, mode: devdax, align: 1G, start: 0x1000200000, size: 2G }\n');
  it('tradeOff is set, and the first fix keeps the 1 GiB align (an aligned shrink)', () => {
    const f = byRule(check(text), 'MM013');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'warning');
    assert.equal(f[0].tradeOff, true);
    assert.equal(RULES.find((r) => r.id === 'MM013')!.tradeOff, undefined, 'the rule itself is not a trade-off');
    assert.deepEqual(f[0].fixes.map((x) => x.title), ['Shrink to 0x1040000000, size 1 GiB (1 GiB aligned)', 'Set align to 2 MiB']);
    f[0].fixes.forEach((_, i) => assertFixWorks(text, f[0], i));
  });
  it('Fix All leaves it: the align stays 1 GiB', () => {
    const r = fixAll(text, 'test.memmap.yaml');
    assert.deepEqual(r.applied, []);
    assert.equal(r.text, text);
  });
  it('an errors-level MM013 (size not a multiple of the align) is not a trade-off', () => {
    const f = byRule(check(x86('devices:\n  - { name: dax0, kind: cxl, mode: devdax, align: 1G, start: 0x1000000000, size: 1536M }\n')), 'MM013');
    assert.equal(f[0].severity, 'error');
    assert.equal(f[0].tradeOff, false);
  });
});

describe('devices[].map: the schema and docs/config.md give the default per kind, as the loader does', () => {
  const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', 'src', 'config', 'memmap.schema.json'), 'utf8'));
  const map = schema.properties.devices.items.properties.map;
  it('no unconditional default; the description says which', () => {
    assert.equal('default' in map, false);
    assert.match(map.description, /Default: dev for pmem namespaces, mem for cxl and hmem/);
  });
  it('the field reference does not claim "dev" as the default', () => {
    const md = readFileSync(join(__dirname, '..', '..', 'docs', 'config.md'), 'utf8');
    const row = md.split('\n').find((l) => l.startsWith('| `devices[].map` |'))!;
    assert.equal(row.split(' | ')[2], '');
    assert.match(row, /Default: dev for pmem namespaces, mem for cxl and hmem/);
  });
});

describe('one place per formula: the rules call the core', () => {
  const src = (f: string) => readFileSync(join(__dirname, '..', '..', 'src', f), 'utf8');
  it('alloc_is_aligned() lives in the core, MM013 and mapDevice() call it', () => {
    assert.equal(daxAllocIsAligned({ memremapCompatAlign: 2 * 2 ** 20 }, 1536 * 2 ** 20, 2 ** 30), false);
    assert.equal(daxAllocIsAligned({ memremapCompatAlign: 16 * 2 ** 20 }, 24 * 2 ** 20, 4096), false);
    assert.equal(daxAllocIsAligned({ memremapCompatAlign: 2 * 2 ** 20 }, 2 * 2 ** 30, 2 ** 30), true);
    assert.match(src('check/rules/memremap.ts'), /daxAllocIsAligned\(p, d\.size, d\.align\)/);
    assert.match(src('core/memremap.ts'), /daxAllocIsAligned\(profile, d\.size, d\.align\)/);
    assert.doesNotMatch(src('check/rules/memremap.ts'), /Math\.max\(d\.align, p\.memremapCompatAlign\)/);
  });
  it('the raw-namespace probe condition is the core\'s rawNamespaceMisaligned()', () => {
    assert.match(src('check/rules/sparse.ts'), /rawNamespaceMisaligned\(p, d\)/);
    assert.doesNotMatch(src('check/rules/sparse.ts'), /rawSize/);
  });
  it("MM020's size guard is the kernel's ND_PFN_MIN_SIZE, not ndctl's minimum", () => {
    assert.equal(ND_PFN_MIN_SIZE, 16 * 2 ** 20);
    assert.match(src('check/rules/nvdimm.ts'), /d\.size < ND_PFN_MIN_SIZE/);
    assert.doesNotMatch(src('check/rules/nvdimm.ts'), /NDCTL_MIN_SIZE/);
  });
});

describe('MM028 and MM037 with many pools (review: quadratic in the number of pools)', () => {
  it('a short pool names at most five of the pools allocated on its node before it, and counts the rest', () => {
    // A second pool for a node and size is ignored (MM029), so the pools that take memory of one node before it are
    // those of other nodes whose 1 GiB pages memblock finds there: nodes 0-8 (1 GiB each, too small once their memmap
    // is in) each ask for one page, which falls back to node 9, the highest memory; node 9's own pool comes last
    // (node-id order) and is short.
    const small = Array.from({ length: 9 }, (_, i) => `  - { id: ${i}, cpus: 1, ranges: [{ start: ${(4 + i) * 2 ** 30}, size: 1G }] }`).join('\n');
    const pools = Array.from({ length: 9 }, (_, i) => `  - { pageSize: 1G, count: 1, node: ${i} }`).join('\n');
    const text = `arch: x86_64\nnodes:\n${small}\n  - { id: 9, cpus: 4, ranges: [{ start: 0x1000000000, size: 16G }] }\nhugetlb:\n${pools}\n  - { pageSize: 1G, count: 64, node: 9 }\n`;
    const short = checkText(text, 'p.memmap.yaml').findings.filter((f) => f.rule === 'MM028');
    assert.ok(short.length >= 2, JSON.stringify(short.map((f) => f.message)));
    const last = short[short.length - 1];
    assert.equal(Number(last.path[1]), 9);
    assert.match(last.message, /; hugetlb\[0\], hugetlb\[1\], hugetlb\[2\], hugetlb\[3\], hugetlb\[4\] and 4 more pools are allocated on the node first$/);
  });
});

describe('MM016: the memmap fraction follows the page size', () => {
  it('x86 (4K pages, 64-byte struct page): 1/64; ppc64 radix (64K pages): 1/1024', () => {
    const dev = ns('    mode: devdax\n    align: 2M\n    start: 0x1000000000\n    size: 1G\n    map: dev\n');
    assert.match(byRule(check(x86(dev)), 'MM016')[0].message, /\(the full memmap, 1\/64 of the namespace\)/);
    // 2 MiB is only 32 base pages there (2 vmemmap pages' worth at most): a 1 GiB align is a compound devmap dedup can optimize.
    const ppc = byRule(check(arch('ppc64-radix', ns('    mode: devdax\n    align: 1G\n    start: 0x1000000000\n    size: 16G\n    map: dev\n'))), 'MM016');
    assert.equal(ppc.length, 1);
    assert.match(ppc[0].message, /\(the full memmap, 1\/1024 of the namespace\)/);
    assert.doesNotMatch(rule('MM016').doc, /\(1\/64 of the namespace\)/);
  });
});

describe('MM030 per kernel version (ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP)', () => {
  const hvo = (a: string, version: string) =>
    byRule(check(arch(a, 'hugetlb:\n  - { node: 0, pageSize: 2M, count: 16 }\n', `kernel: { version: "${version}", hvo: true }\n`)), 'MM030').length;
  it('riscv64 from 6.4; s390x 6.2-6.11 only (a 6.12 config is a 6.12.y without it)', () => {
    assert.deepEqual(['6.1', '6.3', '6.4', '6.12'].map((v) => hvo('riscv64', v)), [1, 1, 0, 0]);
    const s390 = (v: string) => byRule(check(arch('s390x', 'hugetlb:\n  - { node: 0, pageSize: 1M, count: 16 }\n', `kernel: { version: "${v}", hvo: true }\n`)), 'MM030').length;
    assert.deepEqual(['6.1', '6.2', '6.11', '6.12'].map(s390), [1, 0, 0, 1]);
    assert.match(rule('MM030').doc, /riscv from 6\.4/);
  });
});

describe('MM029 agrees with simulate: the second hugepages= of a size is ignored', () => {
  it('1000 + 500 pages of 2 MiB on one node: simulate allocates 1000 and 0, MM029 says so with the kernel\'s line', () => {
    const text = x86('hugetlb:\n  - { node: 0, pageSize: 2M, count: 1000 }\n  - { node: 0, pageSize: 2M, count: 500 }\n', 'kernel: { hvo: true }\n');
    const r = check(text);
    const f = byRule(r, 'MM029');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /none of hugetlb\[1\]'s 500 pages is allocated, node 0 gets hugetlb\[0\]'s 1000, not 1500/);
    assert.equal(f[0].kernelText, 'HugeTLB: hugepages= specified twice without interleaving hugepagesz=, ignoring hugepages=500');
    const sim = simulateMemmap(r.load.config!);
    assert.deepEqual(sim.memmap.hugetlb.map((h) => h.allocated), [1000, 0]);
    assert.equal(sim.errors[0].kernelMessage?.trimEnd(), f[0].kernelText);
    // No MM028 for the ignored pool, no MM037 repeating it.
    assert.deepEqual(r.findings.filter((x) => x.rule === 'MM028' || x.rule === 'MM037'), []);
    assert.deepEqual(rule('MM029').kernelText, [
      'HugeTLB: hugepages= specified twice without interleaving hugepagesz=, ignoring hugepages=%s\\n',
      'HugeTLB: hugepagesz=%s specified twice, ignoring\\n',
      'HugeTLB: hugepages=%s does not follow a valid hugepagesz, ignoring\\n',
    ]);
  });
});
