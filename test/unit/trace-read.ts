// Reading synthetic kernel-log text in the trace tests: through analyzeText() (the fast path), checked against
// the general path (fast path off), which must read the same.
import assert from 'node:assert/strict';
import { analyzeText } from '../../src/trace/analyze';
import { KernelLogReader } from '../../src/trace/kernel-log';
import type { AnalysisFile, Boot } from '../../src/trace/types';

export const lines = (...l: string[]) => l.join('\n') + '\n';

export function read(text: string): AnalysisFile {
  const f = analyzeText(text);
  const r = new KernelLogReader({ fastPath: false });
  r.push(text);
  r.end();
  assert.deepEqual(JSON.parse(JSON.stringify(r.boots)), JSON.parse(JSON.stringify(f.boots)), 'the general path reads the same');
  return f;
}

/** The one boot the text holds. */
export function one(text: string): Boot {
  const f = read(text);
  assert.equal(f.boots.length, 1, `expected one boot, got ${f.boots.map((b) => `${b.firstLine}-${b.lastLine} (${b.boundary})`).join(', ')}`);
  return f.boots[0];
}
