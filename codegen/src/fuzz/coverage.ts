// fuzz/coverage.ts: which accepted syntax, in which context, the generated programs contain.
//
// README (coverage): a Coverage accumulates programs. Each program is counted once per
// (site, kind, context) it contains, where the rows (site, kind) are what the checker accepts
// (allowlist.ts, generated from the checker's source) and the context is where the node sits (a
// condition, an index, an assignment target, a loop body, a case, ...). Separately it counts
// FEATURES: shapes the generator tags on its AST (conditionals of literals, of mixed widths, of
// buffers, of functions; switch labels at the edges of each type; calls that rebind module state
// in guarded loops and in index/assignment targets; initialisation order; ...), read from the
// pruned AST so a shape in code that pruning dropped does not count. zeroRows() lists every
// accepted kind and every feature no program contains: CI fails on any.

import { ts } from '../program.ts';
import { allowList, kindName, type AllowList, type Site } from './allowlist.ts';
import { INT_TYPES, isFloat, prune, type Program } from './ast.ts';
import { FLOAT_FEATURES } from './gen-floats.ts';
import type { GenOptions } from './gen.ts';

/** Feature tags the generator sets (gen.ts), with what each stands for. */
export const FEATURES: Record<string, string> = {
  'cond-int': 'a conditional of two values of one integer type',
  'cond-lit': 'a conditional of two bare literals under a wrap: u8(c ? 7 : 9)',
  'cond-lit-one': 'a conditional of a literal and a typed value: u32(c ? 7 : x)',
  'cond-lit-index': 'a conditional of literals as a table index: T[c ? 3 : 0]',
  'cond-lit-shift': 'a conditional of literals as a shift count: x << (c ? 8 : 0)',
  'cond-mixed': 'a conditional of two integer types: u32((c ? small : big) + 1)',
  'cond-bytes': 'a conditional of two buffers',
  'cond-bytes-mixed': 'a conditional of a bytes(N) buffer and a Bytes value',
  'cond-fn': 'a conditional of two functions (a function-type value)',
  'cond-obj': 'a conditional of two objects passed as a class or interface',
  'cond-enum': 'a conditional of two enum members',
  'unary-plus': 'unary + on an integer',
  'bytes-local': 'a Bytes local (buffer, view or conditional)',
  'fn-local': 'a call through a local of function type',
  'fn-table-guard': 'a function table indexed under if (k < H.length)',
  'fn-table': 'a readonly table of functions',
  'interface': 'an interface implemented by two classes, called through a parameter',
  'enum': 'an as-const enum with module state of its type',
  'enum-wide': 'an enum with a value past INT32_MAX (up to 0xffffffff)',
  'enum-compare': 'an enum compared with === / !==',
  'enum-index': 'a table indexed by an enum',
  'enum-wrap': 'an enum converted with u8()/u32()',
  'switch-enum': 'a switch on an enum with member labels',
  ...Object.fromEntries(INT_TYPES.map((t) => [`switch-edge-${t}`, `a switch on a ${t} with labels at the edges of ${t}`])),
  'switch-const': 'a switch on a constant expression (no variable in the discriminant)',
  'if-guard-index': 'b[k] under if (k < b.length)',
  'expr-guard-index': 'b[u32(k + 2)] under if (u32(k + 2) < b.length): an index expression as the guard spells it',
  'field-guard-this': 'b[this.n] under a test of this.n (a field of the method\'s object)',
  'field-guard-param': 'b[obj.n] under a test of a field of a class-typed parameter',
  'field-guard-object': 'b[o.n] under a test of a field of a module-level object',
  'state-guard': 'b[s] under a test of module state (let s: u8 at top level)',
  'field-guard-if': 'if (this.n < b.length) { ... b[this.n] ... }',
  'field-guard-while': 'while (w < K && this.n < b.length) { b[this.n] ...; this.n = u8(this.n + 1) }',
  'field-guard-return': 'if (this.n >= b.length) return ...; then b[this.n] in the same block',
  'field-guard-cond': 'this.n < b.length ? b[this.n] : d',
  'field-guard-table': 'this.n < T.length ? T[this.n] : d on a table',
  'field-guard-const': 'this.n < K proving b[this.n] for K up to b\'s static length (module bytes(N), readonly field)',
  'field-guard-expr': 'u32(this.n + 1) < b.length proving b[u32(this.n + 1)]',
  'guard-pure-call': 'a call to a function that assigns no outliving state between a field/state guard and its access',
  'guard-call-after': 'a call that may change the guarded field after the access (the test runs again first)',
  'readonly-field': 'a class field `readonly buf = bytes(N)`',
  'rebind-direct': 'a module-level Bytes reassigned to a view(...)',
  'rebind-call': 'a call to a function that rebinds a module-level Bytes',
  'rebind-in-index': 'rd8(cur, rebind()): the call as the index of an access to the rebound buffer',
  'rebind-in-arg': 'wr8(cur, i, rebind()) / wr8(cur, rebind(), v)',
  'init-from-state': 'module state initialised from earlier module state',
  'init-call': 'module state initialised by a call, after the objects (initialisation order)',
  'new-with-state': 'an object constructed with module state as an argument',
  'const-state': 'a const module-level integer',
  'for-step': 'a for loop updated by assignment (j = u8(j + 2))',
  'class-ctor': 'a class with a constructor',
  'class-bytes-field': 'a class with a bytes(N) field',
  'exported': 'an exported helper function',
  'inline': 'an exported helper tagged @inline',
  ...FLOAT_FEATURES,
};

/** The features a run with these generator options can produce (the float ones need floats). */
export function featureNames(gen: GenOptions = {}): string[] {
  return Object.keys(FEATURES).filter((f) => gen.floats || !(f in FLOAT_FEATURES));
}

export interface CoverageRow {
  site: Site;
  kind: string;
  programs: number;
  contexts: Record<string, number>;
}
export interface CoverageReport {
  programs: number;
  syntax: CoverageRow[];
  features: Record<string, number>;
  /** Accepted kinds (`site:kind`) and features no program contains. */
  zero: string[];
}

/** Where an expression sits: the innermost slot that gives it a role. */
function exprContext(n: ts.Node): string {
  for (let child = n, p = n.parent; p; child = p, p = p.parent) {
    if (ts.isCaseClause(p) && child === p.expression) return 'case-label';
    if (ts.isSwitchStatement(p) && child === p.expression) return 'switch';
    if ((ts.isIfStatement(p) || ts.isWhileStatement(p) || ts.isDoStatement(p)) && child === p.expression) return 'condition';
    if (ts.isForStatement(p)) return child === p.condition ? 'condition' : child === p.incrementor ? 'for-update' : 'for-init';
    if (ts.isConditionalExpression(p)) return child === p.condition ? 'condition' : 'cond-arm';
    if (ts.isElementAccessExpression(p) && child === p.argumentExpression) return 'index';
    if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) return child === p.left ? 'target' : 'assigned';
    if (ts.isCallExpression(p)) return child === p.expression ? 'callee' : 'argument';
    if (ts.isNewExpression(p)) return 'argument';
    if (ts.isReturnStatement(p)) return 'return';
    if (ts.isVariableDeclaration(p)) return ts.isSourceFile(p.parent.parent.parent) ? 'init-top' : 'init-local';
    if (ts.isPropertyDeclaration(p)) return 'init-field';
    if (ts.isExpressionStatement(p)) return 'statement';
    if (ts.isStatement(p) || ts.isSourceFile(p)) break;
  }
  return 'other';
}

/** Where a statement sits: the innermost enclosing construct. */
function stmtContext(n: ts.Node): string {
  for (let child = n, p = n.parent; p; child = p, p = p.parent) {
    if (ts.isCaseClause(p) || ts.isDefaultClause(p)) return 'case';
    if (ts.isIterationStatement(p, false) && child !== (p as ts.ForStatement).initializer) return 'loop';
    if (ts.isIfStatement(p)) return child === p.elseStatement ? 'else' : 'then';
    if (ts.isLabeledStatement(p)) return 'labelled';
    if (ts.isBlock(p) && ts.isBlock(p.parent)) return 'block';
    if (ts.isConstructorDeclaration(p)) return 'constructor';
    if (ts.isMethodDeclaration(p)) return 'method';
    if (ts.isFunctionDeclaration(p)) return p.name?.text === 'main' ? 'main' : 'function';
    if (ts.isSourceFile(p)) return 'top';
  }
  return 'other';
}

/** Is this identifier used as a value (not a declaration's name, a type or a property name)? */
function isValueIdentifier(n: ts.Identifier): boolean {
  const p = n.parent;
  if (ts.isTypeNode(p) || ts.isTypeReferenceNode(p) || ts.isQualifiedName(p) || ts.isExpressionWithTypeArguments(p)) return false;
  if ((ts.isPropertyAccessExpression(p) && p.name === n) || (ts.isPropertyAssignment(p) && p.name === n)) return false;
  if (ts.isImportSpecifier(p) || ts.isLabeledStatement(p) || ts.isBreakOrContinueStatement(p)) return false;
  if ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isFunctionDeclaration(p) || ts.isClassDeclaration(p) || ts.isInterfaceDeclaration(p) ||
    ts.isTypeAliasDeclaration(p) || ts.isMethodDeclaration(p) || ts.isMethodSignature(p) || ts.isPropertyDeclaration(p) || ts.isPropertySignature(p)) && p.name === n) return false;
  return !ts.findAncestor(p, (x) => ts.isTypeNode(x));
}

/** (site, kind, context) triples of one program's source. */
export function syntaxOf(source: string): Set<string> {
  const sf = ts.createSourceFile('p.ts', source, ts.ScriptTarget.Latest, true);
  const out = new Set<string>();
  const add = (site: Site, kind: string, ctx: string): void => {
    out.add(`${site}\t${kind}\t${ctx}`);
  };
  for (const st of sf.statements) add('top', kindName(st.kind), 'top');
  const visit = (n: ts.Node): void => {
    if (ts.isClassDeclaration(n)) for (const m of n.members) add('member', kindName(m.kind), 'class');
    if (ts.isTypeNode(n)) return;
    const inBody = !ts.isSourceFile(n.parent);
    if (inBody && ts.isStatement(n) && !(ts.isBlock(n) && ts.isFunctionLike(n.parent))) add('stmt', kindName(n.kind), stmtContext(n));
    if (ts.isExpression(n) && !(ts.isIdentifier(n) && !isValueIdentifier(n))) add('expr', kindName(n.kind), exprContext(n));
    if (ts.isBinaryExpression(n)) add('binop', kindName(n.operatorToken.kind), exprContext(n));
    if (ts.isPrefixUnaryExpression(n)) add('prefix', kindName(n.operator), exprContext(n));
    ts.forEachChild(n, visit);
  };
  for (const st of sf.statements) visit(st);
  return out;
}

/** Feature tags present in a program (after pruning, as rendered). */
export function featuresOf(p0: Program): Set<string> {
  const p = prune(p0);
  const out = new Set<string>();
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) for (const y of x) walk(y);
    else if (x && typeof x === 'object') {
      const tag = (x as { tag?: unknown }).tag;
      if (typeof tag === 'string') out.add(tag);
      for (const v of Object.values(x)) if (v && typeof v === 'object') walk(v);
    }
  };
  walk(p);
  if (p.fnTables.length) out.add('fn-table');
  if (p.ifaces.length) out.add('interface');
  if (p.enums.length) out.add('enum');
  if (p.state.some((s) => s.konst)) out.add('const-state');
  if (p.classes.some((c) => c.ctor.length)) out.add('class-ctor');
  if (p.classes.some((c) => c.fields.some((f) => f.ty === 'bytes'))) out.add('class-bytes-field');
  if (p.classes.some((c) => c.fields.some((f) => f.readonly))) out.add('readonly-field');
  if (p.funcs.some((f) => f.exported && f.name !== 'main')) out.add('exported');
  if (p.funcs.some((f) => f.inline)) out.add('inline');
  if (p.floatState.length) out.add('float-state');
  if (p.floatTables.some((t) => !t.mutable)) out.add('float-table');
  if (p.floatTables.some((t) => t.mutable)) out.add('float-table-ram');
  const fns = [...p.funcs, ...p.classes.flatMap((c) => c.methods)];
  if (fns.some((f) => f.params.some((q) => isFloat(q.ty)))) out.add('float-param');
  if (fns.some((f) => isFloat(f.ret))) out.add('float-return');
  return out;
}

export class Coverage {
  readonly allow: AllowList;
  programs = 0;
  private syntax = new Map<string, { programs: number; contexts: Map<string, number> }>();
  private features = new Map<string, number>();

  constructor(allow: AllowList = allowList(), features: readonly string[] = Object.keys(FEATURES)) {
    this.allow = allow;
    for (const [site, kinds] of Object.entries(allow.accepted) as [Site, string[]][]) {
      for (const k of kinds) this.syntax.set(`${site}\t${k}`, { programs: 0, contexts: new Map() });
    }
    for (const f of features) this.features.set(f, 0);
  }

  add(source: string, ast: Program): void {
    this.programs++;
    const rows = new Set<string>();
    for (const t of syntaxOf(source)) {
      const [site, kind, ctx] = t.split('\t') as [Site, string, string];
      const row = this.syntax.get(`${site}\t${kind}`);
      if (!row) continue; // a kind the checker does not list as accepted at this site
      rows.add(`${site}\t${kind}`);
      row.contexts.set(ctx, (row.contexts.get(ctx) ?? 0) + 1);
    }
    for (const r of rows) this.syntax.get(r)!.programs++;
    for (const f of featuresOf(ast)) this.features.set(f, (this.features.get(f) ?? 0) + 1);
  }

  report(): CoverageReport {
    const syntax: CoverageRow[] = [...this.syntax].map(([key, v]) => {
      const [site, kind] = key.split('\t') as [Site, string];
      return { site, kind, programs: v.programs, contexts: Object.fromEntries([...v.contexts].sort((a, b) => b[1] - a[1])) };
    });
    const features = Object.fromEntries(this.features);
    const zero = [
      ...syntax.filter((r) => r.programs === 0).map((r) => `${r.site}:${r.kind}`),
      ...Object.entries(features).filter(([, n]) => n === 0).map(([f]) => `feature:${f}`),
      // A kind switch in a checker method the allow-list reader does not know (a refactor).
      ...this.allow.unmapped.map((m) => `unmapped-checker-method:${m}`),
    ];
    return { programs: this.programs, syntax, features, zero };
  }
}

/** The report as a table: one row per accepted kind and feature, the contexts it was seen in. */
export function formatCoverage(r: CoverageReport): string {
  const lines = [`coverage over ${r.programs} programs (accepted kind x context -> programs containing it)`];
  const w = Math.max(...r.syntax.map((x) => x.site.length + x.kind.length + 1), 30);
  let site = '';
  for (const row of r.syntax) {
    if (row.site !== site) lines.push(`${(site = row.site)}:`);
    const ctx = Object.entries(row.contexts).map(([c, n]) => `${c} ${n}`).join(', ');
    lines.push(`  ${`${row.site}:${row.kind}`.padEnd(w)} ${String(row.programs).padStart(6)}  ${ctx}`);
  }
  lines.push('features:');
  for (const [f, n] of Object.entries(r.features)) lines.push(`  ${f.padEnd(w)} ${String(n).padStart(6)}  ${FEATURES[f] ?? ''}`);
  lines.push(r.zero.length ? `ZERO ROWS (${r.zero.length}): ${r.zero.join(', ')}` : 'no zero rows');
  return lines.join('\n');
}
