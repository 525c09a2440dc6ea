// The dashboard webview's HTML and Content-Security-Policy. Pure (no vscode import): the unit tests
// check it. The page holds no data; the host posts the model once the script says "ready".
import type { DashboardView } from '../../protocol/dashboard';
import { escapeHtml as attr, strictHtmlPage } from '../../report/html-page';

/**
 * default-src 'none'; scripts only by nonce; styles and fonts only from the webview's own source (plus the
 * same nonce, which FAST's :focus-visible probe reads from <meta property="csp-nonce">); no 'unsafe-inline',
 * no 'unsafe-eval', nothing remote.
 */
export function dashboardCsp(cspSource: string, nonce: string): string {
  return [`default-src 'none'`, `img-src ${cspSource}`, `style-src ${cspSource} 'nonce-${nonce}'`, `font-src ${cspSource}`, `script-src 'nonce-${nonce}'`, `base-uri 'none'`, `form-action 'none'`].join('; ');
}

export interface DashboardHtmlOptions {
  /** webview.cspSource */
  cspSource: string;
  /** webview.asWebviewUri(dist/webview.js) */
  scriptUri: string;
  /** webview.asWebviewUri(dist/webview.css) */
  styleUri: string;
  nonce: string;
  /** The config the panel shows (kept in the webview's state for the serializer). */
  configUri: string;
  view: DashboardView;
  title: string;
}

export function dashboardHtml(o: DashboardHtmlOptions): string {
  return strictHtmlPage({
    csp: dashboardCsp(o.cspSource, o.nonce),
    nonce: o.nonce,
    head: [`<link rel="stylesheet" href="${attr(o.styleUri)}">`],
    title: o.title,
    body: { 'data-host': 'vscode', 'data-config-uri': o.configUri, 'data-initial-view': o.view },
    content: ['<div id="app"></div>', `<script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>`],
  });
}

/** The page shown when a restored panel's state is unusable (no script at all). */
export function restoreFailedHtml(cspSource: string, styleUri: string, message: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${attr(cspSource)}">
<link rel="stylesheet" href="${attr(styleUri)}">
<title>Memmap Lab</title>
</head>
<body><div id="app"><div class="mm-banner mm-banner-crashed">${attr(message)}</div></div></body>
</html>
`;
}
