// IEEE-754 binary64 from integers, for the time evaluator's results. FwTS has no floating point,
// so the double nearest to num / den is built bit by bit: a 64-bit restoring division on u32
// halves, 54 quotient bits, round to nearest even, then the sign/exponent/mantissa fields are
// packed into two little-endian words.

import { u16, u32, i32, clz32, wr32le, type Bytes, type bool } from '../lib/prelude.ts';

/** High word of the 64-bit product a * b. */
export function mulHi32(a: u32, b: u32): u32 {
  const al: u16 = u16(a);
  const ah: u16 = u16(a >>> 16);
  const bl: u16 = u16(b);
  const bh: u16 = u16(b >>> 16);
  const ll: u32 = u32(al * bl);
  const lh: u32 = u32(al * bh);
  const hl: u32 = u32(ah * bl);
  const hh: u32 = u32(ah * bh);
  const mid: u32 = u32((ll >>> 16) + (lh & 0xffff) + (hl & 0xffff));
  return u32(hh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16));
}

/** Writes the double nearest to num / (denHi * 2^32 + denLo) at b[at, at + 8), little-endian.
 * num = 0 gives +0.0; a zero denominator gives +infinity. */
export function putF64Ratio(b: Bytes, at: u32, num: u32, denHi: u32, denLo: u32): void {
  if (num === 0) {
    wr32le(b, at, u32(0));
    wr32le(b, u32(at + 4), u32(0));
    return;
  }
  if (denHi === 0 && denLo === 0) {
    wr32le(b, at, u32(0));
    wr32le(b, u32(at + 4), u32(0x7ff00000));
    return;
  }
  // Normalise both to 64 bits with bit 63 set: N = num * 2^sn, D = den * 2^sd.
  const s: u32 = clz32(num);
  let rH: u32 = u32(num << s);
  let rL: u32 = u32(0);
  const sn: u32 = u32(32 + s);
  let dH: u32 = u32(0);
  let dL: u32 = u32(0);
  let sd: u32 = u32(0);
  if (denHi !== 0) {
    const t: u32 = clz32(denHi);
    sd = t;
    if (t === 0) {
      dH = denHi;
      dL = denLo;
    } else {
      dH = u32((denHi << t) | (denLo >>> u32(32 - t)));
      dL = u32(denLo << t);
    }
  } else {
    const t: u32 = clz32(denLo);
    sd = u32(32 + t);
    dH = u32(denLo << t);
    dL = u32(0);
  }
  // num / den = (N / D) * 2^(sd - sn), with N / D in (1/2, 2).
  let e: i32 = i32(sd - sn);
  let carry: bool = false;
  if (rH < dH || (rH === dH && rL < dL)) {
    carry = u32(rH >>> 31) !== 0;
    rH = u32((rH << 1) | (rL >>> 31));
    rL = u32(rL << 1);
    e = i32(e - 1);
  }
  // 54 quotient bits: 1 implicit + 52 stored + 1 guard.
  let mH: u32 = u32(0);
  let mL: u32 = u32(0);
  for (let k = u32(0); k < 54; k++) {
    let bit: u32 = u32(0);
    if (carry || rH > dH || (rH === dH && rL >= dL)) {
      const borrow: u32 = rL < dL ? u32(1) : u32(0);
      rL = u32(rL - dL);
      rH = u32(rH - dH - borrow);
      bit = u32(1);
    }
    mH = u32((mH << 1) | (mL >>> 31));
    mL = u32((mL << 1) | bit);
    carry = u32(rH >>> 31) !== 0;
    rH = u32((rH << 1) | (rL >>> 31));
    rL = u32(rL << 1);
  }
  const sticky: bool = carry || rH !== 0 || rL !== 0;
  const guard: u32 = u32(mL & 1);
  mL = u32((mL >>> 1) | (mH << 31));
  mH = u32(mH >>> 1);
  if (guard !== 0 && (sticky || u32(mL & 1) !== 0)) {
    mL = u32(mL + 1);
    if (mL === 0) {
      mH = u32(mH + 1);
    }
    if (mH === 0x200000) {
      mH = u32(0x100000);
      e = i32(e + 1);
    }
  }
  const be: i32 = i32(e + 1023);
  if (be <= 0) {
    wr32le(b, at, u32(0));
    wr32le(b, u32(at + 4), u32(0));
    return;
  }
  if (be >= 2047) {
    wr32le(b, at, u32(0));
    wr32le(b, u32(at + 4), u32(0x7ff00000));
    return;
  }
  wr32le(b, at, mL);
  wr32le(b, u32(at + 4), u32((u32(be) << 20) | (mH & 0xfffff)));
}
