// The modules of an app folder, without loading TypeScript (a no-op `urpc build --app` checks
// them and stops: host/board/build.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';

export class AppError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppError';
  }
}

/** The app's FwTS modules: every .ts file directly in dir (not .d.ts, not *.test.ts). */
export function appModules(dir: string): string[] {
  const abs = path.resolve(dir);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) throw new AppError(`app folder ${dir} does not exist`);
  const files = fs.readdirSync(abs).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.test.ts')).sort();
  if (files.length === 0) throw new AppError(`app folder ${dir} has no .ts modules`);
  // TypeScript resolves an import of app.d.ts to app.ts when both exist: the host would see the
  // device module instead of the generated host types.
  if (files.includes('app.ts')) throw new AppError(`app folder ${dir}: rename app.ts (urpc writes the host types to app.d.ts next to it, and tsc would take one for the other)`);
  return files.map((f) => path.join(abs, f));
}
