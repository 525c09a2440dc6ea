// chart.js, tree-shaken (only the bar controller and what it needs), themed from VS Code's CSS variables.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartConfiguration, type ChartType, type Plugin } from 'chart.js';
import { h, setStyle } from './dom';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export interface Palette {
  fg: string;
  muted: string;
  grid: string;
  bg: string;
  font: string;
  fontSize: number;
  blue: string;
  orange: string;
  purple: string;
  green: string;
  yellow: string;
  red: string;
  focus: string;
  /** High contrast theme: outline every bar. */
  contrast: boolean;
  border: string;
}

/** The current theme's colours (VS Code sets --vscode-* on the webview; the report defines its own). */
export function readPalette(): Palette {
  const cs = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  // Some themes derive a chart colour from a translucent one (Dark Modern's charts.orange comes from
  // minimap.findMatchHighlight): bars are drawn opaque, the dashboard applies its own alpha where it wants.
  const solid = (name: string, fallback: string) => opaque(v(name, fallback));
  const contrast = document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
  const fg = v('--vscode-foreground', '#333333');
  return {
    fg,
    muted: v('--vscode-descriptionForeground', fg),
    grid: withAlpha(fg, contrast ? 0.35 : 0.12),
    bg: v('--vscode-editor-background', '#ffffff'),
    font: v('--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: Math.max(10, Math.min(16, parseFloat(v('--vscode-font-size', '13')) - 1 || 12)),
    blue: solid('--vscode-charts-blue', '#1a85ff'),
    orange: solid('--vscode-charts-orange', '#d18616'),
    purple: solid('--vscode-charts-purple', '#652d90'),
    green: solid('--vscode-charts-green', '#388a34'),
    yellow: solid('--vscode-charts-yellow', '#bf8803'),
    red: solid('--vscode-charts-red', '#e51400'),
    focus: v('--vscode-focusBorder', '#0090f1'),
    contrast,
    border: v('--vscode-contrastBorder', contrast ? fg : 'transparent'),
  };
}

/** A CSS colour (#rgb, #rrggbb, #rrggbbaa, rgb(), rgba()) with its alpha multiplied by `a`. */
export function withAlpha(color: string, a: number): string {
  const c = color.trim();
  let m = /^#([0-9a-f]{3,8})$/i.exec(c);
  if (m) {
    let hex = m[1];
    if (hex.length === 3 || hex.length === 4) hex = [...hex].map((x) => x + x).join('');
    const r = parseInt(hex.slice(0, 2), 16);
    const g = parseInt(hex.slice(2, 4), 16);
    const b = parseInt(hex.slice(4, 6), 16);
    const a0 = hex.length === 8 ? parseInt(hex.slice(6, 8), 16) / 255 : 1;
    return `rgba(${r}, ${g}, ${b}, ${+(a0 * a).toFixed(3)})`;
  }
  m = /^rgba?\(([^)]+)\)$/i.exec(c);
  if (m) {
    const parts = m[1].split(/[\s,/]+/).filter(Boolean);
    const a0 = parts.length > 3 ? parseFloat(parts[3]) : 1;
    return `rgba(${parts[0]}, ${parts[1]}, ${parts[2]}, ${+(a0 * a).toFixed(3)})`;
  }
  return c;
}

/** The colour without transparency. */
export function opaque(color: string): string {
  const c = color.trim();
  const hex = /^#([0-9a-f]{4}|[0-9a-f]{8})$/i.exec(c);
  if (hex) return hex[1].length === 4 ? `#${hex[1].slice(0, 3)}` : `#${hex[1].slice(0, 6)}`;
  const m = /^rgba\(([^,]+),([^,]+),([^,]+),[^)]+\)$/i.exec(c);
  if (m) return `rgb(${m[1].trim()}, ${m[2].trim()}, ${m[3].trim()})`;
  return c;
}

/** Applies the palette to chart.js's global defaults (fonts, text and grid colours). */
export function applyChartDefaults(p: Palette): void {
  Chart.defaults.font.family = p.font;
  Chart.defaults.font.size = p.fontSize;
  Chart.defaults.color = p.fg;
  Chart.defaults.borderColor = p.grid;
  Chart.defaults.animation = false;
  Chart.defaults.plugins.tooltip.backgroundColor = withAlpha(p.bg, 0.96);
  Chart.defaults.plugins.tooltip.titleColor = p.fg;
  Chart.defaults.plugins.tooltip.bodyColor = p.fg;
  Chart.defaults.plugins.tooltip.borderColor = p.contrast ? p.fg : withAlpha(p.fg, 0.25);
  Chart.defaults.plugins.tooltip.borderWidth = 1;
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  Chart.defaults.plugins.legend.labels.boxHeight = 12;
}

/** Every chart currently on screen, by id (the tests read them through window.memmapDashboard). */
export const charts = new Map<string, Chart>();

/**
 * A chart in a box of the given height (the canvas follows the box's width). `id` names the canvas
 * (chart-<id>) for the tests and the "rendered" report.
 */
export function createChart<T extends ChartType>(parent: HTMLElement, id: string, heightPx: number, config: ChartConfiguration<T>, extraClass = ''): Chart<T> {
  charts.get(id)?.destroy();
  const canvas = h('canvas', { id: `chart-${id}`, attrs: { role: 'img', 'aria-label': id } });
  const box = h('div', { class: `mm-chart ${extraClass}`.trim(), data: { chart: id } }, canvas);
  setStyle(box, 'height', `${Math.round(heightPx)}px`);
  parent.append(box);
  const cfg = config as ChartConfiguration<T>;
  cfg.options = { responsive: true, maintainAspectRatio: false, ...(cfg.options ?? {}) } as typeof cfg.options;
  const chart = new Chart(canvas, cfg);
  charts.set(id, chart as unknown as Chart);
  return chart;
}

export function destroyCharts(ids?: readonly string[]): void {
  for (const [id, c] of [...charts]) {
    if (ids && !ids.includes(id)) continue;
    c.destroy();
    charts.delete(id);
  }
}

/** Pixels with a non-zero alpha: a blank canvas has 0. */
export function nonBlankPixels(canvas: HTMLCanvasElement): number {
  if (!canvas.width || !canvas.height) return 0;
  const ctx = canvas.getContext('2d');
  if (!ctx) return 0;
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  let n = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
  return n;
}

/** Legend entries without the bars' (critical-path) outlines. */
export function plainLegend(chart: Chart): ReturnType<typeof Chart.defaults.plugins.legend.labels.generateLabels> {
  return Chart.defaults.plugins.legend.labels.generateLabels(chart).map((item) => ({ ...item, lineWidth: 0, strokeStyle: 'transparent' }));
}

/**
 * Dashed vertical lines at x-axis values, each labelled with its 1-based number in a small box at the
 * top (labels that would overlap the previous one are left out; the line stays): the thread timeline's
 * milestones, the log view's kernel log lines. `at` gives the positions in the x axis' unit.
 */
export function markerLinesPlugin(p: Palette, at: () => readonly number[], id = 'mmMarkers'): Plugin<'bar'> {
  return {
    id,
    afterDatasetsDraw(chart) {
      const x = chart.scales.x;
      const area = chart.chartArea;
      const g = chart.ctx;
      g.save();
      g.font = `${Math.max(10, p.fontSize - 1)}px ${p.font}`;
      g.textBaseline = 'top';
      let lastRight = -Infinity;
      at().forEach((v, i) => {
        if (v < x.min || v > x.max) return;
        const px = Math.round(x.getPixelForValue(v)) + 0.5;
        g.strokeStyle = withAlpha(p.fg, 0.55);
        g.setLineDash([3, 3]);
        g.lineWidth = 1;
        g.beginPath();
        g.moveTo(px, area.top);
        g.lineTo(px, area.bottom);
        g.stroke();
        g.setLineDash([]);
        const label = String(i + 1);
        const w = g.measureText(label).width + 6;
        const lx = Math.min(Math.max(px - w / 2, area.left), area.right - w);
        if (lx < lastRight + 2) return; // too close to the previous label: the line alone
        lastRight = lx + w;
        g.fillStyle = p.bg;
        g.fillRect(lx, area.top + 1, w, p.fontSize + 2);
        g.strokeStyle = withAlpha(p.fg, 0.55);
        g.strokeRect(lx + 0.5, area.top + 1.5, w - 1, p.fontSize + 1);
        g.fillStyle = p.fg;
        g.fillText(label, lx + 3, area.top + 2);
      });
      g.restore();
    },
  };
}

export { Chart };
