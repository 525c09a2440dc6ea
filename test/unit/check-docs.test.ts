// docs/check.md documents every rule; its rules section is generated from the rule data and must be current.
// UPDATE_DOCS=1 node --import tsx --test test/unit/check-docs.test.ts rewrites it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES, rulesMarkdown } from '../../src/check/index';
import { DOC_BEGIN, DOC_END } from '../../src/check/docs';

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
});
