// docs/check.md documents every rule; its rules section is generated from the rule data and must be current.
// UPDATE_DOCS=1 node --import tsx --test test/unit/check-docs.test.ts rewrites it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES, rulesMarkdown } from '../../src/check/index';
import { DOC_BEGIN, DOC_END, citationMarkdown, citedFunction, ruleHelpMarkdown } from '../../src/check/docs';
import { ELIXIR, NDCTL_GITHUB } from '../../src/report/kernel-source';

const DOC = join(__dirname, '..', '..', 'docs', 'check.md');
const BEGIN_RE = /<!-- rules:begin[^>]*-->/;

function section(text: string): { before: string; body: string; after: string } {
  const b = BEGIN_RE.exec(text);
  const e = text.indexOf(DOC_END);
  assert.ok(b && e > b.index, 'docs/check.md must contain the rules:begin / rules:end markers');
  return { before: text.slice(0, b.index), body: text.slice(b.index, e + DOC_END.length), after: text.slice(e + DOC_END.length) };
}

describe('docs/check.md', () => {
  if (process.env.UPDATE_DOCS) {
    const s = section(readFileSync(DOC, 'utf8'));
    writeFileSync(DOC, s.before + rulesMarkdown() + s.after);
  }
  const text = readFileSync(DOC, 'utf8');

  it('has the generated rules section, up to date with the rule data', () => {
    assert.equal(section(text).body, rulesMarkdown(), 'docs/check.md is stale: run UPDATE_DOCS=1 node --import tsx --test test/unit/check-docs.test.ts');
    assert.ok(text.includes(DOC_BEGIN));
  });

  it('lists every rule in the table and has a section per rule', () => {
    for (const r of RULES) {
      assert.ok(text.includes(`| [${r.id}](#`), `${r.id} missing from the table`);
      assert.ok(text.includes(`### ${r.id} ${r.slug}`), `${r.id} has no section`);
    }
  });

  it('rule data is complete and ids are stable and ordered', () => {
    RULES.forEach((r, i) => {
      assert.equal(r.id, `MM${String(i + 1).padStart(3, '0')}`);
      assert.match(r.slug, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(r.title && r.doc && r.kernelCitation && r.reference, `${r.id} lacks documentation`);
      assert.ok(['error', 'warning', 'info'].includes(r.severity));
    });
    assert.equal(new Set(RULES.map((r) => r.slug)).size, RULES.length, 'slugs are unique');
  });

  it('citations link each kernel file and function to Elixir at the version they were checked against', () => {
    const md = citationMarkdown('[6.12] mm/memory_hotplug.c: check_pfn_span(); drivers/dax/bus.c: alloc_dax_region(), dev_dax_validate_align(); [6.1] arch/riscv/mm/init.c: vmemmap_populate()');
    assert.equal(
      md,
      `[6.12] [\`mm/memory_hotplug.c\`](${ELIXIR}/v6.12/source/mm/memory_hotplug.c): [\`check_pfn_span()\`](${ELIXIR}/v6.12/A/ident/check_pfn_span); ` +
        `[\`drivers/dax/bus.c\`](${ELIXIR}/v6.12/source/drivers/dax/bus.c): [\`alloc_dax_region()\`](${ELIXIR}/v6.12/A/ident/alloc_dax_region), [\`dev_dax_validate_align()\`](${ELIXIR}/v6.12/A/ident/dev_dax_validate_align); ` +
        `[6.1] [\`arch/riscv/mm/init.c\`](${ELIXIR}/v6.1/source/arch/riscv/mm/init.c): [\`vmemmap_populate()\`](${ELIXIR}/v6.1/A/ident/vmemmap_populate)`,
    );
    // ndctl's sources go to its tag on GitHub, never to the kernel tree; what is not "path: functions" stays text.
    assert.equal(citationMarkdown('ndctl v81 ndctl/namespace.c: check_dax_align()'), `ndctl v81 [\`ndctl/namespace.c\`](${NDCTL_GITHUB}/v81/ndctl/namespace.c): check_dax_align()`);
    assert.equal(citationMarkdown('[6.12] ndctl/namespace.c: validate_namespace_options()'), '`[6.12] ndctl/namespace.c: validate_namespace_options()`');
    assert.equal(citationMarkdown('src/core (simulateMemmap): the mm paths of §2-§8'), '`src/core (simulateMemmap): the mm paths of §2-§8`');
    assert.equal(citationMarkdown('[6.12] Documentation/admin-guide/kernel-parameters.txt (memory_hotplug.memmap_on_memory)'), '`[6.12] Documentation/admin-guide/kernel-parameters.txt (memory_hotplug.memmap_on_memory)`');
  });

  it("every rule's help links every function its kernel citation names, and only to Elixir or ndctl", () => {
    for (const r of RULES) {
      const help = ruleHelpMarkdown(r);
      const urls = [...help.matchAll(/\]\((https:[^)\s]+)\)/g)].map((m) => m[1]);
      for (const u of urls) assert.match(u, /^https:\/\/(elixir\.bootlin\.com\/linux\/v6\.(1|12)\/(source\/[\w./-]+|A\/ident\/\w+)|github\.com\/pmem\/ndctl\/blob\/v81\/ndctl\/[\w.]+)$/, `${r.id}: ${u}`);
      // Each "name()" of a kernel part (from a [6.x] tag on; not ndctl's, not Documentation/) is a link.
      let kernel = false;
      for (const part of r.kernelCitation.split(/;\s*/)) {
        if (/^\[6\.(1|12)\] /.test(part)) kernel = true;
        if (!kernel || part.includes('ndctl') || part.startsWith('Documentation/')) continue;
        for (const m of part.matchAll(/\b([a-z_][a-z0-9_]*)\(\)/g)) assert.ok(urls.some((u) => u.endsWith(`/A/ident/${m[1]}`)), `${r.id}: ${m[1]}() is not linked`);
      }
    }
    assert.ok(RULES.filter((r) => ruleHelpMarkdown(r).includes('](https://elixir.bootlin.com/')).length >= 30);
  });

  it('the first kernel function a citation names (ndctl parts skipped), at its release', () => {
    const by = (id: string) => citedFunction(RULES.find((r) => r.id === id)!.kernelCitation);
    assert.deepEqual(by('MM002'), { function: 'check_pfn_span', tag: 'v6.12', url: `${ELIXIR}/v6.12/A/ident/check_pfn_span` });
    assert.deepEqual(by('MM025'), { function: '__size_store', tag: 'v6.12', url: `${ELIXIR}/v6.12/A/ident/__size_store` });
    assert.equal(by('MM023'), null, 'ndctl only');
    assert.equal(by('MM037'), null, 'the simulated core');
    assert.equal(citedFunction('[6.1] arch/riscv/mm/init.c: vmemmap_populate()')?.tag, 'v6.1');
  });
});
