// Admission of `urpc serve` clients: the token handshake (tcp.ts), one client on the device at a
// time, and a bounded queue for the others.
//
//   connected ── token line (or, without --token, any first wire byte) within tokenDeadlineMs ──▶ authenticated
//       │ silent, half a line, wrong token, no token where one is required: denied and destroyed
//       │ at once, the deadline at the latest; a client that has not authenticated never holds
//       │ the slot or a queue place
//   authenticated ── the slot is free ──▶ admitted ("URPC-OK\n" if it sent a token line)
//       │ slot taken: queued ("URPC-WAIT <place>\n" if it sent a token line; at most queueLength,
//       │ each for at most queueDeadlineMs, then denied "busy"); queue full: denied "busy" at once
//
// A denied client gets "URPC-DENIED <reason>\n" and is destroyed once that is written (1 s at
// most): it gives nothing back to wait for. While queued, a client is still read (up to
// MAX_QUEUED_BYTES, then paused) so that one that leaves is noticed; what it sent is handed over
// on admission. The gate only needs a byte stream with a peer address (GateSocket): a TCP socket, or
// a WebSocket's stream (`urpc serve --web`, host/web/serve-web.ts).
import { timingSafeEqual } from 'node:crypto';
import type * as net from 'node:net';

/** What a queued client may send before it is no longer read (its wire bytes wait for the device). */
export const MAX_QUEUED_BYTES = 64 * 1024;
/** Longest token line accepted ("URPC-TOKEN " + token). */
const MAX_TOKEN_LINE = 256;

export interface GateOptions {
  /** Clients must send this token; undefined: a token line is accepted and its token ignored. */
  token?: string;
  tokenDeadlineMs: number;
  /** Authenticated clients that may wait for the slot (0: refuse them at once). */
  queueLength: number;
  /** How long each of them may wait. */
  queueDeadlineMs: number;
  /** Log lines ("refused ...: why"). */
  note: (message: string) => void;
}

/** What the gate uses of a client connection; net.Socket has it all. */
export interface GateSocket {
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
  readonly destroyed: boolean;
  on(event: 'data', listener: (b: Buffer) => void): unknown;
  once(event: 'close', listener: () => void): unknown;
  removeListener(event: 'data' | 'close', listener: (...args: never[]) => void): unknown;
  write(text: string): unknown;
  end(text: string, done: () => void): unknown;
  pause(): unknown;
  destroy(): unknown;
}

interface Waiting<S extends GateSocket> {
  sock: S;
  who: string;
  onData: (b: Buffer) => void;
  onClose: () => void;
  /** Bytes after the token line (or all of them, without one), in order. */
  held: Buffer[];
  sentToken: boolean;
  timer: NodeJS.Timeout;
  since: number;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class TcpGate<S extends GateSocket = net.Socket> {
  private readonly opts: GateOptions;
  private readonly admit: (sock: S, first: Buffer, who: string) => void;
  private current: S | undefined;
  private readonly queue: Waiting<S>[] = [];
  private readonly pending = new Set<S>();

  /** `admit` gets each admitted client (and the bytes it already sent); call release() once it left. */
  constructor(opts: GateOptions, admit: (sock: S, first: Buffer, who: string) => void) {
    this.opts = opts;
    this.admit = admit;
  }

  /** The client on the device, if any. */
  get active(): S | undefined {
    return this.current;
  }

  /** Clients waiting for the slot. */
  get waiting(): number {
    return this.queue.length;
  }

  /** A new connection: authenticate it, then admit or queue it. */
  accept(sock: S): void {
    const who = `${sock.remoteAddress}:${sock.remotePort}`;
    this.pending.add(sock);
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => decide(undefined, `no token within ${this.opts.tokenDeadlineMs} ms`), this.opts.tokenDeadlineMs);
    const onData = (b: Buffer): void => {
      buf = Buffer.concat([buf, b]);
      if (buf[0] !== 0x55 /* 'U' */) {
        if (this.opts.token !== undefined) return decide(undefined, 'token required (connect with tcp:<host>:<port>?token=<token>)');
        return decide({ rest: buf, sentToken: false }, undefined);
      }
      const nl = buf.indexOf(10);
      if (nl < 0) {
        if (buf.length > MAX_TOKEN_LINE) decide(undefined, 'bad token line');
        return;
      }
      const line = buf.subarray(0, nl).toString('utf8');
      if (!line.startsWith('URPC-TOKEN ')) return decide(undefined, 'bad token line');
      if (this.opts.token !== undefined && !sameToken(line.slice('URPC-TOKEN '.length), this.opts.token)) return decide(undefined, 'wrong token');
      decide({ rest: buf.subarray(nl + 1), sentToken: true }, undefined);
    };
    const onClose = (): void => decide(undefined, undefined);
    let decided = false;
    const decide = (ok: { rest: Buffer; sentToken: boolean } | undefined, why: string | undefined): void => {
      if (decided) return;
      decided = true;
      clearTimeout(timer);
      sock.removeListener('data', onData);
      sock.removeListener('close', onClose);
      this.pending.delete(sock);
      if (ok === undefined) {
        if (why !== undefined) this.deny(sock, who, why);
        return;
      }
      this.authenticated(sock, who, ok.rest, ok.sentToken);
    };
    sock.on('data', onData);
    sock.once('close', onClose);
  }

  /** The active client left (or was dropped): the next queued one gets the slot. */
  release(sock: S): void {
    if (this.current !== sock) return;
    this.current = undefined;
    const next = this.queue.shift();
    if (next === undefined) return;
    clearTimeout(next.timer);
    next.sock.removeListener('data', next.onData);
    next.sock.removeListener('close', next.onClose);
    this.opts.note(`${next.who} waited ${Date.now() - next.since} ms`);
    this.enter(next.sock, next.who, Buffer.concat(next.held), next.sentToken);
  }

  /** Destroys every client that is not on the device. */
  close(): void {
    for (const s of this.pending) s.destroy();
    for (const w of this.queue.splice(0)) {
      clearTimeout(w.timer);
      w.sock.destroy();
    }
  }

  private authenticated(sock: S, who: string, rest: Buffer, sentToken: boolean): void {
    if (this.current === undefined && this.queue.length === 0) return this.enter(sock, who, rest, sentToken);
    if (this.queue.length >= this.opts.queueLength) {
      return this.deny(sock, who, `busy: another client is connected${this.queue.length > 0 ? ` and ${this.queue.length} are waiting` : ''}`);
    }
    let bytes = rest.length;
    const w: Waiting<S> = {
      sock, who, held: rest.length > 0 ? [rest] : [], sentToken, since: Date.now(),
      onData: (b: Buffer) => {
        w.held.push(b);
        bytes += b.length;
        if (bytes > MAX_QUEUED_BYTES) sock.pause();
      },
      onClose: () => {
        clearTimeout(w.timer);
        this.unqueue(w);
      },
      timer: setTimeout(() => {
        this.unqueue(w);
        this.deny(sock, who, `busy: waited ${this.opts.queueDeadlineMs} ms for another client to leave`);
      }, this.opts.queueDeadlineMs),
    };
    sock.on('data', w.onData);
    sock.once('close', w.onClose);
    this.queue.push(w);
    if (sentToken) sock.write(`URPC-WAIT ${this.queue.length}\n`);
    this.opts.note(`${who} waits for the device (${this.queue.length} waiting)`);
  }

  private unqueue(w: Waiting<S>): void {
    const i = this.queue.indexOf(w);
    if (i >= 0) this.queue.splice(i, 1);
  }

  private enter(sock: S, who: string, first: Buffer, sentToken: boolean): void {
    this.current = sock;
    if (sock.destroyed) return this.release(sock); // it left while queued: the next one
    if (sentToken) sock.write('URPC-OK\n');
    this.admit(sock, first, who);
  }

  /** Tells the client why, and destroys it once that is written (1 s at most). */
  deny(sock: S, who: string, why: string): void {
    this.opts.note(`refused ${who}: ${why}`);
    if (sock.destroyed) return;
    const t = setTimeout(() => sock.destroy(), 1000);
    sock.end(`URPC-DENIED ${why}\n`, () => {
      clearTimeout(t);
      sock.destroy();
    });
  }
}
