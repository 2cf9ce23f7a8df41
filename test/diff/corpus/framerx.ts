// A binary frame receiver state machine for a sensor bus: SYNC (0xAA 0x55), a length byte
// (1..32), a command byte, payload, and a CRC-8 (poly 0x07) over length, command and payload.
// Bytes arrive in arbitrary chunks; the receiver keeps its state across cases. Good frames are
// answered by the command handler, bad ones counted by reason.
import { u8, u16, u32, bytes, modu, rd8, wr8, wr16le, type Bytes } from '../../../firmware/lib/prelude.ts';

const St = { Sync1: 0, Sync2: 1, Len: 2, Cmd: 3, Payload: 4, Crc: 5 } as const;
type St = (typeof St)[keyof typeof St];

const MAX_PAYLOAD = 32;

function crc8(crc: u8, b: u8): u8 {
  let c = u8(crc ^ b);
  for (let k = u8(0); k < 8; k++) {
    c = u8(c & 0x80) !== 0 ? u8((c << 1) ^ 0x07) : u8(c << 1);
  }
  return c;
}

class Receiver {
  st: St = St.Sync1;
  len = u8(0);
  cmd = u8(0);
  got = u8(0);
  crc = u8(0);
  payload = bytes(MAX_PAYLOAD);
  good = u16(0);
  badLen = u16(0);
  badCrc = u16(0);

  /** Returns true when a verified frame is ready (cmd, payload[0, len)). */
  push(b: u8): boolean {
    switch (this.st) {
      case St.Sync1:
        if (b === 0xaa) this.st = St.Sync2;
        break;
      case St.Sync2:
        this.st = b === 0x55 ? St.Len : b === 0xaa ? St.Sync2 : St.Sync1;
        break;
      case St.Len:
        if (b === 0 || b > MAX_PAYLOAD) {
          this.badLen = u16(this.badLen + 1);
          this.st = St.Sync1;
        } else {
          this.len = b;
          this.crc = crc8(u8(0), b);
          this.st = St.Cmd;
        }
        break;
      case St.Cmd:
        this.cmd = b;
        this.crc = crc8(this.crc, b);
        this.got = u8(0);
        this.st = St.Payload;
        break;
      case St.Payload:
        wr8(this.payload, this.got, b);
        this.crc = crc8(this.crc, b);
        this.got = u8(this.got + 1);
        if (this.got === this.len) this.st = St.Crc;
        break;
      case St.Crc:
        this.st = St.Sync1;
        if (b === this.crc) {
          this.good = u16(this.good + 1);
          return true;
        }
        this.badCrc = u16(this.badCrc + 1);
        break;
    }
    return false;
  }
}

const rx = new Receiver();

/** Handle a frame; writes the reply at `at` and returns the reply length. */
function handle(r: Receiver, out: Bytes, at: u32): u32 {
  let sum = u16(0);
  const n = u32(r.len);
  for (let i = u32(0); i < n; i++) {
    sum = u16(sum + rd8(r.payload, i));
  }
  wr8(out, at, r.cmd);
  wr8(out, u32(at + 1), r.len);
  wr16le(out, u32(at + 2), sum);
  return u32(4);
}

// The test driver also plays the sender: frames built from the input (payload length from a
// control byte), every fifth one with a flipped CRC bit, so verified frames arrive too.
const tx = bytes(480);

function buildFrames(input: Bytes): u32 {
  let i = u32(0);
  let o = u32(0);
  let n = u32(0);
  while (i < input.length && u32(o + 5 + MAX_PAYLOAD) <= tx.length) {
    const ctl = rd8(input, i);
    i = u32(i + 1);
    let len = u32(ctl & 31);
    if (len === 0) len = u32(1);
    if (u32(i + len) > input.length) break;
    wr8(tx, o, u8(0xaa));
    wr8(tx, u32(o + 1), u8(0x55));
    wr8(tx, u32(o + 2), u8(len));
    wr8(tx, u32(o + 3), u8(ctl >>> 5));
    let crc = crc8(crc8(u8(0), u8(len)), u8(ctl >>> 5));
    for (let k = u32(0); k < len; k++) {
      const b = rd8(input, u32(i + k));
      wr8(tx, u32(o + 4 + k), b);
      crc = crc8(crc, b);
    }
    n = u32(n + 1);
    if (modu(n, u32(5)) === 0) crc = u8(crc ^ 0x10);
    wr8(tx, u32(o + 4 + len), crc);
    o = u32(o + 5 + len);
    i = u32(i + len);
  }
  return o;
}

export function main(input: Bytes, output: Bytes): u32 {
  let o = u32(8);
  const built = buildFrames(input);
  for (let i = u32(0); i < built; i++) {
    if (rx.push(rd8(tx, i)) && u32(o + 4) <= output.length) {
      o = u32(o + handle(rx, output, o));
    }
  }
  for (let i = u32(0); i < input.length; i++) {
    if (rx.push(input[i]) && u32(o + 4) <= output.length) {
      o = u32(o + handle(rx, output, o));
    }
  }
  wr16le(output, 0, rx.good);
  wr16le(output, 2, rx.badLen);
  wr16le(output, 4, rx.badCrc);
  wr8(output, 6, u8(rx.st));
  return u32(rx.good);
}
