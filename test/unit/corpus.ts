// The real kernel logs of ../shared/corpus (next to the repository; read in place at test time, never
// copied into the repository): where they are, one file by its number, all of them.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

export const CORPUS = join(__dirname, '..', '..', '..', 'shared', 'corpus');

/** The path of corpus log number `n` ("04" -> 04-x86-....log). */
export function corpusFile(n: string): string {
  assert.ok(existsSync(CORPUS), `the kernel log corpus is not at ${CORPUS} (../shared/corpus next to the repository root)`);
  const f = readdirSync(CORPUS).find((x) => x.startsWith(`${n}-`) && x.endsWith('.log'));
  assert.ok(f, `corpus file ${n}-*.log is missing from ${CORPUS}`);
  return join(CORPUS, f);
}

/** Every corpus log's text (latin1: byte for byte), in file name order. */
export function corpusTexts(): string[] {
  assert.ok(existsSync(CORPUS), `the kernel log corpus is not at ${CORPUS} (../shared/corpus next to the repository root)`);
  return readdirSync(CORPUS)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => readFileSync(join(CORPUS, f), 'latin1'));
}

/** Arbitrary: a slice of one of `texts` at any offsets (cut lines, cut QP escapes, cut stamps). */
export function corpusSlice(texts: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.integer({ min: 0, max: texts.length - 1 }), fc.nat(), fc.nat({ max: 6000 }))
    .map(([k, a, n]) => {
      const t = texts[k];
      const s = a % Math.max(1, t.length);
      return t.slice(s, s + n);
    });
}
