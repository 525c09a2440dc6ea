// Result types of the trace analyzer: what `memmap-lab analyze --json` prints (docs/analyze-json.md)
// and what the library API (analyzeFile / analyzeStream / analyzeText) returns.
//
// Conventions, the same in every object:
// - Absent facts are `null` or empty arrays, never guessed and never 0.
// - `line` is the 1-based line of the input file where the fact's message starts (for a message that
//   quoted-printable or a mailer wrapped over several lines: its first line).
// - `t` is the kernel timestamp in seconds when the line has one: the printk stamp `[    1.234567]`,
//   or, for `dmesg -e/-d` style relative stamps `[  +0.000002]`, the running sum of the deltas since the
//   start of the boot segment (see Boot.timestamps). null when the line has no timestamp.
// - Addresses and sizes are plain JSON numbers (bytes, pages, KiB as the field name says). Physical
//   addresses above 2^53 cannot be represented exactly and are reported as null.

export const SCHEMA_VERSION = 1;

export type FileFormat = 'kernel-log' | 'ftrace' | 'chrome-trace' | 'empty';

export interface AnalysisDocument {
  schemaVersion: typeof SCHEMA_VERSION;
  files: AnalysisFile[];
}

export interface AnalysisFile {
  path: string;
  format: FileFormat;
  sizeBytes: number;
  /** Physical lines (newline-terminated, plus a last unterminated one). 0 for JSON traces. */
  lines: number;
  /** What the reader had to undo to read the kernel messages (kernel logs only). */
  input: InputQuirks;
  boots: Boot[];
  /** Boots found but not kept (the caller set a retention limit, e.g. when streaming them out). */
  bootsNotRetained: number;
  ftrace: FtraceSummary | null;
  chromeTrace: ChromeTraceSummary | null;
  warnings: string[];
}

export interface InputQuirks {
  /** Quoted-printable soft line breaks (`=` at line end) were joined and `=XX` escapes decoded. */
  quotedPrintable: boolean;
  /** Lines carried mail quote marks (`> `, `> > `) that were removed. */
  mailQuoted: boolean;
  /** Timestamp styles seen. */
  timestamps: Array<'absolute' | 'relative' | 'wallclock' | 'none'>;
  /** Line prefixes removed before the kernel text: 'syslog', 'iso8601', 'journal-full', 'journal-unix', 'journal-json', 'logfmt', 'kmsg',
   *  'dmesg-decode' (dmesg -x), 'level' (`<6>`), 'caller-id' (`[    T1]`), 'wrapper' (anything else before a
   *  `[seconds]` stamp, such as a grep file-name prefix). */
  prefixes: string[];
  /** Messages rejoined after a mailer hard-wrapped them over several lines. */
  rejoinedLines: number;
  /** Lines cut to the length limit (1 MiB). */
  longLinesCut: number;
  /** The file was UTF-16 (a byte order mark, or NUL bytes in every other position of its start) and was
   *  decoded; null: read byte by byte (UTF-8, ASCII, latin1). */
  encoding: 'utf-16le' | 'utf-16be' | null;
  /** The file had CR-only line endings (no LF in its first 64 KiB, a lone CR there): each lone CR was read as a
   *  line break (encoding.ts crOnlyOf); `warnings` carries CR_ONLY_NOTE too. */
  crOnlyLineEndings: boolean;
}

export type BootBoundary = 'start-of-file' | 'linux-version' | 'timestamp-reset' | 'journal-boot-id' | 'repeated-fact';

export interface Boot {
  /** 0-based index of the boot in its file. */
  index: number;
  /** Why this segment starts where it does. */
  boundary: BootBoundary;
  firstLine: number;
  lastLine: number;
  timestamps: 'absolute' | 'relative' | 'none';
  /** Timestamps (seconds) of the first and last extracted fact that had one. */
  firstTimestamp: number | null;
  lastTimestamp: number | null;
  /** Wall-clock time as printed by syslog/journal/dmesg -T on the first line of the boot, if any. */
  wallClock: string | null;
  kernelVersion: string | null;
  kernel: KernelInfo | null;
  commandLine: string | null;
  /** The line commandLine is from. */
  commandLineLine: number | null;
  machine: string | null;
  /** The line machine is from. */
  machineLine: number | null;
  /** Evidence-based architecture family (from arch-only messages), null when the log does not say. */
  arch: 'x86' | 'arm64' | 'powerpc' | 's390' | 'riscv' | null;
  /** Base page size in bytes, when the log proves it (see docs); null otherwise. */
  pageSizeBytes: number | null;
  deferredInit: DeferredInit[];
  memory: MemoryLine | null;
  /** "Built N zonelists, mobility grouping on.  Total pages: P" (first one of the boot). */
  totalPages: number | null;
  zonelists: { count: number; mobilityGrouping: boolean; line: number } | null;
  zones: ZoneRange[];
  movableZoneStart: Array<{ node: number; start: number | null; line: number }>;
  nodeRanges: NodeRange[];
  initmem: Initmem[];
  unavailableRanges: UnavailableRange[];
  nodeTotalPages: Array<{ node: number; pages: number; line: number }>;
  zoneMemmap: ZoneMemmap[];
  /** Sum of every "pages used for memmap" line of the boot; null when there is none. */
  memmapPagesTotal: number | null;
  memoryBlockBytes: number | null;
  /** The line memoryBlockBytes is from. */
  memoryBlockLine: number | null;
  hugetlb: HugetlbSize[];
  hugetlbAllocations: Array<{ ms: number; threads: number | null; line: number; t: number | null }>;
  hugetlbAllocationFailures: Array<{ pageSizeBytes: number; requestedPages: number; allocatedPages: number; node: number | null; line: number; t: number | null }>;
  hugetlbTwoPhase: boolean;
  hugetlbOptimizedAtBoot: { pages: number; line: number; t: number | null } | null;
  hugetlbCma: Array<{ node: number | null; mib: number; line: number }>;
  cmaReservations: Array<{ mib: number; base: number | null; line: number }>;
  zoneDevice: ZoneDeviceInit[];
  deviceMemory: DeviceMemory[];
  nodeCpus: Array<{ node: number; cpus: string; line: number }>;
  hotplug: HotplugEvent[];
  lsmem: Lsmem | null;
  errors: KernelError[];
  callTraces: CallTrace[];
  /** Facts dropped because the boot hit the per-boot fact limit (bounded memory). */
  factsDropped: number;
  /** Messages with a number above 2^53 - 1 (Number.MAX_SAFE_INTEGER), which a JSON number cannot hold
   *  exactly: never read as a rounded value. */
  numbersTooLarge: NumberTooLarge[];
  /** Messages read over several lines (a mailer or console hard-wrapped them): the first line, where the message's
   *  facts point, and the last continuation line joined to it. */
  wrapped: Array<{ line: number; lastLine: number }>;
}

export interface NumberTooLarge {
  line: number;
  t: number | null;
  /** The number as printed ("9007199254740993", "16384 PiB"). */
  number: string;
  /** The message (prefixes removed, at most 200 characters). */
  text: string;
  /** The rule that read the message (src/trace/rules.ts). */
  rule: string;
  /** true: the message's fact was kept with that value null (e.g. a field of the Memory: line); false: the
   *  fact was left out (e.g. a ZONE_DEVICE init line whose page count is too large). */
  kept: boolean;
}

export interface KernelInfo {
  version: string;
  /** Where the version came from: the "Linux version" banner, an oops/warning header ("Not tainted 5.13.0 #1"),
   *  or the kernel image name on the command line (BOOT_IMAGE=/vmlinuz-<version>). */
  source: 'linux-version' | 'oops-header' | 'boot-image';
  /** Distribution package version printed in the banner, e.g. "6.1.135-1" (Debian) or "5.8.14" (Ubuntu's upstream). */
  distroVersion: string | null;
  line: number;
}

export interface DeferredInit {
  node: number;
  ms: number;
  /** Pages initialised: only the older wording prints it ("node %d initialised, %lu pages in %ums"). */
  pages: number | null;
  format: 'deferred-pages' | 'pages-initialised';
  line: number;
  t: number | null;
}

export interface MemoryLine {
  availableKiB: number;
  totalKiB: number;
  kernelCodeKiB: number | null;
  rwdataKiB: number | null;
  rodataKiB: number | null;
  initKiB: number | null;
  bssKiB: number | null;
  reservedKiB: number | null;
  cmaReservedKiB: number | null;
  highmemKiB: number | null;
  /** Older kernels: "(..., NNNk data, ...)" and "(..., NNNk absent, ...)". */
  dataKiB: number | null;
  absentKiB: number | null;
  line: number;
  t: number | null;
}

export interface ZoneRange {
  zone: string;
  start: number | null;
  /** Inclusive, as printed. */
  end: number | null;
  empty: boolean;
  line: number;
}

export interface NodeRange {
  node: number;
  start: number | null;
  /** Inclusive, as printed. */
  end: number | null;
  sizeBytes: number | null;
  line: number;
}

export interface Initmem {
  node: number;
  start: number | null;
  end: number | null;
  memoryless: boolean;
  line: number;
}

export interface UnavailableRange {
  /** null for the older whole-system line "Zeroed struct page in unavailable ranges: %lld pages". */
  node: number | null;
  zone: string | null;
  pages: number;
  line: number;
}

export interface ZoneMemmap {
  node: number | null;
  zone: string;
  memmapPages: number | null;
  reservedPages: number | null;
  presentPages: number | null;
  lifoBatch: number | null;
  line: number;
}

export interface HugetlbSize {
  pageSizeBytes: number;
  /** "registered ... pre-allocated N pages". */
  preallocatedPages: number | null;
  /** From "allocating N of page size S failed": the number asked for. */
  requestedPages: number | null;
  /** HVO: vmemmap that can be freed per huge page, KiB (old wordings converted: pages x base page size). */
  vmemmapFreeableKiB: number | null;
  /** The page count of the older wordings ("can free/can optimize N vmemmap pages"), as printed. */
  vmemmapFreeablePages: number | null;
  hvoWording: 'can-be-freed' | 'can-be-optimized' | 'can-free-pages' | 'can-optimize-pages' | null;
  /** The first line about this size (whichever message came first). */
  line: number;
  t: number | null;
  /** The "registered ... pre-allocated N pages" line (null: none), and its seconds. */
  preallocatedLine: number | null;
  preallocatedT: number | null;
  /** The HVO line the vmemmap figures come from (null: none), and its seconds. */
  hvoLine: number | null;
  hvoT: number | null;
}

export interface ZoneDeviceInit {
  pages: number;
  ms: number;
  line: number;
  t: number | null;
}

export interface DeviceMemory {
  kind: 'p2pdma' | 'device-private';
  driver: string | null;
  device: string | null;
  start: number | null;
  end: number | null;
  bytes: number | null;
  line: number;
  t: number | null;
}

export type HotplugKind =
  | 'virtio-mem-requested-size'
  | 'virtio-mem-plug'
  | 'virtio-mem-unplug'
  | 'virtio-mem-add'
  | 'virtio-mem-remove'
  | 'kmem-range-too-small'
  | 'memmap-on-memory-waste'
  | 'auto-online-policy';

export interface HotplugEvent {
  kind: HotplugKind;
  device: string | null;
  start: number | null;
  end: number | null;
  bytes: number | null;
  /** memmap_on_memory "force": pages wasted per memory block. */
  pages: number | null;
  line: number;
  t: number | null;
  text: string;
}

export interface Lsmem {
  blockSizeBytes: number | null;
  totalOnlineBytes: number | null;
  totalOfflineBytes: number | null;
  ranges: Array<{
    start: number | null;
    end: number | null;
    sizeBytes: number | null;
    state: string;
    removable: string | null;
    firstBlock: number | null;
    lastBlock: number | null;
    zones: string | null;
    node: number | null;
    line: number;
  }>;
}

export interface KernelError {
  /** Stable identifier, see docs/analyze-json.md for the table (e.g. "misaligned-add-pages"). */
  kind: string;
  line: number;
  t: number | null;
  /** The message as printed (prefix removed), at most 500 characters. */
  text: string;
  /** "driver device" prefix of dev_printk messages, e.g. "nd_pmem pfn1.0". */
  device: string | null;
  /** Numbers parsed from the message (kind-specific; see the docs). */
  details: Record<string, number | string | null>;
  /** The kernel function (and file) that prints the message (src/trace/printers.ts); null for ndctl/daxctl
   *  output. */
  printer: { function: string; file: string } | null;
}

export type TracePhase =
  | 'zone-device'
  | 'hvo'
  | 'hotplug-remove'
  | 'hotplug-add'
  | 'hotplug-online'
  | 'deferred-init'
  | 'boot-memmap'
  | 'vmemmap';

export interface CallTrace {
  line: number;
  t: number | null;
  /** The line that started the report: "WARNING: ...", "BUG: ...", "... vmemmap alloc failure ...", or "Call Trace:". */
  trigger: string;
  /** Innermost memmap/vmemmap/deferred-init/hotplug function of the stack. */
  function: string;
  phase: TracePhase;
  /** Every memmap-related function of the stack, innermost first. */
  functions: string[];
  /** All frames, innermost first ("? " marks unreliable ones), at most 48. */
  frames: string[];
}

// ---- ftrace ----

export interface FtraceFunction {
  function: string;
  calls: number;
  /** function_graph only: durations in microseconds; null for the function tracer. */
  totalUs: number | null;
  minUs: number | null;
  maxUs: number | null;
  /** Memmap-related phase of the function, null when it is not in the memmap function table. */
  phase: TracePhase | null;
}

export interface FtraceSummary {
  tracer: 'function_graph' | 'function' | 'unknown';
  /** Lines that were trace entries. */
  entries: number;
  /** Memmap-related functions, then the other functions with the most time (or calls), at most 200. */
  functions: FtraceFunction[];
  /** Individual timed calls of the key memmap functions (deferred_init_memmap, memmap_init_zone_device, ...), at most 1000. */
  calls: Array<{ function: string; cpu: number | null; us: number; t: number | null; line: number }>;
  functionsSeen: number;
}

// ---- Chrome Trace Event JSON ----

export interface ChromeTraceSpan {
  name: string;
  cat: string | null;
  count: number;
  totalUs: number;
  minUs: number;
  maxUs: number;
  firstTs: number;
  phase: TracePhase | null;
}

export interface ChromeTraceSummary {
  events: number;
  /** Events of the completed kinds: X (complete), B/E pairs, b/e async pairs. */
  spans: ChromeTraceSpan[];
  /** Instant and counter events by name (counts only). */
  instants: Array<{ name: string; count: number }>;
  counters: Array<{ name: string; count: number; last: Record<string, number> }>;
  /** Processes/threads named by metadata events. */
  processNames: Record<string, string>;
  /** Scalar fields of the document besides the events (e.g. displayTimeUnit, and otherData's fields
   *  such as memmap-lab's bootMs / memoryLineMs). */
  metadata: Record<string, string | number | boolean | null>;
  /** Instant events that carried a kernel log line (args.log, as memmap-lab's simulator writes them); the
   *  lines are read like a kernel log and appear in the file's `boots`. */
  logLines: number;
  namesSeen: number;
  /** The JSON ended early or had a syntax error at this byte offset (the events before it are kept). */
  truncatedAt: number | null;
}
