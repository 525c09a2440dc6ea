// Fuzzing the parsers: random bytes, truncated and spliced corpus logs, random JSON. Nothing throws; the
// result does not depend on how the input is cut into chunks; the fast path agrees with the general path;
// the streaming JSON tokenizer agrees with JSON.parse.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyzeStream, analyzeText } from '../../src/trace/analyze';
import { KernelLogReader } from '../../src/trace/kernel-log';
import { FtraceReader } from '../../src/trace/ftrace';
import { ChromeTraceReader } from '../../src/trace/chrome-trace';
import { JsonTokenizer, type JsonHandler } from '../../src/trace/json-stream';
import type { AnalysisFile } from '../../src/trace/types';
import { corpusSlice, corpusTexts } from './corpus';

// TRACE_FUZZ_RUNS=2000 for a deeper run.
const RUNS = Number(process.env.TRACE_FUZZ_RUNS ?? 150);

/** Every line number in the result lies inside the file. */
function assertSane(r: AnalysisFile): void {
  for (const b of r.boots) {
    assert.ok(b.firstLine >= 1 && b.firstLine <= b.lastLine && b.lastLine <= Math.max(1, r.lines), `boot lines ${b.firstLine}-${b.lastLine} of ${r.lines}`);
    const facts = [...b.deferredInit, ...b.zoneDevice, ...b.errors, ...b.hugetlb, ...b.nodeRanges, ...b.callTraces, ...b.hotplug];
    for (const f of facts) assert.ok(f.line >= b.firstLine && f.line <= b.lastLine, `fact line ${f.line} outside its boot ${b.firstLine}-${b.lastLine}`);
    for (const d of b.deferredInit) assert.ok(Number.isSafeInteger(d.ms) && d.ms >= 0);
  }
}

function readKernel(text: string, chunk: number, fastPath: boolean): unknown {
  const r = new KernelLogReader({ fastPath });
  for (let i = 0; i < text.length; i += chunk) r.push(text.slice(i, i + chunk));
  r.end();
  return JSON.parse(JSON.stringify({ boots: r.boots, lines: r.lines, input: r.inputQuirks() }));
}

const texts = corpusTexts();
const all = texts.join('\n');
const slice = corpusSlice(texts);
/** Corpus lines, some mangled, glued together in any order. */
const spliced = fc.array(
  fc.tuple(slice, fc.constantFrom('', '\n', '\r\n', '=\n', '> ', '[    0.000000] ', '\n\n', '=3D', '....\n')).map(([a, b]) => a + b),
  { maxLength: 12 },
).map((p) => p.join(''));

describe('fuzzing the trace parsers', () => {
  it('random bytes never crash any reader', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 1, max: 700 }), async (bytes, chunk) => {
        const parts: Uint8Array[] = [];
        for (let i = 0; i < bytes.length; i += chunk) parts.push(bytes.subarray(i, i + chunk));
        assertSane(await analyzeStream(parts));
        for (const format of ['kernel-log', 'ftrace', 'chrome-trace'] as const) await analyzeStream(parts, { format });
      }),
      { numRuns: RUNS },
    );
  });

  it('found by fuzzing: an un-prefixed fact line above a timestamp reset stays in its boot (a call trace ended there)', () => {
    const text =
      '--messages--\n[  283.340867] nd_pmem pfn1.0: Conflicting mapping in same section\n' +
      '[  283.340877] WARNING: CPU: 25 PID: 2966 at kernel/memremap.c:188 devm_memremap_pages+0x\n\n' +
      '   node   0: [mem 0x000000002fbd0000-0x000000002fbfffff]\n[    0.000000]';
    const r = analyzeText(text);
    assertSane(r);
    assert.deepEqual(r.boots[0].nodeRanges.map((n) => n.line), [5]);
  });

  it('truncated and spliced corpus logs never crash and keep line numbers in range', () => {
    fc.assert(
      fc.property(spliced, (text) => {
        assertSane(analyzeText(text));
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('the result does not depend on chunk boundaries', () => {
    fc.assert(
      fc.property(spliced, fc.integer({ min: 1, max: 300 }), (text, chunk) => {
        assert.deepEqual(readKernel(text, chunk, true), readKernel(text, 1 << 16, true));
      }),
      { numRuns: RUNS },
    );
  });

  it('the fast path and the general path agree', () => {
    fc.assert(
      fc.property(spliced, (text) => {
        assert.deepEqual(readKernel(text, 4096, true), readKernel(text, 4096, false));
      }),
      { numRuns: RUNS * 2 },
    );
    // And on the whole corpus at once.
    assert.deepEqual(readKernel(all, 65536, true), readKernel(all, 65536, false));
  });

  it('ftrace and Chrome trace readers survive random lines and random JSON-ish text', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 120 }), { maxLength: 40 }), (ls) => {
        const f = new FtraceReader();
        f.push(ls.join('\n'));
        f.end();
        f.summary();
        const c = new ChromeTraceReader();
        c.push(`{"traceEvents":[${ls.join(',')}`);
        c.end();
        c.summary();
        c.warnings();
      }),
      { numRuns: RUNS },
    );
  });
});

/** Rebuilds the value from tokenizer events. */
class Builder implements JsonHandler {
  stack: Array<{ c: Record<string, unknown> | unknown[]; key: string | null }> = [];
  root: unknown = undefined;
  private add(v: unknown): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) this.root = v;
    else if (Array.isArray(top.c)) top.c.push(v);
    else top.c[top.key as string] = v;
  }
  startObject(): void {
    const o = Object.create(null) as Record<string, unknown>;
    this.add(o);
    this.stack.push({ c: o, key: null });
  }
  endObject(): void {
    this.stack.pop();
  }
  startArray(): void {
    const a: unknown[] = [];
    this.add(a);
    this.stack.push({ c: a, key: null });
  }
  endArray(): void {
    this.stack.pop();
  }
  key(k: string): void {
    this.stack[this.stack.length - 1].key = k;
  }
  value(v: string | number | boolean | null): void {
    this.add(v);
  }
}

describe('streaming JSON tokenizer', () => {
  it('agrees with JSON.parse on any JSON, cut into any chunks', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), fc.integer({ min: 1, max: 50 }), fc.boolean(), (text, chunk, pretty) => {
        const src = pretty ? JSON.stringify(JSON.parse(text), null, 2) : text;
        const b = new Builder();
        const t = new JsonTokenizer(b);
        for (let i = 0; i < src.length; i += chunk) t.push(src.slice(i, i + chunk));
        t.end();
        assert.equal(t.error, null, `${t.error} in ${src}`);
        assert.ok(t.done);
        assert.deepEqual(JSON.stringify(b.root), JSON.stringify(JSON.parse(src)));
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('reports the first syntax error with its offset and stops', () => {
    const t = new JsonTokenizer(new Builder());
    t.push('{"a": [1, 2,, 3]}');
    assert.equal(t.failed, true);
    assert.equal(t.position, 12);
    t.push('more');
    assert.equal(t.position, 12);
  });
});

describe('fast path edge cases', () => {
  it('agrees with the general path on odd stamps and prefixes', () => {
    const odd = [
      '[1234567890123.5] node 0 deferred pages initialised in 5ms',
      '[123456789012.5] x',
      '[    1.1234567890] x',
      '[\t1.000000] node 0 deferred pages initialised in 5ms',
      '[    0.000000]',
      '[    1.000000]    ',
      '[    2.000000] host kernel:node 1 deferred pages initialised in 5ms',
      '[    0.000000][    T0] Linux version 6.1 (a@b) #1',
      '[    3.000000]  dump_stack+0x57/0x6a',
      '[    0.000000] Zone ranges:',
      '[    0.000000]   DMA      [mem 0x0000000000001000-0x0000000000ffffff]',
    ].join('\n');
    fc.assert(
      fc.property(fc.shuffledSubarray(odd.split('\n')), (ls) => {
        const text = ls.join('\n') + '\n';
        assert.deepEqual(readKernel(text, 4096, true), readKernel(text, 4096, false));
      }),
      { numRuns: RUNS },
    );
  });
});
