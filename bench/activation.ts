// Extension activation: require the bundled extension and call activate() against a stubbed `vscode`
// module (a Module._load hook), each sample in a fresh Node process, for the production bundle the .vsix
// ships (built here into a temp dir, as `npm run package` builds it) and for dist/extension.js; target
// < 30 ms. (What each edit costs afterwards: bench/live-analysis.ts.) Prints figures; asserts nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { reps } from './quick';
import { median } from './stats';

const root = join(__dirname, '..');
const max = (xs: number[]) => Math.max(...xs);

// ---------------------------------------------------------------------------------------------
// (a) activation

/**
 * Runs in a fresh `node -e` process: a `vscode` stub answering every property and call with another stub
 * (events give disposables, getConfiguration().get(key, default) the default, collections are empty),
 * then require(bundle) and activate(context). Prints one JSON line.
 */
const CHILD = String.raw`
const Module = require('module');
const { performance } = require('perf_hooks');
const calls = [];
const overrides = { 'workspace.textDocuments': [], 'workspace.workspaceFolders': undefined, 'window.visibleTextEditors': [], 'window.activeTextEditor': undefined, version: '1.100.0', 'env.appName': 'bench' };
function stub(path) {
  const fn = function () {};
  const name = path.join('.');
  return new Proxy(fn, {
    get(t, prop) {
      if (prop === 'prototype') return fn.prototype;
      if (prop === 'then') return undefined;
      if (prop === Symbol.iterator) return function* () {};
      if (prop === Symbol.toPrimitive || prop === 'toString' || prop === 'valueOf') return () => name;
      if (typeof prop === 'symbol') return undefined;
      if (prop === 'get') return (_k, d) => d;
      const p = path.concat(prop).join('.');
      if (p in overrides) return overrides[p];
      return stub(path.concat(prop));
    },
    apply(t, self, args) { calls.push(name); return stub(path.concat('()')); },
    construct() { return stub(path.concat('new')); },
    set() { return true; },
  });
}
// The bundle reads the module through esbuild's __toESM, which copies its own property names: the root
// is a plain object with every name the vscode API declares.
const vscode = {};
for (const name of JSON.parse(process.argv[2])) Object.defineProperty(vscode, name, { enumerable: true, get: () => (name in overrides ? overrides[name] : stub([name])) });
const load = Module._load;
Module._load = function (request) { return request === 'vscode' ? vscode : load.apply(this, arguments); };
const bundle = process.argv[1];
if (process.argv[3] === 'require-only') {
  const t = performance.now();
  require(bundle);
  process.stdout.write(JSON.stringify({ requireMs: performance.now() - t }) + '\n');
  process.exit(0);
}
const context = { subscriptions: [], extensionUri: vscode.Uri.file('/ext'), extensionPath: '/ext', extensionMode: 1, extension: { packageJSON: { version: '0.0.0-bench' } }, globalState: vscode.globalState, workspaceState: vscode.workspaceState };
const t0 = performance.now();
const ext = require(bundle);
const t1 = performance.now();
const api = ext.activate(context);
const t2 = performance.now();
ext.deactivate();
const registered = calls.filter((c) => /\.(register\w+|createDiagnosticCollection|createStatusBarItem|createOutputChannel)$/.test(c));
process.stdout.write(JSON.stringify({ requireMs: t1 - t0, activateMs: t2 - t1, ok: !!api, registered: registered.length, kinds: [...new Set(registered.map((c) => c.split('.').pop()))] }) + '\n');
process.exit(0);
`;

interface Sample {
  requireMs: number;
  activateMs: number;
  ok: boolean;
  registered: number;
  kinds: string[];
}

let names: string[] | undefined;
/** The names the vscode module exports (@types/vscode: the declarations one tab deep in `declare module 'vscode'`). */
function vscodeNames(): string[] {
  names ??= [...new Set([...readFileSync(join(root, 'node_modules/@types/vscode/index.d.ts'), 'utf8').matchAll(/^\texport (?:namespace|class|enum|const|let|function) (\w+)/gm)].map((m) => m[1]))];
  return names;
}

function activationSamples(bundle: string, runs: number): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['-e', CHILD, bundle, JSON.stringify(vscodeNames())], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`activation sample failed (exit ${r.status}):\n${r.stderr}`);
    out.push(JSON.parse(r.stdout.trim().split('\n').pop()!));
  }
  return out;
}

function reportActivation(label: string, bundle: string, runs = reps(15, 2)): void {
  activationSamples(bundle, reps(2, 0)); // warm the disk cache
  const s = activationSamples(bundle, runs);
  const req = s.map((x) => x.requireMs);
  const act = s.map((x) => x.activateMs);
  const total = s.map((x) => x.requireMs + x.activateMs);
  const kb = (statSync(bundle).size / 1024).toFixed(0);
  console.log(`  ${label} (${kb} KiB): require ${median(req).toFixed(1)} ms + activate() ${median(act).toFixed(1)} ms = ${median(total).toFixed(1)} ms median, ${max(total).toFixed(1)} ms max of ${runs} fresh processes (target < 30 ms)${s.every((x) => x.ok) ? '' : ' - ACTIVATION FAILED'}`);
  console.log(`    registered at activation: ${s[0].registered} (${s[0].kinds.join(', ')})`);
}

/** Fresh-process time to require the lazy bundle (with the same vscode stub: the log view in it uses
 *  the API): paid once, by the first analysis after activation. */
function lazyRequireMs(file: string, runs = reps(9, 1)): number {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['-e', CHILD, file, JSON.stringify(vscodeNames()), 'require-only'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`lazy bundle require failed (exit ${r.status}):\n${r.stderr}`);
    t.push((JSON.parse(r.stdout.trim().split('\n').pop()!) as { requireMs: number }).requireMs);
  }
  return median(t);
}

async function activation(): Promise<void> {
  console.log('activation: require the bundle + activate() with a stubbed vscode module');
  // `--bundle <file>`: measure only that bundle (to compare build variants).
  const only = process.argv.indexOf('--bundle');
  if (only > 0) {
    reportActivation(process.argv[only + 1], process.argv[only + 1]);
    process.exit(0);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'memmap-activation-'));
  try {
    // The same options as scripts/build.mjs --production (what `npm run package` puts in the .vsix).
    const common = { bundle: true, sourcemap: false, minify: true, logLevel: 'warning' as const, target: 'node20', platform: 'node' as const, format: 'cjs' as const, mainFields: ['module', 'main'] };
    const { extensionBundles } = (await import('../scripts/extension-bundles.mjs' as string)) as { extensionBundles: (c: object, outdir: string) => Promise<esbuild.BuildOptions[]> };
    await Promise.all((await extensionBundles(common, tmp)).map((b) => esbuild.build(b)));
    reportActivation('production bundle (as in the .vsix)', join(tmp, 'extension.js'));
    console.log(`    first use: require of extension-lazy.js (${(statSync(join(tmp, 'extension-lazy.js')).size / 1024).toFixed(0)} KiB: loader, core, timing, checker, log view) ${lazyRequireMs(join(tmp, 'extension-lazy.js')).toFixed(1)} ms, once, at the first analysis`);
    // For comparison: everything in one bundle (the lazy imports then only defer evaluation, not compilation).
    const single = join(tmp, 'single.js');
    await esbuild.build({ ...common, entryPoints: [join(root, 'src/extension/activate.ts')], outfile: single, external: ['vscode'] });
    reportActivation('the same as one single bundle (for comparison)', single);
    const dist = join(root, 'dist/extension.js');
    if (existsSync(dist)) reportActivation('dist/extension.js (as last built)', dist);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

void activation();
