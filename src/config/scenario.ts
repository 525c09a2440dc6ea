// Scenarios: what-if variants of a config, written as overrides of values by path.
//
//   scenarios:
//     - name: memmap-in-ram
//       set: { "devices[0].map": mem, "kernel.hvo": true, "devices[namespace0.1].align": 1G }
//
// A set path is dotted field names, each optionally followed by selectors: [N] selects an array
// element by index, [name] selects the element whose `name` field equals name. A name that is all
// digits, or that contains "]", or starts or ends with a space or a quote, is written in quotes:
// ["7"], ["ns[0]"], ['a.b'] (inside double quotes, \" is a double quote and \\ a backslash; a name in
// single quotes cannot contain a single quote). Overrides are applied in order to a copy of the raw
// document value, before validation, so that the variant is checked exactly like a file; an entry that
// a later entry replaces entirely (the same value, or a value containing it) is an error, as it would
// be lost.
import { describeChar, didYouMean, excerpt, formatPath, quoted, UNPRINTABLE_IN_NAME } from './diagnostics';
import type { JsonPath } from './types';

export type SetStep = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'name'; name: string };

/** Top-level fields a scenario may not override. */
const FROZEN = new Set(['scenarios', '$schema']);

const IDENT_START = /[A-Za-z_$]/;
const IDENT_PART = /[A-Za-z0-9_$]/;

/** Parse "devices[0].map" into steps; a message saying what is wrong otherwise. */
export function parseSetPath(s: string): { ok: true; steps: SetStep[] } | { ok: false; message: string } {
  const bad = (why?: string) => ({
    ok: false as const,
    message: `${quoted(s)} is not a valid path${why ? ` (${why})` : ''}: use field names, [N] and [name], e.g. "devices[0].map", "devices[namespace0.0].align" or 'devices["ns[0]"].map'`,
  });
  const control = UNPRINTABLE_IN_NAME.exec(s);
  if (control) return bad(`it contains the control character ${describeChar(control[0])}`);
  const steps: SetStep[] = [];
  let i = 0;
  for (;;) {
    // A field name.
    const from = i;
    if (i >= s.length || !IDENT_START.test(s[i])) return bad();
    while (i < s.length && IDENT_PART.test(s[i])) i++;
    steps.push({ kind: 'key', key: s.slice(from, i) });
    // Its selectors.
    while (s[i] === '[') {
      const sel = selector(s, i + 1);
      if (typeof sel === 'string') return bad(sel);
      steps.push(sel.step);
      i = sel.end;
    }
    if (i === s.length) return { ok: true, steps };
    if (s[i] !== '.') return bad();
    i++;
  }
}

/** The selector whose text starts at `at` (after its "["): the step and the index after its "]", or why it is not one. */
function selector(s: string, at: number): { step: SetStep; end: number } | string {
  let i = at;
  while (s[i] === ' ') i++;
  const q = s[i];
  if (q === '"' || q === "'") {
    let name = '';
    i++;
    for (;;) {
      if (i >= s.length) return `the quote ${q} after "[" is never closed`;
      const c = s[i];
      if (c === q) break;
      if (c === '\\' && q === '"') {
        const n = s[i + 1];
        if (n !== '"' && n !== '\\') return `inside double quotes only \\" and \\\\ are escapes`;
        name += n;
        i += 2;
        continue;
      }
      name += c;
      i++;
    }
    i++;
    while (s[i] === ' ') i++;
    if (s[i] !== ']') return `a quoted name must be followed by "]"`;
    if (!name) return 'an empty name';
    return { step: { kind: 'name', name }, end: i + 1 };
  }
  const close = s.indexOf(']', at);
  if (close < 0) return '"[" is never closed';
  const inner = s.slice(at, close).trim();
  if (!inner) return 'an empty selector';
  return { step: /^\d+$/.test(inner) ? { kind: 'index', index: Number(inner) } : { kind: 'name', name: inner }, end: close + 1 };
}

/** One applied override: the concrete path it replaced and the `set` entry it came from. */
export interface Override {
  /** Concrete path in the config, indices resolved: ['devices', 0, 'map']. */
  target: JsonPath;
  /** Path of the set entry in the document: ['scenarios', 2, 'set', 'devices[ns0].map']. */
  entry: JsonPath;
}

export interface SetProblem {
  message: string;
  /** The set entry at fault (its key is where the problem is shown). */
  entry: JsonPath;
  target: JsonPath;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function setOwn(o: Obj, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

/**
 * Apply `set` to `root` without modifying it: containers on the way to an overridden value are
 * copied (copy-on-write), everything else is shared with `root`. Missing fields are created,
 * including missing intermediate objects ("kernel.hvo" without a kernel block); the schema then
 * judges whether they are allowed. Selecting a missing array element is a problem, reported at the
 * entry's key.
 */
export function applySet(root: Obj, set: Obj, scenarioPath: JsonPath): { value: Obj; overrides: Override[]; problems: SetProblem[] } {
  const copies = new Set<unknown>();
  const own = <T extends Obj | unknown[]>(v: T): T => {
    if (copies.has(v)) return v;
    const c = (Array.isArray(v) ? v.slice() : { ...v }) as T;
    copies.add(c);
    return c;
  };
  const value = own(root);
  const overrides: Override[] = [];
  const problems: SetProblem[] = [];
  for (const key of Object.keys(set)) {
    const entry = [...scenarioPath, 'set', key];
    const parsed = parseSetPath(key);
    if (!parsed.ok) {
      problems.push({ message: parsed.message, entry, target: [] });
      continue;
    }
    const first = parsed.steps[0];
    if (first.kind === 'key' && FROZEN.has(first.key)) {
      problems.push({ message: `${quoted(key)}: a scenario cannot override ${first.key}`, entry, target: [first.key] });
      continue;
    }
    const r = assign(value, parsed.steps, structuredClone(set[key]), own);
    if (typeof r === 'string') problems.push({ message: `${quoted(key)}: ${r}`, entry, target: [] });
    else overrides.push({ target: r, entry });
  }
  // An entry that a later one replaces entirely (the same value, or an object or list holding it) would be
  // lost without a trace: an error at the lost entry, whatever the spelling of the two paths (they are
  // compared resolved: devices[ns0] and devices[0] are the same element).
  overrides.forEach((o, i) => {
    const later = overrides.slice(i + 1).find((l) => isPrefix(l.target, o.target));
    if (!later) return;
    const key = String(o.entry[o.entry.length - 1]);
    const laterKey = String(later.entry[later.entry.length - 1]);
    const how =
      later.target.length === o.target.length
        ? `sets ${formatPath(o.target)} too: keep one of them`
        : `replaces ${formatPath(later.target)} as a whole: put ${quoted(key)} after it, or write its value inside that entry`;
    problems.push({
      message: `${quoted(key)} is lost: the later entry ${quoted(laterKey)} ${how}`,
      entry: o.entry,
      target: o.target,
    });
  });
  return { value, overrides, problems };
}

function isPrefix(prefix: JsonPath, path: JsonPath): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => p === path[i]);
}

/** Walk `steps` from `root` (owned), store `value` at the end; the concrete path, or what went wrong. */
function assign(root: Obj, steps: SetStep[], value: unknown, own: <T extends Obj | unknown[]>(v: T) => T): JsonPath | string {
  const path: (string | number)[] = [];
  let cur: unknown = root;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const last = i === steps.length - 1;
    const where = formatPath(path);
    if (step.kind === 'key') {
      if (!isObj(cur)) return `${where} is ${kindOf(cur)}, so it has no field '${excerpt(step.key)}'`;
      path.push(step.key);
      if (last) {
        setOwn(cur, step.key, value);
        break;
      }
      let next = Object.prototype.hasOwnProperty.call(cur, step.key) ? cur[step.key] : undefined;
      if (next === undefined) {
        if (steps[i + 1].kind !== 'key') return `there is no ${formatPath(path)} to select from`;
        next = {};
      } else if (isObj(next) || Array.isArray(next)) next = own(next);
      setOwn(cur, step.key, next);
      cur = next;
      continue;
    }
    if (!Array.isArray(cur)) return `${where} is ${kindOf(cur)}, not a list: cannot select [${step.kind === 'index' ? step.index : step.name}]`;
    let index: number;
    if (step.kind === 'index') {
      index = step.index;
      if (index >= cur.length) return `there is no ${where}[${index}]: ${where} has ${cur.length} ${cur.length === 1 ? 'entry' : 'entries'}`;
    } else {
      index = cur.findIndex((e) => isObj(e) && e.name === step.name);
      if (index < 0) {
        const names = cur.filter(isObj).map((e) => e.name).filter((n): n is string => typeof n === 'string');
        const known = names.length ? `names: ${excerpt(names.join(', '), 200)}` : 'no entry has a name';
        return `no entry of ${where} is named '${excerpt(step.name)}' (${known})${didYouMean(step.name, names)}`;
      }
    }
    path.push(index);
    if (last) {
      cur[index] = value;
      break;
    }
    const next: unknown = cur[index];
    if (isObj(next) || Array.isArray(next)) cur[index] = own(next);
    cur = cur[index];
  }
  return path;
}

function kindOf(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return isObj(v) ? 'an object' : `a ${typeof v}`;
}
