// Lowers an app for a board build: generates build/<board>/app/app_registry.ts and app.d.ts
// (generate.ts) and lowers the registry and the app's modules to C with the FwTS transpiler;
// merge.ts puts that C into the firmware's.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { transpile } from '../../codegen/src/index.ts';
import { generateApp, AppError, type GeneratedApp } from './generate.ts';
import { appGenDir, mergeApp } from './merge.ts';

export interface LoweredApp extends GeneratedApp {
  /** The app's C by file name (the registry, the app's modules, the firmware modules they import). */
  files: Map<string, string>;
  /** The FwTS modules the app's C was lowered from (absolute paths): what a rebuild depends on. */
  inputs: string[];
  transpileMs: number;
}

/**
 * Generates the app's registry (and `<app>/app.d.ts`) and lowers it with the app's modules.
 * `outDir` is the board's build directory (build/<board>); `genDir` is where the firmware's C goes:
 * the app's C is written next to it (same depth, so #line paths come out the same).
 * `substitutes`: the modules the firmware was lowered with in place of others.
 */
export function lowerApp(appDir: string, outDir: string, genDir: string, substitutes?: ReadonlyMap<string, string>): LoweredApp {
  const t0 = Date.now();
  const g = generateApp(appDir, path.join(outDir, 'app'));
  const appGen = appGenDir(genDir);
  fs.rmSync(appGen, { recursive: true, force: true });
  // The firmware's substitutes too (host/board/builtins.ts), so the modules both lower are the same.
  const r = transpile([g.registry], { outDir: appGen, substitutes });
  if (!r.ok) throw new AppError(`urpc ts2c failed on the app ${appDir}:\n${r.format(false)}`);
  return { ...g, files: new Map(r.files), inputs: [...r.modules.keys()], transpileMs: Date.now() - t0 };
}

/**
 * The firmware's C with an app merged in, written to `genDir`: what `urpc ts2c --app` (and
 * through it scripts/pio_urpc.py) builds. The firmware entries are lowered, the app beside them
 * (lowerApp), and the two merged (mergeApp). The registry's .ts goes to `<genDir>-registry/`.
 * `substitutes`: modules lowered in place of others (fewer built-ins: host/board/builtins.ts).
 */
export function lowerFirmwareWithApp(entries: readonly string[], appDir: string, genDir: string,
  substitutes?: ReadonlyMap<string, string>): { files: Map<string, string>; app: LoweredApp } {
  const fw = transpile([...entries], { outDir: genDir, substitutes });
  if (!fw.ok) throw new AppError(`urpc ts2c failed:\n${fw.format(false)}`);
  const app = lowerApp(appDir, `${genDir}-registry`, genDir, substitutes);
  const files = new Map(fw.files);
  mergeApp(files, app.files);
  for (const name of app.files.keys()) fs.writeFileSync(path.join(genDir, name), files.get(name)!);
  // C left by an earlier run (a module the app no longer has) would be built into the library.
  for (const f of fs.readdirSync(genDir)) if (/\.[ch]$/.test(f) && !files.has(f)) fs.rmSync(path.join(genDir, f));
  return { files, app };
}
