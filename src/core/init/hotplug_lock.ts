// Memory hot-add under mem_hotplug_lock (mm/memory_hotplug.c, drivers/base/memory.c, 6.12.117):
// add_memory_resource() holds the lock for arch_add_memory() (vmemmap population of the whole range;
// with MHP_MEMMAP_ON_MEMORY the vmemmap of each block comes from the block itself) and the memory
// block devices; then every block is onlined separately, each memory_block_online() taking the lock:
// mhp_init_memmap_on_memory() for the self-hosted vmemmap pages, then online_pages() ->
// move_pfn_range_to_zone() -> memmap_init_range(MEMINIT_HOTPLUG) and freeing to buddy.
// Because mem_hotplug_lock is one global percpu rw-semaphore taken for write, all of these, and
// every memremap_pages(), are serialized system-wide (kernel-mm.md section 8). add_memory() and
// add_memory_driver_managed() also hold lock_device_hotplug() across add_memory_resource(), auto-onlining
// included, so hot-adds run one after the other; a ZONE_DEVICE memremap_pages() (mem_hotplug_lock only)
// can still slip in between the blocks of one.

import type { ThreadSpec } from './des';
import { pageWork, populateWork } from './cost_model';
import { type Ctx, DEVICE_HOTPLUG_LOCK, type Env, MEM_HOTPLUG_LOCK, type Program, cpuNodeFor } from './env';
import type { HotplugInitWork } from './types';

export { MEM_HOTPLUG_LOCK };

/** The thread that hot-adds and onlines one range (ACPI / dax_kmem / virtio-mem style). */
export function hotAddThread(env: Env, h: HotplugInitWork): ThreadSpec {
  return {
    name: `hot-add ${h.name}`,
    cpuNode: cpuNodeFor(env, h.node),
    process: `device ${h.name}`,
    startDelayNs: env.m.costs.threadStartNs,
    body: (ctx) => hotAddAndOnline(env, h, ctx),
  };
}

/** add_memory_resource() then memory_block_online() for every block. */
export function* hotAddAndOnline(env: Env, h: HotplugInitWork, ctx: Ctx): Program {
  env.deviceThreads.set(h.name, 1);
  yield { op: 'acquire', lock: DEVICE_HOTPLUG_LOCK, node: h.node, device: h.name };
  yield { op: 'acquire', lock: MEM_HOTPLUG_LOCK, node: h.node, device: h.name };
  yield {
    op: 'work',
    work: populateWork(env.m, env.scales, {
      phase: 'hotplugAdd',
      pmdBlocks: h.populate.pmdBlocks,
      basePages: h.populate.basePages,
      reusedPtes: h.populate.reusedPtes,
      boot: false,
      node: h.node,
      device: h.name,
      media: h.memmapHome.media,
    }),
  };
  yield { op: 'release', lock: MEM_HOTPLUG_LOCK };
  // Every page of the block gets a struct page: the self-hosted vmemmap pages through
  // mhp_init_memmap_on_memory(), the rest through online_pages().
  const onlineWork = pageWork(env.m, env.w.features.structPageSize, env.scales, {
    phase: 'memoryBlockOnline',
    term: 'initPage',
    pages: h.pagesPerBlock,
    extraCpuNs: 0,
    extraLabel: '',
    home: h.memmapHome,
    cpuNode: ctx.cpuNode,
    node: h.node,
    device: h.name,
    era: env.era,
    factor: 1,
    factorLabel: '',
  });
  if (h.memmapPagesPerBlock > 0) onlineWork.costTerm += ` (memmap_on_memory: ${h.memmapPagesPerBlock} vmemmap pages per block self-hosted)`;
  onlineWork.merge = true;
  for (let b = 0; b < h.blocks; b++) {
    yield { op: 'acquire', lock: MEM_HOTPLUG_LOCK, node: h.node, device: h.name };
    yield { op: 'work', work: onlineWork };
    yield { op: 'release', lock: MEM_HOTPLUG_LOCK };
  }
  yield { op: 'release', lock: DEVICE_HOTPLUG_LOCK };
  yield { op: 'mark', name: `${h.name} online`, log: null, node: h.node, device: h.name };
}
