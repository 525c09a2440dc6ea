// The kernel functions that make up the memmap story, by phase. Used to say which function and which
// phase a call trace (or an ftrace entry, or a trace span) belongs to. One table, so that a rename in a
// new kernel is one line here. Names are matched after removing compiler suffixes (.cold, .isra.0, ...).

import type { TracePhase } from './types';

const TABLE: Record<TracePhase, readonly string[]> = {
  // ZONE_DEVICE: memremap_pages() and its users (nvdimm pfn/dax, p2pdma, device-private).
  'zone-device': [
    'memremap_pages', 'devm_memremap_pages', 'pagemap_range', 'memunmap_pages', 'pageunmap_range',
    'memmap_init_zone_device', '__init_zone_device_page', 'memmap_init_compound', 'vmemmap_populate_compound_pages',
    'nd_pfn_init', 'nd_pfn_validate', 'nvdimm_setup_pfn', '__nvdimm_setup_pfn', 'nd_pfn_probe', 'nd_dax_probe',
    'pmem_attach_disk', 'dev_dax_probe', 'pci_p2pdma_add_resource', 'nouveau_dmem_init', 'nouveau_dmem_chunk_alloc',
    'devm_memremap_device_private_pagemap',
  ],
  // HugeTLB vmemmap optimization (HVO).
  hvo: [
    'hugetlb_vmemmap_optimize', 'hugetlb_vmemmap_optimize_folio', 'hugetlb_vmemmap_optimize_folios',
    '__hugetlb_vmemmap_optimize_folio', 'hugetlb_vmemmap_restore', 'hugetlb_vmemmap_restore_folio',
    'hugetlb_vmemmap_restore_folios', '__hugetlb_vmemmap_restore_folio', 'hugetlb_vmemmap_split_folio',
    'vmemmap_remap_free', 'vmemmap_remap_alloc', 'vmemmap_remap_split', 'vmemmap_remap_range',
    'vmemmap_remap_pte', 'vmemmap_restore_pte', 'alloc_huge_page_vmemmap', 'free_huge_page_vmemmap',
    'hugetlb_vmemmap_init', 'hugetlb_vmemmap_free',
  ],
  'hotplug-remove': [
    'remove_memory', '__remove_memory', 'try_remove_memory', 'arch_remove_memory', '__remove_pages',
    'sparse_remove_section', 'section_deactivate', 'depopulate_section_memmap', 'vmemmap_free',
    'offline_pages', 'memory_block_offline', 'offline_and_remove_memory', 'remove_pfn_range_from_zone',
  ],
  'hotplug-add': [
    'add_memory', '__add_memory', 'add_memory_resource', 'add_memory_driver_managed', 'arch_add_memory',
    'add_pages', '__add_pages', 'sparse_add_section', 'section_activate', 'populate_section_memmap',
    'create_memory_block_devices', 'mhp_init_memmap_on_memory', 'virtio_mem_add_memory',
    'virtio_mem_sbm_plug_and_add_mb', 'virtio_mem_bbm_plug_and_add_bb', 'dev_dax_kmem_probe',
    'acpi_memory_enable_device', 'add_memory_block',
  ],
  'hotplug-online': [
    'online_pages', 'memory_block_online', 'move_pfn_range_to_zone', 'online_memory_block',
    'memory_subsys_online', 'memory_block_action', 'memory_block_change_state',
  ],
  'deferred-init': [
    'deferred_init_memmap', 'deferred_init_memmap_chunk', 'deferred_init_pages', 'deferred_init_maxorder',
    'deferred_free_pages', 'deferred_free_range', 'deferred_grow_zone', 'page_alloc_init_late',
    'deferred_init_mem_pfn_range_in_zone',
  ],
  'boot-memmap': [
    'memmap_init', 'memmap_init_range', 'memmap_init_zone', 'memmap_init_zone_range', 'init_unavailable_range',
    '__init_single_page', 'free_area_init', 'free_area_init_node', 'free_area_init_core', 'zone_sizes_init',
    'sparse_init', 'sparse_init_nid', 'sparse_buffer_init', 'memblock_free_all', 'reserve_bootmem_region',
    'init_reserved_page', 'mem_init', 'mm_core_init', 'page_ext_init',
  ],
  // Shared by boot, hotplug and ZONE_DEVICE; the other frames decide the phase.
  vmemmap: [
    'vmemmap_populate', 'vmemmap_populate_hugepages', 'vmemmap_populate_basepages', 'vmemmap_populate_range',
    'vmemmap_populate_address', 'vmemmap_alloc_block', 'vmemmap_alloc_block_buf', 'vmemmap_alloc_block_zero',
    'altmap_alloc_block_buf', 'vmemmap_pte_populate', 'vmemmap_pmd_populate', 'vmemmap_pud_populate',
    'vmemmap_p4d_populate', 'vmemmap_pgd_populate', 'vmemmap_set_pmd', 'vmemmap_verify', '__populate_section_memmap',
    'vmemmap_use_new_sub_pmd', 'vmemmap_use_sub_pmd', 'sparse_buffer_alloc',
  ],
};

/** Phases in the order that decides a stack's phase: the first phase with a frame in the stack wins. */
export const PHASE_PRIORITY: readonly TracePhase[] = [
  'zone-device', 'hvo', 'hotplug-remove', 'hotplug-add', 'hotplug-online', 'deferred-init', 'boot-memmap', 'vmemmap',
];

const PHASE_OF = new Map<string, TracePhase>();
for (const phase of PHASE_PRIORITY) for (const f of TABLE[phase]) PHASE_OF.set(f, phase);

/** "bad_page.cold.114" -> "bad_page", "foo.isra.0" -> "foo", "bar.constprop.0.cold" -> "bar". */
export function baseFunctionName(name: string): string {
  const dot = name.indexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** The memmap phase of one function, or null when it is not a memmap function. */
export function functionPhase(name: string): TracePhase | null {
  return PHASE_OF.get(baseFunctionName(name)) ?? null;
}

/** Phase names of memmap-lab's own timing model (Chrome trace span names are "<phase> <target>"). */
const SIMULATOR_PHASES: Record<string, TracePhase> = {
  sparseInit: 'boot-memmap',
  memmapInitEarly: 'boot-memmap',
  memmapInitReserved: 'boot-memmap',
  deferredInit: 'deferred-init',
  hvo: 'hvo',
  devicePopulate: 'zone-device',
  deviceAltmapInit: 'zone-device',
  zoneDeviceInit: 'zone-device',
  hotplugAdd: 'hotplug-add',
  memoryBlockOnline: 'hotplug-online',
};

/** The phase of a trace span named after a kernel function or a simulator phase ("deferredInit node 0"). */
export function spanPhase(name: string): TracePhase | null {
  const first = name.split(' ', 1)[0];
  return functionPhase(first) ?? SIMULATOR_PHASES[first] ?? null;
}

/** The phase of a whole stack: the highest-priority phase among its functions. */
export function stackPhase(functions: readonly string[]): TracePhase | null {
  let best = -1;
  for (const f of functions) {
    const p = functionPhase(f);
    if (p === null) continue;
    const i = PHASE_PRIORITY.indexOf(p);
    if (best < 0 || i < best) best = i;
  }
  return best < 0 ? null : PHASE_PRIORITY[best];
}
