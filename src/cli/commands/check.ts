// memmap-lab check <files or folders...> [--format text|json|sarif] [--severity LEVEL] [--fix]
//
// Runs the misconfiguration checker (src/check) on workload configs: every rule on the base config and on
// each scenario. Text for people, the documented JSON (docs/check-json.md) or SARIF 2.1.0 for code
// scanning. --fix applies the preferred fix of the findings the extension's Fix All applies (errors
// anywhere, warnings of the base config that are not trade-offs: fixAllApplies), in rounds checked after each
// (src/check/fixall.ts), writes each changed file atomically and reports what is left.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { decodeConfigFile, formatError, loadConfigText, printableLine } from '../../config/index';
import { checkText, fixAll, SEVERITIES, type CheckOptions, type CheckResult, type Severity } from '../../check/index';
import { atLeast, isInvalid, toJsonReport, toSarif, type FileReport } from '../../check/report';
import { configDefaults, DEFAULTS_HELP, EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, parseArgs, UsageError, type Io } from '../io';
import { writeOutput } from '../write';
import type { Command } from './index';

const VERSION = '0.1.0';
const CONFIG_FILE = /\.memmap\.(json|ya?ml)$/i;

const help = `usage: memmap-lab check <files or folders...> [options]

Checks workload configs (*.memmap.yaml / *.memmap.json; folders are searched recursively) for
misconfigurations the kernel or ndctl would refuse or silently work around: alignment, overlaps,
memmap placement, HugeTLB/HVO, memmap_on_memory. Every finding cites the kernel rule, quotes the
text the kernel or ndctl would print, and most come with a fix. See docs/check.md for the rules.

  --format text|json|sarif   output format (default text; json: docs/check-json.md; sarif: SARIF 2.1.0)
  --severity error|warning|info
                             report findings at or above this level (default info)
  --fix                      apply the preferred fix of every reported error, and of every reported
                             warning of the base config (as the editor's Fix All: a scenario's warnings
                             and infos are what it explores, trade-off warnings such as a smaller align
                             change what you asked for, and infos are never fixed), in rounds with a
                             check after each: a fix that would add an error is left out (and said so
                             on standard error); write the files (atomically) and report what is left
  -o, --output FILE          write the report to FILE instead of standard output
${DEFAULTS_HELP}
  --no-scenarios             check the base configs only, not their scenarios

exit: 0 no error-level findings, 1 error-level findings, 2 bad input (unreadable or invalid config,
unknown option, a file that cannot be written)
`;

interface Target {
  abs: string;
  shown: string;
}

/** Files named on the command line, and the configs found under folders (sorted, dot dirs skipped). */
function collect(args: readonly string[], io: Io): { targets: Target[]; problems: string[] } {
  const targets: Target[] = [];
  const problems: string[] = [];
  const shown = (abs: string) => {
    const r = relative(io.cwd, abs);
    return (r && !r.startsWith('..') ? r : abs).split(sep).join('/');
  };
  const walk = (dir: string, out: string[]) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      problems.push(`${shown(dir)}: cannot read the folder: ${(e as Error).message}`);
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p, out);
      else if (e.isFile() && CONFIG_FILE.test(e.name)) out.push(p);
    }
  };
  const seen = new Set<string>();
  for (const a of args) {
    const abs = resolve(io.cwd, a);
    if (!existsSync(abs)) {
      problems.push(`${a}: no such file or folder`);
      continue;
    }
    const files: string[] = [];
    if (statSync(abs).isDirectory()) {
      walk(abs, files);
      if (files.length === 0) problems.push(`${a}: no *.memmap.json, *.memmap.yaml or *.memmap.yml files in this folder`);
    } else files.push(abs);
    for (const f of files) {
      if (seen.has(f)) continue;
      seen.add(f);
      targets.push({ abs: f, shown: shown(f) });
    }
  }
  return { targets, problems };
}


function formatText(reports: readonly FileReport[], min: Severity): string {
  const lines: string[] = [];
  for (const { file, result } of reports) {
    const doc = result.load.doc;
    for (const e of result.configErrors) lines.push(formatError(doc, file, e));
    // Findings quote config values (device names, ...): each line printed with its unprintable characters
    // escaped, so that no value can add a line or act on the terminal (the loader's messages are already).
    for (const f of atLeast(result.findings, min)) {
      const p = doc!.positionAt(f.range.start);
      lines.push(`${file}:${p.line}:${p.column}: ${f.severity} ${f.rule} ${printableLine(f.message)}`);
      if (f.kernelText) {
        const [first, ...rest] = f.kernelText.split('\n').map(printableLine);
        lines.push(`    kernel: ${first}`, ...rest.map((l) => `            ${l}`));
      }
      for (const r of f.related) {
        const q = doc!.positionAt(r.range.start);
        lines.push(`    related: ${file}:${q.line}:${q.column}: ${printableLine(r.message)}`);
      }
      if (f.fixes.length) lines.push(`    fix: ${printableLine(f.fixes[0].title)}${f.fixes.length > 1 ? ` (+${f.fixes.length - 1} more)` : ''}`);
    }
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

function summaryLine(reports: readonly FileReport[], min: Severity, fixed: { fixes: number; files: number } | null): string {
  const count = (s: Severity) => reports.reduce((n, r) => n + atLeast(r.result.findings, min).filter((f) => f.severity === s).length, 0);
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : /(s|x)$/.test(w) ? 'es' : 's'}`;
  const invalid = reports.filter((r) => isInvalid(r.result)).length;
  let s = `checked ${plural(reports.length, 'file')}: ${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${plural(count('info'), 'info')}`;
  if (invalid) s += `; ${plural(invalid, 'file')} could not be checked`;
  if (fixed) s += `; applied ${plural(fixed.fixes, 'fix')} in ${plural(fixed.files, 'file')}`;
  return s + '\n';
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'check workload configs for misconfigurations (text, JSON, SARIF; --fix)',
  help,
  async run(argv, io) {
    const { flags, options, positionals } = parseArgs(argv, { flags: ['fix', 'no-scenarios'], options: ['format', 'severity', 'output', 'arch', 'kernel'] });
    const format = options.get('format') ?? 'text';
    if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif, not '${format}'`);
    const min = (options.get('severity') ?? 'info') as Severity;
    if (!SEVERITIES.includes(min)) throw new UsageError(`--severity must be error, warning or info, not '${String(min)}'`);
    const defaults = configDefaults(options);
    if (positionals.length === 0) throw new UsageError('name at least one config file or folder');
    const opts: CheckOptions = { ...defaults, scenarios: !flags.has('no-scenarios') };

    const { targets, problems } = collect(positionals, io);
    for (const p of problems) io.err(`memmap-lab check: ${p}\n`);

    const reports: FileReport[] = [];
    let unwritten = 0;
    let fixedFiles = 0;
    let fixedCount = 0;
    for (const t of targets) {
      let text: string;
      try {
        const decoded = decodeConfigFile(readFileSync(t.abs), t.abs);
        if (!decoded.ok) {
          // Not UTF-8 (Latin-1, UTF-16): the loader's error at the first bad byte; nothing is checked.
          reports.push({ file: t.shown, result: { findings: [], configErrors: decoded.result.errors, load: decoded.result } });
          continue;
        }
        text = decoded.text;
      } catch (e) {
        const load = loadConfigText('', t.shown);
        const result: CheckResult = {
          findings: [],
          configErrors: [{ message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, path: [], range: { start: 0, end: 0 }, severity: 'error', source: 'syntax' }],
          load: { ...load, doc: null },
        };
        reports.push({ file: t.shown, result });
        continue;
      }
      let result = checkText(text, t.abs, opts);
      let applied = 0;
      if (flags.has('fix') && !isInvalid(result)) {
        const fixed = fixAll(text, t.abs, opts, min);
        for (const k of fixed.skipped) io.err(`memmap-lab check: --fix: ${t.shown}: ${k.rule} "${printableLine(k.title)}" not applied: ${printableLine(k.reason)}\n`);
        if (fixed.applied.length > 0 && fixed.text !== text) {
          const written = writeOutput(t.abs, fixed.text, { shown: t.shown });
          if (!written.ok) {
            // Report the file as it is (unfixed) and say why the fixes were not written.
            io.err(`memmap-lab check: --fix: ${written.message}\n`);
            unwritten++;
            reports.push({ file: t.shown, result, fixesApplied: 0 });
            continue;
          }
          applied = fixed.applied.length;
          fixedFiles++;
          fixedCount += applied;
          result = fixed.result;
        }
      }
      reports.push({ file: t.shown, result, fixesApplied: applied });
    }

    let out: string;
    if (format === 'json') out = JSON.stringify(toJsonReport(reports, { version: VERSION, minSeverity: min }), null, 2) + '\n';
    else if (format === 'sarif') out = JSON.stringify(toSarif(reports, { version: VERSION, minSeverity: min }), null, 2) + '\n';
    else out = formatText(reports, min) + summaryLine(reports, min, flags.has('fix') ? { fixes: fixedCount, files: fixedFiles } : null);

    const output = options.get('output');
    if (output !== undefined) {
      const written = writeOutput(resolve(io.cwd, output), out, { shown: output, inputs: targets.map((t) => t.abs) });
      if (!written.ok) {
        io.err(`memmap-lab check: ${written.message}\n`);
        return EXIT_BAD_INPUT;
      }
    } else io.out(out);

    if (problems.length || unwritten || reports.some((r) => isInvalid(r.result))) return EXIT_BAD_INPUT;
    return reports.some((r) => r.result.findings.some((f) => f.severity === 'error')) ? EXIT_FINDINGS : EXIT_OK;
  },
};
