// docs/config.md is the config format's guide; its field reference is generated from the JSON Schema and
// must be current. UPDATE_DOCS=1 node --import tsx --test test/unit/config-docs.test.ts rewrites it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIELDS_BEGIN, FIELDS_END, documentedPaths, fieldsMarkdown } from '../../src/config/docs';
import { loadConfigText } from '../../src/config';

const DOC = join(__dirname, '..', '..', 'docs', 'config.md');

function section(text: string): { before: string; body: string; after: string } {
  const b = text.indexOf('<!-- fields:begin');
  const e = text.indexOf(FIELDS_END);
  assert.ok(b >= 0 && e > b, 'docs/config.md must contain the fields:begin / fields:end markers');
  return { before: text.slice(0, b), body: text.slice(b, e + FIELDS_END.length), after: text.slice(e + FIELDS_END.length) };
}

/** The YAML blocks of the guide. */
function yamlBlocks(text: string): string[] {
  return [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
}

describe('docs/config.md', () => {
  if (process.env.UPDATE_DOCS) {
    const s = section(readFileSync(DOC, 'utf8'));
    writeFileSync(DOC, s.before + fieldsMarkdown() + s.after);
  }
  const text = readFileSync(DOC, 'utf8');

  it('has the generated field reference, up to date with the schema', () => {
    assert.equal(section(text).body, fieldsMarkdown(), 'docs/config.md is stale: run UPDATE_DOCS=1 node --import tsx --test test/unit/config-docs.test.ts');
    assert.ok(text.includes(FIELDS_BEGIN));
  });

  it('documents every field of the schema, nested ones included', () => {
    const paths = documentedPaths();
    for (const p of ['arch', 'kernel.memoryBlockSize', 'nodes[].ranges[].start', 'devices[].map', 'machine.costs.initPageNs', 'machine.media.pmem.nodeWriteGBps', 'machine.calibration[].phase', 'scenarios[].set']) {
      assert.ok(paths.includes(p), `${p} is not in the field list`);
    }
    for (const p of paths) assert.ok(text.includes(`| \`${p}\` |`), `${p} has no row in docs/config.md`);
    assert.equal(new Set(paths).size, paths.length, 'paths are unique');
  });

  it('the default column says what the schema says: required fields, defaults, or nothing', () => {
    const body = section(text).body;
    assert.match(body, /\| `nodes\[\]\.id` \| integer \(≥ 0\) \| required \|/);
    assert.match(body, /\| `kernel\.version` \| string \| `"6\.12"` \|/);
    assert.match(body, /\| `devices\[\]\.align` \| \[size\]\(#sizes-and-addresses\) \| `"2M"` \|/);
    assert.match(body, /\| `kernel\.memmapOnMemory` \| `off` \\\| `on` \\\| `force` \| `"off"` \| .*<br>`force`: /);
    // "x86_64: 4K pages" in enumDescriptions is written once, not "`x86_64`: x86_64: 4K pages".
    assert.ok(body.includes('`x86_64`: 4K pages'));
    assert.ok(!body.includes('`x86_64`: x86_64:'));
    // ... and only a leading "value: " goes: "ndctl --mode=fsdax: /dev/pmemN ..." keeps its words.
    assert.ok(body.includes('`fsdax`: ndctl --mode=fsdax: /dev/pmemN block device'), 'fsdax description intact');
    assert.ok(body.includes('given to dax_kmem: hot-added as System RAM'), 'kmem description intact');
  });

  it('every YAML example in the guide is a valid config with no error-level problem', () => {
    const blocks = yamlBlocks(section(text).before);
    assert.ok(blocks.length >= 1);
    // The scenario example is a fragment: it is checked on top of a machine with the device it names.
    const machine = 'nodes:\n  - id: 0\n    ranges: [{ start: 0x100000000, size: 64G }]\ndevices:\n  - { name: namespace0.0, mode: devdax, start: 0x1100000000, size: 16G, map: mem }\nhugetlb:\n  - { node: 0, pageSize: 1G, count: 4 }\n';
    for (const b of blocks) {
      const doc = b.startsWith('scenarios:') ? machine + b : b;
      const r = loadConfigText(doc, 'guide.memmap.yaml', {});
      assert.deepEqual(r.errors.filter((e) => e.severity === 'error').map((e) => e.message), [], b);
    }
  });
});

describe('the README\'s config example', () => {
  it('loads and checks without a finding', async () => {
    const { checkText } = await import('../../src/check/index');
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const block = yamlBlocks(readme).find((b) => b.startsWith('name: '));
    assert.ok(block, 'a YAML config in the README');
    const r = checkText(block, 'readme.memmap.yaml');
    assert.deepEqual([...r.configErrors.map((e) => e.message), ...r.findings.map((f) => `${f.rule} ${f.message}`)], []);
  });
});
