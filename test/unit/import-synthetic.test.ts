// `import` on small synthetic logs (written here, one fact at a time): where each config value comes from.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '../../src/config/load';
import type { WorkloadConfig } from '../../src/config/types';
import { simulateMemmap } from '../../src/core/simulate';
import { buildImport, hugepagesFromCmdline, readLogText, sizeText } from '../../src/trace/import';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-run';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function stamp(lines: string[]): string {
  return lines.map((l, i) => `[${(i * 0.001).toFixed(6).padStart(12)}] ${l}`).join('\n') + '\n';
}

function importText(text: string, opts: { calibrate?: boolean } = {}): { cfg: WorkloadConfig; yaml: string; warnings: string[] } {
  const lr = readLogText(text, 'dmesg.txt');
  assert.ok(lr.ok, lr.ok ? '' : lr.message);
  const r = buildImport({ log: lr.log, calibrate: opts.calibrate });
  assert.ok(r.ok, r.ok ? '' : r.errors.join('\n'));
  const load = loadConfigText(r.text, 'x.memmap.yaml');
  assert.ok(load.config, load.errors.map((e) => e.message).join('\n'));
  simulateMemmap(load.config);
  return { cfg: load.config, yaml: r.text, warnings: r.warnings };
}

const BANNER = 'Linux version 6.6.31 (builder@host) (gcc 13.2.0) #1 SMP PREEMPT_DYNAMIC';
const TWO_NODES = [
  'Early memory node ranges',
  '  node   0: [mem 0x0000000000001000-0x000000000009ffff]',
  '  node   0: [mem 0x0000000000100000-0x000000007fffffff]',
  '  node   0: [mem 0x0000000100000000-0x000000087fffffff]',
  '  node   1: [mem 0x0000000880000000-0x000000107fffffff]',
  'Initmem setup node 0 [mem 0x0000000000001000-0x000000087fffffff]',
  'Initmem setup node 1 [mem 0x0000000880000000-0x000000107fffffff]',
  'Initmem setup node 2 as memoryless',
];

describe('import: synthetic logs', () => {
  it('hypervisor, memory block size that differs from the probe, HVO and per-node hugepages from the command line', () => {
    const { cfg, yaml } = importText(
      stamp([
        BANNER,
        'Command line: BOOT_IMAGE=/vmlinuz root=/dev/vda1 hugetlb_free_vmemmap=on hugepagesz=1G hugepages=0:3,1:1 hugepagesz=2M hugepages=1024',
        'Hypervisor detected: KVM',
        ...TWO_NODES,
        'smp: Brought up 3 nodes, 8 CPUs',
        'x86/mm: Memory block size: 128MB',
        'HugeTLB: registered 1.00 GiB page size, pre-allocated 4 pages',
        'HugeTLB: 16380 KiB vmemmap can be freed for a 1.00 GiB page',
        'HugeTLB: registered 2.00 MiB page size, pre-allocated 1024 pages',
        'HugeTLB: 28 KiB vmemmap can be freed for a 2.00 MiB page',
      ]),
    );
    assert.equal(cfg.arch, 'x86_64');
    assert.equal(cfg.kernel.version, '6.6');
    assert.equal(cfg.kernel.hypervisor, true);
    assert.equal(cfg.kernel.hvo, true);
    // A VM with 64 GiB boot RAM ending at 66 GiB probes 2 GiB; the log says 128 MiB: kept as an override.
    assert.equal(cfg.kernel.memoryBlockSize, 128 * MiB);
    assert.match(yaml, /memoryBlockSize: 128M # from line \d+: "x86\/mm: Memory block size: 128MB"; the simulator would probe 2 GiB/);
    assert.match(yaml, /hypervisor: true # from line 3: "Hypervisor detected: KVM"/);
    assert.deepEqual(
      cfg.hugetlb.map((h) => [h.node, h.pageSize, h.count]),
      [
        [0, GiB, 3],
        [1, GiB, 1],
        [0, 2 * MiB, 512],
        [1, 2 * MiB, 512],
      ],
    );
    // Node 2 is memoryless and CPU-less; 8 CPUs spread over the 2 memory nodes (a stated guess).
    assert.deepEqual(
      cfg.nodes.map((n) => [n.id, n.cpus, n.ranges.length]),
      [
        [0, 4, 3],
        [1, 4, 1],
        [2, 0, 0],
      ],
    );
    assert.match(yaml, /memoryless: line 11: "Initmem setup node 2 as memoryless"/);
    assert.match(yaml, /cpus: 4 # guess: 8 CPUs/);
  });

  it('falls back to Initmem spans, then SRAT ranges, and says so', () => {
    const initmem = importText(stamp([BANNER, 'Initmem setup node 0 [mem 0x0000000000001000-0x000000087fffffff]', 'x86/mm: Memory block size: 2048MB']));
    assert.deepEqual(
      initmem.cfg.nodes[0].ranges.map((r) => [r.start, r.size]),
      [[0x1000, 0x87fffffff + 1 - 0x1000]],
    );
    assert.match(initmem.yaml, /ranges: "Initmem setup" node span \(holes inside it are counted as RAM/);
    const srat = importText(
      stamp([
        BANNER,
        'ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x7fffffff]',
        'ACPI: SRAT: Node 0 PXM 0 [mem 0x100000000-0x87fffffff]',
        'ACPI: SRAT: Node 1 PXM 1 [mem 0x880000000-0x107fffffff] hotplug',
        'ACPI: SRAT: Node 1 PXM 1 [mem 0x2000000000-0x3fffffffff] non-volatile',
      ]),
    );
    assert.deepEqual(
      srat.cfg.nodes.map((n) => n.ranges.map((r) => r.size / GiB)),
      [[2, 30], [32]],
      'non-volatile ranges are not RAM',
    );
    assert.match(srat.yaml, /ranges: ACPI SRAT memory affinity/);
    assert.match(srat.yaml, /\(hotplug range: assumed populated at boot\)/);
  });

  it('arm64 with 64K pages from the HugeTLB page sizes; the kernel release names the arch', () => {
    const { cfg, yaml } = importText(
      stamp([
        'Linux version 6.12.0-55.el10.aarch64 (mockbuild@host) (gcc 14) #1 SMP PREEMPT_DYNAMIC',
        'Early memory node ranges',
        '  node   0: [mem 0x0000000080000000-0x000000107fffffff]',
        'HugeTLB: registered 16.0 GiB page size, pre-allocated 0 pages',
        'HugeTLB: registered 512 MiB page size, pre-allocated 2 pages',
      ]),
    );
    assert.equal(cfg.arch, 'arm64-64k');
    assert.match(yaml, /# arch: arm64 from the kernel release "6\.12\.0-55\.el10\.aarch64"/);
    assert.match(yaml, /# page size 64 KiB: line 4: "HugeTLB: registered 16\.0 GiB page size, pre-allocated 0 pages": 16 GiB huge pages exist on arm64 with 64K pages only\n/);
    assert.deepEqual(
      cfg.hugetlb.map((h) => [h.node, h.pageSize, h.count]),
      [[0, 512 * MiB, 2]],
    );
  });

  it('--calibrate: deferred points for nodes with a time > 0; 0 ms is left as a comment', () => {
    const { cfg, yaml } = importText(stamp([BANNER, ...TWO_NODES, 'node 0 deferred pages initialised in 0ms', 'node 1 deferred pages initialised in 41ms']), { calibrate: true });
    assert.deepEqual(
      (cfg.machine.calibration as { node: number; ms: number }[]).map((p) => [p.node, p.ms]),
      [[1, 41]],
    );
    assert.match(yaml, /# not calibrated: line \d+: "node 0 deferred pages initialised in 0ms": 0 ms is below the log's resolution/);
    assert.match(yaml, /- \{ phase: deferred, node: 1, ms: 41, source: dmesg\.txt:\d+ \} # line \d+: "node 1 deferred pages initialised in 41ms"/);
  });

  it('CPUs per node from `numactl -H` pasted after the dmesg (a node it lists without CPUs is CPU-less)', () => {
    const numactl = ['available: 3 nodes (0-2)', 'node 0 cpus: 0 1 2 3 4 5 12 13 14 15 16 17', 'node 0 size: 31744 MB', 'node 0 free: 30001 MB', 'node 1 cpus: 6 7 8 9 10 11 18 19 20 21 22 23', 'node 1 size: 32768 MB', 'node 1 free: 32000 MB', 'node 2 cpus:', 'node 2 size: 0 MB', 'node distances:', 'node   0   1   2', '  0:  10  21  21'];
    const { cfg, yaml } = importText(stamp([BANNER, ...TWO_NODES]) + numactl.join('\n') + '\n');
    assert.deepEqual(cfg.nodes.map((n) => [n.id, n.cpus]), [[0, 12], [1, 12], [2, 0]]);
    assert.match(yaml, /cpus: 12 # numactl -H, line 11: "node 0 cpus: 0 1 2 3 4 5 12 13 14 15 16 17"/);
    // A boot that brought up a different number of CPUs wins, and says why.
    const other = importText(stamp([BANNER, ...TWO_NODES, 'smp: Brought up 2 nodes, 16 CPUs']) + numactl.join('\n') + '\n');
    assert.ok(other.warnings.some((w) => /numactl -H lists 24 CPUs but the boot brought up 16/.test(w)), other.warnings.join('\n'));
    assert.notDeepEqual(other.cfg.nodes.map((n) => n.cpus), [12, 12, 0]);
  });

  it('numactl -H saved to a file of its own, given with the log: CPUs per node cited from that file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memmap-numactl-'));
    writeFileSync(join(dir, 'dmesg.txt'), stamp([BANNER, ...TWO_NODES]));
    writeFileSync(join(dir, 'numactl.txt'), 'available: 3 nodes (0-2)\nnode 0 cpus: 0 1 2 3 8 9 10 11\nnode 0 size: 31744 MB\nnode 1 cpus: 4 5 6 7 12 13 14 15\nnode 1 size: 32768 MB\nnode 2 cpus:\nnode 2 size: 0 MB\n');
    const r = await runCli(dir, 'import', 'dmesg.txt', 'numactl.txt');
    assert.equal(r.code, 0, r.err);
    const cfg = loadConfigText(r.out, 'x.memmap.yaml').config!;
    assert.deepEqual(cfg.nodes.map((n) => [n.id, n.cpus]), [[0, 8], [1, 8], [2, 0]]);
    assert.match(r.out, /cpus: 8 # numactl -H, numactl\.txt:2: "node 0 cpus: 0 1 2 3 8 9 10 11"/);
    // Alone it has no nodes to give CPUs to; a text that is not numactl output is a log.
    assert.match((await runCli(dir, 'import', 'numactl.txt')).err, /numactl -H output \(numactl\.txt\) gives CPUs per node of a boot log's nodes: give the log too/);
    writeFileSync(join(dir, 'broken.txt'), 'available: 2 nodes (0-1)\nno cpus here\n');
    const bad = await runCli(dir, 'import', 'dmesg.txt', 'broken.txt');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /broken\.txt: no "node N cpus:" line: is this the output of numactl -H\?/);
  });

  it('helpers: exact size text, hugepages= parsing', () => {
    assert.deepEqual([sizeText(2 * GiB), sizeText(618496), sizeText(4097), sizeText(3 * 1024 ** 4)], ['2G', '604K', 4097, '3T']);
    const h = hugepagesFromCmdline('default_hugepagesz=1G hugepages=16 hugepagesz=2M hugepages=0:100,1:50 quiet', 2 * MiB);
    assert.deepEqual(h.get(GiB), { total: 16, perNode: null });
    assert.deepEqual(h.get(2 * MiB)?.total, 150);
    assert.deepEqual([...h.get(2 * MiB)!.perNode!], [
      [0, 100],
      [1, 50],
    ]);
  });
});

describe('import: the machine name is printable text (review)', () => {
  it('C1 controls, separators and bidi overrides in the DMI string are dropped, not an internal error', () => {
    const { cfg, yaml } = importText(stamp([BANNER, 'DMI: Vendor\u0085X Evil\u202eCorp\u2028 PM-2S, BIOS 2.1 03/04/2023', ...TWO_NODES]));
    assert.equal(cfg.name, 'VendorX EvilCorp PM-2S');
    assert.doesNotMatch(yaml, /[\u0080-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
  });
});

describe('import: pmem in an e820 type-12 range (legacy pmem, memmap=nn!ss)', () => {
  it('a namespace there is on an nd_e820 region: provider e820, so a raw one still gets struct pages', async () => {
    const { parseNdctlJson } = await import('../../src/trace/import/ndctl');
    const log = stamp([
      BANNER,
      'user-defined physical RAM map:',
      'user: [mem 0x0000000000000000-0x000000000009fbff] usable',
      'user: [mem 0x0000000000100000-0x000000007fffffff] usable',
      'user: [mem 0x0000000100000000-0x000000047fffffff] usable',
      'user: [mem 0x0000000480000000-0x000000087fffffff] persistent (type 12)',
      'Early memory node ranges',
      '  node   0: [mem 0x0000000000001000-0x000000000009efff]',
      '  node   0: [mem 0x0000000000100000-0x000000007fffffff]',
      '  node   0: [mem 0x0000000100000000-0x000000047fffffff]',
    ]);
    const lr = readLogText(log, 'dmesg.txt');
    assert.ok(lr.ok);
    const json = JSON.stringify([{ dev: 'namespace0.0', mode: 'raw', size: 16 * GiB, sector_size: 512, blockdev: 'pmem0' }]);
    const r = buildImport({ log: lr.log, ndctl: { path: 'ndctl.json', parse: parseNdctlJson(json) } });
    assert.ok(r.ok, r.ok ? '' : r.errors.join('\n'));
    const cfg = loadConfigText(r.text, 'x.memmap.yaml').config!;
    assert.deepEqual([cfg.devices[0].provider, cfg.devices[0].mode, cfg.devices[0].start], ['e820', 'raw', 0x480000000]);
    assert.match(r.text, /provider: e820 # in line 6: "user: \[mem 0x0000000480000000-0x000000087fffffff\] persistent \(type 12\)"/);
    const dev = simulateMemmap(cfg).memmap.devices[0];
    assert.equal(dev.status, 'ok');
    assert.equal(dev.ramBytes, 256 * MiB); // 4 Mi struct pages x 64 B, in RAM
  });
});
