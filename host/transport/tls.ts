// tls:<host>:<port>?key=<file>[&token=<T>]: urpc's serve protocol (tcp.ts) inside TLS with a
// pre-shared key, so neither the token nor the board's traffic crosses a network in clear.
//
// Why a pre-shared key: both ends are urpc, so there is no certificate authority to trust and
// nothing to pin; a 256-bit random key in a file (`urpc serve --tls-key <file> --init-tls` makes
// it, mode 0600) is copied to each client machine. TLS 1.2 with ECDHE-PSK suites: forward secrecy
// (a key stolen later does not open recorded sessions) and mutual authentication (a client without
// the key fails the handshake; a server without it cannot answer). Node's TLS does PSK on 1.2 only.
import * as fs from 'node:fs';
import * as tls from 'node:tls';
import { randomBytes } from 'node:crypto';
import { TransportClosedError } from './transport.ts';
import { linkOverSocket } from './tcp.ts';
import type { SocketTransport } from './socket.ts';

export const PSK_IDENTITY = 'urpc';
/** ECDHE-PSK only: forward secret, authenticated encryption or SHA-384 MAC. */
export const PSK_CIPHERS = 'ECDHE-PSK-CHACHA20-POLY1305:ECDHE-PSK-AES256-CBC-SHA384';
const PSK_BYTES = 32;

/** Writes a new random key to `file` (hex, mode 0600); refuses to overwrite one. */
export function createPskFile(file: string): void {
  try {
    fs.writeFileSync(file, `${randomBytes(PSK_BYTES).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(err.code === 'EEXIST' ? `${file} exists; --init-tls makes a new key and never overwrites one (drop --init-tls to use it)` : `cannot write ${file}: ${err.message}`);
  }
}

/** Reads a key file: 32 bytes as 64 hex digits (whitespace around them ignored). */
export function readPskFile(file: string): Buffer {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new Error(`cannot read the TLS key file ${file}: ${(e as Error).message}`);
  }
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new Error(`${file} is not a urpc TLS key (64 hex digits, as urpc serve --init-tls writes)`);
  return Buffer.from(text, 'hex');
}

/** tls.createServer options for a PSK server; `handshakeTimeoutMs` bounds a silent client. */
export function pskServerOptions(psk: Buffer, handshakeTimeoutMs: number): tls.TlsOptions {
  return {
    pskCallback: (_socket, identity) => (identity === PSK_IDENTITY ? psk : null),
    pskIdentityHint: PSK_IDENTITY,
    ciphers: PSK_CIPHERS,
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
    handshakeTimeout: handshakeTimeoutMs,
  };
}

export interface TlsUri {
  host: string;
  port: number;
  keyFile: string;
  token?: string;
}

/** Parses `tls:<host>:<port>?key=<file>[&token=<T>]`. */
export function parseTlsUri(uri: string): TlsUri {
  const usage = 'expected tls:<host>:<port>?key=<key file>[&token=<T>]';
  const m = /^tls:(?:\/\/)?(\[[^\]]+\]|[^:/?]+):(\d+)(?:\?(.*))?$/.exec(uri);
  if (!m) throw new TransportClosedError(`bad TLS URI '${uri}'; ${usage}`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new TransportClosedError(`bad TLS URI '${uri}': port ${m[2]} is not 1..65535`);
  const params = new URLSearchParams(m[3] ?? '');
  for (const k of params.keys()) if (k !== 'token' && k !== 'key') throw new TransportClosedError(`bad TLS URI '${uri}': unknown parameter '${k}' (known: key, token)`);
  const keyFile = params.get('key');
  if (keyFile === null || keyFile === '') throw new TransportClosedError(`bad TLS URI '${uri}': no key file; ${usage}`);
  const token = params.get('token') ?? undefined;
  if (token !== undefined && (token === '' || /\s/.test(token))) throw new TransportClosedError(`bad TLS URI '${uri}': the token must be non-empty, without spaces`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port, keyFile, ...(token !== undefined ? { token } : {}) };
}

/** Connects, does the TLS-PSK handshake (deadline timeoutMs), then the token handshake. */
export async function openTlsLink(uri: string, timeoutMs = 5000): Promise<SocketTransport> {
  const u = parseTlsUri(uri);
  const name = uri.replace(/\?.*$/, '');
  let psk: Buffer;
  try {
    psk = readPskFile(u.keyFile);
  } catch (e) {
    throw new TransportClosedError(`${name}: ${(e as Error).message}`);
  }
  const socket = tls.connect({
    host: u.host, port: u.port, ciphers: PSK_CIPHERS, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2',
    pskCallback: () => ({ psk, identity: PSK_IDENTITY }),
    checkServerIdentity: () => undefined, // the key authenticates the server; there is no certificate
  });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => { socket.destroy(); reject(new TransportClosedError(`${name}: no TLS connection within ${timeoutMs} ms`)); }, timeoutMs);
    socket.once('secureConnect', () => { clearTimeout(t); resolve(); });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(t);
      const why = e.code === 'ECONNREFUSED' ? 'nothing is listening there (connection refused); is `urpc serve --tls-key` running?'
        : /BAD_RECORD_MAC|decrypt|DECRYPT|alert/i.test(`${e.code} ${e.message}`) ? `the TLS handshake failed: the server holds another key (${e.code ?? e.message})`
          : e.message;
      reject(new TransportClosedError(`${name}: ${why}`));
    });
  });
  return linkOverSocket(name, socket, u.token, timeoutMs);
}

/** A TLS-PSK server whose handler gets each client once its handshake is done (a client that
 * does not finish it within handshakeTimeoutMs, or holds another key, is reported to onError). */
export function createPskServer(psk: Buffer, handshakeTimeoutMs: number, handler: (sock: tls.TLSSocket) => void,
  onError: (who: string, message: string) => void): tls.Server {
  const server = tls.createServer(pskServerOptions(psk, handshakeTimeoutMs), handler);
  server.on('tlsClientError', (e, sock) => onError(`${sock.remoteAddress}:${sock.remotePort}`, tlsErrorText(e)));
  return server;
}

/** OpenSSL's error in a line an operator can act on. */
export function tlsErrorText(e: NodeJS.ErrnoException): string {
  const what = `${e.code ?? ''} ${e.message}`;
  if (/BAD_RECORD_MAC|DECRYPTION_FAILED|bad record mac/i.test(what)) return `the client holds another key (${e.code ?? 'bad record mac'})`;
  if (/WRONG_VERSION_NUMBER|wrong version number|HTTP_REQUEST/i.test(what)) return `not a TLS client; a tcp: URI? (${e.code ?? 'wrong version number'})`;
  return e.code ?? e.message.split('\n')[0]!;
}
