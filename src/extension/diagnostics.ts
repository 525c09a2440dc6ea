// Diagnostics for workload configs, live as the user types: every open config is analyzed (debounced
// by memmapLab.debounceMs; a newer edit cancels the pending or running analysis) and every registered
// DiagnosticsProvider turns the analysis into vscode.Diagnostics. The loader's errors and the core's
// kernel failures are the first two providers; the checker's rules plug in through register() (and
// replace the kernel-failure provider: see checker.ts).
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { analyze, type Analysis } from './analysis';
import { CONFIG_GLOB, inSkippedFolder, isConfigDocument, isConfigUri, readDiskSnapshot, snapshotOf, type TextSnapshot } from './configFiles';

export const DIAGNOSTIC_SOURCE = 'memmap-lab';

/** A diagnostic's code as text: a rule's code is { value: "MM004", target: its kernel function }. */
export function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? '');
}

export interface DiagnosticsProvider {
  /** Shown in the log when the provider fails. */
  readonly id: string;
  /** The id of a provider this one supersedes: while both are registered, only this one runs. */
  readonly replaces?: string;
  provide(analysis: Analysis, token: vscode.CancellationToken): vscode.Diagnostic[] | Promise<vscode.Diagnostic[]>;
}

const severityOf = (s: 'error' | 'warning') => (s === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error);

/** Parse errors, schema/type errors, unknown fields, unparsable sizes: the config loader's findings. */
export const loaderDiagnostics: DiagnosticsProvider = {
  id: 'config loader',
  provide({ load, toRange }) {
    return load.errors.map((e) => {
      const d = new vscode.Diagnostic(toRange(e.range), e.message, severityOf(e.severity));
      d.source = DIAGNOSTIC_SOURCE;
      d.code = e.source ?? 'MMCFG';
      return d;
    });
  },
};

/** What the simulated kernel refuses (altmap exhaustion, misaligned namespaces, ...), at the config token it comes from. */
export const coreDiagnostics: DiagnosticsProvider = {
  id: 'mm core',
  provide({ sim, simCrash, locate }) {
    const out: vscode.Diagnostic[] = [];
    if (simCrash) {
      const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), `Memmap Lab: the simulation crashed (a bug, please report it): ${simCrash.split('\n')[0]}`, vscode.DiagnosticSeverity.Error);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = 'MMSIM';
      out.push(d);
    }
    if (!sim) return out;
    for (const e of sim.errors) {
      const range = locate(e.path);
      const kernel = e.kernelMessage?.trimEnd();
      const message = kernel ? `${e.message}\nkernel: ${kernel}` : e.message;
      const d = new vscode.Diagnostic(range, message, severityOf(e.severity));
      d.source = DIAGNOSTIC_SOURCE;
      d.code = 'MMSIM';
      out.push(d);
    }
    return out;
  },
};

interface Run {
  cts: vscode.CancellationTokenSource;
  timer?: ReturnType<typeof setTimeout>;
}

export class DiagnosticsController implements vscode.Disposable {
  readonly collection: vscode.DiagnosticCollection;
  private readonly providers: DiagnosticsProvider[] = [loaderDiagnostics, coreDiagnostics];
  private readonly runs = new Map<string, Run>();
  private readonly latest = new Map<string, Analysis>();
  private workspaceChecked = false;
  private readonly updated = new vscode.EventEmitter<vscode.Uri>();
  /** Fired after diagnostics for a URI were published (or cleared). */
  readonly onDidUpdate = this.updated.event;

  constructor(private readonly ctx: Ctx) {
    this.collection = ctx.track(vscode.languages.createDiagnosticCollection('memmap-lab'));
    ctx.track(this.updated);
    ctx.track(this);
    ctx.track(vscode.workspace.onDidOpenTextDocument((doc) => this.schedule(doc, 0)));
    ctx.track(vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && this.schedule(e.document, this.ctx.settings.debounceMs)));
    ctx.track(vscode.workspace.onDidCloseTextDocument((doc) => isConfigDocument(doc) && this.onClosed(doc)));
    // A deleted or renamed file or folder: its configs' problems go (a renamed config is checked again under its
    // new name once Check All ran; an open one is analyzed through the open-document events).
    ctx.track(vscode.workspace.onDidDeleteFiles((e) => e.files.forEach((uri) => this.forgetUnder(uri))));
    ctx.track(
      vscode.workspace.onDidRenameFiles((e) =>
        e.files.forEach(({ oldUri, newUri }) => {
          const moved = this.forgetUnder(oldUri);
          if (!this.workspaceChecked) return;
          // The configs under a renamed folder (the watcher reports no child of a renamed folder) and a renamed config.
          const base = oldUri.toString();
          for (const key of moved) this.checkOnDisk(vscode.Uri.parse(newUri.toString() + key.slice(base.length)));
          if (moved.length === 0 && isConfigUri(newUri)) this.checkOnDisk(newUri);
        }),
      ),
    );
    // Re-analyze only when a setting the analysis reads changed (not for debounceMs or logLevel).
    const analysisSettings = () => JSON.stringify([ctx.settings.defaultArch, ctx.settings.defaultKernel, ctx.settings.liveSimulation]);
    let last = analysisSettings();
    ctx.track(
      ctx.onDidChangeSettings(() => {
        if (analysisSettings() === last) return;
        last = analysisSettings();
        this.revalidateOpen();
      }),
    );
    this.revalidateOpen();
  }

  /** Adds a provider (the checker's rules, ...); its diagnostics appear from the next analysis on. */
  register(provider: DiagnosticsProvider): vscode.Disposable {
    this.providers.push(provider);
    this.revalidateOpen();
    return new vscode.Disposable(() => {
      const i = this.providers.indexOf(provider);
      if (i >= 0) this.providers.splice(i, 1);
    });
  }

  /** The analysis behind the diagnostics currently published for this URI. */
  latestFor(uri: vscode.Uri): Analysis | undefined {
    return this.latest.get(uri.toString());
  }

  problemCount(uri: vscode.Uri): number {
    return this.collection.get(uri)?.length ?? 0;
  }

  revalidateOpen(): void {
    for (const doc of vscode.workspace.textDocuments) this.schedule(doc, 0);
  }

  /** Analyze an open config after `delayMs`; any earlier pending or running analysis of it is cancelled. */
  schedule(doc: vscode.TextDocument, delayMs: number): void {
    if (!isConfigDocument(doc)) return;
    const run = this.startRun(doc.uri);
    run.timer = setTimeout(() => {
      run.timer = undefined;
      // Typing: a newer edit makes this one moot, so the analysis thread may skip it.
      void this.execute(snapshotOf(doc), run, this.ctx.settings.liveSimulation, true);
    }, delayMs);
  }

  /** Analyze now (commands): cancels any pending run of the same URI, publishes, returns the analysis. */
  async validate(snapshot: TextSnapshot, simulate = this.ctx.settings.liveSimulation): Promise<Analysis | undefined> {
    return this.execute(snapshot, this.startRun(snapshot.uri), simulate);
  }

  /** Forget `uri` and, when it is a folder, every config below it that is not open (an open document keeps its
   *  analysis: the editor still has its text). Returns the URIs forgotten. */
  private forgetUnder(uri: vscode.Uri): string[] {
    const base = uri.toString();
    const prefix = base.endsWith('/') ? base : `${base}/`;
    const known = new Set<string>([...this.latest.keys(), ...this.runs.keys()]);
    this.collection.forEach((u) => void known.add(u.toString()));
    const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    const gone = [...known].filter((key) => (key === base || key.startsWith(prefix)) && !open.has(key));
    for (const key of gone) this.forget(vscode.Uri.parse(key));
    return gone;
  }

  /** A config that is not open, analyzed from disk (after Check All: the Problems panel shows closed files). */
  private checkOnDisk(uri: vscode.Uri): void {
    const open = () => vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());
    if (open()) return;
    readDiskSnapshot(uri).then(
      (s) => {
        // Opened meanwhile: the open document's analysis is the one to show.
        if (!open()) void this.validate(s, true);
      },
      () => this.forget(uri),
    );
  }

  forget(uri: vscode.Uri): void {
    this.cancel(uri.toString());
    this.collection.delete(uri);
    this.latest.delete(uri.toString());
    this.updated.fire(uri);
  }

  /** After "Check All" the Problems panel shows the whole project: keep closed files' problems. */
  markWorkspaceChecked(): void {
    if (this.workspaceChecked) return;
    this.workspaceChecked = true;
    // From now on the closed configs' problems follow their files on disk, whoever changes them (git, rm, an editor).
    const watcher = this.ctx.track(vscode.workspace.createFileSystemWatcher(CONFIG_GLOB));
    // The folders Check All leaves out (findConfigs()) stay out.
    const ours = (uri: vscode.Uri) => !inSkippedFolder(uri);
    watcher.onDidCreate((uri) => ours(uri) && this.checkOnDisk(uri));
    watcher.onDidChange((uri) => ours(uri) && this.checkOnDisk(uri));
    watcher.onDidDelete((uri) => {
      if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) this.forget(uri);
    });
  }

  private onClosed(doc: vscode.TextDocument): void {
    // A closed editor's unsaved text is gone: its problems go too, unless Check All ran, in which
    // case the problems of the file on disk take their place.
    if (doc.isUntitled || !this.workspaceChecked) return this.forget(doc.uri);
    this.checkOnDisk(doc.uri);
  }

  private startRun(uri: vscode.Uri): Run {
    const key = uri.toString();
    this.cancel(key);
    const run: Run = { cts: new vscode.CancellationTokenSource() };
    this.runs.set(key, run);
    return run;
  }

  private cancel(key: string): void {
    const run = this.runs.get(key);
    if (!run) return;
    if (run.timer) clearTimeout(run.timer);
    run.cts.cancel();
    run.cts.dispose();
    this.runs.delete(key);
  }

  private async execute(snapshot: TextSnapshot, run: Run, simulate: boolean, droppable = false): Promise<Analysis | undefined> {
    const token = run.cts.token;
    const key = snapshot.uri.toString();
    const t0 = Date.now();
    try {
      const analysis = droppable ? await analyze(snapshot, this.ctx, simulate, token) : await analyze(snapshot, this.ctx, simulate);
      if (!analysis) return undefined;
      if (analysis.simCrash) this.ctx.log.error(`the simulation of ${snapshot.uri.fsPath} crashed: ${analysis.simCrash}`);
      // Cancelled or outdated: a newer run publishes; the caller of validate() still gets this analysis.
      const stale = () => token.isCancellationRequested || !!snapshot.document && (snapshot.document.isClosed || snapshot.document.version !== snapshot.version);
      if (stale()) return analysis;
      const diagnostics: vscode.Diagnostic[] = [];
      const replaced = new Set(this.providers.map((p) => p.replaces));
      for (const p of this.providers) {
        if (replaced.has(p.id)) continue;
        try {
          diagnostics.push(...(await p.provide(analysis, token)));
        } catch (e) {
          this.ctx.log.error(`diagnostics provider "${p.id}" failed on ${snapshot.uri.fsPath}`, e);
        }
        if (stale()) return analysis;
      }
      this.collection.set(snapshot.uri, diagnostics);
      this.latest.set(key, analysis);
      this.ctx.log.debug(`${snapshot.uri.fsPath} v${snapshot.version}: ${diagnostics.length} problem(s) in ${Date.now() - t0} ms`);
      this.updated.fire(snapshot.uri);
      return analysis;
    } catch (e) {
      this.ctx.log.error(`analysis of ${snapshot.uri.fsPath} failed`, e);
      return undefined;
    } finally {
      if (this.runs.get(key) === run) {
        this.runs.delete(key);
        run.cts.dispose();
      }
    }
  }

  dispose(): void {
    for (const key of [...this.runs.keys()]) this.cancel(key);
  }
}
