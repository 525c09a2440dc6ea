// SourceDoc: a config file's text, its plain JSON value, and where every key and value is in the text.
//
// JSON (with comments and trailing commas) is read with jsonc-parser's parseTree, YAML with the `yaml`
// package; both are turned into the same small tree of ranges, so rangeOf(['devices', 0, 'size']) works
// the same for both formats. The value is strictly JSON-like: string keys, strings, finite numbers,
// booleans, null, arrays and objects. Anything else (YAML tags such as !!binary, non-string keys, numbers
// beyond 2^53, a second YAML document, duplicate keys) is reported with its exact range.
// The ESM build of jsonc-parser: its package "main" is a UMD bundle whose dynamic require('./impl/...')
// esbuild cannot follow (the bundled CLI/extension would fail at run time with "Cannot find module").
import { parseTree, printParseErrorCode, type Node as JNode, type ParseError } from 'jsonc-parser/lib/esm/main.js';
import { parseAllDocuments, isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node as YNode } from 'yaml';
import { excerpt, quoted, type ConfigError } from './diagnostics';
import type { JsonPath } from './types';

/** Character offsets into the text: [start, end). */
export interface Range {
  start: number;
  end: number;
}

/** 1-based line and column (column counts UTF-16 code units, like VS Code). */
export interface Position {
  line: number;
  column: number;
}

/** One value in the document: its range, its key's range when it is an object member, its children. */
interface SrcNode {
  range: Range;
  key?: Range;
  props?: Map<string, SrcNode>;
  items?: SrcNode[];
}

type Format = 'json' | 'yaml';

/** A SourceDoc as plain data, to hand a parsed document to another thread; SourceDoc.fromParts() makes it
 *  a SourceDoc again. The range tree travels flat (see encodeTree): structured clone copies a tree of
 *  Maps several times slower than an Int32Array and a list of keys. */
export interface SourceDocParts {
  text: string;
  fileName: string;
  format: Format;
  value: unknown;
  tree: EncodedTree | null;
}

/** The range tree in pre-order, TREE_INTS ints per node: range, key range (-1 -1: none), kind, children;
 *  the keys of object members in `keys`, in the same order. */
interface EncodedTree {
  ints: Int32Array;
  keys: string[];
}
const TREE_INTS = 6;
const LEAF = 0;
const OBJECT = 1;
const ARRAY = 2;

function encodeTree(root: SrcNode): EncodedTree {
  const ints: number[] = [];
  const keys: string[] = [];
  const walk = (n: SrcNode) => {
    const kind = n.props ? OBJECT : n.items ? ARRAY : LEAF;
    ints.push(n.range.start, n.range.end, n.key ? n.key.start : -1, n.key ? n.key.end : -1, kind, n.props ? n.props.size : n.items ? n.items.length : 0);
    if (n.props) {
      for (const [k, c] of n.props) {
        keys.push(k);
        walk(c);
      }
    } else if (n.items) for (const c of n.items) walk(c);
  };
  walk(root);
  return { ints: Int32Array.from(ints), keys };
}

function decodeTree(t: EncodedTree): SrcNode {
  let at = 0;
  let key = 0;
  const { ints, keys } = t;
  const read = (): SrcNode => {
    const i = at;
    at += TREE_INTS;
    const n: SrcNode = { range: { start: ints[i], end: ints[i + 1] } };
    if (ints[i + 2] >= 0) n.key = { start: ints[i + 2], end: ints[i + 3] };
    const kind = ints[i + 4];
    const count = ints[i + 5];
    if (kind === OBJECT) {
      n.props = new Map();
      for (let c = 0; c < count; c++) {
        const k = keys[key++];
        n.props.set(k, read());
      }
    } else if (kind === ARRAY) {
      n.items = [];
      for (let c = 0; c < count; c++) n.items.push(read());
    }
    return n;
  };
  return read();
}

export class SourceDoc {
  private lineStarts: number[] | undefined;

  private constructor(
    readonly text: string,
    readonly fileName: string,
    readonly format: Format,
    /** The document as a plain JSON value (undefined only when nothing could be parsed). */
    readonly value: unknown,
    private readonly root: SrcNode | null,
  ) {}

  /**
   * The range of the value at `path` (or of its key with part 'key'), or null if the path does not
   * exist. Array elements and the document itself have no key: 'key' gives their value range.
   */
  rangeOf(path: JsonPath, part: 'value' | 'key' = 'value'): Range | null {
    let node: SrcNode | undefined = this.root ?? undefined;
    for (const p of path) {
      if (!node) return null;
      node = child(node, p);
    }
    if (!node) return null;
    return part === 'key' && node.key ? node.key : node.range;
  }

  /** The value range of the deepest existing ancestor of `path` (the whole document as a last resort). */
  nearestRange(path: JsonPath): Range {
    let node = this.root;
    if (!node) return { start: 0, end: this.text.length };
    for (const p of path) {
      const next = child(node, p);
      if (!next) break;
      node = next;
    }
    return node.range;
  }

  positionAt(offset: number): Position {
    const starts = (this.lineStarts ??= lineStartsOf(this.text));
    const off = Math.max(0, Math.min(offset, this.text.length));
    const i = lineIndex(starts, off);
    return { line: i + 1, column: off - starts[i] + 1 };
  }

  toParts(): SourceDocParts {
    return { text: this.text, fileName: this.fileName, format: this.format, value: this.value, tree: this.root ? encodeTree(this.root) : null };
  }

  /** A document whose text is only shown, never parsed (a file that is not UTF-8): no value, no ranges. */
  static unparsed(text: string, fileName: string): SourceDoc {
    return new SourceDoc(text, fileName, formatOf(text, fileName), undefined, null);
  }

  static fromParts(p: SourceDocParts): SourceDoc {
    return new SourceDoc(p.text, p.fileName, p.format, p.value, p.tree ? decodeTree(p.tree) : null);
  }

  /**
   * Parse `text` as JSON-with-comments or YAML, by file name (.json/.jsonc → JSON, .yaml/.yml → YAML)
   * or, for other names, by content. The doc is returned even with syntax errors (its value is then
   * partial); errors are sorted by position.
   */
  static parse(text: string, fileName: string): { doc: SourceDoc | null; errors: ConfigError[] } {
    const format = formatOf(text, fileName);
    // YAML 1.2 reads a lone CR as a line break (classic Mac OS line ends); the yaml package does not. The
    // parser gets each lone CR as a LF, one character for one: every offset stays the same, and
    // lineStartsOf() counts the same lines.
    const b = new Builder(format === 'yaml' && text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text);
    let value: unknown;
    let root: SrcNode | null;
    try {
      [value, root] = format === 'json' ? b.json() : b.yaml();
    } catch (e) {
      // Only pathological input gets here (nesting deep enough to exhaust the stack).
      if (!(e instanceof RangeError)) throw e;
      b.tooDeep(null);
      value = undefined;
      root = null;
    }
    const doc = new SourceDoc(text, fileName, format, value, root);
    doc.lineStarts = b.lineStarts;
    return { doc, errors: b.errors.sort((x, y) => x.range.start - y.range.start) };
  }
}

function child(node: SrcNode, p: string | number): SrcNode | undefined {
  if (node.items) {
    const i = typeof p === 'number' ? p : /^\d+$/.test(p) ? Number(p) : -1;
    return i >= 0 ? node.items[i] : undefined;
  }
  return node.props?.get(String(p));
}

/** Where each line starts: after "\n", "\r\n" or a lone "\r" (the config loader's and the ndctl reader's lines). */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/** Index of the line containing `offset` (binary search over line starts). */
export function lineIndex(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function formatOf(text: string, fileName: string): Format {
  const name = fileName.toLowerCase();
  if (/\.(json|jsonc)$/.test(name)) return 'json';
  if (/\.(yaml|yml)$/.test(name)) return 'yaml';
  // Unknown extension: JSON if the first token (after comments) opens an object or array.
  const first = text.replace(/^(\s|\/\/[^\n]*\n?|\/\*[\s\S]*?\*\/)*/, '');
  return first.startsWith('{') || first.startsWith('[') ? 'json' : 'yaml';
}

const JSON_MESSAGES: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected a colon ':'",
  CommaExpected: 'expected a comma',
  CloseBraceExpected: "expected '}' to close the object",
  CloseBracketExpected: "expected ']' to close the array",
  EndOfFileExpected: 'expected the end of the file after the value',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: "unterminated comment: expected '*/'",
  UnexpectedEndOfString: 'unterminated string: expected \'"\' before the end of the line',
  UnexpectedEndOfNumber: 'unexpected end of number',
  InvalidUnicode: 'invalid unicode escape sequence',
  InvalidEscapeCharacter: 'invalid escape character in string',
  InvalidCharacter: 'invalid character in string',
};

/** The YAML tags whose values are plain JSON values. */
const JSON_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

/** Upper bound on values produced by expanding YAML aliases (guards against "billion laughs"). */
const MAX_ALIAS_NODES = 100_000;

/** Builds the plain value and the range tree, collecting errors as it goes. */
class Builder {
  readonly errors: ConfigError[] = [];
  /** Computed on first need (a duplicate key's message), then handed to the SourceDoc. */
  lineStarts: number[] | undefined;
  private path: (string | number)[] = [];
  private aliasNodes = 0;
  private aliasLimitReported = false;
  private yamlDoc: Document.Parsed | undefined;
  private aliasStack: YNode[] = [];
  private jsonTree: JNode | undefined;

  constructor(private readonly text: string) {}

  error(range: Range, message: string, source: ConfigError['source'], severity: ConfigError['severity'] = 'error'): void {
    const clamp = (n: number) => Math.max(0, Math.min(n, this.text.length));
    const start = clamp(range.start);
    this.errors.push({ message, path: [...this.path], range: { start, end: Math.max(start, clamp(range.end)) }, severity, source });
  }

  /**
   * Give up on the whole document: it nests too deeply to read (the stack overflowed, in the YAML parser at
   * `pos`, or in this walker at this.path). One error, at the start of the top-level value that nests too
   * deeply when that is known (the document's start otherwise).
   */
  tooDeep(pos: number | null): void {
    const top = this.topLevelValue(pos);
    this.path = top ? [top.key] : [];
    const start = top ? top.start : 0;
    this.error({ start, end: Math.min(start + 1, this.text.length) }, 'the document is nested too deeply to read', 'syntax');
  }

  /** The top-level member holding `pos` (or, with pos null, the one being walked): its key and value start. */
  private topLevelValue(pos: number | null): { key: string; start: number } | null {
    const walked = this.path.length > 0 ? String(this.path[0]) : null;
    if (pos === null && walked === null) return null;
    const members: { key: string; keyStart: number; start: number }[] = [];
    const c = this.yamlDoc?.contents;
    if (isMap(c)) {
      for (const pair of c.items) {
        const k = pair.key as YNode | null;
        const v = pair.value as YNode | null;
        if (isScalar(k) && typeof k.value === 'string' && k.range && v?.range) members.push({ key: k.value, keyStart: k.range[0], start: v.range[0] });
      }
    } else if (this.jsonTree?.type === 'object') {
      for (const prop of this.jsonTree.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (k && v) members.push({ key: String(k.value), keyStart: k.offset, start: v.offset });
      }
    }
    const m = pos === null ? members.find((x) => x.key === walked) : members.filter((x) => x.keyStart <= pos).pop();
    return m ? { key: m.key, start: m.start } : null;
  }

  private lineOf(offset: number): number {
    const starts = (this.lineStarts ??= lineStartsOf(this.text));
    return lineIndex(starts, offset) + 1;
  }

  /** Numbers must be finite and, if whole, exactly representable (at most 2^53 - 1). -0 reads as 0. */
  private number(n: number, range: Range): number {
    if (Number.isSafeInteger(n)) return n === 0 ? 0 : n;
    const src = () => this.text.slice(range.start, range.end).trim();
    if (!Number.isFinite(n)) this.error(range, `number ${src()} is out of range`, 'value');
    else if (Number.isInteger(n)) {
      this.error(range, `number ${src()} is beyond 2^53 - 1 (9007199254740991), the largest integer memmap-lab handles exactly`, 'value');
    }
    return n;
  }

  private member(props: Map<string, SrcNode>, obj: Record<string, unknown>, key: string, keyRange: Range, node: SrcNode, value: unknown) {
    const first = props.get(key);
    if (first?.key) {
      this.error(keyRange, `duplicate key '${excerpt(key)}' (already defined on line ${this.lineOf(first.key.start)})`, 'syntax');
    }
    node.key = keyRange;
    props.set(key, node);
    // A "__proto__" key is data, not the prototype (defineProperty only then: it slows objects down).
    if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
    else obj[key] = value;
  }

  // ---- JSON ----

  json(): [unknown, SrcNode | null] {
    const errs: ParseError[] = [];
    const tree = parseTree(this.text, errs, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
    // A YAML config saved as .json: one error that says so, not one per YAML token.
    const yamlKey = /^(?:\s*#[^\n]*\n)*\s*([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|\r?\n)/.exec(this.text);
    const keyAt = yamlKey ? yamlKey.index + yamlKey[0].lastIndexOf(yamlKey[1]) : -1;
    if (errs.length && yamlKey && errs[0].offset <= keyAt) {
      const start = keyAt;
      this.error({ start, end: start + yamlKey[1].length }, 'this is YAML, not JSON (a .json file is read as JSON): rename the file to .memmap.yaml, or write it as JSON', 'syntax');
      return [undefined, null];
    }
    let lastOffset = -1;
    for (const e of errs) {
      if (e.offset === lastOffset) continue; // follow-on errors at the same token add nothing
      lastOffset = e.offset;
      const code = printParseErrorCode(e.error);
      let msg = JSON_MESSAGES[code] ?? code;
      if (e.offset >= this.text.length) msg = `unexpected end of file (${msg})`;
      else if (code === 'InvalidSymbol' || code === 'ValueExpected') msg += ` ${quoted(this.text.slice(e.offset, e.offset + Math.max(1, Math.min(e.length, 20))))}`;
      this.error({ start: e.offset, end: e.offset + e.length }, msg, 'syntax');
    }
    if (!tree) return [undefined, null];
    this.jsonTree = tree;
    return this.jsonNode(tree);
  }

  private jsonNode(n: JNode): [unknown, SrcNode] {
    const node: SrcNode = { range: { start: n.offset, end: n.offset + n.length } };
    switch (n.type) {
      case 'object': {
        const obj: Record<string, unknown> = {};
        node.props = new Map();
        for (const prop of n.children ?? []) {
          const [k, v] = prop.children ?? [];
          if (!k || !v) continue; // incomplete member: already a syntax error
          this.path.push(k.value as string);
          const [value, child] = this.jsonNode(v);
          this.member(node.props, obj, k.value as string, { start: k.offset, end: k.offset + k.length }, child, value);
          this.path.pop();
        }
        return [obj, node];
      }
      case 'array': {
        const arr: unknown[] = [];
        node.items = [];
        for (const item of n.children ?? []) {
          this.path.push(arr.length);
          const [value, child] = this.jsonNode(item);
          this.path.pop();
          arr.push(value);
          node.items.push(child);
        }
        return [arr, node];
      }
      case 'number':
        return [this.number(n.value as number, node.range), node];
      default:
        return [n.value as unknown, node];
    }
  }

  // ---- YAML ----

  yaml(): [unknown, SrcNode | null] {
    const docs = parseAllDocuments(this.text, { keepSourceTokens: true, prettyErrors: false, uniqueKeys: false });
    if (!Array.isArray(docs) || docs.length === 0) {
      // Empty stream (nothing but comments and blank lines): the value is null.
      return [null, { range: { start: 0, end: this.text.length } }];
    }
    const doc = docs[0];
    this.yamlDoc = doc;
    const exhausted = doc.errors.find((e) => e.code === 'RESOURCE_EXHAUSTION' && /call stack/i.test(e.message));
    if (exhausted) {
      // The yaml package ran out of stack and says so in the engine's words, somewhere deep inside.
      this.tooDeep(exhausted.pos[0]);
      return [undefined, null];
    }
    const version = this.yamlVersion(doc.range[0]);
    for (const e of doc.errors) {
      // The YAML parser notices an unclosed "[" or "{" where the text stops making sense, often the end of the
      // file: point at the bracket that is never closed instead.
      const open = /^Flow (?:sequence|map(?:ping)?)\b.*end with an? ([\]}])/.exec(e.message) ? unclosedFlow(this.text, e.pos[0]) : null;
      if (open !== null) {
        const eol = this.text.slice(open).search(/[\r\n]|$/);
        const close = this.text[open] === '[' ? ']' : '}';
        this.error({ start: open, end: open + Math.max(1, eol) }, `this "${this.text[open]}" is never closed: add "${close}" (${yamlMessage(e.message)})`, 'syntax');
      } else {
        this.error({ start: e.pos[0], end: e.pos[1] }, yamlMessage(e.message), 'syntax');
      }
    }
    for (const w of doc.warnings) {
      if (w.code === 'TAG_RESOLVE_FAILED') continue; // reported as an unsupported tag below
      if (version && w.code === 'BAD_DIRECTIVE' && /YAML version/i.test(w.message)) continue; // reported by yamlVersion()
      this.error({ start: w.pos[0], end: w.pos[1] }, yamlMessage(w.message), 'syntax', 'warning');
    }
    if (docs.length > 1) {
      const start = docs[1].range[0];
      const eol = this.text.slice(start).search(/[\r\n]|$/);
      this.error({ start, end: start + eol }, 'a memmap config is one YAML document: remove this second document (or the "---" before it)', 'syntax');
    }
    if (version) return [undefined, null];
    if (!doc.contents) return [null, { range: { start: doc.range[0], end: doc.range[1] } }];
    return this.yamlNode(doc.contents);
  }

  /**
   * A %YAML directive before the document (which ends at `end`) for another version than 1.2: an error, true.
   * The yaml package would follow a %YAML 1.1 and read 010 as 8, 1:30 as 90, on as true and 0b1 as 1;
   * memmap configs are YAML 1.2, and a number must never change meaning silently.
   */
  private yamlVersion(end: number): boolean {
    const re = /^%YAML(?:[ \t]+([^\s#]*))?/gm;
    const head = this.text.slice(0, end);
    let bad = false;
    for (let m = re.exec(head); m; m = re.exec(head)) {
      const v = m[1] ?? '';
      if (v === '1.2') continue;
      bad = true;
      const what = v ? `YAML ${excerpt(v)}` : 'no YAML version';
      const why = v === '1.1' || v === '1.0' ? ` (${what} would read 010 as 8, 1:30 as 90 and on as true)` : '';
      this.error({ start: m.index, end: m.index + m[0].length }, `%YAML directive for ${what}: memmap configs are YAML 1.2${why}: remove this line, or write %YAML 1.2`, 'syntax');
    }
    return bad;
  }

  private yamlNode(n: YNode): [unknown, SrcNode] {
    const range = rangeOfYaml(n, this.text) ?? { start: 0, end: 0 };
    const node: SrcNode = { range };
    if (isAlias(n)) {
      const target = this.yamlDoc ? n.resolve(this.yamlDoc) : undefined;
      if (!target) {
        this.error(range, `unknown YAML alias *${excerpt(n.source)}: no anchor &${excerpt(n.source)} before it`, 'syntax');
        return [null, node];
      }
      if (this.aliasStack.includes(target)) {
        this.error(range, `YAML alias *${excerpt(n.source)} refers to a value containing itself`, 'syntax');
        return [null, node];
      }
      if (this.aliasNodes > MAX_ALIAS_NODES) {
        if (!this.aliasLimitReported) this.error(range, 'YAML aliases expand to too many values', 'syntax');
        this.aliasLimitReported = true;
        return [null, node];
      }
      this.aliasStack.push(target);
      try {
        return this.yamlNode(target);
      } finally {
        this.aliasStack.pop();
      }
    }
    // Count the values copied by alias expansion, so that nested aliases cannot blow up.
    if (this.aliasStack.length > 0) this.aliasNodes++;
    if (n.tag !== undefined && !JSON_TAGS.has(n.tag)) {
      this.error(range, `unsupported YAML tag ${excerpt(n.tag.replace(/^tag:yaml\.org,2002:/, '!!'))}: config values must be plain strings, numbers, booleans, null, lists or mappings`, 'syntax');
      return [null, node];
    }
    if (isMap(n)) {
      const obj: Record<string, unknown> = {};
      node.props = new Map();
      for (const pair of n.items) {
        const k = pair.key as YNode | null;
        const keyRange = (k && rangeOfYaml(k, this.text)) ?? range;
        if (!isScalar(k) || typeof k.value !== 'string') {
          const shown = isScalar(k) ? `${k.value === null ? 'null' : typeof k.value} ${excerpt(String(k.source ?? k.value))}` : k ? 'a collection' : 'an empty key';
          this.error(keyRange, `keys must be strings, not ${shown}${isScalar(k) && k.value !== null ? ': quote it' : ''}`, 'syntax');
          continue;
        }
        this.path.push(k.value);
        const v = pair.value as YNode | null;
        const [value, child] = v ? this.yamlNode(v) : [null, { range: { start: keyRange.end, end: keyRange.end } }];
        this.member(node.props, obj, k.value, keyRange, child, value);
        this.path.pop();
      }
      return [obj, node];
    }
    if (isSeq(n)) {
      const arr: unknown[] = [];
      node.items = [];
      for (const item of n.items) {
        this.path.push(arr.length);
        let res: [unknown, SrcNode];
        if (isPair(item)) {
          // Only in odd flow sequences such as [a: 1]; yaml usually wraps these in a map.
          this.error(rangeOfYaml(item.key as YNode, this.text) ?? range, 'a key: value pair directly inside a list: use a mapping ({...})', 'syntax');
          res = [null, { range }];
        } else if (item === null || item === undefined) {
          res = [null, { range }];
        } else res = this.yamlNode(item as YNode);
        this.path.pop();
        arr.push(res[0]);
        node.items.push(res[1]);
      }
      return [arr, node];
    }
    if (isScalar(n)) {
      const v = n.value;
      if (typeof v === 'number') return [this.number(v, range), node];
      if (v === null || typeof v === 'string' || typeof v === 'boolean') return [v, node];
      this.error(range, `unsupported YAML value ${quoted(String(n.source ?? ''))}: config values must be plain strings, numbers, booleans or null`, 'syntax');
      return [null, node];
    }
    this.error(range, 'unsupported YAML node', 'syntax');
    return [null, node];
  }
}

/** A YAML node's value range, without the line break and indentation a block collection ends with. */
function rangeOfYaml(n: YNode | null | undefined, text: string): Range | null {
  const r = n?.range;
  if (!r) return null;
  let end = r[1];
  while (end > r[0] && /\s/.test(text[end - 1])) end--;
  return { start: r[0], end };
}

/** yaml's own messages are short; longer ones quote the text. */
const YAML_MESSAGE_MAX = 120;

/** yaml's messages sometimes end with a code excerpt; keep the first line, printable (they may quote the
 *  text: "unknown directive %..." of a binary file). */
/**
 * The offset of the last "[" or "{" before `at` that is not closed before it, outside quotes and comments
 * (a plain scan: YAML block scalars holding brackets could mislead it; null then, or when none is open).
 */
export function unclosedFlow(text: string, at: number): number | null {
  const stack: number[] = [];
  let quote: string | null = null;
  for (let i = 0; i < Math.min(at, text.length); i++) {
    const c = text[i];
    if (quote !== null) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) {
        if (quote === "'" && text[i + 1] === "'") i++;
        else quote = null;
      } else if (c === '\n' && stack.length === 0) quote = null;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
    } else if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:]/.test(text[i - 1]))) quote = c;
    else if (c === '[' || c === '{') stack.push(i);
    else if (c === ']' || c === '}') {
      const o = stack.pop();
      if (o === undefined || (text[o] === '[') !== (c === ']')) return null;
    }
  }
  return stack.length ? stack[stack.length - 1] : null;
}

function yamlMessage(m: string): string {
  const first = m.split('\n')[0].trim();
  return excerpt(first.charAt(0).toLowerCase() + first.slice(1), YAML_MESSAGE_MAX);
}
