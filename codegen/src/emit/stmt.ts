// The C statement printer: lower/ir.ts statement trees -> lines of C text, each with the .ts line
// it came from (emit.ts turns those into #line directives). Indentation is two spaces per level
// of nesting; expressions are printed by print.ts, which owns every parenthesis.
import type { CStmt, IfStmt, DeclStmt } from '../lower/ir.ts';
import type { CNode } from '../lower/cexpr.ts';
import { declare } from '../lower/ctype.ts';
import { printExpr } from './print.ts';

/** A line of C and the .ts line it came from. */
export interface Line { text: string; src?: number }

export function printStmts(stmts: readonly CStmt[], depth = 0): Line[] {
  const out: Line[] = [];
  for (const s of stmts) printStmt(s, depth, out);
  return out;
}

const ind = (depth: number): string => '  '.repeat(depth);
const list = (xs: readonly CNode[]): string => xs.map(printExpr).join(', ');

function push(out: Line[], text: string, src: number | undefined): void {
  out.push(src === undefined ? { text } : { text, src });
}

/** `type name[dims] = init` (no semicolon: a for clause uses it too). */
function declText(s: DeclStmt): string {
  const head = declare(s.type, s.name) + (s.dims !== undefined ? `[${s.dims}]` : '');
  if (s.init) return `${head} = ${printExpr(s.init)}`;
  if (s.list) return `${head} = { ${list(s.list)} }`;
  if (s.rows) return `${head} = {`;
  return head;
}

/** A statement that fits on one line, without its indentation. */
function simple(s: CStmt): string {
  switch (s.k) {
    case 'expr': return `${printExpr(s.x)};${s.comment !== undefined ? ` /* ${s.comment} */` : ''}`;
    case 'decl': return `${declText(s)};`;
    case 'return': return s.x ? `return ${printExpr(s.x)};` : 'return;';
    case 'break': return 'break;';
    case 'continue': return 'continue;';
    case 'verbatim': return s.text;
    default: throw new Error(`a ${s.k} statement does not fit on one line`);
  }
}

function printStmt(s: CStmt, depth: number, out: Line[]): void {
  const I = ind(depth);
  switch (s.k) {
    case 'decl':
      if (s.rows) {
        push(out, `${I}${declText(s)}`, s.src);
        for (const r of s.rows) out.push({ text: `${I}  ${list(r)},` });
        out.push({ text: `${I}};` });
      } else push(out, `${I}${declText(s)};`, s.src);
      return;
    case 'expr': case 'return': case 'break': case 'continue':
      push(out, `${I}${simple(s)}`, s.src);
      return;
    case 'verbatim':
      push(out, s.text === '' ? '' : `${I}${s.text}`, s.src);
      return;
    case 'if': {
      if (s.compact) {
        const body = s.then.length === 1 ? simple(s.then[0]) : `{ ${s.then.map(simple).join(' ')} }`;
        push(out, `${I}if (${printExpr(s.c)}) ${body}`, s.src);
        return;
      }
      push(out, `${I}if (${printExpr(s.c)}) {`, s.src);
      out.push(...printStmts(s.then, depth + 1));
      let els = s.else;
      while (els !== undefined) {
        if (Array.isArray(els)) {
          out.push({ text: `${I}} else {` });
          out.push(...printStmts(els, depth + 1));
          break;
        }
        const e = els as IfStmt;
        push(out, `${I}} else if (${printExpr(e.c)}) {`, e.src);
        out.push(...printStmts(e.then, depth + 1));
        els = e.else;
      }
      out.push({ text: `${I}}` });
      return;
    }
    case 'while':
      push(out, `${I}while (${printExpr(s.c)}) {`, s.src);
      return closeBody(s.body, depth, out);
    case 'loop':
      push(out, `${I}for (;;) {`, s.src);
      return closeBody(s.body, depth, out);
    case 'for': {
      const init = s.init === undefined ? '' : 'k' in s.init && s.init.k === 'decl' ? declText(s.init) : printExpr(s.init as CNode);
      push(out, `${I}for (${init}; ${s.c ? printExpr(s.c) : ''}; ${s.update ? printExpr(s.update) : ''}) {`, s.src);
      return closeBody(s.body, depth, out);
    }
    case 'do':
      push(out, `${I}do {`, s.src);
      out.push(...printStmts(s.body, depth + 1));
      push(out, `${I}} while (${printExpr(s.c)});`, s.cSrc);
      return;
    case 'switch':
      push(out, `${I}switch (${printExpr(s.x)}) {`, s.src);
      for (const c of s.cases) {
        push(out, c.label ? `${I}  case ${printExpr(c.label)}:` : `${I}  default:`, c.src);
        if (c.body) {
          out.push({ text: `${I}  {` });
          out.push(...printStmts(c.body, depth + 2));
          out.push({ text: `${I}  }` });
        }
      }
      out.push({ text: `${I}}` });
      return;
    case 'block':
      push(out, `${I}{`, s.src);
      return closeBody(s.body, depth, out);
    case 'func':
      push(out, `${I}${s.head} {`, s.src);
      return closeBody(s.body, depth, out);
  }
}

function closeBody(body: readonly CStmt[], depth: number, out: Line[]): void {
  out.push(...printStmts(body, depth + 1));
  out.push({ text: `${ind(depth)}}` });
}
