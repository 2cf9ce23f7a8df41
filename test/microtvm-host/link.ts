// Byte links to a device: the native firmware as a child process (stdin/stdout), or a QEMU
// board whose UART connects to a TCP socket of ours. Only Node's own modules.
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';

export interface Link {
  write(data: Uint8Array): void;
  onData(cb: (data: Uint8Array) => void): void;
  close(): Promise<void>;
}

function ended(p: ChildProcess): Promise<void> {
  return p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((r) => p.once('exit', () => r()));
}

export function nativeLink(firmware: string): Link {
  const p = spawn(firmware, [], { stdio: ['pipe', 'pipe', 'ignore'] });
  return {
    write: (d) => { p.stdin!.write(d); },
    onData: (cb) => { p.stdout!.on('data', (b: Buffer) => cb(new Uint8Array(b))); },
    close: async () => {
      p.stdin!.end();
      p.kill('SIGKILL');
      await ended(p);
    },
  };
}

/** QEMU with the board's UART on a socket we listen on (QEMU connects as the client). */
export async function qemuLink(machine: string, elf: string, extraArgs: string[], timeoutMs: number): Promise<Link> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  const qemu = spawn('qemu-system-arm', ['-M', machine, '-display', 'none', '-nodefaults', ...extraArgs,
    '-chardev', `socket,id=ser0,host=127.0.0.1,port=${port},server=off,nodelay=on`, '-serial', 'chardev:ser0',
    '-monitor', 'none', '-kernel', elf], { stdio: ['ignore', 'ignore', 'ignore'] });
  const sock = await new Promise<net.Socket>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`QEMU did not connect within ${timeoutMs} ms`)), timeoutMs);
    server.once('connection', (s) => { clearTimeout(t); resolve(s); });
    qemu.once('exit', (code) => { clearTimeout(t); reject(new Error(`QEMU exited (${code})`)); });
  }).catch(async (e: unknown) => {
    qemu.kill('SIGKILL');
    server.close();
    throw e;
  });
  sock.setNoDelay(true);
  return {
    write: (d) => { sock.write(d); },
    onData: (cb) => { sock.on('data', (b: Buffer) => cb(new Uint8Array(b))); },
    close: async () => {
      sock.destroy();
      server.close();
      qemu.kill('SIGKILL');
      await ended(qemu);
    },
  };
}
