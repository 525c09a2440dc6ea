// The analysis thread: parses, validates, simulates and checks configs off the extension host's thread, so that
// typing in a big config does not stall the host (the `yaml` parser alone takes ~100 ms for a 5,000-line
// file). Bundled on its own as dist/analysis-worker.js (config loader + mm core, no `vscode`); analysis.ts
// starts it on first use and does the work in-process when it cannot.
import { parentPort } from 'node:worker_threads';
import { loadResultToWire } from '../config/load';
import { runAnalysis, type AnalysisReply, type AnalysisRequest } from './analysis-core';

const port = parentPort;
if (!port) throw new Error('analysis-worker.js runs as a worker thread');
port.on('message', (req: AnalysisRequest) => {
  const t0 = performance.now();
  let reply: AnalysisReply;
  try {
    const { load, sim, simCrash, check } = runAnalysis(req);
    reply = { id: req.id, ok: true, load: loadResultToWire(load), sim, simCrash, check: check && { findings: check.findings, configErrors: check.configErrors }, ms: performance.now() - t0 };
  } catch (e) {
    reply = { id: req.id, ok: false, error: (e as Error)?.stack ?? String(e) };
  }
  port.postMessage(reply);
});
