// The editor features in a real extension host (code-server): the checker's findings as diagnostics,
// quick fixes and undo, source.fixAll.memmap (by hand and on save), hovers, CodeLens, and every
// contributed command. Fixture: test/e2e/workspace/misaligned-namespace.memmap.yaml (a map=dev namespace
// 16 MiB past a section boundary: MM004; a hot-add not aligned to the 2 GiB memory block: MM001).
// Nothing here saves a fixture: the on-save test works on a copy it deletes.
/// <reference types="mocha" />
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { MemmapLabApi } from '../../../src/extension/activate';
import { checkText } from '../../../src/check/index';
import { loadConfigText } from '../../../src/config/load';
import { simulateMemmap } from '../../../src/core/simulate';
import { simulateTiming } from '../../../src/core/init/index';
import { deviceLensTitle, nodeLensTitle } from '../../../src/extension/figures';
import { at, closeAllEditors, codeOf, EXTENSION_ID, fileUri, open, rangeOfText, waiter } from './helpers';

const FIXTURE = 'misaligned-namespace.memmap.yaml';

const waitFor = waiter(20_000, 100);

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'memmap-lab');
const byCode = (uri: vscode.Uri, code: string) => ours(uri).filter((d) => codeOf(d) === code);
const hoverText = (hovers: vscode.Hover[]) => hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n\n');

/** Undo until the document holds `text` again (one WorkspaceEdit = one undo step; a few in reserve). */
async function undoTo(doc: vscode.TextDocument, text: string): Promise<void> {
  for (let i = 0; i < 3 && doc.getText() !== text; i++) await vscode.commands.executeCommand('undo');
  assert.strictEqual(doc.getText(), text, 'undo did not restore the fixture');
}

let api: MemmapLabApi;

suite('Memmap Lab editor features: checker diagnostics, quick fixes, hovers, CodeLens', () => {
  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<MemmapLabApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} not found`);
    api = await ext.activate();
    assert.ok(api?.editor, 'activate() returned no editor API');
  });
  teardown(closeAllEditors);

  test('checker findings are diagnostics: rule code, exact range, message with the kernel text, related information', async () => {
    const { document: doc } = await open(FIXTURE);
    const diags = await waitFor('MM001 and MM004', () => byCode(doc.uri, 'MM001').length > 0 && byCode(doc.uri, 'MM004').length > 0 && ours(doc.uri));
    // The same findings as the checker itself on the same text (`memmap-lab check`), nothing more.
    const expected = checkText(doc.getText(), doc.uri.path).findings;
    assert.deepStrictEqual(diags.map((d) => `${codeOf(d)} ${d.message.split('\n')[0]}`).sort(), expected.map((f) => `${f.rule} ${f.message}`).sort());
    assert.strictEqual(diags.length, 2, diags.map((d) => d.message).join('\n'));

    const [mm004] = byCode(doc.uri, 'MM004');
    // The code links the kernel function behind the rule, at the release the rule was checked against.
    assert.ok(typeof mm004.code === 'object', 'a rule code carries a target');
    assert.strictEqual(mm004.code.target.toString(true), 'https://elixir.bootlin.com/linux/v6.12/A/ident/vmemmap_populate');
    assert.strictEqual(at(mm004.range), at(rangeOfText(doc, '0x3041000000')));
    assert.strictEqual(mm004.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(mm004.message, /^start 0x3041000000 is 16 MiB aligned but not 128 MiB \(section\) aligned: x86_64 vmemmap_populate\(\) maps a piece smaller than a section with base pages from RAM and ignores the altmap \(vmemmap_populate_basepages\(…, NULL\)\), so 2 MiB of the memmap of map=dev device namespace0\.0 comes from RAM/);
    assert.ok(!mm004.message.includes('\nkernel:'), 'MM004 fails silently: no kernel line');
    assert.strictEqual(mm004.relatedInformation?.length, 1);
    assert.strictEqual(at(mm004.relatedInformation[0].location.range), at(rangeOfText(doc, 'dev', doc.getText().indexOf('    map: dev'))));
    assert.strictEqual(mm004.relatedInformation[0].location.uri.toString(), doc.uri.toString());
    assert.strictEqual(mm004.relatedInformation[0].message, 'map=dev: the memmap was meant to live on the device');

    const [mm001] = byCode(doc.uri, 'MM001');
    assert.strictEqual(at(mm001.range), at(rangeOfText(doc, '0x5000100000')));
    assert.strictEqual(mm001.severity, vscode.DiagnosticSeverity.Error);
    assert.match(mm001.message, /^hotplug\[0\] 0x5000100000-0x51000fffff: start 0x5000100000 is not a multiple of the 2 GiB memory block size \(it is 1 MiB aligned\); add_memory\(\) refuses the whole range with -EINVAL/);
    assert.ok(mm001.message.endsWith('\nkernel: Block size [0x80000000] unaligned hotplug range: start 0x5000100000, size 0x100000000'), mm001.message);
    // The checker replaces the plain kernel-failure diagnostics: no MMSIM duplicate of MM001.
    assert.deepStrictEqual(byCode(doc.uri, 'MMSIM'), []);
  });

  test('an info finding is an Information diagnostic (default.memmap.yaml: MM016 in a scenario)', async () => {
    const { document: doc } = await open('default.memmap.yaml');
    const [info] = await waitFor('MM016', () => byCode(doc.uri, 'MM016').length > 0 && byCode(doc.uri, 'MM016'));
    assert.strictEqual(info.severity, vscode.DiagnosticSeverity.Information);
    assert.match(info.message, /^scenario 'memmap on the device': namespace0\.0 is a compound devmap/);
    const set = rangeOfText(doc, '"devices[namespace0.0].map": dev');
    assert.strictEqual(at(info.range), at(new vscode.Range(set.end.translate(0, -3), set.end)), 'at the scenario\'s value');
  });

  test('the quick fix (WorkspaceEdit) removes the diagnostic; undo brings it back', async () => {
    const { document: doc } = await open(FIXTURE);
    const original = doc.getText();
    const [mm004] = await waitFor('MM004', () => byCode(doc.uri, 'MM004').length > 0 && byCode(doc.uri, 'MM004'));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, mm004.range);
    // (vscode.executeCodeActionProvider hands back title, kind, edit and isPreferred, not the diagnostics.)
    const fixes = actions.filter((a) => a.kind?.value === vscode.CodeActionKind.QuickFix.value && a.title.includes('(MM004, '));
    assert.deepStrictEqual(
      fixes.map((a) => [a.title, !!a.isPreferred]),
      [['Shrink to whole sections: start 0x3048000000, size 65408 MiB (MM004, vmemmap_populate())', true]],
    );
    assert.ok(fixes[0].edit, 'the quick fix carries a WorkspaceEdit');
    assert.ok(await vscode.workspace.applyEdit(fixes[0].edit));
    assert.match(doc.getText(), /\n {4}start: 0x3048000000\n {4}size: 65408M\n/);
    await waitFor('MM004 gone', () => byCode(doc.uri, 'MM004').length === 0 && api.diagnostics.latestFor(doc.uri)?.snapshot.version === doc.version);
    assert.strictEqual(byCode(doc.uri, 'MM001').length, 1, 'the other finding stays');
    await undoTo(doc, original);
    await waitFor('MM004 back after undo', () => byCode(doc.uri, 'MM004').length === 1);
    assert.strictEqual(at(byCode(doc.uri, 'MM004')[0].range), at(mm004.range));
  });

  test('source.fixAll.memmap applies the preferred fix of every error in one edit, not a trade-off warning (one undo reverts it)', async () => {
    const { document: doc } = await open(FIXTURE);
    const original = doc.getText();
    await waitFor('both findings', () => byCode(doc.uri, 'MM001').length > 0 && byCode(doc.uri, 'MM004').length > 0);
    const whole = new vscode.Range(0, 0, doc.lineCount, 0);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, whole, 'source.fixAll.memmap');
    // MM001 (an error) is fixed; MM004 (the partial sections' memmap in RAM) is a trade-off left to the user.
    assert.deepStrictEqual(actions.map((a) => [a.kind?.value, a.title]), [['source.fixAll.memmap', 'Fix all Memmap Lab problems (1 fix)']]);
    // The quick-fix request (no kind) does not offer it: it is a source action.
    const plain = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, whole);
    assert.ok(!plain.some((a) => a.kind?.value === 'source.fixAll.memmap'));
    assert.ok(await vscode.workspace.applyEdit(actions[0].edit!));
    assert.ok(!doc.getText().includes('    start: 0x3048000000\n'), doc.getText());
    assert.ok(doc.getText().includes('  - { node: 0, start: 0x5080000000, size: 2G }'), doc.getText());
    await waitFor('only the trade-off left', () => byCode(doc.uri, 'MM001').length === 0 && byCode(doc.uri, 'MM004').length === 1 && api.diagnostics.latestFor(doc.uri)?.snapshot.version === doc.version);
    await vscode.commands.executeCommand('undo');
    assert.strictEqual(doc.getText(), original, 'one undo reverts Fix All');
    await waitFor('the findings back', () => ours(doc.uri).length === 2);
  });

  test('"editor.codeActionsOnSave": { "source.fixAll.memmap": "explicit" } fixes the file on save', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const copy = vscode.Uri.joinPath(folder, 'fix-on-save.memmap.yaml');
    await vscode.workspace.fs.writeFile(copy, await vscode.workspace.fs.readFile(await fileUri(FIXTURE)));
    const editorConfig = vscode.workspace.getConfiguration('editor');
    await editorConfig.update('codeActionsOnSave', { 'source.fixAll.memmap': 'explicit' }, vscode.ConfigurationTarget.Global);
    try {
      const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(copy));
      const doc = editor.document;
      await waitFor('MM001 in the copy', () => byCode(doc.uri, 'MM001').length === 1);
      await editor.edit((b) => b.insert(new vscode.Position(0, 0), '# edited, then saved\n'));
      await vscode.commands.executeCommand('workbench.action.files.save');
      const saved = await waitFor('the fixed text on disk', async () => {
        const t = new TextDecoder().decode(await vscode.workspace.fs.readFile(copy));
        return t.includes('start: 0x5080000000') && t;
      });
      assert.ok(saved.startsWith('# edited, then saved\n'));
      assert.ok(!saved.includes('    start: 0x3048000000\n'), 'the trade-off (MM004) is not applied on save');
      await waitFor('only the trade-off left in the saved copy', () => byCode(doc.uri, 'MM001').length === 0 && byCode(doc.uri, 'MM004').length === 1);
    } finally {
      await editorConfig.update('codeActionsOnSave', undefined, vscode.ConfigurationTarget.Global);
      await closeAllEditors();
      await vscode.workspace.fs.delete(copy);
    }
  });

  test('hovers: a device start value (alignment + figures + the rule of its finding), a RAM range, a pool, a scenario, the machine (arch, kernel)', async () => {
    const { document: doc } = await open(FIXTURE);
    await waitFor('MM004', () => byCode(doc.uri, 'MM004').length === 1);
    const hover = async (token: string, from = 0) => hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, rangeOfText(doc, token, from).start.translate(0, 1)));

    const start = await hover('0x3041000000');
    assert.ok(start.includes('`0x3041000000` is 16 MiB (ndctl namespace) aligned but not 128 MiB (section)'), start);
    assert.ok(start.includes('**namespace0.0** (pmem fsdax, map=dev, node 0)'), start);
    assert.match(start, /\| memmap \| [\d.]+ [GM]iB: [\d.]+ [GM]iB on the device, 2 MiB in RAM \|/);
    assert.match(start, /\| init \| [\d.]+ m?s struct page init/);
    assert.ok(start.includes('**MM004 subsection-memmap-in-ram**: Partial sections of a map=dev device get their memmap from RAM'), 'the rule help of the finding under the cursor');

    const size = await hover('62G');
    assert.ok(size.includes('62 GiB is a multiple of 2 GiB (memory block)'), size);
    assert.ok(size.includes('**node 0 RAM range**'), size);
    assert.match(size, /\| sections \| 496 \(32 – 527\) × 128 MiB \|/);

    const pool = await hover('pageSize: 1G');
    assert.ok(pool.includes('**HugeTLB pool**: 8 × 1 GiB on node 0'), pool);

    const scenario = await hover('memmap in RAM');
    assert.ok(scenario.includes("**scenario 'memmap in RAM'** compared with the base config"), scenario);
    assert.match(scenario, /\| in RAM \| [\d.]+ [KMGT]iB → [\d.]+ [KMGT]iB \(\+/);

    // `arch` and the `kernel` block: what the simulator takes for this arch and kernel.
    const machine = await hover('arch: x86_64');
    assert.ok(machine.includes('**x86_64, Linux 6.12** as the simulator models it'), machine);
    assert.ok(machine.includes('| section | 128 MiB (32,768 pages) |') && machine.includes('| memory block | 2 GiB (16 sections): '), machine);
    // The kernel functions the hovers name link to Elixir at the config's version.
    assert.ok(machine.includes('[deferred_page_init_max_threads()](https://elixir.bootlin.com/linux/v6.12/A/ident/deferred_page_init_max_threads)'), machine);
    assert.ok(start.includes('written by [memmap_init_zone_device()](https://elixir.bootlin.com/linux/v6.12/A/ident/memmap_init_zone_device)'), start);
    assert.ok((await hover('version:')).includes('**x86_64, Linux 6.12**'), 'the kernel block too');

    // Outside any object: no hover of ours.
    const none = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, rangeOfText(doc, 'name: misaligned').start);
    assert.ok(!hoverText(none).includes('memmap'), hoverText(none));
  });

  test('CodeLens above each node, device, hot-add and scenario, with the core\'s figures, refreshed on edit', async () => {
    const editor = await open(FIXTURE);
    const doc = editor.document;
    await waitFor('analysis', () => api.diagnostics.latestFor(doc.uri)?.snapshot.version === doc.version);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100);
    const line = (token: string) => rangeOfText(doc, token).start.line;
    const shown = lenses.map((l) => [l.range.start.line, l.command?.title ?? '']).sort((a, b) => Number(a[0]) - Number(b[0]));
    assert.deepStrictEqual(
      shown.map(([l]) => l),
      [line('id: 0'), line('name: namespace0.0'), line('{ node: 0, start: 0x5000100000'), line('name: memmap in RAM')],
    );
    // The titles are the ones the pure core gives for this text.
    const load = loadConfigText(doc.getText(), doc.uri.path);
    const sim = simulateMemmap(load.config!);
    const timing = simulateTiming(load.config!, sim);
    assert.strictEqual(shown[0][1], nodeLensTitle(sim.memmap.nodes[0], timing.nodes[0]));
    assert.strictEqual(shown[1][1], deviceLensTitle(sim.memmap.devices[0], timing.devices.find((t) => t.name === 'namespace0.0'), undefined));
    assert.match(String(shown[1][1]), /^▶ Simulate · [\d.]+ [GM]iB memmap \([\d.]+ [GM]iB on device, 2 MiB in RAM\) · [\d.]+ m?s init$/);
    assert.strictEqual(shown[2][1], '▶ Simulate · this hot-add is refused by the simulated kernel (see Problems)');
    assert.match(String(shown[3][1]), /^▶ Simulate · memmap [\d.]+ [GM]iB \(.+\) · RAM \+[\d.]+ [GM]iB · init [\d.]+ m?s/);

    // Each opens the dashboard focused on its object (or simulates when there is no dashboard command).
    const device = lenses.find((l) => l.range.start.line === line('name: namespace0.0'))!;
    const hasDashboard = (await vscode.commands.getCommands(true)).includes('memmapLab.openDashboard');
    if (hasDashboard) {
      assert.strictEqual(device.command!.command, 'memmapLab.openDashboard');
      const arg = device.command!.arguments![0] as { uri: vscode.Uri; focus: unknown };
      assert.strictEqual(arg.uri.toString(), doc.uri.toString());
      assert.deepStrictEqual(arg.focus, { kind: 'device', name: 'namespace0.0' });
      const scenarioLens = lenses.find((l) => l.range.start.line === line('name: memmap in RAM'))!;
      assert.deepStrictEqual((scenarioLens.command!.arguments![0] as { focus: unknown }).focus, { kind: 'scenario', name: 'memmap in RAM' });
      const outcome = await vscode.commands.executeCommand<{ focus: unknown } | undefined>(device.command!.command, ...device.command!.arguments!);
      assert.deepStrictEqual(outcome?.focus, { kind: 'device', name: 'namespace0.0' });
    } else {
      assert.strictEqual(device.command!.command, 'memmapLab.simulate');
    }

    // An edit re-analyzes; the lenses follow (no stale figures).
    await vscode.window.showTextDocument(doc);
    const e = new vscode.WorkspaceEdit();
    e.replace(doc.uri, rangeOfText(doc, 'size: 64G'), 'size: 32G');
    assert.ok(await vscode.workspace.applyEdit(e));
    try {
      const after = await waitFor('new lens titles', async () => {
        const ls = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100);
        const t = ls.find((l) => l.range.start.line === line('name: namespace0.0'))?.command?.title;
        return t && t !== shown[1][1] && t;
      });
      const sim2 = simulateMemmap(loadConfigText(doc.getText(), doc.uri.path).config!);
      assert.ok(sim2.memmap.devices[0].memmapBytes < sim.memmap.devices[0].memmapBytes);
      assert.match(after, /memmap/);
    } finally {
      await vscode.commands.executeCommand('undo');
    }
  });

  test('the walkthrough is contributed with its steps\' media, and opens', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const [walkthrough] = ext.packageJSON.contributes.walkthroughs as { id: string; steps: { id: string; media: { markdown: string } }[] }[];
    assert.deepStrictEqual(walkthrough.steps.map((s) => s.id), ['openExample', 'diagnostics', 'hover', 'simulate', 'dashboard', 'analyzeLog']);
    for (const step of walkthrough.steps) {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(ext.extensionUri, step.media.markdown)));
      assert.match(text, /^# /, `${step.media.markdown} is a markdown page`);
    }
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#${walkthrough.id}`, false);
  });

  test('every contributed command runs (with the arguments a CodeLens, menu or test would pass)', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const contributed = (ext.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    const registered = await vscode.commands.getCommands(true);
    const { document: doc } = await open('default.memmap.yaml');
    const target = vscode.Uri.file(`/tmp/memmap-e2e-export-${Date.now()}.trace.json`);
    const [log] = await vscode.workspace.findFiles('**/synthetic-2node.log');
    const imported = vscode.Uri.file(`/tmp/memmap-e2e-import-${Date.now()}.memmap.yaml`);
    // What each command is given; commands not listed get the config URI (like the editor title / explorer menus).
    const args: Record<string, unknown[]> = {
      'memmapLab.simulate': [doc.uri],
      'memmapLab.newConfig': ['two-socket-dram'],
      'memmapLab.checkAll': [],
      'memmapLab.openDashboard': [{ uri: doc.uri, focus: { kind: 'node', name: '0' } }],
      'memmapLab.compareScenarios': [doc.uri],
      'memmapLab.exportTimeline': [doc.uri, target],
      'memmapLab.analyzeLog': [log],
      'memmapLab.logView.linkConfig': [{ uri: log, config: doc.uri }],
      'memmapLab.logView.importConfig': [{ uri: log, target: imported }],
    };
    const failed: string[] = [];
    for (const id of contributed) {
      assert.ok(registered.includes(id), `${id} is contributed but not registered`);
      const errors: string[] = [];
      let result: unknown;
      try {
        result = await Promise.race([
          vscode.commands.executeCommand(id, ...(args[id] ?? [doc.uri])),
          new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 30 s (waiting for input?)')), 30_000)),
        ]);
      } catch (e) {
        errors.push(String(e));
      }
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      // The commands catch their own errors (shown to the user) and return undefined: every one of ours returns what it did.
      if (!errors.length && (result === undefined || result === null)) errors.push('returned nothing (it failed: see the Memmap Lab log)');
      if (errors.length) failed.push(`${id}: ${errors.join('; ')}`);
    }
    assert.deepStrictEqual(failed, []);
    if (contributed.includes('memmapLab.exportTimeline')) {
      const trace = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(target))) as { traceEvents?: unknown[] } | unknown[];
      assert.ok((Array.isArray(trace) ? trace : trace.traceEvents ?? []).length > 0, 'the exported timeline has events');
      await vscode.workspace.fs.delete(target);
    }
    if (contributed.includes('memmapLab.logView.importConfig')) await vscode.workspace.fs.delete(imported);
  });
});
