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
//
// `daxctl list` JSON (also -R, -RD, -M, -u): the dax devices that are not an NVDIMM namespace's (CXL
// regions, soft-reserved memory), as memmap-lab devices. Fields used (daxctl/json.c
// util_daxctl_dev_to_json(), util_daxctl_region_to_json()):
//   chardev        "dax0.0"
//   mode           "system-ram" (dax/kmem: hot-added as System RAM) | "devdax" | "famfs" (a devdax mode)
//   size, align    bytes (or -u human sizes)
//   target_node    the node the memory is onlined to
//   mappings       (-M) [{ page_offset, start, end, size }]: the physical ranges of the device
//   online_memblocks / total_memblocks / movable (system-ram), state ("disabled")
//   region "path"  (-R) what provides the memory: .../hmem.N (dax_hmem), .../decoderX.Y/regionZ/dax_region
//                  (CXL), .../ndbusN/... (an NVDIMM namespace: import `ndctl list -N` for those)

import { parseTree, printParseErrorCode, getNodeValue, type Node as JNode, type ParseError } from 'jsonc-parser';
import { GiB, KiB, MiB, TiB } from '../../config/units';
import { excerpt } from '../../config/diagnostics';
import { lineIndex, lineStartsOf } from '../../config/source';

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
  /** The file it was read from, when several JSON files are imported together (else the input's path). */
  file?: string;
}

/** Who provides a dax device's memory. */
export type DaxProvider = 'cxl' | 'hmem' | 'pmem';

export interface DaxDevice {
  chardev: string;
  /** kmem for daxctl's "system-ram". */
  mode: 'devdax' | 'kmem';
  modeAsPrinted: string;
  size: number;
  sizeApproximate: boolean;
  align: number | null;
  targetNode: number | null;
  /** (-M) The physical ranges, in page_offset order; [] without -M. */
  mappings: Array<{ start: number; size: number }>;
  /** From the region's path (daxctl list -R); null without it. */
  provider: DaxProvider | null;
  regionPath: string | null;
  /** system-ram: memory blocks online / in all. */
  onlineBlocks: number | null;
  totalBlocks: number | null;
  line: number;
  column: number;
  summary: string;
  /** As NdctlNamespace.file. */
  file?: string;
}

/** What provides a dax region's memory, from its sysfs path (daxctl trims "/sys/devices"). */
export function daxProvider(path: string): DaxProvider | null {
  if (/\/ndbus\d+\//.test(path)) return 'pmem';
  if (/\/decoder\d+\.\d+\/|\/region\d+\/dax_region|ACPI0017|\/cxl/i.test(path)) return 'cxl';
  if (/\/hmem\.?\d+/.test(path)) return 'hmem';
  return null;
}

export interface LocatedMessage {
  message: string;
  line: number;
  column: number;
}

export interface NdctlParse {
  namespaces: NdctlNamespace[];
  /** daxctl devices (not NVDIMM namespaces'). */
  daxDevices: DaxDevice[];
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

/** 1-based line and column of offsets in `text` (lines as the config loader counts them: "\n", "\r\n" or a lone "\r"):
 *  the line starts are found once and binary-searched, so locating every object of a large file stays linear. */
function lineColOf(text: string): (offset: number) => { line: number; column: number } {
  const starts = lineStartsOf(text);
  return (offset: number) => {
    const lo = lineIndex(starts, Math.max(0, Math.min(offset, text.length)));
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  };
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

/** "size" (required, not 0) and "align" (optional, not 0) of a namespace or a dax device, as ndctl and daxctl
 *  print them; null once `bad` has reported what is wrong. */
function sizeAndAlign(
  v: Record<string, unknown>,
  bad: (key: string, message: string) => unknown,
  shown: (key: string) => string,
): { size: { value: number; approximate: boolean }; align: number | null } | null {
  if (v.size === undefined) return (bad('size', 'no "size"'), null);
  const size = bytesOf(v.size);
  if (!size || size.value === 0) return (bad('size', `"size" ${shown('size')} is not a byte count`), null);
  if (v.align === undefined) return { size, align: null };
  const a = bytesOf(v.align);
  if (!a || a.value === 0) return (bad('align', `"align" ${shown('align')} is not a byte count`), null);
  return { size, align: a.value };
}

function nodeId(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null;
}

const MODES: Record<string, NdMode> = { fsdax: 'fsdax', memory: 'fsdax', devdax: 'devdax', dax: 'devdax', raw: 'raw', sector: 'raw', safe: 'raw' };

/** Parse `ndctl list` JSON text; errors carry 1-based line and column. */
export function parseNdctlJson(text: string): NdctlParse {
  const out: NdctlParse = { namespaces: [], daxDevices: [], errors: [], skipped: [] };
  const perr: ParseError[] = [];
  const body = text.replace(/^\ufeff/, '');
  const lineCol = lineColOf(body);
  let root: JNode | undefined;
  try {
    root = parseTree(body, perr, { disallowComments: true, allowTrailingComma: false });
  } catch (e) {
    // jsonc-parser recurses once per nesting level: only pathological input (thousands of levels) gets here.
    if (!(e instanceof RangeError)) throw e;
    return tooDeep(out);
  }
  if (perr.length) {
    for (const e of perr.slice(0, 5)) {
      const at = lineCol(e.offset);
      out.errors.push({ ...at, message: `malformed JSON: ${describeParseError(printParseErrorCode(e.error))}` });
    }
    return out;
  }
  if (!root || (root.type !== 'object' && root.type !== 'array')) {
    out.errors.push({ line: 1, column: 1, message: 'expected the JSON of `ndctl list -N` or `daxctl list`: an object or an array of namespaces or dax devices' });
    return out;
  }

  type Ctx = { numaNode: number | null; targetNode: number | null; regionPath: string | null };
  const visit = (n: JNode, inherited: Ctx) => {
    if (n.type === 'array') {
      for (const c of n.children ?? []) visit(c, inherited);
      return;
    }
    if (n.type !== 'object') return;
    const value = getNodeValue(n) as Record<string, unknown>;
    const who = typeof value.dev === 'string' ? value.dev : typeof value.chardev === 'string' ? value.chardev : typeof value.path === 'string' ? value.path : 'object';
    const ctx: Ctx = {
      numaNode: nodeOf(n, value, 'numa_node', inherited.numaNode, who),
      targetNode: nodeOf(n, value, 'target_node', inherited.targetNode, who),
      regionPath: typeof value.path === 'string' ? value.path : inherited.regionPath,
    };
    const dev = typeof value.dev === 'string' ? value.dev : null;
    if (dev !== null && /^namespace\d+\.\d+$/.test(dev)) {
      namespace(n, value, dev, ctx);
      return;
    }
    // A daxctl device (an ndctl namespace's dax devices are inside the namespace, never visited).
    if (dev === null && typeof value.chardev === 'string' && /^dax\d+\.\d+$/.test(value.chardev)) {
      daxDevice(n, value, value.chardev, ctx);
      return;
    }
    for (const p of n.children ?? []) {
      const v = p.children?.[1];
      if (v && (v.type === 'object' || v.type === 'array')) visit(v, ctx);
    }
  };

  // The value node of a field; the last one of a repeated key, as getNodeValue() keeps.
  const fieldOf = (n: JNode, key: string): JNode | undefined => {
    const props = n.children ?? [];
    for (let i = props.length - 1; i >= 0; i--) if (props[i].children?.[0]?.value === key) return props[i].children?.[1];
    return undefined;
  };
  const fieldAtOf = (n: JNode, key: string) => {
    const f = fieldOf(n, key);
    return f ? lineCol(f.offset) : lineCol(n.offset);
  };
  // A field's value for a message: numbers as written ("1e400", not JSON.stringify(Infinity) = "null").
  const shownOf = (n: JNode, key: string) => {
    const f = fieldOf(n, key);
    if (!f) return 'undefined';
    return f.type === 'number' ? excerpt(body.slice(f.offset, f.offset + f.length), 40) : JSON.stringify(getNodeValue(f));
  };
  // numa_node / target_node: ndctl and daxctl print them only as non-negative integers. Anything else is said
  // (once, where the object has it), never turned silently into "no node".
  const nodeOf = (n: JNode, v: Record<string, unknown>, key: string, fallback: number | null, who: string): number | null => {
    if (v[key] === undefined) return fallback;
    const id = nodeId(v[key]);
    if (id !== null) return id;
    out.errors.push({ ...fieldAtOf(n, key), message: `${who}: "${key}" ${shownOf(n, key)} is not a node number (ndctl prints a non-negative integer)` });
    return fallback;
  };
  const devSeen = new Set<string>();
  const chardevSeen = new Set<string>();

  const daxDevice = (n: JNode, v: Record<string, unknown>, chardev: string, ctx: Ctx) => {
    const at = lineCol(n.offset);
    const bad = (key: string, message: string) => out.errors.push({ ...fieldAtOf(n, key), message: `${chardev}: ${message}` });
    if (v.state === 'disabled') {
      out.skipped.push({ ...at, message: `${chardev}: state "disabled" (not enabled: no memmap)` });
      return;
    }
    const modeRaw = typeof v.mode === 'string' ? v.mode : null;
    if (modeRaw === null) return bad('mode', 'no "mode" (system-ram, devdax or famfs)');
    const mode = modeRaw === 'system-ram' ? 'kmem' : modeRaw === 'devdax' || modeRaw === 'famfs' ? 'devdax' : null;
    if (!mode) return bad('mode', `unknown mode ${JSON.stringify(modeRaw)} (expected system-ram, devdax or famfs)`);
    const sa = sizeAndAlign(v, bad, (key) => shownOf(n, key));
    if (!sa) return;
    const { size, align } = sa;
    const mappings: DaxDevice['mappings'] = [];
    if (v.mappings !== undefined) {
      if (!Array.isArray(v.mappings)) return bad('mappings', '"mappings" is not a list');
      const list = [...v.mappings] as Array<Record<string, unknown>>;
      for (const m of list.sort((a, b) => (bytesOf(a?.page_offset)?.value ?? 0) - (bytesOf(b?.page_offset)?.value ?? 0))) {
        const start = bytesOf(m?.start);
        const end = bytesOf(m?.end);
        if (!start || !end || end.value < start.value) return bad('mappings', `a mapping without a valid "start" and "end": ${JSON.stringify(m)}`);
        mappings.push({ start: start.value, size: end.value - start.value + 1 });
      }
      const total = mappings.reduce((s, m) => s + m.size, 0);
      if (mappings.length && total !== size.value && !size.approximate) return bad('mappings', `the mappings cover ${total} bytes, the device ${size.value}`);
    }
    if (chardevSeen.has(chardev)) {
      out.skipped.push({ ...at, message: `${chardev}: listed twice; the first one is used` });
      return;
    }
    const provider = ctx.regionPath === null ? null : daxProvider(ctx.regionPath);
    if (provider === 'pmem') {
      out.skipped.push({ ...at, message: `${chardev}: on an NVDIMM namespace (${ctx.regionPath}): import \`ndctl list -N\` for it (the namespace's info block decides its memmap)` });
      return;
    }
    const count = (x: unknown) => (typeof x === 'number' && Number.isInteger(x) && x >= 0 ? x : null);
    chardevSeen.add(chardev);
    out.daxDevices.push({
      chardev,
      mode,
      modeAsPrinted: modeRaw,
      size: size.value,
      sizeApproximate: size.approximate,
      align,
      targetNode: ctx.targetNode,
      mappings,
      provider,
      regionPath: ctx.regionPath,
      onlineBlocks: count(v.online_memblocks),
      totalBlocks: count(v.total_memblocks),
      line: at.line,
      column: at.column,
      summary: JSON.stringify(Object.fromEntries(Object.entries(v).filter(([k]) => ['chardev', 'mode', 'size', 'align', 'target_node', 'online_memblocks', 'total_memblocks', 'movable', 'state'].includes(k)))),
    });
  };

  const namespace = (n: JNode, v: Record<string, unknown>, dev: string, ctx: Ctx) => {
    const at = lineCol(n.offset);
    const fieldAt = (key: string) => fieldAtOf(n, key);
    const bad = (key: string, message: string) => out.errors.push({ ...fieldAt(key), message: `${dev}: ${message}` });
    if (v.state === 'disabled') {
      out.skipped.push({ ...at, message: `${dev}: state "disabled" (not enabled: no memmap)` });
      return;
    }
    const modeRaw = typeof v.mode === 'string' ? v.mode : null;
    if (modeRaw === null) return bad('mode', 'no "mode" (fsdax, devdax, raw, sector)');
    const mode = MODES[modeRaw];
    if (!mode) return bad('mode', `unknown mode ${JSON.stringify(modeRaw)} (expected fsdax, devdax, raw or sector)`);
    const sa = sizeAndAlign(v, bad, (key) => shownOf(n, key));
    if (!sa) return;
    const { size, align } = sa;
    let resource: number | null = null;
    if (v.resource !== undefined) {
      const r = bytesOf(v.resource);
      if (!r) return bad('resource', `"resource" ${shownOf(n, 'resource')} is not an address`);
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
      numaNode: ctx.numaNode,
      targetNode: ctx.targetNode,
      line: at.line,
      column: at.column,
      summary,
    };
    if (devSeen.has(dev)) {
      out.skipped.push({ ...at, message: `${dev}: listed twice; the first one is used` });
      return;
    }
    devSeen.add(dev);
    out.namespaces.push(ns);
  };

  try {
    visit(root, { numaNode: null, targetNode: null, regionPath: null });
  } catch (e) {
    // visit() and getNodeValue() recurse too: the same guard, should parseTree have just fit in the stack.
    if (!(e instanceof RangeError)) throw e;
    return tooDeep(out);
  }
  if (out.errors.length === 0 && out.namespaces.length === 0 && out.daxDevices.length === 0 && out.skipped.length === 0) {
    out.errors.push({ line: 1, column: 1, message: 'no namespace or dax device found (objects with "dev": "namespaceX.Y" or "chardev": "daxX.Y"): is this the output of `ndctl list -N` or `daxctl list`?' });
  }
  return out;
}

/** The parse of a document nested too deeply to read (it exhausted the stack): one error at 1:1, nothing else. */
function tooDeep(out: NdctlParse): NdctlParse {
  out.namespaces = [];
  out.daxDevices = [];
  out.skipped = [];
  out.errors = [{ line: 1, column: 1, message: 'JSON nested too deeply' }];
  return out;
}

/** Several `ndctl list` / `daxctl list` files as one input (each item keeps its file for the comments);
 *  every file must have parsed without errors. */
export function mergeNdctlParses(files: ReadonlyArray<{ path: string; parse: NdctlParse }>): NdctlParse {
  const out: NdctlParse = { namespaces: [], daxDevices: [], errors: [], skipped: [] };
  for (const { path, parse } of files) {
    const name = path.split(/[\\/]/).pop() ?? path;
    out.namespaces.push(...parse.namespaces.map((n) => ({ ...n, file: name })));
    out.daxDevices.push(...parse.daxDevices.map((d) => ({ ...d, file: name })));
    out.skipped.push(...parse.skipped.map((s) => ({ ...s, message: `${name}: ${s.message}` })));
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
