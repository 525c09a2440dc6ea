// The boot memory layout: nodes, memory ranges, present sections, zones and memory blocks.
// The timing model and the checker reuse this (buildMemoryLayout) instead of re-deriving anything.

import type { WorkloadConfig } from '../config/types';
import { divFloor, divRoundUp, formatHex } from '../config/units';
import { type ArchProfile, archProfile, probeMemoryBlockSize } from './arch';
import { IntervalSet } from './intervals';
import { type OwnedRange, blockRuns, countSections, pfnSet, presentSectionRuns, ramPagesInSections } from './sparse';
import type { CoreError, MemoryLayout, NodeLayout, PfnRange, SectionRun } from './types';
import { nodeZones, zoneLimits } from './zones';

export interface LayoutBuild {
  profile: ArchProfile;
  layout: MemoryLayout;
  errors: CoreError[];
  /** All boot RAM pfns. */
  bootRam: IntervalSet;
  /** Early (boot-present) sections: SECTION_IS_EARLY. */
  earlySections: IntervalSet;
  runsByNode: Map<number, SectionRun[]>;
}

/** Highest exclusive byte address any part of the config describes (selects la57 / LPA2). */
export function highestAddress(cfg: WorkloadConfig): number {
  let m = 0;
  for (const n of cfg.nodes) for (const r of n.ranges) m = Math.max(m, r.start + r.size);
  for (const d of cfg.devices) m = Math.max(m, d.start + d.size);
  for (const h of cfg.hotplug) m = Math.max(m, h.start + h.size);
  return m;
}

/** The arch profile simulateMemmap() uses for this config (5-level paging / LPA2 and ppc hash psize depend on the memory). */
export function profileOf(cfg: WorkloadConfig): ArchProfile {
  const totalRam = cfg.nodes.reduce((s, n) => s + n.ranges.reduce((t, r) => t + r.size, 0), 0);
  return archProfile(cfg, highestAddress(cfg), totalRam);
}

export function buildMemoryLayout(cfg: WorkloadConfig): LayoutBuild {
  const errors: CoreError[] = [];
  const profile = profileOf(cfg);
  const P = profile.pageSize;
  const PPS = profile.pagesPerSection;
  const maxPfn = 2 ** profile.maxPhysmemBits / P;

  // Page-trimmed ranges, checked for overlap.
  const seen = new Set<number>();
  const owned: (OwnedRange & { path: (string | number)[] })[] = [];
  for (const n of cfg.nodes) {
    if (seen.has(n.id)) errors.push({ severity: 'error', message: `node ${n.id} is defined twice; its ranges are merged`, path: [...n.path, 'id'] });
    seen.add(n.id);
    for (const r of n.ranges) {
      let startPfn = divRoundUp(r.start, P);
      let endPfn = divFloor(r.start + r.size, P);
      if (endPfn > maxPfn) {
        errors.push({
          severity: 'error',
          message: `memory range ${formatHex(r.start)}-${formatHex(r.start + r.size - 1)} goes beyond MAX_PHYSMEM_BITS (${profile.maxPhysmemBits}); the part above ${formatHex(maxPfn * P)} is ignored`,
          path: r.path,
        });
        endPfn = Math.min(endPfn, maxPfn);
        startPfn = Math.min(startPfn, endPfn);
      }
      if (endPfn <= startPfn) {
        errors.push({ severity: 'warning', message: `memory range at ${formatHex(r.start)} holds no whole page of ${P} bytes and is ignored`, path: r.path });
        continue;
      }
      if (r.start % P !== 0 || r.size % P !== 0) {
        errors.push({ severity: 'warning', message: `memory range ${formatHex(r.start)}+${r.size} is not page aligned; memblock uses whole pages only`, path: r.path });
      }
      owned.push({ node: n.id, startPfn, endPfn, path: [...r.path] });
    }
  }
  owned.sort((a, b) => a.startPfn - b.startPfn || a.endPfn - b.endPfn);
  const clean: OwnedRange[] = [];
  let prevEnd = 0;
  for (const r of owned) {
    if (r.startPfn < prevEnd) {
      errors.push({
        severity: 'error',
        message: `memory range ${formatHex(r.startPfn * P)}-${formatHex(r.endPfn * P - 1)} (node ${r.node}) overlaps another range; the overlap is counted once`,
        path: r.path,
      });
      if (r.endPfn <= prevEnd) continue;
      r.startPfn = prevEnd;
    }
    clean.push({ node: r.node, startPfn: r.startPfn, endPfn: r.endPfn });
    prevEnd = r.endPfn;
  }

  const bootRam = pfnSet(clean);
  const runsByNode = presentSectionRuns(clean, PPS);
  const earlySections = new IntervalSet();
  for (const runs of runsByNode.values()) for (const r of runs) earlySections.add(r.startSection, r.startSection + r.count);

  // Memory block size.
  const probe = probeMemoryBlockSize(
    profile,
    clean.map((r) => ({ start: r.startPfn * P, end: r.endPfn * P })),
    cfg.kernel.hypervisor,
    cfg.kernel.memoryBlockSize,
  );
  if (probe.problem) {
    errors.push({
      severity: probe.problem.fatal ? 'error' : 'warning',
      message: probe.problem.message,
      kernelMessage: probe.problem.kernelMessage,
      path: [...cfg.kernel.path, 'memoryBlockSize'],
    });
  }
  const sectionsPerBlock = probe.bytes / profile.sectionSize;

  const dramStart = clean.length ? clean[0].startPfn : 0;
  const limits = zoneLimits(profile, dramStart);
  const nodes: NodeLayout[] = cfg.nodes
    .filter((n, i, arr) => arr.findIndex((m) => m.id === n.id) === i)
    .map((n) => {
      const ranges: PfnRange[] = clean.filter((r) => r.node === n.id).map((r) => ({ startPfn: r.startPfn, endPfn: r.endPfn }));
      const sectionRuns = runsByNode.get(n.id) ?? [];
      const presentSections = countSections(sectionRuns);
      const presentPages = ranges.reduce((s, r) => s + r.endPfn - r.startPfn, 0);
      const structPages = presentSections * PPS;
      const zones = nodeZones(limits, ranges);
      const cpus = cfg.nodes.filter((m) => m.id === n.id).reduce((s, m) => s + m.cpus, 0);
      return {
        id: n.id,
        cpus,
        ranges,
        startPfn: ranges.length ? ranges[0].startPfn : 0,
        endPfn: ranges.length ? ranges[ranges.length - 1].endPfn : 0,
        presentPages,
        sectionRuns,
        presentSections,
        structPages,
        unavailablePages: structPages - ramPagesInSections(sectionRuns, bootRam, PPS),
        zones,
        lastZone: zones.length ? zones[zones.length - 1].name : null,
        memoryBlockRuns: blockRuns(sectionRuns, sectionsPerBlock),
        path: n.path,
      };
    });

  const layout: MemoryLayout = {
    arch: profile.arch,
    pageSize: P,
    sectionSize: profile.sectionSize,
    pagesPerSection: PPS,
    pagesPerSubsection: profile.pagesPerSubsection,
    pageblockPages: profile.pageblockPages,
    maxPhysmemBits: profile.maxPhysmemBits,
    memoryBlockBytes: probe.bytes,
    sectionsPerBlock,
    memoryBlockReason: probe.reason,
    nodes,
    bootRam: bootRam.runs().map((r) => ({ startPfn: r.start, endPfn: r.end })),
    presentSections: nodes.reduce((s, n) => s + n.presentSections, 0),
  };
  return { profile, layout, errors, bootRam, earlySections, runsByNode };
}
