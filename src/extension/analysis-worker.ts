// The analysis thread: parses, validates, simulates and checks configs, then runs the timing model and the
// scenario variants for the CodeLens - or builds an open dashboard's model, or exports a timeline - off the extension host's
// thread, so that typing in a big config does not stall the host (the `yaml` parser alone takes ~100 ms
// for a 5,000-line file). Bundled on its own as dist/analysis-worker.js (config loader, mm core, checker,
// timing model, dashboard model; no `vscode`); analysis-thread.ts starts it on first use and does the work
// in-process when it cannot.
import { parentPort } from 'node:worker_threads';
import { loadResultToWire } from '../config/load';
import { editorFigures, runAnalysis, runDashboardModel, runTimelineExport, type AnalysisReply, type AnalysisRequest, type AnalysisResult, type DashboardRequest, type TimelineRequest } from './analysis-core';

const port = parentPort;
if (!port) throw new Error('analysis-worker.js runs as a worker thread');
port.on('message', (req: AnalysisRequest | DashboardRequest | TimelineRequest) => {
  if (req.kind === 'timeline') {
    try {
      const timeline = runTimelineExport(req);
      // The JSON's buffer is moved to the host, not copied (megabytes for a big config).
      port.postMessage({ id: req.id, kind: 'timeline', timeline } satisfies AnalysisReply, timeline.ok ? [timeline.json.buffer as ArrayBuffer] : []);
    } catch (e) {
      port.postMessage({ id: req.id, kind: 'failed', error: (e as Error)?.stack ?? String(e) } satisfies AnalysisReply);
    }
    return;
  }
  if (req.kind === 'dashboard') {
    try {
      port.postMessage({ id: req.id, kind: 'dashboard', model: runDashboardModel(req) } satisfies AnalysisReply);
    } catch (e) {
      port.postMessage({ id: req.id, kind: 'failed', error: (e as Error)?.stack ?? String(e) } satisfies AnalysisReply);
    }
    return;
  }
  const t0 = performance.now();
  let result: AnalysisResult;
  try {
    result = runAnalysis(req);
    const { load, sim, simCrash, check } = result;
    port.postMessage({ id: req.id, kind: 'analysis', load: loadResultToWire(load), sim, simCrash, check: check && { findings: check.findings, configErrors: check.configErrors }, ms: performance.now() - t0 } satisfies AnalysisReply);
  } catch (e) {
    port.postMessage({ id: req.id, kind: 'failed', error: (e as Error)?.stack ?? String(e) } satisfies AnalysisReply);
    return;
  }
  // The diagnostics are on their way; now what the CodeLens will ask for.
  if (req.figures && result.sim) port.postMessage({ id: req.id, kind: 'figures', figures: editorFigures(result.load, result.sim, req.options) } satisfies AnalysisReply);
});
