// The field reference of docs/config.md, generated from the JSON Schema (memmap.schema.json), which is
// the single source of truth for the config format: every field, its type, default and meaning as the
// schema says them to the editor. test/unit/config-docs.test.ts keeps the document current.

import schemaJson from './memmap.schema.json';

export const FIELDS_BEGIN = '<!-- fields:begin (generated from src/config/memmap.schema.json by test/unit/config-docs.test.ts: UPDATE_DOCS=1 to refresh) -->';
export const FIELDS_END = '<!-- fields:end -->';

/** The part of a JSON Schema node this reference reads. */
interface Node {
  type?: string | string[];
  $ref?: string;
  anyOf?: Node[];
  enum?: unknown[];
  enumDescriptions?: string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, Node>;
  required?: string[];
  items?: Node;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
}

const schema = schemaJson as unknown as Node & { definitions: Record<string, Node> };

function resolve(n: Node): Node {
  if (!n.$ref) return n;
  const name = /^#\/definitions\/(.+)$/.exec(n.$ref)?.[1];
  const target = name ? schema.definitions[name] : undefined;
  if (!target) throw new Error(`memmap.schema.json: unresolved $ref ${n.$ref}`);
  // The referring node's own description and default win (they say what the field is).
  return { ...target, ...n, $ref: undefined };
}

/** The type column: a definition's name for sizes/addresses/ranges, else the JSON types. */
function typeOf(n: Node): string {
  const def = n.$ref ? /^#\/definitions\/(.+)$/.exec(n.$ref)?.[1] : undefined;
  if (def) return def === 'range' ? '[range](#ranges)' : `[${def}](#sizes-and-addresses)`;
  if (n.anyOf) return n.anyOf.map(typeOf).join(' or ');
  if (n.enum) return n.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (n.type === 'array' && n.items) return `array of ${n.items.properties ? 'objects' : typeOf(n.items)}`;
  const t = Array.isArray(n.type) ? n.type.join(' or ') : (n.type ?? 'any');
  const bounds: string[] = [];
  if (n.minimum !== undefined) bounds.push(`≥ ${n.minimum}`);
  if (n.exclusiveMinimum !== undefined) bounds.push(`> ${n.exclusiveMinimum}`);
  if (n.maximum !== undefined) bounds.push(`≤ ${n.maximum}`);
  return bounds.length ? `${t} (${bounds.join(', ')})` : t;
}

/** Schema text as a table cell: one line, "|" escaped, and "<size>" shown as text, not taken for HTML. */
function cell(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function defaultOf(n: Node, required: boolean): string {
  if (required) return 'required';
  if (n.default === undefined) return '';
  if (typeof n.default === 'object' && n.default !== null && !Array.isArray(n.default) && Object.keys(n.default).length === 0) return '`{}`';
  return `\`${JSON.stringify(n.default)}\``;
}

function meaning(n: Node): string {
  let text = cell(n.description ?? '');
  if (n.enum && n.enumDescriptions) {
    // "x86_64: 4K pages, ..." reads "`x86_64`: 4K pages, ...", not "`x86_64`: x86_64: 4K pages, ...".
    const values = n.enum.map((v, i) => {
      const d = n.enumDescriptions?.[i] ?? '';
      const lead = `${String(v)}: `;
      return `\`${String(v)}\`: ${cell(d.startsWith(lead) ? d.slice(lead.length) : d)}`;
    });
    text += `${text ? '<br>' : ''}${values.join('<br>')}`;
  }
  return text;
}

interface Row {
  path: string;
  node: Node;
  required: boolean;
}

/** The leaves and objects under `n`, depth first, with their dotted paths ("[]" for array elements). */
function rows(n: Node, path: string, required: boolean, out: Row[]): Row[] {
  const r = resolve(n);
  out.push({ path, node: n, required });
  const obj = r.type === 'array' && r.items ? resolve(r.items) : r;
  const prefix = r.type === 'array' ? `${path}[]` : path;
  if (obj.properties && !n.$ref) {
    for (const [k, child] of Object.entries(obj.properties)) rows(child, `${prefix}.${k}`, obj.required?.includes(k) ?? false, out);
  }
  return out;
}

const HEADER = ['| field | type | default | meaning |', '| --- | --- | --- | --- |'];

function row(path: string, n: Node, required: boolean): string {
  const r = resolve(n);
  return `| \`${path}\` | ${typeOf(n)} | ${defaultOf(r, required)} | ${meaning(r)} |`;
}

/** Whether a top-level field has fields of its own (an object, or an array of objects). */
function nested(n: Node): boolean {
  const r = resolve(n);
  return !n.$ref && (Boolean(r.properties) || Boolean(r.type === 'array' && r.items && resolve(r.items).properties));
}

/** The field reference: the top level in one table, then one table per section (kernel, nodes, ...), then
 *  the shared definitions. */
export function fieldsMarkdown(): string {
  const out: string[] = [FIELDS_BEGIN, '', '### Top level', '', ...HEADER];
  const top = Object.entries(schema.properties ?? {});
  for (const [key, n] of top) out.push(row(key, n, schema.required?.includes(key) ?? false));
  for (const [key, n] of top) {
    if (!nested(n)) continue;
    out.push('', `### \`${key}\``, '', ...HEADER);
    for (const r of rows(n, key, false, []).slice(1)) out.push(row(r.path, r.node, r.required));
  }
  out.push('', '### Sizes and addresses', '');
  for (const name of ['size', 'address']) out.push(`- **${name}**: ${cell(schema.definitions[name].description ?? '')}`);
  const range = schema.definitions.range;
  out.push('', '### Ranges', '', cell(range.description ?? ''), '', ...HEADER);
  for (const [k, child] of Object.entries(range.properties ?? {})) out.push(row(k, child, range.required?.includes(k) ?? false));
  out.push('', FIELDS_END);
  return out.join('\n');
}

/** Every field path the reference documents (for the test that the guide and schema agree). */
export function documentedPaths(): string[] {
  const out: string[] = [];
  for (const [key, top] of Object.entries(schema.properties ?? {})) for (const row of rows(top, key, false, [])) out.push(row.path);
  return out;
}
