// Plain-text tables for the CLI's human summaries: columns padded to the widest cell, numbers right-aligned.

export type Cell = string | number;

export function table(header: readonly string[], rows: readonly (readonly Cell[])[], indent = '  '): string {
  const cells = [header, ...rows].map((r) => r.map((c) => String(c)));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || /^[-+]?[0-9.,]+( [KMGTPE]?i?B)?$|^-$/.test(String(r[i]))));
  const line = (r: readonly string[]) =>
    indent + r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const rule = indent + widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n') + '\n';
}

/** 33029632 -> "33,029,632" */
export function num(n: number): string {
  return n.toLocaleString('en-US');
}
