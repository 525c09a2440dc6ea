// `memmap-lab report`: one self-contained HTML file with the dashboard. Checks the page itself (a strict
// Content-Security-Policy with a fresh nonce, every script and style nonce'd, no inline style attributes
// or event handlers, nothing remote), the embedded model, and the CLI's exit codes. The webview bundle
// is built into a temporary folder, so the test does not depend on the state of dist/.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { renderReport } from '../../src/cli/commands/report';
import { loadConfigFile } from '../../src/config/load';
import { dashboardModel } from '../../src/report/dashboard-run';
import { inlineSafe, reportCsp, reportHtml, scriptJson } from '../../src/report/report-html';
import { parseModel } from '../../src/protocol/dashboard';
import { runCli } from './cli-run';

const root = join(__dirname, '..', '..');
const example = join(root, 'examples', 'default.memmap.yaml');
const assetsDir = mkdtempSync(join(tmpdir(), 'memmap-report-assets-'));

before(async () => {
  const { webviewBundle } = await import('../../scripts/webview-bundle.mjs');
  await esbuild.build({ ...webviewBundle(join(assetsDir, 'webview.js')), absWorkingDir: root, logLevel: 'silent' });
});

/** The page with the contents of every <script> and <style> element removed: the markup alone. */
const markupOf = (html: string) => html.replace(/(<script\b[^>]*>)[\s\S]*?(<\/script>)/gi, '$1$2').replace(/(<style\b[^>]*>)[\s\S]*?(<\/style>)/gi, '$1$2');

const cli = (...argv: string[]) => runCli(root, ...argv);

describe('report HTML', () => {
  it('has a strict CSP with a fresh nonce, and every script and style carries it', () => {
    const { html } = renderReport(example, { assetsDir, theme: 'light' });
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
    assert.ok(meta, 'CSP meta');
    const csp = meta[1].replace(/&#39;/g, "'");
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    assert.ok(nonce && nonce.length >= 16, csp);
    assert.equal(csp, reportCsp(nonce));
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, new RegExp(`style-src 'nonce-${nonce.replace(/[+/]/g, '\\$&')}'`));
    assert.doesNotMatch(csp, /unsafe-|\*|https?:/);
    const tags = html.match(/<(script|style)\b[^>]*>/gi)!;
    assert.equal(tags.length, 4, 'two styles (theme, dashboard), the model, the bundle');
    for (const t of tags) assert.ok(t.includes(`nonce="${nonce}"`), t);
    assert.notEqual(renderReport(example, { assetsDir }).html.match(/nonce="([^"]+)"/)![1], nonce, 'a new nonce per report');
  });

  it('loads nothing: no src/href, no remote URL in the markup or the styles, no inline style attributes or handlers', () => {
    const { html } = renderReport(example, { assetsDir });
    const markup = markupOf(html);
    assert.doesNotMatch(markup, /\s(src|href|srcset|action|formaction|style|on[a-z]+)=/i);
    assert.doesNotMatch(markup, /<(link|iframe|img|object|embed|base)\b/i);
    assert.doesNotMatch(markup, /https?:\/\//);
    const styles = [...html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => m[1]).join('\n');
    assert.doesNotMatch(styles, /@import|url\(\s*['"]?(https?:|\/\/)/i);
    const script = /<script nonce="[^"]+">([\s\S]*?)<\/script>/.exec(html)![1];
    assert.doesNotMatch(script, /<\/script|<!--/i);
    // No eval: the CSP has no 'unsafe-eval'. (FAST's globalThis fallback `new Function("return this")` is
    // only reached where globalThis does not exist, i.e. never in a browser that runs this page.)
    assert.doesNotMatch(script, /(^|[^.\w])eval\(/);
    assert.deepEqual(script.match(/new Function\([^)]*\)/g) ?? [], ['new Function("return this")']);
  });

  it('embeds the same model the extension shows', () => {
    const { html } = renderReport(example, { assetsDir, shownAs: 'examples/default.memmap.yaml' });
    const json = /<script nonce="[^"]+" type="application\/json" id="memmap-model">([\s\S]*?)<\/script>/.exec(html)![1];
    const embedded = JSON.parse(json);
    assert.ok(parseModel(embedded).ok);
    assert.deepEqual(embedded, dashboardModel(loadConfigFile(example), 'examples/default.memmap.yaml'));
    assert.match(html, /<title>2-socket server, 1\.5 TiB Optane devdax, 1 GiB HugeTLB — Memmap Lab report<\/title>/);
  });

  it('--arch / --kernel say what a config without them is taken for (its scenarios too)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memmap-report-'));
    const bare = join(dir, 'bare.memmap.yaml');
    writeFileSync(bare, 'nodes:\n  - id: 0\n    ranges: [{ start: 0x100000000, size: 64G }]\nscenarios:\n  - name: 2x\n    set: { "nodes[0].ranges[0].size": 128G }\n');
    const model = (html: string) => JSON.parse(/<script nonce="[^"]+" type="application\/json" id="memmap-model">([\s\S]*?)<\/script>/.exec(html)![1]);
    const arm = model(renderReport(bare, { assetsDir, defaults: { defaultArch: 'arm64-64k', defaultKernelVersion: '6.1' } }).html);
    assert.deepEqual([arm.arch, arm.kernel], ['arm64-64k', '6.1']);
    assert.deepEqual(arm, dashboardModel(loadConfigFile(bare, { defaultArch: 'arm64-64k', defaultKernelVersion: '6.1' }), bare, { load: { defaultArch: 'arm64-64k', defaultKernelVersion: '6.1' } }));
    // The scenario is simulated as arm64-64k too: 128 GiB of 64 KiB pages have a 128 MiB memmap (2 GiB with 4 KiB pages).
    const ram = (m: ReturnType<typeof dashboardModel>) => m.compare?.columns.map((c) => [c.name, (c.headline?.ramBytes ?? NaN) / 2 ** 20]);
    assert.deepEqual(ram(arm), [['base', 64], ['2x', 128]]);
    assert.deepEqual(ram(model(renderReport(bare, { assetsDir }).html)), [['base', 1024], ['2x', 2048]]);
    const out = join(dir, 'r.html');
    const r = await cli('report', bare, '-o', out, '--arch', 'arm64-64k');
    assert.equal(r.code, 0, r.err);
    assert.equal(model(readFileSync(out, 'utf8')).arch, 'arm64-64k');
    assert.equal((await cli('report', bare, '-o', out, '--arch', 'vax')).code, 2);
  });

  it('themes: fixed light or dark, or auto (the script follows prefers-color-scheme)', () => {
    assert.match(renderReport(example, { assetsDir, theme: 'dark' }).html, /<body class="vscode-dark" data-vscode-theme-kind="vscode-dark" data-host="report"/);
    assert.match(renderReport(example, { assetsDir, theme: 'auto' }).html, /<body data-host="report"/);
    for (const v of ['--vscode-foreground', '--vscode-charts-blue', '--vscode-button-background', '--vscode-font-family']) assert.ok(renderReport(example, { assetsDir }).html.includes(`${v}:`), v);
  });

  it('escapes what could end a script element', () => {
    assert.equal(scriptJson({ a: '</script><script>alert(1)</script>' }), '{"a":"\\u003c/script>\\u003cscript>alert(1)\\u003c/script>"}');
    assert.equal(inlineSafe('x="<!--";y="</SCRIPT>"', 'script'), 'x="\\x3C!--";y="\\x3C/SCRIPT>"');
    assert.throws(() => inlineSafe('a{}</style>', 'style'), /contains/);
    const model = dashboardModel(loadConfigFile(example), 'x</script>.memmap.yaml');
    const html = reportHtml(model, { js: '1', css: '' }, { nonce: 'AAAAAAAAAAAAAAAAAAAA' });
    assert.equal(html.match(/<\/script>/g)!.length, 2, 'only the two real end tags');
    assert.throws(() => reportHtml(model, { js: '', css: '' }, { nonce: 'short' }), /nonce/);
  });
});

describe('memmap-lab report (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'memmap-report-'));

  it('writes the report: exit 0 for a clean config', async () => {
    const out = join(dir, 'r.html');
    const r = await cli('report', 'examples/default.memmap.yaml', '-o', out);
    if (!existsSync(join(root, 'dist', 'webview.js'))) {
      // The CLI reads the bundle from dist/ (next to dist/cli.js); without a build it says so.
      assert.equal(r.code, 2);
      assert.match(r.err, /npm run build/);
      return;
    }
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /^report: .*r\.html \(\d+ KiB, 2 findings\)\n$/);
    const html = readFileSync(out, 'utf8');
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /"file":"examples\/default\.memmap\.yaml"/);
  });

  it('exit 1 (and a report) for a config with error-level findings', async () => {
    if (!existsSync(join(root, 'dist', 'webview.js'))) return;
    const findings = join(dir, 'findings.memmap.yaml');
    writeFileSync(findings, 'name: x\nnodes: [ { id: 0, cpus: 1, ranges: [ { start: 0x100000000, size: 16G } ] } ]\ndevices:\n  - { name: namespace0.0, start: 0x1000200000, size: 16G }\n');
    const r = await cli('report', findings, '-o', join(dir, 'f.html'));
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /^report: .*f\.html \(\d+ KiB, \d+ findings?\)\n$/);
  });

  it('an invalid config: exit 2, its errors on stderr as file:line:column, and the report shows them', async () => {
    if (!existsSync(join(root, 'dist', 'webview.js'))) return;
    const cases: Array<[string, string | Buffer, RegExp]> = [
      ['size.memmap.yaml', 'name: x\nnodes: [ { id: 0, cpus: 1, ranges: [ { start: 0, size: 14Q } ] } ]\n', /^size\.memmap\.yaml:2:56: error: nodes\[0\]\.ranges\[0\]\.size: unparsable size "14Q"/],
      ['range.memmap.yaml', 'nodes:\n  - id: 0\n    ranges: [{start: 0, size: 99999999T}]\n', /^range\.memmap\.yaml:3:31: error: nodes\[0\]\.ranges\[0\]\.size: 99999999T is beyond 2\^53 - 1 bytes/],
      ['empty.memmap.yaml', '', /^empty\.memmap\.yaml:1:1: error: the document is empty/],
      ['syntax.memmap.yaml', 'nodes:\n  - id: 0\n    ranges: [\n', /^syntax\.memmap\.yaml:\d+:\d+: error: /],
      ['field.memmap.yaml', 'nodes:\n  - id: 0\n    color: red\n    ranges: [{start: 0, size: 4G}]\n', /^field\.memmap\.yaml:3:5: error: unknown field 'color' in nodes\[0\]/],
      ['binary.memmap.yaml', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...new Array(4000).fill(0)]), /^binary\.memmap\.yaml:1:1: error: the config must be an object/],
    ];
    for (const [name, text, located] of cases) {
      writeFileSync(join(dir, name), text);
      const html = `${name}.html`;
      const r = await runCli(dir, 'report', name, '-o', html);
      assert.equal(r.code, 2, `${name}: ${r.err}`);
      const lines = r.err.trimEnd().split('\n');
      assert.match(lines[0], located, name);
      assert.match(lines[lines.length - 1], new RegExp(`^report: ${html.replace(/\./g, '\\.')} \\(\\d+ KiB, the config is invalid: \\d+ errors?, shown in the report\\)$`), name);
      assert.ok(r.err.length < 1000, `${name}: a short message (${r.err.length} characters)`);
      assert.match(readFileSync(join(dir, html), 'utf8'), /"source":"config"/, `${name}: the report lists the config's errors`);
    }
  });

  it('2 for bad input: no -o, a bad theme, a config that cannot be read (no report), an output that cannot be written', async () => {
    const config = join(dir, 'ok.memmap.yaml');
    writeFileSync(config, 'nodes: [ { id: 0, cpus: 1, ranges: [ { start: 0x100000000, size: 16G } ] } ]\n');
    assert.equal((await cli('report', config)).code, 2, 'missing -o');
    assert.equal((await cli('report', config, '-o', join(dir, 'c.html'), '--theme', 'sepia')).code, 2);
    const missing = await cli('report', join(dir, 'nope.memmap.yaml'), '-o', join(dir, 'd.html'));
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no such file/);
    mkdirSync(join(dir, 'folder.memmap.yaml'));
    const folder = await runCli(dir, 'report', 'folder.memmap.yaml', '-o', 'folder.html');
    assert.deepEqual([folder.code, folder.err], [2, 'memmap-lab report: cannot read folder.memmap.yaml: is a directory\n']);
    assert.ok(!existsSync(join(dir, 'folder.html')), 'no report for a config that cannot be read');
    if (existsSync(join(root, 'dist', 'webview.js'))) {
      const nodir = await runCli(dir, 'report', 'ok.memmap.yaml', '-o', join('no', 'such', 'x.html'));
      assert.deepEqual([nodir.code, nodir.err], [2, 'memmap-lab report: cannot write no/such/x.html: no such directory no\n']);
      const isdir = await runCli(dir, 'report', 'ok.memmap.yaml', '-o', 'folder.memmap.yaml');
      assert.deepEqual([isdir.code, isdir.err], [2, 'memmap-lab report: cannot write folder.memmap.yaml: is a directory\n']);
    }
    assert.match((await cli('report', '--help')).out, /self-contained HTML/);
  });
});
