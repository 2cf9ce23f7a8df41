// fuzz/gen-floats.ts: f32/f64 expressions for the program generator (gen.ts), following the
// float model of docs/fwts.md ("Floats"): an f32 `+ - * /` is wrapped by f32(...) before any
// other use (one operation at a time); f64 operations nest and are wrapped by f64(...) where a
// typed value is needed; operands are of one float type or bare literals exact in it; every
// other conversion is explicit (f32(x), f64(x), u8(x) ... i32(x)).
//
// What reaches the operations: literals at the edges (±0, the smallest subnormal, the largest
// subnormal, the smallest and largest normal, NaN, ±Infinity, integers and halves at the edges
// of every integer type, 2^24 ± 1 and 2^53 ± 1, ties for round()), and values decoded from the
// case's input bytes by f32frombits/f64frombits, their bits forced into a class (NaN with a
// payload or ±Infinity, subnormal or zero, [1, 2), near 2^31/2^32/2^53) or left as they come.
// Results are observed through f32bits/f64hi/f64lo (NaN canonical) and the integer conversions.

import type { Rng } from '../difftest/inputs.ts';
import { INT_TYPES, type Expr, type FloatTy, type IntTy, type Stmt } from './ast.ts';

/** Exact f32 values (also exact as f64): bare operands in either width. */
const EXACT_BOTH = ['0', '0.5', '1', '1.5', '2', '2.5', '-0.5', '-1', '-2.5', '0.25', '3', '1024', '16777216', '-16777216', '255', '65535'];
/** Literals at the edges, each written as its f32/f64 conversion (f32() rounds at compile time). */
const EDGE_F32 = [
  'f32(0)', 'f32(-0)', 'f32(1.401298464324817e-45)', 'f32(-1.401298464324817e-45)', 'f32(1.1754942106924411e-38)', 'f32(1.1754943508222875e-38)',
  'f32(3.4028234663852886e+38)', 'f32(-3.4028234663852886e+38)', 'f32(0.1)', 'f32(16777217)', 'f32(16777215)', 'f32(0.49999997)', 'f32(2147483647)',
  'f32(2147483648)', 'f32(-2147483648)', 'f32(4294967295)', 'f32(4294967296)', 'f32(-1.5)', 'f32(-0.5)', 'f32(0.5)', 'f32(2.5)', 'f32(-2.5)',
  'f32(255.5)', 'f32(256)', 'f32(-128.5)', 'f32(32767.5)', 'f32(65535.5)', 'f32(1e10)', 'f32(-1e10)', 'f32(1.0000001)', 'f32(3e38)',
  // NaN and ±Infinity by the constants; -Infinity as an operation (a bare -F32_INFINITY is a number to TypeScript).
  'F32_NAN', 'F32_INFINITY', 'f32(F32_INFINITY * -1)',
];
const EDGE_F64 = [
  'f64(0)', 'f64(-0)', 'f64(5e-324)', 'f64(-5e-324)', 'f64(2.225073858507201e-308)', 'f64(2.2250738585072014e-308)', 'f64(1.7976931348623157e+308)',
  'f64(-1.7976931348623157e+308)', 'f64(0.1)', 'f64(9007199254740992)', 'f64(9007199254740991)', 'f64(-9007199254740992)', 'f64(-9223372036854775808)', 'f64(18446744073709549568)', 'f64(2147483647.5)',
  'f64(2147483648)', 'f64(-2147483648.5)', 'f64(-2147483649)', 'f64(4294967295.5)', 'f64(4294967296)', 'f64(-1.5)', 'f64(-0.5)', 'f64(0.5)',
  'f64(2.5)', 'f64(-2.5)', 'f64(0.49999999999999994)', 'f64(255.5)', 'f64(-128.5)', 'f64(65535.99)', 'f64(1e20)', 'f64(-1e20)', 'f64(1e300)',
  'f64(1.0000000000000002)', 'f64(3.4028235677973366e+38)', 'f64(1.401298464324817e-45)', 'F64_NAN', 'F64_INFINITY', 'f64(F64_INFINITY * -1)',
];
/** Masks forcing a decoded f32's bits into a class: [and, or]. */
const F32_CLASSES: [number, number][] = [
  [0xffffffff, 0], // as it comes
  [0xffffffff, 0x7f800000], // NaN (with a payload and a sign) or ±Infinity
  [0x807fffff, 0], // subnormal or ±0
  [0x807fffff, 0x3f800000], // ±[1, 2): rounding in arithmetic
  [0x803fffff, 0x4f000000], // near ±2^31: the integer conversions' edges
  [0x801fffff, 0x4b000000], // near ±2^23: halves and ties
];
/** The same for an f64's high word. */
const F64_CLASSES: [number, number][] = [
  [0xffffffff, 0],
  [0xffffffff, 0x7ff00000],
  [0x800fffff, 0],
  [0x800fffff, 0x3ff00000],
  [0x800fffff, 0x41e00000], // ±[2^31, 2^32)
  [0x800fffff, 0x41f00000], // ±[2^32, 2^33)
  [0x800fffff, 0x43300000], // ±[2^52, 2^53): ties of round()
  [0x801fffff, 0x43d00000], // ±[2^62, 2^64): ToInt32 of integers past 2^53, libgcc's dsub far apart
];

/** The float operators, `%` (JavaScript's exact remainder, C's fmod) at about one in nine. */
const FLOAT_OPS = ['+', '-', '*', '/', '+', '-', '*', '/', '%'] as const;

const F32_HELPERS1 = ['sqrtf', 'absf', 'floorf', 'ceilf', 'truncf', 'roundf'];
const F64_HELPERS1 = ['sqrt', 'abs', 'floor', 'ceil', 'trunc', 'round'];
const F32_HELPERS2 = ['minf', 'maxf', 'copysignf'];
const F64_HELPERS2 = ['min', 'max', 'copysign'];

/** What the float generator needs from the program generator (gen.ts). */
export interface FloatHost<C> {
  readonly rng: Rng;
  genInt(ty: IntTy, ctx: C, d: number): Expr;
  genBool(ctx: C, d: number): Expr;
  /** Float-typed variables in scope. */
  floatVars(ctx: C, ty: FloatTy): string[];
  /** Float tables of type ty (name, length). */
  floatTables(ty: FloatTy): { name: string; len: number }[];
  /** Calls returning ty, within the work budget (undefined: none). */
  floatCall(ctx: C, ty: FloatTy, d: number): Expr | undefined;
  allow(tag: string): boolean;
}

/** Does an f64 intermediate contain a typed operand (not only bare literals)? */
function typedLeaf(e: Expr): boolean {
  if (e.k === 'flit') return e.ty === 'f32' || e.ty === 'f64';
  if (e.k === 'bin') return typedLeaf(e.a) || typedLeaf(e.b);
  if (e.k === 'un') return typedLeaf(e.a);
  return true;
}

const flit = (ty: FloatTy | 'fnum' | 'dnum', text: string, tag?: string): Expr => ({ k: 'flit', ty, text, ...(tag ? { tag } : {}) });

export class FloatGen<C> {
  private readonly h: FloatHost<C>;
  constructor(h: FloatHost<C>) {
    this.h = h;
  }

  private get r(): Rng {
    return this.h.rng;
  }

  /** An edge literal of type ty. */
  edge(ty: FloatTy): Expr {
    const text = this.r.pick(ty === 'f32' ? EDGE_F32 : EDGE_F64);
    const tag = /NAN/.test(text) ? 'float-nan' : /INFINITY/.test(text) ? 'float-inf' : /-0\)|\(0\)/.test(text) ? 'float-zero' : /e-(3|4)/.test(text) ? 'float-subnormal' : 'float-edge';
    return flit(ty, text, tag);
  }

  /** A typed f32/f64 expression. */
  gen(ty: FloatTy, ctx: C, d: number): Expr {
    const r = this.r;
    const h = this.h;
    const opts: [number, () => Expr][] = [[2, () => this.edge(ty)]];
    const vars = h.floatVars(ctx, ty);
    if (vars.length) opts.push([8, () => ({ k: 'ref', ty, text: r.pick(vars) })]);
    if (d > 0) {
      if (ty === 'f32') {
        // f32(a op b): one operation, rounded at once (the wrap rule).
        opts.push([8, () => ({ k: 'wrap', ty, a: this.op32(ctx, d - 1), tag: 'float-f32-op' })]);
      } else {
        opts.push([8, () => ({ k: 'wrap', ty, a: this.tree64(ctx, d - 1, 3), tag: 'float-f64-op' })]);
      }
      // Conversions: from an integer (exact for f64, rounded for f32 past 2^24), between widths.
      opts.push([3, () => ({ k: 'wrap', ty, a: h.genInt(r.pick(INT_TYPES), ctx, d - 1), tag: `float-from-int-${ty}` })]);
      opts.push([2, () => ({ k: 'wrap', ty, a: this.gen(ty === 'f32' ? 'f64' : 'f32', ctx, d - 1), tag: ty === 'f32' ? 'float-f64-to-f32' : 'float-f32-to-f64' })]);
      opts.push([3, () => this.helper(ty, ctx, d - 1)]);
      opts.push([2, () => this.bitcast(ty, ctx, d - 1)]);
      if (h.allow('float-cond')) opts.push([1, () => ({ k: 'cond', ty, c: h.genBool(ctx, 1), a: this.gen(ty, ctx, d - 1), b: this.gen(ty, ctx, d - 1), tag: 'float-cond' })]);
      // T[u8(e & mask)]: an index from the data, proven by the mask (mask < T.length).
      const tabs = h.floatTables(ty);
      if (tabs.length) {
        opts.push([2, () => {
          const t = r.pick(tabs);
          const mask = 2 ** Math.floor(Math.log2(t.len)) - 1;
          const i: Expr = { k: 'wrap', ty: 'u8', a: { k: 'bin', ty: 'num', op: '&', a: h.genInt(r.pick(INT_TYPES), ctx, d - 1), b: { k: 'num', ty: 'num', v: mask, bits: 4 }, bits: 32 } };
          return { k: 'idx', ty, arr: t.name, i, tag: 'float-table-index' };
        }]);
      }
      const call = h.floatCall(ctx, ty, d - 1);
      if (call) opts.push([3, () => call]);
    }
    return r.weighted(opts)();
  }

  /** `a op b` of two f32 operands (one of them may be a bare exact literal), or `-a`. */
  private op32(ctx: C, d: number): Expr {
    const r = this.r;
    if (r.chance(0.08)) return { k: 'un', ty: 'fnum', op: '-', a: this.gen('f32', ctx, d) };
    // At most one bare literal: two would make a constant, not an f32 operation.
    const lit = r.chance(0.3) ? r.int(2) : -1;
    const operand = (k: number): Expr => (k === lit ? flit('fnum', r.pick(EXACT_BOTH)) : this.gen('f32', ctx, d));
    const op = r.pick(FLOAT_OPS);
    return { k: 'bin', ty: 'fnum', op, a: operand(0), b: operand(1), ...(op === '%' ? { tag: 'float-rem' } : {}) };
  }

  /** An f64 intermediate: f64 operands, bare literals and nested operations (at least one typed
   * operand: literals alone would make a constant). */
  private tree64(ctx: C, d: number, depth: number): Expr {
    const r = this.r;
    const leaf = (): Expr => (r.chance(0.15) ? flit('dnum', r.pick(EXACT_BOTH)) : this.gen('f64', ctx, d));
    // Every operation has a typed operand on some side (an operation of literals alone is an
    // integer-or-number constant to the checker, not an f64).
    const grow = (k: number): Expr => {
      if (k <= 0 || r.chance(0.35)) return leaf();
      if (r.chance(0.1)) {
        const a = grow(k - 1);
        return { k: 'un', ty: 'dnum', op: '-', a: typedLeaf(a) ? a : this.gen('f64', ctx, d) };
      }
      const a = grow(k - 1);
      const b = grow(k - 1);
      const op = r.pick(FLOAT_OPS);
      return { k: 'bin', ty: 'dnum', op, a, b: typedLeaf(a) || typedLeaf(b) ? b : this.gen('f64', ctx, d), ...(op === '%' ? { tag: 'float-rem' } : {}) };
    };
    const t = grow(depth);
    return typedLeaf(t) ? t : this.gen('f64', ctx, d);
  }

  private helper(ty: FloatTy, ctx: C, d: number): Expr {
    const r = this.r;
    if (r.chance(0.6)) {
      const fn = r.pick(ty === 'f32' ? F32_HELPERS1 : F64_HELPERS1);
      return { k: 'call', ty, fn, args: [this.gen(ty, ctx, d)], tag: `float-${fn.replace(/f$/, '')}` };
    }
    const fn = r.pick(ty === 'f32' ? F32_HELPERS2 : F64_HELPERS2);
    // min/max/copysign with a signed zero or a NaN on one side: the JavaScript rules.
    const zero = (): Expr => (r.chance(0.5) ? flit(ty, ty === 'f32' ? r.pick(['f32(-0)', 'f32(0)', 'F32_NAN']) : r.pick(['f64(-0)', 'f64(0)', 'F64_NAN'])) : this.gen(ty, ctx, d));
    const args = r.chance(0.5) ? [zero(), this.gen(ty, ctx, d)] : [this.gen(ty, ctx, d), zero()];
    return { k: 'call', ty, fn, args, tag: `float-${fn.replace(/f$/, '')}` };
  }

  /** f32frombits(bits) / f64frombits(hi, lo) of integers (the bits round trip through u32). */
  private bitcast(ty: FloatTy, ctx: C, d: number): Expr {
    const u = (): Expr => this.h.genInt('u32', ctx, d);
    return ty === 'f32'
      ? { k: 'call', ty, fn: 'f32frombits', args: [u()], tag: 'float-bitcast' }
      : { k: 'call', ty, fn: 'f64frombits', args: [u(), u()], tag: 'float-bitcast' };
  }

  /** An integer of type ty from a float: u8(x) ... i32(x) (JS ToInt32/ToUint32), f32bits, f64hi/lo. */
  toInt(ty: IntTy, ctx: C, d: number): Expr {
    const r = this.r;
    if (ty === 'u32' && r.chance(0.4)) {
      return r.chance(0.5)
        ? { k: 'call', ty, fn: 'f32bits', args: [this.gen('f32', ctx, d)], tag: 'float-bits' }
        : { k: 'call', ty, fn: r.pick(['f64hi', 'f64lo']), args: [this.gen('f64', ctx, d)], tag: 'float-bits' };
    }
    // An f64 intermediate converts directly too (u32(x * 3.5)).
    const a = r.chance(0.2) ? this.tree64(ctx, d, 2) : this.gen(r.pick(['f32', 'f64'] as const), ctx, d);
    return { k: 'wrap', ty, a, tag: `float-to-${ty}` };
  }

  /** A comparison of two floats of one type (NaN unequal to everything; x !== x tests NaN). */
  compare(ctx: C, d: number): Expr {
    const r = this.r;
    const ty = r.pick(['f32', 'f64'] as const);
    const a = this.gen(ty, ctx, d);
    if (a.k === 'ref' && r.chance(0.2)) return { k: 'bin', ty: 'bool', op: r.pick(['===', '!==']), a, b: a, tag: 'float-nan-test' };
    const b = r.chance(0.25) ? flit(ty === 'f32' ? 'fnum' : 'dnum', r.pick(EXACT_BOTH)) : this.gen(ty, ctx, d);
    return { k: 'bin', ty: 'bool', op: r.pick(['===', '!==', '<', '<=', '>', '>=']), a, b, tag: 'float-compare' };
  }

  /** Statements writing a float's encoding to buf[at..]: wr32le(output, at, f32bits(x)). */
  observe(ty: FloatTy, x: Expr, buf: string, at: number): Stmt[] {
    const out = (v: number, e: Expr): Stmt => ({ s: 'expr', e: { k: 'call', ty: 'void', fn: 'wr32le', args: [{ k: 'ref', ty: 'bytes', text: buf }, { k: 'lit', ty: 'u32', v }, e] } });
    if (ty === 'f32') return [out(at, { k: 'call', ty: 'u32', fn: 'f32bits', args: [x] })];
    return [out(at, { k: 'call', ty: 'u32', fn: 'f64hi', args: [x] }), out(at + 4, { k: 'call', ty: 'u32', fn: 'f64lo', args: [x] })];
  }

  /** `let d: f32 = f32(0); if (input.length >= at + 4) d = f32frombits(u32((rd32le(input, at) & A) | O));`:
   * a float from the case's bytes, its bits forced into a class (NaN payloads, subnormals, ...). */
  decode(name: string, ty: FloatTy, at: number): Stmt[] {
    const r = this.r;
    const word = (off: number): Expr => ({ k: 'call', ty: 'u32', fn: 'rd32le', args: [{ k: 'ref', ty: 'bytes', text: 'input' }, { k: 'lit', ty: 'u32', v: off }] });
    const masked = (w: Expr, [and, or]: [number, number]): Expr => {
      if (and === 0xffffffff && or === 0) return w;
      let e: Expr = w;
      if (and !== 0xffffffff) e = { k: 'bin', ty: 'num', op: '&', a: e, b: { k: 'num', ty: 'num', v: and, bits: 32 }, bits: 32 };
      if (or !== 0) e = { k: 'bin', ty: 'num', op: '|', a: e, b: { k: 'num', ty: 'num', v: or, bits: 31 }, bits: 32 };
      return { k: 'wrap', ty: 'u32', a: e };
    };
    const cls = r.pick(ty === 'f32' ? F32_CLASSES : F64_CLASSES);
    const value: Expr = ty === 'f32'
      ? { k: 'call', ty, fn: 'f32frombits', args: [masked(word(at), cls)], tag: 'float-decode' }
      : { k: 'call', ty, fn: 'f64frombits', args: [masked(word(at + 4), cls), word(at)], tag: 'float-decode' };
    const need = at + (ty === 'f32' ? 4 : 8);
    return [
      { s: 'let', name, ty, init: this.edge(ty), konst: false },
      { s: 'if', c: { k: 'bin', ty: 'bool', op: '>=', a: { k: 'ref', ty: 'u32', text: 'input.length' }, b: { k: 'num', ty: 'num', v: need, bits: 8 } }, t: [{ s: 'assign', target: name, e: value }], f: null },
    ];
  }
}

/** Feature tags of the float generator, with what each stands for (coverage.ts FEATURES). */
export const FLOAT_FEATURES: Record<string, string> = {
  'float-f32-op': 'f32(a op b): an f32 + - * / rounded at once (the wrap rule)',
  'float-f64-op': 'f64(...) of nested f64 operations',
  'float-rem': 'a % b of floats (exact: fmod / fmodf)',
  'float-from-int-f32': 'f32(int): rounded past 2^24',
  'float-from-int-f64': 'f64(int): exact',
  'float-f64-to-f32': 'f32(f64): rounding to f32 (to subnormals, to Infinity)',
  'float-f32-to-f64': 'f64(f32): exact',
  ...Object.fromEntries(INT_TYPES.map((t) => [`float-to-${t}`, `${t}(float): ToInt32/ToUint32 then ${t} (NaN and ±Infinity give 0)`])),
  'float-bits': 'f32bits / f64hi / f64lo of a float (NaN canonical)',
  'float-bitcast': 'f32frombits / f64frombits of integers',
  'float-decode': 'a float decoded from the case\'s input bytes, its bits forced into a class (NaN payload, subnormal, ...)',
  'float-compare': 'a comparison of two floats (NaN unequal)',
  'float-nan-test': 'x === x / x !== x',
  'float-cond': 'a conditional of two floats',
  'float-nan': 'a NaN literal (F32_NAN, F64_NAN)',
  'float-inf': '±Infinity (F32_INFINITY, -F64_INFINITY)',
  'float-zero': '+0 and -0 literals',
  'float-subnormal': 'subnormal literals',
  'float-edge': 'literals at the edges (max/min normal, 2^24 + 1, 2^53, integer-type edges, ties)',
  ...Object.fromEntries(['sqrt', 'abs', 'floor', 'ceil', 'trunc', 'round', 'min', 'max', 'copysign'].map((f) => [`float-${f}`, `${f}() / ${f}f()`])),
  'float-state': 'float module state that persists across cases',
  'float-table': 'a readonly float table (static const, in flash): edge entries, read by a literal index',
  'float-table-ram': 'a writable float table (RAM): elements assigned and read back across cases',
  'float-table-index': 'a float table read at an index from the data, proven by a mask (T[u8(e & 7)])',
  'float-param': 'a function with a float parameter',
  'float-return': 'a function returning a float',
};
