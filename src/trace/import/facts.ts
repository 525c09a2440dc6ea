// Facts `import` needs beyond what the analyzer extracts (src/trace/rules.ts): ACPI SRAT memory and CPU
// affinity, CPU counts (per node and in total), the x86 hypervisor line, and evidence for the architecture,
// the base page size and the ppc64 MMU. Fed with the messages of one boot by ./records.ts.
//
// Formats (kernel text as printed, prefixes removed):
//   "ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x7fffffff]" (+ " hotplug", " non-volatile")  drivers/acpi/numa/srat.c
//   "SRAT: PXM 0 -> APIC 0x00 -> Node 0", arm64 "ACPI: NUMA: SRAT: PXM 0 -> MPIDR 0x80000 -> Node 0"
//   ".... node  #1, CPUs:   #12 #13"                  x86 smpboot announce_cpu()
//   "smp: Brought up 2 nodes, 48 CPUs"                 kernel/smp.c smp_init()
//   "smpboot: Allowing 48 CPUs, 0 hotplug CPUs", "smpboot: Total of 48 processors activated (...)"
//   "numa: Node 1 CPUs: 0-7"                           powerpc (the analyzer has it: Boot.nodeCpus)
//   "Hypervisor detected: KVM"                         arch/x86/kernel/cpu/hypervisor.c
//   "<name> hash table entries: N (order: O, B bytes, ...)"  alloc_large_system_hash(): O = ilog2(B) - PAGE_SHIFT
//
// And `numactl -H` output pasted into the log (numactl's hardware(): the running system's online CPUs per
// node, exact): "available: 2 nodes (0-1)", "node 0 cpus: 0 1 2 3 ...", "node 2 cpus:" (CPU-less),
// "node 0 size: 96541 MB", "node 0 free: 91025 MB".

import { hexOrNull } from '../numbers';
import { cleanText } from '../text';

export type ArchFamily = 'x86' | 'arm64' | 'powerpc' | 's390' | 'riscv';

export interface Cited<T> {
  value: T;
  line: number;
}

export interface SratMemory {
  node: number;
  pxm: number;
  start: number | null;
  /** Inclusive, as printed. */
  end: number | null;
  hotplug: boolean;
  nonVolatile: boolean;
  line: number;
}

export interface ExtraFacts {
  sratMemory: SratMemory[];
  /** e820 "persistent (type 7)" / "persistent (type 12)" ranges (inclusive ends). Type 7 (E820_TYPE_PMEM) is
   *  ACPI NFIT's; type 12 (E820_TYPE_PRAM: legacy pmem, memmap=nn!ss) becomes an nd_e820 region. */
  e820Persistent: { start: number; end: number; type: 7 | 12; line: number }[];
  /** Distinct CPU ids (APIC / MPIDR) per node from SRAT affinity lines. */
  sratCpus: Map<number, Set<string>>;
  sratCpuLine: number | null;
  /** First SRAT CPU affinity line per node. */
  sratCpuLines: Map<number, number>;
  /** CPUs listed per node by x86 smpboot bring-up lines (the boot CPU is never listed). */
  smpbootCpus: Map<number, number>;
  smpbootLine: number | null;
  /** First bring-up line per node. */
  smpbootLines: Map<number, number>;
  /** Online CPUs / nodes: "smp: Brought up N nodes, M CPUs" (else "Total of M processors activated"). */
  cpuTotal: Cited<number> | null;
  /** How good cpuTotal's source is: 3 "Brought up", 2 "Total of ... processors", 1 SLUB's nr_cpu_ids. */
  cpuTotalRank: number;
  nodeTotal: Cited<number> | null;
  /** "smpboot: Allowing N CPUs": possible CPUs (includes hotplug ones). */
  cpusAllowed: Cited<number> | null;
  hypervisor: Cited<string> | null;
  /** Page size proven by a large-system-hash line. */
  pageSize: Cited<number> | null;
  /** `numactl -H`: CPUs listed per node ("node N cpus: ..."), with the line; `source` says where when the
   *  output came in a file of its own (import's third input), not in the log. */
  numactlCpus: Map<number, Cited<number> & { source?: string }>;
  /** `numactl -H`: "available: N nodes". */
  numactlNodes: Cited<number> | null;
  /** Architecture evidence (first seen per family). */
  arch: Map<ArchFamily, number>;
  /** ppc64 MMU evidence. */
  ppcMmu: Cited<'radix' | 'hash'> | null;
  /** POWER generation ("POWER9 performance monitor ..."). */
  powerGeneration: Cited<number> | null;
}

export function emptyFacts(): ExtraFacts {
  return {
    sratMemory: [],
    e820Persistent: [],
    sratCpus: new Map(),
    sratCpuLine: null,
    sratCpuLines: new Map(),
    smpbootCpus: new Map(),
    smpbootLine: null,
    smpbootLines: new Map(),
    cpuTotal: null,
    cpuTotalRank: 0,
    nodeTotal: null,
    cpusAllowed: null,
    hypervisor: null,
    pageSize: null,
    numactlCpus: new Map(),
    numactlNodes: null,
    arch: new Map(),
    ppcMmu: null,
    powerGeneration: null,
  };
}

const E820_PMEM = /^(?:BIOS-e820|user|e820): \[mem (0x[0-9a-fA-F]+)-(0x[0-9a-fA-F]+)\] persistent \(type (7|12)\)/;
const SRAT_MEM = /\bSRAT: Node (\d+) PXM (\d+) \[mem (0x[0-9a-fA-F]+)-(0x[0-9a-fA-F]+)\]([^\n]*)/;
const SRAT_CPU = /\bSRAT:? PXM (\d+) -> (?:x2APIC|APIC|SAPIC|MPIDR|CPU) (0x[0-9a-fA-F]+|\d+) -> Node (\d+)/;
const SMP_NODE = /^\.{4} node\s+#(\d+), CPUs:\s*((?:#\s*\d+\s*)*)$/;
const BROUGHT_UP = /\bsmp: Brought up (\d+) nodes?, (\d+) CPUs?\b/;
const TOTAL_PROC = /\b(?:smpboot|SMP): Total of (\d+) processors activated\b/;
const ALLOWING = /\bsmpboot: Allowing (\d+) CPUs, (\d+) hotplug CPUs\b/;
const SLUB = /^SLUB: .*\bCPUs=(\d+), Nodes=(\d+)/;
const HYPERVISOR = /^Hypervisor detected: (.+)$/;
const NUMACTL_AVAILABLE = /^available: (\d+) nodes? \(/;
const NUMACTL_CPUS = /^node (\d+) cpus:((?:\s+\d+)*)\s*$/;
const HASH = /hash table entries: \d+ \(order: (\d+), (\d+) bytes\b/;
const POWER = /\bPOWER(\d+)\b.*\b(?:performance monitor|processor)\b/i;

const ARCH_EVIDENCE: [ArchFamily, RegExp][] = [
  ['x86', /^(?:x86\/|BIOS-e820:|e820: |smpboot: |tsc: |Hypervisor detected: |x86: |\.{4} node\s+#\d+, CPUs:|DMAR: |IOAPIC|ACPI: LAPIC)/],
  ['arm64', /^(?:Booting Linux on physical CPU 0x|psci: |CPU features: |GICv3: |arch_timer: |ACPI: NUMA: SRAT: PXM \d+ -> MPIDR|SMP: Total of \d+ processors activated)/],
  ['powerpc', /^(?:numa: Node \d+ CPUs:|radix-mmu: |hash-mmu: |POWER\d+ performance monitor|PowerPC |Page orders: linear mapping|rtas|pseries|ppc64)/i],
  ['s390', /^(?:setup: Linux is running (?:natively|as a z\/VM|under KVM)|zpci: |cpum_cf: |sclp)/],
  ['riscv', /^(?:riscv: |SBI specification|SBI implementation|riscv-intc|Machine model: .*riscv)/i],
];

/** Update `f` with one message; true when the message became a fact (its text is worth keeping). */
export function collectFact(f: ExtraFacts, text: string, line: number): boolean {
  const before = factCount(f);
  collect(f, text, line);
  return factCount(f) !== before;
}

function factCount(f: ExtraFacts): string {
  return [
    f.sratMemory.length, f.e820Persistent.length, f.sratCpuLine, f.smpbootLine, f.cpuTotal?.line, f.nodeTotal?.line, f.cpusAllowed?.line, f.hypervisor?.line, f.pageSize?.line,
    f.ppcMmu?.line, f.powerGeneration?.line, f.arch.size, f.numactlCpus.size, f.numactlNodes?.line,
  ].join(',');
}

function collect(f: ExtraFacts, text: string, line: number): void {
  let m: RegExpExecArray | null;
  for (const [fam, re] of ARCH_EVIDENCE) if (!f.arch.has(fam) && re.test(text)) f.arch.set(fam, line);
  if (text.includes('persistent (type') && (m = E820_PMEM.exec(text))) {
    const start = hexOrNull(m[1]);
    const end = hexOrNull(m[2]);
    if (start !== null && end !== null) f.e820Persistent.push({ start, end, type: m[3] === '7' ? 7 : 12, line });
    return;
  }
  if (text.includes('SRAT')) {
    if ((m = SRAT_MEM.exec(text))) {
      const rest = m[5];
      f.sratMemory.push({
        node: Number(m[1]),
        pxm: Number(m[2]),
        start: hexOrNull(m[3]),
        end: hexOrNull(m[4]),
        hotplug: /\bhotplug\b/.test(rest),
        nonVolatile: /non-volatile/.test(rest),
        line,
      });
      return;
    }
    if ((m = SRAT_CPU.exec(text))) {
      const node = Number(m[3]);
      const set = f.sratCpus.get(node) ?? new Set<string>();
      set.add(m[2].toLowerCase());
      f.sratCpus.set(node, set);
      f.sratCpuLine ??= line;
      if (!f.sratCpuLines.has(node)) f.sratCpuLines.set(node, line);
      return;
    }
  }
  if (text.startsWith('....') && (m = SMP_NODE.exec(text))) {
    const node = Number(m[1]);
    const n = (m[2].match(/#\s*\d+/g) ?? []).length;
    f.smpbootCpus.set(node, (f.smpbootCpus.get(node) ?? 0) + n);
    f.smpbootLine ??= line;
    if (!f.smpbootLines.has(node)) f.smpbootLines.set(node, line);
    return;
  }
  if ((m = BROUGHT_UP.exec(text))) {
    f.nodeTotal ??= { value: Number(m[1]), line };
    setTotal(f, Number(m[2]), line, 3);
    return;
  }
  if ((m = TOTAL_PROC.exec(text))) {
    setTotal(f, Number(m[1]), line, 2);
    return;
  }
  if (text.startsWith('SLUB:') && (m = SLUB.exec(text))) {
    // nr_cpu_ids (possible CPUs): the weakest total.
    setTotal(f, Number(m[1]), line, 1);
    f.nodeTotal ??= { value: Number(m[2]), line };
    return;
  }
  if ((m = ALLOWING.exec(text))) {
    f.cpusAllowed ??= { value: Number(m[1]), line };
    return;
  }
  if (text.startsWith('available: ') && (m = NUMACTL_AVAILABLE.exec(text))) {
    f.numactlNodes ??= { value: Number(m[1]), line };
    return;
  }
  if (text.startsWith('node ') && (m = NUMACTL_CPUS.exec(text))) {
    const node = Number(m[1]);
    if (!f.numactlCpus.has(node)) f.numactlCpus.set(node, { value: (m[2].match(/\d+/g) ?? []).length, line });
    return;
  }
  if ((m = HYPERVISOR.exec(text))) {
    f.hypervisor ??= { value: cleanText(m[1], 60), line };
    return;
  }
  if (text.includes('hash table entries') && (m = HASH.exec(text))) {
    const order = Number(m[1]);
    const bytes = Number(m[2]);
    if (bytes > 0 && order >= 0) {
      const shift = Math.floor(Math.log2(bytes)) - order;
      if (shift >= 12 && shift <= 16) f.pageSize ??= { value: 2 ** shift, line };
    }
    return;
  }
  if (/radix-mmu:|Radix MMU|Using radix MMU/i.test(text)) f.ppcMmu ??= { value: 'radix', line };
  else if (/hash-mmu:|Using hash MMU|Initializing hash mmu|Page orders: linear mapping/i.test(text)) f.ppcMmu ??= { value: 'hash', line };
  if ((m = POWER.exec(text))) f.powerGeneration ??= { value: Number(m[1]), line };
}

function setTotal(f: ExtraFacts, value: number, line: number, rank: number): void {
  if (rank > f.cpuTotalRank) {
    f.cpuTotal = { value, line };
    f.cpuTotalRank = rank;
  }
}

/** "0-7,16-23" -> 16; "" -> 0; null for text that is not a CPU list. */
export function cpuListCount(list: string): number | null {
  const s = list.trim();
  if (s === '') return 0;
  let n = 0;
  for (const part of s.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return null;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) return null;
    n += b - a + 1;
  }
  return n;
}

/** `numactl -H` output saved to a file of its own: its CPUs per node (cited as file:line), or why not. */
export function numactlFile(text: string, path: string): Map<number, Cited<number> & { source: string }> | string {
  const f = emptyFacts();
  const lines = text.split(/\r?\n/);
  lines.forEach((l, i) => collect(f, cleanText(l.trim(), 500), i + 1));
  if (!f.numactlCpus.size) return `${path}: no "node N cpus:" line: is this the output of numactl -H?`;
  const out = new Map<number, Cited<number> & { source: string }>();
  for (const [node, c] of f.numactlCpus) out.set(node, { ...c, source: `numactl -H, ${path}:${c.line}: "${cleanText(lines[c.line - 1].trim(), 120)}"` });
  return out;
}

/** Architecture family named in a kernel release string ("5.14.0-70.el9.aarch64", "6.1.0-34-amd64"). */
export function archFromRelease(release: string): ArchFamily | null {
  if (/aarch64|arm64/i.test(release)) return 'arm64';
  if (/x86_64|amd64|\bx86\b/i.test(release)) return 'x86';
  if (/ppc64/i.test(release)) return 'powerpc';
  if (/s390/i.test(release)) return 's390';
  if (/riscv/i.test(release)) return 'riscv';
  return null;
}
