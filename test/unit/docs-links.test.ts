// The README and docs/ link each other and the sources: every relative link must reach a file, and every
// "#anchor" a heading of the page it names (GitHub's heading ids). A new user follows these links first.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const PAGES = ['README.md', 'test/e2e/README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** GitHub's id for a heading: lower case, punctuation dropped, spaces to hyphens, "-N" for repeats. */
export function headingIds(markdown: string): Set<string> {
  const ids = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = m[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    ids.add(n ? `${base}-${n}` : base);
  }
  return ids;
}

/** The relative links of a page ([text](target) outside code), with their line numbers. */
function links(markdown: string): Array<{ target: string; line: number }> {
  const out: Array<{ target: string; line: number }> = [];
  let fenced = false;
  markdown.split('\n').forEach((line, i) => {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced) return;
    const text = line.replace(/`[^`]*`/g, '');
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!/^[a-z][a-z0-9+.-]*:/i.test(m[1])) out.push({ target: m[1], line: i + 1 });
    }
  });
  return out;
}

describe('documentation links', () => {
  it('the slugger gives GitHub heading ids', () => {
    const ids = headingIds('# Memmap Lab\n## `arch` and `kernel`\n### MM004 section-misaligned\n## Sizes and addresses\n## Sizes and addresses\n```\n# not a heading\n```\n');
    assert.deepEqual([...ids], ['memmap-lab', 'arch-and-kernel', 'mm004-section-misaligned', 'sizes-and-addresses', 'sizes-and-addresses-1']);
  });

  for (const page of PAGES) {
    it(`${page}: every relative link reaches its file and anchor`, () => {
      const text = readFileSync(join(ROOT, page), 'utf8');
      const broken: string[] = [];
      for (const { target, line } of links(text)) {
        const [path, anchor] = target.split('#');
        const file = path ? join(ROOT, dirname(page), decodeURI(path)) : join(ROOT, page);
        if (!existsSync(file)) {
          broken.push(`${page}:${line}: ${target}: no file ${relative(ROOT, file)}`);
          continue;
        }
        if (anchor && file.endsWith('.md') && !headingIds(readFileSync(file, 'utf8')).has(anchor)) broken.push(`${page}:${line}: ${target}: no heading #${anchor}`);
      }
      assert.deepEqual(broken, []);
    });
  }
});
