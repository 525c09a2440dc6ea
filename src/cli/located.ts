// Turning config paths into "file:line:column" locations for CLI output.
import { configRange, type LoadResult } from '../config/index';
import type { JsonPath } from '../config/types';

export interface Location {
  file: string;
  line: number;
  column: number;
}

/** Where a config path is in the file (for a scenario variant: where its value was set). */
export function locate(result: LoadResult, file: string, path: JsonPath): Location {
  if (!result.doc) return { file, line: 1, column: 1 };
  const p = result.doc.positionAt(configRange(result, path).start);
  return { file, line: p.line, column: p.column };
}

export function formatLocation(l: Location): string {
  return `${l.file}:${l.line}:${l.column}`;
}
