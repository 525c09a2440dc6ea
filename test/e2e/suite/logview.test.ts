// The Memmap Log View inside a real extension host: "Analyze Kernel Log…" opens a kernel log in the
// custom editor, the webview receives the model with the log's figures and draws the timeline, "Import as
// Workload Config" writes a config beside the log that loads and is linked, linking a config gives
// measured-vs-predicted rows, and an analysis can be cancelled (a slow virtual file system holds the read)
// or fail (an unreadable file) without leaving a half-shown view.
/// <reference types="mocha" />
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { LogEditorInfo } from '../../../src/extension/logview/editor';
import type { AnalyzeLogOutcome, CompareLogOutcome, ImportOutcome, LinkOutcome, LogOutcome } from '../../../src/extension/logview/index';
import { loadConfigText } from '../../../src/config/load';
import { simulateMemmap } from '../../../src/core/simulate';
import { EXTENSION_ID, fileUri, waiter } from './helpers';

const VIEW_TYPE = 'memmapLab.logView';
const LOG = 'synthetic-2node.log';

const waitFor = waiter(30_000, 150);

const state = async () => (await vscode.commands.executeCommand<{ editors: LogEditorInfo[]; outcomes: LogOutcome[] }>('memmapLab._logView')) ?? { editors: [], outcomes: [] };
const editorOf = async (uri: vscode.Uri) => (await state()).editors.find((e) => e.uri === uri.toString());
const logTabs = (uri: vscode.Uri) => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputCustom && t.input.viewType === VIEW_TYPE && t.input.uri.toString() === uri.toString());

const logUri = () => fileUri(LOG);

/** A read-only virtual file system whose reads wait until released (or fail), for cancellation and errors. */
class SlowFs implements vscode.FileSystemProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  readonly reads: string[] = [];
  private release: (() => void) | null = null;
  private readonly held = new Promise<void>((r) => (this.release = r));
  constructor(private readonly text: Uint8Array) {}
  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  stat(uri: vscode.Uri): vscode.FileStat {
    if (uri.path === '/') return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
    return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: this.text.byteLength };
  }
  readDirectory(): [string, vscode.FileType][] {
    return [
      ['slow.log', vscode.FileType.File],
      ['unreadable.log', vscode.FileType.File],
    ];
  }
  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    this.reads.push(uri.path);
    if (uri.path === '/unreadable.log') throw vscode.FileSystemError.NoPermissions(uri);
    await this.held;
    return this.text;
  }
  releaseReads(): void {
    this.release?.();
  }
  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions();
  }
  writeFile(): void {
    throw vscode.FileSystemError.NoPermissions();
  }
  delete(): void {
    throw vscode.FileSystemError.NoPermissions();
  }
  rename(): void {
    throw vscode.FileSystemError.NoPermissions();
  }
}

suite('Memmap Log View', () => {
  suiteSetup(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the command and the custom editor are contributed (priority "option": plain text stays the default)', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const [editor] = ext.packageJSON.contributes.customEditors as { viewType: string; priority: string; selector: { filenamePattern: string }[] }[];
    assert.strictEqual(editor.viewType, VIEW_TYPE);
    assert.strictEqual(editor.priority, 'option');
    assert.deepStrictEqual(
      editor.selector.map((s) => s.filenamePattern),
      ['*.log', 'dmesg*', '*.dmesg', '*.trace.json'],
    );
    const commands = await vscode.commands.getCommands(true);
    for (const c of ['memmapLab.analyzeLog', 'memmapLab.logView.linkConfig', 'memmapLab.logView.importConfig']) assert.ok(commands.includes(c), `${c} not registered`);
  });

  test('a real boot log from the corpus (../shared/corpus, read in place): the INDEX figures are in the view', async function () {
    // 04: Supermicro 2-node 256G, syslog prefixes and quoted-printable mail text (INDEX.md row 04).
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const uri = vscode.Uri.joinPath(ext.extensionUri, '..', 'shared', 'corpus', '04-x86-supermicro-2node-256g-syslog-qp.log');
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      assert.fail(`the corpus is not next to the repository (${uri.toString()}): the tests read it from ../shared/corpus`);
    }
    await vscode.commands.executeCommand('memmapLab.analyzeLog', uri);
    const e = await waitFor('the corpus log drawn', async () => {
      const x = await editorOf(uri);
      return x?.model?.boot && (x.rendered?.charts ?? []).some((c) => c.id === 'log-timeline' && c.nonBlankPixels > 500) ? x : undefined;
    });
    const b = e.model!.boot!;
    assert.deepStrictEqual(
      b.deferred.map((d) => [d.node, d.ms]),
      [
        [0, 56],
        [1, 60],
      ],
    );
    assert.deepStrictEqual([b.memory!.availableKiB, b.memory!.totalKiB], [1852992, 268037724]);
    assert.ok(b.memory!.fields.some((f) => f.label === 'reserved' && f.kib === 4369320), JSON.stringify(b.memory!.fields));
    assert.deepStrictEqual(
      b.hugetlb.filter((h) => h.freeableKiB !== null).map((h) => [h.pageSizeBytes, h.freeableKiB]),
      [
        [2 ** 30, 16380],
        [2 ** 21, 28],
      ],
    );
    assert.ok(b.overview.some((f) => /memory block/i.test(f.label) && /2 GiB/.test(f.value)), JSON.stringify(b.overview));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('Analyze Kernel Log… opens the log in the Memmap Log View: the model carries the log\'s figures, the timeline is drawn', async () => {
    const uri = await logUri();
    const outcome = await vscode.commands.executeCommand<AnalyzeLogOutcome>('memmapLab.analyzeLog', uri);
    assert.deepStrictEqual(outcome, { uri: uri.toString() });
    await waitFor('the log view', async () => (await editorOf(uri))?.model);
    // A link left by an earlier suite (workspace state) is dropped first: { config: null } unlinks.
    const unlinked = await vscode.commands.executeCommand<LinkOutcome>('memmapLab.logView.linkConfig', { uri, config: null });
    assert.deepStrictEqual(unlinked, { log: uri.toString(), config: null, comparison: null });
    const e = await waitFor('the log view drawn, unlinked', async () => {
      const x = await editorOf(uri);
      const charts = x?.rendered?.charts ?? [];
      return x?.model?.link === null && charts.map((c) => c.id).join() === 'log-timeline' && charts.every((c) => c.nonBlankPixels > 500) ? x : undefined;
    });
    assert.strictEqual(logTabs(uri).length, 1, 'one Memmap Log View tab');
    const m = e.model!;
    assert.strictEqual(m.status, 'ok');
    assert.strictEqual(m.format, 'kernel-log');
    const b = m.boot!;
    assert.match(b.title, /^Linux 6\.12\.9-memmaplab on Memmap Lab Synthetic\/2S-256G/);
    assert.deepStrictEqual(
      b.deferred.map((d) => [d.node, d.ms, d.line]),
      [
        [0, 58, 30],
        [1, 63, 31],
      ],
    );
    assert.deepStrictEqual(b.memory!.fields.slice(0, 2), [
      { label: 'available', kib: 259204436 },
      { label: 'total', kib: 268172920 },
    ]);
    assert.deepStrictEqual(
      b.zoneDevice.map((z) => [z.pages, z.ms]),
      [
        [16252928, 95],
        [16252928, 101],
      ],
    );
    assert.deepStrictEqual(
      b.errors.map((x) => [x.kind, x.line]),
      [
        ['conflicting-mapping', 44],
        ['hotplug-unaligned-block', 55],
      ],
    );
    assert.strictEqual(b.callTraces[0]?.function, 'pagemap_range');
    const t = b.timeline!;
    assert.deepStrictEqual(t.rows, ['node 0 deferred init', 'node 1 deferred init', 'ZONE_DEVICE init', 'HugeTLB allocation']);
    assert.ok(t.markers.some((x) => x.kind === 'memory' && x.line === 32));
    assert.deepStrictEqual(
      e.rendered!.charts.map((c) => c.id),
      ['log-timeline'],
    );
    assert.deepStrictEqual(e.rendered!.cspViolations, [], 'no Content-Security-Policy violation');
    assert.strictEqual(e.rejected, 0, 'every webview message validated');
  });

  test('Import as Workload Config writes <log>.memmap.yaml beside the log; it loads, simulates and is linked', async () => {
    const uri = await logUri();
    const target = vscode.Uri.joinPath(uri, '..', 'synthetic-2node.memmap.yaml');
    try {
      await vscode.workspace.fs.delete(target);
    } catch {
      // not there
    }
    const outcome = await vscode.commands.executeCommand<ImportOutcome>('memmapLab.logView.importConfig', { uri });
    assert.ok(outcome, 'import returned nothing');
    assert.strictEqual(outcome.target, target.toString());
    assert.strictEqual(outcome.boot, 0);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
    assert.match(text, /from line 1: "Linux version 6\.12\.9-memmaplab/);
    const load = loadConfigText(text, target.path);
    assert.deepStrictEqual(
      load.errors.filter((x) => x.severity === 'error'),
      [],
    );
    assert.strictEqual(load.config!.nodes.length, 2);
    assert.strictEqual(simulateMemmap(load.config!).errors.filter((x) => x.severity === 'error').length, 0);
    // Opened beside the view, and linked: the comparison arrives in the view.
    assert.ok(vscode.workspace.textDocuments.some((d) => d.uri.toString() === target.toString()), 'the imported config is open');
    const e = await waitFor('the comparison with the imported config', async () => {
      const x = await editorOf(uri);
      return x?.model?.comparison?.status === 'ok' && x.rendered?.charts.some((c) => c.id === 'log-compare' && c.nonBlankPixels > 500) ? x : undefined;
    });
    const c = e.model!.comparison!;
    assert.strictEqual(e.model!.link!.uri, target.toString());
    const total = c.rows.find((r) => r.figure === 'memoryTotalKiB')!;
    assert.deepStrictEqual([total.measured, total.predicted, total.relError, total.line], [268172920, 268172920, 0, 32]);
    assert.deepStrictEqual(
      c.rows.filter((r) => r.figure === 'nodeBytes').map((r) => r.relError),
      [0, 0],
    );
    const d0 = c.rows.find((r) => r.figure === 'deferredInitMs' && r.subject === 'node 0')!;
    assert.strictEqual(d0.measured, 58);
    assert.ok(d0.predicted !== null && d0.relError !== null);
  });

  test('linking another config compares with it; edits of the linked config update the comparison', async () => {
    const uri = await logUri();
    const [config] = await vscode.workspace.findFiles('**/two-socket-dram.memmap.yaml');
    const outcome = await vscode.commands.executeCommand<LinkOutcome>('memmapLab.logView.linkConfig', { uri, config });
    assert.ok(outcome);
    assert.strictEqual(outcome.config, config.toString());
    assert.strictEqual(outcome.comparison?.status, 'ok');
    const e = await waitFor('the comparison with two-socket-dram', async () => {
      const x = await editorOf(uri);
      return x?.model?.link?.uri === config.toString() && x.model.comparison?.config.endsWith('two-socket-dram.memmap.yaml') ? x : undefined;
    });
    const rows = e.model!.comparison!.rows;
    assert.ok(rows.length >= 5, `${rows.length} rows`);
    const total = rows.find((r) => r.figure === 'memoryTotalKiB')!;
    assert.ok(total.relError !== null && total.relError !== 0, 'a different machine: the totals differ');
    // Edit the linked config in an editor (unsaved): the comparison follows.
    const doc = await vscode.workspace.openTextDocument(config);
    const before = total.predicted;
    const i = doc.getText().search(/size: 382G/);
    assert.ok(i >= 0, 'the example has a 382G range');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(config, new vscode.Range(doc.positionAt(i), doc.positionAt(i + 'size: 382G'.length)), 'size: 254G');
    assert.ok(await vscode.workspace.applyEdit(edit));
    try {
      await waitFor('the comparison with the edited config', async () => {
        const x = await editorOf(uri);
        const t = x?.model?.comparison?.rows.find((r) => r.figure === 'memoryTotalKiB');
        return t && t.predicted !== before && t.predicted === before! - 128 * 1024 * 1024;
      });
    } finally {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  test('an analysis can be cancelled: the view closes, nothing is half-shown, the outcome says so', async () => {
    const text = await vscode.workspace.fs.readFile(await logUri());
    const fs = new SlowFs(text);
    const reg = vscode.workspace.registerFileSystemProvider('memmap-e2e', fs, { isReadonly: true, isCaseSensitive: true });
    try {
      const slow = vscode.Uri.from({ scheme: 'memmap-e2e', path: '/slow.log' });
      await vscode.commands.executeCommand('vscode.openWith', slow, VIEW_TYPE);
      await waitFor('the read of slow.log', () => fs.reads.includes('/slow.log'));
      const e = await editorOf(slow);
      assert.strictEqual(e?.state, 'analyzing');
      assert.strictEqual(e?.model, null, 'no model while analyzing');
      assert.strictEqual(await vscode.commands.executeCommand<number>('memmapLab._logViewCancel', slow), 1);
      fs.releaseReads();
      const outcome = await waitFor('the cancelled outcome', async () => (await state()).outcomes.find((o) => o.uri === slow.toString()));
      assert.strictEqual(outcome.state, 'cancelled');
      await waitFor('the view closed', async () => logTabs(slow).length === 0 && !(await editorOf(slow)), 10_000);

      // An unreadable file: the view stays, with the reason instead of figures.
      const bad = vscode.Uri.from({ scheme: 'memmap-e2e', path: '/unreadable.log' });
      await vscode.commands.executeCommand('vscode.openWith', bad, VIEW_TYPE);
      const err = await waitFor('the error model', async () => {
        const x = await editorOf(bad);
        return x?.model?.status === 'error' ? x : undefined;
      });
      assert.match(err.model!.message!, /^Cannot read unreadable\.log: permission denied/);
      assert.strictEqual(err.model!.boot, null);
      assert.strictEqual((await state()).outcomes.find((o) => o.uri === bad.toString())?.state, 'error');
    } finally {
      fs.releaseReads();
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      reg.dispose();
    }
  });

  test('closing the view forgets it', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('no log view', async () => (await state()).editors.length === 0, 10_000);
    const [imported] = await vscode.workspace.findFiles('**/synthetic-2node.memmap.yaml');
    if (imported) await vscode.workspace.fs.delete(imported);
  });

  test('Import as Workload Config takes the daxctl / ndctl JSON saved beside the log (a CXL expander onlined by dax/kmem)', async () => {
    const uri = await fileUri('cxl-host/dmesg.log');
    const target = vscode.Uri.joinPath(uri, '..', 'dmesg.memmap.yaml');
    try {
      await vscode.workspace.fs.delete(target);
    } catch {
      // not there
    }
    await vscode.commands.executeCommand('memmapLab.analyzeLog', uri);
    await waitFor('the log view of cxl-host/dmesg.log', async () => (await editorOf(uri))?.model);
    const outcome = await vscode.commands.executeCommand<ImportOutcome>('memmapLab.logView.importConfig', { uri });
    assert.ok(outcome, 'import returned nothing');
    assert.deepStrictEqual(outcome.devices, ['daxctl-list.json']);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
    assert.match(text, /# from daxctl-list\.json:8: \{"chardev":"dax0\.0"/);
    const load = loadConfigText(text, target.path);
    assert.ok(load.config, load.errors.map((x) => x.message).join('\n'));
    assert.deepStrictEqual(
      load.config.devices.map((d) => [d.name, d.kind, d.mode, d.node, d.start, d.size]),
      [['dax0.0', 'cxl', 'kmem', 1, 0x1080000000, 16 * 2 ** 30]],
    );
    assert.deepStrictEqual(load.config.nodes.map((n) => [n.id, n.ranges.length, n.cpus]), [[0, 3, 16], [1, 0, 0]]);
    const sim = simulateMemmap(load.config);
    assert.strictEqual(sim.errors.filter((x) => x.severity === 'error').length, 0, sim.errors.map((x) => x.message).join('\n'));
    assert.strictEqual(sim.memmap.devices[0].structPages, (16 * 2 ** 30) / 4096);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(target);
  });

  test('compare with a boot of another log: its boot with the most memory facts, figure by figure', async () => {
    const uri = await fileUri('before-after.log');
    const other = await fileUri('synthetic-2node.log');
    await vscode.commands.executeCommand('memmapLab.analyzeLog', uri);
    await waitFor('the log view of before-after.log', async () => (await editorOf(uri))?.model);
    const outcome = await vscode.commands.executeCommand<CompareLogOutcome>('memmapLab._logViewCompareLog', { uri, other });
    assert.deepStrictEqual(outcome, { log: uri.toString(), other: other.toString(), boot: 0 });
    const e = await waitFor('the boot-vs-boot rows', async () => {
      const x = await editorOf(uri);
      return x?.model?.bootDiff?.otherFile === 'synthetic-2node.log' ? x : undefined;
    });
    const rows = e.model!.bootDiff!.rows;
    const d0 = rows.find((r) => r.key === 'deferredInit.node0.ms')!;
    // synthetic-2node.log: node 0 58 ms; before-after.log's boot shown (boot 2): 236 ms.
    assert.deepStrictEqual([d0.other, d0.shown, d0.direction], ['58 ms', '236 ms', 'up']);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
