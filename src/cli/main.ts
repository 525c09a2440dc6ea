// memmap-lab: the command-line front end over the simulated mm core, the checker and the trace analyzer.
import { terminalSafe } from '../config/diagnostics';
import { processIo, EXIT_BAD_INPUT, UsageError, type Io } from './io';
import { commands } from './commands/index';

const VERSION = '0.1.0';

export function usage(): string {
  const lines = ['usage: memmap-lab <command> [options]', '', 'commands:'];
  for (const c of commands) lines.push(`  ${c.name.padEnd(10)} ${c.summary}`);
  lines.push('', 'memmap-lab <command> --help shows the options of a command.');
  return lines.join('\n') + '\n';
}

export async function main(argv: readonly string[], rawIo: Io): Promise<number> {
  // Whatever a command prints may quote its inputs (config names, log lines, file names): nothing that
  // reaches the terminal may act on it (ESC sequences, C1 controls, a lone CR, bidirectional overrides).
  // Line breaks and tabs stay; JSON output stays the same JSON.
  const io: Io = { ...rawIo, out: (t) => rawIo.out(terminalSafe(t)), err: (t) => rawIo.err(terminalSafe(t)) };
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? 0 : EXIT_BAD_INPUT;
  }
  if (name === '--version') {
    io.out(`memmap-lab ${VERSION}\n`);
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    io.err(`memmap-lab: unknown command '${name}'\n${usage()}`);
    return EXIT_BAD_INPUT;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(cmd.help);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`memmap-lab ${name}: ${e.message}\n${cmd.help}`);
      return EXIT_BAD_INPUT;
    }
    // A bug in memmap-lab itself: say so plainly, keep the stack for the report.
    io.err(`memmap-lab ${name}: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return 70;
  }
}

/** Entry point used by bin/memmap-lab.js: runs main() on the process's argv and sets the exit code. */
export function runCli(): void {
  // `memmap-lab analyze big.log | head`: once the reader has gone, stop quietly (as a pipe's writer does)
  // instead of dying on an unhandled EPIPE with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      process.exit(process.exitCode ?? 0);
    });
  }
  main(process.argv.slice(2), processIo).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`memmap-lab: ${String(e)}\n`);
      process.exitCode = 70;
    },
  );
}
