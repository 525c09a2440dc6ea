// import on a node range whose end is below its start: the range is skipped with a note that cites its
// line (as for an address above 2^53), and the config loads; never "internal error: ... size: -3221225472".
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importOk } from './import-run';

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'memmap-import-ranges-'));
  for (const [n, t] of Object.entries(files)) writeFileSync(join(d, n), t);
  return d;
}

describe('import: inverted node ranges', () => {
  it('"Early memory node ranges": an end below the start is skipped with a note citing the line', async () => {
    const d = dir({
      'dmesg.txt': [
        '[    0.000000] Linux version 6.6.0 (builder@host) (gcc 13) #1 SMP',
        '[    0.000000] Early memory node ranges',
        '[    0.000000]   node   0: [mem 0x0000000000001000-0x000000000009efff]',
        '[    0.000000]   node   0: [mem 0x0000000100000000-0x000000003fffffff]',
        '[    0.000000]   node   1: [mem 0x0000000140000000-0x000000017fffffff]',
        '[    0.000000]   node   2: [mem 0x0000000200000000-0x00000001ffffffff]',
      ].join('\n'),
    });
    const { cfg, text, err } = await importOk(d, 'dmesg.txt');
    assert.match(err, /nodes: line 4: "node {3}0: \[mem 0x0000000100000000-0x000000003fffffff\]": the range ends \(0x3fffffff\) below its start \(0x100000000\), skipped/);
    assert.match(err, /nodes: line 6: .*below its start .*skipped/);
    assert.doesNotMatch(err, /internal error/);
    const nodes = new Map(cfg.nodes.map((n) => [n.id, n]));
    assert.deepEqual(nodes.get(0)?.ranges.map((r) => [Number(r.start), r.size]), [[0x1000, 0x9e000]]);
    assert.deepEqual(nodes.get(1)?.ranges.map((r) => [Number(r.start), r.size]), [[0x140000000, 0x40000000]]);
    assert.deepEqual(nodes.get(2)?.ranges, []);
    assert.match(text, /ranges: none: its "Early memory node ranges" lines are unreadable \(skipped, see the notes\)/);
  });

  it('"Initmem setup node N [mem ...]" with its end below its start: skipped, the next source used', async () => {
    const d = dir({
      'dmesg.txt': [
        '[    0.000000] Linux version 6.6.0 (builder@host) (gcc 13) #1 SMP',
        '[    0.000000] Initmem setup node 0 [mem 0x0000000000001000-0x000000007fffffff]',
        '[    0.000000] Initmem setup node 1 [mem 0x0000000100000000-0x000000003fffffff]',
      ].join('\n'),
    });
    const { cfg, err } = await importOk(d, 'dmesg.txt');
    assert.match(err, /nodes: line 3: "Initmem setup node 1 \[mem 0x0000000100000000-0x000000003fffffff\]": the range ends \(0x3fffffff\) below its start \(0x100000000\), skipped/);
    const n0 = cfg.nodes.find((n) => n.id === 0);
    assert.deepEqual(n0?.ranges.map((r) => [Number(r.start), r.size]), [[0x1000, 0x7ffff000]]);
    for (const n of cfg.nodes) for (const r of n.ranges) assert.ok(r.size >= 0, `node ${n.id}: size ${r.size}`);
  });
});
