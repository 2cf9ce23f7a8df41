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
// already sent (the deduplication rules are reply_cache.ts's).
//
// Compact mode (session version 3) is reliable mode with compact packets (compact.ts): a request
// is decoded to its MinRPC packet before the server sees it, a reply encoded just before it is
// framed, so the server and the reply cache only ever hold MinRPC packets.

import { u8, u16, u32, bytes, view, rd8, log, type Bytes, type bool } from '../lib/prelude.ts';
import { Err } from '../lib/errors.ts';
import type { WriteStream } from '../framing/framer.ts';
import {
  Session,
  MessageType,
  SESSION_VERSION_RELIABLE,
  SESSION_VERSION_COMPACT,
  type RandomSource,
  type SessionListener,
} from '../session/session.ts';
import { PageAllocator } from '../memory/page_allocator.ts';
import type { PacketSink, Platform } from './ports.ts';
import { PageMemory } from './memory_adapter.ts';
import { RpcServer } from './server.ts';
import { ReplyCache, Take } from './reply_cache.ts';
import { CompactCodec, CompactError, CompactForm, COMPACT_PACKET_BYTES } from './compact.ts';

/** Page size of the tensor pool: 2^8 = 256 bytes, as the CRT's host template. */
export const DEVICE_PAGE_LOG2 = 8;
/** Default tensor pool: 1008 pages of 256 bytes after the allocator's 8-byte entry per page. */
export const DEVICE_POOL_BYTES = 266112;
/** Its size table: one u32 per page. */
export const DEVICE_SIZE_TABLE_BYTES = 4032;

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
  /** Reliable mode: sequence numbers and the reply to repeat. */
  private readonly cache: ReplyCache = new ReplyCache();
  /** The sequence byte (and in compact mode the raw form byte) before a packet. */
  private readonly seqByte: Bytes = bytes(2);
  /** server.tick() is running: a reply sent now answers the async request. */
  private inTick: bool = false;
  /** Compact mode: the codec, a decoded request, an encoded reply and a refusal. */
  readonly compact: CompactCodec = new CompactCodec();
  private readonly compactIn: Bytes = bytes(COMPACT_PACKET_BYTES);
  private readonly compactOut: Bytes = bytes(COMPACT_PACKET_BYTES);
  private readonly refused: Bytes = bytes(2);

  constructor(pool: Bytes, sizes: Bytes, out: WriteStream, plat: Platform) {
    this.plat = plat;
    this.pages = new PageAllocator(pool, u8(DEVICE_PAGE_LOG2));
    this.mem = new PageMemory(this.pages, sizes);
    this.session = new Session(out, this, this);
    this.session.setMaxVersion(u8(SESSION_VERSION_COMPACT));
    this.server = new RpcServer(this, this.mem, plat);
  }

  /** The highest session version this device answers (3, compact mode, unless lowered: 2 stays
   * on reliable mode, 1 answers as a microTVM device). Takes effect at the next Init. */
  setMaxVersion(v: u8): void {
    this.session.setMaxVersion(v);
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
    this.cache.reset();
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

  /** Bytes the link must still bring before the frame being received can be complete (1
   * between frames): a board's main loop may let that many gather before feeding them. */
  bytesNeeded(): u32 {
    return this.session.bytesNeeded();
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

  /** Reliable mode: repeated requests answered from the cache. */
  repeats(): u32 {
    return this.cache.repeats;
  }

  // ---- PacketSink: replies of the RPC server ----

  send(packet: Bytes): Err {
    if (this.session.sessionVersion() < SESSION_VERSION_RELIABLE) {
      return this.session.sendMessage(u8(MessageType.Normal), packet);
    }
    if (this.cache.staleAsync(this.inTick)) {
      return this.sendReliable(this.cache.asyncNumber(), packet);
    }
    // A refusal while an async call is pending: every tick() rewrites the server's reply buffer.
    const p: Bytes = this.cache.keep(packet, this.server.busy() && !this.inTick);
    return this.sendReliable(this.cache.current(), p);
  }

  /** A Reliable message: the sequence byte, then the packet; in compact mode a Compact message:
   * the sequence byte, then the packet's compact form, or the raw form byte and the packet. */
  private sendReliable(seq: u8, packet: Bytes): Err {
    let type: u8 = u8(MessageType.Reliable);
    let head: Bytes = view(this.seqByte, u32(0), u32(1));
    let body: Bytes = packet;
    if (this.session.sessionVersion() === SESSION_VERSION_COMPACT) {
      type = u8(MessageType.Compact);
      const n: u32 = this.compact.encode(packet, this.compactOut);
      this.seqByte[1] = u8(CompactForm.Raw);
      if (n > 0) {
        body = view(this.compactOut, u32(0), n);
      } else {
        head = this.seqByte;
      }
    }
    let e: Err = this.session.startMessage(type, u32(head.length + body.length));
    this.seqByte[0] = seq;
    if (e === Err.Ok) {
      e = this.session.writeMessageBody(head);
    }
    if (e === Err.Ok) {
      e = this.session.writeMessageBody(body);
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
    this.cache.reset();
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
      body.length >= 1 &&
      ((type === MessageType.Reliable && this.session.sessionVersion() === SESSION_VERSION_RELIABLE) ||
        (type === MessageType.Compact && this.session.sessionVersion() === SESSION_VERSION_COMPACT))
    ) {
      this.reliableRequest(body);
    }
  }

  private reliableRequest(body: Bytes): void {
    const t: Take = this.cache.take(rd8(body, u32(0)));
    if (t === Take.Repeat) {
      this.sendReliable(this.cache.current(), this.cache.cached());
    }
    if (t !== Take.New) {
      return; // a repeat, or one of a request still running (async) or with no reply
    }
    let packet: Bytes = view(body, u32(1), body.length);
    if (this.session.sessionVersion() === SESSION_VERSION_COMPACT) {
      packet = this.compact.decode(packet, this.compactIn);
      if (this.compact.error !== CompactError.Ok) {
        this.send(this.compact.refusal(this.refused)); // answered (and cached) like a reply
        return;
      }
    }
    const wasBusy: bool = this.server.busy();
    this.server.handle(packet);
    if (!wasBusy && this.server.busy()) {
      this.cache.wentAsync();
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
