// Found by fuzz-codegen. Strict-build error (clang: "no case matching constant switch condition '4'" [-Werror]): `switch ((s0 < 256) ? i32(4) : i32(128))` with s0: u8 — the lowering folds s0 < 256 to true and emits `switch (((void)s0, true) ? 4 : 128)`, a constant no case matches. Node runs the switch. (The folding of defect 10's family.)
// A switch on a value clang can fold now switches on a temporary.
// @difftest cases=10 seed=25 outSize=16
// fuzz-codegen program seed 424291 (a typed conditional as an edge-label switch's discriminant), reduced by hand.
import { u8, u32, i32, log, type Bytes } from '../../../firmware/lib/prelude.ts';

let s0: u8 = u8(3);

export function main(input: Bytes, output: Bytes): u32 {
  s0 = u8(input.length);
  switch ((s0 < 256) ? i32(4) : i32(128)) {
    case 7:
      log('seven');
      break;
  }
  return u32(s0);
}
