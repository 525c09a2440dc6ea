// Building blocks shared by the views: sections, dense number tables with clickable rows, empty states.
import type { SourceRange } from '../../src/protocol/dashboard';
import type { ViewContext } from '../context';
import { h, type Child } from '../dom';
import { fmtLoc } from '../format';

export function section(title: string, subtitle: string | null, ...children: Child[]): HTMLElement {
  return h('section', { class: 'mm-section' }, h('h2', { class: 'mm-h2' }, title, subtitle ? h('span', { class: 'mm-sub', text: subtitle }) : null), ...children);
}

/**
 * What a clickable row needs: the dashboard's ViewContext (reveal a config range) or the log view's
 * (open the log at a line). `revealTitle` words the tooltip (default: the config's).
 */
export type Revealer = Pick<ViewContext, 'canReveal' | 'reveal'> & { revealTitle?: (loc: SourceRange) => string };

export interface Column {
  label: string;
  /** Numbers are right-aligned in a tabular font. */
  num?: boolean;
  title?: string;
}

export interface Row {
  cells: Child[];
  loc?: SourceRange | null;
  /** Matches a focus key (memory rows) for highlighting. */
  key?: string;
  class?: string;
  /** Cell tooltips (exact values), by column. */
  titles?: (string | null)[];
}

/** A table; a row with a config location is a button that reveals it (Enter/Space or click). */
export function table(ctx: Revealer, columns: readonly Column[], rows: readonly Row[], opts: { id?: string; focusKey?: string | null; foot?: Row | null } = {}): HTMLElement {
  const head = h('tr', null, ...columns.map((c) => h('th', { class: c.num ? 'num' : '', title: c.title, text: c.label })));
  const body = h('tbody');
  for (const r of rows) {
    const tr = h('tr', { class: r.class ?? '' });
    r.cells.forEach((c, i) => tr.append(h('td', { class: columns[i]?.num ? 'num' : '', title: r.titles?.[i] ?? undefined }, c)));
    if (r.key) tr.dataset.key = r.key;
    if (r.key && opts.focusKey === r.key) tr.classList.add('mm-focus');
    attachReveal(ctx, tr, r.loc ?? null);
    body.append(tr);
  }
  const foot = opts.foot ? h('tfoot', null, h('tr', null, ...opts.foot.cells.map((c, i) => h('td', { class: columns[i]?.num ? 'num' : '', title: opts.foot?.titles?.[i] ?? undefined }, c)))) : null;
  return h('div', { class: 'mm-table-wrap' }, h('table', { class: 'mm-table', id: opts.id }, h('thead', null, head), body, foot));
}

/** Makes an element reveal a config range on click / Enter. */
export function attachReveal(ctx: Revealer, el: HTMLElement, loc: SourceRange | null): void {
  if (!loc) return;
  el.classList.add('mm-link');
  el.title = el.title || (ctx.revealTitle ? ctx.revealTitle(loc) : ctx.canReveal ? `Reveal in the config (${fmtLoc(loc)})` : fmtLoc(loc));
  el.dataset.loc = `${loc.startLine}:${loc.startCharacter}-${loc.endLine}:${loc.endCharacter}`;
  el.tabIndex = 0;
  el.setAttribute('role', 'button');
  el.addEventListener('click', (e) => {
    if ((e.target as HTMLElement).closest('a, vscode-button, vscode-checkbox')) return;
    ctx.reveal(loc);
  });
  el.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      ctx.reveal(loc);
    }
  });
}

export function empty(text: string): HTMLElement {
  return h('div', { class: 'mm-empty', text });
}

export function legendNote(text: string): HTMLElement {
  return h('p', { class: 'mm-note', text });
}
