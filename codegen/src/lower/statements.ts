// Lowering of statements: blocks, declarations, assignments, if/while/do/for/switch, labelled
// jumps (flags: C99 has no labelled break), expression statements.
import { ts } from '../program.ts';
import { type FwType, intType, cIdent, literalValue } from '../sema.ts';
import { type CStmt, type DeclStmt, type IfStmt, decl, exprStmt, ifStmt, block, names } from './ir.ts';
import { U32, spell } from './ctype.ts';
import { type CNode, name as cname, call as ccall, cast, assign, sameNode, dependsOnStorage, TRUE, FALSE } from './cexpr.ts';
import { isLoop, nearestLoop, needsFlag, labelFlags } from './labels.ts';
import { LoweringError, skipParens } from './helpers.ts';
import { ExprLowering } from './expressions.ts';

export class StmtLowering extends ExprLowering {
  /** `(void)p;` for parameters the body never reads: -Wunused-parameter is part of -Wextra. */
  protected markUnused(params: readonly string[], body: CStmt[]): CStmt[] {
    const used = names(body);
    const unused = params.filter((n) => !used.has(n));
    return [...unused.map((n) => exprStmt(cast('void', cname(n)))), ...body];
  }

  protected block(stmts: readonly ts.Statement[], out: CStmt[], depth: number): void {
    for (const s of stmts) this.stmt(s, out, depth);
  }

  protected stmt(s: ts.Statement, out: CStmt[], depth: number): void {
    this.stmtInner(s, out, depth);
    if (isLoop(s) || ts.isSwitchStatement(s)) this.afterNested(s, out);
  }

  protected stmtInner(s: ts.Statement, out: CStmt[], depth: number): void {
    if (ts.isBlock(s)) {
      const body: CStmt[] = [];
      this.block(s.statements, body, depth + 1);
      out.push(this.at(block(body), s));
    } else if (ts.isVariableStatement(s)) {
      const d = s.declarationList.declarations[0];
      // A named integer constant (const n = 4) is inlined where used.
      if (s.declarationList.flags & ts.NodeFlags.Const && !d.type && d.initializer && literalValue(d.initializer) !== undefined) return;
      const type = this.sema.declType(d);
      const name = cIdent(d.name.getText(this.sf));
      this.localBytes += this.sizeOf(type, { k: 'value' });
      const init = d.initializer ? this.coerce(this.exprTop(d.initializer, out, depth), type) : undefined;
      out.push(this.at(decl(this.ctype(type), name, init), s));
    } else if (ts.isExpressionStatement(s)) {
      this.exprStatement(s.expression, out, depth, s);
    } else if (ts.isReturnStatement(s)) {
      if (!s.expression) { out.push(this.at({ k: 'return' }, s)); return; }
      // `return panic(...)` (any call that never returns): the call alone; C has no value to return.
      if (this.sema.checker.getTypeAtLocation(s.expression).flags & ts.TypeFlags.Never) {
        this.exprStatement(s.expression, out, depth, s);
        return;
      }
      const fn = ts.findAncestor(s, (n) => ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) as ts.SignatureDeclaration | undefined;
      const ret = fn ? this.returnType(fn) : { k: 'void' as const };
      const v = this.coerce(this.exprTop(s.expression, out, depth), ret);
      out.push(this.at({ k: 'return', x: v }, s));
    } else if (ts.isIfStatement(s)) {
      this.ifStatement(s, out, depth);
    } else if (ts.isWhileStatement(s)) {
      const pre: CStmt[] = [];
      const c = this.expr(s.expression, pre, depth + 1);
      const body: CStmt[] = [];
      this.body(s.statement, body, depth + 1);
      if (pre.length === 0) {
        out.push(this.at({ k: 'while', c: c.e, body }, s));
      } else {
        const exit: IfStmt = { ...this.at(ifStmt(this.not(c.e), [{ k: 'break' }]), s.expression), compact: true };
        out.push(this.at({ k: 'loop', body: [...pre, exit, ...body] }, s));
      }
    } else if (ts.isDoStatement(s)) {
      const body: CStmt[] = [];
      this.body(s.statement, body, depth + 1);
      const c = this.expr(s.expression, [], depth + 1);
      out.push(this.at({ k: 'do', body, c: c.e, cSrc: this.lineOf(s.expression) }, s));
    } else if (ts.isForStatement(s)) {
      this.forStatement(s, out, depth);
    } else if (ts.isSwitchStatement(s)) {
      let v = this.expr(s.expression, out, depth);
      if (v.lit !== undefined) {
        // A constant switch: clang warns when no case matches it; switch on a variable instead.
        const t = this.tmp();
        out.push(this.at(decl('uint32_t', t, this.litFor(v, 'uint32_t')), s));
        v = { e: cname(t), t: U32, stable: true };
      } else if (!dependsOnStorage(v.e)) {
        // A value clang can still fold (a `static const`, a conditional whose condition the
        // lowering decided, through && or a cast, `11u * K`): the same warning, the same cure.
        v = this.spill({ ...v, stable: false }, out, depth);
      }
      const cases = s.caseBlock.clauses.map((cl) => {
        const label = ts.isCaseClause(cl) ? this.litFor(this.expr(cl.expression, [], depth), spell(v.t)) : undefined;
        let body: CStmt[] | undefined;
        if (cl.statements.length) {
          body = [];
          this.block(cl.statements, body, depth + 2);
        }
        return { label, body, src: this.lineOf(cl) };
      });
      out.push(this.at({ k: 'switch', x: v.e, cases }, s));
    } else if (ts.isBreakStatement(s) || ts.isContinueStatement(s)) {
      const kw = ts.isBreakStatement(s) ? 'break' : 'continue';
      if (s.label && needsFlag(s)) {
        out.push(this.at(exprStmt(assign(cname(`fw_${kw}_${cIdent(s.label.text)}`), TRUE)), s));
        out.push({ k: 'break' });
      } else {
        out.push(this.at({ k: kw }, s));
      }
    } else if (ts.isLabeledStatement(s)) {
      this.labeled(s, out, depth);
    } else if (ts.isEmptyStatement(s)) {
      // nothing
    } else {
      throw new LoweringError(s, `statement ${ts.SyntaxKind[s.kind]}`);
    }
  }

  /** if / else if / else. An `else if` whose condition needs statements first is an `else`
   * block holding them and the `if`. */
  protected ifStatement(s: ts.IfStatement, out: CStmt[], depth: number): void {
    const c = this.expr(s.expression, out, depth);
    const top: IfStmt = this.at(ifStmt(c.e, this.bodyOf(s.thenStatement, depth + 1)), s);
    let last = top;
    let els = s.elseStatement;
    while (els) {
      if (ts.isIfStatement(els)) {
        const pre: CStmt[] = [];
        const c2 = this.expr(els.expression, pre, depth + 1);
        if (pre.length) {
          const inner = this.at(ifStmt(c2.e, this.bodyOf(els.thenStatement, depth + 2)), els);
          if (els.elseStatement) inner.else = this.bodyOf(els.elseStatement, depth + 2);
          last.else = [...pre, inner];
          break;
        }
        const next = this.at(ifStmt(c2.e, this.bodyOf(els.thenStatement, depth + 1)), els);
        last.else = next;
        last = next;
        els = els.elseStatement;
      } else {
        last.else = this.bodyOf(els, depth + 1);
        els = undefined;
      }
    }
    out.push(top);
  }

  protected body(s: ts.Statement, out: CStmt[], depth: number): void {
    if (ts.isBlock(s)) this.block(s.statements, out, depth);
    else this.stmt(s, out, depth);
  }

  protected bodyOf(s: ts.Statement, depth: number): CStmt[] {
    const out: CStmt[] = [];
    this.body(s, out, depth);
    return out;
  }

  protected forStatement(s: ts.ForStatement, out: CStmt[], depth: number): void {
    let init: CNode | DeclStmt | undefined;
    if (s.initializer && ts.isVariableDeclarationList(s.initializer)) {
      const d = s.initializer.declarations[0];
      const type = this.sema.declType(d);
      this.localBytes += this.sizeOf(type, { k: 'value' });
      const v = this.coerce(this.expr(d.initializer!, out, depth), type);
      init = decl(this.ctype(type), cIdent(d.name.getText(this.sf)), v);
    } else if (s.initializer) {
      init = this.forClause(s.initializer, s);
    }
    const pre: CStmt[] = [];
    const cond = s.condition ? this.expr(s.condition, pre, depth + 1) : undefined;
    const update = s.incrementor ? this.forClause(s.incrementor, s) : undefined;
    const body: CStmt[] = [];
    if (pre.length) body.push(...pre, { ...this.at(ifStmt(this.not(cond!.e), [{ k: 'break' }]), s.condition!), compact: true });
    this.body(s.statement, body, depth + 1);
    out.push(this.at({ k: 'for', init, c: pre.length ? undefined : cond?.e, update, body }, s));
  }

  /** `outer: for (...) { for (...) { break outer; } }`: C99 has no labelled jumps (and FwTS
   * emits no goto), so a jump out of an inner loop sets a flag that each enclosing loop checks. */
  protected labeled(s: ts.LabeledStatement, out: CStmt[], depth: number): void {
    const label = cIdent(s.label.text);
    const flags = labelFlags(s);
    if (flags.brk) out.push(this.at(decl('bool', `fw_break_${label}`, FALSE), s));
    if (flags.cont) out.push(this.at(decl('bool', `fw_continue_${label}`, FALSE), s));
    this.stmt(s.statement, out, depth);
  }

  /** After a nested loop or switch: leave it too if it set a labelled jump's flag. */
  protected afterNested(s: ts.Statement, out: CStmt[]): void {
    for (let p: ts.Node | undefined = s.parent; p; p = p.parent) {
      if (!ts.isLabeledStatement(p) || !isLoop(p.statement) || p.statement === s) continue;
      const flags = labelFlags(p);
      const label = cIdent(p.label.text);
      const brk = cname(`fw_break_${label}`);
      const cont = cname(`fw_continue_${label}`);
      if (flags.brk) out.push({ ...ifStmt(brk, [{ k: 'break' }]), compact: true });
      if (flags.cont) {
        if (nearestLoop(s) === p.statement) out.push({ ...ifStmt(cont, [exprStmt(assign(cont, FALSE)), { k: 'continue' }]), compact: true });
        else out.push({ ...ifStmt(cont, [{ k: 'break' }]), compact: true });
      }
    }
  }

  /** `for (init; ; update)`: each clause is one C expression (the checker allows no calls there
   * that would need statements first). */
  protected forClause(e: ts.Expression, node: ts.Node): CNode | undefined {
    const pre: CStmt[] = [];
    const x = this.exprStatementNode(e, pre, 0, node);
    if (pre.length) throw new LoweringError(e, 'a for clause that needs statements first');
    return x;
  }

  protected exprStatement(e: ts.Expression, out: CStmt[], depth: number, node: ts.Node): void {
    const x = this.exprStatementNode(e, out, depth, node);
    if (x) out.push(this.at(exprStmt(x), node));
  }

  /** The C expression of an expression statement (its preparation goes to `out`); undefined
   * when the statement was lowered to statements entirely. */
  protected exprStatementNode(e: ts.Expression, out: CStmt[], depth: number, node: ts.Node): CNode | undefined {
    e = skipParens(e);
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      return this.assign(e, out, depth);
    }
    if ((ts.isPostfixUnaryExpression(e) || ts.isPrefixUnaryExpression(e)) &&
        (e.operator === ts.SyntaxKind.PlusPlusToken || e.operator === ts.SyntaxKind.MinusMinusToken)) {
      const target = this.expr(e.operand, out, depth);
      return { k: 'postfix', op: e.operator === ts.SyntaxKind.PlusPlusToken ? '++' : '--', x: target.e };
    }
    if (ts.isCallExpression(e)) {
      const c = this.call(e, out, depth, true).e;
      return c.k === 'none' ? undefined : c;
    }
    const c = this.expr(e, out, depth);
    return cast('void', c.e);
  }

  /** An assignment: its C expression, or undefined when it became statements (`new` in place). */
  protected assign(e: ts.BinaryExpression, out: CStmt[], depth: number): CNode | undefined {
    const left = skipParens(e.left);
    // this.f = new C(...) embeds C: run its constructor in place.
    if (ts.isNewExpression(e.right) && ts.isPropertyAccessExpression(left)) {
      const target = this.expr(left, out, depth);
      this.lowerNewInto(e.right, target.e, out, depth);
      return undefined;
    }
    if (ts.isElementAccessExpression(left)) {
      // JS evaluates the target's base, then its index, then the value: a call in the value that
      // rebinds the buffer (`cur = view(...)`) must not move the write to the new one.
      let base = this.expr(left.expression, out, depth);
      const idxPre: CStmt[] = [];
      let idx = this.expr(left.argumentExpression, idxPre, depth);
      if (idxPre.length) base = this.spill(base, out, depth);
      out.push(...idxPre);
      const rhsPre: CStmt[] = [];
      const v = this.expr(e.right, rhsPre, depth);
      if (rhsPre.length) base = this.spill(base, out, depth);
      if ((rhsPre.length || (this.mayPanic(left.argumentExpression) && this.mayPanic(e.right))) && !idx.stable) idx = this.spill(idx, out, depth);
      out.push(...rhsPre);
      const bt = this.sema.exprType(left.expression);
      const elem: FwType = bt.k === 'table' ? bt.elem : intType('u8');
      return assign(this.indexC(base, idx), this.coerce(v, elem));
    }
    const target = this.expr(left, out, depth);
    const t = this.sema.exprType(left);
    const v = this.coerce(this.exprTop(e.right, out, depth), t);
    // An embedded object is named by its address (`&self->obj`): the assignment is to the object.
    const lhs = target.e.k === 'unary' && target.e.op === '&' ? target.e.x : target.e;
    // `x = x` (e.g. x = u8(x) on a u8): clang's -Wself-assign; it only reads x.
    if (sameNode(lhs, v)) return cast('void', lhs);
    return assign(lhs, v);
  }

  /** `new C(args)` constructing into `target` (a pointer expression). */
  protected lowerNewInto(e: ts.NewExpression, target: CNode, out: CStmt[], depth = 0): void {
    const t = this.sema.exprType(e);
    if (t.k !== 'class') return;
    const args = this.args(e, e.arguments ?? [], out, depth);
    out.push(this.at(exprStmt(ccall(`${t.name}_init`, target, ...args)), e));
    this.calls.add(`${t.name}_init`);
  }
}
