// Calls the @inline fixture from another module (another C translation unit).
import { u32 } from '../../../firmware/lib/prelude.ts';
import { twice, scaled, noisy } from './mix.ts';

export function use(x: u32): u32 {
  return u32(twice(x) + scaled(x) + noisy(x));
}
