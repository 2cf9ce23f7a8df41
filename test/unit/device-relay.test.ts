// The relay behind `urpc serve` and `urpc serve --web` (host/transport/device-relay.ts) with the
// real gate, over loopback sockets: the "device" is an echo server reached through a
// SocketTransport, opened when the first client is admitted, as after a device link ended.
import { once } from 'node:events';
import * as net from 'node:net';
import { DeviceRelay } from '../../host/transport/device-relay.ts';
import { SocketTransport } from '../../host/transport/socket.ts';
import { TcpGate } from '../../host/transport/tcp-gate.ts';
import type { Transport } from '../../host/transport/transport.ts';

const DEADLINE_MS = 20_000;

async function listen(server: net.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as net.AddressInfo).port;
}

/** A serve on loopback whose device link opens through `open`; returns its port and a stop. */
async function serve(open: () => Promise<Transport>): Promise<{ port: number; stop: () => Promise<void> }> {
  const relay = new DeviceRelay<net.Socket>({ open, note: () => undefined, client: 'client' });
  const gate: TcpGate = new TcpGate({ token: 't', tokenDeadlineMs: DEADLINE_MS, queueLength: 1, queueDeadlineMs: DEADLINE_MS, note: () => undefined },
    (sock, first, who) => void relay.bridge(sock, first, who, () => gate.release(sock), (why) => gate.deny(sock, who, why)));
  relay.active = () => gate.active;
  const server = net.createServer((s) => { s.on('error', () => undefined); gate.accept(s); });
  const port = await listen(server);
  return {
    port,
    stop: async () => {
      gate.close();
      gate.active?.destroy();
      server.close();
      await relay.close();
    },
  };
}

/** A client that has sent its token; `until` waits (with a deadline) for text from the server. */
async function client(port: number): Promise<{ sock: net.Socket; until: (text: string, what: string) => Promise<void> }> {
  const sock = net.connect(port, '127.0.0.1');
  sock.on('error', () => undefined);
  let got = '';
  const waiters = new Set<() => void>();
  sock.on('data', (b: Buffer) => { got += b.toString('latin1'); for (const w of [...waiters]) w(); });
  await once(sock, 'connect');
  sock.write('URPC-TOKEN t\n');
  return {
    sock,
    until: (text, what) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`${what}: not within ${DEADLINE_MS / 1000} s (got ${JSON.stringify(got)})`)); }, DEADLINE_MS);
      const check = (): void => { if (got.includes(text)) { waiters.delete(check); clearTimeout(timer); resolve(); } };
      waiters.add(check);
      check();
    }),
  };
}

describe('device relay (serve, serve --web)', function () {
  this.timeout(60_000);

  it('bytes a client sends right after URPC-OK, while the device link is still opening, reach the device', async () => {
    const echo = net.createServer((s) => { s.on('error', () => undefined); s.pipe(s); });
    const echoPort = await listen(echo);
    let letOpen: () => void = () => undefined;
    const mayOpen = new Promise<void>((resolve) => { letOpen = resolve; });
    const s = await serve(async () => {
      await mayOpen; // a slow open: a serial port, a QEMU board booting
      const sock = net.connect(echoPort, '127.0.0.1');
      await once(sock, 'connect');
      return new SocketTransport('echo', sock);
    });
    const c = await client(s.port);
    try {
      await c.until('URPC-OK\n', 'admission');
      c.sock.write('hello');
      // No event says "the relay has read it": give the bytes time to reach the server's socket
      // (a too short wait can only hide the loss, never fail a relay that keeps them).
      await new Promise((resolve) => setTimeout(resolve, 300));
      letOpen();
      await c.until('hello', 'the echo of the bytes sent while the device link was opening');
    } finally {
      c.sock.destroy();
      await s.stop();
      echo.close();
    }
  });

  it('a device link that cannot be opened: the client is told why', async () => {
    const s = await serve(() => Promise.reject(new Error('no such board')));
    const c = await client(s.port);
    try {
      await c.until('URPC-DENIED the device is unavailable: no such board\n', 'the refusal');
    } finally {
      c.sock.destroy();
      await s.stop();
    }
  });
});
