// What the two webview hosts (the dashboard panel, src/extension/dashboard/panel.ts, and the Memmap Log
// View editor, src/extension/logview/editor.ts) do alike: follow their panel's lifecycle, put what the
// webview reports into the extension's log, and open their file as text at the place the webview names.
import * as vscode from 'vscode';
import type { Parsed } from '../protocol/dashboard';
import { errorText } from './ctx';
import type { Log } from './log';

/**
 * Passes the panel's messages to `message` (unvalidated: the host validates them), its disposal to
 * `disposed`, and its hiding to `hidden`: hidden webviews are destroyed (no retainContextWhenHidden) and
 * say "ready" again when shown.
 */
export function watchPanel(panel: vscode.WebviewPanel, on: { message(raw: unknown): void; disposed(): void; hidden(): void }): vscode.Disposable[] {
  return [
    panel.webview.onDidReceiveMessage((m) => on.message(m)),
    panel.onDidDispose(() => on.disposed()),
    panel.onDidChangeViewState((e) => {
      if (!e.webviewPanel.visible) on.hidden();
    }),
  ];
}

/** A message of the webview (untrusted) if `parse` accepts it; else null, and a warning in the log that names `who`. */
export function validMessage<M>(raw: unknown, parse: (x: unknown) => Parsed<M>, log: Log, who: string): M | null {
  const parsed = parse(raw);
  if (parsed.ok) return parsed.value;
  log.warn(`${who}: ignored an invalid message from the webview: ${parsed.error}`);
  return null;
}

/** Does what a webview button asked for; a failure is logged (as `failed`) and shown, not thrown. */
export async function runForWebview(log: Log, failed: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    log.error(failed, e);
    void vscode.window.showErrorMessage(`Memmap Lab: ${errorText(e)}`);
  }
}

interface Rendered {
  theme: string;
  charts: readonly { id: string; width: number; height: number; nonBlankPixels: number }[];
  cspViolations: readonly string[];
}

/** A "rendered" message: `${who} ${what} (theme): the charts` at debug level, Content-Security-Policy violations as a warning. */
export function logRendered(log: Log, who: string, what: string, m: Rendered): void {
  log.debug(`${who} ${what} (${m.theme}): ${m.charts.map((c) => `${c.id} ${c.width}x${c.height} ${c.nonBlankPixels}px`).join(', ') || 'no charts'}`);
  if (m.cspViolations.length) log.warn(`${who}: Content-Security-Policy violations: ${m.cspViolations.join('; ')}`);
}

/** A "log" message of the webview (a script error, say) into the extension's log. */
export function logFromWebview(log: Log, m: { level: 'error' | 'warn' | 'info'; message: string }): void {
  if (m.level === 'error') log.error(m.message);
  else if (m.level === 'warn') log.warn(m.message);
  else log.info(m.message);
}

/**
 * Opens `uri` as text with `range(doc)` selected and scrolled into view (centred if it was off-screen), in
 * the editor group that already shows the file, else in `column`.
 */
export async function showTextRange(uri: vscode.Uri, range: (doc: vscode.TextDocument) => vscode.Range, column: vscode.ViewColumn, options: { preview?: boolean; preserveFocus?: boolean }): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const selection = range(doc);
  const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: visible?.viewColumn ?? column, selection, ...options });
  editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
