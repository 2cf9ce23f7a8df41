// The lowering's shared state and small services: the module being lowered, the IR it fills,
// temporaries, source lines, C spellings of types, class fields and their storage. Each pass
// (expressions.ts, statements.ts, globals.ts, functions.ts, typedecls.ts, module.ts) extends it.
import { ts } from '../program.ts';
import { Sema, type FwType, ctypeOfInt, cIdent, literalValue } from '../sema.ts';
import { type CStmt, type ModuleIR, at } from './ir.ts';
import { LoweringError, type Storage, type FieldInfo, isExported, ctorAssignment } from './helpers.ts';

export class LowerBase {
  protected readonly sf: ts.SourceFile;
  protected readonly sema: Sema;
  readonly prefix: string;
  protected readonly out: ModuleIR;

  protected tmpCount = 0;

  protected curClass: ts.ClassDeclaration | undefined;

  protected localBytes = 0;

  protected calls = new Set<string>();
  protected readonly fieldCache = new Map<ts.ClassDeclaration, FieldInfo[]>();
  protected readonly usedAs = new Map<string, { cls: ts.ClassDeclaration; iface: ts.InterfaceDeclaration }>();

  constructor(sf: ts.SourceFile, sema: Sema) {
    this.sf = sf;
    this.sema = sema;
    this.prefix = sema.modulePrefix(sf);
    this.out = { prefix: this.prefix, tsPath: sf.fileName, imports: [], header: [], source: [], ram: [], frames: [], impls: [], fills: [], fnTypes: [] };
  }

  /** The statement with the .ts line of `node`. */
  protected at<T extends CStmt>(s: T, node?: ts.Node): T {
    return at(s, node ? this.lineOf(node) : undefined);
  }

  protected lineOf(node: ts.Node): number {
    return this.sf.getLineAndCharacterOfPosition(node.getStart(this.sf)).line + 1;
  }

  protected tmp(): string {
    return `fw_t${this.tmpCount++}`; // fw_ names cannot clash: cIdent renames user fw_ names
  }

  /** C spelling of a FwType used for a variable, parameter or return value. */
  ctype(t: FwType): string {
    switch (t.k) {
      case 'int': return ctypeOfInt(t.name);
      case 'float': return t.bits === 32 ? 'float' : 'double';
      case 'fnum': return 'float';
      case 'bool': return 'bool';
      case 'void': case 'never': return 'void';
      case 'bytes': return 'fw_bytes';
      case 'class': return `${t.name} *`;
      case 'iface': case 'enum': case 'fn': return t.name;
      case 'num': return t.ctype;
      case 'lit': return 'uint32_t';
      case 'anyint': return 'int64_t';
      default: throw new LoweringError(undefined, `no C type for ${t.k}`);
    }
  }

  protected decl(t: FwType, name: string): string {
    const ct = this.ctype(t);
    return ct.endsWith('*') ? `${ct}${name}` : `${ct} ${name}`;
  }

  /** Fields of a class with their storage: bytes(N) is an array, `new` an embedded struct. */
  fields(cls: ts.ClassDeclaration): FieldInfo[] {
    const cached = this.fieldCache.get(cls);
    if (cached) return cached;
    const ctor = cls.members.find(ts.isConstructorDeclaration);
    const out: FieldInfo[] = [];
    for (const m of cls.members) {
      if (!ts.isPropertyDeclaration(m)) continue;
      const name = m.name.getText(cls.getSourceFile());
      const type = this.sema.declType(m);
      let storage: Storage = { k: 'value' };
      const init = m.initializer ?? (ctor ? ctorAssignment(ctor, name) : undefined);
      if (init && ts.isCallExpression(init) && this.sema.preludeName(init.expression) === 'bytes') {
        storage = { k: 'array', len: this.constInt(init.arguments[0]) };
      } else if (init && ts.isNewExpression(init)) {
        storage = { k: 'object' };
      }
      out.push({ name, type, storage, decl: m });
    }
    this.fieldCache.set(cls, out);
    return out;
  }

  protected constInt(e: ts.Expression | undefined): number {
    if (!e) return 0;
    const v = literalValue(e);
    if (v !== undefined) return v;
    if (ts.isIdentifier(e)) return this.sema.constValue(e) ?? 0;
    const t = this.sema.exprType(e);
    return t.k === 'lit' ? t.value : 0;
  }

  protected sizeOf(t: FwType, storage: Storage): number {
    if (storage.k === 'array') return storage.len;
    if (storage.k === 'object' && t.k === 'class') {
      return this.fields(t.decl).reduce((s, f) => s + this.sizeOf(f.type, f.storage), 0) || 1;
    }
    switch (t.k) {
      case 'int': case 'float': return t.bits / 8;
      case 'bool': return 1;
      case 'enum': return t.ctype === 'uint8_t' ? 1 : t.ctype === 'uint16_t' ? 2 : 4;
      case 'bytes': return 8;
      case 'iface': return 8;
      default: return 4;
    }
  }

  protected startFunction(): void {
    this.tmpCount = 0;
    this.localBytes = 0;
    this.calls = new Set();
  }

  protected params(ps: readonly ts.ParameterDeclaration[]): string[] {
    return ps.map((p) => this.decl(this.sema.declType(p), cIdent(p.name.getText(this.sf))));
  }

  protected paramNames(ps: readonly ts.ParameterDeclaration[]): string[] {
    return ps.map((p) => cIdent(p.name.getText(this.sf)));
  }

  protected returnType(d: ts.SignatureDeclaration): FwType {
    const sig = this.sema.checker.getSignatureFromDeclaration(d)!;
    return this.sema.fromType(sig.getReturnType());
  }

  /** What calls through a pointer to a function of this signature go through (the stack
   * analysis resolves them to the functions stored as such pointers): `fn:ret(params)`. */
  fnSlot(d: ts.SignatureDeclaration): string {
    return `fn:${this.ctype(this.returnType(d))}(${d.parameters.map((p) => this.ctype(this.sema.declType(p))).join(',')})`;
  }

  cFunctionName(d: ts.FunctionDeclaration): string {
    const name = d.name!.text;
    const sf = d.getSourceFile();
    if (isExported(d) || this.sema.isExtern(d)) return `${this.sema.modulePrefix(sf)}_${name}`;
    return cIdent(name);
  }
}
