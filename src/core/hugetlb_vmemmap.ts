// HugeTLB Vmemmap Optimization (HVO), mm/hugetlb_vmemmap.{c,h} and report_hugepages() in mm/hugetlb.c.
//
//   hugetlb_vmemmap_size(h)             = pages_per_huge_page(h) * sizeof(struct page)
//   hugetlb_vmemmap_optimizable_size(h) = max(vmemmap_size - HUGETLB_VMEMMAP_RESERVE_SIZE, 0),
//                                         0 if struct page is not a power of two or HVO is not built
//   HUGETLB_VMEMMAP_RESERVE_SIZE        = PAGE_SIZE (1 page kept; 2 pages in 5.14-5.17)
// The optimizable size is printed ("HugeTLB: %d KiB vmemmap can be freed for a %s page") even when
// hugetlb_free_vmemmap is off. Optimizing splits the PMD-mapped vmemmap into PTEs first (one PTE table
// per PMD of vmemmap). Pages whose vmemmap is self-hosted (memmap_on_memory) are never optimized.
//
// Placement (a model choice, documented in notes): a pool takes whole, size-aligned huge pages from the
// top of the node's boot RAM downwards, then from the node's hot-added memory; pools on the same node
// do not overlap.

import { bytesExact } from './format';
import type { HugetlbPoolConfig } from '../config/types';
import { GiB, KiB, MiB, alignDown, alignUp, divFloor, isPowerOfTwo } from '../config/units';
import { type ArchProfile, atLeast } from './arch';
import type { SimContext } from './context';
import type { HotplugMemmap, HugetlbMemmap, NodeLayout } from './types';

/** hugetlb_vmemmap_size(): vmemmap bytes describing one huge page. */
export function hugetlbVmemmapSize(profile: ArchProfile, pageSizeBytes: number): number {
  return (pageSizeBytes / profile.pageSize) * profile.structPageSize;
}

/** hugetlb_vmemmap_optimizable_size(): 0 when HVO is not built for the arch/version or SP is not a power of two. */
export function hugetlbVmemmapOptimizableSize(profile: ArchProfile, pageSizeBytes: number): number {
  if (!profile.features.hvo || !isPowerOfTwo(profile.structPageSize)) return 0;
  return Math.max(hugetlbVmemmapSize(profile, pageSizeBytes) - profile.features.hvoReservePages * profile.pageSize, 0);
}

/** string_get_size(size, 1, STRING_UNITS_2): "2.00 MiB", "1.00 GiB". */
export function stringGetSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let u = 0;
  let v = bytes;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${bytes} B`;
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return `${v.toFixed(digits)} ${units[u]}`;
}

/** hstate name: "hugepages-2048kB". */
function hstateName(bytes: number): string {
  return `hugepages-${bytes / KiB}kB`;
}

/** The boot log line about the vmemmap an hstate can free, in the kernel version's wording. */
export function hvoKernelMessage(profile: ArchProfile, pageSizeBytes: number): string | null {
  const opt = hugetlbVmemmapOptimizableSize(profile, pageSizeBytes);
  const v = profile.version;
  if (atLeast(v, [6, 0])) return `HugeTLB: ${opt / KiB} KiB vmemmap can be freed for a ${stringGetSize(pageSizeBytes)} page\n`;
  if (!profile.features.hvo || opt === 0) return null;
  if (atLeast(v, [5, 18])) return `HugeTLB: can optimize ${opt / profile.pageSize} vmemmap pages for ${hstateName(pageSizeBytes)}\n`;
  return `HugeTLB: can free ${opt / profile.pageSize} vmemmap pages for ${hstateName(pageSizeBytes)}\n`;
}

/** A hugepagesz= value as written on the command line ("2M", "1G"). */
function sizeToken(bytes: number): string {
  if (bytes % GiB === 0) return `${bytes / GiB}G`;
  if (bytes % MiB === 0) return `${bytes / MiB}M`;
  return `${bytes / KiB}K`;
}

interface FreeRange {
  startPfn: number;
  endPfn: number;
  selfHosted: boolean;
}

/** Per-node free memory for pool placement, consumed top-down. */
export class HugetlbPlacer {
  private free = new Map<number, FreeRange[]>();

  constructor(nodes: readonly NodeLayout[], hotplug: readonly HotplugMemmap[], pageSize: number) {
    for (const n of nodes) this.free.set(n.id, n.ranges.map((r) => ({ ...r, selfHosted: false })));
    for (const h of hotplug) {
      if (h.status !== 'ok') continue;
      const list = this.free.get(h.node) ?? [];
      // Hot-added memory is placed below boot memory in the search order (consumed after it).
      list.unshift({ startPfn: h.start / pageSize, endPfn: (h.start + h.size) / pageSize, selfHosted: h.memmapOnMemory });
      this.free.set(h.node, list);
    }
  }

  /** Take up to `count` aligned pages of `pfns` pfns; returns the chunks [startPfn, endPfn). */
  take(node: number, pfns: number, count: number): (FreeRange & { pages: number })[] {
    const list = this.free.get(node) ?? [];
    const out: (FreeRange & { pages: number })[] = [];
    let need = count;
    for (let i = list.length - 1; i >= 0 && need > 0; i--) {
      const r = list[i];
      const hi = alignDown(r.endPfn, pfns);
      const lo = alignUp(r.startPfn, pfns);
      if (hi <= lo) continue;
      const n = Math.min(need, divFloor(hi - lo, pfns));
      const s = hi - n * pfns;
      out.push({ startPfn: s, endPfn: hi, selfHosted: r.selfHosted, pages: n });
      r.endPfn = s;
      need -= n;
    }
    return out;
  }
}

export function hugetlbPool(ctx: SimContext, pool: HugetlbPoolConfig, placer: HugetlbPlacer): HugetlbMemmap {
  const { profile, space } = ctx;
  const P = profile.pageSize;
  const hs = pool.pageSize;
  const rec: HugetlbMemmap = {
    node: pool.node,
    pageSizeBytes: hs,
    count: pool.count,
    allocated: 0,
    vmemmapBytesPerPage: hugetlbVmemmapSize(profile, hs),
    optimizableBytesPerPage: 0,
    freedBytesPerPage: 0,
    optimizedPages: 0,
    freedBytes: 0,
    pageTableBytes: 0,
    hvo: 'unavailable',
    kernelMessages: [],
    notes: [],
    path: pool.path,
  };
  if (!profile.hugepageSizes.includes(hs)) {
    ctx.errors.push({
      severity: 'error',
      message: `huge page size ${bytesExact(hs)} is not supported on ${profile.arch} (${profile.hugepageSizes.map(bytesExact).join(', ')})`,
      kernelMessage: `HugeTLB: unsupported hugepagesz=${sizeToken(hs)}\n`,
      path: [...pool.path, 'pageSize'],
    });
    return rec;
  }
  rec.optimizableBytesPerPage = hugetlbVmemmapOptimizableSize(profile, hs);
  const msg = hvoKernelMessage(profile, hs);
  if (msg) rec.kernelMessages.push(msg);

  const chunks = placer.take(pool.node, hs / P, pool.count);
  rec.allocated = chunks.reduce((s, c) => s + c.pages, 0);
  if (rec.allocated < pool.count) {
    ctx.errors.push({
      severity: 'warning',
      message: `node ${pool.node} has room for only ${rec.allocated} of ${pool.count} huge pages of ${bytesExact(hs)}`,
      kernelMessage: `HugeTLB: allocating ${pool.count} of page size ${stringGetSize(hs)} failed node${pool.node}.  Only allocated ${rec.allocated} hugepages.\n`,
      path: [...pool.path, 'count'],
    });
  }

  if (!profile.features.hvo) {
    rec.hvo = 'unavailable';
    rec.notes.push(`HVO is not available on ${profile.arch} with Linux ${profile.version.join('.')} (no ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP)`);
    return rec;
  }
  if (!isPowerOfTwo(profile.structPageSize)) {
    rec.hvo = 'not-power-of-two';
    rec.notes.push(`sizeof(struct page) ${profile.structPageSize} is not a power of two: HVO can free nothing`);
    return rec;
  }
  if (rec.optimizableBytesPerPage === 0) {
    rec.hvo = 'unavailable';
    rec.notes.push('the vmemmap of one huge page is no larger than what HVO keeps');
    return rec;
  }
  if (!ctx.cfg.kernel.hvo) {
    rec.hvo = 'disabled';
    rec.notes.push(`HVO is off (hugetlb_free_vmemmap): ${bytesExact(rec.optimizableBytesPerPage)} per page could be freed, ${bytesExact(rec.optimizableBytesPerPage * rec.allocated)} for the pool`);
    return rec;
  }

  let selfHosted = 0;
  for (const c of chunks) {
    if (c.selfHosted) {
      selfHosted += c.pages;
      continue;
    }
    rec.optimizedPages += c.pages;
    const va = space.vaOf(c.startPfn, c.endPfn - c.startPfn);
    rec.pageTableBytes += space.splitLeavesForHvo(va.start, va.end);
  }
  rec.freedBytesPerPage = rec.optimizedPages > 0 ? rec.optimizableBytesPerPage : 0;
  rec.freedBytes = rec.optimizedPages * rec.optimizableBytesPerPage;
  rec.hvo = selfHosted === 0 ? 'optimized' : rec.optimizedPages > 0 ? 'partly-self-hosted' : 'self-hosted';
  rec.notes.push(
    `HVO keeps ${profile.features.hvoReservePages} of ${rec.vmemmapBytesPerPage / P} vmemmap pages per huge page: ${bytesExact(rec.optimizableBytesPerPage)} freed per page, ${bytesExact(rec.freedBytes)} for ${rec.optimizedPages} pages` +
      (rec.pageTableBytes ? `; splitting the PMD-mapped vmemmap costs ${bytesExact(rec.pageTableBytes)} of PTE tables` : ''),
  );
  if (selfHosted) rec.notes.push(`${selfHosted} pages lie in memory whose memmap is self-hosted (memmap_on_memory): HVO skips them`);
  return rec;
}
