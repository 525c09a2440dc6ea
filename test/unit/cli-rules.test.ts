// `memmap-lab rules`: the rule list, one rule's documentation with its kernel source links, JSON; and the
// CLI stopping quietly when the reader of its output goes away (`memmap-lab ... | head`).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { RULES, citationLinks } from '../../src/check/index';
import { commands } from '../../src/cli/commands/index';
import type { RuleJson } from '../../src/cli/commands/rules';
import { usage } from '../../src/cli/main';
import { closest } from '../../src/config/diagnostics';
import { ELIXIR, NDCTL_GITHUB } from '../../src/report/kernel-source';
import { runCli } from './cli-run';

const root = join(__dirname, '..', '..');
const cli = (...argv: string[]) => runCli(root, ...argv);

describe('memmap-lab rules', () => {
  it('lists every rule with its severity, area, slug and title', async () => {
    const r = await cli('rules');
    assert.equal(r.code, 0, r.err);
    for (const rule of RULES) assert.match(r.out, new RegExp(`^${rule.id}\\s+${rule.severity}\\s+${rule.area}\\s+${rule.slug}\\s+`, 'm'));
    assert.match(r.out, new RegExp(`${RULES.length} rules; memmap-lab rules ID`));
  });

  it('prints a rule by id (any case) or slug: its documentation, kernel text and source links', async () => {
    const byId = await cli('rules', 'mm002');
    assert.equal(byId.code, 0, byId.err);
    assert.equal((await cli('rules', 'subsection-misaligned')).out, byId.out);
    assert.match(byId.out, /^MM002 subsection-misaligned: Device range not aligned to a 2 MiB sub-section/);
    assert.match(byId.out, /Default severity error; area memremap; applies to all\./);
    assert.match(byId.out, /Kernel \/ ndctl text:\n/);
    assert.match(byId.out, new RegExp(`\\n  nd_pfn_init\\(\\)\\s+${ELIXIR}/v6\\.12/A/ident/nd_pfn_init\\n`));
    // Two rules, in the order asked for.
    const two = await cli('rules', 'MM018', 'MM001');
    assert.ok(two.out.indexOf('MM018') < two.out.indexOf('\nMM001 '));
    assert.ok(two.out.includes(`${NDCTL_GITHUB}/v81/ndctl/namespace.c`), 'ndctl sources link to their tag on GitHub');
  });

  it('--json gives the rule data and the same links', async () => {
    const r = await cli('rules', '--json');
    const all = JSON.parse(r.out) as RuleJson[];
    assert.deepEqual(all.map((x) => x.id), RULES.map((x) => x.id));
    const mm2 = JSON.parse((await cli('rules', 'MM002', '--json')).out) as RuleJson[];
    assert.equal(mm2.length, 1);
    assert.deepEqual(mm2[0].links, citationLinks(RULES[1].kernelCitation));
    assert.ok(mm2[0].links.every((l) => l.url.startsWith(`${ELIXIR}/v`)));
    assert.equal(mm2[0].appliesTo, 'all');
  });

  it('an unknown rule or option is exit 2 with a suggestion', async () => {
    const r = await cli('rules', 'section-misalign');
    assert.equal(r.code, 2);
    assert.match(r.err, /no rule 'section-misalign': rules are MM001 to MM039 or their slugs \(did you mean 'subsection-misaligned'\?\)/);
    assert.equal((await cli('rules', '--frob')).code, 2);
  });

  it('every rule id and slug a help text gives as an example is a rule', async () => {
    // Ids (MM004, mm004) and kebab-case words a reader would take for a slug: a slug, or close to one
    // ('section-misaligned' is not a rule, though 'subsection-misaligned' is).
    const slugs = RULES.map((r) => r.slug);
    const named = new Map<string, string>();
    for (const [name, text] of [['memmap-lab', usage()], ...commands.map((c) => [c.name, c.help])]) {
      for (const m of text.matchAll(/\bmm\d+\b/gi)) named.set(m[0], name);
      for (const m of text.matchAll(/(?<![-\w./])[a-z][a-z0-9]*(?:-[a-z0-9]+)+(?![-\w])/g)) if (closest(m[0], slugs) !== undefined) named.set(m[0], name);
    }
    assert.ok(named.has('MM004') && named.has('mm004'), 'rules --help names MM004 / mm004');
    assert.ok([...named.keys()].some((n) => slugs.includes(n)), 'rules --help names a slug');
    for (const [example, command] of named) {
      const r = await cli('rules', example);
      assert.equal(r.code, 0, `${command} --help gives '${example}' as a rule: ${r.err}`);
    }
  });

  it('citationLinks: files and functions in order, at the release each part names', () => {
    assert.deepEqual(citationLinks('[6.12] mm/memory_hotplug.c: check_pfn_span(); [6.1] arch/riscv/mm/init.c: vmemmap_populate(); CONFIG_SPARSEMEM_VMEMMAP'), [
      { label: 'mm/memory_hotplug.c', url: `${ELIXIR}/v6.12/source/mm/memory_hotplug.c` },
      { label: 'check_pfn_span()', url: `${ELIXIR}/v6.12/A/ident/check_pfn_span` },
      { label: 'arch/riscv/mm/init.c', url: `${ELIXIR}/v6.1/source/arch/riscv/mm/init.c` },
      { label: 'vmemmap_populate()', url: `${ELIXIR}/v6.1/A/ident/vmemmap_populate` },
    ]);
  });
});

describe('CLI output into a closed pipe', () => {
  it('stops quietly (exit 0, nothing on stderr) instead of dying on EPIPE', async () => {
    // The reader closes its end at once, as `| head -0` would; the CLI then writes ~100 KB of JSON.
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', "process.argv.splice(1, 0, 'memmap-lab'); require('./src/cli/main').runCli()", 'rules', '--json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
    assert.equal(err, '');
    assert.equal(code, 0);
  });
});
