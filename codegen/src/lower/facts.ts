// What the C compilers can tell about a lowered integer: its range (through widening casts,
// masks and small sums) and its known bits. The lowering uses these facts to fold comparisons
// whose result is fixed, which gcc (-Wtype-limits) and clang (-Wtautological-*) reject under
// -Werror; JS computes the same constant, so folding changes nothing observable.
import type { CExpr } from './ir.ts';

export function rangeOfCtype(t: string): [number, number] | undefined {
  switch (t) {
    case 'uint8_t': return [0, 0xff];
    case 'uint16_t': return [0, 0xffff];
    case 'uint32_t': return [0, 0xffffffff];
    case 'int8_t': return [-0x80, 0x7f];
    case 'int16_t': return [-0x8000, 0x7fff];
    case 'int32_t': return [-0x80000000, 0x7fffffff];
    default: return undefined;
  }
}

/** The values a lowered integer can take, as far as the C compiler can tell. */
export function rangeOfC(x: CExpr): [number, number] | undefined {
  return x.range ?? (x.t.k === 'int' ? rangeOfCtype(x.t.name) : undefined);
}

/** Bits of a lowered integer known to be 1 (ones) or 0 (zeros), as uint32 masks. */
export function bitsOf(x: CExpr): { ones: number; zeros: number } {
  if (x.lit !== undefined) return { ones: x.lit >>> 0, zeros: ~x.lit >>> 0 };
  if (x.bits) return x.bits;
  if (x.t.k === 'int' && x.t.name === 'uint8_t') return { ones: 0, zeros: 0xffffff00 };
  if (x.t.k === 'int' && x.t.name === 'uint16_t') return { ones: 0, zeros: 0xffff0000 };
  return { ones: 0, zeros: 0 };
}

/** Can a value with these known bits equal c? */
export function bitsConflict(bits: { ones: number; zeros: number }, c: number): boolean {
  const u = c >>> 0;
  return ((u & bits.ones) >>> 0) !== bits.ones || (u & bits.zeros) !== 0;
}

/** The result of `a op b` for every a in ra and b in rb, when it is the same for all. */
export function intervalCmp(op: string, [alo, ahi]: [number, number], [blo, bhi]: [number, number]): boolean | undefined {
  switch (op) {
    case '<': return ahi < blo ? true : alo >= bhi ? false : undefined;
    case '<=': return ahi <= blo ? true : alo > bhi ? false : undefined;
    case '>': return alo > bhi ? true : ahi <= blo ? false : undefined;
    case '>=': return alo >= bhi ? true : ahi < blo ? false : undefined;
    case '==': return ahi < blo || bhi < alo ? false : alo === ahi && blo === bhi && alo === blo ? true : undefined;
    default: return ahi < blo || bhi < alo ? true : alo === ahi && blo === bhi && alo === blo ? false : undefined;
  }
}

/** Range of `a + b`, `a - b`, `a * b` on non-negative operands, when uint32_t cannot wrap. */
export function arithRange(op: '+' | '-' | '*', a: CExpr, b: CExpr): [number, number] | undefined {
  const ra = a.lit !== undefined ? [a.lit, a.lit] : rangeOfC(a);
  const rb = b.lit !== undefined ? [b.lit, b.lit] : rangeOfC(b);
  if (!ra || !rb || ra[0] < 0 || rb[0] < 0) return undefined;
  const r: [number, number] = op === '+' ? [ra[0] + rb[0], ra[1] + rb[1]] : op === '-' ? [ra[0] - rb[1], ra[1] - rb[0]] : [ra[0] * rb[0], ra[1] * rb[1]];
  return r[0] >= 0 && r[1] <= 0xffffffff ? r : undefined;
}

/** Range of `a & b`, `a | b`, `a ^ b` on non-negative operands (as the C compilers narrow it). */
export function bitRange(op: '&' | '|' | '^', a: CExpr, b: CExpr): [number, number] | undefined {
  const ra = a.lit !== undefined ? [a.lit, a.lit] : rangeOfC(a);
  const rb = b.lit !== undefined ? [b.lit, b.lit] : rangeOfC(b);
  if (!ra || !rb || ra[0] < 0 || rb[0] < 0) return undefined;
  if (op === '&') return [0, Math.min(ra[1], rb[1])];
  const bits = Math.max(ra[1], rb[1]).toString(2).length;
  return [0, 2 ** bits - 1];
}

export const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };

export function evalCmp(op: string, a: number, b: number): boolean {
  switch (op) {
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '==': return a === b;
    default: return a !== b;
  }
}

/** The values of [lo, hi] at which comparisons with these constants can change their result. */
export function cmpCandidates([lo, hi]: [number, number], consts: readonly number[]): number[] {
  const out = new Set<number>([lo, hi]);
  for (const c of consts) for (const v of [c - 1, c, c + 1]) if (v >= lo && v <= hi) out.add(v);
  return [...out];
}
