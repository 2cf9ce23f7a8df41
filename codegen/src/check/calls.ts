// Calls: what may be called (FW1001, FW1010, FW1015, FW1022, FW4004), arguments (FW1004, and an
// object passed as an interface its class does not implement, FW4006), and the prelude's rules
// (integer wraps take integers, FW2013; bytes() only where allocation is allowed, FW3001; log()
// takes a constant message and at most 4 values, FW1011/FW1004; index arguments, FW2003).
import { ts } from '../program.ts';
import { INT_NAMES, describe, isIntLike } from '../sema.ts';
import type { FileContext } from './context.ts';
import { PRELUDE_HOST_ONLY, stripParens } from './syntax.ts';
import { floatConversion, unwrapped } from './floats.ts';

/** Prelude functions and which of their arguments are indices (typed `number`). */
const PRELUDE_INDEX_ARGS: Record<string, number[]> = {
  rd8: [1], rd16le: [1], rd16be: [1], rd32le: [1], rd32be: [1],
  wr8: [1], wr16le: [1], wr16be: [1], wr32le: [1], wr32be: [1],
  view: [1, 2], copy: [1], fill: [2, 3],
};
const MAX_LOG_VALUES = 4;

export function call(c: FileContext, e: ts.CallExpression): void {
  if (e.questionDotToken) return c.report(e, 1010, ['?.']);
  if (e.typeArguments?.length) c.report(e.typeArguments[0], 1022);
  const callee = stripParens(e.expression);
  const p = c.sema.preludeName(callee);
  if (p) return preludeCall(c, p, e);
  if (ts.isIdentifier(callee)) {
    const d = c.sema.declOf(callee);
    if (d?.getSourceFile().isDeclarationFile) return c.report(callee, 4004, [callee.text]);
    if (!d || !(ts.isFunctionDeclaration(d) || c.sema.declType(d).k === 'fn')) return c.report(callee, 4004, [callee.text]);
  } else if (ts.isPropertyAccessExpression(callee)) {
    c.walk.propertyAccess(callee, false);
  } else if (ts.isElementAccessExpression(callee) && c.sema.exprType(callee).k === 'fn') {
    c.walk.elementAccess(callee); // `HANDLERS[cmd](...)`, as `const h = HANDLERS[cmd]; h(...)`
  } else if (callee.kind === ts.SyntaxKind.SuperKeyword) {
    return c.report(callee, 1015);
  } else {
    return c.report(callee, 1001, ['calling this expression']);
  }
  args(c, e, e.arguments);
}

export function args(c: FileContext, callNode: ts.CallLikeExpression, list: readonly ts.Expression[]): void {
  const sig = c.sema.checker.getResolvedSignature(callNode);
  const decl = sig?.getDeclaration();
  list.forEach((a, i) => {
    const param = decl && !ts.isJSDocSignature(decl) ? decl.parameters[i] : undefined;
    const pt = param ? c.sema.declType(param) : undefined;
    const at = c.sema.exprType(a);
    if (pt?.k === 'iface' && at.k === 'class') implementsCheck(c, a, at.decl, pt.decl);
    if (ts.isSpreadElement(a)) return c.report(a, 1004);
    c.walk.observed(a);
  });
}

function implementsCheck(c: FileContext, at: ts.Node, cls: ts.ClassDeclaration, iface: ts.InterfaceDeclaration): void {
  const ok = (cls.heritageClauses ?? []).some((h) => h.token === ts.SyntaxKind.ImplementsKeyword &&
    h.types.some((t) => c.sema.declOf(t.expression) === iface));
  if (!ok) c.report(at, 4006, [cls.name?.text ?? 'class', iface.name.text], cls);
}

function preludeCall(c: FileContext, p: string, e: ts.CallExpression): void {
  if (PRELUDE_HOST_ONLY.has(p)) return c.report(e.expression, 4004, [p]);
  const list = e.arguments;
  if ((INT_NAMES as readonly string[]).includes(p)) {
    const a = list[0];
    if (!a) return;
    const t = c.sema.exprType(a);
    if (t.k === 'fnum') return unwrapped(c, a);
    if (t.k === 'float') return c.walk.expr(a); // ToInt32 / ToUint32, then the width
    if (!isIntLike(t)) return c.report(a, 2013, [describe(t)]);
    return c.walk.expr(a); // an intermediate past 2^53 is reported where it is formed
  }
  if (p === 'f32' || p === 'f64') return list[0] ? floatConversion(c, p, list[0]) : undefined;
  if (p === 'bytes') return c.report(e, 3001, ['bytes()']);
  if (p === 'log') {
    const msg = list[0];
    if (!msg || !ts.isStringLiteral(msg)) c.report(msg ?? e, 1011);
    if (list.length - 1 > MAX_LOG_VALUES) c.report(list[MAX_LOG_VALUES + 1], 1004);
    for (const a of list.slice(1)) indexLike(c, a);
    return;
  }
  const idx = PRELUDE_INDEX_ARGS[p] ?? [];
  list.forEach((a, i) => {
    if (idx.includes(i)) indexLike(c, a);
    else c.walk.observed(a);
  });
}

/** An index-like prelude argument (typed `number` so literals need no wrap). */
function indexLike(c: FileContext, a: ts.Expression): void {
  const t = c.sema.exprType(a);
  if (t.k === 'num') c.report(a, 2003, [a.getText(c.sf)]);
  else if (!isIntLike(t)) c.report(a, 2013, [describe(t)]);
  c.walk.expr(a);
}
