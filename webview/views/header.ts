// The header: config name, geometry, and the headline figures every view shares.
import type { DashboardModel } from '../../src/protocol/dashboard';
import { h } from '../dom';
import { compactBytes, fmtInt, fmtMs, fmtPct, formatBytes } from '../format';

function card(label: string, value: string, sub: string | null, opts: { title?: string; tone?: 'good' | 'bad' | 'warn' | null; id: string }): HTMLElement {
  return h(
    'div',
    { class: `mm-card${opts.tone ? ` mm-${opts.tone}` : ''}`, title: opts.title, data: { card: opts.id } },
    h('div', { class: 'mm-card-label', text: label }),
    h('div', { class: 'mm-card-value', text: value }),
    sub ? h('div', { class: 'mm-card-sub', text: sub }) : null,
  );
}

export function renderHeader(model: DashboardModel, el: HTMLElement, extra: HTMLElement | null): void {
  const g = model.geometry;
  const meta = [model.file, model.arch, model.kernel ? `Linux ${model.kernel}` : null, g ? `${formatBytes(g.pageSize)} pages` : null, g ? `${g.structPageSize} B struct page` : null, g ? `${formatBytes(g.sectionSize)} sections` : null, g ? `${formatBytes(g.memoryBlockBytes)} memory blocks` : null].filter(Boolean);
  el.append(
    h(
      'div',
      { class: 'mm-titlebar' },
      h('div', { class: 'mm-titles' }, h('h1', { class: 'mm-h1', text: model.name ?? model.file }), h('div', { class: 'mm-meta', text: meta.join(' · ') })),
      extra,
    ),
  );
  // The banner opens the Findings view (the header's click handler follows data-card).
  if (model.statusMessage) el.append(h('div', { class: `mm-banner mm-banner-${model.status} mm-link`, attrs: { role: 'status' }, data: { card: 'findings' }, text: model.statusMessage }));
  const hl = model.headline;
  if (!hl) return;
  const exact = (n: number) => `${fmtInt(n)} bytes`;
  const problems = hl.errors + hl.warnings;
  el.append(
    h(
      'div',
      { class: 'mm-cards' },
      card('memmap', compactBytes(hl.totalBytes), `${hl.structPages >= 1e7 ? `${(hl.structPages / 1e6).toFixed(0)} M` : fmtInt(hl.structPages)} struct pages`, { id: 'total', title: `memmap (struct page) total: ${exact(hl.totalBytes)}, ${fmtInt(hl.structPages)} struct pages` }),
      card('in RAM', compactBytes(hl.ramBytes), fmtPct(hl.ramBytes, hl.totalBytes), { id: 'ram', title: `memmap frames in system RAM: ${exact(hl.ramBytes)}` }),
      card('on devices', compactBytes(hl.deviceBytes), hl.deviceBytes ? fmtPct(hl.deviceBytes, hl.totalBytes) : 'altmap, self-hosted', { id: 'device', title: `memmap on the devices (altmap) and in hot-added memory (memmap_on_memory): ${exact(hl.deviceBytes)}` }),
      card('page tables', compactBytes(hl.pageTableBytes), fmtPct(hl.pageTableBytes, hl.totalBytes), { id: 'pt', title: `vmemmap page tables: ${exact(hl.pageTableBytes)}` }),
      card('saved: dedup', compactBytes(hl.dedupSavedBytes), 'compound devmap', { id: 'dedup', title: `saved by compound devmap vmemmap deduplication: ${exact(hl.dedupSavedBytes)}`, tone: hl.dedupSavedBytes > 0 ? 'good' : null }),
      card('saved: HVO', compactBytes(hl.hvoSavedBytes), 'HugeTLB pools', { id: 'hvo', title: `freed by the HugeTLB vmemmap optimization: ${exact(hl.hvoSavedBytes)}`, tone: hl.hvoSavedBytes > 0 ? 'good' : null }),
      card('boot mem init', hl.bootMs === null ? '–' : `${fmtMs(hl.bootMs)} ms`, hl.memoryLineMs === null ? null : `Memory: ${fmtMs(hl.memoryLineMs)} ms`, { id: 'boot', title: 'boot memory init: until the "Memory:" line is printed and the boot HugeTLB pools are ready' }),
      card('all done', hl.endMs === null ? '–' : `${fmtMs(hl.endMs)} ms`, '+ devices, hot-adds', { id: 'end', title: 'everything simulated: boot, device probes and hot-adds' }),
      card('findings', problems === 0 ? (hl.infos ? `${hl.infos} info` : 'none') : [hl.errors ? `${hl.errors} err` : '', hl.warnings ? `${hl.warnings} warn` : ''].filter(Boolean).join(' · '), problems === 0 ? (hl.infos ? 'no problems' : 'config is clean') : hl.infos ? `${hl.infos} info` : null, {
        id: 'findings',
        tone: hl.errors ? 'bad' : hl.warnings ? 'warn' : null,
      }),
    ),
  );
}
