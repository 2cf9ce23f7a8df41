// Calls, functions and classes. Expected diagnostics at the end of each line.
import { u8, u32, asBytes, type Bytes } from '../../../firmware/lib/prelude.ts';

export interface Port {
  send(b: u8): u32;
}

export class Uart {
  send(b: u8): u32 { return u32(b); }
}

export class Loop implements Port {
  send(b: u8): u32 { return again(b); }
}

function again(b: u8): u32 { return ping(b); } // FW4001
function ping(b: u8): u32 { return again(b); } // FW4001

function use(p: Port): u32 { return p.send(u8(1)); }

export const uart = new Uart();

export function calls(data: Bytes, raw: Uint8Array): u32 { // FW1001
  const f = uart.send; // FW4002
  const v = asBytes(raw); // FW4004
  const w = use(uart); // FW4006
  return u32(0);
}

export function loop(a: u32): u32 {
  let n = a;
  do { n = u32(n + 1); } while (again(u8(n)) !== 0); // FW4005
  return n;
}
