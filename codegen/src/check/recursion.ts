// FW4001: no function may reach itself through calls (direct, method, interface or pointer):
// the device stack must be bounded statically.
import { ts } from '../program.ts';
import type { Sema } from '../sema.ts';
import { makeDiagnostic } from './report.ts';
import { callTargets, type CallFacts, type Fn } from './callgraph.ts';

export function checkRecursion(sema: Sema, facts: CallFacts): ts.Diagnostic[] {
  const fns = facts.fns;
  const edges = new Map<ts.Node, Set<ts.Node>>();
  for (const f of fns) {
    const out = new Set<ts.Node>();
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) || ts.isNewExpression(n)) for (const t of callTargets(sema, facts, n)) out.add(t);
      ts.forEachChild(n, visit);
    };
    if (f.body) visit(f.body);
    edges.set(f, out);
  }
  // Tarjan's strongly connected components.
  const index = new Map<ts.Node, number>();
  const low = new Map<ts.Node, number>();
  const stack: ts.Node[] = [];
  const onStack = new Set<ts.Node>();
  const diags: ts.Diagnostic[] = [];
  let counter = 0;
  const strong = (v: ts.Node): void => {
    index.set(v, counter); low.set(v, counter); counter++;
    stack.push(v); onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) { strong(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: ts.Node[] = [];
      let w: ts.Node;
      do { w = stack.pop()!; onStack.delete(w); comp.push(w); } while (w !== v);
      const selfLoop = edges.get(v)?.has(v);
      if (comp.length > 1 || selfLoop) {
        for (const f of comp) {
          const name = (f as Fn).name?.getText() ?? 'constructor';
          diags.push(makeDiagnostic((f as Fn).name ?? f, 4001, [name]));
        }
      }
    }
  };
  for (const f of fns) if (!index.has(f)) strong(f);
  return diags;
}
