// What the Memmap Log View's buttons do outside the view: pick a workload config to link, decide where
// "Import as Workload Config" writes (beside the log; a Save dialog where that is not writable; never over
// an existing file without asking), and find the ndctl / daxctl JSON of the same machine beside the log.
import * as vscode from 'vscode';
import { findConfigs } from '../configFiles';

/** A quick pick over the workspace's configs (plus "Browse…"); undefined when dismissed. */
export async function pickConfig(logName: string): Promise<vscode.Uri | undefined> {
  const all = await findConfigs();
  const browse = { label: '$(folder-opened) Browse…', description: 'a config outside the workspace', uri: undefined as vscode.Uri | undefined };
  const items = [...all.sort((a, b) => a.path.localeCompare(b.path)).map((u) => ({ label: vscode.workspace.asRelativePath(u), description: undefined as string | undefined, uri: u as vscode.Uri | undefined })), browse];
  const picked = await vscode.window.showQuickPick(items, { title: `Memmap Lab: Link Workload Config to ${logName}`, placeHolder: 'Which workload config describes this machine? (its prediction is compared with the log)' });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const chosen = await vscode.window.showOpenDialog({ title: 'Memmap Lab: Link Workload Config', canSelectMany: false, filters: { 'Workload config': ['yaml', 'yml', 'json'] }, openLabel: 'Link' });
  return chosen?.[0];
}

export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** `<log basename>.memmap.yaml`: dmesg.txt, boot.log, boot.dmesg, boot.trace.json -> dmesg / boot. */
export function importName(logPath: string): string {
  const name = logPath.split('/').pop() ?? '';
  const base = name.replace(/\.trace\.json$/i, '').replace(/\.(log|txt|dmesg|json)$/i, '');
  return `${base || 'machine'}.memmap.yaml`;
}

/**
 * Where to write the imported config: beside the log when that folder is writable (asking before
 * replacing a file), else wherever the user saves it. undefined: the user backed out.
 */
export async function importTarget(logUri: vscode.Uri, name: string, opts: { target?: vscode.Uri; overwrite?: boolean }): Promise<vscode.Uri | undefined> {
  if (opts.target) {
    if (!opts.overwrite && (await exists(opts.target))) return (await confirmReplace(opts.target)) ? opts.target : undefined;
    return opts.target;
  }
  const beside = vscode.Uri.joinPath(logUri, '..', name);
  if (vscode.workspace.fs.isWritableFileSystem(beside.scheme) !== true) return saveDialog(beside, name);
  if (!opts.overwrite && (await exists(beside)) && !(await confirmReplace(beside))) return undefined;
  return beside;
}

export async function saveDialog(beside: vscode.Uri, name: string): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.find((f) => vscode.workspace.fs.isWritableFileSystem(f.uri.scheme) === true)?.uri;
  return vscode.window.showSaveDialog({
    title: `Memmap Lab: Import as Workload Config (${beside.path.split('/').slice(-2, -1)[0] ?? 'the log\'s folder'} is read-only)`,
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : beside,
    filters: { 'Workload config (YAML)': ['yaml', 'yml'] },
    saveLabel: 'Import',
  });
}

async function confirmReplace(uri: vscode.Uri): Promise<boolean> {
  const name = uri.path.split('/').pop();
  const a = await vscode.window.showWarningMessage(`${name} already exists. Replace it with the config imported from the log?`, { modal: true, detail: 'The current file is overwritten (Undo in its editor can bring its text back while the editor is open).' }, 'Replace');
  return a === 'Replace';
}

/** `ndctl list` / `daxctl list` output saved beside a log (a bug report's folder): files named ndctl*.json or
 *  daxctl*.json that hold such JSON. The import takes their namespaces and dax devices too; a file that does
 *  not parse is left out and said so in `skipped`. */
export async function deviceJsonBeside(logUri: vscode.Uri): Promise<{ files: Array<{ path: string; parse: import('../../trace/import/ndctl').NdctlParse }>; skipped: string[] }> {
  const dir = vscode.Uri.joinPath(logUri, '..');
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(dir);
  } catch {
    return { files: [], skipped: [] };
  }
  const { looksLikeNdctlJson, parseNdctlJson } = await import('../../trace/import/ndctl');
  const files: Array<{ path: string; parse: import('../../trace/import/ndctl').NdctlParse }> = [];
  const skipped: string[] = [];
  for (const [name, type] of entries.sort((a, b) => a[0].localeCompare(b[0]))) {
    if (type !== vscode.FileType.File || !/^(?:ndctl|daxctl)[\w.-]*\.json$/i.test(name)) continue;
    const uri = vscode.Uri.joinPath(dir, name);
    try {
      if ((await vscode.workspace.fs.stat(uri)).size > 16 * 1024 * 1024) {
        skipped.push(`${name}: larger than 16 MiB`);
        continue;
      }
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      const parse = parseNdctlJson(text);
      if (!looksLikeNdctlJson(text) || parse.errors.length) skipped.push(`${name}: ${parse.errors[0] ? `line ${parse.errors[0].line}: ${parse.errors[0].message}` : 'not ndctl / daxctl JSON'}`);
      else files.push({ path: name, parse });
    } catch (e) {
      skipped.push(`${name}: ${(e as Error).message}`);
    }
  }
  return { files, skipped };
}
