// Hovers: the computed figures of the node, node range, device, hot-add, HugeTLB pool or scenario under
// the cursor (struct pages, memmap bytes and where they live, savings, init time from the timing model),
// the alignment a start/size value satisfies or breaks, and the rule's help on a finding's range.
// Plain MarkdownString: no command links, nothing that needs trust.
import * as vscode from 'vscode';
import { elixirTag, linkKernelFunctions } from '../report/kernel-source';
import { isConfigDocument } from './configFiles';
import type { EditorAnalyses, EditorModel, EditorModelFigures } from './checker';
import { deviceHover, elementAt, machineHover, granulesOf, hotplugHover, hugetlbHover, nodeHover, rangeHover, samePath, scenarioHover, valueFacts, type ConfigElement, type Granule } from './figures';
import { MiB } from '../config/units';

export class MemmapHover implements vscode.HoverProvider {
  constructor(private readonly analyses: EditorAnalyses) {}

  async provideHover(doc: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    if (!isConfigDocument(doc)) return undefined;
    const model = await this.analyses.current(doc, 'now', token);
    if (!model || token.isCancellationRequested || model.analysis.snapshot.version !== doc.version) return undefined;
    const sections: string[] = [];
    let range: vscode.Range | undefined;

    // The rules behind the findings at the cursor.
    const seen = new Set<string>();
    for (const { finding, diagnostic } of model.entries) {
      if (!diagnostic.range.contains(position) || seen.has(finding.rule)) continue;
      seen.add(finding.rule);
      const rule = model.modules.check.ruleById(finding.rule);
      if (rule) sections.push(model.modules.check.ruleHelpMarkdown(rule));
      range ??= diagnostic.range;
    }

    const { load } = model.analysis;
    const sourceDoc = load.doc;
    if (load.config && sourceDoc && model.analysis.sim) {
      const el = elementAt(load.config, (p, part) => sourceDoc.rangeOf(p, part), doc.offsetAt(position));
      if (el) {
        const figures = this.figures(model, el, await model.figures());
        if (figures.length) {
          // The kernel functions they name, on Elixir at the config's kernel version.
          const tag = elixirTag(load.config.kernel.version) ?? 'latest';
          sections.unshift(...figures.map((f) => linkKernelFunctions(f, tag)));
          range = model.analysis.toRange(el.field?.range ?? el.range);
        }
      }
    }
    if (!sections.length) return undefined;
    const md = new vscode.MarkdownString(sections.join('\n\n---\n\n'));
    md.supportHtml = false;
    md.isTrusted = false;
    return new vscode.Hover(md, range);
  }

  private figures(model: EditorModel, el: ConfigElement, figs: EditorModelFigures): string[] {
    const { timing } = figs;
    const sim = model.analysis.sim!;
    const config = model.analysis.load.config!;
    const m = sim.memmap;
    const layout = sim.layout;
    const out: string[] = [];
    const fact = (extra: Granule[], obj: Record<string, unknown>) => {
      if (!el.field) return;
      const line = valueFacts(el.field.key, obj[el.field.key], granulesOf(layout, extra), typeof obj.start === 'number' ? obj.start : undefined);
      if (line) out.push(line);
    };
    switch (el.kind) {
      case 'machine':
        out.push(machineHover(sim));
        break;
      case 'node': {
        const n = config.nodes[el.index];
        const nm = m.nodes.find((x) => x.id === n.id);
        if (nm) out.push(nodeHover(nm, timing?.nodes.find((t) => t.id === n.id), m.hugetlb.filter((p) => p.node === n.id), sim));
        break;
      }
      case 'range': {
        const n = config.nodes[el.index];
        const r = n.ranges[el.sub ?? 0];
        if (!r) break;
        fact([], r as unknown as Record<string, unknown>);
        out.push(rangeHover(n.id, r.start, r.size, sim, granulesOf(layout)));
        break;
      }
      case 'device': {
        const d = config.devices[el.index];
        const dm = m.devices.find((x) => samePath(x.path, d.path));
        if (!dm) break;
        const extra: Granule[] = [{ bytes: d.align, name: 'namespace align' }];
        if (d.kind === 'pmem' && (d.mode === 'fsdax' || d.mode === 'devdax')) extra.push({ bytes: 16 * MiB, name: 'ndctl namespace' });
        if (sim.arch.memremapCompatAlign > layout.pagesPerSubsection * layout.pageSize) extra.push({ bytes: sim.arch.memremapCompatAlign, name: 'memremap_compat_align' });
        fact(extra, d as unknown as Record<string, unknown>);
        const hot = dm.hotplugIndex !== null ? m.hotplug[dm.hotplugIndex] : undefined;
        out.push(deviceHover(dm, timing?.devices.find((t) => t.name === d.name), hot, sim));
        break;
      }
      case 'hotplug': {
        const h = config.hotplug[el.index];
        // memmap.hotplug holds the dax/kmem adds too (source 'kmem', the device's path).
        const hm = m.hotplug.find((x) => x.source === 'hotplug' && samePath(x.path, h.path));
        fact([], h as unknown as Record<string, unknown>);
        if (hm) out.push(hotplugHover(el.index, hm, timing?.devices.find((t) => t.name === `hotplug[${el.index}]`)));
        break;
      }
      case 'hugetlb': {
        const p = config.hugetlb[el.index];
        const pm = m.hugetlb.find((x) => samePath(x.path, p.path));
        fact([], p as unknown as Record<string, unknown>);
        if (pm) out.push(hugetlbHover(pm, timing?.hugetlb.find((t) => t.node === p.node && t.pageSizeBytes === p.pageSize)));
        break;
      }
      case 'scenario': {
        const s = config.scenarios[el.index];
        out.push(scenarioHover(s.name, { sim, timing }, figs.scenario(s.name)));
        break;
      }
    }
    return out;
  }
}
