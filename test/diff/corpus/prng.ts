// Pseudo-random generators used on MCUs: xorshift32 (Marsaglia), a 16-bit Galois LFSR (taps
// 0xB400), and a PCG-style LCG step using mul32. The generator state is seeded from the input
// (zero seeds replaced, as xorshift must not start at 0), persists across cases, and a
// dice-roll helper draws unbiased values in [0, n) by rejection sampling.
import { u8, u16, u32, mul32, modu, rd16le, rd32le, wr8, wr16le, wr32le, type Bytes } from '../../../firmware/lib/prelude.ts';

class Xorshift32 {
  s = u32(2463534242);
  next(): u32 {
    let x = this.s;
    x = u32(x ^ (x << 13));
    x = u32(x ^ (x >>> 17));
    x = u32(x ^ (x << 5));
    this.s = x;
    return x;
  }
  /** Unbiased value in [0, n) for n >= 1. */
  below(n: u32): u32 {
    const limit = u32(0xffffffff - modu(u32(0xffffffff - n + 1), n));
    for (;;) {
      const r = this.next();
      if (r <= limit) return modu(r, n);
    }
  }
}

class Lfsr16 {
  s = u16(0xace1);
  step(): u8 {
    const lsb = u8(this.s & 1);
    this.s = u16(this.s >>> 1);
    if (lsb !== 0) this.s = u16(this.s ^ 0xb400);
    return lsb;
  }
}

class Lcg {
  state = u32(0x853c49e6);
  next(): u16 {
    this.state = u32(mul32(this.state, u32(1664525)) + 1013904223);
    return u16(this.state >>> 16);
  }
}

const xs = new Xorshift32();
const lfsr = new Lfsr16();
const lcg = new Lcg();

export function main(input: Bytes, output: Bytes): u32 {
  if (input.length >= 4) {
    const seed = rd32le(input, 0);
    xs.s = seed === 0 ? u32(1) : seed;
  }
  if (input.length >= 6) {
    const s = rd16le(input, 4);
    lfsr.s = s === 0 ? u16(0xace1) : s;
  }
  let o = u32(0);
  for (let k = u32(0); k < 16; k++) {
    wr32le(output, o, xs.next());
    o = u32(o + 4);
  }
  // 64 LFSR bits packed MSB-first.
  for (let k = u32(0); k < 8; k++) {
    let b = u8(0);
    for (let j = u8(0); j < 8; j++) b = u8((b << 1) | lfsr.step());
    wr8(output, o, b);
    o = u32(o + 1);
  }
  for (let k = u32(0); k < 8; k++) {
    wr16le(output, o, lcg.next());
    o = u32(o + 2);
  }
  // Dice: the sides come from the input bytes (0 means a d256).
  for (let i = u32(0); i < input.length; i++) {
    if (o >= 200) break;
    const sides = input[i] === 0 ? u32(256) : u32(input[i]);
    wr8(output, o, u8(xs.below(sides)));
    o = u32(o + 1);
  }
  return xs.s;
}
