// UI end-to-end test: drives a real VS Code workbench (code-server, the installed .vsix) in Debian's
// Chromium with playwright-core. Opens a config, runs "Memmap Lab: Simulate Workload" and "Memmap Lab:
// Check All Workload Configs" from the command palette, reads the notification, the status bar item,
// the summary in the Memmap Lab output channel and the Problems panel, and takes screenshots.
//
// env: CODE_SERVER_URL (e.g. http://127.0.0.1:18080), WORKSPACE_DIR (examples + test/e2e/workspace),
//      SHOTS_DIR (default test-output/e2e), CHROMIUM (default /usr/bin/chromium), HEADED=1 to watch.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
// Webview resources (asWebviewUri) have https://*.vscode-resource.vscode-cdn.net URLs that the webview's
// service worker answers from code-server itself: allowed only when a service worker really answered.
const WEBVIEW_RESOURCE = /^https:\/\/[^/]+\.vscode-resource\.vscode-cdn\.net\//;
context.on('request', (r) => {
  const u = r.url();
  if (WEBVIEW_RESOURCE.test(u)) return;
  if (!/^(https?:\/\/(127\.0\.0\.1|localhost)[:/]|data:|blob:|about:|chrome)/.test(u)) external.add(u);
});
context.on('response', (res) => {
  if (WEBVIEW_RESOURCE.test(res.url()) && !res.fromServiceWorker()) external.add(res.url());
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
  // Click the row that names the file: Enter opens the focused row, which can still be a recently opened
  // file while Quick Open refreshes its results (a flake seen on a loaded machine: the tab never came).
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ timeout: 20_000 });
  await row.click();
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 20_000 });
}

// ---------------------------------------------------------------- dashboard webview helpers
/* global window, document -- the functions passed to frame.evaluate() run in the webview's document */
/**
 * The dashboard's webview document (the inner iframe of VS Code's webview host), once its script has
 * reported a drawn view (body[data-ready]). Re-found every time: hiding, showing and reloading the
 * panel replace the frame.
 */
async function dashboardFrame(timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const f of page.frames()) {
      if (f === page.mainFrame()) continue;
      try {
        if (await f.locator('body[data-host="vscode"][data-ready="true"] #app').count()) return f;
      } catch {
        /* frame navigated or detached while probing */
      }
    }
    await page.waitForTimeout(250);
  }
  throw new Error('the dashboard webview never reported a drawn view');
}

/** Waits until the dashboard shows `view` and has measured it. */
const waitView = (frame, view) => frame.waitForFunction((v) => document.body.dataset.view === v && window.memmapDashboard?.ready, view, { timeout: 30_000 });

/** Non-blank pixels of each chart canvas of the visible view (getImageData in the webview document). */
const chartPixels = (frame) =>
  frame.evaluate(() => {
    const view = document.body.dataset.view;
    return [...document.querySelectorAll(`.mm-view[data-view="${view}"] canvas`)].map((c) => {
      const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
      return { id: c.id, width: c.width, height: c.height, nonBlank: n, chartJs: !!window.memmapDashboard.charts.get(c.id.replace(/^chart-/, '')) };
    });
  });

/** Polls until every chart of the visible view has more than `min` non-blank pixels. */
async function chartsDrawn(frame, min = 1000, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  let last = [];
  while (Date.now() < end) {
    last = await chartPixels(frame).catch(() => []);
    if (last.length && last.every((c) => c.nonBlank > min && c.chartJs)) return last;
    await page.waitForTimeout(200);
  }
  return last;
}

/** The editor cursor as the status bar shows it ("Ln 38, Col 45 (2 selected)"). */
const statusSelection = (text) => page.locator('.statusbar-item', { hasText: text }).first().waitFor({ timeout: 15_000 }).then(() => true, () => false);

/** "37:42-37:44" (0-based, from data-loc) -> "Ln 38, Col 45": where the status bar puts the cursor after the selection. */
const cursorText = (dataLoc) => {
  const [, , el, ec] = dataLoc.match(/^(\d+):(\d+)-(\d+):(\d+)$/).slice(1).map(Number);
  return `Ln ${el + 1}, Col ${ec + 1}`;
};

/**
 * Preferences: Color Theme, then pick `name`. The palette's first match for "Preferences: Color Theme" is
 * "Preferences: Browse Color Themes in Marketplace", so the right row is clicked; filters are filled into
 * the quick input itself (never typed into whatever has the focus, e.g. an editor).
 */
async function switchTheme(name) {
  await runExact('Preferences: Color Theme');
  const input = page.locator('.quick-input-widget .quick-input-box input').first();
  await page.locator('.quick-input-list .monaco-list-row', { hasText: /(Light|Dark) Modern/ }).first().waitFor({ timeout: 20_000 });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: new RegExp(`^${name}`) }).first().click({ timeout: 10_000 });
  await page.locator('.quick-input-widget').first().waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => {});
}

/** Runs the palette command whose label starts with `label` (clicking that very row, not the first match). */
async function runExact(label) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input').first();
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  await input.fill(`>${label}`);
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }).first().click({ timeout: 20_000 });
}

/** The dashboard: charts drawn in light and dark, a finding and a bar reveal the config, state survives hide/show and reload, the HTML report. */
async function dashboardChecks() {
  await openFile('default.memmap.yaml');
  // Room for the dashboard: hide the panel (Problems, from the steps above) and the side bar.
  if (await page.locator('.part.panel').first().isVisible()) await page.keyboard.press('Control+J');
  if (await page.locator('.part.sidebar').first().isVisible()) await page.keyboard.press('Control+B');
  await runFromPalette('Memmap Lab: Open Dashboard');
  let frame = await dashboardFrame();
  await waitView(frame, 'memory');
  let px = await chartsDrawn(frame);
  log('dashboard memory charts (light):', JSON.stringify(px));
  check(px.length === 1 && px[0].id === 'chart-memory' && px[0].nonBlank > 1000, 'dashboard (light theme): the memory chart is drawn');
  let dbg = await frame.evaluate(() => ({ theme: window.memmapDashboard.theme, csp: window.memmapDashboard.cspViolations, cards: document.querySelectorAll('.mm-card').length, title: document.querySelector('.mm-h1')?.textContent }));
  check(dbg.theme.includes('vscode-light') && dbg.cards === 9 && /2-socket server/.test(dbg.title), `dashboard header and cards in the light theme (${JSON.stringify(dbg)})`);
  check(dbg.csp.length === 0, `no Content-Security-Policy violation in the webview (${dbg.csp.join('; ')})`);
  const clippedCards = await frame.evaluate(() => [...document.querySelectorAll('.mm-card-value, .mm-card-label')].filter((e) => e.scrollWidth > e.clientWidth).map((e) => e.textContent));
  check(clippedCards.length === 0, `dashboard: every card's label and value fit its card (${clippedCards.join(', ') || 'all fit'})`);
  await page.screenshot({ path: join(shots, '10-dashboard-light.png') });

  // A click on a bar reveals its config object: node 1's RAM bar -> nodes[1].
  const bar = await frame.evaluate(() => {
    const d = window.memmapDashboard;
    const el = d.charts.get('memory').getDatasetMeta(0).data[1];
    return { x: Math.round((el.base + el.x) / 2), y: Math.round(el.y), loc: d.model.memory[1].loc };
  });
  await frame.locator('#chart-memory').click({ position: { x: bar.x, y: bar.y } });
  const barCursor = `Ln ${bar.loc.endLine + 1}, Col ${bar.loc.endCharacter + 1}`;
  check(await statusSelection(barCursor), `a click on node 1's bar selects nodes[1] in the editor (${barCursor})`);

  // A click on a finding reveals it.
  frame = await dashboardFrame();
  await frame.locator('#tab-findings').click();
  await waitView(frame, 'findings');
  const finding = frame.locator('.mm-finding[data-code="MM022"]').first();
  const findingLoc = await finding.getAttribute('data-loc');
  await page.screenshot({ path: join(shots, '11-dashboard-findings.png') });
  await finding.click();
  check(await statusSelection(cursorText(findingLoc)), `a click on finding MM022 selects its range (${findingLoc} -> ${cursorText(findingLoc)})`);
  const selected = await page.locator('.monaco-editor .selected-text').count();
  check(selected > 0, 'the editor shows a selection');

  // The rule's kernel function links to Elixir; the host opens it, and VS Code asks before it opens the browser.
  frame = await dashboardFrame();
  const kernelLink = frame.locator('.mm-finding[data-code="MM022"] .mm-kernel-link').first();
  const kernelText = await kernelLink.textContent();
  check(kernelText === 'nd_pfn_init() in Linux v6.12 ↗', `finding MM022 links its kernel function (${kernelText})`);
  await kernelLink.click();
  const kernelDialog = page.locator('.monaco-dialog-box', { hasText: 'elixir.bootlin.com/linux/v6.12/A/ident/nd_pfn_init' });
  check(await kernelDialog.waitFor({ timeout: 8_000 }).then(() => true, () => false), 'a click on it opens nd_pfn_init() on Elixir (v6.12)');
  await page.keyboard.press('Escape');

  // Dark theme: the charts are drawn again with the new palette.
  frame = await dashboardFrame();
  await frame.locator('#tab-timeline').click();
  await waitView(frame, 'timeline');
  const rendersBefore = await frame.evaluate(() => window.memmapDashboard.renders);
  await switchTheme('Dark Modern');
  await frame.waitForFunction((n) => document.body.classList.contains('vscode-dark') && window.memmapDashboard.theme.includes('vscode-dark') && window.memmapDashboard.renders > n, rendersBefore, { timeout: 30_000 }).then(
    () => check(true, 'the dashboard re-renders on the theme change (body class vscode-dark)'),
    () => check(false, 'the dashboard re-renders on the theme change (body class vscode-dark)'),
  );
  px = await chartsDrawn(frame);
  log('dashboard timeline (dark):', JSON.stringify(px));
  check(px.length === 1 && px[0].id === 'chart-timeline' && px[0].nonBlank > 1000, 'dashboard (dark theme): the timeline Gantt is drawn');
  // Zoom: the buttons narrow the window; the status line says which.
  const status0 = await frame.locator('#timeline-status').textContent();
  // Each click redraws asynchronously: wait for each one's status before the next (and before reading it).
  let zoomed = status0;
  for (let i = 0; i < 2; i++) {
    await frame.locator('#zoom-in').click();
    await frame.waitForFunction((s) => document.getElementById('timeline-status')?.textContent !== s, zoomed, { timeout: 5_000 }).catch(() => {});
    zoomed = await frame.locator('#timeline-status').textContent();
  }
  log('timeline status:', status0, '->', zoomed);
  check(zoomed !== status0 && /^[\d.]+ – [\d.]+ ms/.test(zoomed), `zoom in narrows the timeline window (${zoomed})`);
  await page.waitForTimeout(400); // the zoom window is persisted (setState) after 250 ms
  await page.screenshot({ path: join(shots, '12-dashboard-timeline-dark.png') });

  // Hide and show (no retainContextWhenHidden): the webview is rebuilt from its saved state.
  await page.locator('.tabs-container .tab', { hasText: 'Memmap Lab: default.memmap.yaml' }).first().click();
  await openFile('two-socket-dram.memmap.yaml');
  await page.locator('.tabs-container .tab', { hasText: 'Memmap Lab: default.memmap.yaml' }).first().click();
  frame = await dashboardFrame();
  const restored = await waitView(frame, 'timeline').then(
    () => frame.locator('#timeline-status').textContent(),
    () => null,
  );
  check(restored === zoomed, `hidden and shown again, the dashboard keeps its view and zoom (${restored})`);

  // Memory view in the dark theme (for the README), then a window reload: the serializer restores the panel.
  await frame.locator('#tab-memory').click();
  await waitView(frame, 'memory');
  await chartsDrawn(frame);
  await page.screenshot({ path: join(shots, '13-dashboard-dark.png') });
  await frame.locator('#tab-compare').click();
  await waitView(frame, 'compare');
  px = await chartsDrawn(frame);
  check(px.length === 2 && px.every((c) => c.nonBlank > 1000), `scenarios side by side: both charts drawn (${px.map((c) => c.nonBlank).join(', ')})`);
  await page.screenshot({ path: join(shots, '14-dashboard-compare-dark.png') });
  // Developer: Reload Window shuts the workbench down properly (its state, the webview's included, is
  // saved); a bare browser reload may lose the last seconds of workbench state in VS Code for the web.
  const reloaded = page.waitForEvent('load', { timeout: 60_000 });
  await runExact('Developer: Reload Window');
  await reloaded;
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  frame = await dashboardFrame(90_000).catch(() => null);
  const afterReload = frame ? await waitView(frame, 'compare').then(() => true, () => false) : false;
  const how = frame ? await frame.evaluate(() => window.memmapDashboard.restored).catch(() => null) : null;
  check(afterReload && how === 'state', `after a window reload the serializer restores the dashboard on its last view (from its ${how} state)`);
  if (frame) {
    px = await chartsDrawn(frame);
    check(px.length === 2 && px.every((c) => c.nonBlank > 1000), 'the restored dashboard draws its charts');
  }
  await page.screenshot({ path: join(shots, '15-dashboard-restored.png') });

  // Small dashboard-only pictures for the README (docs/images/): the panel's group expanded (double-click
  // on its tab), the webview alone, dark timeline and scenarios, then light memory.
  const tab = page.locator('.tabs-container .tab', { hasText: 'Memmap Lab: default.memmap.yaml' }).first();
  await tab.dblclick();
  await page.waitForTimeout(600);
  frame = await dashboardFrame();
  await frame.locator('#tab-timeline').click();
  await waitView(frame, 'timeline');
  await frame.locator('#zoom-boot').click();
  await page.waitForTimeout(400);
  await readmeShot(frame, 'readme-dashboard-timeline-dark.png');
  await switchTheme('Light Modern');
  await frame.waitForFunction(() => window.memmapDashboard.theme.includes('vscode-light'), null, { timeout: 20_000 }).catch(() => {});
  await frame.locator('#tab-memory').click();
  await waitView(frame, 'memory');
  await readmeShot(frame, 'readme-dashboard-light.png');
  await frame.locator('#tab-compare').click();
  await waitView(frame, 'compare');
  await readmeShot(frame, 'readme-dashboard-compare-light.png');
  // High contrast: the webview gets the vscode-high-contrast body class and draws again (outlined bars).
  await switchTheme('Dark High Contrast');
  const hc = await frame.waitForFunction(() => document.body.classList.contains('vscode-high-contrast') && window.memmapDashboard.theme.includes('vscode-high-contrast'), null, { timeout: 30_000 }).then(() => true, () => false);
  await frame.locator('#tab-memory').click();
  await waitView(frame, 'memory');
  px = await chartsDrawn(frame);
  check(hc && px.length >= 1 && px.every((c) => c.nonBlank > 1000), `dashboard (Dark High Contrast): re-rendered and charts drawn (${px.map((c) => c.nonBlank).join(', ')})`);
  await readmeShot(frame, '16-dashboard-high-contrast.png');
  await switchTheme('Light Modern');
  await frame.waitForFunction(() => window.memmapDashboard.theme.includes('vscode-light'), null, { timeout: 20_000 }).catch(() => {});
  await tab.dblclick();
  await page.waitForTimeout(400);
}

/** A screenshot of the dashboard webview alone (the visible webview element), once its charts are drawn. */
async function readmeShot(frame, name) {
  await chartsDrawn(frame);
  await frame.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(300);
  await page.locator('iframe.webview').filter({ visible: true }).first().screenshot({ path: join(shots, name) });
}

/** `memmap-lab report`: the same dashboard as one HTML file; opened in the browser it draws, with no CSP violation. */
async function reportChecks() {
  const out = join(shots, 'report.html');
  execFileSync(process.execPath, [join(process.cwd(), 'bin', 'memmap-lab.js'), 'report', join(workspace, 'default.memmap.yaml'), '-o', out, '--theme', 'dark'], { stdio: 'pipe' });
  const report = await context.newPage();
  const violations = [];
  report.on('console', (m) => m.type() === 'error' && violations.push(m.text().slice(0, 200)));
  await report.setContent(readFileSync(out, 'utf8'), { waitUntil: 'load' });
  await report.waitForSelector('body[data-host="report"][data-ready="true"]', { timeout: 30_000 });
  const r = await report.evaluate(() => {
    const c = document.getElementById('chart-memory');
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
    return { nonBlank: n, csp: window.memmapDashboard.cspViolations, theme: document.body.className };
  });
  log('report:', JSON.stringify(r), violations);
  check(r.nonBlank > 1000 && r.csp.length === 0 && violations.length === 0 && r.theme.includes('vscode-dark'), 'memmap-lab report: the HTML file draws the dashboard with no CSP violation');
  await report.locator('#tab-timeline').click();
  await report.waitForFunction(() => document.body.dataset.view === 'timeline', null, { timeout: 10_000 });
  await report.screenshot({ path: join(shots, '20-report-timeline-dark.png'), fullPage: true });
  await report.close();
}

// ---------------------------------------------------------------- editor features (CodeLens, hover, quick fix, MM rules)
// Section owned by the editor features (src/extension/{checker,codeActions,hover,codeLens}.ts); runs last,
// in its own try block.
async function editorChecks() {
  const fixture = 'misaligned-namespace.memmap.yaml';
  // A clean editor area (the dashboard steps leave panels open), the side bar back, the panel closed.
  await runFromPalette('View: Close All Editors');
  if (!(await page.locator('.part.sidebar').first().isVisible())) await page.keyboard.press('Control+B');
  if (await page.locator('.part.panel').first().isVisible()) await page.keyboard.press('Control+J');
  await openFile(fixture);
  // (a) a CodeLens above the device: "▶ Simulate · … memmap (… on device, 2 MiB in RAM) · … init"
  const lens = page.locator('.monaco-editor .codelens-decoration', { hasText: /memmap/ });
  await lens.first().waitFor({ timeout: 60_000 });
  const lensTexts = (await page.locator('.monaco-editor .codelens-decoration').allInnerTexts()).map(squash);
  log('codelens:', JSON.stringify(lensTexts));
  check(lensTexts.some((t) => /^▶ Simulate · [\d.]+ [GM]iB memmap \([\d.]+ [GM]iB on device, 2 MiB in RAM\) · [\d.]+ m?s init$/.test(t)), 'a CodeLens above the device shows its memmap, where it lives and its init time');
  check(lensTexts.some((t) => /^▶ Simulate · node 0 · [\d.]+ [GM]iB memmap in RAM · /.test(t)), 'a CodeLens above node 0');
  await page.screenshot({ path: join(shots, '30-codelens.png') });

  // (b) hover over the device's start: its alignment, the device's figures, the rule of its finding
  const value = page.locator('.monaco-editor .view-line span', { hasText: /^0x3041000000$/ }).first();
  await value.hover();
  const hover = page.locator('.monaco-hover', { hasText: 'ndctl namespace' }).first();
  const hoverShown = await hover.waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => false);
  const hoverText = hoverShown ? squash(await hover.innerText()) : '';
  log('hover:', hoverText.slice(0, 400));
  check(hoverShown && hoverText.includes('0x3041000000 is 16 MiB (ndctl namespace) aligned but not 128 MiB (section)') && hoverText.includes('namespace0.0'), 'hover on a start value: its alignment and the device figures');
  await page.screenshot({ path: join(shots, '31-hover.png') });
  await page.mouse.move(5, 500);
  await page.keyboard.press('Escape');

  // (c) the quick fix on the MM004 warning, with the kernel rule in its title (shown, not applied)
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget .quick-input-box input').first().waitFor({ state: 'visible', timeout: 20_000 });
  await page.keyboard.type(':19:14', { delay: 15 });
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+.');
  const fix = page.locator('.action-widget', { hasText: 'MM004, vmemmap_populate()' }).first();
  const fixShown = await fix.waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => false);
  log('quick fix menu:', fixShown ? squash(await fix.innerText()) : '(not shown)');
  check(fixShown, 'Ctrl+. on the MM004 warning offers "Shrink to whole sections: … (MM004, vmemmap_populate())"');
  await page.screenshot({ path: join(shots, '32-quick-fix.png') });
  await page.keyboard.press('Escape');

  // (d) the Problems panel shows the checker's rules (source and code: "memmap-lab(MM001)")
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel').first().waitFor({ state: 'visible', timeout: 20_000 });
  await runFromPalette('View: Toggle Maximized Panel'); // every row rendered (virtual list)
  const rows = page.locator('.markers-panel .monaco-list-row');
  await rows.filter({ hasText: 'MM004' }).first().waitFor({ timeout: 30_000 }).catch(() => {});
  const texts = (await rows.allInnerTexts()).map(squash);
  log('problems rows (editor section):', JSON.stringify(texts.filter((t) => /MM0\d\d/.test(t))));
  // The row reads "… memmap-lab(MM004) [Ln 19, Col 12]" (the parentheses are CSS: innerText has "memmap-lab MM004").
  check(texts.some((t) => /memmap-lab\s*\(?MM004\)?/.test(t) && /\[Ln 19, Col 12\]/.test(t)), `Problems panel: MM004 for ${fixture} at Ln 19, Col 12`);
  check(texts.some((t) => /memmap-lab\s*\(?MM001\)?/.test(t) && t.includes('start 0x5000100000 is not a multiple of the 2 GiB memory block size') && /\[Ln 24, Col 23\]/.test(t)), `Problems panel: MM001 for ${fixture} at Ln 24, Col 23`);
  // A rule's code is a link to the kernel function behind it (Diagnostic.code.target), not plain text.
  const codeLinks = await page.locator('.markers-panel .monaco-list-row a').evaluateAll((as) => as.map((a) => ({ text: a.textContent, href: a.getAttribute('href') })));
  log('problems code links:', JSON.stringify(codeLinks));
  check(
    codeLinks.some((l) => l.text === 'MM004' && l.href === 'https://elixir.bootlin.com/linux/v6.12/A/ident/vmemmap_populate'),
    'Problems panel: MM004 links vmemmap_populate() on Elixir (v6.12)',
  );
  await page.screenshot({ path: join(shots, '33-problems-mm-rules.png') });
  await runFromPalette('View: Toggle Maximized Panel');

  // (e) the walkthrough (Welcome: Open Walkthrough... -> Get Started with Memmap Lab), its step's markdown beside it
  if (await page.locator('.part.panel').first().isVisible()) await page.keyboard.press('Control+J');
  await runFromPalette('Welcome: Open Walkthrough...');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get Started with Memmap Lab' }).first().click({ timeout: 20_000 });
  const walkthrough = page.locator('.gettingStartedContainer', { hasText: 'See what the kernel would refuse' }).first();
  const shown = await walkthrough.waitFor({ state: 'visible', timeout: 30_000 }).then(() => true, () => false);
  check(shown, 'the walkthrough "Get Started with Memmap Lab" opens with its steps');
  // The step's media (media/walkthrough/open-example.md) is rendered in a webview frame.
  let media = false;
  for (let i = 0; i < 80 && !media; i++) {
    for (const f of page.frames()) if (await f.locator('text=describes one machine').count().catch(() => 0)) media = true;
    if (!media) await page.waitForTimeout(250);
  }
  check(media, 'the walkthrough shows the step\'s markdown (media/walkthrough/open-example.md)');
  await page.screenshot({ path: join(shots, '34-walkthrough.png') });
}


// ---------------------------------------------------------------- the Memmap Log View (kernel logs)
/** The log view's webview document, once it reported a drawn page (body[data-ready]). */
async function logViewFrame(timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const f of page.frames()) {
      if (f === page.mainFrame()) continue;
      try {
        if (await f.locator('body[data-app="logview"][data-ready="true"] #app').count()) return f;
      } catch {
        /* frame navigated or detached while probing */
      }
    }
    await page.waitForTimeout(250);
  }
  throw new Error('the log view webview never reported a drawn page');
}

/** Non-blank pixels of the log view's chart `id` (polls until more than `min`, or the timeout). */
async function logChartPixels(frame, id, min = 1000, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  let last = { nonBlank: 0 };
  while (Date.now() < end) {
    last = await frame
      .evaluate((cid) => {
        const c = document.getElementById(`chart-${cid}`);
        if (!c) return { nonBlank: 0, width: 0, height: 0, chartJs: false };
        const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
        return { nonBlank: n, width: c.width, height: c.height, chartJs: !!window.memmapLogView.charts.get(cid) };
      }, id)
      .catch(() => ({ nonBlank: 0 }));
    if (last.nonBlank > min && last.chartJs) return last;
    await page.waitForTimeout(200);
  }
  return last;
}

/** "Memmap Lab: Analyze Kernel Log…" from the palette on a log, its figures and timeline, a click on an error, Import as Workload Config with the comparison. */
async function logViewChecks() {
  const logName = 'synthetic-2node.log';
  await runFromPalette('View: Close All Editors');
  if (await page.locator('.part.panel').first().isVisible()) await page.keyboard.press('Control+J');
  if (await page.locator('.part.sidebar').first().isVisible()) await page.keyboard.press('Control+B');
  await openFile(logName);
  await runFromPalette('Memmap Lab: Analyze Kernel Log');
  let frame = await logViewFrame();
  const v = await frame.evaluate(() => ({
    title: document.querySelector('.mm-h1')?.textContent ?? '',
    cards: document.querySelectorAll('#lv-cards .mm-card').length,
    deferred: [...document.querySelectorAll('#lv-deferred tbody tr')].map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)),
    errors: [...document.querySelectorAll('#lv-errors li[data-kind]')].map((li) => li.dataset.kind),
    events: document.querySelectorAll('#lv-events tbody tr').length,
    csp: window.memmapLogView.cspViolations,
    theme: window.memmapLogView.theme,
  }));
  log(`log view: ${JSON.stringify(v)}`);
  check(/^Linux 6\.12\.9-memmaplab on Memmap Lab Synthetic/.test(v.title) && v.cards === 8, `log view: the boot's title and headline cards (${v.title}, ${v.cards} cards)`);
  check(JSON.stringify(v.deferred) === JSON.stringify([['0', '58.00'], ['1', '63.00']]), `log view: deferred init per node from the log (${JSON.stringify(v.deferred)})`);
  check(v.errors.join(',') === 'conflicting-mapping,hotplug-unaligned-block' && v.events >= 10, `log view: errors with their kinds and the events table (${v.errors.join(', ')}; ${v.events} events)`);
  const px = await logChartPixels(frame, 'log-timeline');
  log('log view timeline chart:', JSON.stringify(px));
  check(px.nonBlank > 1000, 'log view: the boot timeline chart is drawn');
  check(v.csp.length === 0, `log view: no Content-Security-Policy violation (${v.csp.join('; ')})`);
  const sources = await frame.evaluate(() => [...document.querySelectorAll('#lv-errors li:not([data-kind]) .lv-source')].map((a) => [a.textContent, a.title]));
  const printers = await frame.evaluate(() => [...document.querySelectorAll('#lv-errors li[data-kind] .lv-source')].map((a) => a.textContent));
  check(
    printers.join('|') === 'printed by pagemap_range() in Linux v6.12 ↗|printed by check_hotplug_memory_range() in Linux v6.12 ↗',
    `log view: each kernel error links the function that prints it (${printers.join(', ')})`,
  );
  const frameLinks = await frame.evaluate(() => [...document.querySelectorAll('#lv-errors .lv-frame')].map((a) => a.textContent));
  check(frameLinks.join(',') === 'pagemap_range,memremap_pages,devm_memremap_pages,pmem_attach_disk,nvdimm_bus_probe,really_probe', `log view: each frame of the call trace links its function (${frameLinks.join(', ')})`);
  check(
    sources.length === 1 && sources[0][0] === 'pagemap_range() in Linux v6.12 ↗' && sources[0][1].includes('https://elixir.bootlin.com/linux/v6.12/A/ident/pagemap_range'),
    `log view: the call trace links its function to Elixir at the log's release (${JSON.stringify(sources)})`,
  );
  const clipped = await frame.evaluate(() => [...document.querySelectorAll('.mm-card-value, .mm-card-label')].filter((e) => e.scrollWidth > e.clientWidth).map((e) => e.textContent));
  check(clipped.length === 0, `log view: every card's label and value fit its card (${clipped.join(', ') || 'all fit'})`);
  await page.screenshot({ path: join(shots, '20-log-view.png') });

  // Import as Workload Config: written beside the log, opened, linked; measured vs predicted appears.
  await frame.locator('#lv-import').click();
  await page.locator('.tabs-container .tab', { hasText: 'synthetic-2node.memmap.yaml' }).first().waitFor({ timeout: 30_000 });
  check(true, 'Import as Workload Config opens synthetic-2node.memmap.yaml');
  frame = await logViewFrame();
  const ok = await frame.waitForFunction(() => document.querySelectorAll('#lv-compare-table tbody tr').length > 0, null, { timeout: 30_000 }).then(() => true, () => false);
  const cmp = ok ? await frame.evaluate(() => [...document.querySelectorAll('#lv-compare-table tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent))) : [];
  log('comparison rows:', JSON.stringify(cmp));
  check(cmp.some((r) => r[0] === 'memory total' && r[5] === '0.00 %') && cmp.some((r) => r[0] === 'deferred init' && r[1] === 'node 0'), 'linked to the imported config: measured vs predicted rows with the relative error');
  const cpx = await logChartPixels(frame, 'log-compare');
  check(cpx.nonBlank > 1000, 'log view: the measured vs predicted chart is drawn');
  await frame.evaluate(() => document.querySelector('.lv-compare')?.scrollIntoView());
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(shots, '21-log-view-compare.png') });

  // A click on an error opens the log as text at its line.
  frame = await logViewFrame();
  const errLine = await frame.locator('#lv-errors li[data-kind="conflicting-mapping"]').getAttribute('data-line');
  await frame.locator('#lv-errors li[data-kind="conflicting-mapping"]').click();
  check(await statusSelection(`Ln ${errLine}, Col`), `a click on the conflicting-mapping error opens the log at line ${errLine}`);

  // A click on the call trace's source link asks VS Code to open Elixir (its "open the external website?"
  // prompt, or a new tab where the domain is trusted); the prompt is dismissed.
  frame = await logViewFrame();
  const traceSource = frame.locator('#lv-errors li:not([data-kind]) .lv-source').first();
  await traceSource.scrollIntoViewIfNeeded();
  const popup = page.context().waitForEvent('page', { timeout: 8_000 }).then((p) => p.url(), () => null);
  await traceSource.click();
  const dialog = page.locator('.monaco-dialog-box', { hasText: 'elixir.bootlin.com' });
  const prompted = await dialog.waitFor({ timeout: 8_000 }).then(() => true, () => false);
  if (prompted) {
    await page.screenshot({ path: join(shots, '22-log-view-source-link.png') });
    await page.keyboard.press('Escape');
  }
  const opened = prompted ? null : await popup;
  log('source link:', prompted ? 'VS Code asks to open it' : `opened ${opened}`);
  check(prompted || (opened ?? '').startsWith('https://elixir.bootlin.com/linux/v6.12/A/ident/pagemap_range'), 'a click on the call trace\'s source link opens pagemap_range() on Elixir (v6.12)');
  if (prompted) {
    // A frame: its own function.
    await dialog.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    await frame.locator('#lv-errors .lv-frame', { hasText: 'memremap_pages' }).first().click();
    const frameDialog = page.locator('.monaco-dialog-box', { hasText: 'elixir.bootlin.com/linux/v6.12/A/ident/memremap_pages' });
    check(await frameDialog.waitFor({ timeout: 8_000 }).then(() => true, () => false), 'a click on a frame of the call trace opens memremap_pages() on Elixir (v6.12)');
    await page.keyboard.press('Escape');
    // An error: the function that printed it.
    await frameDialog.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    await frame.locator('#lv-errors li[data-kind="hotplug-unaligned-block"] .lv-source').click();
    const errDialog = page.locator('.monaco-dialog-box', { hasText: 'elixir.bootlin.com/linux/v6.12/A/ident/check_hotplug_memory_range' });
    check(await errDialog.waitFor({ timeout: 8_000 }).then(() => true, () => false), 'a click on an error\'s printer opens check_hotplug_memory_range() on Elixir (v6.12)');
    await page.keyboard.press('Escape');
  }

  // Two boots of one log (before and after a change): "compare with" puts them side by side, figure by figure.
  await runFromPalette('View: Close All Editors');
  await openFile('before-after.log');
  await runFromPalette('Memmap Lab: Analyze Kernel Log');
  frame = await logViewFrame();
  await frame.locator('#lv-compare-boot').waitFor({ timeout: 30_000 });
  await frame.locator('#lv-compare-boot').selectOption('0');
  const diffRows = await frame
    .waitForFunction(() => document.querySelectorAll('#lv-bootdiff-table tbody tr').length > 0, null, { timeout: 30_000 })
    .then(() => frame.evaluate(() => [...document.querySelectorAll('#lv-bootdiff-table tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()))), () => []);
  log('boot vs boot:', JSON.stringify(diffRows));
  check(
    diffRows.some((r) => r[0] === 'deferred init node 0' && r[1] === '498 ms' && r[2] === '236 ms' && r[3] === '-262 ms (-52.6%)'),
    'log view: boot 2 compared with boot 1 shows deferred init node 0 498 ms -> 236 ms (-52.6%)',
  );
  const tone = await frame.evaluate(() => document.querySelector('#lv-bootdiff-table tr[data-key="deferredInit.node0.ms"] td:nth-child(4) span')?.className ?? '');
  check(/\bmm-better\b/.test(tone), `a faster deferred init is shown as better (${tone})`);
  await page.screenshot({ path: join(shots, '24-log-view-boot-diff.png') });
  // A click on the row opens the log at this boot's line for it (line 22: node 0 of boot 2).
  await frame.locator('#lv-bootdiff-table tbody tr[data-key="deferredInit.node0.ms"]').click();
  check(await statusSelection('Ln 22, Col'), 'a click on a boot-vs-boot row opens the log at that boot\'s line (Ln 22)');

  // ftrace output (function_graph): its functions link to Elixir at the latest release (it names no kernel).
  await runFromPalette('View: Close All Editors');
  await openFile('hotplug-graph.log');
  await runFromPalette('Memmap Lab: Analyze Kernel Log');
  frame = await logViewFrame();
  const ftrace = await frame
    .waitForFunction(() => document.querySelectorAll('#lv-ftrace .lv-frame').length > 0, null, { timeout: 30_000 })
    .then(() => frame.evaluate(() => [...document.querySelectorAll('#lv-ftrace .lv-frame')].map((a) => [a.textContent, a.title])), () => []);
  log('ftrace functions:', JSON.stringify(ftrace.map(([t]) => t)));
  check(
    ftrace.length === 6 && ftrace.some(([t, title]) => t === 'memmap_init_zone_device' && title.includes('https://elixir.bootlin.com/linux/latest/A/ident/memmap_init_zone_device')),
    `log view on ftrace output: each function links to Elixir (${ftrace.length} links)`,
  );
  // The heading counts the trace lines (9: entries and closing braces) and the functions (6).
  const ftraceSub = await frame.evaluate(() => document.querySelector('#lv-ftrace')?.closest('section')?.querySelector('.mm-sub')?.textContent ?? '');
  check(ftraceSub.startsWith('9 trace lines · 6 functions ·'), `the ftrace heading counts lines and functions (${ftraceSub})`);
  await page.screenshot({ path: join(shots, '23-log-view-ftrace.png') });
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
  // 2 problems: the checker's MM016 (info) and MM022 (warning) on two of the example's what-if scenarios.
  check(/^memmap \d+(\.\d+)? [KMGTP]?i?B · 2 problems$/.test(statusText), `status bar shows the headline and 2 problems ("${statusText}")`);

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
  // The output follows its tail; the summary's headline is at the top of a long block: scroll up to it.
  // The output editor may not be rendered (or may still be receiving lines) when the button returns, so
  // focus it, go to its first line and look, until the headline shows or 30 s have passed.
  const headline = /memmap [\d.]+ [KMGTP]?i?B = RAM [\d.]+ [KMGTP]?i?B \+ on device/;
  let outputText = '';
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    const editor = page.locator('.part.panel .monaco-editor').first();
    if (await editor.isVisible().catch(() => false)) {
      await editor.click({ timeout: 2_000 }).catch(() => {});
      await page.keyboard.press('Control+Home');
      await page.waitForTimeout(300);
      outputText = squash(await page.locator('.part.panel .view-lines').first().innerText().catch(() => '')).replace(/\u00a0/g, ' ');
      if (headline.test(outputText)) break;
    }
    await page.waitForTimeout(700);
  }
  if (!headline.test(outputText)) log('output panel text:', outputText.slice(0, 400));
  check(headline.test(outputText), 'the Memmap Lab output channel shows the simulation summary');
  await page.screenshot({ path: join(shots, '03-output-summary.png') });

  // --- (4) Check All from the palette -> Problems panel lists the broken fixtures
  await runFromPalette('Memmap Lab: Check All Workload Configs');
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel').first().waitFor({ state: 'visible', timeout: 20_000 });
  // The checker's findings (with kernel lines and related locations) make the list longer than the
  // panel: maximize it so that every row is rendered (the list is virtual), restored after the screenshot.
  await runFromPalette('View: Toggle Maximized Panel');
  const rows = page.locator('.markers-panel .monaco-list-row');
  await rows.filter({ hasText: 'alignn' }).first().waitFor({ timeout: 30_000 });
  await rows.filter({ hasText: 'expected a comma' }).first().waitFor({ timeout: 30_000 });
  // Check All publishes file by file: wait for the last kind of row checked below as well.
  await rows.filter({ hasText: 'start 0x400100000 is not a multiple' }).first().waitFor({ timeout: 30_000 }).catch(() => {});
  // Rows published while the list was drawn can leave it scrolled: back to its first row (Home) before reading.
  await page.locator('.markers-panel .monaco-list').first().focus().catch(() => {});
  await page.keyboard.press('Home');
  await page.waitForTimeout(300);
  const texts = (await rows.allInnerTexts()).map(squash);
  log('problems rows:', JSON.stringify(texts, null, 1));
  check(texts.some((t) => t.startsWith('broken.memmap.yaml')) && texts.some((t) => t.startsWith('syntax-error.memmap.json')), 'Problems panel groups the findings by file');
  check(texts.some((t) => t.includes("unknown field 'alignn' in devices[0] (did you mean 'align'?)") && /\[Ln 19, Col 5\]/.test(t)), 'unknown field alignn at Ln 19, Col 5');
  check(texts.some((t) => t.includes('unparsable size "14Q"') && /\[Ln 11, Col 37\]/.test(t)), 'unparsable size 14Q at Ln 11, Col 37');
  check(texts.some((t) => t.includes('expected a comma') && /\[Ln 5, Col 3\]/.test(t)), 'JSON syntax error at Ln 5, Col 3');
  check(texts.some((t) => t.includes('start 0x400100000 is not a multiple of the 128 MiB memory block size') && /memmap-lab\s*\(?MM001\)?/.test(t) && /\[Ln 14, Col 23\]/.test(t)), 'kernel failure (misaligned hot-add, checker rule MM001) at Ln 14, Col 23');
  check(!texts.some((t) => /default\.memmap\.yaml/.test(t) && /error/i.test(t)), 'no error for default.memmap.yaml (only its scenarios\' checker findings)');
  await page.screenshot({ path: join(shots, '04-problems-panel.png') });
  await runFromPalette('View: Toggle Maximized Panel');

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
}
// --- (6) the dashboard webview, (7) the HTML report: independent of the steps above (a failure there
// does not hide the dashboard's results, and the other way round).
try {
  await dashboardChecks();
  await reportChecks();
} catch (e) {
  failures.push(String(e?.stack ?? e));
  log('ERROR (dashboard)', e);
  await page.screenshot({ path: join(shots, '98-dashboard-failure.png') }).catch(() => {});
}
// --- (8) editor features: CodeLens, hover, quick fix, the checker's rules in the Problems panel (last, in
// its own try block: independent of the steps above)
try {
  await editorChecks();
} catch (e) {
  failures.push(String(e?.stack ?? e));
  log('ERROR (editor features)', e);
  await page.screenshot({ path: join(shots, '97-editor-failure.png') }).catch(() => {});
}
// --- (9) the Memmap Log View: a kernel log analyzed from the palette, import and compare (its own try block)
try {
  await logViewChecks();
} catch (e) {
  failures.push(String(e?.stack ?? e));
  log('ERROR (log view)', e);
  await page.screenshot({ path: join(shots, '96-log-view-failure.png') }).catch(() => {});
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
