// Direct indexing `b[i]` / `T[i]`: only where the index is proven inside (FW3003 for buffers,
// FW3007 for tables). The proofs themselves are codegen/src/proofs.ts; this module finds the
// static length they compare with.
import { ts } from '../program.ts';
import { type FwType, describe, isIntLike, stripAsConst } from '../sema.ts';
import type { FileContext } from './context.ts';
import { stripParens } from './syntax.ts';

export function elementAccess(c: FileContext, e: ts.ElementAccessExpression): void {
  if (e.questionDotToken) return c.report(e, 1010, ['?.']);
  const bt = c.sema.exprType(e.expression);
  if (bt.k !== 'bytes' && bt.k !== 'table') return c.report(e, 1001, [`indexing ${describe(bt)}`]);
  c.walk.expr(e.expression);
  const it = c.sema.exprType(e.argumentExpression);
  if (!isIntLike(it)) return c.report(e.argumentExpression, 2013, [describe(it)]);
  c.walk.observed(e.argumentExpression);
  if (it.k === 'num') return;
  if (bt.k === 'table' && tableOutsideTopLevel(c, e.expression)) return; // FW1023 at its declaration is the cause
  // The index proofs FwTS knows (docs/fwts.md, Buffers).
  if (!c.proofs.proven(e, staticLength(c, e.expression, bt))) {
    c.report(e.argumentExpression, bt.k === 'table' ? 3007 : 3003, [e.argumentExpression.getText(c.sf), e.expression.getText(c.sf)]);
  }
}

/** The length of a table, of a top-level `const b = bytes(N)` or of a readonly field
 * `readonly buf = bytes(N)`, when known at compile time. */
function staticLength(c: FileContext, b: ts.Expression, bt: FwType): number | undefined {
  if (bt.k === 'table' && bt.length >= 0) return bt.length;
  const inner = stripParens(b);
  let d: ts.Declaration | undefined;
  if (ts.isIdentifier(inner)) d = c.sema.declOf(inner);
  else if (ts.isPropertyAccessExpression(inner) && inner.expression.kind === ts.SyntaxKind.ThisKeyword) d = c.sema.declOf(inner.name);
  if (!d) return undefined;
  if (bt.k === 'table' && ts.isVariableDeclaration(d) && d.initializer) {
    const arr = stripAsConst(d.initializer);
    if (ts.isArrayLiteralExpression(arr)) return arr.elements.length;
  }
  let init: ts.Expression | undefined;
  if (ts.isVariableDeclaration(d) && d.parent.flags & ts.NodeFlags.Const) init = d.initializer;
  if (ts.isPropertyDeclaration(d) && ts.getModifiers(d)?.some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword)) init = d.initializer;
  if (init && ts.isCallExpression(init) && c.sema.preludeName(init.expression) === 'bytes' && init.arguments[0]) {
    return c.walk.constInt(init.arguments[0]);
  }
  return undefined;
}

/** A table held by a parameter, a local or a field: its declaration is FW1023 already (tables
 * live only at module top level), so an index into it is not reported a second time. */
function tableOutsideTopLevel(c: FileContext, b: ts.Expression): boolean {
  const inner = stripParens(b);
  const d = ts.isIdentifier(inner) ? c.sema.declOf(inner) : ts.isPropertyAccessExpression(inner) ? c.sema.declOf(inner.name) : undefined;
  if (!d) return false;
  if (ts.isParameter(d) || ts.isPropertyDeclaration(d)) return true;
  return ts.isVariableDeclaration(d) && !ts.isSourceFile(d.parent.parent.parent);
}
