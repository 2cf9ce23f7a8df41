// FwTS types of declarations and expressions, shared by the checker and the lowering.
// TypeScript's checker knows the branded widths (u8 ... i32) through aliasSymbol; this module adds
// what TS does not track: the bit bound of unwrapped integer intermediates, and what each type is
// in C (int width, buffer storage, struct, interface, enum, function pointer).
import { ts, PRELUDE, PRELUDE_FLOAT } from './program.ts';
import * as path from 'node:path';

export type IntName = 'u8' | 'u16' | 'u32' | 'i8' | 'i16' | 'i32';
export const INT_NAMES: readonly IntName[] = ['u8', 'u16', 'u32', 'i8', 'i16', 'i32'];

export type FwType =
  | { k: 'int'; name: IntName; bits: number; signed: boolean }
  /** An unwrapped integer intermediate: exact in JS, computed mod 2^32 in C. `mag`: |v| < 2^mag. */
  | { k: 'num'; mag: number; ctype: 'uint32_t' | 'int32_t' }
  | { k: 'lit'; value: number }
  /** f32 or f64 (firmware/lib/float.ts): a value already rounded to its type. */
  | { k: 'float'; bits: 32 | 64 }
  /** The result of an f32 `+ - * /`, not yet rounded: exact in Node's double, rounded in C's
   * float. It must go through f32(...) before it is used (FW2017). */
  | { k: 'fnum' }
  | { k: 'anyint' }
  | { k: 'bool' }
  | { k: 'void' }
  | { k: 'never' }
  | { k: 'bytes' }
  | { k: 'class'; decl: ts.ClassDeclaration; name: string }
  | { k: 'iface'; decl: ts.InterfaceDeclaration; name: string }
  | { k: 'enum'; name: string; ctype: string; decl: ts.Node }
  | { k: 'fn'; name: string; decl: ts.TypeAliasDeclaration }
  | { k: 'table'; elem: FwType; length: number }
  | { k: 'bad'; text: string };

export function intType(name: IntName): FwType {
  return { k: 'int', name, bits: Number(name.slice(1)), signed: name[0] === 'i' };
}

/** Bits of magnitude of a value of this type (|v| < 2^mag). */
export function magOf(t: FwType): number {
  switch (t.k) {
    case 'int': return t.bits;
    case 'num': return t.mag;
    case 'lit': return Math.abs(t.value) < 1 ? 0 : Math.floor(Math.log2(Math.abs(t.value))) + 1;
    case 'enum': return 32;
    default: return 64;
  }
}

export function isIntLike(t: FwType): boolean {
  return t.k === 'int' || t.k === 'num' || t.k === 'lit' || t.k === 'enum' || t.k === 'anyint';
}

/** A float value or an unwrapped f32 operation. */
export function isFloaty(t: FwType): t is Extract<FwType, { k: 'float' } | { k: 'fnum' }> {
  return t.k === 'float' || t.k === 'fnum';
}

/** The width of a float value (an unwrapped f32 operation is 32). */
export function floatBits(t: FwType): 32 | 64 | undefined {
  return t.k === 'float' ? t.bits : t.k === 'fnum' ? 32 : undefined;
}

/** Is the number exact in the float type (f64: any finite JS number; f32: unchanged by fround)? */
export function exactIn(v: number, bits: 32 | 64): boolean {
  return Number.isFinite(v) && (bits === 64 || Math.fround(v) === v);
}

export function ctypeOfInt(name: IntName): string {
  return (name[0] === 'i' ? 'int' : 'uint') + name.slice(1) + '_t';
}

export function describe(t: FwType): string {
  switch (t.k) {
    case 'int': return t.name;
    case 'num': return 'an unwrapped intermediate';
    case 'lit': return 'literal ' + t.value;
    case 'float': return `f${t.bits}`;
    case 'fnum': return 'an unwrapped f32 operation';
    case 'class': case 'iface': case 'enum': case 'fn': return t.name;
    case 'table': return 'table';
    case 'bad': return t.text;
    default: return t.k;
  }
}

/** C99's standard headers and the runtime's own: a module may not shadow them (see modulePrefix). */
const RESERVED_HEADERS = new Set(
  ('assert complex ctype errno fenv float inttypes iso646 limits locale math setjmp signal stdarg stdbool ' +
    'stddef stdint stdio stdlib string tgmath time wchar wctype fw_rt').split(' '),
);

const C_KEYWORDS = new Set(
  ('auto break case char const continue default do double else enum extern float for goto if inline int long ' +
    'register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while ' +
    '_Bool _Complex _Imaginary bool true false main self').split(' '),
);

/** What fw_rt.h's <math.h> and <float.h> declare or define (C99): a user's `sin`, `NAN` or
 * `FLT_MAX` would clash with a library function or be expanded as a macro. */
const MATH_NAMES = new Set(
  ('acos asin atan atan2 cos sin tan acosh asinh atanh cosh sinh tanh exp exp2 expm1 frexp ilogb ldexp log log10 ' +
    'log1p log2 logb modf scalbn scalbln cbrt fabs hypot pow sqrt erf erfc lgamma tgamma ceil floor nearbyint rint ' +
    'lrint llrint round lround llround trunc fmod remainder remquo copysign nan nextafter nexttoward fdim fmax fmin fma ' +
    'fpclassify isfinite isinf isnan isnormal signbit isgreater isgreaterequal isless islessequal islessgreater ' +
    'isunordered float_t double_t HUGE_VAL HUGE_VALF HUGE_VALL INFINITY NAN FP_INFINITE FP_NAN FP_NORMAL FP_SUBNORMAL ' +
    'FP_ZERO FP_FAST_FMA FP_FAST_FMAF FP_FAST_FMAL FP_ILOGB0 FP_ILOGBNAN MATH_ERRNO MATH_ERREXCEPT math_errhandling ' +
    'FLT_RADIX FLT_ROUNDS FLT_EVAL_METHOD DECIMAL_DIG FLT_MANT_DIG DBL_MANT_DIG LDBL_MANT_DIG FLT_DIG DBL_DIG LDBL_DIG ' +
    'FLT_MIN_EXP DBL_MIN_EXP LDBL_MIN_EXP FLT_MIN_10_EXP DBL_MIN_10_EXP LDBL_MIN_10_EXP FLT_MAX_EXP DBL_MAX_EXP ' +
    'LDBL_MAX_EXP FLT_MAX_10_EXP DBL_MAX_10_EXP LDBL_MAX_10_EXP FLT_MAX DBL_MAX LDBL_MAX FLT_EPSILON DBL_EPSILON ' +
    'LDBL_EPSILON FLT_MIN DBL_MIN LDBL_MIN').split(' '),
);

/** A TS identifier as a C identifier (C keywords and <math.h>/<float.h> names get a trailing
 * underscore). */
export function cIdent(name: string): string {
  if (MATH_NAMES.has(name) || MATH_NAMES.has(name.replace(/[fl]$/, ''))) return name + '_';
  return C_KEYWORDS.has(name) || name.startsWith('fw_') ? name + '_' : name;
}

export class Sema {
  readonly checker: ts.TypeChecker;
  readonly program: ts.Program;

  constructor(program: ts.Program) {
    this.program = program;
    this.checker = program.getTypeChecker();
  }

  /** prelude.ts or the float.ts it re-exports: fw_rt.h stands for both. */
  isPrelude(sf: ts.SourceFile): boolean {
    const f = path.resolve(sf.fileName);
    return f === PRELUDE || f === PRELUDE_FLOAT;
  }

  /** C prefix of a module: its file name, made a C identifier. */
  modulePrefix(sf: ts.SourceFile): string {
    const name = path.basename(sf.fileName, '.ts').replace(/[^A-Za-z0-9_]/g, '_');
    if (/^[0-9]/.test(name)) return `m${name}`; // a C identifier cannot start with a digit
    // A module's header is <prefix>.h beside fw_rt.h: app/math.ts as math.h would hide the C
    // library's <math.h> (fw_rt.h includes it) from every file of the build.
    return RESERVED_HEADERS.has(name) ? `${name}_mod` : name;
  }

  /** The declaration an identifier (or property name) refers to, through import aliases. */
  declOf(node: ts.Node): ts.Declaration | undefined {
    let sym = this.checker.getSymbolAtLocation(node);
    if (sym && sym.flags & ts.SymbolFlags.Alias) sym = this.checker.getAliasedSymbol(sym);
    return sym?.valueDeclaration ?? sym?.declarations?.[0];
  }

  /** The prelude export a callee refers to (u8, rd8, panic, ...), if it is one. */
  preludeName(callee: ts.Expression): string | undefined {
    if (!ts.isIdentifier(callee)) return undefined;
    const d = this.declOf(callee);
    if (!d || !this.isPrelude(d.getSourceFile())) return undefined;
    const n = (d as ts.NamedDeclaration).name;
    return n && ts.isIdentifier(n) ? n.text : undefined;
  }

  /** Is this declaration marked `/** @extern *\/` (provided by the platform in C)? */
  isExtern(d: ts.Node): boolean {
    return ts.getJSDocTags(d).some((t) => t.tagName.text === 'extern');
  }

  /** Is this declaration marked `/** @replaceable *\/` (a build may link another module's C, of
   * the same name, in place of this module's: its init must always be called)? */
  isReplaceable(d: ts.Node): boolean {
    return ts.getJSDocTags(d).some((t) => t.tagName.text === 'replaceable');
  }

  /** Is this declaration marked `/** @inline *\/` (a hint: emit it `static inline` in the header)? */
  isInline(d: ts.Node): boolean {
    return ts.getJSDocTags(d).some((t) => t.tagName.text === 'inline');
  }

  /** The `as const` object behind an enum reference like Err (the value). */
  enumObject(d: ts.Declaration | undefined): ts.VariableDeclaration | undefined {
    if (!d || !ts.isVariableDeclaration(d) || !d.initializer) return undefined;
    const init = d.initializer;
    if (ts.isAsExpression(init) && ts.isObjectLiteralExpression(init.expression) && isConstTypeRef(init.type)) return d;
    return undefined;
  }

  /** The C type of an enum: the narrowest unsigned type holding all its values. */
  enumCType(obj: ts.VariableDeclaration): string {
    let max = 0;
    for (const v of enumMembers(obj).values()) max = Math.max(max, v);
    return max <= 0xff ? 'uint8_t' : max <= 0xffff ? 'uint16_t' : 'uint32_t';
  }

  /** FwType of a TS type (as declared or inferred). */
  fromType(t: ts.Type, where?: ts.Node): FwType {
    const alias = t.aliasSymbol;
    if (alias) {
      const ad = alias.declarations?.find(ts.isTypeAliasDeclaration) ?? alias.declarations?.[0];
      const name = alias.name;
      if (ad && this.isPrelude(ad.getSourceFile())) {
        if ((INT_NAMES as readonly string[]).includes(name)) return intType(name as IntName);
        if (name === 'Int') return { k: 'anyint' };
        if (name === 'bool') return { k: 'bool' };
        if (name === 'f32' || name === 'f64') return { k: 'float', bits: name === 'f32' ? 32 : 64 };
      }
      if (ad && ts.isTypeAliasDeclaration(ad)) {
        if (ts.isFunctionTypeNode(ad.type)) return { k: 'fn', name, decl: ad };
        const obj = this.enumOfAlias(ad);
        if (obj) return { k: 'enum', name, ctype: this.enumCType(obj), decl: obj };
      }
    }
    if (t.flags & ts.TypeFlags.BooleanLike) return { k: 'bool' };
    if (t.flags & ts.TypeFlags.Void) return { k: 'void' };
    if (t.flags & ts.TypeFlags.Never) return { k: 'never' };
    if (t.flags & ts.TypeFlags.NumberLiteral) {
      // A member of an enum (Err.Ok) has a literal type; find its enum through the declaration.
      return { k: 'lit', value: (t as ts.NumberLiteralType).value };
    }
    if (t.flags & ts.TypeFlags.Number) return { k: 'num', mag: 53, ctype: 'uint32_t' };
    if (t.isUnion() && t.types.every((m) => m.flags & ts.TypeFlags.NumberLiteral)) {
      return { k: 'num', mag: 53, ctype: 'uint32_t' };
    }
    const sym = t.getSymbol();
    const d = sym?.declarations?.[0];
    if (sym && d) {
      if (ts.isInterfaceDeclaration(d) && this.isPrelude(d.getSourceFile()) && sym.name === 'Bytes') return { k: 'bytes' };
      if (ts.isClassDeclaration(d) && d.name) return { k: 'class', decl: d, name: d.name.text };
      if (ts.isInterfaceDeclaration(d)) {
        if (d.name.text === 'ReadonlyArray' || d.name.text === 'Array') {
          const args = this.checker.getTypeArguments(t as ts.TypeReference);
          const elem = args[0] ? this.fromType(args[0], where) : { k: 'bad' as const, text: 'array' };
          return { k: 'table', elem, length: -1 };
        }
        if (!d.getSourceFile().isDeclarationFile) return { k: 'iface', decl: d, name: d.name.text };
      }
      if (ts.isTypeAliasDeclaration(d) && ts.isFunctionTypeNode(d.type)) return { k: 'fn', name: d.name.text, decl: d };
    }
    if (this.checker.isTupleType(t)) {
      const args = this.checker.getTypeArguments(t as ts.TypeReference);
      let max = 0;
      let ok = true;
      for (const a of args) {
        if (a.flags & ts.TypeFlags.NumberLiteral) max = Math.max(max, (a as ts.NumberLiteralType).value);
        else ok = false;
      }
      if (ok) return { k: 'table', elem: intType(max <= 0xff ? 'u8' : max <= 0xffff ? 'u16' : 'u32'), length: args.length };
    }
    return { k: 'bad', text: this.checker.typeToString(t) };
  }

  /** `type Err = (typeof Err)[keyof typeof Err]` -> the Err object. */
  enumOfAlias(ad: ts.TypeAliasDeclaration): ts.VariableDeclaration | undefined {
    const ty = ad.type;
    if (!ts.isIndexedAccessTypeNode(ty)) return undefined;
    let obj = ty.objectType;
    while (ts.isParenthesizedTypeNode(obj)) obj = obj.type;
    if (!ts.isTypeQueryNode(obj)) return undefined;
    const en = obj.exprName;
    if (!ts.isIdentifier(en)) return undefined;
    return this.enumObject(this.declOf(en));
  }

  /** FwType of a declaration (variable, parameter, property) from its annotation or inference. */
  declType(d: ts.Declaration): FwType {
    if ((ts.isVariableDeclaration(d) || ts.isPropertyDeclaration(d)) && d.initializer && !(d as ts.VariableDeclaration).type) {
      const init = d.initializer;
      if (ts.isCallExpression(init) && this.preludeName(init.expression) === 'bytes') return { k: 'bytes' };
      if (ts.isNewExpression(init)) return this.fromType(this.checker.getTypeAtLocation(init), d);
    }
    const t = this.checker.getTypeAtLocation(d);
    // A table declared `readonly u16[]` gets its length from the initializer.
    const ft = this.fromType(t, d);
    if (ft.k === 'table' && ft.length < 0 && ts.isVariableDeclaration(d) && d.initializer) {
      const init = stripAsConst(d.initializer);
      if (ts.isArrayLiteralExpression(init)) return { ...ft, length: init.elements.length };
    }
    return ft;
  }

  /** FwType of an expression, with bit bounds for intermediates. */
  exprType(e: ts.Expression): FwType {
    switch (e.kind) {
      case ts.SyntaxKind.NumericLiteral:
        return { k: 'lit', value: Number((e as ts.NumericLiteral).text) };
      case ts.SyntaxKind.TrueKeyword:
      case ts.SyntaxKind.FalseKeyword:
        return { k: 'bool' };
      case ts.SyntaxKind.ParenthesizedExpression:
        return this.exprType((e as ts.ParenthesizedExpression).expression);
    }
    if (ts.isPrefixUnaryExpression(e)) {
      const o = this.exprType(e.operand);
      switch (e.operator) {
        case ts.SyntaxKind.ExclamationToken: return { k: 'bool' };
        case ts.SyntaxKind.MinusToken:
          if (o.k === 'lit') return { k: 'lit', value: -o.value };
          if (isFloaty(o)) return o; // negation is exact
          return { k: 'num', mag: magOf(o), ctype: 'uint32_t' };
        case ts.SyntaxKind.PlusToken: return o;
        case ts.SyntaxKind.TildeToken: return { k: 'num', mag: 32, ctype: 'uint32_t' };
        default: return { k: 'num', mag: magOf(o) + 1, ctype: 'uint32_t' };
      }
    }
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === ts.SyntaxKind.EqualsToken) return this.exprType(e.right);
      switch (op) {
        case ts.SyntaxKind.EqualsEqualsEqualsToken: case ts.SyntaxKind.ExclamationEqualsEqualsToken:
        case ts.SyntaxKind.EqualsEqualsToken: case ts.SyntaxKind.ExclamationEqualsToken:
        case ts.SyntaxKind.LessThanToken: case ts.SyntaxKind.LessThanEqualsToken:
        case ts.SyntaxKind.GreaterThanToken: case ts.SyntaxKind.GreaterThanEqualsToken:
        case ts.SyntaxKind.AmpersandAmpersandToken: case ts.SyntaxKind.BarBarToken:
          return { k: 'bool' };
      }
      const a = this.exprType(e.left);
      const b = this.exprType(e.right);
      if (a.k === 'lit' && b.k === 'lit') {
        const v = foldBinary(op, a.value, b.value);
        if (v !== undefined) return { k: 'lit', value: v };
      }
      const fb = floatBits(a) ?? floatBits(b);
      if (fb !== undefined && isFloatArith(op)) {
        // f64 arithmetic is Node's own; an f32 operation is exact only once rounded (f32(...)).
        return fb === 64 && floatBits(a) !== 32 && floatBits(b) !== 32 ? { k: 'float', bits: 64 } : { k: 'fnum' };
      }
      switch (op) {
        case ts.SyntaxKind.PlusToken: case ts.SyntaxKind.MinusToken:
          return { k: 'num', mag: Math.max(magOf(a), magOf(b)) + 1, ctype: 'uint32_t' };
        case ts.SyntaxKind.AsteriskToken:
          return { k: 'num', mag: magOf(a) + magOf(b), ctype: 'uint32_t' };
        case ts.SyntaxKind.AmpersandToken: case ts.SyntaxKind.BarToken: case ts.SyntaxKind.CaretToken:
        case ts.SyntaxKind.LessThanLessThanToken:
          return { k: 'num', mag: 32, ctype: 'uint32_t' };
        case ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken:
          return { k: 'num', mag: 32, ctype: 'uint32_t' };
        case ts.SyntaxKind.GreaterThanGreaterThanToken:
          return { k: 'num', mag: 32, ctype: 'int32_t' };
      }
      // `/ % **` are rejected by the checker (FW2005); type them like their operands.
      return { k: 'num', mag: Math.max(magOf(a), magOf(b)), ctype: 'uint32_t' };
    }
    if (ts.isConditionalExpression(e)) return this.conditionalType(e);
    if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression)) {
      const obj = this.enumObject(this.declOf(e.expression));
      if (obj) {
        const alias = this.enumAliasName(obj);
        return { k: 'enum', name: alias, ctype: this.enumCType(obj), decl: obj };
      }
    }
    if (ts.isPropertyAccessExpression(e) && e.name.text === 'length') {
      const bt = this.exprType(e.expression);
      if (bt.k === 'table') return bt.length >= 0 ? { k: 'lit', value: bt.length } : intType('u32');
    }
    if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e)) {
      if (ts.isIdentifier(e)) {
        const c = this.constValue(e);
        if (c !== undefined) return { k: 'lit', value: c };
      }
      // The declared type, not TS's flow-narrowed one (narrowing drops the enum's alias).
      const d = this.declOf(ts.isIdentifier(e) ? e : e.name);
      if (d && (ts.isVariableDeclaration(d) || ts.isParameter(d) || ts.isPropertyDeclaration(d))) return this.declType(d);
    }
    if (ts.isCallExpression(e)) {
      const p = this.preludeName(e.expression);
      if (p && (INT_NAMES as readonly string[]).includes(p)) return intType(p as IntName);
      if (p === 'f32' || p === 'f64') return { k: 'float', bits: p === 'f32' ? 32 : 64 };
    }
    return this.fromType(this.checker.getTypeAtLocation(e), e);
  }

  /** The type of `c ? a : b`, from both arms (never from one alone: a literal arm is a value the
   * conditional can take, not its type). Functions and objects take the type the context asks
   * for (the parameter or variable it goes to). */
  conditionalType(e: ts.ConditionalExpression): FwType {
    const j = joinTypes(this.exprType(e.whenTrue), this.exprType(e.whenFalse));
    if (j) return j;
    const ctx = this.checker.getContextualType(e);
    const ct = ctx ? this.fromType(ctx, e) : undefined;
    if (ct && ct.k !== 'bad') return ct;
    return this.fromType(this.checker.getTypeAtLocation(e), e);
  }

  /** Name of the type alias of an enum object (Err for `const Err = {...} as const`). */
  enumAliasName(obj: ts.VariableDeclaration): string {
    return ts.isIdentifier(obj.name) ? obj.name.text : 'enum';
  }

  /** Value of a `const N = 256` (a named integer constant, inlined in C), if `id` refers to one. */
  constValue(id: ts.Identifier): number | undefined {
    const d = this.declOf(id);
    if (!d || !ts.isVariableDeclaration(d) || d.type || !d.initializer) return undefined;
    const list = d.parent;
    if (!ts.isVariableDeclarationList(list) || !(list.flags & ts.NodeFlags.Const)) return undefined;
    return literalValue(d.initializer);
  }
}

/** The values an integer type can hold, as [lo, hi] (literals: their value). */
export function intRange(t: FwType): [number, number] | undefined {
  switch (t.k) {
    case 'lit': return [t.value, t.value];
    case 'int': return t.signed ? [-(2 ** (t.bits - 1)), 2 ** (t.bits - 1) - 1] : [0, 2 ** t.bits - 1];
    case 'enum': return [0, t.ctype === 'uint8_t' ? 0xff : t.ctype === 'uint16_t' ? 0xffff : 0xffffffff];
    default: return undefined;
  }
}

/** The narrowest FwTS integer holding every value of [lo, hi] (unsigned first), if one does. */
export function intHolding([lo, hi]: [number, number]): IntName | undefined {
  const order: IntName[] = ['u8', 'i8', 'u16', 'i16', 'u32', 'i32'];
  return order.find((n) => {
    const [a, b] = intRange(intType(n))!;
    return a <= lo && hi <= b;
  });
}

/** The type of a value that is one of two types (the arms of `?:`), FwTS's usual arithmetic
 * conversions: the narrowest integer holding both ranges, an intermediate when none does. */
export function joinTypes(a: FwType, b: FwType): FwType | undefined {
  if (a.k === 'never') return b;
  if (b.k === 'never') return a;
  if (a.k === 'enum' && b.k === 'enum' && a.name === b.name) return a;
  if (isIntLike(a) && isIntLike(b)) {
    if (a.k === 'anyint' || b.k === 'anyint') return { k: 'anyint' };
    const ra = intRange(a);
    const rb = intRange(b);
    if (ra && rb) {
      const name = intHolding([Math.min(ra[0], rb[0]), Math.max(ra[1], rb[1])]);
      if (name) return intType(name);
    }
    return { k: 'num', mag: Math.max(magOf(a), magOf(b)), ctype: 'uint32_t' };
  }
  if (a.k === 'float' && b.k === 'float' && a.bits === b.bits) return a;
  if (a.k === 'float' && b.k === 'lit') return a; // the checker asks the literal to be exact in it
  if (a.k === 'lit' && b.k === 'float') return b;
  if (a.k === 'bool' && b.k === 'bool') return a;
  if (a.k === 'bytes' && b.k === 'bytes') return a;
  if ((a.k === 'class' || a.k === 'iface') && b.k === a.k && a.decl === b.decl) return a;
  if (a.k === 'fn' && b.k === 'fn' && a.decl === b.decl) return a;
  return undefined;
}

/** `+ - * /`: the operators floats have. */
export function isFloatArith(op: ts.SyntaxKind): boolean {
  return op === ts.SyntaxKind.PlusToken || op === ts.SyntaxKind.MinusToken || op === ts.SyntaxKind.AsteriskToken || op === ts.SyntaxKind.SlashToken ||
    op === ts.SyntaxKind.PercentToken; // JavaScript's % on doubles is C's fmod: exact
}

export function isConstTypeRef(t: ts.TypeNode): boolean {
  return ts.isTypeReferenceNode(t) && ts.isIdentifier(t.typeName) && t.typeName.text === 'const';
}

export function stripAsConst(e: ts.Expression): ts.Expression {
  return ts.isAsExpression(e) && isConstTypeRef(e.type) ? e.expression : e;
}

/** Integer value of a literal expression (-5, 0xFF, 1 << 4), or undefined. */
export function literalValue(e: ts.Expression): number | undefined {
  if (ts.isParenthesizedExpression(e)) return literalValue(e.expression);
  if (ts.isNumericLiteral(e)) return Number(e.text);
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken) {
    const v = literalValue(e.operand);
    return v === undefined ? undefined : -v;
  }
  return undefined;
}

export function foldBinary(op: ts.SyntaxKind, a: number, b: number): number | undefined {
  switch (op) {
    case ts.SyntaxKind.PlusToken: return a + b;
    case ts.SyntaxKind.MinusToken: return a - b;
    case ts.SyntaxKind.AsteriskToken: return Math.abs(a * b) < 2 ** 53 ? a * b : undefined;
    case ts.SyntaxKind.AmpersandToken: return a & b;
    case ts.SyntaxKind.BarToken: return a | b;
    case ts.SyntaxKind.CaretToken: return a ^ b;
    case ts.SyntaxKind.LessThanLessThanToken: return a << b;
    case ts.SyntaxKind.GreaterThanGreaterThanToken: return a >> b;
    case ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken: return a >>> b;
    default: return undefined;
  }
}

/** Members of an `as const` enum object, in order. */
export function enumMembers(obj: ts.VariableDeclaration): Map<string, number> {
  const out = new Map<string, number>();
  const lit = stripAsConst(obj.initializer!);
  if (!ts.isObjectLiteralExpression(lit)) return out;
  for (const p of lit.properties) {
    if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) {
      const v = literalValue(p.initializer);
      if (v !== undefined) out.set(p.name.text, v);
    }
  }
  return out;
}
