// Transpiler bug (found by review): a member of the prelude's `Panic` enum used in a module
// (`panic(u32(Panic.Bounds))`) passed the checker, but the C named an undeclared `Panic_Bounds`
// (the prelude is fw_rt.h, not a lowered module). A prelude enum member is now its value.
// @difftest cases=60 seed=5 outSize=8
import { u8, u32, rd8, wr8, panic, Panic, type Bytes } from '../../../firmware/lib/prelude.ts';

export function main(input: Bytes, output: Bytes): u32 {
  if (input.length > 3) panic(u32(Panic.Bounds));
  if (input.length === 3 && rd8(input, 0) === 0) panic(u32(Panic.DivZero));
  wr8(output, 0, u8(Panic.Unreachable));
  return u32(input.length);
}
