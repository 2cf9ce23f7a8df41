// Expressions: which kinds may appear (FW1001, FW1009, FW1010, FW1011, FW1016, FW1023), values
// observed without a wrap (FW2003), conditions (FW2009), names (FW2011, FW4004) and property
// access (FW3004, FW4002). Operators are integers.ts's, indexing indexing.ts's, calls calls.ts's.
import { ts } from '../program.ts';
import { describe, enumMembers } from '../sema.ts';
import type { FileContext } from './context.ts';
import { PRELUDE_HOST_ONLY } from './syntax.ts';
import { FLOAT_CONSTANTS, floatLiteral } from './floats.ts';

/** A condition: must be a boolean. */
export function condition(c: FileContext, e: ts.Expression): void {
  const t = c.sema.exprType(e);
  if (t.k !== 'bool') c.report(e, 2009, [describe(t)]);
  expr(c, e);
}

/** A value that is stored, passed, returned or compared: intermediates must be wrapped. */
export function observed(c: FileContext, e: ts.Expression): void {
  const before = c.reported;
  expr(c, e);
  // An expression that is wrong in itself explains itself; do not pile a wrap error on top.
  if (c.reported !== before) return;
  const t = c.sema.exprType(e);
  if (t.k === 'num') c.report(e, 2003, [e.getText(c.sf)]);
  else if (t.k === 'fnum') c.report(e, 2017, [e.getText(c.sf)]);
}

export function expr(c: FileContext, e: ts.Expression): void {
  switch (e.kind) {
    case ts.SyntaxKind.NumericLiteral: return c.walk.literalInRange(e);
    case ts.SyntaxKind.BigIntLiteral: return c.report(e, 2002, [e.getText(c.sf)]);
    case ts.SyntaxKind.TrueKeyword: case ts.SyntaxKind.FalseKeyword: case ts.SyntaxKind.ThisKeyword: return;
    case ts.SyntaxKind.NullKeyword: return c.report(e, 1010, ['null']);
    case ts.SyntaxKind.StringLiteral: case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
    case ts.SyntaxKind.TemplateExpression: case ts.SyntaxKind.TaggedTemplateExpression:
      return c.report(e, 1011);
    case ts.SyntaxKind.ParenthesizedExpression: return expr(c, (e as ts.ParenthesizedExpression).expression);
    case ts.SyntaxKind.Identifier: return identifier(c, e as ts.Identifier);
    case ts.SyntaxKind.PropertyAccessExpression: return propertyAccess(c, e as ts.PropertyAccessExpression, false);
    case ts.SyntaxKind.ElementAccessExpression: return c.walk.elementAccess(e as ts.ElementAccessExpression);
    case ts.SyntaxKind.CallExpression: return c.walk.call(e as ts.CallExpression);
    case ts.SyntaxKind.NewExpression: return c.report(e, 3001, ["'new'"]);
    case ts.SyntaxKind.BinaryExpression: return c.walk.binary(e as ts.BinaryExpression);
    case ts.SyntaxKind.PrefixUnaryExpression: return c.walk.prefix(e as ts.PrefixUnaryExpression);
    case ts.SyntaxKind.PostfixUnaryExpression: return c.report(e, 2008, [e.getText(c.sf)]);
    case ts.SyntaxKind.ConditionalExpression: {
      const ce = e as ts.ConditionalExpression;
      condition(c, ce.condition);
      const t = c.sema.exprType(ce);
      for (const arm of [ce.whenTrue, ce.whenFalse]) {
        // A literal arm of a float conditional is a float literal (exact in the type).
        if (t.k !== 'float' || !floatLiteral(c, arm, t.bits)) observed(c, arm);
      }
      return;
    }
    case ts.SyntaxKind.ArrowFunction: return c.report(e, 1016, ['arrow functions']);
    case ts.SyntaxKind.FunctionExpression: return c.report(e, 1016, ['function expressions']);
    case ts.SyntaxKind.ClassExpression: return c.report(e, 1001, ['class expressions (declare the class at top level)']);
    case ts.SyntaxKind.ObjectLiteralExpression: return c.report(e, 1023, ['object literals']);
    case ts.SyntaxKind.ArrayLiteralExpression: return c.report(e, 1023, ['array literals']);
    case ts.SyntaxKind.SpreadElement: return c.report(e, 1004);
    case ts.SyntaxKind.TypeOfExpression: return c.report(e, 1009, ['typeof']);
    case ts.SyntaxKind.DeleteExpression: return c.report(e, 1009, ['delete']);
    case ts.SyntaxKind.VoidExpression: return c.report(e, 1009, ['void']);
    case ts.SyntaxKind.AwaitExpression: return c.report(e, 1001, ['await']);
    case ts.SyntaxKind.YieldExpression: return c.report(e, 1001, ['yield']);
    case ts.SyntaxKind.NonNullExpression: return c.report(e, 1010, ['the non-null assertion !']);
    case ts.SyntaxKind.AsExpression: case ts.SyntaxKind.TypeAssertionExpression: case ts.SyntaxKind.SatisfiesExpression:
      return c.report(e, 1001, ['type assertions (they change nothing at run time; wrap with u8(...) etc.)']);
    case ts.SyntaxKind.RegularExpressionLiteral: return c.report(e, 1001, ['regular expressions']);
  }
  c.report(e, 1001, [ts.SyntaxKind[e.kind]]);
}

function identifier(c: FileContext, id: ts.Identifier): void {
  if (id.text === 'undefined') return c.report(id, 1010, ['undefined']);
  if (id.text === 'arguments') return c.report(id, 1001, ['arguments']);
  const d = c.sema.declOf(id);
  if (!d) return;
  const sf = d.getSourceFile();
  if (sf.isDeclarationFile) {
    return c.report(id, id.text === 'Math' ? 2011 : 4004, [id.text]);
  }
  if (c.sema.isPrelude(sf)) {
    // A prelude function used as a value (not called).
    if (PRELUDE_HOST_ONLY.has(id.text)) return c.report(id, 4004, [id.text]);
    if (FLOAT_CONSTANTS.has(id.text)) return;
    return c.report(id, 4004, [`${id.text} as a value`]);
  }
  if (ts.isClassDeclaration(d)) return c.report(id, 1021, ['class references as values']);
  if (c.sema.enumObject(d)) return c.report(id, 1001, ['an enum object as a value (use one member, e.g. Err.Ok)']);
  // A variable of an enclosing function is a capture; nested functions are rejected already.
}

export function propertyAccess(c: FileContext, e: ts.PropertyAccessExpression, isTarget: boolean): void {
  if (e.questionDotToken) return c.report(e, 1010, ['?.']);
  const name = e.name.text;
  if (ts.isIdentifier(e.expression)) {
    const d = c.sema.declOf(e.expression);
    if (d && ts.isSourceFile(d)) return; // a namespace import: FW1020 at the import says it all
    const obj = c.sema.enumObject(d);
    if (obj) {
      if (!enumMembers(obj).has(name)) c.report(e.name, 1001, ['this enum member']);
      return;
    }
    if (d && ts.isClassDeclaration(d)) return c.report(e, 1021, ['static members']);
    if (d && d.getSourceFile().isDeclarationFile) return c.report(e, e.expression.text === 'Math' ? 2011 : 4004, [e.getText(c.sf)]);
  }
  if (ts.isIdentifier(e.name) && ts.isPrivateIdentifier(e.name as ts.Node)) return c.report(e.name, 1001, ['private (#) names']);
  const bt = c.sema.exprType(e.expression);
  if (e.expression.kind !== ts.SyntaxKind.ThisKeyword) expr(c, e.expression);
  if (bt.k === 'bytes') {
    if (name !== 'length') c.report(e.name, 3004, [name]);
    else if (isTarget) c.report(e, 1001, ['assigning length']);
    return;
  }
  if (bt.k === 'table') {
    if (name !== 'length') c.report(e.name, 3004, [name]);
    return;
  }
  if (bt.k === 'class' || bt.k === 'iface') {
    const decl = c.sema.declOf(e.name);
    const isMethod = decl && (ts.isMethodDeclaration(decl) || ts.isMethodSignature(decl));
    const called = ts.isCallExpression(e.parent) && e.parent.expression === e;
    if (isMethod && !called) c.report(e, 4002, [name]);
    return;
  }
  c.report(e, 1001, [`property access on ${describe(bt)}`]);
}
