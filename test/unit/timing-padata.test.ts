// padata_do_multithreaded() arithmetic (kernel/padata.c, 6.12.117) and its boot-time callers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PADATA_LOAD_BALANCE_FACTOR, deferredJob, hugetlbAllocJob, hugetlbGatherJob, padataChunks, padataPlan } from '../../src/core/init/padata';
import { PPS } from './timing-helpers';

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
