// Entry point (package.json "main" = dist/extension.js, bundled from this file). Activation only wires
// things up: the config loader and the mm core are imported on first use (analysis.ts).
import * as vscode from 'vscode';
import { Ctx } from './ctx';
import { DiagnosticsController } from './diagnostics';
import { StatusBar } from './statusBar';
import { registerCommands } from './commands';
import { registerDashboard, type Dashboards } from './dashboard/index';
import { registerEditorFeatures } from './editor';
import { registerLogView } from './logview/register';
import type { EditorAnalyses } from './checker';
import { analysisThread } from './analysis';
import type { AnalysisThread } from './analysis-thread';

/** What activate() returns: other components (and the tests) plug into it. */
export interface MemmapLabApi {
  diagnostics: DiagnosticsController;
  statusBar: StatusBar;
  /** The dashboard panels (commands memmapLab.openDashboard / compareScenarios / exportTimeline). */
  dashboards: Dashboards;
  /** The checker's findings, quick fixes, hovers and CodeLens (editor.ts). */
  editor: EditorAnalyses;
  /** The thread configs are parsed and simulated in (analysis.ts). */
  analysis: AnalysisThread;
}

let ctx: Ctx | undefined;

export function activate(context: vscode.ExtensionContext): MemmapLabApi | undefined {
  const c = new Ctx(context);
  ctx = c;
  try {
    const diagnostics = new DiagnosticsController(c);
    const statusBar = new StatusBar(c, diagnostics);
    registerCommands(c, diagnostics);
    const editor = registerEditorFeatures(c, diagnostics);
    const dashboards = registerDashboard(c, diagnostics, editor);
    registerLogView(c);
    c.log.info(`Memmap Lab ${context.extension.packageJSON.version} activated (${vscode.env.appName} ${vscode.version}, ${context.extensionMode === vscode.ExtensionMode.Test ? 'test' : 'normal'} mode)`);
    return { diagnostics, statusBar, dashboards, editor, analysis: analysisThread(c) };
  } catch (e) {
    c.log.error('activation failed', e);
    void vscode.window.showErrorMessage(`Memmap Lab failed to start: ${(e as Error)?.message ?? String(e)}`, 'Show Log').then((a) => a && c.log.show());
    // Keep only the log channel alive so the user can read what went wrong.
    return undefined;
  }
}

export function deactivate(): void {
  ctx?.dispose();
  ctx = undefined;
}
