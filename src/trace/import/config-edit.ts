// Writing calibration points into a config's `machine.calibration` with a minimal text edit: the rest of
// the file (comments, key order, quoting, flow/block style, indentation) stays byte for byte.
//
//   JSON / JSONC  jsonc-parser modify() + applyEdits(): each point replaces the point of the same phase and
//                 node/device, or is appended (machine and calibration are created when missing).
//   YAML          the yaml Document API locates machine / calibration / its items (source ranges) and
//                 renders each point as a one-line flow map; the text is spliced at those ranges: a
//                 replaced point keeps its line, new points go after the last item (or a new
//                 `calibration:` after the last key of `machine:`, or a new `machine:` at the end).
//                 The result is parsed again and must equal the intended value; when it does not (or
//                 the layout is unusual: flow-style machine or calibration), the Document is rewritten
//                 with toString(), which keeps comments but may reformat.

import { applyEdits, findNodeAtLocation, getNodeValue, modify, parseTree, type FormattingOptions, type ParseError } from 'jsonc-parser';
import { Document, isMap, isScalar, isSeq, parseDocument, type Node as YNode, type YAMLMap, type YAMLSeq } from 'yaml';
import { commentLine } from './yaml-out';

export type CalibrationEdit =
  | { ok: true; text: string; replaced: number; added: number; method: 'json' | 'yaml-splice' | 'yaml-rewrite' }
  | { ok: false; message: string };

type Point = Record<string, unknown>;

const KEYED_BY_NODE = new Set(['deferred', 'early', 'hugetlb']);

/** Do two calibration points measure the same thing (phase, node or device, threads)? */
export function samePoint(a: unknown, b: Point): boolean {
  if (!a || typeof a !== 'object' || Array.isArray(a)) return false;
  const x = a as Point;
  if (x.phase !== b.phase) return false;
  const t = (v: unknown) => (v === undefined ? null : v);
  if (t(x.threads) !== t(b.threads)) return false;
  return KEYED_BY_NODE.has(String(b.phase)) ? t(x.node) === t(b.node) : t(x.device) === t(b.device);
}

function formatOf(fileName: string, text: string): 'json' | 'yaml' {
  if (/\.jsonc?$/i.test(fileName)) return 'json';
  if (/\.ya?ml$/i.test(fileName)) return 'yaml';
  const first = text.replace(/^\ufeff/, '').replace(/^(\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*/, '');
  return first.startsWith('{') ? 'json' : 'yaml';
}

/** Put `points` into machine.calibration of the config text. `comments[i]` annotates points[i] (YAML only). */
export function upsertCalibration(text: string, fileName: string, points: readonly Point[], comments: readonly string[] = []): CalibrationEdit {
  // Two points measuring the same thing: the later one wins (in the place of the first).
  const pts: Point[] = [];
  const notes: string[] = [];
  points.forEach((p, i) => {
    const j = pts.findIndex((q) => samePoint(q, p));
    if (j >= 0) {
      pts[j] = p;
      notes[j] = comments[i] ?? '';
    } else {
      pts.push(p);
      notes.push(comments[i] ?? '');
    }
  });
  return formatOf(fileName, text) === 'json' ? editJson(text, pts) : editYaml(text, pts, notes);
}

// ---- JSON

function jsonFormatting(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const m = /\n([ \t]+)\S/.exec(text);
  if (m && m[1].startsWith('\t')) return { insertSpaces: false, tabSize: 4, eol };
  return { insertSpaces: true, tabSize: m ? Math.min(m[1].length, 8) : 2, eol };
}

function oneLineJson(p: Point): string {
  return `{ ${Object.entries(p).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')} }`;
}

function editJson(text: string, points: readonly Point[]): CalibrationEdit {
  const errors: ParseError[] = [];
  let root = parseTree(text, errors, { allowTrailingComma: true });
  if (!root || errors.length) return { ok: false, message: 'the config is not valid JSON: fix it first' };
  if (root.type !== 'object') return { ok: false, message: 'the config is not a JSON object' };
  const machine = findNodeAtLocation(root, ['machine']);
  if (machine && machine.type !== 'object') return { ok: false, message: 'machine is not an object: cannot add calibration points' };
  const formattingOptions = jsonFormatting(text);
  let t = text;
  let replaced = 0;
  let added = 0;
  for (const p of points) {
    root = parseTree(t, [], { allowTrailingComma: true })!;
    const arr = findNodeAtLocation(root, ['machine', 'calibration']);
    if (arr && arr.type !== 'array') return { ok: false, message: 'machine.calibration is not a list: cannot add calibration points' };
    let edits;
    if (!arr) {
      edits = modify(t, ['machine', 'calibration'], [p], { formattingOptions });
      added++;
    } else {
      const items = arr.children ?? [];
      const idx = items.findIndex((c) => samePoint(getNodeValue(c), p));
      const oneLineArray = !t.slice(arr.offset, arr.offset + arr.length).includes('\n');
      if (idx >= 0) {
        replaced++;
        const it = items[idx];
        // Keep a one-line point on one line; let jsonc-parser format a multi-line one.
        edits = t.slice(it.offset, it.offset + it.length).includes('\n')
          ? modify(t, ['machine', 'calibration', idx], p, { formattingOptions })
          : [{ offset: it.offset, length: it.length, content: oneLineJson(p) }];
      } else {
        added++;
        if (oneLineArray && items.length) {
          const last = items[items.length - 1];
          edits = [{ offset: last.offset + last.length, length: 0, content: `, ${oneLineJson(p)}` }];
        } else edits = modify(t, ['machine', 'calibration', items.length], p, { formattingOptions, isArrayInsertion: true });
      }
    }
    t = applyEdits(t, edits);
  }
  return { ok: true, text: t, replaced, added, method: 'json' };
}

// ---- YAML

interface Splice {
  start: number;
  end: number;
  text: string;
}

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

function columnOf(text: string, pos: number): number {
  return pos - lineStart(text, pos);
}

function flowText(p: Point): string {
  const d = new Document(p);
  (d.contents as YAMLMap).flow = true;
  return d.toString({ lineWidth: 0 }).trim();
}

/** The document's indentation unit and whether block sequences under a key are indented. */
function yamlStyle(text: string, root: YAMLMap): { unit: number; seqIndent: number } {
  let unit = 2;
  let seqIndent: number | null = null;
  for (const item of root.items) {
    const v = item.value as YNode | null;
    const kr = isScalar(item.key) ? item.key.range : null;
    if (!kr || !v || !('range' in v) || !v.range) continue;
    const keyCol = columnOf(text, kr[0]);
    if (isMap(v) && !v.flow && v.items.length && isScalar(v.items[0].key) && v.items[0].key.range) {
      unit = Math.max(1, columnOf(text, v.items[0].key.range[0]) - keyCol);
      break;
    }
  }
  for (const item of root.items) {
    const v = item.value as YNode | null;
    const kr = isScalar(item.key) ? item.key.range : null;
    if (!kr || !v || !isSeq(v) || v.flow || !v.range) continue;
    const dash = text.lastIndexOf('-', (v.items[0] as YNode & { range?: [number, number, number] })?.range?.[0] ?? v.range[0]);
    if (dash >= 0) seqIndent = Math.max(0, columnOf(text, dash) - columnOf(text, kr[0]));
    break;
  }
  return { unit, seqIndent: seqIndent ?? unit };
}

function editYaml(text: string, points: readonly Point[], comments: readonly string[]): CalibrationEdit {
  const doc = parseDocument(text, { keepSourceTokens: true, uniqueKeys: false });
  if (doc.errors.length) return { ok: false, message: `the config has YAML errors (${doc.errors[0].message.split('\n')[0]}): fix them first` };
  const root = doc.contents;
  if (root !== null && !isMap(root)) return { ok: false, message: 'the config is not a YAML mapping' };

  // The intended value: the Document API's own edit.
  const expected = doc.clone();
  const machineNode = root ? (root as YAMLMap).get('machine', true) : undefined;
  if (machineNode !== undefined && machineNode !== null && !isMap(machineNode) && !(isScalar(machineNode) && machineNode.value === null)) {
    return { ok: false, message: 'machine is not a mapping: cannot add calibration points' };
  }
  const calNode = isMap(machineNode) ? machineNode.get('calibration', true) : undefined;
  if (calNode !== undefined && calNode !== null && !isSeq(calNode) && !(isScalar(calNode) && calNode.value === null)) {
    return { ok: false, message: 'machine.calibration is not a list: cannot add calibration points' };
  }
  const current: unknown[] = isSeq(calNode) ? (calNode.toJSON() as unknown[]) : [];
  let replaced = 0;
  let added = 0;
  const plan = points.map((p, i) => {
    const index = current.findIndex((c) => samePoint(c, p));
    if (index >= 0) replaced++;
    else added++;
    return { p, comment: comments[i] ?? '', index };
  });
  // The intended result, made with the Document API (also the fallback): replaced items in place, new
  // ones appended, each a one-line flow map; the other items untouched.
  const flowNode = (p: Point) => {
    const n = expected.createNode(p) as YAMLMap;
    n.flow = true;
    return n;
  };
  const seq = expected.getIn(['machine', 'calibration'], true);
  if (isSeq(seq)) {
    for (const x of plan) {
      if (x.index >= 0) seq.items[x.index] = flowNode(x.p);
      else seq.items.push(flowNode(x.p));
    }
  } else {
    const list = expected.createNode(plan.map((x) => flowNode(x.p)));
    if (isMap(expected.get('machine', true))) expected.setIn(['machine', 'calibration'], list);
    else expected.set('machine', expected.createNode({ calibration: list }));
  }
  const want = JSON.stringify(expected.toJS());

  const splices = root && isMap(root) && !root.flow ? planSplices(text, root, plan) : null;
  if (splices) {
    let t = text;
    for (const s of [...splices].sort((a, b) => b.start - a.start)) t = t.slice(0, s.start) + s.text + t.slice(s.end);
    const check = parseDocument(t, { uniqueKeys: false });
    if (!check.errors.length && JSON.stringify(check.toJS()) === want) return { ok: true, text: t, replaced, added, method: 'yaml-splice' };
  }
  return { ok: true, text: expected.toString({ lineWidth: 0 }), replaced, added, method: 'yaml-rewrite' };
}

/** Splices that turn the text into the intended value; null when the layout needs a rewrite. */
function planSplices(text: string, root: YAMLMap, plan: { p: Point; comment: string; index: number }[]): Splice[] | null {
  const style = yamlStyle(text, root);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const item = (p: Point, comment: string) => flowText(p) + (comment ? ` # ${commentLine(comment)}` : '');
  const pad = (n: number) => ' '.repeat(n);
  const appendAt = (end: number): { pos: number; lead: string } => (end >= text.length && !text.endsWith('\n') ? { pos: text.length, lead: eol } : { pos: end, lead: '' });
  const news = plan.filter((x) => x.index < 0);
  const pair = root.items.find((i) => isScalar(i.key) && i.key.value === 'machine');
  const machine = pair?.value as YNode | null | undefined;

  if (!pair) {
    // A new machine section at the end of the file.
    const { pos, lead } = appendAt(text.length);
    const lines = [`machine:`, `${pad(style.unit)}calibration:`, ...news.map((x) => `${pad(style.unit + style.seqIndent)}- ${item(x.p, x.comment)}`)];
    return [{ start: pos, end: pos, text: lead + lines.join(eol) + eol }];
  }
  if (!isMap(machine) || machine.flow || !machine.range || machine.items.length === 0) return null;
  const firstKey = machine.items[0].key;
  if (!isScalar(firstKey) || !firstKey.range) return null;
  const k = columnOf(text, firstKey.range[0]);
  const cal = machine.get('calibration', true) as YNode | undefined;
  if (!cal) {
    const { pos, lead } = appendAt(machine.range[1]);
    const lines = [`${pad(k)}calibration:`, ...news.map((x) => `${pad(k + style.seqIndent)}- ${item(x.p, x.comment)}`)];
    return [{ start: pos, end: pos, text: lead + lines.join(eol) + eol }];
  }
  if (!isSeq(cal) || cal.flow || !cal.range || cal.items.length === 0) return null;
  const seq = cal as YAMLSeq;
  const splices: Splice[] = [];
  for (const x of plan.filter((y) => y.index >= 0)) {
    const node = seq.items[x.index] as YNode & { range?: [number, number, number] };
    if (!node?.range) return null;
    const [start, end] = node.range;
    const body = text.slice(start, end);
    const eolAt = text.indexOf('\n', end);
    const lineEnd = eolAt < 0 ? text.length : text[eolAt - 1] === '\r' ? eolAt - 1 : eolAt;
    if (!body.includes('\n') && /^\s*(#.*)?$/.test(text.slice(end, lineEnd))) splices.push({ start, end: lineEnd, text: item(x.p, x.comment) });
    else splices.push({ start, end, text: flowText(x.p) + (body.endsWith('\n') ? eol : '') });
  }
  if (news.length) {
    const first = seq.items[0] as YNode & { range?: [number, number, number] };
    if (!first?.range) return null;
    const dash = text.lastIndexOf('-', first.range[0]);
    if (dash < lineStart(text, first.range[0])) return null;
    const col = columnOf(text, dash);
    const { pos, lead } = appendAt(seq.range![1]);
    splices.push({ start: pos, end: pos, text: lead + news.map((x) => `${pad(col)}- ${item(x.p, x.comment)}`).join(eol) + eol });
  }
  return splices;
}
