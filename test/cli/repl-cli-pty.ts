// `urpc open` in a real pty (util-linux `script`), for the REPL tests: keys typed, the screen
// read back, a wait for a pattern on the screen with a deadline per step (a step that never
// comes fails with the screen, instead of waiting out mocha's timeout with nothing to show),
// and a kill() that ends everything started: `script`, the REPL (which `script` puts in a session
// and process group of its own) and the device process under it.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { procStat } from './processes.ts';

const URPC = fileURLToPath(new URL('../../bin/urpc.js', import.meta.url));

/** How long one step (a reply, a prompt) may take on a loaded machine before the test fails. */
export const STEP_MS = 60_000;

/** The screen as text: escape sequences and carriage returns removed. */
export const strip = (s: string): string => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');

/** Every process under `pid` (its children, theirs, ...), from /proc. */
export function descendants(pid: number): number[] {
  const all = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((d) => procStat(Number(d))).filter((p) => p !== undefined);
  const out: number[] = [];
  const todo = [pid];
  for (let at = todo.shift(); at !== undefined; at = todo.shift()) {
    for (const p of all) if (p.ppid === at) { out.push(p.pid); todo.push(p.pid); }
  }
  return out;
}

/** `p`, or a rejection with `message()` when `ms` pass first. */
export function within<T>(p: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error(message())), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

export interface PtyRepl {
  /** `script`'s pid. */
  pid: number;
  type: (s: string) => void;
  screen: () => string;
  /** Resolves when the screen matches; rejects with the screen when `ms` pass first or the REPL ends. */
  until: (re: RegExp, what: string, ms?: number) => Promise<RegExpExecArray>;
  /** script's exit code (the REPL's, with -e); rejects with the screen when `ms` pass first. */
  exited: (ms?: number) => Promise<number | null>;
  /** SIGKILLs script, the REPL and whatever runs under it (idempotent). */
  kill: () => void;
}

/** `urpc open <args>` in a pty. */
export function ptyRepl(args: string[], env: Record<string, string> = {}): PtyRepl {
  const p = spawn('script', ['-qfec', [process.execPath, URPC, 'open', ...args].join(' '), '/dev/null'], { env: { ...process.env, TERM: 'xterm', ...env }, detached: true });
  let out = '';
  const waiters = new Set<() => void>();
  const wake = (): void => { for (const w of [...waiters]) w(); };
  p.stdout.on('data', (b: Buffer) => { out += b.toString(); wake(); });
  let ended = false;
  const closed = new Promise<number | null>((resolve) => p.on('close', (code) => { ended = true; wake(); resolve(code); }));
  return {
    pid: p.pid!,
    type: (s) => { p.stdin.write(s); },
    screen: () => strip(out),
    until: (re, what, ms = STEP_MS) => new Promise((resolve, reject) => {
      const done = (): void => { waiters.delete(check); clearTimeout(timer); };
      const check = (): void => {
        const m = re.exec(strip(out));
        if (m !== null) { done(); resolve(m); } else if (ended) { done(); reject(new Error(`the REPL ended before ${what}; screen:\n${strip(out)}`)); }
      };
      const timer = setTimeout(() => { done(); reject(new Error(`${what}: not on the screen within ${ms / 1000} s; screen:\n${strip(out)}`)); }, ms);
      waiters.add(check);
      check();
    }),
    exited: (ms = STEP_MS) => within(closed, ms, () => `the REPL's exit: not within ${ms / 1000} s; screen:\n${strip(out)}`),
    kill: () => {
      // The tree is read before anything dies (orphans are re-parented and lost from it).
      const pids = [p.pid!, ...descendants(p.pid!)];
      for (const pid of pids) {
        for (const target of [-pid, pid]) {
          try { process.kill(target, 'SIGKILL'); } catch { /* not a group leader, or gone */ }
        }
      }
    },
  };
}
