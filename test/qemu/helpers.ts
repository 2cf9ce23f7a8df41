// Shared by the QEMU suites: the tools must be there (under CI=true a missing tool FAILS the
// suite; elsewhere it is skipped with a message saying what to install), one real
// `urpc build --board <board>` per mocha run, and a measurement helper.
import { buildBoard, type BuildResult } from '../../host/board/build.ts';

import { onPath, requireTools as requireAny } from '../tools.ts';

export { onPath };

/** Call in a `before` hook: fails under CI=true, skips otherwise, when a tool is missing (test/tools.ts). */
export function requireTools(ctx: Mocha.Context, tools: string[]): void {
  requireAny(ctx, tools, 'bash scripts/setup.sh, or apt-get install --no-install-recommends gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm');
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
