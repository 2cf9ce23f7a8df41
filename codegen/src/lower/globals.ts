// Lowering of top-level variables: buffers, embedded objects, constant tables (flash or RAM),
// scalars with a constant initialiser, and the rest initialised in <module>_module_init().
import { ts } from '../program.ts';
import { type FwType, cIdent, stripAsConst, literalValue } from '../sema.ts';
import { type CStmt, type Chunk, decl, exprStmt } from './ir.ts';
import { type CNode, name as cname, boolLit, addressOf, assign } from './cexpr.ts';
import { LoweringError, storageLen } from './helpers.ts';
import { StmtLowering } from './statements.ts';
import { FLOAT_CONSTANTS } from './expressions.ts';

export class GlobalLowering extends StmtLowering {
  /** Every initialiser goes into one <module>_module_init(): their temporaries share one count
   * (each restarting at fw_t0 declared fw_t0 twice in one scope). */
  protected initTmpCount = 0;

  protected lowerTopVar(d: ts.VariableDeclaration, exported: boolean, vars: Chunk[], inits: CStmt[]): void {
    const saved = this.tmpCount;
    this.tmpCount = this.initTmpCount;
    try {
      this.lowerTopVarInit(d, exported, vars, inits);
    } finally {
      this.initTmpCount = this.tmpCount;
      this.tmpCount = saved;
    }
  }

  protected lowerTopVarInit(d: ts.VariableDeclaration, exported: boolean, chunks: Chunk[], inits: CStmt[]): void {
    const entry = this.tmpCount;
    const tsName = d.name.getText(this.sf);
    const name = exported ? `${this.prefix}_${tsName}` : cIdent(tsName);
    const storageClass = exported ? '' : 'static ';
    const vars = { push: (...items: CStmt[]): void => { chunks.push({ static: exported ? undefined : name, items }); } };
    const init = d.initializer!;
    const isConst = !!(d.parent.flags & ts.NodeFlags.Const);
    // A named integer constant (const N = 256) is inlined where used.
    if (isConst && !d.type && literalValue(init) !== undefined) return;
    const type = this.sema.declType(d);
    if (ts.isCallExpression(init) && this.sema.preludeName(init.expression) === 'bytes') {
      const len = this.constInt(init.arguments[0]);
      vars.push(this.at({ k: 'decl', type: `${storageClass}uint8_t`, name, dims: storageLen(len) }, d));
      if (exported) this.out.header.push(this.at({ k: 'decl', type: 'extern uint8_t', name, dims: storageLen(len) }, d));
      this.out.ram.push({ name: tsName, bytes: len });
      return;
    }
    if (ts.isNewExpression(init) && type.k === 'class') {
      vars.push(this.at(decl(`${storageClass}${type.name}`, name), d));
      if (exported) this.out.header.push(this.at(decl(`extern ${type.name}`, name), d));
      this.out.ram.push({ name: tsName, bytes: this.sizeOf(type, { k: 'object' }) });
      const body: CStmt[] = [];
      this.lowerNewInto(init, addressOf(cname(name)), body);
      inits.push(...body);
      return;
    }
    if (type.k === 'table') {
      const arr = stripAsConst(init) as ts.ArrayLiteralExpression;
      const elems = arr.elements.map((e) => this.constExpr(e, type.elem));
      const et = this.ctype(type.elem);
      const rows: CNode[][] = [];
      const perRow = type.elem.k === 'int' ? 8 : 4;
      for (let i = 0; i < elems.length; i += perRow) rows.push(elems.slice(i, i + perRow));
      // A readonly table goes to flash; one the program may write (`const t: u32[]`) to RAM.
      const ro = this.isReadonlyTable(d) ? 'const ' : '';
      vars.push(this.at({ k: 'decl', type: `${storageClass}${ro}${et}`, name, dims: String(elems.length), rows }, d));
      if (exported) this.out.header.push(this.at({ k: 'decl', type: `extern ${ro}${et}`, name, dims: String(elems.length) }, d));
      if (!ro) this.out.ram.push({ name: tsName, bytes: elems.length * this.sizeOf(type.elem, { k: 'value' }) });
      return;
    }
    const c = this.tryConst(init, type);
    const qual = isConst && c !== undefined ? 'const ' : '';
    if (c !== undefined) {
      vars.push(this.at(decl(`${storageClass}${qual}${this.ctype(type)}`, name, c), d));
    } else {
      vars.push(this.at(decl(`${storageClass}${this.ctype(type)}`, name), d));
      this.tmpCount = entry; // tryConst's trial lowering above emitted nothing
      this.localBytes = 0;
      this.calls = new Set();
      const body: CStmt[] = [];
      const v = this.coerce(this.expr(init, body), type);
      body.push(this.at(exprStmt(assign(cname(name), v)), d));
      inits.push(...body);
    }
    if (exported) this.out.header.push(this.at(decl(`extern ${qual}${this.ctype(type)}`, name), d));
    this.out.ram.push({ name: tsName, bytes: this.sizeOf(type, { k: 'value' }) });
  }

  /** Is a top-level table readonly (`readonly T[]`, `ReadonlyArray<T>`, `as const`)? */
  protected isReadonlyTable(d: ts.VariableDeclaration): boolean {
    const t = this.sema.checker.getTypeAtLocation(d);
    if (this.sema.checker.isTupleType(t)) return (t as ts.TupleTypeReference).target.readonly;
    return t.getSymbol()?.name === 'ReadonlyArray';
  }

  /** A compile-time constant expression of the given type, or undefined. */
  protected tryConst(e: ts.Expression, t: FwType): CNode | undefined {
    const x = this.expr(e, []);
    if (x.lit !== undefined) return this.litFor(x, this.ctype(t));
    if (e.kind === ts.SyntaxKind.TrueKeyword) return boolLit(true);
    if (e.kind === ts.SyntaxKind.FalseKeyword) return boolLit(false);
    if (ts.isPropertyAccessExpression(e) && x.stable && x.e.k === 'name') return x.e; // an enum member
    if (t.k === 'fn' && ts.isIdentifier(e)) return x.e;
    if (t.k === 'float' && isFloatConstant(x.e)) return x.e;
    return undefined;
  }

  protected constExpr(e: ts.Expression, t: FwType): CNode {
    const c = this.tryConst(e, t);
    if (c === undefined) throw new LoweringError(e, 'a table entry that is not constant');
    return c;
  }
}

/** fw_rt.h's macros for the float API's constants (what the lowering names them). */
const FLOAT_MACROS = new Set(Object.keys(FLOAT_CONSTANTS).map((k) => `FW_${k}`));

/** A float literal, fw_rt.h's NAN/INFINITY macro, or one negated: a C constant expression (the
 * table entries and constants the checker allows: check/state.ts). */
function isFloatConstant(n: CNode): boolean {
  if (n.k === 'lit') return n.t.k === 'float';
  if (n.k === 'name') return n.constant === true && FLOAT_MACROS.has(n.name);
  if (n.k === 'cast') return (n.to === 'float' || n.to === 'double') && isFloatConstant(n.x); // f64(F32_NAN)
  return n.k === 'unary' && n.op === '-' && isFloatConstant(n.x);
}
