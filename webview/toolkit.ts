// The ONLY module of the dashboard that knows about @vscode/webview-ui-toolkit. Its upstream was
// archived in January 2025: to replace it (plain elements, vscode-elements, ...), rewrite this file;
// the rest of the webview only uses the small factories below and the classes they document.
//
// CSP note: FAST (under the toolkit) probes :focus-visible support with a temporary <style> element and
// gives it the nonce of <meta property="csp-nonce">; the dashboard's HTML provides that meta and allows
// that nonce in style-src (never 'unsafe-inline'), so the probe passes without a CSP violation.
import { provideVSCodeDesignSystem, vsCodeButton, vsCodeCheckbox, vsCodePanels, vsCodePanelTab, vsCodePanelView } from '@vscode/webview-ui-toolkit';

let registered = false;

/** Defines the custom elements used below (idempotent). */
export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodePanels(), vsCodePanelTab(), vsCodePanelView());
}

export interface Tabs {
  readonly element: HTMLElement;
  /** The container of a tab's content. */
  view(id: string): HTMLElement;
  select(id: string): void;
  active(): string;
  /** A count next to the tab's label (null removes it). */
  setBadge(id: string, text: string | null): void;
}

/** A tab strip with one content container per tab; `onChange` fires when the user picks a tab. */
export function createTabs(items: readonly { id: string; label: string }[], initial: string, onChange: (id: string) => void): Tabs {
  const panels = document.createElement('vscode-panels') as HTMLElement & { activeid?: string };
  panels.classList.add('mm-tabs');
  const views = new Map<string, HTMLElement>();
  const badges = new Map<string, HTMLElement>();
  for (const it of items) {
    const tab = document.createElement('vscode-panel-tab');
    tab.id = `tab-${it.id}`;
    tab.dataset.view = it.id;
    tab.append(document.createTextNode(it.label));
    const badge = createBadge('');
    badge.hidden = true;
    tab.append(badge);
    badges.set(it.id, badge);
    panels.append(tab);
  }
  for (const it of items) {
    const pv = document.createElement('vscode-panel-view');
    pv.id = `view-${it.id}`;
    const box = document.createElement('div');
    box.className = 'mm-view';
    box.dataset.view = it.id;
    pv.append(box);
    views.set(it.id, box);
    panels.append(pv);
  }
  let current = initial;
  panels.setAttribute('activeid', `tab-${initial}`);
  panels.addEventListener('change', (e) => {
    if (e.target !== panels) return; // a checkbox inside a view also fires "change"
    const id = (panels.activeid ?? '').replace(/^tab-/, '');
    if (!id || id === current || !views.has(id)) return;
    current = id;
    onChange(id);
  });
  return {
    element: panels,
    view: (id) => views.get(id)!,
    select(id) {
      if (!views.has(id)) return;
      current = id;
      panels.activeid = `tab-${id}`;
      panels.setAttribute('activeid', `tab-${id}`);
    },
    active: () => current,
    setBadge(id, text) {
      const b = badges.get(id);
      if (!b) return;
      b.textContent = text ?? '';
      b.hidden = text === null;
    },
  };
}

export interface ButtonOptions {
  title?: string;
  /** primary (default), secondary, or icon (a small square button holding a glyph). */
  appearance?: 'primary' | 'secondary' | 'icon';
  id?: string;
}

export function createButton(label: string, opts: ButtonOptions, onClick: () => void): HTMLElement {
  const b = document.createElement('vscode-button');
  b.setAttribute('appearance', opts.appearance ?? 'primary');
  if (opts.title) {
    b.title = opts.title;
    b.setAttribute('aria-label', opts.title);
  }
  if (opts.id) b.id = opts.id;
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

export interface Checkbox {
  readonly element: HTMLElement;
  set(checked: boolean): void;
}

export function createCheckbox(label: string, checked: boolean, onChange: (checked: boolean) => void, id?: string): Checkbox {
  const c = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
  c.textContent = label;
  if (id) c.id = id;
  c.checked = checked;
  if (checked) c.setAttribute('checked', '');
  c.addEventListener('change', (e) => {
    e.stopPropagation();
    onChange(!!c.checked);
  });
  return { element: c, set: (v) => void (c.checked = v) };
}

/**
 * A small pill with a count. Not <vscode-badge>: its template binds a style="" attribute, which the
 * Content-Security-Policy (no 'unsafe-inline') blocks; .mm-badge in media/dashboard.css looks the same.
 */
export function createBadge(text: string): HTMLElement {
  const b = document.createElement('span');
  b.className = 'mm-badge';
  b.textContent = text;
  return b;
}
