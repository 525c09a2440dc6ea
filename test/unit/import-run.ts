// `memmap-lab import` as the import tests run it: in-process, from a working directory; the config it
// printed must load.
import assert from 'node:assert/strict';
import { loadConfigText } from '../../src/config/load';
import type { WorkloadConfig } from '../../src/config/types';
import { runCli } from './cli-run';

/** Run `memmap-lab import files...` in `cwd`: exit 0 and a config that loads, with its text and stderr. */
export async function importOk(cwd: string, ...files: string[]): Promise<{ cfg: WorkloadConfig; text: string; err: string }> {
  const r = await runCli(cwd, 'import', ...files);
  assert.equal(r.code, 0, r.err);
  const load = loadConfigText(r.out, 'x.memmap.yaml');
  assert.ok(load.config, load.errors.map((e) => e.message).join('\n'));
  return { cfg: load.config, text: r.out, err: r.err };
}
