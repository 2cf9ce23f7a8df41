// Transpiler bug (issue 12, defect 2): a conditional took the C type of its first arm:
// `u32((pickSmall ? small : big) + 1)` with small: u8, big: u32 became
// `(uint32_t)(uint8_t)(pickSmall ? small : big) + 1u`, truncating big.
// @difftest cases=60 seed=5 outSize=64
import { u8, u32, rd8, rd32le, wr32le, type Bytes } from '../../../firmware/lib/prelude.ts';

export function main(input: Bytes, output: Bytes): u32 {
  if (input.length < 5) return u32(0);
  const small = rd8(input, 0);
  const big = rd32le(input, 1);
  const pickSmall = u8(small & 1) === 1;
  wr32le(output, 0, u32((pickSmall ? small : big) + 1));
  wr32le(output, 4, u32((pickSmall ? big : small) + 1));
  const s8: u8 = u8(pickSmall ? small : big);
  wr32le(output, 8, u32(s8));
  return u32(12);
}
