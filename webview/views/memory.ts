// Memory view: where the memmap of every node and device lives (RAM, device, page tables) and what
// compound-devmap dedup and HVO saved, as stacked bars, with the exact numbers underneath.
import type { ChartDataset } from 'chart.js';
import { createChart, withAlpha } from '../charts';
import { focusKey, type ViewContext } from '../context';
import { h } from '../dom';
import { binaryStep, bytesColumn, compactBytes, fmtInt, fmtMs, formatBytes } from '../format';
import { empty, section, table } from './common';

export function renderMemory(ctx: ViewContext, el: HTMLElement): void {
  const { model, palette: p } = ctx;
  const rows = model.memory;
  if (!rows.length) {
    el.append(empty(model.status === 'ok' ? 'No nodes or devices.' : 'Nothing simulated yet: see Findings.'));
    return;
  }
  const focus = focusKey(ctx.state.focus);
  const focusIndex = rows.findIndex((r) => r.key === focus);
  const dim = (color: string) => (i: number) => (focusIndex >= 0 && i !== focusIndex ? withAlpha(color, 0.3) : color);
  const series: { label: string; values: number[]; stack: 'used' | 'saved'; color: string; always?: boolean }[] = [
    { label: 'in RAM', values: rows.map((r) => r.ramBytes), stack: 'used', color: p.blue, always: true },
    { label: 'on device (altmap / self-hosted)', values: rows.map((r) => r.deviceBytes), stack: 'used', color: p.orange },
    { label: 'vmemmap page tables', values: rows.map((r) => r.pageTableBytes), stack: 'used', color: p.purple, always: true },
    { label: 'saved by dedup', values: rows.map((r) => r.dedupSavedBytes), stack: 'saved', color: p.green },
    { label: 'saved by HVO', values: rows.map((r) => r.hvoSavedBytes), stack: 'saved', color: withAlpha(p.green, 0.55) },
  ];
  const datasets: ChartDataset<'bar', number[]>[] = series
    .filter((s) => s.always || s.values.some((v) => v > 0))
    .map((s) => ({
      label: s.label,
      data: s.values,
      stack: s.stack,
      backgroundColor: (c: { dataIndex: number }) => dim(s.color)(c.dataIndex),
      borderColor: p.contrast ? p.fg : 'transparent',
      borderWidth: p.contrast ? 1 : 0,
      barPercentage: 0.92,
      categoryPercentage: 0.8,
    }));
  const chartSection = section('Memmap per node and device', 'struct page memory by where it lives · savings beside it · click a bar to reveal its config');
  el.append(chartSection);
  createChart(chartSection, 'memory', 90 + rows.length * 46, {
    type: 'bar',
    data: { labels: rows.map((r) => r.label), datasets },
    options: {
      indexAxis: 'y',
      scales: {
        x: { stacked: true, beginAtZero: true, ticks: { callback: (v) => compactBytes(Number(v)), stepSize: binaryStep(Math.max(...rows.map((r) => Math.max(r.ramBytes + r.deviceBytes + r.pageTableBytes, r.dedupSavedBytes + r.hvoSavedBytes))), 8), includeBounds: false }, grid: { color: p.grid } },
        y: { stacked: true, grid: { display: false }, ticks: { font: { weight: 'bold' } } },
      },
      plugins: {
        legend: { position: 'top', align: 'start' },
        tooltip: {
          callbacks: {
            title: (items) => (items[0] ? `${rows[items[0].dataIndex].label} — ${rows[items[0].dataIndex].detail}` : ''),
            label: (it) => `${it.dataset.label}: ${formatBytes(Number(it.raw))}`,
            footer: (items) => (items[0] && rows[items[0].dataIndex].loc && ctx.canReveal ? 'click: reveal in the config' : ''),
          },
        },
      },
      onClick: (_e, els) => {
        const i = els[0]?.index;
        if (i !== undefined) ctx.reveal(rows[i].loc);
      },
      onHover: (e, els) => {
        const t = e.native?.target as HTMLElement | undefined;
        if (t) t.style.cursor = els.length && rows[els[0].index].loc ? 'pointer' : 'default';
      },
    },
  });

  const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => a + f(r), 0);
  // One unit per column (exact bytes in the cell's tooltip).
  const col = (f: (r: (typeof rows)[number]) => number) => bytesColumn([...rows.map(f), sum(f)]);
  const [ram, dev, pt, dd, hvo] = [(r: (typeof rows)[number]) => r.ramBytes, (r: (typeof rows)[number]) => r.deviceBytes, (r: (typeof rows)[number]) => r.pageTableBytes, (r: (typeof rows)[number]) => r.dedupSavedBytes, (r: (typeof rows)[number]) => r.hvoSavedBytes];
  const fmt = [col(ram), col(dev), col(pt), col(dd), col(hvo)];
  const exact = (n: number) => `${fmtInt(n)} bytes`;
  chartSection.append(
    table(
      ctx,
      [{ label: 'node / device' }, { label: 'memmap in' }, { label: 'struct pages', num: true }, { label: 'in RAM', num: true }, { label: 'on device', num: true }, { label: 'page tables', num: true }, { label: 'saved dedup', num: true }, { label: 'saved HVO', num: true }, { label: 'status' }],
      rows.map((r) => ({
        key: r.key,
        loc: r.loc,
        class: r.status === 'failed' ? 'mm-row-bad' : '',
        cells: [h('div', null, h('strong', { text: r.label }), h('div', { class: 'mm-cell-sub', text: r.detail })), r.location, fmtInt(r.structPages), fmt[0](r.ramBytes), fmt[1](r.deviceBytes), fmt[2](r.pageTableBytes), fmt[3](r.dedupSavedBytes), fmt[4](r.hvoSavedBytes), r.status],
        titles: [r.detail, null, null, exact(r.ramBytes), exact(r.deviceBytes), exact(r.pageTableBytes), exact(r.dedupSavedBytes), exact(r.hvoSavedBytes), null],
      })),
      {
        id: 'table-memory',
        focusKey: focus,
        foot: {
          cells: ['total', '', fmtInt(sum((r) => r.structPages)), fmt[0](sum(ram)), fmt[1](sum(dev)), fmt[2](sum(pt)), fmt[3](sum(dd)), fmt[4](sum(hvo)), ''],
          titles: [null, null, null, exact(sum(ram)), exact(sum(dev)), exact(sum(pt)), exact(sum(dd)), exact(sum(hvo)), null],
        },
      },
    ),
  );

  if (model.hugetlb.length) {
    el.append(
      section(
        'HugeTLB pools',
        'vmemmap per huge page and what HVO returns to the buddy allocator',
        table(
          ctx,
          [{ label: 'pool' }, { label: 'pages', num: true }, { label: 'vmemmap / page', num: true }, { label: 'freed / page', num: true }, { label: 'freed', num: true }, { label: 'page tables', num: true }, { label: 'HVO' }, { label: 'init ms', num: true }, { label: 'of which HVO ms', num: true }],
          model.hugetlb.map((x) => ({
            loc: x.loc,
            cells: [h('strong', { text: `${formatBytes(x.pageSizeBytes)} on node ${x.node}` }), x.allocated === x.count ? fmtInt(x.count) : `${fmtInt(x.allocated)} of ${fmtInt(x.count)}`, formatBytes(x.vmemmapBytesPerPage), formatBytes(x.freedBytesPerPage), compactBytes(x.freedBytes), compactBytes(x.pageTableBytes), x.hvo, x.initMs === null ? '–' : fmtMs(x.initMs), x.hvoMs === null ? '–' : fmtMs(x.hvoMs)],
            titles: [null, null, null, null, `${fmtInt(x.freedBytes)} bytes`, `${fmtInt(x.pageTableBytes)} bytes`, null, null, null],
          })),
          { id: 'table-hugetlb' },
        ),
      ),
    );
  }
  if (focusIndex >= 0) requestAnimationFrame(() => el.querySelector('tr.mm-focus')?.scrollIntoView({ block: 'center' }));
}
