// The host side of the session layer: the same FwTS Framer / Unframer / Session classes the device
// runs, driven from Node over a Transport. It opens the session the way TVM's host does (spec §6.2:
// Terminate + Init, a retry every `retryMs` with a fresh nonce, failure after `startTimeoutMs`),
// carries one RPC packet per Normal message, delivers device Logs, and notices a device reset (a
// Terminate while established: the device rebooted) so the next request re-opens the session.
//
// Compact mode (the default; `compact: false` stops at reliable mode): the Init offers session
// version 3; a device that answers 3 gets reliable mode with compact packets (Compact messages:
// sequence byte + compact packet, firmware/rpc/compact.ts): a CallFunc of int and null
// arguments and its Return are ~20 wire bytes instead of ~50, anything else goes as a raw
// MinRPC packet after a form byte. Everything below about reliable mode holds for it.
//
// Reliable mode (`compact: false`; `reliable: false` turns it off): the Init offers session version 2;
// a device that answers 2 gets each request as a Reliable message (sequence byte + packet),
// re-sent with the current session id after every retransmission timeout (rto.ts) until the
// reply with the same sequence byte arrives; replies to other sequence numbers (late duplicates)
// and unsequenced Normal messages are dropped and counted. A device that answers 1 (microTVM,
// older urpc) gets plain Normal messages: plain mode, which cannot tell a reply from another
// request's. It protects itself where it can: a request that was sent and timed out, or a reply
// with no request waiting (a desynchronisation), or one that does not fit its request, makes the
// next request re-open the session first (late replies then carry a dead session id); a Normal
// message before the session's first request is dropped, and after a plain handshake the host
// waits one handshake round trip for such strays before it sends (docs/protocol.md lists what
// plain mode cannot detect). Every new session (a handshake, or the device answering a repeat
// of our Init) means a fresh server on the device: onEstablished tells the layer above, which
// forgets its handles (tensors from before fail with StaleTensorError).
//
// Browser-safe: no Node imports (randomness from globalThis.crypto when present).

import { asBytes, u8, u32, type Bytes } from '../../firmware/lib/prelude.ts';
import { Err } from '../../firmware/lib/errors.ts';
import type { WriteStream } from '../../firmware/framing/framer.ts';
import {
  Session,
  MessageType,
  SESSION_VERSION,
  SESSION_VERSION_RELIABLE,
  SESSION_VERSION_COMPACT,
  type RandomSource,
  type SessionListener,
} from '../../firmware/session/session.ts';
import { RpcError, TimeoutError } from './client.ts';
import { panicOfLog, PANIC_LOG_PREFIX } from './panic.ts';
import { RtoEstimator, type RtoOptions } from './rto.ts';
import { WireOut } from './wire-out.ts';
import { useFastFraming } from './fast-framing.ts';
import { copyBytes } from './slab.ts';
import type { Transport } from '../transport/transport.ts';
import { CompactCodec, CompactForm, CompactError, COMPACT_PACKET_BYTES } from '../../firmware/rpc/compact.ts';
import { exceptionPacket, toHex } from './packet.ts';

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
  /** Offer reliable mode (session version 2; default true). A device that answers 1 (microTVM)
   * gets plain microTVM bytes either way; false offers only 1. */
  reliable?: boolean;
  /** Offer compact mode (session version 3; default true, and only with `reliable`). false
   * offers reliable mode (2) at most. */
  compact?: boolean;
  /** Reliable mode's retransmission timeout (rto.ts). */
  rto?: RtoOptions;
}

/** A reliable-mode request waiting for its reply. */
interface Outstanding {
  seq: number;
  packet: Uint8Array;
  /** The message as framed (again at every retransmission): its type and body parts. */
  type: u8;
  parts: Uint8Array[];
  sentAt: number;
  /** Sent with no other request waiting: its round trip is its own (an RTO sample). */
  alone: boolean;
  retries: number;
  /** The retransmission timer: armed while this is the first request waiting (one behind
   * another crosses the link after it, so its own round trip starts when that one is answered). */
  timer: ReturnType<typeof setTimeout> | undefined;
  /** When the timer was last armed. */
  armedAt: number;
  /** Its reply, when it came before the reply of a request sent earlier (which was lost and is
   * being re-sent): held so replies reach the client in the order the requests went. */
  reply: Uint8Array | undefined;
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
  private readonly out = new WireOut();
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
  /** Reliable mode: requests re-sent after a retransmission timeout. */
  retransmissions = 0;
  /** Reliable mode: replies dropped because they answer no waiting request (duplicates). */
  duplicateReplies = 0;
  /** Reliable mode: Normal (unsequenced) messages dropped; they cannot be matched to a request. */
  unsequencedReplies = 0;
  /** Plain mode: replies dropped because no request had been sent in their session yet. */
  unsolicitedReplies = 0;
  /** Plain mode: the session was marked for re-opening because request and reply may be out of step. */
  desyncs = 0;
  /** Reliable mode: replies that came before the reply to a request sent earlier (lost, being
   * re-sent) and were held back so replies keep the requests' order (pipelined copies). */
  repliesHeld = 0;
  /** Compact mode: requests sent in compact form, and in raw form (no compact form). */
  compactRequests = 0;
  rawRequests = 0;
  /** Compact mode: replies that did not decode (failed as ProtocolError), and requests the
   * device refused as undecodable (failed as RemoteError). */
  compactErrors = 0;
  compactRefusals = 0;
  /** Requests sent that expect a reply, and replies taken for them, over every session (their
   * difference is the request on the wire: group tests read it as protocol evidence). */
  requestsSent = 0;
  repliesTaken = 0;
  private readonly rto: RtoEstimator;
  private readonly codec = new CompactCodec();
  private readonly compactOut = new Uint8Array(COMPACT_PACKET_BYTES);
  private readonly compactIn = new Uint8Array(COMPACT_PACKET_BYTES);
  private seq = 0;
  /** Reliable mode: requests waiting for their replies, in the order sent (more than one only
   * for a pipelined copy: sendPacket's `overlap`). */
  private readonly outstanding: Outstanding[] = [];
  /** A sent request timed out (plain mode: its reply may still come; reliable: the device may
   * have rebooted unheard), or plain mode lost step: re-open before the next request. */
  private stale = false;
  /** Plain mode: a request was sent and its reply has not come. */
  private awaitingReply = false;
  /** Requests sent and replies taken in the current session. */
  private sentInSession = 0;
  private answeredInSession = 0;
  /** When bytes last came from the device (a long reply in transit is not a lost one). */
  private lastRxAt = 0;
  /** Wire bytes received and sent in all (framing included). */
  rxBytes = 0;
  txBytes = 0;
  /** Whether some received bytes were our own last write coming back (a loopback). */
  private lastWrite: Uint8Array | undefined;
  private echoSeen = false;

  onPacket: (packet: Uint8Array) => void = () => undefined;
  onLog: (text: string) => void = () => undefined;
  /** The device's last "firmware panic: ..." log line, if it sent one. */
  panicLine: string | undefined;
  /** The device ended the open session (reset): fail what is waiting. */
  onReset: (err: SessionResetError) => void = () => undefined;
  /** The transport closed. */
  onClosed: (err: LinkClosedError) => void = () => undefined;
  /** Compact mode: the reply to the waiting request arrived but did not decode. */
  onBadReply: (why: string) => void = () => undefined;
  /** A new session is open: the device's server is fresh (its handles from before are gone). */
  onEstablished: () => void = () => undefined;

  constructor(transport: Transport, opts: HostSessionOptions = {}) {
    this.transport = transport;
    this.retryMs = opts.retryMs ?? 1000;
    this.startTimeoutMs = opts.startTimeoutMs ?? 10000;
    this.nonceSource = opts.randomByte ?? randomByte;
    // The device's Session, with the host's fast payload loops (fast-framing.ts).
    this.session = useFastFraming(new Session(this, this, this));
    this.session.setMaxVersion(u8(opts.reliable === false ? SESSION_VERSION : opts.compact === false ? SESSION_VERSION_RELIABLE : SESSION_VERSION_COMPACT));
    this.session.refuseInit(); // the device never initiates; an Init we receive is our own echo
    this.rto = new RtoEstimator(opts.rto);
    transport.onData((d) => {
      this.lastRxAt = Date.now();
      this.rxBytes += d.length;
      if (!this.echoSeen && this.lastWrite !== undefined && isEcho(d, this.lastWrite)) this.echoSeen = true;
      if (this.session.receive(asBytes(d)) !== Err.Ok) {
        this.rxErrors++;
        // A damaged frame while a request waits is most likely its reply: ask again now.
        const first = this.outstanding[0];
        if (first !== undefined) this.retransmit(first);
      }
      this.flush();
    });
    transport.onClose((reason) => {
      // A device that announced a panic before the link ended is named (firmware panic: Bounds),
      // not left at "connection closed" (client/panic.ts).
      this.closedReason = this.panicLine !== undefined && !reason.startsWith(PANIC_LOG_PREFIX) ? `${this.panicLine}: ${reason}` : reason;
      this.stopRetransmitting();
      this.onClosed(new LinkClosedError(this.closedReason));
    });
  }

  get isEstablished(): boolean {
    return this.session.isEstablished();
  }

  get sessionId(): number {
    return this.session.sessionId();
  }

  /** The open session uses reliable mode (we offered it and the device accepted; compact mode
   * is reliable too). */
  get reliable(): boolean {
    return this.session.isEstablished() && this.session.sessionVersion() >= SESSION_VERSION_RELIABLE;
  }

  /** The open session uses compact mode (session version 3). */
  get compact(): boolean {
    return this.session.isEstablished() && this.session.sessionVersion() === SESSION_VERSION_COMPACT;
  }

  // ---- WriteStream (framer output) and RandomSource ----

  write(data: Bytes): Err {
    return this.out.write(data);
  }

  randomByte(): u8 {
    return u8(this.nonceSource());
  }

  /** Sends what the framer produced since the last flush as one transport write. */
  private flush(): Promise<void> {
    if (this.out.length === 0) return this.writeChain;
    return this.send(this.out.take());
  }

  private send(buf: Uint8Array): Promise<void> {
    this.lastWrite = buf;
    this.txBytes += buf.length;
    this.writeChain = this.writeChain.then(() => this.transport.write(buf)).catch((e: unknown) => {
      this.writeError = e instanceof Error ? e : new Error(String(e));
    });
    return this.writeChain;
  }

  private checkOpen(): void {
    if (this.closedReason !== undefined) throw new LinkClosedError(this.closedReason);
    if (this.writeError !== undefined) {
      const m = this.writeError.message;
      // Transports name themselves (and a panic leads): no second prefix.
      throw new LinkClosedError(m.startsWith(this.transport.name) || m.startsWith(PANIC_LOG_PREFIX) ? m : `${this.transport.name}: ${m}`);
    }
  }

  // ---- SessionListener ----

  established(): void {
    this.established_++;
    const answered = this.answeredInSession;
    this.sentInSession = 0;
    this.answeredInSession = 0;
    this.awaitingReply = false;
    this.onEstablished();
    if (this.opening === undefined && answered > 0) {
      // Outside our handshake: the device answered a repeat of our Init, so it reset its server
      // after requests were served. The waiting request may name handles that are gone.
      this.resets++;
      this.stopRetransmitting();
      this.onReset(new SessionResetError(`${this.transport.name}: the device started a new session (it answered a repeat of our Init); its memory from before is gone`));
    }
    this.wakeEstablished?.();
  }

  terminated(): void {
    this.resets++;
    this.stopRetransmitting();
    this.onReset(new SessionResetError(`${this.transport.name}: the device ended the session (it rebooted or another host connected); the next call opens a new session`));
  }

  message(type: u8, body: Bytes): void {
    if (type === MessageType.Normal) {
      if (this.reliable) {
        this.unsequencedReplies++; // no sequence number: it could answer anything
        return;
      }
      if (this.sentInSession === 0) {
        this.unsolicitedReplies++; // nothing was asked in this session yet
        return;
      }
      this.awaitingReply = false;
      this.answeredInSession++;
      this.repliesTaken++;
      this.onPacket(copyBytes(body as unknown as Uint8Array));
    }
    const ours = this.compact ? MessageType.Compact : MessageType.Reliable;
    if (type === ours && body.length >= 1 && this.reliable) this.reliableReply(copyBytes(body as unknown as Uint8Array));
  }

  private reliableReply(body: Uint8Array): void {
    const o = this.outstanding.find((x) => x.seq === body[0] && x.reply === undefined);
    if (o === undefined) {
      this.duplicateReplies++;
      return;
    }
    clearTimeout(o.timer);
    o.timer = undefined;
    o.reply = body;
    if (o !== this.outstanding[0]) this.repliesHeld++;
    // Deliver from the front while replies are there; the next request waiting gets the timer.
    for (let head = this.outstanding[0]; head?.reply !== undefined; head = this.outstanding[0]) {
      this.outstanding.shift();
      if (head.retries === 0 && head.alone) this.rto.sample(Date.now() - head.sentAt, head.packet.length);
      this.answeredInSession++;
      this.repliesTaken++;
      if (head.type === MessageType.Compact) this.compactReply(head.reply.subarray(1));
      else this.onPacket(head.reply.subarray(1));
    }
    const next = this.outstanding[0];
    if (next !== undefined && next.timer === undefined) this.armRetransmit(next);
  }

  /** A compact reply, as the MinRPC packet the client reads. */
  private compactReply(c: Uint8Array): void {
    if (c.length === 2 && c[0] === CompactForm.Refused) {
      this.compactRefusals++;
      this.onPacket(exceptionPacket(`the device could not decode the compact request (${compactErrorName(c[1]!)})`));
      return;
    }
    const p = this.codec.decode(asBytes(c), asBytes(this.compactIn)) as unknown as Uint8Array;
    if (this.codec.error !== CompactError.Ok) {
      this.compactErrors++;
      this.onBadReply(`the compact reply does not decode (${compactErrorName(this.codec.error)}): ${hex(c)}`);
      return;
    }
    this.onPacket(p.buffer === this.compactIn.buffer ? p.slice() : p); // compactIn is reused
  }

  log(text: Bytes): void {
    const line = textDecoder.decode(text as unknown as Uint8Array);
    this.panicLine = panicOfLog(line) ?? this.panicLine;
    this.onLog(line);
  }

  // ---- operations ----

  /** Opens the session if it is not open (spec §6.2). Concurrent callers share one handshake;
   * `limit` (an end-to-end deadline: Date.now() ms and its length) ends it before startTimeoutMs. */
  ensureOpen(limit?: { at: number; ms: number }): Promise<void> {
    if (this.session.isEstablished() && !this.stale) return Promise.resolve();
    this.opening ??= this.handshake(limit).finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  /** Plain mode lost step (a reply with no request waiting, or one that does not fit its
   * request): re-open before the next request so whatever is still in flight is dropped. */
  resync(): void {
    if (this.reliable) return; // sequence numbers pair requests and replies
    this.desyncs++;
    this.stale = true;
  }

  private async handshake(limit?: { at: number; ms: number }): Promise<void> {
    this.checkOpen();
    const t0 = Date.now();
    const limited = limit !== undefined && limit.at < t0 + this.startTimeoutMs;
    const deadline = limited ? limit.at : t0 + this.startTimeoutMs;
    let lastSentAt = t0;
    let attempts = 0;
    this.stale = false;
    while (attempts === 0 || !this.session.isEstablished()) {
      const now = Date.now();
      if (now >= deadline) {
        throw new TimeoutError(`${this.transport.name}: session start handshake failed ` +
          `${limited ? `within the ${limit.ms} ms deadline` : `after ${this.startTimeoutMs} ms`} ` +
          `(${attempts} attempts, no Reply; ${this.rxBytes} bytes received, ${this.rxErrors} with framing errors); ` +
          (this.echoSeen
            ? 'the link sends our own bytes back (a loopback, or a terminal with echo on), which a urpc device never does'
            : this.rxBytes > 0
              ? 'bytes came but no urpc Reply: is it urpc firmware, at the right baud rate?'
              : 'nothing came back: is the device running urpc firmware and is the link right?'));
      }
      attempts++;
      this.session.initialize();
      this.session.startSession();
      lastSentAt = Date.now();
      // Bounded: a stalled link can hold a write for seconds.
      await untilOrTimeout(this.flush(), deadline - Date.now());
      this.checkOpen();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.max(0, Math.min(this.retryMs, deadline - Date.now())));
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
    // An Init answered at once is a round trip too: reliable mode's first RTO comes from it.
    if (attempts === 1) this.rto.sample(Date.now() - t0, 0);
    if (!this.reliable) {
      // Plain mode: a stray reply sent right after the handshake Reply would be taken for our
      // first request's. Wait one handshake round trip (1..50 ms) for it: it is dropped then.
      const settle = Math.min(50, Math.max(1, Date.now() - lastSentAt), Math.max(0, deadline - Date.now()));
      await new Promise<void>((resolve) => setTimeout(resolve, settle));
      this.checkOpen();
    }
  }

  /** Sends one RPC packet: a Normal message, or in reliable mode a Reliable message re-sent until
   * its reply arrives (unless `expectsReply` is false), requestTimedOut() or the session ends.
   * A new request ends the re-sending of earlier ones unless `overlap` (a pipelined copy: they
   * are still waited for; replies reach onPacket in the order the requests went). */
  async sendPacket(packet: Uint8Array, expectsReply = true, overlap = false): Promise<void> {
    this.checkOpen();
    if (!this.reliable) {
      this.frame(u8(MessageType.Normal), [packet]);
      this.sentInSession++;
      this.awaitingReply = expectsReply;
    } else {
      if (!overlap) this.stopRetransmitting();
      this.seq = (this.seq + 1) & 0xff;
      const o: Outstanding = { seq: this.seq, packet, type: u8(MessageType.Reliable), parts: [Uint8Array.of(this.seq), packet],
        sentAt: Date.now(), alone: this.outstanding.length === 0, retries: 0, timer: undefined, armedAt: 0, reply: undefined };
      if (this.compact) this.compactParts(o);
      this.sentInSession++;
      this.frame(o.type, o.parts);
      if (expectsReply) {
        this.outstanding.push(o);
        if (o.alone) this.armRetransmit(o);
      }
    }
    if (expectsReply) this.requestsSent++;
    await this.flush();
    this.checkOpen();
  }

  /** Compact mode: the request's compact form, or its raw form after the form byte. */
  private compactParts(o: Outstanding): void {
    o.type = u8(MessageType.Compact);
    const n = this.codec.encode(asBytes(o.packet), asBytes(this.compactOut));
    if (n > 0) {
      this.compactRequests++;
      o.parts = [Uint8Array.of(o.seq), this.compactOut.slice(0, n)];
    } else {
      this.rawRequests++;
      o.parts = [Uint8Array.of(o.seq, CompactForm.Raw), o.packet];
    }
  }

  /** The request being waited for gave up (RpcClient's deadline): stop re-sending it and re-open
   * the session before the next request (see the top of this file). */
  requestTimedOut(): void {
    // Plain mode: its reply may still come. Reliable mode: retransmissions got no answer for a
    // whole deadline, so the device may have rebooted unheard (its Terminate lost). A request
    // that timed out before it was sent (waiting for a handshake) changes nothing: marking the
    // session stale then would re-open it again after the handshake, under a tensor made in
    // between (found with stalls: "unknown or freed memory handle").
    const inFlight = this.reliable ? this.outstanding.length > 0 : this.awaitingReply;
    this.stopRetransmitting();
    this.awaitingReply = false;
    if (inFlight) this.stale = true;
  }

  /** The next ensureOpen() starts a new session, so the device's server is fresh (its memory
   * from before is freed): `urpc serve --tvm` does this between two TCP clients. */
  renew(): void {
    this.stopRetransmitting();
    this.awaitingReply = false;
    this.stale = true;
  }

  /** Frames one message from parts into this.out. */
  private frame(type: u8, parts: Uint8Array[]): void {
    const n = parts.reduce((a, p) => a + p.length, 0);
    let e = this.session.startMessage(type, u32(n));
    for (const p of parts) if (e === Err.Ok) e = this.session.writeMessageBody(asBytes(p));
    if (e === Err.Ok) e = this.session.finishMessage();
    if (e !== Err.Ok) {
      this.session.abortMessage();
      this.out.clear();
      throw new RpcError(`${this.transport.name}: cannot send (session error 0x${e.toString(16)})`);
    }
  }

  private armRetransmit(o: Outstanding): void {
    const n = o.packet.length;
    o.armedAt = Date.now();
    o.timer = setTimeout(() => {
      // A frame still arriving (bytes since the timer was set, the unframer inside a frame) is
      // probably the reply: wait one more period rather than ask again.
      if (this.lastRxAt >= o.armedAt && this.session.bytesNeeded() > 1) this.armRetransmit(o);
      else this.retransmit(o);
    }, o.retries === 0 ? this.rto.timeoutMs(n) : this.rto.backoff(o.retries, n));
  }

  private retransmit(o: Outstanding): void {
    clearTimeout(o.timer);
    if (!this.outstanding.includes(o)) return;
    if (!this.reliable) {
      this.stopRetransmitting(); // the session ended; the caller hears it from onReset/onClosed
      return;
    }
    o.retries++;
    this.retransmissions++;
    // Framed again, not replayed: the session id may have changed (a duplicated Init).
    this.frame(o.type, o.parts);
    void this.flush();
    this.armRetransmit(o);
  }

  private stopRetransmitting(): void {
    for (const o of this.outstanding.splice(0)) clearTimeout(o.timer);
  }

  /** Sends a Terminate (the device drops the session) and closes the transport. */
  async close(): Promise<void> {
    this.stopRetransmitting();
    if (this.closedReason === undefined) {
      this.session.initialize();
      await this.flush();
    }
    await this.transport.close();
  }
}

function compactErrorName(e: number): string {
  const name = Object.entries(CompactError).find(([, v]) => v === e)?.[0];
  return name === undefined ? `reason ${e}` : name;
}

/** The first 32 bytes in hex, for an error message. */
function hex(b: Uint8Array): string {
  return toHex(b.subarray(0, 32)) + (b.length > 32 ? ' ...' : '');
}

/** Waits for `p`, or `ms` at most (a write a stalled link holds must not hold the handshake). */
function untilOrTimeout(p: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([p, new Promise<void>((resolve) => { timer = setTimeout(resolve, Math.max(0, ms)); })])
    .finally(() => clearTimeout(timer));
}

/** `d` begins with the whole of `sent` (Terminate + Init, so at least 20 bytes): our write came
 * back. Not a prefix: a device's boot Terminate is byte for byte the Terminate we send. */
function isEcho(d: Uint8Array, sent: Uint8Array): boolean {
  const n = Math.min(sent.length, 64);
  if (n < 20 || d.length < n) return false;
  for (let i = 0; i < n; i++) if (d[i] !== sent[i]) return false;
  return true;
}
