// urpc qemu --board <qemu-board> [--tcp PORT]: run a QEMU board's firmware with its UART on a
// TCP port (QEMU is the server), print the URI to connect to, and stay until Ctrl-C. QEMU is
// reaped with SIGKILL whatever way this process ends (a QEMU blocked in a UART write ignores
// SIGTERM; SIGKILL of this process: host/transport/child.ts).
//
// "running" is printed only once QEMU itself listens: a --tcp port that something else holds is
// reported first (exit 2), never mistaken for QEMU's. QEMU's own stderr (warnings) is shown only
// with -v. How QEMU ended is said as it is: stopped by Ctrl-C (exit 0), a firmware panic
// (semihosting exit status 16 + code: "firmware panic: Bounds", exit 1), killed by a signal from
// elsewhere (exit 1), or its exit status.
import type { Command } from 'commander';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { spawnTied } from '../transport/child.ts';
import { qemuBoard } from '../transport/qemu.ts';
import { panicOfQemuStatus } from '../client/panic.ts';
import { command, fail, portOption, UsageError, EXIT_OK, EXIT_PROBLEM, EXIT_USAGE } from './options.ts';

/** Binds 127.0.0.1:port for a moment: a free port (port 0: the one the system picks), or a
 * UsageError when something else holds it. */
export function claimPort(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'EADDRINUSE' ? new UsageError(`127.0.0.1:${port} is already in use (another urpc qemu or server?); pick another --tcp port, or leave --tcp out for a free one`) : e);
    });
    s.listen(port, '127.0.0.1', () => {
      const got = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(got));
    });
  });
}

/** Resolves once something accepts connections on the port (QEMU's chardev server), false when
 * QEMU ended first or the deadline passed. */
async function waitListening(port: number, deadlineMs: number, alive: () => boolean): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end && alive()) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1');
      c.once('connect', () => { c.destroy(); resolve(true); });
      c.once('error', () => resolve(false));
    });
    if (ok) return alive();
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

/** What to say when QEMU ended, and the exit code. */
export function qemuEnding(code: number | null, signal: NodeJS.Signals | null, stoppedByUs: boolean): { message: string; exitCode: number } {
  if (stoppedByUs) return { message: 'qemu stopped', exitCode: EXIT_OK };
  if (signal !== null) return { message: `qemu was killed (${signal})`, exitCode: EXIT_PROBLEM };
  const panic = panicOfQemuStatus(code);
  if (panic !== undefined) return { message: `${panic} (qemu exit status ${code})`, exitCode: EXIT_PROBLEM };
  return { message: `qemu exited (status ${code})`, exitCode: code === 0 ? EXIT_OK : EXIT_PROBLEM };
}

export function registerQemuCommand(program: Command): void {
  command(program, 'qemu')
    .description('run a QEMU board (boards/qemu-*) with its UART on a TCP port; prints the URI to connect to')
    .requiredOption('-b, --board <name>', 'QEMU board, e.g. lm3s6965evb or qemu-mps2-an505')
    .option('--tcp <port>', 'TCP port of the UART (default: a free one)', portOption)
    .option('--elf <file>', 'firmware image (default build/<board>/firmware.elf)')
    .option('-v, --verbose', "show QEMU's stderr (its warnings)")
    .addHelpText('after', '\nExample:\n  urpc build --board qemu-lm3s6965evb && urpc qemu --board lm3s6965evb --tcp 4555\n' +
      "  # then: urpc call tcp:127.0.0.1:4555 urpc.info, or connect('tcp:127.0.0.1:4555')")
    .action(async (opts: { board: string; tcp?: number; elf?: string; verbose?: boolean }) => {
      let board;
      let port: number;
      let elf: string;
      try {
        board = qemuBoard(opts.board);
        elf = path.resolve(opts.elf ?? board.elf);
        if (!fs.existsSync(elf)) throw new UsageError(`${path.relative(process.cwd(), elf)} does not exist; build it with: urpc build --board ${board.board}`);
        port = await claimPort(opts.tcp ?? 0);
      } catch (e) {
        fail('qemu', e, {}, EXIT_USAGE);
        return;
      }
      const args = ['-M', board.machine, '-display', 'none', '-nodefaults', ...board.args, '-monitor', 'none',
        '-serial', `tcp:127.0.0.1:${port},server=on,wait=off,nodelay=on`, '-kernel', elf];
      let qemu: ChildProcess;
      try {
        qemu = spawnTied(board.binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      } catch (e) {
        fail('qemu', e, {}, EXIT_USAGE);
        return;
      }
      let stderr = '';
      qemu.stderr!.on('data', (b: Buffer) => {
        stderr = (stderr + b.toString('utf8')).slice(-4096);
        if (opts.verbose) process.stderr.write(b);
      });
      let exited = false;
      let stoppedByUs = false;
      const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        qemu.once('error', (e) => { exited = true; console.error(`urpc qemu: cannot start ${board.binary}: ${e.message}`); resolve({ code: 2, signal: null }); });
        qemu.once('exit', (code, signal) => { exited = true; resolve({ code, signal }); });
      });
      const reap = (): void => { if (!exited) { stoppedByUs = true; qemu.kill('SIGKILL'); } };
      process.once('exit', reap);
      for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
        process.once(sig, () => {
          reap();
          // wait for QEMU's exit so it is reaped here, not left as a zombie
          void done.then(() => process.exit(0)); // after the action has said how it ended
          setTimeout(() => process.exit(0), 2000).unref();
        });
      }
      if (!(await waitListening(port, 10_000, () => !exited))) {
        reap();
        const end = await done;
        const why = exited && !stoppedByUs ? qemuEnding(end.code, end.signal, false).message : 'no listener within 10000 ms';
        fail('qemu', new Error(`${board.binary} -M ${board.machine} did not open 127.0.0.1:${port} (${why})${stderr.trim() ? `: ${stderr.trim()}` : ''}`), {}, EXIT_PROBLEM);
        return;
      }
      console.log(`qemu ${board.machine} (pid ${qemu.pid}) running ${path.relative(process.cwd(), elf)}`);
      console.log(`uri: tcp:127.0.0.1:${port}`);
      console.log('Ctrl-C stops QEMU.');
      const end = await done;
      const r = qemuEnding(end.code, end.signal, stoppedByUs);
      (r.exitCode === EXIT_OK ? console.log : console.error)(r.exitCode === EXIT_OK ? r.message : `urpc qemu: ${r.message}`);
      process.exitCode = r.exitCode;
    });
}
