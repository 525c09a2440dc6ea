// What one (debounced) edit of a config costs the extension host. Per analysis the editor parses, validates,
// simulates and checks the config in the analysis thread (src/extension/analysis-worker.ts, run here from
// its esbuild bundle as the extension runs dist/analysis-worker.js), which then runs the timing model and
// the scenario variants for the CodeLens; the host receives and restores the results. With a dashboard
// open, the thread builds its model too; Export Timeline writes the Chrome trace there as well. Measured: the host's busy time per edit with the thread
// (performance.eventLoopUtilization() over the replies) next to doing the same work on the host, on
// examples/default.memmap.yaml and on ~5,000-line configs. Prints figures (medians); asserts nothing.
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { scenarioConfig } from '../src/config/load';
import { dashboardModel } from '../src/report/dashboard-run';
import { simulateMemmap } from '../src/core/simulate';
import { simulateTiming } from '../src/core/init/index';
import { checkDocument } from '../src/check/index';
import { editorFigures, runAnalysis, runTimelineExport } from '../src/extension/analysis-core';
import { AnalysisThread } from '../src/extension/analysis-thread';
import { bigConfig, nodeHeavyYaml, toYaml } from './configs';
import { reps } from './quick';
import { median, time } from './stats';

const root = resolve(__dirname, '..');
const bundle = join(__dirname, 'out', 'analysis-worker.js');

async function main(): Promise<void> {
  await build({ entryPoints: [join(root, 'src/extension/analysis-worker.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  const thread = new AnalysisThread(bundle, { error: (m: string, e?: unknown) => console.error(m, e) });

  const shapes: [string, string, string][] = [
    ['examples/default.memmap.yaml', readFileSync(join(root, 'examples', 'default.memmap.yaml'), 'utf8'), 'default.memmap.yaml'],
    ['520 namespaces', toYaml(bigConfig(520, 0)), 'big.memmap.yaml'],
    ['520 namespaces, 4 scenarios', toYaml(bigConfig(520, 4)), 'big.memmap.yaml'],
    ['128 nodes, 900 hot-adds', nodeHeavyYaml(), 'nodes.memmap.yaml'],
  ];
  const RUNS = reps(15, 2);
  const f = (n: number) => `${n.toFixed(1)} ms`;
  console.log(`one edit of a config in the editor (median of ${RUNS} runs)`);
  for (const [label, text, fileName] of shapes) {
    // The editor's request with the CodeLens on: the analysis, then the timing figures.
    const req = { text, fileName, options: {}, simulate: true, figures: true };
    const { load, sim, check } = runAnalysis(req);
    if (!load.config || !sim || !check) throw new Error(`${label}: ${load.errors.map((e) => e.message).join('; ')}`);
    // All on the host (no analysis thread, as the extension falls back to): the analysis, then what the
    // CodeLens show (the timing model, and every scenario variant when their lenses are in view).
    const onHost = time(RUNS, () => {
      const a = runAnalysis(req);
      editorFigures(a.load, a.sim!, {});
    });
    const parts = {
      check: time(RUNS, () => checkDocument(load, { simulation: sim })),
      timing: time(reps(10, 1), () => simulateTiming(load.config!, sim)),
      scenarios: time(reps(5, 1), () => {
        for (const s of load.config!.scenarios) {
          const v = scenarioConfig(load, s.name);
          simulateTiming(v.config!, simulateMemmap(v.config!));
        }
      }),
    };
    // With the analysis thread: the host receives the result and restores it, then the timing figures.
    const busy: number[] = [];
    const toDiagnostics: number[] = [];
    const toLenses: number[] = [];
    const there: number[] = [];
    for (let i = 0; i < reps(3, 1) + RUNS; i++) {
      const elu0 = performance.eventLoopUtilization();
      const t0 = performance.now();
      const r = await thread.analyze(req);
      const t1 = performance.now();
      const figures = await r.editorFigures;
      if (!figures?.timing) throw new Error(`${label}: no CodeLens figures from the thread`);
      if (i < reps(3, 1)) continue;
      toDiagnostics.push(t1 - t0);
      toLenses.push(performance.now() - t0);
      busy.push(performance.eventLoopUtilization(elu0).active);
      there.push(thread.stats.lastThreadMs!);
    }
    // With a dashboard open on the config, each edit also rebuilds its model: on the host from the live
    // analysis (the fallback), or in the thread.
    const dashOnHost = time(reps(5, 1), () => dashboardModel(load, fileName, { load: {}, baseResult: sim, baseTiming: simulateTiming(load.config!, sim), findings: check.findings }));
    const dashBusy: number[] = [];
    for (let i = 0; i < reps(2, 0) + reps(5, 1); i++) {
      const elu0 = performance.eventLoopUtilization();
      if (!(await thread.dashboard({ text, fileName, options: {}, file: fileName }))) throw new Error(`${label}: no dashboard model from the thread`);
      if (i >= reps(2, 0)) dashBusy.push(performance.eventLoopUtilization(elu0).active);
    }
    // Export Timeline: the timing model and the Chrome trace JSON, on the host or in the thread.
    const treq = { text, fileName, options: {}, file: fileName };
    let traceBytes = 0;
    const exportOnHost = time(reps(5, 1), () => {
      const x = runTimelineExport(treq);
      traceBytes = x.ok ? x.json.length : 0;
    });
    const exportBusy: number[] = [];
    for (let i = 0; i < reps(2, 0) + reps(5, 1); i++) {
      const elu0 = performance.eventLoopUtilization();
      const x = await thread.timeline(treq);
      if (!x?.ok || x.json.length !== traceBytes) throw new Error(`${label}: no timeline from the thread`);
      if (i >= reps(2, 0)) exportBusy.push(performance.eventLoopUtilization(elu0).active);
    }
    const lines = text.split('\n').length - 1;
    console.log(`  ${label}: ${lines} lines, ${load.config.devices.length} devices, ${load.config.scenarios.length} scenarios, ${check.findings.length} findings`);
    console.log(`    without the thread: host busy ${f(onHost)} per edit (parse + validate + simulate + check, then the CodeLens figures: the check alone ${f(parts.check)}, the timing model ${f(parts.timing)}, ${load.config.scenarios.length} scenario variants ${f(parts.scenarios)})`);
    console.log(`    with the thread:    host busy ${f(median(busy))} per edit (receive + restore, and the CodeLens figures); the thread ${f(median(there))} to the diagnostics; edit to diagnostics ${f(median(toDiagnostics))}, to CodeLens figures ${f(median(toLenses))}`);
    console.log(`    host busy with / without the thread: ${(median(busy) / onHost).toFixed(2)}`);
    console.log(`    with a dashboard open, its model per edit: host busy ${f(median(dashBusy))} with the thread (receive), ${f(dashOnHost)} without (scenario runs + model)`);
    console.log(`    Export Timeline (${(traceBytes / 2 ** 20).toFixed(1)} MiB of JSON): host busy ${f(median(exportBusy))} with the thread (receive), ${f(exportOnHost)} without (analysis + timing model + JSON)`);
  }
  if (thread.stats.inProcess) throw new Error('the analysis thread failed: the figures are not what they say');
  thread.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
