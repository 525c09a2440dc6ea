// Chrome Trace Event JSON, read with the streaming tokenizer: memmap-lab's own --trace output and other
// tools' traces (object and array forms, truncated files, syntax errors, oversized fields).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeStream, analyzeText, detectFormat } from '../../src/trace/analyze';
import { JsonTokenizer, MAX_STRING, type JsonHandler } from '../../src/trace/json-stream';
import { summarize } from '../../src/trace/summary';
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

describe('Chrome trace JSON: events that cannot be measured', () => {
  it('a missing, null, empty, negative or non-numeric ts / dur is never summed: one warning per kind, with a count and the first event\'s byte', () => {
    const events = [
      '{"name":"deferred_init_memmap","ph":"X","ts":10,"dur":100}',
      '{"name":"deferred_init_memmap","ph":"X","ts":10,"dur":null}',
      '{"name":"deferred_init_memmap","ph":"X","ts":10,"dur":""}',
      '{"name":"deferred_init_memmap","ph":"X","ts":10}',
      '{"name":"deferred_init_memmap","ph":"X","ts":10,"dur":-50}',
      '{"name":"deferred_init_memmap","ph":"X","ts":null,"dur":5}',
      '{"name":"sparse_init","ph":"B","pid":1,"tid":1,"ts":null}',
      '{"ph":"E","pid":1,"tid":1,"ts":700}',
      '{"name":"online_pages","ph":"B","pid":1,"tid":2,"ts":500}',
      '{"ph":"E","pid":1,"tid":2,"ts":400}',
      '{"name":"memmap_init","ph":"B","pid":1,"tid":3,"ts":"20"}',
      '{"name":"memmap_init","ph":"B","pid":1,"tid":4,"ts":5}',
      '{"name":"hvo","cat":"a","ph":"b","id":1,"ts":1}',
    ];
    const text = `[\n${events.join(',\n')}\n]\n`;
    const at = (i: number) => text.indexOf(events[i]);
    const r = analyzeText(text);
    const c = r.chromeTrace!;
    assert.equal(c.events, events.length);
    assert.deepEqual(c.spans.map((x) => [x.name, x.count, x.totalUs, x.minUs]), [['deferred_init_memmap', 1, 100, 100]]);
    assert.deepEqual(r.warnings, [
      `X events with a missing or invalid "dur" (not a number): 3 skipped, the first at byte ${at(1)}`,
      `X events with a negative "dur": 1 skipped, the first at byte ${at(4)}`,
      `events with a missing or invalid "ts" (not a number): 2 skipped, the first at byte ${at(5)}`,
      `end events (E, e, F) without an open begin: 1 skipped, the first at byte ${at(7)}`,
      `end events (E, e, F) earlier than their begin: 1 skipped with their begin, the first at byte ${at(9)}`,
      `begin events (B, b, S) never ended: 3 not in the spans, the first at byte ${at(10)}`,
    ]);
  });

  it('begins nested deeper than 256 on a thread are skipped with their ends, counted, and the kept ones still pair right', () => {
    const events: string[] = [];
    for (let i = 0; i < 300; i++) events.push(`{"name":"${i === 0 ? 'deferred_init_memmap' : `f${i}`}","ph":"B","pid":1,"tid":1,"ts":${i}}`);
    for (let i = 299; i >= 0; i--) events.push(`{"ph":"E","pid":1,"tid":1,"ts":${1000 + (299 - i)}}`);
    const text = `[\n${events.join(',\n')}\n]\n`;
    const r = analyzeText(text);
    // The outermost begin (ts 0) ends with the last end (ts 1299); without the skipped ends, it would end at ts 1255.
    assert.deepEqual(r.chromeTrace!.spans.filter((x) => x.name === 'deferred_init_memmap').map((x) => [x.count, x.totalUs]), [[1, 1299]]);
    assert.deepEqual(r.warnings, [
      `begin events beyond what is kept open (256 nested on a thread, 10000 threads or async spans): 44 skipped with their ends, the first at byte ${text.indexOf(events[256])}`,
    ]);
  });

  it('1e400 (beyond a double) anywhere is read, as JSON.parse reads it: in args it is ignored, as a ts or dur it is invalid', () => {
    const text = '[{"name":"a","ph":"X","ts":1,"dur":2,"args":{"big":1e400}},{"name":"deferred_init_memmap","ph":"X","ts":1,"dur":5},'
      + '{"name":"b","ph":"X","ts":1,"dur":1e400},{"name":"n","ph":"C","ts":1,"args":{"pages":1e400,"ok":3}}]';
    const r = analyzeText(text);
    assert.equal(r.chromeTrace?.truncatedAt, null);
    assert.deepEqual(r.chromeTrace?.spans.map((x) => [x.name, x.totalUs]), [['deferred_init_memmap', 5], ['a', 2]]);
    assert.deepEqual(r.chromeTrace?.counters, [{ name: 'n', count: 1, last: { ok: 3 } }]);
    assert.deepEqual(r.warnings, [`X events with a missing or invalid "dur" (not a number): 1 skipped, the first at byte ${text.indexOf('{"name":"b"')}`]);
  });
});

describe('Chrome trace JSON: what is read as one', () => {
  it('the object form whose "traceEvents" comes after 4 KiB of other data', () => {
    const text = `{"metadata": {"source": "DevTools", "notes": "${'x'.repeat(5000)}"}, "traceEvents": [{"name":"deferred_init_memmap","ph":"X","ts":1,"dur":500}]}`;
    assert.equal(detectFormat(text), 'chrome-trace');
    const r = analyzeText(text);
    assert.deepEqual(r.chromeTrace?.spans.map((x) => [x.name, x.totalUs]), [['deferred_init_memmap', 500]]);
    assert.deepEqual(r.warnings, []);
  });

  it('journal exports and one JSON object per line stay kernel logs', () => {
    assert.equal(detectFormat('{"__CURSOR":"s=1;i=2","__MONOTONIC_TIMESTAMP":"3044198","MESSAGE":"node 0 deferred pages initialised in 56ms"}\n'), 'kernel-log');
    assert.equal(detectFormat('{\n\t"__CURSOR" : "s=1;i=2",\n\t"MESSAGE" : "node 0 deferred pages initialised in 56ms"\n}\n'), 'kernel-log');
    assert.equal(detectFormat('{"log":"[    3.044198] node 0 deferred pages initialised in 56ms\\n","stream":"stdout"}\n{"log":"x","stream":"stdout"}\n'), 'kernel-log');
  });

  it('ndctl / daxctl list JSON is not a trace: no events, and a warning that `memmap-lab import` reads it', () => {
    const ndctl = readFileSync(join(__dirname, '..', 'fixtures', 'import', 'ndctl-list-N.json'), 'utf8');
    for (const text of [
      ndctl,
      '{"provider":"ACPI.NFIT","dev":"ndbus0","regions":[{"dev":"region0","size":1,"namespaces":[{"dev":"namespace0.0","mode":"fsdax"}]}]}',
      '{\n  "chardev":"dax0.0",\n  "size":68719476736,\n  "target_node":1,\n  "mode":"system-ram"\n}\n',
      '[{"path":"/platform/hmem.0","id":0,"size":8589934592,"align":2097152,"devices":[{"chardev":"dax0.0","size":8589934592,"mode":"devdax"}]}]',
    ]) {
      const r = analyzeText(text);
      assert.equal(r.chromeTrace?.events, 0, text);
      assert.deepEqual(r.warnings, ['not a trace: this looks like `ndctl list` / `daxctl list` JSON (namespaces, regions or dax devices); `memmap-lab import` reads it'], text);
      assert.match(summarize(r), /\n {2}no Chrome trace events\n {2}warning: not a trace: .*`memmap-lab import` reads it\n$/);
    }
    // Other JSON: said to be no trace, and what is missing.
    assert.deepEqual(analyzeText('{"schemaVersion": 1, "rows": []}').warnings, ['not a trace: a JSON object without a "traceEvents" array']);
    assert.deepEqual(analyzeText('[{"name":"a","ph":"X","ts":0,"dur":1},{"name":"b"}]').warnings, ['objects without a "ph" in the event array (not trace events): 1 skipped, the first at byte 38']);
  });
});

describe('streaming JSON tokenizer', () => {
  class Values implements JsonHandler {
    values: Array<string | number | boolean | null> = [];
    keys: string[] = [];
    startObject(): void {}
    endObject(): void {}
    startArray(): void {}
    endArray(): void {}
    key(k: string): void {
      this.keys.push(k);
    }
    value(v: string | number | boolean | null): void {
      this.values.push(v);
    }
  }
  const read = (text: string, chunk = text.length) => {
    const v = new Values();
    const t = new JsonTokenizer(v);
    for (let i = 0; i < text.length; i += chunk) t.push(text.slice(i, i + chunk));
    t.end();
    return { t, v };
  };

  it('\\u escapes are written as UTF-8 bytes, like the input\'s own characters; surrogate pairs make one character', () => {
    const r = analyzeText('[{"name":"caf\\u00e9 \\u4e2d","ph":"X","ts":1,"dur":2},{"name":"café raw \\ud83d\\ude00","ph":"X","ts":1,"dur":2}]');
    assert.deepEqual(r.chromeTrace?.spans.map((x) => x.name).sort(), ['café raw 😀', 'café 中']);
    for (const chunk of [1, 2, 3, 5, 7]) {
      const { t, v } = read('["\\u00e9\\ud83d\\ude00x", "\\ud83dx", "\\ude00", "a\\ud83d"]', chunk);
      assert.equal(t.failed, false);
      const bytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
      assert.deepEqual(v.values, [bytes('é😀x'), bytes('\ufffdx'), bytes('\ufffd'), bytes('a\ufffd')], `chunks of ${chunk}`);
    }
    // A character is kept whole or not at all where a string is cut.
    const { v } = read(`["${'a'.repeat(MAX_STRING - 1)}\\u00e9"]`);
    assert.equal(v.values[0], 'a'.repeat(MAX_STRING - 1));
  });

  it('a number token longer than 1024 characters is an error at its first byte; memory stays bounded', () => {
    const big = '1'.repeat(8 * 1024 * 1024);
    const text = `[{"name":"x","ph":"X","ts":1,"dur":${big}}]`;
    const before = process.memoryUsage().heapUsed;
    const { t } = read(text, 65536);
    assert.ok(process.memoryUsage().heapUsed - before < 64 * 1024 * 1024);
    assert.deepEqual([t.failed, t.error, t.position], [true, 'number longer than 1024 characters', text.indexOf(big)]);
    assert.equal(read(`[${'1'.repeat(1024)}]`).t.failed, false);
  });

  it('byte offsets count a UTF-8 byte order mark: they are offsets in the file', () => {
    const text = '\ufeff[{"name":"x","ph":"X","ts":1,"dur":2},{"name":"y","ph":"X","ts":1,"dur":null},';
    const r = analyzeText(text);
    const bytes = Buffer.from(text, 'utf8').toString('latin1');
    assert.deepEqual(r.warnings, [
      `the trace ends before its closing bracket (byte ${bytes.length}); all complete events were read`,
      `X events with a missing or invalid "dur" (not a number): 1 skipped, the first at byte ${bytes.indexOf('{"name":"y"')}`,
    ]);
    assert.equal(r.chromeTrace?.truncatedAt, r.sizeBytes);
    const bad = analyzeText('\ufeff[{"name":"x","ph":"X","ts":1,"dur":2}, x]');
    assert.match(bad.warnings[0], new RegExp(`^JSON syntax error at byte ${Buffer.from('\ufeff[{"name":"x","ph":"X","ts":1,"dur":2}, ', 'utf8').length}: unexpected "x"`));
  });
});
