// Review fixes of the checker: fixes that pass the other rules (ndctl's namespace rules, the altmap), findings
// that say what the kernel does (MM013, MM024, MM034, MM007), no finding twice (MM020 / MM026, MM037 / MM035),
// the citations, the number formats, and the trade-off rules.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { RULES, rulesMarkdown, applyFixes, checkText, type Finding } from '../../src/check/index';
import { loadConfigText } from '../../src/config/load';
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
  it('every [6.12] "file: name()" (and Kconfig symbol) is found in that file of the 6.12 source', { skip: !existsSync(`${SRC}/mm/memory_hotplug.c`) && 'no Linux 6.12 source tree' }, () => {
    const missing: string[] = [];
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
        for (const n of names) {
          const found = files.some((f) => existsSync(`${SRC}/${f}`) && new RegExp(`\\b${n}\\b`).test(readFileSync(`${SRC}/${f}`, 'utf8')));
          if (!found) missing.push(`${r.id}: ${n} not in ${files.join(', ')}`);
        }
      }
    }
    assert.deepEqual(missing, []);
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
      ['MM004', 'MM009', 'MM010', 'MM015', 'MM022', 'MM036', 'MM038'],
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
