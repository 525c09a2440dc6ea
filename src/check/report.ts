// Machine-readable reports of a check run: the documented JSON format (docs/check-json.md,
// schemaVersion 1) and SARIF 2.1.0 for GitHub code scanning.

import { createHash } from 'node:crypto';
import type { ConfigError, Range, SourceDoc } from '../config/index';
import { formatPath } from '../config/index';
import { ruleHelpMarkdown, ruleHelpText } from './docs';
import { RULES } from './rules/index';
import type { CheckResult, Finding, Severity } from './types';

export const TOOL_NAME = 'memmap-lab';

/** One checked file. `file` is the path shown to users (relative to the working directory, "/" separators). */
export interface FileReport {
  file: string;
  result: CheckResult;
  /** Fixes applied by --fix (the result is then the re-check of the fixed text). */
  fixesApplied?: number;
}

export interface JsonLocation {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  offset: number;
  length: number;
}

export interface JsonFinding {
  rule: string;
  slug: string;
  severity: Severity;
  message: string;
  kernelText: string;
  path: string;
  scenario: string | null;
  location: JsonLocation;
  related: { path: string; message: string; location: JsonLocation }[];
  fixes: { title: string; edits: { location: JsonLocation; newText: string }[] }[];
}

export interface JsonConfigError {
  severity: 'error' | 'warning';
  source: string;
  message: string;
  path: string;
  location: JsonLocation;
}

export interface JsonReport {
  schemaVersion: 1;
  tool: { name: string; version: string };
  files: { file: string; status: 'checked' | 'invalid'; fixesApplied: number; configErrors: JsonConfigError[]; findings: JsonFinding[] }[];
  summary: { files: number; invalidFiles: number; errors: number; warnings: number; infos: number; fixesApplied: number };
}

/** error > warning > info, as sort keys. */
export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
const RANK = SEVERITY_RANK;

/** Findings at or above `min` (error > warning > info). */
export function atLeast(findings: readonly Finding[], min: Severity): Finding[] {
  return findings.filter((f) => RANK[f.severity] <= RANK[min]);
}

export function isInvalid(r: CheckResult): boolean {
  return !r.load.doc || r.configErrors.some((e) => e.severity === 'error');
}

function location(doc: SourceDoc | null, r: Range): JsonLocation {
  if (!doc) return { line: 1, column: 1, endLine: 1, endColumn: 1, offset: r.start, length: r.end - r.start };
  const s = doc.positionAt(r.start);
  const e = doc.positionAt(r.end);
  return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column, offset: r.start, length: r.end - r.start };
}

export function toJsonReport(files: readonly FileReport[], opts: { version: string; minSeverity?: Severity }): JsonReport {
  const min = opts.minSeverity ?? 'info';
  const summary = { files: files.length, invalidFiles: 0, errors: 0, warnings: 0, infos: 0, fixesApplied: 0 };
  const out: JsonReport['files'] = files.map(({ file, result, fixesApplied = 0 }) => {
    const doc = result.load.doc;
    const invalid = isInvalid(result);
    if (invalid) summary.invalidFiles++;
    summary.fixesApplied += fixesApplied;
    const findings = atLeast(result.findings, min);
    for (const f of findings) summary[f.severity === 'error' ? 'errors' : f.severity === 'warning' ? 'warnings' : 'infos']++;
    return {
      file,
      status: invalid ? 'invalid' : 'checked',
      fixesApplied,
      configErrors: result.configErrors.map((e: ConfigError) => ({ severity: e.severity, source: e.source ?? 'value', message: e.message, path: formatPath(e.path), location: location(doc, e.range) })),
      findings: findings.map((f) => ({
        rule: f.rule,
        slug: f.slug,
        severity: f.severity,
        message: f.message,
        kernelText: f.kernelText,
        path: formatPath(f.path),
        scenario: f.scenario,
        location: location(doc, f.range),
        related: f.related.map((r) => ({ path: formatPath(r.path), message: r.message, location: location(doc, r.range) })),
        fixes: f.fixes.map((x) => ({ title: x.title, edits: x.edits.map((e) => ({ location: location(doc, e.range), newText: e.newText })) })),
      })),
    };
  });
  return { schemaVersion: 1, tool: { name: TOOL_NAME, version: opts.version }, files: out, summary };
}

// ---------------------------------------------------------------------------------------------
// SARIF 2.1.0

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** The pseudo rule under which unreadable or invalid config files are reported. */
const CONFIG_RULE = {
  id: 'MMCFG',
  name: 'config-error',
  shortDescription: { text: 'The file is not a valid workload config' },
  fullDescription: { text: 'The config does not parse, does not follow the workload config schema, or has invalid values; no rule could run on it.' },
  help: { text: 'Fix the reported syntax, schema or value error; src/config/memmap.schema.json describes the format.', markdown: 'Fix the reported syntax, schema or value error; `src/config/memmap.schema.json` describes the format.' },
  defaultConfiguration: { level: 'error' as const },
  properties: { tags: ['memmap', 'config'] },
};

function region(doc: SourceDoc | null, r: Range) {
  const l = location(doc, r);
  return { startLine: l.line, startColumn: l.column, endLine: l.endLine, endColumn: l.endColumn, charOffset: r.start, charLength: r.end - r.start };
}

function fingerprint(file: string, f: Finding): string {
  return createHash('sha256').update(`${file}\0${f.rule}\0${f.scenario ?? ''}\0${f.path.join('/')}`).digest('hex').slice(0, 32);
}

/** A SARIF 2.1.0 log of the run (one run, driver memmap-lab, every rule described). */
export function toSarif(files: readonly FileReport[], opts: { version: string; minSeverity?: Severity }): Record<string, unknown> {
  const min = opts.minSeverity ?? 'info';
  const rules = [
    ...RULES.map((r) => ({
      id: r.id,
      name: r.slug,
      shortDescription: { text: r.title },
      fullDescription: { text: r.doc.split('\n\n')[0].replace(/\s*\n\s*/g, ' ').replace(/`/g, '') },
      help: { text: ruleHelpText(r), markdown: ruleHelpMarkdown(r) },
      defaultConfiguration: { level: LEVEL[r.severity] },
      properties: { tags: ['memmap', 'linux-mm', r.area], kernelCitation: r.kernelCitation, reference: r.reference },
    })),
    CONFIG_RULE,
  ];
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results: Record<string, unknown>[] = [];
  const notifications: Record<string, unknown>[] = [];
  const artifact = (file: string) => ({ uri: encodeURI(file), uriBaseId: '%SRCROOT%' });
  for (const { file, result } of files) {
    const doc = result.load.doc;
    for (const e of result.configErrors) {
      if (e.severity !== 'error') continue;
      const loc = { physicalLocation: { artifactLocation: artifact(file), region: region(doc, e.range) } };
      results.push({ ruleId: CONFIG_RULE.id, ruleIndex: index.get(CONFIG_RULE.id), level: 'error', message: { text: e.message }, locations: [loc] });
      notifications.push({ level: 'error', message: { text: `${file}: ${e.message}` }, locations: [loc] });
    }
    for (const f of atLeast(result.findings, min)) {
      const text = f.kernelText ? `${f.message}\n\nKernel/ndctl text: ${f.kernelText}` : f.message;
      const res: Record<string, unknown> = {
        ruleId: f.rule,
        ruleIndex: index.get(f.rule),
        level: LEVEL[f.severity],
        message: { text },
        locations: [{ physicalLocation: { artifactLocation: artifact(file), region: region(doc, f.range) } }],
        partialFingerprints: { 'memmapLab/v1': fingerprint(file, f) },
        properties: { path: formatPath(f.path), scenario: f.scenario, kernelText: f.kernelText },
      };
      if (f.related.length) {
        res.relatedLocations = f.related.map((r, i) => ({ id: i + 1, physicalLocation: { artifactLocation: artifact(file), region: region(doc, r.range) }, message: { text: r.message } }));
      }
      if (f.fixes.length) {
        res.fixes = f.fixes.map((x) => ({
          description: { text: x.title },
          artifactChanges: [{ artifactLocation: artifact(file), replacements: x.edits.map((e) => ({ deletedRegion: region(doc, e.range), insertedContent: { text: e.newText } })) }],
        }));
      }
      results.push(res);
    }
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: TOOL_NAME, version: opts.version, semanticVersion: opts.version, rules } },
        invocations: [{ executionSuccessful: notifications.length === 0, toolExecutionNotifications: notifications }],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}
