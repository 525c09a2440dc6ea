// The extension's one context object: it owns every disposable (rust-analyzer's pattern), the log,
// and the current settings. Components take a Ctx and register what they create with ctx.track().
import * as vscode from 'vscode';
import { Log } from './log';
import { readSettings, SECTION, type Settings } from './settings';

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
