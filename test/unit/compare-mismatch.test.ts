// compare of a log and a config that are not for the same machine or kernel: the log's arch, base page size
// or kernel major.minor that differ from the config's are said before any figure (and in --json
// `mismatches`), and huge page sizes the config's arch does not have get no prediction row. The Memmap Log
// View gets the same through the shared compare model (its notes and unmatched rows). Also: compare's
// --boot numbers boots from 1, as analyze lists them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompareJson } from '../../src/cli/commands/compare';
import { loadConfigText } from '../../src/config/load';
import { readLog } from '../../src/trace/import';
import { compareWithConfig } from '../../src/report/logview-compare';
import { runCli } from './cli-run';
import { corpusFile } from './corpus';

const dir = mkdtempSync(join(tmpdir(), 'memmap-cmp-mismatch-'));
const cli = (...argv: string[]) => runCli(dir, ...argv);

function config(name: string, arch: string, version: string): string {
  const p = join(dir, name);
  writeFileSync(p, `name: ${name}\narch: ${arch}\nkernel:\n  version: "${version}"\nnodes:\n  - id: 0\n    cpus: 4\n    ranges:\n      - { start: 0x0, size: 2G }\n      - { start: 0x100000000, size: 14G }\n`);
  return p;
}

describe('compare: a log and a config of different machines or kernels', () => {
  const log54 = corpusFile('54'); // arm64, 64K pages: HugeTLB 16 GiB / 512 MiB / 2 MiB, HVO 0 KiB
  const x86 = config('x86-61.memmap.yaml', 'x86_64', '6.1');

  it('corpus 54 (arm64 64K) vs an x86_64 6.1 config: warnings before the table, no row for 16 GiB / 512 MiB pages', async () => {
    const r = await cli('compare', log54, x86);
    assert.equal(r.code, 0, r.err);
    const [head, warnArch, warnPage] = r.out.split('\n').filter((l) => l.trim() !== '');
    assert.match(head, /\(boot 1\) measured vs .*x86-61\.memmap\.yaml predicted$/);
    assert.match(warnArch, /^warning: the log is from arm64 \(line 16: "HugeTLB: registered 512 MiB page size, pre-allocated 0 pages": 512 MiB huge pages exist on arm64 with 64K pages only\), the config models x86_64/);
    assert.match(warnPage, /^warning: the log's base pages are 64 KiB .*, the config's x86_64 has 4 KiB pages/);
    // x86_64 has no 16 GiB or 512 MiB huge pages: said, not predicted.
    assert.doesNotMatch(r.out, /HVO freeable +16 GiB page/);
    assert.doesNotMatch(r.out, /262,140 KiB/);
    assert.match(r.out, /not compared: line 15: "HugeTLB: 0 KiB vmemmap can be freed for a 16\.0 GiB page": x86_64 has no 16 GiB huge pages \(its sizes: 2 MiB, 1 GiB\): nothing to predict/);
    assert.match(r.out, /not compared: line 17: "HugeTLB: 0 KiB vmemmap can be freed for a 512 MiB page": x86_64 has no 512 MiB huge pages/);
    // The warnings are not repeated as notes.
    assert.equal(r.out.match(/the log is from arm64/g)?.length, 1);

    const doc = JSON.parse((await cli('compare', log54, x86, '--json')).out) as CompareJson;
    assert.deepEqual(doc.mismatches.map((m) => [m.what, m.log, m.config, m.line]), [['arch', 'arm64', 'x86_64', 16], ['pageSize', '64 KiB', '4 KiB', 14]]);
    assert.deepEqual(doc.figures.map((f) => [f.figure, f.subject]), [['hvoFreeableKiB', '2 MiB page']]);
    assert.deepEqual(doc.unmatched.map((u) => u.line), [15, 17]);
  });

  it('the same log vs an arm64 64K config: no mismatch, the 16 GiB and 512 MiB pages are predicted', async () => {
    const doc = JSON.parse((await cli('compare', log54, config('arm64-64k.memmap.yaml', 'arm64-64k', '6.13'), '--json')).out) as CompareJson;
    assert.deepEqual(doc.mismatches, []);
    assert.deepEqual(doc.figures.map((f) => f.subject), ['16 GiB page', '512 MiB page', '2 MiB page']);
    assert.deepEqual(doc.unmatched, []);
  });

  it('corpus 04 (Linux 6.1 x86) vs an x86_64 6.12 config: the kernel differs, the arch and page size agree', async () => {
    const r = await cli('compare', corpusFile('04'), config('x86-612.memmap.yaml', 'x86_64', '6.12'));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /\nwarning: the log's kernel is 6\.1 \(line 3: "Linux version 6\.1\.0-34-amd64 .*\), the config models 6\.12/);
    assert.doesNotMatch(r.out, /warning: the log is from|base pages/);
    const doc = JSON.parse((await cli('compare', corpusFile('04'), x86, '--json')).out) as CompareJson;
    assert.deepEqual(doc.mismatches, [], 'x86 6.1 log vs x86_64 6.1 config');
  });

  it('the log view gets the same through the shared model: a mismatch note first, the unsupported sizes unmatched', async () => {
    const lr = await readLog(log54);
    assert.ok(lr.ok);
    const load = loadConfigText(`name: x\narch: x86_64\nkernel:\n  version: "6.1"\nnodes:\n  - id: 0\n    cpus: 1\n    ranges:\n      - { start: 0x0, size: 2G }\n`, join(dir, 'x.memmap.yaml'));
    const c = compareWithConfig(lr.log, load, 'x.memmap.yaml');
    assert.equal(c.status, 'ok');
    assert.match(c.notes[0], /^mismatch: the log is from arm64 /);
    assert.match(c.notes[1], /^mismatch: the log's base pages are 64 KiB/);
    assert.deepEqual(c.rows.map((r) => r.subject), ['2 MiB page']);
    assert.deepEqual(c.unmatched.map((u) => u.line), [15, 17]);
  });

  it('reads the platform as import does: an arm64 log whose only page-size evidence is a hash table line', async () => {
    // No HugeTLB line and no Boot.pageSizeBytes: the page size comes from alloc_large_system_hash()'s bytes / 2^order,
    // one of import's extra facts (src/trace/platform.ts reads both for both commands).
    const p = join(dir, 'arm64-64k-dmesg.log');
    writeFileSync(p, [
      '[    0.000000] Linux version 6.12.0-55.el10.aarch64 (mockbuild@host) (gcc 14) #1 SMP PREEMPT_DYNAMIC',
      '[    0.000000] Early memory node ranges',
      '[    0.000000]   node   0: [mem 0x0000000040000000-0x000000043fffffff]',
      '[    0.000000] Dentry cache hash table entries: 262144 (order: 5, 2097152 bytes, linear)',
      '',
    ].join('\n'));
    const doc = JSON.parse((await cli('compare', p, config('arm64-4k.memmap.yaml', 'arm64-4k', '6.12'), '--json')).out) as CompareJson;
    assert.deepEqual(doc.mismatches.map((m) => [m.what, m.log, m.config, m.line]), [['pageSize', '64 KiB', '4 KiB', 4]]);
    assert.match(doc.mismatches[0].evidence, /^line 4: "Dentry cache hash table entries: .*": bytes \/ 2\^order is the page size$/);
    const out = join(dir, 'arm64-imported.memmap.yaml');
    const imported = await cli('import', p, '-o', out);
    assert.equal(imported.code, 0, imported.err);
    assert.match(readFileSync(out, 'utf8'), /\narch: arm64-64k #/, 'import chooses the page size compare warns about');
  });
});

describe('compare --boot: boots numbered from 1, as analyze lists them', () => {
  it('--boot 2 is the second boot of corpus 28; --boot 0 is refused with why', async () => {
    const log28 = corpusFile('28');
    const cfg = config('one.memmap.yaml', 'x86_64', '6.12');
    const second = await cli('compare', log28, cfg, '--boot', '2');
    assert.equal(second.code, 0, second.err);
    assert.match(second.out, /\(boot 2\) measured vs/);
    assert.match(second.out, /deferred init +node 1 +1128 ms/);
    const j = JSON.parse((await cli('compare', log28, cfg, '--boot', '1', '--json')).out) as CompareJson;
    assert.deepEqual([j.boot, j.bootNumber], [0, 1]);
    const zero = await cli('compare', log28, cfg, '--boot', '0');
    assert.equal(zero.code, 2);
    assert.match(zero.err, /--boot 0: boots are numbered from 1, as `memmap-lab analyze` lists them/);
    const three = await cli('compare', log28, cfg, '--boot', '3');
    assert.equal(three.code, 2);
    assert.match(three.err, /there is no boot 3: the log has 2 boots \(--boot 1\.\.2/);
  });
});
