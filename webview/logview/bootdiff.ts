// Boot vs boot: the boot shown next to another boot of the same file or of another log ("compare with" in
// the header), figure by figure with the change from the other boot to this one (the model's bootDiff,
// src/trace/diff.ts). A click on a row opens this log at this boot's line for the figure (else, in the same
// file, the other boot's).
import type { BootDiffRow } from '../../src/protocol/logview';
import { h } from '../dom';
import { empty, section, table } from '../views/common';
import type { LogViewContext } from './app';
import { at, lineRevealer } from './figures';

/** Times: slower is worse, faster is better; other figures only show that they changed. */
function changeClass(r: BootDiffRow): string {
  if (r.direction === 'same' || r.change === '') return 'mm-muted';
  if (r.direction === 'none') return '';
  if (r.unit === 'ms') return `lv-changed ${r.direction === 'up' ? 'mm-worse' : 'mm-better'}`;
  return 'lv-changed';
}

export function renderBootDiff(ctx: LogViewContext, el: HTMLElement): void {
  const m = ctx.model;
  const d = m.bootDiff;
  if (!d || !m.boot) return;
  const that = d.otherFile ? `${d.otherFile}, boot ${d.other + 1}` : `boot ${d.other + 1}`;
  const sec = section('Boot vs boot', `${that} → boot ${m.boot.index + 1} (this one): the change is this boot minus ${that}`);
  sec.id = 'lv-bootdiff';
  el.append(sec);
  if (!d.rows.length) {
    sec.append(empty('Neither boot prints a memmap figure.'));
    return;
  }
  const lines = (a: number | null, b: number | null) => h('span', { class: 'mm-muted', text: `${a ?? '–'} / ${b ?? '–'}` });
  sec.append(
    table(
      lineRevealer(ctx),
      [{ label: 'figure' }, { label: that, num: true }, { label: `boot ${m.boot.index + 1}`, num: true }, { label: 'change', num: true }, { label: 'lines', num: true }],
      d.rows.map((r) => ({
        key: r.key,
        cells: [
          r.label,
          r.other ?? '–',
          r.shown ?? '–',
          h('span', { class: changeClass(r), text: r.change || '=' }),
          lines(r.otherLine, r.shownLine),
        ],
        // This log's line (the other log's lines are only shown: a click opens this one).
        loc: at(r.shownLine ?? (d.otherFile ? null : r.otherLine)),
        titles: [null, d.otherTitle, m.boot!.title, null, `line in ${that} / in boot ${m.boot!.index + 1}`],
      })),
      { id: 'lv-bootdiff-table' },
    ),
  );
}
