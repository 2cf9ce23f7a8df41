// fuzz/allowlist-gen.ts: the syntax the FwTS checker accepts, read from the checker's own source,
// and written to allowlist-data.ts (checked in) so that fuzz-codegen needs no .ts source at run
// time (an installed urpc package has only its compiled dist/).
//
// README (allow-list): the checker (codegen/src/check/*.ts, one module per family of rules) is
// an allow-list walk: it dispatches on syntax kinds with `switch (x.kind) { case
// ts.SyntaxKind.X: ... }` and `if (ts.isX(n)) ...` chains, and a branch that starts by reporting
// (`c.report(...)`) rejects its kinds. Rather than keep a copy of that list by hand (which would
// drift), acceptedSyntax() parses every checker module with the TypeScript compiler API and
// returns, per dispatch site (the checker function it sits in), the kinds whose branch does not
// start by reporting. Binary and prefix operators are a deny-list in the checker (everything not
// reported is fine), so their accepted sets are TS's operator ranges minus the reported ones.
// The coverage report (coverage.ts) counts generated programs per accepted kind; a checker change
// that accepts a new kind shows up as a zero row.
//
// Regenerate after a checker change: `npm run gen:allowlist` (this file run as a script);
// test/codegen/fuzz-coverage.test.ts regenerates it and fails when the checked-in copy differs.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ts } from '../program.ts';
import type { AllowList, Site } from './allowlist.ts';
import { kindName } from './kind-name.ts';

const CHECK_DIR = fileURLToPath(new URL('../check/', import.meta.url));

/** The checker method whose dispatch decides each site. */
const SITE_OF_METHOD: Record<string, Site> = {
  topLevel: 'top',
  classDecl: 'member',
  stmt: 'stmt',
  expr: 'expr',
  binary: 'binop',
  prefix: 'prefix',
};

/** Token kinds TS parses as the operator of `a OP b` (resp. `OP a`): asked of TS's own parser. */
function operatorKinds(form: (op: string) => string, test: (e: ts.Expression, k: ts.SyntaxKind) => boolean): string[] {
  const out: string[] = [];
  for (let k = ts.SyntaxKind.FirstPunctuation; k <= ts.SyntaxKind.LastKeyword; k++) {
    const text = ts.tokenToString(k);
    if (!text) continue;
    const sf = ts.createSourceFile('op.ts', form(text), ts.ScriptTarget.Latest, false);
    const st = sf.statements[0];
    if (sf.statements.length === 1 && st && ts.isExpressionStatement(st) && test(st.expression, k)) out.push(kindName(k));
  }
  return out;
}

/** Kinds for which the type guard `ts.<fn>` holds, found by calling it on a bare {kind} node. */
function kindsOfGuard(fn: string): string[] {
  const guard = (ts as unknown as Record<string, unknown>)[fn];
  if (typeof guard !== 'function') return [];
  const out: string[] = [];
  for (let k = 0; k < ts.SyntaxKind.Count; k++) {
    try {
      if ((guard as (n: unknown) => boolean)({ kind: k, flags: 0 })) out.push(kindName(k));
    } catch {
      // a guard that looks deeper than .kind: not a pure kind test
    }
  }
  return out;
}

/** Does this statement list start by reporting a diagnostic? */
function startsByReporting(stmts: readonly ts.Statement[]): boolean {
  const first = stmts[0];
  if (!first) return false;
  let e: ts.Expression | undefined;
  if (ts.isReturnStatement(first)) e = first.expression;
  else if (ts.isExpressionStatement(first)) e = first.expression;
  else if (ts.isBlock(first)) return startsByReporting(first.statements);
  return !!e && ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'report';
}

const bodyOf = (s: ts.Statement): readonly ts.Statement[] => (ts.isBlock(s) ? s.statements : [s]);

/** `ts.isA(x) || ts.isB(x)` -> [A, B] kinds and whether the test is negated; undefined otherwise. */
function guardKinds(c: ts.Expression): { kinds: string[]; negated: boolean } | undefined {
  let negated = false;
  if (ts.isPrefixUnaryExpression(c) && c.operator === ts.SyntaxKind.ExclamationToken) {
    negated = true;
    c = c.operand;
  }
  while (ts.isParenthesizedExpression(c)) c = c.expression;
  const parts: ts.Expression[] = [];
  const split = (x: ts.Expression): void => {
    if (ts.isBinaryExpression(x) && x.operatorToken.kind === ts.SyntaxKind.BarBarToken) {
      split(x.left);
      split(x.right);
    } else parts.push(x);
  };
  split(c);
  const kinds: string[] = [];
  for (const p of parts) {
    // Only tests of the dispatched node itself (`ts.isX(m)`, not `ts.isX(m.name)`).
    if (!ts.isCallExpression(p) || !ts.isPropertyAccessExpression(p.expression) || !p.arguments[0] || !ts.isIdentifier(p.arguments[0])) return undefined;
    const o = p.expression.expression;
    if (!ts.isIdentifier(o) || o.text !== 'ts' || !p.expression.name.text.startsWith('is')) return undefined;
    const ks = kindsOfGuard(p.expression.name.text);
    if (!ks.length) return undefined;
    kinds.push(...ks);
  }
  return { kinds, negated };
}

/** `ts.SyntaxKind.X` -> X. */
function syntaxKindRef(e: ts.Expression): string | undefined {
  if (!ts.isPropertyAccessExpression(e)) return undefined;
  const o = e.expression;
  if (!ts.isPropertyAccessExpression(o) || o.name.text !== 'SyntaxKind') return undefined;
  return e.name.text in ts.SyntaxKind ? kindName(ts.SyntaxKind[e.name.text as keyof typeof ts.SyntaxKind]) : undefined;
}

function methodName(n: ts.Node): string | undefined {
  const m = ts.findAncestor(n, (x) => ts.isMethodDeclaration(x) || ts.isFunctionDeclaration(x));
  return m && (m as ts.MethodDeclaration).name && ts.isIdentifier((m as ts.MethodDeclaration).name) ? ((m as ts.MethodDeclaration).name as ts.Identifier).text : undefined;
}

/** Read the checker's source and collect accepted/rejected kinds per site. */
export function acceptedSyntax(dir = CHECK_DIR): AllowList {
  const acc = new Map<Site, Set<string>>();
  const rej = new Map<Site, Set<string>>();
  const unmapped = new Set<string>();
  const note = (method: string | undefined, kinds: string[], accepted: boolean, isSwitch: boolean): void => {
    const site = method ? SITE_OF_METHOD[method] : undefined;
    if (!site) {
      // A kind switch in a method this module does not know: the checker was reorganised.
      if (isSwitch && method && kinds.length) unmapped.add(method);
      return;
    }
    const m = accepted ? acc : rej;
    if (!m.has(site)) m.set(site, new Set());
    for (const k of kinds) m.get(site)!.add(k);
  };
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
  for (const f of files) {
    const sf = ts.createSourceFile(f, readFileSync(path.join(dir, f), 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node): void => {
      if (ts.isSwitchStatement(n)) {
        // A group of case labels shares the statements of its last clause (fallthrough).
        let pending: string[] = [];
        for (const cl of n.caseBlock.clauses) {
          if (ts.isCaseClause(cl)) {
            const k = syntaxKindRef(cl.expression);
            if (k) pending.push(k);
          }
          if (cl.statements.length === 0) continue;
          if (pending.length) note(methodName(n), pending, !startsByReporting(cl.statements), true);
          pending = [];
        }
      } else if (ts.isIfStatement(n)) {
        const g = guardKinds(n.expression);
        if (g) {
          const reports = startsByReporting(bodyOf(n.thenStatement));
          // `if (!ts.isX(m)) report` accepts X; `if (ts.isX(m)) report` rejects it.
          note(methodName(n), g.kinds, g.negated ? reports : !reports, false);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  // Operators: the checker lists what it rejects; the rest of TS's operators are accepted.
  // (Compound assignments are rejected by a range test, not a case label.)
  const binops = operatorKinds((op) => `a ${op} b;`, (e, k) => ts.isBinaryExpression(e) && e.operatorToken.kind === k)
    .filter((n) => { const k = ts.SyntaxKind[n as keyof typeof ts.SyntaxKind]; return k < ts.SyntaxKind.FirstCompoundAssignment || k > ts.SyntaxKind.LastCompoundAssignment; });
  const prefixOps = operatorKinds((op) => `${op}a;`, (e, k) => ts.isPrefixUnaryExpression(e) && e.operator === k);
  const denied = (site: Site, universe: string[]): void => {
    const r = rej.get(site) ?? new Set<string>();
    acc.set(site, new Set([...universe.filter((k) => !r.has(k)), ...(acc.get(site) ?? [])]));
  };
  denied('binop', binops);
  denied('prefix', prefixOps);
  const sites: Site[] = ['top', 'member', 'stmt', 'expr', 'binop', 'prefix'];
  const accepted = {} as Record<Site, string[]>;
  const rejected = {} as Record<Site, string[]>;
  for (const s of sites) {
    const r = rej.get(s) ?? new Set<string>();
    // A kind both accepted and rejected at one site (e.g. `new` in an initialiser but not in an
    // expression) counts as accepted: some context allows it.
    accepted[s] = [...(acc.get(s) ?? [])].sort();
    rejected[s] = [...r].filter((k) => !accepted[s].includes(k)).sort();
  }
  return { accepted, rejected, unmapped: [...unmapped].sort() };
}

const DATA_FILE = fileURLToPath(new URL('./allowlist-data.ts', import.meta.url));

/** The text of allowlist-data.ts for this allow-list. */
export function renderAllowList(a: AllowList): string {
  return [
    '// GENERATED by codegen/src/fuzz/allowlist-gen.ts from the checker\'s source (codegen/src/check/*.ts):',
    '// do not edit; run `npm run gen:allowlist` after a checker change (test/codegen/fuzz-coverage.test.ts',
    '// fails while this copy differs from the checker).',
    "import type { AllowList } from './allowlist.ts';",
    '',
    `export const ALLOW_LIST: AllowList = ${JSON.stringify(a, null, 2)};`,
    '',
  ].join('\n');
}

/** Regenerate allowlist-data.ts from the checker's source. */
export function writeAllowList(file = DATA_FILE, dir = CHECK_DIR): void {
  writeFileSync(file, renderAllowList(acceptedSyntax(dir)));
}

export const ALLOW_LIST_FILE = DATA_FILE;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeAllowList();
  console.log(`wrote ${path.relative(process.cwd(), DATA_FILE)}`);
}
