// ftrace text: tracefs trace files and trace-cmd report, function_graph and function tracers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText, detectFormat } from '../../src/trace/analyze';
import type { FtraceSummary } from '../../src/trace/types';

function ftrace(text: string): FtraceSummary {
  const r = analyzeText(text);
  assert.equal(r.format, 'ftrace');
  assert.ok(r.ftrace);
  assert.deepEqual(r.boots, []);
  return r.ftrace;
}
const fn = (f: FtraceSummary, name: string) => f.functions.find((x) => x.function === name);

describe('ftrace', () => {
  it('tracefs function_graph: nested calls matched to their closing braces per CPU, duration markers', () => {
    const f = ftrace(`# tracer: function_graph
#
# CPU  DURATION                  FUNCTION CALLS
# |     |   |                     |   |   |   |
 1)               |  deferred_init_memmap() {
 0)   0.456 us    |  memmap_init_zone_device();
 1)               |    deferred_init_memmap_chunk() {
 1) + 12.345 us   |      deferred_init_pages();
 0)   0.544 us    |  memmap_init_zone_device();
 1) ! 250.000 us  |    }
 1) # 4123.456 us |  }
 ------------------------------------------
 0)  kworker-5    =>  kworker-6
 ------------------------------------------
`);
    assert.equal(f.tracer, 'function_graph');
    assert.deepEqual([fn(f, 'deferred_init_memmap')?.totalUs, fn(f, 'deferred_init_memmap')?.phase], [4123.456, 'deferred-init']);
    assert.equal(fn(f, 'deferred_init_memmap_chunk')?.totalUs, 250);
    assert.equal(fn(f, 'deferred_init_pages')?.totalUs, 12.345);
    assert.deepEqual([fn(f, 'memmap_init_zone_device')?.calls, fn(f, 'memmap_init_zone_device')?.totalUs, fn(f, 'memmap_init_zone_device')?.maxUs], [2, 1, 0.544]);
    assert.deepEqual(f.calls.map((c) => [c.function, c.cpu, c.us]), [
      ['memmap_init_zone_device', 0, 0.456],
      ['memmap_init_zone_device', 0, 0.544],
      ['deferred_init_memmap', 1, 4123.456],
    ]);
    assert.equal(f.calls[2].line, 5, 'a nested call is reported at its opening line');
  });

  it('function_graph with funcgraph-abstime, -proc and -tail', () => {
    const f = ftrace(`# tracer: function_graph
 1234.567890 |   2)  kworker-12   |               |  __add_pages() {
 1234.567900 |   2)  kworker-12   | + 55.100 us   |    sparse_add_section();
 1234.568000 |   2)  kworker-12   | ! 180.500 us  |  } /* __add_pages */
`);
    assert.deepEqual(f.calls.map((c) => [c.function, c.cpu, c.us, c.t]), [['__add_pages', 2, 180.5, 1234.56789]]);
    assert.equal(fn(f, 'sparse_add_section')?.phase, 'hotplug-add');
  });

  it('trace-cmd report function_graph', () => {
    const f = ftrace(`version = 6
cpus=4
  pgdatinit0-12    [001]   123.456789: funcgraph_entry:                   |  deferred_init_memmap() {
  pgdatinit0-12    [001]   123.456790: funcgraph_entry:      + 10.123 us  |    deferred_init_pages();
  pgdatinit0-12    [001]   123.556789: funcgraph_exit:       $ 1000000 us |  }
`);
    assert.equal(f.tracer, 'function_graph');
    assert.equal(fn(f, 'deferred_init_memmap')?.totalUs, 1000000);
    assert.deepEqual(f.calls.map((c) => [c.function, c.cpu, c.t]), [['deferred_init_memmap', 1, 123.456789]]);
  });

  it('function tracer: tracefs and trace-cmd report, calls counted, no durations', () => {
    const a = ftrace(`# tracer: function
#
#           TASK-PID     CPU#  ||||   TIMESTAMP  FUNCTION
#              | |         |   ||||      |         |
         swapper-1       [000] .....     0.123456: memmap_init_range <-memmap_init
         swapper-1       [000] .....     0.123457: memmap_init_range <-memmap_init
         swapper-1       [000] d..1.     0.123458: sparse_init_nid <-sparse_init
`);
    assert.equal(a.tracer, 'function');
    assert.deepEqual([fn(a, 'memmap_init_range')?.calls, fn(a, 'memmap_init_range')?.totalUs, fn(a, 'memmap_init_range')?.phase], [2, null, 'boot-memmap']);
    const b = ftrace(`cpus=2
          swapper-1     [000]     0.123456: function:             memmap_init_range <-- memmap_init
          swapper-1     [000]     0.123459: function:             vmemmap_populate <-- __populate_section_memmap
`);
    assert.equal(b.tracer, 'function');
    assert.deepEqual(b.functions.map((x) => [x.function, x.calls, x.phase]), [['memmap_init_range', 1, 'boot-memmap'], ['vmemmap_populate', 1, 'vmemmap']]);
  });

  it('memmap functions come first, then the rest by time', () => {
    const f = ftrace(`# tracer: function_graph
 0) ! 900.000 us  |  some_driver_probe();
 0)   1.000 us    |  online_pages();
`);
    assert.deepEqual(f.functions.map((x) => x.function), ['online_pages', 'some_driver_probe']);
    assert.equal(f.functionsSeen, 2);
  });

  it('a closing line that names its function (context switch): that function gets the time, not the calls open on the CPU', () => {
    const f = ftrace(`# tracer: function_graph
#
# CPU  TASK/PID         DURATION                  FUNCTION CALLS
# |     |    |           |   |                     |   |   |   |
 5)  kworker-20   |               |  online_pages() {
 5)  kworker-20   |               |    schedule() {
 ------------------------------------------
 5)  kworker-20   =>  pgdatin-14
 ------------------------------------------

 5)  pgdatin-14   | # 1500.000 us |  } /* deferred_init_memmap */
 ------------------------------------------
 5)  pgdatin-14   =>  kworker-20
 ------------------------------------------

 5)  kworker-20   | ! 300.000 us  |    }
 5)  kworker-20   | ! 400.000 us  |  }
`);
    assert.deepEqual(f.functions.map((x) => [x.function, x.calls, x.totalUs]), [
      ['deferred_init_memmap', 1, 1500],
      ['online_pages', 1, 400],
      ['schedule', 1, 300],
    ]);
    // Reported at its closing line: its opening line is not in the trace.
    assert.deepEqual(f.calls.map((c) => [c.function, c.us, c.line]), [['deferred_init_memmap', 1500, 11], ['online_pages', 400, 5]]);
  });

  it('a named closing line above the open calls closes the call of that name (funcgraph-tail)', () => {
    const f = ftrace(`# tracer: function_graph
 0)               |  deferred_init_memmap() {
 0)               |    deferred_init_memmap_chunk() {
 0)               |      deferred_init_pages() {
 0) # 2000.000 us |  } /* deferred_init_memmap */
 0)   1.000 us    |  online_pages();
`);
    assert.deepEqual(f.functions.map((x) => [x.function, x.calls, x.totalUs]), [['deferred_init_memmap', 1, 2000], ['online_pages', 1, 1]]);
  });

  it('lost events and missing lines: a "}" closes the call open at its depth, later times stay on their functions', () => {
    const report = ftrace(`cpus=4
     kworker/0:1-12    [000]   123.000000: funcgraph_entry:                   |  deferred_init_memmap() {
     kworker/0:1-12    [000]   123.000001: funcgraph_entry:                   |    deferred_init_memmap_chunk() {
CPU:0 [LOST 52311 EVENTS]
     kworker/0:1-12    [000]   123.165000: funcgraph_exit:       @ 165000.0 us |  }
     kworker/0:1-12    [000]   123.200000: funcgraph_entry:                   |  online_pages() {
CPU:0 [12 EVENTS DROPPED]
     kworker/0:1-12    [000]   123.200100: funcgraph_exit:       + 100.0 us |  }
`);
    assert.deepEqual(report.functions.map((x) => [x.function, x.calls, x.totalUs]), [['deferred_init_memmap', 1, 165000], ['online_pages', 1, 100]]);
    assert.deepEqual(report.calls.map((c) => [c.function, c.us, c.line, c.t]), [['deferred_init_memmap', 165000, 2, 123], ['online_pages', 100, 6, 123.2]]);
    // tracefs: the opening line of a nested call is missing (start of the buffer, lost events).
    const tracefs = ftrace(`# tracer: function_graph
CPU:1 [LOST EVENTS]
 1)               |  deferred_init_memmap() {
 1) + 50.000 us   |    }
 1)   2.000 us    |    __init_single_page();
 1) # 1500.000 us |  }
`);
    assert.deepEqual(tracefs.functions.map((x) => [x.function, x.calls, x.totalUs]), [['deferred_init_memmap', 1, 1500], ['__init_single_page', 1, 2]]);
  });

  it('says what it could not read: lost events (with their count) and returns whose call is unknown', () => {
    const r = analyzeText(`cpus=4
     kworker/0:1-12    [000]   123.000000: funcgraph_entry:                   |  deferred_init_memmap() {
CPU:0 [LOST 52311 EVENTS]
     kworker/0:1-12    [000]   123.165000: funcgraph_exit:       @ 165000.0 us |  }
CPU:0 [12 EVENTS DROPPED]
`);
    assert.deepEqual(r.warnings, [
      'the tracer lost 52323 events (2 "LOST" lines, the first at line 3): calls in them are missing, and times of calls open across a loss may be too short or missing',
    ]);
    const t = analyzeText(`# tracer: function_graph
CPU:1 [LOST EVENTS]
 1) + 50.000 us   |    }
 1)   2.000 us    |    __init_single_page();
`);
    assert.deepEqual(t.warnings, [
      'the tracer lost events (1 "LOST" line, the first at line 2): calls in them are missing, and times of calls open across a loss may be too short or missing',
      '1 function_graph returns ("}") with no call open at their depth and no name, the first at line 3: not counted (whose time it is is unknown)',
    ]);
    assert.deepEqual(analyzeText('# tracer: function_graph\n 1)   2.000 us    |  __init_single_page();\n').warnings, []);
  });

  it('funcgraph-args, funcgraph-retval, sym-offset and print-parent off lines are read', () => {
    const g = ftrace(`# tracer: function_graph
 3)               |  kthread(_create=0xffff888100abc000) {
 3)               |    deferred_init_memmap(data=0xffff88807ffd6000) {
 3)   0.150 us    |      __init_single_page(page=0xffffea0000000000, pfn=0x0, zone=0x2, nid=0x0);
 3)   0.250 us    |      __init_single_page(); /* = 0x0 */
 3) @ 165287.8 us |    } /* deferred_init_memmap = 0x0 */
 3)               |    deferred_init_memmap(data=0xffff88807ffd7000) {
 3) ! 120.000 us  |    } /* deferred_init_memmap = -12 */
 3) @ 165500.1 us |  }
`);
    assert.deepEqual(g.functions.map((x) => [x.function, x.calls, x.totalUs]), [
      ['deferred_init_memmap', 2, 165407.8],
      ['__init_single_page', 2, 0.4],
      ['kthread', 1, 165500.1],
    ]);
    const f = ftrace(`# tracer: function
      kworker-12      [003] .....   123.456789: deferred_init_memmap+0x0/0x2a0 <-kthread+0x104/0x140
      kworker-12      [003] .....   123.456790: online_pages
      kworker-12      [003] .....   123.456791: memmap_init_range <-memmap_init
      kworker-12      [003] .....   123.456792: <stack trace>
 => deferred_init_memmap
`);
    assert.deepEqual(f.functions.map((x) => [x.function, x.calls]), [['deferred_init_memmap', 1], ['memmap_init_range', 1], ['online_pages', 1]]);
  });

  it('entries counts trace event lines; without a header the tracer is the one most lines show', () => {
    const f = ftrace(`cpus=2
  pgdatinit0-12    [001]   123.456789: funcgraph_entry:                   |  deferred_init_memmap() {
  pgdatinit0-12    [001]   123.456790: funcgraph_entry:      + 10.123 us  |    deferred_init_pages();
  pgdatinit0-12    [001]   123.556789: funcgraph_exit:       $ 1000000 us |  }
          swapper-1     [000]   123.6: function:             memmap_init_range <-- memmap_init
`);
    assert.equal(f.tracer, 'function_graph', 'one function line does not relabel a function_graph trace');
    // A nested call is two lines (its "{" and its "}"), a leaf or a function tracer line one.
    assert.equal(f.entries, 4);
    assert.equal(f.functions.reduce((n, x) => n + x.calls, 0), 3);
  });

  it('format detection tells ftrace, trace JSON and kernel logs apart', () => {
    assert.equal(detectFormat('# tracer: nop\n'), 'ftrace');
    assert.equal(detectFormat('  kworker/0:1-12  [000]  1.0: funcgraph_entry: | f() {\n'), 'ftrace');
    assert.equal(detectFormat(' 0)   0.456 us    |  memmap_init_zone_device();\n'), 'ftrace');
    assert.equal(detectFormat('{"traceEvents": []}'), 'chrome-trace');
    assert.equal(detectFormat('[{"ph":"X","name":"a"}'), 'chrome-trace');
    assert.equal(detectFormat('{"MESSAGE":"Linux version 6.1","__MONOTONIC_TIMESTAMP":"0"}\n'), 'kernel-log');
    assert.equal(detectFormat('[    0.000000] Linux version 6.1.0\n'), 'kernel-log');
    assert.equal(detectFormat('[drm] Supports vblank timestamp caching\n'), 'kernel-log');
    assert.equal(detectFormat(' \n'), 'empty');
  });

  it('format detection: ftrace without its header (trace_pipe, grep), funcgraph-abstime / -proc; kernel logs stay kernel logs', () => {
    for (const text of [
      '      kworker-12      [003] .....   123.456789: deferred_init_memmap <-kthread\n',
      'kworker-12 [003] ..... 123.456789: deferred_init_memmap <-kthread\n',
      '      kworker-12      [003] .....   123.456789: online_pages\n',
      '      kworker-12      [003] .....   123.456789: deferred_init_memmap+0x0/0x2a0 <-kthread+0x104/0x140\n',
      '  360.774522 |   1)  pgdatin-14   | $ 1000000 us  |  }\n',
      '  360.774522 |   1)  pgdatin-14   |               |  deferred_init_memmap() {\n',
      ' 1)  pgdatin-14   |               |  deferred_init_memmap() {\n',
      ' 3)               |  deferred_init_memmap(data=0xffff88807ffd6000) {\n',
      'CPU:0 [LOST 52311 EVENTS]\n',
    ]) {
      assert.equal(detectFormat(text), 'ftrace', text);
    }
    for (const text of [
      // ftrace_dump_on_oops in dmesg: the trace lines carry the kernel's stamp.
      '[  200.123456] Dumping ftrace buffer:\n[  200.123457]   kworker-12   [003] d..1. 123.456789: deferred_init_memmap <-kthread\n',
      '[    0.000000] Linux version 6.1.0\n[    3.044198] node 0 deferred pages initialised in 56ms\n',
      'May 21 10:59:23 host kernel: [    3.044198] node 0 deferred pages initialised in 56ms\n',
    ]) {
      assert.equal(detectFormat(text), 'kernel-log', text);
    }
  });
});
