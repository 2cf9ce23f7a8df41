// Command-script difftest driver for the Session (firmware/session/session.ts): two sessions A
// and B joined by a pipe the script controls. Commands: initialize, startSession, send messages
// of any type (whole or streamed, lengths that do not add up), deliver one side's pending output
// to the other (whole, in chunks, byte at a time, with a flipped byte, or lost), feed raw noise,
// feed crafted frames (headers built from the current nonces and ids, or not), make a side's
// stream fail, run a whole handshake round. Nonces come from the script. The transcript holds every stream write, every
// listener event, every returned error, and each side's state, session id and nonce.
// @difftest cases=1500 seed=1 outSize=512

import { u8, u16, u32, bytes, view, copy, rd8, wr8, type Bytes } from '../../../firmware/lib/prelude.ts';
import { Err } from '../../../firmware/lib/errors.ts';
import { Framer, type WriteStream } from '../../../firmware/framing/framer.ts';
import { Session, regenerateNonce, type RandomSource, type SessionListener } from '../../../firmware/session/session.ts';
import { Transcript, Script, fillPayload } from './script_lib.ts';

const t = new Transcript();
const s = new Script();

/** One side's wire out, its nonce source and its listener, all recorded in the transcript. */
class Side implements WriteStream, RandomSource, SessionListener {
  readonly tag: u8;
  readonly out: Bytes = bytes(4096);
  len: u32 = u32(0);
  /** Writes still allowed before the stream fails (0xffffffff: never fails). */
  failAfter: u32 = u32(0xffffffff);
  constructor(tag: u8) {
    this.tag = tag;
  }
  write(data: Bytes): Err {
    t.put(u8(0x57 + this.tag));
    if (this.failAfter === 0 || data.length > u32(this.out.length - this.len)) {
      t.put32(data.length);
      return Err.WriteStreamShortWrite;
    }
    if (this.failAfter !== 0xffffffff) {
      this.failAfter = u32(this.failAfter - 1);
    }
    t.putBytes(data);
    copy(this.out, this.len, data);
    this.len = u32(this.len + data.length);
    return Err.Ok;
  }
  randomByte(): u8 {
    return s.next();
  }
  established(): void {
    t.put(u8(0x65 + this.tag));
  }
  terminated(): void {
    t.put(u8(0x74 + this.tag));
  }
  message(type: u8, body: Bytes): void {
    t.put(u8(0x6d + this.tag));
    t.put(type);
    t.putBytes(body);
  }
  log(text: Bytes): void {
    t.put(u8(0x6c + this.tag));
    t.putBytes(text);
  }
}

/** Frames crafted messages. */
class Crafted implements WriteStream {
  readonly buf: Bytes = bytes(1400);
  len: u32 = u32(0);
  write(data: Bytes): Err {
    if (data.length > u32(this.buf.length - this.len)) {
      return Err.WriteStreamShortWrite;
    }
    copy(this.buf, this.len, data);
    this.len = u32(this.len + data.length);
    return Err.Ok;
  }
}

const sideA = new Side(u8(0));
const sideB = new Side(u8(0x80));
const a = new Session(sideA, sideA, sideA);
const b = new Session(sideB, sideB, sideB);
const crafted = new Crafted();
const gen = new Framer(crafted);
const pay: Bytes = bytes(600);

const TYPES: readonly u8[] = [
  // Normal, Log, Init, Reply, Terminate, Normal, two unknown types (handled like Normal).
  u8(0x10), u8(0x03), u8(0x00), u8(0x01), u8(0x02), u8(0x10), u8(0x11), u8(0x04),
];

function pickType(): u8 {
  const k: u8 = u8(s.next() & 7);
  if (k < TYPES.length) {
    return TYPES[k];
  }
  return u8(0);
}

/** Feeds `data` to `dst` in writes of `step` bytes, logging each write's error. */
function feed(dst: Session, data: Bytes, step: u32): void {
  let at: u32 = u32(0);
  while (at < data.length) {
    let end: u32 = u32(at + step);
    if (end > data.length || end < at) {
      end = data.length;
    }
    t.put16(u16(dst.receive(view(data, at, end))));
    at = end;
  }
}

function stepSize(): u32 {
  const v: u8 = s.next();
  if (v >= 0x80) {
    return u32(0xffffffff);
  }
  return u32((v & 0x1f) + 1);
}

/** A byte chosen among the values that matter for the receive rules, or any. */
function nonceByte(x: Session): u8 {
  const k: u8 = u8(s.next() & 7);
  if (k === 0) {
    return x.localNonce();
  }
  if (k === 1) {
    return u8(x.sessionId());
  }
  if (k === 2) {
    return u8(x.sessionId() >>> 8);
  }
  if (k === 3) {
    return u8(0);
  }
  if (k === 4) {
    return regenerateNonce(x.localNonce());
  }
  return s.next();
}

function run(op: u8, x: Session, xs: Side, y: Session, ys: Side): Err {
  if (op === 0) {
    return x.initialize();
  }
  if (op === 1) {
    return x.startSession();
  }
  if (op === 2) {
    const type: u8 = pickType();
    const n: u32 = u32(s.next() & 0x3f);
    fillPayload(s, pay, n, u8(s.next() & 3));
    return x.sendMessage(type, view(pay, u32(0), n));
  }
  if (op === 3) {
    // Deliver everything x sent to y; sometimes damaged.
    const w: Bytes = view(xs.out, u32(0), xs.len);
    const how: u8 = u8(s.next() & 7);
    if (how === 0 && w.length !== 0) {
      let pos: u32 = u32(s.next16());
      while (pos >= w.length) {
        pos = u32(pos - w.length);
      }
      wr8(w, pos, u8(rd8(w, pos) ^ (s.next() | 1)));
    }
    feed(y, w, stepSize());
    xs.len = u32(0);
    return Err.Ok;
  }
  if (op === 4) {
    // Lost in transit.
    xs.len = u32(0);
    return Err.Ok;
  }
  if (op === 5) {
    const n: u32 = u32(s.next() & 0x1f);
    fillPayload(s, pay, n, u8(s.next() & 1));
    feed(x, view(pay, u32(0), n), stepSize());
    return Err.Ok;
  }
  if (op === 6) {
    // A crafted message: header from the receiver's own nonces and ids (or not).
    let n: u32 = u32(s.next() & 0x3f);
    if (u8(s.next() & 15) === 0) {
      n = u32(s.next16() & 0x7ff);
    }
    if (n > u32(pay.length - 4)) {
      n = u32(pay.length - 4);
    }
    pay[0] = nonceByte(x);
    pay[1] = nonceByte(x);
    pay[2] = pickType();
    fillPayload(s, view(pay, u32(3), pay.length), n, u8(s.next() & 3));
    if (u8(s.next() & 1) === 0) {
      pay[3] = u8(1);
    }
    let len: u32 = u32(n + 3);
    const cut: u8 = s.next();
    if (cut < 8) {
      len = u32(cut);
    }
    crafted.len = u32(0);
    t.put16(u16(gen.writeFrame(view(pay, u32(0), len))));
    feed(x, view(crafted.buf, u32(0), crafted.len), stepSize());
    return Err.Ok;
  }
  if (op === 7) {
    // Streamed send; the chunks may not add up to the announced length.
    const type: u8 = pickType();
    const n: u32 = u32(s.next() & 0x3f);
    const step: u32 = u32((s.next() & 15) + 1);
    let total: u32 = n;
    if (s.next() === 0xf7) {
      // Rare: an unfinished message leaves the framer Transmitting, so this side can send
      // nothing more in this script (the session API has no abort for a started message).
      total = u32(s.next() & 0x3f);
    }
    fillPayload(s, pay, total, u8(s.next() & 3));
    let e: Err = x.startMessage(type, n);
    let at: u32 = u32(0);
    while (e === Err.Ok && at < total) {
      let end: u32 = u32(at + step);
      if (end > total) {
        end = total;
      }
      e = x.writeMessageBody(view(pay, at, end));
      at = end;
    }
    if (e === Err.Ok) {
      e = x.finishMessage();
    }
    return e;
  }
  if (op === 8) {
    const v: u8 = s.next();
    if (v >= 0x10) {
      xs.failAfter = u32(0xffffffff);
    } else {
      xs.failAfter = u32(v);
    }
    return Err.Ok;
  }
  if (op === 9) {
    const n: u32 = u32(s.next() & 0x1f);
    fillPayload(s, pay, n, u8(0));
    return x.sendLog(view(pay, u32(0), n));
  }
  const v: u8 = s.next();
  if (v >= 0xc0) {
    // The versions offered and accepted (1, 2; 0 and 3 are clamped), or never answering an Init.
    if (v === 0xff) {
      x.refuseInit();
    } else {
      x.setMaxVersion(u8(v & 3));
    }
    return Err.Ok;
  }
  // A whole handshake round: x starts, y hears it (and answers), x hears the answer.
  const e: Err = x.startSession();
  feed(y, view(xs.out, u32(0), xs.len), u32(0xffffffff));
  xs.len = u32(0);
  feed(x, view(ys.out, u32(0), ys.len), u32(0xffffffff));
  ys.len = u32(0);
  return e;
}

function snapshot(x: Session): void {
  t.put(u8(x.getState()));
  t.put16(x.sessionId());
  t.put(x.localNonce());
  t.put(x.sessionVersion());
  t.put32(x.bytesNeeded());
}

export function main(input: Bytes, output: Bytes): u32 {
  t.begin();
  s.load(input);
  sideA.len = u32(0);
  sideB.len = u32(0);
  sideA.failAfter = u32(0xffffffff);
  sideB.failAfter = u32(0xffffffff);
  // Each script starts from a boot: both sides initialised with nonces from the script.
  t.put16(u16(a.initialize()));
  t.put16(u16(b.initialize()));
  a.receive(view(pay, u32(0), u32(0)));
  while (s.more()) {
    const c: u8 = s.next();
    const op: u8 = u8(c & 15);
    t.command(op);
    let e: Err = Err.Ok;
    if (op > 10) {
      // Weighted towards delivery: the handshake needs round trips.
      if (u8(c & 0x10) === 0) {
        e = run(u8(3), a, sideA, b, sideB);
      } else {
        e = run(u8(3), b, sideB, a, sideA);
      }
    } else if (u8(c & 0x80) === 0) {
      e = run(op, a, sideA, b, sideB);
    } else {
      e = run(op, b, sideB, a, sideA);
    }
    t.put16(u16(e));
    snapshot(a);
    snapshot(b);
  }
  return t.finish(output);
}
