// Which built-in device functions a board build links (board.json "builtins", or the build's
// `builtins` option; default: all of them, as in Node).
//
// The firmware finds its built-ins through two generated modules: firmware/rpc/names.ts (ids,
// wire names, signatures) and firmware/rpc/builtins.ts (the handler table, which imports each
// handler's module). Both are rendered from host/app/rpc-tables.ts FUNCTIONS; for a build that
// links fewer, this module renders them again for the selection into <out>/builtins/ and the
// firmware is lowered with those in place of the committed ones (TranspileOptions.substitutes).
// An unlisted function's handler is then imported by nothing, so neither its C nor its name or
// signature is in the image; the linked ones are numbered from 0 in FUNCTIONS order, so a lookup
// of an unlisted name finds nothing, as for any unknown name. Without runtime.RPCTimeEvaluator the
// server's evaluator hooks come from firmware/rpc/no_time_evaluator.ts, which drops the evaluator
// (and its f64 formatting) too.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FUNCTIONS, SYSTEM_FUNCTIONS, renderNames, renderBuiltins, type BuiltinFunction } from '../app/rpc-tables.ts';

export interface BuiltinLink {
  /** The linked built-ins, in registry order. */
  functions: BuiltinFunction[];
  /** Firmware module -> the module lowered in its place (absolute paths); empty when all are linked. */
  substitutes: Map<string, string>;
}

/** Thrown for a selection naming no built-in (build.ts reports it as a BuildError). */
export class BuiltinsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BuiltinsError';
  }
}

/** The built-ins a build links: the system functions and the listed ones (wire names), in
 * FUNCTIONS order; all of them when `listed` is undefined. `where` names the list in errors. */
export function selectBuiltins(listed: readonly string[] | undefined, where: string): BuiltinFunction[] {
  if (listed === undefined) return [...FUNCTIONS];
  if (!Array.isArray(listed) || listed.some((n) => typeof n !== 'string')) {
    throw new BuiltinsError(`${where} must be a list of function names, e.g. ["urpc.echo", "urpc.info"]`);
  }
  const wire = new Set(FUNCTIONS.map((f) => f[1]));
  const unknown = listed.filter((n) => !wire.has(n));
  if (unknown.length > 0) {
    const hint = (n: string): string => (wire.has(`urpc.${n}`) ? ` (did you mean 'urpc.${n}'?)` : '');
    throw new BuiltinsError(`${where}: ${unknown.map((n) => `'${n}'${hint(n)}`).join(', ')} ` +
      `${unknown.length === 1 ? 'is not a built-in device function' : 'are not built-in device functions'}; ` +
      `the built-ins are ${FUNCTIONS.filter((f) => !SYSTEM_FUNCTIONS.includes(f[1])).map((f) => f[1]).join(', ')} ` +
      `(${SYSTEM_FUNCTIONS.join(', ')} are always linked)`);
  }
  return FUNCTIONS.filter((f) => SYSTEM_FUNCTIONS.includes(f[1]) || listed.includes(f[1]));
}

/** A list as the command line and platformio.ini give it: names separated by commas or blanks. */
export function parseBuiltinList(text: string): string[] {
  return text.split(/[\s,]+/).filter((n) => n !== '');
}

/** Writes `file` unless it already holds `text` (an unchanged file keeps its time stamp). */
function writeIfChanged(file: string, text: string): void {
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) fs.writeFileSync(file, text);
}

/**
 * The modules a build with these built-ins lowers in place of the committed ones. `repo` holds the
 * firmware being lowered; `outDir` is the board's build directory (the modules go to
 * <outDir>/builtins/).
 */
export function linkBuiltins(functions: readonly BuiltinFunction[], repo: string, outDir: string): BuiltinLink {
  const substitutes = new Map<string, string>();
  if (functions.length === FUNCTIONS.length) return { functions: [...functions], substitutes };
  // Real paths: the transpiler resolves imports through symbolic links.
  const fw = (p: string): string => fs.realpathSync(path.join(repo, 'firmware', p));
  const dir = path.join(outDir, 'builtins');
  fs.mkdirSync(dir, { recursive: true });
  // An ES module wherever the build directory is (else TypeScript reads it as CommonJS: TS1295).
  writeIfChanged(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  const importOf = (p: string): string => path.relative(dir, fw(p)).split(path.sep).join('/');
  writeIfChanged(path.join(dir, 'names.ts'), renderNames(functions, importOf));
  writeIfChanged(path.join(dir, 'builtins.ts'), renderBuiltins(functions, importOf));
  substitutes.set(fw('rpc/names.ts'), path.join(dir, 'names.ts'));
  substitutes.set(fw('rpc/builtins.ts'), path.join(dir, 'builtins.ts'));
  if (!functions.some((f) => f[0] === 'TimeEvaluator')) {
    substitutes.set(fw('functions/timeeval.ts'), fw('rpc/no_time_evaluator.ts'));
    substitutes.set(fw('rpc/evaluator.ts'), fw('rpc/no_time_evaluator.ts'));
  }
  return { functions: [...functions], substitutes };
}
