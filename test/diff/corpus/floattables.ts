// Float tables: a FIR low-pass with f32 coefficients in flash, a thermistor linearisation by
// interpolation over an f64 breakpoint table, a writable f32 delay line (RAM), and a table of
// edge values (signed zeros, a subnormal, the largest f32, NaN, the infinities) read by index.
// Inputs drive the samples and indices; every result's encoding is written out.
import {
  u8, u32, i16, f32, f64, rd8, rd16le, wr32le,
  f32bits, f64hi, f64lo, F32_NAN, F32_INFINITY, F64_INFINITY,
  type Bytes,
} from '../../../firmware/lib/prelude.ts';

/** 7-tap symmetric low-pass (sums to 1 in f32 arithmetic up to rounding). */
const FIR: readonly f32[] = [f32(-0.015625), f32(0.0625), f32(0.25), f32(0.40625), f32(0.25), f32(0.0625), f32(-0.015625)];

/** Thermistor ADC code (0..4095) -> degrees C, breakpoints every 512 codes. */
const ADC_AT: readonly f64[] = [f64(0), f64(512), f64(1024), f64(1536), f64(2048), f64(2560), f64(3072), f64(3584), f64(4095)];
const DEG_AT: readonly f64[] = [f64(-40.5), f64(-12.25), f64(3.1), f64(17.75), f64(25), f64(38.2), f64(55.125), f64(81.9), f64(125.0625)];

/** Edge values, f32 and f64. */
const EDGE32: readonly f32[] = [f32(0), f32(-0), f32(1.401298464324817e-45), f32(3.4028234663852886e38), F32_NAN, F32_INFINITY, f32(-F32_INFINITY), f32(0.1)];
const EDGE64: readonly f64[] = [f64(-0), f64(5e-324), f64(1.7976931348623157e308), f64(-F64_INFINITY), f64(-F32_INFINITY), f64(0.1)];

/** Gains for the FIR output, writable at run time. */
const GAIN: f32[] = [f32(1), f32(0.5), f32(2), f32(-1)];

/** The FIR's delay line (RAM). */
const delay: f32[] = [f32(0), f32(0), f32(0), f32(0), f32(0), f32(0), f32(0)];

/** Degrees C of an ADC code, by linear interpolation between breakpoints. */
function degrees(code: u32): f64 {
  const x = f64(code);
  for (let k = u32(1); k < DEG_AT.length; k++) {
    const j = u32(k - 1);
    if (k < ADC_AT.length && x <= ADC_AT[k] && j < DEG_AT.length) {
      const x0 = ADC_AT[j];
      const y0 = DEG_AT[j];
      const t = f64(f64(x - x0) / f64(ADC_AT[k] - x0));
      return f64(y0 + f64(t * f64(DEG_AT[k] - y0)));
    }
  }
  return DEG_AT[8];
}

/** One FIR step: shift the sample in, return the filtered value. */
function fir(sample: f32): f32 {
  for (let k = u32(6); k > 0; k--) {
    const j = u32(k - 1);
    if (k < delay.length && j < delay.length) delay[k] = delay[j];
  }
  delay[0] = sample;
  let acc = f32(0);
  for (let k = u32(0); k < FIR.length; k++) {
    if (k < delay.length) acc = f32(acc + f32(FIR[k] * delay[k]));
  }
  return acc;
}

export function main(input: Bytes, output: Bytes): u32 {
  let at = u32(0);
  for (let k = u32(0); k < delay.length; k++) delay[k] = f32(0);
  // Samples: i16 little-endian pairs, scaled by 1/256.
  for (let i = u32(0); u32(i + 1) < input.length && u32(at + 4) <= output.length; i = u32(i + 2)) {
    const s = f32(f32(i16(rd16le(input, i))) / f32(256));
    const y = f32(fir(s) * GAIN[u8(i & 3)]);
    wr32le(output, at, f32bits(y));
    at = u32(at + 4);
  }
  if (input.length > 0) {
    // A gain rewritten from the input: the table in RAM changes for the next call too.
    GAIN[u8(rd8(input, 0) & 3)] = f32(f32(rd8(input, 0)) / f32(64));
    const code = u32(u32(u32(rd8(input, 0)) << 4) | u32(input.length & 15));
    const d = degrees(code);
    if (u32(at + 8) <= output.length) {
      wr32le(output, at, f64hi(d));
      wr32le(output, u32(at + 4), f64lo(d));
      at = u32(at + 8);
    }
    const e32 = EDGE32[u8(rd8(input, 0) & 7)];
    const e = u32(rd8(input, u32(input.length - 1)) & 7);
    const e64 = e < EDGE64.length ? EDGE64[e] : f64(e32);
    if (u32(at + 12) <= output.length) {
      wr32le(output, at, f32bits(e32));
      wr32le(output, u32(at + 4), f64hi(e64));
      wr32le(output, u32(at + 8), f64lo(f64(e64 * f64(e32))));
      at = u32(at + 12);
    }
  }
  return at;
}
