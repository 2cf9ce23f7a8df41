// Index proofs: when `b[i]` is known to be inside `b` (docs/fwts.md, Buffers). Direct indexing
// has no bounds check in C, so a proof that does not hold is an out-of-bounds access in C where
// Node reads undefined. Used by the subset checker (FW3003).
//
// A guard `E < b.length` proves the accesses `b[E]` it dominates (E a local, a field or
// arithmetic on them, spelled with the same bindings) as long as neither E nor `b` can change in
// between: not by an assignment in the guarded code, and not by a call that may assign a variable
// or field that outlives it (a function that rebinds a module-level `cur = view(...)`).
import { ts } from './program.ts';
import { type FwType, type Sema, enumMembers } from './sema.ts';

const UNSIGNED_WRAPS = new Set(['u8', 'u16', 'u32']);
const WRAPS = new Set(['u8', 'u16', 'u32', 'i8', 'i16', 'i32']);

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
    // `const k = u8(x & 3); T[k]`: a const local keeps what its initialiser proves by itself.
    const init = ts.isIdentifier(idx) ? constInitializer(this.sema, idx) : undefined;
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

  /** Inside `for (...; E < b.length; ...)`, `while (E < b.length)`, `if (E < b.length)` or
   * `E < b.length ? b[E] : d`, with the index E and the buffer b the same expressions as in the
   * guard (same bindings, not just the same names) and unchanged up to the access. E may be a
   * local, a field (`this.len`) or arithmetic on them without calls (`u32(seg + 1)`). */
  private guarded(idx: ts.Expression, access: ts.ElementAccessExpression, len: number | undefined): boolean {
    const base = access.expression;
    const idxReads = readsOf(this.sema, idx);
    const baseReads = readsOf(this.sema, base);
    if (!idxReads || !baseReads) return false;
    const reads = [...idxReads, ...baseReads];
    // Locals, parameters and `const` bindings cannot be changed by a call (FwTS has no closures).
    const local = reads.every((r) => r.local);
    for (let n: ts.Node = access; n.parent; n = n.parent) {
      const p = n.parent;
      if (ts.isFunctionLike(p)) break;
      if (ts.isBlock(p) && this.earlyReturn(p, n as ts.Statement, idx, access, reads, local)) return true;
      let guard: ts.Expression | undefined;
      let scope: ts.Node | undefined;
      if (ts.isForStatement(p) && n === p.statement) { guard = p.condition; scope = p.statement; }
      else if (ts.isIfStatement(p) && n === p.thenStatement) { guard = p.expression; scope = p.thenStatement; }
      else if (ts.isWhileStatement(p) && n === p.statement) { guard = p.expression; scope = p.statement; }
      else if (ts.isConditionalExpression(p) && n === p.whenTrue) { guard = p.condition; scope = p.whenTrue; }
      if (!guard || !scope) continue;
      for (const conj of conjuncts(guard)) {
        if (!ts.isBinaryExpression(conj) || conj.operatorToken.kind !== ts.SyntaxKind.LessThanToken) continue;
        const r = stripParens(conj.right);
        if (!sameValue(this.sema, conj.left, idx)) continue;
        // `E < b.length`, or `E < K` with K a constant no larger than b's static length.
        const bound = this.sema.exprType(r);
        const byConst = bound.k === 'lit' && len !== undefined && bound.value <= len;
        if (!byConst && (!ts.isPropertyAccessExpression(r) || r.name.text !== 'length' || !sameValue(this.sema, r.expression, base))) continue;
        // An assignment of E's or b's bindings between the test and the access voids the proof:
        // one before the access, or one in a loop inside the guarded code around it. One after
        // the access is fine: the guarded code does not reach the access again without the test
        // (a loop's update and test run first; an if's then-branch runs once per test).
        if (reads.some((b) => assignsRead(this.sema, scope, b, access))) continue;
        // A call that may rebind b (or E's bindings, when module state or fields) between the
        // test and the access: one in the guard, one that returns before the access starts, or
        // one in an inner loop around the access. (A call after the access is followed by the
        // loop's test again.)
        if (!local && (this.callRebinds(guard) || this.callRebinds(scope, access))) continue;
        return true;
      }
    }
    return false;
  }

  /** `if (E >= b.length) return ...;` earlier in the same block, with E and b unchanged (and, when
   * not locals, no call that may rebind them) from there to the access. */
  private earlyReturn(block: ts.Block, st: ts.Statement, idx: ts.Expression, access: ts.ElementAccessExpression,
    reads: readonly Read[], local: boolean): boolean {
    const at = block.statements.indexOf(st);
    for (let k = at - 1; k >= 0; k--) {
      const g = block.statements[k];
      if (!ts.isIfStatement(g) || g.elseStatement || !returns(g.thenStatement)) continue;
      const exits = disjuncts(g.expression).some((d) => {
        if (!ts.isBinaryExpression(d) || d.operatorToken.kind !== ts.SyntaxKind.GreaterThanEqualsToken) return false;
        const r = stripParens(d.right);
        return sameValue(this.sema, d.left, idx) && ts.isPropertyAccessExpression(r) && r.name.text === 'length' &&
          sameValue(this.sema, r.expression, access.expression);
      });
      if (!exits) continue;
      const between = block.statements.slice(k + 1, at);
      if (between.some((b) => reads.some((r) => assignsRead(this.sema, b, r)))) return false;
      if (reads.some((r) => assignsRead(this.sema, st, r, access))) return false;
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

/** A binding an index or buffer expression reads: a variable (by its declaration) or a property
 * path (`this.len`, `o.buf`). `local`: no called function can assign it. */
interface Read {
  readonly node: ts.Identifier | ts.PropertyAccessExpression;
  readonly decl: ts.Node | undefined;
  readonly local: boolean;
}

/** The bindings a side-effect-free expression reads (variables, property paths, `this`, literals,
 * operators, integer wraps); undefined when it may have effects or read memory (calls, indexing). */
function readsOf(sema: Sema, e: ts.Expression): Read[] | undefined {
  const x = stripParens(e);
  if (x.kind === ts.SyntaxKind.ThisKeyword || ts.isNumericLiteral(x)) return [];
  if (ts.isIdentifier(x)) {
    const d = sema.declOf(x);
    if (d && (ts.isEnumDeclaration(d) || ts.isFunctionDeclaration(d))) return undefined;
    return [{ node: x, decl: d, local: !calleeMayAssign(sema, x) }];
  }
  if (ts.isPropertyAccessExpression(x)) {
    const obj = stripParens(x.expression);
    // An enum member or a constant's property does not change.
    if (ts.isIdentifier(obj) && sema.enumObject(sema.declOf(obj))) return [];
    const inner = readsOf(sema, obj);
    return inner && [...inner, { node: x, decl: undefined, local: false }];
  }
  if (ts.isBinaryExpression(x)) {
    if (isAssignment(x.operatorToken.kind)) return undefined;
    const l = readsOf(sema, x.left);
    const r = readsOf(sema, x.right);
    return l && r && [...l, ...r];
  }
  if (ts.isPrefixUnaryExpression(x)) return isIncOrDec(x.operator) ? undefined : readsOf(sema, x.operand);
  if (ts.isCallExpression(x) && WRAPS.has(sema.preludeName(x.expression) ?? '') && x.arguments.length === 1) {
    return readsOf(sema, x.arguments[0]!);
  }
  return undefined;
}

/** Do `a` and `b` compute the same value from the same bindings (not merely the same text: an
 * inner `const i` shadowing the guard's `i` is another binding)? */
function sameValue(sema: Sema, a: ts.Expression, b: ts.Expression): boolean {
  const x = stripParens(a);
  const y = stripParens(b);
  if (x.kind !== y.kind) return false;
  if (x.kind === ts.SyntaxKind.ThisKeyword) return true;
  if (ts.isNumericLiteral(x) && ts.isNumericLiteral(y)) return Number(x.text) === Number(y.text);
  if (ts.isIdentifier(x) && ts.isIdentifier(y)) {
    const d = sema.declOf(x);
    return x.text === y.text && d !== undefined && d === sema.declOf(y);
  }
  if (ts.isPropertyAccessExpression(x) && ts.isPropertyAccessExpression(y)) {
    return x.name.text === y.name.text && sameValue(sema, x.expression, y.expression);
  }
  if (ts.isBinaryExpression(x) && ts.isBinaryExpression(y)) {
    return x.operatorToken.kind === y.operatorToken.kind && !isAssignment(x.operatorToken.kind) &&
      sameValue(sema, x.left, y.left) && sameValue(sema, x.right, y.right);
  }
  if (ts.isPrefixUnaryExpression(x) && ts.isPrefixUnaryExpression(y)) {
    return x.operator === y.operator && !isIncOrDec(x.operator) && sameValue(sema, x.operand, y.operand);
  }
  if (ts.isCallExpression(x) && ts.isCallExpression(y)) {
    const w = sema.preludeName(x.expression);
    return !!w && WRAPS.has(w) && w === sema.preludeName(y.expression) && x.arguments.length === 1 && y.arguments.length === 1 &&
      sameValue(sema, x.arguments[0]!, y.arguments[0]!);
  }
  return false;
}

/** Does `scope` assign the binding `r`? With `access`: only an assignment that can run before it
 * (before it in the text, or in a loop inside `scope` that also holds it). A variable is matched
 * by its declaration; a property path by its last name on any object, since another reference
 * may alias the same object (`other.len = 0` may change `this.len`). */
function assignsRead(sema: Sema, scope: ts.Node, r: Read, access?: ts.Node): boolean {
  const hits = (t: ts.Expression): boolean => {
    const x = stripParens(t);
    if (ts.isIdentifier(r.node)) return ts.isIdentifier(x) && x.text === r.node.text && sema.declOf(x) === r.decl;
    return ts.isPropertyAccessExpression(x) && x.name.text === r.node.name.text;
  };
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    let target: ts.Expression | undefined;
    if (ts.isBinaryExpression(n) && isAssignment(n.operatorToken.kind)) target = n.left;
    else if (isIncDec(n)) target = n.operand;
    if (target && hits(target) && (!access || n.getStart() < access.getStart() || inSameInnerLoop(n, access, scope))) found = true;
    ts.forEachChild(n, visit);
  };
  visit(scope);
  return found;
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

function isIncOrDec(op: ts.SyntaxKind): boolean {
  return op === ts.SyntaxKind.PlusPlusToken || op === ts.SyntaxKind.MinusMinusToken;
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

function inSameInnerLoop(a: ts.Node, b: ts.Node, scope: ts.Node): boolean {
  for (let p = a.parent; p && p !== scope; p = p.parent) {
    if ((ts.isForStatement(p) || ts.isWhileStatement(p) || ts.isDoStatement(p)) && b.pos >= p.pos && b.end <= p.end) return true;
  }
  return false;
}

