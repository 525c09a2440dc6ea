// esbuild options of the dashboard bundle: webview/main.ts -> dist/webview.js (browser IIFE, minified,
// chart.js tree-shaken) + dist/webview.css (media/dashboard.css, imported by main.ts). Used by
// scripts/build.mjs, and by the report tests to build into a temporary folder.
export function webviewBundle(outfile = 'dist/webview.js') {
  return {
    entryPoints: ['webview/main.ts'],
    outfile,
    bundle: true,
    minify: true,
    sourcemap: false,
    platform: 'browser',
    format: 'iife',
    target: ['chrome114', 'firefox115', 'safari16'],
    legalComments: 'eof',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  };
}
