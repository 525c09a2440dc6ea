// The rules reference in docs/check.md is generated from the rule data (test/unit/check-docs.test.ts
// fails when the document is stale; UPDATE_DOCS=1 rewrites it).

import { RULES } from './rules/index';
import type { Rule } from './types';
import { elixirIdentUrl, elixirSourceUrl, NDCTL_GITHUB } from '../report/kernel-source';

export const DOC_BEGIN = '<!-- rules:begin (generated from src/check/rules by test/unit/check-docs.test.ts: UPDATE_DOCS=1 to refresh) -->';
export const DOC_END = '<!-- rules:end -->';

/** Where a rule applies: its arches and kernel range, or "all". */
export function applies(r: Rule): string {
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
    const head = `**${r.title}** — default severity **${r.severity}**, area ${r.area}, ${r.reference}, applies to ${applies(r)}.`;
    // A trade-off rule's fixes are quick fixes only: Fix all and check --fix never apply them (policy.ts).
    const tradeOff = r.tradeOff ? ' Fix all: not applied (a trade-off: its fixes change what the config asks for; apply them one by one).' : '';
    out.push('', `### ${r.id} ${r.slug}`, '', head + tradeOff, '', `Source: ${citationMarkdown(r.kernelCitation)}`, '', r.doc);
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


const FILE = /^(?:[\w.-]+\/)+(?:[\w.-]+\.[ch]|Kconfig|[\w.-]+\.txt)$/;
const IDENT = /\b([a-z_][a-z0-9_]*)\(\)/g;

/** One `;`-separated part of a citation: its version lead ("[6.12] ", "ndctl v81 "), the kernel tag it is
 *  read at (a `[6.x]` tag holds until the next one; null for ndctl's parts and before any tag), the ndctl
 *  version of an ndctl part, and the text after the lead. */
interface CitationPart {
  text: string;
  lead: string;
  kernel: string | null;
  ndctl: string | null;
  rest: string;
}

function citationParts(citation: string): CitationPart[] {
  let kernel: string | null = null;
  return citation.split(/;\s*/).map((text) => {
    const tag = /^\[(\d+\.\d+)\]\s*/.exec(text);
    if (tag) {
      kernel = `v${tag[1]}`;
      return { text, lead: `[${tag[1]}] `, kernel, ndctl: null, rest: text.slice(tag[0].length) };
    }
    const nd = /^ndctl (v\d+)\s+/.exec(text);
    if (nd) return { text, lead: `ndctl ${nd[1]} `, kernel: null, ndctl: nd[1], rest: text.slice(nd[0].length) };
    return { text, lead: '', kernel, ndctl: null, rest: text };
  });
}

/**
 * A rule's kernel citation as markdown with links: each source file to its page and each function (`name()`)
 * to its identifier page on Elixir, at the kernel version the citation was checked against (`[6.12]`,
 * `[6.1]`: a tag holds until the next one); files of `ndctl vNN` to that ndctl tag on GitHub. Parts that
 * are not `path: functions` (a Kconfig symbol, "src/core (...)") stay plain text.
 *
 *   [6.12] mm/memory_hotplug.c: check_pfn_span(); drivers/nvdimm/pfn_devs.c: nd_pfn_init()
 */
export function citationMarkdown(citation: string): string {
  return citationLinked(citation)
    .map((p) => {
      if (!p.files) return `\`${p.text}\``;
      let out = p.lead + p.files.map((f) => `[\`${f.name}\`](${f.url})`).join(', ');
      if (p.functions !== null) {
        // Functions link to their identifier (kernel only: ndctl's files are linked above).
        const urls = new Map(p.functionLinks.map((f) => [f.name, f.url]));
        out += ': ' + p.functions.replace(IDENT, (m, name: string) => (urls.has(name) ? `[\`${name}()\`](${urls.get(name)})` : m));
      }
      return out;
    })
    .join('; ');
}

/** The files and functions of a citation with their pages, in order (for plain-text output). */
export function citationLinks(citation: string): Array<{ label: string; url: string }> {
  return citationLinked(citation).flatMap((p) => [...(p.files ?? []).map((f) => ({ label: f.name, url: f.url })), ...p.functionLinks.map((f) => ({ label: `${f.name}()`, url: f.url }))]);
}

interface LinkedPart {
  text: string;
  lead: string;
  /** null: the part is not "path[, path]: functions" (a Kconfig symbol, prose), so it stays text. */
  files: Array<{ name: string; url: string }> | null;
  /** The text after "path: " (null without one). */
  functions: string | null;
  functionLinks: Array<{ name: string; url: string }>;
}

function citationLinked(citation: string): LinkedPart[] {
  return citationParts(citation).map(({ text, lead, kernel, ndctl, rest }) => {
    const colon = rest.indexOf(': ');
    const names = (colon < 0 ? rest : rest.slice(0, colon)).split(/,\s*/);
    // ndctl's own sources only with their "ndctl vNN" (never as a kernel path).
    if (!names.every((f) => FILE.test(f) && (!kernel || !f.startsWith('ndctl/'))) || (!kernel && !ndctl)) return { text, lead, files: null, functions: null, functionLinks: [] };
    const files = names.map((f) => ({ name: f, url: kernel ? elixirSourceUrl(kernel, f) : `${NDCTL_GITHUB}/${ndctl}/${f}` }));
    const functions = colon >= 0 ? rest.slice(colon + 2) : null;
    const functionLinks = kernel && functions ? [...functions.matchAll(IDENT)].flatMap((m) => {
            const url = elixirIdentUrl(kernel, m[1]);
            return url ? [{ name: m[1], url }] : [];
          }) : [];
    return { text, lead, files, functions, functionLinks };
  });
}

/** The first kernel function a citation names, with the release it was checked against and its Elixir page
 *  ("[6.12] mm/memory_hotplug.c: check_pfn_span(); ..." -> check_pfn_span at v6.12); null when the citation
 *  names none outside its ndctl parts. */
export function citedFunction(citation: string): { function: string; tag: string; url: string } | null {
  for (const { kernel, rest } of citationParts(citation)) {
    const name = kernel && /\b([a-z_][a-z0-9_]*)\(\)/.exec(rest)?.[1];
    const url = kernel && name ? elixirIdentUrl(kernel, name) : null;
    if (kernel && name && url) return { function: name, tag: kernel, url };
  }
  return null;
}

/** Help for one rule, as markdown (SARIF help.markdown, the editor's hover). */
export function ruleHelpMarkdown(r: Rule): string {
  const lines = [`**${r.id} ${r.slug}**: ${r.title}`, '', r.doc, '', `Source: ${citationMarkdown(r.kernelCitation)} (kernel-mm.md ${r.reference}).`];
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
