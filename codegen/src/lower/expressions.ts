// Lowering of expressions to C trees (cexpr.ts) in JS evaluation order: calls nested in an
// expression go to temporaries, what was read before them is spilled first; integer semantics
// (wraps, u32 intermediates, shifts, comparisons folded where the C compilers would warn).
import { ts } from '../program.ts';
import { type FwType, type IntName, INT_NAMES, ctypeOfInt, cIdent, enumMembers, floatBits, foldBinary } from '../sema.ts';
import { type CExpr, type CStmt, decl, exprStmt, ifStmt, block } from './ir.ts';
import { type CInt, type CType, U32, I32, U8, U16, F32, F64, BOOL, VOID, BYTES, LIT, fromSpelling, spell, isInt, isSigned } from './ctype.ts';
import { type CNode, type BinaryOp, name as cname, call as ccall, cast, binary, unary, cond, index, comma, boolLit, field, dot, addressOf, boolValue, isConstant, isPath, sameNode, NONE, lit, constName, assign } from './cexpr.ts';
import { rangeOfCtype, rangeOfC, bitsOf, bitsConflict, intervalCmp, arithRange, bitRange, FLIP, evalCmp, cmpCandidates } from './facts.ts';
import * as prelude from '../../../firmware/lib/prelude.ts';
import { LoweringError, isExported, skipParens, powerOfTwo, fwI32, wrapJs } from './helpers.ts';
import { LowerBase } from './context.ts';

/** Prelude functions without effects (but for the DivZero panic, excluded by the caller). */
const PURE_PRELUDE: Record<string, (...xs: number[]) => number> = {
  mul32: (a, b) => prelude.mul32(a as prelude.u32, b as prelude.u32),
  imul32: (a, b) => prelude.imul32(a as prelude.i32, b as prelude.i32),
  clz32: (a) => prelude.clz32(a as prelude.u32),
  divu: (a, b) => prelude.divu(a as prelude.u32, b as prelude.u32),
  modu: (a, b) => prelude.modu(a as prelude.u32, b as prelude.u32),
  divi: (a, b) => prelude.divi(a as prelude.i32, b as prelude.i32),
  modi: (a, b) => prelude.modi(a as prelude.i32, b as prelude.i32),
};

/** Prelude functions that can panic (bounds, division by zero). */
const PANICKING = new Set(['rd8', 'rd16le', 'rd16be', 'rd32le', 'rd32be', 'view', 'divu', 'modu', 'divi', 'modi']);

/** The float API's functions (firmware/lib/float.ts): the fw_rt.h helper, the result type and
 * the argument types. All are pure. */
const FLOAT_FUNCTIONS: Record<string, { ret: CType; args: ('f32' | 'f64' | 'u32')[] }> = {
  sqrt: { ret: F64, args: ['f64'] }, sqrtf: { ret: F32, args: ['f32'] },
  abs: { ret: F64, args: ['f64'] }, absf: { ret: F32, args: ['f32'] },
  floor: { ret: F64, args: ['f64'] }, floorf: { ret: F32, args: ['f32'] },
  ceil: { ret: F64, args: ['f64'] }, ceilf: { ret: F32, args: ['f32'] },
  trunc: { ret: F64, args: ['f64'] }, truncf: { ret: F32, args: ['f32'] },
  round: { ret: F64, args: ['f64'] }, roundf: { ret: F32, args: ['f32'] },
  min: { ret: F64, args: ['f64', 'f64'] }, minf: { ret: F32, args: ['f32', 'f32'] },
  max: { ret: F64, args: ['f64', 'f64'] }, maxf: { ret: F32, args: ['f32', 'f32'] },
  copysign: { ret: F64, args: ['f64', 'f64'] }, copysignf: { ret: F32, args: ['f32', 'f32'] },
  f32bits: { ret: U32, args: ['f32'] }, f32frombits: { ret: F32, args: ['u32'] },
  f64hi: { ret: U32, args: ['f64'] }, f64lo: { ret: U32, args: ['f64'] }, f64frombits: { ret: F64, args: ['u32', 'u32'] },
};

/** The float API's constants: fw_rt.h macros. */
export const FLOAT_CONSTANTS: Record<string, CType> = { F64_NAN: F64, F64_INFINITY: F64, F32_NAN: F32, F32_INFINITY: F32 };

const FLOAT_BINARY: Partial<Record<ts.SyntaxKind, BinaryOp>> = {
  [ts.SyntaxKind.PlusToken]: '+', [ts.SyntaxKind.MinusToken]: '-', [ts.SyntaxKind.AsteriskToken]: '*', [ts.SyntaxKind.SlashToken]: '/',
  [ts.SyntaxKind.EqualsEqualsEqualsToken]: '==', [ts.SyntaxKind.ExclamationEqualsEqualsToken]: '!=',
  [ts.SyntaxKind.LessThanToken]: '<', [ts.SyntaxKind.LessThanEqualsToken]: '<=',
  [ts.SyntaxKind.GreaterThanToken]: '>', [ts.SyntaxKind.GreaterThanEqualsToken]: '>=',
};

const INT_CTYPES = new Set(['uint8_t', 'uint16_t', 'uint32_t', 'int8_t', 'int16_t', 'int32_t']);

export class ExprLowering extends LowerBase {
  /** An expression that is the whole value of a statement: a call needs no temporary here. */
  protected exprTop(e: ts.Expression, out: CStmt[], depth: number): CExpr {
    const inner = skipParens(e);
    if (ts.isCallExpression(inner) && !this.sema.preludeName(inner.expression)) return this.call(inner, out, depth, true);
    return this.expr(e, out, depth);
  }

  /** Lower an expression; statements it needs first (temporaries, in JS order) go to `out`. */
  expr(e: ts.Expression, out: CStmt[], depth = 1): CExpr {
    e = skipParens(e);
    const t = this.sema.exprType(e);
    if (t.k === 'lit' && !ts.isCallExpression(e)) {
      // A named constant (const N = 0x40) is inlined, spelled as written and named in a comment.
      const named = ts.isIdentifier(e) ? this.sema.declOf(e) : undefined;
      const init = named && ts.isVariableDeclaration(named) ? named.initializer : undefined;
      const litText = ts.isNumericLiteral(e) ? e.getText(this.sf) : init && ts.isNumericLiteral(init) ? init.getText(init.getSourceFile()) : undefined;
      return { e: lit(t.value), t: LIT, lit: t.value, litText, litName: init ? e.getText(this.sf) : undefined, stable: true };
    }
    switch (e.kind) {
      case ts.SyntaxKind.TrueKeyword: return { e: boolLit(true), t: BOOL, stable: true };
      case ts.SyntaxKind.FalseKeyword: return { e: boolLit(false), t: BOOL, stable: true };
      case ts.SyntaxKind.ThisKeyword: return { e: cname('self'), t: { k: 'ptr', name: this.curClass?.name?.text ?? 'void' }, stable: true };
    }
    if (ts.isIdentifier(e)) return this.identifier(e);
    if (ts.isPropertyAccessExpression(e)) return this.property(e, out, depth);
    if (ts.isElementAccessExpression(e)) {
      let base = this.expr(e.expression, out, depth);
      const idxPre: CStmt[] = [];
      const idx = this.expr(e.argumentExpression, idxPre, depth);
      if (idxPre.length) base = this.spill(base, out, depth); // JS reads the base first
      out.push(...idxPre);
      const bt = this.sema.exprType(e.expression);
      const et = bt.k === 'table' ? this.ctype(bt.elem) : 'uint8_t';
      return { e: this.indexC(base, idx), t: fromSpelling(et), stable: false };
    }
    if (ts.isCallExpression(e)) return this.call(e, out, depth, false);
    if (ts.isPrefixUnaryExpression(e)) {
      const o = this.expr(e.operand, out, depth);
      switch (e.operator) {
        case ts.SyntaxKind.ExclamationToken: {
          const b = boolValue(o.e);
          if (b !== undefined) return this.constBool(!b);
          return { e: this.not(o.e), t: BOOL, stable: o.stable };
        }
        case ts.SyntaxKind.MinusToken:
          if (o.lit !== undefined) return { e: lit(-o.lit), t: LIT, lit: -o.lit, stable: true };
          if (o.t.k === 'float') return { e: unary('-', o.e), t: o.t, stable: o.stable }; // exact
          return { e: binary('-', lit(0, U32), this.u32(o)), t: U32, stable: o.stable };
        case ts.SyntaxKind.TildeToken:
          if (o.lit !== undefined) return { e: lit(~o.lit), t: LIT, lit: ~o.lit, stable: true };
          return { e: ccall('fw_not32', this.u32(o)), t: U32, stable: o.stable };
        case ts.SyntaxKind.PlusToken: return o;
      }
    }
    if (ts.isBinaryExpression(e)) return this.binary(e, out, depth);
    if (ts.isConditionalExpression(e)) return this.conditional(e, out, depth);
    if (ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e)) return this.expr(e.expression, out, depth);
    throw new LoweringError(e, `expression ${ts.SyntaxKind[e.kind]}`);
  }

  /** `c ? a : b`: both arms converted to the conditional's own type (sema, from both arms). */
  protected conditional(e: ts.ConditionalExpression, out: CStmt[], depth: number): CExpr {
    const c = this.expr(e.condition, out, depth);
    const ap: CStmt[] = [];
    const bp: CStmt[] = [];
    const a = this.expr(e.whenTrue, ap, depth + 1);
    const b = this.expr(e.whenFalse, bp, depth + 1);
    const rt = this.sema.exprType(e);
    const ct = this.ctype(rt);
    // A constant condition picks its branch (as JS does; C compilers warn on the dead arm).
    // (Only when the dead arm reads no variable: C would otherwise call the variable unused.)
    const decided = boolValue(c.e);
    if (decided !== undefined && isConstant(decided ? b.e : a.e)) {
      const [x, pre] = decided ? [a, ap] : [b, bp];
      out.push(...pre);
      if (x.lit !== undefined) return x;
      // A widening cast of the arm keeps its range: the C compilers see through it (-Wtype-limits).
      const inner = rangeOfC(x);
      const outer = rangeOfCtype(ct);
      const range = inner && outer && inner[0] >= outer[0] && inner[1] <= outer[1] ? inner : undefined;
      return { ...x, e: this.arm(x, rt, ct), t: fromSpelling(ct), range };
    }
    if (ap.length === 0 && bp.length === 0) {
      // Both arms are promoted to int in C: cast a narrow result back (-Wconversion).
      const narrow = ct === 'uint8_t' || ct === 'uint16_t' || ct === 'int8_t' || ct === 'int16_t';
      const node = cond(c.e, this.arm(a, rt, ct), this.arm(b, rt, ct));
      // A constant condition with a dead arm we keep (it reads variables): the C compiler still
      // knows the value, so comparisons must know it too.
      const known = c.known ?? decided;
      const live = known === true ? a : known === false ? b : undefined;
      let range = live ? (live.lit !== undefined ? [live.lit, live.lit] as [number, number] : rangeOfC(live)) : undefined;
      // Two literal arms of one value (`c ? 0 : 0`): the C compilers fold it (a switch on it).
      if (!range && a.lit !== undefined && a.lit === b.lit) range = [a.lit, a.lit];
      return { e: narrow ? cast(ct, node) : node, t: fromSpelling(ct), stable: c.stable && a.stable && b.stable, range };
    }
    const tmp = this.tmp();
    out.push(decl(ct, tmp));
    out.push(ifStmt(c.e, [...ap, exprStmt(assign(cname(tmp), this.arm(a, rt, ct)))], [...bp, exprStmt(assign(cname(tmp), this.arm(b, rt, ct)))]));
    return { e: cname(tmp), t: fromSpelling(ct), stable: true };
  }

  /** One arm of a conditional in the conditional's C type: every value of the arm is a value of
   * that type (sema joins the arms), so an explicit cast is exact and keeps -Wconversion quiet. */
  protected arm(x: CExpr, rt: FwType, ct: string): CNode {
    // A narrow arm is promoted to int in C: a `u` literal beside it would make the conditional
    // unsigned int (-Wsign-conversion); spelled as a plain int, both arms are int.
    if (x.lit !== undefined) return this.litFor(x, rt.k === 'enum' ? 'uint32_t' : ct === 'uint8_t' || ct === 'uint16_t' ? 'int32_t' : ct);
    if (rt.k === 'num') return ct === 'int32_t' ? this.i32(x) : this.u32(x);
    if (INT_CTYPES.has(ct) && !isInt(x.t, ct as CInt)) return cast(ct, x.e);
    if (rt.k === 'bytes' || rt.k === 'iface') return this.coerce(x, rt);
    return x.e;
  }

  protected identifier(e: ts.Identifier): CExpr {
    const d = this.sema.declOf(e);
    if (!d) return { e: cname(cIdent(e.text)), t: U32, stable: false };
    const sf = d.getSourceFile();
    const fc = this.sema.isPrelude(sf) ? FLOAT_CONSTANTS[e.text] : undefined;
    if (fc) return { e: constName(`FW_${e.text}`), t: fc, stable: true };
    const t = this.sema.declType(d);
    if (ts.isFunctionDeclaration(d)) {
      this.calls.add(this.cFunctionName(d));
      return { e: cname(this.cFunctionName(d)), t: { k: 'fn' }, stable: true };
    }
    const isTop = ts.isVariableDeclaration(d) && ts.isSourceFile(d.parent.parent.parent);
    let name = cIdent(e.text);
    if (isTop) {
      const st = d.parent.parent as ts.VariableStatement;
      name = isExported(st) ? `${this.sema.modulePrefix(sf)}_${(d as ts.VariableDeclaration).name.getText(sf)}` : cIdent((d as ts.VariableDeclaration).name.getText(sf));
      const init = (d as ts.VariableDeclaration).initializer;
      if (init && ts.isCallExpression(init) && this.sema.preludeName(init.expression) === 'bytes') {
        return { e: cname(name), t: { k: 'array', len: this.constInt(init.arguments[0]) }, stable: true };
      }
      if (init && ts.isNewExpression(init)) return { e: addressOf(cname(name)), t: fromSpelling(this.ctype(t)), stable: true };
      // A top-level `const` may be a C `const` the compiler folds (a table in flash, a scalar).
      const konst = !!(d.parent.flags & ts.NodeFlags.Const);
      const ref = konst ? constName(name) : cname(name);
      if (t.k === 'table') return { e: ref, t: { k: 'table', len: t.length }, stable: true };
      return { e: ref, t: fromSpelling(this.ctype(t)), stable: false };
    }
    return { e: cname(name), t: fromSpelling(this.ctype(t)), stable: false };
  }

  protected property(e: ts.PropertyAccessExpression, out: CStmt[], depth: number): CExpr {
    const name = e.name.text;
    // Enum member: Err.Ok -> Err_Ok
    if (ts.isIdentifier(e.expression)) {
      const obj = this.sema.enumObject(this.sema.declOf(e.expression));
      if (obj) {
        const v = enumMembers(obj).get(name) ?? 0;
        // The prelude is not lowered (fw_rt.h stands for it): its enums (Panic) have no C
        // declaration to name, so a member is its value, named in a comment.
        if (this.sema.isPrelude(obj.getSourceFile())) return { e: lit(v), t: LIT, lit: v, litName: e.getText(this.sf), stable: true };
        return { e: constName(`${this.sema.enumAliasName(obj)}_${name}`), t: { k: 'named', name: this.sema.enumAliasName(obj) }, lit: undefined, stable: true, litText: String(v) };
      }
    }
    const base = this.expr(e.expression, out, depth);
    const bt = this.sema.exprType(e.expression);
    if (name === 'length' && (bt.k === 'bytes' || bt.k === 'table')) {
      if (base.t.k === 'array' || base.t.k === 'table') {
        const n = base.t.len;
        return { e: lit(n, U32), t: U32, lit: n, stable: true };
      }
      if (bt.k === 'table') return { e: lit(bt.length, U32), t: U32, lit: bt.length, stable: true };
      return { e: dot(base.e, 'len'), t: U32, stable: base.stable };
    }
    if (bt.k === 'class') {
      const f = this.fields(bt.decl).find((x) => x.name === name);
      const acc = field(base.e, cIdent(name));
      if (f?.storage.k === 'array') return { e: acc, t: { k: 'array', len: f.storage.len }, stable: base.stable };
      if (f?.storage.k === 'object' && f.type.k === 'class') return { e: addressOf(acc), t: { k: 'ptr', name: f.type.name }, stable: base.stable };
      return { e: acc, t: f ? fromSpelling(this.ctype(f.type)) : U32, stable: false };
    }
    return { e: dot(base.e, cIdent(name)), t: U32, stable: false };
  }

  /** `b[i]` in C for an array, a view or a table. */
  protected indexC(base: CExpr, idx: CExpr): CNode {
    const i = idx.lit !== undefined ? lit(idx.lit) : idx.e;
    if (base.t.k === 'bytes') return index(dot(base.e, 'ptr'), i);
    return index(base.e, i);
  }

  protected binary(e: ts.BinaryExpression, out: CStmt[], depth: number): CExpr {
    const op = e.operatorToken.kind;
    if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken) {
      const a = this.expr(e.left, out, depth);
      const bp: CStmt[] = [];
      const b = this.expr(e.right, bp, depth + 1);
      const cop = op === ts.SyntaxKind.AmpersandAmpersandToken ? '&&' : '||';
      // A constant left side decides whether JS evaluates the right side at all.
      const av = boolValue(a.e);
      if (av !== undefined) {
        const decided = cop === '&&' ? !av : av;
        if (!decided) {
          out.push(...bp);
          return b;
        }
        if (isConstant(b.e) && bp.length === 0) return this.constBool(av);
      }
      // `x != 0 || x < 4` on one operand: clang's -Wtautological-overlap-compare; fold it.
      if (bp.length === 0 && a.cmp && b.cmp && sameNode(a.cmp.x, b.cmp.x)) {
        const { lo, hi } = a.cmp;
        const ca = a.cmp;
        const cb = b.cmp;
        const values = cmpCandidates([lo, hi], [ca.c, cb.c]).map((v) =>
          cop === '&&' ? evalCmp(ca.op, v, ca.c) && evalCmp(cb.op, v, cb.c) : evalCmp(ca.op, v, ca.c) || evalCmp(cb.op, v, cb.c));
        if (values.every((v) => v === values[0])) return this.constBool(values[0], ca.x);
      }
      if (bp.length === 0) return { e: binary(cop, a.e, b.e), t: BOOL, stable: a.stable && b.stable };
      // The right side has statements: evaluate it only when JS would.
      const tmp = this.tmp();
      out.push(decl('bool', tmp, a.e));
      out.push(ifStmt(cop === '&&' ? cname(tmp) : unary('!', cname(tmp)), [...bp, exprStmt(assign(cname(tmp), b.e))]));
      return { e: cname(tmp), t: BOOL, stable: true };
    }
    const leftPre: CStmt[] = [];
    let a = this.expr(e.left, leftPre, depth);
    const rightPre: CStmt[] = [];
    const b = this.expr(e.right, rightPre, depth);
    out.push(...leftPre);
    if ((rightPre.length || (this.mayPanic(e.left) && this.mayPanic(e.right))) && !a.stable) a = this.spill(a, out, depth);
    out.push(...rightPre);
    const stable = a.stable && b.stable;
    const fb = floatBits(this.sema.exprType(e.left)) ?? floatBits(this.sema.exprType(e.right));
    const fop = FLOAT_BINARY[op];
    if (fb !== undefined && op === ts.SyntaxKind.PercentToken) {
      // JavaScript's % of two doubles is exact (n - d * q, q truncated), as C's fmod; the
      // remainder of two f32 values is exact in f32, so fmodf is f32(a % b).
      return { e: ccall(fb === 32 ? 'fmodf' : 'fmod', this.flt(a, fb), this.flt(b, fb)), t: fb === 32 ? F32 : F64, stable: false };
    }
    if (fb !== undefined && fop) {
      // IEEE operations in the operands' own type (the checker allows no mix): C's float
      // arithmetic is Node's once f32(...) rounds the result; comparisons are false on NaN in both.
      const cmp = fop.length === 2 || fop === '<' || fop === '>';
      const fa = this.flt(a, fb);
      let fbn = this.flt(b, fb);
      // gcc 12 folds `0.0 - x` to `-x` when it can see that x is never -0 (an integer converted,
      // a fabs), even at -O0 and from a `static const double Z = 0.0`: wrong for x = +0, where
      // 0 - 0 is +0 (test/diff/regressions/fuzz-zero-minus.ts). A zero-valued minuend meets the
      // subtrahend only through a temporary, which gcc does not see into.
      if (fop === '-' && mayBeZeroConstant(fa) && fbn.k !== 'name' && fbn.k !== 'lit') {
        const t = this.tmp();
        out.push(decl(fb === 32 ? 'float' : 'double', t, fbn));
        fbn = cname(t);
      }
      return { e: binary(fop, fa, fbn), t: cmp ? BOOL : fb === 32 ? F32 : F64, stable };
    }
    // Two constants: fold in JS semantics (C compilers warn on e.g. `10u ^ 3u` and `(36u & 7u) == 1u`).
    if (a.lit !== undefined && b.lit !== undefined) {
      const v = foldBinary(op, a.lit, b.lit);
      if (v !== undefined) return { e: lit(v), t: LIT, lit: v, stable: true };
    }
    switch (op) {
      case ts.SyntaxKind.EqualsEqualsEqualsToken: return this.compare('==', a, b, e, stable);
      case ts.SyntaxKind.ExclamationEqualsEqualsToken: return this.compare('!=', a, b, e, stable);
      case ts.SyntaxKind.LessThanToken: return this.compare('<', a, b, e, stable);
      case ts.SyntaxKind.LessThanEqualsToken: return this.compare('<=', a, b, e, stable);
      case ts.SyntaxKind.GreaterThanToken: return this.compare('>', a, b, e, stable);
      case ts.SyntaxKind.GreaterThanEqualsToken: return this.compare('>=', a, b, e, stable);
      case ts.SyntaxKind.PlusToken: return { e: this.u32op('+', a, b), t: U32, stable, range: arithRange('+', a, b) };
      case ts.SyntaxKind.MinusToken: return { e: this.u32op('-', a, b), t: U32, stable, range: arithRange('-', a, b) };
      case ts.SyntaxKind.AsteriskToken: {
        // `x * 2^k` is `x << k` mod 2^32: its low k bits are known zeros, which gcc sees too
        // (`(uint8_t)(x * 2147483648u) > y` is always false: -Wtype-limits).
        const k = [a, b].map((o) => powerOfTwo(o.lit)).find((v) => v !== undefined);
        const x = bitsOf(a.lit !== undefined && powerOfTwo(a.lit) === k ? b : a);
        const bits = k === undefined ? undefined : { ones: (x.ones << k) >>> 0, zeros: ((x.zeros << k) | ((2 ** k) - 1)) >>> 0 };
        return { e: this.u32op('*', a, b), t: U32, stable, range: arithRange('*', a, b), bits };
      }
      case ts.SyntaxKind.AmpersandToken: {
        const [x, y] = [bitsOf(a), bitsOf(b)];
        return { e: this.u32op('&', a, b), t: U32, stable, range: bitRange('&', a, b), bits: { ones: (x.ones & y.ones) >>> 0, zeros: (x.zeros | y.zeros) >>> 0 } };
      }
      case ts.SyntaxKind.BarToken: {
        const [x, y] = [bitsOf(a), bitsOf(b)];
        return { e: this.u32op('|', a, b), t: U32, stable, range: bitRange('|', a, b), bits: { ones: (x.ones | y.ones) >>> 0, zeros: (x.zeros & y.zeros) >>> 0 } };
      }
      case ts.SyntaxKind.CaretToken: return { e: this.u32op('^', a, b), t: U32, stable, range: bitRange('^', a, b) };
      case ts.SyntaxKind.LessThanLessThanToken: {
        const n = b.lit !== undefined ? b.lit & 31 : undefined;
        const x = bitsOf(a);
        const bits = n === undefined ? undefined : { ones: (x.ones << n) >>> 0, zeros: ((x.zeros << n) | ((1 << n) - 1)) >>> 0 };
        return { e: binary('<<', this.u32(a), this.shiftCount(b)), t: U32, stable, bits };
      }
      case ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken: {
        const n = b.lit !== undefined ? b.lit & 31 : undefined;
        const x = bitsOf(a);
        const bits = n === undefined ? undefined : { ones: x.ones >>> n, zeros: ((x.zeros >>> n) | ~(0xffffffff >>> n)) >>> 0 };
        return { e: binary('>>', this.u32(a), this.shiftCount(b)), t: U32, stable, bits };
      }
      case ts.SyntaxKind.GreaterThanGreaterThanToken: return { e: ccall('fw_sar32', this.i32(a), this.shiftCount(b)), t: I32, stable };
    }
    throw new LoweringError(e, `operator ${e.operatorToken.getText(this.sf)}`);
  }

  /** A float operand in the type of `bits`: a literal spelled exactly in it (rounded for f32(lit),
   * checked exact elsewhere), a value of the other width converted (f64(x) of an f32 is exact). */
  protected flt(x: CExpr, bits: 32 | 64): CNode {
    const ct = bits === 32 ? 'float' : 'double';
    if (x.lit !== undefined) return { k: 'lit', value: bits === 32 ? Math.fround(x.lit) : x.lit, t: fromSpelling(ct) };
    if (x.t.k === 'float' && x.t.name === ct) return x.e;
    return cast(ct, x.e);
  }

  /** `a op b` computed in uint32_t. */
  protected u32op(op: BinaryOp, a: CExpr, b: CExpr): CNode {
    return binary(op, this.u32(a), this.u32(b));
  }

  protected shiftCount(b: CExpr): CNode {
    if (b.lit !== undefined) return lit((b.lit & 31) >>> 0, U32);
    return binary('&', this.u32(b), lit(31, U32));
  }

  /** `!x` (of a condition). */
  protected not(x: CNode): CNode {
    return unary('!', x);
  }

  /** A comparison with both operands in one signedness (the checker guarantees it). */
  /** A comparison whose value is known: gcc and clang reject the tautology under -Werror
   * (-Wtype-limits, -Wtautological-*), so C gets the constant, still reading the operand. */
  protected constBool(v: boolean, ...keep: CNode[]): CExpr {
    if (keep.length === 0) return { e: boolLit(v), t: BOOL, stable: true, known: v };
    return { e: comma(...keep.map((k) => cast('void', k)), boolLit(v)), t: BOOL, stable: true, known: v };
  }

  protected enumRange(e: ts.Expression): [number, number] | undefined {
    const t = this.sema.exprType(e);
    return t.k === 'enum' ? this.rangeOf(t) : undefined;
  }

  protected rangeOf(t: FwType): [number, number] | undefined {
    if (t.k === 'int') return t.signed ? [-(2 ** (t.bits - 1)), 2 ** (t.bits - 1) - 1] : [0, 2 ** t.bits - 1];
    if (t.k === 'enum') return [0, t.ctype === 'uint8_t' ? 0xff : t.ctype === 'uint16_t' ? 0xffff : 0xffffffff];
    return undefined;
  }

  protected compare(op: string, a: CExpr, b: CExpr, e: ts.BinaryExpression, stable: boolean): CExpr {
    if (a.lit !== undefined && b.lit !== undefined) return this.constBool(evalCmp(op, a.lit, b.lit));
    if (a.lit === undefined && b.lit === undefined && sameNode(a.e, b.e)) return this.constBool(evalCmp(op, 0, 0), a.e);
    const keep = [a, b].filter((x) => x.lit === undefined).map((x) => x.e);
    // Decided by the ranges of the two sides (what gcc's -Wtype-limits and clang's
    // -Wtautological-* see): the constant, still reading the operands.
    const ra = this.valueRange(a, e.left);
    const rb = this.valueRange(b, e.right);
    if (ra && rb) {
      const v = intervalCmp(op, ra, rb);
      if (v !== undefined) return this.constBool(v, ...keep);
    }
    // `(x | 0x7f) == 0x80`: known bits contradict the constant (-Wtautological-bitwise-compare).
    if ((op === '==' || op === '!=') && (a.lit !== undefined) !== (b.lit !== undefined)) {
      const [x, c] = a.lit !== undefined ? [b, a.lit] : [a, b.lit!];
      if (x.bits && bitsConflict(x.bits, c)) return this.constBool(op === '!=', ...keep);
    }
    let cmp: CExpr['cmp'];
    const litLeft = a.lit !== undefined;
    const x = litLeft ? b : b.lit !== undefined ? a : undefined;
    const range = litLeft ? rb : ra;
    if (x && range) {
      const c = (litLeft ? a.lit : b.lit)!;
      cmp = { x: x.e, op: litLeft ? FLIP[op] : op, c, lo: range[0], hi: range[1] };
    }
    const r = this.compareC(op, a, b, stable);
    return cmp ? { ...r, cmp } : r;
  }

  /** The values an integer operand can take: its type, narrowed by a widening cast or known bits. */
  protected valueRange(x: CExpr, node: ts.Expression): [number, number] | undefined {
    if (x.lit !== undefined) return [x.lit, x.lit];
    const r = rangeOfC(x) ?? this.rangeOf(this.sema.exprType(node));
    if (!r || !x.bits || r[0] < 0) return r;
    return [Math.max(r[0], x.bits.ones), Math.min(r[1], (~x.bits.zeros) >>> 0)];
  }

  protected compareC(op: string, a: CExpr, b: CExpr, stable: boolean): CExpr {
    const signed = isSigned(a.t) || isSigned(b.t) || (a.lit !== undefined && b.lit !== undefined && (a.lit < 0 || b.lit < 0));
    const wide = isInt(a.t, 'uint32_t', 'int32_t') || isInt(b.t, 'uint32_t', 'int32_t');
    const side = (x: CExpr): CNode => {
      if (x.lit !== undefined) return this.litFor(x, signed ? 'int32_t' : 'uint32_t');
      if (x.t.k === 'bool' || x.t.k === 'ptr') return x.e;
      if (x.t.k !== 'int') return wide && !signed ? cast('uint32_t', x.e) : x.e; // enums
      if (wide && !isInt(x.t, 'uint32_t', 'int32_t')) return cast(signed ? 'int32_t' : 'uint32_t', x.e);
      return x.e;
    };
    return { e: binary(op as BinaryOp, side(a), side(b)), t: BOOL, stable };
  }

  /** The operand as uint32_t: intermediates are computed there (JS ring ops agree mod 2^32). */
  protected u32(x: CExpr): CNode {
    if (x.lit !== undefined) return this.litFor(x, 'uint32_t');
    if (isInt(x.t, 'uint32_t')) return x.e;
    if (isSigned(x.t)) return ccall('fw_u32', x.e);
    return cast('uint32_t', x.e);
  }

  protected i32(x: CExpr): CNode {
    if (x.lit !== undefined) return this.litFor(x, 'int32_t');
    if (isSigned(x.t)) return x.e;
    return ccall('fw_i32', this.u32(x));
  }

  /** A literal for a C type (printed with `u` when unsigned, INT32_MIN portably: emit/print.ts). */
  litFor(x: CExpr, ctype: string): CNode {
    if (x.lit === undefined) return x.e;
    const t = ctype === 'int32_t' ? fwI32(x.lit) : x.lit;
    return { k: 'lit', value: t, t: fromSpelling(ctype), written: x.litText, name: x.litName };
  }

  /** Evaluate x now into a temporary, so that later effects cannot change what JS already read. */
  protected spill(x: CExpr, out: CStmt[], depth: number): CExpr {
    if (x.stable) return x;
    const t = this.tmp();
    const ct = spell(x.t);
    out.push(decl(ct, t, this.bytesOf(x)));
    return { e: cname(t), t: fromSpelling(ct), stable: true };
  }

  /** A bytes(N) array as a view (`fw_view(a, N)`); any other value as it is. */
  protected bytesOf(x: CExpr): CNode {
    return x.t.k === 'array' ? ccall('fw_view', x.e, lit(x.t.len, U32)) : x.e;
  }

  /** Convert a lowered value to the C type of `t` (literal spelling, views, interface adapters). */
  coerce(x: CExpr, t: FwType): CNode {
    const ct = this.ctype(t);
    if (x.lit !== undefined) return this.litFor(x, t.k === 'enum' ? 'uint32_t' : ct);
    if (t.k === 'bytes') return this.bytesOf(x);
    if (t.k === 'iface' && x.t.k === 'ptr') return ccall(`${x.t.name}_as_${t.name}`, x.e);
    return x.e;
  }

  protected args(call: ts.CallLikeExpression, args: readonly ts.Expression[], out: CStmt[], depth: number): CNode[] {
    const sig = this.sema.checker.getResolvedSignature(call);
    const decl = sig?.getDeclaration();
    const ptypes = decl && !ts.isJSDocSignature(decl) ? decl.parameters.map((p) => this.sema.declType(p)) : [];
    return this.inOrder(args, out, depth).map((x, i) => this.coerce(x, ptypes[i] ?? { k: 'anyint' }));
  }

  /** Lower expressions in JS order; when a later one needs statements first (a hoisted call),
   * the earlier ones are spilled to temporaries so the call cannot change what they read. */
  protected inOrder(args: readonly ts.Expression[], out: CStmt[], depth: number): CExpr[] {
    const lowered: CExpr[] = [];
    for (let k = 0; k < args.length; k++) {
      const pre: CStmt[] = [];
      const x = this.expr(args[k], pre, depth);
      if (pre.length) {
        for (let i = 0; i < lowered.length; i++) lowered[i] = this.spill(lowered[i], out, depth);
        out.push(...pre);
      } else if (this.mayPanic(args[k])) {
        // Two arguments that can panic (with different codes) must panic in JS order.
        for (let i = 0; i < lowered.length; i++) if (this.mayPanic(args[i])) lowered[i] = this.spill(lowered[i], out, depth);
      }
      lowered.push(x);
    }
    return lowered;
  }

  /** Can evaluating e panic (a bounds check, a division by zero)? User calls are hoisted to
   * statements anyway; this is about what stays inside one C expression. */
  protected mayPanic(e: ts.Node): boolean {
    let found = false;
    const visit = (n: ts.Node): void => {
      if (found) return;
      if (ts.isCallExpression(n) && PANICKING.has(this.sema.preludeName(n.expression) ?? '')) found = true;
      else ts.forEachChild(n, visit);
    };
    visit(e);
    return found;
  }

  /** A call. Calls of FwTS functions nested in an expression go to a temporary (JS order). */
  protected call(e: ts.CallExpression, out: CStmt[], depth: number, statement: boolean): CExpr {
    const p = this.sema.preludeName(e.expression);
    if (p) return this.preludeCall(p, e, out, depth, statement);
    let text: CNode;
    const callee = e.expression;
    if (ts.isPropertyAccessExpression(callee)) {
      let recv = this.expr(callee.expression, out, depth);
      const rt = this.sema.exprType(callee.expression);
      const argPre: CStmt[] = [];
      const args = this.args(e, e.arguments, argPre, depth);
      if (argPre.length) recv = this.spill(recv, out, depth);
      out.push(...argPre);
      const mname = callee.name.text;
      if (rt.k === 'iface') {
        // The receiver is read twice (vt and self): it must be a plain variable or field path.
        const r = isPath(recv.e) ? recv : this.spill({ ...recv, stable: false }, out, depth);
        text = { k: 'call', f: { k: 'member', x: dot(r.e, 'vt'), name: cIdent(mname), arrow: true }, args: [dot(r.e, 'self'), ...args], slot: `${rt.name}.${mname}` };
        this.calls.add(`${rt.name}.${mname}`);
      } else {
        const cls = rt.k === 'class' ? rt.name : 'void';
        text = ccall(`${cls}_${mname}`, recv.e, ...args);
        this.calls.add(`${cls}_${mname}`);
      }
    } else {
      // JS reads the callee (`HANDLERS[cmd]`, a function variable) before the arguments.
      let f = this.expr(callee, out, depth);
      const argPre: CStmt[] = [];
      const args = this.args(e, e.arguments, argPre, depth);
      if (argPre.length) f = this.spill(f, out, depth);
      out.push(...argPre);
      // Not a function's name: a call through a function pointer (a table entry, a callback).
      const ft = this.sema.exprType(callee);
      const slot = f.t.k !== 'fn' && ft.k === 'fn' ? this.fnSlot(ft.decl.type as ts.FunctionTypeNode) : undefined;
      text = slot === undefined ? ccall(f.e, ...args) : { k: 'call', f: f.e, args, slot };
    }
    const rt = this.sema.exprType(e);
    if (statement) return { e: text, t: fromSpelling(this.ctype(rt)), stable: false };
    if (rt.k === 'void' || rt.k === 'never') return { e: text, t: VOID, stable: false };
    const tmp = this.tmp();
    const ct = this.ctype(rt);
    out.push(this.at(decl(ct, tmp, text), e));
    return { e: cname(tmp), t: fromSpelling(ct), stable: true };
  }

  protected preludeCall(p: string, e: ts.CallExpression, out: CStmt[], depth: number, statement: boolean): CExpr {
    if ((INT_NAMES as readonly string[]).includes(p)) return this.wrap(p as IntName, this.expr(e.arguments[0], out, depth), e.arguments[0]);
    if (p === 'f32' || p === 'f64') {
      // f64(x) of an integer or an f32 is exact; f32(x) rounds once, as Math.fround does.
      const x = this.expr(e.arguments[0], out, depth);
      const bits = p === 'f32' ? 32 : 64;
      return { e: this.flt(x, bits), t: bits === 32 ? F32 : F64, stable: x.stable || x.lit !== undefined };
    }
    const bytesOf = (x: CExpr): CNode => this.bytesOf(x);
    const idx = (x: CExpr): CNode => (x.lit !== undefined ? lit(x.lit) : x.e);
    // log's first argument is its constant message, not a value.
    const a = this.inOrder(p === 'log' ? e.arguments.slice(1) : e.arguments, out, depth);
    const stable = a.every((x) => x.stable);
    // All-constant arguments of a pure prelude function: fold with the prelude itself (the
    // reference semantics), unless it would panic (division by zero stays a run-time panic).
    const ff = FLOAT_FUNCTIONS[p];
    if (ff) {
      const args = a.map((x, i) => (ff.args[i] === 'u32' ? this.u32(x) : this.flt(x, ff.args[i] === 'f32' ? 32 : 64)));
      return { e: ccall(`fw_${p}`, ...args), t: ff.ret, stable };
    }
    const pure = PURE_PRELUDE[p];
    if (pure && a.every((x) => x.lit !== undefined) && !((p.startsWith('div') || p.startsWith('mod')) && a[1].lit === 0)) {
      const v = pure(...a.map((x) => x.lit!));
      return { e: lit(v), t: LIT, lit: v, stable: true };
    }
    switch (p) {
      case 'mul32': return { e: binary('*', this.u32(a[0]), this.u32(a[1])), t: U32, stable };
      case 'imul32': return { e: ccall('fw_imul32', this.i32(a[0]), this.i32(a[1])), t: I32, stable };
      case 'clz32': return { e: ccall('fw_clz32', this.u32(a[0])), t: U32, stable };
      // Division and views can panic: an effect, so they are never moved past a later call.
      case 'divu': return { e: ccall('fw_divu32', this.u32(a[0]), this.u32(a[1])), t: U32, stable: false };
      case 'modu': return { e: ccall('fw_modu32', this.u32(a[0]), this.u32(a[1])), t: U32, stable: false };
      case 'divi': return { e: ccall('fw_divi32', this.i32(a[0]), this.i32(a[1])), t: I32, stable: false };
      case 'modi': return { e: ccall('fw_modi32', this.i32(a[0]), this.i32(a[1])), t: I32, stable: false };
      case 'view': return { e: ccall('fw_view_of', bytesOf(a[0]), idx(a[1]), idx(a[2])), t: BYTES, stable: false };
      case 'rd8': return { e: ccall('fw_rd8', bytesOf(a[0]), idx(a[1])), t: U8, stable: false };
      case 'rd16le': case 'rd16be': return { e: ccall(`fw_${p}`, bytesOf(a[0]), idx(a[1])), t: U16, stable: false };
      case 'rd32le': case 'rd32be': return { e: ccall(`fw_${p}`, bytesOf(a[0]), idx(a[1])), t: U32, stable: false };
      case 'wr8': case 'wr16le': case 'wr16be': case 'wr32le': case 'wr32be': {
        const vt = p === 'wr8' ? 'uint8_t' : p.startsWith('wr16') ? 'uint16_t' : 'uint32_t';
        return this.effect(ccall(`fw_${p}`, bytesOf(a[0]), idx(a[1]), this.litFor(a[2], vt)), out, e, statement);
      }
      case 'copy': return this.effect(ccall('fw_copy', bytesOf(a[0]), idx(a[1]), bytesOf(a[2])), out, e, statement);
      case 'fill': return this.effect(ccall('fw_fill', bytesOf(a[0]), this.litFor(a[1], 'uint8_t'), idx(a[2]), idx(a[3])), out, e, statement);
      case 'panic': return this.effect(ccall('fw_panic', this.u32(a[0])), out, e, statement);
      case 'log': {
        const msg: CNode = { k: 'str', value: (e.arguments[0] as ts.StringLiteral).text };
        const vals = a.map((x) => this.i32(x));
        if (vals.length === 0) return this.effect(ccall('fw_platform_log', msg, cast('const int32_t *', lit(0)), lit(0, U32)), out, e, statement);
        out.push(this.at(block([
          { k: 'decl', type: 'const int32_t', name: 'fw_log_values', dims: String(vals.length), list: vals },
          exprStmt(ccall('fw_platform_log', msg, cname('fw_log_values'), lit(vals.length, U32))),
        ]), e));
        return { e: NONE, t: VOID, stable: true };
      }
    }
    throw new LoweringError(e, `prelude function ${p}`);
  }

  protected effect(x: CNode, out: CStmt[], e: ts.Node, statement: boolean): CExpr {
    if (statement) return { e: x, t: VOID, stable: false };
    out.push(this.at(exprStmt(x), e));
    return { e: NONE, t: VOID, stable: true };
  }

  /** u8(x) ... i32(x): the C conversion that matches the JS wrap. */
  protected wrap(name: IntName, x: CExpr, arg?: ts.Expression): CExpr {
    const r = this.wrapC(name, x);
    // A widening wrap keeps the operand's range: the C compilers see through the cast (and warn on
    // comparisons that the narrow range decides). An enum's range is its C type's (u32(e) of a
    // uint8_t enum compared with 65535: gcc -Wtype-limits).
    const inner = rangeOfC(x) ?? (arg && x.lit === undefined ? this.enumRange(arg) : undefined);
    const outer = r.t.k === 'int' ? rangeOfCtype(r.t.name) : undefined;
    let out = r;
    if (inner && outer && inner[0] >= outer[0] && inner[1] <= outer[1]) out = { ...out, range: inner };
    if (name[0] === 'u' && r.lit === undefined) {
      const mask = name === 'u8' ? 0xff : name === 'u16' ? 0xffff : 0xffffffff;
      const b = bitsOf(x);
      out = { ...out, bits: { ones: (b.ones & mask) >>> 0, zeros: (b.zeros | ~mask) >>> 0 } };
    }
    return out;
  }

  protected wrapC(name: IntName, x: CExpr): CExpr {
    const ct = ctypeOfInt(name);
    const cti = fromSpelling(ct);
    if (x.t.k === 'float') {
      // JS ToUint32 / ToInt32 (truncate, wrap mod 2^32, NaN and Infinity to 0), then the width.
      const f = x.t.name === 'float' ? 'fw_f32' : 'fw_f64';
      if (name === 'i32') return { e: ccall(`${f}_i32`, x.e), t: cti, stable: x.stable };
      const u = ccall(`${f}_u32`, x.e);
      if (name === 'u32') return { e: u, t: cti, stable: x.stable };
      return { e: name[0] === 'u' ? cast(ct, u) : ccall(`fw_${name}`, u), t: cti, stable: x.stable };
    }
    if (x.lit !== undefined) {
      const v = wrapJs(name, x.lit);
      const same = v === x.lit;
      const y = { ...x, lit: v, litText: same ? x.litText : undefined, litName: same ? x.litName : undefined };
      return { ...y, e: this.litFor(y, ct), t: cti, stable: true };
    }
    if (isInt(x.t, ct as CInt)) return x;
    if (name === 'u32' && isSigned(x.t)) return { e: this.u32(x), t: cti, stable: x.stable };
    // Unsigned targets: the C conversion is the JS wrap. A widening to a signed type is exact.
    if (name[0] === 'u') return { e: cast(ct, x.e), t: cti, stable: x.stable };
    if (name === 'i32') {
      if (isInt(x.t, 'int8_t', 'int16_t')) return { e: cast('int32_t', x.e), t: cti, stable: x.stable };
      return { e: ccall('fw_i32', this.u32(x)), t: cti, stable: x.stable };
    }
    if ((name === 'i16' && isInt(x.t, 'int8_t'))) return { e: cast('int16_t', x.e), t: cti, stable: x.stable };
    return { e: ccall(`fw_${name}`, this.u32(x)), t: cti, stable: x.stable };
  }
}

/** A +0 float literal, or a constant the C compiler may fold to one (a const global). */
function mayBeZeroConstant(n: CNode): boolean {
  if (n.k === 'lit') return n.t.k === 'float' && Object.is(n.value, 0);
  return n.k === 'name' && n.constant === true;
}
