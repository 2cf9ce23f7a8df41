// fw_rt.h includes <math.h> and <float.h> (floats): a module's own `sin`, `floor`, `NAN` or
// `FLT_MAX` must not clash with the library's functions or be expanded as their macros.
import { u32, f32, f64, type Bytes, rd8 } from '../../../firmware/lib/prelude.ts';

const NAN = f64(1.5);
let FLT_MAX = f32(2);
const INFINITY = u32(7);

function sin(x: f64): f64 {
  return f64(x * NAN);
}
function floor(n: u32): u32 {
  return u32(n + INFINITY);
}
function expf(x: f32): f32 {
  FLT_MAX = f32(FLT_MAX + x);
  return FLT_MAX;
}

export function main(input: Bytes, _output: Bytes): u32 {
  const isnan = rd8(input, 0);
  const signbit = f32(isnan);
  return u32(floor(u32(sin(f64(isnan)))) + u32(expf(signbit)));
}
