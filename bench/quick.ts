// BENCH_QUICK=1: every benchmark does a few repetitions on small inputs, so that test/unit/bench-smoke.test.ts
// can run them all in seconds and notice when one stops working. Its figures mean nothing.
export const QUICK = process.env.BENCH_QUICK === '1';

/** `n` repetitions, or `quick` of them in quick mode. */
export function reps(n: number, quick: number): number {
  return QUICK ? quick : n;
}
