// padata_do_multithreaded() arithmetic, exactly as kernel/padata.c (6.12.117) computes it, and the
// thread-count choices of its boot-time callers (deferred init, hugetlb). Pure integer arithmetic on
// safe integers; the number of chunks is bounded by ~4 x nworks + 1, independent of the job size.

/** struct padata_mt_job, minus the callbacks. Units are job-specific (pfns, huge pages, node ids). */
export interface PadataJob {
  start: number;
  size: number;
  align: number;
  minChunk: number;
  maxThreads: number;
}

/** What padata_do_multithreaded() decides for one job. */
export interface PadataPlan {
  /** nworks before allocating helpers: min(max(size / max(min_chunk, align), 1), max_threads). */
  nworksWanted: number;
  /** ps.nworks: 1 (the calling thread) + helpers actually allocated from the padata_works pool. */
  nworks: number;
  /** Helpers queued on system_unbound_wq (nworks - 1); 0 means the job runs inline. */
  helpers: number;
  /** ps.chunk_size (0 when the job runs inline as one thread_fn call). */
  chunkSize: number;
  /** True when nworks == 1: "Single thread, no coordination needed, cut to the chase". */
  inline: boolean;
}

/** padata's load_balance_factor: each thread gets about 4 chunks. */
export const PADATA_LOAD_BALANCE_FACTOR = 4;

function roundup(n: number, a: number): number {
  const r = n % a;
  return r === 0 ? n : n + (a - r);
}

/**
 * Plan one padata job. `freeWorks` is the number of padata_works left in the global pool
 * (num_possible_cpus() at boot, shared by concurrently running jobs).
 */
export function padataPlan(job: PadataJob, freeWorks = Number.MAX_SAFE_INTEGER): PadataPlan {
  if (job.size <= 0) return { nworksWanted: 0, nworks: 0, helpers: 0, chunkSize: 0, inline: true };
  const unit = Math.max(job.minChunk, job.align);
  let nworks = Math.max(Math.floor(job.size / Math.max(unit, 1)), 1);
  nworks = Math.min(nworks, Math.max(job.maxThreads, 1));
  if (nworks === 1) return { nworksWanted: 1, nworks: 1, helpers: 0, chunkSize: 0, inline: true };
  // padata_work_alloc_mt(): "Start at 1 because the current task participates in the job."
  const helpers = Math.min(nworks - 1, Math.max(freeWorks, 0));
  const psNworks = 1 + helpers;
  let chunk = Math.floor(job.size / (psNworks * PADATA_LOAD_BALANCE_FACTOR));
  chunk = Math.max(chunk, job.minChunk);
  chunk = Math.max(chunk, 1);
  chunk = roundup(chunk, Math.max(job.align, 1));
  if (chunk === 0) chunk = 1;
  return { nworksWanted: nworks, nworks: psNworks, helpers, chunkSize: chunk, inline: false };
}

/**
 * The chunks padata_mt_helper() hands out, in order: each ends at the next multiple of chunk_size
 * ("So end is chunk size aligned if enough work remains"), so the first chunk may be short.
 * For an inline job this is the whole job as one call.
 */
export function padataChunks(job: PadataJob, plan: PadataPlan): { start: number; end: number }[] {
  if (job.size <= 0) return [];
  if (plan.inline) return [{ start: job.start, end: job.start + job.size }];
  const out: { start: number; end: number }[] = [];
  let start = job.start;
  let size = job.size;
  const cs = plan.chunkSize;
  while (size > 0) {
    let n = roundup(start + 1, cs) - start;
    n = Math.min(n, size);
    // Beyond 2^53 the arithmetic is no longer exact: one last chunk rather than a loop that never ends.
    if (!(n > 0)) n = size;
    out.push({ start, end: start + n });
    start += n;
    size -= n;
  }
  return out;
}

/** include/linux/workqueue.h (6.12): WQ_MAX_ACTIVE, system_unbound_wq's max_active; WQ_DFL_MIN_ACTIVE. */
const WQ_MAX_ACTIVE = 512;
const WQ_DFL_MIN_ACTIVE = 8;

/**
 * kernel/workqueue.c (6.12) wq_update_node_max_active() (lines 1598-1639), run for every unbound workqueue by
 * workqueue_init_topology() (line 8090; init/main.c line 1546, before page_alloc_init_late() at 1549), with
 * system_unbound_wq allocated with WQ_MAX_ACTIVE (line 7877): a node's share of the workqueue's max_active,
 * clamp(DIV_ROUND_UP(max_active * node_cpus, total_cpus), min_active, max_active). padata_do_multithreaded()
 * queues its helpers on system_unbound_wq (kernel/padata.c lines 505-515: queue_work(), or queue_work_node()
 * when numa_aware), so at most this many of them run at once on a node: pwq_tryinc_nr_active() (line 1735)
 * leaves the others inactive until an active work item there finishes.
 */
export function wqNodeMaxActive(nodeCpus: number, totalCpus: number): number {
  const share = Math.ceil((WQ_MAX_ACTIVE * nodeCpus) / Math.max(totalCpus, 1));
  return Math.min(Math.max(share, Math.min(WQ_MAX_ACTIVE, WQ_DFL_MIN_ACTIVE)), WQ_MAX_ACTIVE);
}

/** The padata job deferred_init_memmap() runs for one memblock range of the last zone. */
export function deferredJob(startPfn: number, endPfn: number, pagesPerSection: number, maxThreads: number): PadataJob {
  // first_init_pfn = ALIGN(epfn, PAGES_PER_SECTION); .size = first_init_pfn - spfn
  const alignedEnd = roundup(endPfn, pagesPerSection);
  return { start: startPfn, size: alignedEnd - startPfn, align: pagesPerSection, minChunk: pagesPerSection, maxThreads };
}

/**
 * hugetlb_pages_alloc_boot() (non-gigantic, balanced "hugepages=N", 6.9+): size = max_huge_pages,
 * max_threads = 2 x N_MEMORY nodes, min_chunk = max_huge_pages / nodes / 2, align 1, numa_aware.
 */
export function hugetlbAllocJob(maxHugePages: number, memoryNodes: number): PadataJob {
  const nodes = Math.max(memoryNodes, 1);
  return {
    start: 0,
    size: maxHugePages,
    align: 1,
    minChunk: Math.floor(Math.floor(maxHugePages / nodes) / 2),
    maxThreads: nodes * 2,
  };
}

/**
 * hugetlb_bootmem_struct_page_init() (gigantic gather, 6.9+): size = nr_node_ids, align 1,
 * min_chunk 1, max_threads = N_MEMORY nodes, numa_aware. Units are node ids.
 */
export function hugetlbGatherJob(nrNodeIds: number, memoryNodes: number): PadataJob {
  return { start: 0, size: nrNodeIds, align: 1, minChunk: 1, maxThreads: Math.max(memoryNodes, 1) };
}
