// Every benchmark in bench/ still runs: `npm run bench` in quick mode (BENCH_QUICK=1: small inputs, few
// repetitions) exits 0 and prints each benchmark's figures. The figures themselves are not checked here:
// targets are the benchmarks' business, on a quiet machine (README, "npm run bench").
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

describe('benchmarks (quick smoke run)', () => {
  it('npm run bench: every benchmark runs and prints its figures', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'run.ts')], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, BENCH_QUICK: '1' },
      timeout: 240_000,
      maxBuffer: 16 << 20,
    });
    const out = `${r.stdout}\n${r.stderr}`;
    assert.equal(r.status, 0, out);
    for (const name of ['simulate', 'check', 'live-analysis', 'timing', 'trace-analyze', 'activation']) assert.ok(out.includes(`### bench/${name}.ts`), `no output from bench/${name}.ts\n${out}`);
    const figures: [string, RegExp][] = [
      ['simulate', /ratio 1 PiB \/ 1 TiB: \d+\.\d+/],
      ['simulate (devices)', /ratio \d+ \/ \d+ namespaces: \d+\.\d/],
      ['check', /check \(rules \+ simulation, on the loaded config\): \d+\.\d ms/],
      ['check (CLI)', /check of 20 config files .* exit 0/],
      ['timing', /simulateTiming \(median of 1\)\s+\d+\.\d ms/],
      ['timing (trace)', /write Chrome trace\s+\d+\.\d ms, \d+ trace events/],
      ['trace-analyze', /^ratio\s+\d\.\d{3}/m],
      ['trace-analyze (threads)', /rules thread \d+\.\d\d, reader thread \d+\.\d\d, V8 compiler\/GC threads \d+\.\d\d/],
      ['trace-analyze (RSS)', /^peak RSS\s+\d+ MB/m],
      ['activation', /production bundle \(as in the \.vsix\) \(\d+ KiB\): require \d+\.\d ms \+ activate\(\) \d+\.\d ms/],
      ['activation (lazy)', /first use: require of extension-lazy\.js \(\d+ KiB.*\) \d+\.\d ms/],
      ['live-analysis (host)', /with the thread: {4}host busy \d+\.\d ms per edit \(receive \+ restore, and the CodeLens figures\); the thread \d+\.\d ms/],
      ['live-analysis (ratio)', /host busy with \/ without the thread: \d\.\d\d/],
      ['live-analysis (dashboard)', /with a dashboard open, its model per edit: host busy \d+\.\d ms with the thread/],
    ];
    for (const [what, re] of figures) assert.match(out, re, `${what}: figure missing`);
  });
});
