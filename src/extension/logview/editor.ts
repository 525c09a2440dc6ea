// One Memmap Log View editor: the webview of one LogDocument. It sends the model when the webview says
// "ready" (after opening, after being shown again, after a window reload), and validates every message
// the webview sends before acting on it: the webview can only name a line of ITS log, a boot of it, or
// one of a fixed set of actions.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { parseLogWebviewMessage, type LogAction, type LogHostMessage, type LogRendered, type LogViewModel } from '../../protocol/logview';
import { errorText, type Ctx } from '../ctx';
import type { LogDocument } from './document';
import { logFromWebview, logRendered, runForWebview, showTextRange, validMessage, watchPanel } from '../webviewHost';
import { logViewHtml } from './html';
import { elixirIdentUrl, frameFunction } from '../../report/kernel-source';

export interface EditorHost {
  readonly ctx: Ctx;
  buildModel(doc: LogDocument): Promise<LogViewModel | null>;
  selectBoot(doc: LogDocument, boot: number): Promise<void>;
  compareBoot(doc: LogDocument, boot: number | null): Promise<void>;
  compareFile(doc: LogDocument, other?: vscode.Uri): Promise<unknown>;
  action(doc: LogDocument, action: LogAction): Promise<unknown>;
  disposed(editor: LogEditor): void;
}

/** What the extension-host tests read through memmapLab._logView. */
export interface LogEditorInfo {
  uri: string;
  state: LogDocument['state'];
  visible: boolean;
  active: boolean;
  model: LogViewModel | null;
  rendered: LogRendered | null;
  modelsSent: number;
  rejected: number;
  /** Lines opened as text on the webview's request. */
  openedLines: number[];
  /** Kernel source links opened on the webview's request. */
  openedSources: string[];
}

export class LogEditor implements vscode.Disposable {
  private ready = false;
  private model: LogViewModel | null = null;
  private rendered: LogRendered | null = null;
  private modelsSent = 0;
  private rejected = 0;
  private readonly openedLines: number[] = [];
  private readonly openedSources: string[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];
  private isDisposed = false;

  constructor(
    private readonly host: EditorHost,
    readonly doc: LogDocument,
    readonly panel: vscode.WebviewPanel,
  ) {
    const extUri = host.ctx.extensionUri;
    const dist = vscode.Uri.joinPath(extUri, 'dist');
    panel.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    const name = doc.uri.path.split('/').pop() ?? 'log';
    const web = (f: string) => panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, f)).toString();
    panel.webview.html = logViewHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: web('logview.js'),
      styleUris: [web('webview.css'), web('logview.css')],
      nonce: randomBytes(18).toString('base64'),
      logUri: doc.uri.toString(),
      title: name,
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
  }

  get disposed(): boolean {
    return this.isDisposed;
  }

  info(): LogEditorInfo {
    return {
      uri: this.doc.uri.toString(),
      state: this.doc.state,
      visible: this.panel.visible,
      active: this.panel.active,
      model: this.model,
      rendered: this.rendered,
      modelsSent: this.modelsSent,
      rejected: this.rejected,
      openedLines: [...this.openedLines],
      openedSources: [...this.openedSources],
    };
  }

  /** Rebuild the model (analysis done, boot switched, link changed, linked config edited) and send it. */
  async refresh(): Promise<void> {
    try {
      const m = await this.host.buildModel(this.doc);
      if (!m || this.isDisposed) return;
      this.model = m;
      this.send();
    } catch (e) {
      this.host.ctx.log.error(`log view: could not build the model of ${this.doc.display}`, e);
    }
  }

  busy(text: string | null): void {
    this.post({ type: 'busy', text });
  }

  private post(m: LogHostMessage): void {
    if (!this.isDisposed && this.ready) void this.panel.webview.postMessage(m);
  }

  private send(): void {
    if (!this.ready || !this.model || this.isDisposed) return;
    this.post({ type: 'model', model: this.model });
    this.modelsSent++;
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = validMessage(raw, parseLogWebviewMessage, this.host.ctx.log, 'log view');
    if (!m) {
      this.rejected++;
      return;
    }
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (this.model) this.send();
        else if (this.doc.state !== 'analyzing') await this.refresh();
        return;
      case 'openLine':
        this.openedLines.push(m.line);
        await this.openLine(m.line);
        return;
      case 'openSource':
        await this.openSource(m.item, m.index, m.frame);
        return;
      case 'selectBoot':
        await this.host.selectBoot(this.doc, m.boot);
        return;
      case 'compareBoot':
        await this.host.compareBoot(this.doc, m.boot);
        return;
      case 'compareFile':
        await runForWebview(this.host.ctx.log, 'log view: compare with another log failed', () => this.host.compareFile(this.doc));
        return;
      case 'action':
        await runForWebview(this.host.ctx.log, `log view: ${m.action} failed`, () => this.host.action(this.doc, m.action));
        return;
      case 'rendered':
        this.rendered = m;
        logRendered(this.host.ctx.log, 'log view', `${this.doc.display}: drawn`, m);
        return;
      case 'log':
        logFromWebview(this.host.ctx.log, m);
        return;
    }
  }

  /** In the browser, on Elixir: the function of a call trace of the shown boot (or of one of its frames), the
   *  function that printed an error, or a function of ftrace output. The URL comes from the host's own model
   *  (report/kernel-source.ts); the webview only says which item. */
  private async openSource(item: 'trace' | 'error' | 'ftrace', index: number, frame: number | null): Promise<void> {
    const b = this.model?.boot;
    let url: string | null;
    if (item === 'error') url = b?.errors[index]?.source?.url ?? null;
    else if (item === 'ftrace') {
      // ftrace output does not say which kernel it is: the latest release.
      const fn = this.model?.ftrace?.functions[index]?.function;
      const name = fn === undefined ? null : frameFunction(fn);
      url = name ? elixirIdentUrl('latest', name) : null;
    } else {
      const c = b?.callTraces[index];
      const fn = c && (frame === null ? c.function : c.frames[frame] !== undefined ? frameFunction(c.frames[frame]) : null);
      url = c?.source && fn ? elixirIdentUrl(c.source.tag, fn) : null;
    }
    if (!url) {
      this.host.ctx.log.warn(`log view: no source link for ${item} ${index}${frame === null ? '' : ` frame ${frame}`} of ${this.doc.display}`);
      return;
    }
    this.openedSources.push(url);
    if (!(await vscode.env.openExternal(vscode.Uri.parse(url)))) this.host.ctx.log.info(`log view: ${url} was not opened`);
  }

  /** The log as text, beside the view, at `line` (1-based). */
  private async openLine(line: number): Promise<void> {
    try {
      await showTextRange(this.doc.uri, (doc) => doc.lineAt(doc.validatePosition(new vscode.Position(line - 1, 0)).line).range, vscode.ViewColumn.Beside, { preview: false });
    } catch (e) {
      this.host.ctx.log.error(`log view: cannot open ${this.doc.display} at line ${line}`, e);
      void vscode.window.showErrorMessage(`Memmap Lab: cannot open ${this.doc.display} as text: ${errorText(e)}`);
    }
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    for (const d of this.subscriptions.splice(0)) d.dispose();
    this.host.disposed(this);
  }
}
