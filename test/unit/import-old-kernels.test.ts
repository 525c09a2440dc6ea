// import on synthetic logs of older kernels and wrapped lines: the kernel version the old deferred-init
// wording dates a log to, the early part of a node the kernel that printed it left out of deferred init,
// deferredInit proved off by a "Memory:" line printed before deferred init, and a hard-wrapped command line.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '../../src/config/load';
import type { WorkloadConfig } from '../../src/config/types';
import { simulateMemmap } from '../../src/core/simulate';
import { simulateTiming } from '../../src/core/init/timing';
import { buildImport, readLogText } from '../../src/trace/import';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function importText(text: string): { cfg: WorkloadConfig; yaml: string; warnings: string[] } {
  const lr = readLogText(text, 'dmesg.txt');
  assert.ok(lr.ok, lr.ok ? '' : lr.message);
  const r = buildImport({ log: lr.log });
  assert.ok(r.ok, r.ok ? '' : r.errors.join('\n'));
  const load = loadConfigText(r.text, 'x.memmap.yaml');
  assert.ok(load.config, load.errors.map((e) => e.message).join('\n'));
  return { cfg: load.config, yaml: r.text, warnings: r.warnings };
}

const nodeBytes = (cfg: WorkloadConfig, id: number) => cfg.nodes.find((n) => n.id === id)!.ranges.reduce((s, r) => s + r.size, 0);
const deferredPages = (cfg: WorkloadConfig, id: number) => simulateTiming(cfg, simulateMemmap(cfg)).nodes.find((n) => n.id === id)!.deferredPages;

describe('import: the old deferred-init wording "node N initialised, P pages"', () => {
  const OLD = 'node 1 initialised, 32471632 pages in 901ms\n';

  it('without a version line: not 6.12 but 5.7, the newest release that printed it, said in a comment', () => {
    const { cfg, yaml, warnings } = importText(OLD);
    assert.equal(cfg.kernel.version, '5.7');
    assert.match(yaml, /version: "5\.7" # guess: no version line; the deferred-init wording dates the kernel to v4\.2\.\.v5\.7/);
    assert.match(yaml, /was printed by v4\.2 to v5\.7 only/);
    assert.match(yaml, /Before 4\.17 deferred init left at least 2 GiB of the highest zone early/);
    assert.ok(warnings.some((w) => /5\.7 assumed/.test(w)), warnings.join('\n'));
    // 5.7 leaves one section early: the simulator defers exactly the printed count.
    assert.equal(deferredPages(cfg, 1), 32471632);
  });

  it('the comment says what to do for an older kernel: set kernel.version and grow the reconstructed node by a byte figure', () => {
    const { cfg, yaml } = importText(OLD);
    assert.doesNotMatch(yaml, /give the real version/);
    const m = /set kernel\.version to it\n\s*# and add (\d+) bytes \(2 GiB less one 128 MiB section\) to the size of the last range of each node RECONSTRUCTED from its deferred pages \(below\),\n\s*# plus (\d+) for that memory's struct pages/.exec(yaml);
    assert.ok(m, yaml.split('\n').filter((l) => /4\.17/.test(l)).join('\n'));
    assert.deepEqual(m.slice(1).map(Number), [2 * GiB - 128 * MiB, 31457280]);
    // Doing so gives what import makes of the same log with a 4.14 banner: the node, and the deferred count.
    const old = importText(`Linux version 4.14.0 (x@y) (gcc 7) #1 SMP\n${OLD}`).cfg;
    const edited = loadConfigText(
      yaml.replace(/version: "5\.7"/, 'version: "4.14"').replace(/size: (\d+)K \}/, (_, k: string) => `size: ${Number(k) * 1024 + Number(m[1]) + Number(m[2])} }`),
      'x.memmap.yaml',
    ).config!;
    assert.equal(nodeBytes(edited, 1), nodeBytes(old, 1));
    assert.equal(deferredPages(edited, 1), 32471632);
    assert.notEqual(nodeBytes(cfg, 1), nodeBytes(old, 1), 'editing kernel.version alone keeps the reconstructed size');
  });

  it('a 4.14 kernel (before 4.17) left at least 2 GiB of the highest zone early: the node is about 128 GiB', () => {
    const { cfg, yaml } = importText(`Linux version 4.14.0 (x@y) (gcc 7) #1 SMP\n${OLD}`);
    assert.equal(cfg.kernel.version, '4.14');
    assert.match(yaml, /the 2 GiB of the highest zone initialized early \(update_defer_init\(\), before v4\.17\)/);
    assert.equal(deferredPages(cfg, 1), 32471632);
    const bytes = nodeBytes(cfg, 1);
    // 32471632 pages + 2 GiB early + its memmap and page tables (2 GiB for 128 GiB): the mail's "128G per node".
    assert.ok(bytes > 127.5 * GiB && bytes < 128.5 * GiB, `${bytes / GiB} GiB`);
    const newer = nodeBytes(importText(`Linux version 5.2.0 (x@y) (gcc 9) #1 SMP\n${OLD}`).cfg, 1);
    assert.ok(bytes - newer > 2 * GiB - 256 * MiB && bytes - newer < 2 * GiB, 'a 5.2 kernel left one section early');
  });
});

describe('import: deferredInit proved off by the Memory: line', () => {
  const NODES = [
    '[    0.000000] Linux version 5.8.0-25-generic (x@y) (gcc 10) #26-Ubuntu SMP',
    '[    0.000000] Early memory node ranges',
    '[    0.000000]   node   0: [mem 0x0000000100000000-0x000000107fffffff]',
  ];
  // 64 GiB = 67108864K; the memmap (1 GiB) and the kernel are reserved.
  it('a 5.8 kernel prints "Memory:" before deferred init: all of it accounted for proves nothing was deferred', () => {
    const { cfg, yaml } = importText(
      [...NODES, '[    0.000000] Memory: 65962000K/67108864K available (15228K kernel code, 2406K rwdata, 11092K rodata, 7232K init, 1138K bss, 1146864K reserved, 0K cma-reserved)', ''].join('\n'),
    );
    assert.equal(cfg.kernel.deferredInit, false);
    assert.match(yaml, /deferredInit: false # the log proves it off \(see the end\): line 4: "Memory: 65962000K\/67108864K available/);
    assert.match(yaml, /65962000K available \(98%\) \+ 1146864K reserved \+ 0K cma-reserved leave 0K of the 67108864K total,/);
  });

  it('left at its default when the pages missing from it could be deferred ones, or on 6.12 (printed after)', () => {
    const deferred = importText(
      [...NODES, '[    0.000000] Memory: 1852992K/67108864K available (15228K kernel code, 2406K rwdata, 11092K rodata, 7232K init, 1138K bss, 1146864K reserved, 0K cma-reserved)', ''].join('\n'),
    );
    assert.equal(deferred.cfg.kernel.deferredInit, true);
    assert.match(deferred.yaml, /no deferred-init line in the log/);
    const late = importText(
      [NODES[0].replace('5.8.0-25-generic', '6.12.0'), ...NODES.slice(1), '[    0.000000] Memory: 65962000K/67108864K available (15228K kernel code, 2406K rwdata, 11092K rodata, 7232K init, 1138K bss, 1146864K reserved, 0K cma-reserved)', ''].join('\n'),
    );
    assert.equal(late.cfg.kernel.deferredInit, true);
  });
});

describe('import: a hard-wrapped command line', () => {
  it('hugetlb_free_vmemmap=on and the per-node hugepages on the continuation lines count', () => {
    const { cfg, yaml } = importText(
      [
        '> [    0.000000] Linux version 6.1.0-34-amd64 (x@y) (gcc 12) #1 SMP',
        '> [    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz-6.1.0-34-amd64',
        '> root=/dev/mapper/vg0-root ro hugetlb_free_vmemmap=on hugepagesz=1G',
        '> hugepages=0:3,1:1',
        '> [    0.000000] Early memory node ranges',
        '> [    0.000000]   node   0: [mem 0x0000000100000000-0x000000107fffffff]',
        '> [    0.000000]   node   1: [mem 0x0000001080000000-0x000000207fffffff]',
        '> [    3.184201] HugeTLB: registered 1.00 GiB page size, pre-allocated 4 pages',
        '',
      ].join('\n'),
    );
    assert.equal(cfg.kernel.hvo, true);
    assert.match(yaml, /hvo: true # from the command line \(line 2: /);
    assert.deepEqual(cfg.hugetlb.map((h) => [h.node, h.pageSize, h.count]), [[0, GiB, 3], [1, GiB, 1]]);
  });
});
