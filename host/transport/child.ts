// Device processes (QEMU, the native firmware) that end with this process, however it ends.
//
// A 'exit' hook runs on process.exit() and a normal end, but not when a signal kills Node (the
// default SIGINT/SIGTERM action) and never on SIGKILL; a QEMU left behind then runs on with
// parent PID 1. So on Linux the child is started through util-linux's setpriv with
// `--pdeathsig KILL`: the kernel SIGKILLs it when the thread that spawned it ends (Node spawns on
// its main thread; setpriv sets PR_SET_PDEATHSIG, which survives its exec of the device). Only a
// death in the microseconds between the fork and setpriv's prctl escapes it. Without setpriv
// (not Linux) the 'exit' hook is all there is.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** `file` as found on PATH (or as given when it has a slash); undefined when it is not there. */
export function findExecutable(file: string): string | undefined {
  const isExe = (f: string): boolean => {
    try {
      fs.accessSync(f, fs.constants.X_OK);
      return fs.statSync(f).isFile();
    } catch {
      return false;
    }
  };
  if (file.includes('/')) return isExe(file) ? path.resolve(file) : undefined;
  for (const d of (process.env.PATH ?? '').split(path.delimiter)) {
    if (d !== '' && isExe(path.join(d, file))) return path.join(d, file);
  }
  return undefined;
}

let setpriv: string | null | undefined;
/** setpriv with --pdeathsig (util-linux >= 2.33), or null. */
function deathSignalWrapper(): string | null {
  if (setpriv === undefined) setpriv = process.platform === 'linux' ? findExecutable('setpriv') ?? null : null;
  return setpriv;
}

/** Children still running, SIGKILLed when this process exits normally. */
const live = new Set<ChildProcess>();
let hooked = false;

export class SpawnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpawnError';
  }
}

/** Spawns `file` so that it is SIGKILLed when this process ends, by any signal or exit.
 * Throws SpawnError when `file` is not an executable (setpriv would only say so on its stderr). */
export function spawnTied(file: string, args: string[], opts: SpawnOptions): ChildProcess {
  const exe = findExecutable(file);
  if (exe === undefined) throw new SpawnError(`cannot start ${file}: not found${file.includes('/') ? '' : ' on PATH'} (or not executable)`);
  const wrapper = deathSignalWrapper();
  const child = wrapper === null ? spawn(exe, args, opts) : spawn(wrapper, ['--pdeathsig', 'KILL', '--', exe, ...args], opts);
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
  return child;
}
