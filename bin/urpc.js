#!/usr/bin/env node
// The urpc command. The installed package runs the compiled JavaScript in dist/ (npm run build,
// run by prepack); a checkout, which has the TypeScript sources and no dist/, runs them through
// tsx's ESM hook (a devDependency: never needed by the package).
import { existsSync } from 'node:fs';

const sources = new URL('../host/cli/main.ts', import.meta.url);
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else {
  await import('../dist/host/cli/main.js');
}
