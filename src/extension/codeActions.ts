// Code actions: each checker finding's fixes as quick fixes (the first one preferred), and
// `source.fixAll.memmap`, which applies the preferred fix of every error (and of every warning of the
// base config that is not a trade-off) as `memmap-lab check --fix` does: in rounds, checked after
// each, leaving out a fix that would add an error (src/check/fixall.ts); for
// "editor.codeActionsOnSave": { "source.fixAll.memmap": "explicit" }. Every action is a WorkspaceEdit, so
// one undo reverts it.
import * as vscode from 'vscode';
import { codeOf, DIAGNOSTIC_SOURCE } from './diagnostics';
import { isConfigDocument } from './configFiles';
import type { EditorAnalyses, EditorModel, FindingEntry } from './checker';
import { quickFixTitle, textChanges } from './figures';
import { findingIdentity } from '../check/policy';
import type { Fix } from '../check/types';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('memmap');

const sameDiagnostic = (a: vscode.Diagnostic, b: vscode.Diagnostic) => a.source === b.source && codeOf(a) === codeOf(b) && a.range.isEqual(b.range) && a.message === b.message;

export class MemmapCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND],
    documentation: [{ kind: FIX_ALL_KIND, command: { command: 'workbench.action.openSettings', title: 'Fix all Memmap Lab problems on save', arguments: ['editor.codeActionsOnSave'] } }],
  };

  constructor(private readonly analyses: EditorAnalyses) {}

  async provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext, token: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    if (!isConfigDocument(doc)) return [];
    const only = context.only;
    const quickFixes = !only || only.contains(vscode.CodeActionKind.QuickFix);
    const fixAll = !!only && (only.contains(FIX_ALL_KIND) || FIX_ALL_KIND.contains(only));
    if (!quickFixes && !fixAll) return [];
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && /^MM\d+$/.test(codeOf(d)));
    if (quickFixes && !fixAll && !ours.length && !only) {
      // Nothing of ours under the cursor: answer without analyzing (the lightbulb asks on every move).
      const published = this.analyses.published(doc);
      if (!published) return [];
    }
    // Asked for (Ctrl+., a menu, a kind on save): analyze now if needed. The lightbulb (automatic, no kind,
    // on every cursor move while typing) waits for the debounced analysis instead of bypassing the debounce.
    const lightbulb = context.triggerKind === vscode.CodeActionTriggerKind.Automatic && !only;
    const model = await this.analyses.current(doc, lightbulb ? 'wait' : 'now', token);
    if (!model || token.isCancellationRequested || model.analysis.snapshot.version !== doc.version) return [];
    const out: vscode.CodeAction[] = [];
    if (quickFixes) out.push(...this.quickFixes(model, range, ours));
    if (fixAll) {
      const all = this.fixAll(model);
      if (all) out.push(all);
    }
    return out;
  }

  private edit(model: EditorModel, fixes: readonly Fix[]): vscode.WorkspaceEdit {
    const edit = new vscode.WorkspaceEdit();
    const uri = model.analysis.snapshot.uri;
    for (const f of fixes) for (const e of f.edits) edit.replace(uri, model.analysis.toRange(e.range), e.newText);
    return edit;
  }

  private quickFixes(model: EditorModel, range: vscode.Range, ours: readonly vscode.Diagnostic[]): vscode.CodeAction[] {
    // The findings whose diagnostics VS Code handed us; without any (a range given by a caller), those at the range.
    let entries: { entry: FindingEntry; diagnostic: vscode.Diagnostic }[] = [];
    for (const d of ours) {
      const entry = model.entries.find((e) => sameDiagnostic(e.diagnostic, d));
      if (entry) entries.push({ entry, diagnostic: d });
    }
    if (!ours.length) entries = model.entries.filter((e) => e.diagnostic.range.intersection(range)).map((entry) => ({ entry, diagnostic: entry.diagnostic }));
    const rules = model.modules.check;
    const out: vscode.CodeAction[] = [];
    for (const { entry, diagnostic } of entries) {
      const rule = rules.ruleById(entry.finding.rule);
      entry.finding.fixes.forEach((fix, i) => {
        const action = new vscode.CodeAction(rule ? quickFixTitle(fix.title, rule) : fix.title, vscode.CodeActionKind.QuickFix);
        action.edit = this.edit(model, [fix]);
        action.diagnostics = [diagnostic];
        action.isPreferred = i === 0;
        out.push(action);
      });
    }
    return out;
  }

  private fixAll(model: EditorModel): vscode.CodeAction | undefined {
    const res = model.fixAll();
    const changes = res && res.applied.length ? textChanges(model.analysis.load.doc!.text, res.text) : [];
    if (!res || !changes.length) return undefined;
    const n = res.applied.length;
    const action = new vscode.CodeAction(`Fix all Memmap Lab problems (${n} fix${n === 1 ? '' : 'es'})`, FIX_ALL_KIND);
    action.edit = new vscode.WorkspaceEdit();
    for (const c of changes) action.edit.replace(model.analysis.snapshot.uri, model.analysis.toRange(c.range), c.newText);
    // The diagnostics of the findings Fix All leaves no trace of.
    const left = new Set(res.result.findings.map(findingIdentity));
    action.diagnostics = model.entries.filter((e) => !left.has(findingIdentity(e.finding))).map((e) => e.diagnostic);
    return action;
  }
}
