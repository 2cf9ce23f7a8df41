// Transpiler bug (found while writing firmware/app/api.ts): `bytes(0)` at top level (or as a
// field) is valid FwTS and a zero-length Uint8Array in Node, but it is lowered to a zero-length
// C array, `static uint8_t EMPTY[0];`, which ISO C forbids (gcc -pedantic -Werror: "ISO C forbids
// zero-size array"), so the module does not compile under the strict flags.
// Fixed: one byte of storage, length 0.
// @difftest cases=4 seed=1 outSize=16
import { u32, bytes, wr32le, type Bytes } from '../../../firmware/lib/prelude.ts';

const EMPTY = bytes(0);

function lengthOf(b: Bytes): u32 {
  return b.length;
}

export function main(input: Bytes, output: Bytes): u32 {
  wr32le(output, u32(0), u32(lengthOf(EMPTY) + input.length));
  return u32(4);
}
