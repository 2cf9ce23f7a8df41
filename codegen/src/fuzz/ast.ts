// fuzz/ast.ts: the small typed AST the program generator builds and the shrinker edits, and its
// rendering to FwTS source text.
//
// README (fuzz AST): every expression carries its FwTS type: a declared integer type, 'bool',
// 'num' (an unwrapped intermediate, with `bits`, a bound on |value| in bits that is kept
// <= 53), or 'bytes'. The shrinker replaces nodes by same-typed, smaller nodes, so every edit
// keeps the program inside the subset and well typed as far as the generator's own rules go.

export type IntTy = 'u8' | 'u16' | 'u32' | 'i8' | 'i16' | 'i32';
export type FloatTy = 'f32' | 'f64';
/** 'fnum' / 'dnum': an unwrapped f32 / f64 operation (f32(...) / f64(...) wraps it). */
export type Ty = IntTy | FloatTy | 'bool' | 'num' | 'fnum' | 'dnum' | 'bytes' | 'void';

export const INT_TYPES: readonly IntTy[] = ['u8', 'u16', 'u32', 'i8', 'i16', 'i32'];
export const WIDTH: Record<IntTy, number> = { u8: 8, u16: 16, u32: 32, i8: 8, i16: 16, i32: 32 };
export const isSigned = (t: IntTy): boolean => t[0] === 'i';
export const isInt = (t: Ty): t is IntTy => (INT_TYPES as readonly string[]).includes(t);
export const isFloat = (t: string): t is FloatTy => t === 'f32' || t === 'f64';

/** `tag` names a shape the coverage report counts (fuzz/coverage.ts FEATURES). */
export type Expr = ExprNode & { tag?: string };
type ExprNode =
  /** A wrapped literal: u8(300). */
  | { k: 'lit'; ty: IntTy; v: number; neg?: boolean }
  /** A bare literal inside an intermediate or a comparison (non-negative). */
  | { k: 'num'; ty: 'num'; v: number; bits: number }
  /** A float value written as text: f32(0.1), F64_NAN, -F32_INFINITY, f64(-0), or a bare
   * literal exact in its type (ty 'fnum'/'dnum') as an operand. */
  | { k: 'flit'; ty: FloatTy | 'fnum' | 'dnum'; text: string }
  /** Anything referenced by its text: variables, fields, input.length, true. */
  | { k: 'ref'; ty: Ty; text: string; bits?: number }
  /** u8(a), f32(a) etc. */
  | { k: 'wrap'; ty: IntTy | FloatTy; a: Expr }
  /** Ring/bit ops give 'num'; comparisons and && || give 'bool'; float ops 'fnum'/'dnum'. */
  | { k: 'bin'; ty: 'num' | 'bool' | 'fnum' | 'dnum'; op: string; a: Expr; b: Expr; bits?: number }
  | { k: 'un'; ty: 'num' | 'bool' | 'fnum' | 'dnum'; op: '~' | '-' | '!' | '+'; a: Expr; bits?: number }
  /** fn(args) / obj.m(args) / T[2](args). */
  | { k: 'call'; ty: Ty; fn: string; args: Expr[] }
  /** ty 'num' (with bits) for arms of different types or bare literals: wrapped by the user. */
  | { k: 'cond'; ty: Ty; c: Expr; a: Expr; b: Expr; bits?: number }
  /** arr[i] with a proven index. */
  | { k: 'idx'; ty: IntTy | FloatTy | 'void'; arr: string; i: Expr };

/** A declared type: an integer type, 'bool', 'bytes', or a class/interface/function type/enum name. */
export type DeclTy = string;

export type Stmt = StmtNode & { tag?: string };
type StmtNode =
  | { s: 'let'; name: string; ty: DeclTy; init: Expr; konst: boolean }
  | { s: 'assign'; target: string; e: Expr }
  | { s: 'expr'; e: Expr }
  | { s: 'if'; c: Expr; t: Stmt[]; f: Stmt[] | null }
  /** while (w < n) { w = u32(w + 1); body } — the counter is declared just before; with a
   * guard: while (w < n && guard) (a field guard the body's accesses rely on). */
  | { s: 'while'; ctr: string; n: number; body: Stmt[]; doWhile: boolean; label?: string; guard?: Expr }
  /** for (let v = ty(start); v < bound; v++) or v > 0; v--; with step: v = ty(v + step). */
  | { s: 'for'; v: string; ty: IntTy; start: number; bound: string; down: boolean; body: Stmt[]; label?: string; step?: number }
  /** Labels: integers, or enum members by their text (E.A). */
  | { s: 'switch'; e: Expr; cases: { labels: (number | string)[]; body: Stmt[] }[]; dflt: Stmt[] | null }
  /** A nested `{ ... }` block, and the empty statement `;`. */
  | { s: 'block'; body: Stmt[] }
  | { s: 'empty' }
  | { s: 'return'; e: Expr | null }
  | { s: 'break'; label?: string }
  | { s: 'continue'; label?: string }
  | { s: 'panic'; code: number }
  | { s: 'log'; msg: string; args: Expr[] };

export interface Param {
  name: string;
  /** An integer or float type, 'bytes', or a class/interface name. */
  ty: string;
}
export interface Func {
  name: string;
  params: Param[];
  ret: IntTy | FloatTy | 'void';
  body: Stmt[];
  /** Set for methods. */
  cls?: string;
  exported?: boolean;
  /** Tagged `/** @inline *\/` (exported functions only). */
  inline?: boolean;
}
export interface Field {
  name: string;
  ty: IntTy | 'bytes';
  /** Literal initialiser, or (bytes) the size; undefined: set from a constructor parameter. */
  init?: Expr;
  size?: number;
  /** `readonly buf = bytes(N)`: a static length the index proofs can compare with. */
  readonly?: boolean;
}
export interface ClassDecl {
  name: string;
  implements?: string;
  fields: Field[];
  /** Constructor parameters, each assigned to the field of the same name. */
  ctor: { name: string; ty: IntTy }[];
  methods: Func[];
  /** A stray `;` class element. */
  semicolon?: boolean;
}
export interface Iface {
  name: string;
  method: { name: string; params: Param[]; ret: IntTy };
}
export interface Program {
  header: string;
  prelude: string;
  ifaces: Iface[];
  /** `const E = { A: 0, ... } as const; type E = ...` */
  enums: { name: string; members: [string, number][]; tag?: string }[];
  /** Module state: `let name: ty = init;` (konst: `const`). */
  state: { name: string; ty: IntTy; init: Expr; konst?: boolean }[];
  /** Float module state: `let name: f32 = f32(1.5);`. */
  floatState: { name: string; ty: FloatTy; init: Expr }[];
  /** Module-level Bytes that functions rebind: `let name: Bytes = view(...)`. */
  bufState: { name: string; init: Expr }[];
  /** Module state of an enum type: `let name: en = init;` (init: a member, `E.M0`). */
  enumVars: { name: string; en: string; init: string }[];
  /** State initialised after the objects (its initialiser may call functions): init order. */
  lateState: { name: string; ty: IntTy; init: Expr }[];
  /** A stray top-level `;`. */
  semicolon?: boolean;
  bufs: { name: string; size: number }[];
  tables: { name: string; ty: IntTy; values: number[] }[];
  /** `const FT: readonly f32[] = [f32(0.5), F32_NAN, ...]` (mutable: `f32[]`, in RAM). */
  floatTables: { name: string; ty: FloatTy; values: Expr[]; mutable: boolean }[];
  fnTables: { name: string; type: string; fns: string[] }[];
  fnTypes: { name: string; params: Param[]; ret: IntTy }[];
  classes: ClassDecl[];
  objects: { name: string; cls: string; args: Expr[] }[];
  funcs: Func[];
}

// ---------- rendering ----------

const litText = (v: number): string => (v > 0xffff ? '0x' + v.toString(16) : String(v));

export function renderExpr(e: Expr): string {
  switch (e.k) {
    case 'lit':
      return `${e.ty}(${e.neg ? '-' : ''}${litText(e.v)})`;
    case 'num':
      return litText(e.v);
    case 'flit':
      return e.text;
    case 'ref':
      return e.text;
    case 'wrap':
      return `${e.ty}(${renderExpr(e.a)})`;
    case 'bin':
      return `(${renderExpr(e.a)} ${e.op} ${renderExpr(e.b)})`;
    case 'un': {
      const a = renderExpr(e.a);
      return `${e.op}${e.a.k === 'un' || a.startsWith('-') ? '(' + a + ')' : a}`;
    }
    case 'call':
      return `${e.fn}(${e.args.map(renderExpr).join(', ')})`;
    case 'cond':
      return `(${renderExpr(e.c)} ? ${renderExpr(e.a)} : ${renderExpr(e.b)})`;
    case 'idx':
      return `${e.arr}[${renderExpr(e.i)}]`;
  }
}

const LOGGABLE = new Set<string>(['bool', ...INT_TYPES, 'f32', 'f64']);
const declText = (t: DeclTy): string => (t === 'bool' ? 'boolean' : t === 'bytes' ? 'Bytes' : t);

const endsFlow = (b: readonly Stmt[]): boolean => {
  const l = b[b.length - 1];
  return !!l && (l.s === 'return' || l.s === 'break' || l.s === 'continue');
};

// FwTS enforces noUnusedLocals: a local that nothing reads gets a reading statement right after
// its declaration (a log line, which difftest also compares).
function renderStmts(ss: readonly Stmt[], ind: string, out: string[]): void {
  const parts = ss.map((s) => {
    const o: string[] = [];
    renderStmt(s, ind, o);
    return o;
  });
  for (let i = 0; i < ss.length; i++) {
    out.push(...parts[i]!);
    const s = ss[i]!;
    if (s.s !== 'let' || !LOGGABLE.has(s.ty)) continue;
    const re = new RegExp(`\\b${s.name}\\b(?!\\s*=[^=])`);
    if (parts.slice(i + 1).some((p) => p.some((l) => re.test(l)))) continue;
    // (log takes integers: a float is logged by its bits, NaN canonical.)
    const arg = s.ty === 'f32' ? `f32bits(${s.name})` : s.ty === 'f64' ? `f64hi(${s.name}), f64lo(${s.name})` : s.name;
    out.push(s.ty === 'bool' ? `${ind}if (${s.name}) {\n${ind}  log('use');\n${ind}}` : `${ind}log('use', ${arg});`);
  }
}

/** Drop top-level declarations nothing refers to (noUnusedLocals), until none is left. */
export function prune(p0: Program): Program {
  const p: Program = structuredClone(p0);
  for (;;) {
    const text = renderRaw(p);
    const count = (name: string): number => (text.match(new RegExp(`\\b${name}\\b`, 'g')) ?? []).length;
    let changed = false;
    // `min`: how often the declaration itself names it (an enum: 4 times).
    const keep = <T extends { name: string }>(list: T[], min = 1): T[] => {
      const out = list.filter((d) => d.name === 'main' || count(d.name) > min);
      if (out.length !== list.length) changed = true;
      return out;
    };
    p.funcs = keep(p.funcs);
    p.objects = keep(p.objects);
    p.classes = keep(p.classes);
    p.state = keep(p.state);
    p.floatState = keep(p.floatState);
    p.bufState = keep(p.bufState);
    p.lateState = keep(p.lateState);
    p.enums = keep(p.enums, 4);
    p.enumVars = keep(p.enumVars);
    p.bufs = keep(p.bufs);
    p.tables = keep(p.tables);
    p.floatTables = keep(p.floatTables);
    p.fnTables = keep(p.fnTables);
    p.fnTypes = keep(p.fnTypes);
    // An interface only named in `implements` clauses counts as unused too.
    for (const i of [...p.ifaces]) {
      const uses = count(i.name) - (text.match(new RegExp(`implements ${i.name}\\b`, 'g')) ?? []).length;
      if (uses > 1) continue;
      p.ifaces = p.ifaces.filter((x) => x !== i);
      for (const c of p.classes) if (c.implements === i.name) delete c.implements;
      changed = true;
    }
    if (!changed) return p;
  }
}

export function renderStmt(s: Stmt, ind: string, out: string[]): void {
  const I = ind + '  ';
  switch (s.s) {
    case 'let':
      out.push(`${ind}${s.konst ? 'const' : 'let'} ${s.name}: ${declText(s.ty)} = ${renderExpr(s.init)};`);
      return;
    case 'assign':
      out.push(`${ind}${s.target} = ${renderExpr(s.e)};`);
      return;
    case 'expr':
      out.push(`${ind}${renderExpr(s.e)};`);
      return;
    case 'if':
      out.push(`${ind}if (${stripParens(renderExpr(s.c))}) {`);
      renderStmts(s.t, I, out);
      if (s.f) {
        out.push(`${ind}} else {`);
        renderStmts(s.f, I, out);
      }
      out.push(`${ind}}`);
      return;
    case 'while':
      out.push(`${ind}let ${s.ctr}: u32 = u32(0);`);
      if (s.doWhile) {
        out.push(`${ind}${s.label ? s.label + ': ' : ''}do {`);
        out.push(`${I}${s.ctr} = u32(${s.ctr} + 1);`);
        renderStmts(s.body, I, out);
        out.push(`${ind}} while (${s.ctr} < ${s.n});`);
      } else {
        out.push(`${ind}${s.label ? s.label + ': ' : ''}while (${s.ctr} < ${s.n}${s.guard ? ' && ' + renderExpr(s.guard) : ''}) {`);
        out.push(`${I}${s.ctr} = u32(${s.ctr} + 1);`);
        renderStmts(s.body, I, out);
        out.push(`${ind}}`);
      }
      return;
    case 'for': {
      const update = s.step ? `${s.v} = ${s.ty}(${s.v} ${s.down ? '-' : '+'} ${s.step})` : `${s.v}${s.down ? '--' : '++'}`;
      out.push(`${ind}${s.label ? s.label + ': ' : ''}for (let ${s.v} = ${s.ty}(${s.start}); ${s.v} ${s.down ? '>' : '<'} ${s.bound}; ${update}) {`);
      renderStmts(s.body, I, out);
      out.push(`${ind}}`);
      return;
    }
    case 'block':
      out.push(`${ind}{`);
      renderStmts(s.body, I, out);
      out.push(`${ind}}`);
      return;
    case 'empty':
      out.push(`${ind};`);
      return;
    case 'switch':
      out.push(`${ind}switch (${renderExpr(s.e)}) {`);
      for (const c of s.cases) {
        for (const l of c.labels) out.push(`${I}case ${typeof l === 'number' && l >= 0 ? litText(l) : l}:`);
        renderStmts(c.body, I + '  ', out);
        if (!endsFlow(c.body)) out.push(`${I}  break;`);
      }
      if (s.dflt) {
        out.push(`${I}default:`);
        renderStmts(s.dflt, I + '  ', out);
        if (!endsFlow(s.dflt)) out.push(`${I}  break;`);
      }
      out.push(`${ind}}`);
      return;
    case 'return':
      out.push(`${ind}return${s.e ? ' ' + renderExpr(s.e) : ''};`);
      return;
    case 'break':
    case 'continue':
      out.push(`${ind}${s.s}${s.label ? ' ' + s.label : ''};`);
      return;
    case 'panic':
      out.push(`${ind}panic(u32(${litText(s.code)}));`);
      return;
    case 'log':
      out.push(`${ind}log('${s.msg}'${s.args.map((a) => ', ' + renderExpr(a)).join('')});`);
      return;
  }
}

function stripParens(t: string): string {
  if (!t.startsWith('(') || !t.endsWith(')')) return t;
  // Only strip when the outer parens match each other.
  let d = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '(') d++;
    else if (t[i] === ')') d--;
    if (d === 0 && i < t.length - 1) return t;
  }
  return t.slice(1, -1);
}

const paramTy = (t: string): string => (t === 'bytes' ? 'Bytes' : t);

function renderFunc(f: Func, ind: string, out: string[]): void {
  const sig = `${f.name}(${f.params.map((p) => `${p.name}: ${paramTy(p.ty)}`).join(', ')}): ${f.ret}`;
  if (f.inline && !f.cls) out.push('/** @inline */');
  out.push(f.cls ? `${ind}${sig} {` : `${f.exported ? 'export ' : ''}function ${sig} {`);
  renderStmts(f.body, ind + '  ', out);
  out.push(`${ind}}`);
}

export const PRELUDE_NAMES = [
  'u8', 'u16', 'u32', 'i8', 'i16', 'i32', 'mul32', 'imul32', 'clz32', 'divu', 'modu', 'divi', 'modi', 'bytes', 'view', 'copy', 'fill',
  'rd8', 'wr8', 'rd16le', 'rd16be', 'rd32le', 'rd32be', 'wr16le', 'wr16be', 'wr32le', 'wr32be', 'panic', 'log',
  // The float API (firmware/lib/float.ts through the prelude).
  'f32', 'f64', 'F64_NAN', 'F64_INFINITY', 'F32_NAN', 'F32_INFINITY', 'sqrt', 'sqrtf', 'abs', 'absf', 'floor', 'floorf', 'ceil', 'ceilf',
  'trunc', 'truncf', 'round', 'roundf', 'min', 'minf', 'max', 'maxf', 'copysign', 'copysignf', 'f32bits', 'f32frombits', 'f64hi', 'f64lo', 'f64frombits',
];

export function renderProgram(p: Program): string {
  return renderRaw(prune(p));
}

function renderRaw(p: Program): string {
  const out: string[] = [p.header];
  const body: string[] = [];
  for (const i of p.ifaces) {
    const m = i.method;
    body.push(`interface ${i.name} {`, `  ${m.name}(${m.params.map((q) => `${q.name}: ${paramTy(q.ty)}`).join(', ')}): ${m.ret};`, `}`, '');
  }
  for (const e of p.enums) {
    body.push(`const ${e.name} = { ${e.members.map(([m, v]) => `${m}: ${litText(v)}`).join(', ')} } as const;`);
    body.push(`type ${e.name} = (typeof ${e.name})[keyof typeof ${e.name}];`);
  }
  for (const t of p.fnTypes) body.push(`type ${t.name} = (${t.params.map((q) => `${q.name}: ${paramTy(q.ty)}`).join(', ')}) => ${t.ret};`);
  for (const s of p.state) body.push(`${s.konst ? 'const' : 'let'} ${s.name}: ${s.ty} = ${renderExpr(s.init)};`);
  for (const s of p.floatState) body.push(`let ${s.name}: ${s.ty} = ${renderExpr(s.init)};`);
  for (const b of p.bufs) body.push(`const ${b.name}: Bytes = bytes(${b.size});`);
  if (p.semicolon) body.push(';');
  for (const b of p.bufState) body.push(`let ${b.name}: Bytes = ${renderExpr(b.init)};`);
  for (const e of p.enumVars) body.push(`let ${e.name}: ${e.en} = ${e.init};`);
  for (const t of p.tables) {
    const rows: string[] = [];
    for (let i = 0; i < t.values.length; i += 12) rows.push('  ' + t.values.slice(i, i + 12).map((v) => `${t.ty}(${litText(v)})`).join(', ') + ',');
    body.push(`const ${t.name}: readonly ${t.ty}[] = [`, ...rows, `];`);
  }
  for (const t of p.floatTables) {
    body.push(`const ${t.name}: ${t.mutable ? '' : 'readonly '}${t.ty}[] = [${t.values.map(renderExpr).join(', ')}];`);
  }
  body.push('');
  for (const c of p.classes) {
    body.push(`class ${c.name}${c.implements ? ' implements ' + c.implements : ''} {`);
    for (const f of c.fields) {
      if (f.ty === 'bytes') body.push(`  ${f.readonly ? 'readonly ' : ''}${f.name}: Bytes = bytes(${f.size ?? 8});`);
      else if (f.init) body.push(`  ${f.name}: ${f.ty} = ${renderExpr(f.init)};`);
      else body.push(`  ${f.name}: ${f.ty};`);
    }
    if (c.ctor.length) {
      body.push(`  constructor(${c.ctor.map((a) => `${a.name}: ${a.ty}`).join(', ')}) {`);
      for (const a of c.ctor) body.push(`    this.${a.name} = ${a.name};`);
      body.push('  }');
    }
    if (c.semicolon) body.push('  ;');
    for (const m of c.methods) renderFunc(m, '  ', body);
    body.push('}', '');
  }
  for (const o of p.objects) body.push(`const ${o.name} = new ${o.cls}(${o.args.map(renderExpr).join(', ')});`);
  // After the objects and tables they may use; functions are hoisted, so calls are fine.
  for (const s of p.lateState) body.push(`let ${s.name}: ${s.ty} = ${renderExpr(s.init)};`);
  body.push('');
  for (const f of p.funcs) {
    renderFunc(f, '', body);
    body.push('');
  }
  // Function tables come last, after the functions they name.
  const tbl: string[] = [];
  for (const t of p.fnTables) tbl.push(`const ${t.name}: readonly ${t.type}[] = [${t.fns.join(', ')}];`);
  const text = body.join('\n');
  // Short names and constants (F64_NAN) by the word, the rest as calls.
  const used = PRELUDE_NAMES.filter((n) => new RegExp(n.length <= 3 || /^[A-Z]/.test(n) ? `\\b${n}\\b` : `\\b${n}\\(`).test(text + tbl.join('\n')));
  const needsBytes = /\bBytes\b/.test(text);
  out.push(`import { ${used.join(', ')}${needsBytes ? ', type Bytes' : ''} } from '${p.prelude}';`, '');
  return out.join('\n') + '\n' + (text + '\n' + tbl.join('\n')).replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
