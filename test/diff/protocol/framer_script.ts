// Command-script difftest driver for the Framer (firmware/framing/framer.ts). The input is a
// script of commands (start, payload chunks, finish, whole frames, reset, a failing stream);
// the output is a transcript of every stream write (its bytes: chunking included), every
// returned error and the framer state after each command. Node and C must match exactly.
// @difftest cases=1500 seed=1 outSize=512

import { u8, u16, u32, bytes, view, type Bytes } from '../../../firmware/lib/prelude.ts';
import { Err } from '../../../firmware/lib/errors.ts';
import { Framer, type WriteStream } from '../../../firmware/framing/framer.ts';
import { Transcript, Script, fillPayload } from './script_lib.ts';

const UNLIMITED = 0xffffffff;

/** Records every write in the transcript; refuses a write once `budget` bytes were taken. */
class Stream implements WriteStream {
  readonly t: Transcript;
  taken: u32 = u32(0);
  budget: u32 = u32(UNLIMITED);
  constructor(t: Transcript) {
    this.t = t;
  }
  write(data: Bytes): Err {
    if (this.budget !== UNLIMITED && data.length > u32(this.budget - this.taken)) {
      this.t.put(u8(0x58));
      this.t.put32(data.length);
      return Err.WriteStreamShortWrite;
    }
    this.taken = u32(this.taken + data.length);
    this.t.put(u8(0x57));
    this.t.putBytes(data);
    return Err.Ok;
  }
}

const t = new Transcript();
const s = new Script();
const stream = new Stream(t);
const framer = new Framer(stream);
const pay: Bytes = bytes(600);

function payloadLen(): u32 {
  const k: u8 = s.next();
  if (u8(k & 0xc0) === 0xc0) {
    // Occasionally a length nothing will ever match (length field escaping, overflow checks).
    return s.next32();
  }
  return u32(k & 0x3f);
}

function run(op: u8): Err {
  if (op === 0) {
    return framer.start(payloadLen());
  }
  if (op === 1) {
    const n: u32 = u32(s.next() & 0x3f);
    fillPayload(s, pay, n, u8(s.next() & 3));
    return framer.writePayload(view(pay, u32(0), n));
  }
  if (op === 2) {
    return framer.finish();
  }
  if (op === 3) {
    let n: u32 = u32(s.next16() & 0x1ff);
    if (n > pay.length) {
      n = pay.length;
    }
    fillPayload(s, pay, n, u8(s.next() & 3));
    return framer.writeFrame(view(pay, u32(0), n));
  }
  if (op === 4) {
    framer.reset();
    return Err.Ok;
  }
  if (op === 5) {
    const v: u8 = s.next();
    if (v === 0xff) {
      stream.budget = u32(UNLIMITED);
    } else {
      stream.budget = u32(stream.taken + v);
    }
    return Err.Ok;
  }
  if (op === 6) {
    return framer.writePayload(view(pay, u32(0), u32(0)));
  }
  // op 7: a streamed frame, the payload given in chunks of 1..16 bytes.
  const n: u32 = u32(s.next() & 0x7f);
  const step: u32 = u32((s.next() & 15) + 1);
  fillPayload(s, pay, n, u8(s.next() & 3));
  let e: Err = framer.start(n);
  let at: u32 = u32(0);
  while (e === Err.Ok && at < n) {
    let end: u32 = u32(at + step);
    if (end > n) {
      end = n;
    }
    e = framer.writePayload(view(pay, at, end));
    at = end;
  }
  if (e === Err.Ok) {
    e = framer.finish();
  }
  return e;
}

export function main(input: Bytes, output: Bytes): u32 {
  t.begin();
  s.load(input);
  framer.reset();
  stream.taken = u32(0);
  stream.budget = u32(UNLIMITED);
  while (s.more()) {
    const op: u8 = u8(s.next() & 7);
    t.command(op);
    const e: Err = run(op);
    t.put16(u16(e));
    t.put(u8(framer.getState()));
  }
  return t.finish(output);
}
