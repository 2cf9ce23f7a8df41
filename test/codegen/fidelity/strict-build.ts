// Issue 12, defect 10, minimised: C that gcc or clang rejected under the strict flags.
import { u8, u16, i32, type Bytes } from '../../../firmware/lib/prelude.ts';

// -Wtype-limits: `(uint8_t)(x * 2147483648u)` is always 0, so `> s` is always false; the
// lowering knows the product's low bits are zero and folds the comparison (as JS computes it).
export function product(s: u8): boolean {
  return u8((s + 15) * 0x80000000) > s;
}

// -Wsign-conversion: a `u` literal arm beside a uint16_t arm (promoted to int).
export function narrowArms(c: boolean, d: boolean, v: u16): u16 {
  return c ? u16(54963) : d ? u16(13) : v;
}

export function mixedSigned(s0: u16, s2: i32, b: Bytes): boolean {
  return ((s0 <= 1) ? i32(-238) : s2) === i32(u16(b.length));
}
