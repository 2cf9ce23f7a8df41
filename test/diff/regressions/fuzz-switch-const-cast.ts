// Found by fuzz-codegen (seed 6000159). Strict-build error (clang: "no case matching constant
// switch condition '3'" [-Werror]): `switch (i32(s1))` on a top-level const s1 was emitted as
// `switch ((int32_t)s1)`: an integer conversion lowers to a cast, not a call, and clang folds
// the cast of a `static const`. A conversion is now looked through when deciding whether the
// discriminant needs a temporary.
// @difftest cases=40 seed=3 outSize=8
import { u8, u16, u32, i8, i32, wr8, type Bytes } from '../../../firmware/lib/prelude.ts';

const s1: i8 = i8(3);
let hits: u32 = u32(0);

function pick(a0: i32): u16 {
  switch (i32(s1)) {
    case -65536:
      break;
    case -1:
      hits = u32(hits + 1);
      break;
    case 0x7ffffffe:
    case 0x7fffffff:
      break;
  }
  switch (u8(u16(s1))) {
    case 3:
      hits = u32(hits + u32(a0 & 1));
      break;
    case 200:
      break;
  }
  return u16(hits);
}

export function main(input: Bytes, output: Bytes): u32 {
  wr8(output, u32(0), u8(pick(i32(input.length))));
  return u32(1);
}
