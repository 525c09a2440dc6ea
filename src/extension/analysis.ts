// One analysis of one config text: the loader (parse + validate), then - if asked and the config is
// valid - the simulated mm core. Both are imported lazily so that activation loads neither.
import * as vscode from 'vscode';
import type { LoadResult } from '../config/load';
import type { Range } from '../config/source';
import type { JsonPath } from '../config/types';
import type { MemmapResult } from '../core/simulate';
import type { Settings } from './settings';
import type { TextSnapshot } from './configFiles';

export interface Analysis {
  snapshot: TextSnapshot;
  load: LoadResult;
  /** The core's result; null when not simulated (liveSimulation off, or the config did not load). */
  sim: MemmapResult | null;
  /** The core threw: a bug in the core, reported as a diagnostic instead of losing the rest. */
  simCrash: string | null;
  /** A loader/core range (character offsets) as an editor range of this text. */
  toRange(r: Range): vscode.Range;
  /** Where the config object at `path` (a WorkloadConfig path, e.g. a core error's) is written. */
  locate(path: JsonPath): vscode.Range;
}

export async function analyze(snapshot: TextSnapshot, settings: Settings, simulate: boolean): Promise<Analysis> {
  const { loadConfigText, configRange } = await import('../config/load');
  const load = loadConfigText(snapshot.text, snapshot.fileName, {
    defaultArch: settings.defaultArch,
    defaultKernelVersion: settings.defaultKernel,
  });
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
    sim: null,
    simCrash: null,
    toRange: (r) => new vscode.Range(positionAt(r.start), positionAt(r.end)),
    locate: (path) => analysis.toRange(configRange(load, path)),
  };
  if (simulate && load.config && !load.errors.some((e) => e.severity === 'error')) {
    const { simulateMemmap } = await import('../core/simulate');
    try {
      analysis.sim = simulateMemmap(load.config);
    } catch (e) {
      analysis.simCrash = (e as Error)?.stack ?? String(e);
    }
  }
  return analysis;
}
