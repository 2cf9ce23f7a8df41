// Transpiler bug (issue 12, defect 3): a conditional of a `bytes(N)` field and a `Bytes` value
// gave invalid C (`uint8_t *` and `fw_bytes` in one `?:`).
// @difftest cases=40 seed=7 outSize=64
import { u8, u32, wr8, bytes, type Bytes } from '../../../firmware/lib/prelude.ts';

class Holder {
  buf = bytes(4);
}
const h = new Holder();
const G = bytes(2);

export function main(input: Bytes, output: Bytes): u32 {
  wr8(h.buf, 0, u8(input.length));
  wr8(h.buf, 3, u8(0x5a));
  const src = input.length > 3 ? h.buf : input;
  for (let i = u32(0); i < u32(8); i++) if (i < src.length) wr8(output, i, src[i]);
  const g = input.length === 0 ? G : h.buf;
  wr8(output, 8, u8(g.length));
  return u32(src.length);
}
