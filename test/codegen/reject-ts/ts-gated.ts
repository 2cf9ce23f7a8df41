// Constructs that TypeScript itself rejects under the FwTS compiler options (firmware/tsconfig.json:
// noLib with lib.fw.d.ts, strict, erasableSyntaxOnly, noFallthroughCasesInSwitch). The subset
// checker runs only once these are gone, so their codes are TS codes.
import { u8, u16, u32, i32, type Bytes } from '../../../firmware/lib/prelude.ts';

enum Color { Red } // TS1294 FW1001

export function ints(a: u8, b: u16, c: u32, s: i32): u8 {
  let k = u8(0);
  k += u8(1); // TS2322 FW1014
  const w: u8 = a + a; // TS2322
  if (c === s) return a; // TS2367
  const m = Math.sqrt(4); // TS2339 FW2011
  const n = Math.max(a, k); // TS2339 FW2011
  const big = b + 10n; // TS2365 FW2002
  console.log(a); // TS2584 FW4004
  switch (a) {
    case 1: // TS7029
      k = u8(2);
    case 2:
      return k;
  }
  return k;
}

export async function later(): Promise<void> {} // TS2583 FW1001

export function* gen(): Generator<u8> {} // TS2304 FW1001

export function methods(b: Bytes): Bytes {
  return b.subarray(0, 1); // TS2339
}

export function implicit(a) { return a; } // TS7006

function logged(value: unknown, context: unknown): void {}

@logged // FW1001
export class Decorated {}
