// The pipeline: front end (TS program and its diagnostics) -> subset checker -> lowering per
// module -> emission. No C is produced while any error exists.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createFrontEnd, ts, FW_RT_H } from './program.ts';
import { formatDiagnostics, makeDiagnostic } from './check/report.ts';
import { Sema } from './sema.ts';
import { checkProgram } from './check/checker.ts';
import { tsGatedHints } from './check/ts-hints.ts';
import { ModuleLowering, LoweringError } from './lower/lower.ts';
import { emitWithSites } from './emit/emit.ts';
import type { ModuleIR } from './lower/ir.ts';
import type { TranspileOptions, TranspileResult, ModuleCalls } from './api.ts';

/** "declared but never used": errors (C would warn, and -Werror fails), but types stay sound. */
const UNUSED_CODES = new Set([6133, 6138, 6192, 6196, 6198, 6199, 6205]);

export function transpile(entries: readonly string[], options: TranspileOptions = {}): TranspileResult {
  const fe = createFrontEnd(entries, options.substitutes);
  const sema = new Sema(fe.program);
  const sources = fe.program.getSourceFiles().filter((sf) => !sf.isDeclarationFile && !sema.isPrelude(sf));
  const diagnostics: ts.Diagnostic[] = [...fe.tsDiagnostics];
  // The subset checker needs TS's types to be sound, so it runs only once TS itself is happy
  // (pxt's gate order); it reports every problem it finds and never throws.
  if (!diagnostics.some((d) => d.category === ts.DiagnosticCategory.Error && !UNUSED_CODES.has(d.code))) {
    diagnostics.push(...checkProgram(sema, sources));
  } else {
    diagnostics.push(...tsGatedHints(sources)); // the FwTS rule and fix next to TS's error
  }
  const ok = !diagnostics.some((d) => d.category === ts.DiagnosticCategory.Error);
  const files = new Map<string, string>();
  const modules = new Map<string, string>();
  const irs: ModuleIR[] = [];
  const calls = new Map<ModuleIR, ModuleCalls>();
  if (ok) {
    const rel = (f: string): string => path.relative(options.outDir ?? process.cwd(), f);
    for (const sf of sources) {
      let ir: ModuleIR;
      try {
        ir = new ModuleLowering(sf, sema).lower();
      } catch (err) {
        // A codegen bug, never the user's: report it (FW9001) rather than crash or emit bad C.
        const node = err instanceof LoweringError ? err.node : undefined;
        const what = err instanceof Error ? err.message : String(err);
        diagnostics.push(makeDiagnostic(node ?? sf.statements[0] ?? sf, 9001, [what]));
        return failed(diagnostics);
      }
      irs.push(ir);
    }
    elideInits(irs);
    for (const ir of irs) {
      modules.set(path.resolve(ir.tsPath), ir.prefix);
      const h = emitWithSites(ir.header, rel(ir.tsPath), `${ir.prefix}.h`);
      const c = emitWithSites(ir.source, rel(ir.tsPath), `${ir.prefix}.c`);
      files.set(`${ir.prefix}.h`, h.text);
      files.set(`${ir.prefix}.c`, c.text);
      calls.set(ir, {
        sites: [...h.sites.map((x) => ({ file: `${ir.prefix}.h`, ...x })), ...c.sites.map((x) => ({ file: `${ir.prefix}.c`, ...x }))],
        fills: ir.fills, fnTypes: ir.fnTypes,
      });
    }
    files.set('fw_rt.h', fs.readFileSync(FW_RT_H, 'utf8'));
    if (options.outDir) {
      fs.mkdirSync(options.outDir, { recursive: true });
      for (const [name, text] of files) fs.writeFileSync(path.join(options.outDir, name), text);
    }
  }
  return {
    ok,
    diagnostics,
    format: (color: boolean) => formatDiagnostics(diagnostics, color),
    files,
    modules,
    reports: irs.map((ir) => ({ module: ir.prefix, ram: ir.ram, frames: ir.frames, impls: ir.impls, calls: calls.get(ir)! })),
  };
}

/**
 * A module's init runs its imports' inits, then its own top-level initialisers. When neither it
 * nor anything it imports (transitively) has an initialiser, it has nothing to do: its body is
 * emptied (the function stays, for hand-written C and other builds that call it) and importers no
 * longer call it. A `@replaceable` module (the app table a board build swaps in) always counts as
 * having work, since the C linked in its place may. About 40 bytes of flash per module.
 */
export function elideInits(irs: readonly ModuleIR[]): void {
  const byPrefix = new Map(irs.map((ir) => [ir.prefix, ir]));
  const works = new Set(irs.filter((ir) => ir.init !== undefined && (ir.init.own.length > 0 || ir.init.replaceable)).map((ir) => ir.prefix));
  // Until nothing changes (import cycles): a module importing one with work has work. An import
  // this transpile did not lower is kept as having work.
  for (let grew = true; grew;) {
    grew = false;
    for (const ir of irs) {
      if (works.has(ir.prefix) || !ir.imports.some((m) => works.has(m) || !byPrefix.has(m))) continue;
      works.add(ir.prefix);
      grew = true;
    }
  }
  for (const ir of irs) {
    if (ir.init === undefined) continue;
    const { func } = ir.init;
    if (!works.has(ir.prefix)) {
      func.body = [];
      continue;
    }
    // The body is: the done flag (3 statements), one call per import in import order, the own
    // initialisers (init.own): keep the calls to imports with work.
    const head = func.body.slice(0, 3);
    const calls = func.body.slice(3, func.body.length - ir.init.own.length);
    if (calls.length !== ir.imports.length) throw new Error(`${ir.prefix}_module_init: unexpected shape`);
    func.body = [...head, ...calls.filter((_c, i) => works.has(ir.imports[i]) || !byPrefix.has(ir.imports[i])), ...ir.init.own];
  }
}

function failed(diagnostics: ts.Diagnostic[]): TranspileResult {
  return { ok: false, diagnostics, format: (color) => formatDiagnostics(diagnostics, color), files: new Map(), modules: new Map(), reports: [] };
}
