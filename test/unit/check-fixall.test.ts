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

  it('an invalid config is returned as it is', () => {
    const r = fixAll('nodes: [', 'x.memmap.yaml');
    assert.equal(r.text, 'nodes: [');
    assert.deepEqual(r.applied, []);
  });
});
