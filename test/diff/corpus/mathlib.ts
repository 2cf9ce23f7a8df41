// The FwTS math library (firmware/lib/math-exp.ts, math-trig.ts, math-pio2.ts) on doubles read from
// the input: each 9-byte record is a mode byte and a double's 8 bytes (little-endian), taken as
// they are (every exponent, NaN, the infinities), squeezed to |x| in [2^-30, 2^34) or [1/16, 16),
// or an i32 times 2^-k. Every function and its f32 form runs on it; their bits go to the output
// while it has room and all of them into the case's returned hash. atan2 pairs the value with the
// previous record's, across cases too (module state).
import { u8, u32, i8, i16, i32, mul32, f32, f64, f64hi, f64lo, f64frombits, f32bits, rd8, rd32le, wr32le, type Bytes } from '../../../firmware/lib/prelude.ts';
import { exp, expm1, exp2, log, log2, tanh, sigmoid, powi, ldexp, expf, expm1f, exp2f, logf, log2f, tanhf, sigmoidf, powif } from '../../../firmware/lib/math-exp.ts';
import { sin, cos, atan, atan2, sinf, cosf, atanf, atan2f } from '../../../firmware/lib/math-trig.ts';

let prev = f64(0.5);
let hash = u32(0x811c9dc5);
let at = u32(0);

function put(out: Bytes, w: u32): void {
  hash = u32(mul32(u32(hash ^ w), u32(0x01000193)) ^ u32(w >>> 16));
  if (u32(at + 4) <= out.length) {
    wr32le(out, at, w);
    at = u32(at + 4);
  }
}

function put64(out: Bytes, v: f64): void {
  put(out, f64hi(v));
  put(out, f64lo(v));
}

/** The record's double, by its mode. */
function value(mode: u32, hi: u32, lo: u32): f64 {
  const e = u32(u32(hi >>> 20) & 0x7ff);
  const sign = u32(hi & 0x800fffff);
  if (mode === 1) return f64frombits(u32(sign | u32(u32(993 + u32(e & 63)) << 20)), lo);
  if (mode === 2) return ldexp(f64(i32(lo)), i32(-i32(u32(hi & 63))));
  if (mode === 3) return f64frombits(u32(sign | u32(u32(1019 + u32(e & 7)) << 20)), lo);
  return f64frombits(hi, lo);
}

export function main(input: Bytes, output: Bytes): u32 {
  at = u32(0);
  hash = u32(0x811c9dc5); // per case, so one differing case does not spill into the next
  let count = u32(0);
  for (let i = u32(0); u32(i + 9) <= input.length; i = u32(i + 9)) {
    const mode = u32(rd8(input, i) & 3);
    const lo = rd32le(input, u32(i + 1));
    const hi = rd32le(input, u32(i + 5));
    const x = value(mode, hi, lo);
    put64(output, exp(x));
    put64(output, expm1(x));
    put64(output, exp2(x));
    put64(output, log(x));
    put64(output, log2(x));
    put64(output, tanh(x));
    put64(output, sigmoid(x));
    put64(output, sin(x));
    put64(output, cos(x));
    put64(output, atan(x));
    put64(output, atan2(x, prev));
    put64(output, powi(x, i32(i8(u8(hi)))));
    put64(output, ldexp(x, i32(i32(i16(lo >>> 16)) >> 4)));
    const xf = f32(x);
    const pf = f32(prev);
    put(output, f32bits(expf(xf)));
    put(output, f32bits(expm1f(xf)));
    put(output, f32bits(exp2f(xf)));
    put(output, f32bits(logf(xf)));
    put(output, f32bits(log2f(xf)));
    put(output, f32bits(tanhf(xf)));
    put(output, f32bits(sigmoidf(xf)));
    put(output, f32bits(sinf(xf)));
    put(output, f32bits(cosf(xf)));
    put(output, f32bits(atanf(xf)));
    put(output, f32bits(atan2f(xf, pf)));
    put(output, f32bits(powif(xf, i32(i8(u8(lo))))));
    prev = x;
    count = u32(count + 1);
  }
  put(output, count);
  return hash;
}
