// Scenarios: what-if overrides applied to a copy of the document, with findings pointing into `set`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { configRange, loadConfigFile, loadConfigText, scenarioConfig, type LoadResult } from '../../src/config/load';
import { parseSetPath } from '../../src/config/scenario';
import { GiB, MiB } from '../../src/config/units';

const FIXTURES = join(__dirname, '..', 'fixtures', 'config');

const BASE = `nodes:
  - id: 0
    ranges:
      - { start: 0x100000000, size: 16G }
  - id: 1
    ranges:
      - { start: 0x500000000, size: 16G }
devices:
  - name: namespace0.0
    node: 1
    start: 0x3040000000
    size: 128G
  - name: namespace1.0
    start: 0x5040000000
    size: 64G
`;

/** BASE plus one scenario whose set is given as YAML lines. */
function withScenario(setLines: string[], name = 'what-if'): string {
  return `${BASE}scenarios:\n  - name: ${name}\n    set:\n${setLines.map((l) => `      ${l}\n`).join('')}`;
}

function loc(r: LoadResult, i = 0): [number, number, string] {
  const e = r.errors[i];
  const p = r.doc!.positionAt(e.range.start);
  return [p.line, p.column, r.doc!.text.slice(e.range.start, e.range.end)];
}

describe('scenarioConfig applies overrides', () => {
  it('by index, by name, nested, and creating missing objects', () => {
    const text = withScenario(['devices[0].map: mem', 'devices[namespace1.0].align: 1G', 'nodes[1].ranges[0].size: 32G', 'kernel.hvo: true']);
    const base = loadConfigText(text, 'x.memmap.yaml');
    assert.deepEqual(base.errors, []);
    const s = scenarioConfig(base, 'what-if');
    assert.deepEqual(s.errors, []);
    const c = s.config!;
    assert.equal(c.scenario, 'what-if');
    assert.equal(c.devices[0].map, 'mem');
    assert.equal(c.devices[1].align, GiB);
    assert.equal(c.nodes[1].ranges[0].size, 32 * GiB);
    assert.equal(c.kernel.hvo, true);
    // The base is untouched, in its config and in its document.
    assert.equal(base.config!.devices[0].map, 'dev');
    assert.equal(base.config!.devices[1].align, 2 * MiB);
    assert.equal(base.config!.kernel.hvo, false);
    assert.equal((base.doc!.value as { kernel?: unknown }).kernel, undefined);
    assert.equal(scenarioConfig(base, 'what-if').config!.devices[0].map, 'mem');
  });

  it('replaces whole elements, and the fixture scenarios work in both formats', () => {
    const r = scenarioConfig(loadConfigText(withScenario(['"devices[1]": { name: n, start: 1T, size: 2G, map: mem }']), 'x.yaml'), 'what-if');
    assert.deepEqual(r.errors, []);
    assert.deepEqual([r.config!.devices[1].name, r.config!.devices[1].size, r.config!.devices[1].align], ['n', 2 * GiB, 2 * MiB]);
    for (const f of ['full.memmap.yaml', 'full.memmap.json']) {
      const base = loadConfigFile(join(FIXTURES, f));
      const s = scenarioConfig(base, 'big-align');
      assert.deepEqual(s.errors, []);
      assert.equal(s.config!.devices[0].align, GiB);
      assert.equal(s.config!.kernel.hvo, false);
      assert.equal(s.config!.nodes[1].ranges[0].size, 64 * GiB);
      assert.equal(scenarioConfig(base, 'memmap-in-ram').config!.devices[0].map, 'mem');
    }
    assert.deepEqual(
      scenarioConfig(loadConfigFile(join(FIXTURES, 'full.memmap.yaml')), 'big-align').config,
      scenarioConfig(loadConfigFile(join(FIXTURES, 'full.memmap.json')), 'big-align').config,
    );
  });

  it('configRange finds overridden values inside set, others in the file', () => {
    const text = withScenario(['devices[0].map: mem']);
    const s = scenarioConfig(loadConfigText(text, 'x.yaml'), 'what-if');
    const at = (path: (string | number)[]) => {
      const r = configRange(s, path);
      return text.slice(r.start, r.end);
    };
    assert.equal(at(['devices', 0, 'map']), 'mem');
    assert.equal(at(['devices', 0, 'size']), '128G');
    const base = loadConfigText(text, 'x.yaml');
    const r = configRange(base, ['devices', 0, 'size']);
    assert.equal(text.slice(r.start, r.end), '128G');
  });
});

describe('scenario findings point into set', () => {
  it('a bad overridden value: at the value in set', () => {
    const text = withScenario(['devices[namespace0.0].map: memory']);
    const s = scenarioConfig(loadConfigText(text, 'x.yaml'), 'what-if');
    assert.equal(s.config, null);
    assert.equal(s.errors.length, 1);
    assert.deepEqual(loc(s), [19, 34, 'memory']);
    assert.equal(s.errors[0].message, "scenario 'what-if': devices[0].map: 'memory' is not one of dev, mem (did you mean 'mem'?)");
    assert.deepEqual(s.errors[0].path, ['devices', 0, 'map']);
  });

  it('an unknown field: at the set key', () => {
    const s = scenarioConfig(loadConfigText(withScenario(['kernel.hvoo: true']), 'x.yaml'), 'what-if');
    assert.deepEqual(loc(s), [19, 7, 'kernel.hvoo']);
    assert.match(s.errors[0].message, /unknown field 'hvoo' in kernel \(did you mean 'hvo'\?\)/);
  });

  it('an index beyond the array: at the set key', () => {
    const s = scenarioConfig(loadConfigText(withScenario(['devices[0].map: mem', 'devices[5].align: 1G']), 'x.yaml'), 'what-if');
    assert.equal(s.errors.length, 1);
    assert.deepEqual(loc(s), [20, 7, 'devices[5].align']);
    assert.equal(s.errors[0].message, `scenario 'what-if': "devices[5].align": there is no devices[5]: devices has 2 entries`);
    assert.equal(s.errors[0].source, 'scenario');
  });

  it('an unknown element name: at the set key, listing the names', () => {
    const s = scenarioConfig(loadConfigText(withScenario(['devices[namespace0.1].align: 1G']), 'x.yaml'), 'what-if');
    assert.deepEqual(loc(s), [19, 7, 'devices[namespace0.1].align']);
    assert.match(s.errors[0].message, /no entry of devices is named 'namespace0\.1' \(names: namespace0\.0, namespace1\.0\) \(did you mean 'namespace0\.0'\?\)/);
  });

  it('a value inside an overriding object: at that value', () => {
    const text = withScenario(['devices[1]: { name: n, start: 1T, size: 2Q }']);
    const s = scenarioConfig(loadConfigText(text, 'x.yaml'), 'what-if');
    assert.deepEqual(loc(s), [19, 47, '2Q']);
  });

  it('a consequence elsewhere (a node id changed under a device): at the device, named after the scenario', () => {
    const s = scenarioConfig(loadConfigText(withScenario(['nodes[1].id: 7']), 'x.yaml'), 'what-if');
    assert.equal(s.errors.length, 1);
    assert.deepEqual(loc(s), [10, 11, '1']);
    assert.equal(s.errors[0].message, "scenario 'what-if': devices[0].node: node 1 is not defined (defined nodes: 0, 7)");
  });

  it('a malformed path: at the key (JSON too)', () => {
    const text = JSON.stringify({ nodes: [{ id: 0, ranges: [{ start: 0, size: 1 }] }], scenarios: [{ name: 's', set: { 'devices..x': 1 } }] }, null, 2);
    const r = loadConfigText(text, 'x.json');
    assert.equal(r.errors.length, 1);
    assert.equal(loc(r)[2], '"devices..x"');
    assert.match(r.errors[0].message, /^scenarios\[0\]\.set: "devices\.\.x" is not a valid path/);
  });

  it('scenarios and $schema cannot be overridden', () => {
    const s = scenarioConfig(loadConfigText(withScenario(['scenarios[0].name: other']), 'x.yaml'), 'what-if');
    assert.match(s.errors[0].message, /a scenario cannot override scenarios/);
    assert.equal(loc(s)[2], 'scenarios[0].name');
  });
});

describe('scenarios are checked when the file is loaded', () => {
  it('a broken scenario makes the file an error, located in its set', () => {
    const text = `${withScenario(['devices[0].map: mem'], 'fine')}  - name: broken\n    set:\n      devices[0].size: 0.3K\n`;
    const r = loadConfigText(text, 'x.yaml');
    assert.equal(r.config, null);
    assert.equal(r.errors.length, 1);
    assert.deepEqual(loc(r), [22, 24, '0.3K']);
    assert.equal(r.errors[0].message, `scenario 'broken': devices[0].size: size "0.3K" is not a whole number of bytes`);
    // The other scenario still works.
    assert.equal(scenarioConfig(r, 'fine').config!.devices[0].map, 'mem');
  });
});

describe('unknown scenario', () => {
  it('lists the known names and suggests the closest', () => {
    const base = loadConfigFile(join(FIXTURES, 'full.memmap.yaml'));
    const s = scenarioConfig(base, 'big-alig');
    assert.equal(s.config, null);
    assert.equal(s.errors.length, 1);
    assert.equal(s.errors[0].message, "unknown scenario 'big-alig': the config defines 'memmap-in-ram', 'big-align' (did you mean 'big-align'?)");
    assert.equal(loc(s)[2], 'scenarios');
    const none = scenarioConfig(loadConfigText(BASE, 'x.yaml'), 'x');
    assert.equal(none.errors[0].message, "unknown scenario 'x': the config defines no scenarios");
  });

  it('a base that does not parse gives its own errors', () => {
    const base = loadConfigText('{', 'x.json');
    const s = scenarioConfig(base, 'x');
    assert.equal(s.config, null);
    assert.deepEqual(s.errors, base.errors);
  });
});

describe('parseSetPath', () => {
  it('reads keys, indices and names (quoted when needed)', () => {
    const ok = (s: string) => {
      const r = parseSetPath(s);
      assert.ok(r.ok, s);
      return r.steps;
    };
    assert.deepEqual(ok('nodes[1].ranges[0].size'), [
      { kind: 'key', key: 'nodes' },
      { kind: 'index', index: 1 },
      { kind: 'key', key: 'ranges' },
      { kind: 'index', index: 0 },
      { kind: 'key', key: 'size' },
    ]);
    assert.deepEqual(ok('devices[namespace0.0].align'), [{ kind: 'key', key: 'devices' }, { kind: 'name', name: 'namespace0.0' }, { kind: 'key', key: 'align' }]);
    assert.deepEqual(ok('devices["7"]'), [{ kind: 'key', key: 'devices' }, { kind: 'name', name: '7' }]);
    for (const bad of ['', '.a', 'a.', 'a..b', 'a[', 'a[]', '[0]', '1a', 'a b']) assert.equal(parseSetPath(bad).ok, false, bad);
  });
});

describe('a set entry that a later entry replaces is an error, not lost', () => {
  const POOL = `nodes:
  - id: 0
    ranges: [{ start: 0x100000000, size: 64G }]
devices:
  - { name: ns0, start: 1T, size: 16G }
  - { name: "7", start: 2T, size: 16G }
hugetlb:
  - { pageSize: 2M, count: 4 }
scenarios:
`;
  const sc = (name: string, set: string) => `  - name: ${name}\n    set: ${set}\n`;

  it('a child path before its parent: at the child, naming the parent (both examples of the review)', () => {
    const text = POOL + sc('g', '{ "hugetlb[0].count": 8, "hugetlb[0]": { pageSize: 1G, count: 2 } }') + sc('i', '{ "kernel.hvo": true, "kernel": { version: "6.1" } }');
    const r = loadConfigText(text, 'x.memmap.yaml');
    assert.equal(r.config, null);
    assert.deepEqual(
      r.errors.map((e, i) => [...loc(r, i)]),
      [
        [11, 12, '"hugetlb[0].count"'],
        [13, 12, '"kernel.hvo"'],
      ],
    );
    assert.equal(r.errors[0].message, `scenario 'g': "hugetlb[0].count" is lost: the later entry "hugetlb[0]" replaces hugetlb[0] as a whole: put "hugetlb[0].count" after it, or write its value inside that entry`);
    assert.match(r.errors[1].message, /^scenario 'i': "kernel\.hvo" is lost: the later entry "kernel" replaces kernel as a whole/);
    assert.equal(scenarioConfig(r, 'g').config, null);
  });

  it('a parent before a child applies in order', () => {
    const base = loadConfigText(POOL + sc('g', '{ "hugetlb[0]": { pageSize: 1G, count: 2 }, "hugetlb[0].count": 8, "kernel": { version: "6.1" }, "kernel.hvo": true }'), 'x.memmap.yaml');
    assert.deepEqual(base.errors, []);
    const c = scenarioConfig(base, 'g').config!;
    assert.deepEqual([c.hugetlb[0].pageSize, c.hugetlb[0].count, c.kernel.version, c.kernel.hvo], [GiB, 8, '6.1', true]);
  });

  it('paths are compared by what they select: a name and an index of the same device, a list replaced after', () => {
    const same = loadConfigText(POOL + sc('s', '{ "devices[ns0].map": mem, "devices[0].map": dev }'), 'x.memmap.yaml');
    assert.equal(same.errors.length, 1);
    assert.match(same.errors[0].message, /^scenario 's': "devices\[ns0\]\.map" is lost: the later entry "devices\[0\]\.map" sets devices\[0\]\.map too: keep one of them$/);
    const quoted = loadConfigText(POOL + sc('s', `{ 'devices["7"].align': 1G, "devices": [] }`), 'x.memmap.yaml');
    assert.match(quoted.errors[0].message, /"devices\[\\"7\\"\]\.align" is lost: the later entry "devices" replaces devices as a whole/);
    // Different devices, and a name selected in the list an earlier entry wrote: no error.
    assert.deepEqual(loadConfigText(POOL + sc('s', `{ 'devices["7"].map': mem, "devices[ns0].map": mem }`), 'x.memmap.yaml').errors, []);
    const replaced = loadConfigText(POOL + sc('s', '{ "devices": [ { name: n1, start: 1T, size: 16G } ], "devices[n1].map": mem }'), 'x.memmap.yaml');
    assert.deepEqual(replaced.errors, []);
    assert.equal(scenarioConfig(replaced, 's').config!.devices[0].map, 'mem');
  });
});

describe('errors are attributed to the scenario they belong to', () => {
  const text = `nodes:
  - id: 0
    ranges: [{ start: 0x100000000, size: 64G }]
hugetlb:
  - { pageSize: 2M, count: 4 }
scenarios:
  - name: g
    set: { "hugetlb[0].count": 8 }
  - name: h
    set: { "hugetlb[0]..count": 8 }
`;

  it("a broken set key of scenarios[1] is not scenario g's error", () => {
    const base = loadConfigText(text, 'x.memmap.yaml');
    assert.equal(base.errors.length, 1);
    assert.match(base.errors[0].message, /^scenarios\[1\]\.set: "hugetlb\[0\]\.\.count" is not a valid path/);
    const g = scenarioConfig(base, 'g');
    assert.deepEqual(g.errors.map((e) => e.message), base.errors.map((e) => e.message));
    assert.deepEqual(loc(g), [10, 12, '"hugetlb[0]..count"']);
    const h = scenarioConfig(base, 'h');
    assert.equal(h.errors.length, 1);
    assert.match(h.errors[0].message, /^scenario 'h': "hugetlb\[0\]\.\.count" is not a valid path/);
  });

  it("what a scenario changes is still named after it when the base has errors of its own", () => {
    const base = loadConfigText(text.replace('count: 4 }', 'count: 4 }\nkernel: { hvo: 1 }').replace('"hugetlb[0].count": 8', '"hugetlb[0].count": "8"'), 'x.memmap.yaml');
    const g = scenarioConfig(base, 'g');
    const messages = g.errors.map((e) => e.message);
    assert.ok(messages.includes('kernel.hvo: expected a boolean (true or false), got number 1'), messages.join('\n'));
    assert.ok(messages.includes(`scenario 'g': hugetlb[0].count: expected an integer, got string "8"`), messages.join('\n'));
  });
});

describe('names in quotes may contain "]", "." and "[" (and \\" inside double quotes)', () => {
  it('parseSetPath reads them', () => {
    const steps = (s: string) => {
      const r = parseSetPath(s);
      assert.ok(r.ok, `${s}: ${r.ok ? '' : r.message}`);
      return r.steps;
    };
    assert.deepEqual(steps('devices["ns[0]"].map'), [{ kind: 'key', key: 'devices' }, { kind: 'name', name: 'ns[0]' }, { kind: 'key', key: 'map' }]);
    assert.deepEqual(steps(`devices['a.b]'].map`)[1], { kind: 'name', name: 'a.b]' });
    assert.deepEqual(steps('devices["a\\"b\\\\c"]')[1], { kind: 'name', name: 'a"b\\c' });
    assert.deepEqual(steps('devices[ "x" ].align')[1], { kind: 'name', name: 'x' });
    assert.deepEqual(steps('devices[ ns0 ].align')[1], { kind: 'name', name: 'ns0' });
    for (const bad of ['devices["ns[0]"', 'devices["a"b"]', 'devices["a\\x"]', 'devices[""]', 'devices["a"]x', 'devices[a\u001bb].map']) assert.equal(parseSetPath(bad).ok, false, bad);
    const ctl = parseSetPath('devices[a\u001bb].map');
    assert.ok(!ctl.ok && /control character U\+001B \(ESC\)/.test(ctl.message));
  });

  it('a scenario selects a device whose name contains "]" or "."', () => {
    const text = `nodes:
  - id: 0
    ranges: [{ start: 0x100000000, size: 64G }]
devices:
  - { name: "ns[0]", start: 1T, size: 16G }
  - { name: "a.b", start: 2T, size: 16G }
scenarios:
  - name: s
    set: { 'devices["ns[0]"].map': mem, 'devices[a.b].map': mem }
`;
    const base = loadConfigText(text, 'x.memmap.yaml');
    assert.deepEqual(base.errors, []);
    const c = scenarioConfig(base, 's').config!;
    assert.deepEqual(c.devices.map((d) => d.map), ['mem', 'mem']);
    const json = JSON.stringify({ nodes: [{ id: 0, ranges: [{ start: '4G', size: '64G' }] }], devices: [{ name: 'q"]', start: '1T', size: '16G' }], scenarios: [{ name: 's', set: { 'devices["q\\"]"].map': 'mem' } }] });
    const j = loadConfigText(json, 'x.memmap.json');
    assert.deepEqual(j.errors, []);
    assert.equal(scenarioConfig(j, 's').config!.devices[0].map, 'mem');
  });
});
