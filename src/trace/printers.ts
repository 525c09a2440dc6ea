// Which kernel function prints each kernel error the analyzer reports (KernelError.kind), so that the log
// view can open it. Checked against linux-source-6.12 (6.12.118): every message below is printed in the
// function named, in the file named; `alignment-collision` is a v4.x message of nd_pfn_init() that 6.12 no
// longer has. ndctl/daxctl output (userspace) has no entry.

import { isIdentifier } from '../report/kernel-source';

export interface Printer {
  function: string;
  file: string;
}

const P = (fn: string, file: string): Printer => ({ function: fn, file });
const HOTPLUG = 'mm/memory_hotplug.c';
const MEMREMAP = 'mm/memremap.c';
const VMEMMAP = 'mm/sparse-vmemmap.c';
const PFN = 'drivers/nvdimm/pfn_devs.c';

export const ERROR_PRINTERS: Readonly<Record<string, Printer>> = {
  // WARN(1, "Misaligned %s start: ...", __func__, ...) after check_pfn_span() fails: __add_pages or __remove_pages
  'misaligned-add-pages': P('__add_pages', HOTPLUG),
  'invalid-altmap': P('__add_pages', HOTPLUG),
  'conflicting-mapping': P('pagemap_range', MEMREMAP),
  'altmap-multiple-ranges': P('pagemap_range', MEMREMAP),
  'memremap-overlaps-ram': P('pagemap_range', MEMREMAP),
  'altmap-not-freed': P('memunmap_pages', MEMREMAP),
  'hotplug-beyond-max': P('mhp_range_allowed', HOTPLUG),
  'altmap-not-unmapped': P('remove_memory_blocks_and_altmaps', HOTPLUG),
  'hotplug-unaligned-block': P('check_hotplug_memory_range', HOTPLUG),
  'memory-block-size-unsuitable': P('memory_dev_init', 'drivers/base/memory.c'),
  'altmap-no-pse': P('vmemmap_populate', 'arch/x86/mm/init_64.c'),
  'altmap-alloc-not-page-multiple': P('altmap_alloc_block_buf', VMEMMAP),
  'offnode-page-structs': P('vmemmap_verify', VMEMMAP),
  'vmemmap-alloc-failure': P('vmemmap_alloc_block', VMEMMAP),
  'memmap-backing-failed': P('sparse_init_nid', 'mm/sparse.c'),
  'usemap-alloc-failed': P('sparse_init_nid', 'mm/sparse.c'),
  'bad-page-state': P('bad_page', 'mm/page_alloc.c'),
  'alignment-collision': P('nd_pfn_init', PFN),
  'misaligned-unable-to-map': P('nvdimm_namespace_common_probe', 'drivers/nvdimm/namespace_devs.c'),
  'nd-pfn-start-misaligned': P('nd_pfn_init', PFN),
  'nd-pfn-unable-to-satisfy-alignment': P('nd_pfn_init', PFN),
  'nd-pfn-memory-debug': P('nd_pfn_init', PFN),
  'nd-pfn-page-size-mismatch': P('nd_pfn_validate', PFN),
  'nd-pfn-struct-page-size-mismatch': P('nd_pfn_validate', PFN),
  'nd-pfn-alignment-mismatch': P('nd_pfn_validate', PFN),
  'nd-pfn-settings-mismatch': P('nd_pfn_validate', PFN),
  'nd-pfn-align-exceeds-capacity': P('nd_pfn_validate', PFN),
  'nd-pfn-array-exceeds-capacity': P('nd_pfn_validate', PFN),
  'nd-pfn-bad-offset': P('nd_pfn_validate', PFN),
  'nd-pfn-resource-start-misaligned': P('nd_pfn_validate', PFN),
  'nd-pfn-resource-end-misaligned': P('nd_pfn_validate', PFN),
  'nd-pfn-bad-offset-small-namespace': P('nd_pfn_validate', PFN),
  'nd-pfn-npfns-truncated': P('__nvdimm_setup_pfn', PFN),
  'kmem-no-memory-after-alignment': P('dev_dax_kmem_probe', 'drivers/dax/kmem.c'),
  'memmap-on-memory-unavailable': P('memmap_on_memory_store', 'drivers/dax/bus.c'),
};

/** Messages printed with __func__: the function the message names wins over the table's (a misaligned
 *  __remove_pages, say). */
const BY_FUNC = new Set(['misaligned-add-pages', 'memmap-backing-failed', 'usemap-alloc-failed']);

/** The kernel function that printed an error of `kind` (with its parsed `details`), or null (userspace, or
 *  not known). */
export function errorPrinter(kind: string, details: Record<string, unknown>): Printer | null {
  const p = Object.prototype.hasOwnProperty.call(ERROR_PRINTERS, kind) ? ERROR_PRINTERS[kind] : null;
  if (!p) return null;
  const named = details.function;
  return BY_FUNC.has(kind) && typeof named === 'string' && isIdentifier(named) ? { ...p, function: named } : p;
}
