// Session layer, byte-compatible with microTVM's Session (spec §3). Every frame payload is a
// message with a 3-byte header: initiator nonce, responder nonce (together the session id, u16
// little-endian) and the message type.
//
// The handshake: each side picks a random 8-bit nonce. Initialize() sends a Terminate (the
// device does this at boot). The initiator sends Init(nonce, 0); the responder answers
// Reply(initiator nonce, its own nonce), and both use that pair as the session id. Normal
// messages must carry it, so traffic from before a reboot or restart is dropped. If both sides
// send Init at once, the lower nonce wins.
//
// Differences from TVM, none visible on the wire:
// - The receive buffer is emptied after every frame, valid or not, and after every message
//   whether delivered or rejected: a bad or refused message never wedges the receiver or
//   shifts the next one (TVM defects §3.7, §9.3.1-2).
// - A Reply arriving while established is ignored unless it answers our own current Init
//   (then its responder nonce is adopted); TVM silently drops the session (§9.2.4).
// - A Reply answering a nonce we did not send is ignored in every state.
//
// Version negotiation (a urpc extension, invisible to TVM peers): the Init carries the highest
// version the initiator speaks; the responder answers with the highest version both speak
// (never below 1). Version 1 is plain microTVM; version 2 adds reliable messages
// (MessageType.Reliable, see firmware/rpc/device_stack.ts); version 3 carries the same sequence
// numbers before compact packets (MessageType.Compact, firmware/rpc/compact.ts). A TVM host sends
// 1 and gets 1; a TVM device answers 1 to anything, so a urpc host offering 3 falls back to plain
// mode.

import { u8, u16, u32, bytes, view, copy, rd8, type Bytes, type bool } from '../lib/prelude.ts';
import { Err } from '../lib/errors.ts';
import { Framer, FramerState, type WriteStream } from '../framing/framer.ts';
import { Unframer, type FrameSink } from '../framing/unframer.ts';

export const MessageType = {
  StartSessionInit: 0x00,
  StartSessionReply: 0x01,
  TerminateSession: 0x02,
  Log: 0x03,
  Normal: 0x10,
  /** Version 2 sessions: a 1-byte sequence number, then one MinRPC packet (reliable mode). */
  Reliable: 0x11,
  /** Version 3 sessions: a 1-byte sequence number, then one compact packet (firmware/rpc/compact.ts). */
  Compact: 0x12,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

export const SessionState = { Reset: 0, NoSession: 1, StartSent: 2, Established: 3 } as const;
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

/** Session protocol version carried by Init and Reply (TVM's kVersion). */
export const SESSION_VERSION = 0x01;
/** The urpc version with reliable messages (sequence numbers and retransmission). */
export const SESSION_VERSION_RELIABLE = 0x02;
/** The urpc version with compact messages: reliable mode's sequence numbers, compact packets. */
export const SESSION_VERSION_COMPACT = 0x03;
export const SESSION_HEADER_SIZE = 3;
/** Largest message (header included) we accept: TVM_CRT_MAX_PACKET_SIZE_BYTES. */
export const SESSION_MAX_MESSAGE = 2048;

/** Entropy for the initial nonce (the platform's TVMPlatformGenerateRandom). */
export interface RandomSource {
  randomByte(): u8;
}

/** The layer above the session (the RPC server or client). */
export interface SessionListener {
  /** A session was established (or re-established with a new id). */
  established(): void;
  /** The peer ended the established session. */
  terminated(): void;
  /** A Normal (or unknown-type) message of the current session; `body` is valid only during the call. */
  message(type: u8, body: Bytes): void;
  /** A Log message; `text` is valid only during the call. */
  log(text: Bytes): void;
}

/** TVM's nonce step, truncated to 8 bits (spec §3.3). Not a rotation: bits 3-4 are lost. */
export function regenerateNonce(n: u8): u8 {
  let r: u8 = u8((((n & 0x07) << 5) | (n >>> 5)) + 1);
  if (r === 0) {
    r = u8(1);
  }
  return r;
}

export class Session implements FrameSink {
  private readonly framer: Framer;
  private readonly unframer: Unframer;
  private readonly rng: RandomSource;
  private readonly listener: SessionListener;
  private state: SessionState = SessionState.Reset;
  /** Our nonce: the initiator byte if we started the session, the responder byte otherwise. */
  private nonce: u8 = u8(0);
  private sid: u16 = u16(0);
  /** We sent the Init of the current attempt or session. */
  private initiator: bool = false;
  /** The highest version we speak (offered in our Init, the cap of our Reply). */
  private maxVersion: u8 = u8(SESSION_VERSION);
  /** The version of the current session (1 until one is established). */
  private version: u8 = u8(SESSION_VERSION);
  /** We may answer an Init (become the responder). */
  private answersInit: bool = true;
  /** The message being received; emptied at every frame boundary. */
  /** Two bytes more than SESSION_MAX_MESSAGE: a Compact message's sequence and form bytes. */
  private readonly rx: Bytes = bytes(SESSION_MAX_MESSAGE + 2);
  private rxLen: u32 = u32(0);
  /** Header (and version byte) of messages we send. */
  private readonly tx: Bytes = bytes(4);

  constructor(out: WriteStream, rng: RandomSource, listener: SessionListener) {
    this.framer = new Framer(out);
    this.unframer = new Unframer(this);
    this.rng = rng;
    this.listener = listener;
  }

  getState(): SessionState {
    return this.state;
  }

  isEstablished(): bool {
    return this.state === SessionState.Established;
  }

  sessionId(): u16 {
    return this.sid;
  }

  localNonce(): u8 {
    return this.nonce;
  }

  /** The version of the established session: 1 (plain microTVM), 2 (reliable messages) or 3
   * (compact messages). */
  sessionVersion(): u8 {
    return this.version;
  }

  /** Never answer an Init: for a side that only ever initiates (the host). On a link that echoes
   * our bytes back, our own Init would otherwise look like a simultaneous open and start a storm
   * of new Inits, or a session with ourselves. */
  refuseInit(): void {
    this.answersInit = false;
  }

  /** Sets the highest version we speak (1 to 3; anything else is clamped). Takes effect at the
   * next Init or Reply. */
  setMaxVersion(v: u8): void {
    let m: u8 = v;
    if (m < SESSION_VERSION) {
      m = u8(SESSION_VERSION);
    }
    if (m > SESSION_VERSION_COMPACT) {
      m = u8(SESSION_VERSION_COMPACT);
    }
    this.maxVersion = m;
  }

  /** Picks a fresh nonce, drops any session and tells the peer so (a Terminate with id 0). */
  initialize(): Err {
    this.abortMessage();
    this.nonce = this.rng.randomByte();
    this.sid = u16(0);
    this.version = u8(SESSION_VERSION);
    this.initiator = false;
    this.state = SessionState.NoSession;
    return this.sendControl(MessageType.TerminateSession);
  }

  /** Sends an Init with a new nonce. The session is established when the Reply arrives. */
  startSession(): Err {
    if (this.state === SessionState.Reset) {
      return Err.SessionInvalidState;
    }
    this.nonce = regenerateNonce(this.nonce);
    this.sid = u16(this.nonce);
    this.initiator = true;
    const e: Err = this.sendControl(MessageType.StartSessionInit);
    if (e === Err.Ok) {
      this.state = SessionState.StartSent;
    }
    return e;
  }

  /** One whole message. Logs may be sent in any state, anything else needs a session. */
  sendMessage(type: u8, body: Bytes): Err {
    let e: Err = this.startMessage(type, body.length);
    if (e === Err.Ok) {
      e = this.writeMessageBody(body);
    }
    if (e === Err.Ok) {
      e = this.finishMessage();
    }
    return e;
  }

  /** Gives up a streamed message that cannot be finished. The next frame starts with the FE
   * prefix, and the receiver drops the partial frame when the next FF FD arrives. */
  abortMessage(): void {
    if (this.framer.getState() === FramerState.Transmitting) {
      this.framer.reset();
    }
  }

  sendLog(text: Bytes): Err {
    return this.sendMessage(u8(MessageType.Log), text);
  }

  /** Streams a message: startMessage, then writeMessageBody until bodyLen bytes, then finishMessage. */
  startMessage(type: u8, bodyLen: u32): Err {
    if (bodyLen > 0xfffffffc) {
      // The frame length (header + body) must fit its u32 field.
      return Err.FramingPayloadOverflow;
    }
    let sid: u16 = u16(0); // Logs always carry id 0
    if (type !== MessageType.Log) {
      if (type < MessageType.Log) {
        // Init, Reply and Terminate belong to the handshake.
        return Err.SessionInvalidState;
      }
      if (this.state !== SessionState.Established) {
        return Err.SessionInvalidState;
      }
      sid = this.sid;
    }
    this.putHeader(sid, type);
    const e: Err = this.framer.start(u32(bodyLen + SESSION_HEADER_SIZE));
    if (e !== Err.Ok) {
      return e;
    }
    return this.framer.writePayload(view(this.tx, u32(0), u32(SESSION_HEADER_SIZE)));
  }

  writeMessageBody(chunk: Bytes): Err {
    return this.framer.writePayload(chunk);
  }

  finishMessage(): Err {
    return this.framer.finish();
  }

  /** Feeds received wire bytes (all are consumed); returns the first framing error met. */
  receive(data: Bytes): Err {
    return this.unframer.write(data);
  }

  /** A lower bound on the bytes that complete the field being received (a read size hint). */
  bytesNeeded(): u32 {
    return this.unframer.bytesNeeded();
  }

  // ---- FrameSink: the unframer delivers frames here ----

  /** The largest message we take: TVM's limit, plus the sequence byte in a version 2 session
   * and the form byte too in a version 3 one (a raw packet of the largest size still fits). */
  private rxLimit(): u32 {
    return u32(SESSION_MAX_MESSAGE + this.version - 1);
  }

  frameStart(len: u32): Err {
    this.rxLen = u32(0);
    if (len > this.rxLimit()) {
      return Err.SessionReceiveBufferShortWrite;
    }
    return Err.Ok;
  }

  frameData(data: Bytes): Err {
    if (data.length > u32(this.rxLimit() - this.rxLen)) {
      return Err.SessionReceiveBufferShortWrite;
    }
    copy(this.rx, this.rxLen, data);
    this.rxLen = u32(this.rxLen + data.length);
    return Err.Ok;
  }

  frameEnd(valid: bool): void {
    const n: u32 = this.rxLen;
    this.rxLen = u32(0);
    if (valid && n >= SESSION_HEADER_SIZE) {
      this.dispatch(view(this.rx, u32(SESSION_HEADER_SIZE), n));
    }
  }

  // ---- receive rules (spec §3.4) ----

  private dispatch(body: Bytes): void {
    const initiator: u8 = this.rx[0];
    const responder: u8 = this.rx[1];
    const type: u8 = this.rx[2];
    const hdrSid: u16 = u16(initiator | (responder << 8));
    if (type === MessageType.StartSessionInit) {
      this.onInit(initiator, body);
    } else if (type === MessageType.StartSessionReply) {
      this.onReply(initiator, responder, body);
    } else if (type === MessageType.TerminateSession) {
      // Never id-checked: a rebooted peer does not know the old id.
      if (this.state === SessionState.Established) {
        this.state = SessionState.NoSession;
        this.sid = u16(0);
        this.version = u8(SESSION_VERSION);
        this.listener.terminated();
      }
    } else if (type === MessageType.Log) {
      if (hdrSid === 0 || hdrSid === this.sid) {
        this.listener.log(body);
      }
    } else if (this.state === SessionState.Established && hdrSid === this.sid) {
      this.listener.message(type, body);
    }
  }

  private onInit(peerNonce: u8, body: Bytes): void {
    if (peerNonce === 0 || body.length < 1 || !this.answersInit) {
      return;
    }
    const offered: u8 = rd8(body, u32(0));
    if (this.state !== SessionState.StartSent) {
      // TVM does not check the version here: a newer initiator learns ours from the Reply.
      this.reply(peerNonce, offered);
    } else if (peerNonce < this.nonce) {
      // Both sides sent Init: the lower nonce wins, so we become the responder.
      if (offered >= SESSION_VERSION) {
        this.reply(peerNonce, offered);
      }
    } else if (peerNonce === this.nonce) {
      // A tie: draw again.
      this.startSession();
    }
    // A higher peer nonce is ignored: the peer will accept our Init.
  }

  private onReply(initiator: u8, responder: u8, body: Bytes): void {
    if (responder === 0 || body.length < 1) {
      return;
    }
    const v: u8 = rd8(body, u32(0));
    const ours: bool =
      this.initiator && initiator === this.nonce && v >= SESSION_VERSION && v <= this.maxVersion;
    if (!ours) {
      return; // a stale Reply to an earlier attempt, not for us, or a version we did not offer
    }
    const sid: u16 = u16(this.nonce | (responder << 8));
    if (this.state === SessionState.StartSent) {
      this.establish(sid, v);
    } else if (this.state === SessionState.Established && sid !== this.sid) {
      // The peer answered a duplicate of our Init with a new nonce: follow it.
      this.establish(sid, v);
    }
  }

  /** Answers an Init offering version `offered`: we are the responder of the new session. */
  private reply(peerNonce: u8, offered: u8): void {
    let v: u8 = offered;
    if (v > this.maxVersion) {
      v = this.maxVersion;
    }
    if (v < SESSION_VERSION) {
      v = u8(SESSION_VERSION);
    }
    this.nonce = regenerateNonce(this.nonce);
    this.initiator = false;
    const sid: u16 = u16(peerNonce | (this.nonce << 8));
    this.putHeader(sid, u8(MessageType.StartSessionReply));
    this.tx[3] = v;
    if (this.framer.writeFrame(this.tx) === Err.Ok) {
      this.establish(sid, v);
    }
  }

  private establish(sid: u16, version: u8): void {
    this.sid = sid;
    this.version = version;
    this.state = SessionState.Established;
    this.listener.established();
  }

  /** Terminate (id 0, empty) or Init (our nonce, version byte). */
  private sendControl(type: MessageType): Err {
    this.putHeader(this.sid, u8(type));
    if (type === MessageType.TerminateSession) {
      return this.framer.writeFrame(view(this.tx, u32(0), u32(SESSION_HEADER_SIZE)));
    }
    this.tx[3] = this.maxVersion;
    return this.framer.writeFrame(this.tx);
  }

  private putHeader(sid: u16, type: u8): void {
    this.tx[0] = u8(sid);
    this.tx[1] = u8(sid >>> 8);
    this.tx[2] = type;
  }
}
