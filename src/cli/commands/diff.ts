// memmap-lab diff <before[@N]> [<after[@N]>] [--changed] [--json]
//
// Two boots' memmap figures side by side with the change: deferred init per node, the Memory: line,
// memory block size, node memory, HugeTLB and HVO, ZONE_DEVICE init, errors by kind. For a kernel patch
// measured before and after (two logs, or two boots of one log). Boots are streamed: only the two
// compared are kept, whatever the size of the logs.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeFile } from '../../trace/analyze';
import { bootNumber, bootRange, bootScore, parseBootNumber } from '../../trace/boot';
import { diffBoots, diffChangeText, diffValueText, type DiffRow } from '../../trace/diff';
import type { Boot } from '../../trace/types';
import { table } from '../../report/table';
import { EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, parseArgs, UsageError, type Io } from '../io';
import type { Command } from './index';
import { checkReadable } from './analyze';

const help = `usage: memmap-lab diff <before-log[@N]> [<after-log[@N]>] [--changed] [--max-slowdown PCT] [--json]

Compares the memmap figures of two boots: deferred struct page init per node, the Memory: line,
memory block size, memory per node, HugeTLB pools and HVO, ZONE_DEVICE init, errors by kind; for each,
before, after, the change and the change in percent. For a patch measured before and after.

  LOG@N     boot N of the log, numbered from 1 as \`memmap-lab analyze\` lists them (LOG@1 is the first);
            without @N, the boot with the most memory facts (as import picks it)
  one LOG   its first boot against its last (a log holding the boots before and after a change)
  --changed only the figures that differ (or that one boot lacks)
  --max-slowdown PCT
            a boot-time regression gate for CI: exit 1 when a time (deferred init, ZONE_DEVICE init,
            HugeTLB allocation) grew by more than PCT percent
  --json    print { schemaVersion, before, after, rows: [{ key, label, unit, before, after, delta,
            percent, beforeLine, afterLine }], slowdowns: [keys over --max-slowdown] }; before.boot and
            after.boot are 0-based indexes (as analyze --json), bootNumber the number shown (from 1)

exit: 0 compared, 1 a time grew beyond --max-slowdown, 2 bad input (unreadable log, no such boot, a log
without boots, a bad percentage)
`;

export interface DiffJson {
  schemaVersion: 1;
  /** boot: Boot.index (0-based, as analyze --json); bootNumber: as text output and LOG@N number it (from 1). */
  before: { path: string; boot: number; bootNumber: number; kernel: string | null; firstLine: number; lastLine: number };
  after: { path: string; boot: number; bootNumber: number; kernel: string | null; firstLine: number; lastLine: number };
  rows: DiffRow[];
  /** Keys of the ms rows that grew by more than --max-slowdown percent ([] without it). */
  slowdowns: string[];
}

/** "log@2" -> { path: "log", boot: 1 } (the second boot: boot numbers start at 1, Boot.index at 0); a path
 *  that merely contains "@" stays a path. A file name may contain '@' (mail@host.log): LOG@X is the file
 *  LOG@X when that exists and LOG does not, or X is not a number; when LOG exists and X is not a boot number
 *  ("-1", "abc", ""), that is a bad boot number, not a missing file. */
function spec(s: string, cwd: string): { path: string; boot: number | null } {
  const at = s.lastIndexOf('@');
  if (at > 0 && !/^\d+$/.test(s.slice(at + 1)) && !existsSync(resolve(cwd, s)) && existsSync(resolve(cwd, s.slice(0, at)))) {
    const r = parseBootNumber(s.slice(at + 1), `${s.slice(0, at)}@N`);
    throw new UsageError(`bad boot number in ${s}: ${'error' in r ? r.error : 'not a boot number'}`);
  }
  const m = /^(.*)@(\d+)$/.exec(s);
  if (!m || !m[1] || (!existsSync(resolve(cwd, m[1])) && existsSync(resolve(cwd, s)))) return { path: s, boot: null };
  const r = parseBootNumber(m[2], `${m[1]}@`);
  if ('error' in r) throw new UsageError(r.error.replace(`${m[1]}@ `, `${m[1]}@`));
  return { path: m[1], boot: r.index };
}

type Want = { kind: 'index'; index: number } | { kind: 'best' } | { kind: 'first-last' };

/** Read `path` once, keeping only the boots the wants need: one boot per want (first-last: two, in order). */
async function boots(path: string, shown: string, wants: readonly Want[]): Promise<Boot[] | string> {
  let first: Boot | null = null;
  let last: Boot | null = null;
  let best: Boot | null = null;
  const picked = new Map<number, Boot>();
  const indexes = new Set(wants.flatMap((w) => (w.kind === 'index' ? [w.index] : [])));
  let count = 0;
  const problem = await checkReadable(path);
  if (problem) return `cannot read ${shown}: ${problem}`;
  try {
    await analyzeFile(path, {
      path: shown,
      retainBoots: 0,
      onBoot: (b) => {
        count++;
        first ??= b;
        last = b;
        if (!best || bootScore(b) >= bootScore(best)) best = b;
        if (indexes.has(b.index)) picked.set(b.index, b);
      },
    });
  } catch (e) {
    return `cannot read ${shown}: ${(e as Error).message}`;
  }
  if (count === 0) return `${shown}: no boot found (no kernel memory facts): is this a kernel log?`;
  const out: Boot[] = [];
  for (const want of wants) {
    if (want.kind === 'index') {
      const b = picked.get(want.index);
      if (!b) return `${shown}: there is no boot ${want.index + 1}: the log has ${count} boot${count === 1 ? '' : 's'} (${bootRange(count, '@')}, numbered from 1 as \`memmap-lab analyze\` lists them)`;
      out.push(b);
    } else if (want.kind === 'best') out.push(best!);
    else {
      if (count < 2) return `${shown} holds one boot: give a second log (or LOG@N twice) to compare`;
      out.push(first!, last!);
    }
  }
  return out;
}

const where = (path: string, b: Boot) => `${path} boot ${bootNumber(b)} (lines ${b.firstLine}-${b.lastLine}${b.kernelVersion ? `, Linux ${b.kernelVersion}` : ''})`;

export const diffCommand: Command = {
  name: 'diff',
  summary: "compare two boots' memmap figures (deferred init, Memory:, HugeTLB, ZONE_DEVICE): before, after, change",
  help,
  async run(argv: readonly string[], io: Io): Promise<number> {
    const { flags, options, positionals } = parseArgs(argv, { flags: ['json', 'changed'], options: ['max-slowdown'] });
    const gate = options.get('max-slowdown');
    const maxSlowdown = gate === undefined ? null : Number(gate.replace(/%$/, ''));
    if (maxSlowdown !== null && !(Number.isFinite(maxSlowdown) && maxSlowdown >= 0)) throw new UsageError(`--max-slowdown must be a percentage (e.g. 10), not '${gate}'`);
    if (positionals.length === 0 || positionals.length > 2) throw new UsageError('give one log (first boot vs last) or two: diff <before[@N]> [<after[@N]>]');
    const specs = positionals.map((p) => spec(p, io.cwd));
    if (specs.length === 1 && specs[0].boot !== null) throw new UsageError('with LOG@N, name the other boot too: diff LOG@1 LOG@2');
    const want = (x: (typeof specs)[number]): Want => (specs.length === 1 ? { kind: 'first-last' } : x.boot === null ? { kind: 'best' } : { kind: 'index', index: x.boot });
    // Two boots of one log: the log is read once.
    const reads = specs.length === 2 && specs[0].path === specs[1].path ? [{ path: specs[0].path, wants: specs.map(want) }] : specs.map((x) => ({ path: x.path, wants: [want(x)] }));
    const pair: Boot[] = [];
    for (const r of reads) {
      const got = await boots(resolve(io.cwd, r.path), r.path, r.wants);
      if (typeof got === 'string') {
        io.err(`memmap-lab diff: ${got}\n`);
        return EXIT_BAD_INPUT;
      }
      pair.push(...got);
    }
    const [a, b] = pair;
    const pathOf = (i: number) => specs[Math.min(i, specs.length - 1)].path;
    const all = diffBoots(a, b);
    const rows = flags.has('changed') ? all.filter((r) => r.before !== r.after) : all;
    // A time that grew: a sum over a boot's lines (slowest node, ZONE_DEVICE sum) counts like a single one.
    const slow = maxSlowdown === null ? [] : all.filter((r) => r.unit === 'ms' && r.percent !== null && r.percent > maxSlowdown);
    const exit = slow.length ? EXIT_FINDINGS : EXIT_OK;
    if (flags.has('json')) {
      const side = (i: number, x: Boot) => ({ path: pathOf(i), boot: x.index, bootNumber: bootNumber(x), kernel: x.kernelVersion, firstLine: x.firstLine, lastLine: x.lastLine });
      const doc: DiffJson = { schemaVersion: 1, before: side(0, a), after: side(1, b), rows, slowdowns: slow.map((r) => r.key) };
      io.out(JSON.stringify(doc, null, 2) + '\n');
      return exit;
    }
    io.out(`before: ${where(pathOf(0), a)}\nafter:  ${where(pathOf(1), b)}\n\n`);
    if (!rows.length) {
      io.out(all.length ? 'no figure differs\n' : 'neither boot prints a memmap figure\n');
      return exit;
    }
    io.out(table(['figure', 'before', 'after', 'change'], rows.map((r) => [r.label, diffValueText(r.before, r.unit), diffValueText(r.after, r.unit), diffChangeText(r)]), ''));
    if (maxSlowdown !== null) {
      io.out(slow.length ? `\n${slow.length} time${slow.length === 1 ? '' : 's'} grew by more than ${maxSlowdown}%: ${slow.map((r) => `${r.label} ${diffChangeText(r)}`).join('; ')}\n` : `\nno time grew by more than ${maxSlowdown}%\n`);
    }
    return exit;
  },
};
