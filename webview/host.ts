// Where the dashboard runs: in a VS Code webview (acquireVsCodeApi: messages and persisted state) or in
// the self-contained HTML report (no host: the model is embedded in the page, state lives in memory).
import type { WebviewMessage, WebviewState } from '../src/protocol/dashboard';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** The dashboard's by default; the log view (webview/logview) uses its own message and state types. */
export interface Host<M = WebviewMessage, S = WebviewState> {
  readonly kind: 'vscode' | 'report';
  post(message: M): void;
  /** The state the webview saved before it was hidden or the window reloaded (unvalidated). */
  getState(): unknown;
  setState(state: S): void;
  onMessage(listener: (data: unknown) => void): void;
}

export function connectHost<M = WebviewMessage, S = WebviewState>(): Host<M, S> {
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
