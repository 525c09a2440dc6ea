// The Memmap Log View: a read-only custom editor for kernel logs (*.log, dmesg*, *.dmesg, *.trace.json;
// priority "option", offered in "Open With…"), the command "Memmap Lab: Analyze Kernel Log…", linking a
// workload config (measured vs predicted) and "Import as Workload Config". The analyzer, the model
// builder, the config loader and the mm core are imported on first use (the lazy bundle).
import * as vscode from 'vscode';
import { LOGVIEW_VIEW_TYPE, type Comparison, type LogAction, type LogViewModel } from '../../protocol/logview';
import { asUri, errorText, type Ctx } from '../ctx';
import { readSnapshot } from '../configFiles';
import { deviceJsonBeside, importName, importTarget, pickConfig, saveDialog } from './actions';
import { LogDocument, type LogState } from './document';
import { LogEditor, type EditorHost } from './editor';
import type { LogViewCommand } from './register';
import { analyzeWithProgress, readError, sizeOf } from './read';

const LINKS_KEY = 'memmapLab.logLinks';

/** Files the view is offered for (package.json customEditors selector). */
export function isLogUri(uri: vscode.Uri): boolean {
  const name = uri.path.split('/').pop() ?? '';
  return /\.log$/i.test(name) || /^dmesg/i.test(name) || /\.dmesg$/i.test(name) || /\.trace\.json$/i.test(name);
}

export interface AnalyzeLogOutcome {
  uri: string;
}

export interface ImportOutcome {
  log: string;
  target: string;
  boot: number;
  warnings: string[];
  /** The ndctl / daxctl JSON files beside the log that the import took. */
  devices: string[];
}

export interface LinkOutcome {
  log: string;
  /** null: unlinked. */
  config: string | null;
  comparison: Comparison | null;
}

/** What "compare with another log" chose (the tests read it). */
export interface CompareLogOutcome {
  log: string;
  other: string;
  boot: number;
}

/** How analyses ended (the tests read it: a cancelled view is closed, so its editor info is gone). */
export interface LogOutcome {
  uri: string;
  state: LogState;
  message: string | null;
}


export class LogViews implements vscode.CustomReadonlyEditorProvider<LogDocument>, EditorHost, vscode.Disposable {
  private readonly editors = new Map<string, LogEditor>();
  private readonly docs = new Map<string, LogDocument>();
  private readonly outcomes: LogOutcome[] = [];
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(readonly ctx: Ctx) {
    ctx.track(this);
  }

  /** The commands register.ts forwards here (the contributed ones and the tests' hidden ones). */
  command(id: LogViewCommand, arg: unknown): unknown {
    switch (id) {
      case 'memmapLab.analyzeLog':
        return this.analyzeLog(asUri(arg));
      case 'memmapLab.logView.linkConfig':
        return this.linkCommand(arg);
      case 'memmapLab.logView.importConfig':
        return this.importCommand(arg);
      case 'memmapLab._logView':
        return { editors: [...this.editors.values()].map((e) => e.info()), outcomes: [...this.outcomes] };
      case 'memmapLab._logViewCompareLog': {
        const a = arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) ? (arg as Record<string, unknown>) : {};
        const doc = this.target(arg);
        return doc.settled.then(() => this.compareFile(doc, asUri(a.other)));
      }
      case 'memmapLab._logViewCancel': {
        const only = asUri(arg)?.toString();
        return [...this.docs.values()].filter((d) => (!only || d.uri.toString() === only) && d.cancelAnalysis()).length;
      }
    }
  }

  /** The comparison follows edits of a linked config (debounced like the live checks). */
  configChanged(e: vscode.TextDocumentChangeEvent): void {
    const changed = e.document.uri.toString();
    for (const doc of this.docs.values()) {
      if (this.linkOf(doc.uri)?.toString() !== changed) continue;
      const key = doc.uri.toString();
      clearTimeout(this.timers.get(key));
      this.timers.set(key, setTimeout(() => void this.recompare(doc), this.ctx.settings.debounceMs));
    }
  }

  // ---- CustomReadonlyEditorProvider

  openCustomDocument(uri: vscode.Uri, _context: vscode.CustomDocumentOpenContext, token: vscode.CancellationToken): LogDocument {
    const key = uri.toString();
    const doc = new LogDocument(uri, vscode.workspace.asRelativePath(uri), token, (d) => {
      if (this.docs.get(key) === d) this.docs.delete(key);
      clearTimeout(this.timers.get(key));
    });
    this.docs.set(key, doc);
    this.ctx.log.info(`log view: analyzing ${doc.display}`);
    void doc.settled.then((state) => this.settled(doc, state));
    return doc;
  }

  resolveCustomEditor(doc: LogDocument, panel: vscode.WebviewPanel): void {
    const key = doc.uri.toString();
    this.editors.get(key)?.dispose();
    const editor = new LogEditor(this, doc, panel);
    this.editors.set(key, editor);
    // The document is released when its last editor closes: VS Code then calls doc.dispose() (which
    // cancels an analysis still running).
    if (doc.state !== 'analyzing') void this.show(doc);
  }

  private async settled(doc: LogDocument, state: LogState): Promise<void> {
    const t = doc.file ? `${doc.file.format}, ${doc.file.boots.length} boot${doc.file.boots.length === 1 ? '' : 's'}` : (doc.error ?? state);
    this.outcomes.push({ uri: doc.uri.toString(), state, message: state === 'error' ? doc.error : null });
    if (this.outcomes.length > 100) this.outcomes.shift();
    this.ctx.log.info(`log view: ${doc.display}: ${state} (${t})`);
    if (state === 'cancelled') {
      if (doc.disposed) return; // closed by the user: nothing to say
      await this.closeTabs(doc.uri);
      void vscode.window.showInformationMessage(`Memmap Lab: the analysis of ${doc.display} was cancelled.`);
      return;
    }
    if (state === 'error') void vscode.window.showErrorMessage(`Memmap Lab: ${doc.error}`);
    await this.show(doc);
  }

  /** The figures first, then (linked) the comparison. */
  private async show(doc: LogDocument): Promise<void> {
    const editor = this.editors.get(doc.uri.toString());
    await editor?.refresh();
    if (doc.state === 'ready' && this.linkOf(doc.uri)) await this.recompare(doc);
  }

  private async closeTabs(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputCustom && t.input.viewType === LOGVIEW_VIEW_TYPE && t.input.uri.toString() === key);
    if (tabs.length) await vscode.window.tabGroups.close(tabs, true);
    this.editors.get(key)?.dispose();
  }

  // ---- EditorHost

  async buildModel(doc: LogDocument): Promise<LogViewModel | null> {
    if (doc.state === 'analyzing' || doc.state === 'cancelled') return null;
    const { errorModel, logViewModel, defaultBoot } = await import('../../report/logview-model');
    if (doc.state === 'error' || !doc.file) return errorModel(doc.display, doc.error ?? 'the analysis failed', doc.size ?? 0);
    const link = this.linkOf(doc.uri);
    const model = logViewModel(doc.file, {
      file: doc.display,
      boot: doc.bootIndex(defaultBoot(doc.file)),
      link: link ? { uri: link.toString(), file: vscode.workspace.asRelativePath(link) } : null,
      comparison: link ? doc.comparison : null,
      compareWith: doc.compareWith,
      compareOther: doc.compareOther,
    });
    // The webview refuses a model outside the protocol and would show "Analyzing…" for ever: say why instead.
    const { parseLogViewModel } = await import('../../protocol/logview');
    const valid = parseLogViewModel(model);
    if (valid.ok) return model;
    this.ctx.log.error(`log view: the model of ${doc.display} does not fit the protocol: ${valid.error}`);
    return errorModel(doc.display, `this log's figures cannot be shown (a bug in memmap-lab: ${valid.error}); see the Memmap Lab output`, doc.size ?? 0);
  }

  async selectBoot(doc: LogDocument, boot: number): Promise<void> {
    if (!doc.file?.boots.some((b) => b.index === boot)) return;
    doc.boot = boot;
    await this.show(doc);
  }

  async compareBoot(doc: LogDocument, boot: number | null): Promise<void> {
    if (boot !== null && !doc.file?.boots.some((b) => b.index === boot)) return;
    doc.compareWith = boot;
    doc.compareOther = null;
    await this.editors.get(doc.uri.toString())?.refresh();
  }

  /** Compare the boot shown with a boot of another log (`other`, else the one the user picks): its boot
   *  with the most memory facts, as import and `memmap-lab diff` pick it. */
  async compareFile(doc: LogDocument, other?: vscode.Uri): Promise<CompareLogOutcome | undefined> {
    const uri = other ?? (await vscode.window.showOpenDialog({ title: `Memmap Lab: Compare ${doc.display} with Another Log`, canSelectMany: false, defaultUri: vscode.Uri.joinPath(doc.uri, '..'), openLabel: 'Compare' }))?.[0];
    const editor = this.editors.get(doc.uri.toString());
    if (!uri) {
      await editor?.refresh(); // the "compare with" select goes back to what is compared
      return undefined;
    }
    const display = vscode.workspace.asRelativePath(uri);
    editor?.busy(`Analyzing ${display}…`);
    let file;
    // Closing this view stops the other log's analysis too.
    const cancel = doc.linkedCancellation();
    try {
      file = (await analyzeWithProgress(uri, await sizeOf(uri), cancel, display)).file;
    } catch (e) {
      // The view was closed (or the progress cancelled): nothing to say.
      // Either way the "compare with" select goes back to what is compared (picking the same entry again fires no change).
      if (cancel.token.isCancellationRequested || (e as Error)?.name === 'AnalysisCancelledError') {
        await editor?.refresh();
        return undefined;
      }
      await editor?.refresh();
      throw new Error(readError(uri, e), { cause: e });
    } finally {
      cancel.dispose();
      editor?.busy(null);
    }
    const { defaultBoot } = await import('../../report/logview-model');
    const index = defaultBoot(file);
    const best = file.boots.find((b) => b.index === index);
    if (!best) {
      await editor?.refresh();
      throw new Error(`${display} holds no boot with memmap facts to compare with`);
    }
    doc.compareOther = { file: display, boot: best };
    doc.compareWith = null;
    this.ctx.log.info(`log view: ${doc.display} compared with boot ${best.index + 1} of ${display}`);
    await editor?.refresh();
    return { log: doc.uri.toString(), other: uri.toString(), boot: best.index };
  }

  async action(doc: LogDocument, action: LogAction): Promise<unknown> {
    switch (action) {
      case 'linkConfig':
        return this.link(doc, undefined);
      case 'unlinkConfig':
        await this.setLink(doc.uri, undefined);
        doc.comparison = null;
        return this.editors.get(doc.uri.toString())?.refresh();
      case 'openConfig': {
        const link = this.linkOf(doc.uri);
        return link && vscode.window.showTextDocument(link, { viewColumn: vscode.ViewColumn.Beside, preview: false });
      }
      case 'importConfig':
        return this.importConfig(doc, {});
      case 'openLog':
        return vscode.window.showTextDocument(doc.uri, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    }
  }

  disposed(editor: LogEditor): void {
    const key = editor.doc.uri.toString();
    if (this.editors.get(key) === editor) this.editors.delete(key);
  }

  // ---- links and the comparison

  private links(): Record<string, string> {
    return this.ctx.extension.workspaceState.get<Record<string, string>>(LINKS_KEY) ?? {};
  }

  linkOf(log: vscode.Uri): vscode.Uri | undefined {
    const l = this.links()[log.toString()];
    return l ? vscode.Uri.parse(l) : undefined;
  }

  private async setLink(log: vscode.Uri, config: vscode.Uri | undefined): Promise<void> {
    const all = { ...this.links() };
    if (config) all[log.toString()] = config.toString();
    else delete all[log.toString()];
    await this.ctx.extension.workspaceState.update(LINKS_KEY, all);
  }

  private async link(doc: LogDocument, config: vscode.Uri | undefined): Promise<LinkOutcome | undefined> {
    const uri = config ?? (await pickConfig(doc.uri.path.split('/').pop() ?? doc.display));
    if (!uri) return undefined;
    await this.setLink(doc.uri, uri);
    this.ctx.log.info(`log view: ${doc.display} linked to ${vscode.workspace.asRelativePath(uri)}`);
    doc.comparison = null;
    await this.show(doc);
    return { log: doc.uri.toString(), config: uri.toString(), comparison: doc.comparison };
  }

  /** Measured (the boot shown) vs predicted (the linked config, unsaved edits included). */
  private async recompare(doc: LogDocument): Promise<void> {
    const link = this.linkOf(doc.uri);
    const editor = this.editors.get(doc.uri.toString());
    if (!link || doc.state !== 'ready' || !doc.file || doc.disposed) return;
    const { defaultBoot } = await import('../../report/logview-model');
    const boot = doc.bootIndex(defaultBoot(doc.file));
    if (boot === null) return;
    const config = vscode.workspace.asRelativePath(link);
    const failed = (message: string): Comparison => ({ config, configName: null, boot, status: 'failed', message, rows: [], unmatched: [], notes: [], worstRelError: null });
    editor?.busy(`Simulating ${config} and comparing it with boot ${boot + 1}…`);
    try {
      let log;
      try {
        log = await doc.logInput(boot);
      } catch (e) {
        doc.comparison = failed(errorText(e));
        return;
      }
      let text: { text: string; fileName: string };
      try {
        text = await readSnapshot(link);
      } catch (e) {
        doc.comparison = failed(`cannot read ${config}: ${errorText(e)}`);
        return;
      }
      const [{ loadConfigText }, { compareWithConfig }] = await Promise.all([import('../../config/load'), import('../../report/logview-compare')]);
      const load = loadConfigText(text.text, text.fileName, { defaultArch: this.ctx.settings.defaultArch, defaultKernelVersion: this.ctx.settings.defaultKernel });
      doc.comparison = compareWithConfig(log, load, config);
      this.ctx.log.info(`log view: ${doc.display} boot ${boot + 1} vs ${config}: ${doc.comparison.status === 'ok' ? `${doc.comparison.rows.length} figures` : doc.comparison.message}`);
    } finally {
      editor?.busy(null);
      await editor?.refresh();
    }
  }

  // ---- import

  private async importConfig(doc: LogDocument, opts: { target?: vscode.Uri; overwrite?: boolean }): Promise<ImportOutcome | undefined> {
    if (doc.state !== 'ready' || !doc.file) throw new Error(`${doc.display} is not analyzed${doc.state === 'error' ? `: ${doc.error}` : ' yet'}`);
    const { defaultBoot } = await import('../../report/logview-model');
    const boot = doc.bootIndex(defaultBoot(doc.file));
    if (boot === null || doc.file.format === 'ftrace') throw new Error(`${doc.display} has no boot with memory facts to import`);
    const editor = this.editors.get(doc.uri.toString());
    editor?.busy('Importing…');
    try {
      const name = importName(doc.uri.path);
      const log = await doc.logInput(boot);
      const { buildImport, mergeNdctlParses } = await import('../../trace/import');
      const beside = await deviceJsonBeside(doc.uri);
      for (const s of beside.skipped) this.ctx.log.warn(`log view: import of ${doc.display}: left out ${s}`);
      const ndctl = beside.files.length === 0 ? null : beside.files.length === 1 ? beside.files[0] : { path: beside.files.map((f) => f.path).join(', '), parse: mergeNdctlParses(beside.files) };
      const r = buildImport({ log, ndctl, outputName: name });
      if (!r.ok) throw new Error(`cannot import ${doc.display}: ${r.errors.join('; ')}`);
      let target = await importTarget(doc.uri, name, opts);
      if (!target) return undefined;
      const bytes = new TextEncoder().encode(r.text);
      try {
        await writeConfig(target, r.text, bytes);
      } catch (e) {
        if (opts.target || !(e instanceof vscode.FileSystemError)) throw e;
        // Read-only after all (permissions): let the user choose another place.
        target = await saveDialog(target, name);
        if (!target) return undefined;
        await writeConfig(target, r.text, bytes);
      }
      const devices = beside.files.map((f) => f.path);
      this.ctx.log.info(`log view: imported boot ${boot + 1} of ${doc.display}${devices.length ? ` with ${devices.join(', ')}` : ''} as ${vscode.workspace.asRelativePath(target)}${r.warnings.length ? ` (${r.warnings.join('; ')})` : ''}`);
      await vscode.window.showTextDocument(target, { viewColumn: vscode.ViewColumn.Beside, preview: false, preserveFocus: true });
      await this.setLink(doc.uri, target);
      doc.comparison = null;
      await this.show(doc);
      void vscode.window.showInformationMessage(
        `Memmap Lab: ${vscode.workspace.asRelativePath(target)} imported from ${doc.display} (boot ${boot + 1})${devices.length ? ` with the devices of ${devices.join(', ')}` : ''} and linked: measured vs predicted is in the log view.${r.warnings.length ? ` Note: ${r.warnings[0]}` : ''}`,
      );
      return { log: doc.uri.toString(), target: target.toString(), boot, warnings: r.warnings, devices };
    } finally {
      editor?.busy(null);
    }
  }

  // ---- commands

  /** The log to act on: the argument, the active log view, the active text editor's log, or an open dialog. */
  private async analyzeLog(arg: vscode.Uri | undefined): Promise<AnalyzeLogOutcome | undefined> {
    let uri = arg;
    if (!uri) {
      const active = vscode.window.activeTextEditor?.document.uri;
      if (active && isLogUri(active) && active.scheme !== 'untitled') uri = active;
    }
    if (!uri) {
      const picked = await vscode.window.showOpenDialog({
        title: 'Memmap Lab: Analyze Kernel Log',
        canSelectMany: false,
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
        filters: { 'Kernel logs and traces': ['log', 'txt', 'dmesg', 'json'], 'All files': ['*'] },
        openLabel: 'Analyze',
      });
      uri = picked?.[0];
    }
    if (!uri) return undefined;
    await vscode.commands.executeCommand('vscode.openWith', uri, LOGVIEW_VIEW_TYPE);
    return { uri: uri.toString() };
  }

  /** The log view a command acts on: { uri } / a URI argument, else the active one, else the only one. */
  private target(arg: unknown): LogDocument {
    const a = arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) ? (arg as Record<string, unknown>) : {};
    const uri = asUri(arg instanceof vscode.Uri || typeof arg === 'string' ? arg : a.uri);
    const doc = uri ? this.docs.get(uri.toString()) : ([...this.editors.values()].find((e) => e.panel.active)?.doc ?? (this.docs.size === 1 ? [...this.docs.values()][0] : undefined));
    if (!doc) throw new Error(uri ? `${vscode.workspace.asRelativePath(uri)} is not open in the Memmap Log View` : 'open a kernel log in the Memmap Log View first (Memmap Lab: Analyze Kernel Log…)');
    return doc;
  }

  /** Link Workload Config…: a quick pick, or { uri, config } (config null: unlink). */
  private async linkCommand(arg: unknown): Promise<LinkOutcome | undefined> {
    const doc = this.target(arg);
    const a = arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) ? (arg as Record<string, unknown>) : {};
    await doc.settled;
    if (a.config === null) {
      await this.action(doc, 'unlinkConfig');
      return { log: doc.uri.toString(), config: null, comparison: null };
    }
    return this.link(doc, asUri(a.config));
  }

  private async importCommand(arg: unknown): Promise<ImportOutcome | undefined> {
    const doc = this.target(arg);
    const a = arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) ? (arg as Record<string, unknown>) : {};
    await doc.settled;
    return this.importConfig(doc, { target: asUri(a.target), overwrite: a.overwrite === true });
  }

  dispose(): void {
    for (const e of [...this.editors.values()]) e.dispose();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}

/** Write an imported config. When the file is open in an editor, through the editor (an edit, then save): its
 *  unsaved text would otherwise stay on screen, and the comparison read that old text instead of the import. */
async function writeConfig(target: vscode.Uri, text: string, bytes: Uint8Array): Promise<void> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.toString());
  if (!open) return vscode.workspace.fs.writeFile(target, bytes);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(open.uri, new vscode.Range(open.positionAt(0), open.positionAt(open.getText().length)), text);
  if (!(await vscode.workspace.applyEdit(edit)) || !(await open.save())) throw new Error(`cannot write ${vscode.workspace.asRelativePath(target)}: its editor did not take the imported text`);
}
