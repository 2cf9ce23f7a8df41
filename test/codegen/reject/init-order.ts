// Module initialisation order: a top-level initialiser may not reach (through calls) a top-level
// binding declared at or after it. Node throws a ReferenceError there; C read the zeroed static.
import { u8, u32 } from '../../../firmware/lib/prelude.ts';

export const Mode = { Idle: 0, Run: 1 } as const;
export type Mode = (typeof Mode)[keyof typeof Mode];

function scale(x: u32): u32 { return u32(x + OFFSET); }
function twice(x: u32): u32 { return scale(scale(x)); }

export interface Source { next(): u32; }
export class Counter implements Source {
  n = u32(START);
  next(): u32 { return u32(this.n + STEP); }
}
export class Holder {
  v = u8(0);
  constructor(m: Mode) { this.v = m === Mode.Run ? u8(1) : u8(LATE); }
}

function pull(s: Source): u32 { return s.next(); }
type Step = (x: u32) => u32;
const STEPS: readonly Step[] = [scale, twice];

const first = twice(u32(2)); // FW5002
const counter = new Counter(); // FW5002
const pulled = pull(counter); // FW5002
const STEP = 3;
const START = u32(1);
const h: Step = STEPS[1];
const viaPointer = h(u32(1)); // FW5002
// A pointer of another signature reaches only pickFirst (not scale, which reads OFFSET).
type Pick = (a: u32, b: u32) => u32;
function pickFirst(a: u32, _b: u32): u32 { return a; }
const PICKS: readonly Pick[] = [pickFirst];
const pk: Pick = PICKS[0];
const picked = pk(u32(1), u32(2));
const holder = new Holder(Mode.Idle); // FW5002
const OFFSET = u32(40);
const LATE = 9;
const fine = u32(twice(u32(1)) + pull(counter));
const self = recount(); // FW5002
function recount(): u32 { return u32(self + 1); }

export function use(): u32 {
  return u32(u32(first + pulled) + u32(viaPointer + holder.v) + u32(fine + self) + picked);
}
