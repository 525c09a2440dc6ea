// The "Memmap Lab" log output channel. VS Code's LogOutputChannel has its own level (Developer: Set
// Log Level); `memmapLab.logLevel` filters on top of it so a user can quiet or widen our log from the
// settings UI without touching the global log level.
import * as vscode from 'vscode';

export const LOG_LEVELS = ['off', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class Log implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  private rank: number;

  constructor(level: LogLevel = 'info') {
    this.channel = vscode.window.createOutputChannel('Memmap Lab', { log: true });
    this.rank = LOG_LEVELS.indexOf(level);
  }

  setLevel(level: LogLevel): void {
    const r = LOG_LEVELS.indexOf(level);
    this.rank = r < 0 ? LOG_LEVELS.indexOf('info') : r;
  }

  private on(level: LogLevel): boolean {
    return this.rank >= LOG_LEVELS.indexOf(level);
  }

  error(message: string, err?: unknown): void {
    if (!this.on('error')) return;
    if (err === undefined) this.channel.error(message);
    else this.channel.error(message, err instanceof Error ? err : new Error(String(err)));
  }
  warn(message: string): void {
    if (this.on('warn')) this.channel.warn(message);
  }
  info(message: string): void {
    if (this.on('info')) this.channel.info(message);
  }
  debug(message: string): void {
    if (this.on('debug')) this.channel.debug(message);
  }
  trace(message: string): void {
    if (this.on('trace')) this.channel.trace(message);
  }
  /** Plain lines (a simulation summary): shown whatever the level, as the user asked for them. */
  appendBlock(text: string): void {
    this.channel.appendLine(text);
  }
  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
