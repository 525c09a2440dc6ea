// Every rule: a config that triggers it (range, numbers in the message, the kernel's text), one that
// does not, and every fix of the finding produces a config where the rule is gone and the simulated
// core succeeds.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RULES } from '../../src/check/index';
import { arch, assertFixWorks, at, byRule, check, x86 } from './check-helpers';

interface Case {
  rule: string;
  /** What the case shows. */
  name: string;
  trigger: string;
  clean: string;
  /** The source text of the finding's range. */
  range: string;
  /** Substrings of the message (the computed numbers). */
  message: string[];
  /** The exact kernel / ndctl text ('' when the kernel is silent). */
  kernelText: string;
  severity?: 'error' | 'warning' | 'info';
  /** Number of fixes expected (each is verified). */
  fixes: number;
}

const ns = (fields: string) => `devices:\n  - name: namespace0.0\n${fields}`;

const CASES: Case[] = [
  {
    rule: 'MM001',
    name: 'hot-add 64 MiB into a 128 MiB memory block',
    trigger: x86('hotplug:\n  - { start: 0x1004000000, size: 1G }\n'),
    clean: x86('hotplug:\n  - { start: 0x1000000000, size: 1G }\n'),
    range: '0x1004000000',
    message: ['128 MiB memory block size', 'it is 64 MiB aligned', '-EINVAL'],
    kernelText: 'Block size [0x8000000] unaligned hotplug range: start 0x1004000000, size 0x40000000',
    fixes: 2,
  },
  {
    rule: 'MM002',
    name: 'namespace start only 1 MiB aligned',
    trigger: x86(ns('    start: 0x1000100000\n    size: 16G\n')),
    clean: x86(ns('    start: 0x1000000000\n    size: 16G\n')),
    range: '0x1000100000',
    message: ['0x1000100000', '2 MiB sub-section', 'it is 1 MiB aligned', 'nd_pfn_init()'],
    kernelText: 'namespace0.0: start 0x0000001000100000 misaligned to 0x200000',
    fixes: 2,
  },
  {
    rule: 'MM002',
    name: 'CXL dax region 1 MiB aligned (the 1 MiB CMB of corpus 06)',
    trigger: x86('devices:\n  - name: dax0.0\n    kind: cxl\n    mode: devdax\n    map: mem\n    start: 0xfdd00000\n    size: 1M\n'),
    clean: x86('devices:\n  - name: dax0.0\n    kind: cxl\n    mode: devdax\n    map: mem\n    start: 0x1000000000\n    size: 2M\n'),
    range: '0xfdd00000',
    message: ['start 0xfdd00000 is not 2 MiB aligned (it is 1 MiB aligned)', 'alloc_dax_region()', '"Misaligned __add_pages start: 0xfdd00 end: 0xfddff"'],
    kernelText: '',
    fixes: 1,
  },
  {
    rule: 'MM002',
    name: 'raw namespace of memmap=999M!34G (e820): nvdimm_namespace_common_probe() refuses its end',
    trigger: x86(ns('    provider: e820\n    mode: raw\n    start: 0x880000000\n    size: 999M\n')),
    clean: x86(ns('    provider: e820\n    mode: raw\n    start: 0x880000000\n    size: 998M\n')),
    range: '999M',
    message: ['raw namespace namespace0.0 0x880000000-0x8be6fffff on an e820 region', 'size 999 MiB is not a multiple of 2 MiB', 'nvdimm_namespace_common_probe()', 'memremap_compat_align() (2 MiB) with -EOPNOTSUPP'],
    kernelText: '[mem 0x880000000-0x8be6fffff flags 0x200] misaligned, unable to map',
    fixes: 2,
  },
  {
    rule: 'MM003',
    name: 'ppc64 namespace beyond 51 physical address bits',
    trigger: arch('ppc64-radix', ns('    start: 0x7ffffc0000000\n    size: 2G\n')),
    clean: arch('ppc64-radix', ns('    start: 0x2000000000\n    size: 2G\n')),
    range: '2G',
    message: ['0x8000000000000', '51-bit limit of ppc64-radix'],
    kernelText: 'Hotplug memory [0x7ffffc0000000-0x8000040000000] exceeds maximum addressable range [0x0-0x7ffffffffffff]',
    fixes: 0,
  },
  {
    rule: 'MM003',
    name: 'x86_64 with a 4-level kernel (kernel.maxPhysmemBits 46): a hot-add crossing 64 TiB',
    trigger: x86('hotplug:\n  - { start: 0x3fff00000000, size: 8G }\n', 'kernel: { maxPhysmemBits: 46 }\n'),
    clean: x86('hotplug:\n  - { start: 0x3fff00000000, size: 8G }\n', 'kernel: { maxPhysmemBits: 52 }\n'),
    range: '8G',
    message: ['ends above 0x400000000000, the 46-bit limit of x86_64'],
    kernelText: 'Hotplug memory [0x3fff00000000-0x400100000000] exceeds maximum addressable range [0x0-0x3fffffffffff]',
    fixes: 0,
  },
  {
    rule: 'MM004',
    name: 'ppc64 radix map=dev namespace ending inside a section: vmemmap pages crossing the device edge come from RAM',
    trigger: arch('ppc64-radix', ns('    start: 0x1001000000\n    size: 8190M\n    map: dev\n')),
    clean: arch('ppc64-radix', ns('    start: 0x1001000000\n    size: 8176M\n    map: dev\n')),
    range: '8190M',
    message: ['inside a 16 MiB section', 'ppc64-radix vmemmap_populate() takes a vmemmap page from RAM when it also describes memory outside the device (altmap_cross_boundary())', '1 memmap page (64 KiB) from RAM'],
    kernelText: '',
    severity: 'warning',
    fixes: 1,
  },
  {
    rule: 'MM004',
    name: 'map=dev namespace 16 MiB aligned, not section aligned',
    trigger: x86(ns('    start: 0x1002000000\n    size: 16G\n    map: dev\n')),
    clean: x86(ns('    start: 0x1000000000\n    size: 16G\n    map: dev\n')),
    range: '0x1002000000',
    message: ['start 0x1002000000 is 32 MiB aligned but not 128 MiB (section) aligned', '2 MiB of the memmap', 'the first 96 MiB', '384 memmap pages (1536 KiB)', 'the last 32 MiB', '128 memmap pages (512 KiB)'],
    kernelText: '',
    severity: 'warning',
    fixes: 1,
  },
  {
    rule: 'MM005',
    name: 'ppc64 memory block size not a power of two',
    trigger: arch('ppc64-radix', '', 'kernel: { memoryBlockSize: 24M }\n'),
    clean: arch('ppc64-radix', '', 'kernel: { memoryBlockSize: 256M }\n'),
    range: '24M',
    message: ['memory block size 24 MiB is not a power of two', 'memory_dev_init() panics'],
    kernelText: 'Memory block size not suitable: 0x1800000',
    fixes: 1,
  },
  {
    rule: 'MM005',
    name: 'x86 memory block size override rejected',
    trigger: x86('', 'kernel: { memoryBlockSize: 96M }\n'),
    clean: x86('', 'kernel: { memoryBlockSize: 256M }\n'),
    range: '96M',
    message: ['override 96 MiB is rejected', 'the memory block size is 128 MiB instead', 'boot_mem_end 34 GiB < 64 GiB'],
    kernelText: '',
    severity: 'warning',
    fixes: 1,
  },
  {
    rule: 'MM006',
    name: 'ppc64 radix memmap_on_memory without force',
    trigger: arch('ppc64-radix', 'hotplug:\n  - { start: 0x1000000000, size: 1G, memmapOnMemory: true }\n', 'kernel: { memmapOnMemory: "on", memoryBlockSize: 256M }\n'),
    clean: arch('ppc64-radix', 'hotplug:\n  - { start: 0x1000000000, size: 1G, memmapOnMemory: true }\n', 'kernel: { memmapOnMemory: "force", memoryBlockSize: 256M }\n'),
    range: 'true',
    message: ['4 pages, not a multiple of pageblock_nr_pages (32)', 'silently falls back', '4 blocks (1 MiB)'],
    kernelText: '',
    severity: 'warning',
    fixes: 2,
  },
  {
    rule: 'MM006',
    name: '6.1 multi-block hot-add: the ACPI driver checks first, memmap in RAM (a warning, not a failed add)',
    trigger: x86('hotplug:\n  - { start: 0x1000000000, size: 1G, memmapOnMemory: true }\n', 'kernel: { version: "6.1", memmapOnMemory: "on" }\n'),
    clean: x86('hotplug:\n  - { start: 0x1000000000, size: 128M, memmapOnMemory: true }\n', 'kernel: { version: "6.1", memmapOnMemory: "on" }\n'),
    range: 'true',
    message: ['not exactly one memory block (128 MiB)', "Linux 6.1's ACPI memory hotplug driver checks mhp_supports_memmap_on_memory(size) first", '8 blocks (16 MiB) comes from RAM'],
    kernelText: '',
    severity: 'warning',
    fixes: 1,
  },
  {
    rule: 'MM006',
    name: 'arm64 64K: force cannot help, the block size would have to be 512 GiB',
    trigger: arch('arm64-64k', 'hotplug:\n  - { start: 0x1000000000, size: 2G, memmapOnMemory: true }\n', 'kernel: { memmapOnMemory: "on" }\n'),
    clean: arch('arm64-64k', 'hotplug:\n  - { start: 0x1000000000, size: 2G, memmapOnMemory: false }\n', 'kernel: { memmapOnMemory: "on" }\n'),
    range: 'true',
    message: ['force would not help: the memmap would take the whole 512 MiB block', 'memory blocks of 512 GiB', 'arm64-64k memory blocks are one section (512 MiB'],
    kernelText: '',
    severity: 'warning',
    fixes: 1,
  },
  {
    rule: 'MM007',
    name: 'memmap_on_memory=force on 6.1',
    trigger: x86('', 'kernel: { version: "6.1", memmapOnMemory: "force" }\n'),
    clean: x86('', 'kernel: { version: "6.1", memmapOnMemory: "on" }\n'),
    range: '"force"',
    message: ['from Linux 6.6 on', 'Linux 6.1 has a boolean parameter'],
    kernelText: "Booting kernel: `force' invalid for parameter `memory_hotplug.memmap_on_memory'",
    severity: 'warning',
    fixes: 1,
  },
  {
    rule: 'MM008',
    name: '1 GiB CXL kmem region with 2 GiB memory blocks',
    trigger: x86('devices:\n  - name: dax0.0\n    kind: cxl\n    mode: kmem\n    map: mem\n    start: 0x1000000000\n    size: 1G\n', 'kernel: { memoryBlockSize: 2G }\n'),
    clean: x86('devices:\n  - name: dax0.0\n    kind: cxl\n    mode: kmem\n    map: mem\n    start: 0x1000000000\n    size: 2G\n', 'kernel: { memoryBlockSize: 2G }\n'),
    range: '1G',
    message: ['0x1000000000-0x103fffffff holds no whole 2 GiB memory block'],
    kernelText: 'mapping0: 0x1000000000-0x103fffffff too small after alignment\nrejecting DAX region without any memory after alignment',
    fixes: 1,
  },
  {
    rule: 'MM009',
    name: '5 GiB CXL kmem region with 2 GiB memory blocks',
    trigger: x86('devices:\n  - name: dax0.0\n    kind: cxl\n    mode: kmem\n    map: mem\n    start: 0x1000000000\n    size: 5G\n', 'kernel: { memoryBlockSize: 2G }\n'),
    clean: x86('devices:\n  - name: dax0.0\n    kind: cxl\n    mode: kmem\n    map: mem\n    start: 0x1000000000\n    size: 4G\n', 'kernel: { memoryBlockSize: 2G }\n'),
    range: '5G',
    message: ['whole 2 GiB memory blocks', '1 GiB at the end (0x1100000000-0x113fffffff)'],
    kernelText: '',
    severity: 'warning',
    fixes: 2,
  },
  {
    rule: 'MM009',
    name: 'pmem kmem namespace on a 2 GiB block boundary: the data offset pushes the start a whole block up',
    trigger: x86(ns('    mode: kmem\n    map: mem\n    start: 0x1000000000\n    size: 64G\n'), 'kernel: { memoryBlockSize: 2G }\n'),
    clean: x86(ns('    mode: kmem\n    map: mem\n    start: 0xfffe00000\n    size: 65538M\n'), 'kernel: { memoryBlockSize: 2G }\n'),
    range: '0x1000000000',
    message: [
      '2046 MiB at the start (0x1000200000-0x107fffffff: the data begins at 0x1000200000, after the 2 MiB data offset of the info block, and ALIGN(start, 2 GiB)',
      // map=mem puts the data 2 MiB after a 16 MiB-aligned start: never on a block boundary for a namespace ndctl accepts.
      'no namespace ndctl accepts here (16 MiB-aligned start, size a multiple of 16 MiB)',
    ],
    kernelText: '',
    severity: 'warning',
    fixes: 0,
  },
  {
    rule: 'MM010',
    name: 'map=dev pmem namespace given to dax/kmem',
    trigger: x86(ns('    mode: kmem\n    start: 0x1000000000\n    size: 64G\n    map: dev\n')),
    clean: x86(ns('    mode: kmem\n    start: 0x1000000000\n    size: 64G\n    map: mem\n')),
    range: 'dev',
    message: ['reserve its first 1026 MiB', '1 GiB more than map=mem'],
    kernelText: '',
    severity: 'warning',
    fixes: 1,
  },
  {
    rule: 'MM011',
    name: 'fsdax on s390x',
    trigger: arch('s390x', ns('    mode: fsdax\n    start: 0x1000000000\n    size: 1G\n    align: 1M\n')),
    clean: arch('s390x', ns('    mode: raw\n    start: 0x1000000000\n    size: 1G\n    align: 1M\n')),
    range: 'fsdax',
    message: ['needs ZONE_DEVICE', 's390x'],
    kernelText: '',
    fixes: 1,
  },
  {
    rule: 'MM012',
    name: 'CXL devdax with map=dev',
    trigger: x86('devices:\n  - name: dax0.0\n    kind: cxl\n    mode: devdax\n    map: dev\n    start: 0x1000000000\n    size: 8G\n'),
    clean: x86('devices:\n  - name: dax0.0\n    kind: cxl\n    mode: devdax\n    map: mem\n    start: 0x1000000000\n    size: 8G\n'),
    range: 'dev',
    message: ['dynamic dax region', 'no info block'],
    kernelText: '',
    fixes: 1,
  },
  {
    rule: 'MM013',
    name: 'arm64 16K dax region not 32 MiB aligned',
    trigger: arch('arm64-16k', 'devices:\n  - name: dax0.0\n    kind: hmem\n    mode: devdax\n    map: mem\n    start: 0x1000200000\n    size: 1G\n    align: 32M\n', '', '0x80000000'),
    clean: arch('arm64-16k', 'devices:\n  - name: dax0.0\n    kind: hmem\n    mode: devdax\n    map: mem\n    start: 0x1000000000\n    size: 1G\n    align: 32M\n', '', '0x80000000'),
    range: '0x1000200000',
    message: ['not aligned to PMD_SIZE (32 MiB)', 'alloc_dax_region() returns NULL'],
    kernelText: '',
    fixes: 1,
  },
  {
    rule: 'MM014',
    name: 'riscv64 map=dev namespace not section aligned: the altmap runs out',
    trigger: arch('riscv64', ns('    start: 0x1001000000\n    size: 1G\n    map: dev\n'), '', '0x80000000'),
    clean: arch('riscv64', ns('    start: 0x1000000000\n    size: 1G\n    map: dev\n'), '', '0x80000000'),
    range: 'dev',
    message: ['the altmap runs out', 'vmemmap_populate_hugepages() returns -ENOMEM'],
    kernelText: '',
    // Shrink to whole sections, grow to them (free here), map=mem.
    fixes: 3,
  },
  {
    rule: 'MM015',
    name: 'arm64 devdax map=mem: no dedup',
    trigger: arch('arm64-4k', ns('    mode: devdax\n    start: 0x1000000000\n    size: 64G\n    align: 2M\n    map: mem\n'), '', '0x80000000'),
    clean: x86(ns('    mode: devdax\n    start: 0x1000000000\n    size: 64G\n    align: 2M\n    map: mem\n')),
    range: '2M',
    message: ['does not select ARCH_WANT_OPTIMIZE_DAX_VMEMMAP', 'the full memmap, 1 GiB, stays in RAM'],
    kernelText: '',
    severity: 'warning',
    fixes: 1,
  },
  {
    rule: 'MM016',
    name: 'x86 devdax map=dev: no dedup',
    trigger: x86(ns('    mode: devdax\n    start: 0x1000000000\n    size: 64G\n    align: 2M\n    map: dev\n')),
    clean: x86(ns('    mode: devdax\n    start: 0x1000000000\n    size: 64G\n    align: 2M\n    map: mem\n')),
    range: 'dev',
    message: ['takes 1 GiB of the device', 'keep 2 of every 8 vmemmap pages'],
    kernelText: '',
    severity: 'info',
    fixes: 1,
  },
  {
    rule: 'MM017',
    name: 'ppc64 hash namespace 2 MiB aligned, not 16 MiB',
    trigger: arch('ppc64-hash', ns('    start: 0x1000200000\n    size: 16G\n    align: 16M\n')),
    clean: arch('ppc64-hash', ns('    start: 0x1000000000\n    size: 16G\n    align: 16M\n')),
    range: '0x1000200000',
    message: ['memremap_compat_align() = 16 MiB on ppc64-hash', 'it is 2 MiB aligned'],
    kernelText: 'namespace0.0: start 0x0000001000200000 misaligned to 0x1000000',
    fixes: 1,
  },
  {
    rule: 'MM018',
    name: 'align 16M on x86',
    trigger: x86(ns('    start: 0x1000000000\n    size: 16G\n    align: 16M\n')),
    clean: x86(ns('    start: 0x1000000000\n    size: 16G\n    align: 2M\n')),
    range: '16M',
    message: ['align 16 MiB is not supported on x86_64', '4 KiB, 2 MiB, 1 GiB'],
    kernelText: 'unsupported align: 16M',
    fixes: 2,
  },
  {
    rule: 'MM018',
    name: 'align not a power of two',
    trigger: x86(ns('    start: 0x1000000000\n    size: 16G\n    align: 3M\n')),
    clean: x86(ns('    start: 0x1000000000\n    size: 16G\n    align: 1G\n')),
    range: '3M',
    message: ['align 3 MiB is not supported'],
    kernelText: 'align must be a power-of-2 greater than 4096',
    fixes: 2,
  },
  {
    rule: 'MM019',
    name: '1 GiB align on a 512 MiB namespace',
    trigger: x86(ns('    start: 0x1000000000\n    size: 512M\n    align: 1G\n')),
    clean: x86(ns('    start: 0x1000000000\n    size: 512M\n    align: 2M\n')),
    range: '1G',
    message: ['align 1 GiB is larger than namespace namespace0.0 (512 MiB)'],
    kernelText: 'namespace0.0 unable to satisfy requested alignment\nalignment: 40000000 exceeds capacity 20000000',
    fixes: 2,
  },
  {
    rule: 'MM020',
    name: 'map=dev 1 GiB namespace with 1 GiB align',
    trigger: x86(ns('    start: 0x1000000000\n    size: 1G\n    align: 1G\n    map: dev\n')),
    clean: x86(ns('    start: 0x1000000000\n    size: 1G\n    align: 2M\n    map: dev\n')),
    range: 'dev',
    message: ['memmap reservation (64 B × 262142 pfns = 16777088 B (about 16 MiB))', 'rounded up to 1 GiB put the data at offset 1 GiB', 'only 1 GiB exist', '-ENXIO'],
    kernelText: 'namespace0.0 unable to satisfy requested alignment',
    fixes: 2,
  },
  {
    rule: 'MM021',
    name: 'KMSAN-sized struct page with map=dev',
    trigger: x86(ns('    start: 0x1000000000\n    size: 16G\n    map: dev\n'), 'kernel: { structPageSize: 80 }\n'),
    clean: x86(ns('    start: 0x1000000000\n    size: 16G\n    map: mem\n'), 'kernel: { structPageSize: 80 }\n'),
    range: 'dev',
    message: ['sizeof(struct page) is 80 bytes', 'reserves 64 bytes per page'],
    kernelText: 'Memory debug options prevent using pmem for the page map',
    fixes: 1,
  },
  {
    rule: 'MM022',
    name: '128 GiB map=dev namespace with 1 GiB align (case B)',
    trigger: x86(ns('    start: 0x1000000000\n    size: 128G\n    align: 1G\n    map: dev\n')),
    clean: x86(ns('    start: 0x1000000000\n    size: 128G\n    align: 2M\n    map: dev\n')),
    range: '1G',
    message: ['rounds the data offset up to 3 GiB', '2050 MiB with align 2 MiB', '1022 MiB of namespace0.0 never hold data'],
    kernelText: '',
    severity: 'warning',
    fixes: 1,
  },
  {
    rule: 'MM023',
    name: 'namespace 2 MiB past a 16 MiB boundary',
    trigger: x86(ns('    start: 0x1000200000\n    size: 16G\n')),
    clean: x86(ns('    start: 0x1000000000\n    size: 16G\n')),
    range: '0x1000200000',
    message: ['2 MiB past a 16 MiB boundary', 'unless --force'],
    kernelText: 'namespace0.0 misaligned to 16M, adjust region alignment and retry',
    fixes: 1,
  },
  {
    rule: 'MM024',
    name: '8 MiB fsdax namespace',
    trigger: x86(ns('    start: 0x1000000000\n    size: 8M\n')),
    clean: x86(ns('    start: 0x1000000000\n    size: 16M\n')),
    range: '8M',
    message: ['is 8 MiB', 'at least 16 MiB', 'the 16 MiB region alignment first'],
    // validate_namespace_options() checks the region alignment (16 MiB) before the 16 MiB minimum.
    kernelText: 'region0: align setting is 0x1000000 size 0x800000 is misaligned\n8388608 is not 16384K aligned',
    fixes: 1,
  },
  {
    rule: 'MM025',
    name: '130 MiB namespace (not a multiple of the 16 MiB region align)',
    trigger: x86(ns('    start: 0x1000000000\n    size: 130M\n')),
    clean: x86(ns('    start: 0x1000000000\n    size: 128M\n')),
    range: '130M',
    message: ['130 MiB, not a multiple of the 16 MiB region alignment', '2 MiB too many'],
    kernelText: 'region0: align setting is 0x1000000 size 0x8200000 is misaligned\n136314880 is not 16384K aligned',
    fixes: 2,
  },
  {
    rule: 'MM025',
    name: 'fsdax on a label-less e820 region of 999 MiB: ndctl refuses, the kernel has no size to write',
    trigger: x86(ns('    provider: e820\n    start: 0x880000000\n    size: 999M\n    map: mem\n')),
    clean: x86(ns('    provider: e820\n    start: 0x880000000\n    size: 992M\n    map: mem\n')),
    range: '999M',
    message: ['999 MiB, not a multiple of the 16 MiB region alignment', 'label-less region (e820)', 'refuses to convert it to fsdax'],
    kernelText: 'region0: align setting is 0x1000000 size 0x3e700000 is misaligned',
    fixes: 2,
  },
  {
    rule: 'MM026',
    name: '3088 MiB devdax namespace with 1 GiB align',
    trigger: x86(ns('    mode: devdax\n    start: 0x1000000000\n    size: 3088M\n    align: 1G\n    map: mem\n')),
    clean: x86(ns('    mode: devdax\n    start: 0x1000000000\n    size: 3G\n    align: 1G\n    map: mem\n')),
    range: '3088M',
    message: ['3088 MiB, not a multiple of its align 1 GiB'],
    kernelText: "'--size=' must align to interleave-width: 1 and alignment: 1073741824\ndid you intend --size=4096M?",
    fixes: 2,
  },
  {
    rule: 'MM027',
    name: '4 MiB huge pages on x86',
    trigger: x86('hugetlb:\n  - { node: 0, pageSize: 4M, count: 10 }\n'),
    clean: x86('hugetlb:\n  - { node: 0, pageSize: 2M, count: 20 }\n'),
    range: '4M',
    message: ['4 MiB is not supported on x86_64 (2 MiB, 1 GiB)', 'none of the 10 pages'],
    kernelText: 'HugeTLB: unsupported hugepagesz=4M',
    fixes: 1,
  },
  {
    rule: 'MM027',
    name: 'ppc64: a pool on a memory-less node needs hugepages=1:64, which Book3S-64 ignores',
    trigger: 'arch: ppc64-radix\nnodes:\n  - id: 0\n    cpus: 8\n    ranges:\n      - { start: 0x0, size: 16G }\n  - id: 1\n    cpus: 0\n    ranges: []\nhugetlb:\n  - { node: 1, pageSize: 2M, count: 64 }\n',
    clean: 'arch: ppc64-radix\nnodes:\n  - id: 0\n    cpus: 8\n    ranges:\n      - { start: 0x0, size: 16G }\n  - id: 1\n    cpus: 0\n    ranges: []\nhugetlb:\n  - { node: 0, pageSize: 2M, count: 64 }\n',
    range: '1',
    message: ['hugepagesz=2M hugepages=1:64', 'hugetlb_node_alloc_supported() is false', 'node 0 has no pool of this size'],
    kernelText: "HugeTLB: architecture can't support node specific alloc, ignoring!",
    fixes: 1,
  },
  {
    rule: 'MM028',
    // machine.hugetlbRequest: perNode, the node form hugepages=0:64 (one memory node otherwise reads as hugepages=64).
    name: '64 GiB of 1 GiB pages on a 32 GiB node: its boot memmap (top 512 MiB) costs one more page',
    trigger: x86('hugetlb:\n  - { node: 0, pageSize: 1G, count: 64 }\n', 'machine: { hugetlbRequest: perNode }\n'),
    clean: x86('hugetlb:\n  - { node: 0, pageSize: 1G, count: 16 }\n', 'machine: { hugetlbRequest: perNode }\n'),
    range: '64',
    message: ['node 0 has 32 GiB of boot RAM, 512 MiB of it the node\'s boot memmap', 'room for only 30 of the 64 huge pages of 1 GiB'],
    kernelText: 'HugeTLB: allocating 64 of page size 1.00 GiB failed node0.  Only allocated 30 hugepages.',
    severity: 'warning',
    fixes: 1,
  },
  {
    rule: 'MM028',
    name: 'hot-added memory does not count for boot pools: 3 of 8 on 4 GiB of boot RAM',
    trigger:
      'arch: x86_64\nmachine: { hugetlbRequest: perNode }\nnodes:\n  - id: 0\n    cpus: 8\n    ranges:\n      - { start: 0x100000000, size: 4G }\nhotplug:\n  - { node: 0, start: 0x800000000, size: 8G }\nhugetlb:\n  - { node: 0, pageSize: 1G, count: 8 }\n',
    clean:
      'arch: x86_64\nmachine: { hugetlbRequest: perNode }\nnodes:\n  - id: 0\n    cpus: 8\n    ranges:\n      - { start: 0x100000000, size: 4G }\nhotplug:\n  - { node: 0, start: 0x800000000, size: 8G }\nhugetlb:\n  - { node: 0, pageSize: 1G, count: 3 }\n',
    range: '8',
    message: ['4 GiB of boot RAM, 64 MiB of it the node\'s boot memmap', 'the 8 GiB hot-added later does not count', 'room for only 3 of the 8'],
    kernelText: 'HugeTLB: allocating 8 of page size 1.00 GiB failed node0.  Only allocated 3 hugepages.',
    severity: 'warning',
    fixes: 1,
  },
  {
    rule: 'MM028',
    name: 'a gigantic page that does not fit is silently taken from another node (memblock is not node-exact)',
    trigger:
      'arch: x86_64\nnodes:\n  - id: 0\n    cpus: 8\n    ranges:\n      - { start: 0x0, size: 16G }\n  - id: 1\n    cpus: 8\n    ranges:\n      - { start: 0x480000000, size: 16G }\nhugetlb:\n  - { node: 1, pageSize: 1G, count: 16 }\n',
    clean:
      'arch: x86_64\nnodes:\n  - id: 0\n    cpus: 8\n    ranges:\n      - { start: 0x0, size: 16G }\n  - id: 1\n    cpus: 8\n    ranges:\n      - { start: 0x480000000, size: 16G }\nhugetlb:\n  - { node: 1, pageSize: 1G, count: 15 }\n',
    range: '16',
    message: ['node 1 has 16 GiB of boot RAM, 256 MiB of it the node\'s boot memmap', 'room for only 15 of the 16', 'the other 1 come silently from elsewhere (1 from node 0)', "node 1's nr_hugepages is 15"],
    kernelText: '',
    severity: 'warning',
    fixes: 1,
  },
  {
    rule: 'MM028',
    name: 'a balanced hugepages=N the nodes cannot hold: one warning naming no node, and a per-node fix',
    trigger:
      'arch: x86_64\nnodes:\n  - id: 0\n    cpus: 8\n    ranges:\n      - { start: 0x100000000, size: 16G }\n  - id: 1\n    cpus: 8\n    ranges:\n      - { start: 0x500000000, size: 16G }\nhugetlb:\n  - { node: 0, pageSize: 2M, count: 10000 }\n  - { node: 1, pageSize: 2M, count: 10000 }\n',
    clean:
      'arch: x86_64\nnodes:\n  - id: 0\n    cpus: 8\n    ranges:\n      - { start: 0x100000000, size: 16G }\n  - id: 1\n    cpus: 8\n    ranges:\n      - { start: 0x500000000, size: 16G }\nhugetlb:\n  - { node: 0, pageSize: 2M, count: 4000 }\n  - { node: 1, pageSize: 2M, count: 4000 }\n',
    range: '10000',
    message: ['the memory nodes have room for only 16115 of the 20000 huge pages of 2 MiB (a balanced hugepages=20000'],
    kernelText: 'HugeTLB: allocating 20000 of page size 2.00 MiB failed.  Only allocated 16115 hugepages.',
    severity: 'warning',
    fixes: 1,
  },
  {
    rule: 'MM028',
    name: 'one memory node, 40 pages of 1 GiB: a balanced hugepages=40 (hugetlb_gigantic_pages_alloc_boot()), the warning names no node',
    trigger: x86('hugetlb:\n  - { node: 0, pageSize: 1G, count: 40 }\n'),
    clean: x86('hugetlb:\n  - { node: 0, pageSize: 1G, count: 30 }\n'),
    range: '40',
    message: ['room for only 30 of the 40 huge pages of 1 GiB (a balanced hugepages=40', "a full node's turn takes a page wherever memblock finds one"],
    kernelText: 'HugeTLB: allocating 40 of page size 1.00 GiB failed.  Only allocated 30 hugepages.',
    severity: 'warning',
    fixes: 1,
  },
  {
    rule: 'MM028',
    name: 'two nodes, 40 pages of 1 GiB each (hugepages=80): round-robin, node 1 takes node 0\'s turn, 61 in all',
    trigger: 'arch: x86_64\nnodes:\n  - id: 0\n    cpus: 8\n    ranges:\n      - { start: 0x0, size: 2G }\n      - { start: 0x100000000, size: 30G }\n  - id: 1\n    cpus: 8\n    ranges:\n      - { start: 0x880000000, size: 32G }\nhugetlb:\n  - { node: 0, pageSize: 1G, count: 40 }\n  - { node: 1, pageSize: 1G, count: 40 }\n',
    clean: 'arch: x86_64\nnodes:\n  - id: 0\n    cpus: 8\n    ranges:\n      - { start: 0x0, size: 2G }\n      - { start: 0x100000000, size: 30G }\n  - id: 1\n    cpus: 8\n    ranges:\n      - { start: 0x880000000, size: 32G }\nhugetlb:\n  - { node: 0, pageSize: 1G, count: 30 }\n  - { node: 1, pageSize: 1G, count: 30 }\n',
    range: '40',
    message: ['room for only 61 of the 80 huge pages of 1 GiB (a balanced hugepages=80', 'node 0 got 30, node 1 31'],
    kernelText: 'HugeTLB: allocating 80 of page size 1.00 GiB failed.  Only allocated 61 hugepages.',
    severity: 'warning',
    fixes: 1,
  },
  {
    rule: 'MM028',
    name: 'node-specific 1 GiB pools go in node-id order: node 0 first, node 1 then short (listed first)',
    trigger: 'arch: x86_64\nnodes:\n  - id: 0\n    cpus: 8\n    ranges:\n      - { start: 0x0, size: 2G }\n      - { start: 0x100000000, size: 30G }\n  - id: 1\n    cpus: 8\n    ranges:\n      - { start: 0x880000000, size: 32G }\nhugetlb:\n  - { node: 1, pageSize: 1G, count: 40 }\n  - { node: 0, pageSize: 1G, count: 25 }\n',
    clean: 'arch: x86_64\nnodes:\n  - id: 0\n    cpus: 8\n    ranges:\n      - { start: 0x0, size: 2G }\n      - { start: 0x100000000, size: 30G }\n  - id: 1\n    cpus: 8\n    ranges:\n      - { start: 0x880000000, size: 32G }\nhugetlb:\n  - { node: 1, pageSize: 1G, count: 31 }\n  - { node: 0, pageSize: 1G, count: 25 }\n',
    range: '40',
    message: ['node 1 has 32 GiB of boot RAM', 'room for only 31 of the 40 huge pages of 1 GiB', 'memblock took 5 from node 0 and no node has room for more'],
    kernelText: 'HugeTLB: allocating 40 of page size 1.00 GiB failed node1.  Only allocated 36 hugepages.',
    severity: 'warning',
    fixes: 1,
  },
  {
    rule: 'MM029',
    name: 'two 2 MiB pools on node 0',
    trigger: x86('hugetlb:\n  - { node: 0, pageSize: 2M, count: 64 }\n  - { node: 0, pageSize: 2M, count: 128 }\n'),
    clean: x86('hugetlb:\n  - { node: 0, pageSize: 2M, count: 192 }\n'),
    range: '2M',
    message: ['hugetlb[1] repeats hugetlb[0]', "none of hugetlb[1]'s 128 pages is allocated, node 0 gets hugetlb[0]'s 64, not 192"],
    kernelText: 'HugeTLB: hugepages= specified twice without interleaving hugepagesz=, ignoring hugepages=128',
    severity: 'warning',
    fixes: 1,
  },
  {
    rule: 'MM030',
    name: 'HVO on arm64',
    trigger: arch('arm64-4k', 'hugetlb:\n  - { node: 0, pageSize: 2M, count: 100 }\n', 'kernel: { hvo: true }\n', '0x80000000'),
    clean: x86('hugetlb:\n  - { node: 0, pageSize: 2M, count: 100 }\n', 'kernel: { hvo: true }\n'),
    range: 'true',
    message: ['arm64-4k with Linux 6.12 does not select ARCH_WANT_OPTIMIZE_HUGETLB_VMEMMAP'],
    kernelText: 'HugeTLB: 0 KiB vmemmap can be freed for a 2.00 MiB page',
    severity: 'warning',
    fixes: 1,
  },
  {
    rule: 'MM031',
    name: 'HVO and memmap_on_memory memory on the node of a pool',
    trigger:
      'arch: x86_64\nkernel: { memmapOnMemory: "on", hvo: true }\nnodes:\n  - id: 0\n    cpus: 8\n    ranges:\n      - { start: 0x0, size: 2G }\n      - { start: 0x100000000, size: 2G }\nhotplug:\n  - { node: 0, start: 0x200000000, size: 16G }\nhugetlb:\n  - { node: 0, pageSize: 2M, count: 1000 }\n',
    clean:
      'arch: x86_64\nkernel: { memmapOnMemory: "off", hvo: true }\nnodes:\n  - id: 0\n    cpus: 8\n    ranges:\n      - { start: 0x0, size: 2G }\n      - { start: 0x100000000, size: 2G }\nhotplug:\n  - { node: 0, start: 0x200000000, size: 16G }\nhugetlb:\n  - { node: 0, pageSize: 2M, count: 1000 }\n',
    range: '{ node: 0, start: 0x200000000, size: 16G }',
    message: ['hotplug[0] adds 16 GiB to node 0 with memmap_on_memory', 'huge pages that hugetlb[0] gains in this memory after boot', '28 KiB per 2 MiB page not freed'],
    kernelText: '',
    severity: 'info',
    fixes: 0,
  },
  {
    rule: 'MM032',
    name: 'namespace over the end of boot RAM',
    trigger: x86(ns('    start: 0x800000000\n    size: 16G\n')),
    clean: x86(ns('    start: 0x1000000000\n    size: 16G\n')),
    range: '0x800000000',
    message: ['overlaps boot RAM (node 0 RAM 0x100000000-0x87fffffff)', 'partly RAM range with -ENXIO'],
    kernelText: 'attempted on mixed region 0x800000000-0xbffffffff',
    fixes: 1,
  },
  {
    rule: 'MM033',
    name: 'second namespace starts inside the first (corpus 14)',
    trigger: x86('devices:\n  - { name: namespace0.0, start: 0x1000000000, size: 16G }\n  - { name: namespace0.1, start: 0x1200000000, size: 16G }\n'),
    clean: x86('devices:\n  - { name: namespace0.0, start: 0x1000000000, size: 16G }\n  - { name: namespace0.1, start: 0x1400000000, size: 16G }\n'),
    range: '0x1200000000',
    message: ['overlaps device namespace0.0 0x1000000000-0x13ffffffff by 8 GiB', 'first or last pfn already mapped'],
    kernelText: 'Conflicting mapping in same section',
    fixes: 1,
  },
  {
    rule: 'MM034',
    name: 'hot-add over boot RAM',
    trigger: x86('hotplug:\n  - { start: 0x800000000, size: 1G }\n'),
    clean: x86('hotplug:\n  - { start: 0x1000000000, size: 1G }\n'),
    range: '0x800000000',
    message: ['hotplug[0] 0x800000000-0x83fffffff overlaps node 0 RAM 0x100000000-0x87fffffff', '-EEXIST'],
    kernelText: 'Unable to reserve System RAM region: 0000000800000000->0000000840000000',
    fixes: 1,
  },
  {
    rule: 'MM035',
    name: 'two nodes claim the same RAM',
    trigger: x86('  - id: 1\n    ranges:\n      - { start: 0x800000000, size: 4G }\n'),
    clean: x86('  - id: 1\n    ranges:\n      - { start: 0x900000000, size: 4G }\n'),
    range: '0x800000000',
    message: ['node 1 RAM 0x800000000-0x8ffffffff overlaps node 0 RAM 0x100000000-0x87fffffff by 2 GiB'],
    kernelText: '',
    fixes: 1,
  },
  {
    rule: 'MM036',
    name: 'device on node 0 in a hole of node 1',
    trigger: x86('  - id: 1\n    ranges:\n      - { start: 0x1000000000, size: 16G }\n      - { start: 0x1800000000, size: 16G }\ndevices:\n  - name: namespace0.0\n    node: 0\n    start: 0x1400000000\n    size: 4G\n'),
    clean: x86('  - id: 1\n    ranges:\n      - { start: 0x1000000000, size: 16G }\n      - { start: 0x1800000000, size: 16G }\ndevices:\n  - name: namespace0.0\n    node: 1\n    start: 0x1400000000\n    size: 4G\n'),
    range: '0',
    message: ['assigned to node 0 but lies inside the span of node 1 (0x1000000000-0x1bffffffff)'],
    kernelText: '',
    severity: 'warning',
    fixes: 1,
  },
  {
    rule: 'MM037',
    name: 'what only the core notices: RAM not page aligned',
    trigger: 'arch: x86_64\nnodes:\n  - id: 0\n    ranges:\n      - { start: 0x100000800, size: 4G }\n',
    clean: 'arch: x86_64\nnodes:\n  - id: 0\n    ranges:\n      - { start: 0x100000000, size: 4G }\n',
    range: '{ start: 0x100000800, size: 4G }',
    message: ['is not page aligned'],
    kernelText: '',
    severity: 'warning',
    fixes: 0,
  },
  {
    rule: 'MM037',
    name: 'the RAM budget: a 4 TiB hot-add needs a 64 GiB memmap in 32 GiB of RAM',
    trigger: x86('hotplug:\n  - { start: 0x10000000000, size: 4T, memmapOnMemory: false }\n'),
    clean: x86('hotplug:\n  - { start: 0x10000000000, size: 1T, memmapOnMemory: false }\n'),
    range: '{ start: 0x10000000000, size: 4T, memmapOnMemory: false }',
    message: ['its vmemmap needs 64 GiB of RAM', 'vmemmap alloc failure: order:9', 'add_memory_resource() fails with -ENOMEM'],
    kernelText: '',
    fixes: 0,
  },
  {
    rule: 'MM038',
    name: 'ppc64 hash: 16 MiB bolted vmemmap pages cross a 1 GiB namespace',
    trigger: arch('ppc64-hash', ns('    start: 0x1400000000\n    size: 1G\n    align: 16M\n    map: dev\n'), '', '0x0'),
    clean: arch('ppc64-hash', ns('    start: 0x1400000000\n    size: 1G\n    align: 16M\n    map: mem\n'), '', '0x0'),
    range: 'dev',
    message: ['16 MiB of the memmap of map=dev device namespace0.0 comes from RAM (all of it)', 'bolted in 16 MiB pages'],
    kernelText: '',
    severity: 'warning',
    fixes: 1,
  },
  {
    rule: 'MM039',
    name: 'a calibration point for a node the config does not have',
    trigger: x86('machine:\n  calibration:\n    - { phase: deferred, node: 5, ms: 10 }\n'),
    clean: x86('machine:\n  calibration:\n    - { phase: deferred, node: 0, ms: 10 }\n'),
    range: '{ phase: deferred, node: 5, ms: 10 }',
    message: ['calibration point not used: no node 5 in the config'],
    kernelText: '',
    severity: 'warning',
    fixes: 1,
  },
];

describe('check rules', () => {
  it('every rule has a case', () => {
    const covered = new Set(CASES.map((c) => c.rule));
    assert.deepEqual(
      RULES.map((r) => r.id).filter((id) => !covered.has(id)),
      [],
    );
  });

  for (const c of CASES) {
    describe(`${c.rule} ${c.name}`, () => {
      it('fires, located at the offending value, with the numbers and the kernel text', () => {
        const r = check(c.trigger);
        const found = byRule(r, c.rule);
        assert.equal(found.length, 1, `expected one ${c.rule}, got ${JSON.stringify(r.findings.map((f) => `${f.rule} ${f.message}`), null, 1)}`);
        const f = found[0];
        assert.equal(at(r, f), c.range);
        for (const m of c.message) assert.ok(f.message.includes(m), `message lacks "${m}":\n${f.message}`);
        assert.equal(f.kernelText, c.kernelText);
        assert.equal(f.severity, c.severity ?? 'error');
        assert.equal(f.slug, RULES.find((x) => x.id === c.rule)!.slug);
        assert.equal(f.scenario, null);
        assert.equal(f.fixes.length, c.fixes, `fixes: ${f.fixes.map((x) => x.title).join(' | ')}`);
      });

      it('does not fire on the corrected config', () => {
        const r = check(c.clean);
        assert.deepEqual(
          byRule(r, c.rule).map((f) => f.message),
          [],
        );
      });

      it('each fix yields a config where the rule is gone and the simulation succeeds', () => {
        const r = check(c.trigger);
        const f = byRule(r, c.rule)[0];
        assert.equal(f.fixes.length, c.fixes);
        f.fixes.forEach((_, i) => assertFixWorks(c.trigger, f, i));
      });
    });
  }
});

describe('raw namespaces on label-less regions (e820, virtio-pmem, of-pmem)', () => {
  for (const provider of ['e820', 'virtio-pmem', 'of-pmem']) {
    it(`${provider}: no ndctl rule fires (nothing is created with ndctl), MM002 gives the probe's "misaligned, unable to map"`, () => {
      const r = check(x86(ns(`    provider: ${provider}\n    mode: raw\n    start: 0x880100000\n    size: 8M\n`)));
      assert.deepEqual(r.findings.filter((f) => /^MM02[3-6]$/.test(f.rule)).map((f) => f.message), []);
      const f = byRule(r, 'MM002');
      assert.equal(f.length, 1);
      assert.ok(f[0].message.startsWith('raw namespace namespace0.0'), f[0].message);
      assert.equal(f[0].kernelText, '[mem 0x880100000-0x8808fffff flags 0x200] misaligned, unable to map');
    });
  }
  it('ppc64-hash of-pmem: 2 MiB aligned is not enough, memremap_compat_align() is 16 MiB', () => {
    const text = `arch: ppc64-hash\nkernel: { version: "6.12" }\nnodes:\n  - id: 0\n    cpus: 4\n    ranges: [{ start: 0x0, size: 16G }]\ndevices:\n  - { name: namespace0.0, kind: pmem, provider: of-pmem, mode: raw, start: 0x1000200000, size: 1G }\n`;
    const f = byRule(check(text), 'MM002');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /start 0x1000200000 is not 16 MiB aligned .*memremap_compat_align\(\) \(16 MiB\) with -EOPNOTSUPP/);
    assert.equal(f[0].kernelText, '[mem 0x1000200000-0x10401fffff flags 0x200] misaligned, unable to map');
    assert.equal(f[0].fixes.length, 2);
    f[0].fixes.forEach((_, i) => assertFixWorks(text, f[0], i));
  });
  it('nfit raw is still an ndctl namespace (MM025 with the kernel size_store line)', () => {
    const r = check(x86(ns('    mode: raw\n    start: 0x880000000\n    size: 999M\n')));
    assert.deepEqual(byRule(r, 'MM025').map((f) => f.kernelText), ['region0: align setting is 0x1000000 size 0x3e700000 is misaligned\n1047527424 is not 16384K aligned']);
    assert.deepEqual(byRule(r, 'MM002'), []);
  });
});

describe('calibration points the timing model cannot use (MM039)', () => {
  it('names each reason the timing model gives, at the point', () => {
    const text = x86(
      'devices:\n  - { name: ns0, kind: pmem, mode: devdax, start: 0x880000000, size: 16G }\n' +
        'machine:\n  calibration:\n    - { phase: zoneDevice, device: nosuch, ms: 10 }\n    - { phase: hotplugOnline, device: ns0, ms: 10 }\n    - { phase: hugetlb, node: 0, ms: 10 }\n    - { phase: zoneDevice, device: ns0, ms: 10 }\n',
    );
    const f = byRule(check(text), 'MM039');
    assert.deepEqual(
      f.map((x) => [x.path.join('.'), x.message]),
      [
        ['machine.calibration.0', 'calibration point not used: no device or hot-add entry named "nosuch"'],
        ['machine.calibration.1', 'calibration point not used: "ns0" is not hot-added memory (kmem / hotplug); use phase "zoneDevice"'],
        ['machine.calibration.2', 'calibration point not used: no boot HugeTLB pool on node 0'],
      ],
    );
  });
});

describe('ppc64 per-node HugeTLB pools (MM027)', () => {
  const two = (a: number, b: number) =>
    `arch: ppc64-hash\nnodes:\n  - id: 0\n    cpus: 8\n    ranges:\n      - { start: 0x0, size: 16G }\n  - id: 1\n    cpus: 8\n    ranges:\n      - { start: 0x400000000, size: 16G }\nhugetlb:\n  - { node: 0, pageSize: 16M, count: ${a} }\n  - { node: 1, pageSize: 16M, count: ${b} }\n`;
  it('unequal counts: one finding per pool, no MM028 / MM037, and the balance fix works', () => {
    const r = check(two(64, 32));
    const f = byRule(r, 'MM027');
    assert.equal(f.length, 2);
    assert.deepEqual(r.findings.filter((x) => x.rule === 'MM028' || x.rule === 'MM037').map((x) => x.message), []);
    assert.deepEqual(f[0].fixes.map((x) => x.title), ['Balance: 48 pages on each of the 2 nodes (hugepages=96)']);
    assertFixWorks(two(64, 32), f[0], 0);
  });
  it('equal counts are a balanced hugepages=N: allocated', () => {
    assert.deepEqual(byRule(check(two(48, 48)), 'MM027'), []);
  });
});
