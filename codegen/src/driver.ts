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
  const fe = createFrontEnd(entries);
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
      modules.set(path.resolve(sf.fileName), ir.prefix);
      const h = emitWithSites(ir.header, rel(sf.fileName), `${ir.prefix}.h`);
      const c = emitWithSites(ir.source, rel(sf.fileName), `${ir.prefix}.c`);
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

function failed(diagnostics: ts.Diagnostic[]): TranspileResult {
  return { ok: false, diagnostics, format: (color) => formatDiagnostics(diagnostics, color), files: new Map(), modules: new Map(), reports: [] };
}
