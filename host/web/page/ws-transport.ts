// The WebSocket byte link to `urpc serve --web` (host/web/serve-web.ts). The first message is the
// token line "URPC-TOKEN <token>\n" (empty token when none is set: a server without --token
// ignores it); the server answers with text lines first, as over TCP (host/transport/tcp.ts):
// "URPC-WAIT <n>" (queued), then "URPC-OK" (the device is ours), or "URPC-DENIED <reason>". After
// that, binary messages carry wire bytes both ways. The token never goes in the URL.
import { Inbox } from '../../transport/inbox.ts';
import { TransportClosedError, type Transport } from '../../transport/transport.ts';

const DENIED = 'URPC-DENIED ';
const WAIT = 'URPC-WAIT ';
const decoder = new TextDecoder();

export interface WsOptions {
  token?: string;
  /** Deadline for the connection and the token answer (ms, default 5000). */
  timeoutMs?: number;
  /** Told each time the server reports our place in its queue. */
  onQueued?: (place: number) => void;
  /** Once queued, how long to wait for our turn (ms, default 120000; the server's --queue-timeout
   * usually ends it first, with URPC-DENIED busy). */
  queueTimeoutMs?: number;
}

/** A Transport over an open WebSocket; `ended` resolves with the reason once the link is gone. */
export class WebSocketTransport implements Transport {
  readonly name: string;
  readonly ended: Promise<string>;
  private readonly ws: WebSocket;
  private readonly inbox = new Inbox();

  /** `first`: wire bytes that came with the handshake's answer (held, like all before onData). */
  constructor(name: string, ws: WebSocket, first: Uint8Array) {
    this.name = name;
    this.ws = ws;
    this.ended = this.inbox.ended;
    if (first.length > 0) this.inbox.data(first);
    ws.onmessage = (ev: MessageEvent) => this.inbox.data(new Uint8Array(ev.data as ArrayBuffer));
    ws.onclose = (ev: CloseEvent) => this.inbox.end(`${this.name}: connection closed${ev.reason ? ` (${ev.reason})` : ''}`);
    ws.onerror = () => undefined; // 'close' follows
  }

  write(data: Uint8Array): Promise<void> {
    if (this.inbox.hasEnded || this.ws.readyState !== WebSocket.OPEN) return Promise.reject(new TransportClosedError(`${this.name}: the link is closed`));
    this.ws.send(data as Uint8Array<ArrayBuffer>);
    return Promise.resolve();
  }

  onData(handler: (data: Uint8Array) => void): void {
    this.inbox.onData(handler);
  }

  onClose(handler: (reason: string) => void): void {
    this.inbox.onClose(handler);
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) {
      this.inbox.end(`${this.name}: closed`);
      return Promise.resolve();
    }
    const closed = new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 2000); // the server did not answer the close: give up waiting
      this.ws.addEventListener('close', () => { clearTimeout(t); resolve(); });
    });
    this.ws.close(1000, 'closed by the page');
    return closed.then(() => this.inbox.end(`${this.name}: closed`));
  }
}

/** Connects to `url` (ws:// or wss://), does the token handshake and returns the link. */
export async function openWebSocket(url: string, opts: WsOptions = {}): Promise<WebSocketTransport> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  if (!/^wss?:\/\//.test(url)) throw new TransportClosedError(`bad WebSocket URL '${url}'; expected ws://<host>:<port>/ws`);
  if (/[?#]/.test(url)) throw new TransportClosedError(`the WebSocket URL '${url}' has a query or fragment; the token goes in the token field, never in the URL`);
  const token = opts.token ?? '';
  if (/\s/.test(token)) throw new TransportClosedError('the token must not contain spaces');
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  const rest = await new Promise<Uint8Array>((resolve, reject) => {
    let got = new Uint8Array(0);
    let finished = false;
    let queued = false;
    const fail = (why: string): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      ws.onclose = null;
      ws.close();
      reject(new TransportClosedError(`${url}: ${why}`));
    };
    let timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms; is \`urpc serve --web\` running there?`), timeoutMs);
    ws.onopen = () => ws.send(`URPC-TOKEN ${token}\n`);
    ws.onerror = () => undefined; // 'close' follows with the reason
    ws.onclose = (ev) => fail(`connection closed before the device was ours${ev.code === 1006 ? ' (refused, or nothing is listening)' : ` (code ${ev.code}${ev.reason ? `: ${ev.reason}` : ''})`}`);
    ws.onmessage = (ev: MessageEvent) => {
      if (finished) return;
      const b = new Uint8Array(ev.data as ArrayBuffer);
      const all = new Uint8Array(got.length + b.length);
      all.set(got);
      all.set(b, got.length);
      got = all;
      for (;;) {
        const nl = got.indexOf(10);
        if (nl < 0) {
          if (got.length > 256) fail('the server did not answer the token handshake');
          return;
        }
        const line = decoder.decode(got.subarray(0, nl));
        got = got.subarray(nl + 1);
        if (line === 'URPC-OK') {
          finished = true;
          clearTimeout(timer);
          resolve(got);
          return;
        }
        if (line.startsWith(DENIED)) return fail(`refused by the server: ${line.slice(DENIED.length)}`);
        const n = line.startsWith(WAIT) ? Number(line.slice(WAIT.length)) : NaN;
        if (!Number.isSafeInteger(n) || n < 1) return fail(`the server did not answer the token handshake (got '${line.slice(0, 40)}')`);
        if (!queued) { // the connect deadline no longer applies: our turn comes when the other client leaves
          queued = true;
          clearTimeout(timer);
          const q = opts.queueTimeoutMs ?? 120_000;
          timer = setTimeout(() => fail(`waited ${q} ms in the server's queue for another client to leave`), q);
        }
        opts.onQueued?.(n);
      }
    };
  });
  return new WebSocketTransport(url, ws, rest);
}
