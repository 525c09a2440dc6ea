// Rendering an imported config as YAML with a comment on every value saying where it came from.
//
// Comments are keyed by a path string: "kernel.version", "nodes[0]", "nodes[0].ranges[1]". A `before`
// comment goes on the lines above the key (or above the "- " of a list item), an `inline` one after the
// value on the same line. Paths listed in `flow` are written as one-line flow maps ({ start: ..., size: ... }).

import { Document, isMap, isScalar, isSeq, type Node as YNode, type Pair } from 'yaml';

export interface Comment {
  before?: string[];
  inline?: string;
}

export class Comments {
  readonly map = new Map<string, Comment>();

  before(path: string, ...lines: string[]): void {
    const c = this.map.get(path) ?? {};
    c.before = [...(c.before ?? []), ...lines.filter((l) => l !== '')];
    this.map.set(path, c);
  }

  inline(path: string, text: string): void {
    const c = this.map.get(path) ?? {};
    c.inline = c.inline ? `${c.inline}; ${text}` : text;
    this.map.set(path, c);
  }
}

/** One comment line: no line breaks, bounded length. */
export function commentLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  const t = s.replace(/[\r\n\x00-\x1f]+/g, ' ').trim();
  return t.length > 240 ? t.slice(0, 239) + '\u2026' : t;
}

const block = (lines: readonly string[]) => lines.map((l) => ' ' + commentLine(l)).join('\n');

export function renderYaml(value: unknown, comments: Comments, header: readonly string[], trailer: readonly string[], flow: (path: string) => boolean): string {
  const doc = new Document(value);
  const attach = (node: YNode | null | undefined, path: string, pair: Pair | null) => {
    if (!node) return;
    const c = comments.map.get(path);
    if (c?.before?.length) {
      const target = pair && isScalar(pair.key) ? pair.key : node;
      target.commentBefore = block(c.before);
    }
    if (c?.inline && (isScalar(node) || (flow(path) && isMap(node)))) node.comment = ' ' + commentLine(c.inline);
    if (isMap(node)) {
      if (flow(path)) node.flow = true;
      for (const item of node.items) {
        const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
        attach(item.value as YNode, path ? `${path}.${key}` : key, item as Pair);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => attach(item as YNode, `${path}[${i}]`, null));
    }
  };
  attach(doc.contents as YNode, '', null);
  if (header.length) doc.commentBefore = block(header);
  if (trailer.length) doc.comment = block(trailer);
  return doc.toString({ lineWidth: 0 });
}
