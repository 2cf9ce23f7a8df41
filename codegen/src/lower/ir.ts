// The small C IR between lowering and emission: lines of C with the .ts line they came from,
// grouped into the pieces of a module's .h and .c. Expressions are trees (cexpr.ts) with their C
// type: sequencing and temporaries are settled by the lowering, so emission only prints.

import type { CType } from './ctype.ts';
import { type CNode, refs } from './cexpr.ts';
import { printExpr } from '../emit/print.ts';

export interface Line {
  text: string;
  /** 1-based line in the .ts source; emission writes a #line directive when it changes. */
  src?: number;
  /** The identifiers the line's expressions name (what pruning and unused-parameter marking read). */
  refs?: readonly string[];
}

/** A top-level piece of a .c file: a definition or prototype (of a file-local `static` name when
 * `static` is set; pruning drops those nobody else names), or lines of layout. */
export interface Chunk { static?: string; lines: Line[] }

/** A piece of a C line: its text and the identifiers its expressions name. */
export interface Piece { text: string; refs: readonly string[] }

/** A tagged template for C lines: expression trees are printed (emit/print.ts) and their names
 * recorded; strings and numbers are taken as they are. */
export function C(strings: TemplateStringsArray, ...parts: (string | number | CNode | Piece)[]): Piece {
  let text = strings[0];
  const names = new Set<string>();
  parts.forEach((p, i) => {
    if (typeof p === 'string' || typeof p === 'number') text += String(p);
    else if ('k' in p) { text += printExpr(p); refs(p, names); }
    else { text += p.text; p.refs.forEach((r) => names.add(r)); }
    text += strings[i + 1];
  });
  return { text, refs: [...names] };
}

/** A line with no .ts origin. */
export function L(p: Piece): Line {
  return p.refs.length ? { text: p.text, refs: p.refs } : { text: p.text };
}

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
  header: Line[];
  source: Line[];
  /** Bytes of static RAM per top-level variable and in total. */
  ram: { name: string; bytes: number }[];
  /** Per function: bytes of locals (a lower bound of its frame) and the functions it calls. */
  frames: { name: string; locals: number; calls: string[] }[];
  /** Which class implements which interface (resolves `Iface.method` calls in the report). */
  impls: { iface: string; cls: string }[];
}
