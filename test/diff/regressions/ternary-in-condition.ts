// Transpiler bug (found by fuzz-codegen, seed 5 of run 1, minimised by hand): a conditional used as
// the condition of another conditional loses its parentheses in C:
// `(a ? b : true) ? u8(6) : u8(7)` is emitted as `a ? b : true ? 6u : 7u`.
// @difftest cases=40 seed=1 outSize=256
import { u8, u32, wr8, type Bytes } from '../../../firmware/lib/prelude.ts';

export function main(input: Bytes, output: Bytes): u32 {
  const a: boolean = input.length === 1;
  const b: boolean = input.length > 5;
  wr8(output, u32(0), (a ? b : true) ? u8(6) : u8(7));
  return u32(1);
}
