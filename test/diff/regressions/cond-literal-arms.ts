// Transpiler bug (issue 12, defect 1): a conditional whose arms are both literals was typed from
// its else arm alone and folded to that arm: `u8(a > b ? 7 : 9)` became `9u`, its condition and
// any call in it vanished (`put() ? 1 : 0` never called put), and `T[big ? 200 : 0]` passed
// the bounds proof on a 4-entry table.
// @difftest cases=60 seed=3 outSize=64
import { u8, u16, u32, rd8, wr8, type Bytes } from '../../../firmware/lib/prelude.ts';

const T: readonly u8[] = [u8(11), u8(22), u8(33), u8(44)];
let puts = u32(0);

function put(k: u8): boolean {
  puts = u32(puts + 1);
  return k > 100;
}

export function main(input: Bytes, output: Bytes): u32 {
  const a = u32(input.length);
  const b = u32(3);
  wr8(output, 0, u8(a > b ? 7 : 9));
  wr8(output, 1, u8(a === b ? 1 : 0));
  const c = a > u32(2);
  const x = u32(0x11);
  wr8(output, 2, u8(x << (c ? 8 : 0)));
  wr8(output, 3, u8((x << (c ? 8 : 0)) >>> 8));
  let n = u32(0);
  for (let i = u32(0); i < u32(c ? 10 : 5); i++) n = u32(n + 1);
  wr8(output, 4, u8(n));
  const k = a > u32(0) ? rd8(input, 0) : u8(0);
  wr8(output, 5, u8(u16(put(k) ? 1 : 0)));
  wr8(output, 6, u8(puts));
  const big = a > u32(200);
  wr8(output, 7, big ? T[3] : T[0]);
  return u32(8);
}
