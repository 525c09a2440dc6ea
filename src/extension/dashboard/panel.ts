// One dashboard panel: a WebviewPanel showing one workload config. It sends the model when the webview
// says "ready" (after opening, after being shown again - no retainContextWhenHidden - and after a window
// reload through the serializer), re-sends it when the config changes, and validates every message the
// webview sends before acting on it: the webview only ever names a range of ITS config to reveal.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { parseWebviewMessage, unavailableModel, type DashboardFocus, type DashboardModel, type DashboardView, type HostMessage, type RenderedReport, type SourceRange } from '../../protocol/dashboard';
import type { Ctx } from '../ctx';
import { logFromWebview, logRendered, runForWebview, showTextRange, validMessage, watchPanel } from '../webviewHost';
import { dashboardHtml } from './html';

export interface PanelHost {
  readonly ctx: Ctx;
  buildModel(uri: vscode.Uri): Promise<DashboardModel>;
  exportTimeline(uri: vscode.Uri): Promise<unknown>;
  disposed(panel: DashboardPanel): void;
}

/** What the extension-host tests read through the memmapLab._dashboard command. */
export interface DashboardPanelInfo {
  uri: string;
  visible: boolean;
  active: boolean;
  view: DashboardView;
  model: DashboardModel | null;
  rendered: RenderedReport | null;
  /** Models posted to the webview so far. */
  modelsSent: number;
  /** Messages from the webview that failed validation. */
  rejected: number;
  /** Ranges revealed on the webview's request. */
  revealed: SourceRange[];
  /** Kernel source links opened on the webview's request. */
  openedSources: string[];
}

export class DashboardPanel implements vscode.Disposable {
  private model: DashboardModel | null = null;
  private stale = true;
  private ready = false;
  private building: Promise<void> | null = null;
  private rebuild = false;
  private pendingShow: { view: DashboardView | null; focus: DashboardFocus | null } | null = null;
  private view: DashboardView;
  private rendered: RenderedReport | null = null;
  private modelsSent = 0;
  private rejected = 0;
  private readonly revealed: SourceRange[] = [];
  private readonly openedSources: string[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;

  constructor(
    private readonly host: PanelHost,
    readonly panel: vscode.WebviewPanel,
    readonly uri: vscode.Uri,
    initial: { view: DashboardView; focus: DashboardFocus | null },
  ) {
    this.view = initial.view;
    if (initial.focus) this.pendingShow = { view: initial.view, focus: initial.focus };
    const extUri = host.ctx.extensionUri;
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extUri, 'dist'), vscode.Uri.joinPath(extUri, 'media')] };
    panel.iconPath = { light: vscode.Uri.joinPath(extUri, 'media', 'dashboard-light.svg'), dark: vscode.Uri.joinPath(extUri, 'media', 'dashboard-dark.svg') };
    panel.title = `Memmap Lab: ${uri.path.split('/').pop()}`;
    const nonce = randomBytes(18).toString('base64');
    panel.webview.html = dashboardHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(extUri, 'dist', 'webview.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(extUri, 'dist', 'webview.css')).toString(),
      nonce,
      configUri: uri.toString(),
      view: initial.view,
      title: panel.title,
    });
    this.subscriptions.push(
      ...watchPanel(panel, {
        message: (m) => void this.onMessage(m),
        disposed: () => this.dispose(),
        hidden: () => {
          this.ready = false;
        },
      }),
    );
    void this.refresh();
  }

  info(): DashboardPanelInfo {
    return { uri: this.uri.toString(), visible: this.panel.visible, active: this.panel.active, view: this.view, model: this.model, rendered: this.rendered, modelsSent: this.modelsSent, rejected: this.rejected, revealed: [...this.revealed], openedSources: [...this.openedSources] };
  }

  /** Bring the panel forward, optionally on a view and focused on a node, device or scenario. */
  show(view: DashboardView | null, focus: DashboardFocus | null): void {
    this.panel.reveal(undefined, false);
    if (view || focus) {
      if (view) this.view = view;
      this.pendingShow = { view, focus };
      this.flushShow();
    }
  }

  /** The config changed (or settings did): rebuild the model and send it if the webview is listening. */
  async refresh(): Promise<void> {
    this.stale = true;
    if (this.building) {
      this.rebuild = true;
      return this.building;
    }
    this.building = (async () => {
      do {
        this.rebuild = false;
        try {
          this.model = await this.host.buildModel(this.uri);
          this.stale = false;
        } catch (e) {
          this.host.ctx.log.error(`dashboard: could not build the model of ${this.uri.fsPath}`, e);
          // Say so in the panel: a new one would wait forever, an open one would show a model that is no longer true.
          const why = e instanceof vscode.FileSystemError || (e as { code?: string })?.code === 'FileNotFound' ? 'cannot read the config' : 'the dashboard could not be built';
          this.model = unavailableModel(vscode.workspace.asRelativePath(this.uri), `${why}: ${(e as Error)?.message ?? String(e)} (see the Memmap Lab output)`);
          this.stale = false;
        }
      } while (this.rebuild && !this.disposed);
      this.building = null;
      this.sendModel();
    })();
    return this.building;
  }

  private post(m: HostMessage): void {
    if (!this.disposed) void this.panel.webview.postMessage(m);
  }

  private sendModel(): void {
    if (!this.ready || !this.model || this.disposed) return;
    this.post({ type: 'model', model: this.model });
    this.modelsSent++;
    this.flushShow();
  }

  private flushShow(): void {
    if (!this.ready || !this.model || !this.pendingShow) return;
    this.post({ type: 'show', view: this.pendingShow.view, focus: this.pendingShow.focus });
    this.pendingShow = null;
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = validMessage(raw, parseWebviewMessage, this.host.ctx.log, 'dashboard');
    if (!m) {
      this.rejected++;
      return;
    }
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (this.stale || !this.model) await this.refresh();
        else this.sendModel();
        return;
      case 'reveal':
        this.revealed.push(m.range);
        await this.reveal(m.range);
        return;
      case 'openSource': {
        const url = this.model?.findings[m.finding]?.kernel?.url;
        if (!url) {
          this.host.ctx.log.warn(`dashboard: no kernel source link for finding ${m.finding} of ${this.uri.fsPath}`);
          return;
        }
        this.openedSources.push(url);
        if (!(await vscode.env.openExternal(vscode.Uri.parse(url)))) this.host.ctx.log.info(`dashboard: ${url} was not opened`);
        return;
      }
      case 'exportTimeline':
        await runForWebview(this.host.ctx.log, `dashboard: export of the timeline of ${this.uri.fsPath} failed`, () => this.host.exportTimeline(this.uri));
        return;
      case 'view':
        this.view = m.view;
        return;
      case 'rendered':
        this.rendered = m;
        this.view = m.view;
        logRendered(this.host.ctx.log, 'dashboard', `${this.uri.fsPath}: ${m.view} drawn`, m);
        return;
      case 'log':
        logFromWebview(this.host.ctx.log, m);
        return;
    }
  }

  /** Select `range` of this panel's config in an editor beside the panel. */
  private async reveal(r: SourceRange): Promise<void> {
    try {
      // Not open yet: the group left of the panel, or a new one beside it.
      const panelColumn = this.panel.viewColumn ?? vscode.ViewColumn.One;
      const column = panelColumn > vscode.ViewColumn.One ? panelColumn - 1 : vscode.ViewColumn.Beside;
      await showTextRange(this.uri, (doc) => doc.validateRange(new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter)), column, { preserveFocus: false });
    } catch (e) {
      this.host.ctx.log.error(`dashboard: cannot reveal ${this.uri.fsPath}`, e);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.subscriptions.splice(0)) d.dispose();
    this.host.disposed(this);
    this.panel.dispose();
  }
}
