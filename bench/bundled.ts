// Benchmarks whose figures are about the shipped code run from an esbuild bundle of themselves, as
// dist/cli.js and dist/analysis-worker.js are bundles: no TypeScript loader in the measured process (tsx
// compiles with esbuild's keepNames, and its __name() calls on every closure made in a hot loop cost the
// checker 20-30%).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { build } from 'esbuild';

/** Under tsx: bundle `file` into bench/out/, run the bundle with this process's arguments and exit code,
 *  and return true (the caller then does nothing more). In the bundle: false. */
export async function runBundled(file: string): Promise<boolean> {
  if (!file.endsWith('.ts')) return false;
  const out = join(dirname(file), 'out', basename(file).replace(/\.ts$/, '.js'));
  // mainFields as scripts/build.mjs has them (jsonc-parser's UMD build does not bundle); esbuild itself stays
  // out (the bundle never builds: it is the .js).
  await build({ entryPoints: [file], outfile: out, bundle: true, platform: 'node', format: 'cjs', target: 'node20', mainFields: ['module', 'main'], external: ['esbuild'], logLevel: 'warning' });
  const r = spawnSync(process.execPath, [...process.execArgv.filter((a) => a === '--expose-gc'), out, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
  return true;
}

/** The repository's root, from bench/*.ts and from their bundles in bench/out/ alike. */
export function repoRoot(dir: string): string {
  let d = dir;
  while (!existsSync(join(d, 'package.json')) && dirname(d) !== d) d = dirname(d);
  return d;
}
