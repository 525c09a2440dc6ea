// ftrace text: the tracefs `trace` file and `trace-cmd report` output, function_graph and function tracers.
//
//   tracefs function_graph   " 0)               |  deferred_init_memmap() {"
//                            " 0) + 12.345 us   |    __init_single_page();"
//                            " 0) ! 412.123 us  |  } /* deferred_init_memmap */"
//     with funcgraph-abstime / -proc: "  1234.567 |   0)  kworker-12  |  ...". Duration markers + ! # * @ $.
//   trace-cmd report         "  kworker/0:1-12  [000]  123.456: funcgraph_entry:   0.123 us |    func();"
//                            "  kworker/0:1-12  [000]  123.556: funcgraph_exit: ! 100.0 us  |  }"
//   function tracer          "  init-1  [000] .....  1.234567: memmap_init_range <-memmap_init"
//                            (trace-cmd report: "... function:   memmap_init_range <-- memmap_init")
//
// Entries are aggregated per function (calls, and for function_graph total/min/max microseconds); the
// closing "}" of a nested call is matched to its opening line by a per-CPU stack.

import { LineSplitter } from './lines';
import { functionPhase, baseFunctionName } from './functions';
import { toUnicode } from './text';
import type { FtraceFunction, FtraceSummary } from './types';

const MAX_NAMES = 20000;
const MAX_CALLS = 1000;
const MAX_DEPTH = 128;
const MAX_CPUS = 8192;
const MAX_OUTPUT = 200;

/** Functions whose individual calls are listed (the memmap phases' top-level work). */
const KEY_FUNCTIONS = new Set([
  'deferred_init_memmap', 'memmap_init_zone_device', 'memmap_init', 'sparse_init', 'free_area_init', '__add_pages',
  'add_memory_resource', 'online_pages', 'memremap_pages', 'hugetlb_vmemmap_optimize_folio', 'hugetlb_vmemmap_optimize',
  'page_alloc_init_late', 'padata_do_multithreaded',
]);

const REPORT = /^\s*(.+?)-(\d+)\s+\[(\d+)\]\s+(?:\S{1,6}\s+)?(\d+\.\d+):\s+(funcgraph_entry|funcgraph_exit|function):\s*(.*)$/;
const TRACEFS_FUNCTION = /^\s*(.+?)-(\d+)\s+(?:\(\s*[\d-]+\)\s+)?\[(\d+)\]\s+(?:\S{1,6}\s+)?(\d+\.\d+):\s+([\w.$]+)\s+<-+\s*([\w.$]+)/;
const GRAPH_CPU = /^\s*(\d+)\)/;
const DURATION = /([\d.]+)\s*us\b/;
const ENTRY = /^([\w.$]+)\(\)\s*(\{|;)/;
const EXIT = /^\}(?:\s*\/\*\s*([\w.$]+)\s*\*\/)?/;

interface Agg {
  calls: number;
  total: number;
  min: number;
  max: number;
  timed: number;
}

export class FtraceReader {
  lines = 0;
  private tracer: FtraceSummary['tracer'] = 'unknown';
  private entries = 0;
  private readonly agg = new Map<string, Agg>();
  private readonly stacks = new Map<number, Array<{ name: string; line: number; t: number | null }>>();
  private readonly calls: FtraceSummary['calls'] = [];
  private namesDropped = 0;
  private readonly splitter = new LineSplitter((s, start, end) => this.line(s.slice(start, end)));

  push(s: string): void {
    this.splitter.push(s);
  }

  end(): void {
    this.splitter.end();
  }

  private line(raw: string): void {
    this.lines++;
    const s = raw.replace(/\r+$/, '');
    if (s.startsWith('#')) {
      const t = /^# tracer: (\w+)/.exec(s);
      if (t) this.tracer = t[1] === 'function_graph' ? 'function_graph' : t[1] === 'function' ? 'function' : 'unknown';
      return;
    }
    let m = REPORT.exec(s);
    if (m) {
      const cpu = Number(m[3]);
      const t = Number(m[4]);
      if (m[5] === 'function') {
        this.tracer = 'function';
        const f = /^([\w.$]+)\s*(?:<-+\s*([\w.$]+))?/.exec(m[6]);
        if (f) this.call(f[1], null, cpu, t);
        return;
      }
      this.tracer = 'function_graph';
      const bar = m[6].lastIndexOf('|');
      this.graph(cpu, t, bar >= 0 ? m[6].slice(0, bar) : '', bar >= 0 ? m[6].slice(bar + 1) : m[6]);
      return;
    }
    if ((m = TRACEFS_FUNCTION.exec(s))) {
      if (this.tracer === 'unknown') this.tracer = 'function';
      this.call(m[5], null, Number(m[3]), Number(m[4]));
      return;
    }
    // tracefs function_graph: fields separated by "|"; the last one is the function column.
    const bar = s.lastIndexOf('|');
    if (bar < 0) return;
    const cols = s.slice(0, bar).split('|');
    let cpu: number | null = null;
    let t: number | null = null;
    let dur = '';
    for (const c of cols) {
      const cm = GRAPH_CPU.exec(c);
      if (cm && cpu === null) {
        cpu = Number(cm[1]);
        dur += c.slice(cm[0].length);
      } else if (cpu === null && /^\s*\d+\.\d+\s*$/.test(c)) {
        t = Number(c);
      } else {
        dur += c;
      }
    }
    if (cpu === null) return;
    if (this.tracer === 'unknown') this.tracer = 'function_graph';
    this.graph(cpu, t, dur, s.slice(bar + 1));
  }

  private graph(cpu: number, t: number | null, durCol: string, fnCol: string): void {
    const d = DURATION.exec(durCol);
    const us = d ? Number(d[1]) : null;
    const text = fnCol.trim();
    let stack = this.stacks.get(cpu);
    if (!stack) {
      if (this.stacks.size >= MAX_CPUS) return;
      this.stacks.set(cpu, (stack = []));
    }
    const e = ENTRY.exec(text);
    if (e) {
      if (e[2] === '{') {
        if (stack.length < MAX_DEPTH) stack.push({ name: e[1], line: this.lines, t });
        this.entries++;
      } else {
        this.call(e[1], us, cpu, t);
      }
      return;
    }
    const x = EXIT.exec(text);
    if (x) {
      const open = stack.pop();
      const name = open?.name ?? x[1];
      if (name) this.call(name, us, cpu, open?.t ?? t, open?.line);
    }
  }

  private call(name: string, us: number | null, cpu: number | null, t: number | null, line = this.lines): void {
    this.entries++;
    let a = this.agg.get(name);
    if (!a) {
      if (this.agg.size >= MAX_NAMES) {
        this.namesDropped++;
        return;
      }
      a = { calls: 0, total: 0, min: Infinity, max: 0, timed: 0 };
      this.agg.set(name, a);
    }
    a.calls++;
    if (us !== null && Number.isFinite(us)) {
      a.timed++;
      a.total += us;
      if (us < a.min) a.min = us;
      if (us > a.max) a.max = us;
      if (KEY_FUNCTIONS.has(baseFunctionName(name)) && this.calls.length < MAX_CALLS) {
        this.calls.push({ function: toUnicode(name), cpu, us, t: t !== null && Number.isFinite(t) ? t : null, line });
      }
    }
  }

  summary(): FtraceSummary {
    const all: FtraceFunction[] = [...this.agg].map(([name, a]) => ({
      function: toUnicode(name),
      calls: a.calls,
      totalUs: a.timed ? round3(a.total) : null,
      minUs: a.timed ? round3(a.min) : null,
      maxUs: a.timed ? round3(a.max) : null,
      phase: functionPhase(name),
    }));
    const related = all.filter((f) => f.phase !== null).sort(byWeight);
    const others = all.filter((f) => f.phase === null).sort(byWeight);
    return {
      tracer: this.tracer,
      entries: this.entries,
      functions: [...related, ...others].slice(0, Math.max(MAX_OUTPUT, related.length)),
      calls: this.calls,
      functionsSeen: this.agg.size + this.namesDropped,
    };
  }
}

function byWeight(a: FtraceFunction, b: FtraceFunction): number {
  return (b.totalUs ?? 0) - (a.totalUs ?? 0) || b.calls - a.calls || a.function.localeCompare(b.function);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
