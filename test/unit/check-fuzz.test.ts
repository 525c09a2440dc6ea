// Fuzzing: mutated examples and random configs never crash the parser or the checker, every rejection
// (config error or finding) is located inside the text, no rule fails internally, and every fix applies
// cleanly and leaves a document that still parses.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { loadConfigText } from '../../src/config/load';
import { applyFixes, checkText, RULES, type CheckResult } from '../../src/check/index';

const EXAMPLES = join(__dirname, '..', '..', 'examples');
const examples = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.memmap.yaml'))
  .sort()
  .map((f) => ({ name: f, text: readFileSync(join(EXAMPLES, f), 'utf8') }));
const ruleIds = new Set(RULES.map((r) => r.id));

/** Fixed seeds for CI; FUZZ_RUNS=n explores n runs with a random seed. */
function runs(numRuns: number, seed: number): fc.Parameters<unknown> {
  const n = Number(process.env.FUZZ_RUNS);
  return n > 0 ? { numRuns: n } : { numRuns, seed };
}

function assertWellFormed(r: CheckResult, text: string): void {
  const inside = (x: { start: number; end: number }) => x.start >= 0 && x.start <= x.end && x.end <= text.length;
  for (const e of r.configErrors) {
    assert.ok(inside(e.range), `config error outside the text: ${e.message}`);
    assert.ok(e.message.length > 0);
  }
  for (const f of r.findings) {
    assert.ok(ruleIds.has(f.rule), f.rule);
    assert.ok(inside(f.range), `${f.rule} outside the text`);
    assert.doesNotMatch(f.message, /internal error/, f.message);
    assert.equal(typeof f.kernelText, 'string');
    const p = r.load.doc!.positionAt(f.range.start);
    assert.ok(p.line >= 1 && p.column >= 1);
    for (const rel of f.related) assert.ok(inside(rel.range));
    for (const fix of f.fixes) {
      for (const e of fix.edits) assert.ok(inside(e.range), `${f.rule} fix "${fix.title}" edits outside the text`);
      const out = applyFixes(text, [fix]);
      assert.equal(out.applied, 1);
      const syntax = loadConfigText(out.text, r.load.doc!.fileName).errors.filter((e) => e.source === 'syntax' && e.severity === 'error');
      assert.deepEqual(
        syntax.map((e) => e.message),
        [],
        `${f.rule} fix "${fix.title}" broke the syntax:\n${out.text}`,
      );
    }
  }
}

const NUMBER_TOKEN = /0x[0-9a-fA-F]+|\b\d+(?:\.\d+)?\s?[KMGT](?:i?B)?\b|\b\d+\b/g;
const ENUMS: [RegExp, string[]][] = [
  [/\bmap: (dev|mem)\b/g, ['dev', 'mem', 'both', '']],
  [/\bmode: (fsdax|devdax|kmem|raw)\b/g, ['fsdax', 'devdax', 'kmem', 'raw']],
  [/\bkind: (pmem|cxl|hmem)\b/g, ['pmem', 'cxl', 'hmem']],
  [/\barch: \S+/g, ['x86_64', 'arm64-4k', 'arm64-16k', 'arm64-64k', 'ppc64-radix', 'ppc64-hash', 's390x', 'riscv64']],
];

const sizeLike = fc.oneof(
  fc.constantFrom('0', '1', '4K', '1M', '2M', '16M', '128M', '1G', '2G', '1.5T', '130M', '3M', '0x0', '0xfdd00000', '9007199254740991', '99999999999999999999', '-1', 'abc'),
  fc.integer({ min: 0, max: 2 ** 20 }).map((n) => `0x${(n * 2 ** 21).toString(16)}`),
  fc.integer({ min: 1, max: 4096 }).map((n) => `${n}M`),
  fc.integer({ min: 0, max: 2 ** 30 }).map(String),
);

type Mutation = { kind: 'number'; at: number; value: string } | { kind: 'enum'; which: number; at: number; value: number } | { kind: 'deleteLine' | 'dupLine'; at: number } | { kind: 'insert'; at: number; value: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('number' as const), at: fc.nat(), value: sizeLike }),
  fc.record({ kind: fc.constant('enum' as const), which: fc.nat(ENUMS.length - 1), at: fc.nat(), value: fc.nat() }),
  fc.record({ kind: fc.constantFrom('deleteLine' as const, 'dupLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('{', ']', ':', '- ', '\n', '"', '#', '&a', '*a', '  ')) }),
);

function mutate(text: string, m: Mutation): string {
  switch (m.kind) {
    case 'number': {
      const hits = [...text.matchAll(NUMBER_TOKEN)];
      if (!hits.length) return text;
      const h = hits[m.at % hits.length];
      return text.slice(0, h.index) + m.value + text.slice(h.index! + h[0].length);
    }
    case 'enum': {
      const [re, values] = ENUMS[m.which];
      const hits = [...text.matchAll(re)];
      if (!hits.length) return text;
      const h = hits[m.at % hits.length];
      const key = h[0].split(':')[0];
      return text.slice(0, h.index) + `${key}: ${values[m.value % values.length]}` + text.slice(h.index! + h[0].length);
    }
    case 'deleteLine':
    case 'dupLine': {
      const lines = text.split('\n');
      const i = m.at % lines.length;
      if (m.kind === 'deleteLine') lines.splice(i, 1);
      else lines.splice(i, 0, lines[i]);
      return lines.join('\n');
    }
    case 'insert': {
      const i = m.at % (text.length + 1);
      return text.slice(0, i) + m.value + text.slice(i);
    }
  }
}

describe('check fuzzing', () => {
  it('mutated examples: never throws, everything located, fixes apply', () => {
    fc.assert(
      fc.property(fc.nat(examples.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), (which, ms) => {
        const ex = examples[which];
        const text = ms.reduce(mutate, ex.text);
        const r = checkText(text, ex.name);
        assertWellFormed(r, text);
      }),
      runs(250, 20260404),
    );
  });

  const hexAligned = (shift: number) => fc.integer({ min: 1, max: 2 ** 12 }).map((n) => `0x${(n * 2 ** shift).toString(16)}`);
  const device = fc.record({
    name: fc.constantFrom('namespace0.0', 'namespace0.1', 'namespace1.0', 'dax0.0', 'dax1.0'),
    node: fc.constantFrom(0, 1),
    kind: fc.constantFrom('pmem', 'cxl', 'hmem'),
    mode: fc.constantFrom('fsdax', 'devdax', 'kmem', 'raw'),
    start: fc.oneof(hexAligned(20), hexAligned(21), hexAligned(24), hexAligned(27), hexAligned(30)),
    size: fc.constantFrom('8M', '16M', '130M', '1G', '1040M', '3088M', '5G', '16G', '128G', '252G'),
    align: fc.constantFrom('4K', '64K', '1M', '2M', '16M', '32M', '512M', '1G', '3M'),
    map: fc.constantFrom('dev', 'mem'),
    memmapOnMemory: fc.boolean(),
  });
  const config = fc.record({
    arch: fc.constantFrom('x86_64', 'arm64-4k', 'arm64-16k', 'arm64-64k', 'ppc64-radix', 'ppc64-hash', 's390x', 'riscv64'),
    kernel: fc.record({
      version: fc.constantFrom('6.1', '6.6', '6.8', '6.12'),
      structPageSize: fc.constantFrom(64, 80),
      hvo: fc.boolean(),
      memmapOnMemory: fc.constantFrom('off', 'on', 'force'),
      hypervisor: fc.boolean(),
      memoryBlockSize: fc.constantFrom(null, '128M', '256M', '2G', '96M', '24M'),
    }),
    nodes: fc.constant([
      { id: 0, cpus: 8, ranges: [{ start: '0x0', size: '2G' }, { start: '0x100000000', size: '62G' }] },
      { id: 1, cpus: 0, ranges: [] },
    ]),
    devices: fc.uniqueArray(device, { maxLength: 4, selector: (d) => d.name }),
    hotplug: fc.array(fc.record({ node: fc.constantFrom(0, 1), start: fc.oneof(hexAligned(26), hexAligned(30)), size: fc.constantFrom('64M', '128M', '1G', '2G', '8G'), memmapOnMemory: fc.boolean() }), { maxLength: 2 }),
    hugetlb: fc.array(fc.record({ node: fc.constantFrom(0, 1), pageSize: fc.constantFrom('2M', '4M', '1G', '64K', '512M', '16G'), count: fc.integer({ min: 0, max: 100 }) }), { maxLength: 3 }),
  });

  it('random configs: every fix removes its finding (same rule, same value) and keeps the config valid', () => {
    fc.assert(
      fc.property(config, (cfg) => {
        const text = stringify(cfg);
        const r = checkText(text, 'random.memmap.yaml');
        for (const f of r.findings) {
          for (const fix of f.fixes) {
            const fixed = applyFixes(text, [fix]).text;
            const again = checkText(fixed, 'random.memmap.yaml');
            assert.deepEqual(
              again.configErrors.filter((e) => e.severity === 'error').map((e) => e.message),
              [],
              `${f.rule} fix "${fix.title}" made the config invalid:\n${fixed}`,
            );
            // Gone from its value, or (when a fix deletes an array item and the indices shift) fewer of them.
            const same = (x: typeof f) => x.rule === f.rule && x.scenario === f.scenario;
            const still = again.findings.filter((x) => same(x) && x.path.join('/') === f.path.join('/'));
            const fewer = again.findings.filter(same).length < r.findings.filter(same).length;
            assert.ok(still.length === 0 || fewer, `${f.rule} fix "${fix.title}" did not fix it:\n${text}\n---\n${fixed}`);
          }
        }
      }),
      runs(120, 777),
    );
  });

  it('random configs (JSON and YAML): never throws, everything located, fixes apply', () => {
    fc.assert(
      fc.property(config, fc.boolean(), (cfg, asJson) => {
        const text = asJson ? JSON.stringify(cfg, null, 2) : stringify(cfg);
        const name = asJson ? 'random.memmap.json' : 'random.memmap.yaml';
        const r = checkText(text, name);
        assert.deepEqual(
          r.configErrors.filter((e) => e.severity === 'error').map((e) => e.message),
          [],
          text,
        );
        assertWellFormed(r, text);
      }),
      runs(200, 4242),
    );
  });
});
