// The checker in the editor: the rules' findings as diagnostics, and the per-analysis model the
// quick fixes, hovers and CodeLens read (findings, the timing model, scenario variants), each computed
// at most once per analysis - in the analysis thread when it can (analysis-thread.ts), else here. The
// checker and the timing model are imported on first use, never at activation.
import * as vscode from 'vscode';
import type { Analysis } from './analysis';
import type { Ctx } from './ctx';
import { coreDiagnostics, DIAGNOSTIC_SOURCE, type DiagnosticsController, type DiagnosticsProvider } from './diagnostics';
import { snapshotOf } from './configFiles';
import type { CheckResult, Finding } from '../check/types';
import type { FixAllResult } from '../check/fixall';
import type { TimingResult } from '../core/init/types';
import type { ScenarioFigures, TimingFigures } from './figures';

interface Modules {
  check: typeof import('../check/index');
  timing: typeof import('../core/init/index');
  /** Scenario variants' figures when the analysis thread did not bring them. */
  core: typeof import('./analysis-core');
}

let modules: Promise<Modules> | undefined;

/** The checker, the timing model and the analysis core (one lazy import for all, the first time). */
export function loadModules(): Promise<Modules> {
  modules ??= Promise.all([import('../check/index'), import('../core/init/index'), import('./analysis-core')]).then(([check, timing, core]) => ({ check, timing, core }));
  return modules;
}

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** A finding as a diagnostic: code = rule id, linked to the kernel function that enforces the rule on Elixir
 *  (at the release the rule was checked against: the Problems panel and the hover show the code as a link,
 *  and VS Code asks before opening it); the kernel's text on a second line; related locations. */
export function findingDiagnostic(f: Finding, analysis: Analysis, check?: Modules['check']): vscode.Diagnostic {
  const kernel = f.kernelText.trimEnd();
  const d = new vscode.Diagnostic(analysis.toRange(f.range), kernel ? `${f.message}\nkernel: ${kernel}` : f.message, SEVERITY[f.severity]);
  d.source = DIAGNOSTIC_SOURCE;
  const rule = check?.ruleById(f.rule);
  const cited = rule ? check?.citedFunction(rule.kernelCitation) : null;
  d.code = cited ? { value: f.rule, target: vscode.Uri.parse(cited.url, true) } : f.rule;
  if (f.related.length) {
    d.relatedInformation = f.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(analysis.snapshot.uri, analysis.toRange(r.range)), r.message));
  }
  return d;
}

export interface FindingEntry {
  finding: Finding;
  diagnostic: vscode.Diagnostic;
}

/** What the editor features know about one analysis (one version of one config). */
export class EditorModel {
  private checked: CheckResult | null | undefined;
  private found: FindingEntry[] | undefined;
  private timed: TimingResult | null | undefined;
  private fixed: FixAllResult | null | undefined;
  private figs: Promise<EditorModelFigures> | undefined;
  private readonly variants = new Map<string, ScenarioFigures>();
  /** Milliseconds the checker took (undefined until it ran). */
  checkMs: number | undefined;

  constructor(
    readonly analysis: Analysis,
    readonly modules: Modules,
    private readonly options: { defaultArch: Ctx['settings']['defaultArch']; defaultKernelVersion: string },
    private readonly log: Ctx['log'],
  ) {}

  /** The checker's result on the simulated config (null when the config was not simulated): the one the
   *  analysis brought (computed in the analysis thread), else computed here. */
  get check(): CheckResult | null {
    if (this.checked === undefined) {
      const { load, sim } = this.analysis;
      if (this.analysis.check) this.checked = this.analysis.check;
      else if (!sim || !load.config) this.checked = null;
      else {
        const t0 = performance.now();
        this.checked = this.modules.check.checkDocument(load, { ...this.options, simulation: sim });
        this.checkMs = performance.now() - t0;
      }
    }
    return this.checked;
  }

  /** Fix All on this analysis's text (the checker's fixAll(): fixes in rounds, checked after each), computed once
   *  per analysis (a document version): Source Action requests and saves ask again and again. */
  fixAll(): FixAllResult | null {
    if (this.fixed === undefined) {
      const doc = this.analysis.load.doc;
      this.fixed = !doc || !this.check ? null : this.modules.check.fixAll(doc.text, doc.fileName, this.options);
    }
    return this.fixed;
  }

  /** The findings with the diagnostics published for them. */
  get entries(): readonly FindingEntry[] {
    this.found ??= (this.check?.findings ?? []).map((finding) => ({ finding, diagnostic: findingDiagnostic(finding, this.analysis, this.modules.check) }));
    return this.found;
  }

  /** The timing model on the base config (null when not simulated or when the model failed). */
  get timing(): TimingResult | null {
    if (this.timed === undefined) {
      const { load, sim } = this.analysis;
      this.timed = null;
      if (sim && load.config) {
        const t0 = performance.now();
        try {
          this.timed = this.modules.timing.simulateTiming(load.config, sim);
        } catch (e) {
          this.log.error(`the timing model failed on ${this.analysis.snapshot.uri.fsPath}`, e);
        }
        this.log.debug(`timing model of ${this.analysis.snapshot.uri.fsPath} v${this.analysis.snapshot.version}: ${(performance.now() - t0).toFixed(1)} ms`);
      }
    }
    return this.timed;
  }

  /** What the CodeLens and hovers show beyond the analysis: the timing figures and the scenario variants'
   *  figures, from the analysis thread when it computed them, else computed here on first need (the
   *  timing model once per analysis, each scenario when its lens or hover shows). */
  figures(): Promise<EditorModelFigures> {
    this.figs ??= (async () => {
      const fromThread = this.analysis.editorFigures ? await this.analysis.editorFigures : null;
      for (const c of fromThread?.crashes ?? []) this.log.error(`the analysis thread on ${this.analysis.snapshot.uri.fsPath}: ${c}`);
      return {
        timing: fromThread ? fromThread.timing : this.timing,
        scenario: (name: string) => fromThread?.scenarios[name] ?? this.scenario(name),
      };
    })();
    return this.figs;
  }

  /** One scenario variant, simulated with its timing, here (once per analysis). */
  private scenario(name: string): ScenarioFigures {
    let v = this.variants.get(name);
    if (!v) {
      const t0 = performance.now();
      v = this.modules.core.scenarioFigures(this.analysis.load, name, this.options, (c) => this.log.error(`${this.analysis.snapshot.uri.fsPath}: ${c}`));
      this.log.debug(`scenario '${name}' of ${this.analysis.snapshot.uri.fsPath}: ${(performance.now() - t0).toFixed(1)} ms`);
      this.variants.set(name, v);
    }
    return v;
  }
}

/** The figures EditorModel.figures() gives the CodeLens and hovers. */
export interface EditorModelFigures {
  timing: TimingFigures | null;
  scenario(name: string): ScenarioFigures;
}

/** The editor features' access to analyses: the one behind the published diagnostics, its model, a fresh one. */
export class EditorAnalyses {
  private readonly models = new WeakMap<Analysis, EditorModel>();
  /** Fired when an analysis of a URI was published (diagnostics, then everything else follows). */
  readonly onDidChange: vscode.Event<vscode.Uri>;

  constructor(
    private readonly ctx: Ctx,
    readonly diagnostics: DiagnosticsController,
  ) {
    this.onDidChange = diagnostics.onDidUpdate;
  }

  async model(analysis: Analysis): Promise<EditorModel> {
    const modules = await loadModules();
    let m = this.models.get(analysis);
    if (!m) {
      m = new EditorModel(analysis, modules, { defaultArch: this.ctx.settings.defaultArch, defaultKernelVersion: this.ctx.settings.defaultKernel }, this.ctx.log);
      this.models.set(analysis, m);
    }
    return m;
  }

  /** The published analysis of exactly this version of the document, if there is one. */
  published(doc: vscode.TextDocument): Analysis | undefined {
    const a = this.diagnostics.latestFor(doc.uri);
    return a && a.snapshot.version === doc.version && a.snapshot.document === doc ? a : undefined;
  }

  /**
   * The model of the document's current text. 'now' analyzes at once when the published analysis is
   * older (quick fixes, hovers: the user is waiting); 'wait' waits for the debounced analysis to be
   * published (CodeLens: asked for after every edit), and analyzes only if none comes.
   */
  async current(doc: vscode.TextDocument, how: 'now' | 'wait', token?: vscode.CancellationToken): Promise<EditorModel | undefined> {
    let analysis = this.published(doc);
    if (!analysis && how === 'wait') analysis = await this.waitForPublished(doc, this.ctx.settings.debounceMs + 2000, token);
    if (!analysis && !token?.isCancellationRequested && !doc.isClosed) {
      const a = await this.diagnostics.validate(snapshotOf(doc));
      if (a && a.snapshot.version === doc.version) analysis = a;
    }
    if (!analysis || token?.isCancellationRequested) return undefined;
    return this.model(analysis);
  }

  private waitForPublished(doc: vscode.TextDocument, timeoutMs: number, token?: vscode.CancellationToken): Promise<Analysis | undefined> {
    return new Promise((resolve) => {
      const subs: vscode.Disposable[] = [];
      const done = (a: Analysis | undefined) => {
        clearTimeout(timer);
        subs.forEach((s) => s.dispose());
        resolve(a);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      subs.push(this.onDidChange((uri) => uri.toString() === doc.uri.toString() && this.published(doc) && done(this.published(doc))));
      if (token) subs.push(token.onCancellationRequested(() => done(undefined)));
    });
  }
}

/**
 * The checker's findings as diagnostics. It replaces the plain kernel-failure provider: every failure of
 * the simulated core is a finding too (a specific rule's, or MM037 kernel-failure). Without a simulation
 * (live simulation off, the config does not load, the core crashed) the core provider's answer stands.
 */
export function checkerDiagnostics(ctx: Ctx, analyses: EditorAnalyses): DiagnosticsProvider {
  return {
    id: 'checker',
    replaces: coreDiagnostics.id,
    async provide(analysis, token) {
      if (!analysis.sim) return coreDiagnostics.provide(analysis, token);
      const model = await analyses.model(analysis);
      // Loading and simulating ran in the previous task: let the extension host handle what queued up
      // meanwhile (a 5,000-line config takes ~100 ms to load, ~30-90 ms to check), and skip the check of
      // a text a newer edit already replaced.
      await new Promise((r) => setImmediate(r));
      if (token.isCancellationRequested) return [];
      const entries = model.entries;
      ctx.log.debug(`checker on ${analysis.snapshot.uri.fsPath} v${analysis.snapshot.version}: ${entries.length} finding(s)${model.checkMs === undefined ? ' (from the analysis thread)' : ` in ${model.checkMs.toFixed(1)} ms`}`);
      return entries.map((e) => e.diagnostic);
    },
  };
}
