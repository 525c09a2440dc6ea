// upsertCalibration(): machine.calibration points written into config text with a minimal edit.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse as parseJsonc } from 'jsonc-parser';
import { parseDocument } from 'yaml';
import { samePoint, upsertCalibration } from '../../src/trace/import/config-edit';

const P0 = { phase: 'deferred', node: 0, ms: 56, source: 'x.log:111' };
const P1 = { phase: 'deferred', node: 1, ms: 60, source: 'x.log:113' };
const Z = { phase: 'zoneDevice', device: 'namespace0.0', ms: 1012, source: 'x.log:67' };

function ok(r: ReturnType<typeof upsertCalibration>) {
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r;
}
const yamlValue = (t: string) => parseDocument(t).toJS() as { machine?: { calibration?: unknown[] } };

describe('upsertCalibration: YAML', () => {
  it('no machine section: appended at the end, the rest byte for byte', () => {
    const t = '# head\nname: x # c\nnodes:\n  - id: 0\n    ranges: [{start: 0, size: 1G}]\n# tail\n';
    const r = ok(upsertCalibration(t, 'a.memmap.yaml', [P0, P1], ['line 111: "node 0 deferred pages initialised in 56ms"', '']));
    assert.equal(r.method, 'yaml-splice');
    assert.equal(
      r.text,
      t +
        'machine:\n  calibration:\n    - { phase: deferred, node: 0, ms: 56, source: x.log:111 } # line 111: "node 0 deferred pages initialised in 56ms"\n    - { phase: deferred, node: 1, ms: 60, source: x.log:113 }\n',
    );
  });

  it('a file without a final newline, and CRLF line ends', () => {
    const r = ok(upsertCalibration('name: x\r\nnodes: []', 'a.yaml', [P0]));
    assert.equal(r.text, 'name: x\r\nnodes: []\r\nmachine:\r\n  calibration:\r\n    - { phase: deferred, node: 0, ms: 56, source: x.log:111 }\r\n');
  });

  it('machine without calibration: a calibration key after machine\'s last key, at its indentation', () => {
    const t = 'name: x\nmachine:\n    era: auto   # keep\n    costs:\n        initPageNs: 20\nscenarios: []\n';
    const r = ok(upsertCalibration(t, 'a.yaml', [P0]));
    assert.equal(r.method, 'yaml-splice');
    assert.equal(r.text, 'name: x\nmachine:\n    era: auto   # keep\n    costs:\n        initPageNs: 20\n    calibration:\n        - { phase: deferred, node: 0, ms: 56, source: x.log:111 }\nscenarios: []\n');
  });

  it('an existing list: the same point replaced on its line (comment too), new ones after the last item', () => {
    const t = 'machine:\n  calibration:\n  - { phase: deferred, node: 0, ms: 5 } # old\n  - phase: zoneDevice\n    device: namespace0.0\n    ms: 3\nz: 1\n';
    const r = ok(upsertCalibration(t, 'a.yaml', [P0, P1, Z], ['new', '', '']));
    assert.deepEqual([r.replaced, r.added], [2, 1]);
    assert.equal(
      r.text,
      'machine:\n  calibration:\n  - { phase: deferred, node: 0, ms: 56, source: x.log:111 } # new\n  - { phase: zoneDevice, device: namespace0.0, ms: 1012, source: x.log:67 }\n  - { phase: deferred, node: 1, ms: 60, source: x.log:113 }\nz: 1\n',
    );
  });

  it('points with another thread count are other measurements', () => {
    const t = 'machine:\n  calibration:\n    - { phase: deferred, node: 0, threads: 0, ms: 1785.7 }\n';
    const r = ok(upsertCalibration(t, 'a.yaml', [P0]));
    assert.deepEqual([r.replaced, r.added], [0, 1]);
    assert.equal(samePoint({ phase: 'deferred', node: 0, threads: 0 }, P0), false);
    assert.equal(samePoint({ phase: 'deferred', node: 0, threads: null }, P0), true);
    assert.equal(samePoint({ phase: 'zoneDevice', device: 'namespace0.0' }, Z), true);
  });

  it('flow-style machine: rewritten through the Document (comments kept), still the intended value', () => {
    const t = '# top\nname: x\nmachine: { era: auto }\n';
    const r = ok(upsertCalibration(t, 'a.yaml', [P0]));
    assert.equal(r.method, 'yaml-rewrite');
    assert.match(r.text, /^# top\n/);
    assert.deepEqual(yamlValue(r.text).machine, { era: 'auto', calibration: [P0] });
  });

  it('an empty machine: key is filled in', () => {
    const r = ok(upsertCalibration('name: x\nmachine:\n', 'a.yaml', [P0]));
    assert.deepEqual(yamlValue(r.text).machine, { calibration: [P0] });
  });

  it('refuses what it cannot edit', () => {
    let r = upsertCalibration('machine: 3\n', 'a.yaml', [P0]);
    assert.ok(!r.ok && /machine is not a mapping/.test(r.message));
    r = upsertCalibration('machine:\n  calibration: yes\n', 'a.yaml', [P0]);
    assert.ok(!r.ok && /machine\.calibration is not a list/.test(r.message));
    r = upsertCalibration('a: [1,\n', 'a.yaml', [P0]);
    assert.ok(!r.ok && /YAML errors/.test(r.message));
  });

  it('property: any mix of new and existing points gives the intended value, and no line outside machine: changes', () => {
    const point = fc.oneof(
      fc.record({ phase: fc.constant('deferred'), node: fc.integer({ min: 0, max: 3 }), ms: fc.integer({ min: 1, max: 5000 }) }),
      fc.record({ phase: fc.constant('zoneDevice'), device: fc.constantFrom('namespace0.0', 'namespace1.0'), ms: fc.integer({ min: 1, max: 5000 }) }),
    ).map((p): Record<string, unknown> => ({ ...p }));
    const layouts = [
      (items: string) => `name: t\nnodes:\n  - id: 0\n    ranges: []\nmachine:\n  era: auto\n  calibration:\n${items}scenarios: []\n`,
      (items: string) => `name: t\nmachine:\n  calibration:\n${items}`,
      () => 'name: t\n# the end\n',
      () => 'name: t\nmachine:\n  numaRemoteFactor: 1.5\n',
    ];
    fc.assert(
      fc.property(fc.array(point, { maxLength: 4 }), fc.array(point, { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: layouts.length - 1 }), (existing, add, li) => {
        const uniq = (xs: Record<string, unknown>[]) => xs.filter((p, i) => xs.findIndex((q) => samePoint(q, p)) === i);
        const ex = uniq(existing);
        const items = ex.map((p) => `    - ${JSON.stringify(p).replace(/"(\w+)":/g, '$1: ')}\n`).join('');
        const text = layouts[li](items || '    - { phase: early, node: 0, ms: 1 }\n');
        const before = yamlValue(text);
        const r = upsertCalibration(text, 'p.yaml', add);
        if (!r.ok) return false;
        assert.equal(r.method, 'yaml-splice');
        const want = [...((before.machine?.calibration as Record<string, unknown>[]) ?? [])];
        for (const p of add) {
          const i = want.findIndex((q) => samePoint(q, p));
          if (i >= 0) want[i] = p;
          else want.push(p);
        }
        const got = yamlValue(r.text);
        assert.deepEqual(got.machine?.calibration, want);
        const outside = (t: string) => t.split('\n').filter((l) => !/^\s+(- |calibration:)/.test(l) && l !== 'machine:');
        assert.deepEqual(outside(r.text), outside(text));
        return true;
      }),
      { numRuns: 200 },
    );
  });
});

describe('upsertCalibration: JSON', () => {
  it('creates machine.calibration with the file\'s indentation; comments kept', () => {
    const t = '{\n    // c\n    "name": "x",\n    "nodes": []\n}\n';
    const r = ok(upsertCalibration(t, 'a.memmap.json', [P0]));
    assert.equal(r.method, 'json');
    assert.ok(r.text.startsWith('{\n    // c\n    "name": "x",\n    "nodes": [],\n    "machine": {\n        "calibration": [\n            {\n'));
    assert.deepEqual(parseJsonc(r.text).machine.calibration, [P0]);
  });

  it('one-line arrays stay one line: replace and append', () => {
    const t = '{\n  "machine": { "calibration": [ { "phase": "deferred", "node": 0, "ms": 1 } ] }\n}\n';
    const r = ok(upsertCalibration(t, 'a.json', [P0, P1]));
    assert.equal(
      r.text,
      '{\n  "machine": { "calibration": [ { "phase": "deferred", "node": 0, "ms": 56, "source": "x.log:111" }, { "phase": "deferred", "node": 1, "ms": 60, "source": "x.log:113" } ] }\n}\n',
    );
  });

  it('refuses non-objects', () => {
    let r = upsertCalibration('{ "machine": [] }', 'a.json', [P0]);
    assert.ok(!r.ok && /machine is not an object/.test(r.message));
    r = upsertCalibration('{ "machine": { "calibration": 1 } }', 'a.json', [P0]);
    assert.ok(!r.ok && /not a list/.test(r.message));
    r = upsertCalibration('{ "a": ', 'a.json', [P0]);
    assert.ok(!r.ok && /not valid JSON/.test(r.message));
  });
});
