// The transpiler's public types (index.ts re-exports them; driver.ts implements them), in a
// module of their own so that index -> driver has no import back.
import type ts from 'typescript';

export interface TranspileOptions {
  /** Write the C files here (created if missing). Nothing is written when there are errors. */
  outDir?: string;
  /** Modules lowered in place of others (absolute .ts path -> absolute .ts path): every import
   * that resolves to a key gets its value instead, type-checked against it. A board build links
   * fewer built-in functions this way (host/board/builtins.ts). */
  substitutes?: ReadonlyMap<string, string>;
}

export interface TranspileResult {
  ok: boolean;
  diagnostics: readonly ts.Diagnostic[];
  /** Diagnostics as tsc prints them: file:line:col - error FWnnnn: text, code frame, fix. */
  format(color: boolean): string;
  /** Generated files by name: `<module>.c`, `<module>.h` for every module reached, and `fw_rt.h`. */
  files: Map<string, string>;
  /** C identifier prefix of each module, by absolute .ts path (e.g. crc16 for .../crc16.ts). */
  modules: Map<string, string>;
  /** Static RAM per top-level variable and per-function locals, per module (see stack.ts). */
  reports: ModuleReport[];
}

export interface ModuleReport {
  module: string;
  ram: { name: string; bytes: number }[];
  frames: { name: string; locals: number; calls: string[] }[];
  impls: { iface: string; cls: string }[];
  /** The module's indirect calls and what may be called through them (host/board/stack.ts). */
  calls: ModuleCalls;
}

/** What the lowering knows about indirect calls (no one parses the generated C for it). */
export interface ModuleCalls {
  /** Each call through an interface slot or a function pointer: the generated file (`<module>.c`,
   * or `.h` for an @inline body), the function it is in, its line there, and the .ts line. */
  sites: { file: string; caller: string; line: number; tsLine?: number; slot: string; via: string }[];
  /** What fills each slot: a vtable's thunk fills `Iface.method`; a function stored as a pointer
   * fills `fn:ret(params)` of its C signature. A static function is in this module's .c. */
  fills: { slot: string; fn: string }[];
  /** The slot of each function-pointer typedef the module declares. */
  fnTypes: { name: string; slot: string }[];
}
