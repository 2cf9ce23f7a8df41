// fuzz/purity.ts: may a generated function assign state that outlives its call?
//
// The index proofs (codegen/src/proofs.ts) accept `b[E]` under `E < b.length` when E or b is a
// field or module state only if no call between the test and the access may assign a variable
// or a field that outlives the call. The generator calls only functions this says are pure
// there: their bodies assign locals and buffer contents only and call only the prelude and
// other pure functions. Unknown callees (a function value, an interface method) count as
// impure, as the proofs count them.

import { PRELUDE_NAMES, type Expr, type Func, type Stmt } from './ast.ts';

const PRELUDE = new Set(PRELUDE_NAMES);

/** Does `fn` (directly or through calls not in `pure`) assign a non-local binding? */
export function assignsState(fn: Func, pure: ReadonlySet<string>): boolean {
  const locals = new Set(fn.params.map((p) => p.name));
  let found = false;
  const expr = (e: Expr): void => {
    if (found) return;
    if (e.k === 'call' && !PRELUDE.has(e.fn) && !pure.has(e.fn)) found = true;
    for (const v of Object.values(e)) {
      if (Array.isArray(v)) for (const x of v) expr(x as Expr);
      else if (v && typeof v === 'object' && 'k' in v) expr(v as Expr);
    }
  };
  const stmts = (ss: readonly Stmt[]): void => {
    for (const s of ss) {
      if (found) return;
      switch (s.s) {
        case 'let':
          locals.add(s.name);
          expr(s.init);
          break;
        case 'assign':
          // `b[i] = v` writes buffer contents, not a binding.
          if (!s.target.includes('[') && !locals.has(s.target)) found = true;
          expr(s.e);
          break;
        case 'expr':
        case 'return':
          if (s.e) expr(s.e);
          break;
        case 'log':
          s.args.forEach(expr);
          break;
        case 'if':
          expr(s.c);
          stmts(s.t);
          if (s.f) stmts(s.f);
          break;
        case 'while':
          locals.add(s.ctr);
          if (s.guard) expr(s.guard);
          stmts(s.body);
          break;
        case 'for':
          locals.add(s.v);
          stmts(s.body);
          break;
        case 'switch':
          expr(s.e);
          for (const c of s.cases) stmts(c.body);
          if (s.dflt) stmts(s.dflt);
          break;
        case 'block':
          stmts(s.body);
          break;
        default:
          break;
      }
    }
  };
  stmts(fn.body);
  return found;
}
