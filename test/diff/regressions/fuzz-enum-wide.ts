// Found by fuzz-codegen. Strict-build error (gcc -Werror=pedantic: "ISO C restricts enumerator values to range of 'int'"): an as-const enum with a member 0xffffffff (FwTS allows enum values up to 2^32-1) becomes a C enum constant outside int. Node has no such limit.
// Members past INT_MAX are now macros (uint32_t values).
// @difftest cases=10 seed=27 outSize=16
// fuzz-codegen program seed 5014 (feature enum-wide), reduced by hand.
import { u32, type Bytes } from '../../../firmware/lib/prelude.ts';

const E = { A: 0xffffffff, B: 6 } as const;
type E = (typeof E)[keyof typeof E];
let e: E = E.B;

export function main(input: Bytes, output: Bytes): u32 {
  if (input.length > 3) {
    e = E.A;
  }
  return u32(e);
}
