// The Memmap Log View application: holds the model, renders the page (header, boot vs boot, timeline,
// measured vs predicted, the figures), re-renders on model and theme changes, persists the last model, and reports
// what it drew (chart sizes and non-blank pixels) to the host.
import { LOGVIEW_STATE_VERSION, parseLogHostMessage, parseLogWebviewState, type LogAction, type LogViewModel, type LogWebviewMessage, type LogWebviewState } from '../../src/protocol/logview';
import { charts, destroyCharts, type Palette } from '../charts';
import { clear, h } from '../dom';
import type { Host } from '../host';
import { onThemeChange, reportWhenDrawn, themeOf, themePalette } from '../page';
import { renderBootDiff } from './bootdiff';
import { renderCompare } from './compare';
import { renderFigures, renderHeader } from './figures';
import { renderTimeline } from './timeline';

/** What the views get. */
export interface LogViewContext {
  model: LogViewModel;
  palette: Palette;
  /** Open the log as text at a 1-based line. */
  openLine(line: number): void;
  selectBoot(boot: number): void;
  /** Compare the boot shown with another boot of the file (null: stop). */
  compareBoot(boot: number | null): void;
  /** Compare the boot shown with a boot of another log (the host asks which). */
  compareFile(): void;
  action(a: LogAction): void;
  /** Open in the kernel's source the function of call trace `index` of the boot shown (or of its frame
   *  `frame`), the one that printed error `index`, or ftrace function `index` (the host builds the link). */
  openSource(item: 'trace' | 'error' | 'ftrace', index: number, frame: number | null): void;
  busy: string | null;
}

/** What the UI tests read in the webview frame (window.memmapLogView). */
export interface LogViewDebug {
  ready: boolean;
  theme: string;
  renders: number;
  cspViolations: string[];
  charts: typeof charts;
  model: LogViewModel | null;
}

export class LogApp {
  private model: LogViewModel | null = null;
  private palette: Palette;
  private theme = themeOf();
  private busy: string | null = null;
  private renderSeq = 0;
  private readonly uri: string;
  readonly debug: LogViewDebug;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: Host<LogWebviewMessage, LogWebviewState>,
    private readonly cspViolations: string[],
  ) {
    this.uri = document.body.dataset.logUri ?? '';
    const saved = parseLogWebviewState(host.getState());
    if (saved.ok && saved.value.uri === this.uri) this.model = saved.value.model;
    this.palette = themePalette();
    this.debug = { ready: false, theme: this.theme, renders: 0, cspViolations, charts, model: this.model };
    onThemeChange(this.theme, (theme, palette) => this.onTheme(theme, palette));
    if (this.model) this.render();
  }

  /** A message from the host (validated here: never trust a message's shape). */
  receive(data: unknown): void {
    const msg = parseLogHostMessage(data);
    if (!msg.ok) {
      this.host.post({ type: 'log', level: 'error', message: `log view: rejected a host message: ${msg.error}`.slice(0, 2000) });
      return;
    }
    const m = msg.value;
    if (m.type === 'model') {
      this.model = m.model;
      this.debug.model = m.model;
      this.host.setState({ version: LOGVIEW_STATE_VERSION, uri: this.uri, model: m.model });
      this.render();
    } else {
      this.busy = m.text;
      const el = document.getElementById('lv-busy');
      if (el) {
        el.textContent = m.text ?? '';
        el.hidden = !m.text;
      }
    }
  }

  private onTheme(theme: string, palette: Palette): void {
    this.theme = theme;
    this.debug.theme = theme;
    this.palette = palette;
    if (this.model) this.render();
  }

  private render(): void {
    const m = this.model;
    if (!m) return;
    const scroll = window.scrollY;
    destroyCharts();
    clear(this.root);
    const ctx: LogViewContext = {
      model: m,
      palette: this.palette,
      busy: this.busy,
      openLine: (line) => this.host.post({ type: 'openLine', line }),
      selectBoot: (boot) => this.host.post({ type: 'selectBoot', boot }),
      compareBoot: (boot) => this.host.post({ type: 'compareBoot', boot }),
      compareFile: () => this.host.post({ type: 'compareFile' }),
      action: (action) => this.host.post({ type: 'action', action }),
      openSource: (item, index, frame) => this.host.post({ type: 'openSource', item, index, frame }),
    };
    const parts: [string, (c: LogViewContext, el: HTMLElement) => void][] = [
      ['header', renderHeader],
      ['bootdiff', renderBootDiff],
      ['timeline', renderTimeline],
      ['compare', renderCompare],
      ['figures', renderFigures],
    ];
    for (const [name, fn] of parts) {
      const el = h('div', { class: `lv-part lv-${name}`, data: { part: name } });
      this.root.append(el);
      try {
        fn(ctx, el);
      } catch (e) {
        el.append(h('div', { class: 'mm-banner mm-banner-crashed', text: `This part failed to render: ${(e as Error)?.message ?? String(e)}` }));
        this.host.post({ type: 'log', level: 'error', message: `log view ${name}: ${(e as Error)?.stack ?? String(e)}`.slice(0, 2000) });
      }
    }
    this.debug.renders++;
    window.scrollTo({ top: scroll });
    this.report();
  }

  /** Once the charts have pixels (or after ~2 s), tell the host what was drawn. */
  private report(): void {
    const seq = ++this.renderSeq;
    reportWhenDrawn(
      () => [...charts.keys()],
      () => seq === this.renderSeq,
      this.cspViolations,
      (drawn, cspViolations) => {
        document.body.dataset.ready = 'true';
        this.debug.ready = true;
        this.host.post({ type: 'rendered', boot: this.model?.boot?.index ?? null, theme: this.theme, charts: drawn, cspViolations });
      },
    );
  }
}
