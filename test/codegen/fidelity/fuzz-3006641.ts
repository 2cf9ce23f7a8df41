// A strict-build failure of the 10,000-program integer run (fuzz-codegen --seeds 3000000..3009999, program 3006641),
// shrunk: gcc's -Wtautological-compare: bitwise comparison always evaluates to false (gcc, strict flags): a comparison that folds to a constant in C.
// The generated .c files now say what folds at compile time is intended (codegen/src/lower/lower.ts, FOLDED_WARNINGS).
import { u8, u16, u32, i8, i32, bytes, wr8, rd32le, log, type Bytes } from '../../../firmware/lib/prelude.ts';

type F37_3006641 = (x: u32, y: u16) => u32;
const g3: Bytes = bytes(64);

class C10_3006641 {
  m36(a0: Bytes, a1: u32): i32 {
    return i32(0);
  }
}

const o22 = new C10_3006641();

function h38(x: u32, y: u16): u32 {
  return u32(0);
}

function h39(x: u32, y: u16): u32 {
  let v44: boolean = (u16((0 + (128 & x))) === u16(i8(7)));
  if (v44) {
    log('use');
  }
  return u32(0);
}

export function main(input: Bytes, output: Bytes): u32 {
  const b63: Bytes = g3;
  const b67: Bytes = output;
  for (let j69 = i8(0); j69 < 5; j69++) {
    wr8(b63, i32(0), u8(0));
    {
      const fv70: F37_3006641 = ((u32(0) > 0) ? h39 : h38);
      log('fv', fv70(u32(0), u16(0)));
      o22.m36(input, rd32le(b67, u32(0)));
    }
  }
  return u32(0);
}
