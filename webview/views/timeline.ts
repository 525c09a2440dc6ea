// Thread timeline: a floating-bar Gantt (chart.js horizontal bars with [start, end] per span), one row per
// thread or per group of similar helper threads, spans merged per time bucket of the visible window,
// critical-path spans outlined and never merged away. Zoom and pan are ours: Ctrl/⌘+wheel or the
// buttons zoom around the pointer, drag / Shift+wheel / arrow keys pan, double-click or "Fit" resets.
import type { Chart, ChartDataset } from 'chart.js';
import { SPAN_CRITICAL, SPAN_OVERHEAD, SPAN_WAIT, type TimelineModel } from '../../src/protocol/dashboard';
import { aggregateBars, buildLanes, clampWindow, panWindow, zoomWindow, type GanttBar, type Lane } from '../../src/report/gantt';
import { createChart, markerLinesPlugin, plainLegend, withAlpha, type Palette } from '../charts';
import type { ViewContext } from '../context';
import { h } from '../dom';
import { fmtInt, fmtMs, phaseLabel } from '../format';
import { createButton, createCheckbox } from '../toolkit';
import { empty, section, table } from './common';
import { phaseColor } from './timing';

const ROW_PX = 19;
/** Rows beyond which similar helper threads are grouped by default. */
export const COLLAPSE_DEFAULT_ABOVE = 24;

interface Point {
  x: [number, number];
  y: string;
  bar: GanttBar;
}

function seriesOf(t: TimelineModel, bar: GanttBar): string {
  if (bar.flags & SPAN_WAIT) return 'waiting';
  if (bar.flags & SPAN_OVERHEAD) return 'overhead (thread start, hand-off)';
  return phaseLabel(t.phases[bar.phase]);
}

function seriesColor(p: Palette, t: TimelineModel, name: string): string {
  if (name === 'waiting') return withAlpha(p.fg, 0.16);
  if (name.startsWith('overhead')) return withAlpha(p.fg, 0.45);
  const phase = t.phases.find((x) => phaseLabel(x) === name) ?? name;
  return phaseColor(p, phase);
}

export function renderTimeline(ctx: ViewContext, el: HTMLElement): void {
  const { model, palette: p } = ctx;
  const t = model.timeline;
  if (!t) {
    el.append(empty('No timeline: the config was not simulated (see Findings).'));
    return;
  }
  const endUs = Math.max(t.endUs, 1);
  let win = ctx.state.zoom ? clampWindow(ctx.state.zoom.fromUs, ctx.state.zoom.toUs, endUs) : { fromUs: 0, toUs: endUs };
  const lanes: Lane[] = buildLanes(t, ctx.state.collapse);

  // Series (legend entries) in a stable order: work phases first-seen, then overhead and waits.
  const seriesNames: string[] = [];
  const addSeries = (n: string) => !seriesNames.includes(n) && seriesNames.push(n);
  for (const sp of t.spans) if (!(sp[6] & (SPAN_WAIT | SPAN_OVERHEAD))) addSeries(phaseLabel(t.phases[sp[3]]));
  if (t.spans.some((sp) => sp[6] & SPAN_OVERHEAD)) addSeries('overhead (thread start, hand-off)');
  if (ctx.state.showWaits && t.spans.some((sp) => sp[6] & SPAN_WAIT)) addSeries('waiting');

  const status = h('span', { class: 'mm-muted mm-status', id: 'timeline-status' });
  const zoomBy = (factor: number, atUs?: number) => setWindow(zoomWindow(win, factor, atUs ?? (win.fromUs + win.toUs) / 2, endUs));
  const toolbar = h(
    'div',
    { class: 'mm-toolbar', attrs: { role: 'toolbar', 'aria-label': 'Timeline zoom' } },
    createButton('−', { appearance: 'secondary', title: 'Zoom out (−)', id: 'zoom-out' }, () => zoomBy(2)),
    createButton('+', { appearance: 'secondary', title: 'Zoom in (+)', id: 'zoom-in' }, () => zoomBy(0.5)),
    createButton('Fit', { appearance: 'secondary', title: 'Show everything (0 or double-click)', id: 'zoom-fit' }, () => setWindow({ fromUs: 0, toUs: endUs })),
    createButton('Boot', { appearance: 'secondary', title: 'Boot memory init only (until the HugeTLB pools are ready)', id: 'zoom-boot' }, () => setWindow(clampWindow(0, Math.max(t.bootUs, 1) * 1.02, endUs))),
    h('span', { class: 'mm-sep' }),
    createCheckbox(`Group helper threads`, ctx.state.collapse, (v) => {
      ctx.update({ collapse: v });
      ctx.rerender();
    }, 'timeline-collapse').element,
    createCheckbox('Show waits', ctx.state.showWaits, (v) => {
      ctx.update({ showWaits: v });
      ctx.rerender();
    }, 'timeline-waits').element,
    ctx.exportTimeline ? h('span', { class: 'mm-sep' }) : null,
    ctx.exportTimeline ? createButton('Export trace…', { appearance: 'secondary', title: 'Save the timeline as Chrome Trace Event JSON (Perfetto, chrome://tracing)', id: 'export-timeline' }, ctx.exportTimeline) : null,
    h('span', { class: 'mm-grow' }),
    status,
  );
  const sec = section(
    'Thread timeline',
    `${fmtInt(t.threads.length)} threads · ${fmtInt(t.totalSpans)} spans · critical path outlined · Ctrl+wheel zooms, drag pans, double-click fits · click a bar to reveal its config`,
    toolbar,
  );
  el.append(sec);

  const markerPlugin = markerLinesPlugin(p, () => t.markers.map((m) => m.atUs / 1000));

  const chartHeight = 86 + lanes.length * ROW_PX;
  const datasetsFor = (bars: GanttBar[]): ChartDataset<'bar', Point[]>[] => {
    const by = new Map<string, Point[]>(seriesNames.map((n) => [n, []]));
    for (const b of bars) {
      const name = seriesOf(t, b);
      if (!by.has(name)) continue;
      by.get(name)!.push({ x: [b.startUs / 1000, b.endUs / 1000], y: lanes[b.lane].label, bar: b });
    }
    return seriesNames.map((name) => {
      const color = seriesColor(p, t, name);
      return {
        label: name,
        data: by.get(name)!,
        backgroundColor: color,
        borderColor: (c: { raw?: unknown }) => ((c.raw as Point | undefined)?.bar.flags ?? 0) & SPAN_CRITICAL ? p.fg : p.contrast ? p.fg : 'transparent',
        borderWidth: (c: { raw?: unknown }) => (((c.raw as Point | undefined)?.bar.flags ?? 0) & SPAN_CRITICAL ? 2 : p.contrast ? 1 : 0),
        borderSkipped: false,
        grouped: false,
        barPercentage: 0.95,
        categoryPercentage: name === 'waiting' ? 0.45 : 0.9,
        minBarLength: 2,
        order: name === 'waiting' ? 2 : 1,
      } as ChartDataset<'bar', Point[]>;
    });
  };

  const chart = createChart(
    sec,
    'timeline',
    chartHeight,
    {
      type: 'bar',
      data: { labels: lanes.map((l) => l.label), datasets: [] },
      options: {
        indexAxis: 'y',
        parsing: { xAxisKey: 'x', yAxisKey: 'y' },
        scales: {
          x: { type: 'linear', position: 'top', min: win.fromUs / 1000, max: win.toUs / 1000, title: { display: true, text: 'ms since sparse_init' }, ticks: { maxRotation: 0, includeBounds: false } },
          y: {
            type: 'category',
            grid: { display: false },
            ticks: {
              autoSkip: false,
              font: (c) => ({ weight: lanes[c.index]?.critical ? 'bold' : 'normal' }),
            },
          },
        },
        plugins: {
          legend: { position: 'bottom', align: 'start', labels: { generateLabels: plainLegend } },
          tooltip: {
            callbacks: {
              title: (items) => {
                const b = (items[0]?.raw as Point | undefined)?.bar;
                return b ? lanes[b.lane].label : '';
              },
              label: (it) => tooltipLines(t, lanes, (it.raw as Point).bar, ctx.canReveal),
            },
          },
        },
      },
      plugins: [markerPlugin],
    },
    'mm-gantt',
  ) as unknown as Chart<'bar', Point[]>;

  let lastBars = 0;
  const refresh = () => {
    const width = Math.max(100, chart.chartArea?.width ?? 800);
    const bars = aggregateBars(t, lanes, { fromUs: win.fromUs, toUs: win.toUs, bucketsPerLane: Math.min(400, Math.floor(width / 3)), showWaits: ctx.state.showWaits });
    lastBars = bars.length;
    chart.data.datasets = datasetsFor(bars);
    const sx = chart.options.scales!.x!;
    sx.min = win.fromUs / 1000;
    sx.max = win.toUs / 1000;
    chart.update('none');
    status.textContent = `${fmtMs(win.fromUs / 1000)} – ${fmtMs(win.toUs / 1000)} ms · ${fmtInt(lastBars)} bars for ${fmtInt(t.totalSpans)} spans in ${fmtInt(lanes.length)} rows`;
  };
  let pending = 0;
  let persist: ReturnType<typeof setTimeout> | undefined;
  function setWindow(w: { fromUs: number; toUs: number }) {
    win = clampWindow(w.fromUs, w.toUs, endUs);
    if (!pending) pending = requestAnimationFrame(() => ((pending = 0), refresh()));
    clearTimeout(persist);
    persist = setTimeout(() => ctx.update({ zoom: win.fromUs <= 0 && win.toUs >= endUs ? null : { ...win } }), 250);
  }
  refresh();

  // --- pointer interaction on the canvas
  const canvas = chart.canvas;
  canvas.tabIndex = 0;
  canvas.setAttribute('aria-label', 'Thread timeline: + and − zoom, arrow keys pan, 0 fits');
  const usAt = (clientX: number) => {
    const r = canvas.getBoundingClientRect();
    const v = chart.scales.x.getValueForPixel(clientX - r.left);
    return (v ?? 0) * 1000;
  };
  const usPerPx = () => (win.toUs - win.fromUs) / Math.max(1, chart.chartArea.width);
  canvas.addEventListener(
    'wheel',
    (e) => {
      if (e.ctrlKey || e.metaKey) {
        e.preventDefault();
        zoomBy(Math.exp(Math.max(-1, Math.min(1, e.deltaY * 0.002))), usAt(e.clientX));
      } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        e.preventDefault();
        setWindow(panWindow(win, (e.deltaX || e.deltaY) * usPerPx(), endUs));
      }
    },
    { passive: false },
  );
  let drag: { x: number; y: number; from: { fromUs: number; toUs: number }; moved: boolean; id: number } | null = null;
  canvas.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    drag = { x: e.clientX, y: e.clientY, from: { ...win }, moved: false, id: e.pointerId };
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drag || e.pointerId !== drag.id) {
      const els = chart.getElementsAtEventForMode(e, 'nearest', { intersect: true }, false);
      const b = els[0] ? (chart.data.datasets[els[0].datasetIndex].data[els[0].index] as Point).bar : null;
      canvas.style.cursor = b && b.target >= 0 && t.targets[b.target]?.loc ? 'pointer' : 'grab';
      return;
    }
    const dx = e.clientX - drag.x;
    if (!drag.moved && Math.abs(dx) + Math.abs(e.clientY - drag.y) > 4) {
      drag.moved = true;
      canvas.setPointerCapture(e.pointerId);
      canvas.style.cursor = 'grabbing';
    }
    if (drag.moved) setWindow(panWindow(drag.from, -dx * ((drag.from.toUs - drag.from.fromUs) / Math.max(1, chart.chartArea.width)), endUs));
  });
  const endDrag = (e: PointerEvent) => {
    if (!drag || e.pointerId !== drag.id) return;
    const wasClick = !drag.moved;
    if (drag.moved) canvas.releasePointerCapture(e.pointerId);
    drag = null;
    canvas.style.cursor = 'grab';
    if (wasClick && e.type === 'pointerup') {
      const els = chart.getElementsAtEventForMode(e, 'nearest', { intersect: true }, false);
      const b = els[0] ? (chart.data.datasets[els[0].datasetIndex].data[els[0].index] as Point).bar : null;
      if (b && b.target >= 0) ctx.reveal(t.targets[b.target]?.loc ?? null);
    }
  };
  canvas.addEventListener('pointerup', endDrag);
  canvas.addEventListener('pointercancel', endDrag);
  canvas.addEventListener('dblclick', () => setWindow({ fromUs: 0, toUs: endUs }));
  canvas.addEventListener('keydown', (e) => {
    const step = (win.toUs - win.fromUs) * 0.1;
    const keys: Record<string, () => void> = {
      '+': () => zoomBy(0.5),
      '=': () => zoomBy(0.5),
      '-': () => zoomBy(2),
      '0': () => setWindow({ fromUs: 0, toUs: endUs }),
      ArrowLeft: () => setWindow(panWindow(win, -step, endUs)),
      ArrowRight: () => setWindow(panWindow(win, step, endUs)),
    };
    const k = keys[e.key];
    if (k) {
      e.preventDefault();
      k();
    }
  });

  // Markers: the kernel log lines and milestones, numbered as on the chart.
  if (t.markers.length) {
    el.append(
      section(
        'Events',
        'kernel log lines and milestones (dashed lines on the timeline)',
        table(
          ctx,
          [{ label: '#', num: true }, { label: 'at ms', num: true }, { label: 'thread' }, { label: 'event' }, { label: 'kernel log' }],
          t.markers.map((m, i) => ({ cells: [String(i + 1), fmtMs(m.atUs / 1000), t.threads[m.thread]?.name ?? '', m.label, m.log ? h('span', { class: 'mm-mono', text: m.log }) : '–'] })),
          { id: 'table-markers' },
        ),
      ),
    );
  }
}

function tooltipLines(t: TimelineModel, lanes: Lane[], b: GanttBar, canReveal: boolean): string[] {
  const lines: string[] = [];
  const kind = b.flags & SPAN_WAIT ? 'waiting' : b.flags & SPAN_OVERHEAD ? 'overhead' : 'work';
  lines.push(`${phaseLabel(t.phases[b.phase])}${b.count > 1 ? ` (${fmtInt(b.count)} spans merged)` : ''}${kind !== 'work' ? ` · ${kind}` : ''}`);
  lines.push(`${fmtMs(b.startUs / 1000)} – ${fmtMs(b.endUs / 1000)} ms (${fmtMs((b.endUs - b.startUs) / 1000)} ms)`);
  if (b.count > 1) lines.push(`busy ${fmtMs(b.busyUs / 1000)} ms${lanes[b.lane].collapsed ? ` on ${b.threads} thread${b.threads === 1 ? '' : 's'}` : ''}`);
  if (b.target >= 0 && t.targets[b.target]) lines.push(`for ${t.targets[b.target].label}`);
  if (b.pages) lines.push(`${fmtInt(b.pages)} ${t.phases[b.phase] === 'hvo' ? 'vmemmap pages' : /hugetlb/.test(t.phases[b.phase]) ? 'pages' : 'struct pages'}`);
  const term = t.strings[b.costTerm];
  if (term) lines.push(b.count > 1 ? `longest: ${term}` : term);
  if (b.flags & SPAN_CRITICAL) lines.push('on the critical path');
  if (canReveal && b.target >= 0 && t.targets[b.target]?.loc) lines.push('click: reveal in the config');
  return lines;
}
