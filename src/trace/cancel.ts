// Cancellation for long analyses: an AbortSignal (Node, the CLI) or anything shaped like VS Code's
// CancellationToken. Checked between chunks, so a cancelled analysis stops within one chunk (64 KiB).

export interface CancelToken {
  readonly isCancellationRequested: boolean;
}

export type Cancellation = AbortSignal | CancelToken;

export class AnalysisCancelledError extends Error {
  override name = 'AnalysisCancelledError';
  constructor() {
    super('analysis cancelled');
  }
}

export function isCancelled(c: Cancellation | undefined): boolean {
  if (!c) return false;
  return 'aborted' in c ? c.aborted : c.isCancellationRequested;
}

export function throwIfCancelled(c: Cancellation | undefined): void {
  if (isCancelled(c)) throw new AnalysisCancelledError();
}
