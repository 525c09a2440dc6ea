// Shared helpers of the timing-model tests (test/unit/timing-*.test.ts).
import assert from 'node:assert/strict';
import { loadConfigText } from '../../src/config/load';
import type { WorkloadConfig } from '../../src/config/types';
import { simulateMemmap } from '../../src/core/index';
import { buildInitWorkload } from '../../src/core/init/workload';
import { simulateTimingWorkload } from '../../src/core/init/timing';
import type { InitWorkload, NodeInitWork, TimingResult } from '../../src/core/init/types';

/** Load a YAML config (fails the test on any config error). */
export function config(yaml: string): WorkloadConfig {
  const r = loadConfigText(yaml, 'test.memmap.yaml');
  assert.ok(r.config, `config errors:\n${r.errors.map((e) => `${e.path.join('.')}: ${e.message}`).join('\n')}`);
  return r.config;
}

/** The init workload of a YAML config, through the memory half of the core (fails the test when the
 *  simulated kernel refuses part of the config: a timing of a machine that cannot boot proves nothing). */
export function workloadOf(yaml: string, opts: { allowErrors?: boolean } = {}): InitWorkload {
  const cfg = config(yaml);
  const sim = simulateMemmap(cfg);
  const errors = sim.errors.filter((e) => e.severity === 'error');
  if (!opts.allowErrors) assert.deepEqual(errors.map((e) => e.message), [], 'the simulated kernel refuses the test config');
  return buildInitWorkload(cfg, sim);
}

/** Timing of a workload with a raw `machine` section. */
export function timing(w: InitWorkload, machine: Record<string, unknown> = {}): TimingResult {
  return simulateTimingWorkload(w, machine);
}

/** Relative error of a prediction. */
export function relErr(predicted: number, published: number): number {
  return predicted / published - 1;
}

export function assertWithin(predicted: number, published: number, tol: number, what: string): void {
  const e = relErr(predicted, published);
  assert.ok(Math.abs(e) <= tol, `${what}: predicted ${predicted.toFixed(3)} vs published ${published} (${(e * 100).toFixed(1)}%, tolerance ±${(tol * 100).toFixed(0)}%)`);
}

export const PPS = 32768;

/** A synthetic x86_64-like node whose last zone is one range [startSection, startSection + sections). */
export function synthNode(id: number, cpus: number, startSection: number, sections: number, offset = 0): NodeInitWork {
  const s = startSection * PPS + PPS + offset;
  const e = (startSection + sections) * PPS;
  const deferred = e > s ? [{ startPfn: s, endPfn: e }] : [];
  return {
    id,
    cpus,
    hasMemory: true,
    bootVmemmap: { pmdBlocks: sections, basePages: 0, reusedPtes: 0 },
    earlyPages: PPS + offset,
    reservedPages: 0,
    maxThreads: Math.max(cpus, 1),
    deferredRanges: deferred,
    deferredMemory: deferred,
    deferredPages: Math.max(0, e - s),
    memmapHome: { media: 'dram', node: id },
  };
}

export function synthWorkload(nodes: NodeInitWork[], extra: Partial<InitWorkload> = {}): InitWorkload {
  return {
    features: {
      version: [6, 12],
      deferredInit: true,
      memoryLineAfterDeferred: true,
      hugetlbGiganticNoinit: true,
      hugetlbParallel: true,
      structPageSize: 64,
      pageSize: 4096,
      pagesPerSection: PPS,
      maxOrderNrPages: 1024,
    },
    nodes,
    devices: [],
    hugetlb: [],
    hypervisor: false,
    ...extra,
  };
}

/** The machine of W2 (seed 003): one 16-CPU node, a 128 GiB fsdax namespace with map=dev on PMEM. */
export const PMEM_W2 = `
arch: x86_64
kernel: { version: "6.12" }
nodes:
  - { id: 0, cpus: 16, ranges: [ { start: 0x0, size: 2G }, { start: 0x100000000, size: 60G } ] }
devices:
  - { name: namespace0.0, node: 0, kind: pmem, mode: fsdax, start: 0x1000000000, size: 128G, align: 2M, map: dev }
`;

/** The Skylake machine of J3 (Daniel Jordan's padata series): 2 nodes x 52 CPUs, 384 GiB per node. */
export const SKYLAKE_J3 = `
name: J3 Skylake 8167M
arch: x86_64
kernel: { version: "6.12", deferredInit: true }
nodes:
  - id: 0
    cpus: 52
    ranges:
      - { start: 0x0, size: 2G }
      - { start: 0x100000000, size: 382G }
  - id: 1
    cpus: 52
    ranges:
      - { start: 0x6080000000, size: 384G }
`;
