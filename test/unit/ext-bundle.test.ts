// The activation bundle (dist/extension.js) stays small: the config loader, the mm core, the timing model
// and the checker reach the extension only through `await import(...)` (the lazy bundle). A static import
// of one of them from src/extension/** pulls it into every activation (bench/activation.ts measures it:
// 67 KiB and ~20 ms instead of 272 KiB and ~45 ms when the checker's engine slipped in).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { relative, resolve } from 'node:path';
import * as esbuild from 'esbuild';

const root = resolve(__dirname, '..', '..');

describe('the extension activation bundle', () => {
  it('holds no module of the mm core, the timing model, the checker engine or rules, the trace analyzer or the config loader', async () => {
    const { extensionBundles } = (await import(resolve(root, 'scripts', 'extension-bundles.mjs'))) as {
      extensionBundles: (common: esbuild.BuildOptions, outdir?: string) => Promise<esbuild.BuildOptions[]>;
    };
    const common: esbuild.BuildOptions = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', absWorkingDir: root, logLevel: 'silent' };
    const [activation] = await extensionBundles(common, resolve(root, 'out', 'bundle-test'));
    const r = await esbuild.build({ ...activation, write: false, metafile: true });
    const inputs = Object.keys(r.metafile.inputs).map((p) => relative(root, resolve(root, p)));
    // (src/core/sparse.ts and intervals.ts, a few KiB of section arithmetic for the hovers' figures, may come in.)
    const heavy = inputs.filter((p) => /^src\/(core\/(simulate|memremap|memory_hotplug|vmemmap|hugetlb_vmemmap|init\/)|check\/(engine|rules)|trace\/|config\/load)/.test(p));
    assert.deepEqual(heavy, [], 'statically imported by the activation bundle');
    assert.ok(inputs.some((p) => p === 'src/extension/activate.ts'), inputs.join(', '));
    const bytes = Object.values(r.metafile.outputs).reduce((s, o) => s + o.bytes, 0);
    assert.ok(bytes < 150 * 1024, `activation bundle ${Math.round(bytes / 1024)} KiB`);
  });
});
