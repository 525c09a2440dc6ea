// Builders for normalized WorkloadConfig objects used by the core tests (no parser involved).
import type { Arch, DeviceConfig, HotplugConfig, HugetlbPoolConfig, KernelOptions, NodeConfig, WorkloadConfig } from '../../src/config/types';
import { GiB } from '../../src/config/units';

export interface CfgOptions {
  arch?: Arch;
  version?: string;
  kernel?: Partial<Omit<KernelOptions, 'path' | 'version' | 'versionNum'>>;
  /** Shorthand: one node 0 with one range [start, start + size). */
  ram?: { start?: number; size: number };
  nodes?: { id?: number; cpus?: number; ranges: { start: number; size: number }[] }[];
  devices?: Partial<Omit<DeviceConfig, 'path'>>[];
  hotplug?: Partial<Omit<HotplugConfig, 'path'>>[];
  hugetlb?: Partial<Omit<HugetlbPoolConfig, 'path'>>[];
}

export function makeConfig(o: CfgOptions = {}): WorkloadConfig {
  const version = o.version ?? '6.12';
  const [maj, min] = version.split('.').map(Number);
  const nodesIn = o.nodes ?? [{ id: 0, cpus: 8, ranges: [o.ram ? { start: o.ram.start ?? 0, size: o.ram.size } : { start: 0, size: 16 * GiB }] }];
  const nodes: NodeConfig[] = nodesIn.map((n, i) => ({
    id: n.id ?? i,
    cpus: n.cpus ?? 8,
    ranges: n.ranges.map((r, j) => ({ start: r.start, size: r.size, path: ['nodes', i, 'ranges', j] })),
    path: ['nodes', i],
  }));
  const devices: DeviceConfig[] = (o.devices ?? []).map((d, i) => ({
    name: d.name ?? `pmem${i}`,
    node: d.node ?? 0,
    kind: d.kind ?? 'pmem',
    provider: d.provider ?? 'nfit',
    mode: d.mode ?? 'fsdax',
    start: d.start ?? 64 * GiB,
    size: d.size ?? 128 * GiB,
    align: d.align ?? 2 * 1024 * 1024,
    map: d.map ?? 'dev',
    memmapOnMemory: d.memmapOnMemory ?? false,
    path: ['devices', i],
  }));
  const hotplug: HotplugConfig[] = (o.hotplug ?? []).map((h, i) => ({
    node: h.node ?? 0,
    start: h.start ?? 0,
    size: h.size ?? 0,
    memmapOnMemory: h.memmapOnMemory ?? false,
    path: ['hotplug', i],
  }));
  const hugetlb: HugetlbPoolConfig[] = (o.hugetlb ?? []).map((h, i) => ({
    node: h.node ?? 0,
    pageSize: h.pageSize ?? 2 * 1024 * 1024,
    count: h.count ?? 0,
    path: ['hugetlb', i],
  }));
  return {
    name: 'test',
    arch: o.arch ?? 'x86_64',
    kernel: {
      version,
      versionNum: [maj, min],
      structPageSize: 64,
      hvo: false,
      memmapOnMemory: 'off',
      deferredInit: true,
      hypervisor: false,
      memoryBlockSize: null,
      ...o.kernel,
      maxPhysmemBits: o.kernel?.maxPhysmemBits ?? null,
      path: ['kernel'],
    },
    nodes,
    devices,
    hotplug,
    hugetlb,
    machine: {},
    scenarios: [],
    scenario: null,
  };
}
