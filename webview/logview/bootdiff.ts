// Boot vs boot: the boot shown next to another boot of the same file ("compare with" in the header), figure
// by figure with the change from the other boot to this one (the model's bootDiff, src/trace/diff.ts). A
// click on a row opens the log at this boot's line for the figure (else the other boot's).
import { h } from '../dom';
import { empty, section, table } from '../views/common';
import type { LogViewContext } from './app';
import { at, lineRevealer } from './figures';

export function renderBootDiff(ctx: LogViewContext, el: HTMLElement): void {
  const m = ctx.model;
  const d = m.bootDiff;
  if (!d || !m.boot) return;
  const sec = section('Boot vs boot', `boot ${d.other + 1} → boot ${m.boot.index + 1} (this one): the change is this boot minus boot ${d.other + 1}`);
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
      [{ label: 'figure' }, { label: `boot ${d.other + 1}`, num: true }, { label: `boot ${m.boot.index + 1}`, num: true }, { label: 'change', num: true }, { label: 'lines', num: true }],
      d.rows.map((r) => ({
        key: r.key,
        cells: [
          r.label,
          r.other ?? '–',
          r.shown ?? '–',
          h('span', { class: r.direction === 'same' || r.change === '' ? 'mm-muted' : r.direction === 'none' ? '' : 'lv-changed', text: r.change || '=' }),
          lines(r.otherLine, r.shownLine),
        ],
        loc: at(r.shownLine ?? r.otherLine),
        titles: [null, d.otherTitle, m.boot!.title, null, `line in boot ${d.other + 1} / in boot ${m.boot!.index + 1}`],
      })),
      { id: 'lv-bootdiff-table' },
    ),
  );
}
