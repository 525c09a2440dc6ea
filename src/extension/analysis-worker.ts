// The analysis thread: parses, validates, simulates and checks configs, then runs the timing model and the
// scenario variants for the CodeLens - or builds an open dashboard's model, or exports a timeline - off the extension host's
// thread, so that typing in a big config does not stall the host (the `yaml` parser alone takes ~100 ms
// for a 5,000-line file). Bundled on its own as dist/analysis-worker.js (config loader, mm core, checker,
// timing model, dashboard model; no `vscode`); analysis-thread.ts starts it on first use and does the work
// in-process when it cannot.
import { parentPort } from 'node:worker_threads';
import { loadResultToWire } from '../config/load';
import { editorFigures, runAnalysis, runDashboardModel, runTimelineExport, type AnalysisReply, type AnalysisRequest, type AnalysisResult, type CancelRequest, type DashboardRequest, type TimelineRequest } from './analysis-core';

const port = parentPort;
if (!port) throw new Error('analysis-worker.js runs as a worker thread');

type Request = AnalysisRequest | DashboardRequest | TimelineRequest;
/** One step of work: a request, or the CodeLens figures that follow an analysis. */
type Task = { req: Request } | { figuresOf: AnalysisRequest; result: AnalysisResult };

// Requests wait here and are done one per turn of the event loop, so that a cancel the host sent for a queued
// request (a newer edit of the same config superseded it) arrives before the thread gets to it.
const queue: Task[] = [];
const cancelled = new Set<number>();
let scheduled = false;
const schedule = () => {
  if (scheduled || queue.length === 0) return;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    const t = queue.shift();
    if (t) run(t);
    schedule();
  });
};

port.on('message', (m: Request | CancelRequest) => {
  if (m.kind === 'cancel') {
    // Only ids still queued matter; one done already is forgotten when its last reply goes out.
    if (queue.some((t) => ('req' in t ? t.req.id : t.figuresOf.id) === m.id)) cancelled.add(m.id);
    return;
  }
  queue.push({ req: m });
  schedule();
});

const fail = (id: number, e: unknown) => port.postMessage({ id, kind: 'failed', error: (e as Error)?.stack ?? String(e) } satisfies AnalysisReply);

function run(t: Task): void {
  const id = 'req' in t ? t.req.id : t.figuresOf.id;
  if (cancelled.delete(id)) {
    port!.postMessage({ id, kind: 'cancelled' } satisfies AnalysisReply);
    return;
  }
  if ('figuresOf' in t) {
    // The diagnostics are on their way; now what the CodeLens will ask for.
    try {
      port!.postMessage({ id, kind: 'figures', figures: editorFigures(t.result.load, t.result.sim!, t.figuresOf.options) } satisfies AnalysisReply);
    } catch (e) {
      fail(id, e);
    }
    return;
  }
  const req = t.req;
  if (req.kind === 'timeline') {
    try {
      const timeline = runTimelineExport(req);
      // The JSON's buffer is moved to the host, not copied (megabytes for a big config).
      port!.postMessage({ id: req.id, kind: 'timeline', timeline } satisfies AnalysisReply, timeline.ok ? [timeline.json.buffer as ArrayBuffer] : []);
    } catch (e) {
      fail(req.id, e);
    }
    return;
  }
  if (req.kind === 'dashboard') {
    try {
      port!.postMessage({ id: req.id, kind: 'dashboard', model: runDashboardModel(req) } satisfies AnalysisReply);
    } catch (e) {
      fail(req.id, e);
    }
    return;
  }
  const t0 = performance.now();
  let result: AnalysisResult;
  try {
    result = runAnalysis(req);
    const { load, sim, simCrash, check } = result;
    port!.postMessage({ id: req.id, kind: 'analysis', load: loadResultToWire(load), sim, simCrash, check: check && { findings: check.findings, configErrors: check.configErrors }, ms: performance.now() - t0 } satisfies AnalysisReply);
  } catch (e) {
    fail(req.id, e);
    return;
  }
  // The figures next, before any other request, unless a cancel comes in first.
  if (req.figures && result.sim) queue.unshift({ figuresOf: req, result });
}
