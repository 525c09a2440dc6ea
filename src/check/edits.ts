// Text edits for fixes, rendered in the document's own style.
//
// A rule asks for "set devices[0].align to 2 MiB"; this module finds where that value is written and
// writes the new one the way the user writes values: YAML or JSON quoting, hex for hex addresses, the
// user's unit spelling for sizes ("128M", "2GiB", "512 MB"), plain numbers where they wrote numbers.
// A missing key is inserted into its mapping (block YAML: a new line at the mapping's indentation;
// flow YAML and JSON: ", key: value" after the last member). In a scenario variant the value is
// changed where the scenario sets it, or a new entry is added to the scenario's `set`.

import { parseSetPath, type Range, type SourceDoc } from '../config/index';
import type { JsonPath } from '../config/types';
import type { FixOp, FixValue, TextEdit } from './types';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The plain value at `path` of the document (undefined when absent). */
export function valueAt(root: unknown, path: JsonPath): unknown {
  let cur = root;
  for (const p of path) {
    if (Array.isArray(cur)) cur = typeof p === 'number' ? cur[p] : undefined;
    else if (isObj(cur)) cur = typeof p === 'string' && Object.prototype.hasOwnProperty.call(cur, p) ? cur[p] : undefined;
    else return undefined;
  }
  return cur;
}

// ---------------------------------------------------------------------------------------------
// Scalars

const UNIT_LETTERS = ['', 'K', 'M', 'G', 'T', 'P', 'E'];
const SIZE_TOKEN = /^(\s*)([0-9]+(?:\.[0-9]+)?|\.[0-9]+)(\s*)([kmgtpe]?)((?:i?b)?)(\s*)$/i;

/** How a size or address was written, to write a new one the same way. */
interface SizeStyle {
  kind: 'hex' | 'decimal' | 'unit';
  upper: boolean;
  space: string;
  suffix: string;
}

function sizeStyleOf(inner: string): SizeStyle | null {
  const s = inner.trim();
  if (/^0x[0-9a-f]+$/i.test(s)) return { kind: 'hex', upper: /[A-F]/.test(s.slice(2)), space: '', suffix: '' };
  if (/^[0-9]+$/.test(s)) return { kind: 'decimal', upper: true, space: '', suffix: '' };
  const m = SIZE_TOKEN.exec(inner);
  if (!m) return null;
  const letter = m[4];
  return { kind: 'unit', upper: letter === '' ? m[5] !== m[5].toLowerCase() || m[5] === '' : letter === letter.toUpperCase(), space: m[3], suffix: m[5] };
}

/** bytes in a style: "0x3048000000", "137438953472", "128G", "2 MiB". */
function renderBytes(bytes: number, style: SizeStyle): string {
  if (style.kind === 'hex') {
    const h = bytes.toString(16);
    return '0x' + (style.upper ? h.toUpperCase() : h);
  }
  if (style.kind === 'decimal' || bytes === 0) return String(bytes);
  for (let u = UNIT_LETTERS.length - 1; u >= 1; u--) {
    const scale = 2 ** (10 * u);
    if (bytes >= scale && bytes % scale === 0) {
      const letter = style.upper ? UNIT_LETTERS[u] : UNIT_LETTERS[u].toLowerCase();
      return `${bytes / scale}${style.space}${letter}${style.suffix}`;
    }
  }
  return String(bytes);
}

/** YAML 1.1/1.2 plain scalars that do not read back as the same string. */
const YAML_SPECIAL = /^(?:true|false|yes|no|y|n|on|off|null|~|\.inf|-\.inf|\.nan)$/i;

function yamlString(s: string, quote: string | null): string {
  if (quote === "'") return `'${s.replace(/'/g, "''")}'`;
  if (quote === '"') return JSON.stringify(s);
  const plainOk = /^[A-Za-z_][A-Za-z0-9_.\-/]*$/.test(s) && !YAML_SPECIAL.test(s);
  return plainOk ? s : JSON.stringify(s);
}

/** A key as the document writes keys. */
function keyText(doc: SourceDoc, key: string): string {
  if (doc.format === 'json') return JSON.stringify(key);
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
}

/**
 * The text for `value` replacing the token `old` (its source text, quotes included), or written fresh
 * when `old` is null (`hint`: the source text of a sibling value of the same kind, for the style).
 */
export function renderValue(doc: SourceDoc, value: FixValue, old: string | null, hint: string | null = null): string {
  const json = doc.format === 'json';
  const quoteOf = (t: string | null): string | null => (t && (t[0] === '"' || t[0] === "'") ? t[0] : null);
  const strip = (t: string): string => (quoteOf(t) ? t.slice(1, -1) : t);
  switch (value.kind) {
    case 'boolean':
      return value.value ? 'true' : 'false';
    case 'integer':
      return String(value.value);
    case 'string':
      return json ? JSON.stringify(value.value) : yamlString(value.value, quoteOf(old));
    case 'size':
    case 'address': {
      const source = old ?? hint;
      const quote = old !== null ? quoteOf(old) : null;
      let style = source !== null ? sizeStyleOf(strip(source)) : null;
      // Fresh values without a usable sibling: addresses in hex, sizes with units.
      if (!style) style = value.kind === 'address' ? { kind: 'hex', upper: false, space: '', suffix: '' } : { kind: 'unit', upper: true, space: '', suffix: '' };
      // A plain number stays a plain number (a JSON number cannot be hex or carry a unit).
      const wasNumber = old !== null && quote === null && /^[\s0-9]+$/.test(old);
      if (json && wasNumber) style = { ...style, kind: 'decimal' };
      if (old === null && hint !== null && quoteOf(hint) === null && /^[\s0-9]+$/.test(hint) && json) style = { ...style, kind: 'decimal' };
      const text = renderBytes(value.bytes, style);
      const numeric = /^[0-9]+$/.test(text) || (!json && /^0x[0-9a-f]+$/i.test(text));
      if (json) return numeric && (wasNumber || (old === null && style.kind === 'decimal')) ? text : JSON.stringify(text);
      if (quote) return quote === "'" ? `'${text}'` : JSON.stringify(text);
      // YAML plain: digits, hex and "128M"/"1.5T" read back as the intended number or size string.
      return /^[0-9A-Za-z. ]+$/.test(text) && !YAML_SPECIAL.test(text) ? text : JSON.stringify(text);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Document edits

function eolOf(text: string): string {
  return /\r\n/.test(text) ? '\r\n' : '\n';
}

function lineStartOf(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}

/** Offset of the end of the line holding `offset` (before its line break). */
function lineEndOf(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

/** Text of a nested value built from the remaining keys: { a: { b: v } } in the document's flow style. */
function nestedText(doc: SourceDoc, keys: readonly string[], leaf: string): string {
  let t = leaf;
  for (let i = keys.length - 1; i >= 0; i--) t = `{ ${keyText(doc, keys[i])}: ${t} }`;
  return t;
}

/** Insert `key: valueText` into the mapping at `mapPath` (which must exist). */
function insertKey(doc: SourceDoc, mapPath: JsonPath, key: string, valueText: string): TextEdit | null {
  const r = doc.rangeOf(mapPath);
  const obj = valueAt(doc.value, mapPath);
  if (!r || !isObj(obj)) return null;
  const text = doc.text;
  const member = `${keyText(doc, key)}: ${valueText}`;
  const keys = Object.keys(obj);
  const flow = text[r.start] === '{';
  if (flow) {
    if (keys.length === 0) return { range: { start: r.start + 1, end: r.end - 1 }, newText: ` ${member} ` };
    const first = doc.rangeOf([...mapPath, keys[0]], 'key');
    const last = doc.rangeOf([...mapPath, keys[keys.length - 1]]);
    if (!first || !last) return null;
    if (/[\r\n]/.test(text.slice(r.start, first.start))) {
      const indent = ' '.repeat(first.start - lineStartOf(text, first.start));
      return { range: { start: last.end, end: last.end }, newText: `,${eolOf(text)}${indent}${member}` };
    }
    return { range: { start: last.end, end: last.end }, newText: `, ${member}` };
  }
  if (doc.format === 'json' || keys.length === 0) return null;
  // Block mapping: a new line after the last member, at the indentation of the first key.
  const first = doc.rangeOf([...mapPath, keys[0]], 'key');
  const last = doc.rangeOf([...mapPath, keys[keys.length - 1]]);
  if (!first || !last) return null;
  const indent = ' '.repeat(first.start - lineStartOf(text, first.start));
  const at = lineEndOf(text, Math.max(last.end - 1, last.start));
  return { range: { start: at, end: at }, newText: `${eolOf(text)}${indent}${member}` };
}

/** Set the value at document path `path`: replace it, or insert the key (and missing parent mappings). */
function setAt(doc: SourceDoc, path: JsonPath, value: FixValue): TextEdit | null {
  const existing = doc.rangeOf(path);
  if (existing && existing.end > existing.start) {
    const old = doc.text.slice(existing.start, existing.end);
    return { range: existing, newText: renderValue(doc, value, old) };
  }
  if (existing && doc.format === 'yaml') {
    // YAML "key:" with no value: write the value after the colon.
    const colon = doc.text.indexOf(':', existing.start);
    if (colon < 0) return null;
    return { range: { start: colon + 1, end: colon + 1 }, newText: ` ${renderValue(doc, value, null, siblingHint(doc, path))}` };
  }
  // Find the deepest existing mapping on the way; the rest is created.
  let i = path.length - 1;
  while (i > 0 && !isObj(valueAt(doc.value, path.slice(0, i)))) i--;
  const parent = path.slice(0, i);
  if (!isObj(valueAt(doc.value, parent))) return null;
  const rest = path.slice(i);
  if (rest.some((p) => typeof p !== 'string')) return null;
  const hint = siblingHint(doc, path);
  const leaf = renderValue(doc, value, null, hint);
  const [k, ...more] = rest as string[];
  return insertKey(doc, parent, k, more.length ? nestedText(doc, more, leaf) : leaf);
}

/** A sibling size/address token of the same mapping, to copy its style. */
function siblingHint(doc: SourceDoc, path: JsonPath): string | null {
  const parent = path.slice(0, -1);
  for (const k of ['size', 'align', 'pageSize', 'memoryBlockSize', 'start']) {
    const r = doc.rangeOf([...parent, k]);
    if (r && r.end > r.start) {
      const t = doc.text.slice(r.start, r.end);
      if (k !== 'start' || /[a-z]/i.test(t.replace(/^["']?0x/i, ''))) return t;
    }
  }
  return null;
}

/** Remove the array element at document path `path`. */
function deleteAt(doc: SourceDoc, path: JsonPath): TextEdit | null {
  const idx = path[path.length - 1];
  const arrPath = path.slice(0, -1);
  const arr = valueAt(doc.value, arrPath);
  const ar = doc.rangeOf(arrPath);
  const ir = doc.rangeOf(path);
  if (typeof idx !== 'number' || !Array.isArray(arr) || !ar || !ir) return null;
  const text = doc.text;
  if (arr.length === 1) return { range: ar, newText: '[]' };
  if (text[ar.start] === '[') {
    if (idx < arr.length - 1) {
      const next = doc.rangeOf([...arrPath, idx + 1]);
      return next ? { range: { start: ir.start, end: next.start }, newText: '' } : null;
    }
    const prev = doc.rangeOf([...arrPath, idx - 1]);
    return prev ? { range: { start: prev.end, end: ir.end }, newText: '' } : null;
  }
  // Block sequence: the whole lines of the item, from its "- " to the end of its last line.
  const ls = lineStartOf(text, ir.start);
  if (!/^\s*-\s*$/.test(text.slice(ls, ir.start))) return null;
  let end = lineEndOf(text, Math.max(ir.end - 1, ir.start));
  if (text[end] === '\r') end++;
  if (text[end] === '\n') end++;
  return { range: { start: ls, end }, newText: '' };
}

// ---------------------------------------------------------------------------------------------
// Scenario variants

/** The concrete config path a scenario `set` key stands for, resolved against the document, or null. */
export function resolveSetKey(root: unknown, key: string): JsonPath | null {
  const parsed = parseSetPath(key);
  if (!parsed.ok) return null;
  const path: (string | number)[] = [];
  let cur: unknown = root;
  for (const step of parsed.steps) {
    if (step.kind === 'key') {
      path.push(step.key);
      cur = isObj(cur) ? cur[step.key] : undefined;
    } else if (step.kind === 'index') {
      path.push(step.index);
      cur = Array.isArray(cur) ? cur[step.index] : undefined;
    } else {
      if (!Array.isArray(cur)) return null;
      const i = cur.findIndex((e) => isObj(e) && e.name === step.name);
      if (i < 0) return null;
      path.push(i);
      cur = cur[i];
    }
  }
  return path;
}

/** "devices[0].align" for ['devices', 0, 'align']. */
export function setKeyOf(path: JsonPath): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p;
  return s;
}

function isPrefix(prefix: JsonPath, path: JsonPath): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => p === path[i]);
}

/** The document path to edit for config path `path` in scenario `si`: inside an existing set entry, or a new one. */
function scenarioDocPath(doc: SourceDoc, si: number, path: JsonPath): JsonPath {
  const set = valueAt(doc.value, ['scenarios', si, 'set']);
  if (isObj(set)) {
    const keys = Object.keys(set);
    for (let k = keys.length - 1; k >= 0; k--) {
      const target = resolveSetKey(doc.value, keys[k]);
      if (target && isPrefix(target, path)) return ['scenarios', si, 'set', keys[k], ...path.slice(target.length)];
    }
  }
  return ['scenarios', si, 'set', setKeyOf(path)];
}

/**
 * Text edits for a fix's operations, for the base config (`scenario` null) or scenario index `scenario`.
 * Null when an operation cannot be expressed (e.g. deleting a base value from inside a scenario).
 */
export function editsFor(doc: SourceDoc, ops: readonly FixOp[], scenario: number | null): TextEdit[] | null {
  const out: TextEdit[] = [];
  for (const op of ops) {
    let e: TextEdit | null;
    if (op.op === 'delete') e = scenario === null ? deleteAt(doc, op.path) : null;
    else e = setAt(doc, scenario === null ? op.path : scenarioDocPath(doc, scenario, op.path), op.value);
    if (!e) return null;
    out.push(e);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Applying edits

/** Apply edits (non-overlapping; equal insertion points keep their order). Throws on overlap. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.range.start - b.e.range.start || a.i - b.i);
  let out = '';
  let pos = 0;
  for (const { e } of sorted) {
    if (e.range.start < pos || e.range.end < e.range.start || e.range.end > text.length) throw new Error(`overlapping or invalid edit at ${e.range.start}`);
    out += text.slice(pos, e.range.start) + e.newText;
    pos = e.range.end;
  }
  return out + text.slice(pos);
}

function overlaps(a: Range, b: Range): boolean {
  if (a.start === a.end || b.start === b.end) return a.start < b.end && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

/** Whole fixes in order, leaving out a fix whose edits overlap one already taken (the same insertion twice is one
 *  insertion): the indices of the fixes taken. */
export function nonOverlappingFixes(fixes: readonly { edits: readonly TextEdit[] }[]): number[] {
  const taken: TextEdit[] = [];
  const out: number[] = [];
  fixes.forEach((f, i) => {
    const clash = (e: TextEdit) => taken.some((t) => overlaps(t.range, e.range) || (e.range.start === e.range.end && t.range.start === e.range.start && t.range.end === e.range.end && t.newText === e.newText));
    if (f.edits.length === 0 || f.edits.some(clash)) return;
    taken.push(...f.edits);
    out.push(i);
  });
  return out;
}

/**
 * Apply whole fixes in order, skipping a fix whose edits overlap an edit already taken (its finding can
 * be fixed by checking again). Returns the new text and how many fixes were applied and skipped.
 */
export function applyFixes(text: string, fixes: readonly { edits: readonly TextEdit[] }[]): { text: string; applied: number; skipped: number } {
  const taken = nonOverlappingFixes(fixes);
  const edits = taken.flatMap((i) => fixes[i].edits);
  return { text: edits.length ? applyEdits(text, edits) : text, applied: taken.length, skipped: fixes.length - taken.length };
}
