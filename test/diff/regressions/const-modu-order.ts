// Transpiler bug (found by fuzz-codegen, program seed 3095 with conditionals off; shrunk, then
// minimised by hand): a prelude division with constant operands, modu(u32(7), u32(0)), is left
// inline as if pure while the later argument side() is hoisted before it, so C logs 'side' and
// then panics, where Node panics (DivZero) first: add(fw_modu32(7u, 0u), fw_t0) after fw_t0 = side().
// @difftest cases=40 seed=1 outSize=256
import { u32, modu, log, wr32le, type Bytes } from '../../../firmware/lib/prelude.ts';

function side(): u32 {
  log('side');
  return u32(1);
}

function add(a: u32, b: u32): u32 {
  return u32(a + b);
}

export function main(input: Bytes, output: Bytes): u32 {
  // JS: modu() panics (division by zero) before side() runs, so nothing is logged.
  wr32le(output, u32(0), add(modu(u32(7), u32(0)), side()));
  return u32(4);
}
