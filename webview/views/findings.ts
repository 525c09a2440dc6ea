// Findings: config errors, checker findings (with the kernel's own words), core and model problems. A
// click reveals the config location.
import type { FindingRow } from '../../src/protocol/dashboard';
import type { ViewContext } from '../context';
import { h } from '../dom';
import { fmtLoc } from '../format';
import { attachReveal, empty } from './common';

const SOURCE: Record<FindingRow['source'], string> = { config: 'config', checker: 'checker', core: 'simulated kernel', machine: 'timing model' };
const ICON: Record<FindingRow['severity'], string> = { error: '✖', warning: '▲', info: 'ℹ' };

export function renderFindings(ctx: ViewContext, el: HTMLElement): void {
  const list = ctx.model.findings;
  if (!list.length) {
    el.append(empty('No findings: the config loads, the simulated kernel accepts it and no checker rule fires.'));
    return;
  }
  const counts = (['error', 'warning', 'info'] as const)
    .map((s) => {
      const n = list.filter((f) => f.severity === s).length;
      return `${n} ${s}${n === 1 || s === 'info' ? '' : 's'}`;
    })
    .join(' · ');
  el.append(h('div', { class: 'mm-note', text: `${counts}${ctx.canReveal ? ' · click a finding to reveal it in the config' : ''}` }));
  const ul = h('ul', { class: 'mm-findings', id: 'findings-list', attrs: { role: 'list' } });
  list.forEach((f, i) => {
    // The rule's kernel function: in VS Code the host opens it (VS Code asks first); the HTML report follows the link.
    const kernel = f.kernel ? h('a', { class: 'mm-kernel-link', attrs: { href: f.kernel.url, target: '_blank', rel: 'noopener noreferrer' }, title: `${f.kernel.function}() in the Linux source at ${f.kernel.tag}, the release the rule was checked against (${f.kernel.url})`, text: `${f.kernel.function}() in Linux ${f.kernel.tag} ↗` }) : null;
    const open = ctx.openSource;
    if (kernel && open) {
      kernel.addEventListener('click', (e) => {
        e.preventDefault();
        e.stopPropagation();
        open(i);
      });
    }
    const li = h(
      'li',
      { class: `mm-finding mm-sev-${f.severity}`, data: { code: f.code, severity: f.severity } },
      h('span', { class: 'mm-sev-icon', attrs: { 'aria-label': f.severity }, text: ICON[f.severity] }),
      h(
        'div',
        { class: 'mm-finding-body' },
        h(
          'div',
          { class: 'mm-finding-head' },
          h('span', { class: 'mm-code', text: f.code }),
          h('span', { class: 'mm-finding-msg', text: f.message }),
        ),
        f.kernelText ? h('pre', { class: 'mm-kernel', text: f.kernelText }) : null,
        h(
          'div',
          { class: 'mm-finding-meta' },
          h('span', { text: SOURCE[f.source] }),
          f.scenario ? h('span', { class: 'mm-tag', text: `scenario: ${f.scenario}` }) : null,
          f.fixes ? h('span', { class: 'mm-tag', text: `${f.fixes} quick fix${f.fixes === 1 ? '' : 'es'} in the editor` }) : null,
          f.loc ? h('span', { class: 'mm-loc', text: fmtLoc(f.loc) }) : null,
          kernel,
        ),
      ),
    );
    attachReveal(ctx, li, f.loc);
    ul.append(li);
  });
  el.append(ul);
}
