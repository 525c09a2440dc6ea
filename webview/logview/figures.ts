// The log view's header (file, boot selector, buttons, headline cards) and the figures of the boot shown:
// overview, deferred init per node, the Memory: line, zones, node ranges, HugeTLB/HVO, ZONE_DEVICE init,
// other facts, errors and call traces. Every row with a log line opens the log there.
import type { BootView, Fact } from '../../src/protocol/logview';
import { h, type Child } from '../dom';
import { compactBytes, fmtInt, fmtMs, formatBytes } from '../format';
import { createButton } from '../toolkit';
import { empty, section, table, type Revealer, type Row } from '../views/common';
import type { LogViewContext } from './app';
import { elixirIdentUrl, frameFunction } from '../../src/report/kernel-source';

/** Rows open the log at their line (the table's "reveal" is a SourceRange: line - 1). */
export function lineRevealer(ctx: LogViewContext): Revealer {
  return { canReveal: true, reveal: (loc) => loc && ctx.openLine(loc.startLine + 1), revealTitle: (loc) => `Open the log at line ${loc.startLine + 1}` };
}
export const at = (line: number | null) => (line === null ? null : { startLine: line - 1, startCharacter: 0, endLine: line - 1, endCharacter: 0 });
const ln = (line: number | null): Child => (line === null ? '–' : h('span', { class: 'mm-muted', text: String(line) }));
const ts = (t: number | null): string => (t === null ? '–' : t.toFixed(6));
const KiB = 1024;

function card(label: string, value: string, sub: string | null, id: string, tone: 'bad' | 'warn' | null = null): HTMLElement {
  return h(
    'div',
    { class: `mm-card lv-card${tone ? ` mm-${tone}` : ''}`, data: { card: id }, title: `${label}: ${value}${sub ? ` (${sub})` : ''}` },
    h('div', { class: 'mm-card-label', text: label }),
    h('div', { class: 'mm-card-value', text: value }),
    sub ? h('div', { class: 'mm-card-sub', text: sub }) : null,
  );
}

export function renderHeader(ctx: LogViewContext, el: HTMLElement): void {
  const m = ctx.model;
  const b = m.boot;
  const meta = [m.file, m.format, formatBytes(m.sizeBytes), m.lines ? `${fmtInt(m.lines)} lines` : null, ...m.input].filter(Boolean).join(' · ');
  const buttons = h(
    'div',
    { class: 'mm-toolbar lv-actions', attrs: { role: 'toolbar', 'aria-label': 'Log actions' } },
    m.link
      ? createButton('Open Config', { appearance: 'secondary', id: 'lv-open-config', title: `Open ${m.link.file}` }, () => ctx.action('openConfig'))
      : createButton('Link Workload Config…', { appearance: m.canImport ? 'secondary' : 'primary', id: 'lv-link', title: 'Compare this boot with a workload config: measured vs predicted per figure' }, () => ctx.action('linkConfig')),
    m.link ? createButton('Change Link…', { appearance: 'secondary', id: 'lv-relink', title: 'Link another workload config' }, () => ctx.action('linkConfig')) : null,
    m.link ? createButton('Unlink', { appearance: 'secondary', id: 'lv-unlink', title: `Forget the link to ${m.link.file}` }, () => ctx.action('unlinkConfig')) : null,
    m.canImport ? createButton('Import as Workload Config', { appearance: 'primary', id: 'lv-import', title: 'Write <log>.memmap.yaml beside the log from this boot (every value commented with the line it came from), open it and link it' }, () => ctx.action('importConfig')) : null,
    createButton('Open as Text', { appearance: 'secondary', id: 'lv-open-log', title: 'Open the log in a text editor' }, () => ctx.action('openLog')),
  );
  el.append(h('div', { class: 'mm-titlebar' }, h('div', { class: 'mm-titles' }, h('h1', { class: 'mm-h1', text: b ? b.title : m.file.split('/').pop() ?? m.file }), h('div', { class: 'mm-meta', text: meta })), buttons));

  if (b) {
    const row: Child[] = [];
    if (m.boots.length > 1) {
      const select = h('select', { class: 'lv-select', id: 'lv-boot', attrs: { 'aria-label': 'Boot' } });
      for (const c of m.boots) {
        const o = h('option', { text: `boot ${c.index + 1}: ${c.title} (lines ${c.firstLine}–${c.lastLine})`, attrs: { value: String(c.index) } });
        if (c.index === b.index) o.selected = true;
        select.append(o);
      }
      select.addEventListener('change', () => ctx.selectBoot(Number(select.value)));
      row.push(h('label', { text: `${m.boots.length} boots in this file${m.bootsNotRetained ? ` (+${m.bootsNotRetained} not kept)` : ''}: `, attrs: { for: 'lv-boot' } }), select);
    }
    // "Compare with": the boot shown against another boot of this file or of another log, figure by figure
    // (a patch's before and after).
    const other = h('select', { class: 'lv-select', id: 'lv-compare-boot', attrs: { 'aria-label': 'Compare with' } });
    other.append(h('option', { text: 'none', attrs: { value: '' } }));
    for (const c of m.boots) {
      if (c.index === b.index) continue;
      // Short (the boot selector beside it names the machine); the title says which boot it is.
      const o = h('option', { text: `boot ${c.index + 1} (lines ${c.firstLine}–${c.lastLine})`, attrs: { value: String(c.index), title: c.title } });
      if (m.bootDiff && m.bootDiff.otherFile === null && c.index === m.bootDiff.other) o.selected = true;
      other.append(o);
    }
    if (m.bootDiff?.otherFile) {
      const o = h('option', { text: `${m.bootDiff.otherFile}, boot ${m.bootDiff.other + 1}`, attrs: { value: 'other', title: m.bootDiff.otherTitle } });
      o.selected = true;
      other.append(o);
    }
    other.append(h('option', { text: 'a boot of another log…', attrs: { value: 'file' } }));
    other.addEventListener('change', () => {
      if (other.value === 'file') ctx.compareFile();
      else if (other.value !== 'other') ctx.compareBoot(other.value === '' ? null : Number(other.value));
    });
    row.push(h('label', { text: `${row.length ? ' ' : ''}compare with: `, attrs: { for: 'lv-compare-boot' } }), other);
    el.append(h('div', { class: 'lv-boots' }, ...row));
  }
  el.append(h('div', { class: 'mm-banner lv-busy', id: 'lv-busy', attrs: { role: 'status' }, text: ctx.busy ?? '' }));
  (el.lastChild as HTMLElement).hidden = !ctx.busy;
  if (m.status === 'error') el.append(h('div', { class: 'mm-banner mm-banner-crashed', id: 'lv-error', attrs: { role: 'alert' }, text: m.message ?? 'The log could not be analyzed.' }));
  else if (m.message) el.append(h('div', { class: 'mm-banner', id: 'lv-message', attrs: { role: 'status' }, text: m.message }));
  for (const w of m.warnings) el.append(h('div', { class: 'mm-banner', text: `warning: ${w}` }));
  if (m.link) el.append(h('div', { class: 'mm-note lv-link', id: 'lv-link-note' }, 'Linked workload config: ', h('a', { class: 'mm-link', text: m.link.file, attrs: { href: '#', role: 'button' }, on: { click: (e) => (e.preventDefault(), ctx.action('openConfig')) } })));
  if (!b) return;

  const slow = [...b.deferred].sort((x, y) => y.ms - x.ms)[0];
  const mem = b.memory;
  const reserved = mem?.fields.find((f) => f.label === 'reserved');
  const block = b.overview.find((f) => f.label === 'memory block size');
  const hvo = b.hugetlb.filter((x) => x.freeableKiB !== null);
  const kernel = b.overview.find((f) => f.label === 'kernel')?.value.split(' ')[0] ?? null;
  const zdPages = b.zoneDevice.reduce((s, z) => s + z.pages, 0);
  el.append(
    h(
      'div',
      { class: 'mm-cards', id: 'lv-cards' },
      card('kernel', kernel ? (/^\d+\.\d+(\.\d+)?/.exec(kernel)?.[0] ?? kernel) : '–', [kernel, b.overview.find((f) => f.label === 'arch')?.value].filter(Boolean).join(' · ') || null, 'kernel'),
      card('deferred init', slow ? `${slow.ms} ms` : '–', slow ? `slowest: node ${slow.node} of ${b.deferred.length}` : 'no deferred-init line', 'deferred'),
      card('Memory: total', mem ? compactBytes(mem.totalKiB * KiB) : '–', mem ? `${compactBytes(mem.availableKiB * KiB)} available` : 'no Memory: line', 'memory'),
      card('reserved', reserved ? compactBytes(reserved.kib * KiB) : '–', reserved && mem ? `${((100 * reserved.kib) / mem.totalKiB).toFixed(2)} % of total` : null, 'reserved'),
      card('memory block', block?.value ?? '–', null, 'block'),
      card('HVO freeable', hvo.length ? `${fmtInt(hvo[0].freeableKiB!)} KiB` : '–', hvo.length ? hvo.map((x, i) => (i ? `${fmtInt(x.freeableKiB!)} KiB per ${formatBytes(x.pageSizeBytes)}` : `per ${formatBytes(x.pageSizeBytes)} page`)).join('; ') : 'no HugeTLB vmemmap line', 'hvo'),
      card('ZONE_DEVICE', zdPages ? (zdPages >= 1e6 ? `${(zdPages / 1e6).toFixed(1)} M` : fmtInt(zdPages)) : '–', b.zoneDevice.length ? `pages in ${b.zoneDevice.length} init line${b.zoneDevice.length === 1 ? '' : 's'}, ${b.zoneDevice.reduce((s, z) => s + z.ms, 0)} ms` : null, 'zdev'),
      card('errors', String(b.errors.length), b.callTraces.length ? `${b.callTraces.length} call trace${b.callTraces.length === 1 ? '' : 's'}` : null, 'errors', b.errors.length ? 'bad' : null),
    ),
  );
}

function factsTable(ctx: LogViewContext, facts: readonly Fact[], id: string): HTMLElement {
  return table(
    lineRevealer(ctx),
    [{ label: 'fact' }, { label: 'value' }, { label: 'line', num: true }],
    facts.map((f) => ({ cells: [f.label, h('span', { class: 'lv-wrap', text: f.value }), ln(f.line)], loc: at(f.line) })),
    { id },
  );
}

function deferredSection(ctx: LogViewContext, b: BootView): HTMLElement {
  if (!b.deferred.length) return section('Deferred struct page init', null, empty('No "node N deferred pages initialised" line in this boot (CONFIG_DEFERRED_STRUCT_PAGE_INIT off, a small machine, or a log that starts later).'));
  const total = b.deferred.reduce((s, d) => s + d.ms, 0);
  const rows: Row[] = b.deferred.map((d) => ({ cells: [String(d.node), fmtMs(d.ms), d.pages === null ? '–' : fmtInt(d.pages), ts(d.t), ln(d.line)], loc: at(d.line) }));
  return section(
    'Deferred struct page init',
    `deferred_init_memmap() per node (pgdatinit threads run in parallel): ${b.deferred.length} line${b.deferred.length === 1 ? '' : 's'}, Σ ${fmtMs(total)} ms`,
    table(lineRevealer(ctx), [{ label: 'node', num: true }, { label: 'ms', num: true }, { label: 'pages', num: true }, { label: 'at s', num: true }, { label: 'line', num: true }], rows, { id: 'lv-deferred' }),
  );
}

function memorySection(ctx: LogViewContext, b: BootView): HTMLElement | null {
  const m = b.memory;
  if (!m) return null;
  return section(
    'Memory: line',
    `mem_init() → mem_init_print_info()${m.t !== null ? `, at ${ts(m.t)} s` : ''} · line ${m.line}`,
    table(
      lineRevealer(ctx),
      [{ label: 'field' }, { label: 'KiB', num: true }, { label: 'size', num: true }],
      m.fields.map((f) => ({ cells: [f.label, fmtInt(f.kib), formatBytes(f.kib * KiB)], loc: at(m.line) })),
      { id: 'lv-memory' },
    ),
  );
}

function zonesSection(ctx: LogViewContext, b: BootView): HTMLElement | null {
  if (!b.zones.length && !b.nodeRanges.length) return null;
  const grid = h('div', { class: 'mm-grid2' });
  if (b.zones.length) {
    grid.append(
      h(
        'div',
        null,
        h('h3', { class: 'mm-h3', text: 'Zone ranges' }),
        table(lineRevealer(ctx), [{ label: 'zone' }, { label: 'start' }, { label: 'end' }, { label: 'line', num: true }], b.zones.map((z) => ({ cells: [z.zone, z.empty ? 'empty' : h('span', { class: 'mm-mono', text: z.start ?? '?' }), z.empty ? '' : h('span', { class: 'mm-mono', text: z.end ?? '?' }), ln(z.line)], loc: at(z.line) })), { id: 'lv-zones' }),
      ),
    );
  }
  if (b.nodeRanges.length) {
    grid.append(
      h(
        'div',
        null,
        h('h3', { class: 'mm-h3', text: 'Early memory node ranges' }),
        table(
          lineRevealer(ctx),
          [{ label: 'node', num: true }, { label: 'start' }, { label: 'end' }, { label: 'size', num: true }, { label: 'line', num: true }],
          b.nodeRanges.map((r) => ({ cells: [String(r.node), h('span', { class: 'mm-mono', text: r.start ?? '?' }), h('span', { class: 'mm-mono', text: r.end ?? '?' }), r.sizeBytes === null ? '?' : formatBytes(r.sizeBytes), ln(r.line)], loc: at(r.line) })),
          { id: 'lv-node-ranges' },
        ),
      ),
    );
  }
  return section('Zones and node ranges', 'free_area_init(): the zone boundaries and memblock.memory per node', grid);
}

function hugetlbSection(ctx: LogViewContext, b: BootView): HTMLElement | null {
  if (!b.hugetlb.length && !b.hugetlbEvents.length) return null;
  return section(
    'HugeTLB and HVO',
    'hugetlb_add_hstate() / hugetlb_vmemmap_optimizable_size(): the vmemmap the HugeTLB Vmemmap Optimization frees per huge page',
    b.hugetlb.length
      ? table(
          lineRevealer(ctx),
          [{ label: 'page size' }, { label: 'pre-allocated', num: true }, { label: 'requested', num: true }, { label: 'vmemmap freeable per page', num: true }, { label: 'line', num: true }],
          b.hugetlb.map((x) => ({
            cells: [formatBytes(x.pageSizeBytes), x.preallocatedPages === null ? '–' : fmtInt(x.preallocatedPages), x.requestedPages === null ? '–' : fmtInt(x.requestedPages), x.freeableKiB !== null ? `${fmtInt(x.freeableKiB)} KiB` : x.freeablePages !== null ? `${fmtInt(x.freeablePages)} pages` : '–', ln(x.line)],
            loc: at(x.line),
          })),
          { id: 'lv-hugetlb' },
        )
      : null,
    b.hugetlbEvents.length ? factsTable(ctx, b.hugetlbEvents, 'lv-hugetlb-events') : null,
  );
}

function zoneDeviceSection(ctx: LogViewContext, b: BootView): HTMLElement | null {
  if (!b.zoneDevice.length) return null;
  return section(
    'ZONE_DEVICE memmap init',
    'memmap_init_zone_device() (pr_debug): pmem / dax / P2PDMA / device-private struct pages',
    table(
      lineRevealer(ctx),
      [{ label: '#', num: true }, { label: 'pages', num: true }, { label: 'ms', num: true }, { label: 'at s', num: true }, { label: 'line', num: true }],
      b.zoneDevice.map((z, i) => ({ cells: [String(i + 1), fmtInt(z.pages), fmtMs(z.ms), ts(z.t), ln(z.line)], loc: at(z.line) })),
      { id: 'lv-zone-device' },
    ),
  );
}

/** A link to a function on Elixir (its own click: a row around it opens the log). */
function sourceLink(cls: string, fn: string, tag: string, url: string, text: string, go: () => void): HTMLElement {
  const a = h('a', { class: cls, attrs: { href: '#', role: 'link' }, title: `Open ${fn}() in the Linux source at ${tag === 'latest' ? 'the latest release (the log does not say which kernel it is)' : tag} (${url})`, text });
  const open = (ev: Event) => {
    ev.preventDefault();
    ev.stopPropagation();
    go();
  };
  a.addEventListener('click', open);
  a.addEventListener('keydown', (k) => (k.key === 'Enter' || k.key === ' ') && open(k));
  return a;
}

function errorsSection(ctx: LogViewContext, b: BootView): HTMLElement | null {
  if (!b.errors.length && !b.callTraces.length) return null;
  const sec = section('Errors and call traces', `${b.errors.length} error${b.errors.length === 1 ? '' : 's'}, ${b.callTraces.length} call trace${b.callTraces.length === 1 ? '' : 's'} through memmap code · click one to open the log at its line, a function name to open its source on Elixir`);
  const ul = h('ul', { class: 'mm-findings', id: 'lv-errors', attrs: { role: 'list' } });
  const reveal = lineRevealer(ctx);
  b.errors.forEach((e, i) => {
    const printer = e.source && sourceLink('lv-source', e.source.function, e.source.tag, e.source.url, `printed by ${e.source.function}() in Linux ${e.source.tag} ↗`, () => ctx.openSource('error', i, null));
    const li = h(
      'li',
      { class: 'mm-finding mm-sev-error mm-link', data: { kind: e.kind, line: String(e.line) }, title: `Open the log at line ${e.line}`, attrs: { tabindex: '0', role: 'button' } },
      h('span', { class: 'mm-sev-icon', attrs: { 'aria-label': 'error' }, text: '✖' }),
      h(
        'div',
        { class: 'mm-finding-body' },
        h('div', { class: 'mm-finding-head' }, h('span', { class: 'mm-code', text: e.kind }), h('span', { class: 'mm-finding-msg', text: e.device ? `${e.device}: ${e.text}` : e.text })),
        h('div', { class: 'mm-finding-meta' }, h('span', { class: 'mm-loc', text: `line ${e.line}` }), e.t !== null ? h('span', { text: `${ts(e.t)} s` }) : null, printer),
      ),
    );
    li.addEventListener('click', () => reveal.reveal(at(e.line)));
    li.addEventListener('keydown', (k) => k.target === li && (k.key === 'Enter' || k.key === ' ') && (k.preventDefault(), reveal.reveal(at(e.line))));
    ul.append(li);
  });
  b.callTraces.forEach((c, i) => {
    // The function, on Elixir at the boot's release.
    const source = c.source && sourceLink('lv-source', c.function, c.source.tag, c.source.url, `${c.function}() in Linux ${c.source.tag} ↗`, () => ctx.openSource('trace', i, null));
    // Each frame's function links too (at the same release); the frame text stays as the kernel printed it.
    const frames = h('pre', { class: 'mm-kernel lv-frames' });
    c.frames.forEach((f, k) => {
      if (k) frames.append('\n');
      const fn = c.source ? frameFunction(f) : null;
      frames.append(c.source && fn ? sourceLink('lv-frame', fn, c.source.tag, elixirIdentUrl(c.source.tag, fn) ?? c.source.url, f, () => ctx.openSource('trace', i, k)) : f);
    });
    const li = h(
      'li',
      { class: 'mm-finding mm-sev-warning mm-link', data: { line: String(c.line) }, title: `Open the log at line ${c.line}`, attrs: { tabindex: '0', role: 'button' } },
      h('span', { class: 'mm-sev-icon', attrs: { 'aria-label': 'call trace' }, text: '▲' }),
      h(
        'div',
        { class: 'mm-finding-body' },
        h('div', { class: 'mm-finding-head' }, h('span', { class: 'mm-code', text: c.phase }), h('span', { class: 'mm-finding-msg', text: `${c.trigger} — in ${c.function}` })),
        frames,
        h('div', { class: 'mm-finding-meta' }, h('span', { class: 'mm-loc', text: `line ${c.line}` }), c.t !== null ? h('span', { text: `${ts(c.t)} s` }) : null, source),
      ),
    );
    li.addEventListener('click', () => reveal.reveal(at(c.line)));
    ul.append(li);
  });
  sec.append(ul);
  return sec;
}

/** An ftrace function, linked to Elixir (ftrace output does not say which kernel it is: the latest release). */
function ftraceFunction(ctx: LogViewContext, fn: string, i: number): HTMLElement {
  const name = frameFunction(fn);
  const url = name && elixirIdentUrl('latest', name);
  return name && url ? sourceLink('lv-frame mm-mono', name, 'latest', url, fn, () => ctx.openSource('ftrace', i, null)) : h('span', { class: 'mm-mono', text: fn });
}

function traceSections(ctx: LogViewContext): HTMLElement[] {
  const m = ctx.model;
  const out: HTMLElement[] = [];
  if (m.ftrace) {
    const f = m.ftrace;
    out.push(
      section(
        `ftrace (${f.tracer})`,
        `${fmtInt(f.entries)} trace lines · ${fmtInt(f.functionsSeen)} function${f.functionsSeen === 1 ? '' : 's'}${f.functionsSeen > f.functions.length ? ` (${fmtInt(f.functions.length)} shown: the memmap ones first, then by time)` : ''} · a click on a function opens its source on Elixir (latest release: ftrace output names no kernel)`,
        table(lineRevealer(ctx), [{ label: 'function' }, { label: 'phase' }, { label: 'calls', num: true }, { label: 'total µs', num: true }, { label: 'max µs', num: true }], f.functions.map((x, i) => ({ cells: [ftraceFunction(ctx, x.function, i), x.phase ?? '', fmtInt(x.calls), x.totalUs === null ? '–' : fmtInt(x.totalUs), x.maxUs === null ? '–' : fmtInt(x.maxUs)] })), { id: 'lv-ftrace' }),
      ),
    );
  }
  if (m.chromeTrace) {
    const c = m.chromeTrace;
    out.push(
      section(
        'Chrome trace',
        `${fmtInt(c.events)} events${c.logLines ? `, ${fmtInt(c.logLines)} kernel log lines (read as a log above)` : ''}${c.truncatedAt !== null ? `, JSON ends early at byte ${fmtInt(c.truncatedAt)}` : ''}`,
        table(lineRevealer(ctx), [{ label: 'span' }, { label: 'phase' }, { label: 'count', num: true }, { label: 'total ms', num: true }, { label: 'max ms', num: true }], c.spans.map((x) => ({ cells: [x.name, x.phase ?? '', fmtInt(x.count), fmtMs(x.totalUs / 1000), fmtMs(x.maxUs / 1000)] })), { id: 'lv-chrome' }),
      ),
    );
  }
  return out;
}

export function renderFigures(ctx: LogViewContext, el: HTMLElement): void {
  const b = ctx.model.boot;
  el.append(...traceSections(ctx));
  if (!b) {
    if (ctx.model.status === 'ok' && !ctx.model.ftrace && !ctx.model.chromeTrace) el.append(empty('Nothing to show: the file holds no boot with memmap facts.'));
    return;
  }
  const parts = [
    section('Boot', null, factsTable(ctx, b.overview, 'lv-overview')),
    deferredSection(ctx, b),
    memorySection(ctx, b),
    zonesSection(ctx, b),
    hugetlbSection(ctx, b),
    zoneDeviceSection(ctx, b),
    errorsSection(ctx, b),
    b.other.length ? section('Other memory facts', 'device memory, hotplug, unavailable ranges, per-zone memmap, lsmem', factsTable(ctx, b.other, 'lv-other')) : null,
  ];
  for (const p of parts) if (p) el.append(p);
}
