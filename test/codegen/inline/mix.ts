// @inline fixture: one function that can live in the header, one that cannot (it names a
// module-private constant), and one that cannot (a string literal).
import { u32, log } from '../../../firmware/lib/prelude.ts';

const SCALE = 3;

/** @inline */
export function twice(x: u32): u32 {
  return u32(x + x);
}

/** @inline */
export function scaled(x: u32): u32 {
  return u32(x * SCALE);
}

/** @inline */
export function noisy(x: u32): u32 {
  log('noisy', x);
  return x;
}
