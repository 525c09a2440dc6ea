// One build for every bundle: the CLI and the extension host code (node, CJS).
// Later bundles (the webview) are added to `bundles` below.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', target: 'node20', platform: 'node', format: 'cjs', mainFields: ['module', 'main'] };

const bundles = [
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' },
  { ...common, entryPoints: ['src/extension/activate.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // The mocha suite the e2e harness runs inside a real extension host (scripts/e2e/run.sh); not in the .vsix.
  { ...common, entryPoints: ['test/e2e/suite/*.ts'], outdir: 'dist/test/e2e', external: ['vscode', 'mocha'] },
];

await Promise.all(bundles.map((b) => esbuild.build(b)));
