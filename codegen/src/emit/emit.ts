// Emission: C IR statement trees -> text. A `#line N "file.ts"` directive precedes a line whose .ts
// line is not the one the C compiler would assume, so compiler errors and debuggers point at the
// .ts. Top-level C with no .ts origin (vtables, thunks) is mapped back to the generated file itself.
import type { CStmt } from '../lower/ir.ts';
import { printStmts, type Line } from './stmt.ts';

/** An indirect call of the generated C: the function it is in, its line in the .c (what gcc's
 * call graph names it by) and the .ts line, the slot it goes through (cexpr.ts `call.slot`) and
 * its callee as printed. */
export interface CallSite { caller: string; line: number; tsLine?: number; slot: string; via: string }

export function emitC(items: readonly CStmt[], tsFile: string, cFile: string): string {
  return emitLines(printStmts(items), tsFile, cFile);
}

/** The C text and its indirect call sites. */
export function emitWithSites(items: readonly CStmt[], tsFile: string, cFile: string): { text: string; sites: CallSite[] } {
  const sites: CallSite[] = [];
  const text = emitLines(printStmts(items), tsFile, cFile, sites);
  return { text, sites };
}

export function emitLines(lines: readonly Line[], tsFile: string, cFile: string, sites: CallSite[] = []): string {
  const out: string[] = [];
  let expected: number | undefined; // the .ts line the compiler assumes for the next C line
  for (const l of lines) {
    if (l.src !== undefined && l.src !== expected) {
      out.push(`#line ${l.src} "${tsFile}"`);
      expected = l.src;
    } else if (l.src === undefined && expected !== undefined && l.text !== '' && l.text[0] !== ' ' && l.text[0] !== '}') {
      out.push(`#line ${out.length + 2} "${cFile}"`);
      expected = undefined;
    }
    out.push(l.text);
    for (const c of l.calls ?? []) sites.push({ caller: c.caller, line: out.length, tsLine: expected, slot: c.slot, via: c.via });
    if (expected !== undefined) expected++;
  }
  return out.join('\n') + '\n';
}
