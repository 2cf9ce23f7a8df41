// urpc serve <uri> --web --listen 127.0.0.1:PORT: the browser console (build/web, built at start)
// over HTTP, and a WebSocket endpoint (/ws) relaying the device's byte link to one page at a time,
// the others queued: the same rules as TCP serve (host/cli/serve.ts, tcp-gate.ts). The token
// travels in the first WebSocket message ("URPC-TOKEN <token>\n"), never in the URL; the answers
// URPC-OK / URPC-WAIT <n> / URPC-DENIED <reason> come back as the first bytes, as over TCP; after
// that, binary messages carry wire bytes both ways. A browser's WebSocket must also come from
// the served page (origin.ts). This process only moves bytes (device-relay.ts, as TCP serve): the
// session runs between the page and the device, and a device link that ends is re-opened for the
// next page.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type * as net from 'node:net';
import * as path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { openTransport } from '../client/connect.ts';
import { DeviceRelay } from '../transport/device-relay.ts';
import { TOKEN_DEADLINE_MS } from '../transport/tcp.ts';
import { TcpGate } from '../transport/tcp-gate.ts';
import { buildWeb, PACKAGED_WEB } from './build.ts';
import { FROM_SOURCES } from '../repo.ts';
import { refuseRequest } from './origin.ts';

/** Largest WebSocket message accepted from a page (the client sends one framed packet each). */
const MAX_MESSAGE = 1024 * 1024;

export interface WebServeOptions {
  addr: { host: string; port: number };
  loopback: boolean;
  token?: string;
  queueLength: number;
  queueDeadlineMs: number;
  note: (message: string) => void;
  /** Where the page's files are (default: built into build/web at start). */
  webDir?: string;
}

/** A page's WebSocket as the gate sees it: its byte stream, with the peer's address. */
type PageStream = Duplex & { remoteAddress?: string; remotePort?: number };

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
};
// No inline script or style, nothing from elsewhere; the page may open WebSockets to other serve hosts.
const CSP = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface WebServer {
  port: number;
  close(): Promise<void>;
}

export async function startWebServe(uri: string, opts: WebServeOptions): Promise<WebServer> {
  const webDir = opts.webDir ?? (FROM_SOURCES ? (await buildWeb()).dir : PACKAGED_WEB); // the package has no page sources
  const files = new Map<string, string>([['/', 'index.html']]);
  for (const f of fs.readdirSync(webDir)) files.set(`/${f}`, f);
  const note = opts.note;
  let listening = { host: opts.addr.host, port: opts.addr.port, loopback: opts.loopback };

  const relay = new DeviceRelay<PageStream>({ open: () => openTransport(uri, { deviceStderr: false }), note, client: 'page' });
  await relay.openDevice();
  const gate: TcpGate<PageStream> = new TcpGate<PageStream>({ token: opts.token, tokenDeadlineMs: TOKEN_DEADLINE_MS, queueLength: opts.queueLength, queueDeadlineMs: opts.queueDeadlineMs, note },
    (page, first, who) => void relay.bridge(page, first, who, () => gate.release(page), (why) => gate.deny(page, who, why)));
  relay.active = () => gate.active;

  const server = http.createServer((req, res) => {
    const refused = refuseRequest(req.headers, listening);
    const name = files.get((req.url ?? '/').split('?')[0]!);
    if (refused !== undefined || (req.method !== 'GET' && req.method !== 'HEAD') || name === undefined) {
      res.writeHead(refused !== undefined ? 403 : name === undefined ? 404 : 405, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${refused ?? (name === undefined ? 'not found' : 'method not allowed')}\n`);
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(name)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : fs.readFileSync(path.join(webDir, name)));
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE, perMessageDeflate: false });
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const refused = (req.url ?? '').split('?')[0] !== '/ws' ? 'no WebSocket endpoint there (use /ws)' : refuseRequest(req.headers, listening);
    if (refused !== undefined) {
      note(`refused ${socket.remoteAddress}:${socket.remotePort}: ${refused}`);
      socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${refused}\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      socket.setNoDelay(true);
      const page: PageStream = createWebSocketStream(ws);
      page.remoteAddress = socket.remoteAddress;
      page.remotePort = socket.remotePort;
      page.on('error', () => undefined); // reported by 'close'
      // The stream only ends its readable side when the page goes; the gate waits for 'close'.
      ws.once('close', () => page.destroy());
      gate.accept(page);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.addr.port, opts.addr.host, () => resolve());
  }).catch(async (e: Error) => {
    await relay.close();
    throw new Error(`cannot listen on ${opts.addr.host}:${opts.addr.port}: ${e.message}`);
  });
  const port = (server.address() as net.AddressInfo).port;
  listening = { ...listening, port };
  return {
    port,
    async close(): Promise<void> {
      gate.close();
      gate.active?.destroy();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); });
      await relay.close();
    },
  };
}

/** The `urpc serve --web` process: prints where the page is, runs until SIGINT/SIGTERM. */
export async function serveWeb(uri: string, opts: WebServeOptions, fail: (message: string) => void): Promise<void> {
  let web: WebServer;
  try {
    web = await startWebServe(uri, opts);
  } catch (e) {
    return fail((e as Error).message);
  }
  if (!opts.loopback) opts.note('warning: the page, its token and the device traffic cross the network in clear (no TLS for the browser console)');
  const h = opts.addr.host.includes(':') ? `[${opts.addr.host}]` : opts.addr.host;
  console.log(`serving ${uri} on http://${h}:${web.port}/ (WebSocket ws://${h}:${web.port}/ws${opts.token !== undefined ? ', token in the first message' : ''})`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await web.close();
  process.exit(process.exitCode ?? 0);
}
