// The status bar item for the active config: "$(chip) memmap 8 GiB · 0 problems". Clicking it runs
// Memmap Lab: Simulate Workload.
import * as vscode from 'vscode';
import { formatBytes } from '../config/units';
import type { Ctx } from './ctx';
import type { DiagnosticsController } from './diagnostics';
import { isConfigDocument } from './configFiles';

export class StatusBar {
  private readonly item: vscode.StatusBarItem;

  constructor(ctx: Ctx, private readonly diagnostics: DiagnosticsController) {
    this.item = ctx.track(vscode.window.createStatusBarItem('memmapLab.status', vscode.StatusBarAlignment.Left, 10));
    this.item.name = 'Memmap Lab';
    this.item.command = 'memmapLab.simulate';
    ctx.track(vscode.window.onDidChangeActiveTextEditor(() => this.update()));
    ctx.track(diagnostics.onDidUpdate((uri) => uri.toString() === this.activeUri()?.toString() && this.update()));
    this.update();
  }

  private activeUri(): vscode.Uri | undefined {
    const doc = vscode.window.activeTextEditor?.document;
    return doc && isConfigDocument(doc) ? doc.uri : undefined;
  }

  /** The text shown (the extension-host tests read it through the API activate() returns). */
  get text(): string | undefined {
    return this.activeUri() ? this.item.text : undefined;
  }

  update(): void {
    const uri = this.activeUri();
    if (!uri) {
      this.item.hide();
      return;
    }
    const analysis = this.diagnostics.latestFor(uri);
    if (!analysis) {
      this.item.text = '$(chip) memmap …';
      this.item.tooltip = 'Memmap Lab: checking the config…';
      this.item.backgroundColor = undefined;
      this.item.show();
      return;
    }
    const problems = this.diagnostics.problemCount(uri);
    const plural = `${problems} problem${problems === 1 ? '' : 's'}`;
    const m = analysis.sim?.memmap;
    // '?': the config does not load; '-': loaded, but live simulation is off and it was not simulated yet.
    const headline = m ? formatBytes(m.totalBytes) : analysis.load.config ? '-' : '?';
    this.item.text = `$(chip) memmap ${headline} · ${plural}`;
    const tip = new vscode.MarkdownString(undefined, true);
    if (m) {
      tip.appendMarkdown(`**memmap (struct page) ${formatBytes(m.totalBytes)}**\n\n`);
      tip.appendMarkdown(`- in system RAM: ${formatBytes(m.ramBytes)}\n- on devices (altmap): ${formatBytes(m.deviceBytes)}\n- vmemmap page tables: ${formatBytes(m.pageTableBytes)}\n`);
      tip.appendMarkdown(`- saved by dedup: ${formatBytes(m.savedBytes.dedup)}, by HVO: ${formatBytes(m.savedBytes.hvo)}\n\n`);
    } else if (!analysis.load.config) {
      tip.appendMarkdown('The config does not load: see the Problems panel.\n\n');
    } else {
      tip.appendMarkdown('Live simulation is off (`memmapLab.liveSimulation`).\n\n');
    }
    tip.appendMarkdown(`${plural} · click to simulate`);
    this.item.tooltip = tip;
    const hasErrors = this.diagnostics.collection.get(uri)?.some((d) => d.severity === vscode.DiagnosticSeverity.Error);
    this.item.backgroundColor = hasErrors ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }
}
