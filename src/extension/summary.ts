// The plain-text summary of one simulation, written to the Memmap Lab output channel.
import type { WorkloadConfig } from '../config/types';
import type { MemmapResult } from '../core/simulate';
import { formatBytes } from '../config/units';

const WHERE = { device: 'on the device (altmap)', ram: 'in RAM', split: 'split between RAM and the device', none: 'nowhere (no struct pages)' } as const;

export function formatSummary(cfg: WorkloadConfig, sim: MemmapResult): string {
  const m = sim.memmap;
  const lines = [
    `${cfg.name} (${cfg.arch}, Linux ${cfg.kernel.version}${cfg.scenario ? `, scenario "${cfg.scenario}"` : ''})`,
    `  memmap (struct page) total   ${formatBytes(m.totalBytes)}`,
    `    in system RAM              ${formatBytes(m.ramBytes)}`,
    `    on devices (altmap)        ${formatBytes(m.deviceBytes)}`,
    `    vmemmap page tables        ${formatBytes(m.pageTableBytes)}`,
    `  saved by vmemmap dedup       ${formatBytes(m.savedBytes.dedup)}`,
    `  saved by HVO                 ${formatBytes(m.savedBytes.hvo)}`,
  ];
  for (const d of m.devices) lines.push(`  device ${d.name}: memmap ${formatBytes(d.memmapBytes)} ${WHERE[d.location] ?? d.location}${d.status === 'ok' ? '' : ` (${d.status})`}`);
  for (const e of sim.errors) lines.push(`  ${e.severity === 'warning' ? 'warning' : 'kernel failure'}: ${e.message}${e.kernelMessage ? `\n    ${e.kernelMessage}` : ''}`);
  return lines.join('\n');
}
