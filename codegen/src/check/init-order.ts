// FW5002: a top-level initialiser may not read, through the calls it makes, a top-level binding
// of its module that is declared at or after it. Node throws a ReferenceError there (the
// temporal dead zone: `const`, `let` and classes exist only once their declaration has run), while
// C reads the still-zero static (or the inlined constant). Rejected rather than reordered: the
// JS order is what the user reads, and C initialises in that order too. Across modules this can
// only happen inside an import cycle: the modules of the cycle that run later are pending too.
// Direct reads (`const a = b;` above `const b`) are TypeScript's TS2448/TS2449 already; the
// reads found here are inside functions, methods, constructors and field initialisers reached
// from the initialiser. It is conservative: a read on a path that never runs still counts.
import { ts } from '../program.ts';
import type { Sema } from '../sema.ts';
import { makeDiagnostic } from './report.ts';
import { callFacts, callTargets, type CallFacts } from './callgraph.ts';

export function checkInitOrder(sema: Sema, sources: readonly ts.SourceFile[], facts: CallFacts = callFacts(sema, sources)): ts.Diagnostic[] {
  const out: ts.Diagnostic[] = [];
  const cycles = importCycles(sema, sources);
  sources.forEach((sf, m) => {
    // Modules of an import cycle that run after this one (`sources` is in TypeScript's
    // dependency order, imports first: the order Node and <module>_module_init() run them in).
    const laterInCycle = sources.slice(m + 1).filter((other) => cycles.get(other) === cycles.get(sf));
    const stmts = sf.statements;
    stmts.forEach((st, k) => {
      if (!ts.isVariableStatement(st)) return;
      const d = st.declarationList.declarations[0];
      if (!d?.initializer || !ts.isIdentifier(d.name)) return;
      // Bindings not yet initialised while this initialiser runs: this one, every later one,
      // and all of those modules.
      const pending = new Set<ts.Node>();
      for (const later of [...stmts.slice(k), ...laterInCycle.flatMap((o) => o.statements)]) {
        if (ts.isVariableStatement(later)) for (const v of later.declarationList.declarations) pending.add(v);
        else if (ts.isClassDeclaration(later)) pending.add(later);
      }
      const hit = firstPendingRead(sema, facts, d.initializer, pending);
      if (hit) {
        const decl = hit.decl as ts.VariableDeclaration | ts.ClassDeclaration;
        const name = decl.name?.getText() ?? '?';
        out.push(makeDiagnostic(d.initializer, 5002, [d.name.text, name, hit.via], decl));
      }
    });
  });
  return out;
}

/** Each module's import cycle (strongly connected component of the import graph), by a number. */
function importCycles(sema: Sema, sources: readonly ts.SourceFile[]): Map<ts.SourceFile, number> {
  const known = new Set(sources);
  const imports = new Map<ts.SourceFile, ts.SourceFile[]>();
  for (const sf of sources) {
    const deps: ts.SourceFile[] = [];
    for (const st of sf.statements) {
      if (!ts.isImportDeclaration(st)) continue;
      const target = sema.checker.getSymbolAtLocation(st.moduleSpecifier)?.declarations?.[0];
      if (target && ts.isSourceFile(target) && known.has(target)) deps.push(target);
    }
    imports.set(sf, deps);
  }
  const reach = (from: ts.SourceFile): Set<ts.SourceFile> => {
    const seen = new Set<ts.SourceFile>();
    const stack = [from];
    while (stack.length) for (const d of imports.get(stack.pop()!) ?? []) if (!seen.has(d)) { seen.add(d); stack.push(d); }
    return seen;
  };
  const reaches = new Map(sources.map((sf) => [sf, reach(sf)]));
  const cycle = new Map<ts.SourceFile, number>();
  sources.forEach((sf, i) => {
    // The first module that imports sf and is imported by it (sf itself when none) names the cycle.
    const first = sources.findIndex((o) => o === sf || (reaches.get(sf)!.has(o) && reaches.get(o)!.has(sf)));
    cycle.set(sf, first === -1 ? i : first);
  });
  return cycle;
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
