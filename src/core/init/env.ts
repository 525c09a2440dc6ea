// Shared state of one timing run: the workload, the parameters, and the kernel-global resources the
// phase programs (memmap_init, deferred_init, hugetlb_init, zone_device_init, hotplug_lock) share.

import type { Command, ThreadContext } from './des';
import type { CostScales } from './cost_model';
import { ERA_FACTORS } from './cost_model';
import type { CostEra, InitWorkload, MachineParams, NodeInitWork } from './types';

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
  };
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
