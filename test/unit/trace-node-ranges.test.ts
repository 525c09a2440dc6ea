// A node range whose size cannot be known (an address above 2^53, an end below the start) is never counted
// as 0 bytes: the summary prints the node's size as "?" and names the range's line in a warning; --json has
// the range with sizeBytes null (docs/analyze-json.md, NodeRange).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeText } from '../../src/trace/analyze';
import { bootSummary } from '../../src/trace/summary';
import type { AnalysisFile } from '../../src/trace/types';
import { runCli } from './cli-run';

const LOG = [
  '[    0.000000] Linux version 6.6.0 (builder@host) (gcc 13) #1 SMP',
  '[    0.000000] Early memory node ranges',
  '[    0.000000]   node   0: [mem 0x0000000000001000-0x000000000009efff]',
  '[    0.000000]   node   0: [mem 0x0000000100000000-0x000000003fffffff]',
  '[    0.000000]   node   1: [mem 0x0000000100000000-0x1fffffffffffffff]',
  '[    0.000000]   node   2: [mem 0x0000000140000000-0x000000017fffffff]',
  '[    0.000000]   node   3: [mem 0x0000000180000000-0x00000001bfffffff]',
  '[    0.000000]   node   3: [mem 0x00000001c0000000-0x00000001ffffffff]',
  '',
].join('\n');

describe('node ranges of unknown size', () => {
  it('the summary says the size is unknown and which line, never "0 B"', () => {
    const b = analyzeText(LOG).boots[0];
    const s = bootSummary(b);
    assert.match(s, /memory node ranges: node 0 \? \(size unknown: 1 of 2 ranges unreadable\), node 1 \? \(size unknown: its range unreadable\), node 2 1 GiB, node 3 2 GiB in 2 ranges\n/);
    assert.match(s, /warning: line 4: node 0 range 0x100000000-0x3fffffff: the end is below the start: its size is unknown \(sizeBytes null\), not counted/);
    assert.match(s, /warning: line 5: node 1 range 0x100000000-\?: an address above 2\^53 - 1, .*its size is unknown \(sizeBytes null\), not counted/);
    assert.doesNotMatch(s, /node [01] 0 B|node 0 632 KiB/);
  });

  it('--json has the same ranges with sizeBytes null, and the text output the same warnings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memmap-noderange-'));
    writeFileSync(join(dir, 'dmesg.txt'), LOG);
    const j = await runCli(dir, 'analyze', '--json', 'dmesg.txt');
    assert.equal(j.code, 0, j.err);
    const ranges = (JSON.parse(j.out) as { files: AnalysisFile[] }).files[0].boots[0].nodeRanges;
    assert.deepEqual(ranges.map((r) => [r.node, r.start, r.end, r.sizeBytes, r.line]), [
      [0, 0x1000, 0x9efff, 0x9e000, 3],
      [0, 0x100000000, 0x3fffffff, null, 4],
      [1, 0x100000000, null, null, 5],
      [2, 0x140000000, 0x17fffffff, 0x40000000, 6],
      [3, 0x180000000, 0x1bfffffff, 0x40000000, 7],
      [3, 0x1c0000000, 0x1ffffffff, 0x40000000, 8],
    ]);
    const t = await runCli(dir, 'analyze', 'dmesg.txt');
    assert.equal(t.code, 0, t.err);
    for (const r of ranges.filter((x) => x.sizeBytes === null)) assert.match(t.out, new RegExp(`warning: line ${r.line}: node ${r.node} range `));
  });
});
