// Lowering of functions, constructors and methods (prototypes, bodies, @inline bodies in the
// header), and of interface adapters (thunks, vtables, converters).
import { ts } from '../program.ts';
import { type FwType, cIdent } from '../sema.ts';
import { type Line, type Chunk, C, L } from './ir.ts';
import { type CNode, name as cname, call as ccall, cast, assign, field, dot, addressOf } from './cexpr.ts';
import { isExported, list } from './helpers.ts';
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
      this.out.header.push(this.line(C`/* Provided by the platform (@extern). */`), this.line(C`${noret}${sig};`, d));
      return;
    }
    // `@inline` (a hint, as C's inline): the body goes into the header as `static inline`, so
    // other modules' calls (a CRC step per wire byte) inline without LTO. Only for bodies that
    // name nothing private to the module and no string literal (both would live in the .c).
    const inline = exported && this.sema.isInline(d) && this.headerSafe(d);
    if (exported && !inline) this.out.header.push(this.line(C`${sig};`, d));
    else if (!exported) protos.push({ static: cname, lines: [this.line(C`static ${sig};`, d)] });
    this.startFunction();
    this.curClass = undefined;
    let body: Line[] = [];
    this.block(d.body!.statements, body, 1);
    this.unreachableEnd(ret, d.body!.statements, body);
    body = this.markUnused(this.paramNames(d.parameters), body);
    if (inline) this.out.header.push(this.line(C`static inline ${sig} {`, d), ...body, { text: '}' });
    else bodies.push({ static: exported ? undefined : cname, lines: [this.line(C`${exported ? '' : 'static '}${sig} {`, d), ...body, { text: '}' }] }, { lines: [{ text: '' }] });
    this.out.frames.push({ name: cname, locals: this.localBytes, calls: [...this.calls] });
  }

  /** TypeScript accepts a value-returning body whose end it proved unreachable (a switch that
   * returns in a case for every enum member); C does not know it (-Wreturn-type), so the end
   * panics, which never happens in either world. */
  protected unreachableEnd(ret: FwType, stmts: readonly ts.Statement[], body: Line[]): void {
    if (ret.k === 'void' || ret.k === 'never') return;
    const last = stmts[stmts.length - 1];
    if (last && this.endsInReturn(last)) return;
    body.push({ text: '  fw_panic(FW_PANIC_UNREACHABLE); /* TypeScript proved the end unreachable */' });
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
      if (exported) this.out.header.push(this.line(C`${sig};`, ctor ?? cls));
      else protos.push({ static: `${name}_init`, lines: [this.line(C`static ${sig};`, ctor ?? cls)] });
      let body: Line[] = [];
      for (const f of this.fields(cls)) {
        const m = f.decl as ts.PropertyDeclaration;
        const fname = cIdent(f.name);
        if (f.storage.k === 'array') {
          const f = field(cname('self'), fname);
          body.push(this.line(C`  memset(${f}, 0, sizeof ${f});`, m));
        } else if (m.initializer) {
          if (f.storage.k === 'object' && ts.isNewExpression(m.initializer)) {
            this.lowerNewInto(m.initializer, addressOf(field(cname('self'), fname)), body, 1);
          } else {
            const v = this.coerce(this.expr(m.initializer, body, 1), f.type);
            body.push(this.line(C`  ${assign(field(cname('self'), fname), v)};`, m));
          }
        }
      }
      if (ctor?.body) this.block(ctor.body.statements, body, 1);
      body = this.markUnused(['self', ...this.paramNames(ctor?.parameters ?? [])], body);
      bodies.push({ static: exported ? undefined : `${name}_init`, lines: [this.line(C`${exported ? '' : 'static '}${sig} {`, ctor ?? cls), ...body, { text: '}' }] }, { lines: [{ text: '' }] });
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
      if (pub) this.out.header.push(this.line(C`${sig};`, m));
      else protos.push({ static: mname, lines: [this.line(C`static ${sig};`, m)] });
      let body: Line[] = [];
      this.block(m.body.statements, body, 1);
      this.unreachableEnd(ret, m.body.statements, body);
      body = this.markUnused(['self', ...this.paramNames(m.parameters)], body);
      bodies.push({ static: pub ? undefined : mname, lines: [this.line(C`${pub ? '' : 'static '}${sig} {`, m), ...body, { text: '}' }] }, { lines: [{ text: '' }] });
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
        bodies.push({ static: thunk, lines: [
          L(C`static ${this.ctype(ret)} ${thunk}(${['void *self', ...ps.map((p) => p.decl)].join(', ')}) {`),
          L(C`  ${ret.k === 'void' ? '' : 'return '}${call};`), { text: '}' },
        ] });
        entries.push(cname(thunk));
      }
      const vt = `${cn}_${iname}_vt`;
      bodies.push({ static: vt, lines: [L(C`static const ${iname}_vt ${vt} = { ${list(entries)} };`)] });
      const asName = `${cn}_as_${iname}`;
      const conv = `${iname} ${asName}(${cn} *self)`;
      const exported = isExported(cls);
      if (exported) this.out.header.push(L(C`${conv};`));
      else protos.push({ static: asName, lines: [L(C`static ${conv};`)] });
      bodies.push({ static: exported ? undefined : asName, lines: [
        L(C`${exported ? '' : 'static '}${conv} {`),
        L(C`  ${iname} r;`), L(C`  ${assign(dot(cname('r'), 'self'), cname('self'))};`),
        L(C`  ${assign(dot(cname('r'), 'vt'), addressOf(cname(vt)))};`), L(C`  return ${cname('r')};`), { text: '}' },
      ] }, { lines: [{ text: '' }] });
    }
  }
}
