// Runs inside a real VS Code extension host (code-server's remote extension host) against the
// workspace scripts/e2e/run.sh prepares: the repository's examples/*.memmap.yaml plus the broken
// fixtures of test/e2e/workspace/. Real vscode API, no UI scraping.
/// <reference types="mocha" />
import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as vscode from 'vscode';
import type { MemmapLabApi } from '../../../src/extension/activate';
import type { CheckAllOutcome, SimulateOutcome } from '../../../src/extension/commands';
import { loadConfigText } from '../../../src/config/load';
import { simulateMemmap } from '../../../src/core/simulate';
import { formatBytes } from '../../../src/config/units';
import { checkText } from '../../../src/check/engine';
import { bigConfig, toYaml } from '../../../bench/configs';
import { at, closeAllEditors, codeOf, EXTENSION_ID, fileUri, open, rangeOfText, waiter } from './helpers';

const waitFor = waiter(20_000, 100);

const show = (d: vscode.Diagnostic) => `${at(d.range)} ${d.message}`;
const diagnosticsOf = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'memmap-lab');

let api: MemmapLabApi;

suite('Memmap Lab in a real extension host', () => {
  suiteTeardown(closeAllEditors);

  test('the extension activates and returns its API', async () => {
    const ext = vscode.extensions.getExtension<MemmapLabApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} not found`);
    api = await ext.activate();
    assert.strictEqual(ext.isActive, true);
    assert.ok(api?.diagnostics && api.statusBar, 'activate() returned no API (activation failed: see the Memmap Lab log)');
    const commands = await vscode.commands.getCommands(true);
    for (const c of ['memmapLab.simulate', 'memmapLab.newConfig', 'memmapLab.checkAll']) assert.ok(commands.includes(c), `${c} not registered`);
  });

  test('a JSON syntax error is a diagnostic at the offending token', async () => {
    const { document: doc } = await open('syntax-error.memmap.json');
    assert.strictEqual(doc.languageId, 'jsonc', '*.memmap.json should open as JSON with comments');
    const diags = await waitFor('the syntax error', () => diagnosticsOf(doc.uri).length > 0 && diagnosticsOf(doc.uri));
    assert.deepStrictEqual(diags.map(show), [show(new vscode.Diagnostic(rangeOfText(doc, '"nodes"'), 'expected a comma'))]);
    assert.strictEqual(diags[0].severity, vscode.DiagnosticSeverity.Error);
    assert.strictEqual(diags[0].code, 'syntax');
  });

  test('*.memmap.json gets the contributed JSON schema (jsonValidation) besides the loader\'s own check', async () => {
    const { document: doc } = await open('schema-check.memmap.json');
    const ours = await waitFor('the loader diagnostic', () => diagnosticsOf(doc.uri).length > 0 && diagnosticsOf(doc.uri));
    assert.deepStrictEqual(ours.map((d) => at(d.range)), [at(rangeOfText(doc, '"hugepages"'))]);
    assert.match(ours[0].message, /^unknown field 'hugepages' at the top level/);
    // VS Code's JSON language server validates against src/config/memmap.schema.json: additionalProperties false.
    const json = await waitFor('a JSON schema diagnostic', () => vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source !== 'memmap-lab').find((d) => /hugepages/.test(d.message)), 40_000);
    assert.strictEqual(at(json.range), at(rangeOfText(doc, '"hugepages"')));
  });

  test('an unknown field and an unparsable size are diagnostics with exact ranges and messages', async () => {
    const { document: doc } = await open('broken.memmap.yaml');
    const diags = await waitFor('2 diagnostics', () => diagnosticsOf(doc.uri).length === 2 && diagnosticsOf(doc.uri));
    assert.deepStrictEqual(diags.map(show), [
      show(new vscode.Diagnostic(rangeOfText(doc, '14Q'), 'nodes[0].ranges[1].size: unparsable size "14Q": use bytes or a number with a binary unit K, M, G, T or P (e.g. "128M", "1.5T", "2GiB")')),
      show(new vscode.Diagnostic(rangeOfText(doc, 'alignn'), "unknown field 'alignn' in devices[0] (did you mean 'align'?)")),
    ]);
    assert.ok(diags.every((d) => d.severity === vscode.DiagnosticSeverity.Error && d.code === 'schema'));
  });

  test('fixing the text with a WorkspaceEdit clears the diagnostic; undo brings it back', async () => {
    const editor = await open('broken.memmap.yaml');
    const doc = editor.document;
    await waitFor('2 diagnostics', () => diagnosticsOf(doc.uri).length === 2);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, rangeOfText(doc, '14Q'), '14G');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const after = await waitFor('only the alignn diagnostic', () => diagnosticsOf(doc.uri).length === 1 && diagnosticsOf(doc.uri));
    assert.match(after[0].message, /unknown field 'alignn'/);
    await vscode.commands.executeCommand('undo');
    assert.ok(doc.getText().includes('14Q'), 'undo did not restore 14Q');
    await waitFor('both diagnostics again', () => diagnosticsOf(doc.uri).length === 2);
    assert.ok(diagnosticsOf(doc.uri).some((d) => d.message.includes('unparsable size "14Q"')));
  });

  test('edits in quick succession are debounced: only the last text is analyzed and published', async () => {
    const config = vscode.workspace.getConfiguration('memmapLab');
    await config.update('debounceMs', 1500, vscode.ConfigurationTarget.Global);
    try {
      const editor = await open('broken.memmap.yaml');
      const doc = editor.document;
      await waitFor('2 diagnostics', () => diagnosticsOf(doc.uri).length === 2);
      const original = doc.getText();
      let published = 0;
      const sub = api.diagnostics.onDidUpdate((u) => u.toString() === doc.uri.toString() && published++);
      try {
        // 1: break more (a third problem), 2: fix the size, 3: fix the field. Only state 3 may be published.
        for (const [from, to] of [['cpus: 8', 'cpus: eight'], ['14Q', '14G'], ['alignn', 'align']]) {
          const e = new vscode.WorkspaceEdit();
          e.replace(doc.uri, rangeOfText(doc, from), to);
          assert.ok(await vscode.workspace.applyEdit(e));
        }
        const t0 = Date.now();
        await waitFor('a publication', () => published > 0, 10_000);
        const waited = Date.now() - t0;
        await new Promise((r) => setTimeout(r, 500));
        assert.strictEqual(published, 1, 'each edit should have cancelled the pending analysis');
        assert.ok(waited > 500, `published after ${waited} ms: not debounced`);
        assert.deepStrictEqual(diagnosticsOf(doc.uri).map(show), [show(new vscode.Diagnostic(rangeOfText(doc, 'eight'), 'nodes[0].cpus: expected an integer, got string "eight"'))]);
      } finally {
        sub.dispose();
        for (let i = 0; i < 5 && doc.getText() !== original; i++) await vscode.commands.executeCommand('undo');
      }
      assert.strictEqual(doc.getText(), original, 'undo did not restore the fixture');
      await waitFor('the fixture clean again', () => !doc.isDirty, 5_000); // the dirty flag follows the text asynchronously
      await waitFor('the reverted text re-analyzed', () => diagnosticsOf(doc.uri).length === 2);
    } finally {
      await config.update('debounceMs', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('a kernel failure of the simulated core is a diagnostic at the config object, with the kernel message', async () => {
    const { document: doc } = await open('kernel-failure.memmap.yaml');
    // The core's failures reach the editor through the checker (src/extension/checker.ts replaces the
    // plain MMSIM provider): the rule that explains it (MM001) at the offending value, and MM034 because
    // this hot-add also overlaps node 0's RAM.
    const diags = await waitFor('the kernel failures', () => diagnosticsOf(doc.uri).length >= 2 && diagnosticsOf(doc.uri));
    assert.deepStrictEqual(diags.map(codeOf).sort(), ['MM001', 'MM034'], diags.map(show).join('\n'));
    const d = diags.find((x) => codeOf(x) === 'MM001')!;
    assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Error);
    assert.strictEqual(at(d.range), at(rangeOfText(doc, '0x400100000')), 'located at hotplug[0].start');
    assert.strictEqual(
      d.message,
      'hotplug[0] 0x400100000-0x4400fffff: start 0x400100000 is not a multiple of the 128 MiB memory block size (it is 1 MiB aligned); add_memory() refuses the whole range with -EINVAL (memory block size: boot_mem_end 18 GiB < 64 GiB (MEM_SIZE_FOR_LARGE_BLOCK): MIN_MEMORY_BLOCK_SIZE)\n' +
        'kernel: Block size [0x8000000] unaligned hotplug range: start 0x400100000, size 0x40000000',
    );
    // The rest of the machine is still simulated: the status bar has a figure and the problems.
    await waitFor('status bar with 2 problems', () => /^\$\(chip\) memmap \d[^ ]* [KMGT]?i?B · 2 problems$/.test(api.statusBar.text ?? ''));
  });

  test('memmapLab.simulate returns the core result for the active config and updates the status bar', async () => {
    const editor = await open('default.memmap.yaml');
    const doc = editor.document;
    const outcome = await vscode.commands.executeCommand<SimulateOutcome>('memmapLab.simulate');
    assert.ok(outcome?.result, `no result: ${JSON.stringify(outcome?.errors)}`);
    assert.strictEqual(outcome.uri, doc.uri.toString());
    assert.deepStrictEqual(outcome.errors, []);
    // Same figures as the pure core on the same text (the glue passes the config through unchanged).
    const direct = simulateMemmap(loadConfigText(doc.getText(), doc.uri.path).config!);
    assert.deepStrictEqual(outcome.result.memmap, direct.memmap);
    assert.ok(outcome.result.memmap.totalBytes > 0);
    // 2 problems: the checker's MM016 (info) and MM022 (warning) on two of its what-if scenarios.
    const expected = `$(chip) memmap ${formatBytes(outcome.result.memmap.totalBytes)} · 2 problems`;
    await waitFor(`status bar "${expected}"`, () => api.statusBar.text === expected);
  });

  test('memmapLab.checkAll loads every config in the workspace and publishes their diagnostics', async () => {
    await closeAllEditors();
    const all = await vscode.workspace.findFiles('**/*.memmap.{json,yaml,yml}');
    const outcome = await vscode.commands.executeCommand<CheckAllOutcome>('memmapLab.checkAll');
    assert.ok(outcome, 'checkAll returned nothing');
    assert.strictEqual(outcome.files, all.length);
    assert.strictEqual(outcome.byFile['broken.memmap.yaml'], 2);
    assert.strictEqual(outcome.byFile['syntax-error.memmap.json'], 1);
    assert.strictEqual(outcome.byFile['default.memmap.yaml'], 2); // the checker: MM016 + MM022 in scenarios
    assert.strictEqual(outcome.byFile['kernel-failure.memmap.yaml'], 2); // the checker: MM001 + MM034
    assert.strictEqual(outcome.byFile['schema-check.memmap.json'], 1);
    assert.ok(outcome.errors >= 5);
    // Published for files that are not open, too.
    assert.strictEqual(diagnosticsOf(await fileUri('syntax-error.memmap.json')).length, 1);
    assert.strictEqual(diagnosticsOf(await fileUri('broken.memmap.yaml')).length, 2);
  });

  test('after Check All, closed configs\' problems follow their files: renamed in VS Code, deleted outside it', async () => {
    // A copy of broken.memmap.yaml (2 problems) in a folder of its own, checked while closed.
    const src = await fileUri('broken.memmap.yaml');
    const dir = vscode.Uri.joinPath(src, '..', 'moved-configs');
    const a = vscode.Uri.joinPath(dir, 'a.memmap.yaml');
    await vscode.workspace.fs.writeFile(a, await vscode.workspace.fs.readFile(src));
    try {
      await waitFor('the new closed file checked (file watcher)', () => diagnosticsOf(a).length === 2, 20_000);
      // Renamed in VS Code (the explorer, a refactoring): the old name's problems go, the new name's come.
      const b = vscode.Uri.joinPath(dir, 'b.memmap.yaml');
      const edit = new vscode.WorkspaceEdit();
      edit.renameFile(a, b);
      assert.ok(await vscode.workspace.applyEdit(edit));
      await waitFor('the problems moved to the new name', () => diagnosticsOf(a).length === 0 && diagnosticsOf(b).length === 2, 20_000);
      // Its folder renamed: the watcher reports no child of a renamed folder; the rename event does.
      const dir2 = vscode.Uri.joinPath(dir, '..', 'moved-configs-2');
      const c = vscode.Uri.joinPath(dir2, 'b.memmap.yaml');
      const edit2 = new vscode.WorkspaceEdit();
      edit2.renameFile(dir, dir2);
      assert.ok(await vscode.workspace.applyEdit(edit2));
      await waitFor('the problems moved with the folder', () => diagnosticsOf(b).length === 0 && diagnosticsOf(c).length === 2, 20_000);
      // Deleted outside VS Code (git checkout, rm): the file watcher drops its problems.
      await fs.rm(c.fsPath);
      await waitFor('the deleted file\'s problems gone', () => diagnosticsOf(c).length === 0, 20_000);
    } finally {
      await vscode.workspace.fs.delete(dir, { recursive: true, useTrash: false }).then(undefined, () => undefined);
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(dir, '..', 'moved-configs-2'), { recursive: true, useTrash: false }).then(undefined, () => undefined);
    }
  });

  test('memmapLab.newConfig opens an unsaved copy of an example that checks clean', async () => {
    const uri = await vscode.commands.executeCommand<string>('memmapLab.newConfig', 'two-socket-dram');
    assert.ok(uri, 'newConfig returned nothing');
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    assert.ok(doc, 'the new document is not open');
    assert.strictEqual(doc.uri.scheme, 'untitled');
    // two-socket-dram.memmap.yaml exists in the workspace: the new file gets the next free name.
    assert.match(doc.uri.path, /\/two-socket-dram-2\.memmap\.yaml$/);
    assert.ok(doc.getText().includes('nodes:') && !doc.getText().includes('$schema'));
    await waitFor('the new config analyzed', () => api.diagnostics.latestFor(doc.uri)?.snapshot.version === doc.version);
    assert.deepStrictEqual(diagnosticsOf(doc.uri).map(show), []);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('configs are parsed and simulated in the analysis thread; a 4,800-line one gets the same problems as the checker in-process', async () => {
    const stats = api.analysis.stats;
    assert.ok(stats.inThread > 0, 'no analysis ran in the analysis thread');
    const before = stats.inThread;
    const text = toYaml(bigConfig(520, 0));
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'untitled', path: '/live-analysis-big.memmap.yaml' }));
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), text));
    await waitFor('the big config analyzed', () => api.diagnostics.latestFor(doc.uri)?.snapshot.version === doc.version, 60_000);
    const expected = checkText(text, doc.uri.path).findings;
    assert.ok(expected.length > 100, `the generated config should have findings (${expected.length})`);
    const diags = await waitFor('its problems', () => diagnosticsOf(doc.uri).length === expected.length && diagnosticsOf(doc.uri), 30_000);
    assert.deepStrictEqual(diags.map(codeOf).sort(), expected.map((f) => f.rule).sort());
    assert.ok(stats.inThread > before, 'the big config was not analyzed in the thread');
    assert.strictEqual(stats.inProcess, 0, 'an analysis fell back to the extension host (see the Memmap Lab log)');
    assert.ok(stats.lastThreadMs !== null && stats.lastRestoreMs !== null && stats.lastRestoreMs < stats.lastThreadMs, JSON.stringify(stats));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
