// Defaults that depend on the arch: a device without `align` gets the arch's HPAGE_PMD_SIZE, the
// align ndctl and nd_pfn_init() pick (supported_alignments: PAGE_SIZE, PMD with THP, PUD).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '../../src/config/load';
import { MiB } from '../../src/config/units';

const text = (arch: string) =>
  `arch: ${arch}\nnodes:\n  - id: 0\n    ranges: [ { start: 0x80000000, size: 8G } ]\ndevices:\n  - { name: ns0, start: 64G, size: 16G }\n`;

describe('device align default per arch', () => {
  for (const [arch, align] of [
    ['x86_64', 2 * MiB],
    ['arm64-4k', 2 * MiB],
    ['arm64-16k', 32 * MiB],
    ['arm64-64k', 512 * MiB],
    ['ppc64-radix', 2 * MiB],
    ['ppc64-hash', 16 * MiB],
    ['s390x', 1 * MiB],
    ['riscv64', 2 * MiB],
  ] as const) {
    it(`${arch}: ${align / MiB} MiB`, () => {
      const r = loadConfigText(text(arch), 'x.memmap.yaml');
      assert.deepEqual(r.errors, []);
      assert.equal(r.config!.devices[0].align, align);
    });
  }
  it('an explicit align wins', () => {
    const r = loadConfigText(text('arm64-64k').replace('size: 16G }', 'size: 16G, align: 64K }'), 'x.memmap.yaml');
    assert.equal(r.config!.devices[0].align, 64 * 1024);
  });
});
