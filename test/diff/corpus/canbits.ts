// CAN 2.0A frame bits as a software CAN (bit-banged) controller builds them: the 15-bit CAN CRC
// (poly 0x4599) over SOF, identifier, control and data bits, then bit stuffing (a complemented
// bit after five equal ones) and de-stuffing with stuff-error detection on receive. The input
// gives identifiers, lengths and data; received bit streams are also corrupted on purpose.
import { u8, u16, u32, bytes, rd8, rd16le, wr8, wr16le, type Bytes } from '../../../firmware/lib/prelude.ts';

const MAX_BITS = 160;

class BitBuf {
  bits = bytes(MAX_BITS);
  n = u32(0);

  clear(): void {
    this.n = u32(0);
  }
  push(b: u8): void {
    wr8(this.bits, this.n, b);
    this.n = u32(this.n + 1);
  }
  pushField(v: u32, width: u32): void {
    for (let k = u32(0); k < width; k++) {
      this.push(u8((v >>> (width - 1 - k)) & 1));
    }
  }
  at(i: u32): u8 {
    return rd8(this.bits, i);
  }
}

function crc15(buf: BitBuf, count: u32): u16 {
  let crc = u16(0);
  for (let i = u32(0); i < count; i++) {
    const nxt = u8(buf.at(i) ^ u8((crc >>> 14) & 1));
    crc = u16((crc << 1) & 0x7fff);
    if (nxt !== 0) crc = u16(crc ^ 0x4599);
  }
  return crc;
}

const raw = new BitBuf();
const line = new BitBuf();
const back = new BitBuf();

/** Stuff `src` into `dst`: after five equal bits insert the complement. */
function stuff(src: BitBuf, dst: BitBuf): void {
  dst.clear();
  let run = u8(0);
  let last = u8(2);
  for (let i = u32(0); i < src.n; i++) {
    const b = src.at(i);
    dst.push(b);
    run = b === last ? u8(run + 1) : u8(1);
    last = b;
    if (run === 5) {
      const s = u8(b ^ 1);
      dst.push(s);
      last = s;
      run = u8(1);
    }
  }
}

/** De-stuff; returns false on a stuff error (six equal bits). */
function destuff(src: BitBuf, dst: BitBuf): boolean {
  dst.clear();
  let run = u8(0);
  let last = u8(2);
  let skip = false;
  for (let i = u32(0); i < src.n; i++) {
    const b = src.at(i);
    if (skip) {
      if (b === last) return false;
      skip = false;
      last = b;
      run = u8(1);
      continue;
    }
    dst.push(b);
    run = b === last ? u8(run + 1) : u8(1);
    last = b;
    if (run === 5) skip = true;
  }
  return true;
}

export function main(input: Bytes, output: Bytes): u32 {
  let i = u32(0);
  let o = u32(0);
  let frames = u32(0);
  let stuffErrors = u16(0);
  let crcErrors = u16(0);
  while (u32(i + 3) <= input.length && u32(o + 6) <= output.length) {
    const id = u16(rd16le(input, i) & 0x7ff);
    const dlc = u32(rd8(input, u32(i + 2)) & 7);
    i = u32(i + 3);
    if (u32(i + dlc) > input.length) break;
    raw.clear();
    raw.push(u8(0)); // SOF
    raw.pushField(u32(id), u32(11));
    raw.pushField(u32(0), u32(3)); // RTR, IDE, r0
    raw.pushField(dlc, u32(4));
    for (let k = u32(0); k < dlc; k++) raw.pushField(u32(rd8(input, u32(i + k))), u32(8));
    const crc = crc15(raw, raw.n);
    raw.pushField(u32(crc), u32(15));
    stuff(raw, line);
    // Every fourth frame gets a bit flipped on the wire, at a position taken from its id.
    frames = u32(frames + 1);
    if (u32(frames & 3) === 0) {
      const at = u32(id & 63);
      if (at < line.n) wr8(line.bits, at, u8(line.at(at) ^ 1));
    }
    const ok = destuff(line, back);
    if (!ok) {
      stuffErrors = u16(stuffErrors + 1);
    } else if (back.n < 15 || crc15(back, u32(back.n - 15)) !== u16(bitsValue(back, u32(back.n - 15), u32(15)))) {
      crcErrors = u16(crcErrors + 1);
    }
    wr16le(output, o, u16(line.n));
    wr16le(output, u32(o + 2), crc);
    wr8(output, u32(o + 4), ok ? u8(1) : u8(0));
    wr8(output, u32(o + 5), u8(back.n));
    o = u32(o + 6);
    i = u32(i + dlc);
  }
  wr16le(output, u32(output.length - 4), stuffErrors);
  wr16le(output, u32(output.length - 2), crcErrors);
  return frames;
}

function bitsValue(b: BitBuf, from: u32, width: u32): u32 {
  let v = u32(0);
  for (let k = u32(0); k < width; k++) v = u32((v << 1) | b.at(u32(from + k)));
  return v;
}
