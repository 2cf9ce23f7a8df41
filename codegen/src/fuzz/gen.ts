// fuzz/gen.ts: a Csmith-style generator of random, well-typed FwTS programs.
//
// README (generator): generateProgram(seed, options) returns the source text of a FwTS module
// exporting `main(input: Bytes, output: Bytes): u32`; generateAst() returns the AST the
// shrinker edits. Programs use u8..i32 with random wraps; + - * & | ^ << >>> >> ~ unary -;
// mul32/imul32/clz32; divu/modu/divi/modi with divisors that can be zero; comparisons of one
// signedness; && || ! ?:; rd8/wr8/rd16le/.../wr32be/view/copy/fill with indices that can be out
// of range; b[i] in `for (let i = u32(0); i < b.length; i++)` loops; 256-entry tables indexed
// by u8 and small tables by literals; if/else, bounded while/do-while, bounded for loops
// (up and down, labelled break/continue), switch; module state that persists across cases;
// classes with fields, constructors and methods; an interface with two implementing classes
// called through a dispatcher; helper functions (a call DAG: no recursion); function tables.
//
// Soundness rules the generator keeps (docs/fwts.md): every intermediate is wrapped before it
// is stored, passed, returned, compared, indexed with, divided or shifted right with `>>`; the
// bound on |intermediate| (bits) stays <= 53 (+ adds a bit, * adds the widths, bit ops give 32),
// 32-bit products use mul32/imul32; comparisons are between one signedness (or a non-negative
// literal); loops are bounded and the total work per call is budgeted, so every program ends.

import { Rng } from '../difftest/inputs.ts';
import {
  INT_TYPES,
  isFloat,
  isSigned,
  PRELUDE_NAMES,
  renderProgram,
  WIDTH,
  type ClassDecl,
  type Expr,
  type FloatTy,
  type Func,
  type IntTy,
  type Param,
  type Program,
  type Stmt,
} from './ast.ts';
import { assignsState } from './purity.ts';
import { FloatGen, type FloatHost } from './gen-floats.ts';

export interface GenOptions {
  /** Import path of firmware/lib/prelude.ts as seen from where the program is written. */
  preludeImport?: string;
  /** Suffix making class/interface/type names unique when programs are linked together. */
  tag?: string;
  /** Rough size: number of helper functions/methods (default 3..7). */
  maxCallables?: number;
  maxStmts?: number;
  maxExprDepth?: number;
  /** Allow `>>>` on unwrapped intermediates (docs/fwts.md lists >>> among ring ops). */
  shiftIntermediates?: boolean;
  /** Work budget per call of main (loop iterations x statements). */
  budget?: number;
  /** Generate `c ? a : b` (turn off to look past the known conditional-precedence bug). */
  conditionals?: boolean;
  /** Feature tags (coverage.ts FEATURES) not to generate: a slice that steps around known defects. */
  avoid?: readonly string[];
  /** Break every field/state guard: just before the access it proves, assign the tested field
   * or call a function that rebinds module state (tagged guard-invalidated). The checker must
   * then reject each such access (FW3003): a test of the index proofs' soundness. */
  invalidateGuards?: boolean;
  /** Generate f32/f64 values, operations, conversions and helpers (gen-floats.ts). */
  floats?: boolean;
}

interface Var {
  text: string;
  ty: IntTy | FloatTy | 'bool';
  mutable: boolean;
}
interface Buf {
  text: string;
  /** Static size when known (module and field buffers). */
  size?: number;
  /** A plain identifier: may be indexed directly in a `i < b.length` loop. */
  indexable: boolean;
  /** `size` is a length the checker knows (a module `bytes(N)`, a readonly field). */
  static?: boolean;
}
interface Callable {
  /** How to call it, given rendered args. */
  call: string;
  params: Param[];
  ret: IntTy | FloatTy | 'void';
  cost: number;
  /** Methods of this class may not be called from inside their own class's methods
   * (keeps the call graph a DAG without tracking receivers). */
  cls?: string;
  /** It reassigns a module-level Bytes (a `view(...)` of a module buffer). */
  rebinds?: boolean;
  /** It assigns no variable or field that outlives the call (purity.ts): callable between a
   * field guard and the access it proves. */
  pure?: boolean;
}
export interface Ctx {
  vars: Var[];
  bufs: Buf[];
  /** Loop variables usable as direct indices: buffer text -> variable. */
  idx: { buf: string; v: string }[];
  factor: number;
  loopDepth: number;
  labels: string[];
  inSwitch: boolean;
  /** Callables this body may call. */
  callables: Callable[];
  fn: Func;
  cost: number;
  /** Class-typed parameters (name, class). */
  objs: { text: string; cls: string }[];
  /** No user calls here (see withoutCalls). */
  noCalls?: boolean;
  /** Names (variables, field names) a guard in force relies on: not assigned here. */
  frozen: Set<string>;
  /** Inside code between a guard on a field or module state and its accesses: pure calls only. */
  guarded?: boolean;
}

/** An unsigned field or module state that guards index accesses (fieldGuards). */
interface GuardIndex {
  text: string;
  ty: IntTy;
  /** The name an assignment would bind (a field counts on any object). */
  name: string;
  mutable: boolean;
  owner: 'this' | 'param' | 'object' | 'state';
  /** A const module-level value: a local to the proofs (calls cannot change it). */
  konst?: boolean;
}

/** Values at the edges of each type: switch labels that only match at the extremes. */
const EDGES: Record<IntTy, number[]> = {
  u8: [0, 1, 0x7f, 0x80, 0xfe, 0xff],
  i8: [-128, -127, -1, 0, 1, 126, 127],
  u16: [0, 0xff, 0x100, 0x7fff, 0x8000, 0xfffe, 0xffff],
  i16: [-32768, -32767, -129, -1, 0, 255, 32767],
  u32: [0, 1, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff],
  i32: [-2147483648, -2147483647, -65536, -1, 0, 65535, 2147483646, 2147483647],
};
/** No variable, field, call or element in it: a constant expression in C. */
function isConstant(e: Expr): boolean {
  if (e.k === 'ref' || e.k === 'call' || e.k === 'idx') return false;
  return Object.values(e).every((v) => !(v && typeof v === 'object' && 'k' in v) || isConstant(v as Expr));
}
const RANGE: Record<IntTy, [number, number]> = { u8: [0, 0xff], i8: [-0x80, 0x7f], u16: [0, 0xffff], i16: [-0x8000, 0x7fff], u32: [0, 0xffffffff], i32: [-0x80000000, 0x7fffffff] };
/** Bits of the smallest integer type holding [lo, hi]: the checker's bound for a conditional. */
const holdBits = (lo: number, hi: number): number => {
  for (const t of ['u8', 'i8', 'u16', 'i16'] as const) if (lo >= RANGE[t][0] && hi <= RANGE[t][1]) return WIDTH[t];
  return 32;
};
/** The value of a bare literal or a negated one. */
const litValue = (e: Expr): number => (e.k === 'num' ? e.v : e.k === 'un' && e.a.k === 'num' ? -e.a.v : 0);
const bitsOfV = (v: number): number => Math.max(1, Math.ceil(Math.log2(Math.abs(v) + 1)));
const num = (v: number): Expr => ({ k: 'num', ty: 'num', v, bits: bitsOfV(v) });

const MAX_BITS = 53;
/** `x` of `a.b.x`, or the name itself: what an assignment's target binds (a field by its name). */
const lastName = (t: string): string => t.slice(t.lastIndexOf('.') + 1);
const UNSIGNED: readonly IntTy[] = ['u8', 'u16', 'u32'];
const TY_MAX: Record<IntTy, number> = { u8: 0xff, u16: 0xffff, u32: 0xffffffff, i8: 0x7f, i16: 0x7fff, i32: 0x7fffffff };

export class Generator implements FloatHost<Ctx> {
  readonly rng: Rng;
  readonly o: Required<GenOptions>;
  private n = 0;
  readonly p: Program;
  private callables: Callable[] = [];
  private classByName = new Map<string, ClassDecl>();
  /** Values of each function type: function names and table elements. */
  private fnValues = new Map<string, string[]>();
  /** Function types with a table: how to call them through a local. */
  private fnInfo = new Map<string, { params: Param[]; ret: IntTy; cost: number; table: string }>();
  /** Enum name -> its module-level state variable / a getter returning it (no TS narrowing). */
  private enumState = new Map<string, string>();
  private enumGetter = new Map<string, string>();
  /** Rebindable module-level Bytes -> the module buffer its views are taken of. */
  private rebindStore = new Map<string, { name: string; size: number }>();

  constructor(seed: number, options: GenOptions = {}) {
    this.rng = new Rng(seed);
    this.o = {
      preludeImport: options.preludeImport ?? '../../firmware/lib/prelude.ts',
      tag: options.tag ?? (seed >>> 0).toString(36),
      maxCallables: options.maxCallables ?? 7,
      maxStmts: options.maxStmts ?? 8,
      maxExprDepth: options.maxExprDepth ?? 4,
      shiftIntermediates: options.shiftIntermediates ?? true,
      budget: options.budget ?? 10_000,
      conditionals: options.conditionals ?? true,
      avoid: options.avoid ?? [],
      invalidateGuards: options.invalidateGuards ?? false,
      floats: options.floats ?? false,
    };
    this.fl = new FloatGen<Ctx>(this);
    this.p = {
      header: `// Generated by codegen/src/fuzz (seed ${seed >>> 0}).`,
      prelude: this.o.preludeImport,
      ifaces: [],
      enums: [],
      state: [],
      floatState: [],
      bufState: [],
      enumVars: [],
      lateState: [],
      bufs: [],
      tables: [],
      floatTables: [],
      fnTables: [],
      fnTypes: [],
      classes: [],
      objects: [],
      funcs: [],
    };
  }

  private readonly fl: FloatGen<Ctx>;

  allow(tag: string): boolean {
    return !this.o.avoid.includes(tag);
  }

  private name(prefix: string): string {
    // (Not a prelude name: a function `f32` would shadow the conversion.)
    for (;;) {
      const n = `${prefix}${this.n++}`;
      if (!PRELUDE_NAMES.includes(n)) return n;
    }
  }
  private T(prefix: string): string {
    return `${prefix}${this.n++}_${this.o.tag}`;
  }

  // ---------- literals and leaves ----------

  private randValue(): number {
    const r = this.rng;
    return r.weighted<number>([
      [4, r.int(16)],
      [3, r.int(256)],
      [1, r.pick([0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe])],
      [2, r.next()],
      [1, r.int(0x10000)],
    ]);
  }

  lit(ty: IntTy): Expr {
    const v = this.randValue();
    if (isSigned(ty) && this.rng.chance(0.25) && v <= 0x80000000 && v > 0) return { k: 'lit', ty, v, neg: true };
    return { k: 'lit', ty, v };
  }

  private smallLit(ty: IntTy, max = 8): Expr {
    return { k: 'lit', ty, v: this.rng.int(max) };
  }

  // ---------- expressions ----------

  /** An expression of exactly type `ty`. */
  genInt(ty: IntTy, ctx: Ctx, d: number): Expr {
    const r = this.rng;
    const vars = ctx.vars.filter((v) => v.ty === ty);
    const opts: [number, () => Expr][] = [[3, () => this.lit(ty)]];
    if (vars.length) opts.push([8, () => ({ k: 'ref', ty, text: r.pick(vars).text })]);
    if (d > 0) {
      opts.push([9, () => ({ k: 'wrap', ty, a: this.genNum(ctx, d - 1, MAX_BITS) })]);
      // Re-wrap a value of another type (a narrowing or widening conversion).
      opts.push([3, () => ({ k: 'wrap', ty, a: this.genInt(r.pick(INT_TYPES), ctx, d - 1) })]);
      if (this.o.conditionals && this.allow('cond-int')) opts.push([2, () => ({ k: 'cond', ty, c: this.genBool(ctx, d - 1), a: this.genInt(ty, ctx, d - 1), b: this.genInt(ty, ctx, d - 1), tag: 'cond-int' })]);
      const calls = ctx.callables.filter((c) => c.ret === ty && ctx.factor * c.cost <= this.o.budget / 4);
      if (calls.length) opts.push([4, () => this.genCall(r.pick(calls), ctx, d - 1)]);
      if (ty === 'u32') {
        opts.push([2, () => ({ k: 'call', ty, fn: 'mul32', args: [this.genInt('u32', ctx, d - 1), this.genInt('u32', ctx, d - 1)] })]);
        opts.push([2, () => ({ k: 'call', ty, fn: r.pick(['divu', 'modu']), args: [this.genInt('u32', ctx, d - 1), this.genDivisor('u32', ctx, d - 1)] })]);
        opts.push([1, () => ({ k: 'call', ty, fn: 'clz32', args: [this.genInt('u32', ctx, d - 1)] })]);
        opts.push([2, () => ({ k: 'call', ty, fn: r.pick(['rd32le', 'rd32be']), args: this.genAccess(ctx, d - 1, 4) })]);
      }
      if (ty === 'i32') {
        opts.push([2, () => ({ k: 'call', ty, fn: 'imul32', args: [this.genInt('i32', ctx, d - 1), this.genInt('i32', ctx, d - 1)] })]);
        opts.push([2, () => ({ k: 'call', ty, fn: r.pick(['divi', 'modi']), args: [this.genInt('i32', ctx, d - 1), this.genDivisor('i32', ctx, d - 1)] })]);
      }
      if (ty === 'u16') opts.push([2, () => ({ k: 'call', ty, fn: r.pick(['rd16le', 'rd16be']), args: this.genAccess(ctx, d - 1, 2) })]);
      if (ty === 'u8') {
        opts.push([3, () => ({ k: 'call', ty, fn: 'rd8', args: this.genAccess(ctx, d - 1, 1) })]);
        // rd8(cur, rb()): the index argument rebinds the buffer argument (JS reads cur first).
        const rb = this.rebinders(ctx).filter((c) => c.ret === 'u8');
        if (rb.length && this.allow('rebind-in-index')) {
          opts.push([1, () => ({ k: 'call', ty, fn: 'rd8', args: [{ k: 'ref', ty: 'bytes', text: r.pick(this.p.bufState).name }, this.genCall(r.pick(rb), ctx, 1, 'rebind-in-index')] })]);
        }
        if (ctx.idx.length) {
          opts.push([6, () => {
            const x = r.pick(ctx.idx);
            return { k: 'idx', ty: 'u8', arr: x.buf, i: { k: 'ref', ty: 'u32', text: x.v } };
          }]);
        }
      }
      const tabs = this.p.tables.filter((t) => t.ty === ty);
      if (tabs.length) {
        opts.push([3, () => {
          const t = r.pick(tabs);
          let i: Expr = t.values.length === 256 ? this.genInt('u8', ctx, d - 1) : { k: 'num', ty: 'num', v: r.int(t.values.length), bits: 8 };
          // T[c ? 3 : 0]: both arms in range.
          if (t.values.length < 256 && this.o.conditionals && this.allow('cond-lit-index') && r.chance(0.3)) {
            i = { k: 'cond', ty: 'num', c: this.genBool(ctx, 1), a: num(r.int(t.values.length)), b: num(r.int(t.values.length)), bits: 8, tag: 'cond-lit-index' };
          }
          // T[e] for an enum whose values all fit.
          const en = this.p.enums.find((e) => e.members.every(([, v]) => v < t.values.length));
          const es = en && this.enumState.get(en.name);
          if (es && this.allow('enum-index') && r.chance(0.3)) i = { k: 'ref', ty: 'void', text: es, tag: 'enum-index' };
          return { k: 'idx', ty, arr: t.name, i };
        }]);
      }
      if (this.o.floats) opts.push([2, () => this.fl.toInt(ty, ctx, d - 1)]);
      const fg = this.fieldGuardCond(ty, ctx);
      if (fg) opts.push([1, fg]);
      if ((ty === 'u32' || ty === 'u8') && this.enumState.size && this.allow('enum-wrap')) {
        opts.push([1, () => ({ k: 'wrap', ty, a: { k: 'ref', ty: 'void', text: r.pick([...this.enumState.values()]) }, tag: 'enum-wrap' })]);
      }
      if (ty === 'u32') {
        const bl = ctx.bufs;
        if (bl.length) opts.push([2, () => ({ k: 'ref', ty: 'u32', text: `${r.pick(bl).text}.length` })]);
      }
      // Object fields of module-level objects and class-typed parameters.
      const fields = this.fieldRefs(ctx).filter((f) => f.ty === ty);
      if (fields.length) opts.push([3, () => ({ k: 'ref', ty, text: r.pick(fields).text })]);
    }
    return r.weighted(opts)();
  }

  /** Readable integer fields: this.f, obj.f, param.f. */
  private fieldRefs(ctx: Ctx): { text: string; ty: IntTy; mutable: boolean }[] {
    const out: { text: string; ty: IntTy; mutable: boolean }[] = [];
    const add = (base: string, cls: string, mutable: boolean): void => {
      const c = this.classByName.get(cls);
      if (!c) return;
      for (const f of c.fields) if (f.ty !== 'bytes') out.push({ text: `${base}.${f.name}`, ty: f.ty, mutable });
    };
    if (ctx.fn.cls) add('this', ctx.fn.cls, true);
    for (const o of ctx.objs) add(o.text, o.cls, true);
    for (const o of this.p.objects) add(o.name, o.cls, false);
    return out;
  }

  private genDivisor(ty: 'u32' | 'i32', ctx: Ctx, d: number): Expr {
    const r = this.rng;
    return r.weighted<() => Expr>([
      [3, () => this.genInt(ty, ctx, d)],
      [1, () => ({ k: 'wrap', ty, a: { k: 'bin', ty: 'num', op: '&', a: this.genInt(r.pick(INT_TYPES), ctx, d), b: { k: 'num', ty: 'num', v: r.pick([1, 3, 7]), bits: 3 }, bits: 32 } })],
      [6, () => ({ k: 'wrap', ty, a: { k: 'bin', ty: 'num', op: '|', a: this.genInt(r.pick(INT_TYPES), ctx, d), b: { k: 'num', ty: 'num', v: r.pick([1, 3, 0x10]), bits: 5 }, bits: 32 } })],
      [1, () => ({ k: 'lit', ty, v: r.pick([0, 1, 2, 3, 7, 0xffffffff]) })],
      [1, () => ({ k: 'lit', ty, v: 1, neg: ty === 'i32' })],
    ])();
  }

  /** Any integer-typed index; often small, sometimes out of range or negative. */
  genIndex(ctx: Ctx, d: number): Expr {
    const r = this.rng;
    const mask = (m: number): Expr => ({ k: 'wrap', ty: r.pick(['u8', 'u32'] as const), a: { k: 'bin', ty: 'num', op: '&', a: this.genInt(r.pick(INT_TYPES), ctx, d), b: { k: 'num', ty: 'num', v: m, bits: 6 }, bits: 32 } });
    return r.weighted<() => Expr>([
      [8, () => ({ k: 'lit', ty: r.pick(['u32', 'u8', 'i32', 'u16'] as const), v: r.int(4) })],
      [2, () => ({ k: 'lit', ty: r.pick(['u32', 'u8', 'i32'] as const), v: r.int(40) })],
      [3, () => mask(r.pick([1, 3]))],
      [1, () => mask(r.pick([7, 15, 31, 63]))],
      [1, () => this.genInt(r.pick(INT_TYPES), ctx, Math.min(d, 1))],
      [1, () => ({ k: 'lit', ty: 'i32', v: 1, neg: true })],
      [1, () => ({ k: 'wrap', ty: 'u32', a: { k: 'bin', ty: 'num', op: '-', a: { k: 'ref', ty: 'u32', text: `${r.pick(ctx.bufs).text}.length` }, b: { k: 'num', ty: 'num', v: r.int(6), bits: 3 }, bits: 33 } })],
    ])();
  }

  /** [buffer, index] for an access of `width` bytes: mostly in range, sometimes wild. */
  genAccess(ctx: Ctx, d: number, width: number): [Expr, Expr] {
    const r = this.rng;
    if (r.chance(0.05)) return [this.genBytes(ctx, d), this.genIndex(ctx, d)];
    const b = r.pick(ctx.bufs);
    const room = b.size !== undefined ? b.size - width + 1 : b.text === 'output' ? 64 : 4;
    const i: Expr = r.chance(0.7)
      ? { k: 'lit', ty: r.pick(['u32', 'u8', 'i32', 'u16'] as const), v: r.int(Math.max(1, room)) }
      : { k: 'wrap', ty: 'u32', a: { k: 'bin', ty: 'num', op: '&', a: this.genInt(r.pick(INT_TYPES), ctx, d), b: { k: 'num', ty: 'num', v: 3, bits: 2 }, bits: 32 } };
    return [{ k: 'ref', ty: 'bytes', text: b.text }, i];
  }

  /** A Bytes-typed expression. */
  genBytes(ctx: Ctx, d: number): Expr {
    const r = this.rng;
    const b = r.pick(ctx.bufs).text;
    if (d > 0 && this.o.conditionals && this.allow('cond-bytes') && ctx.bufs.length > 1 && r.chance(0.12)) {
      const [x, y] = [r.pick(ctx.bufs), r.pick(ctx.bufs)];
      const mixed = (x.size === undefined) !== (y.size === undefined);
      return { k: 'cond', ty: 'bytes', c: this.genBool(ctx, 1), a: { k: 'ref', ty: 'bytes', text: x.text }, b: { k: 'ref', ty: 'bytes', text: y.text }, tag: mixed ? 'cond-bytes-mixed' : 'cond-bytes' };
    }
    if (d > 0 && r.chance(0.15)) {
      const lo = r.int(3);
      return { k: 'call', ty: 'bytes', fn: 'view', args: [{ k: 'ref', ty: 'bytes', text: b }, { k: 'lit', ty: 'u32', v: lo }, { k: 'lit', ty: 'u32', v: lo + (r.chance(0.85) ? 4 : r.int(12)) }] };
    }
    return { k: 'ref', ty: 'bytes', text: b };
  }

  private bitsOf(e: Expr): number {
    if (e.k === 'num' || (e.k === 'bin' && e.ty === 'num') || (e.k === 'un' && e.ty === 'num') || (e.k === 'cond' && e.ty === 'num')) return e.bits ?? 32;
    if (e.k === 'ref' && e.bits) return e.bits;
    return WIDTH[e.ty as IntTy] ?? 32;
  }

  /** An integer-valued expression (typed or an unwrapped intermediate) with |value| < 2^maxBits. */
  genNum(ctx: Ctx, d: number, maxBits: number): Expr {
    const r = this.rng;
    const typedOk = INT_TYPES.filter((t) => WIDTH[t] <= maxBits);
    const leaf = (): Expr => {
      if (typedOk.length && r.chance(0.75)) return this.genInt(r.pick(typedOk), ctx, Math.max(0, d - 1));
      const v = maxBits >= 32 ? this.randValue() : r.int(2 ** Math.min(maxBits, 16));
      return { k: 'num', ty: 'num', v, bits: Math.max(1, Math.ceil(Math.log2(v + 1))) };
    };
    if (d <= 0 || maxBits < 9) return leaf();
    const opts: [number, () => Expr][] = [[3, leaf]];
    if (this.o.conditionals) {
      // (The checker bounds a conditional by the type holding both arms: up to 32 bits.)
      if (this.allow('cond-lit') && maxBits >= 32) opts.push([1, () => this.condLits(ctx, d, maxBits)]);
      if (this.allow('cond-mixed') && maxBits >= 16) opts.push([1, () => this.condMixed(ctx, d, maxBits)]);
    }
    if (this.allow('unary-plus')) {
      opts.push([1, () => {
        const a = this.genInt(r.pick(typedOk), ctx, d - 1);
        return { k: 'un', ty: 'num', op: '+', a, bits: this.bitsOf(a), tag: 'unary-plus' };
      }]);
    }
    const bin = (op: string, a: Expr, b: Expr, bits: number): Expr => ({ k: 'bin', ty: 'num', op, a, b, bits });
    opts.push([5, () => {
      const a = this.genNum(ctx, d - 1, maxBits - 1);
      const b = this.genNum(ctx, d - 1, maxBits - 1);
      return bin(r.pick(['+', '-']), a, b, Math.max(this.bitsOf(a), this.bitsOf(b)) + 1);
    }]);
    if (maxBits >= 16) {
      opts.push([3, () => {
        const ka = r.range(8, maxBits - 8);
        const a = this.genNum(ctx, d - 1, ka);
        const b = this.genNum(ctx, d - 1, maxBits - this.bitsOf(a));
        return bin('*', a, b, this.bitsOf(a) + this.bitsOf(b));
      }]);
    }
    if (maxBits >= 32) {
      opts.push([5, () => bin(r.pick(['&', '|', '^']), this.genNum(ctx, d - 1, MAX_BITS), this.genNum(ctx, d - 1, MAX_BITS), 32)]);
      opts.push([3, () => bin('<<', this.genNum(ctx, d - 1, MAX_BITS), this.shiftCount(ctx, d - 1), 32)]);
      opts.push([3, () => {
        const left = this.o.shiftIntermediates && r.chance(0.5) ? this.genNum(ctx, d - 1, MAX_BITS) : this.genInt(r.pick(INT_TYPES), ctx, d - 1);
        return bin('>>>', left, this.shiftCount(ctx, d - 1), 32);
      }]);
      opts.push([2, () => bin('>>', this.genInt(r.pick(['i8', 'i16', 'i32'] as const), ctx, d - 1), this.shiftCount(ctx, d - 1), 32)]);
      opts.push([2, () => ({ k: 'un', ty: 'num', op: '~', a: this.genNum(ctx, d - 1, MAX_BITS), bits: 32 })]);
    }
    opts.push([2, () => {
      let a = this.genNum(ctx, d - 1, maxBits);
      // -literal is a literal to the checker: it must stay >= -2^31.
      if (a.k === 'num' && a.v > 0x80000000) a = { ...a, v: a.v >>> 1, bits: 31 };
      return { k: 'un', ty: 'num', op: '-', a, bits: this.bitsOf(a) };
    }]);
    return r.weighted(opts)();
  }

  /** `(c ? 7 : 9)`, `(c ? -1 : 5)` or `(c ? 7 : x)`: an intermediate the caller wraps. */
  private condLits(ctx: Ctx, d: number, maxBits: number): Expr {
    const r = this.rng;
    const cap = 2 ** Math.min(maxBits - 1, 31);
    const lit = (): Expr => {
      const v = r.chance(0.6) ? r.int(Math.min(cap, 16)) : r.int(Math.min(cap, 0x10000));
      return r.chance(0.15) && v > 0 ? { k: 'un', ty: 'num', op: '-', a: num(v), bits: bitsOfV(v) } : num(v);
    };
    const c = this.genBool(ctx, Math.max(0, d - 1));
    if (r.chance(0.3)) {
      // One literal arm, one typed arm (either order).
      const typed = INT_TYPES.filter((t) => WIDTH[t] < maxBits);
      const x = this.genInt(r.pick(typed), ctx, Math.max(0, d - 1));
      const l = lit();
      const [a, b] = r.chance(0.5) ? [l, x] : [x, l];
      const [lo, hi] = RANGE[x.ty as IntTy];
      const lv = litValue(l);
      return { k: 'cond', ty: 'num', c, a, b, bits: holdBits(Math.min(lo, lv), Math.max(hi, lv)), tag: 'cond-lit-one' };
    }
    const [a, b] = [lit(), lit()];
    const [va, vb] = [litValue(a), litValue(b)];
    return { k: 'cond', ty: 'num', c, a, b, bits: holdBits(Math.min(va, vb), Math.max(va, vb)), tag: 'cond-lit' };
  }

  /** `(c ? small : big)`: arms of two different integer types. */
  private condMixed(ctx: Ctx, d: number, maxBits: number): Expr {
    const r = this.rng;
    const ok = INT_TYPES.filter((t) => WIDTH[t] < maxBits);
    const ta = r.pick(ok);
    const tb = r.pick(ok.filter((t) => t !== ta));
    const a = this.genInt(ta, ctx, Math.max(0, d - 1));
    const b = this.genInt(tb, ctx, Math.max(0, d - 1));
    // The checker types it by a type holding both ranges (u16 | i16 -> i32): bound it like that.
    const bits = holdBits(Math.min(RANGE[ta][0], RANGE[tb][0]), Math.max(RANGE[ta][1], RANGE[tb][1]));
    if (bits > maxBits) return a;
    return { k: 'cond', ty: 'num', c: this.genBool(ctx, Math.max(0, d - 1)), a, b, bits, tag: 'cond-mixed' };
  }

  private shiftCount(ctx: Ctx, d: number): Expr {
    const r = this.rng;
    if (this.o.conditionals && this.allow('cond-lit-shift') && r.chance(0.1)) {
      return { k: 'cond', ty: 'num', c: this.genBool(ctx, Math.min(d, 1)), a: num(r.pick([0, 1, 4, 8, 16, 31])), b: num(r.pick([0, 3, 8, 24])), bits: 5, tag: 'cond-lit-shift' };
    }
    return r.weighted<() => Expr>([
      [3, () => ({ k: 'num', ty: 'num', v: r.pick([0, 1, 3, 7, 8, 15, 16, 24, 31, 32, 33]), bits: 6 })],
      [2, () => this.genInt(r.pick(INT_TYPES), ctx, Math.min(d, 1))],
    ])();
  }

  genBool(ctx: Ctx, d: number): Expr {
    const r = this.rng;
    const opts: [number, () => Expr][] = [];
    const cmp = (): Expr => {
      const signed = r.chance(0.4);
      const pool = INT_TYPES.filter((t) => isSigned(t) === signed);
      const aty = r.pick(pool);
      const a = this.genInt(aty, ctx, Math.max(0, d - 1));
      const op = r.pick(['===', '!==', '<', '<=', '>', '>=']);
      // TS rejects === between two different brands ("no overlap"): same type or a literal.
      const bty = op === '===' || op === '!==' ? aty : r.pick(pool);
      const b: Expr = r.chance(0.35) ? { k: 'num', ty: 'num', v: r.pick([0, 1, 2, 7, 100, 128, 255, 256, 65535]), bits: 17 } : this.genInt(bty, ctx, Math.max(0, d - 1));
      return { k: 'bin', ty: 'bool', op, a, b };
    };
    opts.push([6, cmp]);
    if (this.o.floats) opts.push([2, () => this.fl.compare(ctx, Math.max(0, d - 1))]);
    opts.push([1, () => ({ k: 'ref', ty: 'bool', text: r.chance(0.5) ? 'true' : 'false' })]);
    if (this.enumState.size && this.allow('enum-compare')) {
      opts.push([1, () => {
        const en = r.pick(this.p.enums);
        return { k: 'bin', ty: 'bool', op: r.pick(['===', '!==']), a: { k: 'call', ty: 'void', fn: this.enumGetter.get(en.name)!, args: [] }, b: { k: 'ref', ty: 'void', text: `${en.name}.${r.pick(en.members)[0]}` }, tag: 'enum-compare' };
      }]);
    }
    const bvars = ctx.vars.filter((v) => v.ty === 'bool');
    if (bvars.length) opts.push([3, () => ({ k: 'ref', ty: 'bool', text: r.pick(bvars).text })]);
    if (d > 0) {
      opts.push([3, () => ({ k: 'bin', ty: 'bool', op: r.pick(['&&', '||']), a: this.genBool(ctx, d - 1), b: this.genBool(ctx, d - 1) })]);
      opts.push([1, () => ({ k: 'un', ty: 'bool', op: '!', a: this.genBool(ctx, d - 1) })]);
      if (this.o.conditionals) opts.push([1, () => ({ k: 'cond', ty: 'bool', c: this.genBool(ctx, d - 1), a: this.genBool(ctx, d - 1), b: this.genBool(ctx, d - 1) })]);
    }
    return r.weighted(opts)();
  }

  private genArg(p: Param, ctx: Ctx, d: number): Expr {
    if (p.ty === 'bytes') return this.genBytes(ctx, d);
    if ((INT_TYPES as readonly string[]).includes(p.ty)) return this.genInt(p.ty as IntTy, ctx, d);
    if (isFloat(p.ty)) return this.fl.gen(p.ty, ctx, d);
    const fv = this.fnValues.get(p.ty);
    if (fv) return this.fnValue(p.ty, ctx, d);
    // An object: a module-level instance of that class (or of a class implementing the interface).
    const objs = this.p.objects.filter((o) => o.cls === p.ty || this.classByName.get(o.cls)?.implements === p.ty);
    const params = ctx.objs.filter((o) => o.cls === p.ty);
    const all = [...objs.map((o) => o.name), ...params.map((o) => o.text)];
    if (all.length > 1 && this.o.conditionals && this.allow('cond-obj') && this.rng.chance(0.3)) {
      const [a, b] = [this.rng.pick(all), this.rng.pick(all)];
      return { k: 'cond', ty: 'void', c: this.genBool(ctx, 1), a: { k: 'ref', ty: 'void', text: a }, b: { k: 'ref', ty: 'void', text: b }, tag: 'cond-obj' };
    }
    return { k: 'ref', ty: 'void', text: this.rng.pick(all) };
  }

  /** A value of function type `ty`: a function, a table element, or a conditional of two. */
  private fnValue(ty: string, ctx: Ctx, d: number): Expr {
    const fv = this.fnValues.get(ty)!;
    const one = (): Expr => ({ k: 'ref', ty: 'void', text: this.rng.pick(fv) });
    if (d > 0 && this.o.conditionals && this.allow('cond-fn') && this.rng.chance(0.3)) {
      return { k: 'cond', ty: 'void', c: this.genBool(ctx, 1), a: one(), b: one(), tag: 'cond-fn' };
    }
    return one();
  }

  private genCall(c: Callable, ctx: Ctx, d: number, tag?: string): Expr {
    ctx.cost += ctx.factor * c.cost;
    const e: Expr = { k: 'call', ty: c.ret, fn: c.call, args: c.params.map((p) => this.genArg(p, ctx, d)) };
    if (tag) e.tag = tag;
    else if (c.rebinds) e.tag = 'rebind-call';
    else if (ctx.guarded) e.tag = 'guard-pure-call';
    return e;
  }

  /** Call texts of the callables that assign no outliving state. */
  private pureCalls(): Set<string> {
    return new Set(this.callables.filter((c) => c.pure).map((c) => c.call));
  }

  private isBufState(text: string): boolean {
    return this.p.bufState.some((b) => b.name === text);
  }

  // ---------- statements ----------

  private assignTargets(ctx: Ctx): { text: string; ty: IntTy | FloatTy | 'bool' }[] {
    const t: { text: string; ty: IntTy | FloatTy | 'bool' }[] = ctx.vars.filter((v) => v.mutable);
    for (const f of this.fieldRefs(ctx)) if (f.mutable) t.push(f);
    return t.filter((x) => !ctx.frozen.has(lastName(x.text)));
  }

  genBlock(ctx: Ctx, n: number, d: number): Stmt[] {
    const out: Stmt[] = [];
    const saved = ctx.vars.length;
    const savedBufs = ctx.bufs.length;
    for (let i = 0; i < n; i++) {
      if (ctx.cost > this.o.budget) break;
      ctx.cost += ctx.factor;
      out.push(...this.genStmt(ctx, d));
    }
    ctx.vars.length = saved;
    ctx.bufs.length = savedBufs;
    return out;
  }

  private genStmt(ctx: Ctx, d: number): Stmt[] {
    const r = this.rng;
    const ed = this.o.maxExprDepth;
    const opts: [number, () => Stmt[]][] = [];
    opts.push([6, () => {
      const ty: IntTy | FloatTy | 'bool' = r.chance(0.15) ? 'bool' : this.o.floats && r.chance(0.25) ? r.pick(['f32', 'f64'] as const) : r.pick(INT_TYPES);
      const name = this.name('v');
      const init = this.genOf(ty, ctx, ed);
      const konst = r.chance(0.3);
      ctx.vars.push({ text: name, ty, mutable: !konst });
      return [{ s: 'let', name, ty, init, konst }];
    }]);
    const targets = this.assignTargets(ctx);
    if (targets.length) {
      opts.push([8, () => {
        const t = r.pick(targets);
        return [{ s: 'assign', target: t.text, e: this.genOf(t.ty, ctx, ed) }];
      }]);
    }
    if (ctx.idx.length) {
      opts.push([4, () => {
        const x = r.pick(ctx.idx);
        return [{ s: 'assign', target: `${x.buf}[${x.v}]`, e: this.genInt('u8', ctx, ed) }];
      }]);
    }
    this.extraStmts(ctx, d, opts);
    opts.push([5, () => {
      const w = r.pick(['wr8', 'wr16le', 'wr16be', 'wr32le', 'wr32be'] as const);
      const vty: IntTy = w === 'wr8' ? 'u8' : w.startsWith('wr16') ? 'u16' : 'u32';
      return [{ s: 'expr', e: { k: 'call', ty: 'void', fn: w, args: [...this.genAccess(ctx, 1, WIDTH[vty] / 8), this.genInt(vty, ctx, ed)] } }];
    }]);
    opts.push([1, () => [{ s: 'expr', e: { k: 'call', ty: 'void', fn: 'copy', args: [...this.genAccess(ctx, 0, 4), this.genBytes(ctx, 1)] } }]]);
    opts.push([1, () => [{ s: 'expr', e: { k: 'call', ty: 'void', fn: 'fill', args: [this.genBytes(ctx, 1), this.genInt('u8', ctx, 1), this.smallLit('u32', 3), { k: 'lit', ty: 'u32', v: 3 + r.int(r.chance(0.8) ? 5 : 24) }] } }]]);
    const calls = ctx.callables.filter((c) => ctx.factor * c.cost <= this.o.budget / 4);
    if (calls.length) opts.push([4, () => [{ s: 'expr', e: this.genCall(r.pick(calls), ctx, 2) }]]);
    if (d > 0) {
      opts.push([5, () => [{ s: 'if', c: this.genBool(ctx, ed - 1), t: this.genBlock(ctx, r.range(1, 3), d - 1), f: r.chance(0.5) ? this.genBlock(ctx, r.range(1, 3), d - 1) : null }]]);
      if (ctx.loopDepth < 2) opts.push([4, () => this.genLoop(ctx, d)]);
      opts.push([2, () => {
        const ty = r.pick(INT_TYPES);
        // Labels at the edges of the discriminant's type, or small ones under a mask.
        const edge = this.allow('switch-edge') && r.chance(0.4);
        const e = edge ? this.genInt(ty, ctx, 2) : r.chance(0.5) ? ({ k: 'wrap', ty, a: { k: 'bin', ty: 'num', op: '&', a: this.genInt(r.pick(INT_TYPES), ctx, 2), b: { k: 'num', ty: 'num', v: 7, bits: 3 }, bits: 32 } } as Expr) : this.genInt(ty, ctx, 2);
        const labels: number[] = (edge ? EDGES[ty] : [0, 1, 2, 3, 4, 5, 6, 7]).filter(() => r.chance(0.5));
        if (edge && !labels.length) labels.push(r.pick(EDGES[ty]));
        const cases: { labels: number[]; body: Stmt[] }[] = [];
        while (labels.length) {
          const k = r.range(1, Math.min(2, labels.length));
          const was = ctx.inSwitch;
          ctx.inSwitch = true;
          cases.push({ labels: labels.splice(0, k), body: this.genBlock(ctx, r.range(0, 2), d - 1) });
          ctx.inSwitch = was;
        }
        const was = ctx.inSwitch;
        ctx.inSwitch = true;
        const dflt = r.chance(0.6) ? this.genBlock(ctx, r.range(1, 2), d - 1) : null;
        ctx.inSwitch = was;
        // A discriminant without a variable is a C constant: tagged (clang folds the switch).
        let disc = e;
        let tag = edge ? `switch-edge-${ty}` : undefined;
        if (isConstant(e)) {
          if (this.allow('switch-const')) tag = 'switch-const';
          else disc = { k: 'wrap', ty, a: { k: 'ref', ty: 'u32', text: `${r.pick(ctx.bufs).text}.length` } };
        }
        return [{ s: 'switch', e: disc, cases, dflt, ...(tag ? { tag } : {}) }];
      }]);
      opts.push([1, () => [{ s: 'if', c: { k: 'bin', ty: 'bool', op: '&&', a: this.genBool(ctx, 2), b: { k: 'bin', ty: 'bool', op: '&&', a: this.genBool(ctx, 1), b: this.genBool(ctx, 1) } }, t: [{ s: 'panic', code: 0x100 + r.int(0x100) }], f: null }]]);
    }
    if (ctx.loopDepth > 0) {
      opts.push([2, () => {
        const lab = ctx.labels.length && r.chance(0.3) ? r.pick(ctx.labels) : undefined;
        const kind = r.chance(0.5) ? 'break' : 'continue';
        // A plain break inside a switch leaves the switch only; that is fine too.
        return [{ s: 'if', c: this.genBool(ctx, 2), t: [lab ? { s: kind, label: lab } : { s: kind }], f: null }];
      }]);
    }
    if (ctx.fn.ret !== 'void' && d < 2) opts.push([1, () => [{ s: 'if', c: this.genBool(ctx, 2), t: [{ s: 'return', e: this.genOf(ctx.fn.ret as IntTy, ctx, 2) }], f: null }]]);
    // A float's encoding written to the output.
    // (In main into output; elsewhere into a module buffer, which later code may read.)
    const sinks: { text: string; size?: number }[] = ctx.fn.name === 'main' ? [{ text: 'output', size: 200 }] : ctx.bufs.filter((b) => b.static && (b.size ?? 0) >= 8);
    if (this.o.floats && sinks.length) {
      opts.push([2, () => {
        const ty = r.pick(['f32', 'f64'] as const);
        const b = r.pick(sinks);
        return this.fl.observe(ty, this.fl.gen(ty, ctx, ed), b.text, 4 * r.int(((b.size ?? 8) - 8) / 4 + 1));
      }]);
    }
    opts.push([1, () => {
      const n = r.int(5);
      const args: Expr[] = [];
      for (let i = 0; i < n; i++) args.push(this.genInt(r.pick(INT_TYPES), ctx, 1));
      return [{ s: 'log', msg: `m${r.int(100)}`, args }];
    }]);
    return r.weighted(opts)();
  }

  /** Callables that rebind a module-level Bytes, callable here within the work budget. */
  private rebinders(ctx: Ctx): Callable[] {
    return ctx.callables.filter((c) => c.rebinds && ctx.factor * c.cost <= this.o.budget / 4);
  }

  /** Statements beyond the basic ones: each exercises a shape the checker accepts. */
  private extraStmts(ctx: Ctx, d: number, opts: [number, () => Stmt[]][]): void {
    const r = this.rng;
    // A Bytes local: a buffer, a view, or a conditional of two buffers.
    if (this.allow('bytes-local')) {
      opts.push([2, () => {
        const name = this.name('b');
        const init = this.genBytes(ctx, 2);
        ctx.bufs.push({ text: name, indexable: true });
        return [
          { s: 'let', name, ty: 'bytes', init, konst: true, tag: 'bytes-local' },
          { s: 'log', msg: 'len', args: [{ k: 'ref', ty: 'u32', text: `${name}.length` }] },
        ];
      }]);
    }
    // Nested blocks and the empty statement.
    if (d > 0) opts.push([1, () => [{ s: 'block', body: this.genBlock(ctx, r.range(1, 2), d - 1) }]]);
    opts.push([1, () => [{ s: 'empty' }]]);
    // if (k < b.length) { ... b[k] ... }: the if-guard index proof.
    // Locals and parameters only: the checker does not take module state as a proven index.
    const isState = (t: string): boolean => this.p.state.some((s) => s.name === t) || this.p.lateState.some((s) => s.name === t);
    const uvars = ctx.vars.filter((v) => (v.ty === 'u8' || v.ty === 'u16' || v.ty === 'u32') && !isState(v.text));
    const ibufs = ctx.bufs.filter((b) => b.indexable && !ctx.idx.some((x) => x.buf === b.text));
    if (d > 0 && uvars.length && ibufs.length && this.allow('if-guard-index')) {
      opts.push([2, () => {
        const v = r.pick(uvars);
        const b = r.pick(ibufs).text;
        // Or an index expression, spelled the same in the test and the accesses: `u32(k + 2)`.
        const off = this.allow('expr-guard-index') && r.chance(0.3) ? r.range(1, 3) : 0;
        const iText = off ? `u32(${v.text} + ${off})` : v.text;
        const index: Expr = { k: 'ref', ty: off ? 'u32' : v.ty, text: iText };
        const test: Expr = { k: 'bin', ty: 'bool', op: '<', a: index, b: { k: 'ref', ty: 'u32', text: `${b}.length` } };
        const c: Expr = r.chance(0.3) ? { k: 'bin', ty: 'bool', op: '&&', a: test, b: this.genBool(ctx, 1) } : test;
        const was = v.mutable;
        v.mutable = false;
        ctx.idx.push({ buf: b, v: iText });
        const body = this.withoutCalls(ctx, this.isBufState(b), () => this.genBlock(ctx, r.range(1, 3), d - 1));
        ctx.idx.pop();
        v.mutable = was;
        return [{ s: 'if', c, t: body, f: null, tag: off ? 'expr-guard-index' : 'if-guard-index' }];
      }]);
    }
    this.fieldGuards(ctx, d, opts);
    // Module-level Bytes rebound directly (never inside code whose index proof depends on it).
    for (const bs of this.p.bufState) {
      if (ctx.idx.some((x) => x.buf === bs.name) || !this.allow('rebind')) continue;
      opts.push([1, () => [{ s: 'assign', target: bs.name, e: this.rebindView(bs.name), tag: 'rebind-direct' }]]);
    }
    // wr8(cur, i, rebind()): the buffer argument is read before the call in JS.
    const rb = this.rebinders(ctx).filter((c) => c.ret === 'u8');
    if (rb.length && this.allow('rebind-in-arg')) {
      opts.push([1, () => {
        const b = r.pick(this.p.bufState).name;
        const call = this.genCall(r.pick(rb), ctx, 1, 'rebind-in-arg');
        // The call as the value, or as the index (the buffer argument is read first in JS).
        const args: Expr[] = r.chance(0.5) ? [{ k: 'ref', ty: 'bytes', text: b }, { k: 'lit', ty: 'u32', v: r.int(4) }, call] : [{ k: 'ref', ty: 'bytes', text: b }, call, this.genInt('u8', ctx, 1)];
        return [{ s: 'expr', e: { k: 'call', ty: 'void', fn: 'wr8', args } }];
      }]);
    }
    // Calls through a local of function type: `const f: F = c ? h1 : H[1]; f(x, y)`, and the
    // guarded table index `if (k < H.length) { const h: F = H[k]; h(x, y) }`.
    for (const [tname, info] of this.fnInfo) {
      // (Not in an initialiser's function: the tables are declared after the state it sets.)
      if (ctx.factor * info.cost > this.o.budget / 4 || !this.allow('fn-local') || ctx.fn.name.startsWith('init') || ctx.noCalls) continue;
      const call = (fn: string): Expr => {
        ctx.cost += ctx.factor * info.cost;
        return { k: 'call', ty: info.ret, fn, args: info.params.map((q) => this.genArg(q, ctx, 1)) };
      };
      opts.push([2, () => {
        const name = this.name('fv');
        return [
          { s: 'let', name, ty: tname, init: this.fnValue(tname, ctx, 1), konst: true, tag: 'fn-local' },
          { s: 'log', msg: 'fv', args: [call(name)] },
        ];
      }]);
      const kvars = ctx.vars.filter((v) => (v.ty === 'u8' || v.ty === 'u32') && !isState(v.text));
      if (kvars.length && this.allow('fn-table-guard')) {
        opts.push([1, () => {
          const k = r.pick(kvars).text;
          const name = this.name('hv');
          const init: Expr = { k: 'idx', ty: 'void', arr: info.table, i: { k: 'ref', ty: 'u32', text: k } };
          return [{
            s: 'if',
            c: { k: 'bin', ty: 'bool', op: '<', a: { k: 'ref', ty: 'u32', text: k }, b: { k: 'ref', ty: 'u32', text: `${info.table}.length` } },
            t: [{ s: 'let', name, ty: tname, init, konst: true }, { s: 'log', msg: 'hv', args: [call(name)] }],
            f: null,
            tag: 'fn-table-guard',
          }];
        }]);
      }
    }
    // Enum state: assigned (from a conditional of members), switched on, compared.
    if (this.p.enums.length && this.allow('enum')) {
      opts.push([2, () => {
        const en = r.pick(this.p.enums);
        const m = (): Expr => ({ k: 'ref', ty: 'void', text: `${en.name}.${r.pick(en.members)[0]}` });
        const e: Expr = this.o.conditionals && this.allow('cond-enum') && r.chance(0.5) ? { k: 'cond', ty: 'void', c: this.genBool(ctx, 2), a: m(), b: m(), tag: 'cond-enum' } : m();
        return [{ s: 'assign', target: this.enumState.get(en.name)!, e }];
      }]);
      if (d > 0) {
        opts.push([1, () => {
          const en = r.pick(this.p.enums);
          const members = en.members.filter(() => r.chance(0.7));
          const cases = members.map(([mn]) => ({ labels: [`${en.name}.${mn}`], body: this.inSwitch(ctx, () => this.genBlock(ctx, r.range(0, 2), d - 1)) }));
          const dflt = r.chance(0.5) ? this.inSwitch(ctx, () => this.genBlock(ctx, 1, d - 1)) : null;
          return [{ s: 'switch', e: { k: 'call', ty: 'void', fn: this.enumGetter.get(en.name)!, args: [] }, cases, dflt, tag: 'switch-enum' }];
        }]);
      }
    }
  }

  // ---------- field guards ----------

  /** Unsigned fields (this.f, param.f, o.f) and module state a guard can test: not locals, so
   * a call between the test and the access may change them (codegen/src/proofs.ts). */
  private guardIndices(ctx: Ctx): GuardIndex[] {
    const out: GuardIndex[] = [];
    if (!this.allow('field-guard')) return out;
    for (const f of this.fieldRefs(ctx)) {
      if (!UNSIGNED.includes(f.ty)) continue;
      const owner = f.text.startsWith('this.') ? 'this' : ctx.objs.some((o) => f.text.startsWith(`${o.text}.`)) ? 'param' : 'object';
      if (this.allow(`field-guard-${owner}`)) out.push({ text: f.text, ty: f.ty, name: lastName(f.text), mutable: f.mutable, owner });
    }
    const state = new Map<string, boolean>([...this.p.state, ...this.p.lateState].map((x) => [x.name, 'konst' in x && !!x.konst]));
    for (const v of ctx.vars) {
      if (state.has(v.text) && (UNSIGNED as readonly string[]).includes(v.ty) && this.allow('state-guard')) {
        out.push({ text: v.text, ty: v.ty as IntTy, name: v.text, mutable: v.mutable, owner: 'state', konst: state.get(v.text)! });
      }
    }
    return out;
  }

  /** `E < b.length` (or `E < K` with K no larger than b's static length) for a guard index g:
   * E is g itself or arithmetic on it (`u32(this.n + 1)`), spelled the same in the accesses. */
  private guardTest(g: GuardIndex, b: { text: string; size?: number; static?: boolean }, allowConst: boolean): { test: Expr; index: string } {
    const r = this.rng;
    const off = this.allow('field-guard-expr') && r.chance(0.2) ? r.range(1, 2) : 0;
    const index = off ? `u32(${g.text} + ${off})` : g.text;
    const owner = g.owner === 'state' ? 'state-guard' : `field-guard-${g.owner}`;
    const a: Expr = { k: 'ref', ty: off ? 'u32' : g.ty, text: index, tag: off ? 'field-guard-expr' : owner };
    if (allowConst && b.static && b.size && this.allow('field-guard-const') && r.chance(0.3)) {
      const k = r.range(1, b.size);
      return { test: { k: 'bin', ty: 'bool', op: '<', a, b: num(k), tag: 'field-guard-const' }, index };
    }
    return { test: { k: 'bin', ty: 'bool', op: '<', a, b: { k: 'ref', ty: 'u32', text: `${b.text}.length` }, ...(off ? { tag: owner } : {}) }, index };
  }

  /** Run `f` where the guard on g proves `b[index]`: g is not assigned and only pure calls run. */
  private underGuard<T>(ctx: Ctx, g: GuardIndex, buf: string, index: string, f: (breaker: Stmt[]) => T): T {
    const breaker = this.o.invalidateGuards ? this.guardBreaker(ctx, g) : [];
    const had = ctx.frozen.has(g.name);
    ctx.frozen.add(g.name);
    ctx.idx.push({ buf, v: index });
    const v = this.withoutCalls(ctx, true, () => f(breaker));
    ctx.idx.pop();
    if (!had) ctx.frozen.delete(g.name);
    return v;
  }

  /** The guarded code: statements around one access of b[index] (a write, or a read logged);
   * `breaker` (invalidateGuards) goes just before the access. */
  private guardedBody(ctx: Ctx, d: number, buf: string, index: string, breaker: Stmt[]): Stmt[] {
    const r = this.rng;
    const access: Stmt = r.chance(0.5)
      ? { s: 'assign', target: `${buf}[${index}]`, e: this.genInt('u8', ctx, 2) }
      : { s: 'log', msg: 'fg', args: [{ k: 'idx', ty: 'u8', arr: buf, i: { k: 'ref', ty: 'u32', text: index } }] };
    return [...this.genBlock(ctx, r.range(0, 1), Math.max(0, d - 1)), ...breaker, access, ...this.genBlock(ctx, r.range(0, 2), Math.max(0, d - 1))];
  }

  /** What voids the guard on g (invalidateGuards): an assignment of g, or a call that rebinds
   * module state (only when g is not a const, which the proofs take as a local). */
  private guardBreaker(ctx: Ctx, g: GuardIndex): Stmt[] {
    if (g.mutable && !ctx.frozen.has(g.name)) {
      return [{ s: 'assign', target: g.text, e: { k: 'wrap', ty: g.ty, a: { k: 'ref', ty: g.ty, text: g.text } }, tag: 'guard-invalidated' }];
    }
    const rb = this.rebinders(ctx);
    if (g.konst || !rb.length) return [];
    return [{ s: 'expr', e: this.genCall(this.rng.pick(rb), ctx, 1, 'guard-invalidated') }];
  }

  /** A call after the access (it may change the field: the proof needs the test again first). */
  private callAfter(ctx: Ctx): Stmt[] {
    const calls = ctx.callables.filter((c) => ctx.factor * c.cost <= this.o.budget / 4);
    if (!calls.length || !this.allow('guard-call-after') || !this.rng.chance(0.5)) return [];
    return [{ s: 'expr', e: this.genCall(this.rng.pick(calls), ctx, 1, 'guard-call-after') }];
  }

  /** Guards on fields and module state: `if (this.n < this.buf.length) { ... this.buf[this.n] ... }`,
   * a while loop on such a test, and `if (o.n >= b.length) return ...;` before the accesses. */
  private fieldGuards(ctx: Ctx, d: number, opts: [number, () => Stmt[]][]): void {
    const r = this.rng;
    const gs = this.guardIndices(ctx);
    if (!gs.length || !ctx.bufs.length || d <= 0) return;
    if (this.allow('field-guard-if')) {
      opts.push([2, () => {
        const g = r.pick(gs);
        const b = r.pick(ctx.bufs);
        const { test, index } = this.guardTest(g, b, true);
        let c: Expr = test;
        const body = this.underGuard(ctx, g, b.text, index, (br) => {
          // A conjunction containing the test proves it too (its other side: pure calls only).
          if (r.chance(0.25)) c = { k: 'bin', ty: 'bool', op: '&&', a: test, b: this.genBool(ctx, 1) };
          return this.guardedBody(ctx, d, b.text, index, br);
        });
        const f = r.chance(0.3) ? this.genBlock(ctx, r.range(1, 2), d - 1) : null;
        return [{ s: 'if', c, t: [...body, ...this.callAfter(ctx)], f, tag: 'field-guard-if' }];
      }]);
    }
    if (this.allow('field-guard-while') && ctx.loopDepth < 2) {
      opts.push([1, () => {
        const g = r.pick(gs);
        const b = r.pick(ctx.bufs);
        const n = r.range(1, 6);
        if (ctx.factor * (n + 1) * 4 > this.o.budget) return [];
        const { test, index } = this.guardTest(g, b, true);
        const f0 = ctx.factor;
        ctx.factor *= n + 1;
        ctx.loopDepth++;
        const body = this.underGuard(ctx, g, b.text, index, (br) => this.guardedBody(ctx, d, b.text, index, br));
        // After the access: code that may call anything, and a step of the index (both are
        // followed by the test again). The counter w bounds the loop whatever they do.
        body.push(...this.callAfter(ctx));
        if (g.mutable && !ctx.frozen.has(g.name) && r.chance(0.6)) {
          body.push({ s: 'assign', target: g.text, e: { k: 'wrap', ty: g.ty, a: { k: 'bin', ty: 'num', op: '+', a: { k: 'ref', ty: g.ty, text: g.text }, b: num(1), bits: 33 } } });
        }
        ctx.loopDepth--;
        ctx.factor = f0;
        return [{ s: 'while', ctr: this.name('w'), n, guard: test, body, doWhile: false, tag: 'field-guard-while' }];
      }]);
    }
    if (this.allow('field-guard-return') && !ctx.inSwitch) {
      opts.push([1, () => {
        const g = r.pick(gs);
        const b = r.pick(ctx.bufs);
        const { test, index } = this.guardTest(g, b, false);
        const exit: Expr = { ...test, op: '>=', tag: 'field-guard-return' } as Expr;
        const ret: Stmt = { s: 'return', e: ctx.fn.ret === 'void' ? null : this.genOf(ctx.fn.ret, ctx, 2) };
        const rest = this.underGuard(ctx, g, b.text, index, (br) => this.guardedBody(ctx, d, b.text, index, br));
        return [{ s: 'if', c: exit, t: [ret], f: null }, ...rest];
      }]);
    }
  }

  /** `(this.n < b.length ? b[this.n] : u8(7))`, or over a table of type ty. */
  private fieldGuardCond(ty: IntTy, ctx: Ctx): (() => Expr) | undefined {
    const gs = this.guardIndices(ctx);
    if (!gs.length || !this.allow('field-guard-cond') || !this.o.conditionals) return undefined;
    const tabs = this.p.tables.filter((t) => t.ty === ty && this.allow('field-guard-table'));
    const bufs = ty === 'u8' ? ctx.bufs : [];
    if (!tabs.length && !bufs.length) return undefined;
    return () => {
      const r = this.rng;
      const g = r.pick(gs);
      const useTab = tabs.length > 0 && (!bufs.length || r.chance(0.5));
      const b = useTab ? (({ name, values }) => ({ text: name, size: values.length, static: true }))(r.pick(tabs)) : r.pick(bufs);
      const { test, index } = this.guardTest(g, b, true);
      const access: Expr = { k: 'idx', ty, arr: b.text, i: { k: 'ref', ty: 'u32', text: index }, ...(useTab ? { tag: 'field-guard-table' } : {}) };
      return { k: 'cond', ty, c: test, a: access, b: this.lit(ty), tag: 'field-guard-cond' };
    };
  }

  /** Code guarded by `i < cur.length` over a rebindable module Bytes, or by a test of a field or
   * module state, calls only pure callables: a call that may assign module state or a field
   * voids the index proof (FW3003, codegen/src/proofs.ts). */
  private withoutCalls<T>(ctx: Ctx, on: boolean, f: () => T): T {
    if (!on) return f();
    const [calls, was, guarded] = [ctx.callables, ctx.noCalls, ctx.guarded];
    ctx.callables = calls.filter((c) => c.pure);
    ctx.noCalls = true;
    ctx.guarded = true;
    const v = f();
    ctx.callables = calls;
    ctx.noCalls = was;
    ctx.guarded = guarded;
    return v;
  }

  private inSwitch<T>(ctx: Ctx, f: () => T): T {
    const was = ctx.inSwitch;
    ctx.inSwitch = true;
    const v = f();
    ctx.inSwitch = was;
    return v;
  }

  /** `view(store, lo, hi)` of the module buffer a rebindable Bytes was first a view of. */
  private rebindView(name: string): Expr {
    const r = this.rng;
    const store = this.rebindStore.get(name)!;
    const lo = r.int(Math.min(8, store.size));
    const hi = Math.min(store.size, lo + r.pick([0, 1, 2, 4, 8, 16]));
    return { k: 'call', ty: 'bytes', fn: 'view', args: [{ k: 'ref', ty: 'bytes', text: store.name }, { k: 'lit', ty: 'u32', v: lo }, { k: 'lit', ty: 'u32', v: hi }] };
  }

  private genLoop(ctx: Ctx, d: number): Stmt[] {
    const r = this.rng;
    const kind = r.weighted<string>([[4, 'forlen'], [3, 'for'], [2, 'while'], [1, 'do']]);
    const label = r.chance(0.2) ? this.name('L') : undefined;
    const enter = (factor: number, body: () => Stmt[]): Stmt[] | null => {
      if (ctx.factor * factor * 4 > this.o.budget) return null;
      const f0 = ctx.factor;
      ctx.factor *= factor;
      ctx.loopDepth++;
      if (label) ctx.labels.push(label);
      const b = body();
      if (label) ctx.labels.pop();
      ctx.loopDepth--;
      ctx.factor = f0;
      return b;
    };
    if (kind === 'forlen') {
      const bufs = ctx.bufs.filter((b) => b.indexable);
      if (bufs.length) {
        const b = r.pick(bufs).text;
        const v = this.name('ix');
        const res = enter(300, () => {
          ctx.idx.push({ buf: b, v });
          ctx.vars.push({ text: v, ty: 'u32', mutable: false });
          const body = this.withoutCalls(ctx, this.isBufState(b), () => this.genBlock(ctx, r.range(1, 4), d - 1));
          ctx.vars.pop();
          ctx.idx.pop();
          return body;
        });
        if (res) return [{ s: 'for', v, ty: 'u32', start: 0, bound: `${b}.length`, down: false, body: res, ...(label ? { label } : {}) }];
      }
    }
    const n = r.range(1, 6);
    if (kind === 'while' || kind === 'do') {
      const ctr = this.name('w');
      const res = enter(n + 1, () => this.genBlock(ctx, r.range(1, 4), d - 1));
      if (res) return [{ s: 'while', ctr, n, body: res, doWhile: kind === 'do', ...(label ? { label } : {}) }];
      return [];
    }
    const ty = r.pick(['u8', 'u16', 'u32', 'i8', 'i16', 'i32'] as const);
    const v = this.name('j');
    const down = isSigned(ty) && r.chance(0.4);
    // An update by assignment (`j = u8(j + 2)`) instead of ++/--.
    const step = this.allow('for-step') && r.chance(0.25) ? r.range(2, 3) : undefined;
    const res = enter(n + 1, () => {
      ctx.vars.push({ text: v, ty, mutable: false });
      const body = this.genBlock(ctx, r.range(1, 4), d - 1);
      ctx.vars.pop();
      return body;
    });
    if (!res) return [];
    return [{ s: 'for', v, ty, start: down ? n : 0, bound: down ? '0' : String(n), down, body: res, ...(label ? { label } : {}), ...(step ? { step, tag: 'for-step' } : {}) }];
  }

  // ---------- functions and program ----------

  private newCtx(fn: Func, extraBufs: Buf[]): Ctx {
    const vars: Var[] = [...this.p.state, ...this.p.lateState].map((s) => ({ text: s.name, ty: s.ty, mutable: !('konst' in s && s.konst) }));
    for (const s of this.p.floatState) vars.push({ text: s.name, ty: s.ty, mutable: true });
    // Float table elements at literal indexes (a writable table's are assignment targets too).
    for (const t of this.p.floatTables) {
      for (const k of new Set([0, t.values.length - 1, this.rng.int(t.values.length)])) vars.push({ text: `${t.name}[${k}]`, ty: t.ty, mutable: t.mutable });
    }
    const bufs: Buf[] = [
      ...this.p.bufs.map((b) => ({ text: b.name, indexable: true, size: b.size, static: true })),
      ...this.p.bufState.map((b) => ({ text: b.name, indexable: true })),
      ...extraBufs,
    ];
    const objs: { text: string; cls: string }[] = [];
    for (const p of fn.params) {
      if (p.ty === 'bytes') bufs.push({ text: p.name, indexable: true });
      else if ((INT_TYPES as readonly string[]).includes(p.ty)) vars.push({ text: p.name, ty: p.ty as IntTy, mutable: false });
      else if (isFloat(p.ty)) vars.push({ text: p.name, ty: p.ty, mutable: false });
      else if (this.classByName.has(p.ty)) objs.push({ text: p.name, cls: p.ty });
    }
    const fieldBufs = (base: string, cls: string): void => {
      for (const f of this.classByName.get(cls)?.fields ?? []) {
        if (f.ty === 'bytes') bufs.push({ text: `${base}.${f.name}`, indexable: false, size: f.size ?? 8, static: !!f.readonly && base === 'this' });
      }
    };
    if (fn.cls) fieldBufs('this', fn.cls);
    for (const o of this.p.objects) fieldBufs(o.name, o.cls);
    for (const o of objs) fieldBufs(o.text, o.cls);
    return {
      vars,
      bufs,
      idx: [],
      factor: 1,
      loopDepth: 0,
      labels: [],
      inSwitch: false,
      callables: this.callables.filter((c) => !fn.cls || c.cls !== fn.cls),
      fn,
      cost: 0,
      objs,
      frozen: new Set(),
    };
  }

  private genBody(fn: Func, extraBufs: Buf[] = [], stmts?: number): number {
    const ctx = this.newCtx(fn, extraBufs);
    fn.body = this.genBlock(ctx, stmts ?? this.rng.range(2, this.o.maxStmts), 3);
    if (fn.ret !== 'void') fn.body.push({ s: 'return', e: this.genOf(fn.ret, ctx, this.o.maxExprDepth) });
    return Math.max(1, ctx.cost);
  }

  private randParams(): Param[] {
    const r = this.rng;
    const ps: Param[] = [];
    const n = r.int(4);
    for (let i = 0; i < n; i++) ps.push({ name: `a${i}`, ty: r.chance(0.2) ? 'bytes' : this.o.floats && r.chance(0.25) ? r.pick(['f32', 'f64']) : r.pick(INT_TYPES) });
    return ps;
  }

  /** A return type: void, an integer type or (with floats) f32/f64. */
  private randRet(): IntTy | FloatTy | 'void' {
    const r = this.rng;
    return r.chance(0.2) ? 'void' : this.o.floats && r.chance(0.2) ? r.pick(['f32', 'f64'] as const) : r.pick(INT_TYPES);
  }

  /** An expression of a variable's type. */
  private genOf(ty: IntTy | FloatTy | 'bool', ctx: Ctx, d: number): Expr {
    return ty === 'bool' ? this.genBool(ctx, d) : isFloat(ty) ? this.fl.gen(ty, ctx, d) : this.genInt(ty, ctx, d);
  }

  floatTables(ty: FloatTy): { name: string; len: number }[] {
    return this.p.floatTables.filter((t) => t.ty === ty).map((t) => ({ name: t.name, len: t.values.length }));
  }

  floatVars(ctx: Ctx, ty: FloatTy): string[] {
    return ctx.vars.filter((v) => v.ty === ty).map((v) => v.text);
  }

  floatCall(ctx: Ctx, ty: FloatTy, d: number): Expr | undefined {
    const calls = ctx.callables.filter((c) => c.ret === ty && ctx.factor * c.cost <= this.o.budget / 4);
    return calls.length ? this.genCall(this.rng.pick(calls), ctx, d) : undefined;
  }

  generate(): Program {
    const r = this.rng;
    const p = this.p;
    for (let i = 0, n = r.range(1, 4); i < n; i++) {
      const ty = r.pick(INT_TYPES);
      p.state.push({ name: this.name('s'), ty, init: this.lit(ty) });
    }
    // Module-initialisation order: state initialised from earlier state; some of it const.
    for (let i = 1; i < p.state.length; i++) {
      const st = p.state[i]!;
      if (this.allow('init-from-state') && r.chance(0.3)) {
        const prev = r.pick(p.state.slice(0, i));
        st.init = { k: 'wrap', ty: st.ty, a: { k: 'bin', ty: 'num', op: '+', a: { k: 'ref', ty: prev.ty, text: prev.name }, b: num(r.int(16)), bits: 33 }, tag: 'init-from-state' };
      }
    }
    for (const st of p.state) if (this.allow('const-state') && r.chance(0.12)) st.konst = true;
    if (this.o.floats) {
      for (let i = 0, n = r.range(0, 2); i < n; i++) {
        const ty = r.pick(['f32', 'f64'] as const);
        p.floatState.push({ name: this.name('fs'), ty, init: this.fl.edge(ty) });
      }
      // Float tables of edge values: readonly (flash) or writable (RAM), 1-9 entries.
      for (let i = 0, n = r.range(0, 2); i < n; i++) {
        const ty = r.pick(['f32', 'f64'] as const);
        // (-Infinity is an operation among the edges: a table entry is a literal, f32(-F32_INFINITY).)
        const entry = (): Expr => {
          const e = this.fl.edge(ty);
          return e.k === 'flit' && e.text.includes('* -1') ? { ...e, text: e.text.replace(/(F(32|64)_INFINITY) \* -1/, '-$1') } : e;
        };
        const values = Array.from({ length: r.range(1, 9) }, entry);
        p.floatTables.push({ name: this.T('FT'), ty, values, mutable: r.chance(0.4) });
      }
    }
    for (let i = 0, n = r.range(1, 3); i < n; i++) p.bufs.push({ name: this.name('g'), size: r.pick([8, 16, 33, 64, 64]) });
    p.semicolon = r.chance(0.15);
    // A module-level Bytes that functions rebind to views of a module buffer.
    if (this.allow('rebind') && r.chance(0.5)) {
      let store = p.bufs.find((b) => b.size >= 16);
      if (!store) p.bufs.push((store = { name: this.name('g'), size: 16 }));
      const name = this.name('cur');
      this.rebindStore.set(name, store);
      p.bufState.push({ name, init: { k: 'call', ty: 'bytes', fn: 'view', args: [{ k: 'ref', ty: 'bytes', text: store.name }, { k: 'lit', ty: 'u32', v: 0 }, { k: 'lit', ty: 'u32', v: r.range(4, store.size) }] } });
    }
    // An enum, with module state of its type and a getter (a call result is not narrowed by TS).
    if (this.allow('enum') && r.chance(0.4)) {
      const name = this.T('E');
      const vals = new Set<number>();
      for (let n = r.range(2, 4); vals.size < n; ) vals.add(r.chance(0.85) ? r.int(12) : r.pick([0xff, 0x100, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff]));
      // Values past INT32_MAX are allowed (FwTS enums are unsigned): tagged, C enums are ints.
      if (!this.allow('enum-wide')) for (const v of [...vals]) if (v > 0x7fffffff) vals.delete(v);
      while (vals.size < 2) vals.add(vals.size + 20);
      const members = [...vals].map((v, i): [string, number] => [`M${i}`, v]);
      p.enums.push({ name, members, ...([...vals].some((v) => v > 0x7fffffff) ? { tag: 'enum-wide' } : {}) });
      const st = this.name('es');
      this.enumState.set(name, st);
      p.enumVars.push({ name: st, en: name, init: `${name}.${r.pick(members)[0]}` });
      const getter = this.name('ge');
      this.enumGetter.set(name, getter);
      // The return type is the enum's name (Func.ret is rendered as written).
      p.funcs.push({ name: getter, params: [], ret: name as IntTy, body: [{ s: 'return', e: { k: 'ref', ty: 'void', text: st } }] });
    }
    // State initialised after the objects by a function call (module-initialisation order).
    if (this.allow('init-call') && r.chance(0.5)) {
      for (let i = 0, n = r.range(1, 2); i < n; i++) {
        const ty = r.pick(INT_TYPES);
        p.lateState.push({ name: this.name('s'), ty, init: this.lit(ty) });
      }
    }
    for (let i = 0, n = r.int(3); i < n; i++) {
      const ty = r.pick(INT_TYPES);
      const len = r.chance(0.5) ? 256 : r.range(1, 12);
      const values: number[] = [];
      for (let k = 0; k < len; k++) values.push(r.chance(0.5) ? r.int(TY_MAX[ty] + 1) : r.next());
      p.tables.push({ name: this.T('T'), ty, values });
    }
    // Classes.
    for (let i = 0, n = r.int(3); i < n; i++) this.addClass(undefined);
    // Interface with two implementations.
    let iface: { name: string; params: Param[]; ret: IntTy } | undefined;
    if (r.chance(0.6)) {
      const name = this.T('I');
      const params = this.randParams();
      iface = { name, params, ret: r.pick(INT_TYPES) };
      p.ifaces.push({ name, method: { name: 'run', params, ret: iface.ret } });
      this.addClass(name);
      this.addClass(name);
    }
    // Objects.
    for (const c of p.classes) {
      for (let k = 0, n = c.implements ? 1 : r.range(1, 2); k < n; k++) {
        const args = c.ctor.map((a): Expr => {
          const st = p.state.filter((x) => x.ty === a.ty);
          return st.length && this.allow('new-with-state') && r.chance(0.3) ? { k: 'ref', ty: a.ty, text: r.pick(st).name, tag: 'new-with-state' } : this.lit(a.ty);
        });
        p.objects.push({ name: this.name('o'), cls: c.name, args });
      }
    }
    // Callables in a random order: each may call the earlier ones.
    type Plan = { kind: 'fn' } | { kind: 'method'; cls: ClassDecl } | { kind: 'dispatch' } | { kind: 'fnTable' } | { kind: 'rebind' };
    const plan: Plan[] = [];
    for (let i = 0, n = r.range(1, this.o.maxCallables - 2); i < n; i++) plan.push({ kind: 'fn' });
    for (const c of p.classes) if (!c.implements) for (let k = 0, n = r.range(1, 2); k < n; k++) plan.push({ kind: 'method', cls: c });
    for (let i = plan.length - 1; i > 0; i--) {
      const j = r.int(i + 1);
      [plan[i], plan[j]] = [plan[j]!, plan[i]!];
    }
    // Interface methods, then the dispatcher; a function table somewhere after them.
    if (iface) {
      const at = r.int(plan.length + 1);
      const impls = p.classes.filter((c) => c.implements === iface.name).map((cls) => ({ kind: 'method', cls }) as Plan);
      plan.splice(at, 0, ...impls, { kind: 'dispatch' });
    }
    if (r.chance(0.4)) plan.splice(r.int(plan.length + 1), 0, { kind: 'fnTable' });
    if (p.bufState.length) for (let i = 0, n = r.range(1, 2); i < n; i++) plan.splice(r.int(plan.length + 1), 0, { kind: 'rebind' });

    for (const step of plan) {
      if (step.kind === 'fn') {
        const fn: Func = { name: this.name('f'), params: this.randParams(), ret: this.randRet(), body: [] };
        // Sometimes take an object of a plain class as a parameter (a pointer in C).
        const plain = p.classes.filter((c) => !c.implements);
        if (plain.length && r.chance(0.3)) fn.params.push({ name: 'obj', ty: r.pick(plain).name });
        // Some helpers are exported, some with the @inline hint (int and Bytes parameters only).
        if (this.allow('exported') && !fn.params.some((q) => q.ty === 'obj' || this.classByName.has(q.ty)) && r.chance(0.15)) {
          fn.exported = true;
          fn.inline = this.allow('inline') && r.chance(0.6);
        }
        const cost = this.genBody(fn);
        p.funcs.push(fn);
        this.callables.push({ call: fn.name, params: fn.params, ret: fn.ret, cost, pure: !assignsState(fn, this.pureCalls()) });
      } else if (step.kind === 'rebind') {
        // A function that rebinds a module-level Bytes to another (often shorter) view.
        const cur = r.pick(p.bufState).name;
        const fn: Func = { name: this.name('rb'), params: [], ret: r.chance(0.8) ? 'u8' : 'void', body: [] };
        const ctx = this.newCtx(fn, []);
        const pre = this.genBlock(ctx, r.range(0, 2), 1);
        fn.body = [...pre, { s: 'assign', target: cur, e: this.rebindView(cur), tag: 'rebind-direct' }, ...this.genBlock(ctx, r.range(0, 1), 1)];
        if (fn.ret !== 'void') fn.body.push({ s: 'return', e: this.genInt('u8', ctx, 2) });
        p.funcs.push(fn);
        this.callables.push({ call: fn.name, params: [], ret: fn.ret, cost: Math.max(1, ctx.cost), rebinds: true });
      } else if (step.kind === 'method') {
        const c = step.cls;
        const m: Func = c.implements
          ? { name: 'run', params: iface!.params, ret: iface!.ret, body: [], cls: c.name }
          : { name: this.name('m'), params: this.randParams(), ret: this.randRet(), body: [], cls: c.name };
        const cost = this.genBody(m);
        c.methods.push(m);
        const pure = !assignsState(m, this.pureCalls());
        if (!c.implements) for (const o of p.objects.filter((o) => o.cls === c.name)) this.callables.push({ call: `${o.name}.${m.name}`, params: m.params, ret: m.ret, cost, cls: c.name, pure });
        else (c as ClassDecl & { cost?: number }).cost = cost;
      } else if (step.kind === 'dispatch') {
        const name = this.name('via');
        const params: Param[] = [{ name: 'it', ty: iface!.name }, ...iface!.params];
        const costs = p.classes.filter((c) => c.implements === iface!.name).map((c) => (c as ClassDecl & { cost?: number }).cost ?? 1);
        const fn: Func = { name, params, ret: iface!.ret, body: [] };
        const ctx = this.newCtx(fn, []);
        fn.body = this.genBlock(ctx, r.range(0, 2), 1);
        fn.body.push({ s: 'return', e: { k: 'call', ty: iface!.ret, fn: 'it.run', args: iface!.params.map((q) => ({ k: 'ref', ty: 'void', text: q.name })) } });
        p.funcs.push(fn);
        this.callables.push({ call: name, params, ret: iface!.ret, cost: Math.max(...costs) + ctx.cost + 1 });
      } else {
        // Two functions of one type in a readonly table, called through a parameter of that
        // function type (`via(H[1], ...)` or `via(h3, ...)`).
        const tname = this.T('F');
        const params: Param[] = [{ name: 'x', ty: 'u32' }, { name: 'y', ty: r.pick(INT_TYPES) }];
        const ret = r.pick(INT_TYPES);
        p.fnTypes.push({ name: tname, params, ret });
        const fns: string[] = [];
        let cost = 1;
        for (let k = 0, n = r.range(2, 3); k < n; k++) {
          const fn: Func = { name: this.name('h'), params, ret, body: [] };
          cost = Math.max(cost, this.genBody(fn, [], r.range(1, 3)));
          p.funcs.push(fn);
          fns.push(fn.name);
        }
        const tab = this.T('H');
        p.fnTables.push({ name: tab, type: tname, fns });
        const via: Func = { name: this.name('via'), params: [{ name: 'fn', ty: tname }, ...params], ret, body: [] };
        via.body = [{ s: 'return', e: { k: 'call', ty: ret, fn: 'fn', args: params.map((q) => ({ k: 'ref', ty: 'void', text: q.name })) } }];
        p.funcs.push(via);
        this.fnValues.set(tname, [...fns, ...fns.map((_, k) => `${tab}[${k}]`)]);
        this.fnInfo.set(tname, { params, ret, cost: cost + 1, table: tab });
        this.callables.push({ call: via.name, params: via.params, ret, cost: cost + 1 });
      }
    }
    // main.
    const main: Func = {
      name: 'main',
      params: [{ name: 'input', ty: 'bytes' }, { name: 'output', ty: 'bytes' }],
      ret: 'u32',
      body: [],
      exported: true,
    };
    const ctx = this.newCtx(main, []);
    // Floats decoded from the case's bytes (NaN payloads, subnormals, infinities reach every operation).
    const decoded: Stmt[] = [];
    if (this.o.floats) {
      for (let i = 0, n = r.range(1, 4); i < n; i++) {
        const ty = r.pick(['f32', 'f64'] as const);
        const name = this.name('x');
        decoded.push(...this.fl.decode(name, ty, 4 * r.int(6)));
        ctx.vars.push({ text: name, ty, mutable: true });
      }
    }
    main.body = [...decoded, ...this.genBlock(ctx, r.range(4, this.o.maxStmts + 4), 3)];
    // Make the module state observable in the output.
    let at = 200;
    const observe = (text: string): void => {
      main.body.push({ s: 'expr', e: { k: 'call', ty: 'void', fn: 'wr32le', args: [{ k: 'ref', ty: 'bytes', text: 'output' }, { k: 'lit', ty: 'u32', v: at }, { k: 'wrap', ty: 'u32', a: { k: 'ref', ty: 'void', text } }] } });
      at += 4;
    };
    for (const s of [...p.state, ...p.lateState, ...p.enumVars]) observe(s.name);
    for (const b of p.bufState) observe(`${b.name}.length`);
    for (const s of p.floatState) {
      main.body.push(...this.fl.observe(s.ty, { k: 'ref', ty: s.ty, text: s.name }, 'output', at));
      at += s.ty === 'f32' ? 4 : 8;
    }
    main.body.push({ s: 'return', e: this.genInt('u32', ctx, this.o.maxExprDepth) });
    p.funcs.push(main);
    // Initialisers of the late state: they see the state declared before them only, and call
    // no other function (whose body could read later state: a TDZ error in JS).
    p.lateState.forEach((st, i) => {
      const fn: Func = { name: this.name('init'), params: [], ret: st.ty, body: [] };
      const ictx = this.newCtx(fn, []);
      ictx.vars = [...p.state, ...p.lateState.slice(0, i)].map((x) => ({ text: x.name, ty: x.ty, mutable: false }));
      ictx.callables = [];
      fn.body = this.genBlock(ictx, r.range(0, 2), 0);
      fn.body.push({ s: 'return', e: this.genInt(st.ty, ictx, 2) });
      p.funcs.push(fn);
      st.init = { k: 'call', ty: st.ty, fn: fn.name, args: [], tag: 'init-call' };
    });
    return p;
  }

  private addClass(impl: string | undefined): void {
    const r = this.rng;
    const c: ClassDecl = { name: this.T(impl ? 'K' : 'C'), fields: [], ctor: [], methods: [], ...(impl ? { implements: impl } : {}) };
    for (let i = 0, n = r.range(1, 3); i < n; i++) {
      const ty = r.pick(INT_TYPES);
      const name = this.name('f');
      if (r.chance(0.3)) c.ctor.push({ name, ty });
      c.fields.push(c.ctor.some((a) => a.name === name) ? { name, ty } : { name, ty, init: this.lit(ty) });
    }
    if (r.chance(0.3)) c.fields.push({ name: this.name('buf'), ty: 'bytes', size: r.pick([4, 8, 16]), ...(this.allow('readonly-field') && r.chance(0.4) ? { readonly: true } : {}) });
    c.semicolon = r.chance(0.15);
    this.p.classes.push(c);
    this.classByName.set(c.name, c);
  }
}

export function generateAst(seed: number, options: GenOptions = {}): Program {
  return new Generator(seed, options).generate();
}

/** FwTS source text of a random module exporting main(input: Bytes, output: Bytes): u32. */
export function generateProgram(seed: number, options: GenOptions = {}): string {
  return renderProgram(generateAst(seed, options));
}
