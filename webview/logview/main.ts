// Entry point of the Memmap Log View bundle (dist/logview.js, an IIFE for the browser; dist/logview.css
// from the import below; the page also links the dashboard's dist/webview.css, whose classes it reuses).
import '../../media/logview.css';
import type { LogWebviewMessage, LogWebviewState } from '../../src/protocol/logview';
import { connectHost } from '../host';
import { watchPage } from '../page';
import { registerToolkit } from '../toolkit';
import { LogApp } from './app';

const host = connectHost<LogWebviewMessage, LogWebviewState>();
const cspViolations = watchPage((m) => host.post(m), 'log view');

registerToolkit();
const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
const app = new LogApp(root, host, cspViolations);
(window as unknown as { memmapLogView: unknown }).memmapLogView = app.debug;
host.onMessage((data) => app.receive(data));
host.post({ type: 'ready' });
