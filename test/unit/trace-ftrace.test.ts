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
});
