// `check --format sarif` validates against the SARIF 2.1.0 JSON schema (test/fixtures/sarif-2.1.0.schema.json:
// the OASIS schema, oasis-tcs/sarif-spec Schemata/sarif-schema-2.1.0.json as published, draft-07 header),
// has what GitHub code scanning uses, and the schema really checks structure.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { main } from '../../src/cli/main';
import type { Io } from '../../src/cli/io';
import { RULES } from '../../src/check/index';

const ROOT = join(__dirname, '..', '..');

// The parts of a SARIF log the assertions read (the schema checks the rest).
interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}
interface PhysicalLocation {
  artifactLocation: { uri: string; uriBaseId: string };
  region: Region | { endLine: number };
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number | string;
  level: string;
  kind?: string;
  colour?: string;
  message?: { text?: string; markdown?: string };
  locations: { physicalLocation: PhysicalLocation }[];
  relatedLocations: { physicalLocation: PhysicalLocation & { region: Region }; message: { text: string } }[];
  fixes: { artifactChanges?: { replacements: { deletedRegion: Region; insertedContent: { text: string } }[] }[] }[];
  partialFingerprints: Record<string, string>;
}
interface SarifRule {
  id?: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  defaultConfiguration: { level: string };
}
interface SarifLog {
  version: string;
  runs: {
    tool?: { driver: { name?: string; rules: SarifRule[] } };
    invocations: { executionSuccessful?: boolean }[];
    columnKind: string;
    results: SarifResult[];
  }[];
}

/** ajv (draft-07) over the official schema. Its "^(?i)…" language pattern is PCRE syntax: JS gets the i flag instead. */
function validator() {
  const schema = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'sarif-2.1.0.schema.json'), 'utf8'));
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  const regExp = Object.assign((pattern: string, flags: string) => (pattern.startsWith('^(?i)') ? new RegExp(`^${pattern.slice(5)}`, `${flags}i`) : new RegExp(pattern, flags)), { code: 'new RegExp' });
  const ajv = new Ajv({ allErrors: true, strict: false, code: { regExp } });
  // ajv-formats is not installed: the formats the schema uses, strictly enough for our output.
  ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:[^\s]*$/i);
  ajv.addFormat('uri-reference', /^[^\s]*$/);
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  return ajv.compile(schema);
}

async function sarif(args: string[]): Promise<{ code: number; log: SarifLog }> {
  let out = '';
  const io: Io = { out: (t) => void (out += t), err: () => undefined, cwd: ROOT };
  const code = await main(['check', '--format', 'sarif', ...args], io);
  return { code, log: JSON.parse(out) };
}

describe('SARIF output', () => {
  const validate = validator();
  const errorsOf = (v: unknown) => (validate(v) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));

  it('validates for the broken fixtures and the examples', async () => {
    const { code, log } = await sarif(['test/fixtures/check', 'examples']);
    assert.equal(code, 1);
    assert.deepEqual(errorsOf(log), []);
    assert.ok(log.runs[0].results.length > 20);
  });

  it('validates with an invalid file (reported as an MMCFG result and a tool notification)', async () => {
    const { code, log } = await sarif(['test/fixtures/config/errors.memmap.yaml']);
    assert.equal(code, 2);
    assert.deepEqual(errorsOf(log), []);
    const run = log.runs[0];
    assert.equal(run.invocations[0].executionSuccessful, false);
    assert.ok(run.results.every((r) => r.ruleId === 'MMCFG' && r.level === 'error' && (r.locations[0].physicalLocation.region as Region).startLine >= 1));
  });

  it('describes every rule the way code scanning shows it', async () => {
    const { log } = await sarif(['examples']);
    const driver = log.runs[0].tool!.driver;
    assert.equal(driver.name, 'memmap-lab');
    assert.deepEqual(
      driver.rules.map((r) => r.id),
      [...RULES.map((r) => r.id), 'MMCFG'],
    );
    for (const r of driver.rules) {
      assert.ok(r.name && r.shortDescription.text && r.fullDescription.text && r.help.text && r.help.markdown, r.id);
      assert.ok(['error', 'warning', 'note'].includes(r.defaultConfiguration.level));
    }
    assert.equal(driver.rules.find((r) => r.id === 'MM016')!.defaultConfiguration.level, 'note');
  });

  it('results carry rule, level, message with the kernel text, relative locations, related locations and fixes', async () => {
    const { log } = await sarif(['test/fixtures/check/namespace-collision.memmap.yaml']);
    const run = log.runs[0];
    assert.equal(run.columnKind, 'utf16CodeUnits');
    const r = run.results.find((x) => x.ruleId === 'MM033')!;
    assert.equal(run.tool!.driver.rules[r.ruleIndex as number].id, 'MM033');
    assert.equal(r.level, 'error');
    assert.match(r.message!.text!, /overlaps device namespace1\.0 .*\n\nKernel\/ndctl text: Conflicting mapping in same section$/s);
    const loc = r.locations[0].physicalLocation;
    assert.deepEqual(loc.artifactLocation, { uri: 'test/fixtures/check/namespace-collision.memmap.yaml', uriBaseId: '%SRCROOT%' });
    const region = loc.region as Region;
    assert.deepEqual({ startLine: region.startLine, startColumn: region.startColumn, endLine: region.endLine, endColumn: region.endColumn }, { startLine: 21, startColumn: 12, endLine: 21, endColumn: 24 });
    assert.equal(r.relatedLocations[0].physicalLocation.region.startLine, 12);
    assert.equal(r.relatedLocations[0].message.text, 'device namespace1.0');
    const rep = r.fixes[0].artifactChanges![0].replacements[0];
    assert.equal(rep.insertedContent.text, '0x7f00000000');
    assert.equal(rep.deletedRegion.startLine, 21);
    assert.ok(r.partialFingerprints['memmapLab/v1']);
  });

  it('the schema really checks structure: required properties, types, enums', async () => {
    const { log } = await sarif(['test/fixtures/check/namespace-collision.memmap.yaml']);
    assert.deepEqual(errorsOf(log), []);
    const mutate = (f: (l: SarifLog) => void) => {
      const copy = structuredClone(log);
      f(copy);
      return errorsOf(copy);
    };
    const res = (l: SarifLog) => l.runs[0].results[0];
    const bad: [string, (l: SarifLog) => void][] = [
      ['level not in the enum', (l) => (res(l).level = 'fatal')],
      ['kind not in the enum', (l) => (res(l).kind = 'bogus')],
      ['result without message', (l) => delete res(l).message],
      ['message without text or id', (l) => (res(l).message = { markdown: 'x' })],
      ['ruleIndex of the wrong type', (l) => (res(l).ruleIndex = '3')],
      ['region line below 1', (l) => ((res(l).locations[0].physicalLocation.region as Region).startLine = 0)],
      ['unknown result property', (l) => (res(l).colour = 'red')],
      ['fix without artifactChanges', (l) => delete res(l).fixes[0].artifactChanges],
      ['empty replacements', (l) => (res(l).fixes[0].artifactChanges![0].replacements = [])],
      ['run without tool', (l) => delete l.runs[0].tool],
      ['driver without name', (l) => delete l.runs[0].tool!.driver.name],
      ['rule default level not in the enum', (l) => (l.runs[0].tool!.driver.rules[0].defaultConfiguration.level = 'info')],
      ['rule without id', (l) => delete l.runs[0].tool!.driver.rules[0].id],
      ['wrong version', (l) => (l.version = '2.0.0')],
      ['invocation without executionSuccessful', (l) => delete l.runs[0].invocations[0].executionSuccessful],
      ['columnKind not in the enum', (l) => (l.runs[0].columnKind = 'bytes')],
      ['region with no start', (l) => (res(l).locations[0].physicalLocation.region = { endLine: 3 })],
    ];
    for (const [what, f] of bad) assert.notDeepEqual(mutate(f), [], `${what} should be rejected`);
  });
});
