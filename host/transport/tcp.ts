// tcp:<host>:<port>[?token=<T>]: a TCP byte link, and the token handshake of `urpc serve`.
//
// Token handshake (text, before any wire byte; the wire itself always starts with FE or FF):
//   client -> server   "URPC-TOKEN <token>\n"          only when the URI carries ?token=
//   server -> client   "URPC-WAIT <n>\n"                another client has the device and n - 1 wait
//                                                      before this one: URPC-OK comes at its turn
//                      "URPC-OK\n"                     then both sides carry wire bytes
//                      "URPC-DENIED <reason>\n"        and the server closes the connection
// A server with a token denies a client whose first bytes are not a token line with that token
// (within TOKEN_DEADLINE_MS); a server without one accepts a token line and ignores the token. A
// client that gets "URPC-DENIED ..." at any point reports it as the reason the link closed.
import * as net from 'node:net';
import { TransportClosedError } from './transport.ts';
import { SocketTransport } from './socket.ts';

export const TOKEN_DEADLINE_MS = 3000;
const DENIED = 'URPC-DENIED ';
const WAIT = 'URPC-WAIT ';

export interface TcpUri {
  host: string;
  port: number;
  token?: string;
}

/** Parses `tcp:<host>:<port>[?token=<T>]` (IPv6 hosts in brackets). */
export function parseTcpUri(uri: string): TcpUri {
  const usage = 'expected tcp:<host>:<port>[?token=<T>]';
  const m = /^tcp:(?:\/\/)?(\[[^\]]+\]|[^:/?]+):(\d+)(?:\?(.*))?$/.exec(uri);
  if (!m) {
    // Say which part is wrong: no host, no port, a port that is not a number.
    const hp = /^tcp:(?:\/\/)?(\[[^\]]*\]|[^:/?]*)(?::([^?]*))?/.exec(uri);
    const why = hp === null || !uri.startsWith('tcp:') ? '' : hp[1] === '' ? ': no host'
      : hp[2] === undefined || hp[2] === '' ? ': no port' : !/^\d+$/.test(hp[2]) ? `: port '${hp[2]}' is not a number` : '';
    throw new TransportClosedError(`bad TCP URI '${uri}'${why}; ${usage}`);
  }
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new TransportClosedError(`bad TCP URI '${uri}': port ${m[2]} is not 1..65535`);
  const params = new URLSearchParams(m[3] ?? '');
  for (const k of params.keys()) if (k !== 'token') throw new TransportClosedError(`bad TCP URI '${uri}': unknown parameter '${k}' (known: token)`);
  const token = params.get('token') ?? undefined;
  if (token !== undefined && (token === '' || /[\s]/.test(token))) throw new TransportClosedError(`bad TCP URI '${uri}': the token must be non-empty, without spaces`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port, ...(token !== undefined ? { token } : {}) };
}

/** A socket link that turns a server's "URPC-DENIED <reason>" into the close reason. */
class TcpTransport extends SocketTransport {
  constructor(name: string, socket: net.Socket, first: Buffer) {
    super(name, socket);
    let checked = false;
    socket.prependListener('data', (b: Buffer) => {
      if (checked) return;
      checked = true;
      if (b.subarray(0, DENIED.length).toString('latin1') === DENIED) {
        const reason = b.toString('utf8').slice(DENIED.length).split('\n')[0];
        socket.removeAllListeners('data');
        this.ended(`${this.name}: refused by the server: ${reason}`);
        socket.destroy();
      }
    });
    if (first.length > 0) queueMicrotask(() => socket.emit('data', first));
  }
}

/** `tcp:<host>:<port>[?token=<T>]`: connects (deadline timeoutMs) and does the token handshake. */
export async function openTcpLink(uri: string, timeoutMs = 5000): Promise<SocketTransport> {
  const { host, port, token } = parseTcpUri(uri);
  const name = uri.replace(/\?.*$/, '');
  const socket = net.connect(port, host);
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => { socket.destroy(); reject(new TransportClosedError(`${name}: no connection after ${timeoutMs} ms`)); }, timeoutMs);
    socket.once('connect', () => { clearTimeout(t); resolve(); });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(t);
      const why = e.code === 'ECONNREFUSED' ? 'nothing is listening there (connection refused); is `urpc serve` or `urpc qemu` running?' : e.message;
      reject(new TransportClosedError(`${name}: ${why}`));
    });
  });
  return linkOverSocket(name, socket, token, timeoutMs);
}

/** The rest of a link once `socket` is connected (and, for tls:, its TLS handshake done): the
 * token handshake when there is a token, then the socket as a byte link. */
export async function linkOverSocket(name: string, socket: net.Socket, token: string | undefined, timeoutMs: number): Promise<SocketTransport> {
  let rest: Buffer = Buffer.alloc(0);
  if (token !== undefined) {
    socket.write(`URPC-TOKEN ${token}\n`);
    rest = await new Promise<Buffer>((resolve, reject) => {
      let got = Buffer.alloc(0);
      let queued: number | undefined;
      const fail = (why: string): void => { clearTimeout(t); socket.removeListener('data', onData); socket.destroy(); reject(new TransportClosedError(`${name}: ${why}`)); };
      const t = setTimeout(() => fail(queued !== undefined
        ? `waited ${timeoutMs} ms in the server's queue (another client has the device; this one was number ${queued} in line)`
        : `no answer to the token within ${timeoutMs} ms; is this a \`urpc serve\` port?`), timeoutMs);
      const onData = (b: Buffer): void => {
        got = Buffer.concat([got, b]);
        for (;;) {
          const nl = got.indexOf(10);
          if (nl < 0) { if (got.length > 256) fail('the server did not answer the token handshake'); return; }
          const line = got.subarray(0, nl).toString('utf8');
          got = got.subarray(nl + 1);
          if (line === 'URPC-OK') { clearTimeout(t); socket.removeListener('data', onData); socket.pause(); resolve(got); return; }
          if (line.startsWith(DENIED)) return fail(`refused by the server: ${line.slice(DENIED.length)}`);
          const n = line.startsWith(WAIT) ? Number(line.slice(WAIT.length)) : NaN;
          if (!Number.isSafeInteger(n) || n < 1) return fail(`the server did not answer the token handshake (got '${line.slice(0, 40)}')`);
          queued = n;
        }
      };
      socket.on('data', onData);
      socket.once('close', () => fail('connection closed during the token handshake'));
    });
    socket.removeAllListeners('close');
  }
  const t = new TcpTransport(name, socket, rest);
  socket.resume();
  return t;
}
