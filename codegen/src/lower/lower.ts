// Lowering: one checked FwTS module -> C IR (lines of C with their .ts lines; expressions are
// trees, cexpr.ts, printed by emit/print.ts; every line records the names its trees use).
// The input has passed check/: this pass trusts it and only translates. JS evaluates operands
// left to right and C does not promise an order, so every call nested in an expression is moved
// into a temporary in JS order, and anything read before it is spilled first (ts2c's idea).
import { ts } from '../program.ts';
import {
  Sema, type FwType, type IntName, INT_NAMES, intType, ctypeOfInt, cIdent, enumMembers, stripAsConst, literalValue, foldBinary,
} from '../sema.ts';
import { type CExpr, type Line, type ModuleIR, type Piece, type Chunk, C, L } from './ir.ts';
import { type CInt, U32, I32, U8, U16, BOOL, VOID, BYTES, LIT, fromSpelling, spell, declare, isInt, isSigned } from './ctype.ts';
import { pruneUnusedStatics } from './prune.ts';
import {
  type CNode, type BinaryOp, name as cname, call as ccall, cast, binary, unary, cond, index, comma, assign, boolLit, field, dot,
  addressOf, boolValue, isConstant, isPath, sameNode, NONE, lit, constName, dependsOnStorage,
} from './cexpr.ts';
import { isLoop, nearestLoop, needsFlag, labelFlags } from './labels.ts';
import {
  rangeOfCtype, rangeOfC, bitsOf, bitsConflict, intervalCmp, arithRange, bitRange, FLIP, evalCmp, cmpCandidates,
} from './facts.ts';
import * as prelude from '../../../firmware/lib/prelude.ts';

/** Prelude functions without effects (but for the DivZero panic, excluded by the caller). */
const PURE_PRELUDE: Record<string, (...xs: number[]) => number> = {
  mul32: (a, b) => prelude.mul32(a as prelude.u32, b as prelude.u32),
  imul32: (a, b) => prelude.imul32(a as prelude.i32, b as prelude.i32),
  clz32: (a) => prelude.clz32(a as prelude.u32),
  divu: (a, b) => prelude.divu(a as prelude.u32, b as prelude.u32),
  modu: (a, b) => prelude.modu(a as prelude.u32, b as prelude.u32),
  divi: (a, b) => prelude.divi(a as prelude.i32, b as prelude.i32),
  modi: (a, b) => prelude.modi(a as prelude.i32, b as prelude.i32),
};

/** Prelude functions that can panic (bounds, division by zero). */
const PANICKING = new Set(['rd8', 'rd16le', 'rd16be', 'rd32le', 'rd32be', 'view', 'divu', 'modu', 'divi', 'modi']);

const INT_CTYPES = new Set(['uint8_t', 'uint16_t', 'uint32_t', 'int8_t', 'int16_t', 'int32_t']);

/** A construct the checker let through but the lowering cannot translate: a codegen bug. The
 * driver reports it as FW9001 and writes no C (never a comment in place of code). */
export class LoweringError extends Error {
  readonly node: ts.Node | undefined;
  constructor(node: ts.Node | undefined, what: string) {
    super(`cannot lower ${what}`);
    this.node = node;
  }
}

/** C has no zero-length arrays: bytes(0) gets one byte of storage and keeps its length 0. */
function storageLen(len: number): string {
  return len === 0 ? '1 /* empty buffer: C has no empty arrays, its length stays 0 */' : String(len);
}

/** How a variable or field is stored in C. */
type Storage =
  | { k: 'value' }
  | { k: 'array'; len: number }
  | { k: 'object' };

interface FieldInfo { name: string; type: FwType; storage: Storage; decl: ts.Node }

export class ModuleLowering {
  private readonly sf: ts.SourceFile;
  private readonly sema: Sema;
  readonly prefix: string;
  private readonly out: ModuleIR;
  private tmpCount = 0;
  private curClass: ts.ClassDeclaration | undefined;
  private localBytes = 0;
  private calls = new Set<string>();
  private readonly fieldCache = new Map<ts.ClassDeclaration, FieldInfo[]>();
  private readonly usedAs = new Map<string, { cls: ts.ClassDeclaration; iface: ts.InterfaceDeclaration }>();

  constructor(sf: ts.SourceFile, sema: Sema) {
    this.sf = sf;
    this.sema = sema;
    this.prefix = sema.modulePrefix(sf);
    this.out = { prefix: this.prefix, tsPath: sf.fileName, imports: [], header: [], source: [], ram: [], frames: [], impls: [] };
  }

  // ---------------------------------------------------------------- module

  lower(): ModuleIR {
    const h = this.out.header;
    const inits: Line[] = [];
    const protos: Chunk[] = [];
    const bodies: Chunk[] = [];
    const types: Line[] = [];
    const hTypes: Line[] = [];
    const vars: Chunk[] = [];

    for (const st of this.sf.statements) {
      if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
        const target = this.importedFile(st);
        if (target && !this.sema.isPrelude(target)) this.out.imports.push(this.sema.modulePrefix(target));
      }
    }
    // Types first: enums, function types, interfaces, classes (in dependency order).
    const inHeader = this.headerTypes();
    for (const st of this.sf.statements) {
      const exported = inHeader.has(st);
      const dest = exported ? hTypes : types;
      if (ts.isVariableStatement(st)) {
        const d = st.declarationList.declarations[0];
        const obj = this.sema.enumObject(d);
        if (obj) this.lowerEnum(obj, dest);
      } else if (ts.isTypeAliasDeclaration(st) && ts.isFunctionTypeNode(st.type)) {
        dest.push(this.line(C`typedef ${this.fnPointerDecl(st.type, `(*${st.name.text})`)};`, st));
      } else if (ts.isInterfaceDeclaration(st)) {
        this.lowerInterface(st, dest);
      }
    }
    for (const cls of this.sortedClasses()) {
      this.lowerClassStruct(cls, inHeader.has(cls) ? hTypes : types);
    }
    // Forward typedefs first, so function types and structs may name any class (C99 allows no
    // repeated typedef, so the structs below are defined as plain `struct Name { ... };`).
    const named = this.sf.statements.filter((st): st is ts.ClassDeclaration | ts.InterfaceDeclaration =>
      (ts.isClassDeclaration(st) && !!st.name) || ts.isInterfaceDeclaration(st));
    const forward = (decls: (ts.ClassDeclaration | ts.InterfaceDeclaration)[]): Line[] =>
      decls.length ? [...decls.map((c) => (L(C`typedef struct ${c.name!.text} ${c.name!.text};`))), { text: '' }] : [];
    hTypes.unshift(...forward(named.filter((d) => inHeader.has(d))));
    types.unshift(...forward(named.filter((d) => !inHeader.has(d))));
    // Variables, functions and methods.
    for (const st of this.sf.statements) {
      if (ts.isVariableStatement(st)) {
        const d = st.declarationList.declarations[0];
        if (this.sema.enumObject(d)) continue;
        this.lowerTopVar(d, isExported(st), vars, inits);
      } else if (ts.isFunctionDeclaration(st) && st.name) {
        this.lowerFunction(st, protos, bodies);
      } else if (ts.isClassDeclaration(st)) {
        this.lowerClassFunctions(st, protos, bodies);
      }
    }
    this.lowerInterfaceAdapters(protos, bodies);

    const guard = `${this.prefix.toUpperCase()}_H`;
    h.unshift(
      L(C`/* Generated by urpc ts2c from ${this.relSource()}. Do not edit. */`),
      L(C`#ifndef ${guard}`),
      L(C`#define ${guard}`),
      { text: '' },
      { text: '#include "fw_rt.h"' },
      ...this.out.imports.map((m) => (L(C`#include "${m}.h"`))),
      { text: '' },
      ...hTypes,
    );
    h.push({ text: '' }, L(C`void ${this.prefix}_module_init(void);`), { text: '' }, L(C`#endif /* ${guard} */`));

    const layout = (...lines: Line[]): Chunk => ({ lines });
    const init = layout(L(C`void ${this.prefix}_module_init(void) {`));
    init.lines.push({ text: '  static bool done = false;' }, { text: '  if (done) return;' }, { text: '  done = true;' });
    for (const m of this.out.imports) init.lines.push(L(C`  ${ccall(`${m}_module_init`)};`));
    init.lines.push(...inits.map((l) => ({ ...l, text: '  ' + l.text })), { text: '}' });
    const chunks: Chunk[] = [
      layout(
        L(C`/* Generated by urpc ts2c from ${this.relSource()}. Do not edit. */`),
        L(C`#include "${this.prefix}.h"`),
        { text: '' },
        ...types,
      ),
      ...protos, ...(protos.length ? [layout({ text: '' })] : []),
      ...vars, ...(vars.length ? [layout({ text: '' })] : []),
      ...bodies,
      init,
    ];
    this.out.source = pruneUnusedStatics(chunks).flatMap((ch) => ch.lines);
    return this.out;
  }

  /** The type declarations the header needs: the exported ones, and every module-private type
   * that an exported signature, variable or header type names (TypeScript allows an exported
   * function to take a private class; its prototype in the header needs the type). */
  private headerTypes(): Set<ts.Node> {
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

  private relSource(): string {
    return this.sf.fileName.replace(/^.*?(firmware\/|test\/|build\/)/, '$1');
  }

  private importedFile(st: ts.ImportDeclaration): ts.SourceFile | undefined {
    const sym = this.sema.checker.getSymbolAtLocation(st.moduleSpecifier);
    const d = sym?.valueDeclaration ?? sym?.declarations?.[0];
    return d && ts.isSourceFile(d) ? d : undefined;
  }

  private line(p: Piece, node?: ts.Node): Line {
    return node ? { ...L(p), src: this.lineOf(node) } : L(p);
  }

  private lineOf(node: ts.Node): number {
    return this.sf.getLineAndCharacterOfPosition(node.getStart(this.sf)).line + 1;
  }

  // ---------------------------------------------------------------- types

  /** C spelling of a FwType used for a variable, parameter or return value. */
  ctype(t: FwType): string {
    switch (t.k) {
      case 'int': return ctypeOfInt(t.name);
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

  private decl(t: FwType, name: string): string {
    const ct = this.ctype(t);
    return ct.endsWith('*') ? `${ct}${name}` : `${ct} ${name}`;
  }

  private fnPointerDecl(ft: ts.FunctionTypeNode | ts.SignatureDeclaration, inner: string): string {
    const sig = this.sema.checker.getSignatureFromDeclaration(ft)!;
    const ret = this.sema.fromType(sig.getReturnType());
    const params = ft.parameters.map((p) => this.decl(this.sema.declType(p), cIdent(p.name.getText(this.sf))));
    return `${this.ctype(ret)} ${inner}(${params.length ? params.join(', ') : 'void'})`;
  }

  private lowerEnum(obj: ts.VariableDeclaration, dest: Line[]): void {
    const name = this.sema.enumAliasName(obj);
    // ISO C enumerators are ints: a member past INT_MAX (FwTS allows up to 2^32-1) is a macro.
    const all = [...enumMembers(obj)];
    const members = all.filter(([, v]) => v <= 0x7fffffff).map(([k, v]) => `${name}_${k} = ${v}`);
    dest.push(this.line(C`typedef ${this.sema.enumCType(obj)} ${name};`, obj));
    if (members.length) dest.push(L(C`enum { ${members.join(', ')} };`));
    for (const [k, v] of all) if (v > 0x7fffffff) dest.push(L(C`#define ${name}_${k} ${v}u`));
    dest.push({ text: '' });
  }

  private lowerInterface(d: ts.InterfaceDeclaration, dest: Line[]): void {
    const name = d.name.text;
    dest.push(this.line(C`typedef struct ${name}_vt {`, d));
    for (const m of d.members) {
      if (!ts.isMethodSignature(m)) continue;
      const mname = cIdent(m.name.getText(this.sf));
      const sig = this.sema.checker.getSignatureFromDeclaration(m)!;
      const ret = this.sema.fromType(sig.getReturnType());
      const params = ['void *self', ...m.parameters.map((p) => this.decl(this.sema.declType(p), cIdent(p.name.getText(this.sf))))];
      dest.push(this.line(C`  ${this.ctype(ret)} (*${mname})(${params.join(', ')});`, m));
    }
    dest.push(L(C`} ${name}_vt;`));
    dest.push(L(C`struct ${name} {`), { text: '  void *self;' }, L(C`  const ${name}_vt *vt;`));
    dest.push({ text: '};' }, { text: '' });
  }

  /** Local classes, each after the classes it embeds. */
  private sortedClasses(): ts.ClassDeclaration[] {
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

  private constInt(e: ts.Expression | undefined): number {
    if (!e) return 0;
    const v = literalValue(e);
    if (v !== undefined) return v;
    if (ts.isIdentifier(e)) return this.sema.constValue(e) ?? 0;
    const t = this.sema.exprType(e);
    return t.k === 'lit' ? t.value : 0;
  }

  private lowerClassStruct(cls: ts.ClassDeclaration, dest: Line[]): void {
    const name = cls.name!.text;
    dest.push(this.line(C`struct ${name} {`, cls));
    const fields = this.fields(cls);
    if (fields.length === 0) dest.push({ text: '  uint8_t unused; /* C99 has no empty structs */' });
    for (const f of fields) {
      const fname = cIdent(f.name);
      let text: string;
      if (f.storage.k === 'array') text = `uint8_t ${fname}[${storageLen(f.storage.len)}];`;
      else if (f.storage.k === 'object' && f.type.k === 'class') text = `${f.type.name} ${fname};`;
      else text = `${this.decl(f.type, fname)};`;
      dest.push(this.line(C`  ${text}`, f.decl));
    }
    dest.push({ text: '};' }, { text: '' });
  }

  private sizeOf(t: FwType, storage: Storage): number {
    if (storage.k === 'array') return storage.len;
    if (storage.k === 'object' && t.k === 'class') {
      return this.fields(t.decl).reduce((s, f) => s + this.sizeOf(f.type, f.storage), 0) || 1;
    }
    switch (t.k) {
      case 'int': return t.bits / 8;
      case 'bool': return 1;
      case 'enum': return t.ctype === 'uint8_t' ? 1 : t.ctype === 'uint16_t' ? 2 : 4;
      case 'bytes': return 8;
      case 'iface': return 8;
      default: return 4;
    }
  }

  // ---------------------------------------------------------------- top-level variables

  /** Every initialiser goes into one <module>_module_init(): their temporaries share one count
   * (each restarting at fw_t0 declared fw_t0 twice in one scope). */
  private initTmpCount = 0;

  private lowerTopVar(d: ts.VariableDeclaration, exported: boolean, vars: Chunk[], inits: Line[]): void {
    const saved = this.tmpCount;
    this.tmpCount = this.initTmpCount;
    try {
      this.lowerTopVarInit(d, exported, vars, inits);
    } finally {
      this.initTmpCount = this.tmpCount;
      this.tmpCount = saved;
    }
  }

  private lowerTopVarInit(d: ts.VariableDeclaration, exported: boolean, chunks: Chunk[], inits: Line[]): void {
    const entry = this.tmpCount;
    const tsName = d.name.getText(this.sf);
    const name = exported ? `${this.prefix}_${tsName}` : cIdent(tsName);
    const storageClass = exported ? '' : 'static ';
    const vars = { push: (...lines: Line[]): void => { chunks.push({ static: exported ? undefined : name, lines }); } };
    const init = d.initializer!;
    const isConst = !!(d.parent.flags & ts.NodeFlags.Const);
    // A named integer constant (const N = 256) is inlined where used.
    if (isConst && !d.type && literalValue(init) !== undefined) return;
    const type = this.sema.declType(d);
    if (ts.isCallExpression(init) && this.sema.preludeName(init.expression) === 'bytes') {
      const len = this.constInt(init.arguments[0]);
      vars.push(this.line(C`${storageClass}uint8_t ${name}[${storageLen(len)}];`, d));
      if (exported) this.out.header.push(this.line(C`extern uint8_t ${name}[${storageLen(len)}];`, d));
      this.out.ram.push({ name: tsName, bytes: len });
      return;
    }
    if (ts.isNewExpression(init) && type.k === 'class') {
      vars.push(this.line(C`${storageClass}${type.name} ${name};`, d));
      if (exported) this.out.header.push(this.line(C`extern ${type.name} ${name};`, d));
      this.out.ram.push({ name: tsName, bytes: this.sizeOf(type, { k: 'object' }) });
      const body: Line[] = [];
      this.lowerNewInto(init, addressOf(cname(name)), body);
      inits.push(...body);
      return;
    }
    if (type.k === 'table') {
      const arr = stripAsConst(init) as ts.ArrayLiteralExpression;
      const elems = arr.elements.map((e) => this.constExpr(e, type.elem));
      const et = this.ctype(type.elem);
      const rows: Line[] = [];
      const perRow = type.elem.k === 'int' ? 8 : 4;
      for (let i = 0; i < elems.length; i += perRow) {
        rows.push(L(C`  ${list(elems.slice(i, i + perRow))},`));
      }
      // A readonly table goes to flash; one the program may write (`const t: u32[]`) to RAM.
      const ro = this.isReadonlyTable(d) ? 'const ' : '';
      vars.push(this.line(C`${storageClass}${ro}${et} ${name}[${elems.length}] = {`, d), ...rows, { text: '};' });
      if (exported) this.out.header.push(this.line(C`extern ${ro}${et} ${name}[${elems.length}];`, d));
      if (!ro) this.out.ram.push({ name: tsName, bytes: elems.length * this.sizeOf(type.elem, { k: 'value' }) });
      return;
    }
    const c = this.tryConst(init, type);
    const qual = isConst && c !== undefined ? 'const ' : '';
    if (c !== undefined) {
      vars.push(this.line(C`${storageClass}${qual}${this.decl(type, name)} = ${c};`, d));
    } else {
      vars.push(this.line(C`${storageClass}${this.decl(type, name)};`, d));
      this.tmpCount = entry; // tryConst's trial lowering above emitted nothing
      this.localBytes = 0;
      this.calls = new Set();
      const body: Line[] = [];
      const v = this.coerce(this.expr(init, body), type);
      body.push(this.line(C`${cname(name)} = ${v};`, d));
      inits.push(...body);
    }
    if (exported) this.out.header.push(this.line(C`extern ${qual}${this.decl(type, name)};`, d));
    this.out.ram.push({ name: tsName, bytes: this.sizeOf(type, { k: 'value' }) });
  }

  /** Is a top-level table readonly (`readonly T[]`, `ReadonlyArray<T>`, `as const`)? */
  private isReadonlyTable(d: ts.VariableDeclaration): boolean {
    const t = this.sema.checker.getTypeAtLocation(d);
    if (this.sema.checker.isTupleType(t)) return (t as ts.TupleTypeReference).target.readonly;
    return t.getSymbol()?.name === 'ReadonlyArray';
  }

  /** A compile-time constant expression of the given type, or undefined. */
  private tryConst(e: ts.Expression, t: FwType): CNode | undefined {
    const x = this.expr(e, []);
    if (x.lit !== undefined) return this.litFor(x, this.ctype(t));
    if (e.kind === ts.SyntaxKind.TrueKeyword) return boolLit(true);
    if (e.kind === ts.SyntaxKind.FalseKeyword) return boolLit(false);
    if (ts.isPropertyAccessExpression(e) && x.stable && x.e.k === 'name') return x.e; // an enum member
    if (t.k === 'fn' && ts.isIdentifier(e)) return x.e;
    return undefined;
  }

  private constExpr(e: ts.Expression, t: FwType): CNode {
    const c = this.tryConst(e, t);
    if (c === undefined) throw new LoweringError(e, 'a table entry that is not constant');
    return c;
  }

  // ---------------------------------------------------------------- functions

  private startFunction(): void {
    this.tmpCount = 0;
    this.localBytes = 0;
    this.calls = new Set();
  }

  private params(ps: readonly ts.ParameterDeclaration[]): string[] {
    return ps.map((p) => this.decl(this.sema.declType(p), cIdent(p.name.getText(this.sf))));
  }

  private returnType(d: ts.SignatureDeclaration): FwType {
    const sig = this.sema.checker.getSignatureFromDeclaration(d)!;
    return this.sema.fromType(sig.getReturnType());
  }

  cFunctionName(d: ts.FunctionDeclaration): string {
    const name = d.name!.text;
    const sf = d.getSourceFile();
    if (isExported(d) || this.sema.isExtern(d)) return `${this.sema.modulePrefix(sf)}_${name}`;
    return cIdent(name);
  }

  private lowerFunction(d: ts.FunctionDeclaration, protos: Chunk[], bodies: Chunk[]): void {
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
  private unreachableEnd(ret: FwType, stmts: readonly ts.Statement[], body: Line[]): void {
    if (ret.k === 'void' || ret.k === 'never') return;
    const last = stmts[stmts.length - 1];
    if (last && this.endsInReturn(last)) return;
    body.push({ text: '  fw_panic(FW_PANIC_UNREACHABLE); /* TypeScript proved the end unreachable */' });
  }

  /** Does C see that this statement never completes (return, panic, if/else of such)? */
  private endsInReturn(st: ts.Statement): boolean {
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
  private headerSafe(d: ts.FunctionDeclaration): boolean {
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

  private lowerClassFunctions(cls: ts.ClassDeclaration, protos: Chunk[], bodies: Chunk[]): void {
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
  private lowerInterfaceAdapters(protos: Chunk[], bodies: Chunk[]): void {
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

  // ---------------------------------------------------------------- statements

  /** `(void)p;` for parameters the body never reads: -Wunused-parameter is part of -Wextra. */
  private markUnused(names: readonly string[], body: Line[]): Line[] {
    const used = new Set(body.flatMap((l) => l.refs ?? []));
    const unused = names.filter((n) => !used.has(n));
    return [...unused.map((n) => L(C`  ${cast('void', cname(n))};`)), ...body];
  }

  private paramNames(ps: readonly ts.ParameterDeclaration[]): string[] {
    return ps.map((p) => cIdent(p.name.getText(this.sf)));
  }

  private block(stmts: readonly ts.Statement[], out: Line[], depth: number): void {
    for (const s of stmts) this.stmt(s, out, depth);
  }

  private ind(depth: number): string {
    return '  '.repeat(depth);
  }

  private stmt(s: ts.Statement, out: Line[], depth: number): void {
    this.stmtInner(s, out, depth);
    if (isLoop(s) || ts.isSwitchStatement(s)) this.afterNested(s, out, depth);
  }

  private stmtInner(s: ts.Statement, out: Line[], depth: number): void {
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

  private body(s: ts.Statement, out: Line[], depth: number): void {
    if (ts.isBlock(s)) this.block(s.statements, out, depth);
    else this.stmt(s, out, depth);
  }

  private forStatement(s: ts.ForStatement, out: Line[], depth: number): void {
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
  private labeled(s: ts.LabeledStatement, out: Line[], depth: number): void {
    const I = this.ind(depth);
    const label = cIdent(s.label.text);
    const flags = labelFlags(s);
    if (flags.brk) out.push(this.line(C`${I}bool fw_break_${label} = false;`, s));
    if (flags.cont) out.push(this.line(C`${I}bool fw_continue_${label} = false;`, s));
    this.stmt(s.statement, out, depth);
  }

  /** After a nested loop or switch: leave it too if it set a labelled jump's flag. */
  private afterNested(s: ts.Statement, out: Line[], depth: number): void {
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
  private forClause(e: ts.Expression, node: ts.Node): Piece {
    const pre: Line[] = [];
    const x = this.exprStatementNode(e, pre, 0, node);
    if (pre.length) throw new LoweringError(e, 'a for clause that needs statements first');
    return x ? C`${x}` : C``;
  }

  private exprStatement(e: ts.Expression, out: Line[], depth: number, node: ts.Node): void {
    const x = this.exprStatementNode(e, out, depth, node);
    if (x) out.push(this.line(C`${this.ind(depth)}${x};`, node));
  }

  /** The C expression of an expression statement (its preparation goes to `out`); undefined
   * when the statement was lowered to statements entirely. */
  private exprStatementNode(e: ts.Expression, out: Line[], depth: number, node: ts.Node): CNode | undefined {
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
  private assign(e: ts.BinaryExpression, out: Line[], depth: number): CNode | undefined {
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
  private lowerNewInto(e: ts.NewExpression, target: CNode, out: Line[], depth = 0): void {
    const I = this.ind(depth);
    const t = this.sema.exprType(e);
    if (t.k !== 'class') return;
    const args = this.args(e, e.arguments ?? [], out, depth);
    out.push(this.line(C`${I}${ccall(`${t.name}_init`, target, ...args)};`, e));
    this.calls.add(`${t.name}_init`);
  }

  // ---------------------------------------------------------------- expressions

  /** An expression that is the whole value of a statement: a call needs no temporary here. */
  private exprTop(e: ts.Expression, out: Line[], depth: number): CExpr {
    const inner = skipParens(e);
    if (ts.isCallExpression(inner) && !this.sema.preludeName(inner.expression)) return this.call(inner, out, depth, true);
    return this.expr(e, out, depth);
  }

  /** Lower an expression; statements it needs first (temporaries, in JS order) go to `out`. */
  expr(e: ts.Expression, out: Line[], depth = 1): CExpr {
    e = skipParens(e);
    const t = this.sema.exprType(e);
    if (t.k === 'lit' && !ts.isCallExpression(e)) {
      // A named constant (const N = 0x40) is inlined, spelled as written and named in a comment.
      const named = ts.isIdentifier(e) ? this.sema.declOf(e) : undefined;
      const init = named && ts.isVariableDeclaration(named) ? named.initializer : undefined;
      const litText = ts.isNumericLiteral(e) ? e.getText(this.sf) : init && ts.isNumericLiteral(init) ? init.getText(init.getSourceFile()) : undefined;
      return { e: lit(t.value), t: LIT, lit: t.value, litText, litName: init ? e.getText(this.sf) : undefined, stable: true };
    }
    switch (e.kind) {
      case ts.SyntaxKind.TrueKeyword: return { e: boolLit(true), t: BOOL, stable: true };
      case ts.SyntaxKind.FalseKeyword: return { e: boolLit(false), t: BOOL, stable: true };
      case ts.SyntaxKind.ThisKeyword: return { e: cname('self'), t: { k: 'ptr', name: this.curClass?.name?.text ?? 'void' }, stable: true };
    }
    if (ts.isIdentifier(e)) return this.identifier(e);
    if (ts.isPropertyAccessExpression(e)) return this.property(e, out, depth);
    if (ts.isElementAccessExpression(e)) {
      let base = this.expr(e.expression, out, depth);
      const idxPre: Line[] = [];
      const idx = this.expr(e.argumentExpression, idxPre, depth);
      if (idxPre.length) base = this.spill(base, out, depth); // JS reads the base first
      out.push(...idxPre);
      const bt = this.sema.exprType(e.expression);
      const et = bt.k === 'table' ? this.ctype(bt.elem) : 'uint8_t';
      return { e: this.indexC(base, idx), t: fromSpelling(et), stable: false };
    }
    if (ts.isCallExpression(e)) return this.call(e, out, depth, false);
    if (ts.isPrefixUnaryExpression(e)) {
      const o = this.expr(e.operand, out, depth);
      switch (e.operator) {
        case ts.SyntaxKind.ExclamationToken: {
          const b = boolValue(o.e);
          if (b !== undefined) return this.constBool(!b);
          return { e: this.not(o.e), t: BOOL, stable: o.stable };
        }
        case ts.SyntaxKind.MinusToken:
          if (o.lit !== undefined) return { e: lit(-o.lit), t: LIT, lit: -o.lit, stable: true };
          return { e: binary('-', lit(0, U32), this.u32(o)), t: U32, stable: o.stable };
        case ts.SyntaxKind.TildeToken:
          if (o.lit !== undefined) return { e: lit(~o.lit), t: LIT, lit: ~o.lit, stable: true };
          return { e: ccall('fw_not32', this.u32(o)), t: U32, stable: o.stable };
        case ts.SyntaxKind.PlusToken: return o;
      }
    }
    if (ts.isBinaryExpression(e)) return this.binary(e, out, depth);
    if (ts.isConditionalExpression(e)) return this.conditional(e, out, depth);
    if (ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e)) return this.expr(e.expression, out, depth);
    throw new LoweringError(e, `expression ${ts.SyntaxKind[e.kind]}`);
  }

  /** `c ? a : b`: both arms converted to the conditional's own type (sema, from both arms). */
  private conditional(e: ts.ConditionalExpression, out: Line[], depth: number): CExpr {
    const c = this.expr(e.condition, out, depth);
    const ap: Line[] = [];
    const bp: Line[] = [];
    const a = this.expr(e.whenTrue, ap, depth + 1);
    const b = this.expr(e.whenFalse, bp, depth + 1);
    const rt = this.sema.exprType(e);
    const ct = this.ctype(rt);
    // A constant condition picks its branch (as JS does; C compilers warn on the dead arm).
    // (Only when the dead arm reads no variable: C would otherwise call the variable unused.)
    const decided = boolValue(c.e);
    if (decided !== undefined && isConstant(decided ? b.e : a.e)) {
      const [x, pre] = decided ? [a, ap] : [b, bp];
      out.push(...pre);
      if (x.lit !== undefined) return x;
      // A widening cast of the arm keeps its range: the C compilers see through it (-Wtype-limits).
      const inner = rangeOfC(x);
      const outer = rangeOfCtype(ct);
      const range = inner && outer && inner[0] >= outer[0] && inner[1] <= outer[1] ? inner : undefined;
      return { ...x, e: this.arm(x, rt, ct), t: fromSpelling(ct), range };
    }
    if (ap.length === 0 && bp.length === 0) {
      // Both arms are promoted to int in C: cast a narrow result back (-Wconversion).
      const narrow = ct === 'uint8_t' || ct === 'uint16_t' || ct === 'int8_t' || ct === 'int16_t';
      const node = cond(c.e, this.arm(a, rt, ct), this.arm(b, rt, ct));
      // A constant condition with a dead arm we keep (it reads variables): the C compiler still
      // knows the value, so comparisons must know it too.
      const known = c.known ?? decided;
      const live = known === true ? a : known === false ? b : undefined;
      let range = live ? (live.lit !== undefined ? [live.lit, live.lit] as [number, number] : rangeOfC(live)) : undefined;
      // Two literal arms of one value (`c ? 0 : 0`): the C compilers fold it (a switch on it).
      if (!range && a.lit !== undefined && a.lit === b.lit) range = [a.lit, a.lit];
      return { e: narrow ? cast(ct, node) : node, t: fromSpelling(ct), stable: c.stable && a.stable && b.stable, range };
    }
    const tmp = this.tmp();
    const I = this.ind(depth);
    out.push(L(C`${I}${ct.endsWith('*') ? ct + tmp : ct + ' ' + tmp};`));
    out.push(L(C`${I}if (${c.e}) {`), ...ap, L(C`${I}  ${tmp} = ${this.arm(a, rt, ct)};`));
    out.push(L(C`${I}} else {`), ...bp, L(C`${I}  ${tmp} = ${this.arm(b, rt, ct)};`), L(C`${I}}`));
    return { e: cname(tmp), t: fromSpelling(ct), stable: true };
  }

  /** One arm of a conditional in the conditional's C type: every value of the arm is a value of
   * that type (sema joins the arms), so an explicit cast is exact and keeps -Wconversion quiet. */
  private arm(x: CExpr, rt: FwType, ct: string): CNode {
    // A narrow arm is promoted to int in C: a `u` literal beside it would make the conditional
    // unsigned int (-Wsign-conversion); spelled as a plain int, both arms are int.
    if (x.lit !== undefined) return this.litFor(x, rt.k === 'enum' ? 'uint32_t' : ct === 'uint8_t' || ct === 'uint16_t' ? 'int32_t' : ct);
    if (rt.k === 'num') return ct === 'int32_t' ? this.i32(x) : this.u32(x);
    if (INT_CTYPES.has(ct) && !isInt(x.t, ct as CInt)) return cast(ct, x.e);
    if (rt.k === 'bytes' || rt.k === 'iface') return this.coerce(x, rt);
    return x.e;
  }

  private identifier(e: ts.Identifier): CExpr {
    const d = this.sema.declOf(e);
    if (!d) return { e: cname(cIdent(e.text)), t: U32, stable: false };
    const sf = d.getSourceFile();
    const t = this.sema.declType(d);
    if (ts.isFunctionDeclaration(d)) {
      this.calls.add(this.cFunctionName(d));
      return { e: cname(this.cFunctionName(d)), t: { k: 'fn' }, stable: true };
    }
    const isTop = ts.isVariableDeclaration(d) && ts.isSourceFile(d.parent.parent.parent);
    let name = cIdent(e.text);
    if (isTop) {
      const st = d.parent.parent as ts.VariableStatement;
      name = isExported(st) ? `${this.sema.modulePrefix(sf)}_${(d as ts.VariableDeclaration).name.getText(sf)}` : cIdent((d as ts.VariableDeclaration).name.getText(sf));
      const init = (d as ts.VariableDeclaration).initializer;
      if (init && ts.isCallExpression(init) && this.sema.preludeName(init.expression) === 'bytes') {
        return { e: cname(name), t: { k: 'array', len: this.constInt(init.arguments[0]) }, stable: true };
      }
      if (init && ts.isNewExpression(init)) return { e: addressOf(cname(name)), t: fromSpelling(this.ctype(t)), stable: true };
      // A top-level `const` may be a C `const` the compiler folds (a table in flash, a scalar).
      const konst = !!(d.parent.flags & ts.NodeFlags.Const);
      const ref = konst ? constName(name) : cname(name);
      if (t.k === 'table') return { e: ref, t: { k: 'table', len: t.length }, stable: true };
      return { e: ref, t: fromSpelling(this.ctype(t)), stable: false };
    }
    return { e: cname(name), t: fromSpelling(this.ctype(t)), stable: false };
  }

  private property(e: ts.PropertyAccessExpression, out: Line[], depth: number): CExpr {
    const name = e.name.text;
    // Enum member: Err.Ok -> Err_Ok
    if (ts.isIdentifier(e.expression)) {
      const obj = this.sema.enumObject(this.sema.declOf(e.expression));
      if (obj) {
        const v = enumMembers(obj).get(name) ?? 0;
        // The prelude is not lowered (fw_rt.h stands for it): its enums (Panic) have no C
        // declaration to name, so a member is its value, named in a comment.
        if (this.sema.isPrelude(obj.getSourceFile())) return { e: lit(v), t: LIT, lit: v, litName: e.getText(this.sf), stable: true };
        return { e: constName(`${this.sema.enumAliasName(obj)}_${name}`), t: { k: 'named', name: this.sema.enumAliasName(obj) }, lit: undefined, stable: true, litText: String(v) };
      }
    }
    const base = this.expr(e.expression, out, depth);
    const bt = this.sema.exprType(e.expression);
    if (name === 'length' && (bt.k === 'bytes' || bt.k === 'table')) {
      if (base.t.k === 'array' || base.t.k === 'table') {
        const n = base.t.len;
        return { e: lit(n, U32), t: U32, lit: n, stable: true };
      }
      if (bt.k === 'table') return { e: lit(bt.length, U32), t: U32, lit: bt.length, stable: true };
      return { e: dot(base.e, 'len'), t: U32, stable: base.stable };
    }
    if (bt.k === 'class') {
      const f = this.fields(bt.decl).find((x) => x.name === name);
      const acc = field(base.e, cIdent(name));
      if (f?.storage.k === 'array') return { e: acc, t: { k: 'array', len: f.storage.len }, stable: base.stable };
      if (f?.storage.k === 'object' && f.type.k === 'class') return { e: addressOf(acc), t: { k: 'ptr', name: f.type.name }, stable: base.stable };
      return { e: acc, t: f ? fromSpelling(this.ctype(f.type)) : U32, stable: false };
    }
    return { e: dot(base.e, cIdent(name)), t: U32, stable: false };
  }

  /** `b[i]` in C for an array, a view or a table. */
  private indexC(base: CExpr, idx: CExpr): CNode {
    const i = idx.lit !== undefined ? lit(idx.lit) : idx.e;
    if (base.t.k === 'bytes') return index(dot(base.e, 'ptr'), i);
    return index(base.e, i);
  }

  private binary(e: ts.BinaryExpression, out: Line[], depth: number): CExpr {
    const op = e.operatorToken.kind;
    if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken) {
      const a = this.expr(e.left, out, depth);
      const bp: Line[] = [];
      const b = this.expr(e.right, bp, depth + 1);
      const cop = op === ts.SyntaxKind.AmpersandAmpersandToken ? '&&' : '||';
      // A constant left side decides whether JS evaluates the right side at all.
      const av = boolValue(a.e);
      if (av !== undefined) {
        const decided = cop === '&&' ? !av : av;
        if (!decided) {
          out.push(...bp);
          return b;
        }
        if (isConstant(b.e) && bp.length === 0) return this.constBool(av);
      }
      // `x != 0 || x < 4` on one operand: clang's -Wtautological-overlap-compare; fold it.
      if (bp.length === 0 && a.cmp && b.cmp && sameNode(a.cmp.x, b.cmp.x)) {
        const { lo, hi } = a.cmp;
        const ca = a.cmp;
        const cb = b.cmp;
        const values = cmpCandidates([lo, hi], [ca.c, cb.c]).map((v) =>
          cop === '&&' ? evalCmp(ca.op, v, ca.c) && evalCmp(cb.op, v, cb.c) : evalCmp(ca.op, v, ca.c) || evalCmp(cb.op, v, cb.c));
        if (values.every((v) => v === values[0])) return this.constBool(values[0], ca.x);
      }
      if (bp.length === 0) return { e: binary(cop, a.e, b.e), t: BOOL, stable: a.stable && b.stable };
      // The right side has statements: evaluate it only when JS would.
      const tmp = this.tmp();
      const I = this.ind(depth);
      out.push(L(C`${I}bool ${tmp} = ${a.e};`));
      out.push(L(C`${I}if (${cop === '&&' ? tmp : '!' + tmp}) {`), ...bp, L(C`${I}  ${tmp} = ${b.e};`), L(C`${I}}`));
      return { e: cname(tmp), t: BOOL, stable: true };
    }
    const leftPre: Line[] = [];
    let a = this.expr(e.left, leftPre, depth);
    const rightPre: Line[] = [];
    const b = this.expr(e.right, rightPre, depth);
    out.push(...leftPre);
    if ((rightPre.length || (this.mayPanic(e.left) && this.mayPanic(e.right))) && !a.stable) a = this.spill(a, out, depth);
    out.push(...rightPre);
    const stable = a.stable && b.stable;
    // Two constants: fold in JS semantics (C compilers warn on e.g. `10u ^ 3u` and `(36u & 7u) == 1u`).
    if (a.lit !== undefined && b.lit !== undefined) {
      const v = foldBinary(op, a.lit, b.lit);
      if (v !== undefined) return { e: lit(v), t: LIT, lit: v, stable: true };
    }
    switch (op) {
      case ts.SyntaxKind.EqualsEqualsEqualsToken: return this.compare('==', a, b, e, stable);
      case ts.SyntaxKind.ExclamationEqualsEqualsToken: return this.compare('!=', a, b, e, stable);
      case ts.SyntaxKind.LessThanToken: return this.compare('<', a, b, e, stable);
      case ts.SyntaxKind.LessThanEqualsToken: return this.compare('<=', a, b, e, stable);
      case ts.SyntaxKind.GreaterThanToken: return this.compare('>', a, b, e, stable);
      case ts.SyntaxKind.GreaterThanEqualsToken: return this.compare('>=', a, b, e, stable);
      case ts.SyntaxKind.PlusToken: return { e: this.u32op('+', a, b), t: U32, stable, range: arithRange('+', a, b) };
      case ts.SyntaxKind.MinusToken: return { e: this.u32op('-', a, b), t: U32, stable, range: arithRange('-', a, b) };
      case ts.SyntaxKind.AsteriskToken: {
        // `x * 2^k` is `x << k` mod 2^32: its low k bits are known zeros, which gcc sees too
        // (`(uint8_t)(x * 2147483648u) > y` is always false: -Wtype-limits).
        const k = [a, b].map((o) => powerOfTwo(o.lit)).find((v) => v !== undefined);
        const x = bitsOf(a.lit !== undefined && powerOfTwo(a.lit) === k ? b : a);
        const bits = k === undefined ? undefined : { ones: (x.ones << k) >>> 0, zeros: ((x.zeros << k) | ((2 ** k) - 1)) >>> 0 };
        return { e: this.u32op('*', a, b), t: U32, stable, range: arithRange('*', a, b), bits };
      }
      case ts.SyntaxKind.AmpersandToken: {
        const [x, y] = [bitsOf(a), bitsOf(b)];
        return { e: this.u32op('&', a, b), t: U32, stable, range: bitRange('&', a, b), bits: { ones: (x.ones & y.ones) >>> 0, zeros: (x.zeros | y.zeros) >>> 0 } };
      }
      case ts.SyntaxKind.BarToken: {
        const [x, y] = [bitsOf(a), bitsOf(b)];
        return { e: this.u32op('|', a, b), t: U32, stable, range: bitRange('|', a, b), bits: { ones: (x.ones | y.ones) >>> 0, zeros: (x.zeros & y.zeros) >>> 0 } };
      }
      case ts.SyntaxKind.CaretToken: return { e: this.u32op('^', a, b), t: U32, stable, range: bitRange('^', a, b) };
      case ts.SyntaxKind.LessThanLessThanToken: {
        const n = b.lit !== undefined ? b.lit & 31 : undefined;
        const x = bitsOf(a);
        const bits = n === undefined ? undefined : { ones: (x.ones << n) >>> 0, zeros: ((x.zeros << n) | ((1 << n) - 1)) >>> 0 };
        return { e: binary('<<', this.u32(a), this.shiftCount(b)), t: U32, stable, bits };
      }
      case ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken: {
        const n = b.lit !== undefined ? b.lit & 31 : undefined;
        const x = bitsOf(a);
        const bits = n === undefined ? undefined : { ones: x.ones >>> n, zeros: ((x.zeros >>> n) | ~(0xffffffff >>> n)) >>> 0 };
        return { e: binary('>>', this.u32(a), this.shiftCount(b)), t: U32, stable, bits };
      }
      case ts.SyntaxKind.GreaterThanGreaterThanToken: return { e: ccall('fw_sar32', this.i32(a), this.shiftCount(b)), t: I32, stable };
    }
    throw new LoweringError(e, `operator ${e.operatorToken.getText(this.sf)}`);
  }

  /** `a op b` computed in uint32_t. */
  private u32op(op: BinaryOp, a: CExpr, b: CExpr): CNode {
    return binary(op, this.u32(a), this.u32(b));
  }

  private shiftCount(b: CExpr): CNode {
    if (b.lit !== undefined) return lit((b.lit & 31) >>> 0, U32);
    return binary('&', this.u32(b), lit(31, U32));
  }

  /** `!x` (of a condition). */
  private not(x: CNode): CNode {
    return unary('!', x);
  }

  /** A comparison with both operands in one signedness (the checker guarantees it). */
  /** A comparison whose value is known: gcc and clang reject the tautology under -Werror
   * (-Wtype-limits, -Wtautological-*), so C gets the constant, still reading the operand. */
  private constBool(v: boolean, ...keep: CNode[]): CExpr {
    if (keep.length === 0) return { e: boolLit(v), t: BOOL, stable: true, known: v };
    return { e: comma(...keep.map((k) => cast('void', k)), boolLit(v)), t: BOOL, stable: true, known: v };
  }

  private enumRange(e: ts.Expression): [number, number] | undefined {
    const t = this.sema.exprType(e);
    return t.k === 'enum' ? this.rangeOf(t) : undefined;
  }

  private rangeOf(t: FwType): [number, number] | undefined {
    if (t.k === 'int') return t.signed ? [-(2 ** (t.bits - 1)), 2 ** (t.bits - 1) - 1] : [0, 2 ** t.bits - 1];
    if (t.k === 'enum') return [0, t.ctype === 'uint8_t' ? 0xff : t.ctype === 'uint16_t' ? 0xffff : 0xffffffff];
    return undefined;
  }

  private compare(op: string, a: CExpr, b: CExpr, e: ts.BinaryExpression, stable: boolean): CExpr {
    if (a.lit !== undefined && b.lit !== undefined) return this.constBool(evalCmp(op, a.lit, b.lit));
    if (a.lit === undefined && b.lit === undefined && sameNode(a.e, b.e)) return this.constBool(evalCmp(op, 0, 0), a.e);
    const keep = [a, b].filter((x) => x.lit === undefined).map((x) => x.e);
    // Decided by the ranges of the two sides (what gcc's -Wtype-limits and clang's
    // -Wtautological-* see): the constant, still reading the operands.
    const ra = this.valueRange(a, e.left);
    const rb = this.valueRange(b, e.right);
    if (ra && rb) {
      const v = intervalCmp(op, ra, rb);
      if (v !== undefined) return this.constBool(v, ...keep);
    }
    // `(x | 0x7f) == 0x80`: known bits contradict the constant (-Wtautological-bitwise-compare).
    if ((op === '==' || op === '!=') && (a.lit !== undefined) !== (b.lit !== undefined)) {
      const [x, c] = a.lit !== undefined ? [b, a.lit] : [a, b.lit!];
      if (x.bits && bitsConflict(x.bits, c)) return this.constBool(op === '!=', ...keep);
    }
    let cmp: CExpr['cmp'];
    const litLeft = a.lit !== undefined;
    const x = litLeft ? b : b.lit !== undefined ? a : undefined;
    const range = litLeft ? rb : ra;
    if (x && range) {
      const c = (litLeft ? a.lit : b.lit)!;
      cmp = { x: x.e, op: litLeft ? FLIP[op] : op, c, lo: range[0], hi: range[1] };
    }
    const r = this.compareC(op, a, b, stable);
    return cmp ? { ...r, cmp } : r;
  }

  /** The values an integer operand can take: its type, narrowed by a widening cast or known bits. */
  private valueRange(x: CExpr, node: ts.Expression): [number, number] | undefined {
    if (x.lit !== undefined) return [x.lit, x.lit];
    const r = rangeOfC(x) ?? this.rangeOf(this.sema.exprType(node));
    if (!r || !x.bits || r[0] < 0) return r;
    return [Math.max(r[0], x.bits.ones), Math.min(r[1], (~x.bits.zeros) >>> 0)];
  }

  private compareC(op: string, a: CExpr, b: CExpr, stable: boolean): CExpr {
    const signed = isSigned(a.t) || isSigned(b.t) || (a.lit !== undefined && b.lit !== undefined && (a.lit < 0 || b.lit < 0));
    const wide = isInt(a.t, 'uint32_t', 'int32_t') || isInt(b.t, 'uint32_t', 'int32_t');
    const side = (x: CExpr): CNode => {
      if (x.lit !== undefined) return this.litFor(x, signed ? 'int32_t' : 'uint32_t');
      if (x.t.k === 'bool' || x.t.k === 'ptr') return x.e;
      if (x.t.k !== 'int') return wide && !signed ? cast('uint32_t', x.e) : x.e; // enums
      if (wide && !isInt(x.t, 'uint32_t', 'int32_t')) return cast(signed ? 'int32_t' : 'uint32_t', x.e);
      return x.e;
    };
    return { e: binary(op as BinaryOp, side(a), side(b)), t: BOOL, stable };
  }

  /** The operand as uint32_t: intermediates are computed there (JS ring ops agree mod 2^32). */
  private u32(x: CExpr): CNode {
    if (x.lit !== undefined) return this.litFor(x, 'uint32_t');
    if (isInt(x.t, 'uint32_t')) return x.e;
    if (isSigned(x.t)) return ccall('fw_u32', x.e);
    return cast('uint32_t', x.e);
  }

  private i32(x: CExpr): CNode {
    if (x.lit !== undefined) return this.litFor(x, 'int32_t');
    if (isSigned(x.t)) return x.e;
    return ccall('fw_i32', this.u32(x));
  }

  /** A literal for a C type (printed with `u` when unsigned, INT32_MIN portably: emit/print.ts). */
  litFor(x: CExpr, ctype: string): CNode {
    if (x.lit === undefined) return x.e;
    const t = ctype === 'int32_t' ? fwI32(x.lit) : x.lit;
    return { k: 'lit', value: t, t: fromSpelling(ctype), written: x.litText, name: x.litName };
  }

  private tmp(): string {
    return `fw_t${this.tmpCount++}`; // fw_ names cannot clash: cIdent renames user fw_ names
  }

  /** Evaluate x now into a temporary, so that later effects cannot change what JS already read. */
  private spill(x: CExpr, out: Line[], depth: number): CExpr {
    if (x.stable) return x;
    const t = this.tmp();
    const ct = spell(x.t);
    out.push(L(C`${this.ind(depth)}${declare(ct, t)} = ${this.bytesOf(x)};`));
    return { e: cname(t), t: fromSpelling(ct), stable: true };
  }

  /** A bytes(N) array as a view (`fw_view(a, N)`); any other value as it is. */
  private bytesOf(x: CExpr): CNode {
    return x.t.k === 'array' ? ccall('fw_view', x.e, lit(x.t.len, U32)) : x.e;
  }

  /** Convert a lowered value to the C type of `t` (literal spelling, views, interface adapters). */
  coerce(x: CExpr, t: FwType): CNode {
    const ct = this.ctype(t);
    if (x.lit !== undefined) return this.litFor(x, t.k === 'enum' ? 'uint32_t' : ct);
    if (t.k === 'bytes') return this.bytesOf(x);
    if (t.k === 'iface' && x.t.k === 'ptr') return ccall(`${x.t.name}_as_${t.name}`, x.e);
    return x.e;
  }

  private args(call: ts.CallLikeExpression, args: readonly ts.Expression[], out: Line[], depth: number): CNode[] {
    const sig = this.sema.checker.getResolvedSignature(call);
    const decl = sig?.getDeclaration();
    const ptypes = decl && !ts.isJSDocSignature(decl) ? decl.parameters.map((p) => this.sema.declType(p)) : [];
    return this.inOrder(args, out, depth).map((x, i) => this.coerce(x, ptypes[i] ?? { k: 'anyint' }));
  }

  /** Lower expressions in JS order; when a later one needs statements first (a hoisted call),
   * the earlier ones are spilled to temporaries so the call cannot change what they read. */
  private inOrder(args: readonly ts.Expression[], out: Line[], depth: number): CExpr[] {
    const lowered: CExpr[] = [];
    for (let k = 0; k < args.length; k++) {
      const pre: Line[] = [];
      const x = this.expr(args[k], pre, depth);
      if (pre.length) {
        for (let i = 0; i < lowered.length; i++) lowered[i] = this.spill(lowered[i], out, depth);
        out.push(...pre);
      } else if (this.mayPanic(args[k])) {
        // Two arguments that can panic (with different codes) must panic in JS order.
        for (let i = 0; i < lowered.length; i++) if (this.mayPanic(args[i])) lowered[i] = this.spill(lowered[i], out, depth);
      }
      lowered.push(x);
    }
    return lowered;
  }

  /** Can evaluating e panic (a bounds check, a division by zero)? User calls are hoisted to
   * statements anyway; this is about what stays inside one C expression. */
  private mayPanic(e: ts.Node): boolean {
    let found = false;
    const visit = (n: ts.Node): void => {
      if (found) return;
      if (ts.isCallExpression(n) && PANICKING.has(this.sema.preludeName(n.expression) ?? '')) found = true;
      else ts.forEachChild(n, visit);
    };
    visit(e);
    return found;
  }

  /** A call. Calls of FwTS functions nested in an expression go to a temporary (JS order). */
  private call(e: ts.CallExpression, out: Line[], depth: number, statement: boolean): CExpr {
    const I = this.ind(depth);
    const p = this.sema.preludeName(e.expression);
    if (p) return this.preludeCall(p, e, out, depth, statement);
    let text: CNode;
    const callee = e.expression;
    if (ts.isPropertyAccessExpression(callee)) {
      let recv = this.expr(callee.expression, out, depth);
      const rt = this.sema.exprType(callee.expression);
      const argPre: Line[] = [];
      const args = this.args(e, e.arguments, argPre, depth);
      if (argPre.length) recv = this.spill(recv, out, depth);
      out.push(...argPre);
      const mname = callee.name.text;
      if (rt.k === 'iface') {
        // The receiver is read twice (vt and self): it must be a plain variable or field path.
        const r = isPath(recv.e) ? recv : this.spill({ ...recv, stable: false }, out, depth);
        text = ccall({ k: 'member', x: dot(r.e, 'vt'), name: cIdent(mname), arrow: true }, dot(r.e, 'self'), ...args);
        this.calls.add(`${rt.name}.${mname}`);
      } else {
        const cls = rt.k === 'class' ? rt.name : 'void';
        text = ccall(`${cls}_${mname}`, recv.e, ...args);
        this.calls.add(`${cls}_${mname}`);
      }
    } else {
      // JS reads the callee (`HANDLERS[cmd]`, a function variable) before the arguments.
      let f = this.expr(callee, out, depth);
      const argPre: Line[] = [];
      const args = this.args(e, e.arguments, argPre, depth);
      if (argPre.length) f = this.spill(f, out, depth);
      out.push(...argPre);
      text = ccall(f.e, ...args);
    }
    const rt = this.sema.exprType(e);
    if (statement) return { e: text, t: fromSpelling(this.ctype(rt)), stable: false };
    if (rt.k === 'void' || rt.k === 'never') return { e: text, t: VOID, stable: false };
    const tmp = this.tmp();
    const ct = this.ctype(rt);
    out.push(this.line(C`${I}${declare(ct, tmp)} = ${text};`, e));
    return { e: cname(tmp), t: fromSpelling(ct), stable: true };
  }

  private preludeCall(p: string, e: ts.CallExpression, out: Line[], depth: number, statement: boolean): CExpr {
    const I = this.ind(depth);
    if ((INT_NAMES as readonly string[]).includes(p)) return this.wrap(p as IntName, this.expr(e.arguments[0], out, depth), e.arguments[0]);
    const bytesOf = (x: CExpr): CNode => this.bytesOf(x);
    const idx = (x: CExpr): CNode => (x.lit !== undefined ? lit(x.lit) : x.e);
    // log's first argument is its constant message, not a value.
    const a = this.inOrder(p === 'log' ? e.arguments.slice(1) : e.arguments, out, depth);
    const stable = a.every((x) => x.stable);
    // All-constant arguments of a pure prelude function: fold with the prelude itself (the
    // reference semantics), unless it would panic (division by zero stays a run-time panic).
    const pure = PURE_PRELUDE[p];
    if (pure && a.every((x) => x.lit !== undefined) && !((p.startsWith('div') || p.startsWith('mod')) && a[1].lit === 0)) {
      const v = pure(...a.map((x) => x.lit!));
      return { e: lit(v), t: LIT, lit: v, stable: true };
    }
    switch (p) {
      case 'mul32': return { e: binary('*', this.u32(a[0]), this.u32(a[1])), t: U32, stable };
      case 'imul32': return { e: ccall('fw_imul32', this.i32(a[0]), this.i32(a[1])), t: I32, stable };
      case 'clz32': return { e: ccall('fw_clz32', this.u32(a[0])), t: U32, stable };
      // Division and views can panic: an effect, so they are never moved past a later call.
      case 'divu': return { e: ccall('fw_divu32', this.u32(a[0]), this.u32(a[1])), t: U32, stable: false };
      case 'modu': return { e: ccall('fw_modu32', this.u32(a[0]), this.u32(a[1])), t: U32, stable: false };
      case 'divi': return { e: ccall('fw_divi32', this.i32(a[0]), this.i32(a[1])), t: I32, stable: false };
      case 'modi': return { e: ccall('fw_modi32', this.i32(a[0]), this.i32(a[1])), t: I32, stable: false };
      case 'view': return { e: ccall('fw_view_of', bytesOf(a[0]), idx(a[1]), idx(a[2])), t: BYTES, stable: false };
      case 'rd8': return { e: ccall('fw_rd8', bytesOf(a[0]), idx(a[1])), t: U8, stable: false };
      case 'rd16le': case 'rd16be': return { e: ccall(`fw_${p}`, bytesOf(a[0]), idx(a[1])), t: U16, stable: false };
      case 'rd32le': case 'rd32be': return { e: ccall(`fw_${p}`, bytesOf(a[0]), idx(a[1])), t: U32, stable: false };
      case 'wr8': case 'wr16le': case 'wr16be': case 'wr32le': case 'wr32be': {
        const vt = p === 'wr8' ? 'uint8_t' : p.startsWith('wr16') ? 'uint16_t' : 'uint32_t';
        return this.effect(ccall(`fw_${p}`, bytesOf(a[0]), idx(a[1]), this.litFor(a[2], vt)), out, I, e, statement);
      }
      case 'copy': return this.effect(ccall('fw_copy', bytesOf(a[0]), idx(a[1]), bytesOf(a[2])), out, I, e, statement);
      case 'fill': return this.effect(ccall('fw_fill', bytesOf(a[0]), this.litFor(a[1], 'uint8_t'), idx(a[2]), idx(a[3])), out, I, e, statement);
      case 'panic': return this.effect(ccall('fw_panic', this.u32(a[0])), out, I, e, statement);
      case 'log': {
        const msg: CNode = { k: 'str', value: (e.arguments[0] as ts.StringLiteral).text };
        const vals = a.map((x) => this.i32(x));
        if (vals.length === 0) return this.effect(ccall('fw_platform_log', msg, cast('const int32_t *', lit(0)), lit(0, U32)), out, I, e, statement);
        out.push(this.line(C`${I}{`, e));
        out.push(L(C`${I}  const int32_t fw_log_values[${vals.length}] = { ${list(vals)} };`));
        out.push(L(C`${I}  ${ccall('fw_platform_log', msg, cname('fw_log_values'), lit(vals.length, U32))};`));
        out.push(L(C`${I}}`));
        return { e: NONE, t: VOID, stable: true };
      }
    }
    throw new LoweringError(e, `prelude function ${p}`);
  }

  private effect(x: CNode, out: Line[], I: string, e: ts.Node, statement: boolean): CExpr {
    if (statement) return { e: x, t: VOID, stable: false };
    out.push(this.line(C`${I}${x};`, e));
    return { e: NONE, t: VOID, stable: true };
  }

  /** u8(x) ... i32(x): the C conversion that matches the JS wrap. */
  private wrap(name: IntName, x: CExpr, arg?: ts.Expression): CExpr {
    const r = this.wrapC(name, x);
    // A widening wrap keeps the operand's range: the C compilers see through the cast (and warn on
    // comparisons that the narrow range decides). An enum's range is its C type's (u32(e) of a
    // uint8_t enum compared with 65535: gcc -Wtype-limits).
    const inner = rangeOfC(x) ?? (arg && x.lit === undefined ? this.enumRange(arg) : undefined);
    const outer = r.t.k === 'int' ? rangeOfCtype(r.t.name) : undefined;
    let out = r;
    if (inner && outer && inner[0] >= outer[0] && inner[1] <= outer[1]) out = { ...out, range: inner };
    if (name[0] === 'u' && r.lit === undefined) {
      const mask = name === 'u8' ? 0xff : name === 'u16' ? 0xffff : 0xffffffff;
      const b = bitsOf(x);
      out = { ...out, bits: { ones: (b.ones & mask) >>> 0, zeros: (b.zeros | ~mask) >>> 0 } };
    }
    return out;
  }

  private wrapC(name: IntName, x: CExpr): CExpr {
    const ct = ctypeOfInt(name);
    const cti = fromSpelling(ct);
    if (x.lit !== undefined) {
      const v = wrapJs(name, x.lit);
      const same = v === x.lit;
      const y = { ...x, lit: v, litText: same ? x.litText : undefined, litName: same ? x.litName : undefined };
      return { ...y, e: this.litFor(y, ct), t: cti, stable: true };
    }
    if (isInt(x.t, ct as CInt)) return x;
    if (name === 'u32' && isSigned(x.t)) return { e: this.u32(x), t: cti, stable: x.stable };
    // Unsigned targets: the C conversion is the JS wrap. A widening to a signed type is exact.
    if (name[0] === 'u') return { e: cast(ct, x.e), t: cti, stable: x.stable };
    if (name === 'i32') {
      if (isInt(x.t, 'int8_t', 'int16_t')) return { e: cast('int32_t', x.e), t: cti, stable: x.stable };
      return { e: ccall('fw_i32', this.u32(x)), t: cti, stable: x.stable };
    }
    if ((name === 'i16' && isInt(x.t, 'int8_t'))) return { e: cast('int16_t', x.e), t: cti, stable: x.stable };
    return { e: ccall(`fw_${name}`, this.u32(x)), t: cti, stable: x.stable };
  }
}

// ------------------------------------------------------------------ helpers

export function isExported(n: ts.Node): boolean {
  return ts.canHaveModifiers(n) && !!ts.getModifiers(n)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function ctorAssignment(ctor: ts.ConstructorDeclaration, field: string): ts.Expression | undefined {
  for (const s of ctor.body?.statements ?? []) {
    if (!ts.isExpressionStatement(s) || !ts.isBinaryExpression(s.expression)) continue;
    const b = s.expression;
    if (b.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(b.left) &&
        b.left.expression.kind === ts.SyntaxKind.ThisKeyword && b.left.name.text === field) return b.right;
  }
  return undefined;
}

/** `a, b, c` as one piece of a line. */
function list(xs: readonly CNode[]): Piece {
  return xs.reduce((acc: Piece, x, k) => (k === 0 ? C`${x}` : C`${acc}, ${x}`), C``);
}

function skipParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

/** k when the literal is 2^k mod 2^32 (k < 32). */
function powerOfTwo(v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  const u = v >>> 0;
  return u !== 0 && (u & (u - 1)) === 0 ? 31 - Math.clz32(u) : undefined;
}

function fwI32(v: number): number {
  return v | 0;
}

function wrapJs(name: IntName, v: number): number {
  switch (name) {
    case 'u8': return v & 0xff;
    case 'u16': return v & 0xffff;
    case 'u32': return v >>> 0;
    case 'i8': return (v << 24) >> 24;
    case 'i16': return (v << 16) >> 16;
    case 'i32': return v | 0;
  }
}

/** An expression whose value is read from storage or returned by a call: never a C constant. */

