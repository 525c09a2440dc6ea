// Measured (a boot log) vs predicted (a workload config run through the simulated mm core): the figures
// `memmap-lab compare` prints (docs/import-compare.md), the matching of ZONE_DEVICE log lines to config
// devices, and the calibration points --calibrate derives from the log.
//
// Every figure has measured, predicted, absError = predicted - measured and relError = absError / measured
// (null when the log says 0 or the config has nothing to compare with).

import type { Arch, WorkloadConfig } from '../config/types';
import { KiB, formatBytes } from '../config/units';
import type { ArchProfile } from '../core/arch';
import type { ArchFamily, ExtraFacts } from './import/facts';
import { logArchFamily, logPageSize } from './platform';
import { hugetlbVmemmapOptimizableSize } from '../core/hugetlb_vmemmap';
import { profileOf } from '../core/layout';
import type { MemmapResult } from '../core/types';
import type { InitWorkload, TimingResult } from '../core/init/types';
import type { Boot, ZoneDeviceInit } from './types';

/** What the comparer needs of a log (see import.ts: LogInput). */
export interface MeasuredLog {
  path: string;
  boot: Boot;
  texts: Map<number, string>;
  /** import's extra facts (readLog() reads them): more evidence for the log's arch and page size. */
  facts?: ExtraFacts | null;
}

export type FigureKind =
  | 'memoryTotalKiB'
  | 'memoryReservedKiB'
  | 'memmapPages'
  | 'memoryBlockBytes'
  | 'nodeBytes'
  | 'deferredInitMs'
  | 'deferredPages'
  | 'zoneDevicePages'
  | 'zoneDeviceMs'
  | 'hvoFreeableKiB';

/** What `memmap-lab compare` and the Memmap Log View call each figure. */
export const FIGURE_LABELS: Record<FigureKind, string> = {
  memoryTotalKiB: 'memory total',
  memoryReservedKiB: 'memory reserved',
  memmapPages: 'memmap pages',
  memoryBlockBytes: 'memory block size',
  nodeBytes: 'node memory',
  deferredInitMs: 'deferred init',
  deferredPages: 'deferred pages',
  zoneDevicePages: 'ZONE_DEVICE pages',
  zoneDeviceMs: 'ZONE_DEVICE init',
  hvoFreeableKiB: 'HVO freeable',
};

export interface Figure {
  figure: FigureKind;
  /** What it is about: "system", "node 0", "namespace0.0", "1 GiB page". */
  subject: string;
  unit: 'ms' | 'pages' | 'KiB' | 'bytes';
  measured: number;
  predicted: number | null;
  /** predicted - measured. */
  absError: number | null;
  /** (predicted - measured) / measured; null when measured is 0 or nothing is predicted. */
  relError: number | null;
  node: number | null;
  device: string | null;
  pageSizeBytes: number | null;
  /** Log line of the measurement (1-based) and its text. */
  line: number | null;
  source: string | null;
  note: string | null;
}

/** The log and the config are not for the same kind of machine or kernel: the predictions are for another one. */
export interface PlatformMismatch {
  /** What differs: the architecture (family), the base page size, or the kernel's major.minor. */
  what: 'arch' | 'pageSize' | 'kernelVersion';
  /** The log's and the config's value as shown ("arm64", "64 KiB", "6.13"). */
  log: string;
  config: string;
  /** Where the log's value comes from ("line 16: ..." / "arch-specific messages"). */
  evidence: string;
  /** The log line of that evidence, when there is one. */
  line: number | null;
  /** One line for humans. */
  message: string;
}

export interface CompareReport {
  figures: Figure[];
  /** Measurements with no counterpart in the config. */
  unmatched: { line: number; source: string | null; why: string }[];
  /** Each mismatch's message is also the first of `notes` (what views that show notes only get). */
  notes: string[];
  /** Arch, base page size or kernel major.minor of the log that differ from the config's ([] when they agree
   *  or the log does not say). */
  mismatches: PlatformMismatch[];
}

const ARCH_FAMILY: Record<Arch, ArchFamily> = {
  x86_64: 'x86',
  'arm64-4k': 'arm64',
  'arm64-16k': 'arm64',
  'arm64-64k': 'arm64',
  'ppc64-radix': 'powerpc',
  'ppc64-hash': 'powerpc',
  s390x: 's390',
  riscv64: 'riscv',
};

/**
 * What the log says about the machine and the kernel it is from, next to the config's: the architecture
 * (the analyzer's arch-only messages, else the kernel release, else a 512 MiB HugeTLB size: arm64 with 64K
 * pages only), the base page size (the analyzer's proof, else a 512 MiB HugeTLB size) and the kernel's
 * major.minor. Only what the log proves is compared: a log that does not say gives no mismatch.
 */
export function platformMismatches(log: MeasuredLog, cfg: WorkloadConfig, profile: ArchProfile): PlatformMismatch[] {
  const b = log.boot;
  const out: PlatformMismatch[] = [];
  const cite = (line: number | null) => (line === null ? null : citeLine(log, line));
  const input = { boot: b, facts: log.facts ?? null, cite: (line: number) => citeLine(log, line) };
  const fam = logArchFamily(input);
  const cfgFamily = ARCH_FAMILY[cfg.arch];
  if (fam && fam.value !== cfgFamily) {
    out.push({
      what: 'arch',
      log: fam.value,
      config: cfg.arch,
      evidence: fam.why,
      line: fam.line,
      message: `the log is from ${fam.value} (${fam.why}), the config models ${cfg.arch}: its predictions are for another architecture`,
    });
  }
  const page = logPageSize(input, fam?.value ?? null);
  if (page && page.value !== profile.pageSize) {
    out.push({
      what: 'pageSize',
      log: formatBytes(page.value),
      config: formatBytes(profile.pageSize),
      evidence: page.why,
      line: page.line,
      message: `the log's base pages are ${formatBytes(page.value)} (${page.why}), the config's ${cfg.arch} has ${formatBytes(profile.pageSize)} pages: per-page figures (memmap, HVO) cannot agree`,
    });
  }
  const kv = b.kernelVersion ? /^(\d+)\.(\d+)/.exec(b.kernelVersion) : null;
  const cv = /^(\d+)\.(\d+)/.exec(cfg.kernel.version);
  if (kv && cv && (Number(kv[1]) !== Number(cv[1]) || Number(kv[2]) !== Number(cv[2]))) {
    const line = b.kernel?.line ?? null;
    out.push({
      what: 'kernelVersion',
      log: `${Number(kv[1])}.${Number(kv[2])}`,
      config: cfg.kernel.version,
      evidence: cite(line) ?? `the kernel release "${b.kernelVersion}"`,
      line,
      message: `the log's kernel is ${Number(kv[1])}.${Number(kv[2])} (${cite(line) ?? b.kernelVersion}), the config models ${cfg.kernel.version}: version-dependent behaviour (struct page init, HVO, memory blocks) may differ`,
    });
  }
  return out;
}

/** A ZONE_DEVICE device of the simulated config: what memmap_init_zone_device() would print. */
export interface SimDevice {
  name: string;
  /** nr_pages of the pr_debug line (the data pfns after the altmap's reserve + free). */
  pages: number;
  ms: number;
  node: number;
}

export interface ZoneDeviceMatch {
  measured: ZoneDeviceInit;
  device: SimDevice | null;
  how: 'by page count' | 'by order' | null;
}

export interface CalibrationPointOut {
  phase: 'deferred' | 'zoneDevice';
  node: number | null;
  device: string | null;
  ms: number;
  line: number;
  /** The point as written into machine.calibration. */
  value: Record<string, unknown>;
  /** Where it came from, for a comment. */
  comment: string;
}

function figure(
  kind: FigureKind,
  subject: string,
  unit: Figure['unit'],
  measured: number,
  predicted: number | null,
  extra: Partial<Pick<Figure, 'node' | 'device' | 'pageSizeBytes' | 'line' | 'source' | 'note'>> = {},
): Figure {
  const round = (n: number) => Math.round(n * 1e6) / 1e6;
  const absError = predicted === null ? null : round(predicted - measured);
  const relError = predicted === null || measured === 0 ? null : roundRatio((predicted - measured) / measured);
  return {
    figure: kind,
    subject,
    unit,
    measured,
    predicted: predicted === null ? null : round(predicted),
    absError,
    relError,
    node: extra.node ?? null,
    device: extra.device ?? null,
    pageSizeBytes: extra.pageSizeBytes ?? null,
    line: extra.line ?? null,
    source: extra.source ?? null,
    note: extra.note ?? null,
  };
}

/** The ZONE_DEVICE devices of a simulated config, as the log would show them. */
export function simulatedDevices(work: InitWorkload, timing: TimingResult): SimDevice[] {
  return work.devices
    .filter((d) => d.kind === 'zoneDevice')
    .map((d) => {
      const t = timing.devices.find((x) => x.name === d.name);
      return { name: d.name, pages: d.initPages, ms: t ? t.initMs : 0, node: d.node };
    });
}

/** Log "memmap_init_zone_device initialised N pages" lines to config devices: by page count, else by order. */
export function matchZoneDevices(measured: readonly ZoneDeviceInit[], devices: readonly SimDevice[]): ZoneDeviceMatch[] {
  const used = new Set<string>();
  const out: ZoneDeviceMatch[] = measured.map((m) => {
    const d = devices.find((x) => !used.has(x.name) && x.pages === m.pages);
    if (!d) return { measured: m, device: null, how: null };
    used.add(d.name);
    return { measured: m, device: d, how: 'by page count' };
  });
  const rest = devices.filter((d) => !used.has(d.name));
  for (const o of out) {
    if (o.device || rest.length === 0) continue;
    const d = rest.shift()!;
    used.add(d.name);
    o.device = d;
    o.how = 'by order';
  }
  return out;
}

const citeLine = (log: MeasuredLog, line: number) => {
  const t = log.texts.get(line);
  return t ? `line ${line}: "${t}"` : `line ${line}`;
};

/** Calibration points from the log's deferred-init and ZONE_DEVICE lines (and why others are not used). */
export function calibrationPoints(
  log: MeasuredLog,
  cfg: WorkloadConfig,
  work: InitWorkload,
  matches: readonly ZoneDeviceMatch[],
): { points: CalibrationPointOut[]; skipped: string[] } {
  const points: CalibrationPointOut[] = [];
  const skipped: string[] = [];
  const file = log.path.split(/[\\/]/).pop() ?? log.path;
  for (const d of log.boot.deferredInit) {
    const where = citeLine(log, d.line);
    const n = work.nodes.find((x) => x.id === d.node);
    if (d.ms <= 0) {
      skipped.push(`${where}: 0 ms is below the log's resolution (a calibration point needs a time > 0)`);
      continue;
    }
    if (!n || !cfg.nodes.some((x) => x.id === d.node)) {
      skipped.push(`${where}: the config has no node ${d.node}`);
      continue;
    }
    if (n.deferredRanges.length === 0) {
      skipped.push(`${where}: node ${d.node} defers nothing in the config (deferred init off, or too little memory)`);
      continue;
    }
    const prev = points.findIndex((p) => p.phase === 'deferred' && p.node === d.node);
    if (prev >= 0) points.splice(prev, 1);
    points.push({
      phase: 'deferred',
      node: d.node,
      device: null,
      ms: d.ms,
      line: d.line,
      value: { phase: 'deferred', node: d.node, ms: d.ms, source: `${file}:${d.line}` },
      comment: where,
    });
  }
  for (const m of matches) {
    const where = citeLine(log, m.measured.line);
    if (!m.device) {
      skipped.push(`${where}: no ZONE_DEVICE namespace in the config to match it with`);
      continue;
    }
    if (m.measured.ms <= 0) {
      skipped.push(`${where}: 0 ms is below the log's resolution (a calibration point needs a time > 0)`);
      continue;
    }
    points.push({
      phase: 'zoneDevice',
      node: null,
      device: m.device.name,
      ms: m.measured.ms,
      line: m.measured.line,
      value: { phase: 'zoneDevice', device: m.device.name, ms: m.measured.ms, source: `${file}:${m.measured.line}` },
      comment: `${where} (matched ${m.how})`,
    });
  }
  return { points, skipped };
}

/** Measured vs predicted for every figure the log has. */
export function compareFigures(log: MeasuredLog, cfg: WorkloadConfig, memmap: MemmapResult, timing: TimingResult, work: InitWorkload): CompareReport {
  const b = log.boot;
  const figures: Figure[] = [];
  const unmatched: CompareReport['unmatched'] = [];
  const notes: string[] = [];
  const P = memmap.layout.pageSize;
  const src = (line: number | null | undefined) => (line ? (log.texts.get(line) ?? null) : null);
  const at = (line: number | null | undefined) => ({ line: line ?? null, source: src(line) });

  // ---- memory totals
  const presentBytes = memmap.layout.nodes.reduce((s, n) => s + n.presentPages, 0) * P;
  if (b.memory) {
    figures.push(
      figure('memoryTotalKiB', 'system', 'KiB', b.memory.totalKiB, presentBytes / KiB, {
        ...at(b.memory.line),
        note: 'Memory: total = physpages (present pages of memblock.memory) vs the config\'s present pages',
      }),
    );
    if (b.memory.reservedKiB !== null) {
      const m = b.memory;
      const image = [m.kernelCodeKiB, m.rwdataKiB, m.rodataKiB, m.initKiB, m.bssKiB].reduce<number>((s, x) => s + (x ?? 0), 0);
      // Gigantic HugeTLB pages come from memblock at boot and are still reserved when "Memory:" prints.
      const maxOrderBytes = 2 ** profileOf(cfg).maxPageOrder * P;
      const gigantic = memmap.memmap.hugetlb.filter((h) => h.pageSizeBytes > maxOrderBytes).reduce((s, h) => s + h.allocated * h.pageSizeBytes, 0);
      const parts = [`boot memmap ${formatBytes(memmap.memmap.bootMemmapBytes)}`, `kernel image ${image}K (code, rwdata, rodata, init, bss of the same line)`];
      if (gigantic) parts.push(`gigantic HugeTLB pages ${formatBytes(gigantic)}`);
      figures.push(
        figure('memoryReservedKiB', 'system', 'KiB', m.reservedKiB!, (memmap.memmap.bootMemmapBytes + gigantic) / KiB + image, {
          ...at(m.line),
          note: `predicted = ${parts.join(' + ')}; the kernel's reserved also holds page tables, crashkernel, firmware and percpu areas: a lower bound`,
        }),
      );
    }
  }
  if (b.memmapPagesTotal !== null) {
    figures.push(
      figure('memmapPages', 'system', 'pages', b.memmapPagesTotal, memmap.memmap.bootMemmapBytes / P, {
        line: b.zoneMemmap[0]?.line ?? null,
        source: src(b.zoneMemmap[0]?.line),
        note: 'sum of the "pages used for memmap" lines (calc_memmap_size() per zone) vs the boot memmap sparse_init() allocates',
      }),
    );
  }
  if (b.memoryBlockBytes !== null) {
    figures.push(figure('memoryBlockBytes', 'system', 'bytes', b.memoryBlockBytes, memmap.memmap.memoryBlockBytes, { ...at(b.memoryBlockLine), note: memmap.layout.memoryBlockReason }));
  }

  // ---- node ranges
  const nodeIds = new Set<number>([...b.nodeRanges.map((r) => r.node), ...b.initmem.map((r) => r.node)]);
  for (const id of [...nodeIds].sort((a, c) => a - c)) {
    const early = b.nodeRanges.filter((r) => r.node === id && r.start !== null && r.end !== null);
    const im = b.initmem.find((r) => r.node === id);
    let measured: number;
    let line: number | null;
    let how: string;
    let logRanges: { start: number; end: number }[] = [];
    if (early.length) {
      logRanges = early.map((r) => ({ start: r.start!, end: r.end! + 1 }));
      measured = logRanges.reduce((s, r) => s + r.end - r.start, 0);
      line = early[0].line;
      how = `${early.length} "Early memory node ranges" line${early.length === 1 ? '' : 's'}`;
    } else if (im?.memoryless) {
      measured = 0;
      line = im.line;
      how = 'memoryless ("Initmem setup ... as memoryless")';
    } else if (im && im.start !== null && im.end !== null) {
      measured = im.end + 1 - im.start;
      line = im.line;
      how = '"Initmem setup" span (holes included)';
    } else continue;
    const n = memmap.layout.nodes.find((x) => x.id === id);
    let note = how;
    if (n && logRanges.length) {
      const mine = n.ranges.map((r) => ({ start: r.startPfn * P, end: r.endPfn * P }));
      const trimmed = logRanges.map((r) => ({ start: Math.ceil(r.start / P) * P, end: Math.floor(r.end / P) * P })).filter((r) => r.end > r.start);
      const same = mine.length === trimmed.length && mine.every((r, i) => r.start === trimmed[i].start && r.end === trimmed[i].end);
      note += same ? '; ranges identical' : `; ${trimmed.length} range(s) in the log, ${mine.length} in the config`;
    }
    if (!n) note += '; the config has no such node';
    figures.push(figure('nodeBytes', `node ${id}`, 'bytes', measured, n ? n.presentPages * P : null, { node: id, line, source: src(line), note }));
  }

  // ---- deferred init
  for (const d of b.deferredInit) {
    const t = timing.nodes.find((x) => x.id === d.node);
    const w = work.nodes.find((x) => x.id === d.node);
    const nothing = !t || !w || w.deferredRanges.length === 0;
    const note = !t ? 'the config has no such node' : nothing ? 'nothing deferred on this node in the config' : `${t.threads} thread${t.threads === 1 ? '' : 's'}; the log prints whole ms (jiffies)`;
    figures.push(figure('deferredInitMs', `node ${d.node}`, 'ms', d.ms, nothing ? null : t!.deferredMs, { node: d.node, ...at(d.line), note }));
    if (d.pages !== null) {
      figures.push(figure('deferredPages', `node ${d.node}`, 'pages', d.pages, t && !nothing ? t.deferredPages : null, { node: d.node, ...at(d.line), note: 'the older wording prints the pages deferred init initialised' }));
    }
  }

  // ---- ZONE_DEVICE
  const matches = matchZoneDevices(b.zoneDevice, simulatedDevices(work, timing));
  for (const m of matches) {
    if (!m.device) {
      unmatched.push({ line: m.measured.line, source: src(m.measured.line), why: 'no ZONE_DEVICE (fsdax/devdax) device of the config left to match it with' });
      continue;
    }
    const extra = { device: m.device.name, node: m.device.node, ...at(m.measured.line) };
    figures.push(figure('zoneDevicePages', m.device.name, 'pages', m.measured.pages, m.device.pages, { ...extra, note: `matched ${m.how}` }));
    figures.push(figure('zoneDeviceMs', m.device.name, 'ms', m.measured.ms, m.device.ms, { ...extra, note: `matched ${m.how}; memmap_init_zone_device() alone (after mem_hotplug_done())` }));
  }

  // ---- HVO
  const profile = profileOf(cfg);
  for (const h of b.hugetlb) {
    if (h.vmemmapFreeableKiB === null) continue;
    // The HVO line, not the "registered ... pre-allocated" line of the same size.
    const line = h.hvoLine ?? h.line;
    if (!profile.hugepageSizes.includes(h.pageSizeBytes)) {
      unmatched.push({
        line,
        source: src(line),
        why: `${cfg.arch} has no ${formatBytes(h.pageSizeBytes)} huge pages (its sizes: ${profile.hugepageSizes.map((x) => formatBytes(x)).join(', ')}): nothing to predict`,
      });
      continue;
    }
    const pool = memmap.memmap.hugetlb.find((p) => p.pageSizeBytes === h.pageSizeBytes);
    const bytes = pool ? pool.optimizableBytesPerPage : hugetlbVmemmapOptimizableSize(profile, h.pageSizeBytes);
    figures.push(
      figure('hvoFreeableKiB', `${formatBytes(h.pageSizeBytes)} page`, 'KiB', h.vmemmapFreeableKiB, bytes / KiB, {
        pageSizeBytes: h.pageSizeBytes,
        ...at(line),
        note: `hugetlb_vmemmap_optimizable_size() for ${profile.arch} ${cfg.kernel.version}${h.vmemmapFreeablePages !== null ? ` (the log's older wording: ${h.vmemmapFreeablePages} pages)` : ''}`,
      }),
    );
  }

  for (const x of b.numbersTooLarge.slice(0, 5)) {
    notes.push(`line ${x.line}: ${x.number} is above 2^53 - 1 (not exact as a number): ${x.kept ? 'that value' : 'the message'} was not read, nothing compared for it: "${x.text}"`);
  }
  if (b.numbersTooLarge.length > 5) notes.push(`${b.numbersTooLarge.length - 5} more lines with numbers above 2^53 - 1 were not read (memmap-lab analyze lists them)`);
  const mismatches = platformMismatches(log, cfg, profile);
  notes.unshift(...mismatches.map((m) => `mismatch: ${m.message}`));
  if (figures.length === 0) notes.push('the log has none of the figures compare knows (Memory: line, node ranges, memory block size, deferred init, ZONE_DEVICE init, HVO)');
  if (b.deferredInit.length === 0 && timing.nodes.some((n) => n.deferredPages > 0)) notes.push('the log has no deferred-init line: the simulated deferred init times are not compared');
  return { figures, unmatched, notes, mismatches };
}

/** The largest |relError| of the figures of a kind (null when none has one). */
export function worstError(figures: readonly Figure[], kind?: FigureKind): number | null {
  let w: number | null = null;
  for (const f of figures) {
    if (kind && f.figure !== kind) continue;
    if (f.relError === null) continue;
    w = Math.max(w ?? 0, Math.abs(f.relError));
  }
  return w;
}

/** Ratios and relative errors as the JSON prints them: 9 decimals (no float noise in the last digits). */
function roundRatio(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

/** Geometric mean of predicted/measured over figures of a kind (1 = no bias); null when none. */
export function meanRatio(figures: readonly Figure[], kind: FigureKind): number | null {
  const r = figures.filter((f) => f.figure === kind && f.predicted !== null && f.predicted > 0 && f.measured > 0).map((f) => Math.log(f.predicted! / f.measured));
  if (!r.length) return null;
  return roundRatio(Math.exp(r.reduce((a, x) => a + x, 0) / r.length));
}
