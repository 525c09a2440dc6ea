// The Memmap Log View's model (src/report/logview-model.ts) and comparison (src/report/logview-compare.ts),
// built from real kernel logs of the corpus (read at run time from ../shared/corpus, never copied here):
// the figures the webview shows carry the analyzer's values and log lines, the model validates against
// the protocol, and a linked config gives measured-vs-predicted rows with their relative errors.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFile, analyzeText } from '../../src/trace/index';
import { buildImport, readLog } from '../../src/trace/import';
import { loadConfigText } from '../../src/config/load';
import { bootView, defaultBoot, errorModel, logViewModel } from '../../src/report/logview-model';
import { compareWithConfig } from '../../src/report/logview-compare';
import { FIGURE_LABELS } from '../../src/trace/predicted';
import { parseLogViewModel, type LogViewModel } from '../../src/protocol/logview';
import type { AnalysisFile } from '../../src/trace/types';
import { CORPUS, corpusFile } from './corpus';

const path = corpusFile;
const cache = new Map<string, AnalysisFile>();
async function corpus(n: string): Promise<AnalysisFile> {
  if (!cache.has(n)) cache.set(n, await analyzeFile(path(n)));
  return cache.get(n)!;
}
/** The model as the webview receives it (through JSON), validated. */
function valid(m: LogViewModel): LogViewModel {
  const copy = JSON.parse(JSON.stringify(m)) as unknown;
  const p = parseLogViewModel(copy);
  assert.ok(p.ok, p.ok ? '' : p.error);
  return copy as LogViewModel;
}

describe('log view model from the corpus', () => {
  before(() => {
    if (!existsSync(CORPUS)) assert.fail(`the kernel log corpus is not at ${CORPUS}: these tests read ../shared/corpus next to the repository root`);
  });

  it('every corpus log gives a valid model', async () => {
    for (const f of readdirSync(CORPUS).filter((x) => x.endsWith('.log'))) {
      const a = await analyzeFile(join(CORPUS, f));
      const m = valid(logViewModel(a, { file: f }));
      assert.equal(m.status, 'ok', f);
      assert.equal(m.boots.length, a.boots.length, f);
      assert.ok(m.boot, `${f}: a boot is shown`);
    }
  });

  it('01 HP DL585 G7: 8 nodes of deferred init (relative stamps summed), the Memory: line fields, block size', async () => {
    const m = valid(logViewModel(await corpus('01'), { file: '01.log' }));
    const b = m.boot!;
    assert.equal(b.timestamps, 'relative');
    assert.match(b.title, /^Linux 5\.19\.0-rc2\+ on HP ProLiant DL585 G7/);
    assert.deepEqual(
      b.deferred.map((d) => [d.node, d.ms]),
      [
        [0, 439],
        [1, 419],
        [2, 483],
        [3, 421],
        [4, 489],
        [5, 419],
        [6, 417],
        [7, 457],
      ],
    );
    assert.deepEqual(
      b.deferred.map((d) => d.line),
      [206, 202, 208, 205, 209, 204, 203, 207],
    );
    const mem = b.memory!;
    assert.equal(mem.line, 125);
    assert.deepEqual(mem.fields.find((f) => f.label === 'reserved'), { label: 'reserved', kib: 17278068 });
    assert.deepEqual(mem.fields.slice(0, 2), [
      { label: 'available', kib: 3513124 },
      { label: 'total', kib: 1060058788 },
    ]);
    assert.deepEqual(b.overview.find((f) => f.label === 'memory block size'), { label: 'memory block size', value: '2 GiB', line: 211 });
    assert.equal(b.overview.find((f) => f.label === 'machine')?.line, 22, 'DMI: line, linked');
    assert.equal(b.overview.find((f) => f.label === 'command line')?.line, 2);
    assert.equal(b.nodeRanges.filter((r) => r.node === 0).length, 4);
    assert.equal(b.nodeRanges[0].start, '0x1000');
    assert.equal(m.canImport, true);
  });

  it('04 syslog + quoted-printable: the input notes say what was undone; HVO per page size', async () => {
    const m = valid(logViewModel(await corpus('04'), { file: '04.log' }));
    assert.ok(m.input.some((s) => /quoted-printable/.test(s)));
    assert.ok(m.input.some((s) => /prefixes removed: .*iso8601/.test(s)));
    assert.deepEqual(
      m.boot!.hugetlb.map((h) => [h.pageSizeBytes, h.freeableKiB]),
      [
        [1024 ** 3, 16380],
        [2 * 1024 ** 2, 28],
      ],
    );
    assert.deepEqual(
      m.boot!.deferred.map((d) => [d.node, d.ms]),
      [
        [0, 56],
        [1, 60],
      ],
    );
  });

  it('05 devdax: eight ZONE_DEVICE inits, two bad page states with their lines', async () => {
    const b = valid(logViewModel(await corpus('05'), { file: '05.log' })).boot!;
    assert.deepEqual(
      b.zoneDevice.map((z) => [z.pages, z.ms]),
      [
        [2063872, 34],
        [2063872, 34],
        [2063872, 24],
        [2063872, 24],
        [1835008, 21],
        [1835008, 22],
        [1835008, 31],
        [1835008, 32],
      ],
    );
    assert.deepEqual(
      b.errors.map((e) => [e.kind, e.line]),
      [
        ['bad-page-state', 13],
        ['bad-page-state', 40],
      ],
    );
  });

  it('43 virtio-mem: the vmemmap alloc failure and its call trace through the hotplug path', async () => {
    const b = valid(logViewModel(await corpus('43'), { file: '43.log' })).boot!;
    assert.deepEqual(
      b.errors.map((e) => [e.kind, e.line]),
      [['vmemmap-alloc-failure', 12]],
    );
    assert.equal(b.callTraces.length, 1);
    assert.equal(b.callTraces[0].function, 'vmemmap_alloc_block');
    // The log's kernel is 5.13.0-rc7+: the function's page on Elixir at that release candidate.
    assert.deepEqual(b.callTraces[0].source, { url: 'https://elixir.bootlin.com/linux/v5.13-rc7/A/ident/vmemmap_alloc_block', tag: 'v5.13-rc7' });
    assert.equal(b.callTraces[0].phase, 'hotplug-add');
    assert.ok(b.callTraces[0].frames.some((f) => /vmemmap_populate/.test(f)));
    assert.ok(b.other.some((f) => f.label === 'hotplug: virtio-mem-add' && f.line === 10));
  });

  it('errors link the kernel function that prints them, at the log\'s release; ndctl/daxctl output has none', async () => {
    const e06 = valid(logViewModel(await corpus('06'), { file: '06.log' })).boot!.errors;
    // "5.8.0-rc1-00034-gb6cf9836d07f-dirty": a release candidate of 5.8; the WARN names __add_pages (__func__).
    assert.deepEqual(
      e06.map((e) => [e.kind, e.source]),
      [['misaligned-add-pages', { url: 'https://elixir.bootlin.com/linux/v5.8-rc1/A/ident/__add_pages', tag: 'v5.8-rc1', function: '__add_pages' }]],
    );
    // 14 names no kernel version: the latest release.
    const e14 = valid(logViewModel(await corpus('14'), { file: '14.log' })).boot!.errors;
    assert.deepEqual(
      e14.map((e) => [e.kind, e.source?.function ?? null, e.source?.tag ?? null]),
      [
        ['ndctl-enable-failed', null, null],
        ['ndctl-enable-failed', null, null],
        ['ndctl-create-namespace-failed', null, null],
        ['alignment-collision', 'nd_pfn_init', 'latest'],
        ['conflicting-mapping', 'pagemap_range', 'latest'],
      ],
    );
    const e05 = valid(logViewModel(await corpus('05'), { file: '05.log' })).boot!.errors;
    assert.ok(e05.length === 2 && e05.every((e) => e.source?.url === 'https://elixir.bootlin.com/linux/v5.10-rc3/A/ident/bad_page'));
  });

  it('35 and 53 hold two boots: the one with the most memory facts is shown, any other can be chosen', async () => {
    const a = await corpus('53');
    assert.equal(a.boots.length, 2);
    assert.equal(defaultBoot(a), 1);
    const m = valid(logViewModel(a, { file: '53.log' }));
    assert.equal(m.boot!.index, 1);
    assert.equal(valid(logViewModel(a, { file: '53.log', boot: 0 })).boot!.index, 0);
    // A boot the file does not have falls back to the default one.
    assert.equal(valid(logViewModel(a, { file: '53.log', boot: 7 })).boot!.index, 1);
    const m35 = valid(logViewModel(await corpus('35'), { file: '35.log' }));
    assert.equal(m35.boots.length, 2);
    assert.equal(m35.boots[0].boundary, 'start-of-file');
    assert.ok(m35.boots[1].firstLine > m35.boots[0].lastLine - 1, 'the second boot starts after the first');
  });

  it('28 holds the same node before and after a change: "compare with" gives the change per figure', async () => {
    const a = await corpus('28');
    const m = valid(logViewModel(a, { file: '28.log', boot: 1, compareWith: 0 }));
    assert.equal(m.bootDiff!.other, 0);
    const ms = m.bootDiff!.rows.find((r) => r.key === 'deferredInit.node1.ms')!;
    assert.deepEqual([ms.other, ms.shown, ms.change, ms.direction, ms.unit], ['901 ms', '1,128 ms', '+227 ms (+25.2%)', 'up', 'ms']);
    assert.ok(ms.otherLine! <= 3 && ms.shownLine! >= 4, 'each value keeps its own line');
    const pages = m.bootDiff!.rows.find((r) => r.key === 'deferredInit.node1.pages')!;
    assert.deepEqual([pages.change, pages.direction], ['=', 'same']);
    // The boot shown itself, a boot the file does not have, or none: no comparison.
    assert.equal(logViewModel(a, { file: '28.log', boot: 1, compareWith: 1 }).bootDiff, null);
    assert.equal(logViewModel(a, { file: '28.log', boot: 1, compareWith: 9 }).bootDiff, null);
    assert.equal(logViewModel(a, { file: '28.log', boot: 1 }).bootDiff, null);
    assert.equal(m.bootDiff!.otherFile, null);
    // A boot of another log: 32's laptop against 29's arm64 board; it wins over a boot of this file.
    const b29 = (await corpus('29')).boots[0];
    const x = valid(logViewModel(await corpus('32'), { file: '32.log', compareWith: 0, compareOther: { file: 'logs/29.log', boot: b29 } })).bootDiff!;
    assert.deepEqual([x.otherFile, x.other], ['logs/29.log', 0]);
    const cma = x.rows.find((r) => r.key === 'memory.cmaReservedKiB')!;
    assert.deepEqual([cma.other, cma.shown, cma.change], ['65,536 KiB', '0 KiB', '-65,536 KiB (-100.0%)']);
    // 35: HVO at boot only in the second boot.
    const hvo = valid(logViewModel(await corpus('35'), { file: '35.log', boot: 1, compareWith: 0 })).bootDiff!.rows.find((r) => r.key === 'hugetlb.optimizedAtBoot')!;
    assert.deepEqual([hvo.other, hvo.shown, hvo.change, hvo.direction], [null, '512', 'new', 'none']);
  });

  it('an empty file, a text without kernel facts and an unreadable file say so', () => {
    const empty = valid(logViewModel(analyzeText('', { path: 'empty.log' }), { file: 'empty.log' }));
    assert.equal(empty.format, 'empty');
    assert.equal(empty.boot, null);
    assert.equal(empty.canImport, false);
    assert.match(empty.message!, /empty/);
    const prose = valid(logViewModel(analyzeText('hello\nworld\n', { path: 'x.log' }), { file: 'x.log' }));
    assert.equal(prose.boot, null);
    assert.match(prose.message!, /No memmap-related kernel messages/);
    const err = valid(errorModel('gone.log', 'Cannot read gone.log: no such file'));
    assert.equal(err.status, 'error');
    assert.equal(err.message, 'Cannot read gone.log: no such file');
  });

  it('a UTF-16 log says it was transcoded, a CR-only one how its lines were split; a number above 2^53 is shown with its line, not dropped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memmap-lv-'));
    const text = '[    0.000000] Linux version 6.12.0 (x@y) #1 SMP\n[    1.000000] node 0 deferred pages initialised in 56ms\n';
    const file = join(dir, 'ps.log');
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const m = valid(logViewModel(await analyzeFile(file), { file: 'ps.log' }));
    assert.ok(m.input.includes('utf-16le: transcoded to UTF-8'), m.input.join('; '));
    assert.equal(m.boot!.deferred[0].ms, 56);
    assert.ok(!m.input.some((n) => /CR-only/.test(n)), m.input.join('; '));
    const mac = valid(logViewModel(analyzeText(text.replace(/\n/g, '\r'), { path: 'mac.log' }), { file: 'mac.log' }));
    assert.ok(mac.input.includes('CR-only line endings: each CR read as a line break'), mac.input.join('; '));
    assert.equal(mac.boot!.deferred[0].ms, 56);
    const big = valid(logViewModel(analyzeText(text + '[    2.000000] memmap_init_zone_device initialised 9007199254740993 pages in 5ms\n', { path: 'big.log' }), { file: 'big.log' }));
    const fact = big.boot!.overview.find((f) => f.label === 'number too large');
    assert.ok(fact, JSON.stringify(big.boot!.overview));
    assert.equal(fact.line, 3);
    assert.match(fact.value, /^9007199254740993 is above 2\^53 - 1/);
  });

  it('a comparison is only attached to the boot it was computed for', async () => {
    const a = await corpus('53');
    const cmp = { config: 'x.memmap.yaml', configName: null, boot: 0, status: 'ok' as const, message: null, rows: [], unmatched: [], notes: [], worstRelError: null };
    assert.equal(logViewModel(a, { file: '53.log', boot: 1, link: { uri: 'file:///x.memmap.yaml', file: 'x.memmap.yaml' }, comparison: cmp }).comparison, null);
    assert.deepEqual(logViewModel(a, { file: '53.log', boot: 0, link: { uri: 'file:///x.memmap.yaml', file: 'x.memmap.yaml' }, comparison: cmp }).comparison, cmp);
  });
});

describe('log view comparison (measured vs a linked config)', () => {
  it('01 vs the config imported from it: memory and node figures exact, deferred init with its error', async () => {
    const r = await readLog(path('01'));
    assert.ok(r.ok);
    const imported = buildImport({ log: r.log, outputName: 'hp.memmap.yaml' });
    assert.ok(imported.ok, imported.ok ? '' : imported.errors.join('; '));
    const load = loadConfigText(imported.text, 'hp.memmap.yaml');
    assert.ok(load.config);
    const c = compareWithConfig(r.log, load, 'hp.memmap.yaml');
    assert.equal(c.status, 'ok');
    assert.equal(c.boot, 0);
    const row = (figure: string, subject: string) => c.rows.find((x) => x.figure === figure && x.subject === subject)!;
    assert.deepEqual([row('memoryTotalKiB', 'system').measured, row('memoryTotalKiB', 'system').predicted, row('memoryTotalKiB', 'system').relError], [1060058788, 1060058788, 0]);
    assert.equal(row('memoryTotalKiB', 'system').line, 125);
    assert.equal(row('memoryBlockBytes', 'system').relError, 0);
    for (let n = 0; n < 8; n++) assert.equal(row('nodeBytes', `node ${n}`).relError, 0, `node ${n}`);
    const d = row('deferredInitMs', 'node 4');
    assert.equal(d.measured, 489);
    assert.equal(d.line, 209);
    assert.ok(d.predicted !== null && d.predicted > 0);
    assert.equal(d.relError, Math.round(((d.predicted! - 489) / 489) * 1e9) / 1e9);
    assert.equal(d.label, FIGURE_LABELS.deferredInitMs);
    assert.equal(c.worstRelError, Math.max(...c.rows.filter((x) => x.relError !== null).map((x) => Math.abs(x.relError!))));
    // The whole model with the comparison validates.
    valid(logViewModel(r.log.file, { file: '01.log', link: { uri: 'file:///hp.memmap.yaml', file: 'hp.memmap.yaml' }, comparison: c }));
  });

  it('05 devdax vs the bundled devdax example: ZONE_DEVICE lines matched or listed as not compared', async () => {
    const r = await readLog(path('05'));
    assert.ok(r.ok);
    const text = readFileSync(join(__dirname, '..', '..', 'examples', 'optane-devdax-map-mem.memmap.yaml'), 'utf8');
    const c = compareWithConfig(r.log, loadConfigText(text, 'optane.memmap.yaml'), 'optane.memmap.yaml');
    assert.equal(c.status, 'ok');
    const zd = c.rows.filter((x) => x.figure === 'zoneDeviceMs' || x.figure === 'zoneDevicePages');
    // Every measured ZONE_DEVICE line is either compared (pages and ms) or said to be unmatched.
    assert.equal(zd.length / 2 + c.unmatched.length, 8);
    for (const u of c.unmatched) assert.match(u.why, /ZONE_DEVICE/);
  });

  it('a config with errors does not compare, and says why', async () => {
    const r = await readLog(path('04'));
    assert.ok(r.ok);
    const c = compareWithConfig(r.log, loadConfigText('name: x\nnodes: 3\n', 'bad.memmap.yaml'), 'bad.memmap.yaml');
    assert.equal(c.status, 'failed');
    assert.match(c.message!, /bad\.memmap\.yaml has \d+ error/);
    assert.deepEqual(c.rows, []);
  });

  it('bootView is deterministic', async () => {
    const b = (await corpus('22')).boots[0];
    assert.deepEqual(bootView(b), bootView(b));
  });
});

describe('lines longer than the protocol allows', () => {
  it('a 600-character bad-page line: its timeline label is cut, and the model still fits the protocol', () => {
    const text =
      '[    1.000000] Linux version 6.12.9 (a@b) (gcc 12) #1 SMP\n' +
      `[    5.000000] BUG: Bad page state in process ${'x'.repeat(600)}  pfn:1f0000\n`;
    const f = analyzeText(text);
    const m = logViewModel(f, { file: 'long.log', boot: 0, link: null, comparison: null, compareWith: null, compareOther: null });
    const v = parseLogViewModel(m);
    assert.ok(v.ok, v.ok ? '' : v.error);
    const labels = m.boot!.timeline!.markers.map((k) => k.label);
    assert.ok(labels.some((l) => l.length === 500 && l.endsWith('…')), labels.join('\n'));
  });
});
