// Loading a workload config: parse (JSON with comments or YAML) → validate against memmap.schema.json →
// normalize into a WorkloadConfig, with every finding located at the token it is about.
//
// Scenarios are checked as part of the file: a base config that is valid has each scenario applied,
// and whatever a scenario breaks is reported (prefixed with the scenario's name) at the offending
// entry of its `set`. scenarioConfig() produces the variant itself.
import { readFileSync } from 'node:fs';
import { didYouMean, excerpt, printableMessage, type ConfigError } from './diagnostics';
import { normalize, DEFAULTS, type NormalizeDefaults } from './normalize';
import { applySet, type Override } from './scenario';
import { validateSchema, type Locate } from './schema';
import { decodeConfigBytes } from './encoding';
import { SourceDoc, type Range, type SourceDocParts } from './source';
import type { Arch, JsonPath, WorkloadConfig } from './types';

export type { ConfigError } from './diagnostics';

export interface LoadResult {
  doc: SourceDoc | null;
  /** The normalized config, or null when any finding is an error. */
  config: WorkloadConfig | null;
  /** Sorted by position; at most one per range. */
  errors: ConfigError[];
}

export interface LoadOptions {
  /** Arch when the file has none (default x86_64). */
  defaultArch?: Arch;
  /** kernel.version when the file has none (default "6.12"). */
  defaultKernelVersion?: string;
}

/** Errors SourceDoc.parse found, kept for scenario variants of the same document. */
const parseErrors = new WeakMap<SourceDoc, ConfigError[]>();
/** How each result maps config paths to source ranges (scenario variants point into their `set`). */
const locators = new WeakMap<LoadResult, Locate>();

/** Parse, validate and normalize config text. Never throws. */
export function loadConfigText(text: string, fileName: string, opts: LoadOptions = {}): LoadResult {
  try {
    return printable(loadText(text, fileName, opts));
  } catch (e) {
    return internalError(e);
  }
}

/**
 * Read and load a config file. A file that cannot be read is one error at offset 0, naming the file as
 * `shownAs` (default `path`: the CLI passes the path as the user wrote it).
 */
export function loadConfigFile(path: string, opts: LoadOptions = {}, shownAs = path): LoadResult {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why: Record<string, string> = { ENOENT: 'no such file', EISDIR: 'is a directory', EACCES: 'permission denied', ENOTDIR: 'no such file' };
    const message = `cannot read ${shownAs}: ${(code && why[code]) ?? (e as Error).message}`;
    return { doc: null, config: null, errors: [{ message, path: [], range: { start: 0, end: 0 }, severity: 'error', source: 'syntax' }] };
  }
  const d = decodeConfigFile(bytes, path);
  return d.ok ? loadConfigText(d.text, path, opts) : d.result;
}

/**
 * The text of a config file's bytes (UTF-8, a byte order mark dropped), or, for bytes that are not UTF-8
 * (Latin-1, UTF-16), the load result that says so: one error at the first bad byte (line:column), with a
 * document to locate it in. Never replaces a byte silently.
 */
export function decodeConfigFile(bytes: Uint8Array, fileName: string): { ok: true; text: string } | { ok: false; result: LoadResult } {
  const d = decodeConfigBytes(bytes);
  if (d.ok) return d;
  const doc = SourceDoc.unparsed(d.text, fileName);
  const start = Math.min(d.offset, d.text.length);
  const error: ConfigError = { message: d.message, path: [], range: { start, end: Math.min(start + 1, d.text.length) }, severity: 'error', source: 'syntax' };
  // Kept as the document's parse errors: a scenario of it gives this error too, not "unknown scenario".
  parseErrors.set(doc, [error]);
  return { ok: false, result: printable({ doc, config: null, errors: [error] }) };
}

/**
 * The config with scenario `scenarioName` applied (config.scenario = its name). Errors caused by an
 * overridden value point at that value inside the scenario's `set`; others at their place in the file.
 * An unknown name is an error listing the known ones.
 */
export function scenarioConfig(base: LoadResult, scenarioName: string, opts: LoadOptions = {}): LoadResult {
  try {
    const doc = base.doc;
    if (!doc) return { doc: null, config: null, errors: base.errors };
    const parsed = parseErrors.get(doc) ?? [];
    if (hasErrors(parsed.filter((e) => e.source === 'syntax'))) return { doc, config: null, errors: base.errors };
    const raw = (doc.value as { scenarios?: unknown } | null)?.scenarios;
    const list = Array.isArray(raw) ? raw : [];
    const names = list.map((s) => (s as { name?: unknown } | null)?.name).filter((n): n is string => typeof n === 'string');
    const index = names.length ? list.findIndex((s) => (s as { name?: unknown } | null)?.name === scenarioName) : -1;
    if (index < 0) {
      const message = names.length
        ? `unknown scenario '${excerpt(scenarioName)}': the config defines ${names.map((n) => `'${excerpt(n)}'`).join(', ')}${didYouMean(scenarioName, names)}`
        : `unknown scenario '${excerpt(scenarioName)}': the config defines no scenarios`;
      const range = doc.rangeOf(['scenarios'], 'key') ?? firstLine(doc, doc.nearestRange([]));
      return printable({ doc, config: null, errors: [{ message, path: ['scenarios'], range, severity: 'error', source: 'scenario' }] });
    }
    const defaults = defaultsFor(doc.fileName, opts);
    // Findings the base config has itself (a base with errors can still be asked for a scenario) are not the
    // scenario's: they keep their own wording, without the scenario's name.
    const baseErrors = base.config ? [] : analyze(doc, doc.value, baseLocator(doc), defaults, null).errors;
    const v = variant(doc, index, defaults, baseErrors);
    const errors = finish([...parsed, ...v.errors]);
    const result = printable({ doc, config: hasErrors(errors) ? null : v.config, errors });
    locators.set(result, v.locate);
    return result;
  } catch (e) {
    return internalError(e);
  }
}

/** A loadConfigText() result as plain data, to hand it to another thread (the extension parses and
 *  simulates big configs off the extension host's thread). loadResultFromWire() restores it, with what
 *  scenarioConfig() and configRange() keep per result. */
export interface LoadWire {
  doc: SourceDocParts | null;
  /** The parse errors scenario variants of the document start from. */
  parsed: ConfigError[];
  config: WorkloadConfig | null;
  errors: ConfigError[];
}

export function loadResultToWire(r: LoadResult): LoadWire {
  return { doc: r.doc ? r.doc.toParts() : null, parsed: (r.doc && parseErrors.get(r.doc)) ?? [], config: r.config, errors: r.errors };
}

export function loadResultFromWire(w: LoadWire): LoadResult {
  const doc = w.doc ? SourceDoc.fromParts(w.doc) : null;
  const result: LoadResult = { doc, config: w.config, errors: w.errors };
  if (doc) {
    parseErrors.set(doc, w.parsed);
    locators.set(result, baseLocator(doc));
  }
  return result;
}

/**
 * The source range of `path` in the config of `result`: for a scenario variant, overridden values are
 * found inside the scenario's `set`. Use it to point at the objects of result.config (their `path`).
 */
export function configRange(result: LoadResult, path: JsonPath, part: 'value' | 'key' = 'value'): Range {
  const locate = locators.get(result);
  if (locate) return locate(path, part);
  return result.doc ? baseLocator(result.doc)(path, part) : { start: 0, end: 0 };
}

/** "file:line:column: error: message" (just "file: error: message" without a document). */
export function formatError(doc: SourceDoc | null, fileName: string, e: ConfigError): string {
  if (!doc) return `${fileName}: ${e.severity}: ${e.message}`;
  const p = doc.positionAt(e.range.start);
  return `${fileName}:${p.line}:${p.column}: ${e.severity}: ${e.message}`;
}

// ---- internals ----

function loadText(text: string, fileName: string, opts: LoadOptions): LoadResult {
  const { doc, errors: parsed } = SourceDoc.parse(text, fileName);
  if (!doc) return { doc, config: null, errors: parsed };
  parseErrors.set(doc, parsed);
  if (hasErrors(parsed.filter((e) => e.source === 'syntax'))) return { doc, config: null, errors: finish(parsed) };

  const defaults = defaultsFor(fileName, opts);
  const locate = baseLocator(doc);
  const base = analyze(doc, doc.value, locate, defaults, null);
  let errors = finish([...parsed, ...base.errors]);
  if (!hasErrors(errors) && base.config) {
    // Check every scenario now, so that the editor and `check` report a broken one.
    const extra: ConfigError[] = [];
    base.config.scenarios.forEach((_, i) => extra.push(...variant(doc, i, defaults, []).errors));
    errors = finish([...errors, ...extra], true);
  }
  const result = { doc, config: hasErrors(errors) ? null : base.config, errors };
  locators.set(result, locate);
  return result;
}

/** Schema validation, then normalization if the value conforms. */
function analyze(doc: SourceDoc, value: unknown, locate: Locate, defaults: NormalizeDefaults, scenario: string | null) {
  const sourceOf = (path: JsonPath) => {
    const r = locate(path);
    return doc.text.slice(r.start, r.end);
  };
  const schemaErrors = validateSchema(value, { locate, sourceOf });
  if (schemaErrors.length) return { config: null, errors: schemaErrors };
  return normalize(value, locate, defaults, scenario);
}

/**
 * Apply scenario `index` of the document to a copy of its value and analyze the result. Its findings are
 * named after the scenario, except those the base config has as well (`baseErrors`: same place, same
 * message), such as a broken `set` of another scenario.
 */
function variant(doc: SourceDoc, index: number, defaults: NormalizeDefaults, baseErrors: readonly ConfigError[]) {
  const root = doc.value as { scenarios: { name: string; set?: unknown }[] };
  const sc = root.scenarios[index];
  const name = String(sc.name);
  const set = typeof sc.set === 'object' && sc.set !== null && !Array.isArray(sc.set) ? (sc.set as Record<string, unknown>) : {};
  const { value, overrides, problems } = applySet(root, set, ['scenarios', index]);
  const base = baseLocator(doc);
  const locate = scenarioLocator(doc, overrides, base);
  const errors: ConfigError[] = problems.map((p) => ({
    message: p.message,
    path: p.entry,
    range: base(p.entry, 'key'),
    severity: 'error',
    source: 'scenario',
  }));
  const res = analyze(doc, value, locate, defaults, name);
  const inBase = (e: ConfigError) => baseErrors.some((b) => b.range.start === e.range.start && b.range.end === e.range.end && b.message === e.message);
  for (const e of errors) e.message = `scenario '${name}': ${e.message}`;
  for (const e of res.errors) {
    if (!inBase(e)) e.message = `scenario '${name}': ${e.message}`;
    errors.push(e);
  }
  return { config: problems.length ? null : res.config, errors, locate };
}

/** Ranges in the file: the token itself; for a key without a value (YAML "a:") the key. */
function baseLocator(doc: SourceDoc): Locate {
  return (path, part = 'value') => {
    const r = doc.rangeOf(path, part);
    if (r) {
      if (r.start === r.end && part === 'value') return doc.rangeOf(path, 'key') ?? r;
      return path.length === 0 ? firstLine(doc, r) : r;
    }
    // A missing field: its nearest existing ancestor (its key when it has one; the top level's first line).
    let p = path.slice(0, -1);
    while (p.length && !doc.rangeOf(p)) p = p.slice(0, -1);
    if (p.length === 0) return firstLine(doc, doc.nearestRange([]));
    return doc.rangeOf(p) ?? doc.nearestRange(p);
  };
}

/** Overridden paths (and what lies inside them) are located in the scenario's `set`. */
function scenarioLocator(doc: SourceDoc, overrides: Override[], base: Locate): Locate {
  return (path, part = 'value') => {
    for (let i = overrides.length - 1; i >= 0; i--) {
      const o = overrides[i];
      if (!isPrefix(o.target, path)) continue;
      const rest = path.slice(o.target.length);
      if (rest.length === 0) return base(o.entry, part);
      const inner = [...o.entry, ...rest];
      return doc.rangeOf(inner, part) ? base(inner, part) : base(o.entry, 'value');
    }
    // A path the scenario created on the way to an override (e.g. an unknown intermediate field).
    if (!doc.rangeOf(path)) {
      const o = [...overrides].reverse().find((x) => isPrefix(path, x.target));
      if (o) return base(o.entry, 'key');
    }
    return base(path, part);
  };
}

function isPrefix(prefix: JsonPath, path: JsonPath): boolean {
  if (prefix.length > path.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== path[i]) return false;
  return true;
}

/** The first line of a (top-level) range, so a finding about the whole document does not underline all of it. */
function firstLine(doc: SourceDoc, r: Range): Range {
  const nl = doc.text.slice(r.start, r.end).search(/[\r\n]/);
  return nl < 0 ? r : { start: r.start, end: r.start + nl };
}

function defaultsFor(fileName: string, opts: LoadOptions): NormalizeDefaults {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  return {
    arch: opts.defaultArch ?? DEFAULTS.arch,
    kernelVersion: opts.defaultKernelVersion ?? DEFAULTS.kernelVersion,
    name: base.replace(/(\.memmap)?\.(jsonc?|ya?ml)$/i, '') || 'config',
  };
}

function hasErrors(errors: readonly ConfigError[]): boolean {
  return errors.some((e) => e.severity === 'error');
}

/** Sort by position and keep one finding per range (or per range and message, for scenario checks). */
function finish(errors: ConfigError[], byMessage = false): ConfigError[] {
  const seen = new Set<string>();
  const out: ConfigError[] = [];
  for (const e of errors) {
    const k = `${e.range.start}:${e.range.end}${byMessage ? `:${e.message}` : ''}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
  }
  return out.sort((a, b) => a.range.start - b.range.start);
}

/**
 * Every message of `result` made safe to print (in place): a message quotes values as short excerpts
 * already; this escapes whatever unprintable character is left (a binary file's bytes echoed by a name
 * or key) and bounds the length.
 */
function printable(result: LoadResult): LoadResult {
  for (const e of result.errors) e.message = printableMessage(e.message);
  return result;
}

function internalError(e: unknown): LoadResult {
  const message = `internal error while loading the config: ${e instanceof Error ? e.message : String(e)}`;
  return { doc: null, config: null, errors: [{ message, path: [], range: { start: 0, end: 0 }, severity: 'error' }] };
}
