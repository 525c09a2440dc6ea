// memmap-lab rules [ID|slug...] [--json]
//
// The checker's rules from the terminal: the list, or one rule's documentation with the kernel source it
// cites (files and functions on Elixir at the release the rule was checked against). What a CI log's
// "MM004" means, without leaving the terminal; the same text as docs/check.md and SARIF's help.
import { applies, citationLinks, ruleHelpText, RULES, type Rule } from '../../check/index';
import { didYouMean } from '../../config/diagnostics';
import { table } from '../../report/table';
import { EXIT_BAD_INPUT, EXIT_OK, parseArgs, type Io } from '../io';
import type { Command } from './index';

const help = `usage: memmap-lab rules [ID or slug...] [--json]

Lists the checker's rules (id, severity, area, slug, title), or prints the documentation of the rules
named (MM004, mm004 or subsection-memmap-in-ram): the kernel rule, why it matters, what to do, the
kernel or ndctl text it stands for, and links to the kernel source it cites.

  --json      print the rules as JSON: id, slug, severity, area, title, doc (markdown), kernelCitation,
              kernelText, reference, appliesTo, links [{ label, url }]

exit: 0 printed, 2 an unknown rule or option
`;

/** A rule as `rules --json` prints it. */
export interface RuleJson {
  id: string;
  slug: string;
  severity: string;
  area: string;
  title: string;
  doc: string;
  kernelCitation: string;
  kernelText: readonly string[];
  reference: string;
  appliesTo: string;
  links: Array<{ label: string; url: string }>;
}

function ruleJson(r: Rule): RuleJson {
  return {
    id: r.id,
    slug: r.slug,
    severity: r.severity,
    area: r.area,
    title: r.title,
    doc: r.doc,
    kernelCitation: r.kernelCitation,
    kernelText: r.kernelText,
    reference: r.reference,
    appliesTo: applies(r),
    links: citationLinks(r.kernelCitation),
  };
}

/** One rule's help: the checker's help text, then where it applies and the source links. */
function ruleText(r: Rule): string {
  const links = citationLinks(r.kernelCitation);
  const width = Math.max(0, ...links.map((l) => l.label.length));
  const lines = [ruleHelpText(r), '', `Default severity ${r.severity}; area ${r.area}; applies to ${applies(r)}.`];
  if (links.length) lines.push('', 'Kernel source:', ...links.map((l) => `  ${l.label.padEnd(width)}  ${l.url}`));
  return lines.join('\n') + '\n';
}

export const rulesCommand: Command = {
  name: 'rules',
  summary: "list the checker's rules, or print one rule's documentation and kernel source links",
  help,
  async run(argv: readonly string[], io: Io): Promise<number> {
    const { flags, positionals } = parseArgs(argv, { flags: ['json'] });
    const picked: Rule[] = [];
    for (const name of positionals) {
      const key = name.trim().toLowerCase();
      const r = RULES.find((x) => x.id.toLowerCase() === key || x.slug === key);
      if (!r) {
        io.err(`memmap-lab rules: no rule '${name}': rules are MM001 to ${RULES[RULES.length - 1].id} or their slugs${didYouMean(key, RULES.map((x) => x.slug))}\n`);
        return EXIT_BAD_INPUT;
      }
      picked.push(r);
    }
    const shown = picked.length ? picked : RULES;
    if (flags.has('json')) {
      io.out(JSON.stringify(shown.map(ruleJson), null, 2) + '\n');
      return EXIT_OK;
    }
    if (picked.length) {
      io.out(picked.map(ruleText).join('\n'));
      return EXIT_OK;
    }
    io.out(table(['id', 'severity', 'area', 'slug', 'title'], RULES.map((r) => [r.id, r.severity, r.area, r.slug, r.title]), ''));
    io.out(`\n${RULES.length} rules; memmap-lab rules ID prints one with its kernel source (docs/check.md has them all).\n`);
    return EXIT_OK;
  },
};
