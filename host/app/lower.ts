// Lowers an app into a board build: generates build/<board>/app/app_registry.ts and app.d.ts
// (generate.ts), lowers the registry and the app's modules to C with the FwTS transpiler, and
// puts that C into the firmware's generated C: app_registry.c/.h replace the empty registry of
// firmware/rpc/app_registry.ts (same module name, same class, so every user of AppRegistry links
// to the app's), the app's own modules are added, and every firmware module the app shares with
// the firmware must come out byte-identical (it is the same source), else the build stops.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { transpile } from '../../codegen/src/index.ts';
import { generateApp, AppError, type GeneratedApp } from './generate.ts';

export interface LoweredApp extends GeneratedApp {
  /** C files added to the firmware's (the app's own modules), names relative to genDir. */
  addedC: string[];
  /** The FwTS modules the app's C was lowered from (absolute paths): what a rebuild depends on. */
  inputs: string[];
  transpileMs: number;
}

/**
 * `outDir` is the board's build directory (build/<board>); `genDir` is where the firmware's C
 * goes, and `files` that C by file name: the app's C is merged into it.
 */
export function lowerApp(appDir: string, outDir: string, genDir: string, files: Map<string, string>): LoweredApp {
  const t0 = Date.now();
  const g = generateApp(appDir, path.join(outDir, 'app'));
  // A sibling of genDir, so that #line paths come out the same as the firmware's.
  const appGen = path.join(path.dirname(genDir), `${path.basename(genDir)}-app`);
  fs.rmSync(appGen, { recursive: true, force: true });
  const r = transpile([g.registry], { outDir: appGen });
  if (!r.ok) throw new AppError(`urpc ts2c failed on the app ${appDir}:\n${r.format(false)}`);
  const addedC: string[] = [];
  for (const [name, text] of r.files) {
    const replace = name === 'app_registry.c' || name === 'app_registry.h';
    const fw = files.get(name);
    if (!replace && fw !== undefined) {
      if (fw !== text) {
        throw new AppError(`app module ${name.replace(/\.[ch]$/, '.ts')} clashes with a firmware module of the same name ` +
          `(C files share one namespace); rename the app's module`);
      }
      continue;
    }
    files.set(name, text);
    if (!replace && name.endsWith('.c')) addedC.push(name);
  }
  return { ...g, addedC, inputs: [...r.modules.keys()], transpileMs: Date.now() - t0 };
}
