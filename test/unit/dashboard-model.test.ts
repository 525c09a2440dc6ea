// The dashboard's view model (src/report/dashboard-model.ts): the figures the dashboard shows for the
// bundled examples, that its rows add up to the core's totals, that every row points at the config text
// that produced it, the findings, the scenario comparison, and the timeline's pre-aggregation.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigFile, loadConfigText } from '../../src/config/load';
import { GiB } from '../../src/config/units';
import { simulateMemmap } from '../../src/core/simulate';
import { simulateTiming } from '../../src/core/init/index';
import { dashboardModel, runDashboard } from '../../src/report/dashboard-run';
import { buildDashboardModel } from '../../src/report/dashboard-model';
import { parseModel, SPAN_CRITICAL, type DashboardModel, type SourceRange } from '../../src/protocol/dashboard';

const root = join(__dirname, '..', '..');
const example = (name: string) => join(root, 'examples', name);
const fixture = (name: string) => join(root, 'test', 'e2e', 'workspace', name);

/** The config text a range covers. */
function textAt(file: string, r: SourceRange | null): string {
  assert.ok(r, 'no range');
  const lines = readFileSync(file, 'utf8').split('\n');
  if (r.startLine === r.endLine) return lines[r.startLine].slice(r.startCharacter, r.endCharacter);
  return [lines[r.startLine].slice(r.startCharacter), ...lines.slice(r.startLine + 1, r.endLine), lines[r.endLine].slice(0, r.endCharacter)].join('\n');
}

function modelOf(file: string, opts = {}): DashboardModel {
  const m = dashboardModel(loadConfigFile(file), file, opts);
  const v = parseModel(m);
  assert.ok(v.ok, v.ok ? '' : v.error);
  // JSON round trip: the model crosses postMessage and is embedded in the HTML report.
  assert.deepEqual(JSON.parse(JSON.stringify(m)), m);
  return m;
}

describe('dashboard model: default example', () => {
  const file = example('default.memmap.yaml');
  const m = modelOf(file);
  const load = loadConfigFile(file);
  const sim = simulateMemmap(load.config!);
  const timing = simulateTiming(load.config!, sim);

  it('carries the core\'s headline figures', () => {
    assert.equal(m.status, 'ok');
    assert.equal(m.name, '2-socket server, 1.5 TiB Optane devdax, 1 GiB HugeTLB');
    assert.equal(m.arch, 'x86_64');
    assert.equal(m.kernel, '6.12');
    const h = m.headline!;
    assert.equal(h.totalBytes, sim.memmap.totalBytes);
    assert.equal(h.ramBytes, sim.memmap.ramBytes);
    assert.equal(h.deviceBytes, 0);
    assert.equal(h.pageTableBytes, sim.memmap.pageTableBytes);
    assert.equal(h.dedupSavedBytes, 18 * GiB, 'the 1.5 TiB namespace in 2 MiB compound pages keeps 2 of 8 vmemmap pages per page: 24 GiB -> 6 GiB');
    assert.equal(h.hvoSavedBytes, sim.memmap.savedBytes.hvo);
    assert.equal(h.structPages, 2 * 384 * 262144 + 1536 * 262144, 'two 384 GiB nodes + the 1.5 TiB namespace, 4 KiB pages');
    assert.equal(h.bootMs, Math.round(timing.bootMs * 1000) / 1000);
    assert.equal(h.endMs, Math.round(timing.endMs * 1000) / 1000);
    assert.deepEqual([h.errors, h.warnings, h.infos], [0, 1, 1]);
    assert.deepEqual(m.geometry, { pageSize: 4096, structPageSize: 64, sectionSize: 128 * 1024 * 1024, memoryBlockBytes: 2 * GiB });
  });

  it('memory rows: node 0, node 1, the namespace; they add up to the totals', () => {
    assert.deepEqual(
      m.memory.map((r) => [r.key, r.location]),
      [
        ['node:0', 'RAM'],
        ['node:1', 'RAM'],
        ['device:namespace0.0', 'RAM'],
      ],
    );
    const sum = (f: (r: DashboardModel['memory'][number]) => number) => m.memory.reduce((a, r) => a + f(r), 0);
    assert.equal(sum((r) => r.ramBytes), m.headline!.ramBytes);
    assert.equal(sum((r) => r.deviceBytes), m.headline!.deviceBytes);
    assert.equal(sum((r) => r.pageTableBytes), m.headline!.pageTableBytes);
    assert.equal(sum((r) => r.dedupSavedBytes), m.headline!.dedupSavedBytes);
    assert.equal(sum((r) => r.hvoSavedBytes), m.headline!.hvoSavedBytes);
    const ns = m.memory[2];
    assert.equal(ns.ramBytes, 6 * GiB);
    assert.equal(ns.dedupSavedBytes, 18 * GiB);
    assert.match(ns.detail, /devdax pmem 1\.5 TiB on node 0, map=mem, 2 MiB compound/);
    // HVO on node 0 (64 x 1 GiB pages) frees 16 MiB - 4 KiB of vmemmap per page.
    assert.equal(m.memory[0].hvoSavedBytes, 64 * (16 * 1024 * 1024 - 4096));
  });

  it('every row points at the config object that produced it', () => {
    assert.match(textAt(file, m.memory[0].loc), /^id: 0\n/);
    assert.match(textAt(file, m.memory[1].loc), /^id: 1\n/);
    assert.match(textAt(file, m.memory[2].loc), /^name: namespace0\.0/);
    assert.equal(textAt(file, m.hugetlb[0].loc), '{ node: 0, pageSize: 1G, count: 64 }');
    assert.equal(textAt(file, m.hugetlb[1].loc), '{ node: 1, pageSize: 2M, count: 4096 }');
    assert.match(textAt(file, m.timing!.devices[0].loc), /^name: namespace0\.0/);
    assert.match(textAt(file, m.timing!.nodes[1].loc), /^id: 1\n/);
  });

  it('timing: phases, nodes, devices and the critical path add up', () => {
    const t = m.timing!;
    const critical = t.phases.reduce((a, p) => a + p.criticalMs, 0);
    assert.ok(Math.abs(critical - t.endMs) < 0.05, `critical path phases sum to ${critical}, endMs ${t.endMs}`);
    assert.equal(t.criticalSpans, timing.criticalPath.length);
    const last = t.criticalPath[t.criticalPath.length - 1];
    assert.equal(last.phase, 'zoneDeviceInit');
    assert.equal(last.endMs, Math.round(timing.endMs * 1000) / 1000);
    assert.match(textAt(file, last.loc), /^name: namespace0\.0/);
    assert.deepEqual(
      t.nodes.map((n) => [n.node, n.threads]),
      [
        [0, 52],
        [1, 52],
      ],
    );
    assert.equal(t.devices[0].pages, 1536 * 262144 / 4, '402653184 struct pages written in 2 MiB compound pages: compound_nr_pages() per page');
  });

  it('timeline: every leaf span, critical spans flagged, targets located', () => {
    const tl = m.timeline!;
    const leaves = timing.spans.filter((s) => s.kind !== 'group');
    assert.equal(tl.totalSpans, leaves.length);
    assert.equal(tl.spans.length, leaves.length, 'small enough: not pre-aggregated');
    assert.equal(tl.threads.length, timing.threads.length);
    assert.equal(tl.spans.filter((s) => s[6] & SPAN_CRITICAL).length, timing.criticalPath.length);
    for (const s of tl.spans) {
      assert.ok(s[0] < tl.threads.length && s[3] < tl.phases.length && s[4] < tl.targets.length && s[7] < tl.strings.length);
      assert.ok(s[2] >= s[1]);
    }
    const labels = tl.targets.map((t) => t.label);
    assert.deepEqual([...labels].sort(), ['HugeTLB 1 GiB node 0', 'HugeTLB 2 MiB node 1', 'namespace0.0', 'node 0', 'node 1']);
    const pool = tl.targets.find((t) => t.label === 'HugeTLB 1 GiB node 0')!;
    assert.equal(textAt(file, pool.loc), '{ node: 0, pageSize: 1G, count: 64 }');
    assert.deepEqual(
      tl.markers.map((x) => x.label),
      timing.markers.map((x) => x.name),
    );
  });

  it('scenarios side by side: base + 3, deltas against the base', () => {
    const c = m.compare!;
    assert.deepEqual(
      c.columns.map((x) => [x.name, x.ok]),
      [
        ['base', true],
        ['memmap on the device', true],
        ['1G device alignment', true],
        ['HVO off', true],
      ],
    );
    assert.equal(c.columns[1].description, 'ndctl -M dev - the memmap moves into the namespace (altmap); no dedup');
    assert.equal(c.columns[1].headline!.deviceBytes, 24 * GiB, 'map=dev: the whole 24 GiB memmap moves into the namespace (no dedup with an altmap)');
    assert.equal(c.columns[3].headline!.hvoSavedBytes, 0);
    assert.match(textAt(file, c.columns[3].loc), /^name: HVO off/);
    const dev = c.memory.find((r) => r.key === 'memmap.deviceBytes')!;
    assert.deepEqual(dev.values, [0, 24 * GiB, 0, 0]);
    assert.deepEqual(dev.deltas, [0, 24 * GiB, 0, 0]);
    assert.equal(dev.unit, 'bytes');
    assert.ok(dev.changed);
    const end = c.timing.find((r) => r.key === 'endMs')!;
    assert.equal(end.unit, 'ms');
    assert.ok(end.values.every((v) => v !== null && v > 0));
    assert.ok(!c.memory.find((r) => r.key === 'memmap.memoryBlockBytes')!.changed);
  });

  it('findings: the checker\'s, located inside the scenarios that cause them', () => {
    assert.deepEqual(
      m.findings.map((f) => [f.source, f.code, f.severity, f.scenario]),
      [
        ['checker', 'MM022', 'warning', '1G device alignment'],
        ['checker', 'MM016', 'info', 'memmap on the device'],
      ],
    );
    assert.equal(textAt(file, m.findings[0].loc), '1G');
    assert.equal(textAt(file, m.findings[1].loc), 'dev');
    assert.ok(m.findings.every((f) => f.fixes >= 1));
    // Each links its rule's first kernel function on Elixir, at the release the citation was checked against.
    assert.deepEqual(
      m.findings.map((f) => f.kernel),
      [
        { function: 'nd_pfn_init', tag: 'v6.12', url: 'https://elixir.bootlin.com/linux/v6.12/A/ident/nd_pfn_init' },
        { function: '__vmemmap_can_optimize', tag: 'v6.12', url: 'https://elixir.bootlin.com/linux/v6.12/A/ident/__vmemmap_can_optimize' },
      ],
    );
  });

  it('is deterministic', () => {
    assert.deepEqual(modelOf(file), m);
  });
});

describe('dashboard model: every example', () => {
  for (const name of readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.memmap.yaml'))) {
    it(`${name}: validates, rows add up, rows are located`, () => {
      const m = modelOf(example(name));
      assert.equal(m.status, 'ok');
      const h = m.headline!;
      for (const k of ['ramBytes', 'deviceBytes', 'pageTableBytes', 'dedupSavedBytes', 'hvoSavedBytes'] as const) {
        assert.equal(
          m.memory.reduce((a, r) => a + r[k], 0),
          h[k],
          k,
        );
      }
      assert.equal(h.ramBytes + h.deviceBytes + h.pageTableBytes, h.totalBytes);
      assert.ok(m.memory.every((r) => r.loc !== null), 'every memory row is located');
      assert.ok(m.findings.every((f) => f.loc !== null), 'every finding is located');
      assert.equal(m.compare!.columns.length, 1 + loadConfigFile(example(name)).config!.scenarios.length);
    });
  }
});

describe('dashboard model: broken configs', () => {
  it('a config with errors: no figures, the loader\'s findings with their ranges', () => {
    const file = fixture('broken.memmap.yaml');
    const m = modelOf(file);
    assert.equal(m.status, 'invalid');
    assert.equal(m.headline, null);
    assert.equal(m.timeline, null);
    assert.equal(m.compare, null);
    assert.deepEqual(m.memory, []);
    assert.match(m.statusMessage!, /2 errors/);
    assert.deepEqual(
      m.findings.map((f) => [f.source, f.code, textAt(file, f.loc)]),
      [
        ['config', 'schema', '14Q'],
        ['config', 'schema', 'alignn'],
      ],
    );
  });

  it('a config the simulated kernel refuses: the checker explains it (or, without the checker, the core)', () => {
    const file = fixture('kernel-failure.memmap.yaml');
    const withChecker = modelOf(file);
    assert.equal(withChecker.status, 'ok');
    assert.ok(withChecker.findings.some((f) => f.source === 'checker' && f.code === 'MM001' && f.severity === 'error'));
    assert.ok(withChecker.headline!.errors >= 1);
    const core = modelOf(file, { checker: false });
    assert.ok(core.findings.some((f) => f.source === 'core' && f.code === 'MMSIM' && /memory block size 128 MiB/.test(f.message)));
    assert.ok(core.findings.every((f) => f.loc !== null));
    assert.equal(core.memory.find((r) => r.kind === 'hotplug')?.status, 'failed');
  });

  it('a core crash is a finding, not an exception', () => {
    const load = loadConfigText(readFileSync(example('default.memmap.yaml'), 'utf8'), 'x.memmap.yaml');
    const input = runDashboard(load, 'x.memmap.yaml');
    input.base = { ...input.base, result: null, timing: null, crash: 'Error: boom\n    at somewhere' };
    const m = buildDashboardModel(input);
    assert.equal(m.status, 'crashed');
    assert.match(m.statusMessage!, /crashed: Error: boom$/);
    assert.ok(m.findings.some((f) => f.code === 'MMSIM' && /crashed .*boom/.test(f.message)));
    assert.ok(parseModel(m).ok);
  });
});

describe('dashboard model: large timelines are pre-aggregated', () => {
  it('keeps the span budget, the total count and every critical span', () => {
    const file = example('default.memmap.yaml');
    const full = modelOf(file).timeline!;
    const small = modelOf(file, { maxSpans: 150 }).timeline!;
    assert.ok(small.spans.length <= full.spans.length);
    assert.ok(small.spans.length < full.spans.length, 'something was merged');
    assert.equal(small.totalSpans, full.totalSpans);
    assert.equal(
      small.spans.reduce((a, s) => a + s[8], 0),
      full.spans.length,
      'merged counts add up to the spans',
    );
    // Critical spans are never merged with others: each is inside a critical bar of its own thread.
    for (const c of full.spans.filter((s) => s[6] & SPAN_CRITICAL)) {
      assert.ok(
        small.spans.some((s) => s[6] & SPAN_CRITICAL && s[0] === c[0] && s[1] <= c[1] && s[2] >= c[2]),
        `critical span ${full.threads[c[0]].name} ${c[1]}-${c[2]} lost`,
      );
    }
    assert.ok(parseModel(modelOf(file, { maxSpans: 150 })).ok);
  });
});
