// A strict-build failure of the 10,000-program integer run (fuzz-codegen --seeds 3000000..3009999, program 3008487),
// shrunk: -Warray-bounds: array index N is past the end of the array (which contains N elements) (clang, strict flags).
// The generated .c files now say what folds at compile time is intended (codegen/src/lower/lower.ts, FOLDED_WARNINGS).
import { u8, u32, i32, bytes, type Bytes } from '../../../firmware/lib/prelude.ts';

const E5_3008487 = { M0: 5, M1: 3 } as const;
type E5_3008487 = (typeof E5_3008487)[keyof typeof E5_3008487];
type F65_3008487 = (x: u32, y: i32) => u32;
const s1: u8 = u8(192);
let es6: E5_3008487 = E5_3008487.M1;

class C15_3008487 {
  readonly buf18: Bytes = bytes(4);
}

const o25 = new C15_3008487();

function ge7(): E5_3008487 {
  return es6;
}

function h66(x: u32, y: i32): u32 {
  if ((s1 < o25.buf18.length) && (ge7() !== E5_3008487.M0)) {
    o25.buf18[s1] = u8(0);
  }
  return u32(0);
}

function h70(x: u32, y: i32): u32 {
  return u32(0);
}

function via73(fn: F65_3008487, x: u32, y: i32): u32 {
  return u32(0);
}

export function main(input: Bytes, output: Bytes): u32 {
  via73(H72_3008487[1], u32(0), i32(0));
  return u32(0);
}

const H72_3008487: readonly F65_3008487[] = [h66, h70];
