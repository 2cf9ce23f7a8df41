// Found by fuzz-codegen (seed 6000626). Strict-build error (gcc -Wtype-limits: "comparison is
// always false due to limited range of data type"): `i16(false ? i16(0) : s1) >= 128` with
// `s1: i8` was emitted as `(int16_t)s1 >= 128`: the decided conditional cast its live arm to the
// conditional's type and forgot the arm's narrower range, so the comparison was not folded.
// @difftest cases=40 seed=3 outSize=8
import { u8, u32, i8, i16, wr8, type Bytes } from '../../../firmware/lib/prelude.ts';

let s1: i8 = i8(-224);
let s2: u8 = u8(7);

export function main(input: Bytes, output: Bytes): u32 {
  s1 = i8(s1 + i8(input.length));
  s2 = u8(s2 + u8(input.length));
  wr8(output, u32(0), u8(i16((false ? i16(0) : s1)) >= 128 ? 1 : 2));
  wr8(output, u32(1), u8(u32(true ? s2 : u32(0)) > 300 ? 3 : 4));
  return u32(2);
}
