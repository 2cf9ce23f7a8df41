// The float model: operands of one float type, literals exact in it, f32 results rounded with
// f32(...) before use. Expected diagnostics at the end of each line.
import { u8, u32, i32, f32, f64, sqrt, F32_NAN } from '../../../firmware/lib/prelude.ts';

function s32(v: f32): void { log32(v); }
function s64(v: f64): void { s32(f32(v)); }
function su(v: u32): void { s64(f64(v)); }
/** @extern */
function log32(_v: f32): void {}

// Tables of floats: constant entries only, indexes proven.
let gain = f32(2);
const OK_TABLE: readonly f32[] = [f32(0.5), f32(-0.25), F32_NAN, f32(-F32_NAN)];
const BAD_ENTRY: readonly f32[] = [f32(1), gain]; // FW3006
const BAD_CALL: readonly f64[] = [f64(1), sqrt(f64(2))]; // FW3006
export function pick(i: u32): f32 {
  if (i < OK_TABLE.length) return OK_TABLE[i];
  return f32(BAD_ENTRY[0] + f32(BAD_CALL[i])); // FW3007
}

export function floats(a: f32, b: f32, x: f64, y: f64, n: u32): void {
  s32(f32(a * b + a)); // FW2017
  s64(f64(a * b)); // FW2017
  su(u32(a * b)); // FW2017
  s32(f32(a * 0.1)); // FW2018
  s32(f32(a * 0.5));
  if (a < 0.3) return; // FW2018
  s64(f64(x + n)); // FW2019
  s64(f64(x + a)); // FW2019
  s32(f32(a + 1));
  su(u32(x % y));
  su(u32(x & y)); // FW2013
  su(u32(x << 1)); // FW2013
  const z = x * y; // FW2001
  if (x == y) return; // FW1012
  if (x) return; // FW2009
  s64(f64(n + 1)); // FW2003
  s64(f64(1e400)); // FW2018
  su(u32(i32(i32(x) + u8(y))));
  s64(sqrt(f64(a)));
  s32(a < b ? a : f32(0.2));
  if ((a < b ? a : b) > 0.2) return; // FW2018
}
