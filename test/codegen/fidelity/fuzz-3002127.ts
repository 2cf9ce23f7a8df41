// A strict-build failure of the 10,000-program integer run (fuzz-codegen --seeds 3000000..3009999, program 3002127),
// shrunk: gcc's -Wtype-limits: comparison is always true due to limited range of data type (gcc, strict flags): a comparison that folds to a constant in C.
// The generated .c files now say what folds at compile time is intended (codegen/src/lower/lower.ts, FOLDED_WARNINGS).
import { u16, u32, type Bytes } from '../../../firmware/lib/prelude.ts';

let s3: u16 = u16(0);

export function main(input: Bytes, output: Bytes): u32 {
  L71: for (let ix72 = u32(0); ix72 < output.length; ix72++) {
    if (u16((s3 - s3)) <= s3) {
    }
  }
  return u32(0);
}
