// Checks the packaged extension: only allow-listed files (a second line of defence behind the
// .vscodeignore allow-list), the files the extension needs at run time, and a size budget.
//   node scripts/e2e/check-vsix.mjs dist/memmap-lab.vsix
// Prints one PASS/FAIL line per check and "vsix-check: N passed, M failed"; exit 1 on any failure.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';

const vsix = process.argv[2] ?? 'dist/memmap-lab.vsix';
const MAX_BYTES = 1.5 * 1024 * 1024;

/** What may be in the .vsix: vsce's manifest files, then the extension's own (under extension/). */
const ALLOWED = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/package\.json$/,
  /^extension\/(readme|README)\.md$/,
  /^extension\/(changelog|CHANGELOG)\.md$/,
  /^extension\/LICENSE(\.txt)?$/, // vsce renames LICENSE to LICENSE.txt
  /^extension\/dist\/extension(-lazy)?\.js$/,
  /^extension\/dist\/analysis-worker\.js$/,
  /^extension\/dist\/(webview|logview)\.(js|css)$/,
  /^extension\/src\/config\/memmap\.schema\.json$/,
  /^extension\/examples\/[^/]+\.memmap\.yaml$/,
  /^extension\/media\/.+$/,
];
const REQUIRED = ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/extension-lazy.js', 'extension/dist/analysis-worker.js', 'extension/dist/webview.js', 'extension/dist/webview.css', 'extension/dist/logview.js', 'extension/dist/logview.css', 'extension/src/config/memmap.schema.json', 'extension/examples/default.memmap.yaml'];

let passed = 0;
let failed = 0;
const check = (ok, what) => {
  console.log(`${ok ? 'PASS' : 'FAIL'} vsix: ${what}`);
  if (ok) passed++;
  else failed++;
};

const files = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
for (const f of files) console.log(`  ${f}`);
const unexpected = files.filter((f) => !ALLOWED.some((re) => re.test(f)));
check(unexpected.length === 0, `only allow-listed files${unexpected.length ? ` (unexpected: ${unexpected.join(', ')})` : ''}`);
for (const f of REQUIRED) check(files.includes(f), `contains ${f}`);
const size = statSync(vsix).size;
check(size <= MAX_BYTES, `${size} bytes <= ${MAX_BYTES} (1.5 MiB)`);
console.log(`vsix-check: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
