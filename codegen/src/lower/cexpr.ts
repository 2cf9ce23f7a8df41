// C expressions as trees. The lowering builds these nodes (never C text); folding and facts
// inspect them; emit/print.ts is the one place that turns them into text and decides every
// parenthesis. Each node is one C operator applied to nodes, so what an expression reads, calls
// or names is a walk over it (refs), not a pattern over its printed form.
import type { CType } from './ctype.ts';

export type BinaryOp =
  | '*' | '/' | '%' | '+' | '-' | '<<' | '>>' | '<' | '<=' | '>' | '>=' | '==' | '!='
  | '&' | '^' | '|' | '&&' | '||';

export type UnaryOp = '!' | '-' | '~' | '&' | '*';

export type CNode =
  /** An integer or boolean literal with the C type it is spelled for (`3u`, `-1`, `true`).
   * `written` keeps a hexadecimal spelling from the .ts; `name` is the constant it came from
   * (printed as a comment next to it). */
  | { k: 'lit'; value: number; t: CType; written?: string; name?: string }
  /** A string literal (log messages): the text between the quotes, unescaped. */
  | { k: 'str'; value: string }
  /** An identifier: a local, a parameter, a global, a function, a macro-like runtime name.
   * `constant`: a constant the C compiler may fold (a `const` global, an enumerator). */
  | { k: 'name'; name: string; constant?: boolean }
  | { k: 'unary'; op: UnaryOp; x: CNode }
  /** `x++` / `x--` (statement position only). */
  | { k: 'postfix'; op: '++' | '--'; x: CNode }
  | { k: 'binary'; op: BinaryOp; a: CNode; b: CNode }
  | { k: 'cond'; c: CNode; a: CNode; b: CNode }
  /** `slot`: an indirect call, and what it goes through: an interface method (`Iface.method`) or a
   * function pointer of a C signature (`fn:ret(params)`); the stack analysis resolves it by that. */
  | { k: 'call'; f: CNode; args: CNode[]; slot?: string }
  /** `(to)x`; `to` is a C type spelling (`uint8_t`, `void`, `Name *`, `const int32_t *`). */
  | { k: 'cast'; to: string; x: CNode }
  | { k: 'index'; x: CNode; i: CNode }
  /** `x.name` or `x->name`. */
  | { k: 'member'; x: CNode; name: string; arrow: boolean }
  | { k: 'comma'; xs: CNode[] }
  /** `sizeof x` of an object (a buffer field cleared by memset). */
  | { k: 'sizeof'; x: CNode }
  | { k: 'assign'; a: CNode; b: CNode }
  /** Nothing left to evaluate: the effect was already emitted as statements (a `log` block). */
  | { k: 'none' };

// ------------------------------------------------------------------ constructors

export const name = (n: string): CNode => ({ k: 'name', name: n });
/** A name the C compiler may fold to its value (a `const` global, an enumerator, a macro). */
export const constName = (n: string): CNode => ({ k: 'name', name: n, constant: true });
export const call = (f: string | CNode, ...args: CNode[]): CNode => ({ k: 'call', f: typeof f === 'string' ? name(f) : f, args });
export const cast = (to: string, x: CNode): CNode => ({ k: 'cast', to, x });
export const binary = (op: BinaryOp, a: CNode, b: CNode): CNode => ({ k: 'binary', op, a, b });
export const unary = (op: UnaryOp, x: CNode): CNode => ({ k: 'unary', op, x });
export const cond = (c: CNode, a: CNode, b: CNode): CNode => ({ k: 'cond', c, a, b });
export const index = (x: CNode, i: CNode): CNode => ({ k: 'index', x, i });
export const comma = (...xs: CNode[]): CNode => ({ k: 'comma', xs });
export const assign = (a: CNode, b: CNode): CNode => ({ k: 'assign', a, b });
export const TRUE: CNode = { k: 'lit', value: 1, t: { k: 'bool' } };
export const FALSE: CNode = { k: 'lit', value: 0, t: { k: 'bool' } };
export const boolLit = (v: boolean): CNode => (v ? TRUE : FALSE);
export const NONE: CNode = { k: 'none' };
/** An integer literal; with no C type it is printed as plain decimal (an index, a count). */
export const lit = (value: number, t: CType = { k: 'lit' }): CNode => ({ k: 'lit', value, t });

/** `&x` of an object; `&*p` is p. */
export function addressOf(x: CNode): CNode {
  return x.k === 'unary' && x.op === '*' ? x.x : unary('&', x);
}

/** A field of the object `obj` points at: `p->f`, or `x.f` when obj is `&x`. */
export function field(obj: CNode, f: string): CNode {
  if (obj.k === 'unary' && obj.op === '&') return { k: 'member', x: obj.x, name: f, arrow: false };
  return { k: 'member', x: obj, name: f, arrow: true };
}

/** A member of a struct value: `x.f`. */
export function dot(x: CNode, f: string): CNode {
  return { k: 'member', x, name: f, arrow: false };
}

// ------------------------------------------------------------------ queries

/** The value of a boolean literal node (`true`/`false`), if it is one. */
export function boolValue(n: CNode): boolean | undefined {
  return n.k === 'lit' && n.t.k === 'bool' ? n.value !== 0 : undefined;
}

/** An expression with no variable, call or string in it (literals and operators only). */
export function isConstant(n: CNode): boolean {
  switch (n.k) {
    case 'lit': return true;
    case 'unary': return n.op !== '&' && n.op !== '*' && isConstant(n.x);
    case 'binary': return isConstant(n.a) && isConstant(n.b);
    case 'cond': return isConstant(n.c) && isConstant(n.a) && isConstant(n.b);
    default: return false;
  }
}

/** A name, or a chain of members of one (`x`, `self->a.b`): reading it twice reads the same place. */
export function isPath(n: CNode): boolean {
  if (n.k === 'name') return true;
  if (n.k === 'member') return isPath(n.x);
  return false;
}

/** The same expression (structurally: the same C). */
export function sameNode(a: CNode, b: CNode): boolean {
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'lit': { const y = b as typeof a; return a.value === y.value && a.t.k === y.t.k; }
    case 'str': return a.value === (b as typeof a).value;
    case 'name': return a.name === (b as typeof a).name;
    case 'unary': case 'postfix': { const y = b as typeof a; return a.op === y.op && sameNode(a.x, y.x); }
    case 'sizeof': return sameNode(a.x, (b as typeof a).x);
    case 'binary': { const y = b as typeof a; return a.op === y.op && sameNode(a.a, y.a) && sameNode(a.b, y.b); }
    case 'cond': { const y = b as typeof a; return sameNode(a.c, y.c) && sameNode(a.a, y.a) && sameNode(a.b, y.b); }
    case 'call': { const y = b as typeof a; return sameNode(a.f, y.f) && a.args.length === y.args.length && a.args.every((x, i) => sameNode(x, y.args[i])); }
    case 'cast': { const y = b as typeof a; return a.to === y.to && sameNode(a.x, y.x); }
    case 'index': { const y = b as typeof a; return sameNode(a.x, y.x) && sameNode(a.i, y.i); }
    case 'member': { const y = b as typeof a; return a.name === y.name && a.arrow === y.arrow && sameNode(a.x, y.x); }
    case 'comma': { const y = b as typeof a; return a.xs.length === y.xs.length && a.xs.every((x, i) => sameNode(x, y.xs[i])); }
    case 'assign': { const y = b as typeof a; return sameNode(a.a, y.a) && sameNode(a.b, y.b); }
    case 'none': return true;
  }
}

/** Does the value of the expression certainly depend on a variable or a call, so that no C
 * compiler can fold it to a constant? (clang folds through `static const` globals, casts, `&&`
 * with a constant side and a comma's discarded operands, and then warns about a `switch` on
 * it.) When in doubt: false. */
export function dependsOnStorage(n: CNode): boolean {
  switch (n.k) {
    case 'lit': case 'str': case 'sizeof': return false;
    case 'name': return !n.constant;
    case 'unary': return n.op === '&' ? false : dependsOnStorage(n.x);
    case 'cast': case 'member': return dependsOnStorage(n.x);
    case 'binary':
      // `false && x` is false whatever x is.
      if (n.op === '&&' || n.op === '||') return dependsOnStorage(n.a) && dependsOnStorage(n.b);
      return dependsOnStorage(n.a) || dependsOnStorage(n.b);
    case 'cond': return dependsOnStorage(n.c) || (dependsOnStorage(n.a) && dependsOnStorage(n.b));
    case 'index': return dependsOnStorage(n.x) || dependsOnStorage(n.i);
    case 'comma': return n.xs.length > 0 && dependsOnStorage(n.xs[n.xs.length - 1]);
    case 'call': case 'postfix': case 'assign': case 'none': return true;
  }
}

/** Every identifier the expression names (variables, functions, runtime names). */
export function refs(n: CNode, into: Set<string> = new Set()): Set<string> {
  switch (n.k) {
    case 'lit': case 'str': case 'none': break;
    case 'name': into.add(n.name); break;
    case 'unary': case 'postfix': case 'cast': case 'member': case 'sizeof': refs(n.x, into); break;
    case 'binary': case 'assign': refs(n.a, into); refs(n.b, into); break;
    case 'cond': refs(n.c, into); refs(n.a, into); refs(n.b, into); break;
    case 'call': refs(n.f, into); n.args.forEach((x) => refs(x, into)); break;
    case 'index': refs(n.x, into); refs(n.i, into); break;
    case 'comma': n.xs.forEach((x) => refs(x, into)); break;
  }
  return into;
}
