// The Memmap Log View webview's HTML: the dashboard's Content-Security-Policy (nonce scripts, styles from
// the extension only, nothing remote, no 'unsafe-inline' / 'unsafe-eval') and its stylesheet, plus the log
// view's own script and styles. Pure (no vscode import): the unit tests check it.
import { escapeHtml as attr, strictHtmlPage } from '../../report/html-page';
import { dashboardCsp } from '../dashboard/html';

export interface LogViewHtmlOptions {
  /** webview.cspSource */
  cspSource: string;
  /** dist/logview.js */
  scriptUri: string;
  /** dist/webview.css (the dashboard's, shared) and dist/logview.css */
  styleUris: string[];
  nonce: string;
  /** The log (a URI string), kept in the webview's state. */
  logUri: string;
  title: string;
}

export function logViewHtml(o: LogViewHtmlOptions): string {
  return strictHtmlPage({
    csp: dashboardCsp(o.cspSource, o.nonce),
    nonce: o.nonce,
    head: o.styleUris.map((u) => `<link rel="stylesheet" href="${attr(u)}">`),
    title: o.title,
    body: { 'data-host': 'vscode', 'data-app': 'logview', 'data-log-uri': o.logUri, 'data-title': o.title },
    content: [`<div id="app"><div class="mm-empty" id="lv-loading">Analyzing ${attr(o.title)}…</div></div>`, `<script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>`],
  });
}
