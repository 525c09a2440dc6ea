// Cross-checks of the memory half against figures printed in real kernel logs (../shared/corpus).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Arch } from '../../src/config/types';
import { GiB, MiB } from '../../src/config/units';
import { archProfile, checkPfnSpan, hvoKernelMessage, simulateMemmap } from '../../src/core';
import { makeConfig } from './core-helpers';
import { CORPUS } from './corpus';

const fileStarting = (n: string) => {
  const f = readdirSync(CORPUS).find((x) => x.startsWith(`${n}-`));
  assert.ok(f, `corpus file ${n}-*`);
  return readFileSync(join(CORPUS, f), 'utf8');
};
/** Quoted-printable soft line breaks ("=" at the end of a line) are undone before matching. */
const has = (text: string, line: string) => assert.ok(text.replace(/=\r?\n/g, '').includes(line.trim()), `corpus lacks: ${line.trim()}`);

describe('core vs corpus logs', () => {
  it('05 (5.10 devdax): memmap_init_zone_device counts for an 8 GiB map=dev and a 7 GiB map=mem namespace', () => {
    const log = fileStarting('05');
    const counts = [...log.matchAll(/memmap_init_zone_device initialised (\d+) pages/g)].map((m) => Number(m[1]));
    assert.ok(counts.includes(2063872) && counts.includes(1835008));
    const sim = (size: number, map: 'dev' | 'mem') =>
      simulateMemmap(makeConfig({ version: '5.10', ram: { size: 64 * GiB }, devices: [{ mode: 'devdax', start: 128 * GiB, size, map }] })).memmap.devices[0];
    // map=dev: 8 GiB minus the 130 MiB info block + memmap reservation.
    assert.equal(sim(8 * GiB, 'dev').initializedStructPages, 2063872);
    // map=mem: no altmap, every pfn of the range (5.10 has no compound devmaps).
    assert.equal(sim(7 * GiB, 'mem').initializedStructPages, 1835008);
  });

  it('06 (5.8): check_pfn_span() message with the "#%lx" end typo', () => {
    const log = fileStarting('06');
    const p = archProfile(makeConfig({ version: '5.8' }));
    const e = checkPfnSpan(p, 0xfdd00, 0x200);
    assert.ok(e);
    has(log, e.kernelMessage);
    assert.equal(checkPfnSpan(archProfile(makeConfig({ version: '6.12' })), 0xfdd00, 0x200)?.kernelMessage, 'Misaligned __add_pages start: 0xfdd00 end: 0xfdeff\n');
  });

  it('35/37/54/04: HVO log lines per version and arch', () => {
    const v = (version: string, arch: Arch = 'x86_64') => archProfile(makeConfig({ version, arch }));
    // The third argument: hugetlb_free_vmemmap= of the log's command line (35 and 37 have it on).
    has(fileStarting('37'), hvoKernelMessage(v('5.15'), GiB, true)!);
    has(fileStarting('37'), hvoKernelMessage(v('5.15'), 2 * MiB, true)!);
    has(fileStarting('35'), hvoKernelMessage(v('5.19'), GiB, true)!);
    has(fileStarting('35'), hvoKernelMessage(v('5.19'), 2 * MiB, true)!);
    has(fileStarting('04'), hvoKernelMessage(v('6.1'), GiB, false)!);
    has(fileStarting('04'), hvoKernelMessage(v('6.1'), 2 * MiB, false)!);
    const a64 = fileStarting('54');
    for (const size of [16 * GiB, 512 * MiB, 2 * MiB]) has(a64, hvoKernelMessage(v('6.12', 'arm64-64k'), size, false)!);
  });

  it('04 (6.1, 2 nodes, 256 GiB bare metal): Memory block size: 2048MB', () => {
    const r = simulateMemmap(
      makeConfig({
        version: '6.1',
        nodes: [
          { id: 0, ranges: [{ start: 0, size: 2 * GiB }, { start: 4 * GiB, size: 0x2080000000 - 4 * GiB }] },
          { id: 1, ranges: [{ start: 0x2080000000, size: 0x2000000000 }] },
        ],
      }),
    );
    assert.equal(r.memmap.memoryBlockBytes, 2 * GiB);
    has(fileStarting('04'), 'Memory block size: 2048MB');
  });
});
