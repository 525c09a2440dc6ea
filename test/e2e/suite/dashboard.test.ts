// The dashboard inside a real extension host: the commands open a webview panel whose charts really get
// drawn (the webview reports its canvases' non-blank pixel counts back), the model carries the default
// example's figures, edits update it live, and Export Timeline writes a valid Chrome trace.
/// <reference types="mocha" />
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { DashboardPanelInfo } from '../../../src/extension/dashboard/panel';
import type { ExportTimelineOutcome, OpenDashboardOutcome } from '../../../src/extension/dashboard/index';
import { loadConfigText } from '../../../src/config/load';
import { simulateMemmap } from '../../../src/core/simulate';
import { closeAllEditors, EXTENSION_ID, fileUri, waiter } from './helpers';

const GiB = 1024 ** 3;

const waitFor = waiter(30_000, 150);

const panels = async (): Promise<DashboardPanelInfo[]> => ((await vscode.commands.executeCommand<{ panels: DashboardPanelInfo[] }>('memmapLab._dashboard')) ?? { panels: [] }).panels;
const panelOf = async (uri: vscode.Uri) => (await panels()).find((p) => p.uri === uri.toString());

const defaultUri = () => fileUri('default.memmap.yaml');

/** Waits until the webview reported a drawn `view` with every chart non-blank. */
async function drawn(uri: vscode.Uri, view: string): Promise<DashboardPanelInfo> {
  return waitFor(`the ${view} view drawn`, async () => {
    const p = await panelOf(uri);
    const r = p?.rendered;
    return r && r.view === view && r.charts.length > 0 && r.charts.every((c) => c.nonBlankPixels > 500) ? p : undefined;
  });
}

suite('Memmap Lab dashboard', () => {
  suiteSetup(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
  });
  suiteTeardown(closeAllEditors);

  test('the dashboard commands are registered', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const c of ['memmapLab.openDashboard', 'memmapLab.compareScenarios', 'memmapLab.exportTimeline']) assert.ok(commands.includes(c), `${c} not registered`);
  });

  test('Open Dashboard opens a panel for the active config and its charts get drawn', async () => {
    const uri = await defaultUri();
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const outcome = await vscode.commands.executeCommand<OpenDashboardOutcome>('memmapLab.openDashboard');
    assert.deepStrictEqual(outcome, { uri: uri.toString(), view: 'memory', focus: null });
    const p = await drawn(uri, 'memory');
    assert.ok(p.visible, 'the panel is visible');
    assert.deepStrictEqual(
      p.rendered!.charts.map((c) => c.id),
      ['memory'],
    );
    assert.ok(p.rendered!.charts[0].width > 200 && p.rendered!.charts[0].height > 100, JSON.stringify(p.rendered!.charts));
    assert.deepStrictEqual(p.rendered!.cspViolations, [], 'no Content-Security-Policy violation');
    assert.strictEqual(p.rejected, 0, 'every webview message validated');
  });

  test('the model holds the default example\'s figures', async () => {
    const uri = await defaultUri();
    const p = (await waitFor('a model', async () => (await panelOf(uri))?.model && panelOf(uri)))!;
    const m = p.model!;
    const doc = await vscode.workspace.openTextDocument(uri);
    const sim = simulateMemmap(loadConfigText(doc.getText(), uri.path).config!);
    assert.strictEqual(m.status, 'ok');
    assert.strictEqual(m.headline!.totalBytes, sim.memmap.totalBytes);
    assert.strictEqual(m.headline!.ramBytes, sim.memmap.ramBytes);
    assert.strictEqual(m.headline!.dedupSavedBytes, 18 * GiB);
    assert.deepStrictEqual(
      m.memory.map((r) => r.key),
      ['node:0', 'node:1', 'device:namespace0.0'],
    );
    assert.deepStrictEqual(
      m.compare!.columns.map((c) => c.name),
      ['base', 'memmap on the device', '1G device alignment', 'HVO off'],
    );
    assert.ok(m.timeline!.totalSpans > 100);
    const warn = m.findings.find((f) => f.code === 'MM022')!;
    assert.ok(warn, 'the checker\'s MM022 finding');
    assert.strictEqual(doc.getText(new vscode.Range(warn.loc!.startLine, warn.loc!.startCharacter, warn.loc!.endLine, warn.loc!.endCharacter)), '1G');
  });

  test('Compare Scenarios opens the comparison, focused on a scenario', async () => {
    const uri = await defaultUri();
    const outcome = await vscode.commands.executeCommand<OpenDashboardOutcome>('memmapLab.compareScenarios', { uri, focus: { kind: 'scenario', name: 'HVO off' } });
    assert.deepStrictEqual(outcome, { uri: uri.toString(), view: 'compare', focus: { kind: 'scenario', name: 'HVO off' } });
    const p = await drawn(uri, 'compare');
    assert.deepStrictEqual(
      p.rendered!.charts.map((c) => c.id).sort(),
      ['compare-memory', 'compare-timing'],
    );
    assert.strictEqual((await panels()).length, 1, 'the same panel, revealed');
  });

  test('openDashboard { uri, focus: device } switches to the memory view; a bad focus is refused', async () => {
    const uri = await defaultUri();
    const outcome = await vscode.commands.executeCommand<OpenDashboardOutcome>('memmapLab.openDashboard', { uri: uri.toString(), focus: { kind: 'device', name: 'namespace0.0' } });
    assert.strictEqual(outcome?.view, 'memory');
    await drawn(uri, 'memory');
    const bad = await vscode.commands.executeCommand('memmapLab.openDashboard', { uri, focus: { kind: 'cpu', name: '0' } });
    assert.strictEqual(bad, undefined);
  });

  test('the dashboard follows edits of the config (live), and undo', async () => {
    const uri = await defaultUri();
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), vscode.ViewColumn.One);
    const doc = editor.document;
    const before = (await panelOf(uri))!;
    assert.strictEqual(before.model!.hugetlb[0].count, 64);
    const i = doc.getText().indexOf('count: 64');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(doc.positionAt(i), doc.positionAt(i + 'count: 64'.length)), 'count: 32');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const after = await waitFor('the model with 32 pages', async () => {
      const p = await panelOf(uri);
      return p?.model?.hugetlb[0].count === 32 && p;
    });
    assert.ok(after.modelsSent > before.modelsSent, 'a new model was posted to the webview');
    assert.strictEqual(after.model!.memory[0].hvoSavedBytes, 32 * (16 * 1024 * 1024 - 4096));
    await vscode.commands.executeCommand('undo');
    await waitFor('the model back at 64 pages', async () => (await panelOf(uri))?.model?.hugetlb[0].count === 64);
    await waitFor('the fixture clean again', () => !doc.isDirty, 5_000);
  });

  test('Export Timeline writes a Chrome trace (target URI argument)', async () => {
    const uri = await defaultUri();
    const target = vscode.Uri.joinPath(uri, '..', 'default.trace.json');
    const outcome = await vscode.commands.executeCommand<ExportTimelineOutcome>('memmapLab.exportTimeline', uri, target);
    assert.ok(outcome, 'no outcome');
    assert.strictEqual(outcome.target, target.toString());
    const trace = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(target))) as { traceEvents: { ph: string; name: string; dur?: number }[]; otherData: { config: string } };
    assert.strictEqual(trace.traceEvents.length, outcome.events);
    assert.ok(trace.traceEvents.filter((e) => e.ph === 'X').length > 100, 'complete events for the spans');
    assert.ok(trace.traceEvents.some((e) => e.ph === 'M' && e.name === 'thread_name'));
    assert.strictEqual(trace.otherData.config, '2-socket server, 1.5 TiB Optane devdax, 1 GiB HugeTLB');
    await vscode.workspace.fs.delete(target);
    // The { uri, target } form too.
    const again = await vscode.commands.executeCommand<ExportTimelineOutcome>('memmapLab.exportTimeline', { uri, target });
    assert.strictEqual(again?.events, outcome.events);
    await vscode.workspace.fs.delete(target);
  });

  test('a config deleted while its dashboard is open (and not in an editor): the panel says it cannot read it', async () => {
    const src = await defaultUri();
    const copy = vscode.Uri.joinPath(src, '..', 'deleted-while-open.memmap.yaml');
    await vscode.workspace.fs.writeFile(copy, await vscode.workspace.fs.readFile(src));
    try {
      await vscode.commands.executeCommand('memmapLab.openDashboard', copy.toString());
      await waitFor('the copy simulated', async () => (await panelOf(copy))?.model?.status === 'ok');
      await vscode.workspace.fs.delete(copy, { useTrash: false });
      const p = await waitFor('the unavailable banner', async () => {
        const info = await panelOf(copy);
        return info?.model?.status === 'crashed' && info.modelsSent >= 2 ? info : undefined;
      });
      assert.match(p.model!.statusMessage ?? '', /^cannot read the config: /);
      assert.deepStrictEqual([p.model!.memory.length, p.model!.headline], [0, null], 'no figures of a config that is gone');
    } finally {
      await vscode.workspace.fs.delete(copy, { useTrash: false }).then(undefined, () => undefined);
    }
  });

  test('closing the panel forgets it', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('no dashboard panel', async () => (await panels()).length === 0, 10_000);
  });
});
