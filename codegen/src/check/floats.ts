// The float model (firmware/lib/float.ts): operators on f32/f64 (FW2013 for the integer-only
// ones, FW1012), operands of one float type (FW2019: no implicit conversion from an integer or
// the other width), literals exact in the type they meet (FW2018), and the f32 wrap rule: the
// result of an f32 `+ - * /` is rounded by f32(...) before anything uses it (FW2017).
import { ts } from '../program.ts';
import { type FwType, describe, exactIn, floatBits, isFloatArith, isFloaty, literalValue } from '../sema.ts';
import type { FileContext } from './context.ts';
import { isComparison } from './syntax.ts';

/** Prelude constants of the float API that FwTS code may name (fw_rt.h macros in C). */
export const FLOAT_CONSTANTS: ReadonlySet<string> = new Set(['F64_NAN', 'F64_INFINITY', 'F32_NAN', 'F32_INFINITY']);

/** A binary expression with a float operand. */
export function floatBinary(c: FileContext, e: ts.BinaryExpression, a: FwType, b: FwType): void {
  const op = e.operatorToken.kind;
  const opText = e.operatorToken.getText(c.sf);
  if (op === ts.SyntaxKind.EqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken) c.report(e.operatorToken, 1012, [opText]);
  else if (!isFloatArith(op) && !isComparison(op)) {
    const [side, t] = isFloaty(a) ? [e.left, a] : [e.right, b];
    return c.report(side, 2013, [describe(t)]);
  }
  const ba = floatBits(a);
  const bb = floatBits(b);
  if (ba !== undefined && bb !== undefined && ba !== bb) return c.report(e, 2019, [e.getText(c.sf), describe(a), describe(b)]);
  const bits = (ba ?? bb)!;
  const other = (t: FwType): FwType => (t === a ? b : a);
  for (const [side, t] of [[e.left, a], [e.right, b]] as const) {
    // An unwrapped f32 operation may only be negated or wrapped; as an operand it is rounded
    // differently in Node and C.
    if (t.k === 'fnum') unwrapped(c, side);
    else if (!isFloaty(t)) {
      if (!floatLiteral(c, side, bits)) c.report(e, 2019, [e.getText(c.sf), describe(t), describe(other(t))]);
      continue;
    }
    if (t.k !== 'fnum') c.walk.expr(side);
  }
}

/** `side` as a literal (or a named constant) in a float context: checks it is exact in the type.
 * False when it is not a literal at all. */
export function floatLiteral(c: FileContext, side: ts.Expression, bits: 32 | 64): boolean {
  const t = c.sema.exprType(side);
  if (t.k !== 'lit') return false;
  const v = literalValue(side) ?? t.value;
  if (!exactIn(v, bits)) c.report(side, 2018, [side.getText(c.sf), `f${bits}`]);
  return true;
}

/** The argument of f32(x) / f64(x): a literal, an integer of a declared width, or a float. */
export function floatConversion(c: FileContext, name: 'f32' | 'f64', a: ts.Expression): void {
  const t = c.sema.exprType(a);
  if (t.k === 'lit') {
    const v = literalValue(a) ?? t.value;
    if (!Number.isFinite(v)) c.report(a, 2018, [a.getText(c.sf), name]);
    return; // rounded (f32) or taken as it is (f64) at compile time: exact in both worlds
  }
  if (t.k === 'fnum' && name === 'f64') return unwrapped(c, a);
  if (t.k === 'num') return c.report(a, 2003, [a.getText(c.sf)]);
  if (t.k !== 'float' && t.k !== 'fnum' && t.k !== 'int' && t.k !== 'enum') return c.report(a, 2013, [describe(t)]);
  c.walk.expr(a);
}

/** An unwrapped f32 operation where a rounded value is needed: FW2017, unless the operation is
 * wrong in itself (an f32 mixed with an f64 is typed as an f32 operation too: FW2019 says it). */
export function unwrapped(c: FileContext, a: ts.Expression): void {
  const before = c.reported;
  c.walk.expr(a);
  if (c.reported === before) c.report(a, 2017, [a.getText(c.sf)]);
}
