// The dashboard's one message protocol, shared by the extension host (src/extension/dashboard/), the
// webview (webview/) and the HTML report (src/cli/commands/report.ts).
//
// Every shape is written once, as a runtime schema; the TypeScript types are inferred from it, so the
// validators cannot drift from the types. Both sides validate what they receive: the webview is
// untrusted (its messages and its persisted state may say anything), and the webview checks the host's
// messages too (a model built by a different version of the extension after an update, say).
//
// Pure: no DOM, no vscode, no node: the webview bundle imports it.

// ---------------------------------------------------------------------------------------------
// A tiny schema library: check(x) returns null when x conforms, else the first problem with its path.

export interface Schema<T> {
  readonly check: (x: unknown, path: string) => string | null;
  /** Phantom field carrying the type (never set). */
  readonly _type?: T;
}
export type Infer<S> = S extends Schema<infer T> ? T : never;

const schema = <T>(check: (x: unknown, path: string) => string | null): Schema<T> => ({ check });
const describe = (x: unknown): string => (x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x);

/** Longest string accepted anywhere (messages, cost terms, kernel text). */
export const MAX_STRING = 20_000;
/** Most elements accepted in one array (timeline spans). */
export const MAX_ARRAY = 500_000;

const str = (max = MAX_STRING) => schema<string>((x, p) => (typeof x !== 'string' ? `${p}: expected a string, got ${describe(x)}` : x.length > max ? `${p}: string longer than ${max}` : null));
const num = () => schema<number>((x, p) => (typeof x === 'number' && Number.isFinite(x) ? null : `${p}: expected a finite number, got ${describe(x)}`));
const int = (min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) =>
  schema<number>((x, p) => (typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max ? null : `${p}: expected an integer in [${min}, ${max}], got ${typeof x === 'number' ? x : describe(x)}`));
const bool = () => schema<boolean>((x, p) => (typeof x === 'boolean' ? null : `${p}: expected a boolean, got ${describe(x)}`));
function literal<const L extends string | number | boolean>(...values: L[]): Schema<L> {
  return schema<L>((x, p) => ((values as unknown[]).includes(x) ? null : `${p}: expected one of ${values.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(x)?.slice(0, 40)}`));
}
function nullable<T>(s: Schema<T>): Schema<T | null> {
  return schema<T | null>((x, p) => (x === null ? null : s.check(x, p)));
}
function array<T>(s: Schema<T>, max = MAX_ARRAY): Schema<T[]> {
  return schema<T[]>((x, p) => {
    if (!Array.isArray(x)) return `${p}: expected an array, got ${describe(x)}`;
    if (x.length > max) return `${p}: more than ${max} elements`;
    for (let i = 0; i < x.length; i++) {
      const e = s.check(x[i], `${p}[${i}]`);
      if (e) return e;
    }
    return null;
  });
}
function tuple<const S extends readonly Schema<unknown>[]>(...items: S): Schema<{ -readonly [K in keyof S]: Infer<S[K]> }> {
  return schema((x, p) => {
    if (!Array.isArray(x) || x.length !== items.length) return `${p}: expected a tuple of ${items.length}`;
    for (let i = 0; i < items.length; i++) {
      const e = items[i].check(x[i], `${p}[${i}]`);
      if (e) return e;
    }
    return null;
  });
}

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type ObjectType<P extends Record<string, Schema<unknown>>> = Simplify<{ [K in keyof P]: Infer<P[K]> }>;

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A plain object with exactly these keys (unknown keys are an error: nothing unexpected gets through). */
function object<P extends Record<string, Schema<unknown>>>(props: P): Schema<ObjectType<P>> {
  const keys = Object.keys(props);
  return schema((x, p) => {
    if (!isRecord(x)) return `${p}: expected an object, got ${describe(x)}`;
    for (const k of Object.keys(x)) if (!Object.prototype.hasOwnProperty.call(props, k)) return `${p}: unexpected field "${k.slice(0, 40)}"`;
    for (const k of keys) {
      if (!Object.prototype.hasOwnProperty.call(x, k)) return `${p}: missing field "${k}"`;
      const e = props[k].check(x[k], `${p}.${k}`);
      if (e) return e;
    }
    return null;
  });
}

/** A union discriminated by its `type` field. */
function tagged<M extends Record<string, Schema<{ type: string }>>>(variants: M): Schema<Infer<M[keyof M]>> {
  return schema((x, p) => {
    if (!isRecord(x) || typeof x.type !== 'string') return `${p}: expected a message object with a string "type"`;
    const v = Object.prototype.hasOwnProperty.call(variants, x.type) ? variants[x.type] : undefined;
    return v ? v.check(x, p) : `${p}: unknown message type "${x.type.slice(0, 40)}"`;
  });
}

export const s = { str, num, int, bool, literal, nullable, array, tuple, object, tagged };

// ---------------------------------------------------------------------------------------------
// The model the dashboard renders (built by src/report/dashboard-model.ts)

export const MODEL_VERSION = 1;

const count = () => int(0);
const bytes = () => num();

/** An editor range, 0-based lines and characters (vscode.Range's numbers). */
export const SourceRangeSchema = object({ startLine: int(0, 1e8), startCharacter: int(0, 1e8), endLine: int(0, 1e8), endCharacter: int(0, 1e8) });
export type SourceRange = Infer<typeof SourceRangeSchema>;

export const VIEWS = ['memory', 'timing', 'timeline', 'compare', 'findings'] as const;
export const ViewSchema = literal(...VIEWS);
export type DashboardView = Infer<typeof ViewSchema>;

export const FOCUS_KINDS = ['node', 'device', 'scenario'] as const;
export const FocusSchema = object({ kind: literal(...FOCUS_KINDS), name: str(200) });
/** "Open the dashboard focused on node 0 / device namespace0.0 / scenario X" (CodeLens, hovers). */
export type DashboardFocus = Infer<typeof FocusSchema>;

export const HeadlineSchema = object({
  totalBytes: bytes(),
  ramBytes: bytes(),
  deviceBytes: bytes(),
  pageTableBytes: bytes(),
  dedupSavedBytes: bytes(),
  hvoSavedBytes: bytes(),
  /** Struct pages that exist (boot sections + devices + hot-adds). */
  structPages: count(),
  bootMs: nullable(num()),
  memoryLineMs: nullable(num()),
  endMs: nullable(num()),
  errors: count(),
  warnings: count(),
  infos: count(),
});
export type Headline = Infer<typeof HeadlineSchema>;

export const MemoryRowSchema = object({
  /** "node:0", "device:namespace0.0", "hotplug:1". */
  key: str(300),
  kind: literal('node', 'device', 'hotplug'),
  name: str(200),
  label: str(300),
  /** "devdax pmem 1.5 TiB, map=mem, 2 MiB compound" */
  detail: str(),
  /** Where its memmap lives, in words ("RAM", "device (altmap)", "self-hosted", ...). */
  location: str(200),
  status: str(100),
  structPages: count(),
  /** Memmap frames in system RAM (net of HVO for nodes). */
  ramBytes: bytes(),
  /** Memmap frames on the device (altmap) or self-hosted in hot-added memory. */
  deviceBytes: bytes(),
  pageTableBytes: bytes(),
  dedupSavedBytes: bytes(),
  hvoSavedBytes: bytes(),
  loc: nullable(SourceRangeSchema),
});
export type MemoryRow = Infer<typeof MemoryRowSchema>;

export const HugetlbRowSchema = object({
  node: int(0),
  pageSizeBytes: bytes(),
  count: count(),
  allocated: count(),
  vmemmapBytesPerPage: bytes(),
  freedBytesPerPage: bytes(),
  freedBytes: bytes(),
  pageTableBytes: bytes(),
  hvo: str(100),
  initMs: nullable(num()),
  hvoMs: nullable(num()),
  loc: nullable(SourceRangeSchema),
});
export type HugetlbRow = Infer<typeof HugetlbRowSchema>;

export const PhaseRowSchema = object({
  phase: str(100),
  kind: literal('work', 'wait', 'overhead'),
  /** Σ span durations over all threads (CPU time for work). */
  threadMs: num(),
  /** Time this phase contributes to the critical path (wall clock; the phases sum to endMs). */
  criticalMs: num(),
  spans: count(),
  pages: num(),
});
export type PhaseRow = Infer<typeof PhaseRowSchema>;

export const NodeTimingRowSchema = object({
  node: int(0),
  earlyMs: num(),
  deferredMs: num(),
  threads: count(),
  earlyPages: num(),
  deferredPages: num(),
  doneAtMs: nullable(num()),
  loc: nullable(SourceRangeSchema),
});
export type NodeTimingRow = Infer<typeof NodeTimingRowSchema>;

export const DeviceTimingRowSchema = object({
  name: str(200),
  kind: literal('zoneDevice', 'hotplug'),
  node: int(0),
  populateMs: num(),
  initMs: num(),
  lockWaitMs: num(),
  readyAtMs: num(),
  threads: count(),
  pages: num(),
  loc: nullable(SourceRangeSchema),
});
export type DeviceTimingRow = Infer<typeof DeviceTimingRowSchema>;

export const CriticalRowSchema = object({
  thread: str(200),
  phase: str(100),
  target: str(300),
  startMs: num(),
  endMs: num(),
  /** Consecutive spans merged into this row. */
  count: count(),
  costTerm: str(),
  limitedBy: str(100),
  loc: nullable(SourceRangeSchema),
});
export type CriticalRow = Infer<typeof CriticalRowSchema>;

export const TimingModelSchema = object({
  bootMs: num(),
  memoryLineMs: num(),
  endMs: num(),
  phases: array(PhaseRowSchema, 100),
  nodes: array(NodeTimingRowSchema, 10_000),
  devices: array(DeviceTimingRowSchema, 10_000),
  criticalPath: array(CriticalRowSchema, 100_000),
  /** Spans on the critical path before merging. */
  criticalSpans: count(),
});
export type TimingModel = Infer<typeof TimingModelSchema>;

/** Span flags (bits of TimelineSpan[6]). */
export const SPAN_CRITICAL = 1;
export const SPAN_WAIT = 2;
export const SPAN_OVERHEAD = 4;

/**
 * One leaf span, compact: [thread index, startUs, endUs, phase index, target index (-1: none), pages,
 * flags (SPAN_*), cost term index into `strings`, merged spans (1 unless pre-aggregated)].
 */
export const TimelineSpanSchema = tuple(int(0), num(), num(), int(0), int(-1), num(), int(0, 7), int(0), int(1));
export type TimelineSpan = Infer<typeof TimelineSpanSchema>;

export const TimelineModelSchema = object({
  endUs: num(),
  bootUs: num(),
  memoryLineUs: num(),
  threads: array(object({ name: str(200), process: str(200), cpuNode: int(-1) }), 100_000),
  phases: array(str(100), 100),
  /** What a span's target (node, device, HugeTLB pool) is, and where the config says so. */
  targets: array(object({ label: str(300), loc: nullable(SourceRangeSchema) }), 100_000),
  /** Interned cost terms. */
  strings: array(str(), 200_000),
  spans: array(TimelineSpanSchema),
  markers: array(object({ atUs: num(), thread: int(0), label: str(300), log: nullable(str()) }), 10_000),
  /** Leaf spans of the simulation (spans.length is smaller when the model pre-aggregated them). */
  totalSpans: count(),
});
export type TimelineModel = Infer<typeof TimelineModelSchema>;

export const CompareRowSchema = object({ key: str(400), unit: literal('bytes', 'ms', 'count'), values: array(nullable(num()), 1000), deltas: array(nullable(num()), 1000), changed: bool() });
export type CompareRow = Infer<typeof CompareRowSchema>;

export const CompareColumnSchema = object({
  name: str(300),
  description: nullable(str()),
  /** Simulated (the scenario loaded and the core ran). */
  ok: bool(),
  errors: count(),
  warnings: count(),
  headline: nullable(object({ totalBytes: bytes(), ramBytes: bytes(), deviceBytes: bytes(), pageTableBytes: bytes(), dedupSavedBytes: bytes(), hvoSavedBytes: bytes(), bootMs: num(), endMs: num() })),
  loc: nullable(SourceRangeSchema),
});
export type CompareColumn = Infer<typeof CompareColumnSchema>;

export const CompareModelSchema = object({ columns: array(CompareColumnSchema, 1000), memory: array(CompareRowSchema, 100_000), timing: array(CompareRowSchema, 100_000) });
export type CompareModel = Infer<typeof CompareModelSchema>;

export const FindingRowSchema = object({
  /** config: the loader; checker: a checker rule; core: the simulated kernel; machine: the timing model's parameters. */
  source: literal('config', 'checker', 'core', 'machine'),
  /** Rule id ("MM022"), loader source ("schema", "syntax"), "MMSIM", "machine". */
  code: str(100),
  severity: literal('error', 'warning', 'info'),
  message: str(),
  kernelText: nullable(str()),
  scenario: nullable(str(300)),
  /** Quick fixes the editor offers for it. */
  fixes: count(),
  loc: nullable(SourceRangeSchema),
  /** A checker rule's kernel function on Elixir, at the release its citation was checked against. */
  kernel: nullable(object({ function: str(200), tag: str(20), url: str(500) })),
});
export type FindingRow = Infer<typeof FindingRowSchema>;

export const DashboardModelSchema = object({
  version: literal(MODEL_VERSION),
  /** The config's path as shown (workspace-relative in VS Code). */
  file: str(4000),
  name: nullable(str(500)),
  arch: nullable(str(100)),
  kernel: nullable(str(100)),
  /** ok: simulated; invalid: the config has errors (see findings); crashed: the core threw. */
  status: literal('ok', 'invalid', 'crashed'),
  statusMessage: nullable(str()),
  geometry: nullable(object({ pageSize: num(), structPageSize: num(), sectionSize: num(), memoryBlockBytes: num() })),
  headline: nullable(HeadlineSchema),
  memory: array(MemoryRowSchema, 100_000),
  hugetlb: array(HugetlbRowSchema, 10_000),
  timing: nullable(TimingModelSchema),
  timeline: nullable(TimelineModelSchema),
  compare: nullable(CompareModelSchema),
  findings: array(FindingRowSchema, 100_000),
});
export type DashboardModel = Infer<typeof DashboardModelSchema>;

/** The model of a dashboard whose config could not be read or simulated at all (deleted, unreadable, the
 *  model builder threw): an empty dashboard with the reason as its banner, instead of a stale one. */
export function unavailableModel(file: string, message: string): DashboardModel {
  return {
    version: MODEL_VERSION,
    file,
    name: null,
    arch: null,
    kernel: null,
    status: 'crashed',
    statusMessage: message.split('\n')[0].slice(0, 2000),
    geometry: null,
    headline: null,
    memory: [],
    hugetlb: [],
    timing: null,
    timeline: null,
    compare: null,
    findings: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Messages

/** Host → webview. */
export const HostMessageSchema = tagged({
  /** The current model (after opening, and after every change of the config). */
  model: object({ type: literal('model'), model: DashboardModelSchema }),
  /** Switch to a view and/or focus a node, device or scenario (commands, CodeLens). */
  show: object({ type: literal('show'), view: nullable(ViewSchema), focus: nullable(FocusSchema) }),
});
export type HostMessage = Infer<typeof HostMessageSchema>;

/** A chart a webview drew (its "rendered" message, for the tests and the log): canvas size and non-blank pixels. */
export const RenderedChartSchema = object({ id: str(100), width: int(0, 100_000), height: int(0, 100_000), nonBlankPixels: int(0) });
/** A script error or warning in a webview, for the extension's log (the dashboard's and the log view's). */
export const WebviewLogSchema = object({ type: literal('log'), level: literal('error', 'warn', 'info'), message: str(2000) });

/** Webview → host. */
export const WebviewMessageSchema = tagged({
  /** The webview script runs and listens: send the model. */
  ready: object({ type: literal('ready') }),
  /** A finding, bar or row was clicked: select this range of the panel's own config. */
  reveal: object({ type: literal('reveal'), range: SourceRangeSchema }),
  /** Open the kernel function of finding `finding` (an index into the model's findings) on Elixir; the host
   *  takes the URL from its own model. */
  openSource: object({ type: literal('openSource'), finding: int(0, MAX_ARRAY) }),
  /** The "Export timeline" button: Export Timeline for the panel's config. */
  exportTimeline: object({ type: literal('exportTimeline') }),
  /** The charts of a view were drawn (for the tests and the log): sizes and non-blank pixel counts. */
  rendered: object({
    type: literal('rendered'),
    view: ViewSchema,
    theme: str(100),
    charts: array(RenderedChartSchema, 100),
    cspViolations: array(str(500), 100),
  }),
  /** The user switched views in the webview. */
  view: object({ type: literal('view'), view: ViewSchema }),
  /** A script error in the webview, for the extension's log. */
  log: WebviewLogSchema,
});
export type WebviewMessage = Infer<typeof WebviewMessageSchema>;
export type RenderedReport = Extract<WebviewMessage, { type: 'rendered' }>;

// ---------------------------------------------------------------------------------------------
// Webview state (vscode.setState): survives hide/show and window reloads (WebviewPanelSerializer)

export const STATE_VERSION = 1;

export const WebviewStateSchema = object({
  version: literal(STATE_VERSION),
  /** The config the panel shows (a URI string); the serializer reopens it. */
  uri: str(8000),
  view: ViewSchema,
  focus: nullable(FocusSchema),
  /** Timeline zoom window, µs (null: everything). */
  zoom: nullable(object({ fromUs: num(), toUs: num() })),
  /** Timeline: one row per group of similar helper threads. */
  collapse: bool(),
  showWaits: bool(),
  /** Scenarios: only the quantities that differ. */
  onlyChanged: bool(),
  /** The last model, so a re-shown panel paints at once (the host sends a fresh one right after). */
  model: nullable(DashboardModelSchema),
});
export type WebviewState = Infer<typeof WebviewStateSchema>;

// ---------------------------------------------------------------------------------------------
// Validation entry points

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** `x` checked against `sch` (`what` names it in the error); a schema that throws is an error too. */
export function parseWith<T>(sch: Schema<T>, x: unknown, what: string): Parsed<T> {
  let error: string | null;
  try {
    error = sch.check(x, what);
  } catch (e) {
    error = `${what}: ${(e as Error)?.message ?? String(e)}`;
  }
  return error === null ? { ok: true, value: x as T } : { ok: false, error };
}

/** A message from the webview (untrusted). */
export const parseWebviewMessage = (x: unknown): Parsed<WebviewMessage> => parseWith(WebviewMessageSchema, x, 'message');
/** A message from the host. */
export const parseHostMessage = (x: unknown): Parsed<HostMessage> => parseWith(HostMessageSchema, x, 'message');
export const parseModel = (x: unknown): Parsed<DashboardModel> => parseWith(DashboardModelSchema, x, 'model');

/**
 * Webview state (untrusted: the serializer gets whatever the webview stored). A state whose model no
 * longer validates (an older extension wrote it) keeps the rest with model = null.
 */
export function parseWebviewState(x: unknown): Parsed<WebviewState> {
  const full = parseWith(WebviewStateSchema, x, 'state');
  if (full.ok || !isRecord(x) || !('model' in x) || x.model === null) return full;
  return parseWith(WebviewStateSchema, { ...x, model: null }, 'state');
}

/** The view a focus belongs to. */
export function viewOfFocus(f: DashboardFocus): DashboardView {
  return f.kind === 'scenario' ? 'compare' : 'memory';
}

/** The webview panel type (package.json `onWebviewPanel:` activation and the serializer). */
export const DASHBOARD_VIEW_TYPE = 'memmapLab.dashboard';
