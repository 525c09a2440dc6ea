// Scenarios side by side: headline memory and timing per scenario (charts), and every quantity that
// differs from the base config with its delta.
import type { CompareColumn, CompareRow } from '../../src/protocol/dashboard';
import { createChart, withAlpha } from '../charts';
import { focusKey, type ViewContext } from '../context';
import { h } from '../dom';
import { binaryStep, compactBytes, fmtDelta, fmtInt, fmtMs, fmtValue, formatBytes } from '../format';
import { createCheckbox } from '../toolkit';
import { attachReveal, empty, section } from './common';

type HeadlineKey = keyof NonNullable<CompareColumn['headline']>;
const HEADLINE: { key: HeadlineKey; label: string; unit: 'bytes' | 'ms'; better: 'lower' | 'higher' }[] = [
  { key: 'totalBytes', label: 'memmap total', unit: 'bytes', better: 'lower' },
  { key: 'ramBytes', label: 'in system RAM', unit: 'bytes', better: 'lower' },
  { key: 'deviceBytes', label: 'on devices', unit: 'bytes', better: 'lower' },
  { key: 'pageTableBytes', label: 'vmemmap page tables', unit: 'bytes', better: 'lower' },
  { key: 'dedupSavedBytes', label: 'saved by dedup', unit: 'bytes', better: 'higher' },
  { key: 'hvoSavedBytes', label: 'saved by HVO', unit: 'bytes', better: 'higher' },
  { key: 'bootMs', label: 'boot memory init', unit: 'ms', better: 'lower' },
  { key: 'endMs', label: 'all done', unit: 'ms', better: 'lower' },
];

function deltaClass(d: number, better: 'lower' | 'higher'): string {
  if (d === 0) return 'mm-delta';
  return `mm-delta ${(d < 0) === (better === 'lower') ? 'mm-better' : 'mm-worse'}`;
}

export function renderCompare(ctx: ViewContext, el: HTMLElement): void {
  const { model, palette: p } = ctx;
  const cmp = model.compare;
  if (!cmp) {
    el.append(empty('Nothing to compare: the base config was not simulated (see Findings).'));
    return;
  }
  const cols = cmp.columns;
  const focus = focusKey(ctx.state.focus);
  const focusCol = cols.findIndex((c) => `scenario:${c.name}` === focus);
  if (cols.length === 1) {
    el.append(empty('This config defines no scenarios. Add a `scenarios:` list (each with a name and `set:` overrides, e.g. { "devices[0].map": dev }) to compare what-if variants side by side.'));
  }

  // Headline table: one column per scenario, deltas against the base.
  const head = h(
    'tr',
    null,
    h('th', { text: '' }),
    ...cols.map((c, i) => {
      const th = h('th', { class: `num${i === focusCol ? ' mm-focus' : ''}`, data: { scenario: c.name } }, h('div', { class: 'mm-col-name', text: c.name }), c.description ? h('div', { class: 'mm-col-desc', text: c.description }) : null);
      attachReveal(ctx, th, c.loc);
      return th;
    }),
  );
  const body = h('tbody');
  for (const m of HEADLINE) {
    const base = cols[0].headline?.[m.key] ?? null;
    body.append(
      h(
        'tr',
        null,
        h('th', { class: 'mm-rowhead', text: m.label }),
        ...cols.map((c, i) => {
          const v = c.headline?.[m.key];
          const td = h('td', { class: `num${i === focusCol ? ' mm-focus' : ''}` });
          if (v === undefined || v === null) td.textContent = c.ok ? '–' : 'not simulated';
          else {
            td.append(h('div', { text: fmtValue(v, m.unit) }));
            if (m.unit === 'bytes') td.title = `${fmtInt(v)} bytes`;
            if (i > 0 && base !== null) td.append(h('div', { class: deltaClass(v - base, m.better), text: fmtDelta(Math.round((v - base) * 1000) / 1000, m.unit) }));
          }
          return td;
        }),
      ),
    );
  }
  body.append(
    h(
      'tr',
      null,
      h('th', { class: 'mm-rowhead', text: 'findings' }),
      ...cols.map((c, i) => h('td', { class: `num${i === focusCol ? ' mm-focus' : ''}${c.errors ? ' mm-bad' : c.warnings ? ' mm-warn' : ''}`, text: [c.errors ? `${c.errors} err` : '', c.warnings ? `${c.warnings} warn` : ''].filter(Boolean).join(' · ') || '–' })),
    ),
  );
  el.append(section('Scenarios side by side', 'deltas against the base config · click a scenario name to reveal it', h('div', { class: 'mm-table-wrap' }, h('table', { class: 'mm-table mm-compare', id: 'table-compare' }, h('thead', null, head), body))));

  // Charts: memory and timing per scenario.
  const ok = cols.filter((c) => c.headline);
  if (ok.length) {
    const grid = h('div', { class: 'mm-grid2' });
    el.append(grid);
    const dim = (color: string) => (c: { dataIndex: number }) => (focusCol >= 0 && cols.indexOf(ok[c.dataIndex]) !== focusCol ? withAlpha(color, 0.35) : color);
    const left = section('Memmap per scenario', null);
    grid.append(left);
    const mem = (key: HeadlineKey) => ok.map((c) => c.headline![key]);
    createChart(left, 'compare-memory', 80 + ok.length * 44, {
      type: 'bar',
      data: {
        labels: ok.map((c) => c.name),
        datasets: [
          { label: 'in RAM', data: mem('ramBytes'), stack: 'used', backgroundColor: dim(p.blue) },
          { label: 'on device', data: mem('deviceBytes'), stack: 'used', backgroundColor: dim(p.orange) },
          { label: 'page tables', data: mem('pageTableBytes'), stack: 'used', backgroundColor: dim(p.purple) },
          { label: 'saved by dedup', data: mem('dedupSavedBytes'), stack: 'saved', backgroundColor: dim(p.green) },
          { label: 'saved by HVO', data: mem('hvoSavedBytes'), stack: 'saved', backgroundColor: dim(withAlpha(p.green, 0.55)) },
        ],
      },
      options: {
        indexAxis: 'y',
        scales: {
          x: { stacked: true, beginAtZero: true, ticks: { callback: (v) => compactBytes(Number(v)), stepSize: binaryStep(Math.max(...ok.map((c) => Math.max(c.headline!.ramBytes + c.headline!.deviceBytes + c.headline!.pageTableBytes, c.headline!.dedupSavedBytes + c.headline!.hvoSavedBytes))), 6), includeBounds: false } },
          y: { stacked: true, grid: { display: false } },
        },
        plugins: { legend: { position: 'top', align: 'start' }, tooltip: { callbacks: { label: (it) => `${it.dataset.label}: ${formatBytes(Number(it.raw))}` } } },
        onClick: (_e, els) => {
          const i = els[0]?.index;
          if (i !== undefined) ctx.reveal(ok[i].loc);
        },
      },
    });
    const right = section('Init time per scenario', null);
    grid.append(right);
    createChart(right, 'compare-timing', 80 + ok.length * 44, {
      type: 'bar',
      data: {
        labels: ok.map((c) => c.name),
        datasets: [
          { label: 'boot memory init (ms)', data: mem('bootMs'), backgroundColor: dim(p.blue) },
          { label: 'all done (ms)', data: mem('endMs'), backgroundColor: dim(withAlpha(p.orange, 0.8)) },
        ],
      },
      options: {
        indexAxis: 'y',
        scales: { x: { beginAtZero: true, title: { display: true, text: 'ms' }, ticks: { maxRotation: 0 } }, y: { grid: { display: false } } },
        plugins: { legend: { position: 'top', align: 'start' }, tooltip: { callbacks: { label: (it) => `${it.dataset.label}: ${fmtMs(Number(it.raw))}` } } },
        onClick: (_e, els) => {
          const i = els[0]?.index;
          if (i !== undefined) ctx.reveal(ok[i].loc);
        },
      },
    });
  }

  // Every compared quantity.
  if (cols.length > 1) {
    const details = h('div');
    const fill = () => {
      details.replaceChildren(detailTable('Memory quantities', cmp.memory, cols, focusCol, ctx.state.onlyChanged), detailTable('Timing quantities', cmp.timing, cols, focusCol, ctx.state.onlyChanged));
    };
    const toggle = createCheckbox('Only quantities that differ', ctx.state.onlyChanged, (v) => {
      ctx.update({ onlyChanged: v });
      fill();
    }, 'compare-only-changed');
    el.append(section('All compared quantities', null, h('div', { class: 'mm-toolbar' }, toggle.element), details));
    fill();
  }
  if (focusCol >= 0) requestAnimationFrame(() => el.querySelector('th.mm-focus')?.scrollIntoView({ block: 'nearest', inline: 'center' }));
}

function detailTable(title: string, rows: CompareRow[], cols: CompareColumn[], focusCol: number, onlyChanged: boolean): HTMLElement {
  const shown = rows.filter((r) => !onlyChanged || r.changed);
  const wrap = h('div', { class: 'mm-table-wrap' });
  wrap.append(h('h3', { class: 'mm-h3', text: `${title} (${shown.length}${onlyChanged ? ` of ${rows.length}` : ''})` }));
  if (!shown.length) {
    wrap.append(h('div', { class: 'mm-empty', text: 'no differences' }));
    return wrap;
  }
  const table = h(
    'table',
    { class: 'mm-table mm-compare' },
    h('thead', null, h('tr', null, h('th', { text: 'quantity' }), ...cols.map((c, i) => h('th', { class: `num${i === focusCol ? ' mm-focus' : ''}`, text: c.name })))),
    h(
      'tbody',
      null,
      ...shown.map((r) =>
        h(
          'tr',
          { class: r.changed ? '' : 'mm-unchanged' },
          h('td', { class: 'mm-mono', text: r.key }),
          ...r.values.map((v, i) => {
            const td = h('td', { class: `num${i === focusCol ? ' mm-focus' : ''}` });
            if (v === null) td.textContent = '–';
            else {
              td.append(h('div', { text: fmtValue(v, r.unit) }));
              if (r.unit === 'bytes') td.title = `${fmtInt(v)} bytes`;
              const d = r.deltas[i];
              if (i > 0 && d !== null && d !== 0) td.append(h('div', { class: 'mm-delta', text: fmtDelta(d, r.unit) }));
            }
            return td;
          }),
        ),
      ),
    ),
  );
  wrap.append(table);
  return wrap;
}
