// The Memmap Log View's message protocol: the model the host builds from a kernel log's analysis (and,
// when a workload config is linked, the measured-vs-predicted comparison), the messages both ways and
// the webview's persisted state. Same rules as the dashboard's protocol (src/protocol/dashboard.ts, whose
// schema library it uses): every shape written once as a runtime schema, types inferred from it, both
// sides validate what they receive.
//
// Pure: no DOM, no vscode, no node: the webview bundle imports it.
import { parseWith, RenderedChartSchema, s, WebviewLogSchema, type Infer, type Parsed } from './dashboard';

const { str, num, int, bool, literal, nullable, array, object, tagged } = s;

export const LOGVIEW_MODEL_VERSION = 1;

/** 1-based line of the log. */
const line = () => int(1, 1e10);

/** The longest fact value and timeline label a model may carry (a log line can be longer: logview-model.ts cuts it). */
export const FACT_VALUE_MAX = 4000;
export const TIMELINE_LABEL_MAX = 500;

/** A labelled value with the log line it came from (the overview, HugeTLB events, ...). */
export const FactSchema = object({ label: str(200), value: str(FACT_VALUE_MAX), line: nullable(line()) });
export type Fact = Infer<typeof FactSchema>;

export const BootChoiceSchema = object({
  index: int(0),
  /** "Linux 6.1.0-34-amd64 on Supermicro ... [x86]". */
  title: str(1000),
  boundary: str(50),
  firstLine: int(0),
  lastLine: int(0),
});
export type BootChoice = Infer<typeof BootChoiceSchema>;

export const TIMELINE_BAR_KINDS = ['deferredInit', 'zoneDeviceInit', 'hugetlbAlloc'] as const;
export const TIMELINE_MARKER_KINDS = ['kernel', 'memory', 'hugetlb', 'hotplug', 'device', 'error', 'trace'] as const;

/**
 * The boot on a time axis (seconds of the kernel's timestamps). Bars are work the log reports with a
 * duration, ending at the line's timestamp (deferred init per node, ZONE_DEVICE init, HugeTLB allocation);
 * markers are single lines (the Memory: line, HVO at boot, hotplug, errors, call traces).
 */
export const LogTimelineSchema = object({
  startS: num(),
  endS: num(),
  /** Row labels, top to bottom. */
  rows: array(str(200), 10_000),
  bars: array(object({ row: int(0), startS: num(), endS: num(), kind: literal(...TIMELINE_BAR_KINDS), label: str(TIMELINE_LABEL_MAX), line: line() }), 100_000),
  markers: array(object({ atS: num(), kind: literal(...TIMELINE_MARKER_KINDS), label: str(TIMELINE_LABEL_MAX), line: line() }), 10_000),
});
export type LogTimeline = Infer<typeof LogTimelineSchema>;

const BootViewSchema = object({
  index: int(0),
  title: str(1000),
  timestamps: literal('absolute', 'relative', 'none'),
  /** Kernel, machine, command line, arch, page size, total pages, memory block size, memmap pages... */
  overview: array(FactSchema, 1000),
  deferred: array(object({ node: int(0), ms: num(), pages: nullable(num()), line: line(), t: nullable(num()) }), 10_000),
  memory: nullable(object({ availableKiB: num(), totalKiB: num(), fields: array(object({ label: str(100), kib: num() }), 50), line: line(), t: nullable(num()) })),
  zones: array(object({ zone: str(100), start: nullable(str(40)), end: nullable(str(40)), empty: bool(), line: line() }), 1000),
  nodeRanges: array(object({ node: int(0), start: nullable(str(40)), end: nullable(str(40)), sizeBytes: nullable(num()), line: line() }), 100_000),
  hugetlb: array(object({ pageSizeBytes: num(), preallocatedPages: nullable(num()), requestedPages: nullable(num()), freeableKiB: nullable(num()), freeablePages: nullable(num()), line: line() }), 100),
  /** Allocations, failures, HVO at boot, hugetlb_cma. */
  hugetlbEvents: array(FactSchema, 10_000),
  zoneDevice: array(object({ pages: num(), ms: num(), line: line(), t: nullable(num()) }), 100_000),
  /** Device memory (P2PDMA, device-private), hotplug, lsmem, unavailable ranges. */
  other: array(FactSchema, 100_000),
  errors: array(
    object({
      kind: str(100),
      line: line(),
      t: nullable(num()),
      text: str(2000),
      device: nullable(str(200)),
      /** The kernel function that prints the message (src/trace/printers.ts), on Elixir at the boot's release. */
      source: nullable(object({ url: str(500), tag: str(20), function: str(200) })),
    }),
    100_000,
  ),
  callTraces: array(
    object({
      line: line(),
      t: nullable(num()),
      trigger: str(2000),
      function: str(300),
      phase: str(50),
      frames: array(str(500), 100),
      /** The function on Elixir at the boot's kernel release ("v6.12"; "latest" when the log names none). */
      source: nullable(object({ url: str(500), tag: str(20) })),
    }),
    10_000,
  ),
  timeline: nullable(LogTimelineSchema),
  /** Why there is no timeline (no timestamps, nothing timed). */
  timelineNote: nullable(str(1000)),
});
export type BootView = Infer<typeof BootViewSchema>;

export const FIGURE_UNITS = ['ms', 'pages', 'KiB', 'bytes'] as const;

export const ComparisonRowSchema = object({
  /** FigureKind of src/trace/predicted.ts. */
  figure: str(100),
  /** "deferred init". */
  label: str(200),
  /** "node 0", "system", "namespace0.0". */
  subject: str(300),
  unit: literal(...FIGURE_UNITS),
  measured: num(),
  predicted: nullable(num()),
  absError: nullable(num()),
  relError: nullable(num()),
  line: nullable(line()),
  source: nullable(str(1000)),
  note: nullable(str(2000)),
});
export type ComparisonRow = Infer<typeof ComparisonRowSchema>;

export const ComparisonSchema = object({
  /** The linked config as shown (workspace-relative). */
  config: str(4000),
  configName: nullable(str(500)),
  boot: int(0),
  /** failed: the config does not load or simulate (message says why). */
  status: literal('ok', 'failed'),
  message: nullable(str()),
  rows: array(ComparisonRowSchema, 100_000),
  unmatched: array(object({ line: line(), source: nullable(str(1000)), why: str(1000) }), 10_000),
  notes: array(str(2000), 1000),
  /** Largest |relError|. */
  worstRelError: nullable(num()),
});
export type Comparison = Infer<typeof ComparisonSchema>;

/** The boot shown next to another boot of the file (src/trace/diff.ts): each figure either prints, as the
 *  log view shows it, with the change from the other boot to this one. */
export const BootDiffRowSchema = object({
  key: str(300),
  label: str(300),
  /** The other boot's value and this boot's, as shown ("901 ms"); null where that boot lacks the figure. */
  other: nullable(str(1000)),
  shown: nullable(str(1000)),
  /** "+227 ms (+25.2%)", "=", "new", "gone", "changed", "". */
  change: str(200),
  /** up / down: a number that grew / shrank; same: equal; none: not two numbers. */
  direction: literal('up', 'down', 'same', 'none'),
  /** What the figure counts (src/trace/diff.ts Unit): a time that grew is a slowdown. */
  unit: literal('ms', 'pages', 'KiB', 'bytes', 'count', 'text'),
  otherLine: nullable(line()),
  shownLine: nullable(line()),
});
export type BootDiffRow = Infer<typeof BootDiffRowSchema>;

export const BootDiffSchema = object({
  /** The other boot (its index) and its title. */
  other: int(0),
  otherTitle: str(1000),
  /** The other boot's log when it is another file (as shown, workspace-relative); null: this file. */
  otherFile: nullable(str(4000)),
  rows: array(BootDiffRowSchema, 10_000),
});
export type BootDiff = Infer<typeof BootDiffSchema>;

export const LogViewModelSchema = object({
  version: literal(LOGVIEW_MODEL_VERSION),
  /** The log as shown (workspace-relative). */
  file: str(4000),
  /** ok: analyzed; error: could not be read or analyzed (message says why). */
  status: literal('ok', 'error'),
  message: nullable(str()),
  format: literal('kernel-log', 'ftrace', 'chrome-trace', 'empty'),
  sizeBytes: num(),
  lines: int(0),
  /** What the reader had to undo (quoted-printable, mail quotes, prefixes, timestamps), in words. */
  input: array(str(500), 100),
  warnings: array(str(2000), 1000),
  boots: array(BootChoiceSchema, 100_000),
  bootsNotRetained: int(0),
  /** The boot shown (its index), null when the file has none. */
  boot: nullable(BootViewSchema),
  ftrace: nullable(object({ tracer: str(50), entries: int(0), functionsSeen: int(0), functions: array(object({ function: str(300), calls: num(), totalUs: nullable(num()), maxUs: nullable(num()), phase: nullable(str(50)) }), 1000) })),
  chromeTrace: nullable(object({ events: num(), logLines: num(), truncatedAt: nullable(num()), spans: array(object({ name: str(500), count: num(), totalUs: num(), maxUs: num(), phase: nullable(str(50)) }), 1000) })),
  /** The linked workload config. */
  link: nullable(object({ uri: str(8000), file: str(4000) })),
  comparison: nullable(ComparisonSchema),
  /** The boot shown against another boot of the file ("Compare with"), null when none is chosen. */
  bootDiff: nullable(BootDiffSchema),
  /** "Import as Workload Config" makes sense (a kernel log with a boot). */
  canImport: bool(),
});
export type LogViewModel = Infer<typeof LogViewModelSchema>;

// ---------------------------------------------------------------------------------------------
// Messages

export const LogHostMessageSchema = tagged({
  /** The model (after the analysis, a boot switch, a link change, an edit of the linked config). */
  model: object({ type: literal('model'), model: LogViewModelSchema }),
  /** Work in progress on the host (simulating the linked config, importing); null: done. */
  busy: object({ type: literal('busy'), text: nullable(str(500)) }),
});
export type LogHostMessage = Infer<typeof LogHostMessageSchema>;

export const LOG_ACTIONS = ['linkConfig', 'unlinkConfig', 'openConfig', 'importConfig', 'openLog'] as const;

export const LogWebviewMessageSchema = tagged({
  ready: object({ type: literal('ready') }),
  /** Open the log as text at this line. */
  openLine: object({ type: literal('openLine'), line: line() }),
  /** Open in the kernel's source on the web the function of call trace `index` of the boot shown (or of its
   *  frame `frame`), the function that printed error `index`, or ftrace function `index`; the host builds the
   *  URL from its own model. */
  openSource: object({ type: literal('openSource'), item: literal('trace', 'error', 'ftrace'), index: int(0, 100_000), frame: nullable(int(0, 100)) }),
  /** Show another boot of the file. */
  selectBoot: object({ type: literal('selectBoot'), boot: int(0) }),
  /** Compare the boot shown with another boot of the file (null: stop comparing). */
  compareBoot: object({ type: literal('compareBoot'), boot: nullable(int(0)) }),
  /** Compare the boot shown with a boot of another log (the host asks which file). */
  compareFile: object({ type: literal('compareFile') }),
  /** A button: link / unlink / open the linked config, import the boot as a config, open the log as text. */
  action: object({ type: literal('action'), action: literal(...LOG_ACTIONS) }),
  /** What was drawn (for the tests and the log). */
  rendered: object({
    type: literal('rendered'),
    boot: nullable(int(0)),
    theme: str(100),
    charts: array(RenderedChartSchema, 100),
    cspViolations: array(str(500), 100),
  }),
  log: WebviewLogSchema,
});
export type LogWebviewMessage = Infer<typeof LogWebviewMessageSchema>;
export type LogRendered = Extract<LogWebviewMessage, { type: 'rendered' }>;
export type LogAction = (typeof LOG_ACTIONS)[number];

export const LOGVIEW_STATE_VERSION = 1;

/** vscode.setState: the last model, so a re-shown view paints at once (the host sends a fresh one). */
export const LogWebviewStateSchema = object({ version: literal(LOGVIEW_STATE_VERSION), uri: str(8000), model: nullable(LogViewModelSchema) });
export type LogWebviewState = Infer<typeof LogWebviewStateSchema>;

export const parseLogWebviewMessage = (x: unknown): Parsed<LogWebviewMessage> => parseWith(LogWebviewMessageSchema, x, 'message');
export const parseLogHostMessage = (x: unknown): Parsed<LogHostMessage> => parseWith(LogHostMessageSchema, x, 'message');
export const parseLogViewModel = (x: unknown): Parsed<LogViewModel> => parseWith(LogViewModelSchema, x, 'model');
export const parseLogWebviewState = (x: unknown): Parsed<LogWebviewState> => parseWith(LogWebviewStateSchema, x, 'state');

/** The custom editor's view type (package.json customEditors). */
export const LOGVIEW_VIEW_TYPE = 'memmapLab.logView';
