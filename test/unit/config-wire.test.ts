// A loaded config handed to another thread (the extension's analysis worker) and back: the restored
// result must be indistinguishable from the original for everything the editor reads from it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configRange, loadConfigText, loadResultFromWire, loadResultToWire, scenarioConfig, type LoadResult } from '../../src/config/load';
import { checkDocument } from '../../src/check/engine';
import type { JsonPath } from '../../src/config/types';

const ROOT = join(__dirname, '..', '..');
const files = [
  ...readdirSync(join(ROOT, 'examples')).map((f) => join(ROOT, 'examples', f)),
  ...readdirSync(join(ROOT, 'test', 'fixtures', 'config')).map((f) => join(ROOT, 'test', 'fixtures', 'config', f)),
  ...readdirSync(join(ROOT, 'test', 'fixtures', 'check')).map((f) => join(ROOT, 'test', 'fixtures', 'check', f)),
];

/** Every path of a plain JSON value (objects' keys and arrays' indexes). */
function paths(v: unknown, at: JsonPath = [], out: JsonPath[] = []): JsonPath[] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

/** Through structured clone, as postMessage() copies it. */
const roundTrip = (r: LoadResult) => loadResultFromWire(structuredClone(loadResultToWire(r)));

function assertSame(a: LoadResult, b: LoadResult, label: string): void {
  assert.deepEqual(b.config, a.config, label);
  assert.deepEqual(b.errors, a.errors, label);
  assert.equal(b.doc?.text, a.doc?.text, label);
  assert.deepEqual(b.doc?.value, a.doc?.value, label);
  // The range tree itself (private: it travels flat and is rebuilt).
  const tree = (r: LoadResult) => (r.doc as unknown as { root: unknown } | null)?.root;
  assert.deepEqual(tree(b), tree(a), label);
  for (const p of paths(a.doc?.value)) {
    assert.deepEqual(configRange(b, p), configRange(a, p), `${label} ${p.join('.')}`);
    assert.deepEqual(configRange(b, p, 'key'), configRange(a, p, 'key'), `${label} ${p.join('.')} key`);
    assert.deepEqual(b.doc!.nearestRange([...p, 'no-such-key']), a.doc!.nearestRange([...p, 'no-such-key']), label);
  }
  if (a.doc) for (const o of [0, 1, a.doc.text.length >> 1, a.doc.text.length]) assert.deepEqual(b.doc!.positionAt(o), a.doc.positionAt(o), label);
}

describe('config wire: a LoadResult through structured clone and back', () => {
  for (const f of files) {
    const name = f.slice(ROOT.length + 1);
    it(name, () => {
      const a = loadConfigText(readFileSync(f, 'utf8'), f);
      const b = roundTrip(a);
      assertSame(a, b, name);
      // Scenario variants are derived from the restored document exactly as from the original.
      const scenarios = ((a.doc?.value as { scenarios?: { name?: string }[] } | null)?.scenarios ?? []).map((s) => s.name).filter((n): n is string => typeof n === 'string');
      for (const s of [...scenarios, 'no-such-scenario']) {
        const sa = scenarioConfig(a, s);
        const sb = scenarioConfig(b, s);
        assert.deepEqual(sb.config, sa.config, `${name} scenario ${s}`);
        assert.deepEqual(sb.errors, sa.errors, `${name} scenario ${s}`);
        if (sa.config) for (const p of [['devices', 0, 'start'], ['nodes', 0], ['kernel', 'hvo']] as JsonPath[]) assert.deepEqual(configRange(sb, p), configRange(sa, p), `${name} scenario ${s} ${p.join('.')}`);
      }
      // The checker's findings (with their ranges and fixes) are the same.
      const strip = (r: ReturnType<typeof checkDocument>) => ({ findings: r.findings, configErrors: r.configErrors });
      assert.deepEqual(strip(checkDocument(b)), strip(checkDocument(a)), name);
    });
  }

  it('a parse warning stays with the document: its scenario variants report it too', () => {
    const text = '%FOO bar\n---\nnodes:\n  - id: 0\n    ranges: [ { start: 0x0, size: 16G } ]\nscenarios:\n  - name: hvo\n    set: { kernel.hvo: true }\n';
    const a = loadConfigText(text, 'w.memmap.yaml');
    assert.ok(a.errors.some((e) => e.severity === 'warning' && /unknown directive/.test(e.message)));
    const sb = scenarioConfig(roundTrip(a), 'hvo');
    assert.ok(sb.config);
    assert.deepEqual(sb.errors, scenarioConfig(a, 'hvo').errors);
    assert.ok(sb.errors.some((e) => /unknown directive/.test(e.message)));
  });

  it('syntax errors, a document that is not a mapping, and empty text', () => {
    for (const [text, fileName] of [
      ['nodes:\n  - id: 0\n    ranges: [ { start: 0x0, size: 16G }\n', 'broken.memmap.yaml'],
      ['{ "nodes": [ { "id": 0, }', 'broken.memmap.json'],
      ['- just\n- a list\n', 'list.memmap.yaml'],
      ['', 'empty.memmap.yaml'],
      ['# only a comment\n', 'comment.memmap.yaml'],
      ['a: 1\n---\nb: 2\n', 'two-docs.memmap.yaml'],
    ]) {
      const a = loadConfigText(text, fileName);
      assertSame(a, roundTrip(a), fileName);
    }
  });
});
