// The Memmap Log View's message protocol (src/protocol/logview.ts): what the host accepts from the
// untrusted webview, what the webview accepts from the host, its persisted state, and the page's
// Content-Security-Policy (src/extension/logview/html.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFile } from '../../src/trace/index';
import { logViewModel } from '../../src/report/logview-model';
import { LOGVIEW_STATE_VERSION, parseLogHostMessage, parseLogViewModel, parseLogWebviewMessage, parseLogWebviewState } from '../../src/protocol/logview';
import { logViewHtml } from '../../src/extension/logview/html';
import { corpusFile } from './corpus';


describe('log view: webview -> host messages (untrusted)', () => {
  it('accepts the messages the webview sends', () => {
    const ok = [
      { type: 'ready' },
      { type: 'openLine', line: 125 },
      { type: 'openSource', item: 'trace', index: 0, frame: null },
      { type: 'openSource', item: 'trace', index: 3, frame: 5 },
      { type: 'openSource', item: 'error', index: 1, frame: null },
      { type: 'openSource', item: 'ftrace', index: 7, frame: null },
      { type: 'selectBoot', boot: 1 },
      { type: 'compareBoot', boot: 0 },
      { type: 'compareBoot', boot: null },
      { type: 'compareFile' },
      ...['linkConfig', 'unlinkConfig', 'openConfig', 'importConfig', 'openLog'].map((action) => ({ type: 'action', action })),
      { type: 'rendered', boot: 0, theme: 'vscode-dark', charts: [{ id: 'log-timeline', width: 900, height: 260, nonBlankPixels: 4321 }], cspViolations: [] },
      { type: 'rendered', boot: null, theme: 'vscode-light', charts: [], cspViolations: [] },
      { type: 'log', level: 'warn', message: 'x' },
    ];
    for (const m of ok) assert.deepEqual(parseLogWebviewMessage(m), { ok: true, value: m });
  });

  it('rejects anything else, saying why', () => {
    const bad: [unknown, RegExp][] = [
      [null, /expected a message object/],
      [{ type: 'openFile', path: '/etc/passwd' }, /unknown message type "openFile"/],
      [{ type: 'openLine', line: 0 }, /line: expected an integer in \[1,/],
      [{ type: 'openLine', line: 1.5 }, /line: expected an integer/],
      [{ type: 'openLine', line: '12' }, /line: expected an integer/],
      [{ type: 'openLine', line: 3, uri: 'file:///etc/passwd' }, /unexpected field "uri"/],
      [{ type: 'selectBoot', boot: -1 }, /boot: expected an integer/],
      [{ type: 'compareBoot', boot: 'boot 1' }, /boot: expected an integer/],
      [{ type: 'compareBoot' }, /missing field "boot"/],
      // The webview never names a file: the host asks the user.
      [{ type: 'compareFile', path: '/etc/passwd' }, /unexpected field "path"/],
      // The webview names a call trace; the URL is the host's (never a URL from the webview).
      [{ type: 'openSource', item: 'trace', index: '0', frame: null }, /index: expected an integer/],
      [{ type: 'openSource', item: 'trace', index: -1, frame: null }, /index: expected an integer/],
      [{ type: 'openSource', item: 'trace', index: 0, frame: -1 }, /frame: expected an integer/],
      [{ type: 'openSource', item: 'file', index: 0, frame: null }, /item: expected one of/],
      [{ type: 'openSource', item: 'error', index: 0 }, /missing field "frame"/],
      [{ type: 'openSource', item: 'error', index: 0, frame: null, url: 'https://example.com' }, /unexpected field "url"/],
      [{ type: 'action', action: 'deleteLog' }, /action: expected one of/],
      [{ type: 'action' }, /missing field "action"/],
      [{ type: 'rendered', boot: 0, theme: 'x', charts: [{ id: 'a', width: -1, height: 1, nonBlankPixels: 0 }], cspViolations: [] }, /width/],
      [{ type: 'log', level: 'fatal', message: 'x' }, /level: expected one of/],
    ];
    for (const [m, re] of bad) {
      const r = parseLogWebviewMessage(m);
      assert.equal(r.ok, false, JSON.stringify(m));
      if (!r.ok) assert.match(r.error, re, JSON.stringify(m));
    }
  });
});

describe('log view: host -> webview messages and state', () => {
  it('a model from a real log passes; a tampered one does not', async () => {
    const model = JSON.parse(JSON.stringify(logViewModel(await analyzeFile(corpusFile('04')), { file: '04.log' })));
    assert.deepEqual(parseLogHostMessage({ type: 'model', model }), { ok: true, value: { type: 'model', model } });
    assert.deepEqual(parseLogHostMessage({ type: 'busy', text: null }).ok, true);
    const tampered: [unknown, RegExp][] = [
      [{ ...model, version: 2 }, /version: expected one of 1/],
      [{ ...model, extra: true }, /unexpected field "extra"/],
      [{ ...model, boot: { ...model.boot, deferred: [{ node: 0, ms: 'slow', pages: null, line: 3, t: null }] } }, /boot\.deferred\[0\]\.ms: expected a finite number/],
      [{ ...model, boot: { ...model.boot, timeline: { ...model.boot.timeline, bars: [{ row: 0, startS: 0, endS: 1, kind: 'bogus', label: 'x', line: 1 }] } } }, /kind: expected one of/],
      [{ ...model, status: 'fine' }, /status: expected one of/],
    ];
    for (const [m, re] of tampered) {
      const r = parseLogViewModel(m);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error, re);
    }
  });

  it('state: the last model or none; anything else is refused', async () => {
    const model = JSON.parse(JSON.stringify(logViewModel(await analyzeFile(corpusFile('01')), { file: '01.log' })));
    assert.equal(parseLogWebviewState({ version: LOGVIEW_STATE_VERSION, uri: 'file:///a.log', model }).ok, true);
    assert.equal(parseLogWebviewState({ version: LOGVIEW_STATE_VERSION, uri: 'file:///a.log', model: null }).ok, true);
    assert.equal(parseLogWebviewState(undefined).ok, false);
    assert.equal(parseLogWebviewState({ version: 99, uri: 'x', model: null }).ok, false);
  });
});

describe('log view HTML', () => {
  const html = logViewHtml({ cspSource: 'https://x.vscode-cdn.net', scriptUri: 'https://x/dist/logview.js', styleUris: ['https://x/dist/webview.css', 'https://x/dist/logview.css'], nonce: 'abc123', logUri: 'file:///w/a"b.log', title: 'a"b.log' });

  it('has the strict CSP: nonce scripts only, no unsafe-inline / unsafe-eval, nothing remote', () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1].replace(/&#39;/g, "'");
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc123'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    assert.match(html, /<script nonce="abc123" src="https:\/\/x\/dist\/logview\.js"><\/script>/);
    assert.equal((html.match(/<script/g) ?? []).length, 1, 'one script, the bundle');
    assert.doesNotMatch(html, /style="/);
  });

  it('links both stylesheets and escapes the log name', () => {
    assert.match(html, /href="https:\/\/x\/dist\/webview\.css"/);
    assert.match(html, /href="https:\/\/x\/dist\/logview\.css"/);
    assert.match(html, /data-log-uri="file:\/\/\/w\/a&quot;b\.log"/);
    assert.doesNotMatch(html, /a"b\.log/);
  });
});
