// The editor features' pure helpers (src/extension/figures.ts): alignment facts, durations, which config
// object is at an offset, quick fix titles, Fix All's selection, CodeLens titles and hover tables on the
// core's real results.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigText } from '../../src/config/load';
import { simulateMemmap } from '../../src/core/simulate';
import { simulateTiming } from '../../src/core/init/index';
import { checkDocument, fixAllApplies, ruleById, RULES } from '../../src/check/index';
import {
  approxBytes,
  describeAlignment,
  deviceHover,
  deviceLensTitle,
  elementAt,
  formatDelta,
  formatMs,
  granulesOf,
  hotplugLensTitle,
  hugetlbHover,
  hugetlbPagesText,
  machineHover,
  kernelFunction,
  nodeHover,
  nodeLensTitle,
  textChange,
  textChanges,
  quickFixTitle,
  rangeHover,
  scenarioHover,
  scenarioLensTitle,
  valueFacts,
} from '../../src/extension/figures';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const x86 = { pageSize: 4096, sectionSize: 128 * MiB, pagesPerSubsection: 512, memoryBlockBytes: 2 * GiB };

describe('alignment facts', () => {
  const g = granulesOf(x86);
  it('granules: ascending, equal sizes merged, extra ones included', () => {
    assert.deepEqual(g.map((x) => [x.bytes, x.name]), [[4096, 'page'], [2 * MiB, 'sub-section'], [128 * MiB, 'section'], [2 * GiB, 'memory block']]);
    const withAlign = granulesOf(x86, [{ bytes: 2 * MiB, name: 'namespace align' }, { bytes: 16 * MiB, name: 'ndctl namespace' }]);
    assert.deepEqual(withAlign.map((x) => x.name), ['page', 'sub-section, namespace align', 'ndctl namespace', 'section', 'memory block']);
    // A 128 MiB memory block (small machines) is the section granule.
    assert.deepEqual(granulesOf({ ...x86, memoryBlockBytes: 128 * MiB }).map((x) => x.name), ['page', 'sub-section', 'section, memory block']);
  });
  it('an address: the granule it satisfies and the first it breaks', () => {
    assert.equal(describeAlignment(0x3043200000, g, 'address'), '`0x3043200000` is 2 MiB (sub-section) aligned but not 128 MiB (section)');
    assert.equal(describeAlignment(0x3048000000, g, 'address'), '`0x3048000000` is 128 MiB (section) aligned but not 2 GiB (memory block)');
    assert.equal(describeAlignment(0x400000000, g, 'address'), '`0x400000000` is 2 GiB (memory block) aligned, and so on every smaller granule (page, sub-section, section)');
    assert.equal(describeAlignment(0x1001, g, 'address'), '`0x1001` is not even 4 KiB (page) aligned');
    assert.equal(describeAlignment(0, g, 'address'), '`0x0` is aligned to every granule');
  });
  it('a size: whole granules', () => {
    assert.equal(describeAlignment(78 * MiB, g, 'size'), '78 MiB is a multiple of 2 MiB (sub-section) but not of 128 MiB (section)');
    assert.equal(describeAlignment(64 * GiB, g, 'size'), '64 GiB is a multiple of 2 GiB (memory block), and so of every smaller granule (page, sub-section, section)');
    assert.equal(describeAlignment(100, g, 'size'), '100 B is not a multiple of 4 KiB (page)');
  });
  it('value facts per member: start, size (with its end), align; nothing for the others', () => {
    assert.match(valueFacts('start', 0x3043200000, g)!, /^`0x3043200000` is 2 MiB \(sub-section\) aligned but not 128 MiB \(section\)$/);
    assert.equal(valueFacts('size', 64 * GiB, g, 0x3043200000), '64 GiB is a multiple of 2 GiB (memory block), and so of every smaller granule (page, sub-section, section); the end `0x4043200000` is 2 MiB (sub-section) aligned but not 128 MiB (section)');
    assert.equal(valueFacts('align', 2 * MiB, g), '2 MiB = `0x200000`');
    assert.equal(valueFacts('node', 0, g), null);
    assert.equal(valueFacts('start', '0x0', g), null);
  });
});

describe('durations and deltas', () => {
  it('formatMs picks a readable unit', () => {
    assert.deepEqual([0.42, 7.34, 137.6, 1140, 3210, 125_000].map(formatMs), ['0.42 ms', '7.3 ms', '138 ms', '1.1 s', '3.2 s', '125 s']);
    assert.equal(formatMs(NaN), '?');
  });
  it('formatDelta is signed and rounded for titles', () => {
    assert.deepEqual([24 * GiB, -6 * GiB, 0, 18384 * MiB].map(formatDelta), ['+24 GiB', '-6 GiB', '±0', '+18.0 GiB']);
  });
  it('approxBytes: whole units stay whole, others get 3-4 digits', () => {
    assert.deepEqual([6 * GiB, 1.11 * GiB, 34.89 * GiB, 1022 * MiB, 1023.75 * MiB, 512, 0, -2 * MiB].map(approxBytes), ['6 GiB', '1.1 GiB', '34.9 GiB', '1022 MiB', '1024 MiB', '512 B', '0 B', '-2 MiB']);
  });
});

describe('quick fix titles cite the kernel rule', () => {
  it('the first kernel function of the citation', () => {
    assert.equal(kernelFunction('[6.12] mm/memory_hotplug.c: check_pfn_span(); drivers/nvdimm/pfn_devs.c: nd_pfn_init()'), 'check_pfn_span()');
    assert.equal(kernelFunction('src/core (simulateMemmap): the mm paths of §2-§8'), null);
  });
  it('every rule gets a citation in its title', () => {
    for (const r of RULES) assert.match(quickFixTitle('Do it', r), new RegExp(`^Do it \\(${r.id}, (\\w+\\(\\)|${r.slug})\\)$`));
    assert.equal(quickFixTitle('Shrink to whole sections: start 0x3048000000, size 65408 MiB', ruleById('MM004')!), 'Shrink to whole sections: start 0x3048000000, size 65408 MiB (MM004, vmemmap_populate())');
  });
});

describe('Fix All', () => {
  it('applies errors anywhere and warnings of the base config only', () => {
    assert.equal(fixAllApplies({ severity: 'error', scenario: 'x' }), true);
    assert.equal(fixAllApplies({ severity: 'warning', scenario: null }), true);
    assert.equal(fixAllApplies({ severity: 'warning', scenario: 'x' }), false);
    assert.equal(fixAllApplies({ severity: 'info', scenario: null }), false);
  });
  it('turns the fixed text into one replacement of the part that differs', () => {
    const apply = (a: string, c: { range: { start: number; end: number }; newText: string } | null) => (c ? a.slice(0, c.range.start) + c.newText + a.slice(c.range.end) : a);
    assert.equal(textChange('abc', 'abc'), null);
    for (const [a, b] of [['size: 1G\nalign: 1G\n', 'size: 2G\nalign: 1G\n'], ['aaaa', 'aa'], ['aa', 'aaaa'], ['x: 1\ny: 2\n', 'x: 3\ny: 4\n'], ['', 'new'], ['old', '']]) {
      const c = textChange(a, b)!;
      assert.equal(apply(a, c), b, `${a} -> ${b}`);
      assert.ok(c.range.start <= c.range.end && c.range.end <= a.length);
    }
    assert.deepEqual(textChange('size: 1G\nalign: 1G\n', 'size: 2G\nalign: 1G\n'), { range: { start: 6, end: 7 }, newText: '2' });
    // repeated characters: the prefix is taken first, the suffix never overlaps it
    assert.deepEqual(textChange('aaaa', 'aa'), { range: { start: 2, end: 4 }, newText: '' });
  });
  it('Fix All as edits: one per changed line, or one for the middle when lines were added or removed', () => {
    const apply = (a: string, cs: { range: { start: number; end: number }; newText: string }[]) =>
      [...cs].sort((x, y) => y.range.start - x.range.start).reduce((t, c) => t.slice(0, c.range.start) + c.newText + t.slice(c.range.end), a);
    const before = 'a: 1G\nb: keep\nc: 0x1000\n';
    const after = 'a: 2G\nb: keep\nc: 0x2000\n';
    const cs = textChanges(before, after);
    assert.deepEqual(cs, [{ range: { start: 3, end: 4 }, newText: '2' }, { range: { start: 19, end: 20 }, newText: '2' }]);
    assert.equal(apply(before, cs), after);
    const merged = 'a: 1G\nb: keep\n';
    assert.equal(apply(before, textChanges(before, merged)), merged);
    assert.equal(textChanges(before, merged).length, 1);
    assert.deepEqual(textChanges(before, before), []);
  });
  it('a trade-off warning is never applied in bulk', () => {
    assert.equal(fixAllApplies({ severity: 'warning', scenario: null, tradeOff: true }), false);
    assert.equal(fixAllApplies({ severity: 'error', scenario: null, tradeOff: true }), true);
    assert.equal(fixAllApplies({ severity: 'warning', scenario: null, tradeOff: false }), true);
  });
});

const FIXTURE = `name: editor fixture
arch: x86_64
kernel:
  version: "6.12"
  hvo: true
nodes:
  - id: 0
    cpus: 16
    ranges:
      - { start: 0x0, size: 2G }
      - { start: 0x100000000, size: 62G }
devices:
  - name: namespace0.0
    node: 0
    kind: pmem
    mode: fsdax
    start: 0x3041000000
    size: 64G
    align: 2M
    map: dev
hotplug:
  - { node: 0, start: 0x5080000000, size: 2G }
hugetlb:
  - { node: 0, pageSize: 1G, count: 8 }
scenarios:
  - name: memmap in RAM
    set: { "devices[namespace0.0].map": mem }
`;

describe('the config object at an offset', () => {
  const load = loadConfigText(FIXTURE, 'f.memmap.yaml');
  const cfg = load.config!;
  const rangeOf = (p: readonly (string | number)[], part?: 'value' | 'key') => load.doc!.rangeOf(p, part);
  const at = (needle: string, delta = 0) => {
    const i = FIXTURE.indexOf(needle);
    assert.ok(i >= 0, needle);
    return elementAt(cfg, rangeOf, i + delta);
  };
  it('the innermost object, and the member under the cursor (key or value)', () => {
    assert.deepEqual(pick(at('0x3041000000', 3)), { kind: 'device', index: 0, field: 'start' });
    assert.deepEqual(pick(at('start: 0x3041000000', 1)), { kind: 'device', index: 0, field: 'start' });
    assert.deepEqual(pick(at('mode: fsdax')), { kind: 'device', index: 0, field: 'mode' });
    assert.deepEqual(pick(at('size: 62G', 7)), { kind: 'range', index: 0, sub: 1, field: 'size' });
    assert.deepEqual(pick(at('cpus: 16')), { kind: 'node', index: 0, field: 'cpus' });
    assert.deepEqual(pick(at('pageSize: 1G', 10)), { kind: 'hugetlb', index: 0, field: 'pageSize' });
    assert.deepEqual(pick(at('0x5080000000')), { kind: 'hotplug', index: 0, field: 'start' });
    assert.deepEqual(pick(at('"devices[namespace0.0].map"', 3)), { kind: 'scenario', index: 0, field: 'set' });
    // The machine: `arch` and the `kernel` block, key or value.
    assert.deepEqual(pick(at('kernel:')), { kind: 'machine', index: 0, field: undefined });
    assert.deepEqual(pick(at('version: "6.12"', 10)), { kind: 'machine', index: 0, field: undefined });
    assert.deepEqual(pick(at('arch: x86_64', 8)), { kind: 'machine', index: 0, field: undefined });
    assert.equal(at('name: editor fixture'), null);
  });
  function pick(e: ReturnType<typeof elementAt>) {
    if (!e) return null;
    return { kind: e.kind, index: e.index, ...(e.sub !== undefined ? { sub: e.sub } : {}), field: e.field?.key };
  }
});

describe('CodeLens titles and hovers on the core\'s results', () => {
  const load = loadConfigText(FIXTURE, 'f.memmap.yaml');
  const cfg = load.config!;
  const sim = simulateMemmap(cfg);
  const timing = simulateTiming(cfg, sim);
  const m = sim.memmap;
  const dev = m.devices[0];
  const dt = timing.devices.find((t) => t.name === 'namespace0.0');

  it('node, device, hot-add lens titles carry memmap size, where it lives and init time', () => {
    assert.match(nodeLensTitle(m.nodes[0], timing.nodes[0]), /^▶ Simulate · node 0 · 1 GiB memmap in RAM · \d+(\.\d)? (ms|s) deferred init$/);
    // map=dev, 16 MiB past a section: most of the memmap on the device, the partial sections' in RAM.
    assert.equal(dev.location, 'split');
    assert.match(deviceLensTitle(dev, dt, undefined), /^▶ Simulate · [\d.]+ [KMG]iB memmap \([\d.]+ [KMG]iB on device, 2 MiB in RAM\) · [\d.]+ (ms|s) init$/);
    assert.match(hotplugLensTitle(m.hotplug[0], timing.devices.find((t) => t.name === 'hotplug[0]')), /^▶ Simulate · hot-add 1 block · 32 MiB memmap in RAM · [\d.]+ m?s online$/);
  });
  it('a refused device says so', () => {
    assert.equal(deviceLensTitle({ ...dev, status: 'failed' }, dt, undefined), '▶ Simulate · namespace0.0 is refused by the simulated kernel (see Problems)');
  });
  it('scenario lens and hover compare with the base config', () => {
    const variant = simulateMemmap({ ...cfg, devices: [{ ...cfg.devices[0], map: 'mem' }] });
    const vt = simulateTiming({ ...cfg, devices: [{ ...cfg.devices[0], map: 'mem' }] }, variant);
    const v = { memmap: variant.memmap, kernelFailures: variant.errors.length, timing: vt, error: null };
    const title = scenarioLensTitle({ sim, timing }, v);
    // The memmap moves from the device to RAM: the same total, RAM grows.
    assert.match(title, /^▶ Simulate · memmap [\d.]+ [KMG]iB \(±0\) · RAM \+[\d.]+ [KMG]iB · init [\d.]+ m?s \(([+-][\d.]+ m?s|±0)\)$/);
    assert.equal(scenarioLensTitle({ sim, timing }, { memmap: null, kernelFailures: 0, timing: null, error: 'boom' }), '▶ Simulate · scenario does not simulate: boom');
    const hover = scenarioHover('memmap in RAM', { sim, timing }, v);
    assert.match(hover, /^\*\*scenario 'memmap in RAM'\*\* compared with the base config/);
    assert.match(hover, /\| memmap \| [\d.]+ [KMG]iB \|/);
    assert.match(hover, /\| in RAM \| [\d.]+ [KMG]iB → [\d.]+ [KMG]iB \(\+[\d.]+ [KMG]iB\) \|/);
  });
  it('the machine hover: what the simulator takes for this arch and kernel', () => {
    const h = machineHover(sim);
    assert.match(h, /^\*\*x86_64, Linux 6\.12\*\* as the simulator models it/);
    for (const re of [
      /\| page size \| 4 KiB \|/,
      /\| struct page \| 64 B \|/,
      /\| section \| 128 MiB \(32,768 pages\) \|/,
      /\| sub-section \| 2 MiB \(512 pages\) \|/,
      /\| memory block \| 2 GiB \(16 sections\): /,
      /\| physical address bits \| 46 \(MAX_PHYSMEM_BITS: 64 TiB\) \|/,
      /\| HugeTLB vmemmap optimization \(HUGETLB_PAGE_OPTIMIZE_VMEMMAP\) \| yes \|/,
      /\| deferred struct page init threads \(deferred_page_init_max_threads\(\)\) \| one per CPU of the node \|/,
    ]) assert.match(h, re);
    // Another arch and kernel: their own figures.
    const arm = simulateMemmap({ ...cfg, arch: 'arm64-64k', kernel: { ...cfg.kernel, version: '6.1' } });
    const ah = machineHover(arm);
    assert.match(ah, /^\*\*arm64-64k, Linux 6\.1\*\*/);
    assert.match(ah, /\| page size \| 64 KiB \|/);
    assert.doesNotMatch(ah, /checked against/);
    // A release outside the checked ones says what the simulator takes for it.
    const newer = machineHover(simulateMemmap({ ...cfg, kernel: { ...cfg.kernel, version: '6.17', versionNum: [6, 17] } }));
    assert.match(newer, /\n\nLinux 6\.17 is newer than 6\.12, the newest release the simulator was checked against: the figures follow 6\.12 \(later changes are not modelled\)\.\n/);
    const older = machineHover(simulateMemmap({ ...cfg, kernel: { ...cfg.kernel, version: '4.18', versionNum: [4, 18] } }));
    assert.match(older, /Linux 4\.18 is older than 6\.1, the oldest release the simulator was checked against/);
  });
  it('hovers: node, range, device, pool', () => {
    const node = nodeHover(m.nodes[0], timing.nodes[0], m.hugetlb, sim);
    assert.match(node, /^\*\*node 0\*\*: 1 GiB of memmap for 64 GiB of RAM/);
    assert.match(node, /\| deferred init \| [\d.]+ m?s on 16 threads for [\d,]+ struct pages \|/);
    const range = rangeHover(0, 0x100000000, 62 * GiB, sim, granulesOf(sim.layout));
    assert.match(range, /\| sections \| 496 \(32 – 527\) × 128 MiB \|/);
    assert.match(range, /\| start \| `0x100000000` is 2 GiB \(memory block\) aligned/);
    const d = deviceHover(dev, dt, undefined, sim);
    assert.match(d, /^\*\*namespace0\.0\*\* \(pmem fsdax, map=dev, node 0\)/);
    assert.match(d, /\| memmap \| [\d.]+ [KMG]iB: [\d.]+ [KMG]iB on the device, 2 MiB in RAM \|/);
    assert.match(d, /\| altmap \| reserve /);
    assert.match(d, /\| init \| [\d.]+ m?s struct page init/);
    const pool = hugetlbHover(m.hugetlb[0], timing.hugetlb[0]);
    assert.match(pool, /^\*\*HugeTLB pool\*\*: 8 × 1 GiB on node 0/);
    assert.match(pool, /\| saved \| [\d.]+ [KMG]iB freed/);
  });
  it('the checker on the same analysis uses the given simulation (no second simulation of the base config)', () => {
    const r = checkDocument(load, { simulation: sim });
    assert.deepEqual(r.findings.map((f) => f.rule), ['MM004']);
  });
});

describe('the examples', () => {
  it('every example gets a lens per node and device with figures', () => {
    const dir = join(__dirname, '..', '..', 'examples');
    for (const name of ['default.memmap.yaml', 'cxl-kmem-memmap-on-memory.memmap.yaml', 'hugetlb-1g-hvo.memmap.yaml']) {
      const load = loadConfigText(readFileSync(join(dir, name), 'utf8'), name);
      const sim = simulateMemmap(load.config!);
      const timing = simulateTiming(load.config!, sim);
      for (const n of sim.memmap.nodes) assert.match(nodeLensTitle(n, timing.nodes.find((t) => t.id === n.id)), /^▶ Simulate · node \d+ · /, name);
      for (const d of sim.memmap.devices) {
        const hot = d.hotplugIndex !== null ? sim.memmap.hotplug[d.hotplugIndex] : undefined;
        assert.match(deviceLensTitle(d, timing.devices.find((t) => t.name === d.name), hot), /memmap .* · [\d.]+ m?s init$/, name);
      }
    }
  });
});

describe('HugeTLB pool hover: where the pages come from', () => {
  const cfg = (count: number) => `arch: x86_64
kernel: { version: "6.12" }
nodes:
  - { id: 0, cpus: 8, ranges: [ { start: 0x0, size: 2G }, { start: 0x100000000, size: 28G } ] }
  - { id: 1, cpus: 8, ranges: [ { start: 0x800000000, size: 4G } ] }
hugetlb:
  - { node: 1, pageSize: 1G, count: ${count} }
`;
  it('a full node: memblock takes the rest of the gigantic pages from another node, and the hover says so', () => {
    const sim = simulateMemmap(loadConfigText(cfg(8), 'x.memmap.yaml').config!);
    const p = sim.memmap.hugetlb[0];
    assert.deepEqual(p.offNode, [{ node: 0, pages: 5 }]);
    assert.equal(hugetlbPagesText(p), '8 of 8 requested allocated (3 on node 1, 5 from node 0)');
  });
  it('pages that fit on their node', () => {
    const p = simulateMemmap(loadConfigText(cfg(2), 'x.memmap.yaml').config!).memmap.hugetlb[0];
    assert.equal(hugetlbPagesText(p), '2 of 2 requested allocated on node 1');
  });
});
