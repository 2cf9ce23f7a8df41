// Found by fuzz-codegen. Strict-build error (gcc -Werror=type-limits: "comparison is always true due to limited range of data type"): `u32(es6) !== 65535` with es6 of an as-const enum whose values fit a uint8_t: the u32() wrap is dropped in C, so the comparison is of a uint8_t with 65535. (Same family as defect 10's -Wtype-limits.)
// u32(e) of an enum keeps the enum C type's range, so the comparison is folded as JS computes it.
// @difftest cases=10 seed=29 outSize=16
// fuzz-codegen program seed 424274 (feature enum-wrap; found by the CI slice seed), shrunk to 37 lines.
import { u16, u32, bytes, log, type Bytes } from '../../../firmware/lib/prelude.ts';

interface I11_424274 {
  run(a0: Bytes): u32;
}

const E5_424274 = { M0: 5, M1: 7, M2: 10 } as const;
type E5_424274 = (typeof E5_424274)[keyof typeof E5_424274];
const g3: Bytes = bytes(64);
let es6: E5_424274 = E5_424274.M1;

class K15_424274 implements I11_424274 {
  f16: u16;
  constructor(f16: u16) {
    this.f16 = f16;
  }
  run(a0: Bytes): u32 {
    return u32(0);
  }
}

const o22 = new K15_424274(u16(65462));

function via27(it: I11_424274, a0: Bytes): u32 {
  if (u32(es6) !== 65535) {
    const b28: Bytes = a0;
    log('len', b28.length);
  }
  return u32(0);
}

export function main(input: Bytes, output: Bytes): u32 {
  via27(o22, g3);
  return u32(0);
}
