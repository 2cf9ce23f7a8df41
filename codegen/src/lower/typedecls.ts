// Lowering of type declarations: enums, function-pointer typedefs, interfaces (fat pointer and
// vtable struct), class structs in embedding order, and which of them the header needs.
import { ts } from '../program.ts';
import { type FwType, cIdent, enumMembers } from '../sema.ts';
import { type CStmt, verbatim, BLANK } from './ir.ts';
import { storageLen, isExported } from './helpers.ts';
import { FunctionLowering } from './functions.ts';

export class TypeDeclLowering extends FunctionLowering {
  /** The type declarations the header needs: the exported ones, and every module-private type
   * that an exported signature, variable or header type names (TypeScript allows an exported
   * function to take a private class; its prototype in the header needs the type). */
  protected headerTypes(): Set<ts.Node> {
    const out = new Set<ts.Node>();
    const work: FwType[] = [];
    const typeOf = (n: ts.Node | undefined): void => {
      if (n && (ts.isParameter(n) || ts.isVariableDeclaration(n) || ts.isPropertyDeclaration(n))) work.push(this.sema.declType(n));
    };
    const signature = (d: ts.SignatureDeclaration): void => {
      const sig = this.sema.checker.getSignatureFromDeclaration(d);
      if (sig) work.push(this.sema.fromType(sig.getReturnType()));
      d.parameters.forEach(typeOf);
    };
    const add = (st: ts.Node): void => {
      if (out.has(st)) return;
      out.add(st);
      if (ts.isClassDeclaration(st)) {
        for (const m of st.members) {
          if (ts.isPropertyDeclaration(m)) typeOf(m);
          else if (ts.isMethodDeclaration(m) && isExported(st)) signature(m);
          else if (ts.isConstructorDeclaration(m) && isExported(st)) signature(m);
        }
      } else if (ts.isInterfaceDeclaration(st)) {
        for (const m of st.members) if (ts.isMethodSignature(m)) signature(m);
      } else if (ts.isTypeAliasDeclaration(st) && ts.isFunctionTypeNode(st.type)) {
        signature(st.type);
      }
    };
    for (const st of this.sf.statements) {
      if (isExported(st)) add(st);
      if (!isExported(st)) continue;
      if (ts.isFunctionDeclaration(st)) signature(st);
      else if (ts.isVariableStatement(st)) st.declarationList.declarations.forEach(typeOf);
    }
    while (work.length) {
      const t = work.pop()!;
      let d: ts.Node | undefined;
      if (t.k === 'class' || t.k === 'iface' || t.k === 'fn') d = t.decl;
      else if (t.k === 'enum') d = t.decl.parent?.parent; // the `const E = {...} as const` statement
      else if (t.k === 'table') work.push(t.elem);
      if (d && d.getSourceFile() === this.sf && !out.has(d)) add(d);
    }
    return out;
  }

  protected fnPointerDecl(ft: ts.FunctionTypeNode | ts.SignatureDeclaration, inner: string): string {
    const sig = this.sema.checker.getSignatureFromDeclaration(ft)!;
    const ret = this.sema.fromType(sig.getReturnType());
    const params = ft.parameters.map((p) => this.decl(this.sema.declType(p), cIdent(p.name.getText(this.sf))));
    return `${this.ctype(ret)} ${inner}(${params.length ? params.join(', ') : 'void'})`;
  }

  protected lowerEnum(obj: ts.VariableDeclaration, dest: CStmt[]): void {
    const name = this.sema.enumAliasName(obj);
    // ISO C enumerators are ints: a member past INT_MAX (FwTS allows up to 2^32-1) is a macro.
    const all = [...enumMembers(obj)];
    const members = all.filter(([, v]) => v <= 0x7fffffff).map(([k, v]) => `${name}_${k} = ${v}`);
    dest.push(this.at(verbatim(`typedef ${this.sema.enumCType(obj)} ${name};`), obj));
    if (members.length) dest.push(verbatim(`enum { ${members.join(', ')} };`));
    for (const [k, v] of all) if (v > 0x7fffffff) dest.push(verbatim(`#define ${name}_${k} ${v}u`));
    dest.push(BLANK);
  }

  protected lowerInterface(d: ts.InterfaceDeclaration, dest: CStmt[]): void {
    const name = d.name.text;
    dest.push(this.at(verbatim(`typedef struct ${name}_vt {`), d));
    for (const m of d.members) {
      if (!ts.isMethodSignature(m)) continue;
      const mname = cIdent(m.name.getText(this.sf));
      const sig = this.sema.checker.getSignatureFromDeclaration(m)!;
      const ret = this.sema.fromType(sig.getReturnType());
      const params = ['void *self', ...m.parameters.map((p) => this.decl(this.sema.declType(p), cIdent(p.name.getText(this.sf))))];
      dest.push(this.at(verbatim(`  ${this.ctype(ret)} (*${mname})(${params.join(', ')});`), m));
    }
    dest.push(verbatim(`} ${name}_vt;`));
    dest.push(verbatim(`struct ${name} {`), verbatim('  void *self;'), verbatim(`  const ${name}_vt *vt;`));
    dest.push(verbatim('};'), BLANK);
  }

  /** Local classes, each after the classes it embeds. */
  protected sortedClasses(): ts.ClassDeclaration[] {
    const classes = this.sf.statements.filter(ts.isClassDeclaration);
    const done = new Set<ts.ClassDeclaration>();
    const order: ts.ClassDeclaration[] = [];
    const visit = (c: ts.ClassDeclaration, depth: number): void => {
      if (done.has(c) || depth > classes.length) return;
      for (const f of this.fields(c)) {
        if (f.storage.k === 'object' && f.type.k === 'class' && f.type.decl.getSourceFile() === this.sf) visit(f.type.decl, depth + 1);
      }
      if (!done.has(c)) { done.add(c); order.push(c); }
    };
    for (const c of classes) visit(c, 0);
    return order;
  }

  protected lowerClassStruct(cls: ts.ClassDeclaration, dest: CStmt[]): void {
    const name = cls.name!.text;
    dest.push(this.at(verbatim(`struct ${name} {`), cls));
    const fields = this.fields(cls);
    if (fields.length === 0) dest.push(verbatim('  uint8_t unused; /* C99 has no empty structs */'));
    for (const f of fields) {
      const fname = cIdent(f.name);
      let text: string;
      if (f.storage.k === 'array') text = `uint8_t ${fname}[${storageLen(f.storage.len)}];`;
      else if (f.storage.k === 'object' && f.type.k === 'class') text = `${f.type.name} ${fname};`;
      else text = `${this.decl(f.type, fname)};`;
      dest.push(this.at(verbatim(`  ${text}`), f.decl));
    }
    dest.push(verbatim('};'), BLANK);
  }
}
