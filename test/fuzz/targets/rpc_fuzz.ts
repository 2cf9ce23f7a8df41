// Fuzz target 3: the whole device stack (firmware/rpc/device_stack.ts: session, framing, MinRPC
// server, page allocator, every built-in device function) fed wire bytes, through its public
// API only: boot(), feed(), tick().
//
// Every input: bytes that end any frame in progress, boot() (exactly one Terminate), a proper
// handshake (the input's nonce, offering version 1, or 2 when bit 3 of the flags is set: a
// device with reliable mode answers 2 and then gets Reliable messages, a sequence byte before
// each packet; one without answers 1). An Init record offering 3 or more gets compact mode
// (version 3): requests go as Compact messages in the form the host would choose (compact, or raw
// after the form byte) and every reply must decode (firmware/rpc/compact.ts), or be a refusal
// only for a compact body the input wrote itself. Structured mode turns records into RPC requests
// with a correct session header, id, escaping and CRC, so most inputs reach the server.
//
// Checks: device output is clean frames (DeviceOutput), bounded by the frames fed; Terminate only
// from boot(); one Reply per Init (peer.ts); every other frame is an RPC reply in the current
// session (its id, type Normal, or Reliable with the request's sequence byte in version 2) whose
// packet decodes: u64 length = what follows, at most 2045 bytes, code Return (packed values that
// fill the packet exactly), Exception (one str) or CopyAck. A request in the session gets exactly
// one reply, unless it declares 0 bytes, is a Shutdown, or calls urpc.sleep (async: 0 or 1 now);
// outside the session or with another id, none. A tick() sends at most one reply. At the end
// (liveness): any async call completes once the clock passes its time, and
// tvm.rpc.server.GetCRTMaxPacketSize answers exactly 2037, on the current session (when the model
// knows it) and on a fresh one.
//
// Harness bound (not a device property): the time evaluator may legitimately be asked for
// 250 repeats of up to 2^21 calls; the harness lowers number/repeat/min_repeat_ms of evaluator
// requests (clampEvaluator: at most 8 calls, 2 repeats, 1 ms) so one input stays fast.
//
// Input: byte 0 flags (bit 0 structured, bits 1-2 chunking, bit 3 offer version 2), byte 1 the
// nonce, bytes 2-3 the seed of the device's randomness and the chunking. Structured records,
// ctl & 7: 0 request [u16 len][len bytes: i32 code, body] (the u64 length is filled in),
// 1 any message [u8 type][u16 len][body as is] (type < 4 means Normal), 2 CallFunc [u8 fn]
// [u16 len][packed args] (fn & 15: the function index, fn bit 4: through the system library,
// bit 5: a time-evaluator handle: the one the device gave out last in this input, minus fn & 15;
// bit 6: a raw u32 handle from the input), 3-7 as in peer.ts.

import { u8, u16, u32, i32, bytes, view, copy, fill, rd8, rd32le, wr32le, divu, type Bytes, type bool } from '../../../firmware/lib/prelude.ts';
import type { Platform } from '../../../firmware/rpc/ports.ts';
import { DeviceStack, DEVICE_POOL_BYTES, DEVICE_SIZE_TABLE_BYTES } from '../../../firmware/rpc/device_stack.ts';
import { Fn } from '../../../firmware/rpc/names.ts';
import { RPCCode, TypeCode, HANDLE_GLOBAL_FN, HANDLE_MODULE_FN, HANDLE_TIME_EVAL, HANDLE_KIND_MASK, HANDLE_INDEX_MASK } from '../../../firmware/rpc/codes.ts';
import { Inv, check, bit, Input, DeviceOutput, same, MAX_MESSAGE_V2 } from './fuzz_lib.ts';
import { Peer, Frames, T_NORMAL, T_RELIABLE, T_COMPACT, type Link } from './peer.ts';
import { CompactCodec, CompactForm, CompactError, COMPACT_PACKET_BYTES } from '../../../firmware/rpc/compact.ts';

/** Largest reply packet (u64 length included): 2048 - 3. */
const PACKET_LIMIT = 2045;
/** One millisecond of the fake clock per ticks() call (1 MHz). */
const TICK_STEP = 1000;

/** The board: a fake clock that moves on every read, xorshift randomness, a board name. */
class FuzzPlatform implements Platform {
  now: u32 = u32(0);
  step: u32 = u32(TICK_STEP);
  rnd: u32 = u32(1);
  ticks(): u32 {
    this.now = u32(this.now + this.step);
    return this.now;
  }
  ticksPerSecond(): u32 {
    return u32(1000000);
  }
  random32(): u32 {
    let x: u32 = this.rnd;
    x = u32(x ^ (x << 13));
    x = u32(x ^ (x >>> 17));
    x = u32(x ^ (x << 5));
    this.rnd = x;
    return x;
  }
  boardName(dst: Bytes): u32 {
    for (let i = u32(0); i < dst.length; i++) {
      if (i < 4) {
        dst[i] = u8(0x66 + i);
      }
    }
    return u32(4);
  }
}

class StackLink implements Link {
  rx(d: Bytes): void {
    stack.feed(d);
  }
}

const empty: Bytes = bytes(0);
const inp = new Input(empty);
const plat = new FuzzPlatform();
const frames = new Frames();
const out = new DeviceOutput(frames);
const pool: Bytes = bytes(DEVICE_POOL_BYTES);
const sizes: Bytes = bytes(DEVICE_SIZE_TABLE_BYTES);
const stack = new DeviceStack(pool, sizes, out, plat);
const link = new StackLink();
const peer = new Peer(inp, out, frames, link);
/** The request being built: sequence byte (version 2), then the packet. */
const req: Bytes = bytes(4200);
/** Reply of the previous Reliable request (for repeats). */
const prevReply: Bytes = bytes(MAX_MESSAGE_V2);
/** Compact mode (version 3): the host's codec, a request's compact form (after its sequence
 * byte), a decoded reply, and whether the last reply was a refusal. */
const codec = new CompactCodec();
const compactReq: Bytes = bytes(COMPACT_PACKET_BYTES + 1);
const decodedReply: Bytes = bytes(COMPACT_PACKET_BYTES);
let lastRefusal: bool = false;

/** Bytes before the packet in a request of the session's version: none, the sequence byte, or
 * the sequence byte and the raw form byte. */
function prefix(): u32 {
  if (peer.version >= 3) {
    return u32(2);
  }
  return peer.version === 2 ? u32(1) : u32(0);
}

/** The message type of a sequenced request and reply in the session's version. */
function seqType(): u8 {
  return peer.version >= 3 ? u8(T_COMPACT) : u8(T_RELIABLE);
}
let prevReplyLen: u32 = u32(0);
let prevSeqValid: bool = false;
let prevSeq: u8 = u8(0);
let prevReplied: bool = false;
let seq: u8 = u8(0);
/** An async call's reply goes out under its own request's sequence number, even when other
 * requests were refused Busy meanwhile (regressions/rpc/reliable-async-reply-keeps-its-sequence;
 * false checks only "a number some request used", the weaker property before the fix). */
const STRICT_ASYNC_SEQ = true;
/** A repeat is answered with exactly the reply its request got, also after tick() ran while an
 * async call was pending (which rewrites the RPC server's reply buffer; fixed in 743c6f1: a
 * refusal made meanwhile is cached as a copy; regressions/rpc/reliable-busy-reply-cache-
 * survives-tick). false checks only such a repeat's session header, the weaker property before
 * the fix. */
const STRICT_REPLY_CACHE = true;
/** A tick() ran while an async call was pending since the last request was taken. */
let tickedBusy: bool = false;
/** Version 2: per sequence number, a request was taken / has been answered (this session). */
const asked: Bytes = bytes(256);
const answered: Bytes = bytes(256);

/** A Normal request was served in this version 2 session: the device's sequence number is
 * then whatever it was (host behaviour outside the protocol; only its form is checked). */
let normalInV2: bool = false;

/** A new session: no sequence numbers yet. */
function newSession(): void {
  prevSeqValid = false;
  normalInV2 = false;
  tickedBusy = false;
  fill(asked, u8(0), u32(0), asked.length);
  fill(answered, u8(0), u32(0), answered.length);
}

/** A request with sequence number s was taken by the device; `replied`: answered at once. */
function taken(s: u8, replied: bool): void {
  asked[s] = u8(1);
  answered[s] = replied ? u8(1) : u8(0);
}

/** GetCRTMaxPacketSize's exact answer: Return, [0: i64 0][0: i64 2037]. */
const PROBE_REPLY: readonly u8[] = [
  u8(32), u8(0), u8(0), u8(0), u8(0), u8(0), u8(0), u8(0),
  u8(4), u8(0), u8(0), u8(0), u8(2), u8(0), u8(0), u8(0),
  u8(0), u8(0), u8(0), u8(0), u8(0), u8(0), u8(0), u8(0),
  u8(0), u8(0), u8(0), u8(0), u8(0), u8(0), u8(0), u8(0),
  u8(0xf5), u8(0x07), u8(0), u8(0), u8(0), u8(0), u8(0), u8(0),
];

/** Size of packed value `code` at pkt[at..end), or 0xffffffff if it does not fit or is unknown. */
function valueSize(pkt: Bytes, at: u32, code: u32, end: u32): u32 {
  const room: u32 = at <= end ? u32(end - at) : u32(0);
  let n: u32 = u32(0xffffffff);
  if (code === TypeCode.Null) {
    n = u32(0);
  } else if (code === TypeCode.ObjectHandle) {
    n = u32(12);
  } else if (code === TypeCode.Str || code === TypeCode.Bytes) {
    if (room >= 8 && rd32le(pkt, u32(at + 4)) === 0 && rd32le(pkt, at) <= u32(room - 8)) {
      n = u32(8 + rd32le(pkt, at));
    }
  } else if (code === TypeCode.DLTensor) {
    if (room >= 32 && rd32le(pkt, u32(at + 16)) <= divu(u32(room - 32), u32(8))) {
      n = u32(32 + rd32le(pkt, u32(at + 16)) * 8);
    }
  } else if (code <= TypeCode.Device || code === TypeCode.ModuleHandle || code === TypeCode.PackedFuncHandle || code === TypeCode.Bool) {
    n = u32(8);
  }
  if (n > room) {
    return u32(0xffffffff);
  }
  return n;
}

/** A packed sequence filling pkt[at..end) exactly (replies). */
function packedSeq(pkt: Bytes, at: u32, end: u32): bool {
  if (u32(end - at) < 4) {
    return false;
  }
  const n: u32 = rd32le(pkt, at);
  if (n > 64 || u32(end - at - 4) < u32(n * 4)) {
    return false;
  }
  let p: u32 = u32(at + 4 + n * 4);
  for (let i = u32(0); i < n; i++) {
    const sz: u32 = valueSize(pkt, p, rd32le(pkt, u32(at + 4 + i * 4)), end);
    if (sz === 0xffffffff) {
      return false;
    }
    p = u32(p + sz);
  }
  return p === end;
}

/** The time-evaluator handle the device gave out last in this input. Evaluator serials keep
 * counting across sessions (a stale handle must not name a new evaluator), so the harness learns
 * the handle from the reply instead of assuming one: inputs stay reproducible on their own. */
let lastEval: u32 = u32(HANDLE_TIME_EVAL | 1);

/** Learns the handle of a CallFunc reply [0: i64 10][3: u64 0xFFFF8xxx]. */
function learn(p: Bytes): void {
  if (p.length === 40 && rd32le(p, 8) === RPCCode.Return && rd32le(p, 12) === 2 && rd32le(p, 16) === TypeCode.Int &&
    rd32le(p, 20) === TypeCode.OpaqueHandle && rd32le(p, 24) === TypeCode.PackedFuncHandle && rd32le(p, 36) === 0 &&
    u32(rd32le(p, 32) & HANDLE_KIND_MASK) === HANDLE_TIME_EVAL) {
    lastEval = rd32le(p, 32);
  }
}

/** Checks one reply packet. */
function checkPacket(p: Bytes): void {
  check(p.length >= 12 && p.length <= PACKET_LIMIT, Inv.ReplyPacket);
  check(rd32le(p, 0) === u32(p.length - 8) && rd32le(p, 4) === 0, Inv.ReplyPacket);
  const code: u32 = rd32le(p, 8);
  if (code === RPCCode.Return) {
    check(packedSeq(p, u32(12), p.length), Inv.ReplyPacket);
  } else if (code === RPCCode.Exception) {
    check(packedSeq(p, u32(12), p.length) && rd32le(p, 12) === 1 && rd32le(p, 16) === TypeCode.Str, Inv.ReplyPacket);
  } else {
    check(code === RPCCode.CopyAck, Inv.ReplyPacket);
  }
  learn(p);
}

/** The data frame the device sent last: header of the current session, then a checked packet.
 * Returns the packet (after the sequence byte in version 2). */
function replyPacket(): Bytes {
  const p: Bytes = replyHeader();
  if (!lastRefusal) {
    checkPacket(p);
  }
  return p;
}

/** The header part of replyPacket(): returns the packet unchecked. */
function replyHeader(): Bytes {
  const f: Bytes = frames.lastFrame();
  check(f.length >= 3, Inv.OutputMessage);
  check(rd8(f, 0) === u8(peer.sid) && rd8(f, 1) === u8(peer.sid >>> 8), Inv.OutputMessage);
  let at: u32 = u32(3);
  lastRefusal = false;
  if (peer.version >= 3) {
    // A compact packet: a refusal ([5][reason], for a compact request that did not decode), or
    // one that must decode to a MinRPC packet.
    check(rd8(f, 2) === T_COMPACT && f.length >= 5, Inv.OutputMessage);
    const c: Bytes = view(f, u32(4), f.length);
    if (rd8(c, u32(0)) === CompactForm.Refused) {
      check(c.length === 2 && rd8(c, u32(1)) >= 1 && rd8(c, u32(1)) <= 5, Inv.OutputMessage);
      lastRefusal = true;
      return c;
    }
    const p: Bytes = codec.decode(c, decodedReply);
    check(codec.error === CompactError.Ok, Inv.OutputMessage);
    return p;
  }
  if (peer.version >= 2) {
    check(rd8(f, 2) === T_RELIABLE && f.length >= 4, Inv.OutputMessage);
    at = u32(4);
  } else {
    check(rd8(f, 2) === T_NORMAL, Inv.OutputMessage);
  }
  return view(f, at, f.length);
}

/** Lowers the settings of a time-evaluator request (CallFunc of runtime.RPCTimeEvaluator) so
 * that one input stays fast; anything else is left alone. */
function clampEvaluator(p: Bytes): void {
  if (p.length < 24 || rd32le(p, 8) !== RPCCode.CallFunc || rd32le(p, 16) !== 0) {
    return;
  }
  const h: u32 = rd32le(p, 12);
  const kind: u32 = u32(h & HANDLE_KIND_MASK);
  if ((kind !== HANDLE_GLOBAL_FN && kind !== HANDLE_MODULE_FN) || u32(h & HANDLE_INDEX_MASK) !== Fn.TimeEvaluator) {
    return;
  }
  const n: u32 = rd32le(p, 20);
  if (n > 64 || u32(p.length - 24) < u32(n * 4)) {
    return;
  }
  let at: u32 = u32(24 + n * 4);
  for (let i = u32(0); i < n; i++) {
    if (i > 6) {
      return;
    }
    const code: u32 = rd32le(p, u32(24 + i * 4));
    const sz: u32 = valueSize(p, at, code, p.length);
    if (sz === 0xffffffff) {
      return;
    }
    // number (4) <= 8, repeat (5) <= 2, min_repeat_ms (6) <= 1: the fake clock moves one
    // TICK_STEP (1 ms) per measurement whatever the work, so a longer minimum would grow number
    // to its cap (2^20 calls a repeat); the growth is covered by test/unit/rpc-server.test.ts.
    if (i >= 4 && code === TypeCode.Int && rd32le(p, u32(at + 4)) === 0 && i32(rd32le(p, at)) >= 0) {
      const lim: u32 = i === 4 ? u32(8) : i === 5 ? u32(2) : u32(1);
      if (rd32le(p, at) > lim) {
        wr32le(p, at, lim);
      }
    }
    at = u32(at + sz);
  }
}

/** May a well-formed request get no reply? Declares 0 bytes, Shutdown, urpc.sleep or a
 * time-evaluator run (both async). */
function maySkip(p: Bytes): bool {
  if (p.length === 8 && rd32le(p, 0) === 0 && rd32le(p, 4) === 0) {
    return true;
  }
  if (p.length < 12 || rd32le(p, 0) !== u32(p.length - 8) || rd32le(p, 4) !== 0) {
    return false;
  }
  const code: u32 = rd32le(p, 8);
  if (code === RPCCode.Shutdown) {
    return true;
  }
  if (code === RPCCode.CallFunc && p.length >= 20 && rd32le(p, 16) === 0) {
    const h: u32 = rd32le(p, 12);
    const kind: u32 = u32(h & HANDLE_KIND_MASK);
    if (kind === HANDLE_TIME_EVAL) {
      return true;
    }
    return (kind === HANDLE_GLOBAL_FN || kind === HANDLE_MODULE_FN) && u32(h & HANDLE_INDEX_MASK) === Fn.Sleep;
  }
  return false;
}

/** Sends the packet at req[at..at+len) as the session's request type; checks the replies. */
function request(len: u32, ctl: u8): void {
  const v2: bool = peer.version >= 2;
  const at: u32 = prefix();
  const p: Bytes = view(req, at, u32(at + len));
  clampEvaluator(p);
  let s: u8 = u8(0);
  if (v2) {
    seq = u8(seq + 1);
    if (prevSeqValid && seq === prevSeq) {
      seq = u8(seq + 1);
    }
    s = seq;
    req[0] = s;
  }
  const sid: u16 = peer.sidFor(ctl, peer.sid);
  let msg: Bytes = view(req, u32(0), u32(at + len));
  if (peer.version >= 3) {
    // As the host does: the compact form when the packet has one, else the raw form.
    req[1] = u8(CompactForm.Raw);
    const n: u32 = codec.encode(p, view(compactReq, u32(1), compactReq.length));
    if (n > 0) {
      compactReq[0] = s;
      msg = view(compactReq, u32(0), u32(n + 1));
    }
  }
  const ok: bool = peer.send(sid, v2 ? seqType() : u8(T_NORMAL), msg, empty, ctl);
  check(frames.replies === 0 && frames.data <= 1, Inv.ReplyCount);
  if (frames.data !== 0) {
    const r: Bytes = replyPacket();
    // A request the host encoded always decodes on the device.
    check(!lastRefusal, Inv.OutputMessage);
    if (v2) {
      check(rd8(frames.lastFrame(), 3) === s, Inv.OutputMessage);
    }
    remember(r);
  }
  const delivered: bool = ok && peer.certain && peer.est && sid === peer.sid;
  if (peer.certain && !delivered) {
    check(frames.data === 0, Inv.ReplyCount);
  }
  if (delivered) {
    if (!maySkip(p)) {
      check(frames.data === 1, Inv.ReplyCount);
    }
    if (v2) {
      prevSeqValid = true;
      prevSeq = s;
      prevReplied = frames.data !== 0;
      taken(s, prevReplied);
      tickedBusy = false;
    }
  }
}

function remember(r: Bytes): void {
  copy(prevReply, u32(0), r);
  prevReplyLen = r.length;
}

/** Record op 1: any message type and body, as the input gives them. */
function anyMessage(ctl: u8): void {
  let type: u8 = inp.next();
  if (type < 4) {
    type = u8(T_NORMAL);
  }
  const len: u32 = u32(inp.next16() & 0xfff);
  const body: Bytes = inp.take(len);
  copy(req, u32(0), body);
  const b: Bytes = view(req, u32(0), body.length);
  // Sequenced: the session's own sequenced type (the other one is ignored by the device).
  const reliable: bool = type === seqType();
  if (reliable && peer.version >= 3 && b.length >= 2 && rd8(b, u32(1)) === CompactForm.Raw) {
    clampEvaluator(view(b, u32(2), b.length));
  } else if (reliable && peer.version < 3 && b.length >= 1) {
    clampEvaluator(view(b, u32(1), b.length));
  } else if (type === T_NORMAL) {
    clampEvaluator(b);
  }
  const sid: u16 = peer.sidFor(ctl, peer.sid);
  const ok: bool = peer.send(sid, type, b, empty, ctl);
  check(frames.replies === 0 && frames.data <= 1, Inv.ReplyCount);
  const delivered: bool = ok && peer.certain && peer.est && sid === peer.sid;
  if (peer.certain && !delivered) {
    check(frames.data === 0, Inv.ReplyCount);
  }
  if (frames.data !== 0) {
    const repeat: bool = delivered && peer.version >= 2 && reliable && b.length >= 1 && prevSeqValid && rd8(b, 0) === prevSeq;
    if (repeat && tickedBusy && !STRICT_REPLY_CACHE) {
      // Known issue (see STRICT_REPLY_CACHE): only the header is checked.
      replyHeader();
    } else {
      const r: Bytes = replyPacket();
      if (repeat) {
        // A repeat of the last request: the same reply again, or nothing if it had none.
        check(prevReplied && same(r, view(prevReply, u32(0), prevReplyLen)), Inv.Repeat);
      }
      remember(r);
    }
  }
  if (delivered && peer.version >= 2 && reliable && b.length >= 1) {
    if (!(prevSeqValid && rd8(b, 0) === prevSeq)) {
      prevSeqValid = true;
      prevSeq = rd8(b, 0);
      prevReplied = frames.data !== 0;
      taken(prevSeq, prevReplied);
      tickedBusy = false;
    }
  } else if (delivered && peer.version >= 2 && type === T_NORMAL) {
    tickedBusy = false;
    // A Normal request in a version 2 session: its reply goes out under the last sequence
    // number and becomes the reply a repeat of that number gets.
    normalInV2 = true;
    if (frames.data !== 0) {
      prevReplied = true;
    }
  }
}

function record(): void {
  const ctl: u8 = inp.next();
  const op: u8 = u8(ctl & 7);
  const at: u32 = prefix();
  if (op === 0) {
    const data: Bytes = inp.take(u32(inp.next16() & 0xfff));
    wr32le(req, at, data.length);
    wr32le(req, u32(at + 4), u32(0));
    copy(req, u32(at + 8), data);
    request(u32(8 + data.length), ctl);
  } else if (op === 1) {
    anyMessage(ctl);
  } else if (op === 2) {
    const fn: u8 = inp.next();
    // An if, not a ternary of the two constants: ts2c used to fold that ternary to its else
    // branch (issue 12 defect 1, fixed in ee8a34b), and C then never sent a module handle.
    let h: u32 = u32(HANDLE_GLOBAL_FN | (fn & 15));
    if (bit(fn, u8(0x10))) {
      h = u32(HANDLE_MODULE_FN | (fn & 15));
    }
    if (bit(fn, u8(0x20))) {
      // The evaluator handle given out last (fn & 15 = 0), or one of the ones before it.
      h = u32(HANDLE_TIME_EVAL | u32(u32(lastEval - (fn & 15)) & HANDLE_INDEX_MASK));
    }
    if (bit(fn, u8(0x40))) {
      h = u32(inp.next16() | (inp.next16() << 16));
    }
    const args: Bytes = inp.take(u32(inp.next16() & 0xfff));
    wr32le(req, at, u32(12 + args.length));
    wr32le(req, u32(at + 4), u32(0));
    wr32le(req, u32(at + 8), u32(RPCCode.CallFunc));
    wr32le(req, u32(at + 12), h);
    wr32le(req, u32(at + 16), u32(0));
    copy(req, u32(at + 20), args);
    request(u32(20 + args.length), ctl);
  } else {
    const before: u16 = peer.sid;
    peer.control(op, ctl);
    if (op === 7 && frames.data !== 0) {
      // Noise formed requests: their replies must still be well-formed (id as the device has it).
      const f: Bytes = frames.lastFrame();
      check(rd8(f, 0) === u8(peer.sid) && rd8(f, 1) === u8(peer.sid >>> 8), Inv.OutputMessage);
      const t: u8 = f.length >= 3 ? rd8(f, 2) : u8(0);
      check(t === T_NORMAL || t === T_RELIABLE || t === T_COMPACT, Inv.OutputMessage);
    }
    if (frames.replies !== 0 || peer.sid !== before) {
      // The device answered an Init: a new session, whose sequence numbers start afresh. (An Init
      // that did not get through changes nothing: the device's last number still stands.)
      newSession();
    }
  }
  // One turn of the board's main loop: at most one (async) reply.
  frames.clear();
  out.mark(u32(0xffffffff));
  if (stack.tick()) {
    tickedBusy = true;
  }
  check(frames.replies === 0 && frames.data <= 1 && out.idle(), Inv.ReplyCount);
  if (frames.data !== 0) {
    tickedBusy = true;
    remember(replyPacket());
    prevReplied = true;
    if (peer.version >= 2 && peer.certain && !normalInV2) {
      // An async reply answers a request that is still unanswered, under its own number.
      const sq: u8 = rd8(frames.lastFrame(), 3);
      check(asked[sq] === 1 && (answered[sq] === 0 || !STRICT_ASYNC_SEQ), Inv.OutputMessage);
      answered[sq] = u8(1);
    }
  }
}

/** Any pending async call must complete once the clock has moved past its time. */
function settle(): void {
  plat.step = u32(0x40000000);
  for (let i = u32(0); i < 4; i++) {
    frames.clear();
    stack.tick();
    if (frames.data !== 0) {
      replyPacket();
    }
  }
  plat.step = u32(TICK_STEP);
  check(!stack.tick(), Inv.Liveness);
}

/** tvm.rpc.server.GetCRTMaxPacketSize on the model's session answers exactly 2037. */
function probe(): void {
  const at: u32 = prefix();
  wr32le(req, at, u32(16));
  wr32le(req, u32(at + 4), u32(0));
  wr32le(req, u32(at + 8), u32(RPCCode.CallFunc));
  wr32le(req, u32(at + 12), u32(HANDLE_GLOBAL_FN | u32(Fn.GetCRTMaxPacketSize)));
  wr32le(req, u32(at + 16), u32(0));
  wr32le(req, u32(at + 20), u32(0));
  request(u32(24), u8(0));
  check(frames.data === 1, Inv.Liveness);
  const r: Bytes = replyPacket();
  check(r.length === PROBE_REPLY.length, Inv.Liveness);
  for (let i = u32(0); i < r.length; i++) {
    if (i < PROBE_REPLY.length) {
      check(r[i] === PROBE_REPLY[i], Inv.Liveness);
    }
  }
}

export function main(input: Bytes, output: Bytes): u32 {
  inp.load(input);
  const flags: u8 = inp.next();
  let nonce: u8 = inp.next();
  const seed: u16 = inp.next16();
  const requests0: u32 = stack.requests();
  plat.rnd = u32(seed | 0x10000);
  plat.now = u32(0);
  plat.step = u32(TICK_STEP);
  newSession();
  seq = u8(0);
  lastEval = u32(HANDLE_TIME_EVAL | 1);
  // The device speaks 3 (compact mode); the handshake below offers 1 or 2, Init records any.
  peer.maxVersion = u8(3);
  peer.begin(u8((flags >>> 1) & 3), u32(seed + 1));
  frames.allowTerminate = true;
  out.mark(u32(0xffffffff));
  stack.boot();
  frames.allowTerminate = false;
  check(frames.terminates === 1 && out.idle() && out.frames === 1, Inv.OutputMessage);
  if (nonce === 0) {
    nonce = u8(0x80);
  }
  const offer: u8 = bit(flags, u8(8)) ? u8(2) : u8(1);
  peer.handshake(nonce, offer);
  if (!bit(flags, u8(1))) {
    peer.noise(inp.take(inp.left()));
    if (frames.data !== 0) {
      const f: Bytes = frames.lastFrame();
      check(rd8(f, 0) === u8(peer.sid) && rd8(f, 1) === u8(peer.sid >>> 8), Inv.OutputMessage);
    }
  } else {
    while (inp.more()) {
      record();
    }
  }
  settle();
  if (peer.certain && peer.est) {
    probe();
  }
  peer.handshake(peer.nextNonce(), offer);
  newSession();
  probe();
  if (output.length >= 16) {
    wr32le(output, u32(0), out.frames);
    wr32le(output, u32(4), out.bytesTotal);
    wr32le(output, u32(8), u32(out.digest));
    wr32le(output, u32(12), u32(stack.requests() - requests0));
  }
  return peer.starts;
}
