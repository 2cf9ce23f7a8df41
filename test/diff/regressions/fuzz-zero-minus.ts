// gcc 12 miscompiles `0.0 - x` as `-x` when it can see that x is never -0 (an integer converted to
// double, here `3 >>> s2` = 0): 0 - 0 must be +0, gcc gave -0, even at -O0, and at -O2 also from a
// `static const double` zero. Found by the float fuzz run (program 4000966, gcc -O0: f64hi
// 0x7ff80000 NaN where Node has 0x7ff00000 Infinity). The lowering now passes the subtrahend of a
// zero minuend through a temporary, which gcc does not see into. Clang was right throughout.
// @difftest cases=40 seed=4000950 outSize=64
import { u8, u32, wr32le, f32, f64, f32bits, f64hi, f64lo, rd8, type Bytes } from '../../../firmware/lib/prelude.ts';

let s2: u8 = u8(0x8d4de876);
let fs3: f64 = f64(-2.5);
const ZERO = f64(0);
const ZERO32 = f32(0);

export function main(input: Bytes, output: Bytes): u32 {
  wr32le(output, u32(0), f64hi(f64((((f64(9007199254740992) / f64(0)) / (0 - f64(u32((3 >>> s2))))) - ((f64(0) + fs3) / f64(0))))));
  const n = input.length > 0 ? rd8(input, 0) : u8(0);
  // The sign of each zero difference, through the bits: 0 - u must be +0 for u = 0.
  wr32le(output, u32(4), f64hi(f64(0 - f64(n))));
  wr32le(output, u32(8), f64hi(f64(ZERO - f64(n))));
  wr32le(output, u32(12), f32bits(f32(ZERO32 - f32(n))));
  wr32le(output, u32(16), f32bits(f32(0 - f32(u32(n & 1)))));
  wr32le(output, u32(20), f64lo(f64(f64(0) - f64(u32(n >>> 3)))));
  return u32(24);
}
