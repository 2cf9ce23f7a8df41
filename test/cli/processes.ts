// What runs under a process, read from /proc (Linux): the tests that kill the CLI check that the
// device processes it started (QEMU, a native firmware) end with it.
import * as fs from 'node:fs';

export interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  /** R, S, D, Z (zombie: ended, not yet reaped), ... */
  state: string;
}

/** /proc/<pid>/stat of one process, or undefined when there is no such process. */
export function procStat(pid: number): Proc | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split at the last ')'.
  const close = text.lastIndexOf(')');
  const [state, ppid] = text.slice(close + 2).split(' ');
  return { pid, ppid: Number(ppid), comm: text.slice(text.indexOf('(') + 1, close), state: state! };
}

/** The children of `ppid` whose command name is `comm`. */
export function childrenNamed(ppid: number, comm: string): Proc[] {
  const out: Proc[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const p = procStat(Number(d));
    if (p !== undefined && p.ppid === ppid && p.comm === comm) out.push(p);
  }
  return out;
}

/** Whether the process still runs (a zombie has ended). */
export function running(pid: number): boolean {
  const p = procStat(pid);
  return p !== undefined && p.state !== 'Z';
}

/** Polls `cond` every 50 ms until it holds (true) or `ms` have passed (false). */
export async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (cond()) return true;
    if (Date.now() >= end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs `urpc <args>`, waits for its child named `comm` (the device process), kills the CLI with
 * `signal` and reports whether that child still runs 5 s later (and SIGKILLs it if so). */
export async function killCliWithChild(urpc: string, args: string[], comm: string, signal: NodeJS.Signals, settleMs = 300): Promise<{ child: number; leftRunning: boolean }> {
  const { spawn } = await import('node:child_process');
  const cli = spawn(process.execPath, [urpc, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  cli.stderr.on('data', (b: Buffer) => { err += b.toString(); });
  const exited = new Promise<void>((r) => cli.once('exit', () => r()));
  let child: Proc | undefined;
  try {
    const found = await waitFor(() => (child = childrenNamed(cli.pid!, comm)[0]) !== undefined || cli.exitCode !== null, 30_000);
    if (!found || child === undefined) throw new Error(`urpc ${args.join(' ')} started no ${comm} within 30 s (exit ${cli.exitCode}): ${err}`);
    await new Promise((r) => setTimeout(r, settleMs));
    if (cli.exitCode !== null) throw new Error(`urpc ${args.join(' ')} ended before it was killed (exit ${cli.exitCode}): ${err}`);
    cli.kill(signal);
    await exited;
    const pid = child.pid;
    const gone = await waitFor(() => !running(pid), 5000);
    if (!gone) process.kill(pid, 'SIGKILL');
    return { child: pid, leftRunning: !gone };
  } finally {
    if (cli.exitCode === null && cli.signalCode === null) cli.kill('SIGKILL');
  }
}
