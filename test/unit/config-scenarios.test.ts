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
