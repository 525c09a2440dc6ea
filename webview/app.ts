// The dashboard application: holds the model and the UI state, renders the header and the active view,
// re-renders on model and theme changes, persists its state, and reports what it drew.
import {
  parseHostMessage,
  parseModel,
  parseWebviewState,
  STATE_VERSION,
  VIEWS,
  viewOfFocus,
  type DashboardFocus,
  type DashboardModel,
  type DashboardView,
  type SourceRange,
} from '../src/protocol/dashboard';
import { charts, destroyCharts, type Palette } from './charts';
import { VIEW_LABELS, type UiState, type ViewContext, type ViewRenderer } from './context';
import { clear, h } from './dom';
import type { Host } from './host';
import { onThemeChange, reportWhenDrawn, themeOf, themePalette, THEMES } from './page';
import { createButton, createTabs, type Tabs } from './toolkit';
import { renderCompare } from './views/compare';
import { renderFindings } from './views/findings';
import { renderHeader } from './views/header';
import { renderMemory } from './views/memory';
import { COLLAPSE_DEFAULT_ABOVE, renderTimeline } from './views/timeline';
import { renderTiming } from './views/timing';

const RENDERERS: Record<DashboardView, ViewRenderer> = { memory: renderMemory, timing: renderTiming, timeline: renderTimeline, compare: renderCompare, findings: renderFindings };

/** What the UI tests read in the webview frame. */
export interface DashboardDebug {
  ready: boolean;
  view: DashboardView;
  theme: string;
  renders: number;
  cspViolations: string[];
  charts: typeof charts;
  model: DashboardModel | null;
  /** Where the UI state came from when the webview started: its saved state, or the page (a new panel). */
  restored: 'state' | 'page' | 'invalid';
}

export class App {
  private model: DashboardModel | null = null;
  private ui: UiState;
  private readonly uri: string;
  private palette: Palette;
  private readonly header: HTMLElement;
  private readonly tabs: Tabs;
  private readonly dirty = new Set<DashboardView>(VIEWS);
  private readonly viewCharts = new Map<DashboardView, string[]>();
  private theme = themeOf();
  private renderSeq = 0;
  readonly debug: DashboardDebug;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: Host,
    private readonly cspViolations: string[],
  ) {
    this.uri = document.body.dataset.configUri ?? '';
    const initialView = (VIEWS as readonly string[]).includes(document.body.dataset.initialView ?? '') ? (document.body.dataset.initialView as DashboardView) : 'memory';
    this.ui = { view: initialView, focus: null, zoom: null, collapse: true, showWaits: true, onlyChanged: true };
    const saved = parseWebviewState(host.getState());
    let restored: DashboardDebug['restored'] = 'page';
    if (saved.ok && (!this.uri || saved.value.uri === this.uri)) {
      restored = 'state';
      const { view, focus, zoom, collapse, showWaits, onlyChanged, model } = saved.value;
      this.ui = { view, focus, zoom, collapse, showWaits, onlyChanged };
      this.model = model;
    } else if (!saved.ok && host.getState() !== undefined) {
      restored = 'invalid';
      host.post({ type: 'log', level: 'warn', message: `ignored the saved dashboard state: ${saved.error}` });
    }
    this.palette = themePalette();
    this.header = h('header', { class: 'mm-header' });
    this.tabs = createTabs(
      VIEWS.map((v) => ({ id: v, label: VIEW_LABELS[v] })),
      this.ui.view,
      (id) => this.onTab(id as DashboardView),
    );
    root.append(this.header, this.tabs.element);
    this.debug = { ready: false, view: this.ui.view, theme: this.theme, renders: 0, cspViolations, charts, model: this.model, restored };
    onThemeChange(this.theme, (theme, palette) => this.onTheme(theme, palette));
    this.header.addEventListener('click', (e) => {
      const card = (e.target as HTMLElement).closest<HTMLElement>('[data-card]')?.dataset.card;
      const to: Record<string, DashboardView> = { total: 'memory', ram: 'memory', device: 'memory', pt: 'memory', dedup: 'memory', hvo: 'memory', boot: 'timing', end: 'timeline', findings: 'findings' };
      if (card && to[card]) this.show(to[card], undefined);
    });
    if (this.model) this.renderAll();
    else this.tabs.view(this.ui.view).append(h('div', { class: 'mm-empty', text: 'Simulating…' }));
  }

  /** A message from the host (validated here: never trust a message's shape). */
  receive(data: unknown): void {
    const msg = parseHostMessage(data);
    if (!msg.ok) {
      this.host.post({ type: 'log', level: 'error', message: `dashboard: rejected a host message: ${msg.error}` });
      return;
    }
    const m = msg.value;
    if (m.type === 'model') this.setModel(m.model);
    else this.show(m.view ?? (m.focus ? viewOfFocus(m.focus) : this.ui.view), m.focus);
  }

  /** The HTML report's embedded model. */
  loadEmbedded(json: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (e) {
      this.fatal(`The report's data is not valid JSON: ${(e as Error).message}`);
      return;
    }
    const m = parseModel(parsed);
    if (m.ok) this.setModel(m.value);
    else this.fatal(`The report's data does not match this dashboard: ${m.error}`);
  }

  setModel(model: DashboardModel): void {
    const first = !this.model || this.model.file !== model.file;
    this.model = model;
    this.debug.model = model;
    if (first && model.timeline) this.ui.collapse = this.ui.collapse || model.timeline.threads.length > COLLAPSE_DEFAULT_ABOVE;
    // A config that does not simulate has nothing but findings to show: start there.
    if (first && model.status !== 'ok' && this.debug.restored !== 'state') {
      this.ui.view = 'findings';
      this.tabs.select('findings');
    }
    this.save();
    this.renderAll();
  }

  /** Switch view and/or focus (undefined focus: keep the current one). */
  show(view: DashboardView, focus: DashboardFocus | null | undefined): void {
    if (focus !== undefined) {
      this.ui.focus = focus;
      for (const v of ['memory', 'compare'] as const) this.dirty.add(v);
    }
    this.ui.view = view;
    this.tabs.select(view);
    this.save();
    this.renderView(view);
  }

  private onTab(view: DashboardView): void {
    this.ui.view = view;
    this.save();
    this.host.post({ type: 'view', view });
    if (this.dirty.has(view)) requestAnimationFrame(() => this.renderView(view));
    else this.report(view);
  }

  private onTheme(theme: string, palette: Palette): void {
    this.theme = theme;
    this.debug.theme = theme;
    this.palette = palette;
    VIEWS.forEach((v) => this.dirty.add(v));
    if (this.model) this.renderView(this.ui.view);
  }

  private renderAll(): void {
    const m = this.model;
    if (!m) return;
    clear(this.header);
    renderHeader(m, this.header, this.host.kind === 'report' ? this.themeToggle() : null);
    const n = m.findings.length;
    this.tabs.setBadge('findings', n ? String(n) : null);
    this.tabs.setBadge('compare', m.compare && m.compare.columns.length > 1 ? String(m.compare.columns.length - 1) : null);
    VIEWS.forEach((v) => this.dirty.add(v));
    this.renderView(this.ui.view);
  }

  private renderView(view: DashboardView): void {
    const m = this.model;
    if (!m) return;
    const el = this.tabs.view(view);
    const scroll = window.scrollY;
    destroyCharts(this.viewCharts.get(view) ?? []);
    clear(el);
    const before = new Set(charts.keys());
    const ctx: ViewContext = {
      model: m,
      palette: this.palette,
      state: this.ui,
      canReveal: this.host.kind === 'vscode',
      reveal: (loc) => this.reveal(loc),
      update: (patch) => {
        Object.assign(this.ui, patch);
        this.save();
      },
      rerender: () => this.renderView(view),
      exportTimeline: this.host.kind === 'vscode' ? () => this.host.post({ type: 'exportTimeline' }) : null,
      openSource: this.host.kind === 'vscode' ? (finding) => this.host.post({ type: 'openSource', finding }) : null,
    };
    try {
      RENDERERS[view](ctx, el);
    } catch (e) {
      el.append(h('div', { class: 'mm-banner mm-banner-crashed', text: `This view failed to render: ${(e as Error)?.message ?? String(e)}` }));
      this.host.post({ type: 'log', level: 'error', message: `dashboard view ${view}: ${(e as Error)?.stack ?? String(e)}`.slice(0, 2000) });
    }
    this.viewCharts.set(view, [...charts.keys()].filter((k) => !before.has(k)));
    this.dirty.delete(view);
    this.debug.view = view;
    this.debug.renders++;
    if (view === this.ui.view) window.scrollTo({ top: scroll });
    this.report(view);
  }

  /** Once the view's charts have pixels (or after ~2 s), tell the host what was drawn. */
  private report(view: DashboardView): void {
    const seq = ++this.renderSeq;
    reportWhenDrawn(
      () => this.viewCharts.get(view) ?? [],
      () => seq === this.renderSeq,
      this.cspViolations,
      (drawn, cspViolations) => {
        document.body.dataset.ready = 'true';
        document.body.dataset.view = view;
        this.debug.ready = true;
        this.host.post({ type: 'rendered', view, theme: this.theme, charts: drawn, cspViolations });
      },
    );
  }

  private reveal(loc: SourceRange | null): void {
    if (loc && this.host.kind === 'vscode') this.host.post({ type: 'reveal', range: loc });
  }

  private save(): void {
    this.debug.view = this.ui.view;
    this.host.setState({ version: STATE_VERSION, uri: this.uri, ...this.ui, model: this.model });
  }

  /** Report only: switch between the light and the dark palette. */
  private themeToggle(): HTMLElement {
    const dark = document.body.classList.contains('vscode-dark');
    return createButton(dark ? 'Light theme' : 'Dark theme', { appearance: 'secondary', id: 'theme-toggle', title: 'Switch the report between light and dark' }, () => {
      const toDark = !document.body.classList.contains('vscode-dark');
      document.body.classList.remove(...THEMES);
      document.body.classList.add(toDark ? 'vscode-dark' : 'vscode-light');
      document.body.dataset.vscodeThemeKind = toDark ? 'vscode-dark' : 'vscode-light';
      this.renderAll();
    });
  }

  private fatal(text: string): void {
    clear(this.root);
    this.root.append(h('div', { class: 'mm-banner mm-banner-crashed', text }));
  }
}
