// The FwTS subset checker: an allow-list walk over the typed AST. Every node kind it does not
// know is rejected (FW1001); every rule has a numbered diagnostic (catalogue.ts). It keeps going
// after an error so one run reports every problem, and it never throws: an internal failure
// becomes FW9001 on the statement being checked.
import { ts, packageModule } from '../program.ts';
import {
  type Sema, type FwType, describe, isIntLike, magOf, literalValue, stripAsConst, enumMembers, INT_NAMES,
} from '../sema.ts';
import { makeDiagnostic } from './report.ts';
import { isCompoundAssignment } from './ts-hints.ts';
import { callFacts, callTargets, type CallFacts, type Fn } from './callgraph.ts';
import { checkInitOrder } from './init-order.ts';
import { checkFnValues } from './fn-values.ts';
import { IndexProofs } from '../proofs.ts';
import type { Code } from './catalogue.ts';

const PRELUDE_HOST_ONLY = new Set(['FwPanic', 'setLogSink', 'asBytes', 'Panic']);
const PRELUDE_INDEX_ARGS: Record<string, number[]> = {
  rd8: [1], rd16le: [1], rd16be: [1], rd32le: [1], rd32be: [1],
  wr8: [1], wr16le: [1], wr16be: [1], wr32le: [1], wr32be: [1],
  view: [1, 2], copy: [1], fill: [2, 3],
};
const MAX_LOG_VALUES = 4;

export function checkProgram(sema: Sema, sources: readonly ts.SourceFile[]): ts.Diagnostic[] {
  const out: ts.Diagnostic[] = [];
  for (const sf of sources) {
    const c = new FileChecker(sema, sf, out);
    c.run();
  }
  try {
    const facts = callFacts(sema, sources);
    out.push(...checkRecursion(sema, sources, facts));
    out.push(...checkNames(sema, sources));
    out.push(...checkInitOrder(sema, sources, facts));
    out.push(...checkFnValues(sema, sources));
  } catch (err) {
    if (sources[0]) out.push(makeDiagnostic(sources[0], 9001, [String((err as Error)?.message ?? err)]));
  }
  return out;
}

class FileChecker {
  private readonly sema: Sema;
  private readonly sf: ts.SourceFile;
  private readonly out: ts.Diagnostic[];
  private readonly proofs: IndexProofs;

  constructor(sema: Sema, sf: ts.SourceFile, out: ts.Diagnostic[]) {
    this.sema = sema;
    this.proofs = new IndexProofs(sema);
    this.sf = sf;
    this.out = out;
  }

  private report(node: ts.Node, code: Code, args: readonly string[] = [], related?: ts.Node): void {
    this.out.push(makeDiagnostic(node, code, args, related));
  }

  run(): void {
    for (const st of this.sf.statements) {
      try {
        this.topLevel(st);
      } catch (err) {
        this.report(st, 9001, [String((err as Error)?.stack?.split('\n').slice(0, 2).join(' ') ?? err)]);
      }
    }
  }

  // ---------------------------------------------------------------- top level

  private topLevel(st: ts.Statement): void {
    if (ts.canHaveDecorators(st) && ts.getDecorators(st)?.length) this.report(st, 1001, ['decorators']);
    if (ts.isImportDeclaration(st)) return this.importDecl(st);
    if (ts.isVariableStatement(st)) return this.varStatement(st, true);
    if (ts.isFunctionDeclaration(st)) return this.functionDecl(st);
    if (ts.isClassDeclaration(st)) return this.classDecl(st);
    if (ts.isInterfaceDeclaration(st)) return this.interfaceDecl(st);
    if (ts.isTypeAliasDeclaration(st)) return this.typeAlias(st);
    if (ts.isEmptyStatement(st)) return;
    if (ts.isExportDeclaration(st) && this.reExportsPrelude(st)) return; // fw_rt.h: nothing to lower
    if (ts.isExportDeclaration(st) || ts.isExportAssignment(st)) return this.report(st, 1020);
    if (ts.isEnumDeclaration(st)) return this.report(st, 1001, ['enum (use an as const object)']);
    if (ts.isModuleDeclaration(st)) return this.report(st, 1001, ['namespace']);
    if (ts.isImportEqualsDeclaration(st)) return this.report(st, 1020);
    this.report(st, 1018);
  }

  private importDecl(st: ts.ImportDeclaration): void {
    const spec = st.moduleSpecifier;
    const clause = st.importClause;
    const relative = ts.isStringLiteral(spec) && ((spec.text.startsWith('.') && spec.text.endsWith('.ts')) || packageModule(spec.text) !== undefined);
    if (!relative || !clause || clause.name || (clause.namedBindings && !ts.isNamedImports(clause.namedBindings))) {
      this.report(st, 1020);
    }
  }

  /** `export * from '../lib/prelude.ts'` (or named): how `urpc/fwts` offers the prelude with the Tensor API. */
  private reExportsPrelude(st: ts.ExportDeclaration): boolean {
    if (st.moduleSpecifier === undefined || st.isTypeOnly) return false;
    const target = this.sema.checker.getSymbolAtLocation(st.moduleSpecifier)?.declarations?.[0];
    return target !== undefined && ts.isSourceFile(target) && this.sema.isPrelude(target);
  }

  private functionDecl(d: ts.FunctionDeclaration): void {
    if (!ts.isSourceFile(d.parent)) return this.report(d.name ?? d, 1016, ['nested functions']);
    if (!d.body && d.name && isOverloaded(d)) return this.report(d, 1025, [d.name.text]);
    if (!d.body) return this.report(d, 1001, ['a function without a body (use /** @extern */ with a Node body)']);
    this.signature(d);
    if (this.sema.isExtern(d)) return; // The body is the Node implementation; C gets the platform's.
    this.block(d.body);
  }

  private signature(d: ts.SignatureDeclaration): void {
    if (d.typeParameters?.length) return this.report(d.typeParameters[0], 1022);
    const mods = ts.canHaveModifiers(d) ? ts.getModifiers(d) ?? [] : [];
    for (const m of mods) {
      if (m.kind === ts.SyntaxKind.AsyncKeyword) this.report(m, 1001, ['async']);
      if (m.kind === ts.SyntaxKind.StaticKeyword) this.report(m, 1021, ['static members']);
      if (m.kind === ts.SyntaxKind.AbstractKeyword) this.report(m, 1021, ['abstract members']);
    }
    if ((ts.isFunctionDeclaration(d) || ts.isMethodDeclaration(d)) && d.asteriskToken) this.report(d, 1001, ['generators']);
    for (const p of d.parameters) {
      if (!ts.isIdentifier(p.name)) this.report(p.name, 1003);
      else if (p.dotDotDotToken) this.report(p, 1004);
      else if (p.questionToken || p.initializer) this.report(p, 1005);
      else if (ts.getModifiers(p)?.length) this.report(p, 1021, ['parameter properties']);
      else if (p.type) this.declaredType(p.type, this.sema.declType(p), false);
    }
    if (d.type) this.declaredType(d.type, this.sema.fromType(this.sema.checker.getSignatureFromDeclaration(d)!.getReturnType()), false, true);
  }

  /** A declared (or inferred) type must be one FwTS can lower. */
  private declaredType(at: ts.Node, t: FwType, tableOk: boolean, isReturn = false): boolean {
    switch (t.k) {
      case 'int': case 'bool': case 'bytes': case 'class': case 'iface': case 'enum': case 'fn': return true;
      case 'void': case 'never': if (isReturn) return true; break;
      case 'table': if (tableOk && isIntLike(t.elem) || (tableOk && t.elem.k === 'fn')) return true; break;
      case 'num': this.report(at, 2001, ['number']); return false;
      case 'anyint': this.report(at, 2001, ['number']); return false;
    }
    if (t.k === 'bad' && t.text === 'bigint') this.report(at, 2001, ['bigint']);
    else if (t.k === 'bad' && /\b(null|undefined)\b/.test(t.text)) this.report(at, 1010, [t.text]);
    else if (t.k === 'bad' && /\bstring\b/.test(t.text)) this.report(at, 1011);
    else if (t.k === 'table') this.report(at, 1023, ['array types']);
    else this.report(at, 1001, [`type '${describe(t)}'`]);
    return false;
  }

  private typeAlias(d: ts.TypeAliasDeclaration): void {
    if (d.typeParameters?.length) return this.report(d.typeParameters[0], 1022);
    if (ts.isFunctionTypeNode(d.type)) {
      for (const p of d.type.parameters) {
        if (!ts.isIdentifier(p.name) || p.dotDotDotToken || p.questionToken || !p.type) this.report(p, 1005);
        else this.declaredType(p.type, this.sema.declType(p), false);
      }
      return;
    }
    if (this.sema.enumOfAlias(d)) return;
    this.report(d, 1001, ['a type alias other than an enum or a function type (write the type itself)']);
  }

  private interfaceDecl(d: ts.InterfaceDeclaration): void {
    if (d.typeParameters?.length) this.report(d.typeParameters[0], 1022);
    if (d.heritageClauses?.length) this.report(d.heritageClauses[0], 1015);
    const seen = new Set<string>();
    for (const m of d.members) {
      if (ts.isMethodSignature(m)) {
        const name = m.name.getText(this.sf);
        if (seen.has(name)) this.report(m, 1025, [name]);
        seen.add(name);
        if (m.questionToken) this.report(m, 1005);
        this.signature(m);
      } else {
        this.report(m, 1021, ['interface properties (only methods)']);
      }
    }
  }

  private classDecl(d: ts.ClassDeclaration): void {
    if (!d.name) return this.report(d, 1001, ['anonymous classes']);
    if (d.typeParameters?.length) this.report(d.typeParameters[0], 1022);
    for (const h of d.heritageClauses ?? []) {
      if (h.token === ts.SyntaxKind.ExtendsKeyword) this.report(h, 1015);
    }
    const mods = ts.getModifiers(d) ?? [];
    if (mods.some((m) => m.kind === ts.SyntaxKind.AbstractKeyword)) this.report(d, 1021, ['abstract classes']);
    for (const m of d.members) {
      const isStatic = ts.canHaveModifiers(m) && ts.getModifiers(m)?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword);
      if (isStatic) { this.report(m, 1021, ['static members']); continue; }
      if (ts.isPropertyDeclaration(m)) {
        if (!ts.isIdentifier(m.name)) { this.report(m.name, 1001, ['computed or private (#) names']); continue; }
        if (m.questionToken || m.exclamationToken) this.report(m, 1010, ['optional fields']);
        if (m.type) this.declaredType(m.type, this.sema.declType(m), false);
        else if (m.initializer) this.declaredType(m.name, this.sema.declType(m), false);
        if (m.initializer) this.initializer(m.initializer, 'field');
      } else if (ts.isMethodDeclaration(m)) {
        if (!ts.isIdentifier(m.name)) { this.report(m.name, 1001, ['computed or private (#) names']); continue; }
        if (!m.body) { this.report(m, 1025, [m.name.text]); continue; }
        this.signature(m);
        this.block(m.body);
      } else if (ts.isConstructorDeclaration(m)) {
        if (!m.body) { this.report(m, 1025, ['constructor']); continue; }
        this.signature(m);
        this.block(m.body);
      } else if (ts.isGetAccessor(m) || ts.isSetAccessor(m)) {
        this.report(m, 1021, ['getters and setters']);
      } else if (ts.isClassStaticBlockDeclaration(m)) {
        this.report(m, 1021, ['static blocks']);
      } else if (!ts.isSemicolonClassElement(m)) {
        this.report(m, 1001, [ts.SyntaxKind[m.kind]]);
      }
    }
  }

  // ---------------------------------------------------------------- declarations

  private varStatement(st: ts.VariableStatement, top: boolean): void {
    const list = st.declarationList;
    if (!(list.flags & (ts.NodeFlags.Const | ts.NodeFlags.Let))) this.report(st, 1002);
    const scoped = list.flags & ts.NodeFlags.BlockScoped;
    if (scoped === ts.NodeFlags.Using || scoped === ts.NodeFlags.AwaitUsing) this.report(st, 1001, ['using']);
    if (list.declarations.length !== 1) this.report(list.declarations[1] ?? st, 1017);
    const d = list.declarations[0];
    if (!d) return;
    if (!ts.isIdentifier(d.name)) return this.report(d.name, 1003);
    if (!d.initializer) return this.report(d, 1001, ['a variable without an initialiser']);
    const isConst = !!(list.flags & ts.NodeFlags.Const);
    const init = d.initializer;
    // Named constants: const N = 256.
    if (isConst && !d.type && literalValue(init) !== undefined) return this.literalInRange(init);
    if (top && this.sema.enumObject(d)) return this.enumObject(d);
    const t = this.sema.declType(d);
    if (top && t.k === 'table') return this.table(d, t);
    if (d.type) {
      if (this.declaredType(d.type, t, false)) this.initializer(init, top ? 'top' : 'local');
      return;
    }
    // Inferred type: a rejected initialiser explains itself; report the type only otherwise.
    const before = this.out.length;
    if (t.k === 'num') return this.observed(init);
    this.initializer(init, top ? 'top' : 'local');
    if (this.out.length === before) this.declaredType(d.name, t, false);
  }

  /** Allocation (bytes(), new) is allowed only where it runs once, at start-up. */
  private initializer(init: ts.Expression, where: 'top' | 'field' | 'local' | 'ctor'): void {
    const e = stripParens(init);
    if (ts.isCallExpression(e) && this.sema.preludeName(e.expression) === 'bytes') {
      if (where === 'local') this.report(e, 3001, ['bytes()']);
      const n = e.arguments[0];
      const v = n ? this.constInt(n) : undefined;
      if (v === undefined || v < 0 || v > 0x7fffffff) this.report(n ?? e, 3002);
      return;
    }
    if (ts.isNewExpression(e)) {
      if (where === 'local') this.report(e, 3001, ["'new'"]);
      return this.newExpr(e);
    }
    if (ts.isArrayLiteralExpression(e) || ts.isObjectLiteralExpression(e)) {
      return this.report(e, 1023, [ts.isArrayLiteralExpression(e) ? 'array literals' : 'object literals']);
    }
    this.expr(init);
  }

  /** A compile-time integer: a literal, a named constant, or arithmetic on them (`N * 2 + 8`). */
  private constInt(e: ts.Expression): number | undefined {
    const t = this.sema.exprType(e);
    return t.k === 'lit' ? t.value : undefined;
  }

  private literalInRange(e: ts.Expression): void {
    const v = literalValue(e);
    if (v === undefined || !Number.isInteger(v) || v < -0x80000000 || v > 0xffffffff) this.report(e, 2002, [e.getText(this.sf)]);
  }

  private enumObject(d: ts.VariableDeclaration): void {
    const lit = stripAsConst(d.initializer!);
    if (!ts.isObjectLiteralExpression(lit)) return;
    for (const p of lit.properties) {
      if (!ts.isPropertyAssignment(p) || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) {
        this.report(p, 1001, ['this enum member form']);
        continue;
      }
      const v = literalValue(p.initializer);
      if (v !== undefined && Number.isInteger(v) && v < 0 && v >= -0x80000000) this.report(p.initializer, 2016, [p.initializer.getText(this.sf)]);
      else if (v === undefined || !Number.isInteger(v) || v < 0 || v > 0xffffffff) this.report(p.initializer, 2002, [p.initializer.getText(this.sf)]);
    }
    if (enumMembers(d).size === 0) this.report(d, 1001, ['an empty enum']);
  }

  private table(d: ts.VariableDeclaration, t: Extract<FwType, { k: 'table' }>): void {
    const init = stripAsConst(d.initializer!);
    if (!ts.isArrayLiteralExpression(init)) return this.report(d.initializer!, 3006, ['a table']);
    if (!(d.parent.flags & ts.NodeFlags.Const)) this.report(d, 3006, ['a table (declare it const)']);
    if (!isIntLike(t.elem) && t.elem.k !== 'fn') return this.report(d.type ?? d.name, 1024, [describeElem(t.elem)]);
    if (init.elements.length === 0) this.report(init, 3006, ['an empty table']);
    for (const el of init.elements) {
      if (t.elem.k === 'fn') {
        const decl = ts.isIdentifier(el) ? this.sema.declOf(el) : undefined;
        if (!decl || !ts.isFunctionDeclaration(decl)) this.report(el, 3006, ['a table element (a top-level function)']);
        continue;
      }
      const inner = ts.isCallExpression(el) && this.isWrap(el) ? el.arguments[0] : el;
      const v = inner ? literalValue(inner) ?? (ts.isIdentifier(inner) ? this.sema.constValue(inner) : undefined) : undefined;
      if (v === undefined) this.report(el, 3006, ['a table element']);
      else if (!Number.isInteger(v) || v < -0x80000000 || v > 0xffffffff) this.report(inner!, 2002, [inner!.getText(this.sf)]);
    }
  }

  private isWrap(e: ts.CallExpression): boolean {
    const p = this.sema.preludeName(e.expression);
    return !!p && (INT_NAMES as readonly string[]).includes(p);
  }

  private newExpr(e: ts.NewExpression): void {
    const t = this.sema.exprType(e);
    if (t.k !== 'class') {
      const name = e.expression.getText(this.sf);
      return this.report(e, name === 'Uint8Array' ? 3004 : 4004, [name === 'Uint8Array' ? 'new Uint8Array (use bytes(N))' : name]);
    }
    if (e.typeArguments?.length) this.report(e.typeArguments[0], 1022);
    this.args(e, e.arguments ?? []);
  }

  // ---------------------------------------------------------------- statements

  private block(b: ts.Block): void {
    for (const s of b.statements) this.stmt(s);
  }

  private stmt(s: ts.Statement): void {
    switch (s.kind) {
      case ts.SyntaxKind.Block: return this.block(s as ts.Block);
      case ts.SyntaxKind.EmptyStatement: return;
      case ts.SyntaxKind.VariableStatement: return this.varStatement(s as ts.VariableStatement, false);
      case ts.SyntaxKind.ExpressionStatement: return this.exprStatement((s as ts.ExpressionStatement).expression);
      case ts.SyntaxKind.ReturnStatement: {
        const r = s as ts.ReturnStatement;
        if (r.expression) this.observed(r.expression);
        return;
      }
      case ts.SyntaxKind.IfStatement: {
        const i = s as ts.IfStatement;
        this.condition(i.expression);
        this.stmt(i.thenStatement);
        if (i.elseStatement) this.stmt(i.elseStatement);
        return;
      }
      case ts.SyntaxKind.WhileStatement: {
        const w = s as ts.WhileStatement;
        this.condition(w.expression);
        return this.stmt(w.statement);
      }
      case ts.SyntaxKind.DoStatement: {
        const d = s as ts.DoStatement;
        this.stmt(d.statement);
        this.condition(d.expression);
        if (containsUserCall(this.sema, d.expression)) this.report(d.expression, 4005);
        return;
      }
      case ts.SyntaxKind.ForStatement: return this.forStmt(s as ts.ForStatement);
      case ts.SyntaxKind.ForInStatement: return this.report(s, 1006, ['for…in']);
      case ts.SyntaxKind.ForOfStatement: return this.report(s, 1006, ['for…of']);
      case ts.SyntaxKind.SwitchStatement: return this.switchStmt(s as ts.SwitchStatement);
      case ts.SyntaxKind.BreakStatement:
      case ts.SyntaxKind.ContinueStatement:
        return;
      case ts.SyntaxKind.LabeledStatement: {
        const l = s as ts.LabeledStatement;
        if (!isLoopNode(l.statement)) this.report(l.label, 1026, [l.label.text]);
        return this.stmt(l.statement);
      }
      case ts.SyntaxKind.ThrowStatement: return this.report(s, 1007, ['throw']);
      case ts.SyntaxKind.TryStatement: return this.report(s, 1007, ['try']);
      case ts.SyntaxKind.FunctionDeclaration: return this.report((s as ts.FunctionDeclaration).name ?? s, 1016, ['nested functions']);
      case ts.SyntaxKind.ClassDeclaration: return this.report(s, 1001, ['a class declared inside a function']);
      case ts.SyntaxKind.WithStatement: return this.report(s, 1001, ['with']);
      case ts.SyntaxKind.DebuggerStatement: return this.report(s, 1001, ['debugger']);
    }
    this.report(s, 1001, [ts.SyntaxKind[s.kind]]);
  }

  private forStmt(f: ts.ForStatement): void {
    if (f.initializer) {
      if (ts.isVariableDeclarationList(f.initializer)) {
        const list = f.initializer;
        if (!(list.flags & (ts.NodeFlags.Const | ts.NodeFlags.Let))) this.report(list, 1002);
        if (list.declarations.length !== 1) this.report(list, 1017);
        const d = list.declarations[0];
        if (d && ts.isIdentifier(d.name) && d.initializer) {
          if (this.declaredType(d.type ?? d.name, this.sema.declType(d), false)) this.observed(d.initializer);
        } else if (d) this.report(d, 1001, ['this for-loop initialiser']);
      } else {
        this.exprStatement(f.initializer);
      }
    }
    if (f.condition) this.condition(f.condition);
    if (f.incrementor) {
      const inc = stripParens(f.incrementor);
      if (isIncDec(inc)) this.forUpdate(f, inc);
      else this.exprStatement(inc);
    }
    this.stmt(f.statement);
  }

  /** `i++` in `for (...; i < E; i++)`: safe only when i + 1 cannot leave i's type. */
  private forUpdate(f: ts.ForStatement, inc: ts.PrefixUnaryExpression | ts.PostfixUnaryExpression): void {
    const op = inc.operator === ts.SyntaxKind.PlusPlusToken ? '++' : '--';
    const fail = (): void => this.report(inc, 2008, [inc.getText(this.sf)]);
    if (!ts.isIdentifier(inc.operand)) return fail();
    const it = this.sema.exprType(inc.operand);
    const c = f.condition ? stripParens(f.condition) : undefined;
    if (it.k !== 'int' || !c || !ts.isBinaryExpression(c)) return fail();
    const want = op === '++' ? ts.SyntaxKind.LessThanToken : ts.SyntaxKind.GreaterThanToken;
    if (c.operatorToken.kind !== want || !ts.isIdentifier(c.left) || c.left.text !== inc.operand.text) return fail();
    const bound = this.sema.exprType(c.right);
    const boundOk =
      (bound.k === 'int' && bound.name === it.name) ||
      (bound.k === 'lit' && inRange(bound.value, it)) ||
      (it.name === 'u32' && isLengthOf(c.right));
    if (!boundOk) return fail();
    if (assigns(f.statement, inc.operand.text)) return fail();
  }

  private switchStmt(s: ts.SwitchStatement): void {
    const t = this.sema.exprType(s.expression);
    if (!isIntLike(t) || t.k === 'anyint') return this.report(s.expression, 2013, [describe(t)]);
    this.observed(s.expression);
    const clauses = s.caseBlock.clauses;
    // Fallthrough into a non-empty case is TS7029 (noFallthroughCasesInSwitch), so each C case
    // can stay a block of its own.
    const values = new Map<number, ts.Expression>();
    for (const cl of clauses) {
      if (ts.isCaseClause(cl)) {
        const ct = this.sema.exprType(cl.expression);
        const v = ct.k === 'lit' ? ct.value : this.enumMemberValue(cl.expression);
        const earlier = v === undefined ? undefined : values.get(v);
        if (v === undefined) this.report(cl.expression, 3006, ['a case label']);
        else if (t.k === 'int' && !inRange(v, t)) this.report(cl.expression, 2015, [cl.expression.getText(this.sf), t.name]);
        else if (earlier) this.report(cl.expression, 1027, [cl.expression.getText(this.sf), String(v), earlier.getText(this.sf)], earlier);
        else values.set(v, cl.expression);
      }
      for (const st of cl.statements) this.stmt(st);
    }
  }

  private enumMemberValue(e: ts.Expression): number | undefined {
    if (!ts.isPropertyAccessExpression(e) || !ts.isIdentifier(e.expression)) return undefined;
    const obj = this.sema.enumObject(this.sema.declOf(e.expression));
    return obj ? enumMembers(obj).get(e.name.text) : undefined;
  }

  private exprStatement(e: ts.Expression): void {
    e = stripParens(e);
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken) return this.assignment(e);
    if (ts.isBinaryExpression(e) && isCompoundAssignment(e.operatorToken.kind)) {
      return this.report(e.operatorToken, 1014, [e.operatorToken.getText(this.sf)]);
    }
    if (isIncDec(e)) return this.report(e, 2008, [e.getText(this.sf)]);
    if (ts.isCallExpression(e)) return this.call(e);
    this.report(e, 1001, ['an expression statement that is not a call or an assignment']);
  }

  private assignment(e: ts.BinaryExpression): void {
    const left = stripParens(e.left);
    if (ts.isIdentifier(left)) {
      // fine: TS checked the type
    } else if (ts.isPropertyAccessExpression(left)) {
      this.propertyAccess(left, true);
      const bt = this.sema.exprType(left.expression);
      if (bt.k === 'class') {
        const owned = ownedBufferField(this.sema, bt.decl, left.name.text);
        const inCtor = !!ts.findAncestor(e, ts.isConstructorDeclaration);
        if (owned && !(inCtor && left.expression.kind === ts.SyntaxKind.ThisKeyword)) this.report(left, 3005, [left.name.text]);
      }
    } else if (ts.isElementAccessExpression(left)) {
      this.elementAccess(left);
    } else {
      this.report(left, 1001, ['this assignment target']);
    }
    const right = stripParens(e.right);
    if (ts.isNewExpression(right) || (ts.isCallExpression(right) && this.sema.preludeName(right.expression) === 'bytes')) {
      const inCtor = ts.findAncestor(e, ts.isConstructorDeclaration);
      const toThisField = ts.isPropertyAccessExpression(left) && left.expression.kind === ts.SyntaxKind.ThisKeyword;
      return this.initializer(right, inCtor && toThisField ? 'ctor' : 'local');
    }
    this.observed(e.right);
  }

  // ---------------------------------------------------------------- expressions

  /** A condition: must be a boolean. */
  private condition(e: ts.Expression): void {
    const t = this.sema.exprType(e);
    if (t.k !== 'bool') this.report(e, 2009, [describe(t)]);
    this.expr(e);
  }

  /** A value that is stored, passed, returned or compared: intermediates must be wrapped. */
  private observed(e: ts.Expression): void {
    const before = this.out.length;
    this.expr(e);
    // An expression that is wrong in itself explains itself; do not pile a wrap error on top.
    if (this.out.length === before && this.sema.exprType(e).k === 'num') this.report(e, 2003, [e.getText(this.sf)]);
  }

  private expr(e: ts.Expression): void {
    switch (e.kind) {
      case ts.SyntaxKind.NumericLiteral: return this.literalInRange(e);
      case ts.SyntaxKind.BigIntLiteral: return this.report(e, 2002, [e.getText(this.sf)]);
      case ts.SyntaxKind.TrueKeyword: case ts.SyntaxKind.FalseKeyword: case ts.SyntaxKind.ThisKeyword: return;
      case ts.SyntaxKind.NullKeyword: return this.report(e, 1010, ['null']);
      case ts.SyntaxKind.StringLiteral: case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
      case ts.SyntaxKind.TemplateExpression: case ts.SyntaxKind.TaggedTemplateExpression:
        return this.report(e, 1011);
      case ts.SyntaxKind.ParenthesizedExpression: return this.expr((e as ts.ParenthesizedExpression).expression);
      case ts.SyntaxKind.Identifier: return this.identifier(e as ts.Identifier);
      case ts.SyntaxKind.PropertyAccessExpression: return this.propertyAccess(e as ts.PropertyAccessExpression, false);
      case ts.SyntaxKind.ElementAccessExpression: return this.elementAccess(e as ts.ElementAccessExpression);
      case ts.SyntaxKind.CallExpression: return this.call(e as ts.CallExpression);
      case ts.SyntaxKind.NewExpression: return this.report(e, 3001, ["'new'"]);
      case ts.SyntaxKind.BinaryExpression: return this.binary(e as ts.BinaryExpression);
      case ts.SyntaxKind.PrefixUnaryExpression: return this.prefix(e as ts.PrefixUnaryExpression);
      case ts.SyntaxKind.PostfixUnaryExpression: return this.report(e, 2008, [e.getText(this.sf)]);
      case ts.SyntaxKind.ConditionalExpression: {
        const c = e as ts.ConditionalExpression;
        this.condition(c.condition);
        this.observed(c.whenTrue);
        this.observed(c.whenFalse);
        return;
      }
      case ts.SyntaxKind.ArrowFunction: return this.report(e, 1016, ['arrow functions']);
      case ts.SyntaxKind.FunctionExpression: return this.report(e, 1016, ['function expressions']);
      case ts.SyntaxKind.ClassExpression: return this.report(e, 1001, ['class expressions (declare the class at top level)']);
      case ts.SyntaxKind.ObjectLiteralExpression: return this.report(e, 1023, ['object literals']);
      case ts.SyntaxKind.ArrayLiteralExpression: return this.report(e, 1023, ['array literals']);
      case ts.SyntaxKind.SpreadElement: return this.report(e, 1004);
      case ts.SyntaxKind.TypeOfExpression: return this.report(e, 1009, ['typeof']);
      case ts.SyntaxKind.DeleteExpression: return this.report(e, 1009, ['delete']);
      case ts.SyntaxKind.VoidExpression: return this.report(e, 1009, ['void']);
      case ts.SyntaxKind.AwaitExpression: return this.report(e, 1001, ['await']);
      case ts.SyntaxKind.YieldExpression: return this.report(e, 1001, ['yield']);
      case ts.SyntaxKind.NonNullExpression: return this.report(e, 1010, ['the non-null assertion !']);
      case ts.SyntaxKind.AsExpression: case ts.SyntaxKind.TypeAssertionExpression: case ts.SyntaxKind.SatisfiesExpression:
        return this.report(e, 1001, ['type assertions (they change nothing at run time; wrap with u8(...) etc.)']);
      case ts.SyntaxKind.RegularExpressionLiteral: return this.report(e, 1001, ['regular expressions']);
    }
    this.report(e, 1001, [ts.SyntaxKind[e.kind]]);
  }

  private identifier(id: ts.Identifier): void {
    if (id.text === 'undefined') return this.report(id, 1010, ['undefined']);
    if (id.text === 'arguments') return this.report(id, 1001, ['arguments']);
    const d = this.sema.declOf(id);
    if (!d) return;
    const sf = d.getSourceFile();
    if (sf.isDeclarationFile) {
      return this.report(id, id.text === 'Math' ? 2011 : 4004, [id.text]);
    }
    if (this.sema.isPrelude(sf)) {
      // A prelude function used as a value (not called).
      if (PRELUDE_HOST_ONLY.has(id.text)) return this.report(id, 4004, [id.text]);
      return this.report(id, 4004, [`${id.text} as a value`]);
    }
    if (ts.isClassDeclaration(d)) return this.report(id, 1021, ['class references as values']);
    if (this.sema.enumObject(d)) return this.report(id, 1001, ['an enum object as a value (use one member, e.g. Err.Ok)']);
    // A variable of an enclosing function is a capture; nested functions are rejected already.
  }

  private propertyAccess(e: ts.PropertyAccessExpression, isTarget: boolean): void {
    if (e.questionDotToken) return this.report(e, 1010, ['?.']);
    const name = e.name.text;
    if (ts.isIdentifier(e.expression)) {
      const d = this.sema.declOf(e.expression);
      if (d && ts.isSourceFile(d)) return; // a namespace import: FW1020 at the import says it all
      const obj = this.sema.enumObject(d);
      if (obj) {
        if (!enumMembers(obj).has(name)) this.report(e.name, 1001, ['this enum member']);
        return;
      }
      if (d && ts.isClassDeclaration(d)) return this.report(e, 1021, ['static members']);
      if (d && d.getSourceFile().isDeclarationFile) return this.report(e, e.expression.text === 'Math' ? 2011 : 4004, [e.getText(this.sf)]);
    }
    if (ts.isIdentifier(e.name) && ts.isPrivateIdentifier(e.name as ts.Node)) return this.report(e.name, 1001, ['private (#) names']);
    const bt = this.sema.exprType(e.expression);
    if (e.expression.kind !== ts.SyntaxKind.ThisKeyword) this.expr(e.expression);
    if (bt.k === 'bytes') {
      if (name !== 'length') this.report(e.name, 3004, [name]);
      else if (isTarget) this.report(e, 1001, ['assigning length']);
      return;
    }
    if (bt.k === 'table') {
      if (name !== 'length') this.report(e.name, 3004, [name]);
      return;
    }
    if (bt.k === 'class' || bt.k === 'iface') {
      const decl = this.sema.declOf(e.name);
      const isMethod = decl && (ts.isMethodDeclaration(decl) || ts.isMethodSignature(decl));
      const called = ts.isCallExpression(e.parent) && e.parent.expression === e;
      if (isMethod && !called) this.report(e, 4002, [name]);
      return;
    }
    this.report(e, 1001, [`property access on ${describe(bt)}`]);
  }

  private elementAccess(e: ts.ElementAccessExpression): void {
    if (e.questionDotToken) return this.report(e, 1010, ['?.']);
    const bt = this.sema.exprType(e.expression);
    if (bt.k !== 'bytes' && bt.k !== 'table') return this.report(e, 1001, [`indexing ${describe(bt)}`]);
    this.expr(e.expression);
    const it = this.sema.exprType(e.argumentExpression);
    if (!isIntLike(it)) return this.report(e.argumentExpression, 2013, [describe(it)]);
    this.observed(e.argumentExpression);
    if (it.k === 'num') return;
    if (bt.k === 'table' && tableOutsideTopLevel(this.sema, e.expression)) return; // FW1023 at its declaration is the cause
    if (!this.indexProven(e, it, bt)) {
      this.report(e.argumentExpression, bt.k === 'table' ? 3007 : 3003, [e.argumentExpression.getText(this.sf), e.expression.getText(this.sf)]);
    }
  }

  /** The index proofs FwTS knows (docs/fwts.md, Buffers): codegen/src/proofs.ts. */
  private indexProven(e: ts.ElementAccessExpression, _it: FwType, bt: FwType): boolean {
    return this.proofs.proven(e, this.staticLength(e.expression, bt));
  }

  private staticLength(b: ts.Expression, bt: FwType): number | undefined {
    if (bt.k === 'table' && bt.length >= 0) return bt.length;
    const inner = stripParens(b);
    let d: ts.Declaration | undefined;
    if (ts.isIdentifier(inner)) d = this.sema.declOf(inner);
    else if (ts.isPropertyAccessExpression(inner) && inner.expression.kind === ts.SyntaxKind.ThisKeyword) d = this.sema.declOf(inner.name);
    if (!d) return undefined;
    if (bt.k === 'table' && ts.isVariableDeclaration(d) && d.initializer) {
      const arr = stripAsConst(d.initializer);
      if (ts.isArrayLiteralExpression(arr)) return arr.elements.length;
    }
    let init: ts.Expression | undefined;
    if (ts.isVariableDeclaration(d) && d.parent.flags & ts.NodeFlags.Const) init = d.initializer;
    if (ts.isPropertyDeclaration(d) && ts.getModifiers(d)?.some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword)) init = d.initializer;
    if (init && ts.isCallExpression(init) && this.sema.preludeName(init.expression) === 'bytes' && init.arguments[0]) {
      return this.constInt(init.arguments[0]);
    }
    return undefined;
  }

  private call(e: ts.CallExpression): void {
    if (e.questionDotToken) return this.report(e, 1010, ['?.']);
    if (e.typeArguments?.length) this.report(e.typeArguments[0], 1022);
    const callee = stripParens(e.expression);
    const p = this.sema.preludeName(callee);
    if (p) return this.preludeCall(p, e);
    if (ts.isIdentifier(callee)) {
      const d = this.sema.declOf(callee);
      if (d?.getSourceFile().isDeclarationFile) return this.report(callee, 4004, [callee.text]);
      if (!d || !(ts.isFunctionDeclaration(d) || this.sema.declType(d).k === 'fn')) return this.report(callee, 4004, [callee.text]);
    } else if (ts.isPropertyAccessExpression(callee)) {
      this.propertyAccess(callee, false);
    } else if (ts.isElementAccessExpression(callee) && this.sema.exprType(callee).k === 'fn') {
      this.elementAccess(callee); // `HANDLERS[cmd](...)`, as `const h = HANDLERS[cmd]; h(...)`
    } else if (callee.kind === ts.SyntaxKind.SuperKeyword) {
      return this.report(callee, 1015);
    } else {
      return this.report(callee, 1001, ['calling this expression']);
    }
    this.args(e, e.arguments);
  }

  private args(call: ts.CallLikeExpression, args: readonly ts.Expression[]): void {
    const sig = this.sema.checker.getResolvedSignature(call);
    const decl = sig?.getDeclaration();
    args.forEach((a, i) => {
      const param = decl && !ts.isJSDocSignature(decl) ? decl.parameters[i] : undefined;
      const pt = param ? this.sema.declType(param) : undefined;
      const at = this.sema.exprType(a);
      if (pt?.k === 'iface' && at.k === 'class') this.implementsCheck(a, at.decl, pt.decl);
      if (ts.isSpreadElement(a)) return this.report(a, 1004);
      this.observed(a);
    });
  }

  private implementsCheck(at: ts.Node, cls: ts.ClassDeclaration, iface: ts.InterfaceDeclaration): void {
    const ok = (cls.heritageClauses ?? []).some((h) => h.token === ts.SyntaxKind.ImplementsKeyword &&
      h.types.some((t) => this.sema.declOf(t.expression) === iface));
    if (!ok) this.report(at, 4006, [cls.name?.text ?? 'class', iface.name.text], cls);
  }

  private preludeCall(p: string, e: ts.CallExpression): void {
    if (PRELUDE_HOST_ONLY.has(p)) return this.report(e.expression, 4004, [p]);
    const args = e.arguments;
    if ((INT_NAMES as readonly string[]).includes(p)) {
      const a = args[0];
      if (!a) return;
      const t = this.sema.exprType(a);
      if (!isIntLike(t)) return this.report(a, 2013, [describe(t)]);
      return this.expr(a); // an intermediate past 2^53 is reported where it is formed
    }
    if (p === 'bytes') return this.report(e, 3001, ['bytes()']);
    if (p === 'log') {
      const msg = args[0];
      if (!msg || !ts.isStringLiteral(msg)) this.report(msg ?? e, 1011);
      if (args.length - 1 > MAX_LOG_VALUES) this.report(args[MAX_LOG_VALUES + 1], 1004);
      for (const a of args.slice(1)) this.indexLike(a);
      return;
    }
    const idx = PRELUDE_INDEX_ARGS[p] ?? [];
    args.forEach((a, i) => {
      if (idx.includes(i)) this.indexLike(a);
      else this.observed(a);
    });
  }

  /** An index-like prelude argument (typed `number` so literals need no wrap). */
  private indexLike(a: ts.Expression): void {
    const t = this.sema.exprType(a);
    if (t.k === 'num') this.report(a, 2003, [a.getText(this.sf)]);
    else if (!isIntLike(t)) this.report(a, 2013, [describe(t)]);
    this.expr(a);
  }

  private binary(e: ts.BinaryExpression): void {
    const op = e.operatorToken.kind;
    const opText = e.operatorToken.getText(this.sf);
    switch (op) {
      case ts.SyntaxKind.EqualsToken: return this.report(e, 1013);
      case ts.SyntaxKind.EqualsEqualsToken: case ts.SyntaxKind.ExclamationEqualsToken:
        this.report(e.operatorToken, 1012, [opText]);
        break;
      case ts.SyntaxKind.SlashToken: case ts.SyntaxKind.PercentToken:
        return this.report(e.operatorToken, 2005, [opText]);
      case ts.SyntaxKind.AsteriskAsteriskToken: return this.report(e.operatorToken, 2014);
      case ts.SyntaxKind.CommaToken: return this.report(e.operatorToken, 1009, [',']);
      case ts.SyntaxKind.InKeyword: return this.report(e.operatorToken, 1009, ['in']);
      case ts.SyntaxKind.InstanceOfKeyword: return this.report(e.operatorToken, 1009, ['instanceof']);
      case ts.SyntaxKind.QuestionQuestionToken: return this.report(e.operatorToken, 1010, ['??']);
    }
    if (isCompoundAssignment(op)) return this.report(e.operatorToken, 1014, [opText]);
    if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken) {
      for (const side of [e.left, e.right]) {
        const t = this.sema.exprType(side);
        if (t.k !== 'bool') this.report(side, 2010, [opText]);
        this.expr(side);
      }
      return;
    }
    const a = this.sema.exprType(e.left);
    const b = this.sema.exprType(e.right);
    if (isComparison(op)) return this.comparison(e, a, b);
    // Integer ring operators and shifts.
    for (const [side, t] of [[e.left, a], [e.right, b]] as const) {
      if (!isIntLike(t) || t.k === 'enum') this.report(side, 2013, [describe(t)]);
    }
    if (op === ts.SyntaxKind.GreaterThanGreaterThanToken) {
      const unsigned = (a.k === 'int' && !a.signed) || (a.k === 'num' && a.ctype === 'uint32_t') || (a.k === 'lit' && a.value >= 0 && a.value > 0x7fffffff);
      if (unsigned) this.report(e.left, 2006, [stripParens(e.left).getText(this.sf), e.left.getText(this.sf)]);
    }
    const r = this.sema.exprType(e);
    if (r.k === 'num' && r.mag > 53) {
      // Report the outermost offender once; sub-expressions are checked by recursion below.
      const subOk = magOf(a) <= 53 && magOf(b) <= 53;
      if (subOk) this.report(e, op === ts.SyntaxKind.AsteriskToken ? 2007 : 2012, [e.getText(this.sf)]);
    }
    this.expr(e.left);
    this.expr(e.right);
  }

  private comparison(e: ts.BinaryExpression, a: FwType, b: FwType): void {
    const eq = e.operatorToken.kind === ts.SyntaxKind.EqualsEqualsEqualsToken || e.operatorToken.kind === ts.SyntaxKind.ExclamationEqualsEqualsToken;
    if (a.k === 'bool' || b.k === 'bool') {
      if (!(a.k === 'bool' && b.k === 'bool' && eq)) this.report(e, 2013, [describe(a.k === 'bool' ? a : b)]);
      this.expr(e.left);
      this.expr(e.right);
      return;
    }
    for (const [side, t] of [[e.left, a], [e.right, b]] as const) {
      if (t.k === 'num') this.report(side, 2003, [side.getText(this.sf)]);
      else if (!isIntLike(t)) this.report(side, 1001, [`comparing ${describe(t)}`]);
    }
    const sign = (t: FwType): 'signed' | 'unsigned' | 'either' => {
      if (t.k === 'int') return t.signed ? 'signed' : 'unsigned';
      if (t.k === 'enum') return 'unsigned';
      if (t.k === 'lit') return t.value < 0 ? 'signed' : t.value > 0x7fffffff ? 'unsigned' : 'either';
      return 'either';
    };
    const sa = sign(a);
    const sb = sign(b);
    if (sa !== 'either' && sb !== 'either' && sa !== sb) this.report(e, 2004, [describe(a), describe(b)]);
    this.expr(e.left);
    this.expr(e.right);
  }

  private prefix(e: ts.PrefixUnaryExpression): void {
    const t = this.sema.exprType(e.operand);
    switch (e.operator) {
      case ts.SyntaxKind.ExclamationToken:
        if (t.k !== 'bool') this.report(e.operand, 2010, ['!']);
        return this.expr(e.operand);
      case ts.SyntaxKind.PlusPlusToken: case ts.SyntaxKind.MinusMinusToken:
        return this.report(e, 2008, [e.getText(this.sf)]);
      case ts.SyntaxKind.MinusToken:
        if (literalValue(e) !== undefined) return this.literalInRange(e);
    }
    if (!isIntLike(t) || t.k === 'enum') this.report(e.operand, 2013, [describe(t)]);
    this.expr(e.operand);
  }
}

// ------------------------------------------------------------------ whole-program checks

/** FW4001: no function may reach itself through calls (direct, method, interface or pointer). */
function checkRecursion(sema: Sema, sources: readonly ts.SourceFile[], facts: CallFacts): ts.Diagnostic[] {
  const fns = facts.fns;
  const edges = new Map<ts.Node, Set<ts.Node>>();
  for (const f of fns) {
    const out = new Set<ts.Node>();
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) || ts.isNewExpression(n)) for (const t of callTargets(sema, facts, n)) out.add(t);
      ts.forEachChild(n, visit);
    };
    if (f.body) visit(f.body);
    edges.set(f, out);
  }
  // Tarjan's strongly connected components.
  const index = new Map<ts.Node, number>();
  const low = new Map<ts.Node, number>();
  const stack: ts.Node[] = [];
  const onStack = new Set<ts.Node>();
  const diags: ts.Diagnostic[] = [];
  let counter = 0;
  const strong = (v: ts.Node): void => {
    index.set(v, counter); low.set(v, counter); counter++;
    stack.push(v); onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) { strong(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: ts.Node[] = [];
      let w: ts.Node;
      do { w = stack.pop()!; onStack.delete(w); comp.push(w); } while (w !== v);
      const selfLoop = edges.get(v)?.has(v);
      if (comp.length > 1 || selfLoop) {
        for (const f of comp) {
          const name = (f as Fn).name?.getText() ?? 'constructor';
          diags.push(makeDiagnostic((f as Fn).name ?? f, 4001, [name]));
        }
      }
    }
  };
  for (const f of fns) if (!index.has(f)) strong(f);
  return diags;
}

/** FW5001: exported C types share one namespace; module prefixes must be unique. */
function checkNames(sema: Sema, sources: readonly ts.SourceFile[]): ts.Diagnostic[] {
  const seen = new Map<string, ts.Node>();
  const diags: ts.Diagnostic[] = [];
  const claim = (name: string, node: ts.Node): void => {
    const prev = seen.get(name);
    if (prev && prev.getSourceFile() !== node.getSourceFile()) diags.push(makeDiagnostic(node, 5001, [name], prev));
    else seen.set(name, node);
  };
  for (const sf of sources) {
    claim(`${sema.modulePrefix(sf)}.h`, sf.statements[0] ?? sf);
    for (const st of sf.statements) {
      const exported = ts.canHaveModifiers(st) && ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      if (!exported) continue;
      if ((ts.isClassDeclaration(st) || ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) && st.name) claim(st.name.text, st.name);
    }
  }
  return diags;
}

// ------------------------------------------------------------------ helpers

function stripParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

/** A signature without a body next to its implementation: `function f(a: u8): void;`. */
function isOverloaded(d: ts.FunctionDeclaration): boolean {
  return ts.isSourceFile(d.parent) && d.parent.statements.some((s) =>
    s !== d && ts.isFunctionDeclaration(s) && s.name?.text === d.name?.text);
}

function describeElem(t: FwType): string {
  return t.k === 'class' || t.k === 'iface' ? `objects (${t.name})` : describe(t);
}

/** Can a value of the integer type `t` equal `v`? */
function inRange(v: number, t: Extract<FwType, { k: 'int' }>): boolean {
  const min = t.signed ? -(2 ** (t.bits - 1)) : 0;
  const max = t.signed ? 2 ** (t.bits - 1) - 1 : 2 ** t.bits - 1;
  return v >= min && v <= max;
}

function isIncDec(e: ts.Node): e is ts.PrefixUnaryExpression | ts.PostfixUnaryExpression {
  return (ts.isPrefixUnaryExpression(e) || ts.isPostfixUnaryExpression(e)) &&
    (e.operator === ts.SyntaxKind.PlusPlusToken || e.operator === ts.SyntaxKind.MinusMinusToken);
}

function isComparison(k: ts.SyntaxKind): boolean {
  return k === ts.SyntaxKind.EqualsEqualsEqualsToken || k === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
    k === ts.SyntaxKind.EqualsEqualsToken || k === ts.SyntaxKind.ExclamationEqualsToken ||
    k === ts.SyntaxKind.LessThanToken || k === ts.SyntaxKind.LessThanEqualsToken ||
    k === ts.SyntaxKind.GreaterThanToken || k === ts.SyntaxKind.GreaterThanEqualsToken;
}

function isLoopNode(n: ts.Node): boolean {
  return ts.isForStatement(n) || ts.isWhileStatement(n) || ts.isDoStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n);
}

function isLengthOf(e: ts.Expression): boolean {
  const x = stripParens(e);
  return ts.isPropertyAccessExpression(x) && x.name.text === 'length';
}

/** Does `scope` assign the variable `name` (=, compound, ++/--)? */
function assigns(scope: ts.Node, name: string): boolean {
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

function containsUserCall(sema: Sema, e: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && !sema.preludeName(n.expression)) found = true;
    if (!found) ts.forEachChild(n, visit);
  };
  visit(e);
  return found;
}

function ownedBufferField(sema: Sema, cls: ts.ClassDeclaration, name: string): boolean {
  for (const m of cls.members) {
    if (ts.isPropertyDeclaration(m) && m.name.getText() === name && m.initializer && ts.isCallExpression(m.initializer)) {
      return sema.preludeName(m.initializer.expression) === 'bytes';
    }
  }
  return false;
}

/** A table held by a parameter, a local or a field: its declaration is FW1023 already (tables
 * live only at module top level), so an index into it is not reported a second time. */
function tableOutsideTopLevel(sema: Sema, b: ts.Expression): boolean {
  const inner = stripParens(b);
  const d = ts.isIdentifier(inner) ? sema.declOf(inner) : ts.isPropertyAccessExpression(inner) ? sema.declOf(inner.name) : undefined;
  if (!d) return false;
  if (ts.isParameter(d) || ts.isPropertyDeclaration(d)) return true;
  return ts.isVariableDeclaration(d) && !ts.isSourceFile(d.parent.parent.parent);
}
