// The one HTML page skeleton of the dashboard webview, the Memmap Log View webview and the `memmap-lab
// report` file: a Content-Security-Policy meta element (the caller's policy: nonce scripts, no
// 'unsafe-inline' / 'unsafe-eval'), the nonce FAST's :focus-visible probe reads from
// <meta property="csp-nonce">, the title, and the body with its data attributes. Every value given as text
// is escaped here; head and body lines are HTML the caller wrote. Pure: no DOM, no vscode, no node.

/** Text as HTML text or a double-quoted attribute value. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface StrictPage {
  /** The Content-Security-Policy (text: escaped here). */
  csp: string;
  /** The nonce of the page's <script> and <style> elements (text). */
  nonce: string;
  /** <head> lines between the viewport meta element and the title (HTML). */
  head: readonly string[];
  /** The page title (text). */
  title: string;
  /** Attributes of <body>, in order (values are text; undefined: left out). */
  body: Readonly<Record<string, string | undefined>>;
  /** The body's content, one line each (HTML). */
  content: readonly string[];
}

export function strictHtmlPage(p: StrictPage): string {
  const attrs = Object.entries(p.body)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${escapeHtml(v)}"`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(p.csp)}">
<meta property="csp-nonce" content="${escapeHtml(p.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${[...p.head, `<title>${escapeHtml(p.title)}</title>`].join('\n')}
</head>
<body${attrs}>
${p.content.join('\n')}
</body>
</html>
`;
}
