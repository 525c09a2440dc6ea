// ZONE_DEVICE namespaces (fsdax / devdax): nvdimm probes asynchronously, so every namespace has its
// own probe thread. memremap_pages() -> pagemap_range() holds mem_hotplug_lock for __add_pages()
// (vmemmap population) and move_pfn_range_to_zone() (which initializes only the altmap's own pfns);
// memmap_init_zone_device() then runs after mem_hotplug_done(), single-threaded, one compound page
// at a time writing compound_nr_pages() struct pages (mm/memremap.c, mm/mm_init.c, 6.12.117).
//
// Model options (the seeds' alternatives):
// - memmapInitThreads > 1: seed 003's split of one device's init into NR_MEMMAP_THREADS equal
//   async pieces (the caller waits in async_synchronize_full_domain()).
// - zoneDeviceInit 'indirectCall': seed 000's per-page pgmap->init_page() callback.
// - deviceInitLock 'under': the 2018 placement, struct page init inside the hotplug lock (seeds 000, 002).

import type { ThreadSpec, WorkSpec } from './des';
import { ERA_FACTORS, pageWork, populateWork, r2 } from './cost_model';
import { type Ctx, type Env, MEM_HOTPLUG_LOCK, type Program, cpuNodeFor } from './env';
import type { ZoneDeviceInitWork } from './types';

/** Thread name of a device's probe thread. */
export function probeThreadName(name: string): string {
  return `probe ${name}`;
}

/** The probe thread of a ZONE_DEVICE namespace. */
export function zoneDeviceProbeThread(env: Env, d: ZoneDeviceInitWork): ThreadSpec {
  return {
    name: probeThreadName(d.name),
    cpuNode: cpuNodeFor(env, d.node),
    process: `device ${d.name}`,
    startDelayNs: env.m.costs.threadStartNs,
    body: (ctx) => zoneDeviceProbe(env, d, ctx),
  };
}

function initUnderLock(env: Env): boolean {
  return env.m.options.deviceInitLock === 'under' || ERA_FACTORS[env.era].deviceInitUnderLock;
}

/** One piece of memmap_init_zone_device(): `compounds` compound pages (or `pages` base pages). */
function initPiece(env: Env, d: ZoneDeviceInitWork, cpuNode: number, structPages: number, compounds: number): WorkSpec {
  const o = env.m.options;
  const c = env.m.costs;
  let extra = 0;
  const labels: string[] = [];
  if (compounds > 0) {
    extra += compounds * c.compoundPageNs;
    labels.push(`${compounds} compound x compoundPageNs ${r2(c.compoundPageNs)} ns`);
  }
  if (o.zoneDeviceInit === 'indirectCall') {
    extra += structPages * c.indirectCallNs;
    labels.push(`indirectCallNs ${r2(c.indirectCallNs)} ns/page`);
  }
  const cold = o.deviceBind === 'first' && env.w.hypervisor;
  return pageWork(env.m, env.w.features.structPageSize, env.scales, {
    phase: 'zoneDeviceInit',
    term: 'zoneDevicePage',
    pages: structPages,
    extraCpuNs: extra,
    extraLabel: labels.join(' + '),
    home: d.memmapHome,
    cpuNode,
    node: d.node,
    device: d.name,
    era: env.era,
    factor: cold ? env.m.firstBindVmFactor : 1,
    factorLabel: 'first bind under a hypervisor (firstBindVmFactor)',
  });
}

/** memmap_init_zone_device(), possibly split into seed-003 async pieces. */
function* memmapInitZoneDevice(env: Env, d: ZoneDeviceInitWork, ctx: Ctx): Program {
  const n = Math.max(1, env.m.options.memmapInitThreads);
  // Units being split: compound pages (each writes structPagesPerCompound) or base pages.
  const units = d.compound ? d.compound.compoundPages : d.structPagesWritten;
  if (n === 1 || units < n) {
    env.deviceThreads.set(d.name, 1);
    yield { op: 'work', work: initPiece(env, d, ctx.cpuNode, d.structPagesWritten, d.compound ? d.compound.compoundPages : 0) };
    return;
  }
  // Seed 003: step = size / NR_MEMMAP_THREADS; the last piece takes the remainder. Struct pages are
  // split in proportion (exactly: cumulative floors), since early-section compound pages write more.
  const step = Math.floor(units / n);
  const total = d.structPagesWritten;
  const pieces: ThreadSpec[] = [];
  for (let i = 0; i < n; i++) {
    const u0 = i * step;
    const u1 = i === n - 1 ? units : (i + 1) * step;
    const sp = Math.floor((total * u1) / units) - Math.floor((total * u0) / units);
    const compounds = d.compound ? u1 - u0 : 0;
    pieces.push({
      name: `memmap_init_async ${d.name}.${i}`,
      cpuNode: ctx.cpuNode,
      process: `device ${d.name}`,
      startDelayNs: env.m.costs.threadStartNs,
      body: function* (pctx) {
        yield { op: 'work', work: initPiece(env, d, pctx.cpuNode, sp, compounds) };
      },
    });
  }
  env.deviceThreads.set(d.name, n);
  const tids = (yield { op: 'spawn', threads: pieces }) as number[];
  yield { op: 'join', tids, node: d.node, device: d.name };
}

/** The probe: memremap_pages() under the lock, then memmap_init_zone_device(). */
export function* zoneDeviceProbe(env: Env, d: ZoneDeviceInitWork, ctx: Ctx): Program {
  const under = initUnderLock(env);
  yield { op: 'acquire', lock: MEM_HOTPLUG_LOCK, node: d.node, device: d.name };
  yield {
    op: 'work',
    work: populateWork(env.m, env.scales, {
      phase: 'devicePopulate',
      pmdBlocks: d.populate.pmdBlocks,
      basePages: d.populate.basePages,
      reusedPtes: d.populate.reusedPtes,
      boot: false,
      node: d.node,
      device: d.name,
      media: d.memmapHome.media,
    }),
  };
  if (d.altmapInitPages > 0) {
    yield {
      op: 'work',
      work: pageWork(env.m, env.w.features.structPageSize, env.scales, {
        phase: 'deviceAltmapInit',
        term: 'initPage',
        pages: d.altmapInitPages,
        extraCpuNs: 0,
        extraLabel: '',
        home: d.memmapHome,
        cpuNode: ctx.cpuNode,
        node: d.node,
        device: d.name,
        era: env.era,
        factor: 1,
        factorLabel: '',
      }),
    };
  }
  let t0 = ctx.now();
  if (under) yield* memmapInitZoneDevice(env, d, ctx);
  yield { op: 'release', lock: MEM_HOTPLUG_LOCK };
  if (!under) {
    t0 = ctx.now();
    yield* memmapInitZoneDevice(env, d, ctx);
  }
  const ms = Math.floor((ctx.now() - t0) / 1e6);
  // pr_debug("%s initialised %lu pages in %ums\n", __func__, nr_pages, ...)
  yield { op: 'mark', name: `${d.name} memmap ready`, log: `memmap_init_zone_device initialised ${d.initPages} pages in ${ms}ms`, node: d.node, device: d.name };
}
