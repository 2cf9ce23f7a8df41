// Found by fuzz-codegen. Strict-build error (clang -Werror,-Wswitch: "no case matching constant switch condition"): `switch (s0)` on a top-level `const s0: u8 = u8(0xa75188d2)` whose value matches no case: the const becomes a C constant, clang folds the switch and warns. Node runs the switch (to its default).
// A switch on a value clang can fold now switches on a temporary.
// @difftest cases=10 seed=25 outSize=16
// fuzz-codegen program seeds 299, 424244, 424288 (feature const-state), reduced by hand.
import { u8, u32, log, type Bytes } from '../../../firmware/lib/prelude.ts';

const s0: u8 = u8(0xa75188d2);

export function main(input: Bytes, output: Bytes): u32 {
  switch (s0) {
    case 0:
      log('zero');
      break;
  }
  return u32(input.length);
}
