// Lowering: one checked FwTS module -> C IR (ir.ts: statement trees with their .ts lines, holding
// expression trees, cexpr.ts; emit/ prints both).
// The input has passed check/: this pass trusts it and only translates. The passes live in
// context.ts (shared state) <- expressions.ts <- statements.ts <- globals.ts <- functions.ts <-
// typedecls.ts <- this file, which lays out the module's .h and .c.
import * as path from 'node:path';
import { ts, REPO_ROOT } from '../program.ts';
import { type CStmt, type ModuleIR, type Chunk, verbatim, decl, exprStmt, valueNames, BLANK } from './ir.ts';
import { pruneUnusedStatics } from './prune.ts';
import { call as ccall, name as cname, assign, TRUE, FALSE } from './cexpr.ts';
import { isExported } from './helpers.ts';
import { TypeDeclLowering } from './typedecls.ts';

/** Warnings that gcc and clang raise on what they fold at compile time, which the FwTS checker
 * leaves symbolic: a comparison that folds to a constant (`u16(s - s) <= s`, `u16(x & 128) === 7`:
 * -Wtype-limits, -Wtautological-compare), a cast byte compared after folding to `~x`
 * (`len > u8(32767 ^ v)`: -Wsign-compare; the lowering gives every comparison one signedness
 * itself), and a constant index past the end on a path the checker proved dead (`if (K < b.length)
 * b[K]` with K = 192: -Warray-bounds; every executed index is proven). What the .ts says is what
 * Node computes, so the generated files say so; nothing else is silenced (docs/fwts.md, "The C"). */
const FOLDED_WARNINGS: CStmt[] = [
  verbatim('#if defined(__GNUC__) /* gcc and clang: what folds to constants here is intended */'),
  ...['-Wtype-limits', '-Wtautological-compare', '-Wsign-compare', '-Warray-bounds'].map((w) => verbatim(`#pragma GCC diagnostic ignored "${w}"`)),
  verbatim('#endif'),
];

export { LoweringError, isExported } from './helpers.ts';

export class ModuleLowering extends TypeDeclLowering {
  lower(): ModuleIR {
    const h = this.out.header;
    const inits: CStmt[] = [];
    const protos: Chunk[] = [];
    const bodies: Chunk[] = [];
    const types: CStmt[] = [];
    const hTypes: CStmt[] = [];
    const vars: Chunk[] = [];

    for (const st of this.sf.statements) {
      if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
        const target = this.importedFile(st);
        if (target && !this.sema.isPrelude(target)) this.out.imports.push(this.sema.modulePrefix(target));
      }
    }
    // Types first: enums, function types, interfaces, classes (in dependency order).
    const inHeader = this.headerTypes();
    for (const st of this.sf.statements) {
      const exported = inHeader.has(st);
      const dest = exported ? hTypes : types;
      if (ts.isVariableStatement(st)) {
        const d = st.declarationList.declarations[0];
        const obj = this.sema.enumObject(d);
        if (obj) this.lowerEnum(obj, dest);
      } else if (ts.isTypeAliasDeclaration(st) && ts.isFunctionTypeNode(st.type)) {
        dest.push(this.at(verbatim(`typedef ${this.fnPointerDecl(st.type, `(*${st.name.text})`)};`), st));
        this.out.fnTypes.push({ name: st.name.text, slot: this.fnSlot(st.type) });
      } else if (ts.isInterfaceDeclaration(st)) {
        this.lowerInterface(st, dest);
      }
    }
    for (const cls of this.sortedClasses()) {
      this.lowerClassStruct(cls, inHeader.has(cls) ? hTypes : types);
    }
    // Forward typedefs first, so function types and structs may name any class (C99 allows no
    // repeated typedef, so the structs below are defined as plain `struct Name { ... };`).
    const named = this.sf.statements.filter((st): st is ts.ClassDeclaration | ts.InterfaceDeclaration =>
      (ts.isClassDeclaration(st) && !!st.name) || ts.isInterfaceDeclaration(st));
    const forward = (decls: (ts.ClassDeclaration | ts.InterfaceDeclaration)[]): CStmt[] =>
      decls.length ? [...decls.map((c) => verbatim(`typedef struct ${c.name!.text} ${c.name!.text};`)), BLANK] : [];
    hTypes.unshift(...forward(named.filter((d) => inHeader.has(d))));
    types.unshift(...forward(named.filter((d) => !inHeader.has(d))));
    // Variables, functions and methods.
    for (const st of this.sf.statements) {
      if (ts.isVariableStatement(st)) {
        const d = st.declarationList.declarations[0];
        if (this.sema.enumObject(d)) continue;
        this.lowerTopVar(d, isExported(st), vars, inits);
      } else if (ts.isFunctionDeclaration(st) && st.name) {
        this.lowerFunction(st, protos, bodies);
      } else if (ts.isClassDeclaration(st)) {
        this.lowerClassFunctions(st, protos, bodies);
      }
    }
    this.lowerInterfaceAdapters(protos, bodies);

    const guard = `${this.prefix.toUpperCase()}_H`;
    // A header with @inline bodies keeps the pragmas to itself (push/pop): it is included by
    // hand-written C too.
    if (h.some((x) => x.k === 'func')) {
      h.unshift(verbatim('#if defined(__GNUC__)'), verbatim('#pragma GCC diagnostic push'), verbatim('#endif'), ...FOLDED_WARNINGS);
      h.push(verbatim('#if defined(__GNUC__)'), verbatim('#pragma GCC diagnostic pop'), verbatim('#endif'));
    }
    h.unshift(
      verbatim(`/* Generated by urpc ts2c from ${this.relSource()}. Do not edit. */`),
      verbatim(`#ifndef ${guard}`),
      verbatim(`#define ${guard}`),
      BLANK,
      verbatim('#include "fw_rt.h"'),
      ...this.out.imports.map((m) => verbatim(`#include "${m}.h"`)),
      BLANK,
      ...hTypes,
    );
    h.push(BLANK, verbatim(`void ${this.prefix}_module_init(void);`), BLANK, verbatim(`#endif /* ${guard} */`));

    // Module initialisation runs once: imported modules first, then the top-level initialisers.
    const done = cname('done');
    const init: CStmt & { k: 'func' } = {
      k: 'func', name: `${this.prefix}_module_init`, head: `void ${this.prefix}_module_init(void)`, body: [
        decl('static bool', 'done', FALSE),
        { k: 'if', c: done, then: [{ k: 'return' }], compact: true },
        exprStmt(assign(done, TRUE)),
        ...this.out.imports.map((m) => exprStmt(ccall(`${m}_module_init`))),
        ...inits,
      ],
    };
    this.out.init = { func: init, own: inits, replaceable: this.sf.statements.some((st) => this.sema.isReplaceable(st)) };
    const layout = (...items: CStmt[]): Chunk => ({ items });
    const chunks: Chunk[] = [
      layout(
        verbatim(`/* Generated by urpc ts2c from ${this.relSource()}. Do not edit. */`),
        verbatim(`#include "${this.prefix}.h"`),
        ...FOLDED_WARNINGS,
        BLANK,
        ...types,
      ),
      ...protos, ...(protos.length ? [layout(BLANK)] : []),
      ...vars, ...(vars.length ? [layout(BLANK)] : []),
      ...bodies,
      layout(init),
    ];
    this.out.source = pruneUnusedStatics(chunks).flatMap((ch) => ch.items);
    this.recordPointerFills();
    return this.out;
  }

  /** Every function the module's C stores as a pointer (named other than as the function of a
   * direct call) fills the `fn:` slot of its signature. */
  protected recordPointerFills(): void {
    const fns = new Map<string, ts.FunctionDeclaration>();
    for (const sf of this.sema.program.getSourceFiles()) {
      if (sf.isDeclarationFile || this.sema.isPrelude(sf)) continue;
      for (const st of sf.statements) if (ts.isFunctionDeclaration(st) && st.name && st.body) fns.set(this.cFunctionName(st), st);
    }
    for (const n of [...valueNames(this.out.header), ...valueNames(this.out.source)]) {
      const d = fns.get(n);
      if (d !== undefined && !this.out.fills.some((f) => f.fn === n)) this.out.fills.push({ slot: this.fnSlot(d), fn: n });
    }
  }

  /** The .ts file as the header comment names it: repository-relative inside urpc (the same on
   * every checkout, whatever its path), else its folder and name (a user's app/math.ts). */
  protected relSource(): string {
    const r = path.relative(REPO_ROOT, path.resolve(this.sf.fileName));
    if (!r.startsWith('..') && !path.isAbsolute(r)) return r.split(path.sep).join('/');
    return path.basename(path.dirname(this.sf.fileName)) + '/' + path.basename(this.sf.fileName);
  }

  protected importedFile(st: ts.ImportDeclaration): ts.SourceFile | undefined {
    const sym = this.sema.checker.getSymbolAtLocation(st.moduleSpecifier);
    const d = sym?.valueDeclaration ?? sym?.declarations?.[0];
    return d && ts.isSourceFile(d) ? d : undefined;
  }
}
