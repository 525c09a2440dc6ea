// Extension-host tests: opens code-server's workbench with the same "payload" VS Code uses for an
// Extension Development Host (extensionDevelopmentPath + extensionTestsPath). The workbench starts the
// remote (Node) extension host with the extension loaded from the repository, runs the mocha suite's
// run() (dist/test/e2e/index.js, built from test/e2e/suite/) there, and when it settles calls
// window.codeAutomationExit(exitCode) - which we expose from playwright, like @vscode/test-web does.
// Needs code-server started with --vscode-option enable-smoke-test-driver (scripts/e2e/run.sh).
//
// env: CODE_SERVER_URL, WORKSPACE_DIR, EXT_DIR (the repository, absolute), TESTS_PATH, SHOTS_DIR,
//      RESULTS_FILE (JSON the runner writes: code-server must have MEMMAP_E2E_RESULTS set to it),
//      TEST_TIMEOUT_MS (default 240000), CHROMIUM (default /usr/bin/chromium), VERBOSE=1
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';

const base = process.env.CODE_SERVER_URL ?? 'http://127.0.0.1:18080';
const workspace = process.env.WORKSPACE_DIR;
const extDir = process.env.EXT_DIR;
if (!workspace || !extDir) throw new Error('WORKSPACE_DIR and EXT_DIR are required');
const testsPath = process.env.TESTS_PATH ?? join(extDir, 'dist/test/e2e/index.js');
const shots = process.env.SHOTS_DIR ?? 'test-output/e2e';
const timeoutMs = Number(process.env.TEST_TIMEOUT_MS ?? 240_000);
mkdirSync(shots, { recursive: true });
if (!existsSync(testsPath)) throw new Error(`${testsPath} missing: run npm run build`);

const t0 = Date.now();
const log = (...a) => console.log(`[host-tests +${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

// code-server's workbench calls its server "remote": server files are vscode-remote://remote/<abs path>.
const remote = (p) => `vscode-remote://remote${p}`;
const payload = [
  ['extensionDevelopmentPath', remote(extDir)],
  ['extensionTestsPath', remote(testsPath)],
];
const url = `${base}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

const profile = mkdtempSync(join(tmpdir(), 'e2e-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: !process.env.HEADED,
  viewport: { width: 1600, height: 1000 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let exitCode;
let timedOut = false;
try {
  const page = context.pages()[0] ?? (await context.newPage());
  // The extension host's console (mocha's spec reporter) is forwarded to the page console.
  const consoleLines = [];
  page.on('console', (m) => {
    const t = m.text();
    consoleLines.push(`[${m.type()}] ${t}`);
    if (process.env.VERBOSE || /Extension Host\]/.test(t)) console.log('  [console]', t.slice(0, 400));
  });
  let resolveDone;
  const done = new Promise((resolve) => (resolveDone = resolve));
  await page.exposeFunction('codeAutomationExit', (code) => {
    exitCode = code;
    resolveDone();
  });

  log('open', url);
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  log('workbench visible; waiting for the extension tests to finish');
  let timer;
  await Promise.race([done, new Promise((r) => (timer = setTimeout(() => r((timedOut = true)), timeoutMs)))]);
  clearTimeout(timer);
  await page.screenshot({ path: join(shots, '10-extension-host-tests.png') }).catch(() => {});
  writeFileSync(join(shots, 'host-tests-console.log'), consoleLines.join('\n'));
} finally {
  await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}

if (timedOut) {
  log(`TIMEOUT after ${timeoutMs} ms: the workbench never reported the end of the tests`);
  process.exit(2);
}
log(`extension host tests finished, exit code ${exitCode}`);
const resultsFile = process.env.RESULTS_FILE;
if (resultsFile && existsSync(resultsFile)) {
  const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
  for (const t of r.results) console.log(`  ${t.state === 'passed' ? 'PASS' : 'FAIL'} ${t.title}${t.ms !== undefined ? ` (${t.ms} ms)` : ''}${t.error ? `\n    ${t.error.replace(/\n/g, '\n    ')}` : ''}`);
  console.log(`host-tests: ${r.passed} passed, ${r.failed} failed`);
} else if (resultsFile) {
  log(`no results file at ${resultsFile}: the suite did not run (see ${join(shots, 'host-tests-console.log')})`);
}
process.exit(exitCode === 0 ? 0 : 1);
