// Measured (the log) vs predicted (the linked workload config): per figure, two bars on a common scale
// (measured = 100 %), and the table with both values, the error and the relative error. A click on a row
// opens the log at the line the figure was measured on.
import type { ChartDataset } from 'chart.js';
import type { ComparisonRow } from '../../src/protocol/logview';
import { createChart, plainLegend, withAlpha } from '../charts';
import { h } from '../dom';
import { fmtInt, fmtMs, formatBytes } from '../format';
import { createButton } from '../toolkit';
import { empty, section, table } from '../views/common';
import type { LogViewContext } from './app';
import { at, lineRevealer } from './figures';

/** Predicted bars are drawn up to this many % of the measured value (the table has the real number). */
const CLAMP_PCT = 300;
const ROW_PX = 30;

export function fmtFigure(unit: ComparisonRow['unit'], v: number): string {
  switch (unit) {
    case 'bytes':
      return formatBytes(v);
    case 'KiB':
      return `${fmtInt(v)} KiB`;
    case 'pages':
      return fmtInt(v);
    case 'ms':
      return `${fmtMs(v)} ms`;
  }
}

export function fmtRel(r: number | null): string {
  if (r === null) return '–';
  const pct = r * 100;
  if (Math.abs(pct) < 0.005) return '0.00 %';
  return `${pct > 0 ? '+' : '−'}${Math.abs(pct).toFixed(2)} %`;
}

export function renderCompare(ctx: LogViewContext, el: HTMLElement): void {
  const m = ctx.model;
  if (!m.boot || !m.canImport) return;
  if (!m.link) {
    el.append(
      section(
        'Measured vs predicted',
        null,
        h(
          'div',
          { class: 'mm-empty lv-hint' },
          'Link a workload config that describes this machine to compare the log with what the simulator predicts, or import one from this boot. ',
          createButton('Link Workload Config…', { appearance: 'secondary', id: 'lv-link-hint' }, () => ctx.action('linkConfig')),
        ),
      ),
    );
    return;
  }
  const c = m.comparison;
  if (!c) {
    el.append(section('Measured vs predicted', `linked: ${m.link.file}`, empty('Comparing…')));
    return;
  }
  const sub = `boot ${c.boot + 1} of the log vs ${c.config}${c.configName ? ` (“${c.configName}”)` : ''}${c.worstRelError !== null ? ` · worst relative error ${(c.worstRelError * 100).toFixed(2)} %` : ''}`;
  const sec = section('Measured vs predicted', sub);
  el.append(sec);
  if (c.status === 'failed') {
    sec.append(h('div', { class: 'mm-banner mm-banner-crashed', id: 'lv-compare-error', text: c.message ?? 'The comparison failed.' }));
    return;
  }
  if (!c.rows.length) {
    sec.append(empty(c.notes.join(' ') || 'No figure to compare.'));
    return;
  }
  const p = ctx.palette;
  const charted = c.rows.filter((r) => r.predicted !== null && r.measured > 0);
  if (charted.length) {
    const labels = charted.map((r) => `${r.label} · ${r.subject}`);
    const pct = (r: ComparisonRow) => Math.min(CLAMP_PCT, (100 * r.predicted!) / r.measured);
    const tone = (r: ComparisonRow) => (r.relError === null ? p.blue : Math.abs(r.relError) <= 0.1 ? p.green : Math.abs(r.relError) <= 0.5 ? p.yellow : p.red);
    const datasets: ChartDataset<'bar', number[]>[] = [
      { label: 'measured (log) = 100 %', data: charted.map(() => 100), backgroundColor: withAlpha(p.fg, 0.3), borderColor: p.contrast ? p.fg : 'transparent', borderWidth: p.contrast ? 1 : 0 },
      { label: 'predicted (config), % of measured', data: charted.map(pct), backgroundColor: charted.map(tone), borderColor: p.contrast ? p.fg : 'transparent', borderWidth: p.contrast ? 1 : 0, minBarLength: 2 },
    ];
    const chart = createChart(sec, 'log-compare', 80 + charted.length * ROW_PX, {
      type: 'bar',
      data: { labels, datasets },
      options: {
        indexAxis: 'y',
        scales: {
          x: { type: 'linear', position: 'top', min: 0, suggestedMax: 120, title: { display: true, text: `% of the measured value (bars stop at ${CLAMP_PCT} %)` } },
          y: { type: 'category', grid: { display: false }, ticks: { autoSkip: false } },
        },
        plugins: {
          legend: { position: 'bottom', align: 'start', labels: { generateLabels: plainLegend } },
          tooltip: {
            callbacks: {
              label: (it) => {
                const r = charted[it.dataIndex];
                return it.datasetIndex === 0 ? `measured ${fmtFigure(r.unit, r.measured)}${r.line ? ` (line ${r.line})` : ''}` : `predicted ${fmtFigure(r.unit, r.predicted!)} · ${fmtRel(r.relError)}`;
              },
            },
          },
        },
      },
    });
    chart.canvas.setAttribute('aria-label', `Measured vs predicted: ${charted.length} figures`);
    chart.canvas.addEventListener('click', (e) => {
      const els = chart.getElementsAtEventForMode(e, 'nearest', { intersect: true }, false);
      const r = els[0] ? charted[els[0].index] : null;
      if (r?.line) ctx.openLine(r.line);
    });
  }
  sec.append(
    table(
      lineRevealer(ctx),
      [{ label: 'figure' }, { label: 'subject' }, { label: 'measured', num: true }, { label: 'predicted', num: true }, { label: 'error', num: true }, { label: 'rel. error', num: true }, { label: 'line', num: true }],
      c.rows.map((r) => ({
        cells: [
          r.label,
          r.subject,
          fmtFigure(r.unit, r.measured),
          r.predicted === null ? '–' : fmtFigure(r.unit, r.predicted),
          r.absError === null ? '–' : `${r.absError > 0 ? '+' : r.absError < 0 ? '−' : '±'}${fmtFigure(r.unit, Math.abs(r.absError))}`,
          h('span', { class: r.relError === null ? '' : Math.abs(r.relError) <= 0.1 ? 'mm-better' : 'mm-worse', text: fmtRel(r.relError) }),
          r.line === null ? '–' : h('span', { class: 'mm-muted', text: String(r.line) }),
        ],
        loc: at(r.line),
        titles: [r.note, null, r.source, null, null, null, r.source],
      })),
      { id: 'lv-compare-table' },
    ),
  );
  const notes = [...c.notes, ...c.unmatched.map((u) => `not compared: line ${u.line}${u.source ? ` “${u.source}”` : ''}: ${u.why}`)];
  if (notes.length) sec.append(h('ul', { class: 'mm-note lv-notes' }, ...notes.map((n) => h('li', { text: n }))));
}
