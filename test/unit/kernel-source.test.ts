// Links to the kernel's source (src/report/kernel-source.ts): Elixir tags from the version strings logs and
// configs carry, identifier and file pages.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ELIXIR, elixirIdentUrl, elixirSourceUrl, elixirTag, frameFunction, linkKernelFunctions } from '../../src/report/kernel-source';

describe('kernel source links', () => {
  it('the release a version string is based on', () => {
    const cases: [string | null, string | null][] = [
      ['6.1.0-34-amd64', 'v6.1'], // Debian: an ABI name, not the stable patch level
      ['5.8.0-25-generic', 'v5.8'], // Ubuntu
      ['6.12.9-memmaplab', 'v6.12'],
      ['6.12', 'v6.12'],
      ['v6.6', 'v6.6'],
      ['4.19.0-rc3', 'v4.19-rc3'],
      ['5.13.0-rc7+', 'v5.13-rc7'],
      ['5.10.0-rc3', 'v5.10-rc3'],
      ['6.8.12-rc1', 'v6.8'], // a stable release candidate: its release
      ['5.14.0-427.el9.x86_64', 'v5.14'],
      ['10.1', 'v10.1'],
      [' 6.1 ', 'v6.1'],
      [null, null],
      ['Linux', null],
      ['6', null],
      ['6.1234', null],
      ['123.1', null],
    ];
    for (const [v, tag] of cases) assert.equal(elixirTag(v), tag, String(v));
  });

  it('identifier and file pages; anything that is not a C identifier gets no link', () => {
    assert.equal(elixirIdentUrl('v6.12', 'check_pfn_span'), `${ELIXIR}/v6.12/A/ident/check_pfn_span`);
    assert.equal(elixirIdentUrl('latest', '__populate_section_memmap'), `${ELIXIR}/latest/A/ident/__populate_section_memmap`);
    for (const bad of ['', 'a b', '../etc', 'f()', 'x/y', '1abc', 'a'.repeat(200), 'vmemmap_populate+0x1a']) assert.equal(elixirIdentUrl('v6.12', bad), null, bad);
    assert.equal(elixirSourceUrl('v6.1', 'mm/sparse.c'), `${ELIXIR}/v6.1/source/mm/sparse.c`);
  });

  it("a call-trace frame's function: without the unreliable mark and compiler suffixes", () => {
    const cases: [string, string | null][] = [
      ['memremap_pages', 'memremap_pages'],
      ['? devm_memremap_pages', 'devm_memremap_pages'],
      ['__add_pages.constprop.0', '__add_pages'],
      ['vmemmap_populate.cold', 'vmemmap_populate'],
      ['deferred_init_memmap_chunk.isra.0', 'deferred_init_memmap_chunk'],
      ['$x', null],
      ['', null],
      ['? ', null],
    ];
    for (const [f, fn] of cases) assert.equal(frameFunction(f), fn, f);
  });

  it('kernel functions named in markdown link to Elixir; code and links stay as they are', () => {
    const u = (f: string) => `${ELIXIR}/v6.12/A/ident/${f}`;
    assert.equal(linkKernelFunctions('| boot memmap | 6 GiB in node 0 RAM (sparse_init(), 64 B per struct page) |', 'v6.12'), `| boot memmap | 6 GiB in node 0 RAM ([sparse_init()](${u('sparse_init')}), 64 B per struct page) |`);
    assert.equal(linkKernelFunctions('written by memmap_init_zone_device())', 'v6.12'), `written by [memmap_init_zone_device()](${u('memmap_init_zone_device')}))`);
    assert.equal(linkKernelFunctions('(deferred_page_init_max_threads()) | x', 'v6.12'), `([deferred_page_init_max_threads()](${u('deferred_page_init_max_threads')})) | x`);
    for (const same of ['`vmemmap_populate()` in code', '    Misaligned __add_pages() in a code block', '[sparse_init()](https://x)', 'no functions here', 'Foo() is not a kernel name', 'a.b() is a method']) assert.equal(linkKernelFunctions(same, 'v6.12'), same, same);
  });
});
