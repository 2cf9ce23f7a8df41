// Transpiler bug (issue 12, defect 6): the bounds proof of `for (...; i < cur.length; i++) cur[i]`
// survived a call in the loop body that reassigns `cur` to a shorter view: C read out of bounds
// (ASan), Node read undefined.
import { u8, u32, view, bytes, wr8, type Bytes } from '../../../firmware/lib/prelude.ts';

const store = bytes(16);
let cur: Bytes = view(store, 0, 16);

function shrink(): void {
  cur = view(store, 14, 16);
}

export function main(input: Bytes, output: Bytes): u32 {
  for (let k = u32(0); k < store.length; k++) store[k] = u8(k + input.length);
  cur = view(store, 0, 16);
  let sum = u32(0);
  for (let i = u32(0); i < cur.length; i++) {
    if (i === u32(3)) shrink();
    sum = u32(sum + cur[i]); // FW3003
  }
  wr8(output, 0, u8(sum));
  return u32(1);
}
