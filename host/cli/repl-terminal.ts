// The REPL's terminal going away: a closed terminal window, a killed `script` or ssh, a pty whose
// other side ended, a reader of stdout that left (`| head`). It shows up as SIGHUP when the
// terminal was the controlling one, else as EIO or end of input on stdin, EIO or EPIPE on
// writes, and readline failing to leave raw mode. Left alone, these kill Node half-way (an
// unhandled 'error' event, or SIGHUP's default action) without closing the session; each is
// turned here into one call of `gone`, so the REPL can close its session and exit.
import * as fs from 'node:fs';
import type * as readline from 'node:readline';

/** Calls `gone` once, with the reason, when the terminal (or stdout's reader) goes away. */
export function onTerminalGone(rl: readline.Interface, gone: (why: string) => void): void {
  let fired = false;
  const fire = (why: string): void => {
    if (fired) return;
    fired = true;
    gone(why);
  };
  const failed = (what: string) => (e: NodeJS.ErrnoException): void => fire(`${what}: ${e.code ?? e.message}`);
  process.on('SIGHUP', () => fire('the terminal hung up (SIGHUP)'));
  process.stdin.on('error', failed('stdin'));
  // A terminal in raw mode sends Ctrl-D as a byte: its end of input means it is gone. (Piped
  // commands end this way too: that is the normal end, left to readline's 'close'.)
  if (process.stdin.isTTY) process.stdin.on('end', () => fire('the terminal ended its input'));
  rl.on('error', failed('terminal')); // readline passes stdin's errors on, and setRawMode's EIO
  process.stdout.on('error', failed('stdout'));
  process.stderr.on('error', () => undefined); // the reason is written there: it may be gone too
}

/** Lets go of the standard streams that were a terminal, just before exiting. Node restores a
 * terminal's mode at exit and aborts when that fails on one that hung up (v20: "Assertion failed"
 * in ResetStdio, SIGABRT); a descriptor closed beforehand is skipped. */
export function releaseTerminal(): void {
  const ttys = [process.stdin.isTTY, process.stdout.isTTY, process.stderr.isTTY];
  ttys.forEach((tty, fd) => {
    if (!tty) return;
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
  });
}
