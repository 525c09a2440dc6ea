// What every view of the dashboard gets: the model, the theme's palette, the UI state and the actions.
import type { DashboardFocus, DashboardModel, DashboardView, SourceRange, WebviewState } from '../src/protocol/dashboard';
import type { Palette } from './charts';

/** The persisted UI state minus the bookkeeping fields. */
export type UiState = Omit<WebviewState, 'version' | 'uri' | 'model'>;

export interface ViewContext {
  readonly model: DashboardModel;
  readonly palette: Palette;
  readonly state: Readonly<UiState>;
  /** The webview can open the config (VS Code); false in the HTML report. */
  readonly canReveal: boolean;
  reveal(loc: SourceRange | null): void;
  /** Changes and persists UI state (no re-render). */
  update(patch: Partial<UiState>): void;
  /** Re-renders the current view (after a state change that needs it). */
  rerender(): void;
  /** Export the timeline (VS Code only). */
  exportTimeline: (() => void) | null;
  /** Open finding `i`'s kernel function on Elixir through the host (VS Code only; the HTML report follows
   *  the link itself). */
  openSource: ((finding: number) => void) | null;
}

export type ViewRenderer = (ctx: ViewContext, el: HTMLElement) => void;

/** The memory row / scenario column a focus names (node "0" or "node 0", device or hot-add name, scenario name). */
export function focusKey(f: DashboardFocus | null): string | null {
  if (!f) return null;
  if (f.kind === 'node') return `node:${f.name.replace(/^node\s*/i, '')}`;
  if (f.kind === 'device') return /^hotplug\[\d+\]$/.test(f.name) ? `hotplug:${f.name.slice(8, -1)}` : `device:${f.name}`;
  return `scenario:${f.name}`;
}

export const VIEW_LABELS: Record<DashboardView, string> = {
  memory: 'Memory',
  timing: 'Init timing',
  timeline: 'Timeline',
  compare: 'Scenarios',
  findings: 'Findings',
};
