// Typed access to the `memmapLab.*` settings contributed in package.json.
import * as vscode from 'vscode';
import type { Arch } from '../config/types';
import type { LogLevel } from './log';

export const SECTION = 'memmapLab';

export interface Settings {
  defaultArch: Arch;
  defaultKernel: string;
  liveSimulation: boolean;
  debounceMs: number;
  logLevel: LogLevel;
}

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  return {
    defaultArch: c.get<Arch>('defaultArch', 'x86_64'),
    defaultKernel: c.get<string>('defaultKernel', '6.12'),
    liveSimulation: c.get<boolean>('liveSimulation', true),
    debounceMs: Math.max(0, c.get<number>('debounceMs', 300)),
    logLevel: c.get<LogLevel>('logLevel', 'info'),
  };
}

/** memmapLab.codeLens for a document (a resource setting: a folder may turn the lenses off). */
export function codeLensEnabled(uri: vscode.Uri): boolean {
  return vscode.workspace.getConfiguration(SECTION, uri).get<boolean>('codeLens', true);
}
