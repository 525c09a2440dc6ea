// What activation registers for the Memmap Log View: the custom editor provider, its commands and the
// linked-config watcher, as thin forwards to LogViews (index.ts). LogViews, the log readers and the
// view model are imported on first use (the lazy bundle), so a workspace that never opens a log does
// not pay for them at activation.
import * as vscode from 'vscode';
import { LOGVIEW_VIEW_TYPE } from '../../protocol/logview';
import type { Ctx } from '../ctx';
import type { LogDocument } from './document';
import type { LogViews } from './index';

/** The commands LogViews.command() answers; the "_" ones are not contributed (the e2e tests use them). */
export const LOGVIEW_COMMANDS = ['memmapLab.analyzeLog', 'memmapLab.logView.linkConfig', 'memmapLab.logView.importConfig', 'memmapLab._logView', 'memmapLab._logViewCancel', 'memmapLab._logViewCompareLog'] as const;
export type LogViewCommand = (typeof LOGVIEW_COMMANDS)[number];

export function registerLogView(ctx: Ctx): void {
  let views: Promise<LogViews> | undefined;
  const load = () => (views ??= import('./index').then((m) => new m.LogViews(ctx)));
  const provider: vscode.CustomReadonlyEditorProvider<LogDocument> = {
    openCustomDocument: async (uri, context, token) => (await load()).openCustomDocument(uri, context, token),
    resolveCustomEditor: async (doc, panel) => (await load()).resolveCustomEditor(doc, panel),
  };
  ctx.track(vscode.window.registerCustomEditorProvider(LOGVIEW_VIEW_TYPE, provider, { webviewOptions: { enableFindWidget: true }, supportsMultipleEditorsPerDocument: false }));
  for (const id of LOGVIEW_COMMANDS) ctx.registerCommand(id, async (arg?: unknown) => (await load()).command(id, arg));
  // Only a loaded LogViews can have linked logs open.
  ctx.track(vscode.workspace.onDidChangeTextDocument((e) => void views?.then((v) => v.configChanged(e))));
}
