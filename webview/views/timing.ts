// Init timing view: where the wall-clock time goes (critical path per phase), per node / device / pool
// breakdowns, and the exact tables (phases, nodes, devices, the critical path).
import type { ChartDataset } from 'chart.js';
import type { SourceRange } from '../../src/protocol/dashboard';
import { createChart, withAlpha, type Palette } from '../charts';
import type { ViewContext } from '../context';
import { h } from '../dom';
import { fmtInt, fmtMs, formatBytes, phaseLabel } from '../format';
import { empty, section, table } from './common';

/** One colour per phase, shared by the timing charts and the timeline. */
export function phaseColor(p: Palette, phase: string): string {
  switch (phase) {
    case 'sparseInit':
      return p.purple;
    case 'memmapInitEarly':
      return p.green;
    case 'memmapInitReserved':
      return withAlpha(p.green, 0.6);
    case 'deferredInit':
      return p.blue;
    case 'hugetlbGather':
      return withAlpha(p.yellow, 0.6);
    case 'hugetlbAlloc':
      return p.yellow;
    case 'hvo':
      return p.red;
    case 'devicePopulate':
    case 'hotplugAdd':
      return withAlpha(p.orange, 0.55);
    case 'deviceAltmapInit':
      return withAlpha(p.orange, 0.75);
    case 'zoneDeviceInit':
    case 'memoryBlockOnline':
      return p.orange;
    case 'join':
    case 'lockWait':
    case 'cpuWait':
      return withAlpha(p.fg, 0.18);
    default:
      return withAlpha(p.fg, 0.45);
  }
}

export function renderTiming(ctx: ViewContext, el: HTMLElement): void {
  const { model, palette: p } = ctx;
  const t = model.timing;
  if (!t) {
    el.append(empty('No timing: the config was not simulated (see Findings).'));
    return;
  }
  const grid = h('div', { class: 'mm-grid2' });
  el.append(grid);

  // Where the wall-clock time goes: the critical path, per phase (sums to "all done").
  const crit = t.phases.filter((x) => x.criticalMs > 0);
  const left = section('Critical path by phase', `${fmtMs(t.endMs)} ms wall clock = Σ of these`);
  grid.append(left);
  createChart(left, 'timing-phases', 70 + crit.length * 30, {
    type: 'bar',
    data: {
      labels: crit.map((x) => phaseLabel(x.phase)),
      datasets: [
        {
          label: 'on the critical path (ms)',
          data: crit.map((x) => x.criticalMs),
          backgroundColor: crit.map((x) => phaseColor(p, x.phase)),
          borderColor: p.contrast ? p.fg : 'transparent',
          borderWidth: p.contrast ? 1 : 0,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      scales: { x: { beginAtZero: true, title: { display: true, text: 'ms' }, ticks: { maxRotation: 0 } }, y: { grid: { display: false } } },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (it) => `${fmtMs(Number(it.raw))} ms on the critical path · ${fmtMs(crit[it.dataIndex].threadMs)} ms on all threads` } },
      },
    },
  });

  // Per node / device / HugeTLB pool.
  type Target = { label: string; loc: SourceRange | null; parts: Record<string, number> };
  const targets: Target[] = [
    ...t.nodes.map((n) => ({ label: `node ${n.node}`, loc: n.loc, parts: { early: n.earlyMs, deferred: n.deferredMs } })),
    ...t.devices.map((d) => ({ label: d.name, loc: d.loc, parts: { populate: d.populateMs, lock: d.lockWaitMs, init: d.initMs } })),
    ...model.hugetlb
      .filter((x) => x.initMs !== null)
      .map((x) => ({ label: `HugeTLB ${formatBytes(x.pageSizeBytes)} n${x.node}`, loc: x.loc, parts: { hugetlb: (x.initMs ?? 0) - (x.hvoMs ?? 0), hvo: x.hvoMs ?? 0 } })),
  ];
  const partDefs: { key: string; label: string; color: string }[] = [
    { key: 'early', label: 'memmap_init (early, boot CPU)', color: p.green },
    { key: 'deferred', label: 'deferred_init_memmap (wall)', color: p.blue },
    { key: 'populate', label: 'vmemmap populate / add', color: withAlpha(p.orange, 0.55) },
    { key: 'lock', label: 'mem_hotplug_lock wait', color: withAlpha(p.fg, 0.25) },
    { key: 'init', label: 'struct page init / online', color: p.orange },
    { key: 'hugetlb', label: 'hugetlb alloc + tail init', color: p.yellow },
    { key: 'hvo', label: 'HVO', color: p.red },
  ];
  const datasets: ChartDataset<'bar', number[]>[] = partDefs
    .filter((d) => targets.some((x) => (x.parts[d.key] ?? 0) > 0))
    .map((d) => ({ label: d.label, data: targets.map((x) => x.parts[d.key] ?? 0), backgroundColor: d.color, borderColor: p.contrast ? p.fg : 'transparent', borderWidth: p.contrast ? 1 : 0 }));
  const right = section('Per node, device and pool', 'thread time of each part · click a bar to reveal its config');
  grid.append(right);
  createChart(right, 'timing-targets', 90 + targets.length * 30, {
    type: 'bar',
    data: { labels: targets.map((x) => x.label), datasets },
    options: {
      indexAxis: 'y',
      scales: { x: { stacked: true, beginAtZero: true, title: { display: true, text: 'ms' }, ticks: { maxRotation: 0 } }, y: { stacked: true, grid: { display: false } } },
      plugins: {
        legend: { position: 'top', align: 'start' },
        tooltip: { callbacks: { label: (it) => `${it.dataset.label}: ${fmtMs(Number(it.raw))} ms` } },
      },
      onClick: (_e, els) => {
        const i = els[0]?.index;
        if (i !== undefined) ctx.reveal(targets[i].loc);
      },
    },
  });

  if (t.nodes.length) {
    el.append(
      section(
        'Boot memory init per node',
        'memmap_init on the boot CPU, then deferred_init_memmap on pgdatinit + padata helpers',
        table(
          ctx,
          [{ label: 'node' }, { label: 'early ms', num: true }, { label: 'deferred ms', num: true }, { label: 'threads', num: true }, { label: 'early pages', num: true }, { label: 'deferred pages', num: true }, { label: 'done at ms', num: true }],
          t.nodes.map((n) => ({
            key: `node:${n.node}`,
            loc: n.loc,
            cells: [h('strong', { text: `node ${n.node}` }), fmtMs(n.earlyMs), n.deferredPages ? fmtMs(n.deferredMs) : '–', fmtInt(n.threads), fmtInt(n.earlyPages), fmtInt(n.deferredPages), n.doneAtMs === null ? '–' : fmtMs(n.doneAtMs)],
          })),
          { id: 'table-timing-nodes' },
        ),
      ),
    );
  }
  if (t.devices.length) {
    el.append(
      section(
        'Devices and hot-adds',
        'ZONE_DEVICE: memremap_pages + memmap_init_zone_device; hot-add: add_memory + online',
        table(
          ctx,
          [{ label: 'device' }, { label: 'kind' }, { label: 'node', num: true }, { label: 'populate ms', num: true }, { label: 'lock wait ms', num: true }, { label: 'init ms', num: true }, { label: 'ready at ms', num: true }, { label: 'threads', num: true }, { label: 'struct pages', num: true }],
          t.devices.map((d) => ({
            key: `device:${d.name}`,
            loc: d.loc,
            cells: [h('strong', { text: d.name }), d.kind === 'zoneDevice' ? 'ZONE_DEVICE' : 'hot-add', d.node, fmtMs(d.populateMs), fmtMs(d.lockWaitMs), fmtMs(d.initMs), fmtMs(d.readyAtMs), fmtInt(d.threads), fmtInt(d.pages)],
          })),
          { id: 'table-timing-devices' },
        ),
      ),
    );
  }
  el.append(
    section(
      'Phases',
      'thread time summed over all threads vs. time on the critical path',
      table(
        ctx,
        [{ label: 'phase' }, { label: 'kind' }, { label: 'all threads ms', num: true }, { label: 'critical ms', num: true }, { label: 'spans', num: true }, { label: 'pages', num: true }],
        t.phases.map((x) => ({
          cells: [h('span', { class: 'mm-swatch-label' }, swatch(phaseColor(p, x.phase)), phaseLabel(x.phase)), x.kind, fmtMs(x.threadMs), x.criticalMs ? fmtMs(x.criticalMs) : '–', fmtInt(x.spans), x.pages ? fmtInt(x.pages) : '–'],
        })),
        { id: 'table-phases' },
      ),
    ),
  );
  el.append(
    section(
      'Critical path',
      `${fmtInt(t.criticalSpans)} spans to ${fmtMs(t.endMs)} ms (consecutive spans of one thread and phase merged)`,
      table(
        ctx,
        [{ label: 'from ms', num: true }, { label: 'to ms', num: true }, { label: 'dur ms', num: true }, { label: 'thread' }, { label: 'phase' }, { label: 'target' }, { label: 'bound' }, { label: 'cost term' }],
        t.criticalPath.map((c) => ({
          loc: c.loc,
          cells: [fmtMs(c.startMs), fmtMs(c.endMs), fmtMs(c.endMs - c.startMs), c.thread, `${phaseLabel(c.phase)}${c.count > 1 ? ` ×${c.count}` : ''}`, c.target, c.limitedBy, h('span', { class: 'mm-mono mm-muted', text: c.costTerm })],
        })),
        { id: 'table-critical' },
      ),
    ),
  );
}

/** A colour chip; its colour is set through CSSOM (no inline style attribute). */
export function swatch(color: string): HTMLElement {
  const s = h('span', { class: 'mm-swatch', attrs: { 'aria-hidden': 'true' } });
  s.style.setProperty('background', color);
  return s;
}
