// The deterministic discrete-event engine: threads, CPUs, the lock, bandwidth sharing, causes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, type ThreadSpec, type WorkSpec } from '../../src/core/init/des';

function work(ns: number, bytes = 0, domain: string | null = null, extra: Partial<WorkSpec> = {}): WorkSpec {
  return { phase: 'deferredInit', node: 0, device: null, pages: 1, bytes, standaloneNs: ns, standaloneLimit: 'cpu', domain, costTerm: 't', ...extra };
}

function engine(cpus = 64, capacity = Infinity, handoff = 0): Engine {
  return new Engine({ cpus: new Map([[0, cpus]]), domainCapacity: () => capacity, lockHandoffNs: handoff });
}

function thread(name: string, body: ThreadSpec['body'], startDelayNs = 0): ThreadSpec {
  return { name, cpuNode: 0, process: 'node 0', startDelayNs, body };
}

const leaves = (e: Engine) => e.spans.filter((s) => s.kind !== 'group');

describe('Engine', () => {
  it('n equal items on one bandwidth domain take max(work / n... , bytes / bandwidth) in aggregate', () => {
    for (const n of [1, 2, 4, 8, 16]) {
      const e = engine(64, 10); // 10 bytes/ns
      for (let i = 0; i < n; i++) {
        e.spawn(
          thread(`t${i}`, function* () {
            yield { op: 'work', work: work(1000, 2000, 'dram:0') }; // alone: 2 bytes/ns
          }),
        );
      }
      e.run();
      const end = Math.max(...e.spans.map((s) => s.endNs));
      assert.ok(Math.abs(end - Math.max(1000, (n * 2000) / 10)) < 1e-6, `n=${n}: ${end}`);
      assert.equal(e.spans.every((s) => s.limitedBy === (n > 5 ? 'bandwidth' : 'cpu')), true);
    }
  });
  it('a lock is FIFO, hands off with a cost, and records waits and causes', () => {
    const e = engine(64, Infinity, 5);
    for (let i = 0; i < 3; i++) {
      e.spawn(
        thread(`t${i}`, function* () {
          yield { op: 'acquire', lock: 'L' };
          yield { op: 'work', work: work(100) };
          yield { op: 'release', lock: 'L' };
        }),
      );
    }
    e.run();
    const w = leaves(e).filter((s) => s.kind === 'work');
    assert.deepEqual(
      w.map((s) => [s.tid, s.startNs, s.endNs]),
      [
        [0, 0, 100],
        [1, 105, 205],
        [2, 210, 310],
      ],
    );
    const handoffs = e.spans.filter((s) => s.phase === 'lockHandoff');
    assert.equal(handoffs.length, 2);
    assert.equal(handoffs[0].causeId, w[0].id); // caused by the releaser's work
    assert.equal(w[1].causeId, handoffs[0].id);
    assert.equal(e.spans.filter((s) => s.phase === 'lockWait').length, 2);
  });
  it('threads beyond the CPUs of a node wait for a CPU (FIFO)', () => {
    const e = engine(2);
    for (let i = 0; i < 3; i++) e.spawn(thread(`t${i}`, function* () {
      yield { op: 'work', work: work(100) };
    }));
    e.run();
    const w = e.spans.filter((s) => s.kind === 'work');
    assert.deepEqual(w.map((s) => s.endNs).sort((a, b) => a - b), [100, 100, 200]);
    assert.equal(e.spans.filter((s) => s.phase === 'cpuWait').length, 1);
  });
  it('spawn/join: the joiner continues after the last child, caused by its last span', () => {
    const e = engine();
    e.spawn(
      thread('parent', function* () {
        yield { op: 'work', work: work(10) };
        const tids = (yield { op: 'spawn', threads: [thread('a', function* () {
          yield { op: 'work', work: work(50) };
        }, 3), thread('b', function* () {
          yield { op: 'work', work: work(70) };
        }, 3)] }) as number[];
        yield { op: 'join', tids };
        yield { op: 'work', work: work(1) };
      }),
    );
    e.run();
    const lastWork = e.spans[e.spans.length - 1];
    assert.equal(lastWork.startNs, 83);
    const cause = e.spans[lastWork.causeId as number];
    assert.equal(e.threads[cause.tid].name, 'b');
    // The chain back to t=0 is contiguous.
    let s = lastWork;
    while (s.causeId !== null) {
      const c = e.spans[s.causeId];
      assert.equal(c.endNs, s.startNs);
      s = c;
    }
    assert.equal(s.startNs, 0);
  });
  it('merge extends the previous span when the same work follows without a gap', () => {
    const e = engine();
    e.spawn(thread('t', function* () {
      for (let i = 0; i < 5; i++) {
        yield { op: 'acquire', lock: 'L' };
        yield { op: 'work', work: work(10, 0, null, { merge: true, pages: 2 }) };
        yield { op: 'release', lock: 'L' };
      }
    }));
    e.run();
    assert.equal(e.spans.length, 1);
    assert.equal(e.spans[0].pages, 10);
    assert.equal(e.spans[0].endNs, 50);
  });
  it('is deterministic', () => {
    const run = () => {
      const e = engine(3, 7, 2);
      for (let i = 0; i < 6; i++) e.spawn(thread(`t${i}`, function* () {
        yield { op: 'acquire', lock: 'L' };
        yield { op: 'work', work: work(10 + i, 100 * i, 'd') };
        yield { op: 'release', lock: 'L' };
        yield { op: 'work', work: work(30, 300, 'd') };
      }));
      e.run();
      return JSON.stringify(e.spans);
    };
    assert.equal(run(), run());
  });
  it('detects deadlock', () => {
    const e = engine();
    e.spawn(thread('a', function* () {
      yield { op: 'acquire', lock: 'L' };
      yield { op: 'join', tids: [1] };
    }));
    e.spawn(thread('b', function* () {
      yield { op: 'acquire', lock: 'L' };
    }));
    assert.throws(() => e.run(), /deadlock/);
  });
});
