// What the extension-host suites share: the extension's id, polling until a condition holds, the test
// workspace's files, text ranges, and closing editors without saving. Not a suite itself (index.ts loads
// *.test.js only).
import * as assert from 'assert';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'memmap-lab.memmap-lab';

export type WaitFor = <T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs?: number) => Promise<T>;

/**
 * A waitFor: calls `fn` every `pollMs` until it returns something truthy (which it resolves to), for up to
 * `timeoutMs` (by default `defaultTimeoutMs`); a throw counts as "not yet", and the last one is in the
 * timeout's error.
 */
export function waiter(defaultTimeoutMs: number, pollMs: number): WaitFor {
  return async (what, fn, timeoutMs = defaultTimeoutMs) => {
    const end = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      try {
        const v = await fn();
        if (v) return v;
      } catch (e) {
        last = e;
      }
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
      await new Promise((r) => setTimeout(r, pollMs));
    }
  };
}

/** The test workspace's file `name` (anywhere in it). */
export async function fileUri(name: string): Promise<vscode.Uri> {
  const [uri] = await vscode.workspace.findFiles(`**/${name}`);
  assert.ok(uri, `${name} not found in the test workspace`);
  return uri;
}

/** The test workspace's file `name` in a text editor. */
export async function open(name: string): Promise<vscode.TextEditor> {
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(await fileUri(name)));
}

/** The range of the first occurrence of `token` at or after offset `from` (found by text search, not by the loader). */
export function rangeOfText(doc: vscode.TextDocument, token: string, from = 0): vscode.Range {
  const i = doc.getText().indexOf(token, from);
  assert.ok(i >= 0, `${token} not in ${doc.uri.path}`);
  return new vscode.Range(doc.positionAt(i), doc.positionAt(i + token.length));
}

/** "line:character-line:character" (0-based), for comparing ranges in assertion messages. */
/** A diagnostic's code as text (a rule's code is { value, target }). */
export const codeOf = (d: vscode.Diagnostic): string => (typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? ''));

export const at = (r: vscode.Range): string => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;

/** Closes every editor without saving: a test that failed half-way must not write its edits to the fixtures. */
export async function closeAllEditors(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty)) {
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
