// Small helpers of the lowering passes: the codegen-bug error, storage kinds, and pure functions
// over the TS tree and integers.
import { ts } from '../program.ts';
import type { FwType, IntName } from '../sema.ts';

/** A construct the checker let through but the lowering cannot translate: a codegen bug. The
 * driver reports it as FW9001 and writes no C (never a comment in place of code). */
export class LoweringError extends Error {
  readonly node: ts.Node | undefined;
  constructor(node: ts.Node | undefined, what: string) {
    super(`cannot lower ${what}`);
    this.node = node;
  }
}

/** C has no zero-length arrays: bytes(0) gets one byte of storage and keeps its length 0. */
export function storageLen(len: number): string {
  return len === 0 ? '1 /* empty buffer: C has no empty arrays, its length stays 0 */' : String(len);
}

/** How a variable or field is stored in C. */
export type Storage =
  | { k: 'value' }
  | { k: 'array'; len: number }
  | { k: 'object' };

export interface FieldInfo { name: string; type: FwType; storage: Storage; decl: ts.Node }



export function isExported(n: ts.Node): boolean {
  return ts.canHaveModifiers(n) && !!ts.getModifiers(n)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

export function ctorAssignment(ctor: ts.ConstructorDeclaration, field: string): ts.Expression | undefined {
  for (const s of ctor.body?.statements ?? []) {
    if (!ts.isExpressionStatement(s) || !ts.isBinaryExpression(s.expression)) continue;
    const b = s.expression;
    if (b.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(b.left) &&
        b.left.expression.kind === ts.SyntaxKind.ThisKeyword && b.left.name.text === field) return b.right;
  }
  return undefined;
}

export function skipParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

/** k when the literal is 2^k mod 2^32 (k < 32). */
export function powerOfTwo(v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  const u = v >>> 0;
  return u !== 0 && (u & (u - 1)) === 0 ? 31 - Math.clz32(u) : undefined;
}

export function fwI32(v: number): number {
  return v | 0;
}

export function wrapJs(name: IntName, v: number): number {
  switch (name) {
    case 'u8': return v & 0xff;
    case 'u16': return v & 0xffff;
    case 'u32': return v >>> 0;
    case 'i8': return (v << 24) >> 24;
    case 'i16': return (v << 16) >> 16;
    case 'i32': return v | 0;
  }
}

/** An expression whose value is read from storage or returned by a call: never a C constant. */
