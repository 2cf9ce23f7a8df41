// Float remainder (`%`: JavaScript's exact remainder, C's fmod/fmodf): a phase accumulator wrapped
// to [0, 2pi) as an oscillator does, a periodic table index from a float position, and raw
// remainders of operands decoded from the input (raw encodings, signed zeros, subnormals, NaN,
// the infinities, huge and tiny magnitudes); every result's encoding is written out.
import {
  u8, u32, i16, i32, f32, f64, rd8, rd16le, rd32le, wr32le,
  f32bits, f32frombits, f64hi, f64lo, f64frombits, F64_INFINITY, F64_NAN,
  type Bytes,
} from '../../../firmware/lib/prelude.ts';

const TWO_PI = f64(6.283185307179586);
const EDGES: readonly f64[] = [f64(0), f64(-0), f64(5e-324), f64(-2.2250738585072014e-308), f64(1.7976931348623157e308),
  F64_INFINITY, f64(-F64_INFINITY), F64_NAN, f64(1), f64(-1), f64(0.1), f64(3), f64(-7.5), f64(1e-300), f64(9007199254740993), f64(2.5)];

/** An f64 from input bytes at k: a raw encoding, an edge value, or a multiple of 1/16. */
function pick(b: Bytes, k: u32): f64 {
  const sel = rd8(b, k);
  const mode = u8(sel & 3);
  if (mode === 0) return f64frombits(rd32le(b, u32(k + 1)), rd32le(b, u32(k + 5)));
  if (mode === 1) return EDGES[u8(u8(sel >>> 2) & 15)];
  if (mode === 2) return f64(f64(i16(rd16le(b, u32(k + 1)))) / f64(16));
  return f64(f64(i32(rd32le(b, u32(k + 1)))) * f64(0.001));
}

let phase = f64(0);

/** One oscillator step: advance by `step` radians, wrapped to [0, 2pi) (or -0 .. 2pi for a negative step). */
function advance(step: f64): f64 {
  phase = f64(f64(phase + step) % TWO_PI);
  if (phase < 0) phase = f64(phase + TWO_PI);
  return phase;
}

export function main(input: Bytes, output: Bytes): u32 {
  let at = u32(0);
  phase = f64(0);
  for (let k = u32(0); u32(k + 9) <= input.length && u32(at + 28) <= output.length; k = u32(k + 9)) {
    const a = pick(input, k);
    const b = pick(input, u32(k + 1) < input.length ? u32(k + 1) : k);
    const r = f64(a % b);
    wr32le(output, at, f64lo(r));
    wr32le(output, u32(at + 4), f64hi(r));
    // The f32 remainder of the two rounded to f32 (exact in f32: fmodf).
    const r32 = f32(f32(a) % f32(b));
    wr32le(output, u32(at + 8), f32bits(r32));
    // A remainder by an integer-valued divisor, and the oscillator.
    wr32le(output, u32(at + 12), f32bits(f32frombits(f32bits(f32(f64(a % f64(3)))))));
    const p = advance(f64(a * f64(0.5)));
    wr32le(output, u32(at + 16), f64lo(p));
    wr32le(output, u32(at + 20), f64hi(p));
    // A wave-table index from a float position: u8 of (position % 64).
    wr32le(output, u32(at + 24), u32(u8(f64(f64(a * f64(8)) % f64(64)))));
    at = u32(at + 28);
  }
  return at;
}
