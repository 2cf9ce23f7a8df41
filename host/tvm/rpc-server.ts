// `urpc serve <uri> --tvm`: a TVM RPC server (shared/spec/tvm-rpc-tracker.md §1) in front of a
// micro session, so an unmodified `tvm.rpc.connect(host, port, key=...)` (or a client the tracker
// sends) drives the board. One client at a time; the others wait in order, bounded.
//
// Per client: the magic-and-key handshake (R4 on a match, R5 and close on a mismatch, close on a
// wrong magic), then packets relayed one for one into the micro session, except what §1.8 says a
// relay must answer itself:
//   kInitServer        answered here: ReturnVoid for version "0.8.0" with no constructor
//                      arguments, kException otherwise (MinRPC would hang on arguments)
//   kShutdown, EOF     end the client's session; the board is not told (it would stop serving),
//                      its micro session is renewed for the next client instead
//   kDevCreateStream   handle 0 (the CRT answers an uninitialised handle)
//   a packet over the board's GetCRTMaxPacketSize, a reply code sent as a request, or a code
//   MinRPC does not know: kException, not forwarded
// `-timeout=<s>` in the client's key ends its session with TVM's RPCSessionTimeoutError.
import * as net from 'node:net';
import { RPCCode, decodeReply, exceptionPacket, returnPacket, handle as handleValue } from '../client/packet.ts';
import { TimeoutError } from '../client/client.ts';
import { SocketReader } from './reader.ts';
import {
  readClientHandshake, serverAccept, serverMismatch, parseClientKey, readPacket, packetCode, parseInitServer,
  RPC_PROTOCOL_VERSION,
} from './rpc-wire.ts';
import type { DeviceLink } from './device-link.ts';

/** Codes a v0.13 client sends as requests that MinRPC handles (rpc_reference.h). */
const FORWARDED = new Set<number>([
  RPCCode.CallFunc, RPCCode.CopyFromRemote, RPCCode.CopyToRemote, RPCCode.GetGlobalFunc, RPCCode.FreeHandle,
  11, 12, 13, 14, 15, 16, 17, 19, 20,
]);
/** The longest delay setTimeout honours (a longer one fires after 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** The largest packet read from a client when the board gives no limit. */
const MAX_TCP_PACKET = 64 * 1024 * 1024;

export interface TvmRpcServerOptions {
  /** The device key announced as `server:<key>` (R4). */
  deviceKey: string;
  /** The board. */
  device: DeviceLink;
  /** Events for the operator (stderr). */
  note: (message: string) => void;
  /** A client must finish its handshake within this (ms, default 5000). */
  handshakeTimeoutMs?: number;
  /** The board must answer each request within this (ms, default 60000). */
  replyTimeoutMs?: number;
  /** A client that sends nothing for this long loses the board (ms, default 600000; 0: never). */
  idleTimeoutMs?: number;
  /** Clients that may wait for the board (default 8), and how long each may (ms, default 60000). */
  queueLength?: number;
  queueTimeoutMs?: number;
}

export class TvmRpcServer {
  private readonly opts: Required<Omit<TvmRpcServerOptions, 'device' | 'note'>> & Pick<TvmRpcServerOptions, 'device' | 'note'>;
  private readonly server: net.Server;
  private readonly queue: { sock: net.Socket; timer: ReturnType<typeof setTimeout> }[] = [];
  private active: net.Socket | undefined;
  private closed = false;
  /** The key a client must send after `client:`. With a tracker: `<key>:<random>`, changed by
   * the registration after each session (§1.1). */
  matchKey: string;
  /** Called when a client's session ends (the tracker registration offers the board again). */
  onSessionEnd: () => void = () => undefined;
  /** Sessions served. */
  sessions = 0;

  constructor(opts: TvmRpcServerOptions) {
    this.opts = {
      handshakeTimeoutMs: 5000, replyTimeoutMs: 60_000, idleTimeoutMs: 600_000, queueLength: 8, queueTimeoutMs: 60_000,
      ...opts,
    };
    this.matchKey = opts.deviceKey;
    this.server = net.createServer((sock) => this.accept(sock));
  }

  /** A client holds the board (or is being handshaken). */
  get busy(): boolean {
    return this.active !== undefined;
  }

  /** Listens; resolves with the port. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.removeListener('error', reject);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  close(): void {
    this.closed = true;
    this.server.close();
    for (const q of this.queue.splice(0)) { clearTimeout(q.timer); q.sock.destroy(); }
    this.active?.destroy();
  }

  private accept(sock: net.Socket): void {
    sock.setNoDelay(true);
    sock.on('error', () => undefined);
    if (this.active === undefined) { void this.serve(sock); return; }
    const who = `${sock.remoteAddress}:${sock.remotePort}`;
    if (this.queue.length >= this.opts.queueLength) {
      this.opts.note(`${who} refused: the board is busy and ${this.queue.length} clients wait`);
      sock.destroy();
      return;
    }
    const entry = {
      sock,
      timer: setTimeout(() => {
        this.opts.note(`${who} waited ${this.opts.queueTimeoutMs} ms for the board; disconnected it`);
        this.dequeue(sock);
        sock.destroy();
      }, this.opts.queueTimeoutMs),
    };
    sock.once('close', () => this.dequeue(sock));
    this.queue.push(entry);
    this.opts.note(`${who} waits for the board (${this.queue.length} waiting)`);
  }

  private dequeue(sock: net.Socket): void {
    const i = this.queue.findIndex((q) => q.sock === sock);
    if (i >= 0) { clearTimeout(this.queue[i]!.timer); this.queue.splice(i, 1); }
  }

  private next(): void {
    this.active = undefined;
    if (this.closed) return;
    const q = this.queue.shift();
    if (q === undefined) return;
    clearTimeout(q.timer);
    void this.serve(q.sock);
  }

  private async serve(sock: net.Socket): Promise<void> {
    this.active = sock;
    const who = `${sock.remoteAddress}:${sock.remotePort}`;
    const r = new SocketReader(sock, who);
    let matched = false;
    try {
      let text: string;
      try {
        text = await readClientHandshake(r, this.opts.handshakeTimeoutMs);
      } catch (e) {
        this.opts.note(`${who} dropped: ${(e as Error).message}`);
        return;
      }
      const key = parseClientKey(text);
      if (key.key !== `client:${this.matchKey}`) {
        this.opts.note(`${who} sent key '${key.key}', expected 'client:${this.matchKey}': refused`);
        await writeAll(sock, serverMismatch());
        return;
      }
      try {
        await this.opts.device.begin();
      } catch (e) {
        // Refuse as TVM's server does when it cannot serve: the client reports the mismatch code;
        // the operator sees why.
        this.opts.note(`${who} refused: the board is unavailable: ${(e as Error).message}`);
        await writeAll(sock, serverMismatch());
        return;
      }
      matched = true;
      this.sessions++;
      this.opts.note(`${who} connected (key ${key.key}${key.timeoutS !== undefined ? `, timeout ${key.timeoutS} s` : ''})`);
      await writeAll(sock, serverAccept(this.opts.deviceKey));
      await this.relay(sock, r, key.timeoutS);
    } catch (e) {
      this.opts.note(`${who}: ${(e as Error).message}`);
    } finally {
      sock.destroy();
      if (matched) this.opts.note(`${who} left`);
      this.next();
      if (matched) this.onSessionEnd();
    }
  }

  /** The packet loop of one client. Returns when the session ends. */
  private async relay(sock: net.Socket, r: SocketReader, timeoutS: number | undefined): Promise<void> {
    const dev = this.opts.device;
    let timedOut = false;
    const sessionTimer = timeoutS === undefined || timeoutS <= 0 ? undefined : setTimeout(() => {
      timedOut = true;
      // TVM's server injects this exception and kills the session (§1.5).
      sock.end(exceptionPacket(`RPCSessionTimeoutError: Timeout in RPC session after ${timeoutS} s`));
      sock.destroySoon();
    }, Math.min(timeoutS * 1000, MAX_TIMER_MS)); // past 2^31-1 ms setTimeout would fire at once
    let initialised = false;
    const resets = dev.resets;
    try {
      for (;;) {
        const limit = Math.min(MAX_TCP_PACKET, dev.maxPacket);
        let p: Uint8Array;
        try {
          p = await readPacket(r, MAX_TCP_PACKET, this.opts.idleTimeoutMs > 0 ? this.opts.idleTimeoutMs : undefined, 30_000);
        } catch (e) {
          if (r.isEnded && r.buffered === 0) return; // EOF between packets: the session's normal end
          if (!timedOut) this.opts.note(`${r.name}: ${(e as Error).message}; session ended`);
          return;
        }
        const code = packetCode(p);
        // Bounded: a client that sends requests but takes no replies would otherwise hold the
        // board forever once the socket's buffers are full (the idle deadline covers reads only).
        const reply = (x: Uint8Array): Promise<void> => writeAll(sock, x, this.opts.replyTimeoutMs);
        if (code === RPCCode.Shutdown) return;
        if (code === RPCCode.InitServer) {
          let why: string | undefined;
          try {
            const init = parseInitServer(p);
            if (init.version !== RPC_PROTOCOL_VERSION) why = `Server[${RPC_PROTOCOL_VERSION}] and client[${init.version}] protocol versions mismatch`;
            else if (initialised) why = 'the RPC session is already initialised';
            else if (init.args > 0) {
              why = `urpc: session constructor ${init.constructor !== undefined ? `'${init.constructor}' ` : ''}is not supported: ` +
                'the board is a MinRPC device; connect without session_constructor_args';
            }
          } catch (e) {
            why = `urpc: bad kInitServer: ${(e as Error).message}`;
          }
          initialised = why === undefined;
          await reply(why === undefined ? returnPacket([{ type: 'null' }]) : exceptionPacket(why));
          continue;
        }
        if (code === RPCCode.DevCreateStream) {
          await reply(returnPacket([handleValue(0)]));
          continue;
        }
        if (!FORWARDED.has(code)) {
          await reply(exceptionPacket(`urpc: RPC code ${code} is not supported by this board (MinRPC; TVM v0.13 codes 3, 6, 7 and 9-20)`));
          continue;
        }
        if (dev.resets !== resets) {
          // The board rebooted between two requests: what this client holds is gone.
          this.opts.note(`${dev.name} restarted during the session; ended it`);
          await reply(exceptionPacket(`urpc: ${dev.name} restarted during the session; its memory (tensors, handles) is gone: reconnect`));
          return;
        }
        if (p.length - 8 > limit) {
          await reply(exceptionPacket(`urpc: a packet of ${p.length - 8} bytes exceeds what ${dev.name} accepts (${limit}, ` +
            'tvm.rpc.server.GetCRTMaxPacketSize); pass large data as a tensor copy, which the client splits'));
          continue;
        }
        let answer: Uint8Array;
        try {
          answer = await dev.request(p, this.opts.replyTimeoutMs);
        } catch (e) {
          const why = e instanceof TimeoutError ? `${(e as Error).message}; the session is ended` : `the board's session ended: ${(e as Error).message}`;
          this.opts.note(why);
          await reply(exceptionPacket(`urpc: ${why}`)).catch(() => undefined);
          return;
        }
        if (timedOut || sock.destroyed) return;
        await reply(withFullText(answer));
      }
    } finally {
      if (sessionTimer !== undefined) clearTimeout(sessionTimer);
    }
  }
}

function writeAll(sock: net.Socket, b: Uint8Array, timeoutMs?: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (sock.destroyed) { reject(new Error('connection closed')); return; }
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
      reject(new Error(`the client took no reply for ${timeoutMs} ms (it does not read); session ended`));
    }, timeoutMs);
    sock.write(b, (e) => {
      if (timer !== undefined) clearTimeout(timer);
      if (e) reject(e); else resolve();
    });
  });
}

/** The board's kException reply with its short text (`WrongType(1,2,0)`: the texts are not in
 * the device's flash, docs/exception-codes.md) spelled out as urpc's own host shows it, so a TVM
 * client of this relay reads the full message. Any other reply is forwarded byte for byte. */
function withFullText(answer: Uint8Array): Uint8Array {
  if (packetCode(answer) !== RPCCode.Exception) return answer;
  let full: Uint8Array;
  try {
    const r = decodeReply(answer); // expands the text
    if (r.code !== RPCCode.Exception) return answer;
    full = exceptionPacket(r.message);
  } catch {
    return answer; // not an exception this host can read: the client judges it
  }
  // A text that was already full encodes to the same length: keep the board's own bytes.
  return full.length === answer.length ? answer : full;
}
