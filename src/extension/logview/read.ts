// Reading a log for the Memmap Log View: file: URIs are analyzed streaming from disk (analyzeFile: bounded
// memory, two threads for large logs); other schemes (remote, virtual file systems) are read through
// vscode.workspace.fs and fed to analyzeStream in slices, which reports how far it got. Large files show a
// cancellable notification; the analyzer checks the cancellation between chunks.
import * as vscode from 'vscode';
import { formatBytes } from '../../config/units';
import type { CancelToken } from '../../trace/cancel';
import type { AnalysisFile } from '../../trace/types';

/** From this size on, the analysis shows a cancellable notification (smaller ones: the status bar). */
export const LARGE_LOG_BYTES = 8 * 1024 * 1024;
/** Slice size fed to analyzeStream for non-file schemes. */
const SLICE_BYTES = 1024 * 1024;

export interface ReadLogResult {
  file: AnalysisFile;
  /** The text, for non-file schemes (import and compare re-read it from memory); null for file: URIs. */
  text: string | null;
}

/** The file's size, or null when it cannot be stat'ed (the read will say why). */
export async function sizeOf(uri: vscode.Uri): Promise<number | null> {
  try {
    return (await vscode.workspace.fs.stat(uri)).size;
  } catch {
    return null;
  }
}

/** A readable message for a read error (vscode.FileSystemError or a Node error). */
export function readError(uri: vscode.Uri, e: unknown): string {
  const name = uri.path.split('/').pop() ?? uri.toString();
  const code = (e as { code?: string })?.code;
  const why =
    code === 'ENOENT' || code === 'FileNotFound' || code === 'EntryNotFound'
      ? 'no such file'
      : code === 'EACCES' || code === 'NoPermissions'
        ? 'permission denied'
        : code === 'EISDIR' || code === 'FileIsADirectory'
          ? 'is a directory'
          : ((e as Error)?.message ?? String(e));
  return `Cannot read ${name}: ${why}`;
}

/**
 * Analyze `uri` with progress in the notification area (large files: cancellable) or the status bar.
 * Rejects with the analyzer's AnalysisCancelledError when `cancel` (or the notification's Cancel button)
 * stops it; `onCancelSource` receives the progress's own token so the caller can link it.
 */
export async function analyzeWithProgress(uri: vscode.Uri, size: number | null, cancel: vscode.CancellationTokenSource, display: string): Promise<ReadLogResult> {
  const large = size !== null && size >= LARGE_LOG_BYTES;
  const { analyzeFile, analyzeStream } = await import('../../trace/index');
  return vscode.window.withProgress(
    { location: large ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window, title: `Memmap Lab: analyzing ${display}`, cancellable: large },
    async (progress, token) => {
      const sub = token.onCancellationRequested(() => cancel.cancel());
      const signal: CancelToken = cancel.token;
      try {
        if (uri.scheme === 'file') {
          // analyzeFile reports no byte count: show the size and the time so far.
          const t0 = Date.now();
          const tell = () => progress.report({ message: `${size !== null ? formatBytes(size) : ''}${Date.now() - t0 >= 1000 ? ` · ${Math.round((Date.now() - t0) / 1000)} s` : ''}` });
          tell();
          const timer = setInterval(tell, 1000);
          try {
            return { file: await analyzeFile(uri.fsPath, { signal, path: display }), text: null };
          } finally {
            clearInterval(timer);
          }
        }
        progress.report({ message: 'reading…' });
        const bytes = await vscode.workspace.fs.readFile(uri);
        if (signal.isCancellationRequested) {
          const { AnalysisCancelledError } = await import('../../trace/index');
          throw new AnalysisCancelledError();
        }
        const total = bytes.byteLength;
        let done = 0;
        function* slices(): Generator<Uint8Array> {
          for (let at = 0; at < total; at += SLICE_BYTES) {
            const n = Math.min(SLICE_BYTES, total - at);
            done += n;
            progress.report({ increment: (100 * n) / total, message: `${formatBytes(done)} of ${formatBytes(total)}` });
            yield bytes.subarray(at, at + n);
          }
        }
        const file = await analyzeStream(slices(), { signal, path: display });
        return { file: { ...file, sizeBytes: total }, text: new TextDecoder('utf-8').decode(bytes) };
      } finally {
        sub.dispose();
      }
    },
  );
}
