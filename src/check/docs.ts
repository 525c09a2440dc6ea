// The rules reference in docs/check.md is generated from the rule data (test/unit/check-docs.test.ts
// fails when the document is stale; UPDATE_DOCS=1 rewrites it).

import { RULES } from './rules/index';
import type { Rule } from './types';

export const DOC_BEGIN = '<!-- rules:begin (generated from src/check/rules by test/unit/check-docs.test.ts: UPDATE_DOCS=1 to refresh) -->';
export const DOC_END = '<!-- rules:end -->';

function applies(r: Rule): string {
  const parts: string[] = [];
  if (r.appliesTo.arches) parts.push(r.appliesTo.arches.join(', '));
  if (r.appliesTo.kernels?.min) parts.push(`≥ ${r.appliesTo.kernels.min.join('.')}`);
  if (r.appliesTo.kernels?.max) parts.push(`≤ ${r.appliesTo.kernels.max.join('.')}`);
  return parts.join('; ') || 'all';
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The generated part of docs/check.md: a table of all rules, then one section per rule. */
export function rulesMarkdown(): string {
  const out: string[] = [DOC_BEGIN, ''];
  out.push('| Id | Slug | Severity | Area | Title | Reference | Applies to |');
  out.push('|---|---|---|---|---|---|---|');
  for (const r of RULES) out.push(`| [${r.id}](#${r.id.toLowerCase()}-${r.slug}) | \`${r.slug}\` | ${r.severity} | ${r.area} | ${cell(r.title)} | ${cell(r.reference)} | ${cell(applies(r))} |`);
  for (const r of RULES) {
    out.push('', `### ${r.id} ${r.slug}`, '', `**${r.title}** — default severity **${r.severity}**, area ${r.area}, ${r.reference}, applies to ${applies(r)}.`, '', `Source: \`${r.kernelCitation}\``, '', r.doc);
    if (r.kernelText.length) {
      out.push('', 'Kernel / ndctl text (format strings):', '', '```');
      for (const t of r.kernelText) out.push(t);
      out.push('```');
    } else {
      out.push('', 'Kernel text: none — the kernel fails or degrades silently here.');
    }
  }
  out.push('', DOC_END);
  return out.join('\n');
}

/** Help for one rule, as markdown (SARIF help.markdown, the editor's hover). */
export function ruleHelpMarkdown(r: Rule): string {
  const lines = [`**${r.id} ${r.slug}**: ${r.title}`, '', r.doc, '', `Source: \`${r.kernelCitation}\` (kernel-mm.md ${r.reference}).`];
  if (r.kernelText.length) lines.push('', 'Kernel / ndctl text:', '', ...r.kernelText.map((t) => `    ${t}`));
  return lines.join('\n');
}

/** The same help as plain text. */
export function ruleHelpText(r: Rule): string {
  const plain = r.doc.replace(/\*\*/g, '').replace(/`/g, '');
  const lines = [`${r.id} ${r.slug}: ${r.title}`, '', plain, '', `Source: ${r.kernelCitation} (kernel-mm.md ${r.reference}).`];
  if (r.kernelText.length) lines.push('', 'Kernel / ndctl text:', ...r.kernelText.map((t) => `  ${t}`));
  return lines.join('\n');
}
