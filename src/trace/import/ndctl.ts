// `ndctl list -N` JSON (also -RN, -BRN, -v, -u): the namespaces, as memmap-lab devices.
//
// ndctl prints one namespace as a bare object and several as an array; with -R/-B they are nested in
// "regions" / "namespaces" (and buses). Fields used (ndctl/json.c util_namespace_to_json()):
//   dev            "namespace1.0"
//   mode           fsdax | devdax | raw | sector (older names: memory = fsdax, dax = devdax, safe = sector)
//   map            "dev" | "mem" (pfn/dax info block: where the memmap lives)
//   size           bytes; for fsdax/devdax the USABLE size after the info block and memmap reservation
//                  (pfn/dax "size" attribute = resource size - start_pad - end_trunc - dataoff); -u prints
//                  it rounded ("126.00 GiB (135.29 GB)")
//   align          bytes (or "2.00 MiB" with -u)
//   resource       namespace start (with -v on most versions), number or "0x..." string
//   blockdev / chardev, numa_node / target_node, state ("disabled")

import { parseTree, printParseErrorCode, getNodeValue, type Node as JNode, type ParseError } from 'jsonc-parser';
import { GiB, KiB, MiB, TiB } from '../../config/units';

export type NdMode = 'fsdax' | 'devdax' | 'raw';

export interface NdctlNamespace {
  dev: string;
  mode: NdMode;
  /** As ndctl printed it ("memory", "sector", ...). */
  modeAsPrinted: string;
  map: 'dev' | 'mem' | null;
  /** ndctl's size: usable bytes for fsdax/devdax, the namespace size for raw. */
  size: number;
  /** The size was printed rounded (ndctl -u). */
  sizeApproximate: boolean;
  align: number | null;
  resource: number | null;
  blockdev: string | null;
  chardev: string | null;
  numaNode: number | null;
  targetNode: number | null;
  /** 1-based line and column of the namespace object in the JSON file. */
  line: number;
  column: number;
  /** The object as a one-line JSON summary for comments. */
  summary: string;
}

export interface LocatedMessage {
  message: string;
  line: number;
  column: number;
}

export interface NdctlParse {
  namespaces: NdctlNamespace[];
  errors: LocatedMessage[];
  /** Namespaces left out, with why (disabled, ...). */
  skipped: LocatedMessage[];
}

/** Does this text (the first KiB of a file) look like ndctl JSON rather than a kernel log or a trace? */
export function looksLikeNdctlJson(head: string): boolean {
  const s = head.replace(/^\ufeff/, '');
  // "[    0.000000] ..." is a dmesg stamp; JSON starts with an object or an array of objects.
  if (!/^\s*(?:\{|\[\s*(?:\{|\]))/.test(s)) return false;
  // journalctl -o json (a kernel log) and Chrome traces are read by the analyzer.
  return !/"(?:MESSAGE|traceEvents|ph|displayTimeUnit|otherData)"\s*:/.test(s.slice(0, 4096));
}

function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}

const UNITS: Record<string, number> = { B: 1, KIB: KiB, MIB: MiB, GIB: GiB, TIB: TiB, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 };

/** A byte count as ndctl prints it: a number, "0x..." or (-u) "126.00 GiB (135.29 GB)". */
function bytesOf(v: unknown): { value: number; approximate: boolean } | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? { value: v, approximate: false } : null;
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (/^0x[0-9a-f]+$/i.test(s)) {
    const n = Number.parseInt(s.slice(2), 16);
    return Number.isSafeInteger(n) ? { value: n, approximate: false } : null;
  }
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    return Number.isSafeInteger(n) ? { value: n, approximate: false } : null;
  }
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)\b/i.exec(s);
  if (!m) return null;
  const unit = UNITS[m[2].toUpperCase()];
  if (unit === undefined) return null;
  const n = Math.round(Number(m[1]) * unit);
  return Number.isSafeInteger(n) ? { value: n, approximate: !Number.isInteger(Number(m[1]) * unit) || /\./.test(m[1]) } : null;
}

function nodeId(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null;
}

const MODES: Record<string, NdMode> = { fsdax: 'fsdax', memory: 'fsdax', devdax: 'devdax', dax: 'devdax', raw: 'raw', sector: 'raw', safe: 'raw' };

/** Parse `ndctl list` JSON text; errors carry 1-based line and column. */
export function parseNdctlJson(text: string): NdctlParse {
  const out: NdctlParse = { namespaces: [], errors: [], skipped: [] };
  const perr: ParseError[] = [];
  const body = text.replace(/^\ufeff/, '');
  const root = parseTree(body, perr, { disallowComments: true, allowTrailingComma: false });
  if (perr.length) {
    for (const e of perr.slice(0, 5)) {
      const at = lineCol(body, e.offset);
      out.errors.push({ ...at, message: `malformed JSON: ${describeParseError(printParseErrorCode(e.error))}` });
    }
    return out;
  }
  if (!root || (root.type !== 'object' && root.type !== 'array')) {
    out.errors.push({ line: 1, column: 1, message: 'expected the JSON of `ndctl list -N`: an object or an array of namespaces' });
    return out;
  }

  const visit = (n: JNode, inherited: { numaNode: number | null; targetNode: number | null }) => {
    if (n.type === 'array') {
      for (const c of n.children ?? []) visit(c, inherited);
      return;
    }
    if (n.type !== 'object') return;
    const value = getNodeValue(n) as Record<string, unknown>;
    const ctx = {
      numaNode: nodeId(value.numa_node) ?? inherited.numaNode,
      targetNode: nodeId(value.target_node) ?? inherited.targetNode,
    };
    const dev = typeof value.dev === 'string' ? value.dev : null;
    if (dev !== null && /^namespace\d+\.\d+$/.test(dev)) {
      namespace(n, value, dev, ctx);
      return;
    }
    for (const p of n.children ?? []) {
      const v = p.children?.[1];
      if (v && (v.type === 'object' || v.type === 'array')) visit(v, ctx);
    }
  };

  const namespace = (n: JNode, v: Record<string, unknown>, dev: string, ctx: { numaNode: number | null; targetNode: number | null }) => {
    const at = lineCol(body, n.offset);
    const fieldAt = (key: string) => {
      const p = n.children?.find((c) => c.children?.[0]?.value === key);
      return p?.children?.[1] ? lineCol(body, p.children[1].offset) : at;
    };
    const bad = (key: string, message: string) => out.errors.push({ ...fieldAt(key), message: `${dev}: ${message}` });
    if (v.state === 'disabled') {
      out.skipped.push({ ...at, message: `${dev}: state "disabled" (not enabled: no memmap)` });
      return;
    }
    const modeRaw = typeof v.mode === 'string' ? v.mode : null;
    if (modeRaw === null) return bad('mode', 'no "mode" (fsdax, devdax, raw, sector)');
    const mode = MODES[modeRaw];
    if (!mode) return bad('mode', `unknown mode ${JSON.stringify(modeRaw)} (expected fsdax, devdax, raw or sector)`);
    const size = bytesOf(v.size);
    if (v.size === undefined) return bad('size', 'no "size"');
    if (!size || size.value === 0) return bad('size', `"size" ${JSON.stringify(v.size)} is not a byte count`);
    let align: number | null = null;
    if (v.align !== undefined) {
      const a = bytesOf(v.align);
      if (!a || a.value === 0) return bad('align', `"align" ${JSON.stringify(v.align)} is not a byte count`);
      align = a.value;
    }
    let resource: number | null = null;
    if (v.resource !== undefined) {
      const r = bytesOf(v.resource);
      if (!r) return bad('resource', `"resource" ${JSON.stringify(v.resource)} is not an address`);
      resource = r.value;
    }
    const map = v.map === 'dev' || v.map === 'mem' ? v.map : null;
    if (v.map !== undefined && map === null) return bad('map', `"map" ${JSON.stringify(v.map)} is not "dev" or "mem"`);
    const dax = v.daxregion as { devices?: { chardev?: unknown }[] } | undefined;
    const chardev = typeof v.chardev === 'string' ? v.chardev : typeof dax?.devices?.[0]?.chardev === 'string' ? (dax.devices[0].chardev as string) : null;
    const summary = JSON.stringify(
      Object.fromEntries(Object.entries(v).filter(([k]) => ['dev', 'mode', 'map', 'size', 'align', 'resource', 'blockdev', 'chardev', 'numa_node', 'target_node', 'state'].includes(k))),
    );
    const ns: NdctlNamespace = {
      dev,
      mode,
      modeAsPrinted: modeRaw,
      map,
      size: size.value,
      sizeApproximate: size.approximate,
      align,
      resource,
      blockdev: typeof v.blockdev === 'string' ? v.blockdev : null,
      chardev,
      numaNode: nodeId(v.numa_node) ?? ctx.numaNode,
      targetNode: nodeId(v.target_node) ?? ctx.targetNode,
      line: at.line,
      column: at.column,
      summary,
    };
    if (out.namespaces.some((x) => x.dev === dev)) {
      out.skipped.push({ ...at, message: `${dev}: listed twice; the first one is used` });
      return;
    }
    out.namespaces.push(ns);
  };

  visit(root, { numaNode: null, targetNode: null });
  if (out.errors.length === 0 && out.namespaces.length === 0 && out.skipped.length === 0) {
    out.errors.push({ line: 1, column: 1, message: 'no namespace found (objects with "dev": "namespaceX.Y"): is this the output of `ndctl list -N`?' });
  }
  return out;
}

function describeParseError(code: string): string {
  const words: Record<string, string> = {
    InvalidSymbol: 'invalid symbol',
    InvalidNumberFormat: 'invalid number',
    PropertyNameExpected: 'property name expected',
    ValueExpected: 'value expected',
    ColonExpected: 'colon expected',
    CommaExpected: 'comma expected',
    CloseBraceExpected: '"}" expected',
    CloseBracketExpected: '"]" expected',
    EndOfFileExpected: 'end of file expected',
    InvalidCommentToken: 'comments are not JSON',
    UnexpectedEndOfComment: 'unexpected end of comment',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unexpected end of number',
    InvalidUnicode: 'invalid unicode escape',
    InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character',
  };
  return words[code] ?? code;
}
