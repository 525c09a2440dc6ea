// The kernel messages the analyzer reads, one table entry per message family: the printk format string as
// the kernel source has it (older wordings next to newer ones), the regex that reads it, and what it adds
// to the boot. Wording changes across kernel versions are visible here and nowhere else.
//
// Matching: the message text (prefixes removed, leading blanks skipped) must start with one of the rule's
// `heads`; only then is `re` run. Rules in DEVICE_RULES are tried on the rest of a dev_printk message
// ("nd_pmem pfn1.0: <rest>") after one of DEVICE_DRIVERS. ANYWHERE_RULES are found by a substring anywhere
// in the line (messages that start with a task or device name). A message whose head matches but whose
// regex does not may have been hard-wrapped by a mailer: the reader then tries joining the next line(s).
// Free-text messages (banner, command line, DMI) always match; their emit() returns Match.Open until the reader
// says `final`, so the un-prefixed lines a mailer wrapped off them are joined first.

import type { Rec } from './prefix';
import type { Fact } from './boot';
import type { Boot, KernelError, MemoryLine } from './types';
import * as numbersModule from './numbers';
import * as textModule from './text';
import { MiB } from '../config/units';
import { errorPrinter } from './printers';

export interface DevCtx {
  driver: string;
  /** "driver device", as printed. */
  name: string;
}

/** What rules may do to the reader's state. Implemented by the kernel log reader. */
export interface Sink {
  readonly rec: Rec;
  readonly dev: DevCtx | null;
  /** The last chance to read this message: no (further) continuation line will be joined to it. */
  readonly final: boolean;
  /** Add a fact at the current record (or `at`). `once`: a key the kernel prints once per boot. */
  fact(f: Fact, once?: string, at?: { line: number; t: number | null }): void;
  /** "Linux version": a second banner (or a banner after other facts) starts a new boot. */
  kernelBanner(): void;
  /** Zone lines follow ("Zone ranges:"). */
  zoneBlock(): void;
  nodeContext: number | null;
  setArch(a: NonNullable<Boot['arch']>): void;
  /** A report that may be followed by a call trace: WARNING, BUG, Oops, an allocation failure. */
  traceTrigger(text: string, fn: string | null): void;
  /** "Call Trace:" */
  traceHeader(): void;
  /** "RIP: 0010:func+0x.." / arm64 "pc : func+0x..". */
  traceRip(fn: string): void;
  /** Remember a "BUG: Bad page state" error (e), or take the remembered one (null) for the
   *  "page:... refcount:.. mapcount:.." dump that follows it. */
  badPage(e: KernelError | null): KernelError | null;
  /** Dispatch the rest of a dev_printk message through DEVICE_RULES, then RULES. */
  deviceMessage(rest: string, dev: DevCtx): Match;
}

export const enum Match {
  None = 0,
  Matched = 1,
  /** The head matched but not the whole message: it may continue on the next line. */
  Incomplete = 2,
  /** The message is whole as it stands, but a mailer may have hard-wrapped it (free text: a command line,
   *  the DMI string): the reader joins the next lines that carry no log prefix while they come (at the
   *  same quote level, not a message of their own), then reads the whole with `final` set. */
  Open = 3,
}

/** Free-text messages: wait for continuation lines (Match.Open) unless this is the last chance, or the
 *  line had no log prefix (a log without stamps cannot tell a wrapped tail from the next message). */
function openText(x: Sink): boolean {
  return !x.final && x.rec.prefixed;
}

export interface Rule {
  id: string;
  /** The printk format string(s) read by this rule. */
  format: string;
  heads: readonly string[];
  re: RegExp;
  /** A weaker pattern used when the message stays incomplete (no continuation line found). */
  fallback?: RegExp;
  /** false: never wait for a continuation line. */
  wrap?: false;
  /** Return false when the match turns out not to be this message (numbers out of range, ...);
   *  Match.Incomplete when it may continue on the next line. */
  emit(m: RegExpExecArray, x: Sink): boolean | void | Match;
}

export interface AnywhereRule extends Omit<Rule, 'heads'> {
  anchor: string;
}

// ---------------------------------------------------------------------------------------------------
// helpers

// Module-local bindings: an imported binding may be a getter when modules are compiled one by one.
const { binarySize, hexOrNull, hstateSize, intOrNull } = numbersModule;
const { cleanText } = textModule;
const n = intOrNull;
const HEX = '(0x[0-9a-fA-F]+)';
/** HEX that never gives a digit back: where what follows may also match hex digits, a failed match would
 *  otherwise retry every shorter number (quadratic on a long run of digits). */
const HEX_WHOLE = '(0x[0-9a-fA-F]+)(?![0-9a-fA-F])';
const SIZE = '(\\d+(?:\\.\\d+)?) ?([KMGTP]i?B)';

function error(x: Sink, kind: string, text: string, details: KernelError['details'] = {}, device: string | null = x.dev?.name ?? null): KernelError {
  return { kind, line: x.rec.line, t: x.rec.t, text: cleanText(text), device, details, printer: errorPrinter(kind, details) };
}

function addError(x: Sink, kind: string, m: RegExpExecArray, details: KernelError['details'] = {}): void {
  const text = x.dev ? `${x.dev.name}: ${m.input}` : m.input;
  x.fact({ k: 'error', v: error(x, kind, text, details) });
}

const MEMORY_FIELDS: Record<string, keyof MemoryLine> = {
  'kernel code': 'kernelCodeKiB',
  rwdata: 'rwdataKiB',
  rodata: 'rodataKiB',
  init: 'initKiB',
  bss: 'bssKiB',
  reserved: 'reservedKiB',
  'cma-reserved': 'cmaReservedKiB',
  highmem: 'highmemKiB',
  data: 'dataKiB',
  absent: 'absentKiB',
};

// ---------------------------------------------------------------------------------------------------
// messages at the start of a line

export const RULES: Rule[] = [
  {
    id: 'linux-version',
    format: '"Linux version %s (%s) (%s) %s" (init/version.c linux_banner)',
    heads: ['Linux version '],
    re: /^Linux version (\S+)(.*)$/,
    wrap: false,
    emit(m, x) {
      if (openText(x)) return Match.Open;
      const rest = m[2];
      // Debian: "... #1 SMP PREEMPT_DYNAMIC Debian 6.1.135-1 (2025-04-25)" (the last "Debian", not gcc's);
      // Ubuntu: "(Ubuntu 5.8.0-25.26-generic 5.8.14)".
      const deb = rest.lastIndexOf(' Debian ');
      const distro = (deb >= 0 ? /^ Debian (\d[\w.+~:-]*)/.exec(rest.slice(deb)) : null) ?? /\((?:Ubuntu|Debian) [\w.+~-]+ (\d[\w.+~-]*)\)/.exec(rest);
      x.kernelBanner();
      x.fact({ k: 'version', v: { version: cleanText(m[1], 100), source: 'linux-version', distroVersion: distro ? distro[1] : null, line: x.rec.line } }, 'version');
    },
  },
  {
    id: 'command-line',
    format: 'x86 "Command line: %s", all: "Kernel command line: %s"',
    // No blank after the colon: a mailer that wrapped the line there dropped it.
    heads: ['Command line:', 'Kernel command line:'],
    re: /^(Kernel c|C)ommand line: ?(.*)$/,
    wrap: false,
    emit(m, x) {
      if (openText(x)) return Match.Open;
      x.fact({ k: 'cmdline', v: cleanText(m[2], 4096) }, m[1] === 'C' ? 'cmdline' : 'kcmdline');
      const img = bootImageVersion(m[2]);
      if (img !== null) x.fact({ k: 'version', v: { version: cleanText(img, 100), source: 'boot-image', distroVersion: null, line: x.rec.line } });
    },
  },
  {
    // Before 'dmi' (same head): 6.12's dmi_setup() prints it right after "DMI: <ids>" (dmi_memdev_walk()); read as
    // the machine it would repeat that once-per-boot key and split every such boot in two. Records nothing.
    id: 'dmi-memory-slots',
    format: '"DMI: Memory slots populated: %d/%d" (dmi_setup, v6.12)',
    heads: ['DMI: Memory slots populated:'],
    re: /^DMI: Memory slots populated:/,
    wrap: false,
    emit() {
      return Match.Matched;
    },
  },
  {
    id: 'dmi',
    format: '"DMI: %s" (boot), "Hardware name: %s" (oops header)',
    heads: ['DMI:', 'Hardware name:'],
    re: /^(DMI|Hardware name): ?(.*)$/,
    wrap: false,
    emit(m, x) {
      if (openText(x)) return Match.Open;
      if (m[2] === '') return false;
      x.fact({ k: 'machine', v: cleanText(m[2], 200) }, m[1] === 'DMI' ? 'machine' : undefined);
    },
  },
  {
    id: 'oops-header',
    format: '"CPU: %d PID: %d Comm: %.20s %s %s %.*s" (dump_stack_print_info): tainted flags, release, version',
    heads: ['CPU: '],
    // The taint flags are letters and blanks ("Tainted: G        W  OE"); read as blank-separated words so
    // that a long run of blanks is not split every possible way between the flags and the gap after them.
    re: /^CPU: \d+ (?:UID: \d+ )?PID: \d+ Comm: .{1,20}? (?:Kdump: loaded )?(?:Not tainted|Tainted:(?: +[A-Z]+)*?) +(\S+)(?: #|$)/,
    wrap: false,
    emit(m, x) {
      x.fact({ k: 'version', v: { version: cleanText(m[1], 100), source: 'oops-header', distroVersion: null, line: x.rec.line } });
    },
  },
  {
    id: 'deferred-init',
    // v5.8+: "mm: don't track number of pages during deferred initialization" (Daniel Jordan, posted 2020-05-27 with
    // the padata series, merged for v5.8) replaced the older wording below.
    format: '"node %d deferred pages initialised in %ums" (v5.8+)',
    heads: ['node '],
    re: /^node (\d+) deferred pages initiali[sz]ed in (\d+) ?ms/,
    emit(m, x) {
      const node = n(m[1]);
      const ms = n(m[2]);
      if (node === null || ms === null) return false;
      x.fact({ k: 'deferred', v: { node, ms, pages: null, format: 'deferred-pages', line: x.rec.line, t: x.rec.t } }, `deferred:${node}`);
    },
  },
  {
    id: 'deferred-init-old',
    // v4.2 (the deferred-init series of 2015 first printed "kswapd %d initialised %lu pages in %ums", renamed
    // within it) to v5.7. The kernels that printed it left 2 GiB of the highest zone early before v4.17 and one
    // section from then on ("mm: initialize pages on demand during boot"), and ran one thread per node.
    format: '"node %d initialised, %lu pages in %ums" (v4.2 .. v5.7)',
    heads: ['node '],
    re: /^node (\d+) initiali[sz]ed, (\d+) pages in (\d+) ?ms/,
    emit(m, x) {
      const node = n(m[1]);
      const pages = n(m[2]);
      const ms = n(m[3]);
      if (node === null || pages === null || ms === null) return false;
      x.fact({ k: 'deferred', v: { node, ms, pages, format: 'pages-initialised', line: x.rec.line, t: x.rec.t } }, `deferred:${node}`);
    },
  },
  {
    id: 'early-node-range',
    format: '"  node %3d: [mem %#018Lx-%#018Lx]" (after "Early memory node ranges")',
    heads: ['node '],
    re: /^node\s+(\d+): \[mem (0x[0-9a-fA-F]+)-(0x[0-9a-fA-F]+)\]/,
    emit(m, x) {
      const node = n(m[1]);
      if (node === null) return false;
      const start = hexOrNull(m[2]);
      const end = hexOrNull(m[3]);
      const sizeBytes = start !== null && end !== null && end >= start && Number.isSafeInteger(end - start + 1) ? end - start + 1 : null;
      x.fact({ k: 'node-range', v: { node, start, end, sizeBytes, line: x.rec.line } });
    },
  },
  {
    id: 'memory',
    format:
      '"Memory: %luK/%luK available (%luK kernel code, %luK rwdata, %luK rodata, %luK init, %luK bss, %luK reserved, %luK cma-reserved[, %luK highmem])" (mem_init_print_info); older: "Memory: %luk/%luk available (%uk kernel code, %uk reserved, %uk data, %uk init[, %luk highmem])"',
    heads: ['Memory: '],
    re: /^Memory: (\d+)[Kk]\/(\d+)[Kk] available \(([^)]*)\)/,
    emit(m, x) {
      const availableKiB = n(m[1]);
      const totalKiB = n(m[2]);
      if (availableKiB === null || totalKiB === null) return false;
      const v: MemoryLine = {
        availableKiB, totalKiB, kernelCodeKiB: null, rwdataKiB: null, rodataKiB: null, initKiB: null, bssKiB: null,
        reservedKiB: null, cmaReservedKiB: null, highmemKiB: null, dataKiB: null, absentKiB: null, line: x.rec.line, t: x.rec.t,
      };
      for (const item of m[3].split(',')) {
        // Trimmed first: a lazy name followed by \s*$ would rescan a long run of blanks at every step.
        const f = /^(\d+)[Kk] ([\w -]+)$/.exec(item.trim());
        const key = f ? MEMORY_FIELDS[f[2]] : undefined;
        if (f && key) (v as unknown as Record<string, number | null>)[key] = n(f[1]);
      }
      x.fact({ k: 'memory', v }, 'memory');
    },
  },
  {
    id: 'memory-block-size',
    format: 'x86 "x86/mm: Memory block size: %ldMB" (probe_memory_block_size); lsmem "Memory block size: 2G"',
    heads: ['x86/mm: Memory block size: ', 'Memory block size: '],
    re: /^(x86\/mm: )?Memory block size:\s+(\d+(?:\.\d+)?)\s*([KMGTP]?)(i?B)?\s*$/,
    emit(m, x) {
      const bytes = binarySize(m[2], m[3] || 'B');
      if (bytes === null) return false;
      if (m[1]) x.setArch('x86');
      // Once per boot each, but apart: an lsmem table pasted after the kernel's line is the same boot.
      x.fact({ k: 'block-size', bytes, lsmem: !m[1], line: x.rec.line }, m[1] ? 'block-size' : 'lsmem-block-size');
    },
  },
  {
    id: 'zone-ranges',
    format: '"Zone ranges:" then "  %-8s [mem %#018Lx-%#018Lx]" or "  %-8s empty" per zone',
    heads: ['Zone ranges:'],
    re: /^Zone ranges:/,
    emit(_m, x) {
      x.zoneBlock();
      x.fact({ k: 'zone-ranges', line: x.rec.line }, 'zone-ranges');
    },
  },
  {
    id: 'movable-zone-start',
    format: '"Movable zone start for each node" then "  Node %d: %#018Lx"',
    heads: ['Node '],
    re: /^Node (\d+): (0x[0-9a-fA-F]+)$/,
    wrap: false,
    emit(m, x) {
      const node = n(m[1]);
      if (node === null) return false;
      x.fact({ k: 'movable', node, start: hexOrNull(m[2]), line: x.rec.line });
    },
  },
  {
    id: 'initmem',
    format: '"Initmem setup node %d [mem %#018Lx-%#018Lx]", "Initmem setup node %d as memoryless" (v5.x+)',
    heads: ['Initmem setup node '],
    re: /^Initmem setup node (\d+) (?:\[mem (0x[0-9a-fA-F]+)-(0x[0-9a-fA-F]+)\]|(as memoryless))/,
    emit(m, x) {
      const node = n(m[1]);
      if (node === null) return false;
      const start = hexOrNull(m[2]);
      const end = hexOrNull(m[3]);
      // Before "as memoryless" existed, a memoryless node printed an empty range 0-0.
      const memoryless = !!m[4] || (start === 0 && end === 0);
      x.nodeContext = node;
      x.fact({ k: 'initmem', v: { node, start, end, memoryless, line: x.rec.line } }, `initmem:${node}`);
    },
  },
  {
    id: 'unavailable-ranges',
    format: '"On node %d, zone %s: %lld pages in unavailable ranges" (v5.14+)',
    heads: ['On node '],
    re: /^On node (\d+), zone (\w+): (\d+) pages in unavailable ranges/,
    emit(m, x) {
      const node = n(m[1]);
      const pages = n(m[3]);
      if (node === null || pages === null) return false;
      x.fact({ k: 'unavailable', v: { node, zone: m[2], pages, line: x.rec.line } });
    },
  },
  {
    id: 'unavailable-ranges-old',
    format: '"Zeroed struct page in unavailable ranges: %lld pages" (v4.19 .. v5.13)',
    heads: ['Zeroed struct page in unavailable ranges: '],
    re: /^Zeroed struct page in unavailable ranges: (\d+) pages/,
    emit(m, x) {
      const pages = n(m[1]);
      if (pages === null) return false;
      x.fact({ k: 'unavailable', v: { node: null, zone: null, pages, line: x.rec.line } }, 'zeroed-unavailable');
    },
  },
  {
    id: 'node-totalpages',
    format: 'pr_debug "On node %d totalpages: %lu"',
    heads: ['On node '],
    re: /^On node (\d+) totalpages: (\d+)/,
    emit(m, x) {
      const node = n(m[1]);
      const pages = n(m[2]);
      if (node === null || pages === null) return false;
      x.nodeContext = node;
      x.fact({ k: 'node-total', node, pages, line: x.rec.line }, `totalpages:${node}`);
    },
  },
  {
    id: 'zone-memmap',
    format: 'pr_debug "  %s zone: %lu pages used for memmap", "  %s zone: %lu pages reserved", "  %s zone: %lu pages, LIFO batch:%u" (before v5.16)',
    heads: ['DMA zone: ', 'DMA32 zone: ', 'Normal zone: ', 'HighMem zone: ', 'Movable zone: ', 'Device zone: '],
    re: /^(\w+) zone: (\d+) pages(?: (used for memmap|reserved)|, LIFO batch:(\d+))/,
    emit(m, x) {
      const pages = n(m[2]);
      if (pages === null) return false;
      x.fact({
        k: 'zone-memmap',
        v: {
          node: x.nodeContext,
          zone: m[1],
          memmapPages: m[3] === 'used for memmap' ? pages : null,
          reservedPages: m[3] === 'reserved' ? pages : null,
          presentPages: m[4] !== undefined ? pages : null,
          lifoBatch: m[4] !== undefined ? n(m[4]) : null,
          line: x.rec.line,
        },
      });
    },
  },
  {
    id: 'zonelists',
    format: '"Built %u zonelists, mobility grouping %s.  Total pages: %ld"; older "Built %i zonelists in %s order, mobility grouping %s.  Total pages: %ld"',
    heads: ['Built '],
    re: /^Built (\d+) zonelists(?: in \w+ order)?, mobility grouping (on|off)\.\s+Total pages: (\d+)/,
    emit(m, x) {
      const count = n(m[1]);
      const totalPages = n(m[3]);
      if (count === null || totalPages === null) return false;
      x.fact({ k: 'zonelists', count, mobility: m[2] === 'on', totalPages, line: x.rec.line });
    },
  },
  {
    id: 'hugetlb-registered',
    format: '"HugeTLB: registered %s page size, pre-allocated %ld pages" (v6.0+); "HugeTLB registered %s page size, pre-allocated %ld pages" (older)',
    heads: ['HugeTLB registered ', 'HugeTLB: registered '],
    re: new RegExp(`^HugeTLB:? registered ${SIZE} page size, pre-allocated (\\d+) pages`),
    emit(m, x) {
      const size = binarySize(m[1], m[2]);
      const pre = n(m[3]);
      if (size === null || pre === null) return false;
      x.fact({ k: 'hugetlb', v: { pageSizeBytes: size, preallocatedPages: pre, line: x.rec.line, t: x.rec.t } }, `hugetlb:${size}`);
    },
  },
  {
    id: 'hvo',
    format: '"HugeTLB: %d KiB vmemmap can be freed for a %s page" (v6.0+); "... can be optimized for a %s page" (v5.19-rc)',
    heads: ['HugeTLB: '],
    re: new RegExp(`^HugeTLB: (\\d+) KiB vmemmap can be (freed|optimized) for a ${SIZE} page`),
    emit(m, x) {
      const kib = n(m[1]);
      const size = binarySize(m[3], m[4]);
      if (kib === null || size === null) return false;
      x.fact({ k: 'hugetlb', v: { pageSizeBytes: size, vmemmapFreeableKiB: kib, hvoWording: m[2] === 'freed' ? 'can-be-freed' : 'can-be-optimized', line: x.rec.line, t: x.rec.t } }, `hvo:${size}`);
    },
  },
  {
    id: 'hvo-old',
    format: '"HugeTLB: can free %d vmemmap pages for %s" (v5.14 .. v5.17); "HugeTLB: can optimize %d vmemmap pages for %s" (v5.18 .. v5.19)',
    heads: ['HugeTLB: can '],
    re: /^HugeTLB: can (free|optimize) (\d+) vmemmap pages for (hugepages-\d+kB)/,
    emit(m, x) {
      const pages = n(m[2]);
      const size = hstateSize(m[3]);
      if (pages === null || size === null) return false;
      x.fact({ k: 'hugetlb', v: { pageSizeBytes: size, vmemmapFreeablePages: pages, hvoWording: m[1] === 'free' ? 'can-free-pages' : 'can-optimize-pages', line: x.rec.line, t: x.rec.t } }, `hvo:${size}`);
    },
  },
  {
    id: 'hugetlb-allocation-time',
    format: '"HugeTLB: allocation took %lums with hugepage_allocation_threads=%ld" (v6.13+)',
    heads: ['HugeTLB: allocation took '],
    re: /^HugeTLB: allocation took (\d+) ?ms(?: with hugepage_allocation_threads=(\d+))?/,
    emit(m, x) {
      const ms = n(m[1]);
      if (ms === null) return false;
      x.fact({ k: 'hugetlb-alloc', ms, threads: m[2] !== undefined ? n(m[2]) : null, line: x.rec.line, t: x.rec.t });
    },
  },
  {
    id: 'hugetlb-allocation-failed',
    format: '"HugeTLB: allocating %lu of page size %s failed.  Only allocated %lu hugepages."; per node: "... failed node%d.  Only allocated %lu hugepages."',
    heads: ['HugeTLB: allocating '],
    re: new RegExp(`^HugeTLB: allocating (\\d+) of page size ${SIZE} failed(?: node(\\d+))?\\.\\s+Only allocated (\\d+) hugepages`),
    emit(m, x) {
      const requested = n(m[1]);
      const size = binarySize(m[2], m[3]);
      const allocated = n(m[5]);
      if (requested === null || size === null || allocated === null) return false;
      const node = m[4] !== undefined ? n(m[4]) : null;
      x.fact({ k: 'hugetlb-fail', v: { pageSizeBytes: size, requestedPages: requested, allocatedPages: allocated, node, line: x.rec.line, t: x.rec.t } });
      if (node === null) x.fact({ k: 'hugetlb', v: { pageSizeBytes: size, requestedPages: requested, line: x.rec.line, t: x.rec.t } });
    },
  },
  {
    id: 'hugetlb-two-phase',
    format: '"HugeTLB: two-phase hugepage allocation is used"',
    heads: ['HugeTLB: two-phase '],
    re: /^HugeTLB: two-phase hugepage allocation is used/,
    emit(_m, x) {
      x.fact({ k: 'hugetlb-two-phase', line: x.rec.line }, 'hugetlb-two-phase');
    },
  },
  {
    id: 'hugetlb-optimized-at-boot',
    format: '"HugeTLB: %d huge pages whose vmemmap are optimized at boot" (v5.19-rc)',
    heads: ['HugeTLB: '],
    re: /^HugeTLB: (\d+) huge pages whose vmemmap are optimized at boot/,
    emit(m, x) {
      const pages = n(m[1]);
      if (pages === null) return false;
      x.fact({ k: 'hugetlb-optimized', pages, line: x.rec.line, t: x.rec.t }, 'hugetlb-optimized');
    },
  },
  {
    id: 'hugetlb-cma',
    format: '"hugetlb_cma: reserved %lu MiB on node %d"',
    heads: ['hugetlb_cma: reserved '],
    re: /^hugetlb_cma: reserved (\d+) MiB on node (\d+)/,
    emit(m, x) {
      const mib = n(m[1]);
      if (mib === null) return false;
      x.fact({ k: 'hugetlb-cma', node: n(m[2]), mib, line: x.rec.line });
    },
  },
  {
    id: 'cma',
    format: '"cma: Reserved %ld MiB at %pa[ on node %d]"',
    heads: ['cma: Reserved '],
    re: /^cma: Reserved (\d+) MiB at (0x[0-9a-fA-F]+)/,
    emit(m, x) {
      const mib = n(m[1]);
      if (mib === null) return false;
      x.fact({ k: 'cma', mib, base: hexOrNull(m[2]), line: x.rec.line });
    },
  },
  {
    id: 'zone-device',
    format: 'pr_debug "%s initialised %lu pages in %ums" (%s = memmap_init_zone_device)',
    heads: ['memmap_init_zone_device initialised '],
    re: /^memmap_init_zone_device initiali[sz]ed (\d+) pages in (\d+) ?ms/,
    emit(m, x) {
      const pages = n(m[1]);
      const ms = n(m[2]);
      if (pages === null || ms === null) return false;
      x.fact({ k: 'zone-device', v: { pages, ms, line: x.rec.line, t: x.rec.t } });
    },
  },
  {
    id: 'numa-node-cpus',
    format: 'powerpc "numa: Node %d CPUs: %s" (an empty list is a CPU-less node)',
    heads: ['numa: Node '],
    re: /^numa: Node (\d+) CPUs:\s*(.*)$/,
    wrap: false,
    emit(m, x) {
      const node = n(m[1]);
      if (node === null) return false;
      x.setArch('powerpc');
      x.fact({ k: 'node-cpus', node, cpus: cleanText(m[2], 200), line: x.rec.line });
    },
  },
  {
    id: 'memmap-on-memory-waste',
    format: '"Memory hotplug will waste %ld pages in each memory block" (memory_hotplug.memmap_on_memory=force, v6.6+)',
    heads: ['Memory hotplug will waste '],
    re: /^Memory hotplug will waste (\d+) pages in each memory block/,
    emit(m, x) {
      x.fact({ k: 'hotplug', v: { kind: 'memmap-on-memory-waste', device: null, start: null, end: null, bytes: null, pages: n(m[1]), line: x.rec.line, t: x.rec.t, text: cleanText(m.input) } });
    },
  },
  {
    id: 'lsmem-total',
    format: 'lsmem "Total online memory: %s", "Total offline memory: %s"',
    heads: ['Total online memory:', 'Total offline memory:'],
    re: /^Total (online|offline) memory:\s+(\d+(?:\.\d+)?)\s*([KMGTPE]?)(i?B)?\s*$/,
    emit(m, x) {
      x.fact({ k: 'lsmem-total', online: m[1] === 'online', bytes: binarySize(m[2], m[3] || 'B'), line: x.rec.line });
    },
  },
  {
    id: 'lsmem-range',
    format: 'lsmem table row "RANGE SIZE STATE [REMOVABLE] BLOCK [ZONES] [NODE]"',
    heads: ['0x'],
    re: /^(0x[0-9a-fA-F]+)-(0x[0-9a-fA-F]+)\s+(\d+(?:\.\d+)?)([KMGTPE]?)(?:i?B)?\s+(online|offline|going-offline)\s+(?:(yes|no)\s+)?(\d+)(?:-(\d+))?(?:\s+([A-Za-z][\w/]*))?(?:\s+(\d+))?\s*$/,
    wrap: false,
    emit(m, x) {
      const first = n(m[7]);
      x.fact({
        k: 'lsmem-range',
        v: {
          start: hexOrNull(m[1]), end: hexOrNull(m[2]), sizeBytes: binarySize(m[3], m[4] || 'B'), state: m[5], removable: m[6] ?? null,
          firstBlock: first, lastBlock: m[8] !== undefined ? n(m[8]) : first, zones: m[9] ?? null, node: m[10] !== undefined ? n(m[10]) : null,
          line: x.rec.line,
        },
      });
    },
  },
  // ---- errors: memory hotplug, memremap, sparse/vmemmap ----
  {
    id: 'misaligned-add-pages',
    format: 'WARN "Misaligned %s start: %#lx end: %#lx" (__add_pages() or __remove_pages() when check_pfn_span() fails, %s = __func__; 6.1 prints "end: #%lx")',
    heads: ['Misaligned '],
    re: /^Misaligned (\S+) start: (0x[0-9a-fA-F]+|[0-9a-fA-F]+) end: (#|0x)?([0-9a-fA-F]+)/,
    emit(m, x) {
      addError(x, 'misaligned-add-pages', m, { function: m[1], startPfn: hexOrNull(m[2]), endPfn: hexOrNull(m[4]) });
    },
  },
  simpleError('conflicting-mapping', 'WARN "Conflicting mapping in same section" (pagemap_range)', 'Conflicting mapping in same section'),
  simpleError('altmap-multiple-ranges', 'WARN_ONCE "altmap not supported for multiple ranges"', 'altmap not supported for multiple ranges'),
  {
    id: 'memremap-overlaps-ram',
    format: 'WARN_ONCE "attempted on %s region %#llx-%#llx" (%s = mixed | ram)',
    heads: ['attempted on '],
    re: new RegExp(`^attempted on (mixed|ram) region ${HEX}-${HEX}`),
    emit(m, x) {
      addError(x, 'memremap-overlaps-ram', m, { region: m[1], start: hexOrNull(m[2]), end: hexOrNull(m[3]) });
    },
  },
  {
    id: 'hotplug-beyond-max',
    format: '"Hotplug memory [%#llx-%#llx] exceeds maximum addressable range [%#llx-%#llx]"',
    heads: ['Hotplug memory ['],
    re: new RegExp(`^Hotplug memory \\[${HEX}-${HEX}\\] exceeds maximum addressable range \\[${HEX}-${HEX}\\]`),
    emit(m, x) {
      addError(x, 'hotplug-beyond-max', m, { start: hexOrNull(m[1]), end: hexOrNull(m[2]), maxStart: hexOrNull(m[3]), maxEnd: hexOrNull(m[4]) });
    },
  },
  simpleError('invalid-altmap', '"memory add fail, invalid altmap" (__add_pages)', 'memory add fail, invalid altmap'),
  simpleError('altmap-not-freed', 'WARN_ONCE "failed to free all reserved pages" (memunmap_pages)', 'failed to free all reserved pages'),
  simpleError('altmap-not-unmapped', 'WARN "Altmap not fully unmapped" (6.12 remove_memory_blocks_and_altmaps)', 'Altmap not fully unmapped'),
  {
    id: 'hotplug-unaligned-block',
    format: '"Block size [%#lx] unaligned hotplug range: start %#llx, size %#llx" (check_hotplug_memory_range)',
    heads: ['Block size ['],
    re: new RegExp(`^Block size \\[${HEX}\\] unaligned hotplug range: start ${HEX}, size ${HEX}`),
    emit(m, x) {
      addError(x, 'hotplug-unaligned-block', m, { blockSize: hexOrNull(m[1]), start: hexOrNull(m[2]), size: hexOrNull(m[3]) });
    },
  },
  {
    id: 'memory-block-size-unsuitable',
    format: 'panic "Memory block size not suitable: 0x%lx" (memory_dev_init)',
    heads: ['Memory block size not suitable: '],
    re: new RegExp(`^Memory block size not suitable: ${HEX}`),
    emit(m, x) {
      addError(x, 'memory-block-size-unsuitable', m, { blockSize: hexOrNull(m[1]) });
    },
  },
  simpleError('altmap-no-pse', 'pr_err_once "%s: no cpu support for altmap allocations" (x86 vmemmap_populate)', 'vmemmap_populate: no cpu support for altmap allocations'),
  {
    id: 'altmap-alloc-not-page-multiple',
    format: 'pr_warn_once "%s: allocations must be multiple of PAGE_SIZE (%ld)" (altmap_alloc_block_buf)',
    heads: ['altmap_alloc_block_buf: allocations must be multiple of PAGE_SIZE'],
    re: /^altmap_alloc_block_buf: allocations must be multiple of PAGE_SIZE \((\d+)\)/,
    emit(m, x) {
      addError(x, 'altmap-alloc-not-page-multiple', m, { size: n(m[1]) });
    },
  },
  {
    id: 'offnode-page-structs',
    format: 'pr_warn_once "[%lx-%lx] potential offnode page_structs" (vmemmap_verify)',
    heads: ['['],
    re: /^\[([0-9a-f]+)-([0-9a-f]+)\] potential offnode page_structs/,
    wrap: false,
    emit(m, x) {
      addError(x, 'offnode-page-structs', m, { start: hexOrNull(m[1]), end: hexOrNull(m[2]) });
    },
  },
  {
    id: 'memmap-backing-failed',
    format: '"%s: node[%d] memory map backing failed. Some memory will not be available."; "%s: node[%d] usemap allocation failed"',
    heads: ['sparse_init_nid: ', 'sparse_early_usemaps_alloc_node: ', 'sparse_init: '],
    re: /^(\w+): node\[(\d+)\] (memory map backing|usemap allocation) failed/,
    emit(m, x) {
      addError(x, m[3] === 'usemap allocation' ? 'usemap-alloc-failed' : 'memmap-backing-failed', m, { function: m[1], node: n(m[2]) });
    },
  },
  {
    id: 'bad-page-state',
    format: 'pr_alert "BUG: Bad page state in process %s  pfn:%05lx" (bad_page), then "page:%p refcount:%d mapcount:%d ..." (dump_page)',
    heads: ['BUG: Bad page state '],
    // The process name ends at a non-blank (or is empty): the blanks before "pfn:" are then tried from the
    // start of their run only, not from every blank of it (quadratic on a long run of blanks).
    re: /^BUG: Bad page state in process ((?:.*?\S)?)\s+pfn:([0-9a-fA-F]+)/,
    wrap: false,
    emit(m, x) {
      const e = error(x, 'bad-page-state', m.input, { process: cleanText(m[1], 64), pfn: hexOrNull(m[2]), pfnHex: `0x${m[2].toLowerCase()}`, refcount: null, mapcount: null }, null);
      x.fact({ k: 'error', v: e });
      x.badPage(e);
      x.traceTrigger(m.input, null);
    },
  },
  {
    id: 'page-dump',
    format: '"page:%p refcount:%d mapcount:%d mapping:%p index:%#lx pfn:%#lx" (dump_page, after a Bad page state)',
    heads: ['page:'],
    re: /^page:\S+ refcount:(-?\d+) mapcount:(-?\d+)/,
    wrap: false,
    emit(m, x) {
      const e = x.badPage(null);
      if (!e) return false;
      e.details.refcount = n(m[1]);
      e.details.mapcount = n(m[2]);
    },
  },
  // ---- call-trace reports ----
  {
    id: 'warning',
    format: '"WARNING: CPU: %d PID: %d at %pS" (__warn; older "WARNING: at %s:%d %pS()")',
    heads: ['WARNING: '],
    re: /^WARNING: (?:CPU: \d+ PID: \d+ )?at (\S+?) ([A-Za-z_$][\w.$]*)\+0x/,
    fallback: /^WARNING: /,
    wrap: false,
    emit(m, x) {
      x.traceTrigger(m.input, m[2] ?? null);
    },
  },
  {
    id: 'bug-oops',
    format: '"BUG: ...", "Oops: ...", "Kernel panic - not syncing: ..."',
    heads: ['BUG: ', 'Oops: ', 'Oops[', 'Kernel panic'],
    re: /^(?:BUG: |Oops|Kernel panic)/,
    wrap: false,
    emit(m, x) {
      x.traceTrigger(m.input, null);
    },
  },
  {
    id: 'call-trace',
    format: '"Call Trace:" (x86, powerpc), "Call trace:" (arm64)',
    heads: ['Call Trace:', 'Call trace:'],
    re: /^Call [Tt]race:/,
    wrap: false,
    emit(_m, x) {
      x.traceHeader();
    },
  },
  {
    id: 'trace-pc',
    format: 'x86 "RIP: %04x:%pS", arm64 "pc : %pS"',
    heads: ['RIP: ', 'pc : '],
    re: /^(?:RIP: [0-9a-f]{4}:|pc : )([A-Za-z_$][\w.$]*)\+0x/,
    wrap: false,
    emit(m, x) {
      x.traceRip(m[1]);
    },
  },
  // ---- ndctl / daxctl output pasted next to the kernel log ----
  {
    id: 'libndctl',
    format: 'libndctl/libdaxctl "lib%sctl: %s: %s: %s" (e.g. "libndctl: ndctl_pfn_enable: pfn1.0: failed to enable")',
    heads: ['libndctl: ', 'libdaxctl: '],
    re: /^lib(nd|dax)ctl: (\S+): (\S+): (.+)$/,
    wrap: false,
    emit(m, x) {
      addError(x, /failed to enable/.test(m[4]) ? `${m[1]}ctl-enable-failed` : `${m[1]}ctl-error`, m, { function: m[2], target: cleanText(m[3], 64) });
    },
  },
  {
    id: 'ndctl-error',
    format: 'ndctl " Error: %s" (util/usage.c error())',
    heads: ['Error: '],
    re: /^Error: (?:(\S+): )?(.+)$/,
    wrap: false,
    emit(m, x) {
      addError(x, /failed to enable/.test(m[2]) ? 'ndctl-enable-failed' : 'ndctl-error', m, { target: m[1] ? cleanText(m[1], 64) : null });
    },
  },
  {
    id: 'ndctl-create-failed',
    format: 'ndctl "failed to create namespace: %s"',
    heads: ['failed to create namespace'],
    re: /^failed to create namespace(?:: (.+))?$/,
    wrap: false,
    emit(m, x) {
      addError(x, 'ndctl-create-namespace-failed', m, { reason: m[1] ? cleanText(m[1], 100) : null });
    },
  },
  {
    id: 'daxctl-device-error',
    format: 'daxctl "%s: error: %s" (e.g. "dax0.0: error: kernel policy will auto-online memory, aborting")',
    heads: ['dax'],
    re: /^(dax\d+\.\d+): error: (.+)$/,
    wrap: false,
    emit(m, x) {
      addError(x, /auto-online/.test(m[2]) ? 'daxctl-auto-online' : 'daxctl-error', m, { device: m[1] });
    },
  },
  {
    id: 'daxctl-reconfigure-failed',
    format: 'daxctl "error reconfiguring devices: %s"',
    heads: ['error reconfiguring devices'],
    re: /^error reconfiguring devices(?:: (.+))?$/,
    wrap: false,
    emit(m, x) {
      addError(x, 'daxctl-reconfigure-failed', m, { reason: m[1] ? cleanText(m[1], 100) : null });
    },
  },
  {
    id: 'ndctl-align',
    format: 'ndctl "%s misaligned to 16M, adjust region alignment and retry", "unsupported align: %s", "\'--size=\' must ..."',
    heads: ['unsupported align: ', "'--size=' must "],
    re: /^(unsupported align: (\S+)|'--size=' must (.+))$/,
    wrap: false,
    emit(m, x) {
      addError(x, m[2] ? 'ndctl-unsupported-align' : 'ndctl-size', m, { value: m[2] ?? null });
    },
  },
  // ---- architecture evidence (no fact of its own) ----
  {
    id: 'arch-x86',
    format: 'x86-only subsystems: "x86/fpu: ...", "x86: Booting SMP configuration:", "smpboot: x86: ..."',
    heads: ['x86/', 'x86: ', 'smpboot: x86'],
    re: /^(?:x86[/:]|smpboot: x86)/,
    wrap: false,
    emit(_m, x) {
      x.setArch('x86');
    },
  },
  {
    id: 'arch-arm64',
    format: 'arm64-only "CPU features: detected: %s"',
    heads: ['CPU features: '],
    re: /^CPU features: /,
    wrap: false,
    emit(_m, x) {
      x.setArch('arm64');
    },
  },
  {
    id: 'arch-powerpc',
    format: 'powerpc "POWER%d performance monitor hardware support registered"',
    heads: ['POWER'],
    re: /^POWER\d+ performance monitor/,
    wrap: false,
    emit(_m, x) {
      x.setArch('powerpc');
    },
  },
  {
    id: 'device-message',
    format: 'dev_printk "%s %s: %pV" (driver name, device name, message)',
    heads: [
      'nd_pmem ', 'nd_pfn ', 'nd_btt ', 'nd_region ', 'nd_bus ', 'nd_e820 ', 'nd ', 'dax_pmem ', 'dax_pmem_core ', 'dax_pmem_compat ',
      'device_dax ', 'dax_kmem ', 'kmem ', 'dax_hmem ', 'hmem ', 'virtio_mem ', 'nouveau ', 'pmem ', 'libnvdimm ', 'nfit ',
      'cxl_pci ', 'cxl_mem ', 'cxl_acpi ', 'cxl_region ', 'cxl_port ',
    ],
    re: /^([\w-]+) ([\w.:-]+): (.*)$/,
    wrap: false,
    emit(m, x) {
      return x.deviceMessage(m[3], { driver: m[1], name: `${m[1]} ${m[2]}` });
    },
  },
];

/** The kernel release in "BOOT_IMAGE=.../vmlinuz-<release>" (null: none). Word by word: a regex searching
 *  for "vmlinuz-" from every "BOOT_IMAGE=" of one long word would rescan the word from each of them. */
function bootImageVersion(cmdline: string): string | null {
  const word = /BOOT_IMAGE=(\S*)/g;
  for (let w; (w = word.exec(cmdline)) !== null; ) {
    const v = /vmlinu[xz]-(\S+)/.exec(w[1]);
    if (v) return v[1];
  }
  return null;
}

function simpleError(kind: string, format: string, head: string): Rule {
  const re = new RegExp(`^${head.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
  return {
    id: kind,
    format,
    heads: [head],
    re,
    wrap: false,
    emit(m, x) {
      addError(x, kind, m);
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// the rest of a dev_printk message, after "driver device: "

export const DEVICE_RULES: Rule[] = [
  {
    id: 'virtio-mem-requested-size',
    format: 'virtio_mem dev_info "requested size: 0x%llx"',
    heads: ['requested size: '],
    re: new RegExp(`^requested size: ${HEX}`),
    emit(m, x) {
      if (x.dev?.driver !== 'virtio_mem') return false;
      x.fact({ k: 'hotplug', v: { kind: 'virtio-mem-requested-size', device: x.dev.name, start: null, end: null, bytes: hexOrNull(m[1]), pages: null, line: x.rec.line, t: x.rec.t, text: cleanText(`${x.dev.name}: ${m.input}`) } });
    },
  },
  {
    id: 'virtio-mem-range',
    format: 'virtio_mem dev_dbg/dev_info "plugging memory: 0x%llx - 0x%llx", "unplugging memory: ...", "adding memory: ...", "removing memory: ..."',
    heads: ['plugging memory: ', 'unplugging memory: ', 'adding memory: ', 'removing memory: '],
    re: new RegExp(`^(plugging|unplugging|adding|removing) memory: ${HEX}\\s*-\\s*${HEX}`),
    emit(m, x) {
      if (x.dev?.driver !== 'virtio_mem') return false;
      const kind = ({ plugging: 'virtio-mem-plug', unplugging: 'virtio-mem-unplug', adding: 'virtio-mem-add', removing: 'virtio-mem-remove' } as const)[m[1] as 'plugging'];
      const start = hexOrNull(m[2]);
      const end = hexOrNull(m[3]);
      const bytes = start !== null && end !== null && end >= start ? end - start + 1 : null;
      x.fact({ k: 'hotplug', v: { kind, device: x.dev.name, start, end, bytes, pages: null, line: x.rec.line, t: x.rec.t, text: cleanText(`${x.dev.name}: ${m.input}`) } });
    },
  },
  {
    id: 'kmem-too-small',
    format: 'dax/kmem dev_info "mapping%d: %#llx-%#llx too small after alignment"',
    heads: ['mapping'],
    re: new RegExp(`^mapping(\\d+): ${HEX}-${HEX} too small after alignment`),
    emit(m, x) {
      const start = hexOrNull(m[2]);
      const end = hexOrNull(m[3]);
      x.fact({ k: 'hotplug', v: { kind: 'kmem-range-too-small', device: x.dev?.name ?? null, start, end, bytes: start !== null && end !== null && end >= start ? end - start + 1 : null, pages: null, line: x.rec.line, t: x.rec.t, text: cleanText(m.input) } });
    },
  },
  simpleError('kmem-no-memory-after-alignment', 'dax/kmem dev_warn "rejecting DAX region without any memory after alignment"', 'rejecting DAX region without any memory after alignment'),
  simpleError('memmap-on-memory-unavailable', 'dax dev_dbg "memmap_on_memory is not available"', 'memmap_on_memory is not available'),
  {
    id: 'nouveau-dmem',
    format: 'nouveau "DRM: DMEM: registered %luMB of device memory" (device-private ZONE_DEVICE)',
    heads: ['DRM: DMEM: registered ', 'DMEM: registered '],
    re: /^(?:DRM: )?DMEM: registered (\d+)MB of device memory/,
    emit(m, x) {
      const mb = n(m[1]);
      if (mb === null) return false;
      x.fact({ k: 'device-memory', v: { kind: 'device-private', driver: x.dev?.driver ?? null, device: x.dev?.name ?? null, start: null, end: null, bytes: mb * MiB, line: x.rec.line, t: x.rec.t } });
    },
  },
];

/**
 * nvdimm (drivers/nvdimm/pfn_devs.c, namespace_devs.c) messages: always dev_printk-prefixed, and several
 * start with a device name of their own, so they are found by a substring of the rest of the message.
 */
export const DEVICE_ANYWHERE_RULES: AnywhereRule[] = [
  {
    id: 'alignment-collision',
    anchor: 'alignment collision',
    format: 'dev_info "%s alignment collision, truncate %d bytes" (nd_pfn_init, v4.x)',
    // (?<!\S): the name starts a blank-separated word (as the leftmost match always did), so a long word
    // is scanned once, not once from each of its characters (quadratic).
    re: /(?<!\S)(\S+) alignment collision, truncate (\d+) bytes/,
    emit(m, x) {
      addError(x, 'alignment-collision', m, { namespace: cleanText(m[1], 64), truncateBytes: n(m[2]) });
    },
  },
  nvdimm('nd-pfn-start-misaligned', 'misaligned to', '"%s: start %pa misaligned to %#lx" (nd_pfn_init)', new RegExp(`(?<!\\S)(\\S+): start (?:${HEX}) misaligned to ${HEX}`), (m) => ({ namespace: m[1], start: hexOrNull(m[2]), align: hexOrNull(m[3]) })),
  nvdimm('misaligned-unable-to-map', 'misaligned, unable to map', '"%pr misaligned, unable to map" (nvdimm_namespace_common_probe)', new RegExp(`\\[mem ${HEX}-${HEX_WHOLE}[^\\][]*\\] misaligned, unable to map|misaligned, unable to map`), (m) => ({ start: hexOrNull(m[1]), end: hexOrNull(m[2]) })),
  nvdimm('nd-pfn-unable-to-satisfy-alignment', 'unable to satisfy requested alignment', '"%s unable to satisfy requested alignment" (nd_pfn_init)', /unable to satisfy requested alignment/),
  nvdimm('nd-pfn-page-size-mismatch', 'init failed, page size mismatch', '"init failed, page size mismatch %d" (nd_pfn_validate)', /init failed, page size mismatch (\d+)/, (m) => ({ pageSize: n(m[1]) })),
  nvdimm('nd-pfn-struct-page-size-mismatch', 'init failed, struct page size mismatch', '"init failed, struct page size mismatch %d" (nd_pfn_validate)', /init failed, struct page size mismatch (\d+)/, (m) => ({ structPageSize: n(m[1]) })),
  nvdimm('nd-pfn-alignment-mismatch', 'init failed, alignment mismatch', '"init failed, alignment mismatch: %ld:%ld" (nd_pfn_validate)', /init failed, alignment mismatch: (\d+):(\d+)/, (m) => ({ align: n(m[1]), expected: n(m[2]) })),
  nvdimm('nd-pfn-settings-mismatch', 'init failed, settings mismatch', '"init failed, settings mismatch" (nd_pfn_validate)', /init failed, settings mismatch/),
  nvdimm('nd-pfn-align-exceeds-capacity', 'exceeds capacity', '"alignment: %lx exceeds capacity %llx" (nd_pfn_validate)', /alignment: ([0-9a-fA-F]+) exceeds capacity ([0-9a-fA-F]+)/, (m) => ({ align: hexOrNull(m[1]), capacity: hexOrNull(m[2]) })),
  nvdimm('nd-pfn-array-exceeds-capacity', 'pfn array size exceeds capacity', '"pfn array size exceeds capacity of %s" (nd_pfn_validate)', /pfn array size exceeds capacity of (\S+)/, (m) => ({ namespace: m[1] })),
  nvdimm('nd-pfn-bad-offset', 'bad offset: ', '"bad offset: %#llx dax disabled align: %#lx" (nd_pfn_validate)', new RegExp(`bad offset: ${HEX} dax disabled align: ${HEX}`), (m) => ({ offset: hexOrNull(m[1]), align: hexOrNull(m[2]) })),
  nvdimm('nd-pfn-resource-start-misaligned', 'resource start misaligned', '"resource start misaligned" (nd_pfn_validate)', /resource start misaligned/),
  nvdimm('nd-pfn-resource-end-misaligned', 'resource end misaligned', '"resource end misaligned" (nd_pfn_validate)', /resource end misaligned/),
  nvdimm('nd-pfn-bad-offset-small-namespace', 'bad offset with small namespace', '"bad offset with small namespace" (nd_pfn_validate, 6.12)', /bad offset with small namespace/),
  nvdimm('nd-pfn-memory-debug', 'Memory debug options prevent using pmem', '"Memory debug options prevent using pmem for the page map" (nd_pfn_init)', /Memory debug options prevent using pmem for the page map/),
  nvdimm('nd-pfn-npfns-truncated', 'number of pfns truncated', 'dev_info "number of pfns truncated from %lld to %ld" (__nvdimm_setup_pfn)', /number of pfns truncated from (\d+) to (\d+)/, (m) => ({ from: n(m[1]), to: n(m[2]) })),
];

function nvdimm(kind: string, anchor: string, format: string, re: RegExp, details?: (m: RegExpExecArray) => KernelError['details']): AnywhereRule {
  return {
    id: kind,
    anchor,
    format,
    re,
    wrap: false,
    emit(m, x) {
      addError(x, kind, m, details ? details(m) : {});
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// messages found anywhere in the line

export const ANYWHERE_RULES: AnywhereRule[] = [
  {
    id: 'vmemmap-alloc-failure',
    anchor: 'vmemmap alloc failure',
    format: 'warn_alloc "%s: vmemmap alloc failure: order:%u, mode:%#x(%pGg), nodemask=%*pbl" (vmemmap_alloc_block; %s = task name)',
    re: /vmemmap alloc failure: order:(\d+),\s*mode:(0x[0-9a-fA-F]+)\(([^)]*)\)/,
    fallback: /vmemmap alloc failure: order:(\d+)/,
    emit(m, x) {
      const text = m.input.slice(Math.max(0, m.input.lastIndexOf(' ', Math.max(0, m.index - 2)) + 1));
      x.fact({ k: 'error', v: error(x, 'vmemmap-alloc-failure', text, { order: n(m[1]), mode: m[2] ?? null, gfp: m[3] ?? null }) });
      x.traceTrigger(m.input, null);
    },
  },
  {
    id: 'p2pdma-memory',
    anchor: 'added peer-to-peer DMA memory',
    format: 'pci_p2pdma_add_resource dev_info "added peer-to-peer DMA memory %#llx-%#llx" (%pR: "[mem %#llx-%#llx 64bit pref]")',
    re: new RegExp(`(?:^|\\s)(?:([\\w-]+) ([\\w.:-]+): )?added peer-to-peer DMA memory (?:\\[mem )?${HEX}-${HEX}`),
    emit(m, x) {
      const start = hexOrNull(m[3]);
      const end = hexOrNull(m[4]);
      x.fact({
        k: 'device-memory',
        v: {
          kind: 'p2pdma', driver: m[1] ?? x.dev?.driver ?? null, device: m[1] ? `${m[1]} ${m[2]}` : x.dev?.name ?? null,
          start, end, bytes: start !== null && end !== null && end >= start ? end - start + 1 : null, line: x.rec.line, t: x.rec.t,
        },
      });
    },
  },
];

// ---------------------------------------------------------------------------------------------------
// dispatch tables

export interface HeadEntry {
  head: string;
  rule: Rule;
}

/** Rules by the character code of the first character of their heads (ASCII only). */
function bucketize(rules: readonly Rule[]): Array<HeadEntry[] | null> {
  const table: Array<HeadEntry[] | null> = new Array<HeadEntry[] | null>(128).fill(null);
  for (const rule of rules) {
    for (const head of rule.heads) {
      const c = head.charCodeAt(0);
      (table[c] ??= []).push({ head, rule });
    }
  }
  return table;
}

export const RULE_BUCKETS = bucketize(RULES);
export const DEVICE_BUCKETS = bucketize(DEVICE_RULES);

/** Zone lines inside the "Zone ranges:" block: "  %-8s [mem %#018Lx-%#018Lx]" or "  %-8s empty". */
export const ZONE_LINE = /^\s*([A-Z][\w]*)\s+(?:(empty)|\[mem (0x[0-9a-fA-F]+)-(0x[0-9a-fA-F]+)\])\s*$/;
/** A zone line a mailer cut at a blank: "  DMA      [mem" or "  DMA" (the rest on the next line). */
export const ZONE_PART = /^\s*[A-Z]\w*(?:\s+\[mem)?$/;

/** A call-trace frame: x86/arm64 " func+0x1a/0x40 [module]", "? func+...", old "[<ffffffff8100>] func+...",
 *  powerpc "[c000000000e3b8f0] [c0000000003a1bf4] func+0x.../0x... (unreliable)". */
export const FRAME = /^\s*(?:\[<?[0-9a-f]+>?\] (?:\[[0-9a-f]+\] )?)?(\? )?([A-Za-z_$][\w.$]*)\+0x[0-9a-f]+\/0x[0-9a-f]+(?: \[[\w]+\])?(\s*\(unreliable\))?/;

/** Lines inside a call trace that are not frames and do not end it. */
export const TRACE_MARKER = /^\s*(?:<\/?(?:TASK|IRQ|NMI|SOFTIRQ|EOI)>|\? ?$)/;

