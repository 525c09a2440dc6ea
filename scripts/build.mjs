// One build for every bundle: the CLI and the extension host code (node, CJS).
// Later bundles (the webview) are added to `bundles` below.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', target: 'node20', platform: 'node', format: 'cjs' };

const bundles = [
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' },
];

await Promise.all(bundles.map((b) => esbuild.build(b)));
