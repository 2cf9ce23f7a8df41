// The C statement printer: lower/ir.ts statement trees -> lines of C text, each with the .ts line
// it came from (emit.ts turns those into #line directives). Indentation is two spaces per level
// of nesting; expressions are printed by print.ts, which owns every parenthesis.
import { type CStmt, type IfStmt, type DeclStmt, indirectCalls } from '../lower/ir.ts';
import type { CNode } from '../lower/cexpr.ts';
import { declare } from '../lower/ctype.ts';
import { printExpr } from './print.ts';

/** A line of C and the .ts line it came from; the indirect calls on it, and the function they
 * are in (what the stack analysis needs: host/board/stack.ts). */
export interface Line { text: string; src?: number; calls?: LineCall[] }
export interface LineCall { caller: string; slot: string; via: string }

export function printStmts(stmts: readonly CStmt[], depth = 0, fn?: string): Line[] {
  const out: Line[] = [];
  for (const s of stmts) printStmt(s, depth, out, fn);
  return out;
}

const ind = (depth: number): string => '  '.repeat(depth);
const list = (xs: readonly CNode[]): string => xs.map(printExpr).join(', ');

/** Pushes a line; `xs` are the expressions printed on it, `fn` the function it is in. */
function push(out: Line[], text: string, src: number | undefined, fn?: string, xs: readonly (CNode | undefined)[] = []): void {
  const line: Line = src === undefined ? { text } : { text, src };
  const calls = xs.flatMap((x) => (x ? indirectCalls(x) : []));
  if (fn !== undefined && calls.length) line.calls = calls.map((c) => ({ caller: fn, slot: c.slot!, via: printExpr(c.f) }));
  out.push(line);
}

/** The expressions a one-line statement prints. */
function exprsOf(s: CStmt): (CNode | undefined)[] {
  switch (s.k) {
    case 'expr': return [s.x];
    case 'decl': return [s.init, ...(s.list ?? [])];
    case 'return': return [s.x];
    default: return [];
  }
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

function printStmt(s: CStmt, depth: number, out: Line[], fn: string | undefined): void {
  const I = ind(depth);
  const nested = (body: readonly CStmt[], d: number): Line[] => printStmts(body, d, fn);
  switch (s.k) {
    case 'decl':
      if (s.rows) {
        push(out, `${I}${declText(s)}`, s.src);
        for (const r of s.rows) out.push({ text: `${I}  ${list(r)},` });
        out.push({ text: `${I}};` });
      } else push(out, `${I}${declText(s)};`, s.src, fn, exprsOf(s));
      return;
    case 'expr': case 'return': case 'break': case 'continue':
      push(out, `${I}${simple(s)}`, s.src, fn, exprsOf(s));
      return;
    case 'verbatim':
      push(out, s.text === '' ? '' : `${I}${s.text}`, s.src);
      return;
    case 'if': {
      if (s.compact) {
        const body = s.then.length === 1 ? simple(s.then[0]) : `{ ${s.then.map(simple).join(' ')} }`;
        push(out, `${I}if (${printExpr(s.c)}) ${body}`, s.src, fn, [s.c, ...s.then.flatMap(exprsOf)]);
        return;
      }
      push(out, `${I}if (${printExpr(s.c)}) {`, s.src, fn, [s.c]);
      out.push(...nested(s.then, depth + 1));
      let els = s.else;
      while (els !== undefined) {
        if (Array.isArray(els)) {
          out.push({ text: `${I}} else {` });
          out.push(...nested(els, depth + 1));
          break;
        }
        const e = els as IfStmt;
        push(out, `${I}} else if (${printExpr(e.c)}) {`, e.src, fn, [e.c]);
        out.push(...nested(e.then, depth + 1));
        els = e.else;
      }
      out.push({ text: `${I}}` });
      return;
    }
    case 'while':
      push(out, `${I}while (${printExpr(s.c)}) {`, s.src, fn, [s.c]);
      return closeBody(s.body, depth, out, fn);
    case 'loop':
      push(out, `${I}for (;;) {`, s.src);
      return closeBody(s.body, depth, out, fn);
    case 'for': {
      const decl = s.init !== undefined && 'k' in s.init && s.init.k === 'decl' ? s.init as DeclStmt : undefined;
      const initX = decl ? decl.init : s.init as CNode | undefined;
      const init = decl ? declText(decl) : initX ? printExpr(initX) : '';
      push(out, `${I}for (${init}; ${s.c ? printExpr(s.c) : ''}; ${s.update ? printExpr(s.update) : ''}) {`, s.src, fn, [initX, s.c, s.update]);
      return closeBody(s.body, depth, out, fn);
    }
    case 'do':
      push(out, `${I}do {`, s.src);
      out.push(...nested(s.body, depth + 1));
      push(out, `${I}} while (${printExpr(s.c)});`, s.cSrc, fn, [s.c]);
      return;
    case 'switch':
      push(out, `${I}switch (${printExpr(s.x)}) {`, s.src, fn, [s.x]);
      for (const c of s.cases) {
        push(out, c.label ? `${I}  case ${printExpr(c.label)}:` : `${I}  default:`, c.src);
        if (c.body) {
          out.push({ text: `${I}  {` });
          out.push(...nested(c.body, depth + 2));
          out.push({ text: `${I}  }` });
        }
      }
      out.push({ text: `${I}}` });
      return;
    case 'block':
      push(out, `${I}{`, s.src);
      return closeBody(s.body, depth, out, fn);
    case 'func':
      push(out, `${I}${s.head} {`, s.src);
      return closeBody(s.body, depth, out, s.name);
  }
}

function closeBody(body: readonly CStmt[], depth: number, out: Line[], fn: string | undefined): void {
  out.push(...printStmts(body, depth + 1, fn));
  out.push({ text: `${ind(depth)}}` });
}
