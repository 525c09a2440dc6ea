// The human-readable summary of an analysis (`memmap-lab analyze` without --json). Line oriented, so boots
// can be printed as they are found: fileHeader(), then bootSummary() per boot, then fileFooter().

import { formatBytes, formatHex, KiB } from '../config/units';
import { CR_ONLY_NOTE } from './encoding';
import type { AnalysisFile, Boot, ChromeTraceSummary, FtraceSummary, NodeRange } from './types';

const MAX_LIST = 12;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function kib(n: number | null): string {
  return n === null ? '?' : formatBytes(n * KiB);
}

function range(start: number | null, end: number | null): string {
  return `${start === null ? '?' : formatHex(start)}-${end === null ? '?' : formatHex(end)}`;
}

function secs(t: number | null): string {
  return t === null ? '' : ` at ${t.toFixed(6)} s`;
}

function list<T>(items: readonly T[], fmt: (x: T) => string, sep = ', '): string {
  const shown = items.slice(0, MAX_LIST).map(fmt).join(sep);
  return items.length > MAX_LIST ? `${shown}${sep}... (${items.length - MAX_LIST} more)` : shown;
}

export function fileHeader(path: string): string {
  return `${path}\n`;
}

/** One boot, indented under its file. */
export function bootSummary(b: Boot): string {
  const out: string[] = [];
  const who = [b.kernelVersion ? `Linux ${b.kernelVersion}${b.kernel && b.kernel.source !== 'linux-version' ? ` (from ${b.kernel.source === 'oops-header' ? 'an oops header' : 'the boot image name'})` : ''}` : 'kernel version not shown'];
  if (b.machine) who.push(`on ${b.machine}`);
  if (b.arch) who.push(`[${b.arch}]`);
  const why = b.boundary === 'start-of-file' ? '' : `, new boot: ${b.boundary}`;
  out.push(`  boot ${b.index + 1} (lines ${b.firstLine}-${b.lastLine}${why}): ${who.join(' ')}`);
  const p = (s: string) => out.push(`    ${s}`);

  if (b.deferredInit.length) {
    const sorted = [...b.deferredInit].sort((x, y) => y.ms - x.ms);
    const slow = sorted[0];
    const fast = sorted[sorted.length - 1];
    const pages = b.deferredInit.every((d) => d.pages !== null) ? `, ${b.deferredInit.reduce((s, d) => s + (d.pages ?? 0), 0)} pages` : '';
    const range = b.deferredInit.length > 1 ? `, slowest node ${slow.node} ${slow.ms} ms, fastest node ${fast.node} ${fast.ms} ms` : '';
    p(`deferred struct page init: ${plural(b.deferredInit.length, 'node')}${pages}${range}`);
    p(`  ${list([...b.deferredInit].sort((x, y) => x.node - y.node), (d) => `node ${d.node} ${d.ms} ms${d.pages !== null ? ` (${d.pages} pages)` : ''}`)}`);
  } else {
    p('deferred struct page init: no "deferred pages initialised" line');
  }
  if (b.memory) {
    const m = b.memory;
    const parts = [`${m.availableKiB}K/${m.totalKiB}K available`];
    if (m.reservedKiB !== null) parts.push(`${m.reservedKiB}K reserved (${kib(m.reservedKiB)})`);
    if (m.cmaReservedKiB !== null) parts.push(`${m.cmaReservedKiB}K cma-reserved`);
    const img = [['code', m.kernelCodeKiB], ['rwdata', m.rwdataKiB], ['rodata', m.rodataKiB], ['init', m.initKiB], ['bss', m.bssKiB]].filter(([, v]) => v !== null);
    p(`Memory: ${parts.join(', ')}${img.length ? `; kernel ${img.map(([k, v]) => `${k} ${v}K`).join(' ')}` : ''}`);
  }
  const sizes: string[] = [];
  if (b.totalPages !== null) sizes.push(`total pages ${b.totalPages}`);
  if (b.memoryBlockBytes !== null) sizes.push(`memory block ${formatBytes(b.memoryBlockBytes)}`);
  if (b.memmapPagesTotal !== null) sizes.push(`${b.memmapPagesTotal} pages used for memmap`);
  if (b.pageSizeBytes !== null) sizes.push(`page size ${formatBytes(b.pageSizeBytes)}`);
  if (sizes.length) p(sizes.join(', '));
  if (b.zones.length) p(`zones: ${list(b.zones, (z) => `${z.zone} ${z.empty ? 'empty' : range(z.start, z.end)}`)}`);
  if (b.nodeRanges.length) {
    // A range whose size is unknown (sizeBytes null: an address above 2^53, or an end below the start) is
    // never counted as 0: its node's size is "?" and the range is named, with its line, in a warning.
    const per = new Map<number, { n: number; bytes: number; unknown: number }>();
    const unreadable: NodeRange[] = [];
    for (const r of b.nodeRanges) {
      const e = per.get(r.node) ?? { n: 0, bytes: 0, unknown: 0 };
      e.n++;
      if (r.sizeBytes === null) {
        e.unknown++;
        unreadable.push(r);
      } else {
        e.bytes += r.sizeBytes;
      }
      per.set(r.node, e);
    }
    const size = (e: { n: number; bytes: number; unknown: number }) =>
      e.unknown === 0 ? `${formatBytes(e.bytes)}${e.n > 1 ? ` in ${e.n} ranges` : ''}` : `? (size unknown: ${e.n > 1 ? `${e.unknown} of ${e.n} ranges` : 'its range'} unreadable)`;
    p(`memory node ranges: ${list([...per], ([node, e]) => `node ${node} ${size(e)}`)}`);
    for (const r of unreadable.slice(0, MAX_LIST)) {
      const why = r.start === null || r.end === null ? 'an address above 2^53 - 1, which a JSON number cannot hold exactly' : 'the end is below the start';
      p(`warning: line ${r.line}: node ${r.node} range ${range(r.start, r.end)}: ${why}: its size is unknown (sizeBytes null), not counted`);
    }
    if (unreadable.length > MAX_LIST) p(`warning: ${unreadable.length - MAX_LIST} more node ranges of unknown size (analyze --json: nodeRanges with sizeBytes null)`);
  }
  // "node 0 is CPU-less", not "CPU-less nodes: 0" (which reads as a count).
  const nodesAre = (ids: number[], what: string) => `${ids.length === 1 ? 'node' : 'nodes'} ${ids.join(', ')} ${ids.length === 1 ? 'is' : 'are'} ${what}`;
  const memless = b.initmem.filter((i) => i.memoryless);
  if (memless.length) p(nodesAre(memless.map((i) => i.node), 'memoryless'));
  const cpuless = b.nodeCpus.filter((c) => c.cpus === '');
  if (cpuless.length) p(nodesAre(cpuless.map((c) => c.node), 'CPU-less'));
  if (b.unavailableRanges.length) {
    const total = b.unavailableRanges.reduce((s, u) => s + u.pages, 0);
    p(`pages in unavailable ranges: ${total}${b.unavailableRanges.some((u) => u.node !== null) ? ` (${list(b.unavailableRanges, (u) => `node ${u.node} ${u.zone} ${u.pages}`)})` : ''}`);
  }
  for (const h of b.hugetlb) {
    const bits: string[] = [];
    if (h.preallocatedPages !== null) bits.push(`pre-allocated ${h.preallocatedPages}`);
    if (h.requestedPages !== null) bits.push(`requested ${h.requestedPages}`);
    if (h.vmemmapFreeableKiB !== null) bits.push(`vmemmap freeable ${h.vmemmapFreeableKiB} KiB per page`);
    else if (h.vmemmapFreeablePages !== null) bits.push(`vmemmap freeable ${h.vmemmapFreeablePages} pages per page`);
    p(`HugeTLB ${formatBytes(h.pageSizeBytes)}: ${bits.join(', ')}`);
  }
  if (b.hugetlbAllocations.length) {
    // The kernel prints one line per huge page size it allocates at boot: equal lines are said once, counted.
    const runs: Array<{ text: string; n: number }> = [];
    for (const a of b.hugetlbAllocations) {
      const text = `${a.ms} ms${a.threads !== null ? ` with ${plural(a.threads, 'thread')}` : ''}`;
      const last = runs[runs.length - 1];
      if (last && last.text === text) last.n++;
      else runs.push({ text, n: 1 });
    }
    p(`HugeTLB allocation: ${list(runs, (r) => (r.n > 1 ? `${r.text} (${r.n} lines)` : r.text))}${b.hugetlbTwoPhase ? ' (two-phase)' : ''}`);
  }
  for (const f of b.hugetlbAllocationFailures) p(`HugeTLB allocation failed: ${f.allocatedPages} of ${f.requestedPages} ${formatBytes(f.pageSizeBytes)} pages${f.node !== null ? ` on node ${f.node}` : ''}`);
  if (b.hugetlbOptimizedAtBoot) p(`HugeTLB: ${b.hugetlbOptimizedAtBoot.pages} huge pages optimized at boot${secs(b.hugetlbOptimizedAtBoot.t)}`);
  if (b.hugetlbCma.length) p(`hugetlb_cma: ${list(b.hugetlbCma, (c) => `${c.mib} MiB on node ${c.node}`)}`);
  if (b.zoneDevice.length) {
    const pages = b.zoneDevice.reduce((s, z) => s + z.pages, 0);
    const ms = b.zoneDevice.reduce((s, z) => s + z.ms, 0);
    p(`ZONE_DEVICE memmap init: ${plural(b.zoneDevice.length, 'range')}, ${pages} pages in ${ms} ms total (${list(b.zoneDevice, (z) => `${z.pages} pages ${z.ms} ms`)})`);
  }
  for (const d of b.deviceMemory) p(`device memory (${d.kind}): ${d.device ?? '?'}${d.start !== null ? ` ${range(d.start, d.end)}` : ''}${d.bytes !== null ? ` ${formatBytes(d.bytes)}` : ''}`);
  for (const h of b.hotplug) p(`hotplug ${h.kind} (line ${h.line}): ${h.text}`);
  if (b.lsmem) {
    const l = b.lsmem;
    p(`lsmem: block ${l.blockSizeBytes !== null ? formatBytes(l.blockSizeBytes) : '?'}, online ${l.totalOnlineBytes !== null ? formatBytes(l.totalOnlineBytes) : '?'}; ${list(l.ranges, (r) => `blocks ${r.firstBlock}${r.lastBlock !== r.firstBlock ? `-${r.lastBlock}` : ''} ${r.state}${r.zones ? ` ${r.zones}` : ''}${r.node !== null ? ` node ${r.node}` : ''}`)}`);
  }
  for (const e of b.errors.slice(0, MAX_LIST)) {
    p(`error ${e.kind} (line ${e.line}): ${e.text}${e.printer ? `  [${e.printer.function}(), ${e.printer.file}]` : ''}`);
  }
  if (b.errors.length > MAX_LIST) p(`... ${b.errors.length - MAX_LIST} more errors`);
  for (const c of b.callTraces.slice(0, MAX_LIST)) p(`call trace (line ${c.line}, ${c.phase}): in ${c.functions.join(' <- ')}`);
  if (b.factsDropped) p(`(${b.factsDropped} more facts not kept: per-boot limit)`);
  for (const x of b.numbersTooLarge.slice(0, MAX_LIST)) {
    p(`warning: line ${x.line}: ${x.number} is above 2^53 - 1, which a JSON number cannot hold exactly: ${x.kept ? 'read with that value left out (null)' : 'message not read'}: "${x.text}"`);
  }
  if (b.numbersTooLarge.length > MAX_LIST) p(`warning: ${b.numbersTooLarge.length - MAX_LIST} more lines with numbers above 2^53 - 1 (analyze --json: numbersTooLarge)`);
  return out.join('\n') + '\n';
}

function ftraceSummary(f: FtraceSummary): string {
  const out = [`  ftrace (${f.tracer}): ${f.entries} entries, ${f.functionsSeen} functions`];
  for (const fn of f.functions.filter((x) => x.phase !== null).slice(0, 20)) {
    out.push(`    ${fn.function} [${fn.phase}]: ${fn.calls} calls${fn.totalUs !== null ? `, ${fn.totalUs} us total, max ${fn.maxUs} us` : ''}`);
  }
  return out.join('\n') + '\n';
}

function chromeSummary(c: ChromeTraceSummary): string {
  // JSON without trace events (ndctl list output, an empty trace): its warning says what it is.
  if (c.events === 0) return '  no Chrome trace events\n';
  const out = [`  Chrome trace: ${c.events} events, ${c.namesSeen} span names${c.logLines ? `, ${c.logLines} kernel log lines` : ''}`];
  for (const s of c.spans.filter((x) => x.phase !== null).slice(0, 20)) out.push(`    ${s.name} [${s.phase}]: ${s.count}x, ${s.totalUs} us total, max ${s.maxUs} us`);
  return out.join('\n') + '\n';
}

export function fileFooter(f: AnalysisFile): string {
  const out: string[] = [];
  const q = f.input;
  const notes: string[] = [];
  if (q.encoding) notes.push(`${q.encoding === 'utf-16le' ? 'UTF-16LE' : 'UTF-16BE'}, decoded`);
  // CR-only line endings are an input quirk like UTF-16 (--json: input.crOnlyLineEndings, and the note in `warnings`).
  const crOnly = f.input.crOnlyLineEndings;
  if (crOnly) notes.push('CR-only line endings, each CR read as a line break');
  if (q.quotedPrintable) notes.push('quoted-printable');
  if (q.mailQuoted) notes.push('mail-quoted');
  if (q.prefixes.length) notes.push(`prefixes: ${q.prefixes.join(', ')}`);
  if (q.rejoinedLines) notes.push(`${q.rejoinedLines} wrapped lines rejoined`);
  if (f.format === 'kernel-log') notes.push(`timestamps: ${q.timestamps.join(', ')}`);
  const boots = f.boots.length + f.bootsNotRetained;
  out.push(`  ${f.format}, ${formatBytes(f.sizeBytes)}, ${plural(f.lines, 'line')}, ${plural(boots, 'boot')}${notes.length ? ` (${notes.join('; ')})` : ''}`);
  if (f.format === 'kernel-log' && boots === 0) out.push('  no memmap-related kernel messages found');
  if (f.ftrace) out.push(ftraceSummary(f.ftrace).trimEnd());
  if (f.chromeTrace) out.push(chromeSummary(f.chromeTrace).trimEnd());
  for (const w of f.warnings) if (!(crOnly && w === CR_ONLY_NOTE)) out.push(`  warning: ${w}`);
  return out.join('\n') + '\n';
}

/** The whole summary of an analysis already in memory. */
export function summarize(f: AnalysisFile): string {
  return fileHeader(f.path) + f.boots.map(bootSummary).join('') + fileFooter(f);
}
