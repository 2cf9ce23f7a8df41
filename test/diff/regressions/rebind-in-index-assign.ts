// Transpiler bug (issue 12, defect 5): `buf[i] = call()` read `buf` after the call. When the
// call rebinds a module-level Bytes (`cur = view(store, 4, 8)`), C wrote into the new buffer and
// Node into the old one; a shorter new view was a global-buffer-overflow WRITE under ASan.
// @difftest cases=40 seed=13 outSize=64
import { u8, u32, view, bytes, rd8, wr8, type Bytes } from '../../../firmware/lib/prelude.ts';

const store = bytes(16);
let cur: Bytes = view(store, 0, 16);

function rebind(): u8 {
  cur = view(store, 4, 6);
  return u8(0x77);
}

export function main(input: Bytes, output: Bytes): u32 {
  cur = view(store, 0, 16);
  for (let k = u32(0); k < store.length; k++) store[k] = u8(0);
  const i = input.length > 0 ? u32(u32(rd8(input, 0) & 7) + 8) : u32(10);
  if (i < cur.length) cur[i] = rebind();
  for (let k = u32(0); k < store.length; k++) wr8(output, k, store[k]);
  wr8(output, 16, u8(cur.length));
  return u32(17);
}
