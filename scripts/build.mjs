// One build for every bundle: the CLI and the extension host code (node, CJS; the extension's split is
// in scripts/extension-bundles.mjs).
// The webviews (dashboard, log view: browser IIFEs + CSS) are configured in scripts/webview-bundle.mjs.
import * as esbuild from 'esbuild';
import { logviewBundle, webviewBundle } from './webview-bundle.mjs';
import { extensionBundles } from './extension-bundles.mjs';

const production = process.argv.includes('--production');
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', target: 'node20', platform: 'node', format: 'cjs', mainFields: ['module', 'main'] };

const bundles = [
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' },
  // dist/extension.js (activation) + dist/extension-lazy.js (loader, core, checker: on first use).
  ...(await extensionBundles(common)),
  // dist/analysis-worker.js: the thread the extension parses and simulates configs in (loader + core).
  { ...common, entryPoints: ['src/extension/analysis-worker.ts'], outfile: 'dist/analysis-worker.js' },
  // The mocha suite the e2e harness runs inside a real extension host (scripts/e2e/run.sh); not in the .vsix.
  { ...common, entryPoints: ['test/e2e/suite/*.ts'], outdir: 'dist/test/e2e', external: ['vscode', 'mocha'] },
  // The dashboard: dist/webview.js + dist/webview.css, also inlined by `memmap-lab report`.
  webviewBundle(),
  // The Memmap Log View: dist/logview.js + dist/logview.css (the page links dist/webview.css as well).
  logviewBundle(),
];

await Promise.all(bundles.map((b) => esbuild.build(b)));
