// What a call may run, shared by the whole-program checks (recursion, module-initialisation
// order): direct calls, methods, interface calls (every implementing class), calls through a
// function value (every address-taken function of the same signature as the called value), and
// `new` (the constructor).
import { ts } from '../program.ts';
import type { Sema } from '../sema.ts';

export type Fn = ts.FunctionDeclaration | ts.MethodDeclaration | ts.ConstructorDeclaration;

export interface CallFacts {
  /** Functions used as values: a call through a function type may reach any of them. */
  readonly addressTaken: ReadonlySet<ts.FunctionDeclaration>;
  readonly implementers: ReadonlyMap<ts.InterfaceDeclaration, readonly ts.ClassDeclaration[]>;
  /** Every function, method and constructor with a body. */
  readonly fns: readonly Fn[];
}

export function callFacts(sema: Sema, sources: readonly ts.SourceFile[]): CallFacts {
  const fns: Fn[] = [];
  const addressTaken = new Set<ts.FunctionDeclaration>();
  const implementers = new Map<ts.InterfaceDeclaration, ts.ClassDeclaration[]>();
  for (const sf of sources) {
    const visit = (n: ts.Node): void => {
      if ((ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n)) && n.body) fns.push(n);
      if (ts.isClassDeclaration(n)) {
        for (const h of n.heritageClauses ?? []) for (const t of h.types) {
          const d = sema.declOf(t.expression);
          if (d && ts.isInterfaceDeclaration(d)) implementers.set(d, [...(implementers.get(d) ?? []), n]);
        }
      }
      const isImportName = !!n.parent && (ts.isImportSpecifier(n.parent) || ts.isExportSpecifier(n.parent) || ts.isImportClause(n.parent));
      if (ts.isIdentifier(n) && !isImportName && !(ts.isCallExpression(n.parent) && n.parent.expression === n)) {
        const d = sema.declOf(n);
        if (d && ts.isFunctionDeclaration(d) && n !== d.name) addressTaken.add(d);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return { fns, addressTaken, implementers };
}

/** The functions, methods and constructors a call or `new` may run (prelude calls: none). */
export function callTargets(sema: Sema, facts: CallFacts, n: ts.CallExpression | ts.NewExpression): Fn[] {
  const callee = n.expression;
  const d = ts.isPropertyAccessExpression(callee) ? sema.declOf(callee.name) : sema.declOf(callee);
  if (d && sema.isPrelude(d.getSourceFile())) return []; // the prelude is C's fw_rt.h, not FwTS code
  if (ts.isNewExpression(n)) {
    const ctor = d && ts.isClassDeclaration(d) ? d.members.find(ts.isConstructorDeclaration) : undefined;
    return ctor ? [ctor] : [];
  }
  if (d && (ts.isFunctionDeclaration(d) || ts.isMethodDeclaration(d))) return [d];
  if (d && ts.isMethodSignature(d) && ts.isInterfaceDeclaration(d.parent)) {
    const out: Fn[] = [];
    for (const cls of facts.implementers.get(d.parent) ?? []) {
      const m = cls.members.find((x): x is ts.MethodDeclaration => ts.isMethodDeclaration(x) && x.name.getText() === d.name.getText());
      if (m) out.push(m);
    }
    return out;
  }
  // Through a function value (a variable, a field, a table element): a C function pointer holds
  // only functions of exactly its C type, and FW4007 rejects every other conversion, so only
  // address-taken functions of the same signature can be called here.
  const t = sema.checker.getTypeAtLocation(callee);
  if (t.getCallSignatures().length !== 1) return d ? [...facts.addressTaken] : []; // unknown: all of them
  return [...facts.addressTaken].filter((f) => sameSignature(sema.checker, sema.checker.getTypeAtLocation(f.name ?? f), t));
}

/** Do two function types lower to the same C function pointer type? One call signature each,
 * as many parameters, and each assignable to the other (so the same parameter and result types:
 * JS also lets a function with fewer parameters, or a result where void is expected, through). */
export function sameSignature(checker: ts.TypeChecker, a: ts.Type, b: ts.Type): boolean {
  const sa = a.getCallSignatures();
  const sb = b.getCallSignatures();
  if (sa.length !== 1 || sb.length !== 1) return false;
  if (sa[0]!.getParameters().length !== sb[0]!.getParameters().length) return false;
  return checker.isTypeAssignableTo(a, b) && checker.isTypeAssignableTo(b, a);
}
