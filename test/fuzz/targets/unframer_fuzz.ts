// Fuzz target 1: the Unframer (firmware/framing/unframer.ts), fed any bytes in any chunking.
//
// Oracle: a byte-at-a-time reference parser written from docs/protocol.md (Reference below) runs
// over every chunk first and queues the sink events it expects: S(len) at the last length byte,
// D(b) per payload byte, E(crc ok) when a started frame ends (CRC field complete, or aborted by
// FF FD / a bad escape / reset()). The real unframer then takes the same chunk and its FrameSink
// calls must match the queue: same lengths, same payload bytes, frameEnd(valid) exactly when the
// CRC matched and the sink took every byte; no call out of protocol. A frame the sink refuses at
// frameStart (longer than maxLen) must get no further calls; a frameData the sink rejects (over
// its budget) ends delivery for that frame. write() must return the reference's first framing
// error (or the sink's refusal when that came first); getState()/bytesNeeded() must agree.
// Frames the harness encodes itself (structured mode) must arrive intact.
//
// Input: byte 0 flags (bit 0 structured, bits 1-2 chunking, bits 3-4 maxLen, bits 5-6 budget),
// bytes 1-2 chunking seed. Raw mode: the rest is fed as is. Structured mode: records
//   ctl: op = ctl & 3: 0 frame [u16 len][len payload bytes], 1 noise [u8 n][n bytes],
//        2 unframer.reset(), 3 escape pair FF [u8 x]
//   frame options: ctl bit 2 FE prefix, 3 damaged CRC [u16 xor], 4 FF FE no-op pair [u8 pos],
//        5 truncated [u16 cut], 6 all-FF payload (no payload bytes read), 7 a 00 byte first.

import { u8, u16, u32, bytes, view, fill, wr8, wr32le, rd8, type Bytes, type bool } from '../../../firmware/lib/prelude.ts';
import { Err } from '../../../firmware/lib/errors.ts';
import { Unframer, type FrameSink } from '../../../firmware/framing/unframer.ts';
import { Inv, check, bit, crcByte, CRC_START, Wire, Input, Rng, digestOf } from './fuzz_lib.ts';

const UNLIMITED = 0xffffffff;
const EV_START = 0x53;
const EV_DATA = 0x44;
const EV_END = 0x45;

const RefState = { Hunt: 0, Length: 1, Payload: 2, Crc: 3 } as const;
type RefState = (typeof RefState)[keyof typeof RefState];

/** Events the reference expects, consumed by the sink. */
class Queue {
  readonly buf: Bytes = bytes(65536);
  head: u32 = u32(0);
  tail: u32 = u32(0);

  clear(): void {
    this.head = u32(0);
    this.tail = u32(0);
  }
  push(b: u8): void {
    check(this.tail < this.buf.length, Inv.Reference);
    wr8(this.buf, this.tail, b);
    this.tail = u32(this.tail + 1);
  }
  empty(): bool {
    return this.head >= this.tail;
  }
  peek(): u8 {
    check(!this.empty(), Inv.Reference);
    return rd8(this.buf, this.head);
  }
  pop(): u8 {
    const b: u8 = this.peek();
    this.head = u32(this.head + 1);
    return b;
  }
  pop32(): u32 {
    const a: u8 = this.pop();
    const b: u8 = this.pop();
    const c: u8 = this.pop();
    const d: u8 = this.pop();
    return u32(a | (b << 8) | (c << 16) | (d << 24));
  }
}

/** The receive state machine of docs/protocol.md, one byte at a time, no fast paths. */
class Reference {
  readonly q: Queue;
  state: RefState = RefState.Hunt;
  sawFF: bool = false;
  crc: u16 = u16(CRC_START);
  field: u32 = u32(0);
  fieldBytes: u32 = u32(0);
  remaining: u32 = u32(0);
  /** frameStart was reached (an end event is owed). */
  started: bool = false;
  err: Err = Err.Ok;
  /** The last ended frame: valid, length, payload digest. */
  ends: u32 = u32(0);
  lastValid: bool = false;
  lastLen: u32 = u32(0);
  lastDigest: u16 = u16(0);
  len: u32 = u32(0);
  payDigest: u16 = u16(0);

  constructor(q: Queue) {
    this.q = q;
  }

  reset(): void {
    this.close(false);
    this.sawFF = false;
  }

  byte(b: u8): void {
    if (this.state === RefState.Hunt) {
      if (this.sawFF && b === 0xfd) {
        this.begin();
      } else {
        this.sawFF = b === 0xff;
      }
      return;
    }
    if (this.state !== RefState.Crc) {
      this.crc = crcByte(this.crc, b);
    }
    if (!this.sawFF) {
      if (b === 0xff) {
        this.sawFF = true;
      } else {
        this.data(b);
      }
      return;
    }
    this.sawFF = false;
    if (b === 0xff) {
      this.data(b);
    } else if (b === 0xfd) {
      this.fail(Err.FramingShortPacket);
      this.close(false);
      this.begin();
    } else if (b !== 0xfe) {
      this.fail(Err.FramingInvalidEscape);
      this.close(false);
    }
  }

  private data(b: u8): void {
    if (this.state === RefState.Payload) {
      this.q.push(u8(EV_DATA));
      this.q.push(b);
      this.payDigest = crcByte(this.payDigest, b);
      this.remaining = u32(this.remaining - 1);
      if (this.remaining === 0) {
        this.enter(RefState.Crc);
      }
      return;
    }
    this.field = u32(this.field | (b << u32(this.fieldBytes << 3)));
    this.fieldBytes = u32(this.fieldBytes + 1);
    if (this.state === RefState.Length && this.fieldBytes === 4) {
      this.len = this.field;
      this.remaining = this.field;
      this.payDigest = u16(0xffff);
      this.started = true;
      this.q.push(u8(EV_START));
      this.q.push(u8(this.len));
      this.q.push(u8(this.len >>> 8));
      this.q.push(u8(this.len >>> 16));
      this.q.push(u8(this.len >>> 24));
      this.enter(this.len === 0 ? RefState.Crc : RefState.Payload);
    } else if (this.state === RefState.Crc && this.fieldBytes === 2) {
      const ok: bool = u16(this.field) === this.crc;
      if (!ok) {
        this.fail(Err.FramingCrcMismatch);
      }
      this.close(ok);
    }
  }

  private begin(): void {
    this.crc = u16(CRC_START);
    this.sawFF = false;
    this.started = false;
    this.enter(RefState.Length);
  }

  private enter(s: RefState): void {
    this.state = s;
    this.field = u32(0);
    this.fieldBytes = u32(0);
  }

  private close(valid: bool): void {
    this.state = RefState.Hunt;
    if (this.started) {
      this.started = false;
      this.q.push(u8(EV_END));
      this.q.push(valid ? u8(1) : u8(0));
      this.ends = u32(this.ends + 1);
      this.lastValid = valid;
      this.lastLen = this.len;
      this.lastDigest = this.payDigest;
    }
  }

  private fail(e: Err): void {
    if (this.err === Err.Ok) {
      this.err = e;
    }
  }

  bytesNeeded(): u32 {
    if (this.state === RefState.Length) {
      return u32(4 - this.fieldBytes);
    }
    if (this.state === RefState.Payload) {
      return this.remaining;
    }
    if (this.state === RefState.Crc) {
      return u32(2 - this.fieldBytes);
    }
    return u32(1);
  }
}

/** The unframer's sink: checks every call against the reference's queue. */
class Sink implements FrameSink {
  readonly q: Queue;
  maxLen: u32 = u32(UNLIMITED);
  budget: u32 = u32(UNLIMITED);
  open: bool = false;
  /** The sink refused the current frame's data (frameData error). */
  rejected: bool = false;
  /** The frame the sink refused at frameStart: its queued D and E events are skipped. */
  skipping: bool = false;
  len: u32 = u32(0);
  taken: u32 = u32(0);
  /** The first error the sink returned during the current write() (Ok if none). */
  refusal: Err = Err.Ok;
  valid: u32 = u32(0);
  invalid: u32 = u32(0);
  refused: u32 = u32(0);

  constructor(q: Queue) {
    this.q = q;
  }

  reset(): void {
    this.open = false;
    this.rejected = false;
    this.skipping = false;
    this.refusal = Err.Ok;
  }

  /** Drops queued events the unframer will never deliver. */
  drain(): void {
    while (this.skipping && !this.q.empty()) {
      const ev: u8 = this.q.pop();
      if (ev === EV_START) {
        check(false, Inv.Reference);
      }
      this.q.pop();
      if (ev === EV_END) {
        this.skipping = false;
      }
    }
    if (this.open && this.rejected) {
      while (!this.q.empty() && this.q.peek() === EV_DATA) {
        this.q.pop();
        this.q.pop();
      }
    }
  }

  private refuse(e: Err): Err {
    if (this.refusal === Err.Ok) {
      this.refusal = e;
    }
    return e;
  }

  frameStart(len: u32): Err {
    this.drain();
    check(!this.open, Inv.SinkProtocol);
    check(this.q.pop() === EV_START, Inv.Reference);
    check(this.q.pop32() === len, Inv.Reference);
    if (len > this.maxLen) {
      this.refused = u32(this.refused + 1);
      this.skipping = true;
      return this.refuse(Err.SessionReceiveBufferShortWrite);
    }
    this.open = true;
    this.rejected = false;
    this.len = len;
    this.taken = u32(0);
    return Err.Ok;
  }

  frameData(data: Bytes): Err {
    this.drain();
    check(this.open && !this.rejected, Inv.SinkProtocol);
    check(data.length !== 0 && data.length <= u32(this.len - this.taken), Inv.SinkProtocol);
    for (let i = u32(0); i < data.length; i++) {
      check(this.q.pop() === EV_DATA, Inv.Reference);
      check(this.q.pop() === data[i], Inv.Reference);
    }
    if (this.budget !== UNLIMITED && data.length > u32(this.budget - this.taken)) {
      this.rejected = true;
      return this.refuse(Err.SessionReceiveBufferBusy);
    }
    this.taken = u32(this.taken + data.length);
    return Err.Ok;
  }

  frameEnd(valid: bool): void {
    this.drain();
    check(this.open, Inv.SinkProtocol);
    check(this.q.pop() === EV_END, Inv.Reference);
    const crcOk: bool = this.q.pop() === 1;
    const expect: bool = crcOk && !this.rejected && this.taken === this.len;
    check(valid === expect, Inv.Reference);
    if (valid) {
      this.valid = u32(this.valid + 1);
    } else {
      this.invalid = u32(this.invalid + 1);
    }
    this.open = false;
    this.rejected = false;
  }
}

const empty: Bytes = bytes(0);
const inp = new Input(empty);
const rng = new Rng();
const queue = new Queue();
const ref = new Reference(queue);
const sink = new Sink(queue);
const unframer = new Unframer(sink);
const wire = new Wire();
const ffPayload: Bytes = bytes(2048);

let chunkMode: u8 = u8(0);

/** Sink limits: none, 0, 7 or 300 bytes. */
function limit(k: u8): u32 {
  if (k === 1) {
    return u32(0);
  }
  if (k === 2) {
    return u32(7);
  }
  if (k === 3) {
    return u32(300);
  }
  return u32(UNLIMITED);
}

/** After a write() or reset(): queue consumed, same state and read hint as the reference. */
function settle(): void {
  sink.drain();
  check(queue.empty(), Inv.Reference);
  queue.clear();
  check(u32(unframer.getState()) === u32(ref.state), Inv.Reference);
  check(unframer.bytesNeeded() === ref.bytesNeeded(), Inv.Reference);
  check(ref.bytesNeeded() !== 0, Inv.Reference);
}

/** One write(): the reference goes first, then the unframer; errors compared. */
function write(d: Bytes): void {
  ref.err = Err.Ok;
  sink.refusal = Err.Ok;
  for (let i = u32(0); i < d.length; i++) {
    ref.byte(d[i]);
  }
  const e: Err = unframer.write(d);
  if (sink.refusal === Err.Ok) {
    check(e === ref.err, Inv.WriteError);
  } else {
    check(e === ref.err || e === sink.refusal, Inv.WriteError);
    check(e !== Err.Ok, Inv.WriteError);
  }
  settle();
}

/** Feeds d in chunks as the chunk mode says. */
function feed(d: Bytes): void {
  let at: u32 = u32(0);
  while (at < d.length) {
    let n: u32 = u32(d.length - at);
    if (chunkMode === 1) {
      n = u32(1);
    } else if (chunkMode === 2) {
      n = rng.size(u32(17));
    } else if (chunkMode === 3) {
      n = rng.size(u32(300));
    }
    if (n > u32(d.length - at)) {
      n = u32(d.length - at);
    }
    write(view(d, at, u32(at + n)));
    at = u32(at + n);
  }
}

function record(): void {
  const ctl: u8 = inp.next();
  const op: u8 = u8(ctl & 3);
  wire.clear();
  if (op === 1) {
    const n: u32 = u32(inp.next());
    feed(inp.take(n));
    return;
  }
  if (op === 2) {
    ref.reset();
    unframer.reset();
    settle();
    return;
  }
  if (op === 3) {
    wire.raw(u8(0xff));
    wire.raw(inp.next());
    feed(wire.bytes());
    return;
  }
  let len: u32 = u32(inp.next16() & 0x7ff);
  let payload: Bytes = ffPayload;
  if (bit(ctl, u8(0x40))) {
    fill(ffPayload, u8(0xff), u32(0), len);
    payload = view(ffPayload, u32(0), len);
  } else {
    payload = inp.take(len);
    len = payload.length;
  }
  let damage: u16 = u16(0);
  if (bit(ctl, u8(0x08))) {
    damage = u16(inp.next16() | 1);
  }
  if (bit(ctl, u8(0x10))) {
    wire.nopAt = u32(inp.next());
  }
  let cut: u32 = u32(0xffffffff);
  if (bit(ctl, u8(0x20))) {
    cut = u32(inp.next16());
  }
  const fe: bool = bit(ctl, u8(0x04));
  if (bit(ctl, u8(0x80))) {
    wire.raw(u8(0));
  }
  const from: u32 = wire.len;
  wire.begin(len, fe);
  wire.putBytes(payload);
  const end: u32 = wire.end(damage);
  let stop: u32 = end;
  if (cut !== 0xffffffff) {
    stop = u32(from + (cut & 0x7fff));
    if (stop > end) {
      stop = end;
    }
  }
  // The frame must arrive whole and valid when nothing can disturb it: not damaged or cut, and
  // the parser is not in the middle of an escape pair inside a frame (then our FF pairs with it).
  const clean: bool = damage === 0 && stop === end && (fe || ref.state === RefState.Hunt || !ref.sawFF || bit(ctl, u8(0x80)));
  const before: u32 = ref.ends;
  feed(view(wire.buf, u32(0), stop));
  if (clean) {
    check(ref.ends !== before && ref.lastValid && ref.lastLen === len, Inv.CleanFrame);
    check(ref.lastDigest === digestOf(payload, u16(0xffff)), Inv.CleanFrame);
  }
}

export function main(input: Bytes, output: Bytes): u32 {
  inp.load(input);
  const flags: u8 = inp.next();
  rng.seed(u32(inp.next16() + 1));
  chunkMode = u8((flags >>> 1) & 3);
  sink.maxLen = limit(u8((flags >>> 3) & 3));
  sink.budget = limit(u8((flags >>> 5) & 3));
  // A fresh start: drop any frame of the previous input on both sides.
  ref.reset();
  unframer.reset();
  sink.reset();
  queue.clear();
  ref.err = Err.Ok;
  sink.valid = u32(0);
  sink.invalid = u32(0);
  sink.refused = u32(0);
  if (!bit(flags, u8(1))) {
    feed(inp.take(inp.left()));
  } else {
    while (inp.more()) {
      record();
    }
  }
  if (output.length >= 12) {
    wr32le(output, u32(0), sink.valid);
    wr32le(output, u32(4), sink.invalid);
    wr32le(output, u32(8), sink.refused);
  }
  return ref.ends;
}
