// The example outputs printed in the docs are the program's: each figure shown is compared with what the
// program prints today for the input the doc names, so a change of the model shows up here and not in a
// reader's hands. (Figures are compared at the precision the doc prints them.)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompareJson } from '../../src/cli/commands/compare';
import { runCli } from './cli-run';
import { corpusFile } from './corpus';

const ROOT = join(__dirname, '..', '..');
const doc = (name: string) => readFileSync(join(ROOT, 'docs', name), 'utf8');

/** A JSON string, null, or a number as printed (its digits: the precision to compare at). */
type Scalar = string | { printed: string } | null;

/** The `"key": value` pairs (strings, numbers, null) of a one-level object text. */
function pairs(text: string): Map<string, Scalar> {
  const out = new Map<string, Scalar>();
  for (const m of text.matchAll(/"(\w+)":\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|null)/g)) {
    out.set(m[1], m[2] === 'null' ? null : m[2].startsWith('"') ? (JSON.parse(m[2]) as string) : { printed: m[2] });
  }
  return out;
}

/** A doc's figure as printed against the program's: numbers at the doc's precision. */
function same(shown: Scalar, actual: unknown, what: string): void {
  if (shown !== null && typeof shown === 'object') {
    const p = shown.printed;
    const decimals = p.includes('.') ? p.split('.')[1].length : 0;
    assert.equal(typeof actual, 'number', what);
    assert.equal((actual as number).toFixed(decimals), Number(p).toFixed(decimals), `${what}: the doc says ${p}, the program ${actual}`);
  } else {
    assert.deepEqual(actual, shown, what);
  }
}

describe('docs: example outputs are what the program prints', () => {
  it('timing-model.md §8: TimingResult of examples/default.memmap.yaml', async () => {
    const text = doc('timing-model.md');
    const block = /## 8\. Outputs[\s\S]*?```jsonc\n([\s\S]*?)```/.exec(text)![1];
    const r = await runCli(ROOT, 'simulate', 'examples/default.memmap.yaml', '--json');
    assert.equal(r.code, 0, r.err);
    const timing = (JSON.parse(r.out) as { timing: Record<string, unknown> }).timing;
    for (const key of ['bootMs', 'memoryLineMs', 'endMs']) {
      const m = new RegExp(`"${key}": (-?[\\d.]+)`).exec(block);
      assert.ok(m, key);
      same({ printed: m[1] }, timing[key], key);
    }
    let lists = 0;
    for (const m of block.matchAll(/"(\w+)": \[\{([\s\S]*?)\}\]/g)) {
      const [, list, body] = m;
      if (list === 'calibration') continue;
      const shown = pairs(body);
      const rows = timing[list] as Array<Record<string, unknown>>;
      assert.ok(Array.isArray(rows) && rows.length, list);
      // A critical-path entry is named by its span id; the other lists show their first entry.
      const row = list === 'criticalPath' ? rows.find((x) => String(x.spanId) === (shown.get('spanId') as { printed: string }).printed) : rows[0];
      assert.ok(row, `${list}: no entry like the doc's`);
      for (const [k, v] of shown) same(v, row[k], `${list}.${k}`);
      lists++;
    }
    assert.ok(lists >= 7, `lists checked: ${lists}`);
  });

  it('import-compare.md: the compare table and JSON of corpus 04, and what --calibrate leaves', async () => {
    const text = doc('import-compare.md');
    const d = mkdtempSync(join(tmpdir(), 'memmap-docs-'));
    copyFileSync(corpusFile('04'), join(d, 'dmesg.txt'));
    assert.equal((await runCli(d, 'import', 'dmesg.txt', '-o', 'machine.memmap.yaml')).code, 0);
    const human = await runCli(d, 'compare', 'dmesg.txt', 'machine.memmap.yaml');
    assert.equal(human.code, 0, human.err);
    // Every table row the doc shows is a row of the real table (blanks aside).
    const table = /### Human output\n\n```\n([\s\S]*?)```/.exec(text)![1];
    const rows = table.split('\n').filter((l) => /^\s+(memory|deferred|node|HVO|ZONE)/.test(l));
    assert.ok(rows.length >= 3, table);
    const squash = (s: string) => s.trim().replace(/\s+/g, ' ');
    const real = new Set(human.out.split('\n').map(squash));
    for (const row of rows) assert.ok(real.has(squash(row)), `doc row not in the output: ${row}\n${human.out}`);
    // The JSON example's figure.
    const json = await runCli(d, 'compare', 'dmesg.txt', 'machine.memmap.yaml', '--json');
    const cmp = JSON.parse(json.out) as CompareJson;
    const fig = /"figures": \[\s*\{([\s\S]*?)\}\s*\]/.exec(text)![1];
    const shown = pairs(fig);
    const row = cmp.figures.find((f) => f.figure === shown.get('figure') && f.subject === shown.get('subject'))! as unknown as Record<string, unknown>;
    assert.ok(row, fig);
    for (const k of ['measured', 'predicted', 'absError', 'relError', 'line', 'source']) same(shown.get(k)!, row[k], `figures[].${k}`);
    const summary = /"summary": \{ "figures": (\d+), "worstRelError": ([\d.]+),\s+"byFigure": \{ "deferredInitMs": \{([^}]*)\}/.exec(text)!;
    assert.ok(summary, 'the summary example');
    same({ printed: summary[1] }, cmp.summary.figures, 'summary.figures');
    same({ printed: summary[2] }, cmp.summary.worstRelError, 'summary.worstRelError');
    for (const [k, v] of pairs(summary[3])) same(v, (cmp.summary.byFigure.deferredInitMs as Record<string, unknown>)[k], `summary.byFigure.deferredInitMs.${k}`);
    // "(04: 56 and 60 ms on two equal nodes end at +X % and −Y %)" after --calibrate.
    const claim = /04: 56 and 60 ms on two equal\s+nodes end at \+([\d.]+) % and −([\d.]+) %/.exec(text);
    assert.ok(claim, 'the calibrate claim');
    const cal = await runCli(d, 'compare', 'dmesg.txt', 'machine.memmap.yaml', '--calibrate', '-o', 'cal.memmap.yaml', '--json');
    assert.equal(cal.code, 0, cal.err);
    const after = (JSON.parse(cal.out) as CompareJson).figures.filter((f) => f.figure === 'deferredInitMs').map((f) => f.relError! * 100);
    assert.deepEqual(after.map((e) => Math.abs(e).toFixed(claim[1].split('.')[1]?.length ?? 0)).sort(), [claim[1], claim[2]].sort(), `after --calibrate: ${after}`);
  });
});
