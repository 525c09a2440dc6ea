// What the two webview apps (the dashboard, webview/app.ts, and the Memmap Log View, webview/logview/app.ts)
// do alike with their page: collect Content-Security-Policy violations and post script errors to the host,
// follow VS Code's theme (the body's vscode-* class) with the charts' palette, and tell the host what was
// drawn once the charts have pixels.
import { applyChartDefaults, charts, nonBlankPixels, readPalette, type Palette } from './charts';

/** The body classes VS Code sets for its theme kinds. */
export const THEMES = ['vscode-light', 'vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast-light'];
export const themeOf = (): string => THEMES.filter((t) => document.body.classList.contains(t)).join(' ') || 'none';

/**
 * From now on, the page's Content-Security-Policy violations (returned: the "rendered" report carries
 * them, the e2e tests assert none) and script errors, posted as "log" messages that start with `who`.
 */
export function watchPage(post: (m: { type: 'log'; level: 'error'; message: string }) => void, who: string): string[] {
  const cspViolations: string[] = [];
  document.addEventListener('securitypolicyviolation', (e) => cspViolations.push(`${e.violatedDirective} ${e.blockedURI || ''} ${e.sourceFile || ''}:${e.lineNumber || ''}`.trim()));
  window.addEventListener('error', (e) => post({ type: 'log', level: 'error', message: `${who}: ${e.message} (${e.filename}:${e.lineno})`.slice(0, 2000) }));
  window.addEventListener('unhandledrejection', (e) => post({ type: 'log', level: 'error', message: `${who}: ${String((e.reason as Error)?.stack ?? e.reason)}`.slice(0, 2000) }));
  return cspViolations;
}

/** The current theme's palette, made chart.js' default. */
export function themePalette(): Palette {
  const palette = readPalette();
  applyChartDefaults(palette);
  return palette;
}

/** Calls `changed` with the new theme and its palette (already chart.js' default) when the theme changes from `theme`. */
export function onThemeChange(theme: string, changed: (theme: string, palette: Palette) => void): void {
  let current = theme;
  new MutationObserver(() => {
    const now = themeOf();
    if (now === current) return;
    current = now;
    changed(now, themePalette());
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}

export interface DrawnChart {
  id: string;
  width: number;
  height: number;
  nonBlankPixels: number;
}

/**
 * Two frames from now, measures the charts `ids()` names; while one is still blank, again each frame (up
 * to 120 frames, ~2 s); then `done` with the sizes and the CSP violations as the "rendered" message takes
 * them. Nothing happens once `current()` is false (a newer render will report instead).
 */
export function reportWhenDrawn(ids: () => readonly string[], current: () => boolean, cspViolations: readonly string[], done: (charts: DrawnChart[], cspViolations: string[]) => void): void {
  let tries = 0;
  const measure = () => {
    if (!current()) return;
    const drawn = ids().map((id) => {
      const c = charts.get(id)!;
      return { id, width: c.canvas.width, height: c.canvas.height, nonBlankPixels: nonBlankPixels(c.canvas) };
    });
    if (drawn.some((d) => d.nonBlankPixels === 0) && ++tries < 120) {
      requestAnimationFrame(measure);
      return;
    }
    done(drawn, cspViolations.slice(0, 100).map((v) => v.slice(0, 500)));
  };
  requestAnimationFrame(() => requestAnimationFrame(measure));
}
