// From a schema-valid raw value to the WorkloadConfig the core consumes: sizes and addresses become
// exact byte counts, defaults are filled in, every object records its path, and the checks the schema
// cannot express are made (node references, unique ids and names).
import { archProfile, defaultDaxAlign, physmemBitsChoices } from '../core/arch';
import { buildMemoryLayout, profileOf } from '../core/layout';
import { memmapOnMemoryPlan } from '../core/memory_hotplug';
import { formatPath, type ConfigError } from './diagnostics';
import type { Locate } from './schema';
import { parseAddress, parseKernelVersion, parseSize, type Parsed } from './units';
import type {
  Arch,
  DeviceConfig,
  HotplugConfig,
  HugetlbPoolConfig,
  JsonPath,
  KernelOptions,
  MemRange,
  NodeConfig,
  ScenarioConfig,
  WorkloadConfig,
} from './types';

/** Defaults the format does not fix itself (the CLI and the extension let users choose them). */
export interface NormalizeDefaults {
  arch: Arch;
  kernelVersion: string;
  /** Config name when the file has none (derived from the file name). */
  name: string;
}

/** Defaults of the format, as the schema documents them. */
export const DEFAULTS = {
  arch: 'x86_64' as Arch,
  kernelVersion: '6.12',
  structPageSize: 64,
  nodeCpus: 1,
  deviceNode: 0,
  deviceKind: 'pmem' as const,
  deviceMode: 'fsdax' as const,
  deviceMap: 'dev' as const,
} as const;

/**
 * devices[].map when the config does not set it: `dev` (ndctl's --map default) for the devices with an nvdimm
 * info block (pmem namespaces, CXL fsdax); `mem` for CXL / HMEM dynamic dax regions, which have no info block
 * to reserve a memmap in (alloc_dax_region() without an altmap): their memmap is always in RAM.
 */
function defaultMap(kind: DeviceConfig['kind'], mode: DeviceConfig['mode']): DeviceConfig['map'] {
  return kind === 'pmem' || (kind === 'cxl' && mode === 'fsdax') ? DEFAULTS.deviceMap : 'mem';
}

// The raw shapes the schema guarantees (optional fields may be absent).
type Num = number | string;
interface RawKernel {
  version?: string;
  structPageSize?: number;
  hvo?: boolean;
  memmapOnMemory?: KernelOptions['memmapOnMemory'];
  deferredInit?: boolean;
  hypervisor?: boolean;
  memoryBlockSize?: Num | null;
  maxPhysmemBits?: number | null;
}
interface RawNode {
  id: number;
  cpus?: number;
  ranges: { start: Num; size: Num }[];
}
interface RawDevice {
  name: string;
  node?: number;
  kind?: DeviceConfig['kind'];
  provider?: DeviceConfig['provider'];
  mode?: DeviceConfig['mode'];
  start: Num;
  size: Num;
  align?: Num;
  map?: DeviceConfig['map'];
  memmapOnMemory?: boolean;
}
interface RawHotplug {
  node?: number;
  start: Num;
  size: Num;
  memmapOnMemory?: boolean;
}
interface RawHugetlb {
  node?: number;
  pageSize: Num;
  count: number;
}
interface RawScenario {
  name: string;
  description?: string;
  set?: Record<string, unknown>;
}
interface RawConfig {
  name?: string;
  arch?: Arch;
  kernel?: RawKernel;
  nodes: RawNode[];
  devices?: RawDevice[];
  hotplug?: RawHotplug[];
  hugetlb?: RawHugetlb[];
  machine?: Record<string, unknown>;
  scenarios?: RawScenario[];
}

/** Normalize a value that passed schema validation. `config` is null when any finding is an error. */
export function normalize(
  value: unknown,
  locate: Locate,
  defaults: NormalizeDefaults,
  scenario: string | null,
): { config: WorkloadConfig | null; errors: ConfigError[] } {
  const raw = value as RawConfig;
  const errors: ConfigError[] = [];
  const report = (path: JsonPath, message: string, part: 'value' | 'key' = 'value') =>
    errors.push({ message, path, range: locate(path, part), severity: 'error', source: 'value' });

  const num = (parse: (v: unknown) => Parsed) => (v: unknown, path: JsonPath): number => {
    const r = parse(v);
    if (r.ok) return r.value;
    report(path, `${formatPath(path)}: ${r.message}`);
    return 0;
  };
  const size = num(parseSize);
  const address = num(parseAddress);

  const kernel = normalizeKernel(raw.kernel ?? {}, defaults, size, report);

  // Nodes: unique ids.
  const nodes: NodeConfig[] = [];
  const nodeAt = new Map<number, number>();
  raw.nodes.forEach((n, i) => {
    const path = ['nodes', i];
    const prev = nodeAt.get(n.id);
    if (prev !== undefined) report([...path, 'id'], `nodes[${i}].id: node ${n.id} is already defined by nodes[${prev}]`);
    else nodeAt.set(n.id, i);
    const ranges: MemRange[] = n.ranges.map((r, j) => {
      const rp = [...path, 'ranges', j];
      return { start: address(r.start, [...rp, 'start']), size: size(r.size, [...rp, 'size']), path: rp };
    });
    nodes.push({ id: n.id, cpus: n.cpus ?? DEFAULTS.nodeCpus, ranges, path });
  });
  const nodeIds = [...nodeAt.keys()];
  const nodeRef = (v: number | undefined, path: JsonPath): number => {
    const id = v ?? DEFAULTS.deviceNode;
    if (!nodeAt.has(id)) {
      const defined = `defined nodes: ${nodeIds.join(', ')}`;
      if (v === undefined) report(path, `${formatPath(path)}: no 'node' given, and the default node ${id} is not defined (${defined})`);
      else report([...path, 'node'], `${formatPath([...path, 'node'])}: node ${id} is not defined (${defined})`);
    }
    return id;
  };

  // ndctl / nd_pfn default align: HPAGE_PMD_SIZE with THP (2 MiB on x86, 512 MiB on arm64 64K, ...).
  const arch = raw.arch ?? defaults.arch;
  const bits = physmemBitsChoices(arch);
  if (kernel.maxPhysmemBits !== null && !bits.includes(kernel.maxPhysmemBits)) {
    report(['kernel', 'maxPhysmemBits'], `kernel.maxPhysmemBits: ${arch} kernels run with MAX_PHYSMEM_BITS ${bits.length > 3 ? `${bits[0]} to ${bits[bits.length - 1]}` : bits.join(' or ')}, not ${kernel.maxPhysmemBits}`);
    kernel.maxPhysmemBits = null;
  }
  const defaultAlign = defaultDaxAlign(archProfile({ arch, kernel }));
  const names = new Map<string, number>();
  /** Devices whose memmapOnMemory is not written: their default depends on the whole config (see below). */
  const defaultedMom: number[] = [];
  const devices: DeviceConfig[] = (raw.devices ?? []).map((d, i) => {
    const path = ['devices', i];
    const prev = names.get(d.name);
    if (prev !== undefined) report([...path, 'name'], `devices[${i}].name: '${d.name}' is already the name of devices[${prev}]`);
    else names.set(d.name, i);
    if (d.memmapOnMemory === undefined) defaultedMom.push(i);
    const kind = d.kind ?? DEFAULTS.deviceKind;
    const mode = d.mode ?? DEFAULTS.deviceMode;
    return {
      name: d.name,
      node: nodeRef(d.node, path),
      kind,
      provider: d.provider ?? 'nfit',
      mode,
      start: address(d.start, [...path, 'start']),
      size: size(d.size, [...path, 'size']),
      align: d.align === undefined ? defaultAlign : size(d.align, [...path, 'align']),
      map: d.map ?? defaultMap(kind, mode),
      memmapOnMemory: d.memmapOnMemory ?? false,
      path,
    };
  });

  const hotplug: HotplugConfig[] = (raw.hotplug ?? []).map((h, i) => {
    const path = ['hotplug', i];
    return {
      node: nodeRef(h.node, path),
      start: address(h.start, [...path, 'start']),
      size: size(h.size, [...path, 'size']),
      memmapOnMemory: h.memmapOnMemory ?? true,
      path,
    };
  });

  const hugetlb: HugetlbPoolConfig[] = (raw.hugetlb ?? []).map((h, i) => {
    const path = ['hugetlb', i];
    return { node: nodeRef(h.node, path), pageSize: size(h.pageSize, [...path, 'pageSize']), count: h.count, path };
  });

  const scenarioAt = new Map<string, number>();
  const scenarios: ScenarioConfig[] = (raw.scenarios ?? []).map((s, i) => {
    const path = ['scenarios', i];
    const prev = scenarioAt.get(s.name);
    if (prev !== undefined) report([...path, 'name'], `scenarios[${i}].name: '${s.name}' is already the name of scenarios[${prev}]`);
    else scenarioAt.set(s.name, i);
    return { name: s.name, set: structuredClone(s.set ?? {}), path };
  });

  const config: WorkloadConfig = {
    name: raw.name ?? defaults.name,
    arch,
    kernel,
    nodes,
    devices,
    hotplug,
    hugetlb,
    machine: structuredClone(raw.machine ?? {}),
    scenarios,
    scenario,
  };
  if (errors.length) return { config: null, errors };
  for (const i of defaultedMom) config.devices[i].memmapOnMemory = deviceMemmapOnMemoryDefault(config, config.devices[i]);
  return { config, errors };
}

/**
 * devices[].memmapOnMemory when the config does not set it: the value the kernel gives the dev_dax, as far as
 * it has an effect. drivers/dax/cxl.c (6.12 :29, cxl_dax_region_probe()) creates the dax device of a CXL region
 * with `.memmap_on_memory = true`; hmem (drivers/dax/hmem/hmem.c:39) and pmem (drivers/dax/pmem.c:66) with false.
 * The field, the sysfs knob and the CXL default came in one commit, "dax: add a sysfs knob to control
 * memmap_on_memory behavior" ("For dax devices via CXL, the default is on"), so from 6.8 like the knob
 * (BOUNDARY.daxKmemMemmapOnMemory); before that kmem never passed MHP_MEMMAP_ON_MEMORY. dax/kmem passes
 * MHP_MEMMAP_ON_MEMORY for it, and add_memory_resource() (6.12 mm/memory_hotplug.c:1545) silently adds the memory
 * with its memmap in RAM when mhp_supports_memmap_on_memory() is false (kernel.memmapOnMemory off, the
 * architecture, the memory block's memmap not pageblock / PMD aligned). The default is that outcome: true only
 * where the kernel honours it, so that an unwritten attribute is never reported as a refused write of 1.
 */
function deviceMemmapOnMemoryDefault(config: WorkloadConfig, d: DeviceConfig): boolean {
  if (d.kind !== 'cxl' || config.kernel.memmapOnMemory === 'off') return false;
  try {
    const profile = profileOf(config);
    if (!profile.features.daxKmemMemmapOnMemory || !profile.features.memmapOnMemory) return false;
    const blockBytes = buildMemoryLayout(config).layout.memoryBlockBytes;
    return memmapOnMemoryPlan(profile, blockBytes, blockBytes, config.kernel.memmapOnMemory).supported;
  } catch {
    // A config the core cannot lay out: the simulation reports it; the knob stays off.
    return false;
  }
}

function normalizeKernel(
  k: RawKernel,
  defaults: NormalizeDefaults,
  size: (v: unknown, path: JsonPath) => number,
  report: (path: JsonPath, message: string) => void,
): KernelOptions {
  const path = ['kernel'];
  const version = k.version ?? defaults.kernelVersion;
  const v = parseKernelVersion(version);
  const m = v.ok ? ([v.major, v.minor] as const) : null;
  if (!v.ok) report([...path, 'version'], `kernel.version: ${v.message}`);
  else if (v.major < 2 || (v.major === 2 && v.minor < 6)) {
    report([...path, 'version'], `kernel.version: Linux ${version} predates the vmemmap (CONFIG_SPARSEMEM_VMEMMAP, 2.6.24) and memory hotplug the simulator models: give "2.6" or later (e.g. "6.12")`);
  }
  return {
    version,
    versionNum: m ?? [0, 0],
    structPageSize: k.structPageSize ?? DEFAULTS.structPageSize,
    hvo: k.hvo ?? false,
    memmapOnMemory: k.memmapOnMemory ?? 'off',
    deferredInit: k.deferredInit ?? true,
    hypervisor: k.hypervisor ?? false,
    memoryBlockSize: k.memoryBlockSize === undefined || k.memoryBlockSize === null ? null : size(k.memoryBlockSize, [...path, 'memoryBlockSize']),
    maxPhysmemBits: k.maxPhysmemBits ?? null,
    path,
  };
}
