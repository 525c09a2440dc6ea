// One log opened in the Memmap Log View: its analysis (started when VS Code opens the document, with
// progress; cancellable), the boot shown, and the per-boot inputs that import and compare need (the
// analyzer's boot plus the text of the lines its facts point at: src/trace/import.ts readLog).
import * as vscode from 'vscode';
import type { AnalysisFile, Boot } from '../../trace/types';
import type { LogInput } from '../../trace/import';
import type { Comparison } from '../../protocol/logview';
import { analyzeWithProgress, readError, sizeOf } from './read';

export type LogState = 'analyzing' | 'ready' | 'error' | 'cancelled';

export class LogDocument implements vscode.CustomDocument {
  state: LogState = 'analyzing';
  file: AnalysisFile | null = null;
  /** Why the analysis failed (state 'error'). */
  error: string | null = null;
  size: number | null = null;
  /** The boot shown (null: the default one). */
  boot: number | null = null;
  /** Another boot the one shown is compared with ("Compare with"), null: none. */
  compareWith: number | null = null;
  /** ... or a boot of another log (it wins over compareWith). */
  compareOther: { file: string; boot: Boot } | null = null;
  comparison: Comparison | null = null;
  /** Settles when the analysis is done, failed or was cancelled. */
  readonly settled: Promise<LogState>;
  disposed = false;
  private text: string | null = null;
  private readonly cancel = new vscode.CancellationTokenSource();
  private readonly inputs = new Map<number, Promise<LogInput>>();
  private readonly openSub: vscode.Disposable;

  constructor(
    readonly uri: vscode.Uri,
    /** The log as shown (workspace-relative). */
    readonly display: string,
    openToken: vscode.CancellationToken,
    private readonly onDispose: (doc: LogDocument) => void = () => undefined,
  ) {
    this.openSub = openToken.onCancellationRequested(() => this.cancel.cancel());
    this.settled = this.run();
  }

  private async run(): Promise<LogState> {
    this.size = await sizeOf(this.uri);
    try {
      const r = await analyzeWithProgress(this.uri, this.size, this.cancel, this.display);
      this.file = r.file;
      this.text = r.text;
      this.state = 'ready';
    } catch (e) {
      if ((e as Error)?.name === 'AnalysisCancelledError' || this.cancel.token.isCancellationRequested) {
        this.state = 'cancelled';
      } else {
        this.state = 'error';
        this.error = readError(this.uri, e);
      }
    }
    return this.state;
  }

  /** Stop the analysis (the notification's Cancel, closing the editor, the tests). */
  cancelAnalysis(): boolean {
    if (this.state !== 'analyzing') return false;
    this.cancel.cancel();
    return true;
  }

  /** The boot shown: the chosen one if the file has it, else the default. */
  bootIndex(defaultBoot: number | null): number | null {
    const f = this.file;
    if (!f) return null;
    return f.boots.some((b) => b.index === this.boot) ? this.boot : defaultBoot;
  }

  /** What import and compare read of one boot (analyzed again with the line texts; cached). */
  logInput(boot: number): Promise<LogInput> {
    let p = this.inputs.get(boot);
    if (!p) {
      p = (async () => {
        const { readLog, readLogText } = await import('../../trace/import');
        const r = this.text !== null ? readLogText(this.text, this.display, { boot }) : await readLog(this.uri.fsPath, { boot, signal: this.cancel.token });
        if (!r.ok) throw new Error(r.message.split(this.uri.fsPath).join(this.display));
        return { ...r.log, path: this.display };
      })();
      p.catch(() => this.inputs.delete(boot));
      this.inputs.set(boot, p);
    }
    return p;
  }

  /** A cancellation for work done for this view (comparing with another log): cancelled when the view closes.
   *  The caller disposes it. */
  linkedCancellation(): vscode.CancellationTokenSource {
    const cts = new vscode.CancellationTokenSource();
    if (this.disposed) cts.cancel();
    const sub = this.cancel.token.onCancellationRequested(() => cts.cancel());
    const dispose = cts.dispose.bind(cts);
    cts.dispose = () => {
      sub.dispose();
      dispose();
    };
    return cts;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.openSub.dispose();
    this.cancel.cancel();
    this.cancel.dispose();
    this.inputs.clear();
    this.onDispose(this);
  }
}
