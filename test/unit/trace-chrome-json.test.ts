// Chrome Trace Event JSON, read with the streaming tokenizer: memmap-lab's own --trace output and other
// tools' traces (object and array forms, truncated files, syntax errors, oversized fields).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeStream, analyzeText } from '../../src/trace/analyze';
import { loadConfigText } from '../../src/config/load';
import { simulateMemmap } from '../../src/core/index';
import { buildInitWorkload } from '../../src/core/init/workload';
import { simulateTimingWorkload } from '../../src/core/init/timing';
import { writeChromeTrace } from '../../src/trace/chrome-export';
import type { ChromeTraceSummary } from '../../src/trace/types';

function chrome(text: string): ChromeTraceSummary {
  const r = analyzeText(text);
  assert.equal(r.format, 'chrome-trace');
  assert.ok(r.chromeTrace);
  return r.chromeTrace;
}
const span = (c: ChromeTraceSummary, name: string) => c.spans.find((s) => s.name === name);

describe('Chrome trace JSON', () => {
  it('complete (X), begin/end (B/E) and async (b/e) spans, instants, counters, metadata', () => {
    const c = chrome(JSON.stringify({
      displayTimeUnit: 'ms',
      otherData: { generator: 'test', bootMs: 1234.5, nested: { ignored: true } },
      traceEvents: [
        { name: 'process_name', ph: 'M', pid: 1, args: { name: 'node 0' } },
        { name: 'thread_name', ph: 'M', pid: 1, tid: 2, args: { name: 'pgdatinit0' } },
        { name: 'memmap_init_zone_device', cat: 'kernel', ph: 'X', ts: 10, dur: 40, pid: 1, tid: 2 },
        { name: 'memmap_init_zone_device', cat: 'kernel', ph: 'X', ts: 60, dur: 20, pid: 1, tid: 2 },
        { name: 'deferred_init_memmap', ph: 'B', ts: 100, pid: 1, tid: 3 },
        { name: 'deferred_init_pages', ph: 'B', ts: 110, pid: 1, tid: 3 },
        { ph: 'E', ts: 150, pid: 1, tid: 3 },
        { ph: 'E', ts: 400, pid: 1, tid: 3 },
        { name: 'online', cat: 'hotplug', ph: 'b', id: 7, ts: 500, pid: 1 },
        { name: 'online', cat: 'hotplug', ph: 'e', id: 7, ts: 575, pid: 1 },
        { name: 'mark', ph: 'i', ts: 5, pid: 1, s: 't' },
        { name: 'nr_memmap_pages', ph: 'C', ts: 5, pid: 1, args: { pages: 512 } },
        { name: 'nr_memmap_pages', ph: 'C', ts: 6, pid: 1, args: { pages: 1024 } },
      ],
    }));
    assert.equal(c.events, 13);
    assert.deepEqual([span(c, 'memmap_init_zone_device')?.count, span(c, 'memmap_init_zone_device')?.totalUs, span(c, 'memmap_init_zone_device')?.phase], [2, 60, 'zone-device']);
    assert.deepEqual([span(c, 'deferred_init_memmap')?.totalUs, span(c, 'deferred_init_pages')?.totalUs], [300, 40]);
    assert.deepEqual([span(c, 'online')?.totalUs, span(c, 'online')?.cat], [75, 'hotplug']);
    assert.deepEqual(c.instants, [{ name: 'mark', count: 1 }]);
    assert.deepEqual(c.counters, [{ name: 'nr_memmap_pages', count: 2, last: { pages: 1024 } }]);
    assert.deepEqual(c.processNames, { '1': 'node 0', '1:2': 'pgdatinit0' });
    assert.deepEqual(c.metadata, { displayTimeUnit: 'ms', generator: 'test', bootMs: 1234.5 });
    assert.equal(c.truncatedAt, null);
  });

  it('array form without its closing bracket (allowed by the format): every complete event is read', () => {
    const r = analyzeText('[{"name":"sparse_init","ph":"X","ts":0,"dur":5},\n{"name":"memmap_init","ph":"X","ts":5,"dur":7},\n{"name":"cut');
    assert.equal(r.chromeTrace?.events, 2);
    assert.equal(r.chromeTrace?.truncatedAt, r.sizeBytes);
    assert.match(r.warnings[0], /ends before its closing bracket/);
  });

  it('a syntax error stops reading there, keeps the events before it and says where', () => {
    const text = '{"traceEvents":[{"name":"a","ph":"X","ts":0,"dur":1},{"name":"b","ph":"X","ts":1,"dur":1}}, garbage';
    const at = text.indexOf('}}') + 1; // the "}" that closes nothing open
    const r = analyzeText(text);
    assert.equal(r.chromeTrace?.events, 2);
    assert.equal(r.chromeTrace?.truncatedAt, at);
    assert.match(r.warnings[0], new RegExp(`syntax error at byte ${at}: unexpected "}"`));
  });

  it('bounded: huge strings are cut, deep args skipped, other top-level data ignored', async () => {
    const big = 'x'.repeat(3_000_000);
    const deep = JSON.parse('{"a":'.repeat(50) + '1' + '}'.repeat(50)) as unknown;
    const doc = JSON.stringify({ systemTraceEvents: big, traceEvents: [{ name: 'vmemmap_populate', ph: 'X', ts: 0, dur: 3, args: { deep, s: big } }] });
    const chunks: string[] = [];
    for (let i = 0; i < doc.length; i += 65536) chunks.push(doc.slice(i, i + 65536));
    const r = await analyzeStream(chunks);
    assert.equal(r.chromeTrace?.events, 1);
    assert.equal(r.chromeTrace?.spans[0].phase, 'vmemmap');
    assert.equal(typeof r.chromeTrace?.metadata.systemTraceEvents, 'string');
    assert.ok((r.chromeTrace?.metadata.systemTraceEvents as string).length <= 4096);
  });

  it("memmap-lab's own trace (simulate --trace): spans by simulator phase, and its log lines read as a boot", () => {
    const cfg = loadConfigText(
      `arch: x86_64
kernel: { version: "6.12" }
nodes:
  - { id: 0, cpus: 8, ranges: [ { start: 0x0, size: 2G }, { start: 0x100000000, size: 62G } ] }
  - { id: 1, cpus: 8, ranges: [ { start: 0x1000000000, size: 64G } ] }
`,
      'trace.memmap.yaml',
    );
    assert.ok(cfg.config, JSON.stringify(cfg.errors));
    const timing = simulateTimingWorkload(buildInitWorkload(cfg.config, simulateMemmap(cfg.config)), {});
    let text = '';
    writeChromeTrace(timing, { config: 'two nodes' }, (s) => (text += s));
    const r = analyzeText(text);
    assert.equal(r.format, 'chrome-trace');
    const c = r.chromeTrace!;
    assert.ok(c.spans.some((s) => s.name === 'deferred_init_memmap node 0' && s.phase === 'deferred-init'));
    assert.ok(c.spans.some((s) => s.name.startsWith('memmapInitEarly') && s.phase === 'boot-memmap'));
    assert.equal(c.metadata.generator, 'memmap lab timing model'.replace('memmap lab', 'memmap-lab'));
    assert.ok(c.logLines >= 2);
    // The simulated "node N deferred pages initialised in Xms" lines become a boot like a real log's.
    assert.equal(r.boots.length, 1);
    assert.deepEqual(r.boots[0].deferredInit.map((d) => d.node).sort(), [0, 1]);
    for (const d of r.boots[0].deferredInit) assert.ok(d.ms > 0 && d.t !== null);
  });
});
