// A bit reader and writer (MSB-first, as in H.264/MPEG headers and many radio protocols):
// read fields of 1..32 bits, Exp-Golomb codes ue(v)/se(v), and write them back. The input is read
// as a stream of Exp-Golomb codes (up to 24 leading zeros); the decoded values are re-encoded and
// must give back the same bits.
import { u8, u32, i32, bytes, rd8, wr8, wr32le, clz32, type Bytes } from '../../../firmware/lib/prelude.ts';

class BitReader {
  pos = u32(0);
  end = u32(0);
  overrun = false;

  bit(b: Bytes): u32 {
    if (this.pos >= this.end) {
      this.overrun = true;
      return u32(0);
    }
    const byte = rd8(b, u32(this.pos >>> 3));
    const v = u32((byte >>> (7 - (this.pos & 7))) & 1);
    this.pos = u32(this.pos + 1);
    return v;
  }

  bits(b: Bytes, n: u32): u32 {
    let v = u32(0);
    for (let k = u32(0); k < n; k++) {
      v = u32((v << 1) | this.bit(b));
    }
    return v;
  }

  /** Unsigned Exp-Golomb; 0xffffffff if more than 24 leading zeros. */
  ue(b: Bytes): u32 {
    let zeros = u32(0);
    while (this.bit(b) === 0) {
      if (this.overrun) return u32(0xffffffff);
      zeros = u32(zeros + 1);
      if (zeros > 24) return u32(0xffffffff);
    }
    return u32(((1 << zeros) >>> 0) - 1 + this.bits(b, zeros));
  }
}

class BitWriter {
  pos = u32(0);
  buf = bytes(400);

  bit(v: u32): void {
    const at = u32(this.pos >>> 3);
    const mask = u8(0x80 >>> (this.pos & 7));
    const old = rd8(this.buf, at);
    wr8(this.buf, at, v !== 0 ? u8(old | mask) : u8(old & ~mask));
    this.pos = u32(this.pos + 1);
  }

  bits(v: u32, n: u32): void {
    for (let k = u32(0); k < n; k++) {
      this.bit(u32((v >>> (n - 1 - k)) & 1));
    }
  }

  ue(v: u32): void {
    const x = u32(v + 1);
    const len = u32(32 - clz32(x));
    this.bits(u32(0), u32(len - 1));
    this.bits(x, len);
  }
}

const reader = new BitReader();
const writer = new BitWriter();

export function se(code: u32): i32 {
  // 1, 2, 3, 4 ... -> 1, -1, 2, -2 ...
  const mag = i32((code + 1) >>> 1);
  return u32(code & 1) !== 0 ? mag : i32(-mag);
}

export function main(input: Bytes, output: Bytes): u32 {
  reader.pos = u32(0);
  reader.end = u32(input.length * 8);
  reader.overrun = false;
  writer.pos = u32(0);
  let n = u32(0);
  let sum = i32(0);
  let o = u32(8);
  for (;;) {
    const start = reader.pos;
    const v = reader.ue(input);
    if (v === 0xffffffff || reader.overrun) break;
    writer.ue(v);
    sum = i32(sum + se(v));
    if (writer.pos !== reader.pos) wr8(output, 7, u8(1));
    if (u32(o + 4) <= output.length) {
      wr32le(output, o, v);
      o = u32(o + 4);
    }
    n = u32(n + 1);
    if (reader.pos === start) break;
  }
  // The re-encoded bits must equal the consumed prefix of the input.
  let diff = u32(0);
  for (let i = u32(0); i < u32(writer.pos >>> 3); i++) {
    if (rd8(writer.buf, i) !== rd8(input, i)) diff = u32(diff + 1);
  }
  wr32le(output, 0, u32(sum));
  wr8(output, 4, u8(diff));
  wr8(output, 5, u8(reader.pos & 7));
  return n;
}
