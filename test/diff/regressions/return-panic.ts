// `return panic(...)` in a function that returns a value: the lowering printed the call's
// expression, which had become a statement (FW9001 "printing an expression that was lowered to
// statements"; before the typed IR, C got `return;` and gcc rejected it with -Werror=return-type).
// A return of a call that never returns is now the call alone.
// @difftest cases=60 seed=5 outSize=4
import { u8, u32, wr8, panic, type Bytes } from '../../../firmware/lib/prelude.ts';

function pick(x: u32): u32 {
  if (x > u32(5)) {
    return panic(u32(7));
  }
  return u32(x + u32(1));
}

function last(x: u32): u32 {
  if (x === u32(3)) return u32(30);
  return panic(u32(9));
}

export function main(input: Bytes, output: Bytes): u32 {
  const a = u32(input.length);
  wr8(output, 0, u8(pick(a)));
  if (a < u32(4)) wr8(output, 1, u8(last(u32(a | u32(3)))));
  return u32(2);
}
