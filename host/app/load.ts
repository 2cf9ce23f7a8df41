// Node: an app's device functions in this process, for LocalSession:
//
//   const app = await loadApp('examples/app');
//   const s = await connect<AppFunctions>('local', { app });
//
// Generates the app's registry (the same FwTS the board's firmware is built from) and imports it.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AppTable } from '../../firmware/rpc/ctx.ts';
import { REPO } from '../repo.ts';
import { generateApp, type AppFunction } from './generate.ts';

export interface LoadedApp extends AppTable {
  readonly functions: readonly AppFunction[];
}

/** outDir: where app_registry.ts and app.d.ts are written (default build/local/<app folder name>). */
export async function loadApp(appDir: string, outDir?: string): Promise<LoadedApp> {
  const out = outDir ?? path.join(REPO, 'build', 'local', path.basename(path.resolve(appDir)));
  const g = generateApp(appDir, out);
  const mod = (await import(pathToFileURL(g.registry).href)) as { AppRegistry: new () => AppTable };
  return Object.assign(new mod.AppRegistry(), { functions: g.functions });
}
