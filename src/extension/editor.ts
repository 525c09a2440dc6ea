// The editor features on workload configs, wired in one call from activate(): the checker's findings
// as diagnostics (checker.ts), quick fixes and source.fixAll.memmap (codeActions.ts), hovers
// (hover.ts) and CodeLens (codeLens.ts). Everything registered here is owned by the Ctx.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import type { DiagnosticsController } from './diagnostics';
import { checkerDiagnostics, EditorAnalyses } from './checker';
import { MemmapCodeActions } from './codeActions';
import { MemmapHover } from './hover';
import { MemmapCodeLens } from './codeLens';

/** Workload configs of any scheme (file, untitled, remote); providers skip read-only views (configFiles.ts). */
export const CONFIG_SELECTOR: vscode.DocumentSelector = [{ pattern: '**/*.memmap.{json,yaml,yml}' }];

export function registerEditorFeatures(ctx: Ctx, diagnostics: DiagnosticsController): EditorAnalyses {
  const analyses = new EditorAnalyses(ctx, diagnostics);
  ctx.track(diagnostics.register(checkerDiagnostics(ctx, analyses)));
  ctx.track(vscode.languages.registerCodeActionsProvider(CONFIG_SELECTOR, new MemmapCodeActions(analyses), MemmapCodeActions.metadata));
  ctx.track(vscode.languages.registerHoverProvider(CONFIG_SELECTOR, new MemmapHover(analyses)));
  ctx.track(vscode.languages.registerCodeLensProvider(CONFIG_SELECTOR, new MemmapCodeLens(ctx, analyses)));
  return analyses;
}
