// Declarations: what may stand at module top level, function signatures, declared types, type
// aliases, interfaces and classes (FW1001, FW1010, FW1011, FW1015, FW1016, FW1018, FW1020-FW1023,
// FW1025, FW2001). Variables and their initialisers are state.ts's.
import { ts, packageModule } from '../program.ts';
import { type FwType, describe, isIntLike } from '../sema.ts';
import type { FileContext } from './context.ts';

export function topLevel(c: FileContext, st: ts.Statement): void {
  if (ts.canHaveDecorators(st) && ts.getDecorators(st)?.length) c.report(st, 1001, ['decorators']);
  if (ts.isImportDeclaration(st)) return importDecl(c, st);
  if (ts.isVariableStatement(st)) return c.walk.varStatement(st, true);
  if (ts.isFunctionDeclaration(st)) return functionDecl(c, st);
  if (ts.isClassDeclaration(st)) return classDecl(c, st);
  if (ts.isInterfaceDeclaration(st)) return interfaceDecl(c, st);
  if (ts.isTypeAliasDeclaration(st)) return typeAlias(c, st);
  if (ts.isEmptyStatement(st)) return;
  if (ts.isExportDeclaration(st) && reExportsPrelude(c, st)) return; // fw_rt.h: nothing to lower
  if (ts.isExportDeclaration(st) || ts.isExportAssignment(st)) return c.report(st, 1020);
  if (ts.isEnumDeclaration(st)) return c.report(st, 1001, ['enum (use an as const object)']);
  if (ts.isModuleDeclaration(st)) return c.report(st, 1001, ['namespace']);
  if (ts.isImportEqualsDeclaration(st)) return c.report(st, 1020);
  c.report(st, 1018);
}

function importDecl(c: FileContext, st: ts.ImportDeclaration): void {
  const spec = st.moduleSpecifier;
  const clause = st.importClause;
  const relative = ts.isStringLiteral(spec) && ((spec.text.startsWith('.') && spec.text.endsWith('.ts')) || packageModule(spec.text) !== undefined);
  if (!relative || !clause || clause.name || (clause.namedBindings && !ts.isNamedImports(clause.namedBindings))) {
    c.report(st, 1020);
  }
}

/** `export * from '../lib/prelude.ts'` (or named): how `urpc/fwts` offers the prelude with the Tensor API. */
function reExportsPrelude(c: FileContext, st: ts.ExportDeclaration): boolean {
  if (st.moduleSpecifier === undefined || st.isTypeOnly) return false;
  const target = c.sema.checker.getSymbolAtLocation(st.moduleSpecifier)?.declarations?.[0];
  return target !== undefined && ts.isSourceFile(target) && c.sema.isPrelude(target);
}

function functionDecl(c: FileContext, d: ts.FunctionDeclaration): void {
  if (!ts.isSourceFile(d.parent)) return c.report(d.name ?? d, 1016, ['nested functions']);
  if (!d.body && d.name && isOverloaded(d)) return c.report(d, 1025, [d.name.text]);
  if (!d.body) return c.report(d, 1001, ['a function without a body (use /** @extern */ with a Node body)']);
  signature(c, d);
  if (c.sema.isExtern(d)) return; // The body is the Node implementation; C gets the platform's.
  c.walk.block(d.body);
}

function signature(c: FileContext, d: ts.SignatureDeclaration): void {
  if (d.typeParameters?.length) return c.report(d.typeParameters[0], 1022);
  const mods = ts.canHaveModifiers(d) ? ts.getModifiers(d) ?? [] : [];
  for (const m of mods) {
    if (m.kind === ts.SyntaxKind.AsyncKeyword) c.report(m, 1001, ['async']);
    if (m.kind === ts.SyntaxKind.StaticKeyword) c.report(m, 1021, ['static members']);
    if (m.kind === ts.SyntaxKind.AbstractKeyword) c.report(m, 1021, ['abstract members']);
  }
  if ((ts.isFunctionDeclaration(d) || ts.isMethodDeclaration(d)) && d.asteriskToken) c.report(d, 1001, ['generators']);
  for (const p of d.parameters) {
    if (!ts.isIdentifier(p.name)) c.report(p.name, 1003);
    else if (p.dotDotDotToken) c.report(p, 1004);
    else if (p.questionToken || p.initializer) c.report(p, 1005);
    else if (ts.getModifiers(p)?.length) c.report(p, 1021, ['parameter properties']);
    else if (p.type) declaredType(c, p.type, c.sema.declType(p), false);
  }
  if (d.type) declaredType(c, d.type, c.sema.fromType(c.sema.checker.getSignatureFromDeclaration(d)!.getReturnType()), false, true);
}

/** A declared (or inferred) type must be one FwTS can lower. */
export function declaredType(c: FileContext, at: ts.Node, t: FwType, tableOk: boolean, isReturn = false): boolean {
  switch (t.k) {
    case 'int': case 'float': case 'bool': case 'bytes': case 'class': case 'iface': case 'enum': case 'fn': return true;
    case 'void': case 'never': if (isReturn) return true; break;
    case 'table': if (tableOk && isIntLike(t.elem) || (tableOk && t.elem.k === 'fn')) return true; break;
    case 'num': c.report(at, 2001, ['number']); return false;
    case 'anyint': c.report(at, 2001, ['number']); return false;
  }
  if (t.k === 'bad' && t.text === 'bigint') c.report(at, 2001, ['bigint']);
  else if (t.k === 'bad' && /\b(null|undefined)\b/.test(t.text)) c.report(at, 1010, [t.text]);
  else if (t.k === 'bad' && /\bstring\b/.test(t.text)) c.report(at, 1011);
  else if (t.k === 'table') c.report(at, 1023, ['array types']);
  else c.report(at, 1001, [`type '${describe(t)}'`]);
  return false;
}

function typeAlias(c: FileContext, d: ts.TypeAliasDeclaration): void {
  if (d.typeParameters?.length) return c.report(d.typeParameters[0], 1022);
  if (ts.isFunctionTypeNode(d.type)) {
    for (const p of d.type.parameters) {
      if (!ts.isIdentifier(p.name) || p.dotDotDotToken || p.questionToken || !p.type) c.report(p, 1005);
      else declaredType(c, p.type, c.sema.declType(p), false);
    }
    return;
  }
  if (c.sema.enumOfAlias(d)) return;
  c.report(d, 1001, ['a type alias other than an enum or a function type (write the type itself)']);
}

function interfaceDecl(c: FileContext, d: ts.InterfaceDeclaration): void {
  if (d.typeParameters?.length) c.report(d.typeParameters[0], 1022);
  if (d.heritageClauses?.length) c.report(d.heritageClauses[0], 1015);
  const seen = new Set<string>();
  for (const m of d.members) {
    if (ts.isMethodSignature(m)) {
      const name = m.name.getText(c.sf);
      if (seen.has(name)) c.report(m, 1025, [name]);
      seen.add(name);
      if (m.questionToken) c.report(m, 1005);
      signature(c, m);
    } else {
      c.report(m, 1021, ['interface properties (only methods)']);
    }
  }
}

function classDecl(c: FileContext, d: ts.ClassDeclaration): void {
  if (!d.name) return c.report(d, 1001, ['anonymous classes']);
  if (d.typeParameters?.length) c.report(d.typeParameters[0], 1022);
  for (const h of d.heritageClauses ?? []) {
    if (h.token === ts.SyntaxKind.ExtendsKeyword) c.report(h, 1015);
  }
  const mods = ts.getModifiers(d) ?? [];
  if (mods.some((m) => m.kind === ts.SyntaxKind.AbstractKeyword)) c.report(d, 1021, ['abstract classes']);
  for (const m of d.members) {
    const isStatic = ts.canHaveModifiers(m) && ts.getModifiers(m)?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword);
    if (isStatic) { c.report(m, 1021, ['static members']); continue; }
    if (ts.isPropertyDeclaration(m)) {
      if (!ts.isIdentifier(m.name)) { c.report(m.name, 1001, ['computed or private (#) names']); continue; }
      if (m.questionToken || m.exclamationToken) c.report(m, 1010, ['optional fields']);
      if (m.type) declaredType(c, m.type, c.sema.declType(m), false);
      else if (m.initializer) declaredType(c, m.name, c.sema.declType(m), false);
      if (m.initializer) c.walk.initializer(m.initializer, 'field');
    } else if (ts.isMethodDeclaration(m)) {
      if (!ts.isIdentifier(m.name)) { c.report(m.name, 1001, ['computed or private (#) names']); continue; }
      if (!m.body) { c.report(m, 1025, [m.name.text]); continue; }
      signature(c, m);
      c.walk.block(m.body);
    } else if (ts.isConstructorDeclaration(m)) {
      if (!m.body) { c.report(m, 1025, ['constructor']); continue; }
      signature(c, m);
      c.walk.block(m.body);
    } else if (ts.isGetAccessor(m) || ts.isSetAccessor(m)) {
      c.report(m, 1021, ['getters and setters']);
    } else if (ts.isClassStaticBlockDeclaration(m)) {
      c.report(m, 1021, ['static blocks']);
    } else if (!ts.isSemicolonClassElement(m)) {
      c.report(m, 1001, [ts.SyntaxKind[m.kind]]);
    }
  }
}

/** A signature without a body next to its implementation: `function f(a: u8): void;`. */
function isOverloaded(d: ts.FunctionDeclaration): boolean {
  return ts.isSourceFile(d.parent) && d.parent.statements.some((s) =>
    s !== d && ts.isFunctionDeclaration(s) && s.name?.text === d.name?.text);
}
