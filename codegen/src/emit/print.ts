// The C expression printer: the one place that turns lower/cexpr.ts trees into text and decides
// parentheses (as esbuild's printer and TypeScript's parenthesizer rules do). Precedence alone
// would allow `a + b << c` or `a & b == c`; gcc and clang warn on those (-Wparentheses) and a
// reader has to stop at them, so the rule is stricter than C's: an operand that is itself a
// binary operator, a conditional, an assignment or a comma is always parenthesised. At the top
// of a statement, a condition, an argument or an index nothing needs parentheses (but a comma,
// which is never written bare: `f((a, b))`, `x = (a, b)`).
import type { CNode } from '../lower/cexpr.ts';

/** Where an expression is printed: it decides which nodes need parentheses. */
type Ctx =
  /** A whole statement, condition, argument, initializer, index or return value. */
  | 'top'
  /** An operand of a binary operator, a conditional or a comma. */
  | 'operand'
  /** The operand of a unary operator or a cast. */
  | 'unary'
  /** The base of a call, index or member access. */
  | 'postfix';

export function printExpr(n: CNode): string {
  return print(n, 'top');
}

function print(n: CNode, ctx: Ctx): string {
  const text = raw(n);
  return needsParens(n, text, ctx) ? `(${text})` : text;
}

function needsParens(n: CNode, text: string, ctx: Ctx): boolean {
  switch (n.k) {
    case 'comma': return true;
    case 'binary': case 'cond': case 'assign': return ctx !== 'top';
    case 'unary': case 'cast': case 'sizeof': return ctx === 'postfix';
    case 'lit': return ctx === 'postfix' && text.startsWith('-');
    default: return false;
  }
}

function raw(n: CNode): string {
  switch (n.k) {
    case 'lit': return spellLiteral(n);
    case 'str': return JSON.stringify(n.value);
    case 'name': return n.name;
    case 'unary': {
      const x = print(n.x, 'unary');
      // `- -1`, `&&x`: two operator characters in a row would read as another token.
      return x.startsWith(n.op) || (n.op === '-' && x.startsWith('-')) ? `${n.op}(${x})` : `${n.op}${x}`;
    }
    case 'postfix': return `${print(n.x, 'postfix')}${n.op}`;
    case 'binary': return `${print(n.a, 'operand')} ${n.op} ${print(n.b, 'operand')}`;
    case 'cond': return `${print(n.c, 'operand')} ? ${print(n.a, 'operand')} : ${print(n.b, 'operand')}`;
    case 'call': return `${print(n.f, 'postfix')}(${n.args.map((a) => print(a, 'top')).join(', ')})`;
    case 'cast': return `(${n.to})${print(n.x, 'unary')}`;
    case 'index': return `${print(n.x, 'postfix')}[${print(n.i, 'top')}]`;
    case 'member': return `${print(n.x, 'postfix')}${n.arrow ? '->' : '.'}${n.name}`;
    case 'comma': return n.xs.map((x) => print(x, 'operand')).join(', ');
    case 'sizeof': return `sizeof ${print(n.x, 'unary')}`;
    case 'assign': return `${print(n.a, 'operand')} = ${print(n.b, 'top')}`;
    case 'none': throw new Error('printing an expression that was lowered to statements');
  }
}

/** A literal spelled for its C type: unsigned with `u` (hexadecimal if the .ts wrote it so),
 * signed in decimal (INT32_MIN portably), booleans as true/false; a named constant's name follows
 * in a comment. */
function spellLiteral(n: Extract<CNode, { k: 'lit' }>): string {
  let text: string;
  if (n.t.k === 'lit') text = String(n.value); // not yet given a type: plain decimal
  else if (n.t.k === 'bool') text = n.value !== 0 ? 'true' : 'false';
  else if (n.t.k === 'float') text = spellFloat(n.value, n.t.name === 'float');
  else if (n.t.k === 'int' && n.t.name[0] === 'i') {
    const s = n.t.name === 'int32_t' ? n.value | 0 : n.value;
    text = s === -2147483648 ? '(-2147483647 - 1)' : String(s);
  } else {
    const u = n.value >>> 0;
    const w = n.written;
    text = w && (w.startsWith('0x') || w.startsWith('0X')) && Number(w) === u ? `${w}u` : `${u}u`;
  }
  return n.name ? `${text} /* ${n.name} */` : text;
}

/** A float literal with exactly the value of `v` (already exact in its type): integers below 2^53
 * in decimal (`3.0`, `-0.0f`), other values as C99 hexadecimal floats (`0x1.999999999999ap-4`,
 * no decimal rounding in the C compiler), NaN and the infinities by fw_rt.h's macros. */
export function spellFloat(v: number, single: boolean): string {
  const f = single ? 'f' : '';
  if (Number.isNaN(v)) return single ? 'FW_F32_NAN' : 'FW_F64_NAN';
  if (!Number.isFinite(v)) return `${v < 0 ? '-' : ''}${single ? 'FW_F32_INFINITY' : 'FW_F64_INFINITY'}`;
  if (Number.isInteger(v) && Math.abs(v) < 2 ** 53) return `${Object.is(v, -0) ? '-0' : String(v)}.0${f}`;
  return hexFloat(v) + f;
}

/** C99 hexadecimal spelling of a finite, non-zero double: sign, 1.hhhh (or 0.hhhh for a
 * subnormal) and a binary exponent. */
function hexFloat(v: number): string {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, v);
  const hi = dv.getUint32(0);
  const lo = dv.getUint32(4);
  const sign = hi >>> 31 ? '-' : '';
  const exp = (hi >>> 20) & 0x7ff;
  let mant = ((hi & 0xfffff).toString(16).padStart(5, '0') + lo.toString(16).padStart(8, '0')).replace(/0+$/, '');
  const lead = exp === 0 ? '0' : '1';
  const e = exp === 0 ? -1022 : exp - 1023;
  if (mant === '') mant = '0';
  return `${sign}0x${lead}.${mant}p${e >= 0 ? '+' : ''}${e}`;
}
