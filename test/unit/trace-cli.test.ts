// `memmap-lab analyze`: human summary, the JSON document (docs/analyze-json.md), exit codes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import type { Io } from '../../src/cli/io';
import { corpusFile } from './corpus';

let dir = '';
function io(): Io & { stdout: string; stderr: string } {
  const o = { stdout: '', stderr: '', cwd: dir, out: (t: string) => void (o.stdout += t), err: (t: string) => void (o.stderr += t) };
  return o;
}
async function run(...argv: string[]) {
  const x = io();
  const code = await main(['analyze', ...argv], x);
  return { code, out: x.stdout, err: x.stderr };
}

const LOG = [
  '[    0.000000] Linux version 6.1.0-34-amd64 (debian-kernel@lists.debian.org) (gcc-12) #1 SMP PREEMPT_DYNAMIC Debian 6.1.135-1 (2025-04-25)',
  '[    0.234438] Memory: 1852992K/268037724K available (14342K kernel code, 2339K rwdata, 9092K rodata, 2800K init, 17380K bss, 4369320K reserved, 0K cma-reserved)',
  '[    3.044198] node 0 deferred pages initialised in 56ms',
  '[    3.048160] node 1 deferred pages initialised in 60ms',
  '[    3.068230] x86/mm: Memory block size: 2048MB',
  '[    3.184201] HugeTLB: registered 1.00 GiB page size, pre-allocated 0 pages',
  '[    3.188148] HugeTLB: 16380 KiB vmemmap can be freed for a 1.00 GiB page',
  '[    8.384565] memmap_init_zone_device initialised 2063872 pages in 34ms',
  'Misaligned __add_pages start: 0xfdd00 end: #fdeff',
  '[    0.000000] Linux version 6.12.0 (x@y) #1',
  '[    2.000000] node 0 deferred pages initialised in 40ms',
].join('\n');

describe('memmap-lab analyze', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'memmap-analyze-'));
    writeFileSync(join(dir, 'boot.log'), LOG + '\n');
    writeFileSync(join(dir, 'empty.log'), '');
    writeFileSync(join(dir, 'trace.json'), '{"traceEvents":[{"name":"memmap_init_zone_device","ph":"X","ts":1,"dur":34000}]}');
    mkdirSync(join(dir, 'sub'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--json: the documented document, with the example fields of the issue', async () => {
    const { code, out, err } = await run('boot.log', '--json');
    assert.equal(code, 0, err);
    const doc = JSON.parse(out);
    assert.equal(doc.schemaVersion, 1);
    assert.equal(doc.files.length, 1);
    const f = doc.files[0];
    assert.equal(f.path, 'boot.log');
    assert.equal(f.format, 'kernel-log');
    assert.equal(f.lines, 11);
    assert.equal(f.bootsNotRetained, 0);
    assert.equal(f.boots.length, 2);
    const b = f.boots[0];
    assert.equal(b.kernelVersion, '6.1.0-34-amd64');
    assert.deepEqual(b.deferredInit.map((d: { node: number; ms: number; pages: null }) => [d.node, d.ms, d.pages]), [[0, 56, null], [1, 60, null]]);
    assert.deepEqual(
      { availableKiB: b.memory.availableKiB, totalKiB: b.memory.totalKiB, reservedKiB: b.memory.reservedKiB, cmaReservedKiB: b.memory.cmaReservedKiB },
      { availableKiB: 1852992, totalKiB: 268037724, reservedKiB: 4369320, cmaReservedKiB: 0 },
    );
    assert.equal(b.memoryBlockBytes, 2147483648);
    assert.deepEqual(b.hugetlb.map((h: { pageSizeBytes: number; vmemmapFreeableKiB: number; preallocatedPages: number }) => [h.pageSizeBytes, h.vmemmapFreeableKiB, h.preallocatedPages]), [[1073741824, 16380, 0]]);
    assert.deepEqual(b.zoneDevice.map((z: { pages: number; ms: number }) => [z.pages, z.ms]), [[2063872, 34]]);
    assert.deepEqual(b.errors.map((e: { kind: string; line: number }) => [e.kind, e.line]), [['misaligned-add-pages', 9]]);
    // The kernel function that printed it (the WARN names __func__).
    assert.deepEqual(b.errors[0].printer, { function: '__add_pages', file: 'mm/memory_hotplug.c' });
    assert.deepEqual(b.nodeRanges, []);
    assert.equal(f.boots[1].kernelVersion, '6.12.0');
    assert.equal(f.boots[1].firstLine, 10);
  });

  it('several files, of every format, in one document', async () => {
    const { code, out } = await run('--json', 'boot.log', 'empty.log', 'trace.json');
    assert.equal(code, 0);
    const doc = JSON.parse(out);
    assert.deepEqual(doc.files.map((f: { path: string; format: string }) => [f.path, f.format]), [['boot.log', 'kernel-log'], ['empty.log', 'empty'], ['trace.json', 'chrome-trace']]);
    assert.equal(doc.files[2].chromeTrace.spans[0].totalUs, 34000);
  });

  it('human summary', async () => {
    const { code, out } = await run('boot.log');
    assert.equal(code, 0);
    assert.match(out, /^boot\.log\n/);
    assert.match(out, /boot 1 \(lines 1-9\): Linux 6\.1\.0-34-amd64/);
    assert.match(out, /deferred struct page init: 2 nodes, slowest node 1 60 ms, fastest node 0 56 ms/);
    assert.match(out, /Memory: 1852992K\/268037724K available, 4369320K reserved/);
    assert.match(out, /HugeTLB 1 GiB: pre-allocated 0, vmemmap freeable 16380 KiB per page/);
    assert.match(out, /error misaligned-add-pages \(line 9\): Misaligned __add_pages start: 0xfdd00 end: #fdeff {2}\[__add_pages\(\), mm\/memory_hotplug\.c\]/);
    assert.match(out, /boot 2 \(lines 10-11, new boot: timestamp-reset\): Linux 6\.12\.0/);
    // One node: no slowest and fastest of one.
    writeFileSync(join(dir, 'one.log'), '[    1.000000] node 0 deferred pages initialised in 56ms\n');
    const one = await run('one.log');
    assert.match(one.out, /deferred struct page init: 1 node\n/);
    assert.match(out, /kernel-log, .*11 lines, 2 boots/);
  });

  it('exit 2 with a clear message on bad input', async () => {
    const missing = await run('nope.log');
    assert.equal(missing.code, 2);
    assert.equal(missing.err, 'memmap-lab analyze: cannot read nope.log: no such file\n');
    assert.equal(missing.out, '', 'nothing is printed before all files are known to be readable');
    const sub = await run('boot.log', 'sub');
    assert.equal(sub.code, 2);
    assert.match(sub.err, /cannot read sub: is a directory/);
    const opt = await run('--frobnicate', 'boot.log');
    assert.equal(opt.code, 2);
    assert.match(opt.err, /unknown option --frobnicate/);
    const none = await run();
    assert.equal(none.code, 2);
    assert.match(none.err, /give at least one file/);
  });

  it('--help', async () => {
    const { code, out } = await run('--help');
    assert.equal(code, 0);
    assert.match(out, /usage: memmap-lab analyze <files\.\.\.> \[--json\]/);
  });
});

describe('memmap-lab analyze: wording of the summary', () => {
  it('corpus 25: node 0 is CPU-less (said of the node, not as "CPU-less nodes: 0", which reads as a count)', async () => {
    const { code, out } = await run(corpusFile('25'));
    assert.equal(code, 0);
    assert.match(out, /\n {4}node 0 is CPU-less\n/);
    assert.doesNotMatch(out, /CPU-less nodes: /);
    const two = await run(corpusFile('13'));
    assert.doesNotMatch(two.out, /memoryless nodes: \d/);
  });

  it('corpus 54: one allocation line per huge page size, said once with a count, "1 thread" singular', async () => {
    const { out } = await run(corpusFile('54'));
    assert.match(out, /HugeTLB allocation: 0 ms with 1 thread \(2 lines\)\n/);
    assert.doesNotMatch(out, /1 threads/);
  });

  it('several memoryless or CPU-less nodes', async () => {
    dir = mkdtempSync(join(tmpdir(), 'memmap-analyze-nodes-'));
    writeFileSync(join(dir, 'nodes.log'), ['[    0.0] numa: Node 0 CPUs:', '[    0.0] numa: Node 1 CPUs: 0-7', '[    0.0] numa: Node 2 CPUs:', '[    0.0] Initmem setup node 2 as memoryless', '[    0.0] Initmem setup node 3 as memoryless'].join('\n') + '\n');
    const { out } = await run('nodes.log');
    assert.match(out, /nodes 2, 3 are memoryless\n/);
    assert.match(out, /nodes 0, 2 are CPU-less\n/);
    rmSync(dir, { recursive: true, force: true });
  });
});
