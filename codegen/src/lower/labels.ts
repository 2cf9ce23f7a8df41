// Labelled break/continue: C99 has no labelled jumps (and the emitter writes no goto), so a jump
// that crosses an inner loop (or, for break, a switch) sets a flag each enclosing loop checks.
import { ts } from '../program.ts';

export function isLoop(n: ts.Node): n is ts.IterationStatement {
  return ts.isForStatement(n) || ts.isWhileStatement(n) || ts.isDoStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n);
}

/** The loop a plain break/continue at `n` would leave (a switch counts for break only). */
export function nearestLoop(n: ts.Node, forBreak = false): ts.Node | undefined {
  for (let p = n.parent; p; p = p.parent) {
    if (isLoop(p) || (forBreak && ts.isSwitchStatement(p))) return p;
    if (ts.isFunctionLike(p)) return undefined;
  }
  return undefined;
}

/** Does this labelled jump cross an inner loop (or, for break, a switch)? */
export function needsFlag(j: ts.BreakStatement | ts.ContinueStatement): boolean {
  const target = findLabel(j);
  return !!target && nearestLoop(j, ts.isBreakStatement(j)) !== target.statement;
}

export function findLabel(j: ts.BreakStatement | ts.ContinueStatement): ts.LabeledStatement | undefined {
  for (let p = j.parent; p; p = p.parent) {
    if (ts.isLabeledStatement(p) && p.label.text === j.label?.text) return p;
  }
  return undefined;
}

export function labelFlags(l: ts.LabeledStatement): { brk: boolean; cont: boolean } {
  const flags = { brk: false, cont: false };
  const visit = (n: ts.Node): void => {
    if ((ts.isBreakStatement(n) || ts.isContinueStatement(n)) && n.label?.text === l.label.text && needsFlag(n)) {
      if (ts.isBreakStatement(n)) flags.brk = true; else flags.cont = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(l.statement);
  return flags;
}
