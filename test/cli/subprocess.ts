// Runs the real CLI as a subprocess without blocking this process's event loop (tests that also
// run servers or fake devices in-process).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const URPC = fileURLToPath(new URL('../../bin/urpc.js', import.meta.url));
/** `urpc <args>`: exit code, stdout, stderr (killed after 30 s). */
export function urpcAsync(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [URPC, ...args], { env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    p.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    p.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    const t = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.on('close', (code) => { clearTimeout(t); resolve({ code, out, err }); });
  });
}

