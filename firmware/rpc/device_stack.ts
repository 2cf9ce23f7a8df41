// The whole device stack of one link, composed: session over framing (bytes in and out), the
// MinRPC server over the session (one request packet per Normal message), tensor memory from the
// page allocator. Board-independent: the board's top-level module (firmware/device.ts) gives it
// the static pool, the byte output and the platform services.
//
//   bytes in -> feed() -> Session (Unframer) -> message() -> RpcServer.handle()
//   RpcServer -> send() (PacketSink) -> Session.sendMessage(Normal) -> Framer -> out.write()
//
// The device never initiates a session: boot() sends the Terminate (with the FE prefix of a fresh
// framer, spec §3.5) and then only answers. Each new session (a host Init) resets the server:
// every tensor is freed and the time evaluator forgotten. Logs go out as session Log messages
// (id 0), allowed before and after a session exists (§3.4).
//
// Reliable mode (session version 2, docs/protocol.md): requests and replies travel as Reliable
// messages, a sequence byte before the packet. The host retransmits a request until its reply
// arrives; the device runs each sequence number once and answers a repeat with the reply it
// already sent, so a lost reply costs no second execution (no double allocation, no double
// call). The cached reply is the server's reply buffer, untouched until the next request, except
// for requests refused while an async call runs: tick() rewrites that buffer meanwhile, so their
// (short) refusal is kept as a copy. A repeat of a request still running (async) or one with no
// reply is ignored.

import { u8, u16, u32, bytes, view, copy, rd8, log, type Bytes, type bool } from '../lib/prelude.ts';
import { Err } from '../lib/errors.ts';
import type { WriteStream } from '../framing/framer.ts';
import {
  Session,
  MessageType,
  SESSION_VERSION_RELIABLE,
  type RandomSource,
  type SessionListener,
} from '../session/session.ts';
import { PageAllocator } from '../memory/page_allocator.ts';
import type { PacketSink, Platform } from './ports.ts';
import { PageMemory } from './memory_adapter.ts';
import { RpcServer } from './server.ts';

/** Page size of the tensor pool: 2^8 = 256 bytes, as the CRT's host template. */
export const DEVICE_PAGE_LOG2 = 8;
/** Default tensor pool: 1008 pages of 256 bytes after the allocator's 8-byte entry per page. */
export const DEVICE_POOL_BYTES = 266112;
/** Its size table: one u32 per page. */
export const DEVICE_SIZE_TABLE_BYTES = 4032;

/** Room for a cached refusal: the 8-byte length, code, type codes and Busy's text. */
const BUSY_REPLY_BYTES = 160;

/** lastReply before any reply (a view field needs a view to start from). */
const NO_REPLY = bytes(0);

export class DeviceStack implements PacketSink, SessionListener, RandomSource {
  private readonly plat: Platform;
  private readonly pages: PageAllocator;
  private readonly mem: PageMemory;
  private readonly session: Session;
  private readonly server: RpcServer;
  /** Framing errors met in received bytes (diagnostics). */
  rxErrors: u32 = u32(0);
  /** Sessions established since boot. */
  sessions: u32 = u32(0);
  /** Reliable mode: the sequence number of the request being served or last served. */
  private seq: u8 = u8(0);
  /** Reliable mode: a request has been seen in this session (seq is meaningful). */
  private seqValid: bool = false;
  /** Reliable mode: the reply to `seq` has been sent and is `lastReply`. */
  private replied: bool = false;
  private lastReply: Bytes = NO_REPLY;
  private readonly seqByte: Bytes = bytes(1);
  /** Reliable mode: the cached copy of a Busy refusal (an exception packet with a short text). */
  private readonly busyReply: Bytes = bytes(BUSY_REPLY_BYTES);
  /** Reliable mode: repeated requests answered from lastReply. */
  repeats: u32 = u32(0);
  /** Reliable mode: the sequence number of the request that went async (its reply comes from
   * tick(), maybe after other requests were refused meanwhile). */
  private asyncSeq: u8 = u8(0);
  /** server.tick() is running: a reply sent now answers the async request. */
  private inTick: bool = false;

  constructor(pool: Bytes, sizes: Bytes, out: WriteStream, plat: Platform) {
    this.plat = plat;
    this.pages = new PageAllocator(pool, u8(DEVICE_PAGE_LOG2));
    this.mem = new PageMemory(this.pages, sizes);
    this.session = new Session(out, this, this);
    this.session.setMaxVersion(u8(SESSION_VERSION_RELIABLE));
    this.server = new RpcServer(this, this.mem, plat);
  }

  /** Sends the boot Terminate (any peer drops its old session) and announces the device. */
  boot(): Err {
    const e: Err = this.session.initialize();
    log('urpc device ready (tensor pool bytes, max packet):', this.mem.capacity(), 2048);
    return e;
  }

  /** A warm reboot: drops the session and every tensor, then boots again (as after a reset). */
  reboot(): Err {
    this.server.reset();
    this.seqValid = false;
    this.replied = false;
    this.rxErrors = u32(0);
    this.sessions = u32(0);
    return this.boot();
  }

  /** Bytes from the link (any chunking). Returns the first framing error met; the stream goes on. */
  feed(data: Bytes): Err {
    const e: Err = this.session.receive(data);
    if (e !== Err.Ok) {
      this.rxErrors = u32(this.rxErrors + 1);
    }
    return e;
  }

  /** One log line (already formatted text) as a session Log message. */
  sendLog(text: Bytes): Err {
    return this.session.sendLog(text);
  }

  /** Polls a pending async device function (urpc.sleep, ...) and sends its reply when it
   * completes. Call it from the main loop; returns true while a call is pending, so a board can
   * sleep until the next byte only when it returns false. */
  tick(): bool {
    this.inTick = true;
    const busy: bool = this.server.tick();
    this.inTick = false;
    return busy;
  }

  sessionId(): u16 {
    return this.session.sessionId();
  }

  requests(): u32 {
    return this.server.requests;
  }

  // ---- PacketSink: replies of the RPC server ----

  send(packet: Bytes): Err {
    if (this.session.sessionVersion() !== SESSION_VERSION_RELIABLE) {
      return this.session.sendMessage(u8(MessageType.Normal), packet);
    }
    if (this.inTick && this.asyncSeq !== this.seq) {
      // The async call's reply, after other requests came: tagged with its own number, and not
      // cached (a repeat of the current request must get the current request's reply).
      return this.sendReliable(this.asyncSeq, packet);
    }
    this.lastReply = packet;
    if (this.server.busy() && !this.inTick) {
      // A refusal while an async call is pending: the server's reply buffer is rewritten by
      // every tick() until the call completes, so the cache keeps its own copy.
      if (packet.length > this.busyReply.length) {
        this.replied = false; // cannot happen (refusals are short); a repeat is then ignored
        return this.sendReliable(this.seq, packet);
      }
      copy(this.busyReply, u32(0), packet);
      this.lastReply = view(this.busyReply, u32(0), packet.length);
    }
    this.replied = true;
    return this.sendReliable(this.seq, this.lastReply);
  }

  /** A Reliable message: the sequence byte, then the packet. */
  private sendReliable(seq: u8, packet: Bytes): Err {
    let e: Err = this.session.startMessage(u8(MessageType.Reliable), u32(packet.length + 1));
    this.seqByte[0] = seq;
    if (e === Err.Ok) {
      e = this.session.writeMessageBody(this.seqByte);
    }
    if (e === Err.Ok) {
      e = this.session.writeMessageBody(packet);
    }
    if (e === Err.Ok) {
      e = this.session.finishMessage();
    } else {
      this.session.abortMessage();
    }
    return e;
  }

  // ---- SessionListener ----

  established(): void {
    this.server.reset();
    this.seqValid = false;
    this.replied = false;
    this.sessions = u32(this.sessions + 1);
    log('urpc session established: id', this.session.sessionId());
  }

  terminated(): void {
    // The host ended the session; the next Init starts a new one (and resets the server).
  }

  message(type: u8, body: Bytes): void {
    if (type === MessageType.Normal) {
      this.server.handle(body);
    } else if (
      type === MessageType.Reliable &&
      body.length >= 1 &&
      this.session.sessionVersion() === SESSION_VERSION_RELIABLE
    ) {
      this.reliableRequest(body);
    }
  }

  private reliableRequest(body: Bytes): void {
    const s: u8 = rd8(body, u32(0));
    if (this.seqValid && s === this.seq) {
      if (this.replied) {
        this.repeats = u32(this.repeats + 1);
        this.sendReliable(this.seq, this.lastReply);
      }
      return; // still running (async), or a request with no reply
    }
    const wasBusy: bool = this.server.busy();
    this.seq = s;
    this.seqValid = true;
    this.replied = false;
    this.server.handle(view(body, u32(1), body.length));
    if (!wasBusy && this.server.busy()) {
      this.asyncSeq = s;
    }
  }

  log(text: Bytes): void {
    // Logs sent to the device are ignored (TVM devices never expect them, spec §3.7).
  }

  // ---- RandomSource: the session's initial nonce ----

  randomByte(): u8 {
    return u8(this.plat.random32());
  }
}
