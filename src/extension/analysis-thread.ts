// The analysis thread: a worker (dist/analysis-worker.js) that parses, validates, simulates and checks
// configs, one at a time in request order, so that a big config does not stall the extension host while
// the user types; the host only restores the result. When the thread cannot start or fails, analyses are
// done in-process (analysis-core.ts) and the log says so once. No `vscode` here (unit-tested directly).
import { Worker } from 'node:worker_threads';
import type { AnalysisReply, AnalysisRequest, AnalysisResult } from './analysis-core';

/** What the analysis thread has done (the tests and the debug log read it). */
export interface AnalysisThreadStats {
  /** Analyses done in the thread, and in the extension host (the thread failed or could not start). */
  inThread: number;
  inProcess: number;
  /** The last analysis done in the thread: its time there, and the host's time to restore the result. */
  lastThreadMs: number | null;
  lastRestoreMs: number | null;
}

type Reply = Extract<AnalysisReply, { ok: true }>;

/** The worker thread that runs analyses, one at a time in request order. */
export class AnalysisThread {
  readonly stats: AnalysisThreadStats = { inThread: 0, inProcess: 0, lastThreadMs: null, lastRestoreMs: null };
  private worker: Worker | null = null;
  /** Set when the thread failed: from then on analyses run in-process. */
  private failed = false;
  private nextId = 1;
  private readonly pending = new Map<number, (r: Reply | null) => void>();

  constructor(
    /** The worker's script (dist/analysis-worker.js). */
    private readonly file: string,
    private readonly log: { error(message: string, err?: unknown): void },
  ) {}

  /** The analysis, done in the thread when it can, else in-process (the same result either way). */
  async analyze(req: Omit<AnalysisRequest, 'id'>): Promise<AnalysisResult> {
    const reply = await this.run(req);
    if (reply) {
      const { loadResultFromWire } = await import('../config/load');
      const t0 = performance.now();
      const load = loadResultFromWire(reply.load);
      const result = { load, sim: reply.sim, simCrash: reply.simCrash, check: reply.check && { ...reply.check, load } };
      this.stats.inThread++;
      this.stats.lastThreadMs = reply.ms;
      this.stats.lastRestoreMs = performance.now() - t0;
      return result;
    }
    const { runAnalysis } = await import('./analysis-core');
    this.stats.inProcess++;
    return runAnalysis(req);
  }

  /** The reply of the thread, or null when it cannot do this analysis (the caller then works in-process). */
  private run(req: Omit<AnalysisRequest, 'id'>): Promise<Reply | null> {
    const w = this.start();
    if (!w) return Promise.resolve(null);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      w.ref(); // an analysis in hand keeps the process alive; an idle thread does not (see start())
      try {
        w.postMessage({ ...req, id } satisfies AnalysisRequest);
      } catch (e) {
        this.pending.delete(id);
        this.fail('could not post an analysis to the analysis thread', e);
        resolve(null);
      }
    });
  }

  private start(): Worker | null {
    if (this.worker || this.failed) return this.worker;
    const file = this.file;
    try {
      const w = new Worker(file);
      w.on('message', (r: AnalysisReply) => {
        const done = this.pending.get(r.id);
        if (!done) return;
        this.pending.delete(r.id);
        if (this.pending.size === 0) w.unref();
        if (r.ok) done(r);
        else {
          this.log.error(`the analysis thread failed on one config (done in-process instead): ${r.error}`);
          done(null);
        }
      });
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
    this.failed = true;
    const w = this.worker;
    this.worker = null;
    void w?.terminate();
    for (const done of this.pending.values()) done(null);
    this.pending.clear();
  }

  dispose(): void {
    const w = this.worker;
    this.worker = null;
    this.failed = true;
    void w?.terminate();
    for (const done of this.pending.values()) done(null);
    this.pending.clear();
  }
}

