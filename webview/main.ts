// Entry point of the dashboard bundle (dist/webview.js, an IIFE for the browser; dist/webview.css from
// the import below). Runs in the VS Code webview and, unchanged, in the `memmap-lab report` HTML file.
import '../media/dashboard.css';
import { App } from './app';
import { connectHost } from './host';
import { watchPage } from './page';
import { registerToolkit } from './toolkit';

const host = connectHost();
const cspViolations = watchPage((m) => host.post(m), 'dashboard');

// The report has no VS Code theme: follow the reader's colour scheme unless the report fixed one.
if (host.kind === 'report' && !/\bvscode-(light|dark|high-contrast)/.test(document.body.className)) {
  const kind = window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'vscode-dark' : 'vscode-light';
  document.body.classList.add(kind);
  document.body.dataset.vscodeThemeKind = kind;
}

registerToolkit();
const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
const app = new App(root, host, cspViolations);
(window as unknown as { memmapDashboard: unknown }).memmapDashboard = app.debug;

if (host.kind === 'vscode') {
  host.onMessage((data) => app.receive(data));
  host.post({ type: 'ready' });
} else {
  app.loadEmbedded(document.getElementById('memmap-model')?.textContent ?? 'null');
}
