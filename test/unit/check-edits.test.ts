// Fix edits are rendered in the document's style (YAML/JSON, units, hex, quotes); keys are inserted where
// they belong; scenario findings are located in (or added to) the scenario's `set`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '../../src/config/load';
import { SourceDoc } from '../../src/config/source';
import { applyEdits, applyFixes, checkText } from '../../src/check/index';
import { editsFor, renderValue } from '../../src/check/edits';
import { at, byRule, check, x86 } from './check-helpers';

const doc = (text: string, name = 'x.memmap.yaml') => SourceDoc.parse(text, name).doc!;
const yaml = doc('a: 1\n');
const json = doc('{"a": 1}', 'x.memmap.json');

describe('renderValue keeps the user\'s style', () => {
  const size = (bytes: number) => ({ kind: 'size' as const, bytes });
  it('units: letter case, iB/B suffixes, spaces; exact multiples only', () => {
    assert.equal(renderValue(yaml, size(130944 * 2 ** 20), '128G'), '130944M');
    assert.equal(renderValue(yaml, size(4 * 2 ** 30), '2GiB'), '4GiB');
    assert.equal(renderValue(yaml, size(4 * 2 ** 30), '2gb'), '4gb');
    assert.equal(renderValue(yaml, size(512 * 2 ** 20), '"1 MB"'), '"512 MB"');
    assert.equal(renderValue(yaml, size(2 ** 20 + 1), '2M'), '1048577');
    assert.equal(renderValue(yaml, size(1536 * 2 ** 30), '1.5T'), '1536G');
  });
  it('hex stays hex (case kept), decimal stays decimal, quotes stay', () => {
    assert.equal(renderValue(yaml, { kind: 'address', bytes: 0x3048000000 }, '0x3043200000'), '0x3048000000');
    assert.equal(renderValue(yaml, { kind: 'address', bytes: 0x30480a0000 }, '0x3043A00000'), '0x30480A0000');
    assert.equal(renderValue(yaml, { kind: 'address', bytes: 4096 }, "'0x1000000'"), "'0x1000'");
    assert.equal(renderValue(yaml, size(2097152), '1048576'), '2097152');
  });
  it('JSON: strings quoted, numbers stay numbers', () => {
    assert.equal(renderValue(json, size(2 ** 21), '"1G"'), '"2M"');
    assert.equal(renderValue(json, size(2 ** 21), '1073741824'), '2097152');
    assert.equal(renderValue(json, { kind: 'address', bytes: 0x1000 }, '"0x2000"'), '"0x1000"');
    assert.equal(renderValue(json, { kind: 'string', value: 'mem' }, '"dev"'), '"mem"');
    assert.equal(renderValue(json, size(2 ** 21), null), '"2M"');
  });
  it('YAML strings: plain when safe, quoted when YAML would read them as something else', () => {
    assert.equal(renderValue(yaml, { kind: 'string', value: 'mem' }, 'dev'), 'mem');
    assert.equal(renderValue(yaml, { kind: 'string', value: 'on' }, null), '"on"');
    assert.equal(renderValue(yaml, { kind: 'string', value: 'force' }, '"on"'), '"force"');
    assert.equal(renderValue(yaml, { kind: 'string', value: 'mem' }, "'dev'"), "'mem'");
  });
});

describe('inserting missing keys and deleting items', () => {
  const set = (path: (string | number)[], value: { kind: 'string'; value: string }) => [{ op: 'set' as const, path, value }];
  it('block YAML: a new line at the mapping indentation, after a trailing comment', () => {
    const text = 'nodes:\n  - id: 0\n    ranges: []\ndevices:\n  - name: a\n    start: 0x1000  # here\n    size: 1G\n';
    const d = doc(text);
    const out = applyEdits(text, editsFor(d, set(['devices', 0, 'map'], { kind: 'string', value: 'mem' }), null)!);
    assert.equal(out, 'nodes:\n  - id: 0\n    ranges: []\ndevices:\n  - name: a\n    start: 0x1000  # here\n    size: 1G\n    map: mem\n');
  });
  it('flow YAML and single-line JSON: after the last member', () => {
    const y = 'devices:\n  - { name: a, start: 0x1000, size: 1G }\n';
    assert.equal(applyEdits(y, editsFor(doc(y), set(['devices', 0, 'map'], { kind: 'string', value: 'mem' }), null)!), 'devices:\n  - { name: a, start: 0x1000, size: 1G, map: mem }\n');
    const j = '{"devices": [{"name": "a", "size": "1G"}]}';
    assert.equal(applyEdits(j, editsFor(doc(j, 'x.json'), set(['devices', 0, 'map'], { kind: 'string', value: 'mem' }), null)!), '{"devices": [{"name": "a", "size": "1G", "map": "mem"}]}');
  });
  it('multi-line JSON: a new member on its own line', () => {
    const j = '{\n  "kernel": {\n    "version": "6.12"\n  }\n}\n';
    assert.equal(applyEdits(j, editsFor(doc(j, 'x.json'), set(['kernel', 'memmapOnMemory'], { kind: 'string', value: 'on' }), null)!), '{\n  "kernel": {\n    "version": "6.12",\n    "memmapOnMemory": "on"\n  }\n}\n');
  });
  it('a missing parent mapping is created', () => {
    const y = 'arch: x86_64\nnodes: []\n';
    assert.equal(applyEdits(y, editsFor(doc(y), set(['kernel', 'memmapOnMemory'], { kind: 'string', value: 'force' }), null)!), 'arch: x86_64\nnodes: []\nkernel: { memmapOnMemory: force }\n');
  });
  it('array items are deleted in block and flow sequences', () => {
    const y = 'hugetlb:\n  - { node: 0, count: 1 }\n  - { node: 0, count: 2 }\nx: 1\n';
    assert.equal(applyEdits(y, editsFor(doc(y), [{ op: 'delete', path: ['hugetlb', 1] }], null)!), 'hugetlb:\n  - { node: 0, count: 1 }\nx: 1\n');
    const f = 'hugetlb: [{ count: 1 }, { count: 2 }, { count: 3 }]\n';
    assert.equal(applyEdits(f, editsFor(doc(f), [{ op: 'delete', path: ['hugetlb', 1] }], null)!), 'hugetlb: [{ count: 1 }, { count: 3 }]\n');
    assert.equal(applyEdits(f, editsFor(doc(f), [{ op: 'delete', path: ['hugetlb', 2] }], null)!), 'hugetlb: [{ count: 1 }, { count: 2 }]\n');
  });
  it('applyFixes skips a fix that overlaps one already taken', () => {
    const r = applyFixes('abcdef', [
      { edits: [{ range: { start: 1, end: 3 }, newText: 'X' }] },
      { edits: [{ range: { start: 2, end: 4 }, newText: 'Y' }] },
      { edits: [{ range: { start: 5, end: 5 }, newText: 'Z' }] },
    ]);
    assert.deepEqual(r, { text: 'aXdeZf', applied: 2, skipped: 1 });
  });
});

describe('fixes on a JSON config', () => {
  it('are JSON, and the fixed file checks clean for the rule', () => {
    const text = JSON.stringify(
      { arch: 'x86_64', nodes: [{ id: 0, ranges: [{ start: '0x100000000', size: '30G' }] }], devices: [{ name: 'namespace0.0', start: '0x1000200000', size: 17179869184, align: '16M' }] },
      null,
      2,
    );
    const r = check(text, 'x.memmap.json');
    const ndctl = byRule(r, 'MM023')[0];
    assert.equal(at(r, ndctl), '"0x1000200000"');
    assert.deepEqual(
      ndctl.fixes[0].edits.map((e) => e.newText),
      ['"0x1001000000"', '17163091968'],
    );
    const align = byRule(r, 'MM018')[0];
    assert.equal(align.fixes[0].edits[0].newText, '"2M"');
    const fixed = applyFixes(text, [ndctl.fixes[0], align.fixes[0]]).text;
    const again = check(fixed, 'x.memmap.json');
    assert.deepEqual(
      again.findings.filter((f) => f.severity === 'error').map((f) => f.rule),
      [],
    );
    assert.equal(loadConfigText(fixed, 'x.memmap.json').errors.length, 0);
  });
});

describe('scenario findings', () => {
  const base = x86(
    'devices:\n  - name: namespace0.0\n    start: 0x1000000000\n    size: 128G\n    align: 2M\nscenarios:\n  - name: huge align\n    set: { "devices[namespace0.0].align": 1G }\n  - name: old kernel\n    set: { kernel.version: "6.1", kernel.memmapOnMemory: force }\n',
  );

  it('are located in the scenario\'s set and fixed there', () => {
    const r = check(base);
    const f = byRule(r, 'MM022').find((x) => x.scenario === 'huge align')!;
    assert.ok(f, 'MM022 in the scenario');
    assert.match(f.message, /^scenario 'huge align': align 1 GiB/);
    assert.equal(at(r, f), '1G');
    assert.equal(f.fixes[0].title, "In scenario 'huge align': Set align to 2 MiB");
    const fixed = applyFixes(base, [f.fixes[0]]).text;
    assert.ok(fixed.includes('set: { "devices[namespace0.0].align": 2M }'), fixed);
    assert.deepEqual(byRule(check(fixed), 'MM022'), []);
  });

  it('caused by a combination are shown at the scenario, pointing at the base value; base findings are not repeated', () => {
    const text = x86(
      'devices:\n  - name: dax0.0\n    kind: cxl\n    mode: kmem\n    map: mem\n    memmapOnMemory: true\n    start: 0x1000000000\n    size: 2G\nscenarios:\n  - name: six-one\n    set: { kernel.version: "6.1" }\n',
      'kernel: { memmapOnMemory: "on" }\n',
    );
    const r = check(text);
    const f = byRule(r, 'MM007')[0];
    assert.equal(f.scenario, 'six-one');
    assert.equal(at(r, f), 'six-one');
    assert.equal(at(r, f.related[0]), 'true');
    assert.equal(f.related[0].message, 'the value in the base config');
    const fixed = applyFixes(text, [f.fixes[0]]).text;
    assert.ok(fixed.includes('set: { kernel.version: "6.1", "devices[0].memmapOnMemory": false }'), fixed);
    assert.deepEqual(byRule(check(fixed), 'MM007'), []);
    // The base config is untouched by a scenario fix.
    assert.ok(fixed.includes('    memmapOnMemory: true\n'));
  });

  it('a scenario sharing a base finding does not repeat it', () => {
    const text = x86('devices:\n  - name: namespace0.0\n    start: 0x1000200000\n    size: 16G\nscenarios:\n  - name: map mem\n    set: { "devices[0].map": mem }\n');
    const r = check(text);
    assert.deepEqual(
      byRule(r, 'MM023').map((f) => f.scenario),
      [null],
    );
  });

  it('are skipped with scenarios: false', () => {
    assert.ok(check(base).findings.some((f) => f.scenario !== null));
    assert.ok(checkText(base, 'x.memmap.yaml', { scenarios: false }).findings.every((f) => f.scenario === null));
  });
});
