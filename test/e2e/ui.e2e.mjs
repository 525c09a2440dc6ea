// UI end-to-end test: drives a real VS Code workbench (code-server, the installed .vsix) in Debian's
// Chromium with playwright-core. Opens a config, runs "Memmap Lab: Simulate Workload" and "Memmap Lab:
// Check All Workload Configs" from the command palette, reads the notification, the status bar item,
// the summary in the Memmap Lab output channel and the Problems panel, and takes screenshots.
//
// env: CODE_SERVER_URL (e.g. http://127.0.0.1:18080), WORKSPACE_DIR (examples + test/e2e/workspace),
//      SHOTS_DIR (default test-output/e2e), CHROMIUM (default /usr/bin/chromium), HEADED=1 to watch.
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const base = process.env.CODE_SERVER_URL ?? 'http://127.0.0.1:18080';
const workspace = process.env.WORKSPACE_DIR;
const shots = process.env.SHOTS_DIR ?? 'test-output/e2e';
if (!workspace) throw new Error('WORKSPACE_DIR is required');
mkdirSync(shots, { recursive: true });

const t0 = Date.now();
const log = (...a) => console.log(`[ui-e2e +${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const failures = [];
let passes = 0;
const check = (ok, what) => {
  log(ok ? 'PASS' : 'FAIL', what);
  if (ok) passes++;
  else failures.push(what);
};
const squash = (t) => t.replace(/\s+/g, ' ').trim();

// A fresh, empty Chromium profile per run (launchPersistentContext's userDataDir is Chromium's
// --user-data-dir; playwright refuses that flag in launch()).
const profile = mkdtempSync(join(tmpdir(), 'e2e-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: !process.env.HEADED,
  viewport: { width: 1600, height: 1000 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const external = new Set();
context.on('request', (r) => {
  const u = r.url();
  if (!/^(https?:\/\/(127\.0\.0\.1|localhost)[:/]|data:|blob:|about:|chrome)/.test(u)) external.add(u);
});
const page = context.pages()[0] ?? (await context.newPage());
const consoleErrors = [];
page.on('console', (m) => {
  if (m.type() === 'error') consoleErrors.push(m.text().slice(0, 300));
});

/**
 * Runs a command from the palette (F1). Right after the workbench appears the remote extension host may
 * not have registered the extension's commands yet, and the palette lists only the commands known when
 * it opened: retry with Esc, wait, F1 (pitfall 10 of the e2e reference).
 */
async function runFromPalette(label, shot, attempts = 8) {
  for (let i = 1; i <= attempts; i++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget .quick-input-box input').first().waitFor({ state: 'visible', timeout: 20_000 });
    await page.keyboard.type(label, { delay: 15 });
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    try {
      await row.waitFor({ timeout: 5_000 });
    } catch {
      log(`palette attempt ${i}: "${label}" not listed yet, retrying`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(2_000);
      continue;
    }
    if (shot) await page.screenshot({ path: join(shots, shot) });
    await page.keyboard.press('Enter');
    return;
  }
  throw new Error(`command "${label}" never appeared in the command palette`);
}

/**
 * The notification toast whose text matches `text`. (Toasts never appear when code-server runs with
 * the smoke-test driver: scripts/e2e/run.sh starts the UI test's server without it.)
 */
async function notification(text) {
  const item = page.locator('.notifications-toasts .notification-list-item', { hasText: text }).first();
  await item.waitFor({ timeout: 30_000 });
  return item;
}

/** Opens a workspace file through Quick Open (Ctrl+P): independent of the explorer's scroll state. */
async function openFile(name) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget .quick-input-box input').first().waitFor({ state: 'visible', timeout: 20_000 });
  await page.keyboard.type(name, { delay: 15 });
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 20_000 });
}

try {
  const url = `${base}/?folder=${encodeURIComponent(workspace)}`;
  log('open', url);
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  log('workbench visible');
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'default.memmap.yaml' }).first().waitFor({ timeout: 60_000 });
  log('explorer lists default.memmap.yaml');

  // --- (1) the active config's headline in the status bar (live simulation, the installed .vsix)
  await openFile('default.memmap.yaml');
  const status = page.locator('.statusbar-item', { hasText: /memmap \d.* problem/ }).first();
  await status.waitFor({ timeout: 60_000 });
  const statusText = squash(await status.innerText());
  log('status bar:', statusText);
  check(/^memmap \d+(\.\d+)? [KMGTP]?i?B · 0 problems$/.test(statusText), `status bar shows the headline and 0 problems ("${statusText}")`);

  // --- (2) Simulate from the command palette -> notification with the headline figure
  await runFromPalette('Memmap Lab: Simulate Workload', '01-command-palette.png');
  const item = await notification(/Memmap Lab: .*memmap \d/);
  const toastText = squash(await item.innerText());
  log('notification:', toastText);
  check(/memmap \d+(\.\d+)? [KMGTP]?i?B \(RAM /.test(toastText), 'simulate shows a notification with the memmap headline');
  check(statusText.includes(toastText.match(/memmap (\d+(\.\d+)? [KMGTP]?i?B)/)?.[1] ?? '<none>'), 'notification and status bar agree on the figure');
  await page.screenshot({ path: join(shots, '02-simulate-notification.png') });

  // --- (3) "Show Summary" opens the Memmap Lab output channel with the summary
  await item.locator('.monaco-button', { hasText: 'Show Summary' }).first().click();
  const output = page.locator('.part.panel .view-lines', { hasText: /memmap\s[\d.]+\s[KMGTP]?i?B\s=\sRAM/ }).first();
  await output.waitFor({ timeout: 20_000 }).then(
    async () => check(/memmap [\d.]+ [KMGTP]?i?B = RAM [\d.]+ [KMGTP]?i?B \+ on device/.test(squash(await output.innerText()).replace(/\u00a0/g, ' ')), 'the Memmap Lab output channel shows the simulation summary'),
    () => check(false, 'the Memmap Lab output channel shows the simulation summary'),
  );
  await page.screenshot({ path: join(shots, '03-output-summary.png') });

  // --- (4) Check All from the palette -> Problems panel lists the broken fixtures
  await runFromPalette('Memmap Lab: Check All Workload Configs');
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel').first().waitFor({ state: 'visible', timeout: 20_000 });
  const rows = page.locator('.markers-panel .monaco-list-row');
  await rows.filter({ hasText: 'alignn' }).first().waitFor({ timeout: 30_000 });
  await rows.filter({ hasText: 'expected a comma' }).first().waitFor({ timeout: 30_000 });
  const texts = (await rows.allInnerTexts()).map(squash);
  log('problems rows:', JSON.stringify(texts, null, 1));
  check(texts.some((t) => t.startsWith('broken.memmap.yaml')) && texts.some((t) => t.startsWith('syntax-error.memmap.json')), 'Problems panel groups the findings by file');
  check(texts.some((t) => t.includes("unknown field 'alignn' in devices[0] (did you mean 'align'?)") && /\[Ln 19, Col 5\]/.test(t)), 'unknown field alignn at Ln 19, Col 5');
  check(texts.some((t) => t.includes('unparsable size "14Q"') && /\[Ln 11, Col 37\]/.test(t)), 'unparsable size 14Q at Ln 11, Col 37');
  check(texts.some((t) => t.includes('expected a comma') && /\[Ln 5, Col 3\]/.test(t)), 'JSON syntax error at Ln 5, Col 3');
  check(texts.some((t) => t.includes('is not aligned to the memory block size 128 MiB') && /\[Ln 14, Col 5\]/.test(t)), 'kernel failure (misaligned hot-add) at Ln 14, Col 5');
  check(!texts.some((t) => t.startsWith('default.memmap.yaml')), 'no problems for default.memmap.yaml');
  await page.screenshot({ path: join(shots, '04-problems-panel.png') });

  // --- (5) the status bar follows the active editor: the broken file has problems
  await openFile('broken.memmap.yaml');
  await page.locator('.statusbar-item', { hasText: 'memmap ? · 2 problems' }).first().waitFor({ timeout: 20_000 }).then(
    () => check(true, 'status bar shows "memmap ? · 2 problems" for broken.memmap.yaml'),
    () => check(false, 'status bar shows "memmap ? · 2 problems" for broken.memmap.yaml'),
  );
  await page.screenshot({ path: join(shots, '05-broken-config.png') });
} catch (e) {
  failures.push(String(e?.stack ?? e));
  log('ERROR', e);
  await page.screenshot({ path: join(shots, '99-failure.png') }).catch(() => {});
} finally {
  if (external.size) log('requests to non-local hosts:', [...external]);
  check(external.size === 0, 'no request left 127.0.0.1');
  writeFileSync(join(shots, 'ui-e2e-result.json'), JSON.stringify({ failures, external: [...external], consoleErrors }, null, 2));
  await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
log(failures.length ? `FAILED (${failures.length})` : 'ALL UI CHECKS PASSED');
console.log(`ui-e2e: ${passes} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
