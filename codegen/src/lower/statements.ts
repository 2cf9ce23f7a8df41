// Lowering of statements: blocks, declarations, assignments, if/while/do/for/switch, labelled
// jumps (flags: C99 has no labelled break), expression statements.
import { ts } from '../program.ts';
import { type FwType, intType, cIdent, literalValue } from '../sema.ts';
import { type Line, type Piece, C, L } from './ir.ts';
import { U32, spell } from './ctype.ts';
import { type CNode, name as cname, call as ccall, cast, assign, sameNode, dependsOnStorage } from './cexpr.ts';
import { isLoop, nearestLoop, needsFlag, labelFlags } from './labels.ts';
import { LoweringError, skipParens } from './helpers.ts';
import { ExprLowering } from './expressions.ts';

export class StmtLowering extends ExprLowering {
  /** `(void)p;` for parameters the body never reads: -Wunused-parameter is part of -Wextra. */
  protected markUnused(names: readonly string[], body: Line[]): Line[] {
    const used = new Set(body.flatMap((l) => l.refs ?? []));
    const unused = names.filter((n) => !used.has(n));
    return [...unused.map((n) => L(C`  ${cast('void', cname(n))};`)), ...body];
  }

  protected block(stmts: readonly ts.Statement[], out: Line[], depth: number): void {
    for (const s of stmts) this.stmt(s, out, depth);
  }

  protected stmt(s: ts.Statement, out: Line[], depth: number): void {
    this.stmtInner(s, out, depth);
    if (isLoop(s) || ts.isSwitchStatement(s)) this.afterNested(s, out, depth);
  }

  protected stmtInner(s: ts.Statement, out: Line[], depth: number): void {
    const I = this.ind(depth);
    if (ts.isBlock(s)) {
      out.push(this.line(C`${I}{`, s));
      this.block(s.statements, out, depth + 1);
      out.push(L(C`${I}}`));
    } else if (ts.isVariableStatement(s)) {
      const d = s.declarationList.declarations[0];
      // A named integer constant (const n = 4) is inlined where used.
      if (s.declarationList.flags & ts.NodeFlags.Const && !d.type && d.initializer && literalValue(d.initializer) !== undefined) return;
      const type = this.sema.declType(d);
      const name = cIdent(d.name.getText(this.sf));
      this.localBytes += this.sizeOf(type, { k: 'value' });
      if (d.initializer) {
        const v = this.coerce(this.exprTop(d.initializer, out, depth), type);
        out.push(this.line(C`${I}${this.decl(type, name)} = ${v};`, s));
      } else {
        out.push(this.line(C`${I}${this.decl(type, name)};`, s));
      }
    } else if (ts.isExpressionStatement(s)) {
      this.exprStatement(s.expression, out, depth, s);
    } else if (ts.isReturnStatement(s)) {
      if (!s.expression) { out.push(this.line(C`${I}return;`, s)); return; }
      // `return panic(...)` (any call that never returns): the call alone; C has no value to return.
      if (this.sema.checker.getTypeAtLocation(s.expression).flags & ts.TypeFlags.Never) {
        this.exprStatement(s.expression, out, depth, s);
        return;
      }
      const fn = ts.findAncestor(s, (n) => ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) as ts.SignatureDeclaration | undefined;
      const ret = fn ? this.returnType(fn) : { k: 'void' as const };
      const v = this.coerce(this.exprTop(s.expression, out, depth), ret);
      out.push(this.line(C`${I}return ${v};`, s));
    } else if (ts.isIfStatement(s)) {
      const c = this.expr(s.expression, out, depth);
      out.push(this.line(C`${I}if (${c.e}) {`, s));
      this.body(s.thenStatement, out, depth + 1);
      let els = s.elseStatement;
      while (els) {
        if (ts.isIfStatement(els)) {
          const pre: Line[] = [];
          const c2 = this.expr(els.expression, pre, depth + 1);
          if (pre.length) {
            out.push(L(C`${I}} else {`));
            out.push(...pre);
            out.push(this.line(C`${I}  if (${c2.e}) {`, els));
            this.body(els.thenStatement, out, depth + 2);
            if (els.elseStatement) {
              out.push(L(C`${I}  } else {`));
              this.body(els.elseStatement, out, depth + 2);
            }
            out.push(L(C`${I}  }`));
            els = undefined;
            break;
          }
          out.push(this.line(C`${I}} else if (${c2.e}) {`, els));
          this.body(els.thenStatement, out, depth + 1);
          els = els.elseStatement;
        } else {
          out.push(L(C`${I}} else {`));
          this.body(els, out, depth + 1);
          els = undefined;
        }
      }
      out.push(L(C`${I}}`));
    } else if (ts.isWhileStatement(s)) {
      const pre: Line[] = [];
      const c = this.expr(s.expression, pre, depth + 1);
      if (pre.length === 0) {
        out.push(this.line(C`${I}while (${c.e}) {`, s));
      } else {
        out.push(this.line(C`${I}for (;;) {`, s), ...pre, this.line(C`${I}  if (${this.not(c.e)}) break;`, s.expression));
      }
      this.body(s.statement, out, depth + 1);
      out.push(L(C`${I}}`));
    } else if (ts.isDoStatement(s)) {
      out.push(this.line(C`${I}do {`, s));
      this.body(s.statement, out, depth + 1);
      const c = this.expr(s.expression, [], depth + 1);
      out.push(this.line(C`${I}} while (${c.e});`, s.expression));
    } else if (ts.isForStatement(s)) {
      this.forStatement(s, out, depth);
    } else if (ts.isSwitchStatement(s)) {
      let v = this.expr(s.expression, out, depth);
      if (v.lit !== undefined) {
        // A constant switch: clang warns when no case matches it; switch on a variable instead.
        const t = this.tmp();
        out.push(this.line(C`${I}uint32_t ${t} = ${this.litFor(v, 'uint32_t')};`, s));
        v = { e: cname(t), t: U32, stable: true };
      } else if (!dependsOnStorage(v.e)) {
        // A value clang can still fold (a `static const`, a conditional whose condition the
        // lowering decided, through && or a cast, `11u * K`): the same warning, the same cure.
        v = this.spill({ ...v, stable: false }, out, depth);
      }
      out.push(this.line(C`${I}switch (${v.e}) {`, s));
      for (const cl of s.caseBlock.clauses) {
        if (ts.isCaseClause(cl)) {
          const cv = this.expr(cl.expression, [], depth);
          out.push(this.line(C`${I}  case ${this.litFor(cv, spell(v.t))}:`, cl));
        } else {
          out.push(this.line(C`${I}  default:`, cl));
        }
        if (cl.statements.length) {
          out.push(L(C`${I}  {`));
          this.block(cl.statements, out, depth + 2);
          out.push(L(C`${I}  }`));
        }
      }
      out.push(L(C`${I}}`));
    } else if (ts.isBreakStatement(s) || ts.isContinueStatement(s)) {
      const kw = ts.isBreakStatement(s) ? 'break' : 'continue';
      if (s.label && needsFlag(s)) {
        out.push(this.line(C`${I}fw_${kw}_${cIdent(s.label.text)} = true;`, s));
        out.push(L(C`${I}break;`));
      } else {
        out.push(this.line(C`${I}${kw};`, s));
      }
    } else if (ts.isLabeledStatement(s)) {
      this.labeled(s, out, depth);
    } else if (ts.isEmptyStatement(s)) {
      // nothing
    } else {
      throw new LoweringError(s, `statement ${ts.SyntaxKind[s.kind]}`);
    }
  }

  protected body(s: ts.Statement, out: Line[], depth: number): void {
    if (ts.isBlock(s)) this.block(s.statements, out, depth);
    else this.stmt(s, out, depth);
  }

  protected forStatement(s: ts.ForStatement, out: Line[], depth: number): void {
    const I = this.ind(depth);
    let init: Piece = C``;
    if (s.initializer && ts.isVariableDeclarationList(s.initializer)) {
      const d = s.initializer.declarations[0];
      const type = this.sema.declType(d);
      this.localBytes += this.sizeOf(type, { k: 'value' });
      const v = this.coerce(this.expr(d.initializer!, out, depth), type);
      init = C`${this.decl(type, cIdent(d.name.getText(this.sf)))} = ${v}`;
    } else if (s.initializer) {
      init = this.forClause(s.initializer, s);
    }
    const pre: Line[] = [];
    const cond = s.condition ? this.expr(s.condition, pre, depth + 1) : undefined;
    const upd = s.incrementor ? this.forClause(s.incrementor, s) : C``;
    if (pre.length === 0) {
      out.push(this.line(C`${I}for (${init}; ${cond ? cond.e : ''}; ${upd}) {`, s));
    } else {
      out.push(this.line(C`${I}for (${init}; ; ${upd}) {`, s), ...pre, this.line(C`${I}  if (${this.not(cond!.e)}) break;`, s.condition!));
    }
    this.body(s.statement, out, depth + 1);
    out.push(L(C`${I}}`));
  }

  /** `outer: for (...) { for (...) { break outer; } }`: C99 has no labelled jumps (and FwTS
   * emits no goto), so a jump out of an inner loop sets a flag that each enclosing loop checks. */
  protected labeled(s: ts.LabeledStatement, out: Line[], depth: number): void {
    const I = this.ind(depth);
    const label = cIdent(s.label.text);
    const flags = labelFlags(s);
    if (flags.brk) out.push(this.line(C`${I}bool fw_break_${label} = false;`, s));
    if (flags.cont) out.push(this.line(C`${I}bool fw_continue_${label} = false;`, s));
    this.stmt(s.statement, out, depth);
  }

  /** After a nested loop or switch: leave it too if it set a labelled jump's flag. */
  protected afterNested(s: ts.Statement, out: Line[], depth: number): void {
    const I = this.ind(depth);
    for (let p: ts.Node | undefined = s.parent; p; p = p.parent) {
      if (!ts.isLabeledStatement(p) || !isLoop(p.statement) || p.statement === s) continue;
      const flags = labelFlags(p);
      const label = cIdent(p.label.text);
      if (flags.brk) out.push(L(C`${I}if (fw_break_${label}) break;`));
      if (flags.cont) {
        if (nearestLoop(s) === p.statement) out.push(L(C`${I}if (fw_continue_${label}) { fw_continue_${label} = false; continue; }`));
        else out.push(L(C`${I}if (fw_continue_${label}) break;`));
      }
    }
  }

  /** `for (init; ; update)`: each clause is one C expression (the checker allows no calls there
   * that would need statements first). */
  protected forClause(e: ts.Expression, node: ts.Node): Piece {
    const pre: Line[] = [];
    const x = this.exprStatementNode(e, pre, 0, node);
    if (pre.length) throw new LoweringError(e, 'a for clause that needs statements first');
    return x ? C`${x}` : C``;
  }

  protected exprStatement(e: ts.Expression, out: Line[], depth: number, node: ts.Node): void {
    const x = this.exprStatementNode(e, out, depth, node);
    if (x) out.push(this.line(C`${this.ind(depth)}${x};`, node));
  }

  /** The C expression of an expression statement (its preparation goes to `out`); undefined
   * when the statement was lowered to statements entirely. */
  protected exprStatementNode(e: ts.Expression, out: Line[], depth: number, node: ts.Node): CNode | undefined {
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
  protected assign(e: ts.BinaryExpression, out: Line[], depth: number): CNode | undefined {
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
      const idxPre: Line[] = [];
      let idx = this.expr(left.argumentExpression, idxPre, depth);
      if (idxPre.length) base = this.spill(base, out, depth);
      out.push(...idxPre);
      const rhsPre: Line[] = [];
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
  protected lowerNewInto(e: ts.NewExpression, target: CNode, out: Line[], depth = 0): void {
    const I = this.ind(depth);
    const t = this.sema.exprType(e);
    if (t.k !== 'class') return;
    const args = this.args(e, e.arguments ?? [], out, depth);
    out.push(this.line(C`${I}${ccall(`${t.name}_init`, target, ...args)};`, e));
    this.calls.add(`${t.name}_init`);
  }
}
