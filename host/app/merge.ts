// The app's C in a board build (host/board/build.ts), without TypeScript: app_registry.c/.h replace
// the empty registry of firmware/rpc/app_registry.ts (same module name, same class, so every user
// of AppRegistry links to the app's), the app's own modules are added, and every firmware module
// the app shares with the firmware must come out byte-identical (it is the same source), else the
// build stops.
import * as path from 'node:path';
import { AppError } from './modules.ts';

/** Where lowerApp writes the app's C (kept: a build whose app did not change reads it back). */
export function appGenDir(genDir: string): string {
  return path.join(path.dirname(genDir), `${path.basename(genDir)}-app`);
}

/**
 * Merges the app's C into the firmware's (`files`, by name): app_registry.c/.h replace the
 * firmware's, the app's own modules are added (returned: the .c files), and a module both have
 * must be the same text. No TypeScript needed.
 */
export function mergeApp(files: Map<string, string>, appFiles: ReadonlyMap<string, string>): string[] {
  const addedC: string[] = [];
  for (const [name, text] of appFiles) {
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
  return addedC;
}
