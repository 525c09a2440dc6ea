// esbuild options of the extension host code, in two bundles so that activation compiles only what it
// runs (bench/activation.ts measures it):
//   dist/extension.js       the entry (package.json "main"): activation, commands, providers (~60 KiB)
//   dist/extension-lazy.js  everything the extension imports with `await import(...)`: the config loader,
//                           the mm core, the timing model, the checker, the report code (~500 KiB)
// Every dynamic import() made by src/extension/** is found by a first, quick pass and becomes a property
// of the lazy bundle (`require('./extension-lazy.js').<name>`), so that all of them share ONE copy of the
// modules they have in common (config/load keeps per-document state in WeakMaps). A single bundle would
// work the same but costs ~20 ms more to compile at every activation (all of it, used or not).
import * as esbuild from 'esbuild';
import { relative, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const entry = 'src/extension/activate.ts';
const LAZY_FILE = 'extension-lazy.js';
const NS = 'memmap-lazy';

const isExtensionCode = (importer) => relative(root, importer).startsWith('src/extension/');

/** The modules src/extension/** imports dynamically: absolute path -> export name in the lazy bundle. */
async function findLazyModules(common) {
  const found = new Map();
  await esbuild.build({
    ...common,
    entryPoints: [entry],
    write: false,
    sourcemap: false,
    minify: false,
    external: ['vscode'],
    logLevel: 'silent',
    plugins: [
      {
        name: 'find-dynamic-imports',
        setup(b) {
          b.onResolve({ filter: /.*/ }, async (args) => {
            if (args.kind !== 'dynamic-import' || args.pluginData === NS || !isExtensionCode(args.importer)) return undefined;
            const r = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: NS });
            if (r.errors.length || r.external) return undefined;
            const name = relative(root, r.path).replace(/\.[cm]?[jt]s$/, '').replace(/[^A-Za-z0-9]+/g, '_');
            found.set(r.path, name);
            return { path: r.path, external: true };
          });
        },
      },
    ],
  });
  return found;
}

/** [dist/extension.js, dist/extension-lazy.js] options, in `outdir` (default dist). */
export async function extensionBundles(common, outdir = 'dist') {
  const lazy = await findLazyModules(common);
  const split = {
    name: 'lazy-modules',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData === NS || !isExtensionCode(args.importer)) return undefined;
        const r = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: NS });
        const name = lazy.get(r.path);
        return name ? { path: name, namespace: NS } : undefined;
      });
      b.onResolve({ filter: new RegExp(`^\\./${LAZY_FILE.replace('.', '\\.')}$`) }, (args) => ({ path: args.path, external: true }));
      b.onLoad({ filter: /.*/, namespace: NS }, (args) => ({ contents: `module.exports = require('./${LAZY_FILE}').${args.path};`, loader: 'js' }));
    },
  };
  const lazyEntry = [...lazy].map(([path, name]) => `export * as ${name} from ${JSON.stringify(path)};`).join('\n');
  return [
    { ...common, entryPoints: [entry], outfile: `${outdir}/extension.js`, external: ['vscode'], plugins: [split] },
    { ...common, stdin: { contents: lazyEntry, resolveDir: root, sourcefile: 'extension-lazy.ts', loader: 'ts' }, outfile: `${outdir}/${LAZY_FILE}`, external: ['vscode'] },
  ];
}
