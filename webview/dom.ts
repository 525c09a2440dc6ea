// A tiny DOM builder. No inline style attributes anywhere (the CSP has no 'unsafe-inline'): styles come
// from media/dashboard.css classes, or from CSSOM (element.style.setProperty), which CSP allows.

export type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  text?: string;
  title?: string;
  id?: string;
  /** data-* attributes. */
  data?: Record<string, string>;
  attrs?: Record<string, string>;
  on?: { [K in keyof HTMLElementEventMap]?: (e: HTMLElementEventMap[K]) => void };
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) {
    if (props.class) el.className = props.class;
    if (props.id) el.id = props.id;
    if (props.title) el.title = props.title;
    if (props.text !== undefined) el.textContent = props.text;
    for (const [k, v] of Object.entries(props.data ?? {})) el.dataset[k] = v;
    for (const [k, v] of Object.entries(props.attrs ?? {})) {
      if (k === 'style' || k.startsWith('on')) throw new Error(`h(): attribute ${k} is not allowed`);
      el.setAttribute(k, v);
    }
    for (const [k, fn] of Object.entries(props.on ?? {})) el.addEventListener(k, fn as EventListener);
  }
  append(el, ...children);
  return el;
}

export function append(el: Element, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.firstChild.remove();
}

/** Sets a CSS custom property or property through CSSOM (allowed by the CSP, unlike style="..."). */
export function setStyle(el: HTMLElement, prop: string, value: string): void {
  el.style.setProperty(prop, value);
}
