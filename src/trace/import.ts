// `memmap-lab import`: a workload config (*.memmap.yaml) built from a real machine's boot log and/or its
// `ndctl list -N` JSON, with a comment on every value saying where it came from (docs/import-compare.md).
//
//   readLog(path, { boot })       the analyzer's facts for one boot + the extra facts import needs + line texts
//   parseNdctlJson(text)          namespaces (./import/ndctl.ts)
//   buildImport({ log, ndctl })   -> YAML text that loadConfigText() accepts and simulateMemmap() runs
//
// Nothing here guesses silently: a value the inputs do not give is either left to the format's default
// (and said so) or written with a comment starting "guess:". When no memory of any node can be found,
// buildImport() fails and names what is missing.

import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { analyzeFile, analyzeText } from './analyze';
import { CR_ONLY_NOTE } from './encoding';
import { bootNumber, bootRange, bootScore } from './boot';
import type { Cancellation } from './cancel';
import type { AnalysisFile, Boot } from './types';
import { collectFact, cpuListCount, emptyFacts, type ExtraFacts } from './import/facts';
import { logArchFamily, logPageSize } from './platform';
import { recordPassFile, recordPassText } from './import/records';
import { looksLikeNdctlJson, type NdctlNamespace, type NdctlParse } from './import/ndctl';
import { Comments, renderYaml } from './import/yaml-out';
import { loadConfigText } from '../config/load';
import { printableName } from '../config/diagnostics';
import type { Arch, KernelOptions, WorkloadConfig } from '../config/types';
import { GiB, KiB, MiB, TiB, alignUp, alignmentOf, formatBytes, formatHex } from '../config/units';
import { archProfile, atLeast, BOUNDARY, type ArchProfile } from '../core/arch';
import { ndPfnInit } from '../core/nvdimm';
import { simulateMemmap } from '../core/simulate';
import type { MemmapResult } from '../core/types';
import { simulateTiming } from '../core/init/timing';
import { buildInitWorkload, earlyDeferTarget } from '../core/init/workload';
import { calibrationPoints, matchZoneDevices, simulatedDevices, type CalibrationPointOut } from './predicted';

/** The last release that printed the old deferred-init wording "node %d initialised, %lu pages in %ums" (the page
 *  count went with "mm: don't track number of pages during deferred initialization", v5.8). */
const OLD_DEFERRED_WORDING_LAST = '5.7';

export { parseNdctlJson, looksLikeNdctlJson, mergeNdctlParses, type NdctlNamespace, type NdctlParse } from './import/ndctl';
export type { ExtraFacts } from './import/facts';
export { numactlFile } from './import/facts';

// ---------------------------------------------------------------------------------------------
// Reading a log

export interface LogInput {
  path: string;
  file: AnalysisFile;
  boot: Boot;
  /** Facts the analyzer does not extract (SRAT, CPU counts, hypervisor, page-size evidence). */
  facts: ExtraFacts;
  /** Message text (prefixes removed, at most 200 characters) of every line a fact of the boot points at. */
  texts: Map<number, string>;
}

export type LogRead = { ok: true; log: LogInput } | { ok: false; message: string };

export interface ReadLogOptions {
  /** The boot's index (Boot.index, 0-based: the CLI's `--boot N` is index + 1); default: the boot with the most
   *  memory facts (the last of equals). */
  boot?: number | null;
  signal?: Cancellation;
}


function chooseBoot(file: AnalysisFile, want: number | null | undefined, path: string): Boot | string {
  const boots = file.boots;
  if (boots.length === 0) {
    return `${path}: no kernel memory facts found (no "Linux version", node ranges, "Memory:", deferred init, HugeTLB or ZONE_DEVICE lines): is this a kernel log?`;
  }
  if (want !== null && want !== undefined) {
    const b = boots.find((x) => x.index === want);
    if (!b) return `${path}: there is no boot ${want + 1}: the log has ${boots.length} boot${boots.length === 1 ? '' : 's'} (--boot ${bootRange(boots.length, '')}: boots are numbered from 1, as \`memmap-lab analyze\` lists them)`;
    return b;
  }
  let best = boots[0];
  for (const b of boots) if (bootScore(b) >= bootScore(best)) best = b;
  return best;
}

/** Every `line` a fact of the boot points at. */
function factLines(b: Boot): Set<number> {
  const lines = new Set<number>();
  const visit = (v: unknown, depth: number) => {
    if (depth > 3 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
      return;
    }
    const o = v as Record<string, unknown>;
    if (typeof o.line === 'number') lines.add(o.line);
    // A HugeTLB size is told by two lines, each cited for its own figure.
    if (typeof o.preallocatedLine === 'number') lines.add(o.preallocatedLine);
    if (typeof o.hvoLine === 'number') lines.add(o.hvoLine);
    for (const [k, x] of Object.entries(o)) if (k !== 'frames' && typeof x === 'object') visit(x, depth + 1);
  };
  visit(b, 0);
  for (const l of [b.memoryBlockLine, b.commandLineLine, b.machineLine]) if (l !== null) lines.add(l);
  return lines;
}

function passOptions(file: AnalysisFile, boot: Boot, facts: ExtraFacts) {
  return {
    first: boot.firstLine,
    last: boot.lastLine,
    quotedPrintable: file.input.quotedPrintable,
    encoding: file.input.encoding,
    crOnly: file.input.crOnlyLineEndings,
    wrapped: new Map(boot.wrapped.map((w) => [w.line, w.lastLine])),
    want: factLines(boot),
    onMessage: (text: string, line: number) => collectFact(facts, text, line),
  };
}

/** Analyze a log file and read one boot of it. Never throws for bad input. */
export async function readLog(path: string, opts: ReadLogOptions = {}): Promise<LogRead> {
  try {
    const st = await stat(path);
    if (st.isDirectory()) return { ok: false, message: `cannot read ${path}: is a directory` };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, message: `cannot read ${path}: ${code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message}` };
  }
  const file = await analyzeFile(path, { signal: opts.signal });
  if (file.format === 'ftrace') return { ok: false, message: `${path}: this is ftrace output; import and compare read kernel logs (dmesg, journalctl -k, syslog)` };
  const boot = chooseBoot(file, opts.boot, path);
  if (typeof boot === 'string') return { ok: false, message: boot };
  const facts = emptyFacts();
  const texts = file.format === 'kernel-log' ? await recordPassFile(path, passOptions(file, boot, facts)) : new Map<number, string>();
  return { ok: true, log: { path, file, boot, facts, texts } };
}

/** readLog() for text in memory (tests, the editor). */
export function readLogText(text: string, path: string, opts: ReadLogOptions = {}): LogRead {
  const file = analyzeText(text, { path, signal: opts.signal });
  const boot = chooseBoot(file, opts.boot, path);
  if (typeof boot === 'string') return { ok: false, message: boot };
  const facts = emptyFacts();
  const texts = file.format === 'kernel-log' ? recordPassText(text, passOptions(file, boot, facts)) : new Map<number, string>();
  return { ok: true, log: { path, file, boot, facts, texts } };
}

/** `line 812: "text"` (or `line 812` when the text is not known). */
export function cite(log: Pick<LogInput, 'texts'>, line: number | null | undefined): string {
  if (line === null || line === undefined) return 'the log';
  const t = log.texts.get(line);
  return t ? `line ${line}: "${t}"` : `line ${line}`;
}

// ---------------------------------------------------------------------------------------------
// Building the config

export interface NdctlInput {
  path: string;
  parse: NdctlParse;
}

export interface ImportRequest {
  log?: LogInput | null;
  ndctl?: NdctlInput | null;
  /** Write measured deferred-init / ZONE_DEVICE figures as machine.calibration points (else as comments). */
  calibrate?: boolean;
  /** Name of the output file (for the config's default name); default "machine.memmap.yaml". */
  outputName?: string;
}

export type ImportResult =
  | {
      ok: true;
      /** The YAML text. */
      text: string;
      config: WorkloadConfig;
      memmap: MemmapResult;
      /** Things the user should know (guesses, skipped inputs), one line each. */
      warnings: string[];
      /** Calibration points written (with --calibrate). */
      calibration: CalibrationPointOut[];
    }
  | { ok: false; errors: string[] };

/** `lsmem`: an online memory block range of lsmem (the state after boot: hot-added memory shows too).
 *  `srat`: an ACPI SRAT memory affinity range (firmware: soft-reserved memory such as hmem is in it too). */
type Range = {
  start: number;
  size: number;
  comment: string;
  lsmem?: boolean;
  srat?: boolean;
  /** Reconstructed from "node N initialised, P pages": P, which buildImport() makes the simulation's deferred pages. */
  deferredTarget?: number;
};

interface NodeDraft {
  id: number;
  cpus: number;
  cpusComment: string;
  ranges: Range[];
  rangesComment: string | null;
  before: string[];
}

interface DeviceDraft {
  value: Record<string, unknown>;
  before: string[];
  inline: Record<string, string>;
}

const SIZE_UNITS: [number, string][] = [
  [TiB, 'T'],
  [GiB, 'G'],
  [MiB, 'M'],
  [KiB, 'K'],
];

/** An exact size as the config format writes it: "2G", "604K", or bytes. */
export function sizeText(n: number): string | number {
  for (const [u, s] of SIZE_UNITS) if (n >= u && n % u === 0) return `${n / u}${s}`;
  return n;
}

function kernelOptions(version: string): KernelOptions {
  const m = /^(\d+)\.(\d+)$/.exec(version);
  return {
    version,
    versionNum: m ? [Number(m[1]), Number(m[2])] : [6, 12],
    structPageSize: 64,
    hvo: false,
    memmapOnMemory: 'off',
    deferredInit: true,
    hypervisor: false,
    memoryBlockSize: null,
    maxPhysmemBits: null,
    path: ['kernel'],
  };
}

const hx = (n: number) => formatHex(n);

/** "hugepagesz=1G hugepages=4 hugepagesz=2M hugepages=0:512,1:512" -> per page size: total or per node. */
export function hugepagesFromCmdline(cmdline: string, defaultSize: number): Map<number, { total: number | null; perNode: Map<number, number> | null }> {
  const out = new Map<number, { total: number | null; perNode: Map<number, number> | null }>();
  let size = defaultSize;
  const sizeOf = (s: string): number | null => {
    const m = /^(\d+)([KMG])?$/i.exec(s);
    if (!m) return null;
    const mult = { K: KiB, M: MiB, G: GiB }[(m[2] ?? '').toUpperCase() as 'K' | 'M' | 'G'] ?? 1;
    return Number(m[1]) * mult;
  };
  for (const tok of cmdline.split(/\s+/)) {
    const [k, v] = tok.split('=', 2);
    if (v === undefined) continue;
    if (k === 'default_hugepagesz') {
      const s = sizeOf(v);
      if (s) size = s;
    } else if (k === 'hugepagesz') {
      const s = sizeOf(v);
      if (s) size = s;
    } else if (k === 'hugepages') {
      if (/^\d+$/.test(v)) out.set(size, { total: Number(v), perNode: null });
      else {
        const per = new Map<number, number>();
        for (const part of v.split(',')) {
          const m = /^(\d+):(\d+)$/.exec(part);
          if (m) per.set(Number(m[1]), Number(m[2]));
        }
        if (per.size) out.set(size, { total: [...per.values()].reduce((a, b) => a + b, 0), perNode: per });
      }
    }
  }
  return out;
}

interface ArchChoice {
  arch: Arch;
  /** Short, for the line itself. */
  comment: string;
  /** The evidence, for the lines above it. */
  details: string[];
}

function chooseArch(log: LogInput | null, warnings: string[]): ArchChoice {
  if (!log) return { arch: 'x86_64', comment: 'guess: ndctl / daxctl JSON does not say; x86_64', details: [] };
  const f = log.facts;
  const details: string[] = [];
  const input = { boot: log.boot, facts: f, cite: (line: number) => cite(log, line) };
  const fam = logArchFamily(input);
  if (!fam) {
    warnings.push('arch: the log does not say which architecture it is from; x86_64 assumed');
    return { arch: 'x86_64', comment: 'guess: the log has no architecture-specific message; x86_64 assumed', details };
  }
  const family = fam.value;
  details.push(`arch: ${family} from ${fam.why}`);

  // Base page size.
  const pageEvidence = logPageSize(input, family);
  const page = pageEvidence?.value ?? null;
  const pageWhy = pageEvidence?.why ?? '';
  if (page !== null && family !== 'x86') details.push(`page size ${formatBytes(page)}: ${pageWhy}`);
  switch (family) {
    case 'x86':
      if (page !== null && page !== 4096) warnings.push(`arch: the log suggests ${page}-byte pages but x86_64 has 4K pages`);
      return { arch: 'x86_64', comment: 'x86 (see above)', details };
    case 'arm64': {
      const arch: Arch = page === 65536 ? 'arm64-64k' : page === 16384 ? 'arm64-16k' : 'arm64-4k';
      if (page === null) {
        warnings.push('arch: arm64 page size not in the log; 4K assumed');
        return { arch, comment: 'guess: 4K pages (the log does not prove the page size)', details };
      }
      return { arch, comment: `arm64, ${formatBytes(page)} pages (see above)`, details };
    }
    case 'powerpc': {
      if (page !== null && page !== 65536) warnings.push(`arch: ppc64 with ${page}-byte pages is not modelled; 64K assumed`);
      if (f.ppcMmu) {
        details.push(`${f.ppcMmu.value} MMU: ${cite(log, f.ppcMmu.line)}`);
        return { arch: f.ppcMmu.value === 'radix' ? 'ppc64-radix' : 'ppc64-hash', comment: `ppc64, ${f.ppcMmu.value} MMU (see above)`, details };
      }
      const gen = f.powerGeneration?.value ?? null;
      if (gen !== null && gen <= 8) {
        details.push(`hash MMU: POWER${gen} (${cite(log, f.powerGeneration!.line)}) has no radix MMU`);
        return { arch: 'ppc64-hash', comment: 'ppc64, hash MMU (see above)', details };
      }
      warnings.push('arch: the log does not say which ppc64 MMU is used; radix assumed');
      return { arch: 'ppc64-radix', comment: `guess: radix MMU (no radix-mmu/hash-mmu line in the log${gen !== null ? `; POWER${gen} has both` : ''})`, details };
    }
    case 's390':
      return { arch: 's390x', comment: 's390x (see above)', details };
    case 'riscv':
      return { arch: 'riscv64', comment: 'riscv64 (see above)', details };
  }
}

/** The ranges of each node from the best source the log has; reconstructions are marked. */
function nodeRangesFrom(log: LogInput, profile: ArchProfile, warnings: string[]) {
  const b = log.boot;
  const f = log.facts;
  const P = profile.pageSize;
  const result = new Map<number, { ranges: Range[]; comment: string | null; memoryless: boolean; reconstructed: boolean }>();
  const ids = new Set<number>();
  for (const r of b.nodeRanges) ids.add(r.node);
  for (const r of b.initmem) ids.add(r.node);
  for (const r of f.sratMemory) ids.add(r.node);
  for (const r of b.nodeCpus) ids.add(r.node);
  for (const d of b.deferredInit) ids.add(d.node);
  for (const t of b.nodeTotalPages) ids.add(t.node);
  for (const id of f.sratCpus.keys()) ids.add(id);
  for (const id of f.smpbootCpus.keys()) ids.add(id);
  for (const r of b.lsmem?.ranges ?? []) if (r.node !== null && r.state === 'online') ids.add(r.node);

  const bad = (line: number) => warnings.push(`nodes: ${cite(log, line)}: address beyond 2^53, skipped`);
  /** A range whose end is below its start (a corrupted or hand-edited line) has no size: skipped, said where. */
  const inverted = (r: { start: number; end: number; line: number }) => {
    if (r.end >= r.start) return false;
    warnings.push(`nodes: ${cite(log, r.line)}: the range ends (${hx(r.end)}) below its start (${hx(r.start)}), skipped`);
    return true;
  };
  /** The readable ranges of lines [start, end] (inclusive ends), each with where it came from; the others said. */
  const readable = <T extends { start: number | null; end: number | null; line: number }>(lines: readonly T[], extra: (r: T) => Partial<Range> = () => ({})): Range[] => {
    const out: Range[] = [];
    for (const r of lines) {
      if (r.start === null || r.end === null) bad(r.line);
      else if (!inverted({ start: r.start, end: r.end, line: r.line })) out.push({ start: r.start, size: r.end + 1 - r.start, comment: `from ${cite(log, r.line)}`, ...extra(r) });
    }
    return out;
  };
  for (const id of [...ids].sort((a, c) => a - c)) {
    const early = b.nodeRanges.filter((r) => r.node === id);
    if (early.length) {
      const ranges = readable(early);
      const comment = ranges.length ? 'ranges: "Early memory node ranges" (memblock.memory, exact)' : 'ranges: none: its "Early memory node ranges" lines are unreadable (skipped, see the notes)';
      result.set(id, { ranges, comment, memoryless: false, reconstructed: false });
      continue;
    }
    const im = b.initmem.find((r) => r.node === id);
    if (im?.memoryless) {
      result.set(id, { ranges: [], comment: `memoryless: ${cite(log, im.line)}`, memoryless: true, reconstructed: false });
      continue;
    }
    if (im && im.start !== null && im.end !== null && !inverted({ start: im.start, end: im.end, line: im.line })) {
      result.set(id, {
        ranges: [{ start: im.start, size: im.end + 1 - im.start, comment: `from ${cite(log, im.line)}` }],
        comment: 'ranges: "Initmem setup" node span (holes inside it are counted as RAM: no "Early memory node ranges" line in the log)',
        memoryless: false,
        reconstructed: false,
      });
      continue;
    }
    // With an "Early memory node ranges" block in the log, a node missing from it had no memblock memory
    // at boot: firmware (SRAT) and lsmem ranges of it are hotplug space or hot-added memory.
    const haveEarly = b.nodeRanges.length > 0;
    const srat = haveEarly ? [] : f.sratMemory.filter((r) => r.node === id && !r.nonVolatile);
    if (srat.length) {
      const ranges = readable(srat, (r) => ({ comment: `from ${cite(log, r.line)}${r.hotplug ? ' (hotplug range: assumed populated at boot)' : ''}`, srat: true }));
      result.set(id, {
        ranges,
        comment: 'ranges: ACPI SRAT memory affinity (firmware ranges: holes such as reserved areas are counted as RAM; no "Early memory node ranges" in the log)',
        memoryless: false,
        reconstructed: false,
      });
      continue;
    }
    const blocks = haveEarly ? [] : (b.lsmem?.ranges ?? []).filter((r) => r.node === id && r.state === 'online');
    if (blocks.length) {
      const ranges = readable(blocks, () => ({ lsmem: true }));
      result.set(id, {
        ranges,
        comment: 'ranges: lsmem online memory blocks (whole blocks; hot-added memory such as dax/kmem is listed too: move it to devices/hotplug if it is not boot RAM)',
        memoryless: false,
        reconstructed: false,
      });
      continue;
    }
    result.set(id, { ranges: [], comment: null, memoryless: false, reconstructed: false });
  }

  // Reconstruction from page counts for nodes with no range at all.
  const known = [...result.values()].flatMap((n) => n.ranges);
  const lowStart = profile.arch.startsWith('ppc64') ? 0 : 4 * GiB;
  let cursor = known.length ? alignUp(Math.max(...known.map((r) => r.start + r.size)), GiB) : lowStart;
  cursor = Math.max(cursor, lowStart);
  const place = (id: number, bytes: number, why: string, deferredTarget?: number) => {
    const size = alignUp(bytes, P);
    const range: Range = { start: cursor, size, comment: `reconstructed (see above); placed at ${hx(cursor)}: the log prints no address`, deferredTarget };
    // A node rebuilt from its deferred page count grows by its memmap and page tables later (buildImport()):
    // leave room for them (at most 64 B per 4 KiB page, 1.6%) before the next node.
    cursor = alignUp(cursor + size + (deferredTarget === undefined ? 0 : Math.ceil(size / 32)), profile.sectionSize);
    result.set(id, { ranges: [range], comment: `ranges: RECONSTRUCTED from ${why}`, memoryless: false, reconstructed: true });
    warnings.push(`nodes: node ${id}'s memory is reconstructed from a page count (no range line in the log)`);
  };
  for (const [id, n] of [...result.entries()].sort((a, c) => a[0] - c[0])) {
    if (n.ranges.length || n.memoryless) continue;
    const total = b.nodeTotalPages.find((t) => t.node === id);
    const deferred = b.deferredInit.find((d) => d.node === id && d.pages !== null);
    if (total) place(id, total.pages * P, `${total.pages} present pages x ${formatBytes(P)} (${cite(log, total.line)})`);
    else if (deferred) {
      // What the kernel that printed the line left early: one section from v4.17, at least 2 GiB before.
      const early = earlyDeferTarget(profile.version, profile.pagesPerSection, P);
      const earlyWhy = early === profile.pagesPerSection ? 'the early section (v4.17+)' : `the ${formatBytes(early * P)} of the highest zone initialized early (update_defer_init(), before v4.17)`;
      place(
        id,
        (deferred.pages! + early) * P,
        `${deferred.pages} deferred pages (${cite(log, deferred.line)}) + ${earlyWhy} + the memmap and page tables (reserved: not counted), x ${formatBytes(P)}`,
        deferred.pages!,
      );
    }
  }
  if (![...result.values()].some((n) => n.ranges.length) && b.memory) {
    // One node holding everything the Memory: line counts.
    const id = result.size ? Math.min(...[...result.keys()].filter((k) => !result.get(k)!.memoryless), Infinity) : 0;
    const nid = Number.isFinite(id) ? id : 0;
    place(nid, b.memory.totalKiB * KiB, `the Memory: line's total ${b.memory.totalKiB}K (${cite(log, b.memory.line)})`);
  }
  for (const n of result.values()) if (!n.ranges.length && !n.comment) n.comment = 'no memory of this node in the log (no range, deferred-init or page-count line): memoryless';
  return result;
}

/** CPUs per node: complete per-node lines, else a total spread over the nodes (a stated guess). */
function cpusFor(log: LogInput, nodeIds: number[], memoryNodes: Set<number>, warnings: string[]): Map<number, { cpus: number; comment: string }> {
  const b = log.boot;
  const f = log.facts;
  const out = new Map<number, { cpus: number; comment: string }>();
  const total = f.cpuTotal?.value ?? null;
  const totalWhy = f.cpuTotal ? cite(log, f.cpuTotal.line) : '';
  // `numactl -H` pasted into the log: the online CPUs of every node, exact (when the boot agrees on the total).
  if (f.numactlCpus.size) {
    const sum = [...f.numactlCpus.values()].reduce((s, c) => s + c.value, 0);
    if (total === null || sum === total) {
      for (const id of nodeIds) {
        const c = f.numactlCpus.get(id);
        out.set(id, c ? { cpus: c.value, comment: c.source ?? `numactl -H, ${cite(log, c.line)}` } : { cpus: 0, comment: 'numactl -H lists no CPUs for this node: CPU-less' });
      }
      return out;
    }
    warnings.push(`cpus: numactl -H lists ${sum} CPUs but the boot brought up ${total} (${totalWhy}): the boot's counts are used`);
  }
  // powerpc "numa: Node N CPUs: <list>": printed for every online node.
  if (b.nodeCpus.length) {
    const counts = new Map<number, { n: number; line: number }>();
    for (const c of b.nodeCpus) {
      const n = cpuListCount(c.cpus);
      if (n !== null) counts.set(c.node, { n, line: c.line });
    }
    const sum = [...counts.values()].reduce((s, c) => s + c.n, 0);
    if (counts.size && (total === null || sum === total)) {
      for (const id of nodeIds) {
        const c = counts.get(id);
        out.set(id, c ? { cpus: c.n, comment: `from ${cite(log, c.line)}` } : { cpus: 0, comment: 'no "numa: Node N CPUs" line for this node: CPU-less' });
      }
      return out;
    }
  }
  const fromCounts = (counts: Map<number, number>, what: string, lines: Map<number, number>, plusBoot: boolean): boolean => {
    const c = new Map(counts);
    const bootNode = nodeIds.includes(0) ? 0 : nodeIds[0];
    if (plusBoot) c.set(bootNode, (c.get(bootNode) ?? 0) + 1);
    const sum = [...c.values()].reduce((s, x) => s + x, 0);
    if (total === null || sum !== total) return false;
    for (const id of nodeIds) {
      const n = c.get(id) ?? 0;
      const from = lines.has(id) ? `, from ${cite(log, lines.get(id))}` : '';
      out.set(id, { cpus: n, comment: `${what}${from}${plusBoot && id === bootNode ? ' + the boot CPU' : ''}; ${total} in all (${totalWhy})` });
    }
    return true;
  };
  if (f.sratCpus.size) {
    const counts = new Map([...f.sratCpus.entries()].map(([k, v]) => [k, v.size] as [number, number]));
    if (fromCounts(counts, 'counted from the SRAT CPU affinity lines', f.sratCpuLines, false)) return out;
  }
  if (f.smpbootCpus.size && fromCounts(f.smpbootCpus, 'counted from the smpboot bring-up lines', f.smpbootLines, true)) return out;
  const cpuNodes = nodeIds.filter((id) => memoryNodes.has(id));
  const over = cpuNodes.length ? cpuNodes : nodeIds;
  if (total !== null) {
    const each = Math.floor(total / over.length);
    const rest = total - each * over.length;
    over.forEach((id, i) =>
      out.set(id, { cpus: each + (i < rest ? 1 : 0), comment: `guess: ${total} CPUs (${totalWhy}) spread evenly over the ${over.length} node${over.length === 1 ? '' : 's'} with memory; the log has no complete per-node CPU list` }),
    );
    for (const id of nodeIds) if (!out.has(id)) out.set(id, { cpus: 0, comment: 'guess: a node without memory is taken as CPU-less' });
    if (over.length > 1) warnings.push(`cpus: ${total} CPUs spread evenly over ${over.length} nodes (no complete per-node list in the log)`);
    return out;
  }
  for (const id of nodeIds)
    out.set(id, memoryNodes.has(id) ? { cpus: 1, comment: 'guess: the log gives no CPU count; 1 (the format default): set the real count, it decides the deferred-init threads' } : { cpus: 0, comment: 'guess: a node without memory is taken as CPU-less' });
  warnings.push('cpus: the log gives no CPU count; 1 CPU per node written (set the real counts)');
  return out;
}

/** Raw namespace size from ndctl's usable size: search the size nd_pfn_init() maps to it. */
function rawNamespaceSize(profile: ArchProfile, ns: NdctlNamespace, start: number, align: number): { size: number; exact: boolean } {
  if (ns.mode === 'raw') return { size: ns.size, exact: true };
  const map = ns.map ?? 'dev';
  const usable = ns.size;
  const step = 2 * MiB;
  const lo = Math.max(16 * MiB, usable - (usable % step));
  const hi = usable + Math.ceil(usable / 50) + 2 * Math.max(align, step);
  if ((hi - lo) / step <= 400000) {
    // Several sizes can map to the same usable size (the data offset is rounded up to the alignment):
    // namespaces are carved in large aligned units, so take the most aligned candidate.
    let best: number | null = null;
    for (let s = lo; s <= hi; s += step) {
      const r = ndPfnInit(profile, { name: ns.dev, start, size: s, align, map, mode: ns.mode });
      if (r.ok && s - r.layout.offset - r.layout.endTrunc === usable && (best === null || alignmentOf(s) > alignmentOf(best))) best = s;
    }
    if (best !== null) return { size: best, exact: true };
  }
  const P = profile.pageSize;
  const meta = map === 'dev' ? 8 * KiB + 64 * Math.ceil(usable / (P - 64)) : 8 * KiB;
  return { size: alignUp(usable + meta, Math.max(align, step)), exact: false };
}

/** Persistent-memory ranges the log shows (SRAT non-volatile, else e820 type 7/12): where namespaces live. */
interface PmemRegion {
  start: number;
  end: number;
  node: number | null;
  why: string;
  next: number;
}

function pmemRegions(log: LogInput | null): PmemRegion[] {
  if (!log) return [];
  const srat = log.facts.sratMemory.filter((r) => r.nonVolatile && r.start !== null && r.end !== null);
  const list = srat.length
    ? srat.map((r) => ({ start: r.start!, end: r.end! + 1, node: r.node, why: cite(log, r.line), next: r.start! }))
    : log.facts.e820Persistent.map((r) => ({ start: r.start, end: r.end + 1, node: null, why: cite(log, r.line), next: r.start }));
  return list.sort((a, c) => a.start - c.start);
}

/** Where a dax device without mappings is, when the log's lsmem shows its System RAM (see buildImport). */
type Claimed = Map<string, { start: number; comment: string }>;
/** daxctl -M mappings ("daxX.Y#i") the log's lsmem / SRAT listed as a node's memory: the comment saying so. */
type MappedFrom = Map<string, string>;

/** The log's e820 type-12 ranges (E820_TYPE_PRAM: legacy pmem, memmap=nn!ss), which nd_e820 makes ND_REGION_PAGEMAP regions. */
function pramRanges(log: LogInput | null): { start: number; end: number; why: string }[] {
  return log ? log.facts.e820Persistent.filter((r) => r.type === 12).map((r) => ({ start: r.start, end: r.end, why: cite(log, r.line) })) : [];
}

function deviceDrafts(nd: NdctlInput, profile: ArchProfile, nodeIds: Set<number>, ramEnd: number, regions: PmemRegion[], pram: { start: number; end: number; why: string }[], warnings: string[], claimed: Claimed, mapped: MappedFrom): { devices: DeviceDraft[]; extraNodes: number[] } {
  const devices: DeviceDraft[] = [];
  const extraNodes: number[] = [];
  const file = basename(nd.path);
  let cursor = alignUp(ramEnd, GiB);
  const fixed = [
    ...nd.parse.namespaces.filter((n) => n.resource !== null).map((n) => ({ start: n.resource!, end: n.resource! + n.size })),
    ...nd.parse.daxDevices.flatMap((d) => d.mappings.map((m) => ({ start: m.start, end: m.start + m.size }))),
    ...nd.parse.daxDevices.flatMap((d) => (claimed.has(d.chardev) ? [{ start: claimed.get(d.chardev)!.start, end: claimed.get(d.chardev)!.start + d.size }] : [])),
  ];
  for (const ns of nd.parse.namespaces) {
    const before = [`from ${ns.file ?? file}:${ns.line}: ${ns.summary}`];
    const inline: Record<string, string> = {};
    const align = ns.mode === 'raw' ? null : (ns.align ?? 2 * MiB);
    if (ns.mode !== 'raw' && ns.align === null) inline.align = 'ndctl printed no align: the ndctl default 2M';
    if (ns.modeAsPrinted !== ns.mode) inline.mode = ns.modeAsPrinted === 'sector' || ns.modeAsPrinted === 'safe' ? `ndctl mode "${ns.modeAsPrinted}" (BTT): no struct pages, modelled as raw` : `ndctl mode "${ns.modeAsPrinted}" is the older name of ${ns.mode}`;
    let node = ns.numaNode ?? ns.targetNode ?? null;
    let start: number;
    // Without "resource": the first persistent-memory range of the log with room for it (on its node, if
    // ndctl names one), else above RAM.
    const need = rawNamespaceSize(profile, ns, 0, align ?? 2 * MiB).size;
    const region = ns.resource === null ? regions.find((r) => (node === null || r.node === null || r.node === node) && r.end - alignUp(r.next, 2 * MiB) >= need) : undefined;
    if (ns.resource !== null) {
      start = ns.resource;
      inline.start = 'ndctl "resource"';
    } else if (region) {
      start = alignUp(region.next, 2 * MiB);
      inline.start = `in the persistent memory of ${region.why}: ndctl printed no "resource" (ndctl list -Nv shows it)`;
      if (node === null && region.node !== null) node = region.node;
    } else {
      // Above RAM and every namespace placed so far, 1 GiB aligned.
      for (;;) {
        const s = cursor;
        const clash = fixed.find((r) => r.start < s + need + GiB && s < r.end);
        if (!clash) break;
        cursor = alignUp(clash.end, GiB);
      }
      start = cursor;
      inline.start = 'placed above RAM: ndctl printed no "resource" (ndctl list -Nv shows it)';
      warnings.push(`devices: ${ns.dev} has no "resource" in the ndctl JSON; placed at ${hx(start)}, above RAM`);
    }
    if (ns.numaNode !== null) inline.node = 'ndctl numa_node';
    else if (ns.targetNode !== null) inline.node = 'ndctl target_node';
    else if (node !== null) inline.node = 'the node of that persistent memory range';
    else inline.node = 'ndctl printed no numa_node: node 0';
    node ??= 0;
    if (!nodeIds.has(node)) {
      nodeIds.add(node);
      extraNodes.push(node);
    }
    const raw = rawNamespaceSize(profile, ns, start, align ?? 2 * MiB);
    if (ns.mode !== 'raw') {
      inline.size = `ndctl size ${ns.size} is the usable size; + info block and ${ns.map === 'mem' ? 'alignment' : 'memmap reservation (map=dev)'} = the namespace size${raw.exact ? '' : ' (approximate: no size maps exactly)'}`;
      if (!raw.exact) warnings.push(`devices: ${ns.dev}: the namespace size is approximate (${formatBytes(raw.size)})`);
    } else inline.size = 'ndctl size';
    if (ns.sizeApproximate) {
      inline.size += '; ndctl -u printed it rounded';
      warnings.push(`devices: ${ns.dev}: ndctl -u printed a rounded size; list without -u for exact sizes`);
    }
    if (region) region.next = start + raw.size;
    else if (ns.resource === null) cursor = alignUp(start + raw.size, GiB);
    const value: Record<string, unknown> = { name: ns.dev, node, kind: 'pmem', mode: ns.mode, start: hx(start), size: sizeText(raw.size) };
    // In an e820 type-12 range: an nd_e820 region (ND_REGION_PAGEMAP), where even a raw namespace gets struct pages.
    const inPram = pram.find((r) => r.start <= start && start <= r.end);
    if (inPram) {
      value.provider = 'e820';
      inline.provider = `in ${inPram.why}: legacy / memmap=nn!ss pmem (E820_TYPE_PRAM), an nd_e820 region`;
    }
    if (align !== null) value.align = sizeText(align);
    if (ns.mode !== 'raw') {
      value.map = ns.map ?? 'dev';
      if (ns.map === null) inline.map = 'ndctl printed no map: the ndctl default dev';
    }
    const dev = ns.blockdev ? `/dev/${ns.blockdev}` : ns.chardev ? `/dev/${ns.chardev}` : null;
    if (dev) inline.name = `${ns.blockdev ? 'blockdev' : 'chardev'} ${dev}`;
    devices.push({ value, before, inline });
  }
  for (const dax of nd.parse.daxDevices) {
    const node = dax.targetNode ?? 0;
    if (!nodeIds.has(node)) {
      nodeIds.add(node);
      extraNodes.push(node);
    }
    // One device per physical range (daxctl -M); one range placed above RAM without them.
    const pieces = dax.mappings.length ? dax.mappings : [{ start: -1, size: dax.size }];
    pieces.forEach((piece, i) => {
      const before = i === 0 ? [`from ${dax.file ?? file}:${dax.line}: ${dax.summary}`] : [];
      const inline: Record<string, string> = {};
      const name = pieces.length > 1 ? `${dax.chardev}.m${i}` : dax.chardev;
      inline.name = pieces.length > 1 ? `mapping ${i + 1} of ${pieces.length} of /dev/${dax.chardev} (daxctl -M)` : `daxctl chardev /dev/${dax.chardev}`;
      inline.node = dax.targetNode !== null ? 'daxctl target_node' : 'daxctl printed no target_node: node 0';
      if (dax.provider) inline.kind = `from the region path ${dax.regionPath}`;
      else {
        inline.kind = 'guess: daxctl list -D does not say what provides the memory (daxctl list -RD prints the region path); cxl, or hmem for firmware soft-reserved memory';
        if (i === 0) warnings.push(`devices: ${dax.chardev}: kind cxl assumed (daxctl list -RD shows the region path, which says)`);
      }
      if (dax.modeAsPrinted !== 'devdax') inline.mode = dax.mode === 'kmem' ? 'daxctl mode "system-ram": dax/kmem onlines it as System RAM' : `daxctl mode "${dax.modeAsPrinted}": a device-dax mode`;
      let start: number;
      const found = claimed.get(dax.chardev);
      if (piece.start >= 0) {
        start = piece.start;
        const from = mapped.get(`${dax.chardev}#${i}`);
        inline.start = from ? `daxctl -M mapping start; ${from}` : 'daxctl -M mapping start';
      } else if (found) {
        start = found.start;
        inline.start = found.comment;
      } else {
        for (;;) {
          const s = cursor;
          const clash = fixed.find((r) => r.start < s + piece.size + GiB && s < r.end);
          if (!clash) break;
          cursor = alignUp(clash.end, GiB);
        }
        start = cursor;
        cursor = alignUp(start + piece.size, GiB);
        inline.start = 'placed above RAM: daxctl printed no mappings (daxctl list -M shows them)';
        warnings.push(`devices: ${dax.chardev} has no mappings in the daxctl JSON; placed at ${hx(start)}, above RAM`);
      }
      inline.size = pieces.length > 1 ? 'daxctl -M mapping size' : 'daxctl size';
      if (dax.sizeApproximate) {
        inline.size += '; daxctl -u printed it rounded';
        if (i === 0) warnings.push(`devices: ${dax.chardev}: daxctl -u printed a rounded size; list without -u for exact sizes`);
      }
      const value: Record<string, unknown> = { name, node, kind: dax.provider ?? 'cxl', mode: dax.mode, start: hx(start), size: sizeText(piece.size) };
      if (dax.align !== null) {
        value.align = sizeText(dax.align);
        inline.align = 'daxctl align';
      }
      // Not an NVDIMM namespace: no info block, the memmap is always in RAM (or self-hosted by kmem).
      value.map = 'mem';
      inline.map = 'a dax region without an info block keeps its memmap in RAM';
      if (dax.mode === 'kmem' && i === 0) {
        if (dax.onlineBlocks !== null && dax.totalBlocks !== null) before.push(`system-ram: ${dax.onlineBlocks} of ${dax.totalBlocks} memory blocks online`);
        before.push(`memmapOnMemory: daxctl does not print it; cat /sys/bus/dax/devices/${dax.chardev}/memmap_on_memory (6.8+) and set it to true if that says 1${dax.provider === 'cxl' ? ' (for a CXL device the kernel defaults it to 1, and so does the config when kernel.memmapOnMemory allows it)' : ''}`);
      }
      devices.push({ value, before, inline });
    });
  }
  for (const s of nd.parse.skipped) warnings.push(`devices: ${basename(nd.path)}:${s.line}:${s.column}: skipped ${s.message}`);
  return { devices, extraNodes };
}

/** Build the config. */
export function buildImport(req: ImportRequest): ImportResult {
  const log = req.log ?? null;
  const nd = req.ndctl ?? null;
  if (!log && !nd) return { ok: false, errors: ['nothing to import: give a kernel log and/or `ndctl list -N` JSON'] };
  if (nd && nd.parse.errors.length) return { ok: false, errors: nd.parse.errors.map((e) => `${nd.path}:${e.line}:${e.column}: ${e.message}`) };
  const warnings: string[] = [];
  const comments = new Comments();
  const header: string[] = [];
  const trailer: string[] = [];
  const b = log?.boot ?? null;
  // How the log was read (UTF-16 transcoded, CR-only line ends), as `analyze` says it: line numbers cited below
  // count lines as read that way.
  if (log?.file.input.encoding) warnings.push(`input: the log is ${log.file.input.encoding.toUpperCase()}: it was read transcoded to UTF-8`);
  if (log?.file.input.crOnlyLineEndings) warnings.push(`input: ${CR_ONLY_NOTE}`);

  header.push('Imported by `memmap-lab import`: a workload config built from a real machine.');
  if (log && b) {
    const f = log.file;
    header.push(
      `log: ${log.path} (${f.format}, boot ${bootNumber(b)} of ${f.boots.length}: lines ${b.firstLine}-${b.lastLine}${f.input.quotedPrintable ? ', quoted-printable decoded' : ''}${f.input.mailQuoted ? ', mail quoting removed' : ''})`,
    );
  }
  if (nd) header.push(`devices: ${nd.path} (${[nd.parse.namespaces.length ? 'ndctl list -N' : '', nd.parse.daxDevices.length ? 'daxctl list' : ''].filter(Boolean).join(', ') || 'ndctl / daxctl JSON'})`);
  header.push('Each value says where it came from; "guess:" marks values the input does not give (check them).');

  // Messages with numbers the analyzer cannot hold exactly: what they say is missing from the config.
  for (const x of b?.numbersTooLarge.slice(0, 5) ?? []) {
    const t = `line ${x.line}: ${x.number} is above 2^53 - 1 (not exact as a number): ${x.kept ? 'that value' : 'the message'} was not read: "${x.text}"`;
    warnings.push(`log: ${t}`);
    trailer.push(`not imported: ${t}`);
  }
  if (b && b.numbersTooLarge.length > 5) warnings.push(`log: ${b.numbersTooLarge.length - 5} more lines with numbers above 2^53 - 1 (memmap-lab analyze lists them)`);

  // ---- arch and kernel
  const archChoice = chooseArch(log, warnings);
  const value: Record<string, unknown> = {};
  const name = b?.machine ? b.machine.replace(/,\s*BIOS\b.*$/, '').trim() : null;
  // A name is printable text (the schema's IDENT_PATTERN): whatever else the DMI string or the file name holds is dropped.
  value.name = printableName(name || basename(log?.path ?? nd!.path).replace(/\.(log|txt|json)$/i, ''));
  comments.inline('name', b?.machine ? `from ${cite(log!, b.machineLine)}` : 'the input file name');
  value.arch = archChoice.arch;
  comments.before('arch', ...archChoice.details);
  comments.inline('arch', archChoice.comment);

  const kernel: Record<string, unknown> = {};
  const rel = b?.kernelVersion ?? null;
  const vm = rel ? /^(\d+)\.(\d+)/.exec(rel) : null;
  if (vm) {
    kernel.version = `${vm[1]}.${vm[2]}`;
    comments.inline('kernel.version', `from ${cite(log!, b!.kernel?.line)}${b!.kernel && b!.kernel.source !== 'linux-version' ? ` (${b!.kernel.source})` : ''}`);
  } else if (b?.deferredInit.some((d) => d.format === 'pages-initialised')) {
    // "node N initialised, P pages in T ms" was printed by v4.2 to v5.7 only: not a 6.12 log.
    const d = b.deferredInit.find((x) => x.format === 'pages-initialised')!;
    kernel.version = OLD_DEFERRED_WORDING_LAST;
    // What a kernel before 4.17 left early beyond the one section assumed here (earlyDeferTarget()), and the struct
    // pages of that memory, which a node rebuilt from its deferred page count also holds (reserved: not deferred).
    const assumed = archProfile({ arch: archChoice.arch, kernel: kernelOptions(OLD_DEFERRED_WORDING_LAST) });
    const moreEarly = (earlyDeferTarget([4, 16], assumed.pagesPerSection, assumed.pageSize) - earlyDeferTarget(assumed.version, assumed.pagesPerSection, assumed.pageSize)) * assumed.pageSize;
    const moreMemmap = (moreEarly / assumed.pageSize) * assumed.structPageSize;
    comments.inline('kernel.version', `guess: no version line; the deferred-init wording dates the kernel to v4.2..v${OLD_DEFERRED_WORDING_LAST} (see above)`);
    comments.before(
      'kernel.version',
      `kernel.version: the log prints no version, but "node N initialised, P pages" (${cite(log!, d.line)}) was printed by v4.2 to v${OLD_DEFERRED_WORDING_LAST} only.`,
      `${OLD_DEFERRED_WORDING_LAST} is assumed: the newest of them, the closest to the releases the simulator models exactly (6.1, 6.12).`,
      `Before 4.17 deferred init left at least 2 GiB of the highest zone early, not one section. For such a kernel (v4.2..v4.16): set kernel.version to it`,
      `and add ${moreEarly} bytes (2 GiB less one ${formatBytes(assumed.sectionSize)} section) to the size of the last range of each node RECONSTRUCTED from its deferred pages (below),`,
      `plus ${moreMemmap} for that memory's struct pages (${assumed.structPageSize} B per ${formatBytes(assumed.pageSize)} page; page tables can add a few KiB) to keep the printed deferred count.`,
      'Editing kernel.version alone keeps the reconstructed size; ranges the log prints need no change.',
    );
    warnings.push(`kernel.version: not in the log; the deferred-init wording dates it to v4.2..v${OLD_DEFERRED_WORDING_LAST}: ${OLD_DEFERRED_WORDING_LAST} assumed`);
  } else {
    kernel.version = '6.12';
    comments.inline('kernel.version', `guess: ${log ? 'the log prints' : 'ndctl / daxctl JSON gives'} no kernel version; the format default 6.12`);
    if (log) warnings.push('kernel.version: not in the log; 6.12 assumed');
  }
  const version = kernel.version as string;
  const profile = archProfile({ arch: archChoice.arch, kernel: kernelOptions(version) });

  if (b && b.deferredInit.length) {
    kernel.deferredInit = true;
    comments.inline('kernel.deferredInit', `from ${cite(log!, b.deferredInit[0].line)}`);
  }
  if (log?.facts.hypervisor && archChoice.arch === 'x86_64') {
    kernel.hypervisor = true;
    comments.inline('kernel.hypervisor', `from ${cite(log, log.facts.hypervisor.line)}`);
  }
  const cmdline = b?.commandLine ?? '';
  const hvoOn = /(?:^|\s)hugetlb_free_vmemmap=(?:on|y|yes|1)\b/.test(cmdline);
  if (b && (hvoOn || b.hugetlbOptimizedAtBoot)) {
    kernel.hvo = true;
    comments.inline('kernel.hvo', hvoOn ? `from the command line (${cite(log!, b.commandLineLine)}): hugetlb_free_vmemmap=on` : `from ${cite(log!, b.hugetlbOptimizedAtBoot!.line)}`);
  }
  value.kernel = kernel;

  // ---- nodes
  let ranges = new Map<number, { ranges: Range[]; comment: string | null; memoryless: boolean; reconstructed: boolean }>();
  if (log) {
    ranges = nodeRangesFrom(log, profile, warnings);
    if (![...ranges.values()].some((n) => n.ranges.length)) {
      return {
        ok: false,
        errors: [
          `${log.path}: no node memory in the log: it has no "Early memory node ranges", "Initmem setup node N [mem ...]", "SRAT: Node N PXM P [mem ...]" or lsmem range line, and no page count to reconstruct a node from ("On node N totalpages", "node N initialised, P pages", "Memory: .../...K available")${nd ? '' : '; add the ranges by hand or import a fuller log (dmesg from boot)'}`,
        ],
      };
    }
  } else {
    // ndctl only: RAM is not described; one placeholder node per referenced node.
    // (A dax device's target node is usually CPU-less and memory-less: it joins as such below.)
    const ids = new Set(nd!.parse.namespaces.map((n) => n.numaNode ?? n.targetNode ?? 0));
    if (ids.size === 0) ids.add(0);
    let at = 4 * GiB;
    for (const id of [...ids].sort((a, c) => a - c)) {
      ranges.set(id, { ranges: [{ start: at, size: 64 * GiB, comment: 'PLACEHOLDER: ndctl / daxctl JSON does not describe RAM; put the real ranges here (or import the boot log too)' }], comment: null, memoryless: false, reconstructed: true });
      at += 64 * GiB;
    }
    warnings.push('nodes: ndctl / daxctl JSON does not describe RAM: each node got a 64G placeholder range; import the boot log as well for the real ranges');
  }
  // A dax/kmem device without mappings whose System RAM the log's lsmem lists on its node (lsmem shows
  // the memory after boot, hot-added included): that range is the device, not boot RAM.
  const claimed: Claimed = new Map();
  if (log && nd) {
    for (const dax of nd.parse.daxDevices) {
      if (dax.mode !== 'kmem' || dax.mappings.length || dax.targetNode === null) continue;
      const node = ranges.get(dax.targetNode);
      const i = node ? node.ranges.findIndex((r) => r.lsmem && r.size === dax.size) : -1;
      if (!node || i < 0) continue;
      const [r] = node.ranges.splice(i, 1);
      claimed.set(dax.chardev, { start: r.start, comment: `lsmem ${r.comment.replace(/^from /, '')}: node ${dax.targetNode}'s ${formatBytes(dax.size)} of System RAM is this device (daxctl system-ram), not boot RAM` });
      if (!node.ranges.length) {
        node.memoryless = true;
        node.comment = `no boot RAM: the memory lsmem lists on node ${dax.targetNode} is ${dax.chardev} (dax/kmem)`;
      }
    }
  }
  // A dax device with mappings (daxctl -M) whose memory the log's lsmem (dax/kmem: System RAM after boot)
  // or SRAT (firmware ranges, soft-reserved memory included) lists as a node's: those bytes are the
  // device, not boot RAM (else the simulated add_memory() of the device fails with -EEXIST).
  const mapped: MappedFrom = new Map();
  if (log && nd) {
    for (const dax of nd.parse.daxDevices) {
      dax.mappings.forEach((m, i) => {
        const end = m.start + m.size;
        for (const [id, node] of ranges) {
          const kept: Range[] = [];
          const took: string[] = [];
          for (const r of node.ranges) {
            const from = r.lsmem && dax.mode === 'kmem' ? 'lsmem' : r.srat ? 'SRAT' : null;
            if (!from || r.start >= end || m.start >= r.start + r.size) {
              kept.push(r);
              continue;
            }
            const what = `${hx(Math.max(r.start, m.start))}-${hx(Math.min(r.start + r.size, end) - 1)}`;
            took.push(`${from} ${r.comment.replace(/^from /, '')}`);
            const less = `; less ${what}: ${dax.chardev}${dax.mappings.length > 1 ? ` mapping ${i + 1}` : ''} (daxctl -M), not boot RAM`;
            if (r.start < m.start) kept.push({ ...r, size: m.start - r.start, comment: r.comment + less });
            if (r.start + r.size > end) kept.push({ ...r, start: end, size: r.start + r.size - end, comment: r.comment + less });
          }
          if (!took.length) continue;
          node.ranges = kept;
          const key = `${dax.chardev}#${i}`;
          const tail = `node ${id}'s memory there is this device (daxctl ${dax.modeAsPrinted}), not boot RAM`;
          mapped.set(key, [mapped.get(key), `${took.join('; ')}: ${tail}`].filter(Boolean).join('; '));
          if (id !== dax.targetNode && dax.targetNode !== null) warnings.push(`devices: ${dax.chardev}: its mapping ${hx(m.start)}-${hx(end - 1)} is listed on node ${id}, daxctl says target_node ${dax.targetNode}`);
          if (!node.ranges.length) {
            node.memoryless = true;
            node.comment = `no boot RAM: the memory the log lists on node ${id} is ${dax.chardev} (${dax.mode === 'kmem' ? 'dax/kmem' : 'device-dax'}, daxctl -M)`;
          }
        }
      });
    }
  }
  const nodeIds = new Set(ranges.keys());
  const ramEnd = Math.max(0, ...[...ranges.values()].flatMap((n) => n.ranges.map((r) => r.start + r.size)));
  const devs = nd ? deviceDrafts(nd, profile, nodeIds, ramEnd, pmemRegions(log), pramRanges(log), warnings, claimed, mapped) : { devices: [], extraNodes: [] };
  for (const id of devs.extraNodes) ranges.set(id, { ranges: [], comment: 'a node only the devices name (numa_node / target_node): no RAM', memoryless: true, reconstructed: false });
  const ids = [...ranges.keys()].sort((a, c) => a - c);
  const memoryNodes = new Set(ids.filter((id) => ranges.get(id)!.ranges.length > 0));
  const cpus = log
    ? cpusFor(log, ids, memoryNodes, warnings)
    : new Map(ids.map((id) => [id, { cpus: memoryNodes.has(id) ? 1 : 0, comment: 'guess: ndctl / daxctl JSON does not say; set the real count' }]));

  const nodes: NodeDraft[] = ids.map((id) => {
    const r = ranges.get(id)!;
    const c = cpus.get(id) ?? { cpus: 1, comment: 'guess' };
    return { id, cpus: c.cpus, cpusComment: c.comment, ranges: r.ranges, rangesComment: r.comment, before: [] };
  });
  // Measured figures per node (comments, or calibration points with --calibrate).
  if (b) {
    for (const n of nodes) {
      for (const d of b.deferredInit.filter((x) => x.node === n.id)) n.before.push(`measured: deferred init ${d.ms} ms${d.pages !== null ? ` for ${d.pages} pages` : ''} (${cite(log!, d.line)})`);
    }
  }
  value.nodes = nodes.map((n) => ({ id: n.id, cpus: n.cpus, ranges: n.ranges.map((r) => ({ start: hx(r.start), size: sizeText(r.size) })) }));
  nodes.forEach((n, i) => {
    comments.before(`nodes[${i}]`, ...n.before);
    comments.inline(`nodes[${i}].cpus`, n.cpusComment);
    if (n.rangesComment) comments.before(`nodes[${i}].ranges`, n.rangesComment);
    n.ranges.forEach((r, j) => comments.inline(`nodes[${i}].ranges[${j}]`, r.comment));
  });

  // ---- devices
  if (devs.devices.length) {
    value.devices = devs.devices.map((d) => d.value);
    devs.devices.forEach((d, i) => {
      comments.before(`devices[${i}]`, ...d.before);
      for (const [k, t] of Object.entries(d.inline)) comments.inline(`devices[${i}].${k}`, t);
    });
  }

  // ---- hugetlb pools
  if (b) {
    const pools: { node: number; pageSize: string | number; count: number }[] = [];
    const poolComments: string[] = [];
    // HPAGE_SIZE (the PMD size): what hugepages= means before any hugepagesz=.
    const hpage: Partial<Record<Arch, number>> = { 'arm64-16k': 32 * MiB, 'arm64-64k': 512 * MiB, 'ppc64-hash': 16 * MiB, s390x: MiB };
    const fromCmd = hugepagesFromCmdline(cmdline, hpage[archChoice.arch] ?? 2 * MiB);
    const memNodes = [...memoryNodes];
    for (const h of b.hugetlb) {
      const count = h.preallocatedPages;
      if (!count) continue;
      const c = fromCmd.get(h.pageSizeBytes);
      const src = `${cite(log!, h.preallocatedLine ?? h.line)}`;
      if (c?.perNode && [...c.perNode.keys()].every((node) => memoryNodes.has(node))) {
        for (const [node, n] of c.perNode) if (n > 0) {
          pools.push({ node, pageSize: sizeText(h.pageSizeBytes), count: n });
          poolComments.push(`node ${node}: ${n} from the command line "hugepages=...${node}:${n}"; the log pre-allocated ${count} in all (${src})`);
        }
        continue;
      }
      const each = Math.floor(count / memNodes.length);
      const rest = count - each * memNodes.length;
      memNodes.forEach((node, i) => {
        const n = each + (i < rest ? 1 : 0);
        if (n === 0) return;
        pools.push({ node, pageSize: sizeText(h.pageSizeBytes), count: n });
        poolComments.push(
          memNodes.length > 1
            ? `node ${node}: ${n} of the ${count} pre-allocated (${src}), interleaved over the memory nodes as hugepages=N allocates them`
            : `from ${src}`,
        );
      });
    }
    if (pools.length) {
      value.hugetlb = pools;
      poolComments.forEach((c, i) => comments.inline(`hugetlb[${i}]`, c));
    }
    const hvoLines = b.hugetlb.filter((h) => h.vmemmapFreeableKiB !== null);
    if (hvoLines.length && !kernel.hvo) {
      trailer.push(
        `HVO: the log prints what HVO could free (${hvoLines.map((h) => `${h.vmemmapFreeableKiB} KiB per ${formatBytes(h.pageSizeBytes)} page, line ${h.hvoLine ?? h.line}`).join('; ')}) whether or not it is on; kernel.hvo is left at its default (off).`,
      );
    }
  }
  // ---- a first load (for the memory block probe and device matching)
  const fileName = req.outputName ?? 'machine.memmap.yaml';
  const flow = (p: string) => /^nodes\[\d+\]\.ranges\[\d+\]$/.test(p) || /^hugetlb\[\d+\]$/.test(p) || /^machine\.calibration\[\d+\]$/.test(p);
  /** The config as it stands (no comments), loaded and simulated; a string when it does not load (an importer bug). */
  const draft = (): { config: WorkloadConfig; memmap: MemmapResult } | string[] => {
    const r = loadConfigText(renderYaml(value, new Comments(), [], [], flow), fileName);
    return r.config ? { config: r.config, memmap: simulateMemmap(r.config) } : r.errors.map((e) => `internal error: the imported config does not load: ${e.message}`);
  };
  let d = draft();
  if (Array.isArray(d)) return { ok: false, errors: d };
  let cfg = d.config;
  let memmap = d.memmap;
  // Nodes rebuilt from "node N initialised, P pages": that count is of free pages (deferred_init_memmap() walks
  // free ranges), so the node also holds what memblock reserved at its top, its memmap and page tables. Grow
  // each such node until the simulation defers exactly P pages (the memmap of the growth is tiny: a few rounds).
  for (let round = 0; round < 4; round++) {
    const work = buildInitWorkload(cfg, memmap);
    let grown = false;
    nodes.forEach((n, i) => {
      const r = n.ranges[0];
      const w = work.nodes.find((x) => x.id === n.id);
      if (r?.deferredTarget === undefined || !w || w.deferredPages === r.deferredTarget) return;
      r.size += (r.deferredTarget - w.deferredPages) * profile.pageSize;
      (value.nodes as { ranges: { size: string | number }[] }[])[i].ranges[0].size = sizeText(r.size);
      grown = true;
    });
    if (!grown) break;
    d = draft();
    if (Array.isArray(d)) return { ok: false, errors: d };
    ({ config: cfg, memmap } = d);
  }

  // No deferred-init line, and a kernel that prints "Memory:" before deferred init runs (before 6.12, as the
  // simulator models it): pages left for deferred init are not free yet, and mem_init_print_info() counts them
  // neither as available (nr_free_pages()) nor as reserved (physpages - totalram - cma: totalram has them).
  // When available + reserved + cma-reserved leave less than half of what the simulation would defer
  // unaccounted, the log proves nothing was deferred.
  let notDeferred: string[] | null = null;
  const m = b?.memory ?? null;
  if (b && m && b.deferredInit.length === 0 && m.reservedKiB !== null && !atLeast(profile.version, BOUNDARY.modern)) {
    const deferredKiB = (buildInitWorkload(cfg, memmap).nodes.reduce((s, n) => s + n.deferredPages, 0) * profile.pageSize) / KiB;
    const gapKiB = m.totalKiB - m.availableKiB - m.reservedKiB - (m.cmaReservedKiB ?? 0);
    if (deferredKiB > 0 && gapKiB < deferredKiB / 2) {
      kernel.deferredInit = false;
      comments.inline('kernel.deferredInit', `the log proves it off (see the end): ${cite(log!, m.line)}`);
      notDeferred = [
        `kernel.deferredInit: false: "Memory:" (line ${m.line}) is printed before deferred init runs on ${version} (before 6.12), when the pages left for it are neither available nor reserved.`,
        `There ${m.availableKiB}K available (${((m.availableKiB / m.totalKiB) * 100).toFixed(0)}%) + ${m.reservedKiB}K reserved + ${m.cmaReservedKiB ?? 0}K cma-reserved leave ${gapKiB}K of the ${m.totalKiB}K total,`,
        `less than half of the ${deferredKiB}K the simulation would defer: nothing was deferred (no CONFIG_DEFERRED_STRUCT_PAGE_INIT).`,
      ];
      d = draft();
      if (Array.isArray(d)) return { ok: false, errors: d };
      ({ config: cfg, memmap } = d);
    }
  }

  if (b && b.memoryBlockBytes !== null) {
    const line = b.memoryBlockLine;
    if (memmap.layout.memoryBlockBytes !== b.memoryBlockBytes) {
      kernel.memoryBlockSize = sizeText(b.memoryBlockBytes);
      comments.inline('kernel.memoryBlockSize', `from ${cite(log!, line)}; the simulator would probe ${formatBytes(memmap.layout.memoryBlockBytes)}`);
    } else {
      comments.before('kernel', `memory block size ${formatBytes(b.memoryBlockBytes)} (${cite(log!, line)}) is what the simulator probes: kernel.memoryBlockSize not needed`);
    }
  }

  // ---- measured timings: calibration points or comments
  let calibration: CalibrationPointOut[] = [];
  if (b) {
    const timing = simulateTiming(cfg, memmap, { calibrate: false });
    const work = buildInitWorkload(cfg, memmap);
    const matches = matchZoneDevices(b.zoneDevice, simulatedDevices(work, timing));
    const cal = calibrationPoints(log!, cfg, work, matches);
    for (const s of cal.skipped) trailer.push(`not calibrated: ${s}`);
    for (const z of b.zoneDevice) {
      const m = matches.find((x) => x.measured === z);
      if (!m?.device) trailer.push(`measured: ZONE_DEVICE init of ${z.pages} pages in ${z.ms} ms (${cite(log!, z.line)})${nd ? ': no namespace of that size' : ': import the `ndctl list -N` JSON too to get the namespaces'}`);
      else trailer.push(`measured: ${m.device.name}: ZONE_DEVICE init of ${z.pages} pages in ${z.ms} ms (${cite(log!, z.line)}), matched ${m.how}`);
    }
    if (req.calibrate) {
      calibration = cal.points;
      if (calibration.length) {
        value.machine = { calibration: calibration.map((p) => p.value) };
        calibration.forEach((p, i) => comments.inline(`machine.calibration[${i}]`, p.comment));
        comments.before('machine', 'calibration points from the log (import --calibrate): they scale the timing model\'s per-page costs');
      } else warnings.push('--calibrate: the log has no usable deferred-init or ZONE_DEVICE time (0 ms or no matching node/device)');
    } else if (cal.points.length) {
      trailer.push(`${cal.points.length} measured time${cal.points.length === 1 ? '' : 's'} above can become machine.calibration points: memmap-lab import --calibrate (or memmap-lab compare --calibrate).`);
    }
  }
  if (notDeferred !== null) {
    trailer.push(...notDeferred);
  } else if (b && b.deferredInit.length === 0) {
    trailer.push('no deferred-init line in the log: kernel.deferredInit keeps its default (true); set it to false if the kernel has no CONFIG_DEFERRED_STRUCT_PAGE_INIT (or the slice just ends before page_alloc_init_late).');
  }
  if (b) {
    for (const d of b.deviceMemory) trailer.push(`not modelled: ${d.kind} device memory${d.driver ? ` (${d.driver})` : ''} (${cite(log!, d.line)})`);
    for (const h of b.hotplug.filter((x) => x.kind === 'virtio-mem-add')) trailer.push(`hot-added at run time, not imported: ${cite(log!, h.line)} (add a hotplug entry to model it)`);
  }

  let text = renderYaml(value, comments, header, trailer, flow);
  if (!text.endsWith('\n')) text += '\n';
  const final = loadConfigText(text, fileName);
  if (!final.config) return { ok: false, errors: final.errors.map((e) => `internal error: the imported config does not load: ${e.message}`) };
  memmap = simulateMemmap(final.config);
  // The machine booted: an error here is a gap in the importer or the simulator, said loudly (the config is
  // still written, to be edited).
  for (const e of memmap.errors) if (e.severity === 'error') warnings.push(`warning: the imported config fails in the simulated kernel: ${e.message} (the machine booted with this memory, so the importer or the simulator misses something: edit the config, and please report it with the log)`);
  return { ok: true, text, config: final.config, memmap, warnings, calibration };
}

/** Which kind of input a file is, from its first bytes. */
export function inputKind(head: string): 'ndctl' | 'numactl' | 'log' {
  if (looksLikeNdctlJson(head)) return 'ndctl';
  return /^\s*available: \d+ nodes? \(/.test(head) ? 'numactl' : 'log';
}
