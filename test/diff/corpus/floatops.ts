// f32/f64 arithmetic, comparisons and conversions on edge values: signed zeros,
// subnormals, NaN, the infinities, ties at .5, values at the f32 rounding boundaries and at the
// edges of every integer type. Each case builds its operands from the input bytes (raw encodings,
// a table of edge values, or small multiples of 1/4) and writes every result's encoding, so a
// single differing bit shows in the output.
import {
  u8, u16, u32, i8, i16, i32, f32, f64, rd8, rd16le, rd32le, wr32le, wr8,
  f32bits, f64hi, f64lo, f64frombits,
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
function putInts(out: Bytes, at: u32, x: f64): u32 {
  wr32le(out, at, u32(x));
  wr32le(out, u32(at + 4), u32(i32(x)));
  wr8(out, u32(at + 8), u8(x));
  wr8(out, u32(at + 9), u8(i8(x)));
  wr32le(out, u32(at + 10), u32(u16(x)));
  wr32le(out, u32(at + 14), u32(i32(i16(x))));
  return u32(at + 18);
}

function flags(a: f64, b: f64): u32 {
  let r = u32(0);
  if (a === b) r = u32(r | 1);
  if (a !== b) r = u32(r | 2);
  if (a < b) r = u32(r | 4);
  if (a <= b) r = u32(r | 8);
  if (a > b) r = u32(r | 16);
  if (a >= b) r = u32(r | 32);
  if (a !== a) r = u32(r | 64);
  if (-a === b) r = u32(r | 128);
  return r;
}
function flags32(a: f32, b: f32): u32 {
  let r = u32(0);
  if (a === b) r = u32(r | 1);
  if (a < b) r = u32(r | 4);
  if (a >= b) r = u32(r | 32);
  if (a !== a) r = u32(r | 64);
  if (a < 0.5) r = u32(r | 256);
  if (a > -1.25) r = u32(r | 512);
  return r;
}

export function main(input: Bytes, output: Bytes): u32 {
  if (input.length < 18) return u32(0);
  const a = pick(input, u32(0));
  const b = pick(input, u32(9));
  const a32 = f32(a);
  const b32 = f32(b);
  let at = u32(0);
  // f64 arithmetic: no wrap needed.
  at = put64(output, at, f64(a + b));
  at = put64(output, at, f64(a - b));
  at = put64(output, at, f64(a * b));
  at = put64(output, at, f64(a / b));
  at = put64(output, at, f64(a * 0.1 + b));
  at = put64(output, at, f64(-a));
  // f32: one rounding per operation.
  at = put32(output, at, a32);
  at = put32(output, at, f32(a32 + b32));
  at = put32(output, at, f32(a32 - b32));
  at = put32(output, at, f32(a32 * b32));
  at = put32(output, at, f32(a32 / b32));
  at = put32(output, at, f32(f32(a32 * b32) + 0.5));
  at = put32(output, at, f32(-(a32 * b32)));
  at = put32(output, at, f32(f32(0.1) * a32));
  at = put32(output, at, f32(u32(rd32le(input, 1))));
  at = put32(output, at, f32(i32(rd32le(input, 5))));
  at = put64(output, at, f64(a32));
  at = put64(output, at, f64(rd32le(input, 1)));
  at = put64(output, at, f64(i32(rd32le(input, 5))));
  // Integer conversions (ToInt32/ToUint32 and the widths).
  at = putInts(output, at, a);
  at = putInts(output, at, b);
  at = putInts(output, at, f64(a32));
  wr32le(output, at, u32(a32));
  wr32le(output, u32(at + 4), u32(i32(b32)));
  wr8(output, u32(at + 8), u8(i8(a32)));
  at = u32(at + 9);
  // Comparisons.
  wr32le(output, at, u32(flags(a, b) | u32(flags32(a32, b32) << 12)));
  at = u32(at + 4);
  return at;
}
