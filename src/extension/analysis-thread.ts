// The analysis thread: a worker (dist/analysis-worker.js) that parses, validates, simulates and checks
// configs, one at a time in request order, so that a big config does not stall the extension host while
// the user types; the host only restores the result. When the thread cannot start or fails, analyses are
// done in-process (analysis-core.ts) and the log says so once. No `vscode` here (unit-tested directly).
import { Worker } from 'node:worker_threads';
import type { CancelToken as PolledCancelToken } from '../trace/cancel';
import type { AnalysisReply, AnalysisRequest, AnalysisResult, CancelRequest, DashboardRequest, EditorFigures, TimelineExport, TimelineRequest } from './analysis-core';

/** A cancellation that can be listened to (vscode.CancellationToken's shape; this module does not import vscode). */
export interface CancelToken extends PolledCancelToken {
  onCancellationRequested(listener: () => void): { dispose(): void };
}
import type { DashboardModel } from '../protocol/dashboard';

/** What the analysis thread has done (the tests and the debug log read it). */
export interface AnalysisThreadStats {
  /** Analyses done in the thread, and in the extension host (the thread failed or could not start). */
  inThread: number;
  inProcess: number;
  /** The last analysis done in the thread: its time there, and the host's time to restore the result. */
  lastThreadMs: number | null;
  lastRestoreMs: number | null;
}

type AnalysisMsg = Extract<AnalysisReply, { kind: 'analysis' }>;

/** An analysis, with the figures for the CodeLens and hovers still on their way from the thread (null:
 *  not computed there; the caller computes them when it needs them). */
export interface ThreadAnalysis extends AnalysisResult {
  editorFigures: Promise<EditorFigures | null> | null;
  /** Milliseconds in the thread and to restore the result here; null when done in-process. */
  threadMs: number | null;
  restoreMs: number | null;
}

/** A request in the thread: what its replies resolve (each once; null when the thread cannot). */
interface Pending {
  /** The thread dropped the request because the host cancelled it (null replies then mean "not wanted"). */
  cancelled?: boolean;
  analysis: ((r: AnalysisMsg | null) => void) | null;
  figures: ((f: EditorFigures | null) => void) | null;
  dashboard: ((m: DashboardModel | null) => void) | null;
  timeline: ((t: TimelineExport | null) => void) | null;
}

/** The worker thread that runs analyses, one at a time in request order. */
export class AnalysisThread {
  readonly stats: AnalysisThreadStats = { inThread: 0, inProcess: 0, lastThreadMs: null, lastRestoreMs: null };
  private worker: Worker | null = null;
  /** Set when the thread failed: from then on analyses run in-process. */
  private failed = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    /** The worker's script (dist/analysis-worker.js). */
    private readonly file: string,
    private readonly log: { error(message: string, err?: unknown): void },
  ) {}

  /** The analysis, done in the thread when it can, else in-process (the same result either way). With
   *  `req.figures`, the thread computes the EditorFigures after it (ThreadAnalysis.editorFigures). */
  async analyze(req: Omit<AnalysisRequest, 'kind' | 'id'>): Promise<ThreadAnalysis>;
  /** With `drop`: once it is cancelled, the thread skips the request if it has not started it (and its figures
   *  if it has not got to them), and the result is null. */
  async analyze(req: Omit<AnalysisRequest, 'kind' | 'id'>, drop: CancelToken): Promise<ThreadAnalysis | null>;
  async analyze(req: Omit<AnalysisRequest, 'kind' | 'id'>, drop?: CancelToken): Promise<ThreadAnalysis | null> {
    const { analysis, figures, pending, id } = this.run(req);
    const sub = drop && id !== null ? drop.onCancellationRequested(() => this.cancel(id)) : null;
    let reply: AnalysisMsg | null;
    try {
      reply = await analysis;
    } finally {
      // The figures can still be cancelled while they are on their way.
      if (sub) void (figures ?? Promise.resolve()).finally(() => sub.dispose());
    }
    if (!reply && pending?.cancelled) return null;
    if (reply) {
      const { loadResultFromWire } = await import('../config/load');
      const t0 = performance.now();
      const load = loadResultFromWire(reply.load);
      const restoreMs = performance.now() - t0;
      this.stats.inThread++;
      this.stats.lastThreadMs = reply.ms;
      this.stats.lastRestoreMs = restoreMs;
      return { load, sim: reply.sim, simCrash: reply.simCrash, check: reply.check && { ...reply.check, load }, editorFigures: reply.sim ? figures : null, threadMs: reply.ms, restoreMs };
    }
    const { runAnalysis } = await import('./analysis-core');
    this.stats.inProcess++;
    return { ...runAnalysis(req), editorFigures: null, threadMs: null, restoreMs: null };
  }

  /** The dashboard's model of a config, built in the thread; null when the thread cannot (the caller then
   *  builds it in-process). */
  dashboard(req: Omit<DashboardRequest, 'kind' | 'id'>): Promise<DashboardModel | null> {
    const p: Pending = { analysis: null, figures: null, dashboard: null, timeline: null };
    const model = new Promise<DashboardModel | null>((resolve) => (p.dashboard = resolve));
    return this.post({ ...req, kind: 'dashboard', id: 0 }, p) !== null ? model : Promise.resolve(null);
  }

  /** Export Timeline's JSON, written in the thread; null when the thread cannot (the caller then writes it
   *  in-process). */
  timeline(req: Omit<TimelineRequest, 'kind' | 'id'>): Promise<TimelineExport | null> {
    const p: Pending = { analysis: null, figures: null, dashboard: null, timeline: null };
    const out = new Promise<TimelineExport | null>((resolve) => (p.timeline = resolve));
    return this.post({ ...req, kind: 'timeline', id: 0 }, p) !== null ? out : Promise.resolve(null);
  }

  /** The thread's replies (null when it cannot do this analysis: the caller then works in-process). */
  private run(req: Omit<AnalysisRequest, 'kind' | 'id'>): { analysis: Promise<AnalysisMsg | null>; figures: Promise<EditorFigures | null> | null; pending: Pending | null; id: number | null } {
    const p: Pending = { analysis: null, figures: null, dashboard: null, timeline: null };
    const analysis = new Promise<AnalysisMsg | null>((resolve) => (p.analysis = resolve));
    const figures = req.figures ? new Promise<EditorFigures | null>((resolve) => (p.figures = resolve)) : null;
    const id = this.post({ ...req, kind: 'analysis', id: 0 }, p);
    if (id === null) return { analysis: Promise.resolve(null), figures: null, pending: null, id: null };
    return { analysis, figures, pending: p, id };
  }

  /** Tell the thread that request `id` is not wanted any more (it skips what it has not started). */
  private cancel(id: number): void {
    if (!this.pending.has(id)) return;
    try {
      this.worker?.postMessage({ kind: 'cancel', id } satisfies CancelRequest);
    } catch {
      // the thread is gone: its requests are settled by fail()
    }
  }

  /** Send a request (its id assigned here) whose replies resolve `p`: its id, or null when the thread is not there. */
  private post(req: AnalysisRequest | DashboardRequest | TimelineRequest, p: Pending): number | null {
    const w = this.start();
    if (!w) return null;
    const id = this.nextId++;
    this.pending.set(id, p);
    w.ref(); // a request in hand keeps the process alive; an idle thread does not (see start())
    try {
      w.postMessage({ ...req, id });
    } catch (e) {
      this.fail('could not post a request to the analysis thread', e);
    }
    return id;
  }

  /** Resolve what is left of request `id` (missing replies as null) and forget it. */
  private settle(id: number, p: Pending): void {
    p.analysis?.(null);
    p.figures?.(null);
    p.dashboard?.(null);
    p.timeline?.(null);
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
  }

  private onReply(r: AnalysisReply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    if (r.kind === 'analysis') {
      p.analysis?.(r);
      p.analysis = null;
      // No figures follow when they were not asked for or nothing was simulated.
      if (!p.figures || !r.sim) this.settle(r.id, p);
    } else if (r.kind === 'figures') {
      p.figures?.(r.figures);
      p.figures = null;
      this.settle(r.id, p);
    } else if (r.kind === 'dashboard') {
      p.dashboard?.(r.model);
      p.dashboard = null;
      this.settle(r.id, p);
    } else if (r.kind === 'timeline') {
      p.timeline?.(r.timeline);
      p.timeline = null;
      this.settle(r.id, p);
    } else if (r.kind === 'cancelled') {
      p.cancelled = true;
      this.settle(r.id, p);
    } else {
      this.log.error(`the analysis thread failed on one config (done in-process instead): ${r.error}`);
      this.settle(r.id, p);
    }
  }

  private start(): Worker | null {
    if (this.worker || this.failed) return this.worker;
    const file = this.file;
    try {
      const w = new Worker(file);
      w.on('message', (r: AnalysisReply) => this.onReply(r));
      w.on('error', (e) => this.fail('the analysis thread crashed', e));
      w.on('exit', (code) => {
        if (this.worker === w && code !== 0) this.fail(`the analysis thread exited with code ${code}`);
        if (this.worker === w) this.worker = null;
      });
      // The host may exit while the thread is idle.
      w.unref();
      this.worker = w;
    } catch (e) {
      this.fail(`could not start the analysis thread (${file})`, e);
    }
    return this.worker;
  }

  /** Give up on the thread: what it had in hand is done in-process. */
  private fail(what: string, e?: unknown): void {
    if (!this.failed) this.log.error(`${what}; configs are analyzed in the extension host from now on`, e);
    this.stop();
  }

  private stop(): void {
    this.failed = true;
    const w = this.worker;
    this.worker = null;
    void w?.terminate();
    for (const [id, p] of [...this.pending]) this.settle(id, p);
  }

  dispose(): void {
    this.stop();
  }
}
