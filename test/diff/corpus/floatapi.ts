// The float API (firmware/lib/float.ts) on edge values: sqrt, abs, floor, ceil, trunc, round (ties
// toward +Infinity), min/max (NaN and -0 as JavaScript), copysign, bit casts and the constants, on
// signed zeros, subnormals, NaN, the infinities and ties at .5 (floatops.ts has the operators).
// Operands come from the input bytes as in floatops.ts; every result's encoding is written out.
import {
  u8, u32, i16, i32, f32, f64, rd8, rd16le, rd32le, wr32le,
  sqrt, sqrtf, abs, absf, floor, floorf, ceil, ceilf, trunc, truncf, round, roundf, min, max, minf, maxf,
  copysign, copysignf, f32bits, f32frombits, f64hi, f64lo, f64frombits, F64_NAN, F64_INFINITY, F32_NAN, F32_INFINITY,
  type Bytes,
} from '../../../firmware/lib/prelude.ts';

// Edge doubles as encodings (high word, low word).
const EDGE_HI: readonly u32[] = [
  u32(0x00000000), u32(0x80000000), u32(0x3ff00000), u32(0xbff00000), u32(0x3fe00000), u32(0xbfe00000), u32(0x7ff00000), u32(0xfff00000),
  u32(0x7ff80000), u32(0x00000000), u32(0x000fffff), u32(0x00100000), u32(0x7fefffff), u32(0x41efffff), u32(0x41f00000), u32(0xc1e00000),
  u32(0x41dfffff), u32(0x43300000), u32(0x43400000), u32(0x400c0000), u32(0x40040000), u32(0xc0040000), u32(0x3fdfffff), u32(0x36a00000),
  u32(0x47efffff), u32(0x44300000), u32(0xc3e00000), u32(0x3ff80000), u32(0x40efffe0), u32(0x416fffff), u32(0x3e700000), u32(0xc1dfffff),
];
const EDGE_LO: readonly u32[] = [
  u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0),
  u32(0), u32(1), u32(0xffffffff), u32(0), u32(0xffffffff), u32(0xffe00000), u32(0), u32(0),
  u32(0xffc00000), u32(1), u32(1), u32(0), u32(0), u32(0), u32(0xffffffff), u32(0),
  u32(0xf0000000), u32(3), u32(0), u32(0), u32(0), u32(0xe0000000), u32(0x10000000), u32(0xffc00000),
];

/** An f64 from input bytes at k: a raw encoding, an edge value, or a small multiple of 1/4. */
function pick(b: Bytes, k: u32): f64 {
  const sel = rd8(b, k);
  const mode = u8(sel & 3);
  if (mode === 0) return f64frombits(rd32le(b, u32(k + 1)), rd32le(b, u32(k + 5)));
  if (mode === 1) {
    const j = u8(u8(sel >>> 2) & 31);
    return f64frombits(EDGE_HI[j], EDGE_LO[j]);
  }
  if (mode === 2) return f64(f64(i16(rd16le(b, u32(k + 1)))) / f64(4));
  // Near the integer edges: a 32-bit value, scaled by a power of two.
  return f64(f64(i32(rd32le(b, u32(k + 1)))) * f64(u32(1 << u8(sel >>> 5))));
}

/** Writes x's encoding at out[at, at + 8) (NaN canonicalised). */
function put64(out: Bytes, at: u32, x: f64): u32 {
  wr32le(out, at, f64lo(x));
  wr32le(out, u32(at + 4), f64hi(x));
  return u32(at + 8);
}
function put32(out: Bytes, at: u32, x: f32): u32 {
  wr32le(out, at, f32bits(x));
  return u32(at + 4);
}


export function main(input: Bytes, output: Bytes): u32 {
  if (input.length < 18) return u32(0);
  const a = pick(input, u32(0));
  const b = pick(input, u32(9));
  const a32 = f32(a);
  const b32 = f32(b);
  let at = u32(0);
  // The float API.
  at = put64(output, at, sqrt(a));
  at = put64(output, at, abs(a));
  at = put64(output, at, floor(a));
  at = put64(output, at, ceil(a));
  at = put64(output, at, trunc(a));
  at = put64(output, at, round(a));
  at = put64(output, at, round(b));
  at = put64(output, at, min(a, b));
  at = put64(output, at, max(a, b));
  at = put64(output, at, copysign(a, b));
  at = put32(output, at, sqrtf(a32));
  at = put32(output, at, absf(a32));
  at = put32(output, at, floorf(a32));
  at = put32(output, at, ceilf(a32));
  at = put32(output, at, truncf(a32));
  at = put32(output, at, roundf(a32));
  at = put32(output, at, minf(a32, b32));
  at = put32(output, at, maxf(a32, b32));
  at = put32(output, at, copysignf(a32, b32));
  at = put32(output, at, f32frombits(rd32le(input, 1)));
  at = put64(output, at, a < b ? a : F64_INFINITY);
  at = put64(output, at, b !== b ? F64_NAN : f64(-F64_INFINITY));
  at = put32(output, at, a32 > b32 ? F32_INFINITY : F32_NAN);
  at = put32(output, at, a32 > b32 ? a32 : f32(-0.0));
  wr32le(output, at, u32(f32bits(minf(f32(0), f32(-0))) ^ f64hi(max(f64(-0), f64(0)))));
  return at;
}
