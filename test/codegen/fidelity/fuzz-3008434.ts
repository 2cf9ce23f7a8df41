// A strict-build failure of the 10,000-program integer run (fuzz-codegen --seeds 3000000..3009999, program 3008434),
// shrunk: -Wsign-compare: comparison of promoted bitwise complement of an unsigned value with constant (gcc, strict flags).
// The generated .c files now say what folds at compile time is intended (codegen/src/lower/lower.ts, FOLDED_WARNINGS).
import { u8, u16, u32, i16, bytes, log, type Bytes } from '../../../firmware/lib/prelude.ts';


class K18_3008434 {
  readonly buf21: Bytes = bytes(8);
}

class K22_3008434 {
  buf25: Bytes = bytes(16);
}

const o30 = new K18_3008434();
const o31 = new K22_3008434();

function f65(a0: u32, a1: u32, a2: i16): u16 {
  const b66: Bytes = o31.buf25;
  log('len', b66.length);
  let v67: u8 = u8(0);
  if (o30.buf21.length > u8((32767 ^ v67))) {
  } else {
  }
  return u16(0);
}

export function main(input: Bytes, output: Bytes): u32 {
  f65(u32(0), u32(0), i16(0));
  return u32(0);
}
