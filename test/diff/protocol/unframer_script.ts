// Command-script difftest driver for the Unframer (firmware/framing/unframer.ts). The script
// feeds raw noise, frames built by the Framer (whole, in chunks, byte at a time, with a flipped
// byte, truncated, or with an escape pair spliced in), lone escape pairs, resets and changing
// sink limits. The transcript holds every sink call (frameStart length, frameData bytes,
// frameEnd validity), the error of every write, the state and the bytes-needed hint.
// @difftest cases=1500 seed=1 outSize=512

import { u8, u16, u32, bytes, view, copy, rd8, wr8, type Bytes, type bool } from '../../../firmware/lib/prelude.ts';
import { Err } from '../../../firmware/lib/errors.ts';
import { Framer, type WriteStream } from '../../../firmware/framing/framer.ts';
import { Unframer, type FrameSink } from '../../../firmware/framing/unframer.ts';
import { Transcript, Script, fillPayload } from './script_lib.ts';

const UNLIMITED = 0xffffffff;

class Sink implements FrameSink {
  readonly t: Transcript;
  maxLen: u32 = u32(UNLIMITED);
  budget: u32 = u32(UNLIMITED);
  taken: u32 = u32(0);
  constructor(t: Transcript) {
    this.t = t;
  }
  frameStart(len: u32): Err {
    this.t.put(u8(0x53));
    this.t.put32(len);
    this.taken = u32(0);
    if (len > this.maxLen) {
      return Err.SessionReceiveBufferShortWrite;
    }
    return Err.Ok;
  }
  frameData(data: Bytes): Err {
    this.t.put(u8(0x44));
    this.t.putBytes(data);
    if (this.budget !== UNLIMITED && data.length > u32(this.budget - this.taken)) {
      return Err.SessionReceiveBufferBusy;
    }
    this.taken = u32(this.taken + data.length);
    return Err.Ok;
  }
  frameEnd(valid: bool): void {
    this.t.put(u8(0x45));
    this.t.put(valid ? u8(1) : u8(0));
  }
}

/** Where the generating framer's output goes. */
class Wire implements WriteStream {
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

const t = new Transcript();
const s = new Script();
const sink = new Sink(t);
const unframer = new Unframer(sink);
const wire = new Wire();
const gen = new Framer(wire);
const pay: Bytes = bytes(320);
const pair: Bytes = bytes(2);

/** Feeds `data` in writes of `step` bytes, logging each write's error. */
function feed(data: Bytes, step: u32): void {
  let at: u32 = u32(0);
  while (at < data.length) {
    let end: u32 = u32(at + step);
    if (end > data.length || end < at) {
      end = data.length;
    }
    const e: Err = unframer.write(view(data, at, end));
    t.put16(u16(e));
    at = end;
  }
}

function limit(v: u8): u32 {
  if (v === 0xff) {
    return u32(UNLIMITED);
  }
  return u32(v);
}

const ESCAPES: readonly u8[] = [u8(0xfd), u8(0xfe), u8(0x00), u8(0xff)];

/** Frames a payload from the script, damages it as the script says and feeds it. */
function frameAndFeed(step: u32, mode: u8): void {
  let n: u32 = u32(s.next16() & 0x1ff);
  if (n > pay.length) {
    n = pay.length;
  }
  fillPayload(s, pay, n, mode);
  if (u8(s.next() & 7) === 0) {
    gen.reset();
  }
  wire.len = u32(0);
  const fe: Err = gen.writeFrame(view(pay, u32(0), n));
  t.put16(u16(fe));
  const w: Bytes = view(wire.buf, u32(0), wire.len);
  const how: u8 = u8(s.next() & 3);
  let pos: u32 = u32(0);
  if (w.length !== 0) {
    pos = u32(s.next16());
    while (pos >= w.length) {
      pos = u32(pos - w.length);
    }
  }
  if (how === 1 && w.length !== 0) {
    wr8(w, pos, u8(rd8(w, pos) ^ (s.next() | 1)));
    feed(w, step);
  } else if (how === 2) {
    feed(view(w, u32(0), pos), step);
  } else if (how === 3) {
    feed(view(w, u32(0), pos), step);
    pair[0] = u8(0xff);
    const k: u8 = u8(s.next() & 3);
    if (k < ESCAPES.length) {
      pair[1] = ESCAPES[k];
    }
    feed(pair, step);
    feed(view(w, pos, w.length), step);
  } else {
    feed(w, step);
  }
}

function run(op: u8): void {
  if (op === 0) {
    const n: u32 = u32(s.next() & 0x3f);
    fillPayload(s, pay, n, u8(0));
    feed(view(pay, u32(0), n), u32(n + 1));
  } else if (op === 1) {
    frameAndFeed(u32(0xffffffff), u8(s.next() & 3));
  } else if (op === 2) {
    frameAndFeed(u32((s.next() & 31) + 1), u8(s.next() & 3));
  } else if (op === 3) {
    unframer.reset();
  } else if (op === 4) {
    sink.maxLen = limit(s.next());
    sink.budget = limit(s.next());
  } else if (op === 5) {
    pair[0] = u8(0xff);
    pair[1] = s.next();
    feed(pair, u32(1 + (s.next() & 1)));
  } else if (op === 6) {
    const n: u32 = u32(s.next() & 0x1f);
    fillPayload(s, pay, n, u8(1));
    feed(view(pay, u32(0), n), u32(1));
  } else {
    frameAndFeed(u32(1), u8(2));
  }
}

export function main(input: Bytes, output: Bytes): u32 {
  t.begin();
  s.load(input);
  unframer.reset();
  gen.reset();
  sink.maxLen = u32(UNLIMITED);
  sink.budget = u32(UNLIMITED);
  while (s.more()) {
    const op: u8 = u8(s.next() & 7);
    t.command(op);
    run(op);
    t.put(u8(unframer.getState()));
    t.put32(unframer.bytesNeeded());
  }
  return t.finish(output);
}
