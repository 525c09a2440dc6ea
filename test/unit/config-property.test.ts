// Property tests: random valid configs written as JSON and as YAML, with sizes spelled every way the
// format allows, load to the same WorkloadConfig (and to the numbers they were generated from);
// random edits of them never make the loader throw or report a range outside the text.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadConfigText } from '../../src/config/load';
import { ARCHES, type WorkloadConfig } from '../../src/config/types';

// ---- a model of a config, where every size/address knows its byte value and its spellings ----

/** A size or address: its value, and how the JSON and the YAML file write it. */
class Sized {
  constructor(
    readonly bytes: number,
    readonly json: number | string,
    /** A number, a string, or a YAML hex integer (0x... unquoted). */
    readonly yaml: number | string | HexInt,
  ) {}
}
class HexInt {
  constructor(readonly n: number) {}
}

const UNITS: [string, number][] = [['K', 10], ['M', 20], ['G', 30], ['T', 40], ['P', 50]];

/** Exact check, independent of the parser under test: does `text` (a decimal) times 2^shift equal bytes? */
function decimalIsExact(text: string, shift: number, bytes: number): boolean {
  const [i, f = ''] = text.split('.');
  return (BigInt(i || '0') * 10n ** BigInt(f.length) + BigInt(f || '0')) * 2n ** BigInt(shift) === BigInt(bytes) * 10n ** BigInt(f.length);
}

/** Every way to write `bytes`: integer, hex string, whole or fractional units in any case and suffix. */
function spellings(bytes: number): (number | string)[] {
  const out: (number | string)[] = [bytes, String(bytes), '0x' + bytes.toString(16), '0X' + bytes.toString(16).toUpperCase()];
  for (const [u, shift] of UNITS) {
    const v = bytes / 2 ** shift;
    const text = String(v);
    if (v === 0 || /e/.test(text) || !decimalIsExact(text, shift, bytes)) continue;
    out.push(`${text}${u}`, `${text}${u.toLowerCase()}`, `${text} ${u}B`, `${text}${u}iB`, `${text}${u.toLowerCase()}ib`);
  }
  return out;
}

const bytesArb = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 4096 }), fc.constantFrom(0, 10, 12, 20, 21, 30, 40)).map(([m, s]) => m * 2 ** s),
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
);
const sizedArb: fc.Arbitrary<Sized> = bytesArb.chain((bytes) =>
  fc
    .tuple(fc.constantFrom(...spellings(bytes)), fc.constantFrom(...spellings(bytes), new HexInt(bytes)))
    .map(([j, y]) => new Sized(bytes, j, y)),
);

const nameArb = fc.stringMatching(/^[a-z][a-z0-9.\-_ ]{0,10}[a-z0-9]$/);

type Model = Record<string, unknown>;

const modelArb: fc.Arbitrary<Model> = fc
  .uniqueArray(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 4 })
  .chain((ids) => {
    const nodeRef = fc.constantFrom(...ids);
    const range = fc.record({ start: sizedArb, size: sizedArb });
    const nodes = fc.tuple(...ids.map((id) => fc.record({ id: fc.constant(id), cpus: fc.integer({ min: 0, max: 256 }), ranges: fc.array(range, { minLength: 1, maxLength: 3 }) }, { requiredKeys: ['id', 'ranges'] })));
    const device = fc.record(
      {
        node: nodeRef,
        kind: fc.constantFrom('pmem', 'cxl', 'hmem'),
        mode: fc.constantFrom('fsdax', 'devdax', 'kmem', 'raw'),
        start: sizedArb,
        size: sizedArb,
        align: sizedArb,
        map: fc.constantFrom('dev', 'mem'),
        memmapOnMemory: fc.boolean(),
      },
      { requiredKeys: ['start', 'size'] },
    );
    const devices = fc.uniqueArray(nameArb, { maxLength: 4 }).chain((names) => fc.tuple(...names.map((name) => device.map((d) => ({ name, ...d })))));
    const kernel = fc.record(
      {
        version: fc.tuple(fc.integer({ min: 4, max: 7 }), fc.integer({ min: 0, max: 20 })).map(([a, b]) => `${a}.${b}`),
        structPageSize: fc.constantFrom(56, 64, 72, 80, 88, 96),
        hvo: fc.boolean(),
        memmapOnMemory: fc.constantFrom('off', 'on', 'force'),
        deferredInit: fc.boolean(),
        hypervisor: fc.boolean(),
        memoryBlockSize: fc.option(sizedArb),
      },
      { requiredKeys: [] },
    );
    return fc.record(
      {
        name: nameArb,
        arch: fc.constantFrom(...ARCHES),
        kernel,
        nodes,
        devices,
        hotplug: fc.array(fc.record({ node: nodeRef, start: sizedArb, size: sizedArb, memmapOnMemory: fc.boolean() }, { requiredKeys: ['start', 'size'] }), { maxLength: 2 }),
        hugetlb: fc.array(fc.record({ node: nodeRef, pageSize: sizedArb, count: fc.nat() }, { requiredKeys: ['pageSize', 'count'] }), { maxLength: 2 }),
        machine: fc.record({ deferredInitThreads: fc.integer({ min: 1, max: 256 }), numaRemoteFactor: fc.constantFrom(1, 1.5, 2) }, { requiredKeys: [] }),
        scenarios: fc.uniqueArray(nameArb, { maxLength: 2 }).map((names) => names.map((name) => ({ name, set: { 'kernel.hvo': true } }))),
      },
      { requiredKeys: ['nodes'] },
    );
  })
  // Devices, hotplug and hugetlb without an explicit node refer to node 0: keep them valid.
  .filter((m: Model) => {
    const ids = new Set((m.nodes as { id: number }[]).map((n) => n.id));
    const lists = ['devices', 'hotplug', 'hugetlb'].flatMap((k) => (m[k] as { node?: number }[] | undefined) ?? []);
    return lists.every((x) => x.node !== undefined || ids.has(0));
  });

// ---- writers ----

function toJsonText(m: Model): string {
  const body = JSON.stringify(m, (_k, v: unknown) => (v instanceof Sized ? v.json : v), 2);
  // Comments and a trailing comma: the loader reads JSON with comments.
  return `// generated\n${body.replace(/\n}$/, ',\n  /* end */\n}')}\n`;
}

const PLAIN = /^[A-Za-z][A-Za-z0-9 .\-_]*[A-Za-z]$/;
const YAML_WORDS = /^(true|false|null|yes|no|on|off|y|n)$/i;

function yamlScalar(v: unknown): string {
  if (v instanceof HexInt) return '0x' + v.n.toString(16);
  if (typeof v === 'string') return PLAIN.test(v) && !YAML_WORDS.test(v) && !v.includes(' #') && !v.includes(': ') ? v : JSON.stringify(v);
  return JSON.stringify(v);
}

/** Block style, except that objects of scalars are sometimes written in flow style. */
function toYamlText(v: unknown, indent = '', flow = false): string {
  if (v instanceof Sized) return yamlScalar(v.yaml);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return v.map((x) => `\n${indent}- ${toYamlText(x, indent + '  ', flow).replace(/^\n\s*/, '')}`).join('');
  }
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v);
    if (entries.length === 0) return '{}';
    const scalarOnly = entries.every(([, x]) => typeof x !== 'object' || x === null || x instanceof Sized);
    if (flow && scalarOnly) return `{ ${entries.map(([k, x]) => `${yamlScalar(k)}: ${toYamlText(x)}`).join(', ')} }`;
    return entries.map(([k, x]) => `\n${indent}${yamlScalar(k)}: ${toYamlText(x, indent + '  ', flow)}`.replace(/: \n/, ':\n')).join('');
  }
  return yamlScalar(v);
}

function yamlDoc(m: Model, flow: boolean): string {
  return `# generated\n${toYamlText(m, '', flow).replace(/^\n/, '')}\n`;
}

// ---- properties ----

function expectNumbers(m: Model, c: WorkloadConfig) {
  const nodes = m.nodes as { ranges: { start: Sized; size: Sized }[] }[];
  nodes.forEach((n, i) =>
    n.ranges.forEach((r, j) => {
      assert.equal(c.nodes[i].ranges[j].start, r.start.bytes);
      assert.equal(c.nodes[i].ranges[j].size, r.size.bytes);
    }),
  );
  ((m.devices as { size: Sized; start: Sized; align?: Sized }[] | undefined) ?? []).forEach((d, i) => {
    assert.equal(c.devices[i].size, d.size.bytes);
    assert.equal(c.devices[i].start, d.start.bytes);
    if (d.align) assert.equal(c.devices[i].align, d.align.bytes);
  });
  ((m.hugetlb as { pageSize: Sized }[] | undefined) ?? []).forEach((h, i) => assert.equal(c.hugetlb[i].pageSize, h.pageSize.bytes));
  const mbs = (m.kernel as { memoryBlockSize?: Sized | null } | undefined)?.memoryBlockSize;
  if (mbs !== undefined) assert.equal(c.kernel.memoryBlockSize, mbs === null ? null : mbs.bytes);
}

describe('property: JSON and YAML spellings of one config load the same', () => {
  it('to deep-equal configs carrying the generated numbers', () => {
    fc.assert(
      fc.property(modelArb, fc.boolean(), (m, flow) => {
        const json = toJsonText(m);
        const yaml = yamlDoc(m, flow);
        const j = loadConfigText(json, 'p.memmap.json');
        const y = loadConfigText(yaml, 'p.memmap.yaml');
        assert.deepEqual(j.errors, [], `JSON:\n${json}`);
        assert.deepEqual(y.errors, [], `YAML:\n${yaml}`);
        assert.deepEqual(j.config, y.config);
        expectNumbers(m, j.config!);
      }),
      { numRuns: 150 },
    );
  });
});

// ---- mutations ----

type Edit = { at: number; del: number; ins: string };
const editArb: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat(),
  del: fc.nat({ max: 12 }),
  ins: fc.oneof(
    fc.constantFrom('', '{', '}', '[', ']', ',', ':', '"', "'", '\n', '  ', '- ', '#', '//', '/*', '&a ', '*a', '!!binary ', '---\n', '? ', '|', '0x', '99999999999999999999', 'x: 1', 'null', '.inf', '\t', '\r'),
    fc.string({ maxLength: 4 }),
  ),
});

function applyEdits(text: string, edits: Edit[]): string {
  for (const e of edits) {
    const at = text.length ? e.at % (text.length + 1) : 0;
    text = text.slice(0, at) + e.ins + text.slice(at + e.del);
  }
  return text;
}

function checkInvariants(text: string, fileName: string) {
  const r = loadConfigText(text, fileName); // must not throw
  for (const e of r.errors) {
    assert.ok(e.range.start >= 0 && e.range.start <= e.range.end && e.range.end <= text.length, `range ${JSON.stringify(e.range)} outside text of ${text.length}: ${e.message}`);
    assert.ok(!e.message.startsWith('internal error'), e.message);
    assert.ok(e.message.length > 0);
    assert.ok(Array.isArray(e.path));
  }
  assert.equal(r.config === null, r.errors.some((e) => e.severity === 'error'));
  if (r.doc) for (const e of r.errors) r.doc.positionAt(e.range.start);
}

describe('property: the loader never throws', () => {
  it('on random edits of valid JSON and YAML configs', () => {
    fc.assert(
      fc.property(modelArb, fc.boolean(), fc.array(editArb, { minLength: 1, maxLength: 4 }), (m, flow, edits) => {
        checkInvariants(applyEdits(toJsonText(m), edits), 'p.memmap.json');
        checkInvariants(applyEdits(yamlDoc(m, flow), edits), 'p.memmap.yaml');
      }),
      { numRuns: 200 },
    );
  });

  it('on arbitrary text, whatever the file name', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60, unit: 'binary' }), fc.constantFrom('a.json', 'a.yaml', 'a.txt'), (text, name) => checkInvariants(text, name)),
      { numRuns: 300 },
    );
  });

  it('on valid configs with a scenario overriding random paths with random values', () => {
    const pathArb = fc.constantFrom('nodes[0].id', 'nodes[0].ranges[0].size', 'nodes[5].cpus', 'devices[0].map', 'devices[x].align', 'kernel.hvo', 'kernel.version', 'machine.x', 'hugetlb[0]', 'nodes', 'arch', 'foo.bar', 'nodes[0].ranges[0].size.x');
    const valueArb = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('1G', '0.3K', 'mem', 7, -1, null));
    fc.assert(
      fc.property(modelArb, fc.dictionary(pathArb, valueArb, { maxKeys: 3 }), (m, set) => {
        const text = toJsonText({ ...m, scenarios: [{ name: 's', set }] });
        checkInvariants(text, 'p.memmap.json');
      }),
      { numRuns: 150 },
    );
  });
});
