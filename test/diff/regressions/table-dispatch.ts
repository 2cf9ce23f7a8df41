// Issue 12, item 11: `HANDLERS[cmd](...)` was rejected (FW1001) although
// `const h = HANDLERS[cmd]; h(...)` worked. The table element is read before the arguments (JS
// order), and a mask by a constant below the table's length proves the index (`u8(x & 3)`).
// @difftest cases=60 seed=17 outSize=64
import { u8, u32, rd8, wr8, type Bytes } from '../../../firmware/lib/prelude.ts';

type Handler = (x: u8) => u8;

function ping(x: u8): u8 { return u8(x ^ 0x55); }
function echo(x: u8): u8 { return x; }
function inc(x: u8): u8 { return u8(x + 1); }
function dbl(x: u8): u8 { return u8(x << 1); }

const HANDLERS: Handler[] = [ping, echo, inc, dbl];

function swap(): u8 {
  HANDLERS[0] = dbl;
  return u8(7);
}

export function main(input: Bytes, output: Bytes): u32 {
  HANDLERS[0] = ping;
  for (let i = u32(0); i < u32(32); i++) {
    if (i >= input.length) break;
    const b = rd8(input, i);
    wr8(output, i, HANDLERS[u8(b & 3)](b));
  }
  // The callee is read before swap() runs: ping, not dbl.
  wr8(output, 40, HANDLERS[0](swap()));
  wr8(output, 41, HANDLERS[0](u8(3)));
  return u32(42);
}
