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
//   funcgraph-args (6.15+)   "deferred_init_memmap(data=0xffff888...) {", "__init_single_page(page=...);"
//   funcgraph-retval / -tail "} /* deferred_init_memmap = -12 */", "} /* deferred_init_memmap */"
//   sym-offset, print-parent "deferred_init_memmap+0x0/0x2a0 <-kthread+0x104/0x140", "... 1.234567: online_pages"
//   lost events              "CPU:0 [LOST 52311 EVENTS]" (kernel), "CPU:0 [52311 EVENTS DROPPED]" (trace-cmd report)
//
// Entries are aggregated per function (calls, and for function_graph total/min/max microseconds). The
// closing "}" of a nested call is matched to its opening line as the kernel matches it when it prints the
// trace (trace_functions_graph.c, cpu_data->enter_funcs): per CPU, by depth (the function column is
// indented 2 spaces per level), not by a stack, so an opening or closing line that is missing (lost events,
// the start of the buffer) leaves the other calls matched. The kernel prints the function's name on a
// closing line when the return does not match the call it printed at that depth (a context switch, a
// migration, lost events), and always with funcgraph-tail or -retval: a name, when there is one, wins.

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

/** A symbol as ftrace prints it, with sym-offset's "+0x0/0x2a0" (not captured). */
const SYM = String.raw`([\w.$]+)(?:\+0x[\da-fA-F]+\/0x[\da-fA-F]+)?`;
const REPORT = /^\s*(.+?)-(\d+)\s+\[(\d+)\]\s+(?:\S{1,6}\s+)?(\d+\.\d+):\s+(funcgraph_entry|funcgraph_exit|function):\s*(.*)$/;
const REPORT_FUNCTION = new RegExp(String.raw`^${SYM}\s*(?:<-+\s*${SYM})?`);
/** The function tracer's line; print-parent off prints no "<-parent". */
const TRACEFS_FUNCTION = new RegExp(String.raw`^\s*(.+?)-(\d+)\s+(?:\(\s*[\d-]+\)\s+)?\[(\d+)\]\s+(?:\S{1,6}\s+)?(\d+\.\d+):\s+${SYM}(?:\s+<-+\s*${SYM})?\s*$`);
const LOST = /^\s*CPU:\s*\d+\s+\[(?:LOST (?:\d+ )?EVENTS|(?:\d+ )?EVENTS DROPPED)\]/;
const GRAPH_CPU = /^\s*(\d+)\)/;
const DURATION = /([\d.]+)\s*us\b/;
// "func() {", "func();", with funcgraph-args "func(a=1, b=0x2) {", with -retval "func(); /* = 0x0 */".
const ENTRY = /^([\w.$]+)\((.*)\)\s*(\{|;)/;
// "}", "} /* func */", with funcgraph-retval "} /* func = 0x0 */" or "} /* func = -12 */".
const EXIT = /^\}(?:\s*\/\*\s*([\w.$]+)(?:\s*=[^*]*)?\s*\*\/)?/;

interface Agg {
  calls: number;
  total: number;
  min: number;
  max: number;
  timed: number;
}

/** A call whose opening line was read and whose closing line was not yet. */
interface Open {
  name: string;
  line: number;
  t: number | null;
}

export class FtraceReader {
  lines = 0;
  /** The tracer the "# tracer:" header names; null: no header (trace-cmd report, trace_pipe). */
  private headerTracer: FtraceSummary['tracer'] | null = null;
  /** Without a header, the lines decide: the tracer of most lines, the first one's on a tie. */
  private graphLines = 0;
  private functionLines = 0;
  private firstTracer: FtraceSummary['tracer'] = 'unknown';
  private entries = 0;
  private readonly agg = new Map<string, Agg>();
  /** Per CPU, the call open at each depth (the kernel's enter_funcs). */
  private readonly open = new Map<number, Array<Open | undefined>>();
  private readonly calls: FtraceSummary['calls'] = [];
  private namesDropped = 0;
  /** "LOST" lines: how many, the events they count, whether one gave no count, and the first line. */
  private readonly lost = { lines: 0, events: 0, uncounted: false, first: null as number | null };
  /** Plain "}" lines with no call open at their depth. */
  private readonly unmatched = { count: 0, first: null as number | null };
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
      if (t) this.headerTracer = t[1] === 'function_graph' ? 'function_graph' : t[1] === 'function' ? 'function' : 'unknown';
      return;
    }
    // Events were lost on a CPU. Its open calls stay open, not reset: a plain "}" after the loss is still the
    // return of the call at its depth (the kernel, which did not print the lost events either, would have
    // named the function had it been another), and matching by depth keeps a lost "}" from shifting the
    // later ones onto the wrong calls.
    const lost = LOST.exec(s);
    if (lost) {
      this.lost.lines++;
      this.lost.first ??= this.lines;
      const n = /(\d+) EVENTS|LOST (\d+)/.exec(s);
      if (n) this.lost.events += Number(n[1] ?? n[2]);
      else this.lost.uncounted = true;
      return;
    }
    let m = REPORT.exec(s);
    if (m) {
      const cpu = Number(m[3]);
      const t = Number(m[4]);
      if (m[5] === 'function') {
        const f = REPORT_FUNCTION.exec(m[6]);
        if (f) this.functionLine(f[1], cpu, t);
        return;
      }
      const bar = m[6].lastIndexOf('|');
      this.graph(cpu, t, bar >= 0 ? m[6].slice(0, bar) : '', bar >= 0 ? m[6].slice(bar + 1) : m[6]);
      return;
    }
    if ((m = TRACEFS_FUNCTION.exec(s))) {
      this.functionLine(m[5], Number(m[3]), Number(m[4]));
      return;
    }
    // tracefs function_graph: fields separated by "|"; the last one is the function column. The CPU column
    // carries the duration, or with funcgraph-proc the task (the duration has a column of its own then);
    // funcgraph-abstime adds a column of seconds before it.
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
      } else if (cpu === null && /^\s*\d+\.\d+\s*$/.test(c)) t = Number(c);
      else dur += c;
    }
    if (cpu === null) return;
    this.graph(cpu, t, dur, s.slice(bar + 1));
  }

  private functionLine(name: string, cpu: number, t: number): void {
    this.evidence('function');
    this.entries++;
    this.call(name, null, cpu, t);
  }

  private evidence(tracer: 'function' | 'function_graph'): void {
    if (this.firstTracer === 'unknown') this.firstTracer = tracer;
    if (tracer === 'function') this.functionLines++;
    else this.graphLines++;
  }

  private graph(cpu: number, t: number | null, durCol: string, fnCol: string): void {
    const d = DURATION.exec(durCol);
    const us = d ? Number(d[1]) : null;
    const text = fnCol.trimStart();
    // The column starts with 2 blanks, then 2 per level: only equal depths are compared, so the offset
    // does not matter.
    const depth = (fnCol.length - text.length) >> 1;
    const e = ENTRY.exec(text);
    const x = e ? null : EXIT.exec(text);
    if (!e && !x) return;
    this.evidence('function_graph');
    this.entries++;
    let open = this.open.get(cpu);
    if (!open) {
      if (this.open.size >= MAX_CPUS) return;
      this.open.set(cpu, (open = []));
    }
    if (e) {
      if (e[3] === '{') {
        if (depth < MAX_DEPTH) open[depth] = { name: e[1], line: this.lines, t };
      } else {
        // A leaf returned at this depth: the call printed there before it is over (the kernel forgets it too).
        open[depth] = undefined;
        this.call(e[1], us, cpu, t);
      }
      return;
    }
    this.close(open, depth, x![1] ?? null, us, cpu, t);
  }

  /** A closing line at `depth`, naming its function or not. */
  private close(open: Array<Open | undefined>, depth: number, name: string | null, us: number | null, cpu: number, t: number | null): void {
    const here = open[depth];
    if (here && (name === null || here.name === name)) {
      // The call open at its depth. Deeper ones stay open, as for the kernel: they may be another task's,
      // switched out on this CPU, whose returns come later.
      open[depth] = undefined;
      this.call(here.name, us, cpu, here.t, here.line);
      return;
    }
    // A plain "}" with no call open at its depth (its opening line was not read): whose time it is is unknown.
    if (name === null) {
      this.unmatched.count++;
      this.unmatched.first ??= this.lines;
      return;
    }
    // Named, and not the call open at its depth: the open call of that name, with the calls opened after it
    // (whose closing lines were lost); else another task's return on this CPU or a call whose opening line
    // was not read: a call of its own, reported at this line.
    let k = open.length - 1;
    while (k >= 0 && open[k]?.name !== name) k--;
    const o = k >= 0 ? open[k] : undefined;
    if (o) open.length = k;
    this.call(name, us, cpu, o ? o.t : t, o ? o.line : this.lines);
  }

  private call(name: string, us: number | null, cpu: number | null, t: number | null, line = this.lines): void {
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

  /** The tracer the lines show: the one of most lines, the first seen on a tie. */
  private tracer(): FtraceSummary['tracer'] {
    if (this.graphLines === this.functionLines) return this.firstTracer;
    return this.graphLines > this.functionLines ? 'function_graph' : 'function';
  }

  /** What could not be read as it was traced: lost events, returns whose call is unknown, names beyond the limit. */
  warnings(): string[] {
    const w: string[] = [];
    if (this.lost.lines) {
      const n = this.lost.events ? `${this.lost.events}${this.lost.uncounted ? '+' : ''} events` : 'events';
      w.push(`the tracer lost ${n} (${this.lost.lines} "LOST" line${this.lost.lines === 1 ? '' : 's'}, the first at line ${this.lost.first}): calls in them are missing, and times of calls open across a loss may be too short or missing`);
    }
    if (this.unmatched.count) {
      w.push(`${this.unmatched.count} function_graph returns ("}") with no call open at their depth and no name, the first at line ${this.unmatched.first}: not counted (whose time it is is unknown)`);
    }
    if (this.namesDropped) w.push(`${this.namesDropped} calls of functions beyond the first ${MAX_NAMES} names were not aggregated`);
    return w;
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
      tracer: this.headerTracer && this.headerTracer !== 'unknown' ? this.headerTracer : this.tracer(),
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
