// Variables and module state: declarations (FW1002, FW1003, FW1017), initialisers and where
// they may allocate (FW3001, FW3002), literal ranges (FW2002), as-const enums (FW2016) and
// top-level tables (FW1023, FW1024, FW3006).
import { ts } from '../program.ts';
import { type FwType, INT_NAMES, enumMembers, isIntLike, literalValue, stripAsConst, describe } from '../sema.ts';
import type { FileContext, InitSite } from './context.ts';
import { stripParens } from './syntax.ts';
import { FLOAT_CONSTANTS } from './floats.ts';

export function varStatement(c: FileContext, st: ts.VariableStatement, top: boolean): void {
  const list = st.declarationList;
  if (!(list.flags & (ts.NodeFlags.Const | ts.NodeFlags.Let))) c.report(st, 1002);
  const scoped = list.flags & ts.NodeFlags.BlockScoped;
  if (scoped === ts.NodeFlags.Using || scoped === ts.NodeFlags.AwaitUsing) c.report(st, 1001, ['using']);
  if (list.declarations.length !== 1) c.report(list.declarations[1] ?? st, 1017);
  const d = list.declarations[0];
  if (!d) return;
  if (!ts.isIdentifier(d.name)) return c.report(d.name, 1003);
  if (!d.initializer) return c.report(d, 1001, ['a variable without an initialiser']);
  const isConst = !!(list.flags & ts.NodeFlags.Const);
  const init = d.initializer;
  // Named constants: const N = 256.
  if (isConst && !d.type && literalValue(init) !== undefined) return literalInRange(c, init);
  if (top && c.sema.enumObject(d)) return enumObject(c, d);
  const t = c.sema.declType(d);
  if (top && t.k === 'table') return table(c, d, t);
  if (d.type) {
    if (c.walk.declaredType(d.type, t, false)) initializer(c, init, top ? 'top' : 'local');
    return;
  }
  // Inferred type: a rejected initialiser explains itself; report the type only otherwise.
  const before = c.reported;
  // `const y = a * b` of f64s: TypeScript infers `number` (the brand is lost), which has no C type.
  if (t.k === 'num' && c.sema.exprType(init).k === 'float') return c.report(d.name, 2001, ['number']);
  if (t.k === 'num') return c.walk.observed(init);
  initializer(c, init, top ? 'top' : 'local');
  if (c.reported === before) c.walk.declaredType(d.name, t, false);
}

/** Allocation (bytes(), new) is allowed only where it runs once, at start-up. */
export function initializer(c: FileContext, init: ts.Expression, where: InitSite): void {
  const e = stripParens(init);
  if (ts.isCallExpression(e) && c.sema.preludeName(e.expression) === 'bytes') {
    if (where === 'local') c.report(e, 3001, ['bytes()']);
    const n = e.arguments[0];
    const v = n ? constInt(c, n) : undefined;
    if (v === undefined || v < 0 || v > 0x7fffffff) c.report(n ?? e, 3002);
    return;
  }
  if (ts.isNewExpression(e)) {
    if (where === 'local') c.report(e, 3001, ["'new'"]);
    return newExpr(c, e);
  }
  if (ts.isArrayLiteralExpression(e) || ts.isObjectLiteralExpression(e)) {
    return c.report(e, 1023, [ts.isArrayLiteralExpression(e) ? 'array literals' : 'object literals']);
  }
  c.walk.expr(init);
}

/** A compile-time integer: a literal, a named constant, or arithmetic on them (`N * 2 + 8`). */
export function constInt(c: FileContext, e: ts.Expression): number | undefined {
  const t = c.sema.exprType(e);
  return t.k === 'lit' ? t.value : undefined;
}

export function literalInRange(c: FileContext, e: ts.Expression): void {
  const v = literalValue(e);
  if (v === undefined || !Number.isInteger(v) || v < -0x80000000 || v > 0xffffffff) c.report(e, 2002, [e.getText(c.sf)]);
}

function enumObject(c: FileContext, d: ts.VariableDeclaration): void {
  const lit = stripAsConst(d.initializer!);
  if (!ts.isObjectLiteralExpression(lit)) return;
  for (const p of lit.properties) {
    if (!ts.isPropertyAssignment(p) || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) {
      c.report(p, 1001, ['this enum member form']);
      continue;
    }
    const v = literalValue(p.initializer);
    if (v !== undefined && Number.isInteger(v) && v < 0 && v >= -0x80000000) c.report(p.initializer, 2016, [p.initializer.getText(c.sf)]);
    else if (v === undefined || !Number.isInteger(v) || v < 0 || v > 0xffffffff) c.report(p.initializer, 2002, [p.initializer.getText(c.sf)]);
  }
  if (enumMembers(d).size === 0) c.report(d, 1001, ['an empty enum']);
}

function table(c: FileContext, d: ts.VariableDeclaration, t: Extract<FwType, { k: 'table' }>): void {
  const init = stripAsConst(d.initializer!);
  if (!ts.isArrayLiteralExpression(init)) return c.report(d.initializer!, 3006, ['a table']);
  if (!(d.parent.flags & ts.NodeFlags.Const)) c.report(d, 3006, ['a table (declare it const)']);
  if (!isIntLike(t.elem) && t.elem.k !== 'fn' && t.elem.k !== 'float') return c.report(d.type ?? d.name, 1024, [describeElem(t.elem)]);
  if (init.elements.length === 0) c.report(init, 3006, ['an empty table']);
  for (const el of init.elements) {
    if (t.elem.k === 'float') {
      if (!isFloatConstant(c, el)) c.report(el, 3006, ['a table element (f32(literal), f64(literal) or F64_NAN ..., maybe negated)']);
      continue;
    }
    if (t.elem.k === 'fn') {
      const decl = ts.isIdentifier(el) ? c.sema.declOf(el) : undefined;
      if (!decl || !ts.isFunctionDeclaration(decl)) c.report(el, 3006, ['a table element (a top-level function)']);
      continue;
    }
    const inner = ts.isCallExpression(el) && isWrap(c, el) ? el.arguments[0] : el;
    const v = inner ? literalValue(inner) ?? (ts.isIdentifier(inner) ? c.sema.constValue(inner) : undefined) : undefined;
    if (v === undefined) c.report(el, 3006, ['a table element']);
    else if (!Number.isInteger(v) || v < -0x80000000 || v > 0xffffffff) c.report(inner!, 2002, [inner!.getText(c.sf)]);
  }
}

/** A float constant as a table entry: `f32(lit)`, `f64(lit)`, the prelude's `F64_NAN` ..., any of
 * them or the literal negated (C: a float literal or fw_rt.h's NAN/INFINITY macros). */
function isFloatConstant(c: FileContext, e0: ts.Expression): boolean {
  const e = stripParens(e0);
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken) return isFloatConstant(c, e.operand);
  if (ts.isNumericLiteral(e)) return true;
  if (ts.isIdentifier(e)) return FLOAT_CONSTANTS.has(c.sema.preludeName(e) ?? '');
  if (ts.isCallExpression(e) && e.arguments.length === 1) {
    const p = c.sema.preludeName(e.expression);
    return (p === 'f32' || p === 'f64') && isFloatConstant(c, e.arguments[0]);
  }
  return false;
}

function isWrap(c: FileContext, e: ts.CallExpression): boolean {
  const p = c.sema.preludeName(e.expression);
  return !!p && (INT_NAMES as readonly string[]).includes(p);
}

function newExpr(c: FileContext, e: ts.NewExpression): void {
  const t = c.sema.exprType(e);
  if (t.k !== 'class') {
    const name = e.expression.getText(c.sf);
    return c.report(e, name === 'Uint8Array' ? 3004 : 4004, [name === 'Uint8Array' ? 'new Uint8Array (use bytes(N))' : name]);
  }
  if (e.typeArguments?.length) c.report(e.typeArguments[0], 1022);
  c.walk.args(e, e.arguments ?? []);
}

function describeElem(t: FwType): string {
  return t.k === 'class' || t.k === 'iface' ? `objects (${t.name})` : describe(t);
}
