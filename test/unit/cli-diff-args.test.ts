// `memmap-lab diff LOG@N`: what comes after the '@'. A bad boot number of an existing log is said to be one
// (not "no such file"); a file whose name holds an '@' is still that file.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-run';

const TWO_BOOTS = [
  '[    0.000000] Linux version 6.12.0 (x@y) #1 SMP',
  '[    1.000000] node 0 deferred pages initialised in 100ms',
  '[    0.000000] Linux version 6.12.0 (x@y) #2 SMP',
  '[    1.000000] node 0 deferred pages initialised in 75ms',
  '',
].join('\n');

describe('memmap-lab diff: LOG@N arguments', () => {
  const dir = mkdtempSync(join(tmpdir(), 'memmap-diff-args-'));
  writeFileSync(join(dir, 'boots.log'), TWO_BOOTS);
  writeFileSync(join(dir, 'me@host.log'), TWO_BOOTS);
  const diff = (...argv: string[]) => runCli(dir, 'diff', ...argv);

  it('LOG@-1, LOG@abc, LOG@ of an existing log: a bad boot number, exit 2', async () => {
    for (const bad of ['-1', 'abc', '', '1.5']) {
      const r = await diff(`boots.log@${bad}`, 'boots.log@1');
      assert.equal(r.code, 2, bad);
      assert.match(r.err, new RegExp(`^memmap-lab diff: bad boot number in boots\\.log@${bad.replace('.', '\\.')}: boots\\.log@N needs a boot number`), bad);
      assert.doesNotMatch(r.err, /no such file/, bad);
    }
  });

  it("a file named with an '@' is that file; a missing one is still 'no such file'", async () => {
    const r = await diff('me@host.log');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^before: me@host\.log boot /);
    const missing = await diff('nope@abc', 'boots.log');
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read nope@abc: no such file/);
  });
});
