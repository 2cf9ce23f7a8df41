// Node: an app's device functions in this process, for LocalSession:
//
//   const app = await loadApp('examples/app');
//   const s = await connect<AppFunctions>('local', { app });
//
// Generates the app's registry (the same FwTS the board's firmware is built from) and imports it.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AppTable } from '../../firmware/rpc/ctx.ts';
import { REPO, BUILD_ROOT } from '../repo.ts';
import { generateApp, type AppFunction } from './generate.ts';
import { ensureTsLoader } from '../ts-loader.ts';
import { installPanicSites } from './panic-site.ts';

export interface LoadedApp extends AppTable {
  readonly functions: readonly AppFunction[];
}

/** outDir: where app_registry.ts is written (default build/local/<app folder from the repository,
 * '/' as '-'>: one per app folder, since Node caches a module by its path, so two apps written to
 * one path would both get the first one's functions). */
export async function loadApp(appDir: string, outDir?: string): Promise<LoadedApp> {
  const rel = path.relative(REPO, path.resolve(appDir)).split(path.sep).filter((p) => p !== '..' && p !== '').join('-');
  const out = outDir ?? path.join(BUILD_ROOT, 'local', rel || 'app');
  const g = generateApp(appDir, out);
  installPanicSites();
  ensureTsLoader(); // the package has no tsx
  // Loaded the way this module was: when it was required (tsx's CommonJS hook, as under mocha),
  // import() would give the registry a second copy of the firmware modules (a prelude with its own
  // FwPanic class and no log sink), so require it too.
  const mod = (typeof require === 'function' ? require(g.registry) : await import(pathToFileURL(g.registry).href)) as
    { AppRegistry: new () => AppTable };
  return Object.assign(new mod.AppRegistry(), { functions: g.functions });
}
