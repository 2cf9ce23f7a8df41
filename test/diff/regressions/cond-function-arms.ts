// Transpiler bug (issue 12, defect 8): a function chosen by a conditional (`apply(c ? dbl : inc, x)`,
// `const f: Cb = c ? dbl : inc`) was an internal error (FW9001) instead of C.
// @difftest cases=40 seed=9 outSize=64
import { u8, u32, rd8, wr8, type Bytes } from '../../../firmware/lib/prelude.ts';

type Cb = (x: u8) => u8;

function dbl(x: u8): u8 { return u8(x * 2); }
function inc(x: u8): u8 { return u8(x + 1); }
function apply(f: Cb, x: u8): u8 { return f(x); }

export function main(input: Bytes, output: Bytes): u32 {
  if (input.length === 0) return u32(0);
  const x = rd8(input, 0);
  const c = u8(x & 1) === 1;
  wr8(output, 0, apply(c ? dbl : inc, x));
  const f: Cb = c ? inc : dbl;
  wr8(output, 1, f(x));
  return u32(2);
}
