// Node 20 cannot import a .ts file. From the checkout's sources tsx does it for urpc (bin/urpc.js,
// mocha); the installed package has no tsx, yet it imports FwTS modules in two places: loadApp
// (an app's functions in-process: `urpc call local --app`, connect('local', { app })) and
// `urpc difftest`. For those, ensureTsLoader() adds ts-hooks.ts: TypeScript's own transpileModule
// strips the types (FwTS is erasable syntax only), nothing else changes.
import { register } from 'node:module';
import { FROM_SOURCES } from './repo.ts';

let registered = false;

export function ensureTsLoader(): void {
  if (registered || FROM_SOURCES) return;
  registered = true;
  register('./ts-hooks.js', import.meta.url);
}
