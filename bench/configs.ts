// Big workload configs written the way the examples are, for bench/check.ts and bench/live-analysis.ts.

const GiB = 2 ** 30;
const hex = (n: number) => `0x${n.toString(16)}`;

export interface BigConfig {
  nodes: { id: number; cpus: number; ranges: { start: string; size: string }[] }[];
  devices: { name: string; node: number; kind: string; mode: string; start: string; size: string; align: string; map: string }[];
  hotplug: { node: number; start: string; size: string; memmapOnMemory: boolean }[];
  hugetlb: { node: number; pageSize: string; count: number }[];
  scenarios: { name: string; set: Record<string, unknown> }[];
}

/** A large machine written the way the examples are: 8 nodes, devices with one field per line, hot-adds, pools. */
export function bigConfig(devices: number, scenarios: number): BigConfig {
  const nodes: BigConfig['nodes'] = [];
  for (let n = 0; n < 8; n++) {
    const ranges = n === 0 ? [{ start: '0x0', size: '2G' }, { start: '0x100000000', size: '254G' }] : [{ start: hex(n * 256 * GiB), size: '256G' }];
    nodes.push({ id: n, cpus: 32, ranges });
  }
  const devs: BigConfig['devices'] = [];
  const base = 8 * 256 * GiB;
  for (let i = 0; i < devices; i++) {
    // Every 10th device has something to report (2 MiB past a section, or align 1G).
    const start = base + i * 64 * GiB + (i % 10 === 3 ? 2 * 2 ** 20 : 0);
    devs.push({ name: `namespace${i >> 3}.${i & 7}`, node: i % 8, kind: 'pmem', mode: i % 3 ? 'devdax' : 'fsdax', start: hex(start), size: '32G', align: i % 10 === 7 ? '1G' : '2M', map: i % 2 ? 'dev' : 'mem' });
  }
  const hotplug: BigConfig['hotplug'] = [];
  for (let i = 0; i < 60; i++) hotplug.push({ node: i % 8, start: hex(base + devices * 64 * GiB + i * 8 * GiB), size: '8G', memmapOnMemory: i % 2 === 0 });
  const hugetlb: BigConfig['hugetlb'] = [];
  for (let n = 0; n < 8; n++) hugetlb.push({ node: n, pageSize: '1G', count: 16 }, { node: n, pageSize: '2M', count: 4096 });
  const sc: BigConfig['scenarios'] = [];
  for (let i = 0; i < scenarios; i++) sc.push({ name: `what-if ${i}`, set: { [`devices[${i}].map`]: i % 2 ? 'mem' : 'dev', 'kernel.hvo': i % 2 === 0 } });
  return { nodes, devices: devs, hotplug, hugetlb, scenarios: sc };
}

/** YAML in the examples' style: block mappings for devices, flow mappings for short items. */
export function toYaml(cfg: BigConfig): string {
  const out: string[] = ['arch: x86_64', 'kernel:', '  version: "6.12"', '  hvo: true', '  memmapOnMemory: "on"', 'nodes:'];
  for (const n of cfg.nodes) {
    out.push(`  - id: ${n.id}`, `    cpus: ${n.cpus}`, '    ranges:');
    for (const r of n.ranges) out.push(`      - { start: ${r.start}, size: ${r.size} }`);
  }
  out.push('devices:');
  for (const d of cfg.devices) {
    out.push(`  - name: ${d.name}`, `    node: ${d.node}`, `    kind: ${d.kind}`, `    mode: ${d.mode}`, `    start: ${d.start}`, `    size: ${d.size}`, `    align: ${d.align}`, `    map: ${d.map}`, '    # a comment line per device, as in the examples');
  }
  out.push('hotplug:');
  for (const h of cfg.hotplug) out.push(`  - { node: ${h.node}, start: ${h.start}, size: ${h.size}, memmapOnMemory: ${h.memmapOnMemory} }`);
  out.push('hugetlb:');
  for (const h of cfg.hugetlb) out.push(`  - { node: ${h.node}, pageSize: ${h.pageSize}, count: ${h.count} }`);
  if (cfg.scenarios.length) {
    out.push('scenarios:');
    for (const s of cfg.scenarios) out.push(`  - name: ${s.name}`, `    set: ${JSON.stringify(s.set)}`);
  }
  return out.join('\n') + '\n';
}

/** A node-heavy machine: 128 NUMA nodes with two RAM ranges each and 900 hot-added ranges (block style). */
export function nodeHeavyYaml(): string {
  const out: string[] = ['arch: x86_64', 'kernel:', '  version: "6.12"', '  memmapOnMemory: "on"', 'nodes:'];
  for (let n = 0; n < 128; n++) {
    const base = n * 64 * GiB;
    out.push(`  - id: ${n}`, '    cpus: 8', '    ranges:', `      - { start: ${hex(base + (n === 0 ? 0 : 0))}, size: 2G }`, `      - { start: ${hex(base + 4 * GiB)}, size: 28G }`);
  }
  out.push('hotplug:');
  for (let i = 0; i < 900; i++) {
    const n = i % 128;
    // 7 of every 8 are block aligned; one is 1 GiB off (MM001).
    out.push(`  - node: ${n}`, `    start: ${hex(n * 64 * GiB + 32 * GiB + Math.floor(i / 128) * 4 * GiB + (i % 8 === 5 ? GiB : 0))}`, '    size: 2G', `    memmapOnMemory: ${i % 2 === 0}`);
  }
  return out.join('\n') + '\n';
}


/** Many HugeTLB pools, one per small node, each too large for it (a finding each: MM028), counts unequal so that they
 *  read as per-node requests (hugepages=0:N,1:M,...), for the checker's scaling. (Pools of one size on one node are one
 *  hugepages= request: the kernel ignores a second one, MM029.) */
export function manyPoolsYaml(pools: number): string {
  const out: string[] = ['arch: x86_64', 'nodes:'];
  for (let i = 0; i < pools; i++) out.push(`  - { id: ${i}, cpus: 1, ranges: [{ start: ${hex((i + 4) * GiB)}, size: 1G }] }`);
  out.push('hugetlb:');
  for (let i = 0; i < pools; i++) out.push(`  - { pageSize: 2M, count: ${600 + (i % 7)}, node: ${i} }`);
  return out.join('\n') + '\n';
}
