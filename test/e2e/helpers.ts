// Shared by the e2e tests: one real `urpc build --board native` per mocha run.
import { buildBoard, type BuildResult } from '../../host/board/build.ts';

let built: Promise<BuildResult> | undefined;

/** Builds build/native/firmware once (the real build: ts2c + gcc -Werror -O2). */
export function ensureNative(): Promise<BuildResult> {
  built ??= buildBoard('native');
  return built;
}
