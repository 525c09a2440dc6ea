// The palette commands: Simulate Workload, New Workload Config from Example, Check All Workload Configs.
// Each returns what it produced, so the extension-host tests (and other extensions) can check it.
import * as vscode from 'vscode';
import type { ConfigError } from '../config/load';
import type { MemmapResult } from '../core/simulate';
import { formatBytes } from '../config/units';
import type { Ctx } from './ctx';
import type { DiagnosticsController } from './diagnostics';
import { findConfigs, isConfigDocument, readSnapshot } from './configFiles';

export interface SimulateOutcome {
  uri: string;
  name: string | null;
  /** The core's result; null when the config did not load (see `errors`). */
  result: MemmapResult | null;
  /** The loader's findings (errors and warnings). */
  errors: ConfigError[];
}

export interface CheckAllOutcome {
  files: number;
  errors: number;
  warnings: number;
  /** Problems per file (workspace-relative path), files without problems included. */
  byFile: Record<string, number>;
}

const showProblems = () => vscode.commands.executeCommand('workbench.actions.view.problems');

export function registerCommands(ctx: Ctx, diagnostics: DiagnosticsController): void {
  ctx.registerCommand('memmapLab.simulate', (uri?: vscode.Uri) => simulate(ctx, diagnostics, uri));
  ctx.registerCommand('memmapLab.newConfig', (example?: string) => newConfig(ctx, example));
  ctx.registerCommand('memmapLab.checkAll', () => checkAll(ctx, diagnostics));
}

/** The config to act on: the argument (explorer/editor menus), the active editor, or a pick from the workspace. */
async function pickConfig(uri?: vscode.Uri): Promise<vscode.Uri | undefined> {
  if (uri instanceof vscode.Uri) return uri;
  const active = vscode.window.activeTextEditor?.document;
  if (active && isConfigDocument(active)) return active.uri;
  const all = await findConfigs();
  if (all.length <= 1) {
    if (!all.length) void vscode.window.showWarningMessage('Memmap Lab: no *.memmap.yaml / *.memmap.json config is open or in the workspace.', 'New Config from Example').then((a) => a && vscode.commands.executeCommand('memmapLab.newConfig'));
    return all[0];
  }
  const picked = await vscode.window.showQuickPick(
    all.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })),
    { title: 'Memmap Lab: Simulate Workload', placeHolder: 'Which workload config?' },
  );
  return picked?.uri;
}

async function simulate(ctx: Ctx, diagnostics: DiagnosticsController, arg?: vscode.Uri): Promise<SimulateOutcome | undefined> {
  const uri = await pickConfig(arg);
  if (!uri) return undefined;
  const file = vscode.workspace.asRelativePath(uri);
  const analysis = await diagnostics.validate(await readSnapshot(uri), true);
  if (!analysis) throw new Error(`could not analyze ${file} (see the Memmap Lab log)`);
  const { load, sim, simCrash } = analysis;
  const outcome: SimulateOutcome = { uri: uri.toString(), name: load.config?.name ?? null, result: sim, errors: load.errors };
  if (simCrash) throw new Error(`the simulation of ${file} crashed: ${simCrash.split('\n')[0]}`);
  if (!sim || !load.config) {
    const n = load.errors.filter((e) => e.severity === 'error').length;
    ctx.log.warn(`simulate ${file}: not simulated, the config has ${n} error(s)`);
    void vscode.window.showErrorMessage(`Memmap Lab: ${file} has ${n} error${n === 1 ? '' : 's'}; fix ${n === 1 ? 'it' : 'them'} to simulate.`, 'Show Problems').then((a) => a && showProblems());
    return outcome;
  }
  ctx.log.info(`simulate ${file}`);
  const [{ simulateTiming }, { formatSimulationSummary }] = await Promise.all([import('../core/init/index'), import('../report/summary')]);
  const timing = simulateTiming(load.config, sim);
  const at = (r: vscode.Range) => ({ file, line: r.start.line + 1, column: r.start.character + 1 });
  const problems = [
    ...load.errors.map((e) => ({ severity: e.severity, message: e.message, kernelMessage: null, ...at(analysis.toRange(e.range)) })),
    ...sim.errors.map((e) => ({ severity: e.severity, message: e.message, kernelMessage: e.kernelMessage ?? null, ...at(analysis.locate(e.path)) })),
  ];
  ctx.log.appendBlock(formatSimulationSummary({ config: load.config, result: sim, timing, problems, source: file }));
  const m = sim.memmap;
  const failures = sim.errors.length ? ` · ${sim.errors.length} kernel failure${sim.errors.length === 1 ? '' : 's'}` : '';
  const headline = `Memmap Lab: ${load.config.name}: memmap ${formatBytes(m.totalBytes)} (RAM ${formatBytes(m.ramBytes)}, devices ${formatBytes(m.deviceBytes)})${failures}`;
  const show = sim.errors.length ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  void show(headline, 'Show Summary').then((a) => a && ctx.log.show());
  return outcome;
}

interface ExampleItem extends vscode.QuickPickItem {
  uri: vscode.Uri;
}

async function listExamples(ctx: Ctx): Promise<ExampleItem[]> {
  const dir = vscode.Uri.joinPath(ctx.extensionUri, 'examples');
  const entries = await vscode.workspace.fs.readDirectory(dir);
  const items: ExampleItem[] = [];
  for (const [name, type] of entries.sort(([a], [b]) => (a === 'default.memmap.yaml' ? -1 : b === 'default.memmap.yaml' ? 1 : a.localeCompare(b)))) {
    if (type !== vscode.FileType.File || !name.endsWith('.memmap.yaml')) continue;
    const uri = vscode.Uri.joinPath(dir, name);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const title = /^name:\s*(.+?)\s*$/m.exec(text)?.[1]?.replace(/^(["'])(.*)\1$/, '$2');
    items.push({ label: name.replace(/\.memmap\.yaml$/, ''), description: title, uri });
  }
  return items;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** An unsaved editor named <example>.memmap.yaml (in the first workspace folder) holding the example. */
async function newConfig(ctx: Ctx, example?: string): Promise<string | undefined> {
  const items = await listExamples(ctx);
  const item = example
    ? items.find((i) => i.label === example || i.label === example.replace(/\.memmap\.yaml$/, ''))
    : await vscode.window.showQuickPick(items, { title: 'Memmap Lab: New Workload Config from Example', placeHolder: 'Start from which example?', matchOnDescription: true });
  if (!item) {
    if (example) throw new Error(`no example named "${example}"`);
    return undefined;
  }
  // The examples point $schema at the repository's schema; the contributed yamlValidation covers the copy.
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(item.uri)).replace(/^\$schema:.*\r?\n/m, '');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  let target: vscode.Uri | undefined;
  for (let i = 1; !target; i++) {
    const name = `${item.label}${i === 1 ? '' : `-${i}`}.memmap.yaml`;
    const candidate = folder ? vscode.Uri.joinPath(folder, name) : vscode.Uri.from({ scheme: 'untitled', path: name });
    const open = vscode.workspace.textDocuments.some((d) => d.uri.path === candidate.path);
    if (!open && !(folder && (await exists(candidate)))) target = candidate.with({ scheme: 'untitled' });
  }
  const doc = await vscode.workspace.openTextDocument(target);
  const editor = await vscode.window.showTextDocument(doc);
  await editor.edit((b) => b.insert(new vscode.Position(0, 0), text));
  ctx.log.info(`new config ${target.path} from example ${item.label}`);
  return doc.uri.toString();
}

async function checkAll(ctx: Ctx, diagnostics: DiagnosticsController): Promise<CheckAllOutcome> {
  const uris = await findConfigs();
  const outcome: CheckAllOutcome = { files: uris.length, errors: 0, warnings: 0, byFile: {} };
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Memmap Lab: checking configs' }, async (progress) => {
    for (const [i, uri] of uris.entries()) {
      progress.report({ message: `${i + 1}/${uris.length}` });
      await diagnostics.validate(await readSnapshot(uri), true);
      const found = diagnostics.collection.get(uri) ?? [];
      outcome.byFile[vscode.workspace.asRelativePath(uri)] = found.length;
      outcome.errors += found.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
      outcome.warnings += found.filter((d) => d.severity === vscode.DiagnosticSeverity.Warning).length;
    }
  });
  diagnostics.markWorkspaceChecked();
  const bad = Object.values(outcome.byFile).filter((n) => n > 0).length;
  const summary = `checked ${outcome.files} config${outcome.files === 1 ? '' : 's'}: ${outcome.errors} error(s), ${outcome.warnings} warning(s) in ${bad} file(s)`;
  ctx.log.info(summary);
  if (bad) void vscode.window.showWarningMessage(`Memmap Lab: ${summary}.`, 'Show Problems').then((a) => a && showProblems());
  else void vscode.window.showInformationMessage(`Memmap Lab: ${summary}.`);
  return outcome;
}
