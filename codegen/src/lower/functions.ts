// Lowering of functions, constructors and methods (prototypes, bodies, @inline bodies in the
// header), and of interface adapters (thunks, vtables, converters).
import { ts } from '../program.ts';
import { type FwType, cIdent } from '../sema.ts';
import { type CStmt, type Chunk, verbatim, exprStmt, decl, BLANK } from './ir.ts';
import { type CNode, name as cname, call as ccall, cast, assign, field, dot, addressOf, lit } from './cexpr.ts';
import { isExported } from './helpers.ts';
import { GlobalLowering } from './globals.ts';

export class FunctionLowering extends GlobalLowering {
  protected lowerFunction(d: ts.FunctionDeclaration, protos: Chunk[], bodies: Chunk[]): void {
    const exported = isExported(d);
    const cname = this.cFunctionName(d);
    const ret = this.returnType(d);
    const params = this.params(d.parameters);
    const sig = `${this.ctype(ret)} ${cname}(${params.length ? params.join(', ') : 'void'})`;
    const noret = ret.k === 'never' ? 'FW_NORETURN ' : '';
    if (this.sema.isExtern(d)) {
      this.out.header.push(verbatim('/* Provided by the platform (@extern). */'), this.at(verbatim(`${noret}${sig};`), d));
      return;
    }
    // `@inline` (a hint, as C's inline): the body goes into the header as `static inline`, so
    // other modules' calls (a CRC step per wire byte) inline without LTO. Only for bodies that
    // name nothing private to the module and no string literal (both would live in the .c).
    const inline = exported && this.sema.isInline(d) && this.headerSafe(d);
    if (exported && !inline) this.out.header.push(this.at(verbatim(`${sig};`), d));
    else if (!exported) protos.push({ static: cname, items: [this.at(verbatim(`static ${sig};`), d)] });
    this.startFunction();
    this.curClass = undefined;
    let body: CStmt[] = [];
    this.block(d.body!.statements, body, 1);
    this.unreachableEnd(ret, d.body!.statements, body);
    body = this.markUnused(this.paramNames(d.parameters), body);
    if (inline) this.out.header.push(this.at({ k: 'func', name: cname, head: `static inline ${sig}`, body }, d));
    else bodies.push({ static: exported ? undefined : cname, items: [this.at({ k: 'func', name: cname, head: `${exported ? '' : 'static '}${sig}`, body }, d)] }, { items: [BLANK] });
    this.out.frames.push({ name: cname, locals: this.localBytes, calls: [...this.calls] });
  }

  /** TypeScript accepts a value-returning body whose end it proved unreachable (a switch that
   * returns in a case for every enum member); C does not know it (-Wreturn-type), so the end
   * panics, which never happens in either world. */
  protected unreachableEnd(ret: FwType, stmts: readonly ts.Statement[], body: CStmt[]): void {
    if (ret.k === 'void' || ret.k === 'never') return;
    const last = stmts[stmts.length - 1];
    if (last && this.endsInReturn(last)) return;
    body.push({ k: 'expr', x: ccall('fw_panic', cname('FW_PANIC_UNREACHABLE')), comment: 'TypeScript proved the end unreachable' });
  }

  /** Does C see that this statement never completes (return, panic, if/else of such)? */
  protected endsInReturn(st: ts.Statement): boolean {
    if (ts.isReturnStatement(st)) return true;
    if (ts.isBlock(st)) return st.statements.length > 0 && this.endsInReturn(st.statements[st.statements.length - 1]);
    if (ts.isIfStatement(st)) return !!st.elseStatement && this.endsInReturn(st.thenStatement) && this.endsInReturn(st.elseStatement);
    if (ts.isSwitchStatement(st)) {
      // With a default, and every case ending in a return (empty cases fall into the next one).
      const cl = st.caseBlock.clauses;
      return cl.some(ts.isDefaultClause) && cl[cl.length - 1].statements.length > 0 &&
        cl.every((c) => c.statements.length === 0 || this.endsInReturn(c.statements[c.statements.length - 1]));
    }
    if (ts.isExpressionStatement(st) && ts.isCallExpression(st.expression)) return this.sema.preludeName(st.expression.expression) === 'panic';
    return false;
  }

  /** The function's body can be compiled in other modules: it names no module-private
   * declaration and has no string literal. */
  protected headerSafe(d: ts.FunctionDeclaration): boolean {
    const sf = d.getSourceFile();
    let safe = true;
    const visit = (n: ts.Node): void => {
      if (!safe) return;
      if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) safe = false;
      if (ts.isIdentifier(n)) {
        const decl = this.sema.declOf(n);
        if (decl !== undefined && decl.getSourceFile() === sf) {
          let top: ts.Node = decl;
          while (top.parent !== undefined && !ts.isSourceFile(top.parent)) top = top.parent;
          if (top !== d && ts.isSourceFile(top.parent) && !isExported(top)) safe = false;
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(d.body!);
    return safe;
  }

  protected lowerClassFunctions(cls: ts.ClassDeclaration, protos: Chunk[], bodies: Chunk[]): void {
    const name = cls.name!.text;
    const exported = isExported(cls);
    const ctor = cls.members.find(ts.isConstructorDeclaration);
    this.curClass = cls;
    // Constructor: field initialisers in declaration order, then the constructor body (JS order).
    {
      this.startFunction();
      const params = ['' + `${name} *self`, ...this.params(ctor?.parameters ?? [])];
      const sig = `void ${name}_init(${params.join(', ')})`;
      if (exported) this.out.header.push(this.at(verbatim(`${sig};`), ctor ?? cls));
      else protos.push({ static: `${name}_init`, items: [this.at(verbatim(`static ${sig};`), ctor ?? cls)] });
      let body: CStmt[] = [];
      for (const f of this.fields(cls)) {
        const m = f.decl as ts.PropertyDeclaration;
        const fname = cIdent(f.name);
        if (f.storage.k === 'array') {
          const f = field(cname('self'), fname);
          body.push(this.at(exprStmt(ccall('memset', f, lit(0), { k: 'sizeof', x: f })), m));
        } else if (m.initializer) {
          if (f.storage.k === 'object' && ts.isNewExpression(m.initializer)) {
            this.lowerNewInto(m.initializer, addressOf(field(cname('self'), fname)), body, 1);
          } else {
            const v = this.coerce(this.expr(m.initializer, body, 1), f.type);
            body.push(this.at(exprStmt(assign(field(cname('self'), fname), v)), m));
          }
        }
      }
      if (ctor?.body) this.block(ctor.body.statements, body, 1);
      body = this.markUnused(['self', ...this.paramNames(ctor?.parameters ?? [])], body);
      bodies.push({ static: exported ? undefined : `${name}_init`, items: [this.at({ k: 'func', name: `${name}_init`, head: `${exported ? '' : 'static '}${sig}`, body }, ctor ?? cls)] }, { items: [BLANK] });
      this.out.frames.push({ name: `${name}_init`, locals: this.localBytes, calls: [...this.calls] });
    }
    for (const m of cls.members) {
      if (!ts.isMethodDeclaration(m) || !m.body) continue;
      this.startFunction();
      const mname = `${name}_${m.name.getText(this.sf)}`;
      const ret = this.returnType(m);
      const params = [`${name} *self`, ...this.params(m.parameters)];
      const sig = `${this.ctype(ret)} ${mname}(${params.join(', ')})`;
      const isPrivate = !!ts.getCombinedModifierFlags(m) && (ts.getCombinedModifierFlags(m) & ts.ModifierFlags.Private) !== 0;
      const pub = exported && !isPrivate;
      if (pub) this.out.header.push(this.at(verbatim(`${sig};`), m));
      else protos.push({ static: mname, items: [this.at(verbatim(`static ${sig};`), m)] });
      let body: CStmt[] = [];
      this.block(m.body.statements, body, 1);
      this.unreachableEnd(ret, m.body.statements, body);
      body = this.markUnused(['self', ...this.paramNames(m.parameters)], body);
      bodies.push({ static: pub ? undefined : mname, items: [this.at({ k: 'func', name: mname, head: `${pub ? '' : 'static '}${sig}`, body }, m)] }, { items: [BLANK] });
      this.out.frames.push({ name: mname, locals: this.localBytes, calls: [...this.calls] });
    }
    this.curClass = undefined;
    // Every interface the class implements gets thunks and a vtable here.
    for (const hc of cls.heritageClauses ?? []) {
      for (const t of hc.types) {
        const d = this.sema.declOf(t.expression);
        if (d && ts.isInterfaceDeclaration(d)) {
          this.usedAs.set(`${name}/${d.name.text}`, { cls, iface: d });
          this.out.impls.push({ iface: d.name.text, cls: name });
        }
      }
    }
  }

  /** Thunks (calling through a cast function pointer would be UB), vtable and converter. */
  protected lowerInterfaceAdapters(protos: Chunk[], bodies: Chunk[]): void {
    for (const { cls, iface } of this.usedAs.values()) {
      const cn = cls.name!.text;
      const iname = iface.name.text;
      const entries: CNode[] = [];
      for (const m of iface.members) {
        if (!ts.isMethodSignature(m)) continue;
        const mn = m.name.getText(iface.getSourceFile());
        const sig = this.sema.checker.getSignatureFromDeclaration(m)!;
        const ret = this.sema.fromType(sig.getReturnType());
        const ps = m.parameters.map((p) => ({ decl: this.decl(this.sema.declType(p), cIdent(p.name.getText(iface.getSourceFile()))), name: cIdent(p.name.getText(iface.getSourceFile())) }));
        const thunk = `${cn}_${mn}__${iname}`;
        const call = ccall(`${cn}_${mn}`, cast(`${cn} *`, cname('self')), ...ps.map((p) => cname(p.name)));
        bodies.push({ static: thunk, items: [{
          k: 'func', name: thunk, head: `static ${this.ctype(ret)} ${thunk}(${['void *self', ...ps.map((p) => p.decl)].join(', ')})`,
          body: [ret.k === 'void' ? exprStmt(call) : { k: 'return', x: call }],
        }] });
        entries.push(cname(thunk));
        this.out.fills.push({ slot: `${iname}.${mn}`, fn: thunk });
      }
      const vt = `${cn}_${iname}_vt`;
      bodies.push({ static: vt, items: [{ k: 'decl', type: `static const ${iname}_vt`, name: vt, list: entries }] });
      const asName = `${cn}_as_${iname}`;
      const conv = `${iname} ${asName}(${cn} *self)`;
      const exported = isExported(cls);
      if (exported) this.out.header.push(verbatim(`${conv};`));
      else protos.push({ static: asName, items: [verbatim(`static ${conv};`)] });
      bodies.push({ static: exported ? undefined : asName, items: [{
        k: 'func', name: asName, head: `${exported ? '' : 'static '}${conv}`, body: [
          decl(iname, 'r'), exprStmt(assign(dot(cname('r'), 'self'), cname('self'))),
          exprStmt(assign(dot(cname('r'), 'vt'), addressOf(cname(vt)))), { k: 'return', x: cname('r') },
        ],
      }] }, { items: [BLANK] });
    }
  }
}
