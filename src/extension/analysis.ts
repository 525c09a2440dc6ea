// One analysis of one config text: the loader (parse + validate), then - if asked and the config is
// valid - the simulated mm core and the checker's rules, run in the analysis thread (analysis-thread.ts),
// as an editor-side Analysis with VS Code ranges.
import * as vscode from 'vscode';
import { AnalysisThread } from './analysis-thread';
import { codeLensEnabled } from './settings';
import type { LoadResult } from '../config/load';
import type { Range } from '../config/source';
import type { JsonPath } from '../config/types';
import type { MemmapResult } from '../core/simulate';
import type { CheckResult } from '../check/types';
import type { EditorFigures } from './analysis-core';
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
  /** The timing model's and the scenarios' figures for the CodeLens and hovers, still on their way from
   *  the analysis thread (null: not computed there; EditorModel computes them on first need). */
  editorFigures: Promise<EditorFigures | null> | null;
  /** A loader/core range (character offsets) as an editor range of this text. */
  toRange(r: Range): vscode.Range;
  /** Where the config object at `path` (a WorkloadConfig path, e.g. a core error's) is written. */
  locate(path: JsonPath): vscode.Range;
}

let thread: AnalysisThread | undefined;

/** The extension's analysis thread (created on first use, disposed with the context). */
export function analysisThread(ctx: Ctx): AnalysisThread {
  if (!thread) {
    const t = new AnalysisThread(vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'analysis-worker.js').fsPath, ctx.log);
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

export async function analyze(snapshot: TextSnapshot, ctx: Ctx, simulate: boolean): Promise<Analysis>;
/** With `drop`: null when it was cancelled before the analysis thread got to it (a newer edit supersedes it). */
export async function analyze(snapshot: TextSnapshot, ctx: Ctx, simulate: boolean, drop: vscode.CancellationToken): Promise<Analysis | null>;
export async function analyze(snapshot: TextSnapshot, ctx: Ctx, simulate: boolean, drop?: vscode.CancellationToken): Promise<Analysis | null> {
  const { settings } = ctx;
  const options = { defaultArch: settings.defaultArch, defaultKernelVersion: settings.defaultKernel };
  // For an open document with the CodeLens on, the thread runs the timing model and the scenarios after
  // the analysis too (the lenses show them); not for files read from disk (Check All).
  const figures = simulate && !!snapshot.document && codeLensEnabled(snapshot.uri);
  const t0 = performance.now();
  const req = { text: snapshot.text, fileName: snapshot.fileName, options, simulate, figures };
  const result = drop ? await analysisThread(ctx).analyze(req, drop) : await analysisThread(ctx).analyze(req);
  if (!result) {
    ctx.log.debug(`analysis of ${snapshot.uri.fsPath} v${snapshot.version}: dropped (a newer one supersedes it)`);
    return null;
  }
  const where = result.threadMs === null ? 'in the extension host' : `in the analysis thread (${result.threadMs.toFixed(1)} ms there, ${result.restoreMs!.toFixed(1)} ms to restore)`;
  ctx.log.debug(`analysis of ${snapshot.uri.fsPath} v${snapshot.version}: ${(performance.now() - t0).toFixed(1)} ms ${where}`);
  const { configRange } = await import('../config/load');
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
    editorFigures: result.editorFigures,
    toRange: (r) => new vscode.Range(positionAt(r.start), positionAt(r.end)),
    locate: (path) => analysis.toRange(configRange(load, path)),
  };
  return analysis;
}
