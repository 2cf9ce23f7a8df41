// Integer math kernels of a motor/sensor library without an FPU: the bit-by-bit integer square
// root (u32 -> u16), vector magnitude with it, a CORDIC-free atan2 approximation in degrees*100
// by octant and a 9-entry table, and a Q16 reciprocal by Newton iteration.
import { u16, u32, i16, i32, mul32, imul32, divu, divi, rd16le, wr16le, wr32le, type Bytes } from '../../../firmware/lib/prelude.ts';

export function isqrt(n: u32): u16 {
  let op = n;
  let res = u32(0);
  let one = u32(1 << 30);
  while (one > op) one = u32(one >>> 2);
  while (one !== 0) {
    if (op >= u32(res + one)) {
      op = u32(op - (res + one));
      res = u32((res >>> 1) + one);
    } else {
      res = u32(res >>> 1);
    }
    one = u32(one >>> 2);
  }
  return u16(res);
}

// atan(k/8) in centi-degrees, k = 0..8.
const ATAN_T: readonly u16[] = [u16(0), u16(713), u16(1404), u16(2056), u16(2657), u16(3201), u16(3687), u16(4115), u16(4500)];

/** atan2(y, x) in centi-degrees, 0..35999. */
export function atan2cd(y: i32, x: i32): u32 {
  if (x === 0 && y === 0) return u32(0);
  const ax = u32(x < 0 ? i32(-x) : x);
  const ay = u32(y < 0 ? i32(-y) : y);
  const swap = ay > ax;
  const num = swap ? ax : ay;
  const den = swap ? ay : ax;
  // ratio in 1/8 steps with a remainder in 1/256 for interpolation.
  const r = divu(u32(num << 8), den);
  const k = u32(r >>> 5);
  const frac = u32(r & 31);
  let a = u32(0);
  const k1 = u32(k + 1);
  if (k < ATAN_T.length && k1 < ATAN_T.length) {
    a = u32(ATAN_T[k] + (mul32(u32(ATAN_T[k1] - ATAN_T[k]), frac) >>> 5));
  } else if (k < ATAN_T.length) {
    a = u32(ATAN_T[k]);
  }
  if (swap) a = u32(9000 - a);
  if (x < 0) a = u32(18000 - a);
  if (y < 0) a = u32(36000 - a);
  return a >= 36000 ? u32(a - 36000) : a;
}

/** 1/d in Q16 for d in Q16 (d >= 1.0), by Newton: r = r * (2 - d * r). */
export function recipQ16(d: u32): u32 {
  let r = divu(u32(0xffffffff), d);
  for (let k = u32(0); k < 3; k++) {
    const dr = u32(mul32(d, r) >>> 16);
    const two = u32(0x20000);
    r = u32(mul32(r, u32(two - dr)) >>> 16);
  }
  return r;
}

export function main(input: Bytes, output: Bytes): u32 {
  let o = u32(0);
  let acc = u32(0);
  for (let i = u32(0); u32(i + 4) <= input.length && u32(o + 8) <= output.length; i = u32(i + 4)) {
    const xi = i32(i16(rd16le(input, i)));
    const yi = i32(i16(rd16le(input, u32(i + 2))));
    const mag = isqrt(u32(imul32(xi, xi) + imul32(yi, yi)));
    const ang = atan2cd(yi, xi);
    wr16le(output, o, mag);
    wr16le(output, u32(o + 2), u16(ang));
    const d = u32((u32(mag) << 8) | 0x10000);
    wr32le(output, u32(o + 4), recipQ16(d));
    acc = u32(acc + mag + u32(divi(xi, i32(7))));
    o = u32(o + 8);
  }
  return acc;
}
