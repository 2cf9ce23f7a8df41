// Small helpers on C expression text.

/** Strip one pair of redundant outer parentheses (for `if (x)`, `return x`, `= x`). */
export function bare(c: string): string {
  if (!c.startsWith('(') || !c.endsWith(')')) return c;
  let depth = 0;
  for (let i = 0; i < c.length; i++) {
    if (c[i] === '(') depth++;
    else if (c[i] === ')') depth--;
    if (depth === 0 && i < c.length - 1) return c;
  }
  // `(uint8_t)x` is a cast, not a parenthesised expression.
  if (/^\((u?int\d+_t|bool)\)/.test(c) && !c.startsWith('((')) return c;
  // A comma expression keeps its parentheses everywhere (`x = (a, b)` is not `x = a, b`).
  const inner = c.slice(1, -1);
  let d = 0;
  for (const ch of inner) {
    if (ch === '(') d++;
    else if (ch === ')') d--;
    else if (ch === ',' && d === 0) return c;
  }
  return inner;
}

export function paren(c: string): string {
  return /^[\w.>-]+$/.test(c) || (c.startsWith('(') && bare(c) !== c) ? c : `(${c})`;
}

/** C text with no variable in it (literals and true/false only). */
export function isConstText(c: string): boolean {
  return !/[A-Za-z_]/.test(c.replace(/\b(true|false)\b/g, '').replace(/\b0[xX][0-9a-fA-F]+u?\b/g, '').replace(/\b\d+u?\b/g, ''));
}
