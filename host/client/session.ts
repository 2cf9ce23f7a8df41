// The host side of the session layer: the same FwTS Framer / Unframer / Session classes the device
// runs, driven from Node over a Transport. It opens the session the way TVM's host does (spec §6.2:
// Terminate + Init, a retry every `retryMs` with a fresh nonce, failure after `startTimeoutMs`),
// carries one RPC packet per Normal message, delivers device Logs, and notices a device reset (a
// Terminate while established: the device rebooted) so the next request re-opens the session.
//
// Browser-safe: no Node imports (randomness from globalThis.crypto when present).

import { asBytes, u8, type Bytes } from '../../firmware/lib/prelude.ts';
import { Err } from '../../firmware/lib/errors.ts';
import type { WriteStream } from '../../firmware/framing/framer.ts';
import { Session, MessageType, type RandomSource, type SessionListener } from '../../firmware/session/session.ts';
import { RpcError, TimeoutError } from './client.ts';
import type { Transport } from './transport.ts';

/** The device ended the session mid-call (it rebooted, or another host took over). The next
 * request opens a new session by itself; device memory (tensors) from before is gone. */
export class SessionResetError extends RpcError {
  constructor(message: string) {
    super(message);
    this.name = 'SessionResetError';
  }
}

/** The link went away (process exited, port closed). */
export class LinkClosedError extends RpcError {
  constructor(message: string) {
    super(message);
    this.name = 'LinkClosedError';
  }
}

export interface HostSessionOptions {
  /** Re-send Terminate + Init with a new nonce after this long without a Reply (ms, default 1000). */
  retryMs?: number;
  /** Give up opening the session after this long (ms, default 10000). */
  startTimeoutMs?: number;
  /** Source of the initial nonce (default: crypto random); tests fix it to reproduce spec vectors. */
  randomByte?: () => number;
}

const textDecoder = new TextDecoder();

function randomByte(): number {
  const c = (globalThis as { crypto?: { getRandomValues(a: Uint8Array): Uint8Array } }).crypto;
  if (c !== undefined) return c.getRandomValues(new Uint8Array(1))[0]!;
  return Math.floor(Math.random() * 256);
}

export class HostSession implements WriteStream, RandomSource, SessionListener {
  readonly transport: Transport;
  readonly retryMs: number;
  readonly startTimeoutMs: number;
  private readonly session: Session;
  private readonly nonceSource: () => number;
  /** Framer output of the current operation, sent as one transport write. */
  private out: Uint8Array[] = [];
  private writeChain: Promise<void> = Promise.resolve();
  private writeError: Error | undefined;
  private opening: Promise<void> | undefined;
  private wakeEstablished: (() => void) | undefined;
  private closedReason: string | undefined;
  /** Sessions opened (1 after the first handshake; more after device resets). */
  established_ = 0;
  /** Device resets seen while a session was open. */
  resets = 0;
  /** Framing errors met in received bytes. */
  rxErrors = 0;

  onPacket: (packet: Uint8Array) => void = () => undefined;
  onLog: (text: string) => void = () => undefined;
  /** The device ended the open session (reset): fail what is waiting. */
  onReset: (err: SessionResetError) => void = () => undefined;
  /** The transport closed. */
  onClosed: (err: LinkClosedError) => void = () => undefined;

  constructor(transport: Transport, opts: HostSessionOptions = {}) {
    this.transport = transport;
    this.retryMs = opts.retryMs ?? 1000;
    this.startTimeoutMs = opts.startTimeoutMs ?? 10000;
    this.nonceSource = opts.randomByte ?? randomByte;
    this.session = new Session(this, this, this);
    transport.onData((d) => {
      if (this.session.receive(asBytes(d)) !== Err.Ok) this.rxErrors++;
      this.flush();
    });
    transport.onClose((reason) => {
      this.closedReason = reason;
      this.onClosed(new LinkClosedError(reason));
    });
  }

  get isEstablished(): boolean {
    return this.session.isEstablished();
  }

  get sessionId(): number {
    return this.session.sessionId();
  }

  // ---- WriteStream (framer output) and RandomSource ----

  write(data: Bytes): Err {
    this.out.push(new Uint8Array(data as unknown as Uint8Array));
    return Err.Ok;
  }

  randomByte(): u8 {
    return u8(this.nonceSource());
  }

  /** Sends what the framer produced since the last flush as one transport write. */
  private flush(): Promise<void> {
    if (this.out.length === 0) return this.writeChain;
    const parts = this.out;
    this.out = [];
    const n = parts.reduce((a, p) => a + p.length, 0);
    const buf = new Uint8Array(n);
    let at = 0;
    for (const p of parts) {
      buf.set(p, at);
      at += p.length;
    }
    this.writeChain = this.writeChain.then(() => this.transport.write(buf)).catch((e: unknown) => {
      this.writeError = e instanceof Error ? e : new Error(String(e));
    });
    return this.writeChain;
  }

  private checkOpen(): void {
    if (this.closedReason !== undefined) throw new LinkClosedError(this.closedReason);
    if (this.writeError !== undefined) throw new LinkClosedError(`${this.transport.name}: ${this.writeError.message}`);
  }

  // ---- SessionListener ----

  established(): void {
    this.established_++;
    this.wakeEstablished?.();
  }

  terminated(): void {
    this.resets++;
    this.onReset(new SessionResetError(`${this.transport.name}: the device ended the session (it rebooted or another host connected); the next call opens a new session`));
  }

  message(type: u8, body: Bytes): void {
    if (type === MessageType.Normal) this.onPacket(new Uint8Array(body as unknown as Uint8Array));
  }

  log(text: Bytes): void {
    this.onLog(textDecoder.decode(text as unknown as Uint8Array));
  }

  // ---- operations ----

  /** Opens the session if it is not open (spec §6.2). Concurrent callers share one handshake. */
  ensureOpen(): Promise<void> {
    if (this.session.isEstablished()) return Promise.resolve();
    this.opening ??= this.handshake().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  private async handshake(): Promise<void> {
    this.checkOpen();
    const t0 = Date.now();
    const deadline = t0 + this.startTimeoutMs;
    let attempts = 0;
    while (!this.session.isEstablished()) {
      const now = Date.now();
      if (now >= deadline) {
        throw new TimeoutError(`${this.transport.name}: session start handshake failed after ${this.startTimeoutMs} ms ` +
          `(${attempts} attempts, no Reply); is the device running urpc firmware and is the link right?`);
      }
      attempts++;
      this.session.initialize();
      this.session.startSession();
      await this.flush();
      this.checkOpen();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(this.retryMs, deadline - now));
        const onClose = setInterval(() => {
          if (this.closedReason !== undefined) done();
        }, 20);
        function done(): void {
          clearTimeout(timer);
          clearInterval(onClose);
          resolve();
        }
        this.wakeEstablished = done;
      });
      this.wakeEstablished = undefined;
      this.checkOpen();
    }
  }

  /** Sends one RPC packet as a Normal message. */
  async sendPacket(packet: Uint8Array): Promise<void> {
    this.checkOpen();
    const e = this.session.sendMessage(u8(MessageType.Normal), asBytes(packet));
    if (e !== Err.Ok) {
      this.out = [];
      throw new RpcError(`${this.transport.name}: cannot send (session error 0x${e.toString(16)})`);
    }
    await this.flush();
    this.checkOpen();
  }

  /** Sends a Terminate (the device drops the session) and closes the transport. */
  async close(): Promise<void> {
    if (this.closedReason === undefined) {
      this.session.initialize();
      await this.flush();
    }
    await this.transport.close();
  }
}
