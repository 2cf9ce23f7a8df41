// A direct digital synthesis (DDS) tone generator as in an audio or signal-generator firmware:
// a 32-bit phase accumulator per voice, a quarter-wave sine table (65 entries, Q15) unfolded by
// quadrant symmetry with linear interpolation, per-voice amplitude, and a mixer that saturates
// to i16. Each case retunes the voices from the input and renders samples into the output.
import { u8, u16, u32, i16, i32, imul32, mul32, rd16le, rd8, wr16le, type Bytes } from '../../../firmware/lib/prelude.ts';

const QUARTER: readonly u16[] = [
  u16(0), u16(804), u16(1608), u16(2410), u16(3212), u16(4011), u16(4808), u16(5602), u16(6393),
  u16(7179), u16(7962), u16(8739), u16(9512), u16(10278), u16(11039), u16(11793), u16(12539), u16(13279),
  u16(14010), u16(14732), u16(15446), u16(16151), u16(16846), u16(17530), u16(18204), u16(18868), u16(19519),
  u16(20159), u16(20787), u16(21403), u16(22005), u16(22594), u16(23170), u16(23731), u16(24279), u16(24811),
  u16(25329), u16(25832), u16(26319), u16(26790), u16(27245), u16(27683), u16(28105), u16(28510), u16(28898),
  u16(29268), u16(29621), u16(29956), u16(30273), u16(30571), u16(30852), u16(31113), u16(31356), u16(31580),
  u16(31785), u16(31971), u16(32137), u16(32285), u16(32412), u16(32521), u16(32609), u16(32678), u16(32728),
  u16(32757), u16(32767),
];

/** sin(2*pi*phase/2^32) in Q15, from the top 8 bits of the phase and 8 interpolation bits. */
export function sineQ15(phase: u32): i32 {
  const idx = u32(phase >>> 24);
  const frac = i32((phase >>> 16) & 0xff);
  const quadrant = u32(idx >>> 6);
  let k = u32(idx & 63);
  // Odd quadrants run the table backwards.
  if (u32(quadrant & 1) !== 0) k = u32(64 - k);
  const k2 = u32(quadrant & 1) !== 0 ? u32(k - 1) : u32(k + 1);
  let a = i32(0);
  let b = i32(0);
  if (k < QUARTER.length && k2 < QUARTER.length) {
    a = i32(QUARTER[k]);
    b = i32(QUARTER[k2]);
  }
  const v = i32(a + (imul32(i32(b - a), frac) >> 8));
  return quadrant >= 2 ? i32(-v) : v;
}

class Voice {
  phase = u32(0);
  step = u32(0);
  amp = u8(0);

  next(): i32 {
    const s = sineQ15(this.phase);
    this.phase = u32(this.phase + this.step);
    return i32(imul32(s, i32(this.amp)) >> 8);
  }
}

const v0 = new Voice();
const v1 = new Voice();
const v2 = new Voice();
let clipped = u32(0);

/** Frequency in 1/16 Hz at a 48 kHz sample rate to a phase step: f * 2^32 / 48000 / 16. */
function stepFor(f16: u16): u32 {
  // 2^32 / 768000 = 5592.405...; 5592 plus the fraction 0.405 * 2^10 / 2^10.
  return u32(mul32(u32(f16), u32(5592)) + (mul32(u32(f16), u32(415)) >>> 10));
}

export function main(input: Bytes, output: Bytes): u32 {
  if (input.length >= 9) {
    v0.step = stepFor(rd16le(input, 0));
    v1.step = stepFor(rd16le(input, 2));
    v2.step = stepFor(rd16le(input, 4));
    v0.amp = rd8(input, 6);
    v1.amp = rd8(input, 7);
    v2.amp = rd8(input, 8);
  }
  const n = u32(output.length >>> 1);
  for (let i = u32(0); i < n; i++) {
    let mix = i32(v0.next() + v1.next() + v2.next());
    if (mix > 32767) {
      mix = i32(32767);
      clipped = u32(clipped + 1);
    } else if (mix < -32768) {
      mix = i32(-32768);
      clipped = u32(clipped + 1);
    }
    wr16le(output, u32(i * 2), u16(i16(mix)));
  }
  return clipped;
}
