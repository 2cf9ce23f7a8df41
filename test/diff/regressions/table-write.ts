// Transpiler bug (issue 12, defect 7): a top-level table that is not readonly
// (`const counts: u32[] = [...]`, then `counts[k] = ...`) was emitted `static const`, so the
// write did not compile.
// @difftest cases=60 seed=11 outSize=64
import { u8, i8, u32, rd8, wr8, wr32le, type Bytes } from '../../../firmware/lib/prelude.ts';

const counts: u32[] = [u32(0), u32(0), u32(0), u32(0)];
const small: u8[] = [u8(1), u8(2)];
const signed: i8[] = [i8(0), i8(0)];

export function main(input: Bytes, output: Bytes): u32 {
  for (let i = u32(0); i < input.length; i++) {
    const k = u8(rd8(input, i) & 3);
    if (k < counts.length) counts[k] = u32(counts[k] + 1);
  }
  small[0] = u8(small[0] + small[1]);
  signed[1] = i8(-1);
  wr8(output, 16, u8(signed[1]));
  for (let k = u32(0); k < counts.length; k++) wr32le(output, u32(k * 4), counts[k]);
  return u32(small[0]);
}
