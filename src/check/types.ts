// The misconfiguration checker's data model: rules, findings, fixes.
//
// A rule is data (id, slug, severity, documentation, the kernel's own words) plus a check function
// over one config (the base config or one scenario variant). It reports RuleFindings in terms of
// config paths and semantic fixes ("set devices[0].align to 2 MiB"); the engine (./engine.ts) turns
// them into Findings with source ranges and text edits rendered in the document's own style.

import type { LoadResult, Range } from '../config/index';
import type { Arch, JsonPath, WorkloadConfig } from '../config/types';
import type { ArchProfile, MemmapResult } from '../core/index';

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** Where a rule's kernel text comes from. */
export type KernelArea = 'hotplug' | 'memremap' | 'nvdimm' | 'ndctl' | 'hugetlb' | 'cross' | 'simulation';

/** A replacement of `range` (character offsets into the text) by `newText`; an empty range inserts. */
export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface RelatedLocation {
  path: JsonPath;
  range: Range;
  message: string;
}

export interface Finding {
  /** Rule id, e.g. "MM002". */
  rule: string;
  /** Rule slug, e.g. "subsection-misaligned". */
  slug: string;
  severity: Severity;
  /** Plain words with the computed numbers. Scenario findings start with "scenario 'name': ". */
  message: string;
  /** The exact kernel (or ndctl) text the user would otherwise meet, values filled in; "" when it fails silently. */
  kernelText: string;
  /** The config path of the offending value (in the config the rule saw: base or scenario variant). */
  path: JsonPath;
  /** Source range of the offending value (inside the scenario's `set` when the value came from there). */
  range: Range;
  related: RelatedLocation[];
  /** Text edits that produce a config passing the rule; the first one is the preferred fix. */
  fixes: Fix[];
  /** A trade-off (the rule's `tradeOff`, or this finding's): Fix All never applies its fixes. */
  tradeOff: boolean;
  /** The scenario variant the finding is about, null for the base config. */
  scenario: string | null;
}

// ---------------------------------------------------------------------------------------------
// What rules produce

/** A value to write at a config path, rendered in the document's style by the engine. */
export type FixValue =
  | { kind: 'size'; bytes: number }
  | { kind: 'address'; bytes: number }
  | { kind: 'string'; value: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'integer'; value: number };

export type FixOp = { op: 'set'; path: JsonPath; value: FixValue } | { op: 'delete'; path: JsonPath };

export interface FixSpec {
  title: string;
  ops: FixOp[];
}

export interface RuleFinding {
  path: JsonPath;
  message: string;
  kernelText?: string;
  /** Overrides the rule's default severity (e.g. an error on 6.1 where 6.12 falls back silently). */
  severity?: Severity;
  related?: { path: JsonPath; message: string }[];
  fixes?: FixSpec[];
  /** This finding is a trade-off even though its rule is not (Rule.tradeOff): Fix All leaves it. */
  tradeOff?: boolean;
}

/** What a rule sees: one config (base or scenario variant) with the core's view of it. */
export interface RuleContext {
  config: WorkloadConfig;
  load: LoadResult;
  profile: ArchProfile;
  /** simulateMemmap(config); its layout gives the memory block size, present sections and nodes. */
  sim: MemmapResult;
  /** The source text of the value at a config path, as written (quotes stripped), or undefined. */
  raw(path: JsonPath): string | undefined;
  /** Per-run memo for core results shared by several rules (ndPfnInit per device, ...). */
  memo<T>(key: string, compute: () => T): T;
  /** Findings of the rules that ran before this one on the same config (rules run in id order). */
  prior: readonly { rule: string; path: JsonPath; severity: Severity }[];
}

export interface Applicability {
  /** Only these arches (all when absent). */
  arches?: readonly Arch[];
  /** Kernel versions [major, minor], inclusive bounds (all when absent). */
  kernels?: { min?: readonly [number, number]; max?: readonly [number, number] };
}

export interface Rule {
  id: string;
  slug: string;
  severity: Severity;
  area: KernelArea;
  title: string;
  /** Markdown: the kernel rule, why it matters, what to do. */
  doc: string;
  /** "[6.12] mm/memory_hotplug.c: check_pfn_span()" */
  kernelCitation: string;
  /** The kernel/ndctl format strings this rule stands for ([] when the failure is silent). */
  kernelText: readonly string[];
  /** Reference section(s), e.g. "§9.2". */
  reference: string;
  appliesTo: Applicability;
  /** Run after every other rule (the simulation catch-all, which looks at `prior`). */
  runsLast?: boolean;
  /**
   * A warning about a trade-off the user may want (capacity, RAM for the memmap, alignment), not a
   * misconfiguration: its fixes change what the config asks for, so they are offered one by one as quick
   * fixes but never applied by a bulk fix (policy.ts fixAllApplies()).
   */
  tradeOff?: boolean;
  check(ctx: RuleContext): RuleFinding[];
}

// ---------------------------------------------------------------------------------------------
// API results

export interface CheckOptions {
  /** Arch / kernel defaults for configs that do not say (LoadOptions). */
  defaultArch?: Arch;
  defaultKernelVersion?: string;
  /** Run the rules on every scenario variant too (default true). */
  scenarios?: boolean;
  /** Only these rule ids or slugs (default all). */
  rules?: readonly string[];
  /**
   * simulateMemmap() of the base config when the caller already has it (the editor simulates every
   * config anyway): reused instead of simulating again. Must belong to the LoadResult being checked.
   */
  simulation?: MemmapResult;
}

export interface CheckResult {
  /** Sorted by position, then rule id. */
  findings: Finding[];
  /** The loader's findings (syntax, schema, values). When any is an error no rule ran. */
  configErrors: LoadResult['errors'];
  load: LoadResult;
}
