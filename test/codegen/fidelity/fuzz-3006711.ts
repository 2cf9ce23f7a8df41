// A strict-build failure of the 10,000-program integer run (fuzz-codegen --seeds 3000000..3009999, program 3006711),
// shrunk: gcc's -Wtype-limits: comparison of unsigned expression in X is always true (gcc, strict flags): a comparison that folds to a constant in C.
// The generated .c files now say what folds at compile time is intended (codegen/src/lower/lower.ts, FOLDED_WARNINGS).
import { u8, u16, u32, i16, type Bytes } from '../../../firmware/lib/prelude.ts';

let s0: u32 = u32(165);
let s1: u8 = u8(59);

function f11(a0: i16, a1: u16): u16 {
  return ((s0 >= u8((s1 - s1))) ? u16(0) : u16(0));
}

export function main(input: Bytes, output: Bytes): u32 {
  f11(i16(0), u16(0));
  return u32(0);
}
