// `memmap-lab analyze <files...> [--json]`: find and measure the memmap story in kernel logs (dmesg,
// journalctl -k, syslog, serial consoles, mail attachments), ftrace text and Chrome trace JSON.
// The JSON document is described in docs/analyze-json.md. Boots are written as soon as each is complete,
// so memory stays bounded whatever the input size.

import { access, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT_BAD_INPUT, EXIT_OK, parseArgs, UsageError, type Io } from '../io';
import type { Command } from './index';
import { analyzeFile } from '../../trace/analyze';
import { bootSummary, fileFooter, fileHeader } from '../../trace/summary';
import { SCHEMA_VERSION } from '../../trace/types';

const HELP = `usage: memmap-lab analyze <files...> [--json]

Reads kernel logs (dmesg with or without timestamps, dmesg -T/-e/-d/-x, journalctl -k in the
short, short-monotonic, short-iso and json formats, syslog and rsyslog files, serial consoles,
logs pasted in mail: "> " quoting, quoted-printable, hard-wrapped lines), ftrace text (tracefs
trace files and trace-cmd report; function_graph and function tracers) and Chrome Trace Event
JSON (memmap-lab simulate --trace, Perfetto), and reports per boot: kernel version, deferred
struct page init per node, the Memory: line, zones and node ranges, pages in unavailable ranges,
memory block size, HugeTLB and vmemmap optimization, ZONE_DEVICE memmap init, hotplug events,
nvdimm/dax/memremap errors and call traces through memmap code.

options:
  --json      print the JSON document described in docs/analyze-json.md
  -h, --help  show this help

exit status: 0 when every file was read, 2 on bad input (missing file, unknown option).
`;

/** Why `path` cannot be read as an input file ('no such file', 'is a directory', ...), null when it can. */
export async function checkReadable(path: string): Promise<string | null> {
  try {
    const st = await stat(path);
    if (st.isDirectory()) return 'is a directory';
    await access(path, constants.R_OK);
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
  }
}

export const analyzeCommand: Command = {
  name: 'analyze',
  summary: 'find memmap init facts in kernel logs, ftrace output and trace JSON',
  help: HELP,
  async run(argv: readonly string[], io: Io): Promise<number> {
    const { flags, positionals } = parseArgs(argv, { flags: ['json'] });
    if (positionals.length === 0) throw new UsageError('give at least one file to analyze');
    for (const p of positionals) {
      const problem = await checkReadable(resolve(io.cwd, p));
      if (problem) {
        io.err(`memmap-lab analyze: cannot read ${p}: ${problem}\n`);
        return EXIT_BAD_INPUT;
      }
    }
    const json = flags.has('json');
    if (json) io.out(`{"schemaVersion":${SCHEMA_VERSION},"files":[`);
    for (const [i, p] of positionals.entries()) {
      let n = 0;
      if (json) io.out(`${i ? ',' : ''}\n{"path":${JSON.stringify(p)},"boots":[`);
      else io.out(`${i ? '\n' : ''}${fileHeader(p)}`);
      const r = await analyzeFile(resolve(io.cwd, p), {
        path: p,
        retainBoots: 0,
        onBoot: (b) => io.out(json ? `${n++ ? ',' : ''}\n${JSON.stringify(b)}` : bootSummary(b)),
      });
      if (json) {
        // Every boot was written above: none is left out of this document.
        const { path: _path, boots: _boots, ...rest } = { ...r, bootsNotRetained: 0 };
        io.out(`\n],${JSON.stringify(rest).slice(1)}`);
      } else {
        io.out(fileFooter(r));
      }
    }
    if (json) io.out('\n]}\n');
    return EXIT_OK;
  },
};
