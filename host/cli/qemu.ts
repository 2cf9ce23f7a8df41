// urpc qemu --board <qemu-board> [--tcp PORT]: run a QEMU board's firmware with its UART on a
// TCP port (QEMU is the server), print the URI to connect to, and stay until Ctrl-C. QEMU is
// reaped with SIGKILL whatever way this process ends (a QEMU blocked in a UART write ignores
// SIGTERM; SIGKILL of this process: host/transport/child.ts).
import type { Command } from 'commander';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { spawnTied } from '../transport/child.ts';
import { qemuBoard } from '../transport/qemu.ts';
import { command, fail, portOption, EXIT_USAGE } from './options.ts';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on the port (QEMU's chardev server). */
async function waitListening(port: number, deadlineMs: number, alive: () => boolean): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end && alive()) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1');
      c.once('connect', () => { c.destroy(); resolve(true); });
      c.once('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

export function registerQemuCommand(program: Command): void {
  command(program, 'qemu')
    .description('run a QEMU board (boards/qemu-*) with its UART on a TCP port; prints the URI to connect to')
    .requiredOption('-b, --board <name>', 'QEMU board, e.g. lm3s6965evb or qemu-mps2-an505')
    .option('--tcp <port>', 'TCP port of the UART (default: a free one)', portOption)
    .option('--elf <file>', 'firmware image (default build/<board>/firmware.elf)')
    .option('-v, --verbose', "show QEMU's stderr")
    .addHelpText('after', '\nExample:\n  urpc build --board qemu-lm3s6965evb && urpc qemu --board lm3s6965evb --tcp 4555\n' +
      "  # then: urpc call tcp:127.0.0.1:4555 urpc.info, or connect('tcp:127.0.0.1:4555')")
    .action(async (opts: { board: string; tcp?: number; elf?: string; verbose?: boolean }) => {
      let board;
      try {
        board = qemuBoard(opts.board);
      } catch (e) {
        fail('qemu', e, {}, EXIT_USAGE);
        return;
      }
      const elf = path.resolve(opts.elf ?? board.elf);
      if (!fs.existsSync(elf)) {
        console.error(`urpc qemu: ${path.relative(process.cwd(), elf)} does not exist; build it with: urpc build --board ${board.board}`);
        process.exitCode = 2;
        return;
      }
      const port = opts.tcp !== undefined && opts.tcp !== 0 ? opts.tcp : await freePort();
      const args = ['-M', board.machine, '-display', 'none', '-nodefaults', ...board.args, '-monitor', 'none',
        '-serial', `tcp:127.0.0.1:${port},server=on,wait=off,nodelay=on`, '-kernel', elf];
      let qemu: ChildProcess;
      try {
        qemu = spawnTied(board.binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      } catch (e) {
        console.error(`urpc qemu: ${(e as Error).message}`);
        process.exitCode = 2;
        return;
      }
      let stderr = '';
      qemu.stderr!.on('data', (b: Buffer) => {
        stderr = (stderr + b.toString('utf8')).slice(-4096);
        if (opts.verbose) process.stderr.write(b);
      });
      let exited = false;
      const done = new Promise<number>((resolve) => {
        qemu.once('error', (e) => { exited = true; console.error(`urpc qemu: cannot start ${board.binary}: ${e.message}`); resolve(2); });
        qemu.once('exit', (code, signal) => { exited = true; resolve(signal !== null ? 0 : code ?? 1); });
      });
      const reap = (): void => { if (!exited) qemu.kill('SIGKILL'); };
      process.once('exit', reap);
      for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
        process.once(sig, () => {
          reap();
          // wait for QEMU's exit so it is reaped here, not left as a zombie
          void done.then(() => process.exit(0));
          setTimeout(() => process.exit(0), 2000).unref();
        });
      }
      if (!(await waitListening(port, 10_000, () => !exited))) {
        reap();
        await done;
        console.error(`urpc qemu: ${board.binary} -M ${board.machine} did not open 127.0.0.1:${port}${stderr.trim() ? `: ${stderr.trim()}` : ''}`);
        process.exitCode = 1;
        return;
      }
      console.log(`qemu ${board.machine} (pid ${qemu.pid}) running ${path.relative(process.cwd(), elf)}`);
      console.log(`uri: tcp:127.0.0.1:${port}`);
      console.log('Ctrl-C stops QEMU.');
      const code = await done;
      if (stderr.trim() && !opts.verbose) console.error(stderr.trim());
      console.log(`qemu exited (status ${code})`);
      process.exitCode = code === 0 ? 0 : 1;
    });
}
