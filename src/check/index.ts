// The misconfiguration checker: kernel-cited rules over workload configs, with located findings and
// text-edit fixes. Pure TypeScript (no vscode): used by `memmap-lab check` and by the extension.
//
//   const { findings, configErrors } = checkText(text, 'x.memmap.yaml', { defaultArch: 'x86_64' });
//   const fixed = applyFixes(text, findings.flatMap((f) => f.fixes.slice(0, 1))).text;
export { checkText, checkDocument, checkFile } from './engine';
export { fixAllApplies } from './policy';
export { fixAll, type FixAllResult, type FixAllStep, type SkippedFix } from './fixall';
export { applyFixes, applyEdits } from './edits';
export { RULES, ruleById } from './rules/index';
export { applies, citationLinks, citedFunction, rulesMarkdown, ruleHelpMarkdown, ruleHelpText } from './docs';
export { toJsonReport, toSarif, type FileReport, type JsonReport } from './report';
export type { CheckOptions, CheckResult, Finding, Fix, RelatedLocation, Rule, Severity, TextEdit } from './types';
export { SEVERITIES } from './types';
