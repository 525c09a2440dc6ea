// The dashboard's message protocol (src/protocol/dashboard.ts): what the host accepts from the untrusted
// webview, what the webview accepts from the host, the persisted state the serializer gets back, and the
// webview HTML's Content-Security-Policy (src/extension/dashboard/html.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadConfigFile } from '../../src/config/load';
import { dashboardModel } from '../../src/report/dashboard-run';
import { parseHostMessage, parseModel, parseWebviewMessage, parseWebviewState, s, STATE_VERSION, viewOfFocus, type WebviewState } from '../../src/protocol/dashboard';
import { dashboardCsp, dashboardHtml, restoreFailedHtml } from '../../src/extension/dashboard/html';

const root = join(__dirname, '..', '..');
const model = dashboardModel(loadConfigFile(join(root, 'examples', 'default.memmap.yaml')), 'examples/default.memmap.yaml');
const range = { startLine: 3, startCharacter: 2, endLine: 3, endCharacter: 9 };

describe('webview -> host messages (untrusted)', () => {
  it('accepts the messages the webview sends', () => {
    const ok = [
      { type: 'ready' },
      { type: 'reveal', range },
      { type: 'exportTimeline' },
      { type: 'openSource', finding: 0 },
      { type: 'view', view: 'timeline' },
      { type: 'log', level: 'error', message: 'x' },
      { type: 'rendered', view: 'memory', theme: 'vscode-dark', charts: [{ id: 'memory', width: 800, height: 300, nonBlankPixels: 12345 }], cspViolations: [] },
    ];
    for (const m of ok) assert.deepEqual(parseWebviewMessage(m), { ok: true, value: m });
  });

  it('rejects anything else, saying why', () => {
    const bad: [unknown, RegExp][] = [
      [null, /expected a message object/],
      ['ready', /expected a message object/],
      [[], /expected a message object/],
      [{}, /expected a message object/],
      [{ type: 'openFile', path: '/etc/passwd' }, /unknown message type "openFile"/],
      [{ type: 'ready', extra: 1 }, /unexpected field "extra"/],
      [{ type: 'reveal' }, /missing field "range"/],
      [{ type: 'reveal', range: { ...range, startLine: -1 } }, /startLine: expected an integer/],
      [{ type: 'reveal', range: { ...range, startLine: 1.5 } }, /startLine/],
      [{ type: 'reveal', range: { ...range, endLine: 1e12 } }, /endLine/],
      [{ type: 'reveal', range: { ...range, startCharacter: '3' } }, /startCharacter/],
      [{ type: 'reveal', range, uri: 'file:///etc/passwd' }, /unexpected field "uri"/],
      // The webview names a finding; the URL is the host's.
      [{ type: 'openSource', finding: -1 }, /finding: expected an integer/],
      [{ type: 'openSource', finding: 0, url: 'https://example.com' }, /unexpected field "url"/],
      [{ type: 'view', view: 'settings' }, /expected one of "memory"/],
      [{ type: 'log', level: 'error', message: 'x'.repeat(2001) }, /longer than 2000/],
      [{ type: 'rendered', view: 'memory', theme: 't', charts: [{ id: 'c', width: 1, height: 1, nonBlankPixels: NaN }], cspViolations: [] }, /nonBlankPixels/],
      [{ type: 'toString' }, /unknown message type/],
      [{ type: '__proto__' }, /unknown message type/],
      [JSON.parse('{"type":"ready","__proto__":{"polluted":1}}'), /unexpected field "__proto__"/],
    ];
    for (const [m, why] of bad) {
      const r = parseWebviewMessage(m);
      assert.equal(r.ok, false, JSON.stringify(m));
      if (!r.ok) assert.match(r.error, why);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('property: never throws on arbitrary JSON, and accepts only known types', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = parseWebviewMessage(v);
        if (r.ok) assert.ok(['ready', 'reveal', 'exportTimeline', 'openSource', 'rendered', 'view', 'log'].includes(r.value.type));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.record({ type: fc.constantFrom('ready', 'reveal', 'view', 'log'), range: fc.anything(), view: fc.anything(), level: fc.anything(), message: fc.anything() }, { requiredKeys: ['type'] }), (v) => {
        parseWebviewMessage(v);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('host -> webview messages', () => {
  it('the model of the default example validates; a damaged one does not', () => {
    assert.ok(parseHostMessage({ type: 'model', model }).ok);
    assert.ok(parseHostMessage({ type: 'show', view: 'compare', focus: { kind: 'scenario', name: 'HVO off' } }).ok);
    assert.ok(parseHostMessage({ type: 'show', view: null, focus: null }).ok);
    const damaged = JSON.parse(JSON.stringify(model));
    damaged.timeline.spans[3][6] = 9;
    assert.match((parseModel(damaged) as { error: string }).error, /^model\.timeline\.spans\[3\]\[6\]/);
    const nan = JSON.parse(JSON.stringify(model));
    nan.headline.totalBytes = 'a lot';
    assert.match((parseModel(nan) as { error: string }).error, /model\.headline\.totalBytes: expected a finite number/);
    assert.match((parseHostMessage({ type: 'show', view: 'memory', focus: { kind: 'cpu', name: '0' } }) as { error: string }).error, /focus\.kind/);
  });

  it('a focus opens its view', () => {
    assert.equal(viewOfFocus({ kind: 'scenario', name: 'x' }), 'compare');
    assert.equal(viewOfFocus({ kind: 'node', name: '0' }), 'memory');
    assert.equal(viewOfFocus({ kind: 'device', name: 'namespace0.0' }), 'memory');
  });
});

describe('persisted webview state (the serializer gets it back)', () => {
  const state: WebviewState = { version: STATE_VERSION, uri: 'file:///ws/default.memmap.yaml', view: 'timeline', focus: null, zoom: { fromUs: 10, toUs: 2000 }, collapse: true, showWaits: false, onlyChanged: true, model };

  it('round-trips', () => {
    assert.deepEqual(parseWebviewState(JSON.parse(JSON.stringify(state))), { ok: true, value: state });
  });

  it('a stale model is dropped, the rest kept; a broken state is refused', () => {
    const old = { ...state, model: { version: 0 } };
    const r = parseWebviewState(old);
    assert.ok(r.ok);
    if (r.ok) {
      assert.equal(r.value.model, null);
      assert.equal(r.value.view, 'timeline');
    }
    assert.equal(parseWebviewState({ ...state, uri: 42 }).ok, false);
    assert.equal(parseWebviewState({ ...state, version: 99 }).ok, false);
    assert.equal(parseWebviewState(undefined).ok, false);
    assert.equal(parseWebviewState('file:///x.memmap.yaml').ok, false);
  });
});

describe('schema helpers', () => {
  it('tuple, nullable, literal, array bounds', () => {
    assert.equal(s.tuple(s.int(), s.str()).check([1, 'a'], 'x'), null);
    assert.match(s.tuple(s.int(), s.str()).check([1], 'x')!, /tuple of 2/);
    assert.equal(s.nullable(s.int()).check(null, 'x'), null);
    assert.match(s.literal('a', 'b').check('c', 'x')!, /one of "a", "b"/);
    assert.match(s.array(s.int(), 2).check([1, 2, 3], 'x')!, /more than 2/);
    assert.match(s.num().check(Infinity, 'x')!, /finite/);
  });
});

describe('webview HTML and Content-Security-Policy', () => {
  const csp = dashboardCsp('https://file+.vscode-resource.vscode-cdn.net', 'abcDEF123456789+/xyzXYZ==');
  const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));

  it('default-src none; scripts by nonce only; styles and fonts from the webview source; nothing unsafe', () => {
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('script-src'), ["'nonce-abcDEF123456789+/xyzXYZ=='"]);
    assert.deepEqual(directives.get('style-src'), ['https://file+.vscode-resource.vscode-cdn.net', "'nonce-abcDEF123456789+/xyzXYZ=='"]);
    assert.deepEqual(directives.get('font-src'), ['https://file+.vscode-resource.vscode-cdn.net']);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|unsafe-hashes|\*/);
    assert.ok(!directives.has('connect-src') && !directives.has('frame-src'), 'no network, no frames');
  });

  it('the page: the CSP meta, the nonce meta FAST reads, one nonce\'d script, no inline styles or handlers', () => {
    const html = dashboardHtml({
      cspSource: 'vscode-webview://abc',
      scriptUri: 'vscode-webview://abc/dist/webview.js',
      styleUri: 'vscode-webview://abc/dist/webview.css',
      nonce: 'N0nceN0nceN0nceN0nce',
      configUri: 'file:///ws/a "quoted" <name>.memmap.yaml',
      view: 'compare',
      title: 'Memmap Lab: x',
    });
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; /);
    assert.match(html, /<meta property="csp-nonce" content="N0nceN0nceN0nceN0nce">/);
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.deepEqual(scripts, ['<script nonce="N0nceN0nceN0nceN0nce" src="vscode-webview://abc/dist/webview.js">']);
    assert.doesNotMatch(html, /\sstyle=|\son[a-z]+=|<style/i);
    assert.match(html, /data-config-uri="file:\/\/\/ws\/a &quot;quoted&quot; &lt;name&gt;\.memmap\.yaml"/);
    assert.match(html, /data-initial-view="compare"/);
    assert.doesNotMatch(html, /https?:\/\//);
  });

  it('the restore-failed page runs no script', () => {
    const html = restoreFailedHtml('vscode-webview://abc', 'vscode-webview://abc/dist/webview.css', 'cannot <restore>');
    assert.doesNotMatch(html, /<script/);
    assert.match(html, /default-src 'none'; style-src vscode-webview:\/\/abc/);
    assert.match(html, /cannot &lt;restore&gt;/);
  });
});
