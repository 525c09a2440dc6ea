// Chrome Trace Event export: loadable structure, pids/tids, proper nesting, streaming = object.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chromeTraceEvents, toChromeTrace, writeChromeTrace, type ChromeTraceEvent } from '../../src/trace/chrome-export';
import type { TimingResult } from '../../src/core/init/types';
import { SKYLAKE_J3, timing, workloadOf } from './timing-helpers';

const DEVICES = `
arch: x86_64
kernel: { version: "6.12", hvo: true }
nodes:
  - { id: 0, cpus: 8, ranges: [ { start: 0x0, size: 2G }, { start: 0x100000000, size: 60G } ] }
  - { id: 1, cpus: 8, ranges: [ { start: 0x1000000000, size: 64G } ] }
devices:
  - { name: pmem0, node: 0, kind: pmem, mode: fsdax, start: 0x10000000000, size: 64G, align: 2M, map: dev }
  - { name: pmem1, node: 1, kind: pmem, mode: devdax, start: 0x11000000000, size: 64G, align: 2M, map: mem }
hugetlb:
  - { node: 0, pageSize: 1G, count: 8 }
  - { node: 1, pageSize: 2M, count: 1024 }
`;

/** Per (pid, tid), X events must form a stack: each starts after the previous ends or inside it. */
function assertNested(events: ChromeTraceEvent[]): void {
  const tracks = new Map<string, { end: number }[]>();
  let lastTs = -Infinity;
  for (const e of events) {
    if (e.ph === 'M') continue;
    assert.ok((e.ts as number) >= lastTs, 'events sorted by ts');
    lastTs = e.ts as number;
    if (e.ph !== 'X') continue;
    const key = `${e.pid}/${e.tid}`;
    const stack = tracks.get(key) ?? [];
    const start = Math.round((e.ts as number) * 1000);
    const end = start + Math.round((e.dur as number) * 1000);
    while (stack.length > 0 && stack[stack.length - 1].end <= start) stack.pop();
    if (stack.length > 0) assert.ok(end <= stack[stack.length - 1].end, `${e.name} on ${key} overlaps its enclosing slice without nesting`);
    stack.push({ end });
    tracks.set(key, stack);
  }
}

describe('toChromeTrace', () => {
  const cases: [string, TimingResult][] = [
    ['J3 Skylake (padata groups)', timing(workloadOf(SKYLAKE_J3))],
    ['devices + hugetlb', timing(workloadOf(DEVICES), { memmapInitThreads: 4 })],
  ];
  for (const [name, t] of cases) {
    it(`${name}: complete X events, metadata for every pid/tid, proper nesting`, () => {
      const trace = toChromeTrace(t, { config: name, scenario: null });
      const ev = trace.traceEvents;
      const x = ev.filter((e) => e.ph === 'X');
      assert.equal(x.length, t.spans.length);
      const named = new Set(ev.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => `${e.pid}/${e.tid}`));
      const procs = new Set(ev.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.pid));
      for (const e of ev.filter((y) => y.ph !== 'M')) {
        assert.ok(named.has(`${e.pid}/${e.tid}`), `unnamed thread ${e.pid}/${e.tid}`);
        assert.ok(procs.has(e.pid));
      }
      for (const e of x) {
        assert.ok((e.dur as number) >= 0);
        assert.equal(typeof e.args?.costTerm, 'string');
      }
      assertNested(ev);
      assert.equal(trace.otherData.config, name);
      assert.deepEqual(JSON.parse(JSON.stringify(trace)), trace);
    });
  }
  it('pid per node and per device, tid per thread; pages and bytes in args', () => {
    const t = timing(workloadOf(DEVICES));
    const ev = toChromeTrace(t).traceEvents;
    const procName = new Map(ev.filter((e) => e.name === 'process_name').map((e) => [e.pid, (e.args as { name: string }).name]));
    assert.equal(procName.get(1), 'node 0');
    assert.equal(procName.get(2), 'node 1');
    assert.equal(procName.get(1000), 'device pmem0');
    assert.equal(procName.get(1001), 'device pmem1');
    const init = ev.find((e) => e.ph === 'X' && e.name === 'zoneDeviceInit pmem1');
    assert.ok(init);
    assert.equal(init.pid, 1001);
    assert.equal(init.args?.pages, t.devices[1].pages);
    assert.equal(init.args?.bytes, t.devices[1].pages * 64);
    const log = ev.find((e) => e.ph === 'i' && typeof e.args?.log === 'string' && (e.args.log as string).startsWith('node 1 deferred pages initialised in'));
    assert.ok(log, 'the per-node log line is an instant event');
  });
  it('the streaming writer produces the same document', () => {
    const t = timing(workloadOf(DEVICES));
    let text = '';
    const n = writeChromeTrace(t, { config: 'x' }, (c) => (text += c));
    const parsed = JSON.parse(text);
    assert.deepEqual(parsed, JSON.parse(JSON.stringify(toChromeTrace(t, { config: 'x' }))));
    assert.equal(n, [...chromeTraceEvents(t)].length);
  });
});
