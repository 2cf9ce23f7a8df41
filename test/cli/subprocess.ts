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


/** `p`, or a rejection naming `what` once `ms` have passed (no deadline when ms is undefined: mocha's
 * timeout bounds the wait). A deadline fails with what was seen, where mocha's says only "timeout". */
export function withDeadline<T>(p: Promise<T>, ms: number | undefined, what: () => string): Promise<T> {
  if (ms === undefined) return p;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no ${what()} within ${ms} ms`)), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** What a child's stream has printed, and a wait for a pattern in it: resolved on the 'data'
 * event that brings it, rejected if the stream ends first or (with `ms`) at the deadline. Without
 * `ms` mocha's timeout bounds it: a loaded machine is slow, not wrong. */
export function watchOutput(stream: NodeJS.ReadableStream, clean: (s: string) => string = (s) => s): { text: () => string; until: (re: RegExp, what: string, ms?: number) => Promise<RegExpExecArray> } {
  let text = '';
  let ended = false;
  const waiters = new Set<() => void>();
  stream.on('data', (b: Buffer) => { text += b.toString(); for (const w of [...waiters]) w(); });
  stream.on('close', () => { ended = true; for (const w of [...waiters]) w(); });
  stream.on('end', () => { ended = true; for (const w of [...waiters]) w(); });
  return {
    text: () => clean(text),
    until: (re, what, ms) => {
      let check = (): void => undefined;
      const seen = new Promise<RegExpExecArray>((resolve, reject) => {
        check = (): void => {
          const m = re.exec(clean(text));
          if (m !== null) { waiters.delete(check); resolve(m); } else if (ended) { waiters.delete(check); reject(new Error(`the output ended before ${what}:\n${clean(text)}`)); }
        };
        waiters.add(check);
        check();
      });
      return withDeadline(seen, ms, () => { waiters.delete(check); return `${what}; the output:\n${clean(text)}`; });
    },
  };
}

/** Resolves when `file` exists (a pty link socat makes): on the directory's change events; with
 * `ms`, rejects at that deadline. */
export async function fileAppears(file: string, ms?: number): Promise<void> {
  const fs = await import('node:fs');
  const path = await import('node:path');
  let w: import('node:fs').FSWatcher | undefined;
  const there = new Promise<void>((resolve) => {
    w = fs.watch(path.dirname(file), () => { if (fs.existsSync(file)) { w!.close(); resolve(); } });
    if (fs.existsSync(file)) { w.close(); resolve(); }
  });
  await withDeadline(there, ms, () => { w?.close(); return file; });
}

/** `socat PTY,link=<tty> EXEC:<exec>`: resolves with socat once the pty link exists (on the
 * folder's change events), rejects if socat ends first or after `ms`. */
export async function socatPty(tty: string, exec: string, ms = 10_000): Promise<import('node:child_process').ChildProcess> {
  const p = spawn('socat', [`PTY,link=${tty},rawer,echo=0`, `EXEC:${exec}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  p.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
  const ended = new Promise<never>((_, reject) => {
    p.once('error', (e) => reject(new Error(`socat: ${e.message}`)));
    p.once('exit', (code) => reject(new Error(`socat exited (${code}) before making ${tty}: ${err}`)));
  });
  try {
    await Promise.race([fileAppears(tty, ms), ended]);
  } catch (e) {
    p.kill('SIGKILL');
    throw e;
  }
  return p;
}
