// The dashboard in the extension: commands (Open Dashboard, Compare Scenarios, Export Timeline), one
// panel per config, the WebviewPanelSerializer that brings panels back after a window reload, and live
// updates from the diagnostics pipeline (debounced there) and from file changes of configs that are not
// open. The mm core, the checker and the model builder are imported on first use.
import * as vscode from 'vscode';
import { DASHBOARD_VIEW_TYPE, FocusSchema, parseWebviewState, ViewSchema, viewOfFocus, type DashboardFocus, type DashboardModel, type DashboardView } from '../../protocol/dashboard';
import { asUri, type Ctx } from '../ctx';
import type { DiagnosticsController } from '../diagnostics';
import type { EditorAnalyses } from '../checker';
import { analysisThread, analyze } from '../analysis';
import { findConfigs, isConfigDocument, isConfigUri, readSnapshot } from '../configFiles';
import { DashboardPanel, type DashboardPanelInfo, type PanelHost } from './panel';
import { restoreFailedHtml } from './html';

/** `memmapLab.openDashboard` argument: a config URI, or { uri, focus, view } (CodeLens, hovers, tests). */
export interface OpenDashboardArgs {
  uri?: vscode.Uri | string;
  focus?: DashboardFocus;
  view?: DashboardView;
}

export interface OpenDashboardOutcome {
  uri: string;
  view: DashboardView;
  focus: DashboardFocus | null;
}

export interface ExportTimelineOutcome {
  uri: string;
  target: string;
  events: number;
}


export class Dashboards implements PanelHost, vscode.Disposable {
  private readonly panels = new Map<string, DashboardPanel>();
  private readonly watchers = new Map<string, vscode.Disposable>();
  private readonly fileTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    readonly ctx: Ctx,
    private readonly diagnostics: DiagnosticsController,
    private readonly editor: EditorAnalyses,
  ) {
    ctx.track(this);
    ctx.registerCommand('memmapLab.openDashboard', (arg?: unknown) => this.open(arg, null));
    ctx.registerCommand('memmapLab.compareScenarios', (arg?: unknown) => this.open(arg, 'compare'));
    ctx.registerCommand('memmapLab.exportTimeline', (arg?: unknown, target?: unknown) => this.exportCommand(arg, target));
    // Not contributed (not in the palette): what the extension-host tests read.
    ctx.registerCommand('memmapLab._dashboard', (): { panels: DashboardPanelInfo[] } => ({ panels: [...this.panels.values()].map((p) => p.info()) }));
    ctx.track(
      vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
        deserializeWebviewPanel: (panel, state) => this.restore(panel, state),
      }),
    );
    // Live: the diagnostics pipeline re-analyzes open configs (debounced, cancellable) and fires this.
    ctx.track(diagnostics.onDidUpdate((uri) => void this.panels.get(uri.toString())?.refresh()));
    ctx.track(ctx.onDidChangeSettings(() => this.panels.forEach((p) => void p.refresh())));
  }

  // ---- commands

  /** Open (or reveal) the dashboard of a config. */
  async open(arg: unknown, forcedView: DashboardView | null): Promise<OpenDashboardOutcome | undefined> {
    let uriArg: unknown = arg;
    let focus: DashboardFocus | null = null;
    let view: DashboardView | null = forcedView;
    if (arg && typeof arg === 'object' && !(arg instanceof vscode.Uri)) {
      const a = arg as Record<string, unknown>;
      uriArg = a.uri;
      if (a.focus !== undefined) {
        const bad = FocusSchema.check(a.focus, 'focus');
        if (bad) throw new Error(`openDashboard: ${bad}`);
        focus = a.focus as DashboardFocus;
      }
      if (a.view !== undefined) {
        const bad = ViewSchema.check(a.view, 'view');
        if (bad) throw new Error(`openDashboard: ${bad}`);
        view = forcedView ?? (a.view as DashboardView);
      }
    }
    const uri = await this.pickConfig(asUri(uriArg), forcedView === 'compare' ? 'Compare Scenarios' : 'Open Dashboard');
    if (!uri) return undefined;
    const finalView: DashboardView = view ?? (focus ? viewOfFocus(focus) : 'memory');
    const existing = this.panels.get(uri.toString());
    if (existing) {
      existing.show(view ?? (focus ? finalView : null), focus);
    } else {
      const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, 'Memmap Lab', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, { enableScripts: true, enableFindWidget: true });
      this.adopt(panel, uri, finalView, focus);
    }
    this.ctx.log.info(`dashboard: ${vscode.workspace.asRelativePath(uri)} (${finalView}${focus ? `, focus ${focus.kind} ${focus.name}` : ''})`);
    return { uri: uri.toString(), view: finalView, focus };
  }

  /** Export Timeline: the config's init timeline as Chrome Trace Event JSON (Perfetto, chrome://tracing). */
  private async exportCommand(arg: unknown, targetArg: unknown): Promise<ExportTimelineOutcome | undefined> {
    let uriArg = arg;
    let target = targetArg instanceof vscode.Uri ? targetArg : undefined;
    if (arg && typeof arg === 'object' && !(arg instanceof vscode.Uri)) {
      const a = arg as Record<string, unknown>;
      uriArg = a.uri;
      target = asUri(a.target) ?? target;
    }
    const uri = await this.pickConfig(asUri(uriArg) ?? this.activePanelUri(), 'Export Timeline');
    if (!uri) return undefined;
    return this.exportTimeline(uri, target);
  }

  async exportTimeline(uri: vscode.Uri, target?: vscode.Uri): Promise<ExportTimelineOutcome | undefined> {
    const snapshot = await readSnapshot(uri);
    const file = vscode.workspace.asRelativePath(uri);
    const req = { text: snapshot.text, fileName: snapshot.fileName, options: { defaultArch: this.ctx.settings.defaultArch, defaultKernelVersion: this.ctx.settings.defaultKernel }, file };
    // The timing model and the JSON in the analysis thread (0.1-0.3 s for a big config); here when it cannot.
    const t0 = Date.now();
    let timeline = await analysisThread(this.ctx).timeline(req);
    if (timeline) this.ctx.log.debug(`timeline of ${uri.fsPath}: ${Date.now() - t0} ms in the analysis thread`);
    else timeline = (await import('../analysis-core')).runTimelineExport(req);
    if (!timeline.ok) {
      if (timeline.crash) this.ctx.log.error(`the simulation of ${file} crashed`, timeline.crash);
      throw new Error(timeline.error);
    }
    if (!target) {
      const base = uri.path.split('/').pop()!.replace(/\.memmap\.(json|ya?ml)$/i, '');
      target = await vscode.window.showSaveDialog({
        title: 'Memmap Lab: Export Timeline',
        defaultUri: vscode.Uri.joinPath(uri, '..', `${base}.trace.json`),
        filters: { 'Chrome trace (JSON)': ['json'] },
        saveLabel: 'Export',
      });
      if (!target) return undefined;
    }
    const { events } = timeline;
    await vscode.workspace.fs.writeFile(target, timeline.json);
    this.ctx.log.info(`exported the timeline of ${file}: ${events} events to ${target.fsPath}`);
    void vscode.window.showInformationMessage(`Memmap Lab: timeline of ${file} exported (${events} events). Open it in ui.perfetto.dev or chrome://tracing.`);
    return { uri: uri.toString(), target: target.toString(), events };
  }

  // ---- panels

  private adopt(panel: vscode.WebviewPanel, uri: vscode.Uri, view: DashboardView, focus: DashboardFocus | null): DashboardPanel {
    const p = new DashboardPanel(this, panel, uri, { view, focus });
    this.panels.set(uri.toString(), p);
    this.watch(uri);
    return p;
  }

  /** WebviewPanelSerializer: a dashboard that was open before the window reloaded. Its state is untrusted. */
  private async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const parsed = parseWebviewState(state);
    const uri = parsed.ok ? asUri(parsed.value.uri) : undefined;
    const existing = uri ? this.panels.get(uri.toString()) : undefined;
    if (existing) {
      // The config's dashboard was opened again before this restored tab was shown: keep the one that is up.
      this.ctx.log.info(`dashboard: ${vscode.workspace.asRelativePath(uri!)} is open already; the restored tab is closed`);
      panel.dispose();
      existing.show(null, null);
      return;
    }
    if (!parsed.ok || !uri || !isConfigUri(uri)) {
      this.ctx.log.warn(`dashboard: cannot restore a panel: ${parsed.ok ? `bad config URI "${parsed.value.uri}"` : parsed.error}`);
      const style = panel.webview.asWebviewUri(vscode.Uri.joinPath(this.ctx.extensionUri, 'dist', 'webview.css')).toString();
      panel.webview.options = { enableScripts: false, localResourceRoots: [vscode.Uri.joinPath(this.ctx.extensionUri, 'dist')] };
      panel.webview.html = restoreFailedHtml(panel.webview.cspSource, style, 'This dashboard could not be restored. Run "Memmap Lab: Open Dashboard" on a workload config.');
      return;
    }
    this.ctx.log.info(`dashboard: restored ${vscode.workspace.asRelativePath(uri)}`);
    this.adopt(panel, uri, parsed.value.view, parsed.value.focus);
  }

  disposed(panel: DashboardPanel): void {
    const key = panel.uri.toString();
    if (this.panels.get(key) !== panel) return;
    this.panels.delete(key);
    this.watchers.get(key)?.dispose();
    this.watchers.delete(key);
    clearTimeout(this.fileTimers.get(key));
    this.fileTimers.delete(key);
  }

  /** Configs that are not open in an editor change on disk only: watch the file itself. */
  private watch(uri: vscode.Uri): void {
    const key = uri.toString();
    if (this.watchers.has(key) || uri.scheme !== 'file') return;
    // Every file of the folder, compared by URI: the name as a glob would misread "[", "{", "*" or "?" in it.
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), '*'));
    // Windows and macOS file systems ignore case: so does the comparison there.
    const same = process.platform === 'linux' ? (u: vscode.Uri) => u.toString() === key : (u: vscode.Uri) => u.fsPath.toLowerCase() === uri.fsPath.toLowerCase();
    const onDisk = (changed: vscode.Uri) => {
      if (!same(changed)) return;
      if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === key)) return; // the pipeline covers open documents
      clearTimeout(this.fileTimers.get(key));
      // A deleted config's dashboard says it cannot read it (DashboardPanel.refresh()) instead of going stale.
      this.fileTimers.set(key, setTimeout(() => void this.panels.get(key)?.refresh(), this.ctx.settings.debounceMs));
    };
    this.watchers.set(key, vscode.Disposable.from(w, w.onDidChange(onDisk), w.onDidCreate(onDisk), w.onDidDelete(onDisk)));
  }

  /** The model of a config: built in the analysis thread; when the thread cannot, here, from the
   *  pipeline's latest analysis when it is current, else a fresh one. */
  async buildModel(uri: vscode.Uri): Promise<DashboardModel> {
    const snapshot = await readSnapshot(uri);
    const options = { defaultArch: this.ctx.settings.defaultArch, defaultKernelVersion: this.ctx.settings.defaultKernel };
    const t1 = Date.now();
    const fromThread = await analysisThread(this.ctx).dashboard({ text: snapshot.text, fileName: snapshot.fileName, options, file: vscode.workspace.asRelativePath(uri) });
    if (fromThread) {
      this.ctx.log.debug(`dashboard model of ${uri.fsPath} v${snapshot.version}: ${Date.now() - t1} ms in the analysis thread`);
      return fromThread;
    }
    const latest = this.diagnostics.latestFor(uri);
    const current = latest && latest.snapshot.version === snapshot.version && latest.snapshot.text === snapshot.text;
    const analysis = current ? latest : await analyze(snapshot, this.ctx, true);
    const { dashboardModel } = await import('../../report/dashboard-run');
    // The editor features' model of the same analysis: its checker findings and timing (computed once,
    // shared with the diagnostics, hovers and CodeLens) are not computed again here.
    const editor = await this.editor.model(analysis);
    const t0 = Date.now();
    const model = dashboardModel(analysis.load, vscode.workspace.asRelativePath(uri), {
      load: options,
      baseResult: analysis.sim,
      baseTiming: analysis.sim ? editor.timing : null,
      findings: editor.check?.findings ?? null,
    });
    this.ctx.log.debug(`dashboard model of ${uri.fsPath} v${snapshot.version}: ${Date.now() - t0} ms`);
    return model;
  }

  private activePanelUri(): vscode.Uri | undefined {
    for (const p of this.panels.values()) if (p.panel.active) return p.uri;
    return undefined;
  }

  /** The config to act on: the argument, the active editor, the active dashboard, or a pick from the workspace. */
  private async pickConfig(uri: vscode.Uri | undefined, title: string): Promise<vscode.Uri | undefined> {
    if (uri) {
      if (!isConfigUri(uri)) throw new Error(`${uri.path.split('/').pop()} is not a workload config (*.memmap.yaml / *.memmap.json)`);
      return uri;
    }
    const active = vscode.window.activeTextEditor?.document;
    if (active && isConfigDocument(active)) return active.uri;
    const fromPanel = this.activePanelUri();
    if (fromPanel) return fromPanel;
    const all = await findConfigs();
    if (all.length <= 1) {
      if (!all.length) void vscode.window.showWarningMessage('Memmap Lab: no *.memmap.yaml / *.memmap.json config is open or in the workspace.');
      return all[0];
    }
    const picked = await vscode.window.showQuickPick(
      all.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })),
      { title: `Memmap Lab: ${title}`, placeHolder: 'Which workload config?' },
    );
    return picked?.uri;
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    for (const w of this.watchers.values()) w.dispose();
    this.watchers.clear();
    for (const t of this.fileTimers.values()) clearTimeout(t);
  }
}

/** Registers the dashboard's commands and serializer; everything it creates is owned by `ctx`. */
export function registerDashboard(ctx: Ctx, diagnostics: DiagnosticsController, editor: EditorAnalyses): Dashboards {
  return new Dashboards(ctx, diagnostics, editor);
}
