// Allocation and buffers. Expected diagnostics at the end of each line.
import { u8, u16, u32, bytes, type Bytes } from '../../../firmware/lib/prelude.ts';

const N = 16;
const rx = bytes(N);
let size = u32(8);
const dyn = bytes(size); // FW3002
let small = u8(1);
const raw = new Uint8Array(4); // FW3004
const TABLE: readonly u8[] = [u8(1), small]; // FW3006
const T16: readonly u16[] = [u16(1), u16(2), u16(3)];
export class Port {}
const PORTS: readonly Port[] = [new Port(), new Port()]; // FW1024

export class Holder {
  buf = bytes(8);
  reset(): void {
    this.buf = bytes(8); // FW3001 FW3005
  }
}

export function read(b: Bytes, i: u32): u8 {
  const local = bytes(4); // FW3001
  const x = b[i]; // FW3003
  const y = rx[17]; // FW3003
  const z = rx[u8(i)]; // FW3003
  const w = T16[i]; // FW3007
  if (i < T16.length) {
    const ok3 = T16[i];
  }
  for (let j = u32(0); j < b.length; j++) {
    const ok = b[j];
    const bad = rx[j]; // FW3003
  }
  if (i < b.length) {
    const ok2 = b[i];
  }
  const v = b as unknown as Bytes; // FW1001
  return u8(x + y + z);
}

// One root cause: a table passed as a parameter (or held by a local or a field) is FW1023 where
// it is declared; indexing it is not reported again (FW3007 on xs[0] was a cascade).
export class TableField {
  t: readonly u16[] = T16; // FW1023
}
const tf = new TableField();
export function firstOf(xs: readonly u16[], i: u32): u16 { // FW1023
  const loc: readonly u16[] = T16; // FW1023
  return u16(xs[0] + xs[i] + loc[2] + tf.t[0]);
}
