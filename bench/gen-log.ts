// Generates a large kernel log from the corpus's own lines, for bench/trace-analyze.ts.
//
//   node --import tsx bench/gen-log.ts [bytes] [out]        (default 1 GiB to bench/out/trace-1g.log)
//
// Each generated boot is one of the corpus's long boot slices (01, 04, 13: banner, zones, node ranges,
// deferred init, Memory:, HugeTLB, ...), followed by runtime messages from other corpus files (ZONE_DEVICE
// init, nvdimm errors, a virtio-mem hotplug failure with its call trace), padded with corpus lines that carry
// no memmap fact (ACPI, SRAT, percpu, RCU, ...) to PAD_LINES lines, the length of a server's dmesg. Stamps
// restart at 0.000000 for every boot and then grow; deferred-init times vary (seeded, reproducible). Lines are
// printed plainly as "[%5lu.%06lu] text".
//
// The corpus is read from ../shared/corpus next to the repository, as the tests do.

import { createWriteStream, mkdirSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseRecord, type PrefixQuirks } from '../src/trace/prefix';
import { analyzeText } from '../src/trace/analyze';
import { FRAME, RULE_BUCKETS } from '../src/trace/rules';

export const CORPUS_DIR = resolve(__dirname, '..', '..', 'shared', 'corpus');
export const DEFAULT_OUT = resolve(__dirname, 'out', 'trace-1g.log');

/** Lines per generated boot (a typical server dmesg up to userspace). */
const PAD_LINES = 2500;
const BASES = ['01-', '04-', '13-'];
const RUNTIME = ['05-', '06-', '11-', '14-', '43-'];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The kernel messages of a corpus file: quoted-printable decoded, prefixes removed, prose dropped. */
function messages(file: string): string[] {
  let text = readFileSync(file, 'latin1');
  if (text.includes('=3D')) {
    text = text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  }
  const q: PrefixQuirks = { mailQuoted: false, absolute: false, relative: false, wallclock: false, prefixes: new Set() };
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    const r = parseRecord(line.replace(/\r$/, ''), i + 1, q);
    if (r.prefixed && r.text.trim() !== '' && (r.tsKind !== 0 || r.wall !== null)) out.push(r.text);
  });
  return out;
}

function corpusFile(prefix: string): string {
  const f = readdirSync(CORPUS_DIR).find((n) => n.startsWith(prefix) && n.endsWith('.log'));
  if (!f) throw new Error(`corpus file ${prefix}* not found in ${CORPUS_DIR}`);
  return join(CORPUS_DIR, f);
}

/**
 * Corpus lines no analyzer rule starts with (the bulk of a real dmesg: ACPI, PCI, percpu, RCU, ...):
 * no rule head, no call-trace frame, and nothing extracted from the line on its own.
 */
function fillerLines(): string[] {
  const all = new Set<string>();
  for (const f of readdirSync(CORPUS_DIR).filter((n) => n.endsWith('.log'))) for (const m of messages(join(CORPUS_DIR, f))) all.add(m);
  return [...all].filter((m) => {
    const body = m.trimStart();
    const bucket = RULE_BUCKETS[body.charCodeAt(0)] ?? [];
    return (
      body.length > 8 &&
      !body.startsWith('[') &&
      !m.endsWith('=') &&
      !FRAME.test(m) &&
      !bucket.some((e) => body.startsWith(e.head)) &&
      analyzeText(`[    1.000000] ${m}\n`).boots.length === 0
    );
  });
}

export async function generateLog(out: string, bytes: number, seed = 1): Promise<{ bytes: number; lines: number; boots: number }> {
  if (!existsSync(CORPUS_DIR)) throw new Error(`corpus not found at ${CORPUS_DIR} (expected ../shared/corpus next to the repository)`);
  const rnd = mulberry32(seed);
  const bases = BASES.map((p) => messages(corpusFile(p)));
  const runtime = RUNTIME.flatMap((p) => messages(corpusFile(p)));
  const filler = fillerLines();
  mkdirSync(dirname(out), { recursive: true });
  const ws = createWriteStream(out);
  let written = 0;
  let lines = 0;
  let boots = 0;
  let buf: string[] = [];
  let bufLen = 0;
  const flush = async () => {
    const s = buf.join('');
    buf = [];
    bufLen = 0;
    if (!ws.write(s, 'latin1')) await new Promise<void>((r) => ws.once('drain', () => r()));
  };
  while (written < bytes) {
    const base = bases[boots % bases.length];
    const real = [...base, ...runtime];
    // Spread the padding evenly between the real messages.
    const pad = Math.max(0, PAD_LINES - real.length);
    const every = pad / real.length;
    let debt = 0;
    let ts = 0;
    const early = Math.floor(real.length * 0.3);
    const emit = (text: string) => {
      const line = `[${String(Math.floor(ts)).padStart(5, ' ')}.${String(Math.round((ts % 1) * 1e6)).padStart(6, '0').slice(0, 6)}] ${text}\n`;
      buf.push(line);
      bufLen += line.length;
      written += line.length;
      lines++;
    };
    for (let i = 0; i < real.length && written < bytes; i++) {
      let text = real[i];
      if (i >= early) ts += rnd() * 0.002;
      text = text.replace(/^(node \d+ deferred pages initialised in )\d+ms/, (_, a: string) => `${a}${Math.floor(50 + rnd() * 500)}ms`);
      emit(text);
      for (debt += every; debt >= 1; debt--) {
        if (i >= early) ts += rnd() * 0.001;
        emit(filler[Math.floor(rnd() * filler.length)]);
      }
      if (bufLen > 1 << 20) await flush();
    }
    boots++;
  }
  await flush();
  await new Promise<void>((r, j) => ws.end((e?: Error | null) => (e ? j(e) : r())));
  return { bytes: written, lines, boots };
}

if (require.main === module) {
  const bytes = Number(process.argv[2] ?? 1024 * 1024 * 1024);
  const out = resolve(process.argv[3] ?? DEFAULT_OUT);
  generateLog(out, bytes).then(
    (r) => process.stdout.write(`wrote ${out}: ${r.bytes} bytes, ${r.lines} lines, ${r.boots} boots\n`),
    (e: Error) => {
      process.stderr.write(`gen-log: ${e.message}\n`);
      process.exitCode = 1;
    },
  );
}
