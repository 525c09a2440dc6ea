// memmap.schema.json is the single source of truth: check that it is complete and agrees with the loader.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import schema from '../../src/config/memmap.schema.json';
import { loadConfigText } from '../../src/config/load';
import { ARCHES } from '../../src/config/types';
import { parseSize } from '../../src/config/units';

type S = Record<string, unknown>;

/** Every subschema with the JSON path that leads to it. */
function* walk(s: unknown, at: string): Generator<[string, S]> {
  if (typeof s !== 'object' || s === null) return;
  const o = s as S;
  yield [at, o];
  for (const [k, v] of Object.entries((o.properties as S) ?? {})) yield* walk(v, `${at}.${k}`);
  for (const [k, v] of Object.entries((o.definitions as S) ?? {})) yield* walk(v, `#${k}`);
  if (o.items) yield* walk(o.items, `${at}[]`);
  for (const v of (o.anyOf as unknown[]) ?? []) yield* walk(v, `${at}|`);
}

const NODES = { nodes: [{ id: 0, ranges: [{ start: 0, size: '1G' }] }] };

describe('memmap.schema.json', () => {
  it('is draft-07 and closed: every object with properties has additionalProperties false', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    const open: string[] = [];
    for (const [at, s] of walk(schema, '')) {
      if (s.properties && s.additionalProperties !== false) open.push(at);
      if (s.type === 'object' && !s.properties && s.additionalProperties !== true) open.push(at);
    }
    assert.deepEqual(open, []);
  });

  it('describes every field', () => {
    const missing: string[] = [];
    for (const [at, s] of walk(schema, '')) {
      for (const [k, v] of Object.entries((s.properties as S) ?? {})) {
        if (typeof (v as S).description !== 'string' || ((v as S).description as string).length < 20) missing.push(`${at}.${k}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('lists the same arches as the types', () => {
    assert.deepEqual(schema.properties.arch.enum, [...ARCHES]);
  });

  it('documents the defaults the loader applies', () => {
    // For each documented default: leaving the field out and writing the default give the same config.
    const cases: [string, (v: unknown) => S][] = [];
    for (const [k, v] of Object.entries(schema.properties.kernel.properties)) {
      if ('default' in v) cases.push([`kernel.${k}`, (d) => ({ ...NODES, kernel: { [k]: d } })]);
    }
    const device = { name: 'd', start: '64G', size: '1G' };
    for (const [k, v] of Object.entries(schema.properties.devices.items.properties)) {
      if ('default' in v) cases.push([`devices[].${k}`, (d) => ({ ...NODES, devices: [{ ...device, [k]: d }] })]);
    }
    for (const [k, v] of Object.entries(schema.properties.hotplug.items.properties)) {
      if ('default' in v) cases.push([`hotplug[].${k}`, (d) => ({ ...NODES, hotplug: [{ start: '4G', size: '1G', [k]: d }] })]);
    }
    for (const [k, v] of Object.entries(schema.properties.hugetlb.items.properties)) {
      if ('default' in v) cases.push([`hugetlb[].${k}`, (d) => ({ ...NODES, hugetlb: [{ pageSize: '2M', count: 1, [k]: d }] })]);
    }
    const node = { id: 0, ranges: [{ start: 0, size: '1G' }] };
    cases.push(['nodes[].cpus', (d) => ({ nodes: [{ ...node, cpus: d }] })]);
    for (const k of ['devices', 'hotplug', 'hugetlb', 'machine', 'scenarios', 'kernel'] as const) cases.push([k, (d) => ({ ...NODES, [k]: d })]);
    assert.ok(cases.length >= 17);

    const defaultOf = (name: string): unknown => {
      let s: S = schema as unknown as S;
      for (const part of name.split('.')) {
        const p = part.replace('[]', '');
        s = (s.properties as S)[p] as S;
        if (part.endsWith('[]')) s = s.items as S;
      }
      return s.default;
    };
    for (const [name, make] of cases) {
      const d = defaultOf(name);
      const withDefault = loadConfigText(JSON.stringify(make(d)), 'x.json');
      const without = loadConfigText(JSON.stringify(make(undefined)), 'x.json');
      assert.deepEqual(withDefault.errors, [], name);
      assert.deepEqual(withDefault.config, without.config, `${name}: default ${JSON.stringify(d)}`);
    }
  });

  it('size pattern and parseSize agree', () => {
    const pattern = new RegExp(schema.definitions.size.anyOf[1].pattern as string);
    const spelled = fc.tuple(
      fc.constantFrom('', ' '),
      fc.stringMatching(/^[0-9]{0,4}(\.[0-9]{0,3})?$/),
      fc.constantFrom('', ' '),
      fc.constantFrom('', 'k', 'M', 'g', 'T', 'p', 'e', 'E', 'Q', 'x', '0x1f'),
      fc.constantFrom('', 'b', 'B', 'iB', 'ib', 'i'),
      fc.constantFrom('', ' '),
    ).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(spelled, fc.string({ maxLength: 8 })), (s) => {
        const r = parseSize(s);
        // Whatever parses must be accepted by editors too; the schema may accept more ("0.3K" is not whole).
        if (r.ok) assert.ok(pattern.test(s), `pattern rejects ${JSON.stringify(s)}`);
        if (!pattern.test(s)) assert.ok(!r.ok, `parseSize accepts ${JSON.stringify(s)}`);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 500) },
    );
    // Found by this property: parseSize takes E (exbi: only 0 fits under 2^53) and the pattern did not.
    for (const s of ['0e', '0E', '0 EiB']) assert.ok(parseSize(s).ok && pattern.test(s), s);
    assert.ok(pattern.test('1E') && !parseSize('1E').ok, '1E: the editor accepts the spelling, the loader says it is beyond 2^53');
  });
});

describe('names have a length limit (reports and the dashboard show them)', () => {
  it('a config name over 200 characters, a device or scenario name over 100: located errors', () => {
    const long = (n: number) => 'n'.repeat(n);
    const text = `name: ${long(201)}\nnodes:\n  - id: 0\n    ranges: [{ start: 0x100000000, size: 16G }]\ndevices:\n  - { name: ${long(101)}, start: 0x1000000000, size: 1G }\nscenarios:\n  - name: ${long(101)}\n    set: { kernel.hvo: false }\n`;
    const r = loadConfigText(text, 'long.memmap.yaml');
    const msgs = r.errors.filter((e) => e.severity === 'error').map((e) => e.message);
    assert.equal(msgs.filter((m) => /must be at most (200|100) characters long, got (201|101)/.test(m)).length, 3, msgs.join('\n'));
    const ok = text.replace(long(201), long(200)).split(long(101)).join(long(100));
    assert.deepEqual(loadConfigText(ok, 'ok.memmap.yaml').errors.filter((e) => e.severity === 'error').map((e) => e.message), []);
  });
});

describe('"quote it" only when the quoted text is allowed', () => {
  const min = 'nodes:\n  - id: 0\n    ranges: [{ start: 0x100000000, size: 16G }]\n';
  const message = (kernel: string) => {
    const r = loadConfigText(`${min}kernel: { ${kernel} }\n`, 'x.memmap.yaml');
    assert.equal(r.errors.length, 1, r.errors.map((e) => e.message).join('\n'));
    return r.errors[0].message;
  };

  it('a boolean where the enum has "on" and "off": suggests those, never "true"', () => {
    assert.equal(message('memmapOnMemory: true'), 'kernel.memmapOnMemory: expected a string, got boolean true: write "on" for true (the values are "off", "on", "force")');
    assert.equal(message('memmapOnMemory: false'), 'kernel.memmapOnMemory: expected a string, got boolean false: write "off" for false (the values are "off", "on", "force")');
    const json = loadConfigText(JSON.stringify({ ...NODES, kernel: { memmapOnMemory: true } }), 'x.memmap.json');
    assert.doesNotMatch(json.errors[0].message, /quote it/);
  });

  it('a number where an enum of strings is expected lists the values; a version that quoted is valid says quote it', () => {
    assert.equal(message('memmapOnMemory: 1'), 'kernel.memmapOnMemory: expected a string, got number 1: the values are "off", "on", "force"');
    assert.equal(message('version: 6.10'), 'kernel.version: expected a string, got number 6.1: quote it, "6.10"');
    assert.equal(message('version: 6'), 'kernel.version: expected a string, got number 6: "6" is not a kernel version "major.minor" (e.g. "6.12")');
  });
});
