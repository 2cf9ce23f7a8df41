// fuzz/shrink.ts: delta debugging over the generator's AST.
//
// README (shrinker): shrink(program, stillFails) greedily applies edits while `stillFails`
// (transpile() accepts the candidate AND the mismatch persists) holds: drop top-level items,
// drop chunks of statements then single statements, replace if/loop/switch by a branch or body,
// replace expressions by a same-typed child or by a zero of their type. Every edit keeps the
// generator's typing rules, so most candidates stay inside FwTS; the rest the checker rejects.

import { renderProgram, type Expr, type Program, type Stmt } from './ast.ts';

export interface ShrinkOptions {
  maxChecks?: number;
  maxMs?: number;
}
export interface ShrinkStats {
  checks: number;
  accepted: number;
  ms: number;
}

type Pred = (src: string) => Promise<boolean>;

const isExpr = (x: unknown): x is Expr => typeof x === 'object' && x !== null && 'k' in x;
const isStmt = (x: unknown): x is Stmt => typeof x === 'object' && x !== null && 's' in x;

/** Every statement list in the program (function bodies, branches, loop bodies, cases). */
function stmtLists(p: Program): Stmt[][] {
  const out: Stmt[][] = [];
  const visit = (ss: Stmt[]): void => {
    out.push(ss);
    for (const s of ss) {
      if (s.s === 'if') {
        visit(s.t);
        if (s.f) visit(s.f);
      } else if (s.s === 'while' || s.s === 'for') visit(s.body);
      else if (s.s === 'switch') {
        for (const c of s.cases) visit(c.body);
        if (s.dflt) visit(s.dflt);
      }
    }
  };
  for (const f of p.funcs) visit(f.body);
  for (const c of p.classes) for (const m of c.methods) visit(m.body);
  return out;
}

/** Every place an expression sits: [holder, key]. */
function exprSlots(p: Program): [Record<string, unknown>, string | number][] {
  const out: [Record<string, unknown>, string | number][] = [];
  const walk = (holder: Record<string, unknown> | unknown[], key: string | number, v: unknown): void => {
    if (isExpr(v)) {
      out.push([holder as Record<string, unknown>, key]);
      for (const [k, c] of Object.entries(v)) if (typeof c === 'object' && c !== null) walk(v as unknown as Record<string, unknown>, k, c);
    } else if (Array.isArray(v)) v.forEach((c, i) => walk(v, i, c));
    else if (isStmt(v) || (typeof v === 'object' && v !== null)) for (const [k, c] of Object.entries(v)) if (typeof c === 'object' && c !== null) walk(v as Record<string, unknown>, k, c);
  };
  for (const f of p.funcs) walk(f as unknown as Record<string, unknown>, 'body', f.body);
  for (const c of p.classes) for (const m of c.methods) walk(m as unknown as Record<string, unknown>, 'body', m.body);
  return out;
}

/** Smaller expressions of the same type as e. */
function replacements(e: Expr): Expr[] {
  const out: Expr[] = [];
  const kids: Expr[] = [];
  for (const v of Object.values(e)) {
    if (isExpr(v)) kids.push(v);
    else if (Array.isArray(v)) for (const c of v) if (isExpr(c)) kids.push(c);
  }
  if (e.ty === 'num') {
    const bits = 'bits' in e && e.bits !== undefined ? e.bits : 32;
    for (const k of kids) {
      const kb = k.ty === 'num' ? (('bits' in k && k.bits) || 32) : k.ty === 'u8' || k.ty === 'i8' ? 8 : k.ty === 'u16' || k.ty === 'i16' ? 16 : 32;
      if ((k.ty === 'num' || ['u8', 'u16', 'u32', 'i8', 'i16', 'i32'].includes(k.ty)) && kb <= bits) out.push(k);
    }
    if (e.k !== 'num' || e.v !== 0) out.push({ k: 'num', ty: 'num', v: 0, bits: 1 });
  } else if (e.ty === 'f32' || e.ty === 'f64') {
    // A float: its zero, or a child of the same type (f32(a + b) -> a).
    if (e.k !== 'flit' || e.text !== `${e.ty}(0)`) out.push({ k: 'flit', ty: e.ty, text: `${e.ty}(0)` });
    for (const k of kids) if (k.ty === e.ty) out.push(k);
    for (const k of kids) if (k.k === 'bin' || k.k === 'un') for (const g of Object.values(k)) if (isExpr(g) && g.ty === e.ty) out.push(g);
  } else if (e.ty === 'bool') {
    for (const k of kids) if (k.ty === 'bool') out.push(k);
  } else if (['u8', 'u16', 'u32', 'i8', 'i16', 'i32'].includes(e.ty)) {
    if (e.k !== 'lit' || e.v !== 0) out.unshift({ k: 'lit', ty: e.ty as 'u8', v: 0 });
    for (const k of kids) if (k.ty === e.ty) out.push(k);
    // A wrap of a typed child: drop to the child wrapped (u8(x + y) -> u8(x)).
    if (e.k === 'wrap') for (const k of kids) for (const g of Object.values(k)) if (isExpr(g) && g.ty !== 'bool' && g.ty !== 'bytes' && g.ty !== 'void') out.push({ k: 'wrap', ty: e.ty, a: g });
  }
  return out;
}

export async function shrink(p0: Program, stillFails: Pred, opts: ShrinkOptions = {}): Promise<{ program: Program; stats: ShrinkStats }> {
  const t0 = Date.now();
  const p: Program = structuredClone(p0);
  const stats: ShrinkStats = { checks: 0, accepted: 0, ms: 0 };
  const maxChecks = opts.maxChecks ?? 400;
  const maxMs = opts.maxMs ?? 240_000;
  const out = (): boolean => stats.checks >= maxChecks || Date.now() - t0 > maxMs;
  let cur = renderProgram(p);
  const test = async (): Promise<boolean> => {
    const src = renderProgram(p);
    if (src === cur) return false; // an edit of a detached subtree: no change
    stats.checks++;
    const ok = await stillFails(src);
    if (ok) {
      stats.accepted++;
      cur = src;
    }
    return ok;
  };
  /** Apply `edit`; keep it if the failure persists, else `undo`. */
  const attempt = async (edit: () => void, undo: () => void): Promise<boolean> => {
    if (out()) return false;
    edit();
    if (await test()) return true;
    undo();
    return false;
  };
  const tryRemoveFrom = async <T>(arr: T[], i: number, n = 1): Promise<boolean> => {
    let removed: T[] = [];
    return attempt(
      () => (removed = arr.splice(i, n)),
      () => arr.splice(i, 0, ...removed),
    );
  };

  let progress = true;
  while (progress && !out()) {
    progress = false;
    // 1. Top-level items.
    const main = p.funcs.find((f) => f.name === 'main');
    for (const list of [p.funcs, p.objects, p.classes, p.state, p.bufs, p.tables, p.floatTables, p.fnTables, p.fnTypes, p.ifaces] as unknown[][]) {
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i] === main) continue;
        if (await tryRemoveFrom(list, i)) progress = true;
      }
    }
    for (const c of p.classes) {
      for (let i = c.methods.length - 1; i >= 0; i--) if (await tryRemoveFrom(c.methods, i)) progress = true;
      for (let i = c.fields.length - 1; i >= 0; i--) if (await tryRemoveFrom(c.fields, i)) progress = true;
    }
    // 2. Statements: chunks, then one by one (from the end, so indices stay valid).
    for (const list of stmtLists(p)) {
      for (let chunk = Math.max(1, list.length >> 1); chunk >= 1; chunk >>= 1) {
        for (let i = list.length - chunk; i >= 0; i -= chunk) if (await tryRemoveFrom(list, i, chunk)) progress = true;
      }
    }
    // 3. Compound statements -> a branch / the body.
    for (const list of stmtLists(p)) {
      for (let i = list.length - 1; i >= 0; i--) {
        const s = list[i]!;
        const options: Stmt[][] = [];
        if (s.s === 'if') options.push(s.t, ...(s.f ? [s.f] : []));
        else if (s.s === 'while') options.push(s.body);
        else if (s.s === 'switch') options.push(...s.cases.map((c) => c.body), ...(s.dflt ? [s.dflt] : []));
        for (const body of options) {
          if (body.some((b) => b.s === 'break' || b.s === 'continue')) continue;
          if (await attempt(() => list.splice(i, 1, ...body), () => list.splice(i, body.length, s))) {
            progress = true;
            break;
          }
        }
      }
    }
    // 4. Expressions.
    for (const [holder, key] of exprSlots(p)) {
      const e = holder[key] as Expr;
      for (const r of replacements(e)) {
        if (await attempt(() => (holder[key] = r), () => (holder[key] = e))) {
          progress = true;
          break;
        }
      }
    }
  }
  stats.ms = Date.now() - t0;
  return { program: p, stats };
}
