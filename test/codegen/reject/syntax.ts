// Constructs outside FwTS. Each expected diagnostic is named at the end of its line.
import { u8, u32, type Bytes } from '../../../firmware/lib/prelude.ts';
import * as prelude from '../../../firmware/lib/prelude.ts'; // FW1020

const TBL: readonly u8[] = [u8(1), u8(2)];

export function misc(b: Bytes): u32 {
  var v = u8(1); // FW1002
  let p1 = u8(1), p2 = u8(2); // FW1017
  const [first] = TBL; // FW1003
  for (const k in TBL) {} // FW1006
  debugger; // FW1001
  throw u8(1); // FW1007
}

export function catches(): void {
  try { misc2(); } catch { misc2(); } // FW1007
}

function misc2(): void {}

function rest(...xs: u8[]): void {} // FW1004
function opt(a?: u8): void {} // FW1005
function dflt(a: u8 = u8(1)): void {} // FW1005

export function exprs(a: u8, b: u8, flag: boolean): u8 {
  if (a == b) return a; // FW1012
  let c = u8(0);
  c = u8(a + (c = b)); // FW1013
  flag ||= a === b; // FW1014
  const o = { x: a }; // FW1023
  const f = (x: u8): u8 => x; // FW1016
  const t = typeof a; // FW1009
  const s = 'text'; // FW1011
  return c;
}

export class Base {}
export class Derived extends Base {} // FW1015

export class Statics {
  static count: u8 = u8(0); // FW1021
  get value(): u8 { return u8(1); } // FW1021
}

export function outer(): void {
  function inner(): void {} // FW1016
}

let later = u8(0);
later = u8(1); // FW1018

export function nothing(x: Bytes | null): void {} // FW1010

export function generic<T>(x: T): void {} // FW1022

export function send(a: u8): void; // FW1025
export function send(a: u8): void {}

export class Sender {
  put(a: u8): void; // FW1025
  put(a: u8): void {}
}

export function leave(a: u8): u8 {
  block: { // FW1026
    if (a === 0) break block;
  }
  return a;
}

export interface Twice {
  get(): u8;
  get(): u8; // FW1025
}

export function twiceCase(a: u8): u8 {
  switch (a) {
    case 1: return u8(1);
    case 1: return u8(2); // FW1027
  }
  return a;
}
