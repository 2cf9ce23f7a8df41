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


/** What a child's stream has printed, and a wait for a pattern in it: resolved on the 'data'
 * event that brings it, rejected if the stream ends first. No deadline of its own (mocha's
 * timeout bounds it): a loaded machine is slow, not wrong. */
export function watchOutput(stream: NodeJS.ReadableStream, clean: (s: string) => string = (s) => s): { text: () => string; until: (re: RegExp, what: string) => Promise<RegExpExecArray> } {
  let text = '';
  let ended = false;
  const waiters = new Set<() => void>();
  stream.on('data', (b: Buffer) => { text += b.toString(); for (const w of [...waiters]) w(); });
  stream.on('close', () => { ended = true; for (const w of [...waiters]) w(); });
  stream.on('end', () => { ended = true; for (const w of [...waiters]) w(); });
  return {
    text: () => clean(text),
    until: (re, what) => new Promise((resolve, reject) => {
      const check = (): void => {
        const m = re.exec(clean(text));
        if (m !== null) { waiters.delete(check); resolve(m); } else if (ended) { waiters.delete(check); reject(new Error(`the output ended before ${what}:\n${clean(text)}`)); }
      };
      waiters.add(check);
      check();
    }),
  };
}

/** Resolves when `file` exists (a pty link socat makes): on the directory's change events. */
export async function fileAppears(file: string): Promise<void> {
  const fs = await import('node:fs');
  const path = await import('node:path');
  await new Promise<void>((resolve) => {
    const w = fs.watch(path.dirname(file), () => { if (fs.existsSync(file)) { w.close(); resolve(); } });
    if (fs.existsSync(file)) { w.close(); resolve(); }
  });
}
