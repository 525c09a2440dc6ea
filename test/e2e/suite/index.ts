// Mocha runner loaded by VS Code's extension host through extensionTestsPath (test/e2e/host-tests.mjs).
// VS Code calls run() and awaits it; a rejection means failure. Results also go to $MEMMAP_E2E_RESULTS
// (the environment is inherited from code-server, started by scripts/e2e/run.sh).
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: 'spec' });
  for (const f of fs.readdirSync(__dirname).sort()) if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  const resultsFile = process.env.MEMMAP_E2E_RESULTS;
  return new Promise((resolve, reject) => {
    const results: { title: string; state: string; ms?: number; error?: string }[] = [];
    const runner = mocha.run((failures) => {
      const summary = { passed: results.filter((r) => r.state === 'passed').length, failed: failures, results };
      if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify(summary, null, 2));
      if (failures > 0) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
    runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed', ms: t.duration }));
    runner.on('fail', (t, err: Error) => results.push({ title: t.fullTitle(), state: 'failed', error: String(err?.stack ?? err) }));
  });
}
