// esbuild options of the webview bundles (browser IIFEs, minified, chart.js tree-shaken):
//   webview/main.ts         -> dist/webview.js + dist/webview.css (media/dashboard.css): the dashboard,
//                              also inlined by `memmap-lab report`
//   webview/logview/main.ts -> dist/logview.js + dist/logview.css (media/logview.css): the Memmap Log View,
//                              whose page also links dist/webview.css
// Used by scripts/build.mjs, and by the report tests to build into a temporary folder.
export function webviewBundle(outfile = 'dist/webview.js', entry = 'webview/main.ts') {
  return {
    entryPoints: [entry],
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

/** The Memmap Log View's bundle (dist/logview.js + dist/logview.css). */
export function logviewBundle(outfile = 'dist/logview.js') {
  return webviewBundle(outfile, 'webview/logview/main.ts');
}
