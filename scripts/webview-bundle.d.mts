// Types of scripts/webview-bundle.mjs (for the TypeScript tests that build the bundle).
import type { BuildOptions } from 'esbuild';
export function webviewBundle(outfile?: string, entry?: string): BuildOptions;
export function logviewBundle(outfile?: string): BuildOptions;
