// Fix All (src/check/fixall.ts, used by `memmap-lab check --fix` and the editor's source.fixAll): one fix
// at a time, checked after each; a fix that adds an error elsewhere or leaves its finding is refused and the
// finding's next fix is tried; trade-off warnings are left to the user.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkText, fixAll, type CheckOptions, type CheckResult } from '../../src/check/index';

const HOTPLUG = `arch: x86_64
kernel: { version: "6.12" }
nodes:
  - id: 0
    cpus: 4
    ranges: [{ start: 0x100000000, size: 16G }]
hotplug:
  - { node: 0, start: 0x1004000000, size: 1G }
`;

const errors = (r: CheckResult) => r.findings.filter((f) => f.severity === 'error').map((f) => `${f.rule} ${f.message}`);

describe('fixAll', () => {
  it('fixes a misaligned hot-add and reports what it applied', () => {
    const r = fixAll(HOTPLUG, 'hp.memmap.yaml');
    assert.deepEqual(r.applied.map((a) => a.rule), ['MM001']);
    assert.deepEqual(r.skipped, []);
    assert.match(r.text, /start: 0x1008000000, size: 896M/);
    assert.deepEqual(errors(r.result), []);
    assert.deepEqual(errors(checkText(r.text, 'hp.memmap.yaml')), []);
  });

  it('refuses a fix that would add an error elsewhere, says why, and takes the next fix', () => {
    // A checker whose MM001 finding prefers a fix that moves the hot-add onto boot RAM (MM034).
    const at = HOTPLUG.indexOf('0x1004000000');
    const bad = { title: 'Move onto boot RAM', edits: [{ range: { start: at, end: at + '0x1004000000'.length }, newText: '0x100000000' }] };
    const check = (text: string, file: string, opts: CheckOptions): CheckResult => {
      const r = checkText(text, file, opts);
      if (text !== HOTPLUG) return r;
      return { ...r, findings: r.findings.map((f) => (f.rule === 'MM001' ? { ...f, fixes: [bad, ...f.fixes] } : f)) };
    };
    const r = fixAll(HOTPLUG, 'hp.memmap.yaml', {}, 'info', check);
    assert.equal(r.skipped.length, 1);
    assert.equal(r.skipped[0].title, 'Move onto boot RAM');
    assert.match(r.skipped[0].reason, /would add an error: MM034/);
    assert.deepEqual(r.applied.map((a) => a.title), [r.applied[0].title]);
    assert.match(r.applied[0].title, /^Shrink/);
    assert.deepEqual(errors(r.result), []);
  });

  it('refuses a fix that leaves its finding in place', () => {
    const at = HOTPLUG.indexOf('size: 1G');
    const noop = { title: 'Change the size only', edits: [{ range: { start: at, end: at + 'size: 1G'.length }, newText: 'size: 2G' }] };
    const check = (text: string, file: string, opts: CheckOptions): CheckResult => {
      const r = checkText(text, file, opts);
      return { ...r, findings: r.findings.map((f) => (f.rule === 'MM001' ? { ...f, fixes: [noop] } : f)) };
    };
    const r = fixAll(HOTPLUG, 'hp.memmap.yaml', {}, 'info', check);
    assert.deepEqual(r.applied, []);
    assert.equal(r.text, HOTPLUG);
    assert.equal(r.skipped.length, 1);
    assert.match(r.skipped[0].reason, /still there/);
  });

  it('leaves a trade-off warning (a smaller align) to the user', () => {
    const text = `arch: x86_64
kernel: { version: "6.12" }
nodes:
  - id: 0
    cpus: 4
    ranges: [{ start: 0x100000000, size: 16G }]
devices:
  - { name: namespace0.0, kind: pmem, mode: devdax, align: 1G, start: 0x800000000, size: 3G, map: dev }
`;
    assert.ok(checkText(text, 'w.memmap.yaml').findings.some((f) => f.rule === 'MM022' && f.severity === 'warning' && f.fixes.length));
    const r = fixAll(text, 'w.memmap.yaml');
    assert.equal(r.text, text);
    assert.deepEqual(r.applied, []);
  });

  it('the riscv64 namespace: the fix it keeps leaves no error (an altmap that no longer fits is refused)', () => {
    const text = `arch: riscv64
kernel: { version: "6.12" }
nodes:
  - id: 0
    cpus: 4
    ranges: [{ start: 0x80000000, size: 16G }]
devices:
  - name: namespace0.0
    kind: pmem
    mode: fsdax
    start: 0x1000100000
    size: 4G
`;
    const r = fixAll(text, 'r.memmap.yaml');
    assert.deepEqual(r.applied.map((a) => a.rule), ['MM002']);
    assert.deepEqual(errors(r.result), []);
    assert.doesNotMatch(r.text, /map:/, 'the fix does not move the memmap to RAM');
  });

  it('many independent findings cost a few checks, not one per finding', () => {
    const n = 60;
    const text = HOTPLUG.replace(/hotplug:\n.*\n/, 'hotplug:\n' + Array.from({ length: n }, (_, i) => `  - { node: 0, start: 0x${(0x1004000000 + i * 0x100000000).toString(16)}, size: 1G }\n`).join(''));
    assert.equal(checkText(text, 'hp.memmap.yaml').findings.filter((f) => f.rule === 'MM001').length, n);
    const r = fixAll(text, 'hp.memmap.yaml');
    assert.equal(r.applied.length, n);
    assert.deepEqual(errors(r.result), []);
    assert.ok(r.checks <= 3, `${r.checks} checks`);
  });

  it('one bad fix among good ones: the good ones are applied, the bad one is isolated and refused', () => {
    const text = HOTPLUG.replace(/hotplug:\n.*\n/, 'hotplug:\n' + [0, 1, 2, 3].map((i) => `  - { node: 0, start: 0x${(0x1004000000 + i * 0x100000000).toString(16)}, size: 1G }\n`).join(''));
    // hotplug[2]'s finding prefers a fix that moves it onto boot RAM (MM034).
    const check = (t: string, file: string, opts: CheckOptions): CheckResult => {
      const r = checkText(t, file, opts);
      return {
        ...r,
        findings: r.findings.map((f) => {
          if (f.rule !== 'MM001' || f.path[1] !== 2) return f;
          const at = t.indexOf('0x1204000000');
          return at < 0 ? f : { ...f, fixes: [{ title: 'Move onto boot RAM', edits: [{ range: { start: at, end: at + 12 }, newText: '0x100000000' }] }, ...f.fixes] };
        }),
      };
    };
    const r = fixAll(text, 'hp.memmap.yaml', {}, 'info', check);
    assert.deepEqual(r.skipped.map((k) => [k.title, /would add an error: MM034/.test(k.reason)]), [['Move onto boot RAM', true]]);
    assert.equal(r.applied.length, 4);
    assert.deepEqual(errors(r.result), []);
    assert.doesNotMatch(r.text, /0x100000000, size: 1G/);
  });

  it('the result does not depend on the order of the keys in the file', () => {
    const head = 'arch: x86_64\nkernel: { version: "6.12" }\nnodes:\n  - id: 0\n    cpus: 4\n    ranges: [{ start: 0x100000000, size: 16G }]\ndevices:\n';
    const a = fixAll(head + '  - { name: namespace1.0, kind: pmem, mode: devdax, align: 1G, start: 0x2000000000, size: 8M }\n', 'a.memmap.yaml');
    const b = fixAll(head + '  - { name: namespace1.0, kind: pmem, mode: devdax, start: 0x2000000000, size: 8M, align: 1G }\n', 'b.memmap.yaml');
    assert.ok(a.applied.length > 0);
    assert.deepEqual(a.applied.map((x) => x.title), b.applied.map((x) => x.title));
    const fields = (t: string) => Object.fromEntries([...t.matchAll(/(align|size|start): (\S+?)[,\s}]/g)].filter((m) => m.index! > head.length).map((m) => [m[1], m[2]]));
    assert.deepEqual(fields(a.text), fields(b.text));
  });

  it('scenario errors are fixed in their scenario, --severity error leaves warnings', () => {
    const text = HOTPLUG + 'hugetlb:\n  - { node: 0, pageSize: 2M, count: 64 }\n  - { node: 0, pageSize: 2M, count: 32 }\nscenarios:\n  - name: moved\n    set: { "hotplug[0].start": 0x1404000000 }\n';
    const before = checkText(text, 's.memmap.yaml');
    assert.ok(before.findings.some((f) => f.rule === 'MM001' && f.scenario === 'moved'));
    assert.ok(before.findings.some((f) => f.rule === 'MM029' && f.severity === 'warning'));
    const r = fixAll(text, 's.memmap.yaml', {}, 'error');
    assert.deepEqual(errors(r.result), []);
    assert.ok(r.result.findings.some((f) => f.rule === 'MM029'), 'the warning is left with --severity error');
    assert.ok(r.text.includes('    set: { "hotplug[0].start": 0x1408000000, "hotplug[0].size": 896M }\n'), r.text);
    assert.deepEqual(r.applied.map((a) => a.rule), ['MM001', 'MM001']);
    assert.equal(r.checks, 2, 'the base and the scenario hot-add are fixed in one batch');
  });

  it('an invalid config is returned as it is', () => {
    const r = fixAll('nodes: [', 'x.memmap.yaml');
    assert.equal(r.text, 'nodes: [');
    assert.deepEqual(r.applied, []);
  });
});
