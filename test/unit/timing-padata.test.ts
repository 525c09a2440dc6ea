// padata_do_multithreaded() arithmetic (kernel/padata.c, 6.12.117) and its boot-time callers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PADATA_LOAD_BALANCE_FACTOR, deferredJob, hugetlbAllocJob, hugetlbGatherJob, padataChunks, padataPlan, wqNodeMaxActive } from '../../src/core/init/padata';
import { PPS, timing, workloadOf } from './timing-helpers';

describe('padataPlan', () => {
  it('kernel-mm.md 7 worked example: 66,027,520 deferred pages, 32 CPUs -> nworks 32, chunk 524,288, ~126 chunks', () => {
    const job = deferredJob(32768 * 33, 32768 * 33 + 66_027_520, PPS, 32);
    assert.equal(job.size, 66_027_520);
    const plan = padataPlan(job);
    assert.deepEqual(plan, { nworksWanted: 32, nworks: 32, helpers: 31, chunkSize: 524_288, inline: false });
    assert.equal(padataChunks(job, plan).length, 126);
  });
  it('runs inline when max_threads is 1 or the job is below two min_chunks', () => {
    assert.equal(padataPlan(deferredJob(0, 100 * PPS, PPS, 1)).inline, true);
    assert.equal(padataPlan(deferredJob(0, PPS, PPS, 64)).inline, true);
    assert.equal(padataPlan(deferredJob(0, PPS + 5, PPS, 64)).nworks, 2); // ALIGN(epfn) -> 2 sections
    const p = padataPlan(deferredJob(0, 2 * PPS, PPS, 64));
    assert.equal(p.nworks, 2);
    assert.equal(p.chunkSize, PPS);
  });
  it('job size is ALIGN(epfn, PAGES_PER_SECTION) - spfn', () => {
    assert.equal(deferredJob(PPS + 10, 3 * PPS + 1, PPS, 8).size, 4 * PPS - PPS - 10);
  });
  it('helpers are limited by the free padata_works (num_possible_cpus() pool)', () => {
    const p = padataPlan(deferredJob(0, 1000 * PPS, PPS, 52), 10);
    assert.equal(p.helpers, 10);
    assert.equal(p.nworks, 11);
    // chunk_size uses ps.nworks (after allocation): 1000 sections / (11 * 4) = 22.7 -> 23 sections
    assert.equal(p.chunkSize, 23 * PPS);
  });
  it('the first chunk ends at the next chunk_size multiple ("So end is chunk size aligned")', () => {
    const job = { start: 5, size: 100, align: 1, minChunk: 1, maxThreads: 4 };
    const plan = padataPlan(job);
    assert.equal(plan.chunkSize, 6); // 100 / 16 = 6
    const chunks = padataChunks(job, plan);
    assert.deepEqual(chunks[0], { start: 5, end: 6 });
    assert.deepEqual(chunks[1], { start: 6, end: 12 });
    assert.deepEqual(chunks[chunks.length - 1].end, 105);
  });
  it('hugetlb jobs: 2 x N_MEMORY threads for boot allocation, one thread per memory node for the gigantic gather', () => {
    assert.deepEqual(hugetlbAllocJob(131072, 2), { start: 0, size: 131072, align: 1, minChunk: 32768, maxThreads: 4 });
    const g = padataPlan(hugetlbGatherJob(4, 4));
    assert.equal(g.nworks, 4);
    assert.equal(g.chunkSize, 1);
  });
  it('chunks partition the job; interior boundaries are chunk_size multiples; few chunks (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1 << 20 }),
        fc.integer({ min: 1, max: 1 << 26 }),
        fc.constantFrom(1, 512, PPS),
        fc.integer({ min: 1, max: 256 }),
        fc.integer({ min: 0, max: 512 }),
        (start, size, align, maxThreads, free) => {
          const job = { start, size, align, minChunk: align, maxThreads };
          const plan = padataPlan(job, free);
          const chunks = padataChunks(job, plan);
          assert.equal(chunks[0].start, start);
          assert.equal(chunks[chunks.length - 1].end, start + size);
          for (let i = 1; i < chunks.length; i++) {
            assert.equal(chunks[i].start, chunks[i - 1].end);
            assert.equal(chunks[i].start % plan.chunkSize, 0);
          }
          assert.ok(plan.nworks <= maxThreads && plan.helpers <= free);
          if (!plan.inline) {
            assert.equal(plan.chunkSize % align, 0);
            // chunk_size >= floor(size / (4 nworks)) >= size / (8 nworks) when size >= 4 nworks
            assert.ok(chunks.length <= 2 * PADATA_LOAD_BALANCE_FACTOR * plan.nworks + 2, `${chunks.length} chunks for ${plan.nworks} works`);
          } else assert.equal(chunks.length, 1);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("system_unbound_wq's per-node max_active caps the padata helpers (6.9+)", () => {
  // kernel/workqueue.c (6.12) wq_update_node_max_active(): clamp(DIV_ROUND_UP(512 * node_cpus, total_cpus), 8, 512),
  // set by workqueue_init_topology() before page_alloc_init_late() (init/main.c).
  it('wqNodeMaxActive: the 512 active work items split over the nodes by CPUs, at least min_active 8', () => {
    assert.equal(wqNodeMaxActive(1024, 1024), 512);
    assert.equal(wqNodeMaxActive(52, 104), 256);
    assert.equal(wqNodeMaxActive(1024, 1076), 488);
    assert.equal(wqNodeMaxActive(52, 1076), 25);
    assert.equal(wqNodeMaxActive(1, 1000), 8);
    assert.equal(wqNodeMaxActive(0, 1000), 8);
  });
  const cfg = (version: string) => `
arch: x86_64
kernel: { version: "${version}", deferredInit: true }
nodes:
  - { id: 0, cpus: 52, ranges: [ { start: 0x0, size: 2G }, { start: 0x100000000, size: 382G } ] }
  - { id: 1, cpus: 1024, ranges: [ { start: 0x6080000000, size: 384G } ] }
`;
  it('6.12, nodes of 52 and 1024 CPUs: 1 + 25 and 1 + 488 threads run deferred init, not 52 and 1024', () => {
    const t = timing(workloadOf(cfg('6.12')));
    assert.deepEqual(
      t.nodes.map((n) => n.threads),
      [26, 489],
    );
    const helpers = (node: number) => t.threads.filter((x) => x.name.startsWith(`padata n${node}.`)).length;
    assert.deepEqual([helpers(0), helpers(1)], [25, 488]);
    // The inactive works run after the last chunk, find nothing and complete: padata waits for them.
    const late = t.spans.filter((s) => s.phase === 'threadStart' && /inactive padata works/.test(s.costTerm));
    assert.deepEqual(
      late.map((s) => s.node),
      [0, 1],
    );
    assert.match(late[1].costTerm, /535 on node 1 \(max_active 488\): 2 x threadStartNs/);
  });
  it('6.1: no per-node cap (max_active max(512, 4 x CPUs) per pool_workqueue): node CPUs', () => {
    const t = timing(workloadOf(cfg('6.1')));
    assert.deepEqual(
      t.nodes.map((n) => n.threads),
      [52, 1024],
    );
  });
});
