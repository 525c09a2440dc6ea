// The project's test command (`npm test`, called by .ci/run): type check, lint, build, every unit and
// integration test under test/ with node's built-in test runner, then the end-to-end tests in a real
// VS Code (scripts/e2e/run.sh: code-server + Debian Chromium, installed by the script itself).
// Each step's failure stops the run with a non-zero exit code.
//   node scripts/test.mjs --no-e2e   the fast default for development (`npm run test:fast`)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function run(title, cmd, args, opts = {}) {
  process.stdout.write(`\n== ${title}: ${cmd} ${args.join(' ')}\n`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  const s = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    process.stdout.write(`== ${title} failed (exit ${r.status ?? r.signal}) after ${s}s\n`);
    process.exit(r.status || 1);
  }
  process.stdout.write(`== ${title} ok (${s}s)\n`);
}

function testFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'fixtures' && name !== 'e2e') out.push(...testFiles(p));
    } else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const npx = (bin) => join(root, 'node_modules', '.bin', bin);
run('typecheck', npx('tsc'), ['-p', '.', '--noEmit']);
run('lint', npx('eslint'), ['.']);
run('build', process.execPath, ['scripts/build.mjs']);
const files = testFiles(join(root, 'test')).map((f) => f.slice(root.length));
run('unit and integration tests', process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files]);
if (!process.argv.includes('--no-e2e')) run('end-to-end tests in VS Code (code-server)', 'bash', ['scripts/e2e/run.sh']);
