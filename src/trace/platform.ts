// Which architecture family and base page size a kernel log comes from, with the evidence for each. This is
// the one reading of the log's platform. `import` uses it to choose the config's arch, and `compare` (and the
// log view's compare) uses it to warn when the config models another platform.
//
// Evidence, strongest first:
//   family: messages only one architecture prints (the analyzer's Boot.arch, the line from import's extra
//           facts), the kernel release ("6.1.0-34-arm64"), a 512 MiB huge page size (arm64 with 64K pages only).
//   page:   the analyzer's proof (x86; the old HVO wording's pages x page size), a hash table line (bytes /
//           2^order), a node's range bytes / its totalpages, arm64's 512 MiB / 16 GiB huge pages (64K only).

import { KiB, MiB, GiB } from '../config/units';
import { archFromRelease, type ArchFamily, type ExtraFacts } from './import/facts';
import type { Boot } from './types';

export interface Evidence<T> {
  value: T;
  /** Why, citing the log line when there is one. */
  why: string;
  line: number | null;
}

/** The log as these readings need it: the boot, import's extra facts when read (null: compare's callers may
 *  have only the analyzer's boot), and `line N: "text"` for a line. */
export interface PlatformInput {
  boot: Boot;
  facts: ExtraFacts | null;
  cite: (line: number) => string;
}

/** The architecture family the log comes from, or null when nothing in it says. */
export function logArchFamily({ boot: b, facts: f, cite }: PlatformInput): Evidence<ArchFamily> | null {
  if (b.arch) {
    const line = f?.arch.get(b.arch);
    return line !== undefined
      ? { value: b.arch, why: `${cite(line)} (${b.arch} only)`, line }
      : { value: b.arch, why: `${b.arch}-only messages (the analyzer's evidence)`, line: null };
  }
  if (f && f.arch.size) {
    const [value, line] = [...f.arch.entries()].sort((a, c) => a[1] - c[1])[0];
    return { value, why: `${cite(line)} (${value} only)`, line };
  }
  const fromRelease = b.kernelVersion ? archFromRelease(b.kernelVersion) : null;
  if (fromRelease) return { value: fromRelease, why: `the kernel release "${b.kernelVersion}"`, line: b.kernel?.line ?? null };
  const h512 = b.hugetlb.find((h) => h.pageSizeBytes === 512 * MiB);
  if (h512) return { value: 'arm64', why: `${cite(h512.line)}: 512 MiB huge pages exist on arm64 with 64K pages only`, line: h512.line };
  return null;
}

/** The log's base page size, or null when nothing in it proves one. `family`: logArchFamily()'s. */
export function logPageSize({ boot: b, facts: f, cite }: PlatformInput, family: ArchFamily | null): Evidence<number> | null {
  if (b.pageSizeBytes !== null) {
    const why = family === 'x86' && b.pageSizeBytes === 4096 ? 'x86 has 4K pages only' : "the analyzer's evidence (old HVO wording: pages x page size)";
    return { value: b.pageSizeBytes, why, line: null };
  }
  if (f?.pageSize) return { value: f.pageSize.value, why: `${cite(f.pageSize.line)}: bytes / 2^order is the page size`, line: f.pageSize.line };
  for (const t of b.nodeTotalPages) {
    const ranges = b.nodeRanges.filter((r) => r.node === t.node);
    // A range the analyzer could not read (null size) makes the node's bytes unknown: no evidence from it.
    if (ranges.some((r) => r.sizeBytes === null)) continue;
    const bytes = ranges.reduce((s, r) => s + (r.sizeBytes ?? 0), 0);
    if (bytes > 0 && t.pages > 0 && bytes % t.pages === 0 && [4 * KiB, 16 * KiB, 64 * KiB].includes(bytes / t.pages)) {
      return { value: bytes / t.pages, why: `node ${t.node}'s ranges hold ${bytes} bytes in ${t.pages} pages (${cite(t.line)})`, line: t.line };
    }
  }
  if (family === 'arm64') {
    const h = b.hugetlb.find((x) => x.pageSizeBytes === 512 * MiB || x.pageSizeBytes === 16 * GiB);
    if (h) {
      const size = h.pageSizeBytes === 512 * MiB ? '512 MiB' : '16 GiB';
      return { value: 64 * KiB, why: `${cite(h.line)}: ${size} huge pages exist on arm64 with 64K pages only`, line: h.line };
    }
  }
  return null;
}
