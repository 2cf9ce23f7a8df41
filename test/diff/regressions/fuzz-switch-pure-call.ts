// Found by fuzz-codegen (seed 6100119). Strict-build error (clang: "no case matching constant
// switch condition '2331908559'" [-Werror]): `switch (mul32(u32(11), s0))` on a top-level const s0
// was emitted `switch (11u * s0)`: a pure prelude call lowers to an operator, not a call, and
// clang folds it through the static const. Whether a discriminant needs a temporary is now read
// from the lowered C tree (does its value depend on a variable or a call?), not from the .ts shape.
// @difftest cases=40 seed=3 outSize=8
import { u8, u32, mul32, clz32, wr8, type Bytes } from '../../../firmware/lib/prelude.ts';

const s0: u32 = u32(0x80ffd3cd);
let hits: u32 = u32(0);

function f29(k: u32): void {
  switch (mul32(u32(11), s0)) {
    case 0:
      break;
    case 0xfffffffe:
    case 0xffffffff:
      hits = u32(hits + 1);
      break;
  }
  switch (u32(clz32(s0) + k)) {
    case 0:
      hits = u32(hits + 2);
      break;
    case 5:
      break;
  }
}

export function main(input: Bytes, output: Bytes): u32 {
  f29(u32(input.length & 1));
  wr8(output, u32(0), u8(hits));
  return u32(1);
}
