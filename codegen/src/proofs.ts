// Index proofs: when `b[i]` is known to be inside `b` (docs/fwts.md, Buffers). Direct indexing
// has no bounds check in C, so a proof that does not hold is an out-of-bounds access in C where
// Node reads undefined. Used by the subset checker (FW3003).
//
// A guard `i < b.length` proves the accesses it dominates as long as neither `i` nor `b` can
// change in between: not by an assignment in the guarded code, and not by a call that may assign
// a variable or field that outlives it (a function that rebinds a module-level `cur = view(...)`).
import { ts } from './program.ts';
import { type FwType, type Sema, enumMembers } from './sema.ts';

const UNSIGNED_WRAPS = new Set(['u8', 'u16', 'u32']);

export class IndexProofs {
  private readonly sema: Sema;
  /** Per function or method: may a call to it assign state that outlives the call? */
  private readonly rebinds = new Map<ts.Node, boolean>();

  constructor(sema: Sema) {
    this.sema = sema;
  }

  /** Is the index of `e` proven inside its buffer? `len`: the buffer's static length, if any. */
  proven(e: ts.ElementAccessExpression, len: number | undefined): boolean {
    return this.provenIndex(e.argumentExpression, e, len);
  }

  private provenIndex(index: ts.Expression, access: ts.ElementAccessExpression, len: number | undefined): boolean {
    const idx = stripParens(index);
    // `T[c ? 1 : 3]`: each value the conditional can take must be proven.
    if (ts.isConditionalExpression(idx)) {
      return this.provenIndex(idx.whenTrue, access, len) && this.provenIndex(idx.whenFalse, access, len);
    }
    const it = this.sema.exprType(idx);
    if (it.k === 'lit') return len !== undefined && it.value >= 0 && it.value < len;
    if (it.k === 'enum') {
      const values = [...enumMembers(it.decl as ts.VariableDeclaration).values()];
      return len !== undefined && values.every((v) => v < len);
    }
    if (it.k !== 'int' || it.signed) return false;
    if (len !== undefined && 2 ** it.bits <= len) return true;
    // `T[u8(x & 3)]`: a mask by a non-negative constant K keeps the value in [0, K].
    const mask = maskOf(this.sema, idx);
    if (mask !== undefined && len !== undefined && mask < len) return true;
    if (!ts.isIdentifier(idx)) return false;
    // `const k = u8(x & 3); T[k]`: a const local keeps what its initialiser proves by itself.
    const init = constInitializer(this.sema, idx);
    if (init && len !== undefined && this.provenAlone(init, len)) return true;
    return this.guarded(idx, access, len);
  }

  /** Proven without a guard: a literal, a type that cannot reach len, a mask, or a conditional
   * of such (these hold wherever the expression's value is used). */
  private provenAlone(e: ts.Expression, len: number): boolean {
    const x = stripParens(e);
    if (ts.isConditionalExpression(x)) return this.provenAlone(x.whenTrue, len) && this.provenAlone(x.whenFalse, len);
    const t = this.sema.exprType(x);
    if (t.k === 'lit') return t.value >= 0 && t.value < len;
    if (t.k !== 'int' || t.signed) return false;
    if (2 ** t.bits <= len) return true;
    const mask = maskOf(this.sema, x);
    return mask !== undefined && mask < len;
  }

  /** Inside `for (...; i < b.length; ...)`, `while (i < b.length)` or `if (i < b.length)`, with
   * i and b unchanged up to the access. */
  private guarded(idx: ts.Identifier, access: ts.ElementAccessExpression, len: number | undefined): boolean {
    const sf = access.getSourceFile();
    const base = access.expression.getText(sf);
    // Locals, parameters and `const` bindings cannot be changed by a call (FwTS has no closures).
    const local = !calleeMayAssign(this.sema, access.expression) && !calleeMayAssign(this.sema, idx);
    for (let n: ts.Node = access; n.parent; n = n.parent) {
      const p = n.parent;
      if (ts.isFunctionLike(p)) break;
      if (ts.isBlock(p) && this.earlyReturn(p, n as ts.Statement, idx, access, base, local)) return true;
      let guard: ts.Expression | undefined;
      let scope: ts.Node | undefined;
      if (ts.isForStatement(p) && n === p.statement) { guard = p.condition; scope = p.statement; }
      else if (ts.isIfStatement(p) && n === p.thenStatement) { guard = p.expression; scope = p.thenStatement; }
      else if (ts.isWhileStatement(p) && n === p.statement) { guard = p.expression; scope = p.statement; }
      else if (ts.isConditionalExpression(p) && n === p.whenTrue) { guard = p.condition; scope = p.whenTrue; }
      if (!guard || !scope) continue;
      for (const conj of conjuncts(guard)) {
        if (!ts.isBinaryExpression(conj) || conj.operatorToken.kind !== ts.SyntaxKind.LessThanToken) continue;
        const l = stripParens(conj.left);
        const r = stripParens(conj.right);
        if (!ts.isIdentifier(l) || l.text !== idx.text) continue;
        // `i < b.length`, or `i < K` with K a constant no larger than b's static length.
        const bound = this.sema.exprType(r);
        const byConst = bound.k === 'lit' && len !== undefined && bound.value <= len;
        if (!byConst && (!ts.isPropertyAccessExpression(r) || r.name.text !== 'length' || r.expression.getText(sf) !== base)) continue;
        if (assignsText(scope, base, sf)) continue;
        // A for loop changes its index only in its update; a while loop in its body, which is
        // fine after the access (the guard is tested again before the next one).
        if (ts.isWhileStatement(p) ? assignsBefore(scope, idx.text, access) : assigns(scope, idx.text)) continue;
        // A call that may rebind b (or i, when module state) between the test and the access: one
        // in the guard, one that returns before the access starts, or one in an inner loop around
        // the access. (A call after the access is followed by the loop's test again.)
        if (!local && (this.callRebinds(guard) || this.callRebinds(scope, access))) continue;
        return true;
      }
    }
    return false;
  }

  /** `if (i >= b.length) return ...;` earlier in the same block, with i and b unchanged (and, when
   * not locals, no call that may rebind them) from there to the access. */
  private earlyReturn(block: ts.Block, st: ts.Statement, idx: ts.Identifier, access: ts.ElementAccessExpression,
    base: string, local: boolean): boolean {
    const sf = access.getSourceFile();
    const at = block.statements.indexOf(st);
    for (let k = at - 1; k >= 0; k--) {
      const g = block.statements[k];
      if (!ts.isIfStatement(g) || g.elseStatement || !returns(g.thenStatement)) continue;
      const exits = disjuncts(g.expression).some((d) => {
        if (!ts.isBinaryExpression(d) || d.operatorToken.kind !== ts.SyntaxKind.GreaterThanEqualsToken) return false;
        const l = stripParens(d.left);
        const r = stripParens(d.right);
        return ts.isIdentifier(l) && l.text === idx.text && ts.isPropertyAccessExpression(r) && r.name.text === 'length' &&
          r.expression.getText(sf) === base;
      });
      if (!exits) continue;
      const between = block.statements.slice(k + 1, at);
      if (between.some((b) => assigns(b, idx.text) || assignsText(b, base, sf))) return false;
      if (assignsBefore(st, idx.text, access) || assignsText(st, base, sf)) return false;
      if (!local && (between.some((b) => this.callRebinds(b)) || this.callRebinds(st, access))) return false;
      return true;
    }
    return false;
  }

  /** Does `region` contain a call that may rebind state? With `access`: only a call that can run
   * before it (it returns before the access starts, or a loop in `region` holds both). */
  private callRebinds(region: ts.Node, access?: ts.Node): boolean {
    let found = false;
    const before = (n: ts.Node): boolean => !access || n.end <= access.getStart() || inSameInnerLoop(n, access, region);
    const visit = (n: ts.Node): void => {
      if (found) return;
      if (ts.isCallExpression(n) && before(n) && this.mayRebind(n)) found = true;
      else ts.forEachChild(n, visit);
    };
    visit(region);
    return found;
  }

  /** May this call assign a variable or field that outlives it? Calls through a function value
   * or an interface may reach anything: yes. */
  mayRebind(call: ts.CallExpression): boolean {
    const callee = stripParens(call.expression);
    if (this.sema.preludeName(callee)) return false;
    const d = ts.isIdentifier(callee) ? this.sema.declOf(callee) : ts.isPropertyAccessExpression(callee) ? this.sema.declOf(callee.name) : undefined;
    if (!d || !(ts.isFunctionDeclaration(d) || ts.isMethodDeclaration(d)) || !d.body) return true;
    return this.bodyRebinds(d);
  }

  private bodyRebinds(fn: ts.FunctionDeclaration | ts.MethodDeclaration): boolean {
    const known = this.rebinds.get(fn);
    if (known !== undefined) return known;
    this.rebinds.set(fn, true); // recursion (rejected elsewhere) is assumed to rebind
    let found = false;
    const target = (t: ts.Expression): void => {
      const x = stripParens(t);
      if (ts.isElementAccessExpression(x)) return; // writes contents, not a binding or length
      if (!isLocalIn(this.sema, x, fn)) found = true;
    };
    const visit = (n: ts.Node): void => {
      if (found) return;
      if (ts.isBinaryExpression(n) && isAssignment(n.operatorToken.kind)) target(n.left);
      else if (isIncDec(n)) target(n.operand);
      else if (ts.isCallExpression(n) && this.mayRebind(n)) found = true;
      else if (ts.isNewExpression(n)) found = true;
      ts.forEachChild(n, visit);
    };
    visit(fn.body!);
    this.rebinds.set(fn, found);
    return found;
  }
}

/** The initialiser of a `const` local (or module-level const) named by id. */
function constInitializer(sema: Sema, id: ts.Identifier): ts.Expression | undefined {
  const d = sema.declOf(id);
  if (!d || !ts.isVariableDeclaration(d) || !ts.isVariableDeclarationList(d.parent)) return undefined;
  return d.parent.flags & ts.NodeFlags.Const ? d.initializer : undefined;
}

/** K for `x & K` (K a non-negative constant), through unsigned wraps that keep it. */
function maskOf(sema: Sema, e: ts.Expression): number | undefined {
  const x = stripParens(e);
  if (ts.isCallExpression(x) && UNSIGNED_WRAPS.has(sema.preludeName(x.expression) ?? '') && x.arguments[0]) {
    const k = maskOf(sema, x.arguments[0]);
    const name = sema.preludeName(x.expression)!;
    const max = name === 'u8' ? 0xff : name === 'u16' ? 0xffff : 0xffffffff;
    return k === undefined ? undefined : Math.min(k, max);
  }
  if (!ts.isBinaryExpression(x) || x.operatorToken.kind !== ts.SyntaxKind.AmpersandToken) return undefined;
  const ks = [x.left, x.right].map((o) => constOf(sema, o)).filter((v): v is number => v !== undefined && v >= 0 && v <= 0x7fffffff);
  return ks.length ? Math.min(...ks) : undefined;
}

function constOf(sema: Sema, e: ts.Expression): number | undefined {
  const t: FwType = sema.exprType(stripParens(e));
  return t.k === 'lit' ? t.value : undefined;
}

/** Can a called function assign this binding: a module-level `let`, or a field (any property
 * path)? Parameters, locals and `const` bindings change only where the code says so. */
function calleeMayAssign(sema: Sema, e: ts.Expression): boolean {
  const x = stripParens(e);
  if (!ts.isIdentifier(x)) return true;
  const d = sema.declOf(x);
  if (!d || ts.isParameter(d)) return !d;
  if (!ts.isVariableDeclaration(d) || !ts.isVariableDeclarationList(d.parent)) return true;
  return ts.isSourceFile(d.parent.parent.parent) && !(d.parent.flags & ts.NodeFlags.Const);
}

/** An identifier declared inside `fn` (a parameter or a local). */
function isLocalIn(sema: Sema, e: ts.Expression, fn: ts.Node): boolean {
  if (!ts.isIdentifier(e)) return false;
  const d = sema.declOf(e);
  for (let p: ts.Node | undefined = d; p; p = p.parent) if (p === fn) return true;
  return false;
}

function stripParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

function isIncDec(e: ts.Node): e is ts.PrefixUnaryExpression | ts.PostfixUnaryExpression {
  return (ts.isPrefixUnaryExpression(e) || ts.isPostfixUnaryExpression(e)) &&
    (e.operator === ts.SyntaxKind.PlusPlusToken || e.operator === ts.SyntaxKind.MinusMinusToken);
}

function isAssignment(k: ts.SyntaxKind): boolean {
  return k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment;
}

function disjuncts(e: ts.Expression): ts.Expression[] {
  const x = stripParens(e);
  if (ts.isBinaryExpression(x) && x.operatorToken.kind === ts.SyntaxKind.BarBarToken) return [...disjuncts(x.left), ...disjuncts(x.right)];
  return [x];
}

/** Does this statement always leave the function (a return, or a block ending in one)? */
function returns(st: ts.Statement): boolean {
  if (ts.isReturnStatement(st)) return true;
  return ts.isBlock(st) && st.statements.length > 0 && returns(st.statements[st.statements.length - 1]);
}

function conjuncts(e: ts.Expression): ts.Expression[] {
  const x = stripParens(e);
  if (ts.isBinaryExpression(x) && x.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) {
    return [...conjuncts(x.left), ...conjuncts(x.right)];
  }
  return [x];
}

function assignsNode(n: ts.Node, name: string): boolean {
  if (ts.isBinaryExpression(n) && isAssignment(n.operatorToken.kind)) {
    const l = stripParens(n.left);
    return ts.isIdentifier(l) && l.text === name;
  }
  return isIncDec(n) && ts.isIdentifier(n.operand) && n.operand.text === name;
}

/** Does `scope` assign the variable `name` (=, compound, ++/--)? */
function assigns(scope: ts.Node, name: string): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (assignsNode(n, name)) found = true;
    ts.forEachChild(n, visit);
  };
  visit(scope);
  return found;
}

/** In a while body: an assignment of `name` that can run between the guard and `access`: one
 * before it, or one in a loop (inside the body) that also contains it. */
function assignsBefore(scope: ts.Node, name: string, access: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (assignsNode(n, name)) {
      if (n.getStart() < access.getStart() || inSameInnerLoop(n, access, scope)) found = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(scope);
  return found;
}

function inSameInnerLoop(a: ts.Node, b: ts.Node, scope: ts.Node): boolean {
  for (let p = a.parent; p && p !== scope; p = p.parent) {
    if ((ts.isForStatement(p) || ts.isWhileStatement(p) || ts.isDoStatement(p)) && b.pos >= p.pos && b.end <= p.end) return true;
  }
  return false;
}

/** Does `scope` assign the buffer expression `text` (e.g. `data` or `this.view`)? */
function assignsText(scope: ts.Node, text: string, sf: ts.SourceFile): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && stripParens(n.left).getText(sf) === text) found = true;
    ts.forEachChild(n, visit);
  };
  visit(scope);
  return found;
}
