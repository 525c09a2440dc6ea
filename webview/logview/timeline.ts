// The boot's timeline: the memmap work the log reports with a duration as floating bars ending at the
// line's timestamp (deferred init per node, ZONE_DEVICE init, HugeTLB allocation), single lines (Memory:,
// HVO, hotplug, errors, call traces) as numbered dashed markers, on the kernel's time axis. A click on a
// bar, or on a row of the events table, opens the log at that line.
import type { Chart, ChartDataset } from 'chart.js';
import type { LogTimeline } from '../../src/protocol/logview';
import { createChart, markerLinesPlugin, plainLegend } from '../charts';
import { h } from '../dom';
import { fmtMs, phaseLabel } from '../format';
import { empty, section, table } from '../views/common';
import { phaseColor } from '../views/timing';
import type { LogViewContext } from './app';
import { at, lineRevealer } from './figures';

const ROW_PX = 24;

interface Point {
  x: [number, number];
  y: string;
  bar: LogTimeline['bars'][number];
}

/** Seconds with a precision that suits the axis span. */
const fmtS = (s: number, span: number) => s.toFixed(span >= 10 ? 2 : span >= 1 ? 3 : 6);

export function renderTimeline(ctx: LogViewContext, el: HTMLElement): void {
  const b = ctx.model.boot;
  if (!b) return;
  const t = b.timeline;
  if (!t) {
    el.append(section('Timeline', null, empty(b.timelineNote ?? 'No timeline.')));
    return;
  }
  const p = ctx.palette;
  const span = t.endS - t.startS;
  const pad = Math.max(span * 0.03, 0.0005);
  const rows = t.rows.length ? t.rows : ['kernel log'];
  const kinds = [...new Set(t.bars.map((x) => x.kind))];
  const sec = section(
    'Timeline',
    `${b.timestamps === 'relative' ? 'relative timestamps summed' : 'kernel timestamps'}: bars end at the line that reports them · dashed lines are single log lines (numbered as in the events below) · click a bar to open its line`,
  );
  el.append(sec);
  const datasets: ChartDataset<'bar', Point[]>[] = kinds.map((k) => ({
    label: phaseLabel(k),
    data: t.bars.filter((x) => x.kind === k).map((x) => ({ x: [x.startS, x.endS], y: rows[x.row], bar: x })),
    backgroundColor: phaseColor(p, k),
    borderColor: p.contrast ? p.fg : 'transparent',
    borderWidth: p.contrast ? 1 : 0,
    borderSkipped: false,
    grouped: false,
    barPercentage: 0.9,
    categoryPercentage: 0.85,
    minBarLength: 3,
  }));
  const chart = createChart(
    sec,
    'log-timeline',
    70 + rows.length * ROW_PX,
    {
      type: 'bar',
      data: { labels: rows, datasets: datasets as unknown as ChartDataset<'bar'>[] },
      options: {
        indexAxis: 'y',
        parsing: { xAxisKey: 'x', yAxisKey: 'y' },
        scales: {
          x: { type: 'linear', position: 'top', min: t.startS - pad, max: t.endS + pad, title: { display: true, text: 's (kernel time)' }, ticks: { maxRotation: 0, includeBounds: false } },
          y: { type: 'category', grid: { display: false }, ticks: { autoSkip: false } },
        },
        plugins: {
          legend: { display: datasets.length > 0, position: 'bottom', align: 'start', labels: { generateLabels: plainLegend } },
          tooltip: {
            callbacks: {
              title: (items) => (items[0]?.raw as Point | undefined)?.bar.label ?? '',
              label: (it) => {
                const x = (it.raw as Point).bar;
                return [`${fmtS(x.startS, span)} – ${fmtS(x.endS, span)} s (${fmtMs((x.endS - x.startS) * 1000)} ms)`, `line ${x.line} · click: open the log there`];
              },
            },
          },
        },
      },
      plugins: [markerLinesPlugin(p, () => t.markers.map((m) => m.atS))],
    },
    'lv-timeline-chart',
  ) as unknown as Chart<'bar', Point[]>;
  chart.canvas.setAttribute('aria-label', `Timeline of boot ${b.index + 1}: ${t.bars.length} timed steps, ${t.markers.length} log lines`);
  chart.canvas.addEventListener('click', (e) => {
    const els = chart.getElementsAtEventForMode(e, 'nearest', { intersect: true }, false);
    const x = els[0] ? (chart.data.datasets[els[0].datasetIndex].data[els[0].index] as Point).bar : null;
    if (x) ctx.openLine(x.line);
  });
  chart.canvas.addEventListener('mousemove', (e) => {
    const els = chart.getElementsAtEventForMode(e, 'nearest', { intersect: true }, false);
    chart.canvas.style.cursor = els.length ? 'pointer' : 'default';
  });

  const events = [
    ...t.markers.map((m, i) => ({ n: String(i + 1), atS: m.atS, kind: m.kind, label: m.label, line: m.line })),
    ...t.bars.map((x) => ({ n: '', atS: x.endS, kind: phaseLabel(x.kind), label: x.label, line: x.line })),
  ].sort((x, y) => x.atS - y.atS || x.line - y.line);
  sec.append(
    h('h3', { class: 'mm-h3', text: 'Events' }),
    table(
      lineRevealer(ctx),
      [{ label: '#', num: true }, { label: 'at s', num: true }, { label: 'kind' }, { label: 'event' }, { label: 'line', num: true }],
      events.map((e) => ({ cells: [e.n, e.atS.toFixed(6), e.kind, h('span', { class: 'lv-wrap', text: e.label }), h('span', { class: 'mm-muted', text: String(e.line) })], loc: at(e.line) })),
      { id: 'lv-events' },
    ),
  );
}
