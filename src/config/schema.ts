// Validation against memmap.schema.json (the single source of truth for the format) and the
// translation of ajv's raw errors into one clear, located message per problem.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import schemaJson from './memmap.schema.json';
import { describeChar, describeValue, didYouMean, excerpt, formatPath, NOT_IN_NAMES, quoted, type ConfigError } from './diagnostics';
import { parseSetPath } from './scenario';
import { parseAddress, parseKernelVersion, parseSize } from './units';
import type { JsonPath } from './types';
import type { Range } from './source';

/** The JSON Schema of the config format, as an object (e.g. to hand to an editor). */
export const configSchema: Readonly<Record<string, unknown>> = schemaJson;

let compiled: ValidateFunction | undefined;

/** Compiled once, on first use (compiling takes a few ms; validating a large config well under one). */
function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile(schemaJson);
  return compiled;
}

/** Where a finding goes: `part` 'key' for findings about a field's name rather than its value. */
export type Locate = (path: JsonPath, part?: 'value' | 'key') => Range;

export interface SchemaContext {
  locate: Locate;
  /** Source text of a value (for hints such as quoting a YAML version number), or undefined. */
  sourceOf(path: JsonPath): string | undefined;
}

/** Validate `value` against the schema; [] when it conforms. */
export function validateSchema(value: unknown, ctx: SchemaContext): ConfigError[] {
  const validate = validator();
  if (validate(value)) return [];
  if (value === null || value === undefined) {
    return [finding(ctx, [], 'the document is empty: a memmap config is an object with at least "nodes"')];
  }
  return translate(validate.errors ?? [], value, ctx);
}

function finding(ctx: SchemaContext, path: JsonPath, message: string, part: 'value' | 'key' = 'value'): ConfigError {
  return { message, path, range: ctx.locate(path, part), severity: 'error', source: 'schema' };
}

/** JSON pointer ("/devices/0/size") to a path with numbers for array indices, following `root`. */
function toPath(pointer: string, root: unknown): (string | number)[] {
  const path: (string | number)[] = [];
  if (!pointer) return path;
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      path.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      path.push(seg);
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return path;
}

/** The pattern of names and other identifier-like strings (device, scenario and config names, calibration
 *  devices): no C0 or C1 control character, DEL, line or paragraph separator, or bidirectional override or
 *  isolate, so that a name printed on a terminal or in the editor shows what it is. */
export const IDENT_PATTERN = `^[^${NOT_IN_NAMES}]*$`;
/** The pattern of free text (descriptions, calibration sources): tabs and line breaks, but no other control character. */
export const TEXT_PATTERN = '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$';
/** The pattern of kernel.version ("major.minor", no leading zeros; parseKernelVersion() says what is wrong). */
export const VERSION_PATTERN = '^(?:0|[1-9][0-9]{0,2})\\.(?:0|[1-9][0-9]{0,2})$';

const SIZE_DEF = '#/definitions/size/';
const ADDRESS_DEF = '#/definitions/address/';

/**
 * Group ajv's errors by instance location and make one message per problem. A location that failed
 * an anyOf (sizes, addresses, nullable sizes) is one problem, whatever each branch said.
 */
function translate(errors: ErrorObject[], root: unknown, ctx: SchemaContext): ConfigError[] {
  const groups = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    // How each item failed a `contains` is not a problem in itself: the contains error says it; and
    // while some item has problems of its own, those come first.
    if (e.schemaPath.includes('/contains/')) continue;
    if (e.keyword === 'contains' && errors.some((o) => o.instancePath.startsWith(`${e.instancePath}/`) && !o.schemaPath.includes('/contains/'))) continue;
    const g = groups.get(e.instancePath);
    if (g) g.push(e);
    else groups.set(e.instancePath, [e]);
  }
  const out: ConfigError[] = [];
  for (const [pointer, group] of groups) {
    const path = toPath(pointer, root);
    const data = group[0].data;
    const where = formatPath(path);
    const acceptsNull = group.some((e) => e.keyword === 'type' && e.params.type === 'null');
    const orNull = (m: string) => (acceptsNull && m.startsWith('expected ') ? m.replace(/(, got )/, ' or null$1') : m);
    if (group.some((e) => e.schemaPath.startsWith(SIZE_DEF))) {
      const r = parseSize(data);
      out.push(finding(ctx, path, `${where}: ${orNull(r.ok ? 'expected a size (bytes or a string like "128M")' : r.message)}`));
      continue;
    }
    if (group.some((e) => e.schemaPath.startsWith(ADDRESS_DEF))) {
      const r = parseAddress(data);
      out.push(finding(ctx, path, `${where}: ${orNull(r.ok ? 'expected an address (integer or hex string like "0x3040000000")' : r.message)}`));
      continue;
    }
    let rest = group;
    if (group.some((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')) {
      // Keep what the branch of the value's own type said; if every branch wanted another type, say so.
      const nonType = group.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf' && e.keyword !== 'type');
      if (nonType.length === 0) {
        const types = group.filter((e) => e.keyword === 'type').map((e) => typeName(e.params.type));
        out.push(finding(ctx, path, `${where}: expected ${[...new Set(types)].join(' or ')}, got ${describeValue(data)}`));
        continue;
      }
      rest = nonType;
    }
    const typeErr = rest.find((e) => e.keyword === 'type');
    if (typeErr) {
      out.push(finding(ctx, path, typeMessage(path, typeErr, ctx)));
      continue;
    }
    const missing = [...new Set(rest.filter((e) => e.keyword === 'required').map((e) => `'${e.params.missingProperty}'`))];
    if (missing.length) {
      const list = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}`;
      out.push(finding(ctx, path, `${where}: missing required field${missing.length > 1 ? 's' : ''} ${list}`));
    }
    const hasMinItems = rest.some((e) => e.keyword === 'minItems');
    for (const e of rest) {
      if (e.keyword === 'required') continue;
      if (e.keyword === 'contains' && hasMinItems) continue; // an empty list: "needs at least 1 entry" says it
      if (e.propertyName !== undefined) continue; // the inner half of a propertyNames error
      const f = keywordFinding(path, e, ctx);
      if (f) out.push(f);
    }
  }
  return out;
}

function typeName(t: unknown): string {
  const names: Record<string, string> = { integer: 'an integer', number: 'a number', string: 'a string', boolean: 'a boolean (true or false)', object: 'an object', array: 'a list', null: 'null' };
  return Array.isArray(t) ? t.map(typeName).join(' or ') : (names[String(t)] ?? String(t));
}

function typeMessage(path: JsonPath, e: ErrorObject, ctx: SchemaContext): string {
  const data = e.data;
  if (path.length === 0) return `the config must be an object with fields such as "nodes" and "devices", got ${describeValue(data)}`;
  let hint = '';
  if (e.params.type === 'string' && (typeof data === 'number' || typeof data === 'boolean')) {
    hint = unquotedHint(data, ctx.sourceOf(path)?.trim() ?? String(data), (e.parentSchema ?? {}) as Record<string, unknown>);
  } else if (e.params.type === 'integer' && typeof data === 'number') {
    hint = ': a whole number is required';
  }
  return `${formatPath(path)}: expected ${typeName(e.params.type)}, got ${describeValue(data)}${hint}`;
}

/**
 * What to say about a number or boolean where a string is expected. An unquoted YAML 6.10 is the number 6.1:
 * "quote it" with the text as written, but only when that text, quoted, is a value the field takes (its enum
 * or pattern). Otherwise the values it takes; for a boolean where "on" and "off" are (YAML 1.1 read `on` as
 * true), those.
 */
function unquotedHint(data: number | boolean, src: string, schema: Record<string, unknown>): string {
  const allowed = Array.isArray(schema.enum) ? schema.enum.map(String) : null;
  const pattern = typeof schema.pattern === 'string' ? new RegExp(schema.pattern, 'u') : null;
  const fits = (allowed === null || allowed.includes(src)) && (pattern === null || pattern.test(src));
  if (fits) return `: quote it, ${quoted(src)}`;
  if (allowed) {
    const list = allowed.map((a) => quoted(a)).join(', ');
    if (typeof data === 'boolean' && allowed.includes('on') && allowed.includes('off')) return `: write ${data ? '"on"' : '"off"'} for ${String(data)} (the values are ${list})`;
    return `: the values are ${list}`;
  }
  if (schema.pattern === VERSION_PATTERN) {
    const v = parseKernelVersion(src);
    if (!v.ok) return `: ${v.message}`;
  }
  if (typeof schema.patternErrorMessage === 'string') return `: ${quoted(src)} would not be valid either: ${schema.patternErrorMessage}`;
  return '';
}

function keywordFinding(path: JsonPath, e: ErrorObject, ctx: SchemaContext): ConfigError | undefined {
  const where = formatPath(path);
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  const shown = typeof e.data === 'string' ? `'${excerpt(e.data)}'` : excerpt(JSON.stringify(e.data) ?? String(e.data));
  switch (e.keyword) {
    case 'additionalProperties': {
      const field = String(e.params.additionalProperty);
      const known = Object.keys((parent.properties as Record<string, unknown> | undefined) ?? {});
      const hint = didYouMean(field, known) || ` (known fields: ${known.join(', ')})`;
      const inWhere = path.length ? `in ${where}` : 'at the top level';
      return finding(ctx, [...path, field], `unknown field '${excerpt(field)}' ${inWhere}${hint}`, 'key');
    }
    case 'enum': {
      const allowed = (e.params.allowedValues as unknown[]).map(String);
      return finding(ctx, path, `${where}: ${shown} is not one of ${allowed.join(', ')}${typeof e.data === 'string' ? didYouMean(e.data, allowed) : ''}`);
    }
    case 'minimum':
      return finding(ctx, path, `${where}: must be at least ${e.params.limit}, got ${shown}`);
    case 'maximum':
      return finding(ctx, path, `${where}: must be at most ${e.params.limit}, got ${shown}`);
    case 'multipleOf':
      return finding(ctx, path, `${where}: must be a multiple of ${e.params.multipleOf}, got ${shown}`);
    case 'minItems': {
      const n = Number(e.params.limit);
      return finding(ctx, path, `${where}: needs at least ${n} ${n === 1 ? 'entry' : 'entries'}`);
    }
    case 'minLength':
      return finding(ctx, path, `${where}: must not be empty`);
    case 'maxLength':
      return finding(ctx, path, `${where}: must be at most ${e.params.limit} characters long, got ${typeof e.data === 'string' ? e.data.length : '?'}`);
    case 'pattern': {
      const pattern = String(e.params.pattern);
      if (typeof e.data === 'string' && (pattern === IDENT_PATTERN || pattern === TEXT_PATTERN)) {
        const bad = [...e.data].findIndex((c) => !new RegExp(pattern, 'u').test(c));
        const c = [...e.data][bad] ?? '';
        const rule = pattern === IDENT_PATTERN ? 'names and other identifiers must be printable text' : 'free text may hold tabs and line breaks, but no other control characters';
        return finding(ctx, path, `${where}: ${shown} contains the control character ${describeChar(c)} at character ${bad + 1}: ${rule}`);
      }
      if (typeof e.data === 'string' && pattern === VERSION_PATTERN) {
        const v = parseKernelVersion(e.data);
        if (!v.ok) return finding(ctx, path, `${where}: ${v.message}`);
      }
      const why = typeof parent.patternErrorMessage === 'string' ? parent.patternErrorMessage : `must match ${e.params.pattern}`;
      return finding(ctx, path, `${where}: ${shown} is not valid: ${why}`);
    }
    case 'contains':
      return finding(ctx, path, `${where}: ${typeof parent.errorMessage === 'string' ? parent.errorMessage : 'no entry matches what is required'}`);
    case 'propertyNames': {
      const key = String(e.params.propertyName);
      const r = parseSetPath(key);
      const why = r.ok ? `${quoted(key)} is not a valid path` : r.message;
      return finding(ctx, [...path, key], `${where}: ${why}`, 'key');
    }
    default:
      return finding(ctx, path, `${where}: ${e.message ?? 'is not valid'}`);
  }
}
