// The FwTS subset checker: an allow-list walk over the typed AST. Every node kind it does not
// know is rejected (FW1001); every rule has a numbered diagnostic (catalogue.ts). It keeps going
// after an error so one run reports every problem, and it never throws: an internal failure
// becomes FW9001 on the statement being checked.
//
// One module per family of rules, each a set of functions over a FileContext (context.ts):
// declarations.ts (top level, signatures, types, classes, interfaces), state.ts (variables,
// initialisers, allocation, enums, tables), statements.ts, expressions.ts, integers.ts
// (operators), indexing.ts (index proofs), calls.ts; whole-program checks: recursion.ts,
// names.ts, init-order.ts, fn-values.ts. This file wires them together.
import { ts } from '../program.ts';
import type { Sema } from '../sema.ts';
import { IndexProofs } from '../proofs.ts';
import { makeDiagnostic } from './report.ts';
import { callFacts } from './callgraph.ts';
import { FileContext, type Walk } from './context.ts';
import { declaredType, topLevel } from './declarations.ts';
import { constInt, initializer, literalInRange, varStatement } from './state.ts';
import { block, stmt } from './statements.ts';
import { condition, expr, observed, propertyAccess } from './expressions.ts';
import { binary, prefix } from './integers.ts';
import { elementAccess } from './indexing.ts';
import { args, call } from './calls.ts';
import { checkRecursion } from './recursion.ts';
import { checkNames } from './names.ts';
import { checkInitOrder } from './init-order.ts';
import { checkFnValues } from './fn-values.ts';

export function checkProgram(sema: Sema, sources: readonly ts.SourceFile[]): ts.Diagnostic[] {
  const out: ts.Diagnostic[] = [];
  const proofs = new IndexProofs(sema);
  for (const sf of sources) checkFile(new FileContext(sema, sf, proofs, out));
  try {
    const facts = callFacts(sema, sources);
    out.push(...checkRecursion(sema, facts));
    out.push(...checkNames(sema, sources));
    out.push(...checkInitOrder(sema, sources, facts));
    out.push(...checkFnValues(sema, sources));
  } catch (err) {
    if (sources[0]) out.push(makeDiagnostic(sources[0], 9001, [String((err as Error)?.message ?? err)]));
  }
  return out;
}

function checkFile(c: FileContext): void {
  c.walk = walkOf(c);
  for (const st of c.sf.statements) {
    try {
      topLevel(c, st);
    } catch (err) {
      c.report(st, 9001, [String((err as Error)?.stack?.split('\n').slice(0, 2).join(' ') ?? err)]);
    }
  }
}

function walkOf(c: FileContext): Walk {
  return {
    declaredType: (at, t, tableOk, isReturn) => declaredType(c, at, t, tableOk, isReturn),
    varStatement: (st, top) => varStatement(c, st, top),
    initializer: (init, where) => initializer(c, init, where),
    literalInRange: (e) => literalInRange(c, e),
    constInt: (e) => constInt(c, e),
    block: (b) => block(c, b),
    stmt: (s) => stmt(c, s),
    expr: (e) => expr(c, e),
    observed: (e) => observed(c, e),
    condition: (e) => condition(c, e),
    propertyAccess: (e, isTarget) => propertyAccess(c, e, isTarget),
    binary: (e) => binary(c, e),
    prefix: (e) => prefix(c, e),
    elementAccess: (e) => elementAccess(c, e),
    call: (e) => call(c, e),
    args: (callNode, list) => args(c, callNode, list),
  };
}
