// Found by fuzz-codegen. Strict-build error (clang: "no case matching constant switch condition '0'" [-Werror]): `switch (((u16(0) > a2) && (i16(0) === 0)) ? u16(0) : u16(0))` — the lowering decides `u16(0) > a2` is false and emits `switch ((uint16_t)((((void)a2, false) && true) ? 0 : 0))`, which clang folds; no case matches.
// A conditional of two equal literal arms has that one value: the switch on it uses a temporary.
// @difftest cases=10 seed=31 outSize=16
// fuzz-codegen program seed 424244 (the CI slice's seed; features cond-int, switch), shrunk by the fuzzer's shrinker.
import { u16, u32, i16, log, type Bytes } from '../../../firmware/lib/prelude.ts';

function pick(a2: u32): u32 {
  switch ((((u16(0) > a2) && (i16(0) === 0)) ? u16(0) : u16(0))) {
    case 6:
      log('six');
      break;
  }
  return u32(a2);
}

export function main(input: Bytes, output: Bytes): u32 {
  return pick(input.length);
}
