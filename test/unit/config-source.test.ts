// SourceDoc: JSON-with-comments and YAML parsing with the range of every key and value.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SourceDoc, unclosedFlow, type Range } from '../../src/config/source';

function parse(text: string, fileName: string) {
  const { doc, errors } = SourceDoc.parse(text, fileName);
  assert.ok(doc, 'parse always returns a document');
  return { doc, errors };
}

function slice(doc: SourceDoc, r: Range | null): string | null {
  return r && doc.text.slice(r.start, r.end);
}

/** Line and column of a range's start. */
function at(doc: SourceDoc, r: Range | null): [number, number] {
  assert.ok(r);
  const p = doc.positionAt(r.start);
  return [p.line, p.column];
}

const JSON_TEXT = `// comment
{
  "nodes": [
    { "id": 0, "ranges": [ { "start": "0x0", "size": "2G" }, ] },
  ],
  /* block */ "kernel": { "hvo": true, "memoryBlockSize": null },
  "weird key": 1
}
`;

const YAML_TEXT = `# comment
nodes:
  - id: 0
    ranges:
      - start: 0x0
        size: 2G
kernel: { hvo: true, memoryBlockSize: null }
"weird key": 1
empty:
`;

describe('SourceDoc JSON', () => {
  const { doc, errors } = parse(JSON_TEXT, 'x.memmap.json');

  it('reads comments and trailing commas', () => {
    assert.deepEqual(errors, []);
    assert.equal(doc.format, 'json');
    assert.deepEqual(doc.value, {
      nodes: [{ id: 0, ranges: [{ start: '0x0', size: '2G' }] }],
      kernel: { hvo: true, memoryBlockSize: null },
      'weird key': 1,
    });
  });

  it('knows the range of every value and key', () => {
    assert.equal(slice(doc, doc.rangeOf(['nodes', 0, 'ranges', 0, 'size'])), '"2G"');
    assert.deepEqual(at(doc, doc.rangeOf(['nodes', 0, 'ranges', 0, 'size'])), [4, 54]);
    assert.equal(slice(doc, doc.rangeOf(['nodes', 0, 'ranges', 0, 'size'], 'key')), '"size"');
    assert.deepEqual(at(doc, doc.rangeOf(['kernel'], 'key')), [6, 15]);
    assert.equal(slice(doc, doc.rangeOf(['kernel', 'memoryBlockSize'])), 'null');
    assert.equal(slice(doc, doc.rangeOf(['weird key'])), '1');
    assert.equal(slice(doc, doc.rangeOf(['nodes', 0])), '{ "id": 0, "ranges": [ { "start": "0x0", "size": "2G" }, ] }');
    // Array elements have no key: 'key' gives the value.
    assert.equal(slice(doc, doc.rangeOf(['nodes', 0], 'key')), slice(doc, doc.rangeOf(['nodes', 0])));
  });

  it('returns null for missing paths, the nearest ancestor for nearestRange', () => {
    assert.equal(doc.rangeOf(['nodes', 1]), null);
    assert.equal(doc.rangeOf(['kernel', 'hvo', 'x']), null);
    assert.equal(doc.rangeOf(['devices']), null);
    assert.equal(slice(doc, doc.nearestRange(['kernel', 'nope', 'deeper'])), '{ "hvo": true, "memoryBlockSize": null }');
    assert.equal(doc.nearestRange(['devices', 3]).start, JSON_TEXT.indexOf('{'));
  });
});

describe('SourceDoc YAML', () => {
  const { doc, errors } = parse(YAML_TEXT, 'x.memmap.yaml');

  it('reads a JSON-like value (0x... is an integer in YAML 1.2)', () => {
    assert.deepEqual(errors, []);
    assert.equal(doc.format, 'yaml');
    assert.deepEqual(doc.value, {
      nodes: [{ id: 0, ranges: [{ start: 0, size: '2G' }] }],
      kernel: { hvo: true, memoryBlockSize: null },
      'weird key': 1,
      empty: null,
    });
  });

  it('knows the range of every value and key', () => {
    assert.equal(slice(doc, doc.rangeOf(['nodes', 0, 'ranges', 0, 'size'])), '2G');
    assert.deepEqual(at(doc, doc.rangeOf(['nodes', 0, 'ranges', 0, 'size'])), [6, 15]);
    assert.deepEqual(at(doc, doc.rangeOf(['nodes', 0, 'ranges', 0, 'size'], 'key')), [6, 9]);
    assert.equal(slice(doc, doc.rangeOf(['nodes', 0, 'ranges', 0, 'start'])), '0x0');
    assert.equal(slice(doc, doc.rangeOf(['kernel', 'memoryBlockSize'])), 'null');
    assert.deepEqual(at(doc, doc.rangeOf(['kernel', 'memoryBlockSize'], 'key')), [7, 22]);
    assert.equal(slice(doc, doc.rangeOf(['weird key'], 'key')), '"weird key"');
    // A block collection's range ends at its last token, not at the next line.
    assert.equal(slice(doc, doc.rangeOf(['nodes', 0, 'ranges', 0])), 'start: 0x0\n        size: 2G');
    assert.equal(slice(doc, doc.rangeOf(['empty'], 'key')), 'empty');
  });

  it('positions are 1-based and count \\r\\n as one line break', () => {
    const { doc: crlf } = parse('a: 1\r\nb: 2\r\n', 'x.yaml');
    assert.deepEqual(at(crlf, crlf.rangeOf(['b'])), [2, 4]);
    assert.deepEqual(crlf.positionAt(0), { line: 1, column: 1 });
    assert.deepEqual(crlf.positionAt(999), { line: 3, column: 1 });
  });

  it('resolves aliases to the anchored value', () => {
    const { doc: d, errors: e } = parse('base: &b { size: 2M }\nother: *b\n', 'x.yaml');
    assert.deepEqual(e, []);
    assert.deepEqual(d.value, { base: { size: '2M' }, other: { size: '2M' } });
    assert.equal(slice(d, d.rangeOf(['other', 'size'])), '2M');
  });
});

describe('format detection', () => {
  it('by file name, then by content', () => {
    assert.equal(parse('{}', 'a.memmap.json').doc.format, 'json');
    assert.equal(parse('{}', 'a.jsonc').doc.format, 'json');
    assert.equal(parse('a: 1', 'a.memmap.yml').doc.format, 'yaml');
    assert.equal(parse('// c\n{"a": 1}', 'untitled').doc.format, 'json');
    assert.equal(parse('a: 1', 'untitled').doc.format, 'yaml');
  });
});

describe('syntax errors are located', () => {
  it('JSON: missing comma at the next token', () => {
    const { doc, errors } = parse('{\n  "a": 1\n  "b": 2\n}', 'x.json');
    assert.equal(errors.length, 1);
    assert.equal(errors[0].message, 'expected a comma');
    assert.equal(errors[0].source, 'syntax');
    assert.deepEqual(at(doc, errors[0].range), [3, 3]);
  });

  it('JSON: unexpected end of file', () => {
    const text = '{ "nodes": [ { "id": 0 }';
    const { errors } = parse(text, 'x.json');
    assert.match(errors[0].message, /^unexpected end of file/);
    assert.deepEqual(errors[0].range, { start: text.length, end: text.length });
  });

  it('JSON: unquoted key and bad value', () => {
    const { doc, errors } = parse('{\n  nodes: tru\n}', 'x.json');
    assert.ok(errors.length >= 1);
    assert.deepEqual(at(doc, errors[0].range), [2, 3]);
    assert.match(errors[0].message, /unexpected character/);
  });

  it('YAML: bad indentation / unclosed flow collection', () => {
    const { doc, errors } = parse('nodes:\n  - id: 0\n    ranges: [1, 2\nx: 1\n', 'x.yaml');
    assert.ok(errors.length >= 1);
    assert.equal(errors[0].source, 'syntax');
    assert.match(errors[0].message, /^this "\[" is never closed: add "\]" \(flow sequence .* end with a \]\)$/);
    // yaml notices the missing ] at the next line's first token; the error points at the "[" instead.
    assert.deepEqual(at(doc, errors[0].range), [3, 13]);
  });

  it('YAML: the unclosed bracket is found past quotes, comments and closed ones, also at the end of the file', () => {
    const text = 'name: "a [b"\nnodes:\n  - cpus: 4 # [ comment\n    x: [1, 2]\n    ranges: [{ start: 0x100000000, size: 64G }\n';
    const { doc, errors } = parse(text, 'x.yaml');
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.deepEqual(at(doc, errors[0].range), [5, 13]);
    assert.match(errors[0].message, /^this "\[" is never closed/);
    const map = parse('a:\n  b: { c: 1, d: [1, 2]\n', 'x.yaml');
    assert.match(map.errors[0].message, /^this "\{" is never closed: add "\}"/);
    assert.deepEqual(at(map.doc, map.errors[0].range), [2, 6]);
    assert.equal(unclosedFlow('a: [1, {b: 2}]\n', 15), null, 'all closed');
    assert.equal(unclosedFlow('a: [1}', 6), null, 'mismatched: no guess');
  });

  it('JSON: a YAML config saved as .json gets one error that says so', () => {
    const { doc, errors } = parse('# Memmap Lab: demo\n# two lines\nname: demo\nnodes:\n  - cpus: 4\n', 'x.memmap.json');
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.match(errors[0].message, /^this is YAML, not JSON .*rename the file to \.memmap\.yaml/);
    assert.deepEqual(at(doc, errors[0].range), [3, 1]);
    // JSON with a mistake keeps the JSON errors.
    assert.match(parse('{ name: 1 }', 'x.json').errors[0].message, /unexpected character/);
  });

  it('YAML: error ranges stay inside the text', () => {
    const text = 'a: [1, 2';
    const { errors } = parse(text, 'x.yaml');
    assert.ok(errors.length >= 1);
    for (const e of errors) assert.ok(e.range.start <= e.range.end && e.range.end <= text.length);
  });
});

describe('duplicate keys point at the second key', () => {
  it('JSON', () => {
    const { doc, errors } = parse('{\n  "a": 1,\n  "b": 2,\n  "a": 3\n}', 'x.json');
    assert.equal(errors.length, 1);
    assert.equal(errors[0].message, "duplicate key 'a' (already defined on line 2)");
    assert.deepEqual(at(doc, errors[0].range), [4, 3]);
    assert.deepEqual(errors[0].path, ['a']);
  });

  it('YAML, nested', () => {
    const { doc, errors } = parse('kernel:\n  hvo: true\n  hvo: false\n', 'x.yaml');
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /^duplicate key 'hvo'/);
    assert.deepEqual(at(doc, errors[0].range), [3, 3]);
    assert.deepEqual(errors[0].path, ['kernel', 'hvo']);
  });
});

describe('YAML must be JSON-like', () => {
  it('one document only: the second is an error at its ---', () => {
    const { doc, errors } = parse('a: 1\n---\nb: 2\n', 'x.yaml');
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /one YAML document/);
    assert.deepEqual(at(doc, errors[0].range), [2, 1]);
    assert.equal(slice(doc, errors[0].range), '---');
  });

  it('rejects tags such as !!binary and custom tags', () => {
    const { doc, errors } = parse('a: !!binary aGVsbG8=\nb: !mytag x\nc: !!str 0x10\n', 'x.yaml');
    assert.equal(errors.length, 2);
    assert.match(errors[0].message, /unsupported YAML tag !!binary/);
    assert.deepEqual(at(doc, errors[0].range), [1, 13]);
    assert.match(errors[1].message, /unsupported YAML tag !mytag/);
    assert.equal((doc.value as Record<string, unknown>).c, '0x10');
  });

  it('rejects non-string keys', () => {
    const { doc, errors } = parse('nodes:\n  - 1: x\n    ? [a]\n    : y\n', 'x.yaml');
    assert.equal(errors.length, 2);
    assert.match(errors[0].message, /keys must be strings, not number 1: quote it/);
    assert.deepEqual(at(doc, errors[0].range), [2, 5]);
    assert.match(errors[1].message, /keys must be strings, not a collection/);
    assert.deepEqual(at(doc, errors[1].range), [3, 7]);
  });

  it('rejects .inf and unknown aliases', () => {
    const { errors } = parse('a: .inf\nb: *nope\n', 'x.yaml');
    assert.equal(errors.length, 2);
    assert.match(errors[0].message, /out of range/);
    assert.match(errors[1].message, /unknown YAML alias \*nope/);
  });

  it('stops alias bombs', () => {
    let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++) text += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    const { errors } = parse(text, 'x.yaml');
    assert.equal(errors.filter((e) => /too many values/.test(e.message)).length, 1);
  });
});

describe('numbers beyond 2^53 are detected from the source', () => {
  it('YAML hex and decimal integers', () => {
    const { doc, errors } = parse('a: 0x20000000000001\nb: 9007199254740993\nc: 9007199254740991\n', 'x.yaml');
    assert.equal(errors.length, 2);
    assert.match(errors[0].message, /^number 0x20000000000001 is beyond 2\^53 - 1/);
    assert.deepEqual(at(doc, errors[0].range), [1, 4]);
    assert.match(errors[1].message, /^number 9007199254740993 is beyond/);
    assert.equal(errors[0].source, 'value');
  });

  it('JSON integers and overflowing floats', () => {
    const { errors } = parse('{"a": 18446744073709551616, "b": 1e400, "c": 1.5, "d": -0}', 'x.json');
    assert.equal(errors.length, 2);
    assert.match(errors[0].message, /beyond 2\^53/);
    assert.match(errors[1].message, /number 1e400 is out of range/);
  });

  it('-0 reads as 0', () => {
    const { doc } = parse('{"d": -0}', 'x.json');
    assert.ok(Object.is((doc.value as { d: number }).d, 0));
  });
});

describe('__proto__ is an ordinary key', () => {
  it('does not change the prototype of the value', () => {
    const { doc } = parse('{"__proto__": {"polluted": true}}', 'x.json');
    const v = doc.value as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
    assert.deepEqual(Object.keys(v), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('pathological nesting', () => {
  it('is an error at the start of the document, not a crash', () => {
    const deep = '['.repeat(50000) + ']'.repeat(50000);
    for (const [name, text] of [['x.json', `{"machine": {"x": ${deep}}}`], ['x.yaml', `machine: {x: ${deep}}\n`]]) {
      const { errors } = SourceDoc.parse(text, name);
      assert.ok(errors.length >= 1, name);
      assert.equal(errors[0].source, 'syntax');
      assert.ok(errors.every((e) => e.range.end <= text.length));
    }
  });
});

describe('deep YAML nesting gets the same error as deep JSON, at the value that nests too deeply', () => {
  it('flow and block nesting: "nested too deeply to read" at the top-level value, not the engine message', () => {
    const flow = `nodes: []\nmachine: ${'['.repeat(5000)}${']'.repeat(5000)}\nother: 1\n`;
    let block = 'nodes: []\nmachine:\n';
    for (let i = 0; i < 3000; i++) block += `${' '.repeat(i + 2)}a${i}:\n`;
    for (const [text, at] of [
      [flow, [2, 10]],
      [block, [3, 3]],
    ] as const) {
      const { doc, errors } = parse(text, 'x.memmap.yaml');
      assert.deepEqual(
        errors.map((e) => e.message),
        ['the document is nested too deeply to read'],
      );
      assert.deepEqual(at, [doc.positionAt(errors[0].range.start).line, doc.positionAt(errors[0].range.start).column]);
      assert.deepEqual(errors[0].path, ['machine']);
    }
  });
});

describe('%YAML directives: memmap configs are YAML 1.2', () => {
  it('%YAML 1.1 (010 = 8, 1:30 = 90, on = true) is an error at the directive, and nothing is read', () => {
    const text = '%YAML 1.1\n---\nkernel: { hvo: on }\nhugetlb: [ { pageSize: 2M, count: 010 }, { pageSize: 1G, count: 1:30 } ]\n';
    const { doc, errors } = parse(text, 'x.memmap.yaml');
    assert.equal(errors.length, 1);
    assert.equal(errors[0].message, '%YAML directive for YAML 1.1: memmap configs are YAML 1.2 (YAML 1.1 would read 010 as 8, 1:30 as 90 and on as true): remove this line, or write %YAML 1.2');
    assert.equal(slice(doc, errors[0].range), '%YAML 1.1');
    assert.equal(errors[0].severity, 'error');
    assert.equal(doc.value, undefined);
  });

  it('other versions are errors too; %YAML 1.2 reads as without the directive', () => {
    for (const v of ['1.3', '2.0', '1.0']) {
      const { errors } = parse(`# c\n%YAML ${v}\n---\nnodes: []\n`, 'x.memmap.yaml');
      assert.deepEqual(
        errors.map((e) => [e.severity, e.message.split(':')[0]]),
        [['error', `%YAML directive for YAML ${v}`]],
      );
    }
    const ok = parse('%YAML 1.2\n---\nkernel: { hvo: on }\ncount: 010\n', 'x.memmap.yaml');
    assert.deepEqual(ok.errors, []);
    assert.deepEqual(ok.doc.value, { kernel: { hvo: 'on' }, count: 10 });
  });
});

describe('lone CR line ends (classic Mac OS) are line breaks', () => {
  it('reads the same value and the same line:column as the LF file', () => {
    const lf = 'nodes:\n  - id: 0\n    ranges: [{ start: 0x100000000, size: 64G }]\n    cpux: 3\n';
    const cr = lf.replace(/\n/g, '\r');
    const a = parse(lf, 'x.memmap.yaml');
    const b = parse(cr, 'x.memmap.yaml');
    assert.deepEqual(b.errors, []);
    assert.deepEqual(b.doc.value, a.doc.value);
    assert.equal(b.doc.text, cr, 'the document keeps the text as it is');
    for (const path of [['nodes', 0, 'cpux'], ['nodes', 0, 'ranges', 0, 'size']]) {
      assert.deepEqual(b.doc.rangeOf(path), a.doc.rangeOf(path));
      assert.deepEqual(at(b.doc, b.doc.rangeOf(path)), at(a.doc, a.doc.rangeOf(path)));
    }
    assert.deepEqual(at(b.doc, b.doc.rangeOf(['nodes', 0, 'cpux'], 'key')), [4, 5]);
    // Mixed CR, CRLF and LF.
    const mixed = parse('nodes:\r  - id: 0\r\n    ranges: []\n', 'x.memmap.yaml');
    assert.deepEqual(mixed.errors, []);
    assert.deepEqual(mixed.doc.value, { nodes: [{ id: 0, ranges: [] }] });
    assert.deepEqual(at(mixed.doc, mixed.doc.rangeOf(['nodes', 0, 'ranges'])), [3, 13]);
  });
});
