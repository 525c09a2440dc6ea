// esbuild turns `import '../media/dashboard.css'` into dist/webview.css.
declare module '*.css';
