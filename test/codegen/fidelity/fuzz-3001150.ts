// A strict-build failure of the 10,000-program integer run (fuzz-codegen --seeds 3000000..3009999, program 3001150),
// shrunk: gcc's -Wtype-limits: comparison is always false due to limited range of data type (gcc, strict flags): a comparison that folds to a constant in C.
// The generated .c files now say what folds at compile time is intended (codegen/src/lower/lower.ts, FOLDED_WARNINGS).
import { u8, u16, u32, mul32, log, type Bytes } from '../../../firmware/lib/prelude.ts';

let s1: u32 = u32(21280);

class K8_3001150 {
  f9: u16 = u16(10);
}

class K12_3001150 {
  f15: u16 = u16(0xd1da5ed5);
}

const o18 = new K8_3001150();
const o19 = new K12_3001150();
let s3: u32 = init61();

export function main(input: Bytes, output: Bytes): u32 {
  if (o18.f9 < output.length) {
    {
      s1 = ((u16(mul32(s1, u32(0))) > o19.f15) ? u32(0) : u32(0));
      if (u8(0) >= 0) {
        s3 = u32(0);
        let v60: u32 = s3;
        log('use', v60);
        output[o18.f9] = u8(0);
      }
    }
  } else {
  }
  return u32(0);
}

function init61(): u32 {
  return u32(0);
}
