// The extension's one context object: it owns every disposable (rust-analyzer's pattern), the log,
// and the current settings. Components take a Ctx and register what they create with ctx.track().
import * as vscode from 'vscode';
import { Log } from './log';
import { readSettings, SECTION, type Settings } from './settings';

/** An error's message (or the thrown value as text). */
export const errorText = (e: unknown): string => (e as Error)?.message ?? String(e);

/** A command's URI argument: a Uri, a URI string or a file path; anything else is undefined. */
export const asUri = (u: unknown): vscode.Uri | undefined => {
  if (u instanceof vscode.Uri) return u;
  if (typeof u !== 'string' || !u) return undefined;
  // A Windows path ("C:\\logs\\a.memmap.yaml", "C:/logs/...") is a file, not a URI of scheme "c".
  if (/^[a-z]:[\\/]/i.test(u)) return vscode.Uri.file(u);
  return /^[a-z][\w+.-]*:/i.test(u) ? vscode.Uri.parse(u) : vscode.Uri.file(u);
};

export class Ctx implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly settingsEmitter = new vscode.EventEmitter<Settings>();
  readonly log: Log;
  settings: Settings;
  /** Fired after any `memmapLab.*` setting changed, with the new values. */
  readonly onDidChangeSettings = this.settingsEmitter.event;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.settings = readSettings();
    this.log = this.track(new Log(this.settings.logLevel));
    this.track(this.settingsEmitter);
    this.track(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration(SECTION)) return;
        this.settings = readSettings();
        this.log.setLevel(this.settings.logLevel);
        this.log.debug(`settings changed: ${JSON.stringify(this.settings)}`);
        this.settingsEmitter.fire(this.settings);
      }),
    );
  }

  get extensionUri(): vscode.Uri {
    return this.extension.extensionUri;
  }

  track<T extends vscode.Disposable>(d: T): T {
    this.disposables.push(d);
    return d;
  }

  /** Registers (and tracks) command `id`; a failure is logged and shown instead of rejecting (the result is then undefined). */
  registerCommand(id: string, fn: (...args: never[]) => unknown): vscode.Disposable {
    return this.track(
      vscode.commands.registerCommand(id, async (...args: never[]) => {
        try {
          return await fn(...args);
        } catch (e) {
          this.log.error(`${id} failed`, e);
          void vscode.window.showErrorMessage(`Memmap Lab: ${errorText(e)}`);
          return undefined;
        }
      }),
    );
  }

  /** Disposes in reverse order of creation; the log goes last so the others can still report. */
  dispose(): void {
    while (this.disposables.length) {
      const d = this.disposables.pop()!;
      try {
        d.dispose();
      } catch (e) {
        console.error('Memmap Lab: dispose failed', e);
      }
    }
  }
}
