// Shared by the device-function suites: the firmware built with the test app
// (test/device-functions/app), once per mocha run and board.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildBoard } from '../../host/board/build.ts';
import { REPO } from '../../host/repo.ts';

export const APP = path.join(REPO, 'test/device-functions/app');

const builds = new Map<string, Promise<string>>();
/** build/device-functions-<board>/: the board's firmware with the test app; resolves to the image. */
export function withApp(board: string): Promise<string> {
  return appBuild(board, APP, 'device-functions');
}

/** build/<name>-<board>/: the board's firmware with the app in `app`; resolves to the image. */
export function appBuild(board: string, app: string, name: string): Promise<string> {
  const key = `${name}-${board}`;
  let b = builds.get(key);
  if (b === undefined) {
    b = buildBoard(board, { outDir: path.join(REPO, `build/${key}`), app }).then((r) => r.output);
    builds.set(key, b);
  }
  return b;
}

/** "file:line" of the first line of a repository file containing `needle` (where a panic is
 * raised), so the tests follow edits of the sources. */
export function siteOf(file: string, needle: string): string {
  const lines = fs.readFileSync(path.join(REPO, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${file} has no line with ${needle}`);
  return `${file}:${i + 1}`;
}
