// The human summary of one simulation: headline, tables per node, device, hot-add and HugeTLB pool,
// the timing table and critical path, then located problems and notes. Pure text, shared by
// `memmap-lab simulate` and the extension's output channel.
import { formatBytes } from '../config/units';
import type { WorkloadConfig } from '../config/types';
import type { MemmapResult } from '../core/types';
import { formatTimingTable, type TimingResult } from '../core/init/index';
import { num, table } from './table';

/** A problem with its place in the config file (1-based line and column). */
export interface LocatedProblem {
  severity: 'error' | 'warning';
  message: string;
  kernelMessage: string | null;
  file: string;
  line: number;
  column: number;
}

export interface SummaryInput {
  config: WorkloadConfig;
  result: MemmapResult;
  timing: TimingResult | null;
  problems: readonly LocatedProblem[];
  /** Shown after the title, e.g. the config's path. */
  source?: string;
}

/** The human summary: headline, tables per node, device, HugeTLB pool and hot-add, timing, then problems and notes. */
export function formatSimulationSummary(s: SummaryInput): string {
  const r = s.result;
  const m = r.memmap;
  const cfg = s.config;
  const a = r.arch;
  const out: string[] = [];
  const title = cfg.name + (cfg.scenario ? ` — scenario "${cfg.scenario}"` : '');
  out.push(s.source ? `${title}  (${s.source})` : title);
  out.push(
    `${a.arch}, Linux ${a.kernel}: ${formatBytes(a.pageSize)} pages, ${a.structPageSize}-byte struct page, ` +
      `${formatBytes(a.sectionSize)} sections, memory block ${formatBytes(m.memoryBlockBytes)}`,
  );
  out.push('');
  out.push(
    `memmap ${formatBytes(m.totalBytes)} = RAM ${formatBytes(m.ramBytes)} + on device ${formatBytes(m.deviceBytes)} + page tables ${formatBytes(m.pageTableBytes)}`,
  );
  if (m.savedBytes.dedup || m.savedBytes.hvo)
    out.push(`saved: compound devmap vmemmap dedup ${formatBytes(m.savedBytes.dedup)}, HugeTLB vmemmap optimization ${formatBytes(m.savedBytes.hvo)}`);
  // The RAM budget the vmemmap of devices and hot-adds draws from (see RamBudget in src/core/context.ts).
  out.push(`System RAM for the vmemmap of devices and hot-adds: ${formatBytes(m.ramBudget.bootFreeBytes)} after boot (less boot memmaps, their page tables and boot HugeTLB pools), ${formatBytes(m.ramBudget.freeBytes)} left`);
  out.push('');
  out.push('Nodes (boot memory)');
  out.push(
    table(
      ['node', 'RAM', 'sections', 'struct pages', 'boot memmap', 'page tables', 'zones'],
      m.nodes.map((n) => [
        n.id,
        formatBytes(n.presentPages * a.pageSize),
        num(n.presentSections),
        num(n.structPages),
        formatBytes(n.bootMemmapBytes),
        formatBytes(n.pageTableBytes),
        n.zones.map((z) => z.name).join(' ') || '-',
      ]),
    ),
  );
  if (m.devices.length) {
    out.push('Devices (ZONE_DEVICE and dax/kmem)');
    out.push(
      table(
        ['device', 'kind/mode', 'size', 'map', 'struct pages', 'memmap', 'location', 'dedup saved', 'data offset', 'usable pages', 'status'],
        m.devices.map((d) => {
          const hp = d.hotplugIndex !== null ? m.hotplug[d.hotplugIndex] : null;
          return [
            d.name,
            `${d.kind}/${d.mode}`,
            formatBytes(d.size),
            d.mode === 'kmem' ? (hp?.memmapOnMemory ? 'on-mem' : 'mem') : d.map,
            num(hp ? hp.structPages : d.structPages),
            formatBytes(hp ? hp.memmapBytes : d.memmapBytes),
            hp ? (hp.memmapOnMemory ? 'self-hosted' : 'ram') : d.location,
            formatBytes(d.dedupSavedBytes),
            formatBytes(d.dataOffsetBytes),
            num(hp ? hp.usableBytes / a.pageSize : d.usablePages),
            d.status,
          ];
        }),
      ),
    );
    const alt = m.devices.filter((d) => d.altmap);
    if (alt.length) {
      out.push('altmaps (struct vmem_altmap, in pages)');
      out.push(
        table(
          ['device', 'base_pfn', 'reserve', 'free', 'alloc', 'align', 'unused'],
          alt.map((d) => [d.name, '0x' + d.altmap!.basePfn.toString(16), num(d.altmap!.reserve), num(d.altmap!.free), num(d.altmap!.alloc), num(d.altmap!.align), num(d.altmap!.unusedPages)]),
        ),
      );
    }
  }
  const hot = m.hotplug.filter((h) => h.source === 'hotplug');
  if (hot.length) {
    out.push('Hot-added memory');
    out.push(
      table(
        ['node', 'start', 'size', 'blocks', 'memmap_on_memory', 'self-hosted', 'RAM', 'wasted', 'status'],
        hot.map((h) => [h.node, '0x' + h.start.toString(16), formatBytes(h.size), num(h.blocks), h.memmapOnMemory ? 'yes' : h.requested ? 'fallback' : 'no', formatBytes(h.selfHostedBytes), formatBytes(h.ramBytes), formatBytes(h.wastedBytes), h.status]),
      ),
    );
  }
  if (m.hugetlb.length) {
    out.push('HugeTLB pools');
    out.push(
      table(
        ['node', 'page size', 'pages', 'vmemmap/page', 'freed/page', 'freed', 'HVO'],
        m.hugetlb.map((h) => [h.node, formatBytes(h.pageSizeBytes), num(h.allocated), formatBytes(h.vmemmapBytesPerPage), formatBytes(h.freedBytesPerPage), formatBytes(h.freedBytes), h.hvo]),
      ),
    );
  }
  if (s.timing) out.push(formatTimingTable(s.timing));
  const problems = s.problems;
  if (problems.length) {
    out.push('Problems');
    for (const e of problems) {
      out.push(`  ${e.file}:${e.line}:${e.column}: ${e.severity}: ${e.message}`);
      if (e.kernelMessage) out.push(`      kernel: ${e.kernelMessage.trimEnd()}`);
    }
    out.push('');
  }
  const notes = [...m.notes, ...m.devices.flatMap((d) => d.notes.map((n) => `${d.name}: ${n}`)), ...m.hugetlb.flatMap((h) => h.notes.map((n) => `hugetlb node ${h.node} ${formatBytes(h.pageSizeBytes)}: ${n}`))];
  if (notes.length) {
    out.push('Notes');
    for (const n of notes) out.push(`  - ${n}`);
    out.push('');
  }
  return out.join('\n');
}
