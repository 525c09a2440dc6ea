// memmap-lab import <dmesg-file | ndctl/daxctl-list.json>... [-o FILE] [--force] [--boot N] [--calibrate]
//
// Builds a workload config from a real machine: its boot log (dmesg, journalctl -k, syslog, a log pasted
// in mail) and/or `ndctl list -N` / `daxctl list` JSON. Every value carries a comment saying where it came from
// (docs/import-compare.md). Prints the YAML, or writes it atomically with -o (never over an existing
// file without --force).
import { closeSync, openSync, readSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { buildImport, inputKind, mergeNdctlParses, numactlFile, parseNdctlJson, readLog, type LogInput, type NdctlInput } from '../../trace/import';
import { parseBootNumber } from '../../trace/boot';
import { decodeText } from '../../trace/encoding';
import { EXIT_BAD_INPUT, EXIT_OK, parseArgs, UsageError, type Io } from '../io';
import { writeOutput } from '../write';
import type { Command } from './index';

const help = `usage: memmap-lab import <dmesg-file | ndctl/daxctl-list.json | numactl-H.txt>... [-o FILE] [--force] [--boot N] [--calibrate]

Builds a workload config (*.memmap.yaml) from a real machine: arch and kernel version, NUMA nodes with
their memory ranges and CPU counts, HugeTLB pools, memory block size, hypervisor and deferred init from
a boot log (dmesg, journalctl -k, syslog, serial console, a log pasted in mail), pmem namespaces from
\`ndctl list -N\` JSON and CXL / soft-reserved dax devices from \`daxctl list\` JSON (-RDM gives what
provides them and where they are), and CPUs per node from \`numactl -H\` output (in the log or a file
of its own). Give a log, a JSON, or several. Every value carries a comment saying where it came from;
"guess:" marks values the input does not give.

  -o, --output FILE  write the config to FILE (atomically) instead of printing it
  --force            with -o: replace FILE if it exists
  --boot N           the boot to import when the log holds several (1 = the first, as \`memmap-lab
                     analyze\` lists them; default: the one with the most memory facts)
  --calibrate        write the log's deferred-init and ZONE_DEVICE times as machine.calibration points
                     (otherwise they are comments)

exit: 0 imported, 2 bad input (unreadable file, malformed ndctl/daxctl JSON, a log without node memory)
`;

/** Read the first bytes of a file (to tell a log from ndctl JSON); an error message for unreadable files. */
function head(path: string): { ok: true; text: string } | { ok: false; message: string } {
  let fd = -1;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return { ok: true, text: decodeText(buf.subarray(0, n)) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    return { ok: false, message: `cannot read ${path}: ${why}` };
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** A --boot value: the boot number as `analyze` lists it (from 1) -> Boot.index (0-based). */
export function bootOption(v: string | undefined): number | null {
  if (v === undefined) return null;
  const r = parseBootNumber(v, '--boot');
  if ('error' in r) throw new UsageError(r.error);
  return r.index;
}

export const importCommand: Command = {
  name: 'import',
  summary: 'build a workload config from a real machine: boot log, ndctl / daxctl list JSON',
  help,
  async run(argv: readonly string[], io: Io): Promise<number> {
    const { flags, options, positionals } = parseArgs(argv, { flags: ['force', 'calibrate'], options: ['output', 'boot'] });
    if (positionals.length === 0) throw new UsageError('missing <dmesg-file | ndctl/daxctl-list.json>');
    const boot = bootOption(options.get('boot'));
    const output = options.get('output');
    if (flags.has('force') && output === undefined) throw new UsageError('--force only applies with -o FILE');

    let log: LogInput | null = null;
    const jsons: NdctlInput[] = [];
    let numactl: { path: string; cpus: Exclude<ReturnType<typeof numactlFile>, string> } | null = null;
    for (const p of positionals) {
      const abs = resolve(io.cwd, p);
      const h = head(abs);
      if (!h.ok) {
        io.err(`memmap-lab import: ${h.message.replace(abs, p)}\n`);
        return EXIT_BAD_INPUT;
      }
      const kind = inputKind(h.text);
      if (kind === 'numactl') {
        if (numactl) throw new UsageError(`two numactl -H outputs (${numactl.path}, ${p}): give one`);
        const cpus = numactlFile(decodeText(readFileSync(abs)), p);
        if (typeof cpus === 'string') {
          io.err(`memmap-lab import: ${cpus}\n`);
          return EXIT_BAD_INPUT;
        }
        numactl = { path: p, cpus };
      } else if (kind === 'ndctl') {
        const parse = parseNdctlJson(decodeText(readFileSync(abs)));
        if (parse.errors.length) {
          for (const e of parse.errors) io.err(`memmap-lab import: ${p}:${e.line}:${e.column}: ${e.message}\n`);
          return EXIT_BAD_INPUT;
        }
        jsons.push({ path: p, parse });
      } else {
        if (log) throw new UsageError(`two logs (${log.path}, ${p}): give one (and --boot N to pick a boot)`);
        const r = await readLog(abs, { boot });
        if (!r.ok) {
          io.err(`memmap-lab import: ${r.message.split(abs).join(p)}\n`);
          return EXIT_BAD_INPUT;
        }
        log = { ...r.log, path: p };
      }
    }
    if (boot !== null && !log) throw new UsageError('--boot applies to a kernel log');
    if (numactl && !log) throw new UsageError(`numactl -H output (${numactl.path}) gives CPUs per node of a boot log's nodes: give the log too`);
    // numactl -H saved beside the log: its CPUs per node, unless the log has numactl output of its own.
    if (numactl && log && log.facts.numactlCpus.size === 0) for (const [node, c] of numactl.cpus) log.facts.numactlCpus.set(node, c);
    // ndctl namespaces and daxctl devices (CXL, soft-reserved) of one machine may come in separate files.
    const ndctl: NdctlInput | null = jsons.length > 1 ? { path: jsons.map((j) => j.path).join(', '), parse: mergeNdctlParses(jsons) } : (jsons[0] ?? null);

    const result = buildImport({ log, ndctl, calibrate: flags.has('calibrate'), outputName: output ? basename(output) : undefined });
    if (!result.ok) {
      for (const e of result.errors) io.err(`memmap-lab import: ${e}\n`);
      return EXIT_BAD_INPUT;
    }
    for (const w of result.warnings) io.err(`memmap-lab import: ${w.startsWith('warning: ') ? w : `note: ${w}`}\n`);
    if (output === undefined) {
      io.out(result.text);
      return EXIT_OK;
    }
    const written = writeOutput(resolve(io.cwd, output), result.text, { replace: flags.has('force'), shown: output, inputs: positionals.map((p) => resolve(io.cwd, p)) });
    if (!written.ok) {
      io.err(`memmap-lab import: ${written.message}\n`);
      return EXIT_BAD_INPUT;
    }
    const c = result.config;
    io.err(
      `wrote ${output}: ${c.arch}, Linux ${c.kernel.version}, ${c.nodes.length} node${c.nodes.length === 1 ? '' : 's'}, ${c.devices.length} device${c.devices.length === 1 ? '' : 's'}, ${c.hugetlb.length} HugeTLB pool${c.hugetlb.length === 1 ? '' : 's'}` +
        (result.calibration.length ? `, ${result.calibration.length} calibration point${result.calibration.length === 1 ? '' : 's'}` : '') +
        '\n',
    );
    return EXIT_OK;
  },
};
