// One analysis of one config text: the loader (parse + validate), then - if asked and the config is
// valid - the simulated mm core and the checker's rules. The work runs in the analysis thread (analysis-worker.ts, started on
// first use), so that a big config does not stall the extension host while the user types; the host only
// restores the result (analysis-core.ts does the same work in-process when the thread cannot). Nothing of
// it is loaded at activation.
import * as vscode from 'vscode';
import { Worker } from 'node:worker_threads';
import type { LoadResult } from '../config/load';
import type { Range } from '../config/source';
import type { JsonPath } from '../config/types';
import type { MemmapResult } from '../core/simulate';
import type { CheckResult } from '../check/types';
import type { AnalysisReply, AnalysisRequest, AnalysisResult } from './analysis-core';
import type { Ctx } from './ctx';
import type { TextSnapshot } from './configFiles';

export interface Analysis {
  snapshot: TextSnapshot;
  load: LoadResult;
  /** The core's result; null when not simulated (liveSimulation off, or the config did not load). */
  sim: MemmapResult | null;
  /** The core threw: a bug in the core, reported as a diagnostic instead of losing the rest. */
  simCrash: string | null;
  /** The checker's result on `sim` (null when not simulated). */
  check: CheckResult | null;
  /** A loader/core range (character offsets) as an editor range of this text. */
  toRange(r: Range): vscode.Range;
  /** Where the config object at `path` (a WorkloadConfig path, e.g. a core error's) is written. */
  locate(path: JsonPath): vscode.Range;
}

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
export class AnalysisThread implements vscode.Disposable {
  readonly stats: AnalysisThreadStats = { inThread: 0, inProcess: 0, lastThreadMs: null, lastRestoreMs: null };
  private worker: Worker | null = null;
  /** Set when the thread failed: from then on analyses run in-process. */
  private failed = false;
  private nextId = 1;
  private readonly pending = new Map<number, (r: Reply | null) => void>();

  constructor(private readonly ctx: Ctx) {}

  /** The reply of the thread, or null when it cannot do this analysis (the caller then works in-process). */
  run(req: Omit<AnalysisRequest, 'id'>): Promise<Reply | null> {
    const w = this.start();
    if (!w) return Promise.resolve(null);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
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
    const file = vscode.Uri.joinPath(this.ctx.extensionUri, 'dist', 'analysis-worker.js').fsPath;
    try {
      const w = new Worker(file);
      w.on('message', (r: AnalysisReply) => {
        const done = this.pending.get(r.id);
        if (!done) return;
        this.pending.delete(r.id);
        if (r.ok) done(r);
        else {
          this.ctx.log.error(`the analysis thread failed on one config (done in-process instead): ${r.error}`);
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
    if (!this.failed) this.ctx.log.error(`${what}; configs are analyzed in the extension host from now on`, e);
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

let thread: AnalysisThread | undefined;

/** The extension's analysis thread (created on first use, disposed with the context). */
export function analysisThread(ctx: Ctx): AnalysisThread {
  if (!thread) {
    const t = new AnalysisThread(ctx);
    thread = t;
    ctx.track({
      dispose: () => {
        t.dispose();
        if (thread === t) thread = undefined;
      },
    });
  }
  return thread;
}

export async function analyze(snapshot: TextSnapshot, ctx: Ctx, simulate: boolean): Promise<Analysis> {
  const { settings } = ctx;
  const req = { text: snapshot.text, fileName: snapshot.fileName, options: { defaultArch: settings.defaultArch, defaultKernelVersion: settings.defaultKernel }, simulate };
  const t = analysisThread(ctx);
  const reply = await t.run(req);
  const { configRange, loadResultFromWire } = await import('../config/load');
  let result: AnalysisResult;
  if (reply) {
    const t0 = performance.now();
    const load = loadResultFromWire(reply.load);
    result = { load, sim: reply.sim, simCrash: reply.simCrash, check: reply.check && { ...reply.check, load } };
    t.stats.inThread++;
    t.stats.lastThreadMs = reply.ms;
    t.stats.lastRestoreMs = performance.now() - t0;
  } else {
    const { runAnalysis } = await import('./analysis-core');
    result = runAnalysis(req);
    t.stats.inProcess++;
  }
  const { load } = result;
  const doc = snapshot.document;
  const positionAt = doc
    ? (o: number) => doc.positionAt(o)
    : (o: number) => {
        // Text read from disk: the loader's SourceDoc knows the lines (1-based; VS Code's are 0-based).
        const p = load.doc?.positionAt(o) ?? { line: 1, column: 1 };
        return new vscode.Position(p.line - 1, p.column - 1);
      };
  const analysis: Analysis = {
    snapshot,
    load,
    sim: result.sim,
    simCrash: result.simCrash,
    check: result.check,
    toRange: (r) => new vscode.Range(positionAt(r.start), positionAt(r.end)),
    locate: (path) => analysis.toRange(configRange(load, path)),
  };
  return analysis;
}
