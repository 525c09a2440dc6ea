// `memmap-lab import` and `compare` on bad input: exit 2 and a message that says what and where.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-run';
import { CORPUS } from './corpus';

const FIX = join(__dirname, '..', 'fixtures', 'import');

const cli = runCli;

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'memmap-import-bad-'));
  for (const [n, t] of Object.entries(files)) writeFileSync(join(d, n), t);
  return d;
}

describe('import: bad input', () => {
  it('a missing file', async () => {
    const r = await cli(tmpdir(), 'import', 'no-such-dmesg.log');
    assert.equal(r.code, 2);
    assert.equal(r.err, 'memmap-lab import: cannot read no-such-dmesg.log: no such file\n');
  });

  it('a directory', async () => {
    const r = await cli(tmpdir(), 'import', '.');
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot read \.: is a directory/);
  });

  it('a file that is no kernel log', async () => {
    const d = dir({ 'notes.txt': 'shopping list\n- milk\n- bread\n' });
    const r = await cli(d, 'import', 'notes.txt');
    assert.equal(r.code, 2);
    assert.match(r.err, /notes\.txt: no kernel memory facts found .*is this a kernel log\?/);
  });

  it('a log without any memory of any node names what is missing', async () => {
    const d = dir({
      'dmesg.txt': [
        '[    0.000000] Linux version 6.6.0 (builder@host) (gcc 13) #1 SMP',
        '[    0.410000] HugeTLB: registered 2.00 MiB page size, pre-allocated 0 pages',
        '[    0.410001] HugeTLB: 28 KiB vmemmap can be freed for a 2.00 MiB page',
        '[    1.000000] node 0 deferred pages initialised in 12ms',
      ].join('\n'),
    });
    const r = await cli(d, 'import', 'dmesg.txt');
    assert.equal(r.code, 2);
    assert.match(r.err, /dmesg\.txt: no node memory in the log: it has no "Early memory node ranges", "Initmem setup node N \[mem \.\.\.\]", "SRAT: Node N PXM P \[mem \.\.\.\]" or lsmem range line, and no page count/);
    assert.equal(r.out, '');
  });

  it('a corpus log with no node memory (54: HugeTLB lines only)', { skip: !existsSync(CORPUS) && 'corpus not found' }, async () => {
    const f = readdirSync(CORPUS).find((x) => x.startsWith('54-'))!;
    const r = await cli(CORPUS, 'import', f);
    assert.equal(r.code, 2);
    assert.match(r.err, /no node memory in the log/);
  });

  it('usage errors: no input, two logs, --force without -o, --boot with ndctl only', async () => {
    const cases: [string[], RegExp][] = [
      [['import'], /missing <dmesg-file \| ndctl\/daxctl-list\.json>/],
      [['import', 'pmem-host.dmesg', 'pmem-host.dmesg'], /two logs/],
      [['import', 'pmem-host.dmesg', '--force'], /--force only applies with -o FILE/],
      [['import', 'ndctl-list-N.json', '--boot', '1'], /--boot applies to a kernel log/],
      [['import', 'pmem-host.dmesg', '--bogus'], /unknown option --bogus/],
    ];
    for (const [argv, re] of cases) {
      const r = await cli(FIX, ...argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.err, re, argv.join(' '));
    }
  });
});

describe('compare: bad input', () => {
  it('a missing log or config', async () => {
    let r = await cli(FIX, 'compare', 'nope.log', 'x.memmap.yaml');
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot read nope\.log: no such file/);
    r = await cli(FIX, 'compare', 'pmem-host.dmesg', 'nope.memmap.yaml');
    assert.equal(r.code, 2);
    assert.match(r.err, /nope\.memmap\.yaml: error: cannot read .*no such file/);
  });

  it('a config with errors: located messages', async () => {
    const d = dir({ 'bad.memmap.yaml': 'nodes:\n  - id: 0\n    ranges: [{ start: 0x0, size: 12Q }]\n' });
    const r = await cli(d, 'compare', join(FIX, 'pmem-host.dmesg'), 'bad.memmap.yaml');
    assert.equal(r.code, 2);
    assert.match(r.err, /^bad\.memmap\.yaml:3:\d+: error: /m);
  });

  it('an unknown scenario', async () => {
    const d = dir({ 'ok.memmap.yaml': 'nodes:\n  - id: 0\n    ranges: [{ start: 0x100000000, size: 4G }]\n' });
    const r = await cli(d, 'compare', join(FIX, 'pmem-host.dmesg'), 'ok.memmap.yaml', '--scenario', 'nope');
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown scenario 'nope': the config defines no scenarios/);
  });

  it('usage errors', async () => {
    const cases: [string[], RegExp][] = [
      [['compare', 'pmem-host.dmesg'], /give a log and a config/],
      [['compare', 'pmem-host.dmesg', 'a.yaml', '-o', 'x.yaml'], /-o\/--output applies with --calibrate/],
      [['compare', 'pmem-host.dmesg', 'a.yaml', '--calibrate', '--force'], /--force only applies with -o FILE/],
    ];
    for (const [argv, re] of cases) {
      const r = await cli(FIX, ...argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.err, re, argv.join(' '));
    }
  });

  it('--calibrate with nothing to calibrate leaves the config alone', async () => {
    const d = dir({
      'ok.memmap.yaml': 'nodes:\n  - id: 0\n    ranges: [{ start: 0x100000000, size: 4G }]\n',
      'm.log': '[    0.000000] Linux version 6.6.0 (b@h) (gcc) #1 SMP\n[    0.100000] x86/mm: Memory block size: 128MB\n',
    });
    const r = await cli(d, 'compare', 'm.log', 'ok.memmap.yaml', '--calibrate');
    assert.equal(r.code, 2);
    assert.match(r.err, /--calibrate: nothing to calibrate/);
  });
});
