// Which kernel function prints each kernel error kind (src/trace/printers.ts): the table covers exactly the
// kernel messages of docs/analyze-json.md's error table (ndctl/daxctl output is userspace: no printer).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_PRINTERS, errorPrinter } from '../../src/trace/printers';

const DOC = readFileSync(join(__dirname, '..', '..', 'docs', 'analyze-json.md'), 'utf8');

/** The kinds in the first column of the error table ("| `a`, `b` | message | details |"). */
function documentedKinds(): string[] {
  const table = DOC.slice(DOC.indexOf('| kind | message (kernel, or ndctl/daxctl output'));
  const rows = table.split('\n').slice(2);
  const out: string[] = [];
  for (const r of rows) {
    if (!r.startsWith('|')) break;
    for (const m of r.split('|')[1].matchAll(/`([a-z0-9-]+)`/g)) out.push(m[1]);
  }
  return out;
}

describe('error printers', () => {
  it('every documented kernel error kind has its printing function, and nothing else has one', () => {
    const kinds = documentedKinds();
    assert.ok(kinds.length >= 40, `only ${kinds.length} kinds read from docs/analyze-json.md`);
    const userspace = kinds.filter((k) => /^(ndctl|daxctl)-/.test(k));
    assert.deepEqual(kinds.filter((k) => !userspace.includes(k) && !ERROR_PRINTERS[k]), []);
    assert.deepEqual(Object.keys(ERROR_PRINTERS).filter((k) => !kinds.includes(k) || userspace.includes(k)), []);
    for (const [kind, p] of Object.entries(ERROR_PRINTERS)) {
      assert.match(p.function, /^[A-Za-z_]\w*$/, kind);
      assert.match(p.file, /^(mm|drivers|arch)\/[\w/-]+\.c$/, kind);
    }
  });

  it('a message printed with __func__ names its function itself', () => {
    assert.equal(errorPrinter('misaligned-add-pages', { function: '__remove_pages' })?.function, '__remove_pages');
    assert.equal(errorPrinter('misaligned-add-pages', { function: 'not a name()' })?.function, '__add_pages');
    assert.equal(errorPrinter('misaligned-add-pages', {})?.function, '__add_pages');
    assert.equal(errorPrinter('memmap-backing-failed', { function: 'sparse_init_nid', node: 1 })?.function, 'sparse_init_nid');
    // Other kinds keep the table's function whatever the details say.
    assert.equal(errorPrinter('conflicting-mapping', { function: 'x' })?.function, 'pagemap_range');
    assert.equal(errorPrinter('ndctl-error', {}), null);
    assert.equal(errorPrinter('constructor', {}), null);
  });
});
