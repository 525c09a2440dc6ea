// What a CLI command may touch: its streams, the working directory and the exit code it returns.
// Tests pass a capturing Io; main.ts passes the process's.

import { ARCHES, parseKernelVersion, type Arch, type LoadOptions } from '../config/index';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
}

export const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  cwd: process.cwd(),
};

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
/** Findings at error level (check) or a simulated kernel failure (simulate). */
export const EXIT_FINDINGS = 1;
/** Bad input: unparsable file, unknown option, missing file. */
export const EXIT_BAD_INPUT = 2;

export class UsageError extends Error {}

/** The help lines of the options configDefaults() reads. */
export const DEFAULTS_HELP = `  --arch ARCH                arch for configs without one (default x86_64)
  --kernel X.Y               kernel.version for configs without one (default 6.12)`;

/** --arch / --kernel: what a config without \`arch\` or \`kernel.version\` is taken for, as the extension's
 *  memmapLab.defaultArch / defaultKernel settings do. Every command that loads a config takes them. */
export function configDefaults(options: ReadonlyMap<string, string>): LoadOptions {
  const arch = options.get('arch');
  if (arch !== undefined && !(ARCHES as readonly string[]).includes(arch)) throw new UsageError(`--arch must be one of ${ARCHES.join(', ')}, not '${arch}'`);
  const kernel = options.get('kernel');
  if (kernel !== undefined) {
    const v = parseKernelVersion(kernel);
    if (!v.ok) throw new UsageError(/^\d+\.\d+$/.test(kernel) ? `--kernel: ${v.message}` : `--kernel must be "major.minor" (e.g. 6.12), not '${kernel}'`);
  }
  return { defaultArch: arch as Arch | undefined, defaultKernelVersion: kernel };
}

/** A tiny argv parser: `--flag`, `--opt value`, `--opt=value`, positionals. Unknown options are errors. */
export function parseArgs(argv: readonly string[], spec: { flags?: readonly string[]; options?: readonly string[] }) {
  const flags = new Set<string>();
  const options = new Map<string, string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      if (spec.flags?.includes(name)) {
        if (eq >= 0) throw new UsageError(`option --${name} takes no value`);
        flags.add(name);
      } else if (spec.options?.includes(name)) {
        const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new UsageError(`option --${name} needs a value`);
        options.set(name, v);
      } else {
        throw new UsageError(`unknown option ${a}`);
      }
    } else if (a.startsWith('-') && a.length > 1) {
      const short: Record<string, string> = { o: 'output', h: 'help' };
      const name = short[a.slice(1)];
      if (name && spec.options?.includes(name)) {
        const v = argv[++i];
        if (v === undefined) throw new UsageError(`option ${a} needs a value`);
        options.set(name, v);
      } else if (name && spec.flags?.includes(name)) {
        flags.add(name);
      } else {
        throw new UsageError(`unknown option ${a}`);
      }
    } else {
      positionals.push(a);
    }
  }
  return { flags, options, positionals };
}
