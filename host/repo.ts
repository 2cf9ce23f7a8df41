// Where urpc's files are, worked out in one place (from this file's location), so moving a module
// cannot silently point it elsewhere.
//
// REPO is the package root: boards/, firmware/ (the FwTS sources the transpiler lowers),
// codegen/runtime/ and package.json. In a checkout this file is host/repo.ts; in the installed
// package it is dist/host/repo.js (tsconfig.build.json), so the root is the nearest folder above
// with a package.json (dist/ has none).
//
// BUILD_ROOT is where `urpc build` writes build/<board>/ and where connect('native') and the QEMU
// boards look for images: the checkout's build/ when urpc runs from its sources (the repository's
// tests and scripts), else the build/ of the user's project (the nearest folder with a
// package.json above the working directory), never inside node_modules.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

function packageDirAbove(start: string): string | undefined {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

const here = fileURLToPath(import.meta.url);

export const REPO = packageDirAbove(path.dirname(here)) ?? path.resolve(path.dirname(here), '..');

/** True when running from the TypeScript sources of a checkout (not the compiled package). */
export const FROM_SOURCES = here.endsWith('.ts');

/** The user's project: the nearest folder with a package.json at or above `cwd`, outside node_modules. */
export function projectDir(cwd = process.cwd()): string {
  const dir = packageDirAbove(cwd);
  if (dir === undefined || dir.split(path.sep).includes('node_modules')) return cwd;
  return dir;
}

export const BUILD_ROOT = FROM_SOURCES ? path.join(REPO, 'build') : path.join(projectDir(), 'build');
