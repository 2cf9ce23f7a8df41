// Small syntax helpers shared by the checker's families.
import { ts } from '../program.ts';
import type { FwType, Sema } from '../sema.ts';
import { isCompoundAssignment } from './ts-hints.ts';

export function stripParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

export function isIncDec(e: ts.Node): e is ts.PrefixUnaryExpression | ts.PostfixUnaryExpression {
  return (ts.isPrefixUnaryExpression(e) || ts.isPostfixUnaryExpression(e)) &&
    (e.operator === ts.SyntaxKind.PlusPlusToken || e.operator === ts.SyntaxKind.MinusMinusToken);
}

export function isComparison(k: ts.SyntaxKind): boolean {
  return k === ts.SyntaxKind.EqualsEqualsEqualsToken || k === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
    k === ts.SyntaxKind.EqualsEqualsToken || k === ts.SyntaxKind.ExclamationEqualsToken ||
    k === ts.SyntaxKind.LessThanToken || k === ts.SyntaxKind.LessThanEqualsToken ||
    k === ts.SyntaxKind.GreaterThanToken || k === ts.SyntaxKind.GreaterThanEqualsToken;
}

export function isLoopNode(n: ts.Node): boolean {
  return ts.isForStatement(n) || ts.isWhileStatement(n) || ts.isDoStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n);
}

export function isLengthOf(e: ts.Expression): boolean {
  const x = stripParens(e);
  return ts.isPropertyAccessExpression(x) && x.name.text === 'length';
}

/** Does `scope` assign the variable `name` (=, compound, ++/--)? */
export function assigns(scope: ts.Node, name: string): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isBinaryExpression(n) && (n.operatorToken.kind === ts.SyntaxKind.EqualsToken || isCompoundAssignment(n.operatorToken.kind))) {
      const l = stripParens(n.left);
      if (ts.isIdentifier(l) && l.text === name) found = true;
    }
    if (isIncDec(n) && ts.isIdentifier(n.operand) && n.operand.text === name) found = true;
    ts.forEachChild(n, visit);
  };
  visit(scope);
  return found;
}

/** Does `e` contain a call of a function that is not the prelude's? */
export function containsUserCall(sema: Sema, e: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && !sema.preludeName(n.expression)) found = true;
    if (!found) ts.forEachChild(n, visit);
  };
  visit(e);
  return found;
}

/** Can a value of the integer type `t` equal `v`? */
export function inRange(v: number, t: Extract<FwType, { k: 'int' }>): boolean {
  const min = t.signed ? -(2 ** (t.bits - 1)) : 0;
  const max = t.signed ? 2 ** (t.bits - 1) - 1 : 2 ** t.bits - 1;
  return v >= min && v <= max;
}

/** Prelude exports that exist only on the host (Node): a device module may not name them. */
export const PRELUDE_HOST_ONLY: ReadonlySet<string> = new Set(['FwPanic', 'setLogSink', 'asBytes', 'Panic']);
