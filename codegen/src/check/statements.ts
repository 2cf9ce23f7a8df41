// Statements: which may appear in a function body (FW1001, FW1006, FW1007, FW1016, FW1026),
// loops and their `x++` updates (FW2008, FW4005), switch labels (FW2015, FW1027, FW3006),
// expression statements and assignments (FW1013, FW1014, FW3005).
import { ts } from '../program.ts';
import { type FwType, describe, isIntLike, enumMembers } from '../sema.ts';
import type { FileContext } from './context.ts';
import { isCompoundAssignment } from './ts-hints.ts';
import { assigns, containsUserCall, inRange, isIncDec, isLengthOf, isLoopNode, stripParens } from './syntax.ts';

export function block(c: FileContext, b: ts.Block): void {
  for (const s of b.statements) stmt(c, s);
}

export function stmt(c: FileContext, s: ts.Statement): void {
  switch (s.kind) {
    case ts.SyntaxKind.Block: return block(c, s as ts.Block);
    case ts.SyntaxKind.EmptyStatement: return;
    case ts.SyntaxKind.VariableStatement: return c.walk.varStatement(s as ts.VariableStatement, false);
    case ts.SyntaxKind.ExpressionStatement: return exprStatement(c, (s as ts.ExpressionStatement).expression);
    case ts.SyntaxKind.ReturnStatement: {
      const r = s as ts.ReturnStatement;
      if (r.expression) c.walk.observed(r.expression);
      return;
    }
    case ts.SyntaxKind.IfStatement: {
      const i = s as ts.IfStatement;
      c.walk.condition(i.expression);
      stmt(c, i.thenStatement);
      if (i.elseStatement) stmt(c, i.elseStatement);
      return;
    }
    case ts.SyntaxKind.WhileStatement: {
      const w = s as ts.WhileStatement;
      c.walk.condition(w.expression);
      return stmt(c, w.statement);
    }
    case ts.SyntaxKind.DoStatement: {
      const d = s as ts.DoStatement;
      stmt(c, d.statement);
      c.walk.condition(d.expression);
      if (containsUserCall(c.sema, d.expression)) c.report(d.expression, 4005);
      return;
    }
    case ts.SyntaxKind.ForStatement: return forStmt(c, s as ts.ForStatement);
    case ts.SyntaxKind.ForInStatement: return c.report(s, 1006, ['for…in']);
    case ts.SyntaxKind.ForOfStatement: return c.report(s, 1006, ['for…of']);
    case ts.SyntaxKind.SwitchStatement: return switchStmt(c, s as ts.SwitchStatement);
    case ts.SyntaxKind.BreakStatement:
    case ts.SyntaxKind.ContinueStatement:
      return;
    case ts.SyntaxKind.LabeledStatement: {
      const l = s as ts.LabeledStatement;
      if (!isLoopNode(l.statement)) c.report(l.label, 1026, [l.label.text]);
      return stmt(c, l.statement);
    }
    case ts.SyntaxKind.ThrowStatement: return c.report(s, 1007, ['throw']);
    case ts.SyntaxKind.TryStatement: return c.report(s, 1007, ['try']);
    case ts.SyntaxKind.FunctionDeclaration: return c.report((s as ts.FunctionDeclaration).name ?? s, 1016, ['nested functions']);
    case ts.SyntaxKind.ClassDeclaration: return c.report(s, 1001, ['a class declared inside a function']);
    case ts.SyntaxKind.WithStatement: return c.report(s, 1001, ['with']);
    case ts.SyntaxKind.DebuggerStatement: return c.report(s, 1001, ['debugger']);
  }
  c.report(s, 1001, [ts.SyntaxKind[s.kind]]);
}

function forStmt(c: FileContext, f: ts.ForStatement): void {
  if (f.initializer) {
    if (ts.isVariableDeclarationList(f.initializer)) {
      const list = f.initializer;
      if (!(list.flags & (ts.NodeFlags.Const | ts.NodeFlags.Let))) c.report(list, 1002);
      if (list.declarations.length !== 1) c.report(list, 1017);
      const d = list.declarations[0];
      if (d && ts.isIdentifier(d.name) && d.initializer) {
        if (c.walk.declaredType(d.type ?? d.name, c.sema.declType(d), false)) c.walk.observed(d.initializer);
      } else if (d) c.report(d, 1001, ['this for-loop initialiser']);
    } else {
      exprStatement(c, f.initializer);
    }
  }
  if (f.condition) c.walk.condition(f.condition);
  if (f.incrementor) {
    const inc = stripParens(f.incrementor);
    if (isIncDec(inc)) forUpdate(c, f, inc);
    else exprStatement(c, inc);
  }
  stmt(c, f.statement);
}

/** `i++` in `for (...; i < E; i++)`: safe only when i + 1 cannot leave i's type. */
function forUpdate(c: FileContext, f: ts.ForStatement, inc: ts.PrefixUnaryExpression | ts.PostfixUnaryExpression): void {
  const op = inc.operator === ts.SyntaxKind.PlusPlusToken ? '++' : '--';
  const fail = (): void => c.report(inc, 2008, [inc.getText(c.sf)]);
  if (!ts.isIdentifier(inc.operand)) return fail();
  const it = c.sema.exprType(inc.operand);
  const cond = f.condition ? stripParens(f.condition) : undefined;
  if (it.k !== 'int' || !cond || !ts.isBinaryExpression(cond)) return fail();
  const want = op === '++' ? ts.SyntaxKind.LessThanToken : ts.SyntaxKind.GreaterThanToken;
  if (cond.operatorToken.kind !== want || !ts.isIdentifier(cond.left) || cond.left.text !== inc.operand.text) return fail();
  const bound = c.sema.exprType(cond.right);
  const boundOk =
    (bound.k === 'int' && bound.name === it.name) ||
    (bound.k === 'lit' && inRange(bound.value, it)) ||
    (it.name === 'u32' && isLengthOf(cond.right));
  if (!boundOk) return fail();
  if (assigns(f.statement, inc.operand.text)) return fail();
}

function switchStmt(c: FileContext, s: ts.SwitchStatement): void {
  const t: FwType = c.sema.exprType(s.expression);
  if (!isIntLike(t) || t.k === 'anyint') return c.report(s.expression, 2013, [describe(t)]);
  c.walk.observed(s.expression);
  const clauses = s.caseBlock.clauses;
  // Fallthrough into a non-empty case is TS7029 (noFallthroughCasesInSwitch), so each C case
  // can stay a block of its own.
  const values = new Map<number, ts.Expression>();
  for (const cl of clauses) {
    if (ts.isCaseClause(cl)) {
      const ct = c.sema.exprType(cl.expression);
      const v = ct.k === 'lit' ? ct.value : enumMemberValue(c, cl.expression);
      const earlier = v === undefined ? undefined : values.get(v);
      if (v === undefined) c.report(cl.expression, 3006, ['a case label']);
      else if (t.k === 'int' && !inRange(v, t)) c.report(cl.expression, 2015, [cl.expression.getText(c.sf), t.name]);
      else if (earlier) c.report(cl.expression, 1027, [cl.expression.getText(c.sf), String(v), earlier.getText(c.sf)], earlier);
      else values.set(v, cl.expression);
    }
    for (const st of cl.statements) stmt(c, st);
  }
}

function enumMemberValue(c: FileContext, e: ts.Expression): number | undefined {
  if (!ts.isPropertyAccessExpression(e) || !ts.isIdentifier(e.expression)) return undefined;
  const obj = c.sema.enumObject(c.sema.declOf(e.expression));
  return obj ? enumMembers(obj).get(e.name.text) : undefined;
}

function exprStatement(c: FileContext, e: ts.Expression): void {
  e = stripParens(e);
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken) return assignment(c, e);
  if (ts.isBinaryExpression(e) && isCompoundAssignment(e.operatorToken.kind)) {
    return c.report(e.operatorToken, 1014, [e.operatorToken.getText(c.sf)]);
  }
  if (isIncDec(e)) return c.report(e, 2008, [e.getText(c.sf)]);
  if (ts.isCallExpression(e)) return c.walk.call(e);
  c.report(e, 1001, ['an expression statement that is not a call or an assignment']);
}

function assignment(c: FileContext, e: ts.BinaryExpression): void {
  const left = stripParens(e.left);
  if (ts.isIdentifier(left)) {
    // fine: TS checked the type
  } else if (ts.isPropertyAccessExpression(left)) {
    c.walk.propertyAccess(left, true);
    const bt = c.sema.exprType(left.expression);
    if (bt.k === 'class') {
      const owned = ownedBufferField(c, bt.decl, left.name.text);
      const inCtor = !!ts.findAncestor(e, ts.isConstructorDeclaration);
      if (owned && !(inCtor && left.expression.kind === ts.SyntaxKind.ThisKeyword)) c.report(left, 3005, [left.name.text]);
    }
  } else if (ts.isElementAccessExpression(left)) {
    c.walk.elementAccess(left);
  } else {
    c.report(left, 1001, ['this assignment target']);
  }
  const right = stripParens(e.right);
  if (ts.isNewExpression(right) || (ts.isCallExpression(right) && c.sema.preludeName(right.expression) === 'bytes')) {
    const inCtor = ts.findAncestor(e, ts.isConstructorDeclaration);
    const toThisField = ts.isPropertyAccessExpression(left) && left.expression.kind === ts.SyntaxKind.ThisKeyword;
    return c.walk.initializer(right, inCtor && toThisField ? 'ctor' : 'local');
  }
  c.walk.observed(e.right);
}

/** A field initialised with bytes(N): a static array in C, not a view. */
function ownedBufferField(c: FileContext, cls: ts.ClassDeclaration, name: string): boolean {
  for (const m of cls.members) {
    if (ts.isPropertyDeclaration(m) && m.name.getText() === name && m.initializer && ts.isCallExpression(m.initializer)) {
      return c.sema.preludeName(m.initializer.expression) === 'bytes';
    }
  }
  return false;
}
