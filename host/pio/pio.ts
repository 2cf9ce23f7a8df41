// The PlatformIO CLI (`pio`) as urpc uses it: upload an env's firmware, open the serial monitor.
// Real uploads were not exercised in this project (PlatformIO cannot be installed offline);
// the tests drive a fake `pio` that records its arguments.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readEnvs, PIO_PROJECT } from './ini.ts';

export class PioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PioError';
  }
}

/** `pio` or `platformio` on PATH (or $URPC_PIO). */
export function findPio(): string | undefined {
  if (process.env.URPC_PIO) return process.env.URPC_PIO;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const name of ['pio', 'platformio']) {
      const f = path.join(dir, name);
      if (dir !== '' && fs.existsSync(f)) return f;
    }
  }
  return undefined;
}

export const PIO_MISSING = 'PlatformIO Core (`pio`) is not on PATH. Install it (pip install platformio, or the ' +
  'installer script from docs.platformio.org), or set URPC_PIO=/path/to/pio. urpc only wraps it: ' +
  '`pio run -e <env> -t upload`.';

export interface FlashOptions {
  port?: string;
  /** Open `pio device monitor` after the upload. */
  monitor?: boolean;
  /** Lines about what runs. */
  log?: (line: string) => void;
}

function runPio(pio: string, args: string[], log: (l: string) => void): Promise<number> {
  log(`$ ${path.basename(pio)} ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const p = spawn(pio, args, { cwd: PIO_PROJECT, stdio: 'inherit' });
    p.once('error', (e) => reject(new PioError(`cannot run ${pio}: ${e.message}`)));
    p.once('exit', (code, signal) => resolve(signal !== null ? 1 : code ?? 1));
  });
}

/** `pio run -e <env> -t upload [--upload-port port]`, then optionally the monitor. Returns pio's status. */
export async function flash(env: string, opts: FlashOptions = {}): Promise<number> {
  const { envs } = readEnvs();
  if (!envs.some((e) => e.name === env)) {
    throw new PioError(`no env '${env}' in platformio.ini; envs: ${envs.map((e) => e.name).join(', ')}`);
  }
  const pio = findPio();
  if (pio === undefined) throw new PioError(PIO_MISSING);
  const log = opts.log ?? (() => undefined);
  const up = ['run', '-e', env, '-t', 'upload', ...(opts.port ? ['--upload-port', opts.port] : [])];
  const status = await runPio(pio, up, log);
  if (status !== 0 || !opts.monitor) return status;
  return runPio(pio, ['device', 'monitor', '-e', env, ...(opts.port ? ['-p', opts.port] : []), '-b', '115200'], log);
}
