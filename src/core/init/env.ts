// Shared state of one timing run: the workload, the parameters, and the kernel-global resources the
// phase programs (memmap_init, deferred_init, hugetlb_init, zone_device_init, hotplug_lock) share.

import { atLeast } from '../arch';
import type { Command, ThreadContext } from './des';
import type { CostScales } from './cost_model';
import { ERA_FACTORS } from './cost_model';
import { wqNodeMaxActive } from './padata';
import type { CostEra, InitWorkload, MachineParams, NodeInitWork } from './types';
import { TIMING_BOUNDARY } from './workload';

/** The global lock every hot-add, online and memremap_pages() takes (mm/memory_hotplug.c). */
export const MEM_HOTPLUG_LOCK = 'mem_hotplug_lock';
/** lock_device_hotplug(): add_memory() / add_memory_driver_managed() hold it across the whole hot-add,
 *  onlining included (6.12 mm/memory_hotplug.c add_memory(), add_memory_driver_managed()). */
export const DEVICE_HOTPLUG_LOCK = 'device_hotplug_lock';

export interface Env {
  w: InitWorkload;
  m: MachineParams;
  scales: CostScales;
  era: CostEra;
  /** padata_works left in the global pool (num_possible_cpus() at boot). */
  padataFree: number;
  /** padata's static last_used_nid for numa_aware jobs. */
  lastUsedNid: number;
  /** Node ids with CPUs, ascending (N_CPU). */
  cpuNodes: number[];
  /** Node whose CPU boots the kernel (the first node with CPUs). */
  bootCpuNode: number;
  /** Per-node: threads that worked on deferred init (max over its padata jobs). */
  deferredThreads: Map<number, number>;
  /** Per-device: threads used for struct page init. */
  deviceThreads: Map<string, number>;
  /** Span the boot thread's chain ends with when boot memory init completes. */
  bootEndCause: number | null;
  bootEndNs: number;
  memoryLineNs: number;
  /** Capacities (GB/s) of write-bandwidth domains that are not one media node (see rotationDomain()). */
  domainCapacities: Map<string, number>;
  /** Active system_unbound_wq work items per node (padata helpers), against wq_update_node_max_active(). */
  wqActive: Map<number, number>;
}

export type Program = Generator<Command, void, unknown>;

export function makeEnv(w: InitWorkload, m: MachineParams, scales: CostScales, era: CostEra): Env {
  let cpuNodes = w.nodes.filter((n) => n.cpus > 0).map((n) => n.id).sort((a, b) => a - b);
  // There is always a boot CPU: without any CPU in the config, node 0 (or the first node) gets one.
  if (cpuNodes.length === 0) cpuNodes = [w.nodes.length > 0 ? Math.min(...w.nodes.map((n) => n.id)) : 0];
  return {
    w,
    m,
    scales,
    era,
    padataFree: w.nodes.reduce((s, n) => s + n.cpus, 0),
    lastUsedNid: 0,
    cpuNodes,
    bootCpuNode: cpuNodes[0],
    deferredThreads: new Map(),
    deviceThreads: new Map(),
    bootEndCause: null,
    bootEndNs: 0,
    memoryLineNs: 0,
    domainCapacities: new Map(),
    wqActive: new Map(),
  };
}

/**
 * How many work items system_unbound_wq lets run at once on `node` (6.9+, kernel/workqueue.c
 * wq_update_node_max_active(): max_active 512 shared by the nodes in proportion to their online CPUs),
 * or Infinity before 6.9 (per-pwq max_active of max(512, 4 x possible CPUs): never below padata's helpers).
 */
export function unboundMaxActive(env: Env, node: number): number {
  if (!atLeast(env.w.features.version, TIMING_BOUNDARY.wqNodeMaxActive)) return Infinity;
  const total = env.w.nodes.reduce((s, n) => s + n.cpus, 0);
  const here = env.w.nodes.find((n) => n.id === node)?.cpus ?? 0;
  // The model's boot CPU on a config without CPUs: one CPU in all.
  return total > 0 ? wqNodeMaxActive(here, total) : wqNodeMaxActive(1, 1);
}

/**
 * Queue `n` padata helpers on `node`'s system_unbound_wq pool: returns how many become active now (the
 * others stay inactive until an active one on the node finishes: for padata, after the last chunk).
 * Release them with releaseUnboundWorkers() when the job is done.
 */
export function claimUnboundWorkers(env: Env, node: number, n: number): number {
  const active = env.wqActive.get(node) ?? 0;
  const granted = Math.max(0, Math.min(n, unboundMaxActive(env, node) - active));
  env.wqActive.set(node, active + granted);
  return granted;
}

export function releaseUnboundWorkers(env: Env, node: number, n: number): void {
  env.wqActive.set(node, (env.wqActive.get(node) ?? 0) - n);
}

/**
 * The node whose CPUs run work for memory on `node`: the node itself when it has CPUs, otherwise the
 * nearest node with CPUs. Without a distance table "nearest" is the closest node id (ties: lower id).
 */
export function cpuNodeFor(env: Env, node: number): number {
  if (env.cpuNodes.includes(node)) return node;
  let best = env.cpuNodes[0];
  for (const c of env.cpuNodes) if (Math.abs(c - node) < Math.abs(best - node)) best = c;
  return best;
}

/** padata's next_node_in(last_used_nid, node_states[N_CPU]) for numa_aware jobs. */
export function nextPadataNode(env: Env): number {
  const after = env.cpuNodes.find((n) => n > env.lastUsedNid);
  const nid = after ?? env.cpuNodes[0];
  env.lastUsedNid = nid;
  return nid;
}

export function nodeById(env: Env, id: number): NodeInitWork | undefined {
  return env.w.nodes.find((n) => n.id === id);
}

/** Whether padata exists in the cost era (deferred init is one thread per node before 5.8). */
export function eraHasPadata(env: Env): boolean {
  return ERA_FACTORS[env.era].padata;
}

/** A thread body's view of the context (re-exported for the programs). */
export type Ctx = ThreadContext;

/**
 * padata_do_multithreaded() waits for all its works: helpers left inactive by system_unbound_wq's per-node
 * max_active run once active ones finish, find no chunk left and complete, max_active at a time.
 */
export function* inactiveHelpers(env: Env, inactive: ReadonlyMap<number, number>, node: number | null): Program {
  let rounds = 0;
  const parts: string[] = [];
  for (const [nid, n] of inactive) {
    if (n <= 0) continue;
    const max = unboundMaxActive(env, nid);
    rounds = Math.max(rounds, Math.ceil(n / max));
    parts.push(`${n} on node ${nid} (max_active ${max})`);
  }
  if (rounds === 0) return;
  yield {
    op: 'delay',
    ns: rounds * env.m.costs.threadStartNs,
    phase: 'threadStart',
    node,
    costTerm: `inactive padata works run after the last chunk: ${parts.join(', ')}: ${rounds} x threadStartNs ${env.m.costs.threadStartNs} ns`,
  };
}
