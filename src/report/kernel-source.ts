// Where kernel (and ndctl) source can be read on the web, for links from a rule's citation and from a call
// trace in a log: Elixir's cross-referencer at a release tag, ndctl's tags on GitHub. One place for the
// URL shapes: /linux/<tag>/source/<path> for a file, /linux/<tag>/A/ident/<name> for an identifier.

export const ELIXIR = 'https://elixir.bootlin.com/linux';
export const NDCTL_GITHUB = 'https://github.com/pmem/ndctl/blob';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** A C identifier (what Elixir can look up). */
export const isIdentifier = (name: string): boolean => IDENTIFIER.test(name);

/**
 * Elixir's tag for the mainline release a kernel version string is based on: "6.1.0-34-amd64" -> "v6.1",
 * "5.8.0-25-generic" -> "v5.8", "6.12.9-memmaplab" -> "v6.12", "6.12" -> "v6.12"; a release candidate
 * "5.13.0-rc7+" -> "v5.13-rc7". Distribution and stable versions name their base release first (Debian's
 * "6.1.0-34" is an ABI name, not the stable patch level), so the release is the one tag that is right.
 * null when the string does not start with a version.
 */
export function elixirTag(version: string | null): string | null {
  const m = version === null ? null : /^v?(\d{1,2})\.(\d{1,3})(?:\.(\d+))?(-rc\d{1,2})?(?![\d])/.exec(version.trim());
  if (!m) return null;
  const rc = m[4] && (m[3] === undefined || Number(m[3]) === 0) ? m[4] : '';
  return `v${Number(m[1])}.${Number(m[2])}${rc}`;
}

/** An identifier's page (definitions and references) at `tag`; null for what is not a C identifier. */
export function elixirIdentUrl(tag: string, name: string): string | null {
  return IDENTIFIER.test(name) ? `${ELIXIR}/${tag}/A/ident/${name}` : null;
}

/** A source file at `tag`. */
export function elixirSourceUrl(tag: string, path: string): string {
  return `${ELIXIR}/${tag}/source/${path}`;
}

/** The C function of a call-trace frame as the analyzer keeps it ("memremap_pages", "? foo",
 *  "bar.constprop.0", "baz.cold"): the identifier before any compiler suffix; null when there is none. */
export function frameFunction(frame: string): string | null {
  const name = frame.replace(/^\?\s*/, '').split('.')[0].trim();
  return IDENTIFIER.test(name) ? name : null;
}

/** Markdown with each kernel function it names ("sparse_init()") linked to its page on Elixir at `tag`; code
 *  (inline spans, indented blocks) and text already inside a link stay as they are. */
export function linkKernelFunctions(markdown: string, tag: string): string {
  return markdown
    .split('\n')
    .map((line) => {
      if (/^ {4}|^\t/.test(line)) return line;
      return line
        .split('`')
        .map((part, i) => (i % 2 ? part : part.replace(/(^|[^\w[/.])([a-z_][a-z0-9_]*)\(\)(?!\]\()/g, (m, pre: string, name: string) => `${pre}[${name}()](${elixirIdentUrl(tag, name)})`)))
        .join('`');
    })
    .join('\n');
}
