// A strict-build failure of the 10,000-program integer run (fuzz-codegen --seeds 3000000..3009999, program 3006041),
// shrunk: gcc's -Wtautological-compare: bitwise comparison always evaluates to true (gcc, strict flags): a comparison that folds to a constant in C.
// The generated .c files now say what folds at compile time is intended (codegen/src/lower/lower.ts, FOLDED_WARNINGS).
import { u8, u32, i8, log, type Bytes } from '../../../firmware/lib/prelude.ts';

let s0: u32 = u32(14);

export function main(input: Bytes, output: Bytes): u32 {
  let v64: boolean = (u8(((i8(0xd97a99ed) | s0) - 0)) !== 0);
  if (v64) {
    log('use');
  }
  return u32(0);
}
