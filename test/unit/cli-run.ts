// The CLI in-process, as the tests drive it: main() with an Io that collects stdout and stderr.
import { main } from '../../src/cli/main';
import type { Io } from '../../src/cli/io';

/** Run `memmap-lab argv...` with `cwd` as its working directory; its exit code and what it printed. */
export async function runCli(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), cwd };
  const code = await main(argv, io);
  return { code, out, err };
}
