// A second-order IIR low-pass (direct form I biquad) in Q14 fixed point with a 32-bit
// accumulator, saturation to i16 and per-channel state kept across cases, as a motor-current
// filter on a Cortex-M0 would be written (no FPU, no 64-bit multiply).
import { u16, u32, i16, i32, imul32, rd16le, wr16le, wr32le, type Bytes } from '../../../firmware/lib/prelude.ts';

// Butterworth, fc = fs/10: b = [0.0675, 0.1349, 0.0675], a = [1, -1.1430, 0.4128] in Q14.
const B0 = 1106;
const B1 = 2211;
const B2 = 1106;
const A1 = -18727;
const A2 = 6763;

class Biquad {
  x1 = i32(0);
  x2 = i32(0);
  y1 = i32(0);
  y2 = i32(0);
  clipped = u32(0);

  step(x: i16): i16 {
    let acc = imul32(i32(B0), i32(x));
    acc = i32(acc + imul32(i32(B1), this.x1));
    acc = i32(acc + imul32(i32(B2), this.x2));
    acc = i32(acc - imul32(i32(A1), this.y1));
    acc = i32(acc - imul32(i32(A2), this.y2));
    // Round and drop the Q14 scale.
    let y = i32(i32(acc + 8192) >> 14);
    if (y > 32767) {
      y = i32(32767);
      this.clipped = u32(this.clipped + 1);
    } else if (y < -32768) {
      y = i32(-32768);
      this.clipped = u32(this.clipped + 1);
    }
    this.x2 = this.x1;
    this.x1 = i32(x);
    this.y2 = this.y1;
    this.y1 = y;
    return i16(y);
  }
}

const left = new Biquad();
const right = new Biquad();

export function main(input: Bytes, output: Bytes): u32 {
  let o = u32(0);
  // Interleaved stereo i16 little-endian frames.
  for (let i = u32(0); u32(i + 4) <= input.length; i = u32(i + 4)) {
    const l = left.step(i16(rd16le(input, i)));
    const r = right.step(i16(rd16le(input, u32(i + 2))));
    if (u32(o + 4) <= u32(output.length - 8)) {
      wr16le(output, o, u16(l));
      wr16le(output, u32(o + 2), u16(r));
      o = u32(o + 4);
    }
  }
  wr32le(output, u32(output.length - 8), left.clipped);
  wr32le(output, u32(output.length - 4), u32(right.y1));
  return o;
}
