// Scenarios: what-if variants of a config, written as overrides of values by path.
//
//   scenarios:
//     - name: memmap-in-ram
//       set: { "devices[0].map": mem, "kernel.hvo": true, "devices[namespace0.1].align": 1G }
//
// A set path is dotted field names, each optionally followed by selectors: [N] selects an array
// element by index, [name] (or ["name"], needed for names that are all digits or contain "]")
// selects the element whose `name` field equals name. Overrides are applied in order to a copy of
// the raw document value, before validation, so that the variant is checked exactly like a file.
import { didYouMean, excerpt, formatPath, quoted } from './diagnostics';
import type { JsonPath } from './types';

export type SetStep = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'name'; name: string };

/** Top-level fields a scenario may not override. */
const FROZEN = new Set(['scenarios', '$schema']);

const STEP_RE = /^([A-Za-z_$][A-Za-z0-9_$]*)((?:\[[^\]]+\])*)$/;

/** Parse "devices[0].map" into steps; a message saying what is wrong otherwise. */
export function parseSetPath(s: string): { ok: true; steps: SetStep[] } | { ok: false; message: string } {
  const steps: SetStep[] = [];
  // Split on dots outside brackets (names in brackets may contain dots: devices[namespace0.0]).
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of s) {
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    if (c === '.' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  const bad = { ok: false as const, message: `${quoted(s)} is not a valid path: use field names, [N] and [name], e.g. "devices[0].map" or "devices[namespace0.0].align"` };
  for (const part of parts) {
    const m = STEP_RE.exec(part);
    if (!m) return bad;
    steps.push({ kind: 'key', key: m[1] });
    for (const sel of m[2].match(/\[[^\]]+\]/g) ?? []) {
      const inner = sel.slice(1, -1).trim();
      if (/^\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else {
        const quoted = /^(["'])(.*)\1$/.exec(inner);
        const name = quoted ? quoted[2] : inner;
        if (!name) return bad;
        steps.push({ kind: 'name', name });
      }
    }
  }
  return { ok: true, steps };
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
  return { value, overrides, problems };
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
