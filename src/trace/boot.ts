// One boot of a kernel log while it is being read: the facts extracted so far, in line order, and the
// bookkeeping that decides where the next boot starts. fold() turns it into the result object (Boot).
//
// Facts are kept as a list rather than folded at once so that a boot can be split after the fact:
// when a message that the kernel prints once per boot repeats (the second "node 1 deferred pages
// initialised", a second "Memory:" line), the reader has crossed into another boot (for example a
// "Before:" and an "After:" log pasted into one mail) and the facts from the boundary on move to a new
// BootBuilder.

import type {
  Boot, BootBoundary, CallTrace, DeferredInit, DeviceMemory, HotplugEvent, HugetlbSize, Initmem, KernelError,
  KernelInfo, Lsmem, MemoryLine, NodeRange, NumberTooLarge, UnavailableRange, ZoneDeviceInit, ZoneMemmap, ZoneRange,
} from './types';
import { KiB } from '../config/units';

type Arch = NonNullable<Boot['arch']>;
type LsmemRange = Lsmem['ranges'][number];

/** A fact as a rule extracts it. `line` and `t` are filled in by the reader. */
export type Fact =
  | { k: 'version'; v: KernelInfo }
  | { k: 'cmdline'; v: string }
  | { k: 'machine'; v: string }
  | { k: 'deferred'; v: DeferredInit }
  | { k: 'memory'; v: MemoryLine }
  | { k: 'zonelists'; count: number; mobility: boolean; totalPages: number; line: number }
  | { k: 'zone-ranges'; line: number }
  | { k: 'zone'; v: ZoneRange }
  | { k: 'movable'; node: number; start: number | null; line: number }
  | { k: 'node-range'; v: NodeRange }
  | { k: 'initmem'; v: Initmem }
  | { k: 'unavailable'; v: UnavailableRange }
  | { k: 'node-total'; node: number; pages: number; line: number }
  | { k: 'zone-memmap'; v: ZoneMemmap }
  | { k: 'block-size'; bytes: number; lsmem: boolean; line: number }
  | { k: 'hugetlb'; v: Partial<HugetlbSize> & { pageSizeBytes: number; line: number; t: number | null } }
  | { k: 'hugetlb-alloc'; ms: number; threads: number | null; line: number; t: number | null }
  | { k: 'hugetlb-fail'; v: Boot['hugetlbAllocationFailures'][number] }
  | { k: 'hugetlb-two-phase'; line: number }
  | { k: 'hugetlb-optimized'; pages: number; line: number; t: number | null }
  | { k: 'hugetlb-cma'; node: number | null; mib: number; line: number }
  | { k: 'cma'; mib: number; base: number | null; line: number }
  | { k: 'zone-device'; v: ZoneDeviceInit }
  | { k: 'device-memory'; v: DeviceMemory }
  | { k: 'node-cpus'; node: number; cpus: string; line: number }
  | { k: 'hotplug'; v: HotplugEvent }
  | { k: 'lsmem-total'; online: boolean; bytes: number | null; line: number }
  | { k: 'lsmem-range'; v: LsmemRange }
  | { k: 'error'; v: KernelError }
  | { k: 'trace'; v: CallTrace }
  | { k: 'too-large'; v: NumberTooLarge }
  | { k: 'wrapped'; line: number; lastLine: number };

export interface PlacedFact {
  f: Fact;
  line: number;
  t: number | null;
  once: string | null;
}

/** Facts kept per boot at most (bounded memory on pathological input). */
export const MAX_FACTS_PER_BOOT = 20000;
const MAX_CANDIDATES = 64;

export class BootBuilder {
  facts: PlacedFact[] = [];
  /** Once-per-boot keys -> line of the fact. */
  once = new Map<string, number>();
  /** Lines where another boot may begin: un-prefixed lines ("After:") and facts stamped earlier than the previous fact. */
  candidates: number[] = [];
  /** Per candidate: an un-prefixed line (a heading such as "After:"), not a stamp that went back. */
  headings: boolean[] = [];
  /** Facts other than the kernel banner's own (the "Linux version" rule starts a new boot when there are any). */
  substantive = 0;
  seenNonZeroTs = false;
  sawAbsolute = false;
  sawRelative = false;
  relSum = 0;
  lastFactT: number | null = null;
  wallClock: string | null = null;
  arch: Arch | null = null;
  bootId: string | null = null;
  factsDropped = 0;
  lastLine: number;

  constructor(
    public index: number,
    public boundary: BootBoundary,
    public firstLine: number,
  ) {
    this.lastLine = firstLine;
  }

  addCandidate(line: number, heading = false): void {
    const c = this.candidates;
    if (c.length && c[c.length - 1] >= line) return;
    if (c.length >= MAX_CANDIDATES) {
      c.shift();
      this.headings.shift();
    }
    c.push(line);
    this.headings.push(heading);
  }

  /** The latest boundary candidate after `after` and before `upTo`, or `upTo` when there is none; a stamp that
   *  went back takes the headings right above it ("After:") along (headingStart). */
  splitLine(after: number, upTo: number): number {
    for (let i = this.candidates.length - 1; i >= 0; i--) {
      const c = this.candidates[i];
      if (c < upTo && c > after) return this.headings[i] ? c : this.headingStart(c, after);
      if (c <= after) break;
    }
    return upTo;
  }

  /**
   * Where a boot that begins at the stamped line `line` really starts: the un-prefixed lines directly above
   * it that hold no fact (a heading such as "> After:" or "AFTER" / "-----" in a mail), back to `after`
   * (exclusive). Only headings count, so a log without stamps (every line un-prefixed) never moves.
   */
  headingStart(line: number, after: number): number {
    const c = this.candidates;
    let i = c.length - 1;
    while (i >= 0 && c[i] >= line) i--;
    let at = line;
    // The lines above `line` that hold a fact. Facts are not in line order (a call trace is added when it ends,
    // after the facts of the lines it spans, as finishTrace() does just before a new boot): look at them all
    // (once per boot).
    let held: Set<number> | null = null;
    while (i >= 0 && c[i] === at - 1 && this.headings[i] && c[i] > after) {
      if (held === null) {
        held = new Set();
        for (const f of this.facts) if (f.line < line && f.line > after) held.add(f.line);
      }
      if (held.has(c[i])) break;
      at = c[i--];
    }
    return at;
  }

  /** Move everything from `line` on into `next` (a new boot starting at `line`). Facts are mostly in line
   *  order, but a call trace is added when it ends, after the facts of the lines it spans. */
  moveFrom(line: number, next: BootBuilder): void {
    next.facts = this.facts.filter((pf) => pf.line >= line);
    this.facts = this.facts.filter((pf) => pf.line < line);
    for (const pf of next.facts) {
      if (pf.once !== null) {
        this.once.delete(pf.once);
        next.once.set(pf.once, pf.line);
      }
      if (pf.f.k !== 'version') {
        next.substantive++;
        this.substantive--;
      }
      if (pf.t !== null) next.lastFactT = pf.t;
    }
    const keep = (after: boolean) => this.candidates.map((c, i) => i).filter((i) => (after ? this.candidates[i] > line : this.candidates[i] < line));
    const later = keep(true);
    const earlier = keep(false);
    next.candidates = later.map((i) => this.candidates[i]);
    next.headings = later.map((i) => this.headings[i]);
    this.candidates = earlier.map((i) => this.candidates[i]);
    this.headings = earlier.map((i) => this.headings[i]);
    next.seenNonZeroTs = this.seenNonZeroTs;
    next.sawAbsolute = this.sawAbsolute;
    next.sawRelative = this.sawRelative;
    next.relSum = this.relSum;
    next.arch = this.arch;
    next.bootId = this.bootId;
    this.lastLine = line - 1;
  }
}

const ZONE_ORDER = ['DMA', 'DMA32', 'Normal', 'HighMem', 'Movable', 'Device'];

/**
 * The base page size the log proves: from an old-wording HVO line (the kernel frees
 * hpage/P*64/P - k pages with k = 2 before v5.18 and 1 after, which only one power-of-two P solves),
 * else from the architecture when it has a single page size (x86: 4 KiB). null otherwise.
 */
function provenPageSize(facts: PlacedFact[], arch: Arch | null): number | null {
  for (const { f } of facts) {
    if (f.k !== 'hugetlb' || f.v.vmemmapFreeablePages == null) continue;
    const bytes = f.v.pageSizeBytes * 64; // vmemmap bytes of one huge page with a 64-byte struct page
    for (const k of [1, 2]) {
      const p2 = bytes / (f.v.vmemmapFreeablePages + k);
      const p = Math.round(Math.sqrt(p2));
      if (p >= 4096 && p * p === p2 && (p & (p - 1)) === 0) return p;
    }
  }
  return arch === 'x86' ? 4096 : null;
}

/** Boots as people number them, from 1: what `analyze` lists ("boot 1"), `--boot N` and `LOG@N` take and every
 *  text output shows. Boot.index (and the JSON documents' boot indexes) stay 0-based: the number is index + 1. */
export function bootNumber(b: { index: number }): number {
  return b.index + 1;
}

/**
 * A boot number as a user typed it ("1", "2", ...) -> Boot.index; an error message for anything else. `what`
 * names the option in the message ("--boot", "@N"). 0 is refused with a message saying boots are numbered
 * from 1 (the CLI took 0-based numbers before).
 */
export function parseBootNumber(s: string, what: string): { index: number } | { error: string } {
  if (!/^\d+$/.test(s)) return { error: `${what} needs a boot number (1 for the first boot, as \`memmap-lab analyze\` lists them), got "${s}"` };
  const n = Number(s);
  if (n === 0) return { error: `${what} 0: boots are numbered from 1, as \`memmap-lab analyze\` lists them (the first boot is 1)` };
  if (!Number.isSafeInteger(n)) return { error: `${what} ${s}: no such boot` };
  return { index: n - 1 };
}

/** "--boot 1..3" / "(@1..@3)": the boot numbers a log with `count` boots has, as a hint. */
export function bootRange(count: number, prefix: string): string {
  return count > 1 ? `${prefix}1..${prefix}${count}` : `${prefix}1`;
}

/** How much a boot says about memory (node ranges > Memory: > deferred init > HugeTLB / ZONE_DEVICE): the boot
 *  `import`, `diff` and the log view take when none is named is the one scoring highest (the last of equals). */
export function bootScore(b: Boot): number {
  return (b.nodeRanges.length || b.initmem.length ? 8 : 0) + (b.memory ? 4 : 0) + (b.deferredInit.length ? 2 : 0) + (b.zoneDevice.length || b.hugetlb.length ? 1 : 0);
}

export function foldBoot(b: BootBuilder): Boot {
  const boot: Boot = {
    index: b.index,
    boundary: b.boundary,
    firstLine: b.firstLine,
    lastLine: Math.max(b.lastLine, b.firstLine),
    timestamps: b.sawAbsolute ? 'absolute' : b.sawRelative ? 'relative' : 'none',
    firstTimestamp: null,
    lastTimestamp: null,
    wallClock: b.wallClock,
    kernelVersion: null,
    kernel: null,
    commandLine: null,
    commandLineLine: null,
    machine: null,
    machineLine: null,
    arch: b.arch,
    pageSizeBytes: null,
    deferredInit: [],
    memory: null,
    totalPages: null,
    zonelists: null,
    zones: [],
    movableZoneStart: [],
    nodeRanges: [],
    initmem: [],
    unavailableRanges: [],
    nodeTotalPages: [],
    zoneMemmap: [],
    memmapPagesTotal: null,
    memoryBlockBytes: null,
    memoryBlockLine: null,
    hugetlb: [],
    hugetlbAllocations: [],
    hugetlbAllocationFailures: [],
    hugetlbTwoPhase: false,
    hugetlbOptimizedAtBoot: null,
    hugetlbCma: [],
    cmaReservations: [],
    zoneDevice: [],
    deviceMemory: [],
    nodeCpus: [],
    hotplug: [],
    lsmem: null,
    errors: [],
    callTraces: [],
    factsDropped: b.factsDropped,
    numbersTooLarge: [],
    wrapped: [],
  };
  const lsmem = (): Lsmem => (boot.lsmem ??= { blockSizeBytes: null, totalOnlineBytes: null, totalOfflineBytes: null, ranges: [] });
  const hugetlb = new Map<number, HugetlbSize>();
  const zoneMemmap = new Map<string, ZoneMemmap>();
  let kernelRank = 99;
  const RANK = { 'linux-version': 0, 'oops-header': 1, 'boot-image': 2 } as const;

  for (const { f, t, line } of b.facts) {
    if (t !== null) {
      boot.firstTimestamp ??= t;
      boot.lastTimestamp = t;
    }
    switch (f.k) {
      case 'version':
        if (RANK[f.v.source] < kernelRank) {
          kernelRank = RANK[f.v.source];
          boot.kernel = f.v;
          boot.kernelVersion = f.v.version;
        }
        break;
      case 'cmdline':
        if (boot.commandLine === null) {
          boot.commandLine = f.v;
          boot.commandLineLine = line;
        }
        break;
      case 'machine':
        if (boot.machine === null) {
          boot.machine = f.v;
          boot.machineLine = line;
        }
        break;
      case 'deferred':
        boot.deferredInit.push(f.v);
        break;
      case 'memory':
        boot.memory ??= f.v;
        break;
      case 'zonelists':
        if (!boot.zonelists) {
          boot.zonelists = { count: f.count, mobilityGrouping: f.mobility, line: f.line };
          boot.totalPages = f.totalPages;
        }
        break;
      case 'zone-ranges':
        break;
      case 'zone':
        boot.zones.push(f.v);
        break;
      case 'movable':
        boot.movableZoneStart.push({ node: f.node, start: f.start, line: f.line });
        break;
      case 'node-range':
        boot.nodeRanges.push(f.v);
        break;
      case 'initmem':
        boot.initmem.push(f.v);
        break;
      case 'unavailable':
        boot.unavailableRanges.push(f.v);
        break;
      case 'node-total':
        boot.nodeTotalPages.push({ node: f.node, pages: f.pages, line: f.line });
        break;
      case 'zone-memmap': {
        const key = `${f.v.node}/${f.v.zone}`;
        const z = zoneMemmap.get(key);
        if (!z) zoneMemmap.set(key, { ...f.v });
        else {
          z.memmapPages ??= f.v.memmapPages;
          z.reservedPages ??= f.v.reservedPages;
          z.presentPages ??= f.v.presentPages;
          z.lifoBatch ??= f.v.lifoBatch;
        }
        if (f.v.memmapPages !== null) boot.memmapPagesTotal = (boot.memmapPagesTotal ?? 0) + f.v.memmapPages;
        break;
      }
      case 'block-size':
        if (boot.memoryBlockBytes === null) {
          boot.memoryBlockBytes = f.bytes;
          boot.memoryBlockLine = line;
        }
        if (f.lsmem) lsmem().blockSizeBytes = f.bytes;
        break;
      case 'hugetlb': {
        const h = hugetlb.get(f.v.pageSizeBytes);
        if (!h) {
          hugetlb.set(f.v.pageSizeBytes, {
            pageSizeBytes: f.v.pageSizeBytes,
            preallocatedPages: f.v.preallocatedPages ?? null,
            requestedPages: f.v.requestedPages ?? null,
            vmemmapFreeableKiB: f.v.vmemmapFreeableKiB ?? null,
            vmemmapFreeablePages: f.v.vmemmapFreeablePages ?? null,
            hvoWording: f.v.hvoWording ?? null,
            line: f.v.line,
            t: f.v.t,
            preallocatedLine: f.v.preallocatedPages != null ? f.v.line : null,
            preallocatedT: f.v.preallocatedPages != null ? f.v.t : null,
            hvoLine: f.v.hvoWording != null ? f.v.line : null,
            hvoT: f.v.hvoWording != null ? f.v.t : null,
          });
        } else {
          // Each figure keeps the line (and seconds) it was read from (the first of its kind, as the figure itself).
          if (h.preallocatedPages === null && f.v.preallocatedPages != null) {
            h.preallocatedPages = f.v.preallocatedPages;
            h.preallocatedLine = f.v.line;
            h.preallocatedT = f.v.t;
          }
          h.requestedPages ??= f.v.requestedPages ?? null;
          if (h.hvoWording === null && f.v.hvoWording != null) {
            h.vmemmapFreeableKiB = f.v.vmemmapFreeableKiB ?? null;
            h.vmemmapFreeablePages = f.v.vmemmapFreeablePages ?? null;
            h.hvoWording = f.v.hvoWording;
            h.hvoLine = f.v.line;
            h.hvoT = f.v.t;
          }
        }
        break;
      }
      case 'hugetlb-alloc':
        boot.hugetlbAllocations.push({ ms: f.ms, threads: f.threads, line: f.line, t: f.t });
        break;
      case 'hugetlb-fail':
        boot.hugetlbAllocationFailures.push(f.v);
        break;
      case 'hugetlb-two-phase':
        boot.hugetlbTwoPhase = true;
        break;
      case 'hugetlb-optimized':
        boot.hugetlbOptimizedAtBoot ??= { pages: f.pages, line: f.line, t: f.t };
        break;
      case 'hugetlb-cma':
        boot.hugetlbCma.push({ node: f.node, mib: f.mib, line: f.line });
        break;
      case 'cma':
        boot.cmaReservations.push({ mib: f.mib, base: f.base, line: f.line });
        break;
      case 'zone-device':
        boot.zoneDevice.push(f.v);
        break;
      case 'device-memory':
        boot.deviceMemory.push(f.v);
        break;
      case 'node-cpus':
        boot.nodeCpus.push({ node: f.node, cpus: f.cpus, line: f.line });
        break;
      case 'hotplug':
        boot.hotplug.push(f.v);
        break;
      case 'lsmem-total':
        if (f.online) lsmem().totalOnlineBytes = f.bytes;
        else lsmem().totalOfflineBytes = f.bytes;
        break;
      case 'lsmem-range':
        lsmem().ranges.push(f.v);
        break;
      case 'error':
        boot.errors.push(f.v);
        break;
      case 'trace':
        boot.callTraces.push(f.v);
        break;
      case 'too-large':
        boot.numbersTooLarge.push(f.v);
        break;
      case 'wrapped':
        boot.wrapped.push({ line: f.line, lastLine: f.lastLine });
        break;
    }
  }

  boot.pageSizeBytes = provenPageSize(b.facts, b.arch);
  for (const h of hugetlb.values()) {
    if (h.vmemmapFreeableKiB === null && h.vmemmapFreeablePages !== null && boot.pageSizeBytes !== null) {
      h.vmemmapFreeableKiB = (h.vmemmapFreeablePages * boot.pageSizeBytes) / KiB;
    }
  }
  boot.hugetlb = [...hugetlb.values()].sort((a, c) => c.pageSizeBytes - a.pageSizeBytes);
  boot.zoneMemmap = [...zoneMemmap.values()].sort(
    (a, c) => (a.node ?? -1) - (c.node ?? -1) || zoneRank(a.zone) - zoneRank(c.zone),
  );
  return boot;
}

function zoneRank(z: string): number {
  const i = ZONE_ORDER.indexOf(z);
  return i < 0 ? ZONE_ORDER.length : i;
}
