// Issue 12, defect 2: the bit bound of a conditional came from its first arm, so
// `u32((c ? small : big) * big)` (a u32 times a u32: past 2^53 in JS) was accepted without mul32.
import { u8, u32 } from '../../../firmware/lib/prelude.ts';

export function product(c: boolean, small: u8, big: u32): u32 {
  return u32((c ? small : big) * big); // FW2007
}

export function fine(c: boolean, small: u8, big: u32): u32 {
  return u32((c ? small : u8(big)) * big);
}
