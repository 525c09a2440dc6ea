// HugeTLB and HVO rules (mm/hugetlb.c, mm/hugetlb_vmemmap.c).

import { isPowerOfTwo, GiB, MiB, KiB } from '../../config/index';
import { hvoKernelMessage, stringGetSize } from '../../core/index';
import { type BootPoolPlacement, HUGETLB_NODE_ALLOC_UNSUPPORTED, hugetlbRequestOf, placeBootHugetlbPools } from '../../core/hugetlb_vmemmap';
import type { FixSpec, Rule, RuleContext, RuleFinding } from '../types';
import type { HugetlbPoolConfig } from '../../config/types';
import { bool, bytesExact, int, set, size } from './util';

/** hugepagesz= as the user would write it: their own spelling when it has a unit, else 2M / 1G. */
function sizeToken(ctx: RuleContext, pool: HugetlbPoolConfig): string {
  const raw = ctx.raw([...pool.path, 'pageSize']);
  if (raw && /^\s*[0-9.]+\s*[kmgt]/i.test(raw)) return raw.replace(/\s+/g, '').replace(/i?b$/i, '');
  const b = pool.pageSize;
  if (b % GiB === 0) return `${b / GiB}G`;
  if (b % MiB === 0) return `${b / MiB}M`;
  return `${b / KiB}K`;
}

export const hugetlbSizeUnsupported: Rule = {
  id: 'MM027',
  slug: 'hugetlb-size-unsupported',
  severity: 'error',
  area: 'hugetlb',
  title: 'HugeTLB boot request the architecture refuses (page size, per-node pools)',
  reference: '§6',
  kernelCitation:
    '[6.12] mm/hugetlb.c: hugepagesz_setup(), arch_hugetlb_valid_size(), hugepages_setup() (hugetlb_node_alloc_supported()); arch/powerpc/mm/hugetlbpage.c: hugetlb_node_alloc_supported(), alloc_bootmem_huge_page()',
  kernelText: ['HugeTLB: unsupported hugepagesz=%s\\n', "HugeTLB: architecture can't support node specific alloc, ignoring!\\n"],
  appliesTo: {},
  doc: [
    '`hugepagesz=` accepts only the sizes the architecture supports (`arch_hugetlb_valid_size()`): x86_64 2M and 1G; arm64 4K',
    '64K, 2M, 32M, 1G; arm64 16K 2M, 32M, 1G; arm64 64K 2M, 512M, 16G; ppc64 radix 2M, 1G; ppc64 hash 16M, 16G; s390x 1M, 2G;',
    'riscv64 64K, 2M, 1G. Other sizes are refused at boot and the pool is not',
    'allocated (the following `hugepages=` is ignored too).',
    '',
    'powerpc Book3S-64 (ppc64 hash and radix) cannot allocate boot huge pages per node: `hugetlb_node_alloc_supported()` is',
    'false, and `hugepages_setup()` drops a node-specific `hugepages=0:N,1:M` with the warning above, so none of that page',
    'size\'s pools is allocated. The config\'s pools of one page size are read as the balanced `hugepages=N` when every node',
    'with boot memory has the same count and no other node has one (a single memory node included); anything else needs',
    'the node form. `machine.hugetlbRequest` overrides the reading, and the timing model takes the same reading to choose',
    'between padata and node-by-node allocation. On a pseries LPAR with',
    'the hash MMU the 16G boot pages do not come from memblock at all but from the 16 GiB blocks the firmware set aside',
    '(`ibm,expected#pages`, `pseries_add_gpage()`, `alloc_bootmem_huge_page()`): the pool gets at most what the LPAR was',
    'given (not modelled).',
    '',
    '**Fix:** use a supported size (the fix keeps the pool\'s total size); on ppc64, give every node with memory the same',
    'count of that page size (a balanced `hugepages=N`).',
  ].join('\n'),
  check(ctx) {
    const p = ctx.profile;
    const out: RuleFinding[] = [];
    for (const pool of ctx.config.hugetlb) {
      if (p.hugepageSizes.includes(pool.pageSize)) continue;
      const sorted = [...p.hugepageSizes].sort((a, b) => a - b);
      const below = sorted.filter((s) => s < pool.pageSize).pop();
      const above = sorted.find((s) => s > pool.pageSize);
      const fixes: FixSpec[] = [];
      for (const s of [below, above]) {
        if (s === undefined) continue;
        const count = Math.floor((pool.count * pool.pageSize) / s);
        if (count === 0 && pool.count > 0) continue;
        fixes.push({
          title: `Use ${bytesExact(s)} pages (count ${count})`,
          ops: [set([...pool.path, 'pageSize'], size(s)), ...(count !== pool.count ? [set([...pool.path, 'count'], int(count))] : [])],
        });
      }
      out.push({
        path: [...pool.path, 'pageSize'],
        message: `huge page size ${bytesExact(pool.pageSize)} is not supported on ${p.arch} (${p.hugepageSizes.map(bytesExact).join(', ')}): the kernel refuses hugepagesz= and allocates none of the ${pool.count} pages`,
        kernelText: `HugeTLB: unsupported hugepagesz=${sizeToken(ctx, pool)}`,
        fixes,
      });
    }
    out.push(...nodeSpecificFindings(ctx));
    return out;
  },
};

/** ppc64: pools whose page size needs a node-specific hugepages=, which hugepages_setup() drops. */
function nodeSpecificFindings(ctx: RuleContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  const placed = bootPlacements(ctx);
  const memNodes = ctx.sim.layout.nodes.filter((n) => n.presentPages > 0).map((n) => n.id);
  ctx.config.hugetlb.forEach((pool, i) => {
    const request = placed[i]?.nodeRequestIgnored;
    if (!request) return;
    const same = ctx.config.hugetlb.map((q, j) => ({ q, j })).filter((x) => x.q.pageSize === pool.pageSize && x.q.count > 0);
    const fixes: FixSpec[] = [];
    // Balanced: one pool per memory node and no other node: give each the same count (the total, rounded down / up).
    const nodesOf = same.map((x) => x.q.node);
    const onePerMemNode = memNodes.length > 0 && same.length === memNodes.length && memNodes.every((id) => nodesOf.includes(id));
    if (onePerMemNode) {
      const total = same.reduce((t, x) => t + x.q.count, 0);
      for (const per of [...new Set([Math.floor(total / memNodes.length), Math.ceil(total / memNodes.length)])]) {
        if (per <= 0) continue;
        const ops = same.filter((x) => x.q.count !== per).map((x) => set([...x.q.path, 'count'], int(per)));
        fixes.push({ title: `Balance: ${per} pages on each of the ${memNodes.length} nodes (hugepages=${per * memNodes.length})`, ops });
      }
    }
    // A single memory node: hugepages=N puts every page there, so the pools of this size move to it.
    if (memNodes.length === 1) {
      const away = same.filter((x) => x.q.node !== memNodes[0]);
      const what = away.length === 1 ? `hugetlb[${away[0].j}]` : `the ${bytesExact(pool.pageSize)} pools`;
      fixes.push({ title: `Move ${what} to node ${memNodes[0]}, the only node with memory`, ops: away.map((x) => set([...x.q.path, 'node'], int(memNodes[0]))) });
    }
    const missing = memNodes.filter((id) => !nodesOf.includes(id));
    out.push({
      path: [...pool.path, 'node'],
      message:
        `hugetlb[${i}] (${pool.count} pages of ${bytesExact(pool.pageSize)} on node ${pool.node}) needs a node-specific request, ${request}: ${ctx.profile.arch} cannot allocate boot huge pages per node ` +
        `(powerpc Book3S-64 hugetlb_node_alloc_supported() is false), so the kernel ignores that hugepages= and allocates no ${bytesExact(pool.pageSize)} page on any node` +
        (missing.length ? `; a balanced hugepages=N needs the same count on every node with memory (node${missing.length === 1 ? '' : 's'} ${missing.join(', ')} ha${missing.length === 1 ? 's' : 've'} no pool of this size)` : '; a balanced hugepages=N needs the same count on every node with memory'),
      kernelText: HUGETLB_NODE_ALLOC_UNSUPPORTED.trimEnd(),
      related: same.filter((x) => x.j !== i).map((x) => ({ path: x.q.path, message: `hugetlb[${x.j}]: ${x.q.count} pages on node ${x.q.node}, dropped with it` })),
      fixes,
    });
  });
  return out;
}

/** Where the kernel puts the boot pools: the core's placement, from the simulation's own boot figures (memoized per config). */
function bootPlacements(ctx: RuleContext): BootPoolPlacement[] {
  return ctx.memo('hugetlb-boot-placement', () => placeBootHugetlbPools(ctx.profile, ctx.sim.layout.nodes, ctx.sim.memmap.nodes, ctx.config.hugetlb, hugetlbRequestOf(ctx.config), ctx.config.kernel.hvo));
}

/** "; node 0 got 30, node 1 31": where the pages of a balanced hugepages=N of `pageSize` are (null: ''). */
function perNodeText(ctx: RuleContext, placed: readonly BootPoolPlacement[], pageSize: number | null): string {
  if (pageSize === null) return '';
  const per = new Map<number, number>();
  ctx.config.hugetlb.forEach((p, j) => {
    const pl = placed[j];
    if (p.pageSize !== pageSize || !pl?.balancedRequest || pl.duplicateOf !== null) return;
    for (const c of pl.chunks) per.set(c.node, (per.get(c.node) ?? 0) + c.pages);
  });
  const list = [...per].sort((a, b) => a[0] - b[0]);
  return list.length ? `; ${list.map(([n, k], i) => (i === 0 ? `node ${n} got ${k}` : `node ${n} ${k}`)).join(', ')}` : '';
}

export const hugetlbPoolTooLarge: Rule = {
  id: 'MM028',
  slug: 'hugetlb-pool-too-large',
  severity: 'warning',
  area: 'hugetlb',
  title: 'HugeTLB pool larger than its node',
  reference: '§6 (cross-object)',
  kernelCitation:
    '[6.12] mm/hugetlb.c: hugetlb_hstate_alloc_pages_onenode(), hugetlb_hstate_alloc_pages_specific_nodes(), hugetlb_gigantic_pages_alloc_boot(), hugetlb_hstate_alloc_pages_errcheck(), __alloc_bootmem_huge_page(); mm/memblock.c: memblock_alloc_range_nid(); mm/sparse.c: sparse_buffer_init(); mm/page_alloc.c: setup_per_zone_lowmem_reserve()',
  kernelText: ['HugeTLB: allocating %u of page size %s failed node%d.  Only allocated %lu hugepages.\\n', 'HugeTLB: allocating %lu of page size %s failed.  Only allocated %lu hugepages.\\n'],
  appliesTo: {},
  doc: [
    'Boot-time huge pages come from the node\'s boot RAM only — memory hot-added later does not exist yet — and not from what',
    'memblock already reserved there, first of all the node\'s own memmap (`sparse_init()` takes it top-down from the node, 1/64',
    'of its RAM on x86) and its vmemmap page tables. Gigantic pages (1 GiB on x86) are taken from memblock while `hugepages=`',
    'is parsed, size-aligned and top-down; smaller ones from the buddy allocator in `hugetlb_init()`, with `__GFP_THISNODE`,',
    'which keeps back each zone\'s min watermark and, in DMA and DMA32, `lowmem_reserve`: 1/256 of the node\'s memory above',
    'them (about 1.5 GiB of the 2 GiB below 4 GiB on a 384 GiB x86 node).',
    'When a smaller size does not fit, the kernel allocates what fits and warns; the pool is smaller than configured. A balanced',
    '`hugepages=N` (the same count on every memory node, or a single memory node) is different: the pages go round-robin over',
    'the nodes, so only the size as a whole can fall short (the second warning above, naming no node). A full node passes its',
    'turn to the next for the smaller sizes; for gigantic pages (`hugetlb_gigantic_pages_alloc_boot()`) its turn takes a page',
    'wherever memblock finds one. A gigantic page is not node-exact (`memblock_alloc_try_nid_raw()`): when the node is full',
    'memblock silently takes it from another node, so the node\'s `nr_hugepages` is short with no message; the warning only',
    'comes when no node has room. Node-specific requests are allocated node by node in node-id order',
    '(`hugetlb_hstate_alloc_pages_specific_nodes()`), whatever the order of the pools, and the gigantic sizes before the others.',
    '',
    '**Fix:** reduce the count to what fits, or move part of the pool to another node.',
  ].join('\n'),
  check(ctx) {
    const out: RuleFinding[] = [];
    const placed = bootPlacements(ctx);
    const P = ctx.profile.pageSize;
    // The kernel's allocation order (placeBootHugetlbPools(): gigantic sizes first, each size's nodes in id order): a
    // pool's place in it, and per node the pools that took memory there, in that order (built once: a config may have
    // thousands of pools).
    const rank = (j: number) => placed[j]?.order ?? placed.length + j;
    let byNode: Map<number, number[]> | null = null;
    const allocatedBefore = (node: number, i: number): { count: number; first: number[] } => {
      if (byNode === null) {
        byNode = new Map();
        placed.forEach((pl, j) => {
          for (const n of new Set(pl?.chunks.map((c) => c.node) ?? [])) (byNode!.get(n) ?? byNode!.set(n, []).get(n)!).push(j);
        });
        for (const list of byNode.values()) list.sort((a, b) => rank(a) - rank(b));
      }
      const list = byNode.get(node) ?? [];
      let lo = 0;
      for (let hi = list.length; lo < hi; ) {
        const mid = (lo + hi) >> 1;
        if (rank(list[mid]) < rank(i)) lo = mid + 1;
        else hi = mid;
      }
      return { count: lo, first: list.slice(0, Math.min(lo, 5)) };
    };
    ctx.config.hugetlb.forEach((pool, i) => {
      const rec = ctx.sim.memmap.hugetlb[i];
      const pl = placed[i];
      // A dropped node-specific request (ppc64) is MM027's, an ignored second hugepages= MM029's.
      if (!rec || !pl || pl.nodeRequestIgnored !== null || pl.duplicateOf !== null || !ctx.profile.hugepageSizes.includes(pool.pageSize)) return;
      if (pl.balancedRequest) {
        // hugepages=N: a full node's turn goes elsewhere; only the size as a whole can fall short.
        const short = pl.balancedShort;
        if (!short) return;
        const siblings = ctx.config.hugetlb.filter((p, j) => p.pageSize === pool.pageSize && placed[j]?.balancedRequest && placed[j]?.duplicateOf === null && p.count > 0);
        // One count per node (a node's first pool; any other pool of the size on that node to 0): still balanced.
        const byNode = new Map<number, HugetlbPoolConfig[]>();
        for (const p of siblings) {
          const list = byNode.get(p.node);
          if (list) list.push(p);
          else byNode.set(p.node, [p]);
        }
        const each = Math.floor(short.allocated / Math.max(1, byNode.size));
        const ops = [...byNode.values()].flatMap((ps) => ps.map((p, k) => set([...p.path, 'count'], int(k === 0 ? each : 0))));
        out.push({
          path: [...pool.path, 'count'],
          message:
            `the memory nodes have room for only ${short.allocated} of the ${short.asked} huge pages of ${bytesExact(pool.pageSize)} (a balanced hugepages=${short.asked}: ` +
            (pl.gigantic ? "a full node's turn takes a page wherever memblock finds one, until no node has room" : 'a full node passes its turn to the next, and every node is full') +
            `)${perNodeText(ctx, placed, siblings.length > 1 ? pool.pageSize : null)}`,
          kernelText: `HugeTLB: allocating ${short.asked} of page size ${stringGetSize(pool.pageSize)} failed.  Only allocated ${short.allocated} hugepages.`,
          related: siblings.filter((p) => p !== pool).map((p) => ({ path: [...p.path, 'count'], message: `node ${p.node}'s pool of the same size` })),
          fixes: [{ title: `Set the ${bytesExact(pool.pageSize)} pools to ${each} per node (hugepages=${each * byNode.size}, which the nodes hold)`, ops }],
        });
        return;
      }
      if (pl.onNode >= pool.count) return;
      const node = ctx.sim.layout.nodes.find((n) => n.id === pool.node);
      const mm = ctx.sim.memmap.nodes.find((n) => n.id === pool.node);
      const nodeCfg = ctx.config.nodes.find((n) => n.id === pool.node);
      const ram = node ? node.presentPages * P : 0;
      const taken = mm && mm.bootMemmapBytes > 0 ? `, ${bytesExact(mm.bootMemmapBytes)} of it the node's boot memmap` + (mm.pageTableBytes ? ` and ${bytesExact(mm.pageTableBytes)} its vmemmap page tables` : '') : '';
      const hot = ctx.sim.memmap.hotplug.filter((h) => h.node === pool.node && h.status === 'ok').reduce((s, h) => s + h.size, 0);
      const hotText = hot ? `; the ${bytesExact(hot)} hot-added later does not count` : '';
      // Pools the kernel allocates before this one (gigantic sizes first) that took memory of this node.
      const before = allocatedBefore(pool.node, i);
      const named = before.first.map((j) => `hugetlb[${j}]`).join(', ') + (before.count > before.first.length ? ` and ${before.count - before.first.length} more pools` : '');
      const others = before.count ? `; ${named} ${before.count === 1 ? 'is' : 'are'} allocated on the node first` : '';
      const off = pl.offNode.map((o) => `${o.pages} from node ${o.node}`).join(', ');
      const room = `node ${pool.node} has ${bytesExact(ram)} of boot RAM${taken}${hotText}: room for only ${pl.onNode} of the ${pool.count} huge pages of ${bytesExact(pool.pageSize)} (${bytesExact(pool.count * pool.pageSize)} asked)${others}`;
      const failed = rec.allocated < pool.count;
      out.push({
        path: [...pool.path, 'count'],
        message: failed
          ? room + (off ? `; memblock took ${off} and no node has room for more` : '')
          : `${room}; memblock_alloc_try_nid_raw() is not node-exact, so the other ${pool.count - pl.onNode} come silently from elsewhere (${off}): node ${pool.node}'s nr_hugepages is ${pl.onNode}`,
        kernelText: failed ? `HugeTLB: allocating ${pool.count} of page size ${stringGetSize(pool.pageSize)} failed node${pool.node}.  Only allocated ${rec.allocated} hugepages.` : '',
        related: nodeCfg ? [{ path: nodeCfg.path, message: `node ${pool.node}` }] : [],
        fixes: [{ title: `Set the count to ${pl.onNode}`, ops: [set([...pool.path, 'count'], int(pl.onNode))] }],
      });
    });
    return out;
  },
};

export const hugetlbDuplicatePool: Rule = {
  id: 'MM029',
  slug: 'hugetlb-duplicate-pool',
  severity: 'warning',
  area: 'hugetlb',
  title: 'Two pools for the same node and page size',
  reference: '§6 (cross-object)',
  kernelCitation: '[6.12] mm/hugetlb.c: hugepages_setup(), hugepagesz_setup()',
  kernelText: [
    'HugeTLB: hugepages= specified twice without interleaving hugepagesz=, ignoring hugepages=%s\\n',
    'HugeTLB: hugepagesz=%s specified twice, ignoring\\n',
    'HugeTLB: hugepages=%s does not follow a valid hugepagesz, ignoring\\n',
  ],
  appliesTo: {},
  doc: [
    'The command line gives one count per page size and node: one `hugepagesz=` followed by one `hugepages=`',
    '(`hugepagesz=2M hugepages=0:512,1:512`, or `hugepages=1024` for the balanced form). A second pool for a node and size',
    'stands for a second `hugepages=`, which `hugepages_setup()` ignores with the first warning above; written with a',
    '`hugepagesz=` of its own it is ignored too (`hugepagesz_setup()` refuses the size twice, then the `hugepages=` after it',
    'follows no valid `hugepagesz=`: the other two warnings). Either way the later pool gets no page and the node keeps the',
    'first pool\'s count: the two pools do not add up. `simulate` allocates nothing for it, with the same warning.',
    '',
    '**Fix:** merge them into one pool.',
  ].join('\n'),
  check(ctx) {
    const out: RuleFinding[] = [];
    const placed = bootPlacements(ctx);
    ctx.config.hugetlb.forEach((pool, j) => {
      const pl = placed[j];
      const i = pl?.duplicateOf;
      if (!pl || i === null || i === undefined) return;
      const a = ctx.config.hugetlb[i];
      const tok = sizeToken(ctx, pool);
      out.push({
        path: [...pool.path, 'pageSize'],
        message:
          `hugetlb[${j}] repeats hugetlb[${i}] (node ${pool.node}, ${bytesExact(pool.pageSize)} pages): the command line has one hugepages= after hugepagesz=${tok}, ` +
          `and the kernel ignores a second one — none of hugetlb[${j}]'s ${pool.count} pages is allocated, node ${pool.node} gets hugetlb[${i}]'s ${a.count}, not ${a.count + pool.count}`,
        kernelText: (pl.duplicateMessage ?? '').trimEnd(),
        related: [{ path: a.path, message: `the first pool for node ${pool.node} and ${bytesExact(pool.pageSize)}` }],
        fixes: [{ title: `Merge into hugetlb[${i}] (count ${a.count + pool.count})`, ops: [set([...a.path, 'count'], int(a.count + pool.count)), { op: 'delete', path: pool.path }] }],
      });
    });
    return out;
  },
};

export const hvoUnavailable: Rule = {
  id: 'MM030',
  slug: 'hvo-unavailable',
  severity: 'warning',
  area: 'hugetlb',
  title: 'HVO requested but not available',
  reference: '§9.27, §6',
  kernelCitation: '[6.12] mm/hugetlb_vmemmap.h: hugetlb_vmemmap_optimizable_size(); mm/hugetlb.c: report_hugepages(); fs/Kconfig: HUGETLB_PAGE_OPTIMIZE_VMEMMAP',
  kernelText: ['HugeTLB: %d KiB vmemmap can be freed for a %s page\\n'],
  appliesTo: {},
  doc: [
    'HugeTLB Vmemmap Optimization needs `CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP`, which `ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP`',
    'enables: x86_64 from 5.14, riscv from 6.4, s390x from 6.2 until a 6.12.y dropped it (6.12.63: no HVO on s390x at 6.12),',
    'loongarch (not modelled) — never arm64 or ppc64 — and a power-of-two `sizeof(struct page)`. Otherwise',
    '`hugetlb_free_vmemmap=on` does nothing, the boot log says `0 KiB vmemmap can be freed` and `vm.hugetlb_optimize_vmemmap`',
    'does not exist.',
    '',
    '**Fix:** drop the setting (and budget the full memmap of the pools).',
  ].join('\n'),
  check(ctx) {
    const p = ctx.profile;
    if (!ctx.config.kernel.hvo) return [];
    const pow2 = isPowerOfTwo(p.structPageSize);
    if (p.features.hvo && pow2) return [];
    const pool = ctx.config.hugetlb.find((h) => p.hugepageSizes.includes(h.pageSize));
    const hs = pool?.pageSize ?? (p.hugepageSizes.includes(p.pmdSize) ? p.pmdSize : p.hugepageSizes[0]);
    const why = !p.features.hvo
      ? `${p.arch} with Linux ${p.version.join('.')} does not select ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP, so CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP does not exist`
      : `sizeof(struct page) is ${p.structPageSize} bytes, not a power of two`;
    return [
      {
        path: ['kernel', 'hvo'],
        message: `hugetlb_free_vmemmap=on has no effect: ${why}; every huge page keeps its full memmap and vm.hugetlb_optimize_vmemmap is absent`,
        kernelText: (hvoKernelMessage(p, hs, ctx.config.kernel.hvo) ?? '').trimEnd(),
        related: pow2 ? [] : [{ path: ['kernel', 'structPageSize'], message: `struct page is ${p.structPageSize} bytes` }],
        fixes: [{ title: 'Set hvo to false', ops: [set(['kernel', 'hvo'], bool(false))] }],
      },
    ];
  },
};

export const hvoSelfHosted: Rule = {
  id: 'MM031',
  slug: 'hvo-self-hosted',
  severity: 'info',
  area: 'hugetlb',
  title: 'HVO skips huge pages in memory with a self-hosted memmap',
  reference: '§9.26, §3',
  kernelCitation: '[6.12] mm/hugetlb_vmemmap.c: vmemmap_should_optimize_folio() / vmemmap_pmd_entry(); Documentation/admin-guide/kernel-parameters.txt (memory_hotplug.memmap_on_memory)',
  kernelText: [],
  appliesTo: {},
  doc: [
    'Memory hot-added with memmap_on_memory keeps its memmap at the start of each memory block; HVO never optimizes huge pages',
    'whose vmemmap is self-hosted (6.12: `vmemmap_pmd_entry()` returns -ENOTSUPP), silently. Boot pools never live there — they',
    'are allocated from boot RAM before anything is hot-added (MM028) — but huge pages allocated later on the node (growing the',
    'pool through `nr_hugepages`, overcommit) can, and then keep their whole vmemmap. kernel-parameters.txt documents the',
    'trade-off.',
    '',
    '**Fix:** choose between memmap_on_memory and HVO for the memory the pool may grow into.',
  ].join('\n'),
  check(ctx) {
    const p = ctx.profile;
    if (!ctx.config.kernel.hvo || !p.features.hvo || !isPowerOfTwo(p.structPageSize)) return [];
    const out: RuleFinding[] = [];
    for (const h of ctx.sim.memmap.hotplug) {
      if (h.status !== 'ok' || !h.memmapOnMemory) continue;
      const pools = ctx.config.hugetlb
        .map((pool, i) => ({ pool, i, rec: ctx.sim.memmap.hugetlb[i] }))
        .filter((x) => x.pool.node === h.node && x.rec && x.rec.optimizableBytesPerPage > 0);
      if (!pools.length) continue;
      const what = h.source === 'kmem' ? `dax/kmem device ${h.device}` : `hotplug[${ctx.config.hotplug.findIndex((c) => c.path.join('/') === h.path.join('/'))}]`;
      const kept = pools.map((x) => `${bytesExact(x.rec!.optimizableBytesPerPage)} per ${bytesExact(x.pool.pageSize)} page`).join(', ');
      const names = pools.map((x) => `hugetlb[${x.i}]`).join(' or ');
      out.push({
        path: h.path,
        message:
          `${what} adds ${bytesExact(h.size)} to node ${h.node} with memmap_on_memory: huge pages that ${names} gains in this memory after boot (nr_hugepages) ` +
          `keep their self-hosted vmemmap — HVO skips them, ${kept} not freed; boot pools themselves never come from hot-added memory`,
        kernelText: '',
        related: pools.map((x) => ({ path: x.pool.path, message: `HugeTLB pool on node ${h.node}` })),
      });
    }
    return out;
  },
};
