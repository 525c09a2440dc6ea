// Just enough of a WebAssembly binary writer for the line scanner (scan.ts): one imported memory, functions
// with i32/i64/v128 locals, no imports. The module is generated at run time from the rule table, so there
// is no binary blob in the repository and no build step: the code is the specification.
//
// Opcode numbers are from the WebAssembly core specification 2.0 (5.4 Instructions), SIMD included.

export const I32 = 0x7f;
export const I64 = 0x7e;
export const V128 = 0x7b;
const VOID = 0x40;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (for i32/i64 constants that fit a double exactly). */
export function sleb(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** Instructions of one function body, written structured: block/loop/if take their body as a callback. */
export class Code {
  readonly bytes: number[] = [];

  /** The instructions of `other` (a self-contained sequence), appended. */
  append(other: Code): this {
    for (const b of other.bytes) this.bytes.push(b);
    return this;
  }

  private op(...b: number[]): this {
    for (const x of b) this.bytes.push(x);
    return this;
  }

  private simd(op: number, ...imm: number[]): this {
    return this.op(0xfd, ...uleb(op), ...imm);
  }

  // control. Blocks and loops may be named; br/brIf take a name or a depth (0: the innermost construct).
  private labels: Array<string | null> = [];

  private nest(opcode: number, label: string | null, body: () => void): this {
    this.op(opcode, VOID);
    this.labels.push(label);
    body();
    this.labels.pop();
    return this.op(0x0b);
  }
  block(body: () => void, label: string | null = null): this {
    return this.nest(0x02, label, body);
  }
  loop(body: () => void, label: string | null = null): this {
    return this.nest(0x03, label, body);
  }
  /** if (pops an i32) ... [else ...] end */
  if(then: () => void, otherwise?: () => void): this {
    this.op(0x04, VOID);
    this.labels.push(null);
    then();
    if (otherwise) {
      this.op(0x05);
      otherwise();
    }
    this.labels.pop();
    return this.op(0x0b);
  }
  private depth(target: number | string): number {
    if (typeof target === 'number') return target;
    const i = this.labels.lastIndexOf(target);
    if (i < 0) throw new Error(`no enclosing block ${target}`);
    return this.labels.length - 1 - i;
  }
  br(target: number | string): this {
    return this.op(0x0c, ...uleb(this.depth(target)));
  }
  brIf(target: number | string): this {
    return this.op(0x0d, ...uleb(this.depth(target)));
  }
  return(): this {
    return this.op(0x0f);
  }
  call(f: number): this {
    return this.op(0x10, ...uleb(f));
  }
  drop(): this {
    return this.op(0x1a);
  }

  // variables
  get(l: number): this {
    return this.op(0x20, ...uleb(l));
  }
  set(l: number): this {
    return this.op(0x21, ...uleb(l));
  }
  tee(l: number): this {
    return this.op(0x22, ...uleb(l));
  }

  // memory (align hint 0: unaligned access is fine everywhere)
  load8(offset = 0): this {
    return this.op(0x2d, 0, ...uleb(offset));
  }
  load16(offset = 0): this {
    return this.op(0x2f, 0, ...uleb(offset));
  }
  load32(offset = 0): this {
    return this.op(0x28, 0, ...uleb(offset));
  }
  store32(offset = 0): this {
    return this.op(0x36, 0, ...uleb(offset));
  }
  load64(offset = 0): this {
    return this.op(0x29, 0, ...uleb(offset));
  }

  // i32
  i32(n: number): this {
    return this.op(0x41, ...sleb(n | 0));
  }
  eqz(): this {
    return this.op(0x45);
  }
  eq(): this {
    return this.op(0x46);
  }
  ne(): this {
    return this.op(0x47);
  }
  ltS(): this {
    return this.op(0x48);
  }
  ltU(): this {
    return this.op(0x49);
  }
  gtU(): this {
    return this.op(0x4b);
  }
  leU(): this {
    return this.op(0x4d);
  }
  geU(): this {
    return this.op(0x4f);
  }
  ctz(): this {
    return this.op(0x68);
  }
  add(): this {
    return this.op(0x6a);
  }
  sub(): this {
    return this.op(0x6b);
  }
  and(): this {
    return this.op(0x71);
  }
  or(): this {
    return this.op(0x72);
  }
  shl(): this {
    return this.op(0x74);
  }
  shrU(): this {
    return this.op(0x76);
  }
  xor(): this {
    return this.op(0x73);
  }

  // i64
  i64(n: bigint): this {
    return this.op(0x42, ...sleb(BigInt.asIntN(64, n)));
  }
  and64(): this {
    return this.op(0x83);
  }
  or64(): this {
    return this.op(0x84);
  }
  eq64(): this {
    return this.op(0x51);
  }
  eqz64(): this {
    return this.op(0x50);
  }
  ctz64(): this {
    return this.op(0x7a);
  }
  sub64(): this {
    return this.op(0x7d);
  }
  shl64(): this {
    return this.op(0x86);
  }
  /** i64.extend_i32_u */
  extendU(): this {
    return this.op(0xad);
  }
  /** i32.wrap_i64 */
  wrap(): this {
    return this.op(0xa7);
  }

  // v128
  v128Load(offset = 0): this {
    return this.simd(0x00, 0, ...uleb(offset));
  }
  /** A vector of 16 copies of one byte. */
  splat8(byte: number): this {
    return this.simd(0x0c, ...new Array<number>(16).fill(byte & 0xff));
  }
  i8x16Eq(): this {
    return this.simd(0x23);
  }
  i8x16LtU(): this {
    return this.simd(0x26);
  }
  i8x16Sub(): this {
    return this.simd(0x71);
  }
  v128And(): this {
    return this.simd(0x4e);
  }
  v128Or(): this {
    return this.simd(0x50);
  }
  bitmask8(): this {
    return this.simd(0x64);
  }
  select(): this {
    return this.op(0x1b);
  }
}

export interface Func {
  params: number[];
  results: number[];
  /** Locals after the parameters, in order. */
  locals: number[];
  code: Code;
  export?: string;
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function name(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

/** A module with the given functions over one imported memory, env.memory: `pages` of 64 KiB, fixed size,
 *  shared between threads or not. */
export function wasmModule(pages: number, shared: boolean, funcs: Func[]): Uint8Array<ArrayBuffer> {
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]);
  const bodies = funcs.map((f) => {
    const groups: number[][] = [];
    for (const t of f.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const body = [...vec(groups.map(([count, t]) => [...uleb(count), t])), ...f.code.bytes, 0x0b];
    return [...uleb(body.length), ...body];
  });
  const exports: number[][] = [];
  funcs.forEach((f, i) => {
    if (f.export) exports.push([...name(f.export), 0x00, ...uleb(i)]);
  });
  const memory = [...name('env'), ...name('memory'), 0x02, shared ? 0x03 : 0x01, ...uleb(pages), ...uleb(pages)];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([memory])),
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]);
}
