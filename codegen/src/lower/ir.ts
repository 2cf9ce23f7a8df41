// The C IR between lowering and emission. Expressions are trees (cexpr.ts) with their C type;
// statements are trees too (CStmt below), each with the .ts line it came from. Sequencing and
// temporaries are settled by the lowering, so emission (emit/stmt.ts) only prints: indentation
// follows the nesting and #line directives follow `src`. What a statement names (pruning,
// unused parameters) is a walk over its expression trees (names below), never its text.

import type { CType } from './ctype.ts';
import { type CNode, refs } from './cexpr.ts';

/** A C statement, or a top-level item of a .h/.c file, with the .ts line it came from. */
export type CStmt = Stmt & {
  /** 1-based line in the .ts source; emission writes a #line directive when it changes. */
  src?: number;
};

export type IfStmt = Extract<CStmt, { k: 'if' }>;
export type DeclStmt = Extract<CStmt, { k: 'decl' }>;

type Stmt =
  /** `type name[dims] = init;`. `type` is the C spelling with any storage class and qualifier
   * (`static const uint8_t`, `Name *`); `list` is a brace initializer on the line, `rows` one
   * written over several lines (a table, one row per line). */
  | { k: 'decl'; type: string; name: string; dims?: string; init?: CNode; list?: readonly CNode[]; rows?: readonly (readonly CNode[])[] }
  /** `x;`, with a comment after it. */
  | { k: 'expr'; x: CNode; comment?: string }
  /** `if (c) { ... } else ...`; an `else` that is an if is written `} else if (...) {`.
   * `compact`: on one line (`if (c) break;`, `if (c) { a; b; }`), for the flag checks after a loop. */
  | { k: 'if'; c: CNode; then: CStmt[]; else?: CStmt[] | IfStmt; compact?: boolean }
  | { k: 'while'; c: CNode; body: CStmt[] }
  /** `for (;;) { ... }`: a loop whose condition needs statements first (they open the body). */
  | { k: 'loop'; body: CStmt[] }
  /** `for (init; c; update) { ... }`, any part may be missing. */
  | { k: 'for'; init?: CNode | DeclStmt; c?: CNode; update?: CNode; body: CStmt[] }
  /** `do { ... } while (c);`; `cSrc` is the .ts line of the condition. */
  | { k: 'do'; body: CStmt[]; c: CNode; cSrc?: number }
  | { k: 'switch'; x: CNode; cases: SwitchCase[] }
  | { k: 'return'; x?: CNode }
  | { k: 'break' }
  | { k: 'continue' }
  | { k: 'block'; body: CStmt[] }
  /** A function definition: `head {`, the body, `}` (head: storage class and signature; name:
   * its C name). */
  | { k: 'func'; name: string; head: string; body: CStmt[] }
  /** A line of C with no expression in it: a type declaration or struct member, a prototype, a
   * preprocessor line, a comment, a blank line. */
  | { k: 'verbatim'; text: string };

/** `case label:` (`default:` with no label) and its statements, braced; none: no braces. */
export interface SwitchCase { label?: CNode; body?: CStmt[]; src?: number }

// ------------------------------------------------------------------ constructors

export const decl = (type: string, name: string, init?: CNode): DeclStmt => (init ? { k: 'decl', type, name, init } : { k: 'decl', type, name });
export const exprStmt = (x: CNode): CStmt => ({ k: 'expr', x });
export const ifStmt = (c: CNode, then: CStmt[], els?: CStmt[] | IfStmt): IfStmt => (els ? { k: 'if', c, then, else: els } : { k: 'if', c, then });
export const block = (body: CStmt[]): CStmt => ({ k: 'block', body });
export const verbatim = (text: string): CStmt => ({ k: 'verbatim', text });
export const BLANK: CStmt = { k: 'verbatim', text: '' };

/** The statement with the .ts line it came from. */
export function at<T extends CStmt>(s: T, src: number | undefined): T {
  return src === undefined ? s : { ...s, src };
}

// ------------------------------------------------------------------ walks

/** Every identifier the statements' expressions name (declared names are not uses). */
export function names(stmts: readonly CStmt[], into: Set<string> = new Set()): Set<string> {
  for (const s of stmts) {
    forEachExpr(s, (x) => refs(x, into));
  }
  return into;
}

/** Calls f on every expression tree of the statement and of the statements nested in it. */
export function forEachExpr(s: CStmt, f: (x: CNode) => void): void {
  const all = (ss: readonly CStmt[] | undefined): void => ss?.forEach((x) => forEachExpr(x, f));
  switch (s.k) {
    case 'decl':
      if (s.init) f(s.init);
      s.list?.forEach(f);
      s.rows?.forEach((r) => r.forEach(f));
      break;
    case 'expr': f(s.x); break;
    case 'if':
      f(s.c); all(s.then);
      if (Array.isArray(s.else)) all(s.else); else if (s.else) forEachExpr(s.else as IfStmt, f);
      break;
    case 'while': f(s.c); all(s.body); break;
    case 'loop': case 'block': case 'func': all(s.body); break;
    case 'for':
      if (s.init) { if ('k' in s.init && s.init.k === 'decl') forEachExpr(s.init, f); else f(s.init as CNode); }
      if (s.c) f(s.c);
      if (s.update) f(s.update);
      all(s.body);
      break;
    case 'do': all(s.body); f(s.c); break;
    case 'switch': f(s.x); s.cases.forEach((c) => { if (c.label) f(c.label); all(c.body); }); break;
    case 'return': if (s.x) f(s.x); break;
    case 'break': case 'continue': case 'verbatim': break;
  }
}

/** The names the expressions use as values: every name but the function of a direct call
 * (a function named here is stored as a pointer: its address is taken). */
export function valueNames(stmts: readonly CStmt[], into: Set<string> = new Set()): Set<string> {
  const visit = (n: CNode): void => {
    if (n.k === 'call') {
      if (n.f.k !== 'name') visit(n.f);
      n.args.forEach(visit);
    } else if (n.k === 'name') into.add(n.name);
    else forEachChild(n, visit);
  };
  for (const s of stmts) forEachExpr(s, visit);
  return into;
}

function forEachChild(n: CNode, f: (x: CNode) => void): void {
  switch (n.k) {
    case 'unary': case 'postfix': case 'cast': case 'member': case 'sizeof': f(n.x); break;
    case 'binary': case 'assign': f(n.a); f(n.b); break;
    case 'cond': f(n.c); f(n.a); f(n.b); break;
    case 'call': f(n.f); n.args.forEach(f); break;
    case 'index': f(n.x); f(n.i); break;
    case 'comma': n.xs.forEach(f); break;
    default: break;
  }
}

/** The indirect calls in an expression (calls with a slot), outermost first. */
export function indirectCalls(n: CNode, into: Extract<CNode, { k: 'call' }>[] = []): Extract<CNode, { k: 'call' }>[] {
  if (n.k === 'call' && n.slot !== undefined) into.push(n);
  forEachChild(n, (x) => indirectCalls(x, into));
  return into;
}

/** A top-level piece of a .c file: a definition or prototype (of a file-local `static` name when
 * `static` is set; pruning drops those nobody else names), or items of layout. */
export interface Chunk { static?: string; items: CStmt[] }

/** A lowered expression: its C tree, its C type, and what is known about its value. */
export interface CExpr {
  e: CNode;
  /** Its C type (ctype.ts). */
  t: CType;
  /** Integer value when the expression is a literal (its text is then chosen by context). */
  lit?: number;
  /** The literal as written in the .ts (keeps 0xFF readable). */
  litText?: string;
  /** The named constant it came from (written as a comment next to the value). */
  litName?: string;
  /** True when evaluating it twice, or later, gives the same value with no effect. */
  stable: boolean;
  /** Values it can take, when narrower than its C type says (a widening cast of a narrow value). */
  range?: [number, number];
  /** Bits known to be 1 / 0 (uint32 masks), from masks and shifts by constants. */
  bits?: { ones: number; zeros: number };
  /** A boolean whose value the lowering decided (a folded comparison, still reading operands). */
  known?: boolean;
  /** For a comparison `x op c` of an operand with a constant: what the folding of && and || needs. */
  cmp?: { x: CNode; op: string; c: number; lo: number; hi: number };
}

export interface ModuleIR {
  prefix: string;
  tsPath: string;
  /** Headers of imported modules, in import order. */
  imports: string[];
  header: CStmt[];
  source: CStmt[];
  /** Bytes of static RAM per top-level variable and in total. */
  ram: { name: string; bytes: number }[];
  /** Per function: bytes of locals (a lower bound of its frame) and the functions it calls. */
  frames: { name: string; locals: number; calls: string[] }[];
  /** Which class implements which interface (resolves `Iface.method` calls in the report). */
  impls: { iface: string; cls: string }[];
  /** What fills each slot of an indirect call (cexpr.ts `call.slot`): the thunks of a vtable
   * (`Iface.method`), and every function this module stores as a pointer (`fn:ret(params)`). */
  fills: { slot: string; fn: string }[];
  /** The slot of each function-pointer typedef (for hand-written C that calls through one). */
  fnTypes: { name: string; slot: string }[];
  /** <prefix>_module_init: its function (in `source`), the module's own top-level initialisers,
   * and whether the build may link another module's C in place of this one's (`@replaceable`).
   * The driver (elideInits) empties it, and drops the calls to it, when neither the module nor
   * anything it imports has work to do. */
  init?: { func: CStmt & { k: 'func' }; own: CStmt[]; replaceable: boolean };
}
