// The state one file's check shares between the diagnostic families (declarations.ts,
// state.ts, statements.ts, expressions.ts, integers.ts, indexing.ts, calls.ts): the program's
// types, the diagnostics so far, the index proofs, and the walk. The families do not import
// each other: each reaches the others through `c.walk`, which checker.ts wires, so there is no
// import cycle and each module holds one family of rules.
import type { ts } from '../program.ts';
import type { FwType, Sema } from '../sema.ts';
import type { IndexProofs } from '../proofs.ts';
import { makeDiagnostic } from './report.ts';
import type { Code } from './catalogue.ts';

/** Where an initialiser runs: allocation is allowed only where it runs once, at start-up. */
export type InitSite = 'top' | 'field' | 'local' | 'ctor';

/** The entry points of each family that other families call. */
export interface Walk {
  // declarations.ts
  declaredType(at: ts.Node, t: FwType, tableOk: boolean, isReturn?: boolean): boolean;
  // state.ts
  varStatement(st: ts.VariableStatement, top: boolean): void;
  initializer(init: ts.Expression, where: InitSite): void;
  literalInRange(e: ts.Expression): void;
  constInt(e: ts.Expression): number | undefined;
  // statements.ts
  block(b: ts.Block): void;
  stmt(s: ts.Statement): void;
  // expressions.ts
  expr(e: ts.Expression): void;
  observed(e: ts.Expression): void;
  condition(e: ts.Expression): void;
  propertyAccess(e: ts.PropertyAccessExpression, isTarget: boolean): void;
  // integers.ts
  binary(e: ts.BinaryExpression): void;
  prefix(e: ts.PrefixUnaryExpression): void;
  // indexing.ts
  elementAccess(e: ts.ElementAccessExpression): void;
  // calls.ts
  call(e: ts.CallExpression): void;
  args(call: ts.CallLikeExpression, args: readonly ts.Expression[]): void;
}

export class FileContext {
  readonly sema: Sema;
  readonly sf: ts.SourceFile;
  readonly proofs: IndexProofs;
  private readonly out: ts.Diagnostic[];
  /** Set by checker.ts before the walk starts. */
  walk!: Walk;

  constructor(sema: Sema, sf: ts.SourceFile, proofs: IndexProofs, out: ts.Diagnostic[]) {
    this.sema = sema;
    this.sf = sf;
    this.proofs = proofs;
    this.out = out;
  }

  report(node: ts.Node, code: Code, args: readonly string[] = [], related?: ts.Node): void {
    this.out.push(makeDiagnostic(node, code, args, related));
  }

  /** How many diagnostics so far: a rule that explains itself suppresses a follow-on one. */
  get reported(): number {
    return this.out.length;
  }
}
