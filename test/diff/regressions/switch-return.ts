// Found by the corpus work. C failed the strict build (gcc -Werror=return-type "control reaches end of non-void function"): a function whose body is a switch over every member of an enum, each case returning, is accepted by TypeScript (exhaustive) and the checker, but the C has no return after the switch.
// The end of such a function now panics (FW_PANIC_UNREACHABLE), which neither world reaches.
// @difftest cases=40 seed=19 outSize=16
import { u8, u32, wr8, type Bytes } from '../../../firmware/lib/prelude.ts';

const St = { Idle: 0, Busy: 1 } as const;
type St = (typeof St)[keyof typeof St];

let state: St = St.Idle;

function next(level: boolean): u8 {
  switch (state) {
    case St.Idle:
      if (level) state = St.Busy;
      return u8(1);
    case St.Busy:
      if (!level) state = St.Idle;
      return u8(2);
  }
}

export function main(input: Bytes, output: Bytes): u32 {
  wr8(output, 0, next(input.length > 3));
  return u32(state);
}
