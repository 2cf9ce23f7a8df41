// Found by fuzz-codegen (slice seed 424244). Strict-build error (clang: "no case matching constant
// switch condition '8'" [-Werror]): the lowering decides `u16(0) > a2` is false and emits
// `switch ((uint16_t)((((void)a2, false) && true) ? 0 : 8))`, which clang folds through the && and
// the cast (2966d20 caught only equal arms). Now every computed discriminant is switched on through
// a temporary; a variable, field, element or call result is switched on directly.
// @difftest cases=40 seed=3 outSize=8
import { u16, u32, i8, i16, type Bytes } from '../../../firmware/lib/prelude.ts';


class C16_424244 {
  m37(a0: i8, a1: i16, a2: u32): i8 {
    switch ((((u16(0) > a2) && (i16(0) === 0)) ? u16(0) : u16(8))) {
      case 6:
        break;
    }
    return i8(0);
  }
}

const o31 = new C16_424244();

export function main(input: Bytes, output: Bytes): u32 {
  o31.m37(i8(0), i16(0), u32(0));
  return u32(0);
}
