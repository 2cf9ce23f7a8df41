// The only module that creates a ts.Program. typescript is pinned ~6.0 (7.x has no JS compiler
// API); the rest of codegen imports `ts` from here so that a move to another front end touches
// one file.
import ts from 'typescript';
import * as path from 'node:path';
import { REPO } from '../../host/repo.ts';

export { ts };

/** The repository root (host/repo.ts: the one place that works it out). */
export const REPO_ROOT = REPO;
export const FW_LIB = path.join(REPO_ROOT, 'firmware/lib/lib.fw.d.ts');
export const PRELUDE = path.join(REPO_ROOT, 'firmware/lib/prelude.ts');
/** The prelude's floating-point half (prelude.ts re-exports it); like the prelude, never lowered. */
export const PRELUDE_FLOAT = path.join(REPO_ROOT, 'firmware/lib/float.ts');
export const FW_RT_H = path.join(REPO_ROOT, 'codegen/runtime/fw_rt.h');

/**
 * The FwTS module a package import names, in this urpc (wherever the importing module is: a
 * user's project, a global install), so the prelude the lowering knows is the one imported:
 * `urpc/fwts` is the Tensor API (firmware/app/api.ts, which re-exports the prelude), and
 * `urpc/firmware/<path>.ts` any firmware module (what a generated app registry imports when urpc
 * runs from its package). package.json's exports say the same for tsc and Node.
 */
export function packageModule(specifier: string): string | undefined {
  if (specifier === 'urpc/fwts') return path.join(REPO_ROOT, 'firmware/app/api.ts');
  const prefix = 'urpc/firmware/';
  if (!specifier.startsWith(prefix) || !specifier.endsWith('.ts')) return undefined;
  const parts = specifier.slice(prefix.length).split('/');
  return parts.some((p) => p === '' || p === '.' || p === '..') ? undefined : path.join(REPO_ROOT, 'firmware', ...parts);
}

/** The compiler options of firmware/tsconfig.json: FwTS sees only lib.fw.d.ts. */
export const FWTS_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  noLib: true,
  types: [],
  strict: true,
  noImplicitReturns: true,
  noUnusedLocals: true,
  noFallthroughCasesInSwitch: true,
  erasableSyntaxOnly: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  allowImportingTsExtensions: true,
  noEmit: true,
};

export interface FrontEnd {
  program: ts.Program;
  checker: ts.TypeChecker;
  /** TypeScript's own diagnostics (syntax, options, global, semantic), in pxt's gate order. */
  tsDiagnostics: readonly ts.Diagnostic[];
}

/** `substitutes`: an import resolving to a key resolves to its value instead (TranspileOptions). */
export function createFrontEnd(entries: readonly string[], substitutes?: ReadonlyMap<string, string>): FrontEnd {
  const rootNames = [FW_LIB, ...entries.map((e) => path.resolve(e))];
  const host = ts.createCompilerHost(FWTS_OPTIONS);
  const cache = ts.createModuleResolutionCache(host.getCurrentDirectory(), host.getCanonicalFileName, FWTS_OPTIONS);
  const resolvedTo = (f: string): ts.ResolvedModuleWithFailedLookupLocations => ({ resolvedModule: { resolvedFileName: f, extension: ts.Extension.Ts, isExternalLibraryImport: false } });
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, options, file) => literals.map((lit) => {
    const fixed = packageModule(lit.text);
    if (fixed !== undefined && ts.sys.fileExists(fixed)) return resolvedTo(substitutes?.get(fixed) ?? fixed);
    const mode = ts.getModeForUsageLocation(file, lit, options);
    const r = ts.resolveModuleName(lit.text, containingFile, options, host, cache, redirected, mode);
    const instead = r.resolvedModule === undefined ? undefined : substitutes?.get(path.resolve(r.resolvedModule.resolvedFileName));
    return instead === undefined ? r : resolvedTo(instead);
  });
  const program = ts.createProgram({ rootNames, options: FWTS_OPTIONS, host });
  const syntactic = program.getSyntacticDiagnostics();
  const tsDiagnostics =
    syntactic.length > 0
      ? syntactic
      : [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(), ...program.getSemanticDiagnostics()];
  return { program, checker: program.getTypeChecker(), tsDiagnostics };
}
