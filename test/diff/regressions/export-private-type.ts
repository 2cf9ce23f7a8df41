// Found by the corpus work. C did not compile: an exported function whose signature names a module-private class (or enum type) is declared in the module's header, where that type is not defined (gcc: "unknown type name 'Civil'"); the checker accepts it and Node runs it.
// The private types an exported signature names now go into the header.
// @difftest cases=40 seed=21 outSize=16
import { u8, u32, wr8, type Bytes } from '../../../firmware/lib/prelude.ts';

class Civil {
  m = u8(1);
}
const Kind = { A: 0, B: 1 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

const civ = new Civil();

export function setMonth(out: Civil, m: u8): Kind {
  out.m = m;
  return m > 6 ? Kind.B : Kind.A;
}

export function main(input: Bytes, output: Bytes): u32 {
  wr8(output, 0, u8(setMonth(civ, u8(input.length))));
  return u32(civ.m);
}
