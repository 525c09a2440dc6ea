// CodeLens above each node, device, hot-add and scenario: "▶ Simulate · 24 GiB memmap on device · 1.1 s
// init", opening the dashboard focused on it (memmapLab.openDashboard { uri, focus }; Simulate Workload
// when no dashboard command is registered). The figures come from the published analysis: the lenses
// never simulate on their own, except a scenario's variant, simulated once per analysis when its lens
// is first shown (resolveCodeLens). Refreshed whenever an analysis is published.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { isConfigDocument } from './configFiles';
import type { EditorAnalyses, EditorModel, EditorModelFigures } from './checker';
import { deviceLensTitle, hotplugLensTitle, nodeLensTitle, samePath, scenarioLensTitle, type Focus } from './figures';
import { codeLensEnabled } from './settings';

const DASHBOARD = 'memmapLab.openDashboard';
const SIMULATE = 'memmapLab.simulate';

class ScenarioLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly model: EditorModel,
    /** The figures: the base config's timing, for the deltas, and the scenario's. */
    readonly figures: EditorModelFigures,
    readonly scenario: string,
    readonly target: Omit<vscode.Command, 'title'>,
  ) {
    super(range);
  }
}

export class MemmapCodeLens implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private hasDashboard: boolean | undefined;
  private dashboardCheckedAt = 0;

  constructor(
    ctx: Ctx,
    private readonly analyses: EditorAnalyses,
  ) {
    ctx.track(this.changed);
    ctx.track(analyses.onDidChange(() => this.changed.fire()));
    ctx.track(ctx.onDidChangeSettings(() => this.changed.fire()));
  }

  private enabled(doc: vscode.TextDocument): boolean {
    return codeLensEnabled(doc.uri);
  }

  /** memmapLab.openDashboard once it is registered (it is another component's), else Simulate Workload. */
  private async dashboardAvailable(): Promise<boolean> {
    if (this.hasDashboard || Date.now() - this.dashboardCheckedAt < 5000) return !!this.hasDashboard;
    this.dashboardCheckedAt = Date.now();
    this.hasDashboard = (await vscode.commands.getCommands(true)).includes(DASHBOARD);
    return this.hasDashboard;
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!isConfigDocument(doc) || !this.enabled(doc)) return [];
    const model = await this.analyses.current(doc, 'wait', token);
    if (!model || token.isCancellationRequested) return [];
    const { analysis } = model;
    const { load, sim } = analysis;
    const sourceDoc = load.doc;
    if (!sim || !load.config || !sourceDoc || analysis.snapshot.version !== doc.version) return [];
    const dashboard = await this.dashboardAvailable();
    const target = (focus: Focus): Omit<vscode.Command, 'title'> =>
      dashboard ? { command: DASHBOARD, arguments: [{ uri: doc.uri, focus }], tooltip: `Open the Memmap Lab dashboard on ${focus.kind} ${focus.name}` } : { command: SIMULATE, arguments: [doc.uri], tooltip: 'Simulate this workload config' };
    const at = (path: readonly (string | number)[]): vscode.Range | undefined => {
      const r = sourceDoc.rangeOf(path);
      if (!r) return undefined;
      const p = analysis.toRange({ start: r.start, end: r.start }).start;
      return new vscode.Range(p, p);
    };
    const lens = (path: readonly (string | number)[], title: string, focus: Focus) => {
      const range = at(path);
      return range ? new vscode.CodeLens(range, { title, ...target(focus) }) : undefined;
    };
    const figures = await model.figures();
    if (token.isCancellationRequested) return [];
    const { timing } = figures;
    const m = sim.memmap;
    const out: (vscode.CodeLens | undefined)[] = [];
    for (const n of load.config.nodes) {
      const nm = m.nodes.find((x) => x.id === n.id);
      if (nm) out.push(lens(n.path, nodeLensTitle(nm, timing?.nodes.find((t) => t.id === n.id)), { kind: 'node', name: String(n.id) }));
    }
    for (const d of load.config.devices) {
      const dm = m.devices.find((x) => samePath(x.path, d.path));
      if (!dm) continue;
      const hot = dm.hotplugIndex !== null ? m.hotplug[dm.hotplugIndex] : undefined;
      out.push(lens(d.path, deviceLensTitle(dm, timing?.devices.find((t) => t.name === d.name), hot), { kind: 'device', name: d.name }));
    }
    load.config.hotplug.forEach((h, i) => {
      const hm = m.hotplug.find((x) => x.source === 'hotplug' && samePath(x.path, h.path));
      if (hm) out.push(lens(h.path, hotplugLensTitle(hm, timing?.devices.find((t) => t.name === `hotplug[${i}]`)), { kind: 'device', name: `hotplug[${i}]` }));
    });
    for (const s of load.config.scenarios) {
      const range = at(s.path);
      if (range) out.push(new ScenarioLens(range, model, figures, s.name, target({ kind: 'scenario', name: s.name })));
    }
    return out.filter((l): l is vscode.CodeLens => !!l);
  }

  resolveCodeLens(lens: vscode.CodeLens): vscode.CodeLens {
    if (lens instanceof ScenarioLens && !lens.command) {
      const { model } = lens;
      const title = scenarioLensTitle({ sim: model.analysis.sim!, timing: lens.figures.timing }, lens.figures.scenario(lens.scenario));
      lens.command = { title, ...lens.target };
    }
    return lens;
  }
}
