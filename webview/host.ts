// Where the dashboard runs: in a VS Code webview (acquireVsCodeApi: messages and persisted state) or in
// the self-contained HTML report (no host: the model is embedded in the page, state lives in memory).
import type { WebviewMessage, WebviewState } from '../src/protocol/dashboard';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export interface Host {
  readonly kind: 'vscode' | 'report';
  post(message: WebviewMessage): void;
  /** The state the webview saved before it was hidden or the window reloaded (unvalidated). */
  getState(): unknown;
  setState(state: WebviewState): void;
  onMessage(listener: (data: unknown) => void): void;
}

export function connectHost(): Host {
  if (typeof acquireVsCodeApi === 'function') {
    const api = acquireVsCodeApi();
    return {
      kind: 'vscode',
      post: (m) => api.postMessage(m),
      getState: () => api.getState(),
      setState: (s) => api.setState(s),
      onMessage: (listener) => window.addEventListener('message', (e: MessageEvent) => listener(e.data)),
    };
  }
  let state: unknown = undefined;
  return {
    kind: 'report',
    post: () => undefined,
    getState: () => state,
    setState: (s) => void (state = s),
    onMessage: () => undefined,
  };
}
