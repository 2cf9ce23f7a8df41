// Issue 12, item 11: a call of a function-table element, `OPS[cmd](acc, b)`, with the index proved
// by an `if` guard, a `while` guard or a mask (as `const op = OPS[cmd]; op(acc, b)` was). An
// unproven index is FW3007 (test/codegen/reject/fn-pointers.ts); out of range this program
// panics with Panic.Bounds itself, and difftest compares the panic code of both worlds.
// @difftest cases=300 seed=23 outSize=16
import { u8, u32, rd8, wr32le, mul32, panic, type Bytes } from '../../../firmware/lib/prelude.ts';

type Op = (acc: u32, b: u8) => u32;

function add(acc: u32, b: u8): u32 { return u32(acc + b); }
function xor(acc: u32, b: u8): u32 { return u32(acc ^ b); }
function sub(acc: u32, b: u8): u32 { return u32(acc - b); }
function mix(acc: u32, b: u8): u32 { return u32(mul32(acc, u32(31)) + b); }

// Six entries: a mask needs `& 3` (a 4-entry prefix), a guard needs `< OPS.length`.
const OPS: readonly Op[] = [add, xor, sub, mix, xor, add];

export function main(input: Bytes, output: Bytes): u32 {
  let acc = u32(0);
  let i = u32(0);
  while (i < input.length) {
    const cmd = u32(rd8(input, i));
    const b = u32(i + 1) < input.length ? rd8(input, u32(i + 1)) : u8(0);
    if (cmd < OPS.length) acc = OPS[cmd](acc, b);
    else if (cmd < 0xf0) acc = OPS[u8(cmd & 3)](acc, b);
    else if (cmd === 0xff) panic(u32(1)); // Panic.Bounds: what a checked OPS[cmd] would do
    i = u32(i + 2);
  }
  // Every entry once, under a while guard.
  let j = u32(0);
  while (j < OPS.length) {
    acc = OPS[j](acc, u8(j));
    j = u32(j + 1);
  }
  wr32le(output, 0, acc);
  return acc;
}
