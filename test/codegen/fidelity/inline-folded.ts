// An @inline body whose comparison folds to a constant in C (u16(s - s) <= s): its header carries
// the pragmas between push and pop, so they do not reach hand-written C that includes it
// (test/codegen/fidelity.test.ts checks both).
import { u16, u32, type Bytes } from '../../../firmware/lib/prelude.ts';

/** @inline */
export function folded(s: u16): boolean {
  return u16(s - s) <= s;
}

export function main(input: Bytes, output: Bytes): u32 {
  return folded(u16(input.length)) ? u32(output.length) : u32(0);
}
