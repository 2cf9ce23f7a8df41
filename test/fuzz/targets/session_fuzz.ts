// Fuzz target 2: the Session (firmware/session/session.ts) in the device role, through its
// public API only: initialize(), receive(), sendMessage(), isEstablished(), sessionId().
//
// Every input starts the same way: bytes that end any frame in progress, initialize() (the device
// must send exactly one Terminate with id 0), then a proper handshake (Init with the input's
// nonce and offered version; exactly one Reply, with the highest version both speak). The listener
// answers every message it gets by sending it back (sendMessage with the same type and body), so
// the framer runs on fuzzed data too, and the echo must come out byte for byte.
//
// Checks, with the model of peer.ts: all device output parses as clean frames (DeviceOutput),
// bounded by the frames fed; while fed, the device sends only Replies, one per Init; a message
// with the current id in an established session is delivered once, intact; with another id, or
// without a session, never; a Log with id 0 or the current id reaches log(); Terminate ends the
// session (terminated() once); the model's state and id match isEstablished()/sessionId().
// At the end (liveness): a message on the current session, if the model knows it, and a fresh
// handshake followed by a message must be delivered and echoed.
//
// Input: byte 0 flags (bit 0 structured; bits 1-2 chunking; bits 3-4 offered version 0..3;
// bit 5: the session speaks version 2 too, setMaxVersion(2), so its limit is one byte more),
// byte 1 the first nonce, bytes 2-3 the seed of the device's nonces and of the chunking. Raw
// mode: the rest is fed as is. Structured: records, ctl & 7: 0-1 Normal [u16 len][body],
// 2 any type [u8 type][u16 len][body], 3-7 as in peer.ts.

import { u8, u16, u32, bytes, view, copy, mul32, rd8, wr32le, type Bytes, type bool } from '../../../firmware/lib/prelude.ts';
import { Err } from '../../../firmware/lib/errors.ts';
import { Session, type RandomSource, type SessionListener } from '../../../firmware/session/session.ts';
import { Inv, check, bit, Input, DeviceOutput, digestOf, same, MAX_MESSAGE_V2 } from './fuzz_lib.ts';
import { Peer, Frames, T_NORMAL, type Link } from './peer.ts';

/** The session's listener and nonce source. */
class Device implements RandomSource, SessionListener {
  nonces: u32 = u32(1);
  established_: u32 = u32(0);
  terminated_: u32 = u32(0);
  messages: u32 = u32(0);
  logs: u32 = u32(0);
  lastType: u8 = u8(0);
  readonly last: Bytes = bytes(MAX_MESSAGE_V2);
  lastLen: u32 = u32(0);
  logDigest: u16 = u16(0);
  logLen: u32 = u32(0);

  randomByte(): u8 {
    this.nonces = u32(mul32(this.nonces, u32(1103515245)) + 12345);
    return u8(this.nonces >>> 16);
  }
  established(): void {
    this.established_ = u32(this.established_ + 1);
  }
  terminated(): void {
    this.terminated_ = u32(this.terminated_ + 1);
  }
  message(type: u8, body: Bytes): void {
    this.messages = u32(this.messages + 1);
    this.lastType = type;
    check(body.length <= this.last.length, Inv.Delivery);
    copy(this.last, u32(0), body);
    this.lastLen = body.length;
  }
  log(text: Bytes): void {
    this.logs = u32(this.logs + 1);
    this.logDigest = digestOf(text, u16(0xffff));
    this.logLen = text.length;
  }
}

class SessionLink implements Link {
  rx(d: Bytes): void {
    session.receive(d);
  }
}

const empty: Bytes = bytes(0);
const inp = new Input(empty);
const dev = new Device();
const frames = new Frames();
const out = new DeviceOutput(frames);
const session = new Session(out, dev, dev);
const link = new SessionLink();
const peer = new Peer(inp, out, frames, link);
const probeText: Bytes = bytes(9);

/** The model agrees with the session's own view. */
function agree(): void {
  if (peer.certain) {
    check(session.isEstablished() === peer.est, Inv.Delivery);
    if (peer.est) {
      check(session.sessionId() === peer.sid, Inv.Delivery);
    }
  }
}

/** Sends back the last message the device got; the echo must be exactly [sid, type, body]. */
function echo(): void {
  const body: Bytes = view(dev.last, u32(0), dev.lastLen);
  frames.clear();
  out.mark(u32(0xffffffff));
  const e: Err = session.sendMessage(dev.lastType, body);
  if (!session.isEstablished()) {
    // Only after noise: it may have ended the session after forming the message.
    check(!peer.certain && e !== Err.Ok && frames.data === 0 && out.idle(), Inv.Delivery);
    return;
  }
  check(e === Err.Ok && out.idle() && frames.data === 1 && frames.lastLen === u32(body.length + 3), Inv.Delivery);
  const f: Bytes = frames.lastFrame();
  const sid: u16 = session.sessionId();
  check(rd8(f, 0) === u8(sid) && rd8(f, 1) === u8(sid >>> 8) && rd8(f, 2) === dev.lastType, Inv.Delivery);
  check(same(view(f, u32(3), f.length), body), Inv.Delivery);
}

/** A message op: type T, body from the input; checks delivery against the model. */
function message(type: u8, ctl: u8): void {
  const len: u32 = u32(inp.next16() & 0xfff);
  const body: Bytes = inp.take(len);
  const sid: u16 = peer.sidFor(ctl, peer.sid);
  const before: u32 = dev.messages;
  const ok: bool = peer.send(sid, type, body, empty, ctl);
  check(frames.replies === 0 && frames.data === 0, Inv.OutputMessage);
  const got: u32 = u32(dev.messages - before);
  if (peer.certain) {
    const want: bool = ok && peer.est && sid === peer.sid;
    check(got === (want ? u32(1) : u32(0)), Inv.Delivery);
    if (want) {
      check(dev.lastType === type && same(view(dev.last, u32(0), dev.lastLen), body), Inv.Delivery);
    }
  } else {
    check(got <= 1, Inv.Delivery);
  }
  if (got !== 0) {
    echo();
  }
}

function record(): void {
  const ctl: u8 = inp.next();
  const op: u8 = u8(ctl & 7);
  if (op <= 1) {
    message(u8(T_NORMAL), ctl);
  } else if (op === 2) {
    const t: u8 = inp.next();
    if (t > 3) {
      message(t, ctl);
    } else {
      message(u8(T_NORMAL), ctl);
    }
  } else {
    const est: bool = peer.est;
    const certain: bool = peer.certain;
    const logs: u32 = dev.logs;
    const terms: u32 = dev.terminated_;
    const ests: u32 = dev.established_;
    const wantLog: bool = peer.control(op, ctl);
    if (certain && op === 3) {
      check(u32(dev.logs - logs) === (wantLog ? u32(1) : u32(0)), Inv.Delivery);
    }
    if (certain && op === 5) {
      check(u32(dev.terminated_ - terms) === ((est && !peer.est) ? u32(1) : u32(0)), Inv.Delivery);
    }
    if (peer.certain && op === 4) {
      check(u32(dev.established_ - ests) === (frames.replies !== 0 ? u32(1) : u32(0)), Inv.Delivery);
    }
    if (op === 7) {
      check(frames.data === 0, Inv.OutputMessage);
    }
    if (op === 7 && dev.messages !== 0) {
      // Noise may have formed a message: no check on it, but the echo path still runs.
      echo();
    }
  }
  agree();
}

/** A message on the model's session must be delivered and echoed. */
function probe(): void {
  for (let i = u32(0); i < probeText.length; i++) {
    probeText[i] = u8(0x61 + i);
  }
  const before: u32 = dev.messages;
  check(peer.send(peer.sid, u8(T_NORMAL), probeText, empty, u8(0)), Inv.Liveness);
  check(u32(dev.messages - before) === 1 && same(view(dev.last, u32(0), dev.lastLen), probeText), Inv.Liveness);
  echo();
}

export function main(input: Bytes, output: Bytes): u32 {
  inp.load(input);
  const flags: u8 = inp.next();
  let nonce: u8 = inp.next();
  const seed: u16 = inp.next16();
  dev.nonces = u32(seed);
  dev.messages = u32(0);
  dev.lastLen = u32(0);
  peer.begin(u8((flags >>> 1) & 3), u32(seed + 1));
  // Version 2 (reliable mode: one more byte per message) when the input says so.
  peer.maxVersion = bit(flags, u8(0x20)) ? u8(2) : u8(1);
  session.setMaxVersion(peer.maxVersion);
  frames.allowTerminate = true;
  out.mark(u32(0xffffffff));
  session.initialize();
  frames.allowTerminate = false;
  check(frames.terminates === 1 && out.idle() && out.frames === 1, Inv.OutputMessage);
  agree();
  if (nonce === 0) {
    nonce = u8(0x80);
  }
  peer.handshake(nonce, u8((flags >>> 3) & 3));
  agree();
  if (!bit(flags, u8(1))) {
    // Raw: everything else as wire bytes (and whatever they form, echoed).
    dev.messages = u32(0);
    peer.noise(inp.take(inp.left()));
    check(frames.data === 0, Inv.OutputMessage);
    if (dev.messages !== 0) {
      echo();
    }
  } else {
    while (inp.more()) {
      dev.messages = u32(0);
      record();
    }
  }
  // Liveness: the current session (when known), then a fresh one.
  if (peer.certain && peer.est) {
    probe();
  }
  peer.handshake(peer.nextNonce(), u8(1));
  agree();
  probe();
  if (output.length >= 16) {
    wr32le(output, u32(0), out.frames);
    wr32le(output, u32(4), out.bytesTotal);
    wr32le(output, u32(8), u32(out.digest));
    wr32le(output, u32(12), u32(session.sessionId()));
  }
  return peer.starts;
}
