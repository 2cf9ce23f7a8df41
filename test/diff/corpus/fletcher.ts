// Fletcher-16 and Fletcher-32 checksums (the latter over little-endian 16-bit words, an odd
// trailing byte padded with zero), plus the two check bytes that make a Fletcher-16 block sum to
// zero, as a sender appends them.
import { u8, u16, u32, modu, wr16le, wr32le, wr8, rd16le, rd8, type Bytes } from '../../../firmware/lib/prelude.ts';

export function fletcher16(data: Bytes): u16 {
  let s1 = u16(0);
  let s2 = u16(0);
  for (let i = u32(0); i < data.length; i++) {
    s1 = u16(modu(u32(s1 + data[i]), u32(255)));
    s2 = u16(modu(u32(s2 + s1), u32(255)));
  }
  return u16((s2 << 8) | s1);
}

export function fletcher32(data: Bytes): u32 {
  let s1 = u32(0xffff);
  let s2 = u32(0xffff);
  let i = u32(0);
  const whole = u32(data.length & 0xfffffffe);
  while (i < whole) {
    s1 = u32(s1 + rd16le(data, i));
    s2 = u32(s2 + s1);
    // Fold before the sums can overflow (at most 359 words in zlib-style code; fold every word here).
    s1 = u32((s1 & 0xffff) + (s1 >>> 16));
    s2 = u32((s2 & 0xffff) + (s2 >>> 16));
    i = u32(i + 2);
  }
  if (whole < data.length) {
    s1 = u32(s1 + rd8(data, whole));
    s2 = u32(s2 + s1);
    s1 = u32((s1 & 0xffff) + (s1 >>> 16));
    s2 = u32((s2 & 0xffff) + (s2 >>> 16));
  }
  s1 = u32((s1 & 0xffff) + (s1 >>> 16));
  s2 = u32((s2 & 0xffff) + (s2 >>> 16));
  return u32((s2 << 16) | s1);
}

export function main(input: Bytes, output: Bytes): u32 {
  const f16 = fletcher16(input);
  const f0 = u8(f16);
  const f1 = u8(f16 >>> 8);
  const c0 = u8(255 - modu(u32(f0 + f1), u32(255)));
  const c1 = u8(255 - modu(u32(f0 + c0), u32(255)));
  wr16le(output, 0, f16);
  wr32le(output, 2, fletcher32(input));
  wr8(output, 6, c0);
  wr8(output, 7, c1);
  return u32(8);
}
