import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GiB, KiB, MiB } from '../../src/config/units';
import { archProfile, hugetlbVmemmapOptimizableSize, hvoKernelMessage, simulateMemmap } from '../../src/core';
import { balancedSpread, buddyReservePages, hugetlbDuplicatePools, hugetlbNodeRequests, hvoVmstatDelta, placeBootHugetlbPools } from '../../src/core/hugetlb_vmemmap';
import { makeConfig } from './core-helpers';

const pool = (o: Parameters<typeof makeConfig>[0]) => {
  const r = simulateMemmap(makeConfig(o));
  return { r, h: r.memmap.hugetlb[0] };
};

describe('core HugeTLB vmemmap optimization (§6)', () => {
  it('x86: 28 KiB per 2 MiB page, 16,380 KiB per 1 GiB page, with the boot log lines', () => {
    const p = archProfile(makeConfig());
    assert.equal(hugetlbVmemmapOptimizableSize(p, 2 * MiB), 28 * KiB);
    assert.equal(hugetlbVmemmapOptimizableSize(p, GiB), 16380 * KiB);
    assert.equal(hvoKernelMessage(p, 2 * MiB, false), 'HugeTLB: 28 KiB vmemmap can be freed for a 2.00 MiB page\n');
    assert.equal(hvoKernelMessage(p, GiB, false), 'HugeTLB: 16380 KiB vmemmap can be freed for a 1.00 GiB page\n');
  });

  it('512 × 2 MiB with HVO: 3584 pages = 14 MiB freed; the PMD split needs a PTE table per section touched', () => {
    // The pool lies below the boot memmap (the top 256 MiB) and its 2 page-table pages: it ends 2 MiB
    // under a section boundary, so its 1 GiB touches 9 sections (the reference's worked example: 8 when aligned).
    const { h, r } = pool({ ram: { size: 16 * GiB }, kernel: { hvo: true }, hugetlb: [{ count: 512 }] });
    assert.equal(h.allocated, 512);
    assert.equal(h.vmemmapBytesPerPage, 32 * KiB);
    assert.equal(h.freedBytesPerPage, 28 * KiB);
    assert.equal(h.freedBytes, 14 * MiB);
    assert.equal(h.freedBytes / 4096, 3584);
    assert.equal(h.hvo, 'optimized');
    assert.equal(r.memmap.savedBytes.hvo, 14 * MiB);
    assert.equal(r.memmap.ramBytes, r.memmap.bootMemmapBytes - 14 * MiB);
    assert.equal(r.memmap.pageTables.pte.tables, 9);
    assert.equal(h.pageTableBytes, 9 * 4 * KiB);
  });

  it('64 × 1 GiB with HVO: 64 × 16,380 KiB freed, 64 × 8 PTE tables (2 MiB)', () => {
    const { h } = pool({ ram: { size: 128 * GiB }, kernel: { hvo: true }, hugetlb: [{ pageSize: GiB, count: 64 }] });
    assert.equal(h.freedBytes, 64 * 16380 * KiB);
    assert.equal(h.pageTableBytes, 2 * MiB);
  });

  it('HVO off: nothing freed, but the optimizable size is still reported and printed', () => {
    const { h, r } = pool({ ram: { size: 16 * GiB }, hugetlb: [{ count: 512 }] });
    assert.equal(h.hvo, 'disabled');
    assert.equal(h.freedBytes, 0);
    assert.equal(h.optimizableBytesPerPage, 28 * KiB);
    assert.deepEqual(h.kernelMessages, ['HugeTLB: 28 KiB vmemmap can be freed for a 2.00 MiB page\n']);
    assert.equal(r.memmap.pageTables.pte.tables, 0);
  });

  it('no HVO on arm64, and none with a non-power-of-two struct page', () => {
    const arm = pool({ arch: 'arm64-64k', ram: { size: 32 * GiB }, kernel: { hvo: true }, hugetlb: [{ pageSize: 512 * MiB, count: 16 }] }).h;
    assert.equal(arm.hvo, 'unavailable');
    assert.equal(arm.freedBytes, 0);
    assert.deepEqual(arm.kernelMessages, ['HugeTLB: 0 KiB vmemmap can be freed for a 512 MiB page\n']);
    const kmsan = pool({ ram: { size: 16 * GiB }, kernel: { hvo: true, structPageSize: 80 }, hugetlb: [{ count: 8 }] }).h;
    assert.equal(kmsan.hvo, 'not-power-of-two');
    assert.equal(kmsan.optimizableBytesPerPage, 0);
  });

  it('5.14-5.17 keep 2 vmemmap pages: 24 KiB per 2 MiB page, old log wording', () => {
    const p = archProfile(makeConfig({ version: '5.15' }));
    assert.equal(hugetlbVmemmapOptimizableSize(p, 2 * MiB), 24 * KiB);
    assert.equal(hvoKernelMessage(p, 2 * MiB, true), 'HugeTLB: can free 6 vmemmap pages for hugepages-2048kB\n');
    assert.equal(hvoKernelMessage(archProfile(makeConfig({ version: '5.19' })), 2 * MiB, true), 'HugeTLB: can optimize 7 vmemmap pages for hugepages-2048kB\n');
  });

  it('5.14-5.17 print "can free" only with HVO on: hugetlb_vmemmap_init() returns early when !hugetlb_free_vmemmap_enabled', () => {
    const p = archProfile(makeConfig({ version: '5.15' }));
    assert.equal(hvoKernelMessage(p, 2 * MiB, false), null);
    assert.deepEqual(pool({ version: '5.15', kernel: { hvo: false }, hugetlb: [{ count: 8 }] }).h.kernelMessages, []);
    assert.deepEqual(pool({ version: '5.15', kernel: { hvo: true }, hugetlb: [{ count: 8 }] }).h.kernelMessages, ['HugeTLB: can free 6 vmemmap pages for hugepages-2048kB\n']);
    // From 5.18 the early return is gone: the line comes whenever HVO is built.
    assert.equal(hvoKernelMessage(archProfile(makeConfig({ version: '5.19' })), 2 * MiB, false), 'HugeTLB: can optimize 7 vmemmap pages for hugepages-2048kB\n');
  });

  it('boot pools never come from hot-added memory (2 MiB pages: the buddy allocator at hugetlb_init(), before any hot-add)', () => {
    const { h, r } = pool({
      ram: { start: 4 * GiB, size: GiB },
      kernel: { hvo: true, memmapOnMemory: 'on' },
      hotplug: [{ start: 8 * GiB, size: 2 * GiB, memmapOnMemory: true }],
      hugetlb: [{ count: 1024 }],
    });
    // 512 pages of boot RAM less the boot memmap (8 sections × 2 MiB), one more for its 2 page-table pages, and
    // two for the min watermark the buddy allocator keeps (int_sqrt(1,032,184 KiB x 16) = 4,063 KiB).
    assert.equal(h.allocated, 501);
    assert.equal(h.optimizedPages, 501);
    assert.equal(h.hvo, 'optimized');
    assert.equal(h.freedBytes, 501 * 28 * KiB);
    assert.deepEqual(
      r.errors.map((e) => e.kernelMessage),
      // One memory node: the pool reads as a plain hugepages=1024, whose warning names no node.
      ['HugeTLB: allocating 1024 of page size 2.00 MiB failed.  Only allocated 501 hugepages.\n'],
    );
  });

  it("1 GiB pages come from what the node's boot memmap and page tables leave of its boot RAM", () => {
    const gig = (ranges: { start: number; size: number }[], count: number) => pool({ nodes: [{ ranges }], hugetlb: [{ pageSize: GiB, count }] });
    // 4 GiB at 4 GiB plus 8 GiB hot-added: 3 pages, the top GiB holds the 64 MiB memmap.
    const a = pool({ ram: { start: 4 * GiB, size: 4 * GiB }, hotplug: [{ start: 32 * GiB, size: 8 * GiB }], hugetlb: [{ pageSize: GiB, count: 8 }] });
    assert.equal(a.h.allocated, 3);
    // One memory node: a balanced hugepages=8, whose shortfall names no node (hugetlb_hstate_alloc_pages_errcheck()).
    assert.ok(a.r.errors.some((e) => e.kernelMessage === 'HugeTLB: allocating 8 of page size 1.00 GiB failed.  Only allocated 3 hugepages.\n'));
    // Exactly 16 GiB at 18 GiB, 16 pages asked: 15.
    assert.equal(gig([{ start: 18 * GiB, size: 16 * GiB }], 16).h.allocated, 15);
    // A 1 GiB node: none.
    assert.equal(gig([{ start: 4 * GiB, size: GiB }], 1).h.allocated, 0);
    // x86 memblock keeps the first 1 MiB (reserve_real_mode()): 4 GiB at 0 holds only 2.
    assert.equal(gig([{ start: 0, size: 4 * GiB }], 8).h.allocated, 2);
  });

  it('a gigantic page that does not fit its node comes silently from another node (memblock_alloc_try_nid_raw() is not node-exact)', () => {
    const r = simulateMemmap(
      makeConfig({
        kernel: { hvo: true },
        nodes: [
          { id: 0, ranges: [{ start: 0, size: 16 * GiB }] },
          { id: 1, ranges: [{ start: 18 * GiB, size: 16 * GiB }] },
        ],
        hugetlb: [
          { node: 0, pageSize: 2 * MiB, count: 16 },
          { node: 1, pageSize: GiB, count: 16 },
        ],
      }),
    );
    const [small, big] = r.memmap.hugetlb;
    assert.equal(big.allocated, 16, 'the kernel counts them all: no failure message');
    assert.equal(big.optimizedPages, 16);
    assert.ok(big.notes.some((n) => n.includes('took 1 from node 0')));
    const e = r.errors.find((x) => x.path.join('/') === 'hugetlb/1/count')!;
    assert.equal(e.severity, 'warning');
    assert.equal(e.kernelMessage, undefined);
    assert.match(e.message, /room for only 15 of 16 huge pages of 1 GiB/);
    // Gigantic pools are allocated first (at hugepages= parsing), so the 2 MiB pool of node 0 listed
    // before still fits; 2 MiB pages never leave their node (__GFP_THISNODE).
    assert.equal(small.allocated, 16);
    const placed = placeBootHugetlbPools(archProfile(makeConfig()), r.layout.nodes, r.memmap.nodes, [{ node: 1, pageSize: 2 * MiB, count: 8192 }]);
    assert.equal(placed[0].offNode.length, 0);
    assert.ok(placed[0].allocated < 8192);
  });

  it('bad pools never throw: unknown node, absurd counts', () => {
    const { h, r } = pool({ hugetlb: [{ node: 7, pageSize: GiB, count: 4 }] });
    assert.equal(h.allocated, 0);
    assert.equal(r.errors.length, 1);
    const huge = pool({ kernel: { hvo: true }, hugetlb: [{ pageSize: 2 * MiB, count: 1e15 }] }).h;
    assert.ok(huge.allocated > 0 && huge.allocated < 8192);
  });

  it('unsupported huge page size', () => {
    const { r } = pool({ hugetlb: [{ pageSize: 4 * MiB, count: 1 }] });
    assert.equal(r.errors[0].kernelMessage, 'HugeTLB: unsupported hugepagesz=4M\n');
  });

  it('vmstat (6.12): HVO frees all vmemmap pages of a folio and allocates one new head page', () => {
    const { r } = pool({ ram: { size: 16 * GiB }, kernel: { hvo: true }, hugetlb: [{ count: 512 }] });
    assert.deepEqual(r.memmap.vmstat, { nrMemmapBootPages: 128 * 512 - 512 * 8, nrMemmapPages: 512 });
    assert.equal(pool({ version: '6.1', hugetlb: [] }).r.memmap.vmstat, null);
  });

  it('vmstat: a freed vmemmap page leaves nr_memmap_boot_pages only if it is PageReserved (boot memmap), else nr_memmap_pages', () => {
    // free_vmemmap_page(), 6.12 mm/hugetlb_vmemmap.c:183-190; each folio also gets a new head page (memmap_pages_add(1)).
    assert.deepEqual(hvoVmstatDelta(8, 10, 0), { nrMemmapBootPages: -80, nrMemmapPages: 10 });
    assert.deepEqual(hvoVmstatDelta(8, 0, 10), { nrMemmapBootPages: 0, nrMemmapPages: 10 - 80 });
    assert.deepEqual(hvoVmstatDelta(4096, 2, 3), { nrMemmapBootPages: -8192, nrMemmapPages: 5 - 3 * 4096 });
    // Boot pools are in boot RAM: their vmemmap is the boot memmap, and a hot-add's memmap stays in nr_memmap_pages.
    const { r } = pool({ ram: { start: 4 * GiB, size: 4 * GiB }, kernel: { hvo: true }, hotplug: [{ start: 32 * GiB, size: 8 * GiB }], hugetlb: [{ pageSize: GiB, count: 8 }] });
    assert.deepEqual(r.memmap.vmstat, { nrMemmapBootPages: 32 * 512 - 3 * 4096, nrMemmapPages: 64 * 512 + 3 });
  });

  describe('ppc64 Book3S-64 cannot allocate boot pools per node (hugetlb_node_alloc_supported() is false)', () => {
    const twoNodes = [
      { id: 0, ranges: [{ start: 0, size: 16 * GiB }] },
      { id: 1, ranges: [{ start: 16 * GiB, size: 16 * GiB }] },
    ];
    for (const arch of ['ppc64-radix', 'ppc64-hash'] as const) {
      it(`${arch}: per-node pools of a size are dropped with the kernel's warning; a balanced size is allocated`, () => {
        const small = arch === 'ppc64-hash' ? 16 * MiB : 2 * MiB;
        const r = simulateMemmap(
          makeConfig({
            arch,
            nodes: twoNodes,
            hugetlb: [
              { node: 0, pageSize: small, count: 64 },
              { node: 1, pageSize: small, count: 32 },
              { node: 0, pageSize: GiB * (arch === 'ppc64-hash' ? 16 : 1), count: 0 },
            ],
          }),
        );
        assert.deepEqual(r.memmap.hugetlb.map((h) => h.allocated), [0, 0, 0]);
        const errs = r.errors.filter((e) => e.kernelMessage === "HugeTLB: architecture can't support node specific alloc, ignoring!\n");
        assert.deepEqual(errs.map((e) => e.path), [['hugetlb', 0, 'node'], ['hugetlb', 1, 'node']]);
        assert.ok(errs[0].message.includes(`hugepages=0:64,1:32`), errs[0].message);
        const ok = simulateMemmap(makeConfig({ arch, nodes: twoNodes, hugetlb: [{ node: 0, pageSize: small, count: 48 }, { node: 1, pageSize: small, count: 48 }] }));
        assert.deepEqual(ok.errors, []);
        assert.deepEqual(ok.memmap.hugetlb.map((h) => h.allocated), [48, 48]);
      });
    }
    it('one node with memory is a balanced hugepages=N; a pool on a memory-less node is node specific', () => {
      assert.deepEqual(pool({ arch: 'ppc64-radix', hugetlb: [{ count: 100 }] }).r.errors, []);
      const withCxl = [...twoNodes.slice(0, 1), { id: 1, ranges: [] }];
      const r = simulateMemmap(makeConfig({ arch: 'ppc64-radix', nodes: withCxl, hugetlb: [{ node: 0, count: 8 }, { node: 1, count: 8 }] }));
      assert.deepEqual(r.memmap.hugetlb.map((h) => h.allocated), [0, 0]);
    });
    it('x86 and arm64 allocate per node', () => {
      for (const arch of ['x86_64', 'arm64-4k'] as const) {
        const r = simulateMemmap(makeConfig({ arch, nodes: twoNodes, hugetlb: [{ node: 0, count: 64 }, { node: 1, count: 32 }] }));
        assert.deepEqual(r.memmap.hugetlb.map((h) => h.allocated), [64, 32], arch);
      }
    });
    it('hugetlbNodeRequests(): null for a balanced size and for dead pools', () => {
      const p = archProfile(makeConfig({ arch: 'ppc64-radix' }));
      const nodes = [{ id: 0, presentPages: 1 }, { id: 1, presentPages: 1 }];
      assert.deepEqual(
        hugetlbNodeRequests(p, nodes, [
          { node: 0, pageSize: 2 * MiB, count: 4 },
          { node: 1, pageSize: 2 * MiB, count: 4 },
          { node: 1, pageSize: GiB, count: 1 },
          { node: 0, pageSize: 4 * MiB, count: 9 },
          { node: 5, pageSize: GiB, count: 9 },
        ]),
        [null, null, 'hugepagesz=1G hugepages=1:1', null, null],
      );
      // machine.hugetlbRequest overrides the reading: node form for every size, or hugepages=N for every size.
      const even = [
        { node: 0, pageSize: 2 * MiB, count: 4 },
        { node: 1, pageSize: 2 * MiB, count: 4 },
      ];
      assert.deepEqual(hugetlbNodeRequests(p, nodes, even, 'perNode'), ['hugepagesz=2M hugepages=0:4,1:4', 'hugepagesz=2M hugepages=0:4,1:4']);
      assert.deepEqual(hugetlbNodeRequests(p, nodes, [{ node: 1, pageSize: GiB, count: 1 }], 'balanced'), [null]);
    });
    it('simulate follows machine.hugetlbRequest: perNode pools on ppc64 are dropped even when they are even', () => {
      const cfg = { ...makeConfig({ arch: 'ppc64-radix', hugetlb: [{ node: 0, pageSize: 2 * MiB, count: 16 }] }), machine: { hugetlbRequest: 'perNode' } };
      assert.equal(simulateMemmap(cfg).memmap.hugetlb[0].allocated, 0);
      assert.equal(simulateMemmap({ ...cfg, machine: {} }).memmap.hugetlb[0].allocated, 16);
    });
  });
});

describe('core: the min watermark 2 MiB boot pages leave to the buddy allocator (calculate_min_free_kbytes())', () => {
  const marks = (nodes: { size: number }[]) => {
    const cfg = makeConfig({ nodes: nodes.map((n, i) => ({ id: i, ranges: [{ start: (i === 0 ? 4 : 4 + nodes.slice(0, i).reduce((s, x) => s + x.size / GiB, 0)) * GiB, size: n.size }] })) });
    const sim = simulateMemmap(cfg);
    return buddyReservePages(archProfile(cfg), sim.layout.nodes, sim.memmap.nodes);
  };
  it('int_sqrt(lowmem_kbytes * 16), shared out by managed pages: 2 x 384 GiB -> about 110 MiB, 55 MiB a node', () => {
    const w = marks([{ size: 384 * GiB }, { size: 384 * GiB }]);
    // lowmem: 768 GiB less 2 x 6 GiB of memmap and the page tables about 792.6 M KiB; sqrt(x 16) = 112,616 KiB.
    const total = w.reduce((s, x) => s + x.pages, 0) * 4;
    assert.ok(total > 109 * 1024 && total < 111 * 1024, `${total} KiB`);
    assert.equal(w[0].pages, w[1].pages);
  });
  it('capped at 262,144 KiB (256 MiB) from 4 TiB of memory on', () => {
    const w = marks([{ size: 8192 * GiB }]);
    assert.equal(w[0].pages, (262144 * 1024) / 4096);
  });  it('lowmem_reserve: DMA32 keeps 1/256 of the Normal zone above it, DMA keeps all it has (setup_per_zone_lowmem_reserve())', () => {
    const cfg = makeConfig({ nodes: [{ id: 0, ranges: [{ start: 0, size: 2 * GiB }, { start: 4 * GiB, size: 382 * GiB }] }] });
    const sim = simulateMemmap(cfg);
    const zones = sim.layout.nodes[0].zones;
    const [dma, dma32, normal] = ['DMA', 'DMA32', 'Normal'].map((z) => zones.find((x) => x.name === z)!.presentPages);
    const mm = sim.memmap.nodes[0];
    const normalManaged = normal - Math.ceil(mm.bootMemmapBytes / 4096) - Math.ceil(mm.pageTableBytes / 4096);
    const total = dma + dma32 + normalManaged;
    const minPages = Math.floor((Math.floor(Math.sqrt(((total * 4096) / 1024) * 16)) * 1024) / 4096);
    const min = (m: number) => Math.floor((minPages * m) / total);
    const want = dma + (min(dma32) + Math.floor(normalManaged / 256)) + min(normalManaged);
    assert.deepEqual(buddyReservePages(archProfile(cfg), sim.layout.nodes, sim.memmap.nodes), [{ node: 0, pages: want }]);
    // About 1.5 GiB of the 2 GiB below 4 GiB stays out of a 2 MiB pool that would fill the node.
    assert.ok(Math.floor(normalManaged / 256) * 4096 > 1.4 * GiB);
    const all = simulateMemmap({ ...cfg, hugetlb: [{ node: 0, pageSize: 2 * MiB, count: 200000, path: ['hugetlb', 0] }] }).memmap.hugetlb[0];
    const free = dma + dma32 + normalManaged;
    assert.ok(all.allocated <= Math.floor((free - want) / 512) && all.allocated >= Math.floor((free - want) / 512) - 2, `${all.allocated}`);
  });
});

describe('core: a balanced hugepages=N spreads round-robin over the memory nodes (hugetlb_pages_alloc_boot())', () => {
  it('padata chunks restart at the first node: 1006 pages on 2 nodes are 505 + 501, 10004 on 4 are 2505/2505/2497/2497', () => {
    const big = (ids: number[]) => ids.map((id) => ({ id, capacity: 1e9 }));
    assert.deepEqual([...balancedSpread(1006, big([0, 1]), true).values()], [505, 501]);
    assert.deepEqual([...balancedSpread(10004, big([0, 1, 2, 3]), true).values()], [2505, 2505, 2497, 2497]);
    // Before 6.9 one loop goes round-robin: an even split, the remainder on the first nodes.
    assert.deepEqual([...balancedSpread(1006, big([0, 1]), false).values()], [503, 503]);
  });
  it('a full node passes its turn to the next (__GFP_THISNODE per try, then the next node)', () => {
    assert.deepEqual([...balancedSpread(100, [{ id: 0, capacity: 10 }, { id: 1, capacity: 1000 }], true).values()], [10, 90]);
    assert.deepEqual([...balancedSpread(100, [{ id: 0, capacity: 10 }, { id: 1, capacity: 20 }], false).values()], [10, 20]);
  });
  it('simulate: 2 x 20000 pages on a 64 GiB and a 32 GiB node are all allocated, node 0 takes node 1\'s surplus, no warning', () => {
    const cfg = makeConfig({
      nodes: [
        { id: 0, ranges: [{ start: 4 * GiB, size: 64 * GiB }] },
        { id: 1, ranges: [{ start: 68 * GiB, size: 32 * GiB }] },
      ],
      hugetlb: [
        { node: 0, pageSize: 2 * MiB, count: 20000 },
        { node: 1, pageSize: 2 * MiB, count: 20000 },
      ],
    });
    const sim = simulateMemmap(cfg);
    const [h0, h1] = sim.memmap.hugetlb;
    assert.equal(h0.allocated + h1.allocated, 40000);
    assert.ok(h1.allocated < 16384 && h0.allocated > 20000, `${h0.allocated} + ${h1.allocated}`);
    assert.deepEqual(sim.errors.filter((e) => /HugeTLB/.test(e.kernelMessage ?? '')), []);
    // Asked for more than both hold: one warning for the size, naming no node.
    const over = simulateMemmap({ ...cfg, hugetlb: cfg.hugetlb.map((p) => ({ ...p, count: 40000 })) });
    const warns = over.errors.filter((e) => /HugeTLB: allocating/.test(e.kernelMessage ?? ''));
    assert.equal(warns.length, 1);
    assert.match(warns[0].kernelMessage!, /^HugeTLB: allocating 80000 of page size 2\.00 MiB failed\. {2}Only allocated \d+ hugepages\.\n$/);
  });
});


describe('core: HVO of the gigantic boot pages gives their vmemmap back before the 2 MiB pools (6.9+)', () => {
  const run = (version: string, hvo: boolean) => {
    const cfg = makeConfig({ version, kernel: { hvo }, nodes: [{ id: 0, ranges: [{ start: 4 * GiB, size: 64 * GiB }] }], hugetlb: [{ pageSize: GiB, count: 40 }, { pageSize: 2 * MiB, count: 20000 }] });
    return simulateMemmap(cfg).memmap.hugetlb.map((h) => h.allocated);
  };
  it('a node both pools fill: 8 more 2 MiB pages per 1 GiB page (its 16 MiB of struct pages, freed whole: HVO copies the head to a new page)', () => {
    const off = run('6.12', false);
    assert.equal(off[0], 40);
    assert.deepEqual(run('6.12', true), [40, off[1] + 40 * 8]);
  });
  it('before 6.9 the gather (and HVO) come after hugetlb_init(): nothing comes back in time', () => {
    assert.deepEqual(run('6.6', true), run('6.6', false));
  });
});

describe('core: before 6.9 the gigantic pages are not yet managed when the watermarks are set', () => {
  it('lowmem_reserve of DMA32 leaves out the 1 GiB pages: 128 GiB / 256 = 512 MiB more for the 2 MiB pool than from 6.9', () => {
    const run = (version: string) => {
      const cfg = makeConfig({
        version,
        kernel: { hvo: false },
        nodes: [{ id: 0, ranges: [{ start: 0, size: 2 * GiB }, { start: 4 * GiB, size: 382 * GiB }] }],
        hugetlb: [{ pageSize: GiB, count: 128 }, { pageSize: 2 * MiB, count: 1_000_000 }],
      });
      return simulateMemmap(cfg).memmap.hugetlb[1].allocated;
    };
    // 256 pages of lowmem_reserve, and a few of min watermark (int_sqrt() of a managed total 128 GiB smaller).
    const more = run('6.6') - run('6.12');
    assert.ok(more >= (128 * GiB) / 256 / (2 * MiB) && more <= 256 + 16, String(more));
  });
});

describe('core: balanced pools, edge cases (review)', () => {
  const two16 = [{ id: 0, ranges: [{ start: 4 * GiB, size: 16 * GiB }] }, { id: 1, ranges: [{ start: 20 * GiB, size: 16 * GiB }] }];
  it('counts that add up past 2^53 fill every node instead of looping forever', () => {
    const cfg = makeConfig({ nodes: two16, hugetlb: [{ node: 0, count: Number.MAX_SAFE_INTEGER }, { node: 1, count: Number.MAX_SAFE_INTEGER }] });
    const [a, b] = simulateMemmap(cfg).memmap.hugetlb.map((h) => h.allocated);
    assert.ok(a > 8000 && b > 8000 && a < 8192 && b < 8192, `${a} ${b}`);
  });
  it('a second pool on one node is a second hugepages=, which the kernel ignores: the rest is the node form 0:5,1:10', () => {
    const cfg = makeConfig({ nodes: two16, hugetlb: [{ node: 0, count: 5 }, { node: 0, count: 5 }, { node: 1, count: 10 }] });
    assert.deepEqual(simulateMemmap(cfg).memmap.hugetlb.map((h) => h.allocated), [5, 0, 10]);
  });
  it('pages on a memory node with no pool of the size are booked to the first pool as pages on another node', () => {
    const cfg = {
      ...makeConfig({ nodes: [{ id: 0, ranges: [] }, { id: 2, ranges: [{ start: 4 * GiB, size: 16 * GiB }] }, { id: 5, ranges: [{ start: 20 * GiB, size: 16 * GiB }] }], hugetlb: [{ node: 0, count: 100 }] }),
      machine: { hugetlbRequest: 'balanced' },
    };
    const h = simulateMemmap(cfg).memmap.hugetlb[0];
    assert.equal(h.allocated, 100);
    // 6.12: padata chunks of 25 pages, each from the first memory node: 13 + 12 per chunk.
    assert.deepEqual(h.offNode, [{ node: 2, pages: 52 }, { node: 5, pages: 48 }]);
  });
});

describe('core: a balanced hugepages=N of gigantic pages (hugetlb_gigantic_pages_alloc_boot())', () => {
  // 0-2 GiB and 4-34 GiB: 30 pages of 1 GiB once the boot memmap (the top 512 MiB) is taken.
  const node0 = { id: 0, ranges: [{ start: 0, size: 2 * GiB }, { start: 4 * GiB, size: 30 * GiB }] };
  const node1 = { id: 1, ranges: [{ start: 34 * GiB, size: 32 * GiB }] };
  it('one memory node: hugepages=40 that falls short gets the warning naming no node', () => {
    const r = simulateMemmap(makeConfig({ nodes: [node0], hugetlb: [{ pageSize: GiB, count: 40 }] }));
    assert.equal(r.memmap.hugetlb[0].allocated, 30);
    assert.deepEqual(
      r.errors.map((e) => e.kernelMessage),
      ['HugeTLB: allocating 40 of page size 1.00 GiB failed.  Only allocated 30 hugepages.\n'],
    );
  });
  it('two nodes, 40 each (hugepages=80): round-robin, a full node\'s turn taken on the other node, then one warning', () => {
    for (const version of ['6.12', '6.1']) {
      const r = simulateMemmap(makeConfig({ version, kernel: { hvo: true }, nodes: [node0, node1], hugetlb: [{ node: 0, pageSize: GiB, count: 40 }, { node: 1, pageSize: GiB, count: 40 }] }));
      assert.deepEqual(r.memmap.hugetlb.map((h) => [h.allocated, h.offNode.length, h.balancedRequest]), [[30, 0, true], [31, 0, true]], version);
      assert.deepEqual(
        r.errors.map((e) => [e.path.join('/'), e.kernelMessage]),
        [['hugetlb/0/count', 'HugeTLB: allocating 80 of page size 1.00 GiB failed.  Only allocated 61 hugepages.\n']],
        version,
      );
    }
  });
  it("a full node's turn goes where memblock's top-down search finds room (the highest free memory), not to the next node", () => {
    // Node 0 holds 7 pages; nodes 1 and 2 plenty. hugepages=60: 7 rounds, then every turn of node 0 lands on node 2.
    const nodes = [
      { id: 0, ranges: [{ start: 4 * GiB, size: 8 * GiB }] },
      { id: 1, ranges: [{ start: 12 * GiB, size: 64 * GiB }] },
      { id: 2, ranges: [{ start: 76 * GiB, size: 64 * GiB }] },
    ];
    const r = simulateMemmap(makeConfig({ nodes, hugetlb: [0, 1, 2].map((node) => ({ node, pageSize: GiB, count: 20 })) }));
    assert.deepEqual(r.memmap.hugetlb.map((h) => h.allocated), [7, 20, 33]);
    assert.deepEqual(r.errors, []);
    // Each pool's chunks lie on its own node.
    for (const [i, h] of r.memmap.hugetlb.entries()) assert.deepEqual(h.offNode, [], `pool ${i}`);
  });
});

describe('core: node-specific requests go in node-id order (hugetlb_hstate_alloc_pages_specific_nodes())', () => {
  const node0 = { id: 0, ranges: [{ start: 0, size: 2 * GiB }, { start: 4 * GiB, size: 30 * GiB }] };
  const node1 = { id: 1, ranges: [{ start: 34 * GiB, size: 32 * GiB }] };
  it('node 1 listed first: node 0 gets its 25 first, node 1 then 31 + 5 from node 0, and fails at 36', () => {
    const r = simulateMemmap(makeConfig({ nodes: [node0, node1], hugetlb: [{ node: 1, pageSize: GiB, count: 40 }, { node: 0, pageSize: GiB, count: 25 }] }));
    const [a, b] = r.memmap.hugetlb;
    assert.deepEqual([a.allocated, a.offNode, b.allocated, b.offNode], [36, [{ node: 0, pages: 5 }], 25, []]);
    assert.deepEqual(r.errors.map((e) => e.kernelMessage), ['HugeTLB: allocating 40 of page size 1.00 GiB failed node1.  Only allocated 36 hugepages.\n']);
  });
  it('the order: gigantic sizes first, sizes in the order the config first names them, nodes by id within a size', () => {
    const cfg = makeConfig({ nodes: [node0, node1] });
    const sim = simulateMemmap(cfg);
    const placed = placeBootHugetlbPools(archProfile(cfg), sim.layout.nodes, sim.memmap.nodes, [
      { node: 1, pageSize: 2 * MiB, count: 4 },
      { node: 1, pageSize: GiB, count: 1 },
      { node: 0, pageSize: 2 * MiB, count: 8 },
      { node: 0, pageSize: GiB, count: 2 },
    ]);
    assert.deepEqual(placed.map((p) => p.order), [3, 1, 2, 0]);
  });
});

describe('core: a second pool for a node and size is a second hugepages=, which hugepages_setup() ignores', () => {
  it('one node, 1000 + 500 pages of 2 MiB: 1000 and 0, with the kernel\'s warning', () => {
    const r = simulateMemmap(makeConfig({ kernel: { hvo: true }, ram: { size: 32 * GiB }, hugetlb: [{ count: 1000 }, { count: 500 }] }));
    assert.deepEqual(r.memmap.hugetlb.map((h) => h.allocated), [1000, 0]);
    assert.deepEqual(
      r.errors.map((e) => [e.severity, e.path.join('/'), e.kernelMessage]),
      [['warning', 'hugetlb/1/count', 'HugeTLB: hugepages= specified twice without interleaving hugepagesz=, ignoring hugepages=500\n']],
    );
  });
  it('the node form: the duplicate is written node:count, and the others keep their own reading', () => {
    const nodes = [
      { id: 0, ranges: [{ start: 4 * GiB, size: 16 * GiB }] },
      { id: 1, ranges: [{ start: 20 * GiB, size: 16 * GiB }] },
    ];
    const pools = [{ node: 0, count: 100 }, { node: 1, count: 50 }, { node: 0, count: 30 }];
    const r = simulateMemmap(makeConfig({ nodes, hugetlb: pools }));
    assert.deepEqual(r.memmap.hugetlb.map((h) => h.allocated), [100, 50, 0]);
    assert.deepEqual(r.errors.map((e) => e.kernelMessage), ['HugeTLB: hugepages= specified twice without interleaving hugepagesz=, ignoring hugepages=0:30\n']);
    const p = archProfile(makeConfig());
    const layout = [{ id: 0, presentPages: 1 }, { id: 1, presentPages: 1 }];
    const full = pools.map((x) => ({ ...x, pageSize: 2 * MiB }));
    assert.deepEqual(hugetlbDuplicatePools(p, layout, full), [null, null, 0]);
    assert.deepEqual(hugetlbNodeRequests(p, layout, full), ['hugepagesz=2M hugepages=0:100,1:50', 'hugepagesz=2M hugepages=0:100,1:50', null]);
    // 100 + 100 with a duplicate 0:30: still the balanced hugepages=200.
    assert.deepEqual(hugetlbNodeRequests(p, layout, [full[0], { ...full[1], count: 100 }, full[2]]), [null, null, null]);
  });
  it('ppc64: the duplicate of a refused node-form request is refused by the architecture first', () => {
    const nodes = [
      { id: 0, ranges: [{ start: 0, size: 16 * GiB }] },
      { id: 1, ranges: [{ start: 16 * GiB, size: 16 * GiB }] },
    ];
    const r = simulateMemmap(makeConfig({ arch: 'ppc64-radix', nodes, hugetlb: [{ node: 0, count: 64 }, { node: 1, count: 32 }, { node: 1, count: 8 }] }));
    assert.deepEqual(r.memmap.hugetlb.map((h) => h.allocated), [0, 0, 0]);
    assert.deepEqual(r.errors.find((e) => e.path.join('/') === 'hugetlb/2/count')?.kernelMessage, "HugeTLB: architecture can't support node specific alloc, ignoring!\n");
  });
  it('pools with no pages, of another size or on an unknown node are no duplicates', () => {
    const p = archProfile(makeConfig());
    const layout = [{ id: 0 }];
    assert.deepEqual(
      hugetlbDuplicatePools(p, layout, [
        { node: 0, pageSize: 2 * MiB, count: 0 },
        { node: 0, pageSize: 2 * MiB, count: 4 },
        { node: 0, pageSize: GiB, count: 4 },
        { node: 3, pageSize: 2 * MiB, count: 4 },
        { node: 3, pageSize: 2 * MiB, count: 4 },
        { node: 0, pageSize: 2 * MiB, count: 0 },
      ]),
      [null, null, null, null, null, null],
    );
  });
});
