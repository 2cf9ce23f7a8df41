// FW5002: a top-level initialiser may not read, through the calls it makes, a top-level binding
// of its module that is declared at or after it. Node throws a ReferenceError there (the
// temporal dead zone: `const`, `let` and classes exist only once their declaration has run), while
// C reads the still-zero static (or the inlined constant). Rejected rather than reordered: the
// JS order is what the user reads, and C initialises in that order too.
// Direct reads (`const a = b;` above `const b`) are TypeScript's TS2448/TS2449 already; the
// reads found here are inside functions, methods, constructors and field initialisers reached
// from the initialiser. It is conservative: a read on a path that never runs still counts.
import { ts } from '../program.ts';
import type { Sema } from '../sema.ts';
import { makeDiagnostic } from './report.ts';
import { callFacts, callTargets, type CallFacts } from './callgraph.ts';

export function checkInitOrder(sema: Sema, sources: readonly ts.SourceFile[]): ts.Diagnostic[] {
  const facts = callFacts(sema, sources);
  const out: ts.Diagnostic[] = [];
  for (const sf of sources) {
    const stmts = sf.statements;
    stmts.forEach((st, k) => {
      if (!ts.isVariableStatement(st)) return;
      const d = st.declarationList.declarations[0];
      if (!d?.initializer || !ts.isIdentifier(d.name)) return;
      // Bindings not yet initialised while this initialiser runs: this one and every later one.
      const pending = new Set<ts.Node>();
      for (const later of stmts.slice(k)) {
        if (ts.isVariableStatement(later)) for (const v of later.declarationList.declarations) pending.add(v);
        else if (ts.isClassDeclaration(later)) pending.add(later);
      }
      const hit = firstPendingRead(sema, facts, d.initializer, pending);
      if (hit) {
        const decl = hit.decl as ts.VariableDeclaration | ts.ClassDeclaration;
        const name = decl.name?.getText(sf) ?? '?';
        out.push(makeDiagnostic(d.initializer, 5002, [d.name.text, name, hit.via], decl));
      }
    });
  }
  return out;
}

interface Hit { decl: ts.Node; via: string }

/** The first pending binding read by `root` or by anything it calls, with the call path to it. */
function firstPendingRead(sema: Sema, facts: CallFacts, root: ts.Node, pending: ReadonlySet<ts.Node>): Hit | undefined {
  const seen = new Set<ts.Node>();
  // Breadth-first over the code that runs: the initialiser, then bodies of what it calls.
  const queue: { node: ts.Node; path: string[] }[] = [{ node: root, path: [] }];
  while (queue.length) {
    const { node, path } = queue.shift()!;
    let hit: Hit | undefined;
    const visit = (n: ts.Node): void => {
      if (hit || ts.isTypeNode(n)) return;
      if (ts.isIdentifier(n) && isValueUse(n)) {
        const d = sema.declOf(n);
        if (d && pending.has(d)) hit = { decl: d, via: path.length ? path.join(' → ') : 'the initialiser itself' };
      }
      if (ts.isCallExpression(n) || ts.isNewExpression(n)) {
        for (const t of callTargets(sema, facts, n)) enqueue(t, [...path, label(t)]);
        if (ts.isNewExpression(n)) {
          const cls = sema.declOf(n.expression);
          if (cls && ts.isClassDeclaration(cls) && !sema.isPrelude(cls.getSourceFile())) enqueueFields(cls, [...path, `new ${cls.name?.text ?? 'class'}`]);
        }
      }
      ts.forEachChild(n, visit);
    };
    const enqueue = (t: ts.Node, p: string[]): void => {
      const body = (t as ts.FunctionLikeDeclaration).body;
      if (body && !seen.has(t)) { seen.add(t); queue.push({ node: body, path: p }); }
    };
    const enqueueFields = (cls: ts.ClassDeclaration, p: string[]): void => {
      if (seen.has(cls)) return;
      seen.add(cls);
      for (const m of cls.members) if (ts.isPropertyDeclaration(m) && m.initializer) queue.push({ node: m.initializer, path: p });
    };
    visit(node);
    if (hit) return hit;
  }
  return undefined;
}

function label(f: ts.Node): string {
  if (ts.isConstructorDeclaration(f)) return `new ${(f.parent as ts.ClassDeclaration).name?.text ?? 'class'}`;
  const name = (f as ts.FunctionDeclaration | ts.MethodDeclaration).name?.getText() ?? '?';
  return ts.isMethodDeclaration(f) ? `${(f.parent as ts.ClassDeclaration).name?.text ?? '?'}.${name}()` : `${name}()`;
}

/** An identifier that names a value here (not a declaration's own name, a property or a label). */
function isValueUse(n: ts.Identifier): boolean {
  const p = n.parent;
  if ((ts.isVariableDeclaration(p) || ts.isClassDeclaration(p) || ts.isFunctionDeclaration(p) || ts.isParameter(p)) && p.name === n) return false;
  if ((ts.isPropertyAccessExpression(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p) || ts.isPropertyAssignment(p)) && p.name === n) return false;
  if (ts.isImportSpecifier(p) || ts.isImportClause(p) || ts.isExportSpecifier(p)) return false;
  if (ts.isBreakOrContinueStatement(p) || ts.isLabeledStatement(p)) return false;
  return true;
}
