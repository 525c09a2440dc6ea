// `npm run bench`: runs every benchmark in bench/ one after another, each in its own process so that
// one's memory does not weigh on the next. Benchmarks print figures and ratios; they assert nothing.
// `npm run bench -- simulate timing` runs only the named ones; BENCH_QUICK=1 makes every one a quick smoke
// run (test/unit/bench-smoke.test.ts).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ALL = ['simulate', 'check', 'live-analysis', 'timing', 'trace-analyze', 'activation'];
const dir = new URL('.', import.meta.url).pathname;
const wanted = process.argv.slice(2);
const names = wanted.length ? wanted : ALL;
if (process.env.BENCH_QUICK === '1') console.log('BENCH_QUICK=1: a smoke run on small inputs (bench/quick.ts); the figures mean nothing.');
let failed = 0;
for (const name of names) {
  const file = join(dir, `${name}.ts`);
  if (!existsSync(file)) {
    if (wanted.length) {
      console.error(`bench: no bench/${name}.ts`);
      failed++;
    }
    continue;
  }
  console.log(`\n### bench/${name}.ts`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', file], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`bench/${name}.ts exited with ${r.status ?? r.signal}`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
