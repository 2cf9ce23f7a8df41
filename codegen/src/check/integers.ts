// The integer model: binary and prefix operators (FW1009, FW1010, FW1012-FW1014, FW2005,
// FW2006, FW2010, FW2013, FW2014, FW2008 for ++/--), intermediates past 2^53 (FW2007, FW2012) and
// comparisons that mix signedness (FW2004). Operators are a deny-list: what is not reported here
// is accepted (fuzz/allowlist.ts reads it so).
import { ts } from '../program.ts';
import { type FwType, describe, isFloaty, isIntLike, magOf, literalValue } from '../sema.ts';
import type { FileContext } from './context.ts';
import { isCompoundAssignment } from './ts-hints.ts';
import { isComparison, stripParens } from './syntax.ts';
import { floatBinary } from './floats.ts';

export function binary(c: FileContext, e: ts.BinaryExpression): void {
  const op = e.operatorToken.kind;
  const opText = e.operatorToken.getText(c.sf);
  if (op !== ts.SyntaxKind.EqualsToken && op !== ts.SyntaxKind.CommaToken && !isCompoundAssignment(op)) {
    const fa = c.sema.exprType(e.left);
    const fb = c.sema.exprType(e.right);
    if (isFloaty(fa) || isFloaty(fb)) {
      if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken) {
        return c.report(isFloaty(fa) ? e.left : e.right, 2010, [opText]);
      }
      return floatBinary(c, e, fa, fb);
    }
  }
  switch (op) {
    case ts.SyntaxKind.EqualsToken: return c.report(e, 1013);
    case ts.SyntaxKind.EqualsEqualsToken: case ts.SyntaxKind.ExclamationEqualsToken:
      c.report(e.operatorToken, 1012, [opText]);
      break;
    case ts.SyntaxKind.SlashToken: case ts.SyntaxKind.PercentToken:
      return c.report(e.operatorToken, 2005, [opText]);
    case ts.SyntaxKind.AsteriskAsteriskToken: return c.report(e.operatorToken, 2014);
    case ts.SyntaxKind.CommaToken: return c.report(e.operatorToken, 1009, [',']);
    case ts.SyntaxKind.InKeyword: return c.report(e.operatorToken, 1009, ['in']);
    case ts.SyntaxKind.InstanceOfKeyword: return c.report(e.operatorToken, 1009, ['instanceof']);
    case ts.SyntaxKind.QuestionQuestionToken: return c.report(e.operatorToken, 1010, ['??']);
  }
  if (isCompoundAssignment(op)) return c.report(e.operatorToken, 1014, [opText]);
  if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken) {
    for (const side of [e.left, e.right]) {
      const t = c.sema.exprType(side);
      if (t.k !== 'bool') c.report(side, 2010, [opText]);
      c.walk.expr(side);
    }
    return;
  }
  const a = c.sema.exprType(e.left);
  const b = c.sema.exprType(e.right);
  if (isComparison(op)) return comparison(c, e, a, b);
  // Integer ring operators and shifts.
  for (const [side, t] of [[e.left, a], [e.right, b]] as const) {
    if (!isIntLike(t) || t.k === 'enum') c.report(side, 2013, [describe(t)]);
  }
  if (op === ts.SyntaxKind.GreaterThanGreaterThanToken) {
    const unsigned = (a.k === 'int' && !a.signed) || (a.k === 'num' && a.ctype === 'uint32_t') || (a.k === 'lit' && a.value >= 0 && a.value > 0x7fffffff);
    if (unsigned) c.report(e.left, 2006, [stripParens(e.left).getText(c.sf), e.left.getText(c.sf)]);
  }
  const r = c.sema.exprType(e);
  if (r.k === 'num' && r.mag > 53) {
    // Report the outermost offender once; sub-expressions are checked by recursion below.
    const subOk = magOf(a) <= 53 && magOf(b) <= 53;
    if (subOk) c.report(e, op === ts.SyntaxKind.AsteriskToken ? 2007 : 2012, [e.getText(c.sf)]);
  }
  c.walk.expr(e.left);
  c.walk.expr(e.right);
}

function comparison(c: FileContext, e: ts.BinaryExpression, a: FwType, b: FwType): void {
  const eq = e.operatorToken.kind === ts.SyntaxKind.EqualsEqualsEqualsToken || e.operatorToken.kind === ts.SyntaxKind.ExclamationEqualsEqualsToken;
  if (a.k === 'bool' || b.k === 'bool') {
    if (!(a.k === 'bool' && b.k === 'bool' && eq)) c.report(e, 2013, [describe(a.k === 'bool' ? a : b)]);
    c.walk.expr(e.left);
    c.walk.expr(e.right);
    return;
  }
  for (const [side, t] of [[e.left, a], [e.right, b]] as const) {
    if (t.k === 'num') c.report(side, 2003, [side.getText(c.sf)]);
    else if (!isIntLike(t)) c.report(side, 1001, [`comparing ${describe(t)}`]);
  }
  const sign = (t: FwType): 'signed' | 'unsigned' | 'either' => {
    if (t.k === 'int') return t.signed ? 'signed' : 'unsigned';
    if (t.k === 'enum') return 'unsigned';
    if (t.k === 'lit') return t.value < 0 ? 'signed' : t.value > 0x7fffffff ? 'unsigned' : 'either';
    return 'either';
  };
  const sa = sign(a);
  const sb = sign(b);
  if (sa !== 'either' && sb !== 'either' && sa !== sb) c.report(e, 2004, [describe(a), describe(b)]);
  c.walk.expr(e.left);
  c.walk.expr(e.right);
}

export function prefix(c: FileContext, e: ts.PrefixUnaryExpression): void {
  const t = c.sema.exprType(e.operand);
  switch (e.operator) {
    case ts.SyntaxKind.ExclamationToken:
      if (t.k !== 'bool') c.report(e.operand, 2010, ['!']);
      return c.walk.expr(e.operand);
    case ts.SyntaxKind.PlusPlusToken: case ts.SyntaxKind.MinusMinusToken:
      return c.report(e, 2008, [e.getText(c.sf)]);
    case ts.SyntaxKind.MinusToken:
      if (literalValue(e) !== undefined) return c.walk.literalInRange(e);
      if (isFloaty(t)) return c.walk.expr(e.operand); // exact: an f32 operation stays unwrapped
  }
  if (!isIntLike(t) || t.k === 'enum') c.report(e.operand, 2013, [describe(t)]);
  c.walk.expr(e.operand);
}
