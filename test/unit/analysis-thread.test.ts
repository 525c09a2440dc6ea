// The extension's analysis thread (src/extension/analysis-thread.ts) with the real worker bundle, and with
// workers that are missing, crash, or fail on one config: the result is always the in-process one.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { AnalysisThread } from '../../src/extension/analysis-thread';
import { editorFigures, runAnalysis, runDashboardModel, runTimelineExport, scenarioFigures, type AnalysisResult } from '../../src/extension/analysis-core';
import { writeChromeTrace } from '../../src/trace/chrome-export';
import { dashboardModel } from '../../src/report/dashboard-run';
import { simulateTiming } from '../../src/core/init/index';

const root = join(__dirname, '..', '..');
const example = readFileSync(join(root, 'examples', 'default.memmap.yaml'), 'utf8');
const req = (text = example, fileName = 'default.memmap.yaml', figures = false) => ({ text, fileName, options: {}, simulate: true, figures });
const errorsOf = (log: string[]) => log.filter((l) => l.startsWith('error:'));

function assertSameResult(got: AnalysisResult, want: AnalysisResult): void {
  assert.deepEqual(got.load.config, want.load.config);
  assert.deepEqual(got.load.errors, want.load.errors);
  assert.deepEqual(got.sim, want.sim);
  assert.equal(got.simCrash, want.simCrash);
  assert.deepEqual(got.check?.findings, want.check?.findings);
  if (got.check) assert.equal(got.check.load, got.load, 'the check result refers to the restored load');
}

describe('analysis thread', () => {
  let dir: string;
  let bundle: string;
  const logs: string[] = [];
  const log = { error: (m: string) => void logs.push(`error: ${m}`) };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'memmap-analysis-thread-'));
    bundle = join(dir, 'analysis-worker.js');
    await build({ entryPoints: [join(root, 'src/extension/analysis-worker.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('analyzes in the worker: the same result as in-process, for a valid, a broken and a bad-JSON config', async () => {
    logs.length = 0;
    const t = new AnalysisThread(bundle, log);
    try {
      for (const r of [req(), req('nodes:\n  - id: 0\n    ranges: [ { start: 0x0, size: 14Q } ]\n', 'bad.memmap.yaml'), req('{ "nodes": [', 'x.memmap.json')]) {
        assertSameResult(await t.analyze(r), runAnalysis(r));
      }
      // Several at once: answered in order, each its own.
      const texts = [example, example.replace('cpus: 52', 'cpus: 16'), example.replace(/hvo: true/, 'hvo: false')];
      assert.equal(new Set(texts).size, 3);
      const got = await Promise.all(texts.map((x) => t.analyze(req(x))));
      got.forEach((g, i) => assertSameResult(g, runAnalysis(req(texts[i]))));
      assert.ok(got.every((g) => typeof g.threadMs === 'number' && typeof g.restoreMs === 'number'));
      assert.equal(t.stats.inThread, 6);
      assert.equal(t.stats.inProcess, 0);
      assert.ok(t.stats.lastThreadMs !== null && t.stats.lastRestoreMs !== null);
      assert.deepEqual(errorsOf(logs), []);
    } finally {
      t.dispose();
    }
  });

  it('the CodeLens figures follow the analysis when asked for: those computed in-process (timing, every scenario)', async () => {
    logs.length = 0;
    const t = new AnalysisThread(bundle, log);
    try {
      const r = await t.analyze(req(example, 'default.memmap.yaml', true));
      assert.ok(r.editorFigures, 'no figures on their way');
      const want = runAnalysis(req());
      const wantFigures = editorFigures(want.load, want.sim!, {});
      const got = await r.editorFigures;
      assert.deepEqual(got, wantFigures);
      assert.ok(got!.timing!.devices.length > 0);
      assert.deepEqual(Object.keys(got!.scenarios), want.load.config!.scenarios.map((s) => s.name));
      assert.ok(Object.values(got!.scenarios).every((v) => v.memmap && v.timing && v.error === null));
      // Not asked for, or nothing simulated: none.
      assert.equal((await t.analyze(req())).editorFigures, null);
      assert.equal((await t.analyze(req('nodes: 3\n', 'bad.memmap.yaml', true))).editorFigures, null);
      // Asked for, twice in a row: each gets its own.
      const other = example.replace('cpus: 52', 'cpus: 8');
      const [a, b] = await Promise.all([t.analyze(req(example, 'a.memmap.yaml', true)), t.analyze(req(other, 'b.memmap.yaml', true))]);
      const [fa, fb] = await Promise.all([a.editorFigures, b.editorFigures]);
      const wb = runAnalysis(req(other));
      assert.deepEqual(fa, wantFigures);
      assert.deepEqual(fb, editorFigures(wb.load, wb.sim!, {}));
      assert.notDeepEqual(fa, fb);
      assert.deepEqual(errorsOf(logs), []);
    } finally {
      t.dispose();
    }
  });

  it('the dashboard model from the thread is the one the extension host builds from its own analysis', async () => {
    logs.length = 0;
    const t = new AnalysisThread(bundle, log);
    try {
      for (const [text, fileName] of [[example, 'default.memmap.yaml'], ['nodes:\n  - id: 0\n    ranges: [ { start: 0x0, size: 14Q } ]\n', 'bad.memmap.yaml']]) {
        const dreq = { text, fileName, options: {}, file: `examples/${fileName}` };
        const got = await t.dashboard(dreq);
        assert.ok(got, 'no model from the thread');
        assert.deepEqual(got, runDashboardModel(dreq));
        // The host's way (dashboard/index.ts without the thread): the live analysis, its timing and findings.
        const a = runAnalysis({ text, fileName, options: {}, simulate: true });
        const host = dashboardModel(a.load, dreq.file, { load: {}, baseResult: a.sim, baseTiming: a.sim ? simulateTiming(a.load.config!, a.sim) : null, findings: a.check?.findings ?? null });
        assert.deepEqual(got, host);
      }
      assert.deepEqual((await t.dashboard({ text: example, fileName: 'default.memmap.yaml', options: {}, file: 'x' }))!.compare!.columns.map((c) => c.name), ['base', 'memmap on the device', '1G device alignment', 'HVO off']);
      assert.deepEqual(errorsOf(logs), []);
    } finally {
      t.dispose();
    }
    // Without a thread: null, for the caller to build it.
    const none = new AnalysisThread(join(dir, 'no-such-worker.js'), log);
    assert.equal(await none.dashboard({ text: example, fileName: 'default.memmap.yaml', options: {}, file: 'x' }), null);
    none.dispose();
  });

  it('Export Timeline: the thread writes the Chrome trace the host would; a config with errors says so', async () => {
    logs.length = 0;
    const t = new AnalysisThread(bundle, log);
    try {
      const treq = { text: example, fileName: 'default.memmap.yaml', options: {}, file: 'examples/default.memmap.yaml' };
      const got = await t.timeline(treq);
      assert.ok(got?.ok, 'no timeline from the thread');
      // What the host wrote before the thread did it: the analysis, the timing model, writeChromeTrace().
      const a = runAnalysis({ ...treq, simulate: true });
      const chunks: string[] = [];
      const events = writeChromeTrace(simulateTiming(a.load.config!, a.sim!), { config: a.load.config!.name, scenario: a.load.config!.scenario, file: treq.file }, (c) => void chunks.push(c));
      assert.equal(got.events, events);
      assert.ok(events > 100);
      assert.equal(new TextDecoder().decode(got.json), chunks.join(''));
      const doc = JSON.parse(new TextDecoder().decode(got.json)) as { traceEvents: unknown[]; otherData: Record<string, unknown> };
      assert.equal(doc.traceEvents.length, events);
      assert.equal(doc.otherData.file, treq.file);
      // A config with errors, and one that does not parse: the message the command shows, no bytes.
      for (const [text, want] of [
        ['nodes:\n  - id: 0\n    ranges: [ { start: 0x0, size: 14Q } ]\n', /^x\.memmap\.yaml has 1 error: fix it to export its timeline$/],
        ['{ "nodes": [', /^x\.memmap\.yaml has \d+ errors?: fix/],
      ] as const) {
        const bad = { text, fileName: 'x.memmap.yaml', options: {}, file: 'x.memmap.yaml' };
        const r = await t.timeline(bad);
        assert.ok(r && !r.ok);
        assert.match(r.error, want);
        assert.equal(r.crash, null);
        assert.deepEqual(r, runTimelineExport(bad));
      }
      assert.deepEqual(errorsOf(logs), []);
    } finally {
      t.dispose();
    }
    // Without a thread: null, for the caller to write it in-process.
    const none = new AnalysisThread(join(dir, 'no-such-worker.js'), log);
    assert.equal(await none.timeline({ text: example, fileName: 'default.memmap.yaml', options: {}, file: 'x' }), null);
    none.dispose();
  });

  it('scenario figures: an unknown scenario, or a result without its document, say why (and are no crash)', () => {
    const a = runAnalysis(req());
    const crashes: string[] = [];
    const unknown = scenarioFigures(a.load, 'no such scenario', {}, (c) => crashes.push(c));
    assert.equal(unknown.memmap, null);
    assert.match(unknown.error!, /unknown scenario 'no such scenario'/);
    const noDoc = scenarioFigures({ ...a.load, doc: null }, a.load.config!.scenarios[0].name, {}, (c) => crashes.push(c));
    assert.deepEqual([noDoc.memmap, noDoc.error], [null, 'the scenario does not load']);
    assert.deepEqual(crashes, []);
  });

  it('a worker script that is missing: in-process, said once in the log', async () => {
    logs.length = 0;
    const t = new AnalysisThread(join(dir, 'no-such-worker.js'), log);
    assertSameResult(await t.analyze(req()), runAnalysis(req()));
    assertSameResult(await t.analyze(req()), runAnalysis(req()));
    assert.equal(t.stats.inProcess, 2);
    assert.equal(t.stats.inThread, 0);
    assert.deepEqual([(await t.analyze(req())).threadMs, t.stats.inProcess], [null, 3]);
    assert.equal(errorsOf(logs).length, 1, logs.join('\n'));
    assert.match(logs[0], /analysis thread .*in the extension host from now on/);
    t.dispose();
  });

  it('a worker that crashes on a request: that one and the rest in-process', async () => {
    logs.length = 0;
    const crashing = join(dir, 'crashing.js');
    writeFileSync(crashing, "require('node:worker_threads').parentPort.on('message', () => { throw new Error('boom'); });\n");
    const t = new AnalysisThread(crashing, log);
    assertSameResult(await t.analyze(req()), runAnalysis(req()));
    assertSameResult(await t.analyze(req()), runAnalysis(req()));
    assert.deepEqual([t.stats.inThread, t.stats.inProcess], [0, 2]);
    assert.equal(errorsOf(logs).length, 1, logs.join('\n'));
    assert.match(logs[0], /crashed/);
    t.dispose();
  });

  it('a worker that fails on one config: that one in-process, the next one in the thread again', async () => {
    logs.length = 0;
    const flaky = join(dir, 'flaky.js');
    // Fails the first request, then behaves like the real worker.
    writeFileSync(
      flaky,
      `let n = 0;\nconst { parentPort } = require('node:worker_threads');\nconst real = ${JSON.stringify(bundle)};\n` +
        "parentPort.once('message', (r) => { n++; parentPort.postMessage({ id: r.id, ok: false, error: 'no luck' }); require(real); });\n",
    );
    const t = new AnalysisThread(flaky, log);
    assertSameResult(await t.analyze(req()), runAnalysis(req()));
    assertSameResult(await t.analyze(req()), runAnalysis(req()));
    assert.deepEqual([t.stats.inThread, t.stats.inProcess], [1, 1]);
    assert.equal(errorsOf(logs).length, 1);
    assert.match(logs[0], /failed on one config .*no luck/);
    t.dispose();
  });

  it('dispose: an analysis in hand completes in-process; later ones too; figures on their way come as null', async () => {
    logs.length = 0;
    const t = new AnalysisThread(bundle, log);
    const first = await t.analyze(req(example, 'default.memmap.yaml', true));
    const pending = t.analyze(req());
    t.dispose();
    assert.ok(first.editorFigures);
    const figures = await first.editorFigures;
    assert.ok(figures === null || figures.timing !== null, 'figures or null, never a half');
    assertSameResult(await pending, runAnalysis(req()));
    assertSameResult(await t.analyze(req()), runAnalysis(req()));
    assert.equal(t.stats.inThread + t.stats.inProcess, 3);
    assert.deepEqual(errorsOf(logs), []);
  });

  it('a cancelled request the thread has not started is skipped: null, no work done, the next ones answered', async () => {
    logs.length = 0;
    const t = new AnalysisThread(bundle, log);
    try {
      // A token cancelled while three analyses wait behind a first one: the thread skips the three.
      const listeners: Array<() => void> = [];
      const token = { isCancellationRequested: false, onCancellationRequested: (l: () => void) => (listeners.push(l), { dispose: () => undefined }) };
      const first = t.analyze(req(example, 'a.memmap.yaml', true));
      const dropped = [1, 2, 3].map((i) => t.analyze(req(example.replace('cpus: 52', `cpus: ${i}`), 'a.memmap.yaml', true), token));
      token.isCancellationRequested = true;
      for (const l of listeners) l();
      const last = t.analyze(req(example.replace('cpus: 52', 'cpus: 9')));
      const done = await first;
      assertSameResult(done, runAnalysis(req(example, 'a.memmap.yaml', true)));
      assert.deepEqual(await Promise.all(dropped), [null, null, null]);
      assertSameResult((await last)!, runAnalysis(req(example.replace('cpus: 52', 'cpus: 9'))));
      assert.equal(t.stats.inThread, 2, 'the dropped ones are neither done in the thread nor in-process');
      assert.equal(t.stats.inProcess, 0);
      assert.ok(await done.editorFigures, 'the first one\'s figures still come');
      assert.deepEqual(errorsOf(logs), []);
    } finally {
      t.dispose();
    }
  });
});

