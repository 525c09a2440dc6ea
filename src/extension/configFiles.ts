// Which files are workload configs, and reading them whether or not they are open in an editor.
import * as vscode from 'vscode';

/** Workload configs: *.memmap.json (JSON with comments), *.memmap.yaml, *.memmap.yml. */
export const CONFIG_GLOB = '**/*.memmap.{json,yaml,yml}';
const CONFIG_NAME = /\.memmap\.(json|ya?ml)$/i;

export function isConfigUri(uri: vscode.Uri): boolean {
  return CONFIG_NAME.test(uri.path);
}

/** Schemes of read-only views of a file (diff bases, ...): their problems would duplicate the file's. */
const VIEW_SCHEMES = new Set(['git', 'output', 'vscode-scm', 'review', 'pr']);

export function isConfigDocument(doc: vscode.TextDocument): boolean {
  return isConfigUri(doc.uri) && !VIEW_SCHEMES.has(doc.uri.scheme);
}

/** The text of one version of a config: an open document's, or a file's on disk. */
export interface TextSnapshot {
  uri: vscode.Uri;
  /** File name handed to the loader (it picks JSON or YAML from it). */
  fileName: string;
  text: string;
  /** The document's version, or -1 for text read from disk. */
  version: number;
  /** The open document this text came from (its positionAt maps offsets); absent for disk text. */
  document?: vscode.TextDocument;
}

export function snapshotOf(doc: vscode.TextDocument): TextSnapshot {
  return { uri: doc.uri, fileName: doc.uri.path, text: doc.getText(), version: doc.version, document: doc };
}

/** The open document's text if it is open (unsaved edits included), else the file's. */
export function readSnapshot(uri: vscode.Uri): Promise<TextSnapshot> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  return open ? Promise.resolve(snapshotOf(open)) : readDiskSnapshot(uri);
}

export async function readDiskSnapshot(uri: vscode.Uri): Promise<TextSnapshot> {
  return { uri, fileName: uri.path, text: new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)), version: -1 };
}

/** Folders whose configs are not the project's: dependencies and the e2e tools' work areas. */
const SKIPPED_FOLDERS = ['node_modules', '.e2e-tools', '.e2e-work'];

/** Whether a config lies in one of SKIPPED_FOLDERS (below the workspace folder). */
export function inSkippedFolder(uri: vscode.Uri): boolean {
  const parts = vscode.workspace.asRelativePath(uri, false).split('/');
  return parts.slice(0, -1).some((p) => SKIPPED_FOLDERS.includes(p));
}

/** Every workload config in the workspace (node_modules and the e2e tool folders left out). */
export function findConfigs(): Thenable<vscode.Uri[]> {
  return vscode.workspace.findFiles(CONFIG_GLOB, `{${SKIPPED_FOLDERS.map((f) => `**/${f}/**`).join(',')}}`);
}
