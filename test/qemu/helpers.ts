// Shared by the QEMU suites: the tools must be there (under CI=true a missing tool FAILS the
// suite; elsewhere it is skipped with a message saying what to install), one real
// `urpc build --board <board>` per mocha run, and a measurement helper.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildBoard, type BuildResult } from '../../host/board/build.ts';

export function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => d !== '' && fs.existsSync(path.join(d, tool)));
}

/** Call in a `before` hook: fails under CI=true, skips otherwise, when a tool is missing. */
export function requireTools(ctx: Mocha.Context, tools: string[]): void {
  const missing = tools.filter((t) => !onPath(t));
  if (missing.length === 0) return;
  const msg = `${missing.join(' and ')} not found on PATH (install: bash scripts/setup.sh, or apt-get install --no-install-recommends gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm)`;
  if (process.env.CI === 'true') throw new Error(`QEMU suite cannot run under CI=true: ${msg}`);
  console.log(`    skipping the QEMU suite: ${msg}`);
  ctx.skip();
}

export const QEMU_TOOLS = ['qemu-system-arm', 'arm-none-eabi-gcc'];

const builds = new Map<string, Promise<BuildResult>>();
export function ensureBoard(board: string): Promise<BuildResult> {
  let b = builds.get(board);
  if (b === undefined) {
    b = buildBoard(board);
    builds.set(board, b);
  }
  return b;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
