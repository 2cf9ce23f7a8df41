// A moving-average filter over 16-bit ADC samples: a window of 8 kept in a circular buffer with a
// running sum (no re-summing per sample), output rounded. The filter object keeps its history
// across cases like a sensor task. Also an exponential moving average in Q8 fixed point.
import { u8, u16, u32, i32, bytes, rd16le, wr16le, rd16be, type Bytes } from '../../../firmware/lib/prelude.ts';

const WINDOW = 8;

class MovingAverage {
  hist = bytes(WINDOW * 2);
  pos = u32(0);
  filled = u32(0);
  sum = u32(0);

  add(sample: u16): u16 {
    const old = rd16le(this.hist, u32(this.pos * 2));
    wr16le(this.hist, u32(this.pos * 2), sample);
    this.pos = u32((this.pos + 1) & (WINDOW - 1));
    this.sum = u32(this.sum - old + sample);
    if (this.filled < WINDOW) {
      this.filled = u32(this.filled + 1);
    }
    // Rounded mean of the samples seen so far (divide by a power of two once the window is full).
    if (this.filled === WINDOW) {
      return u16((this.sum + (WINDOW >>> 1)) >>> 3);
    }
    let n = u32(0);
    let q = u32(0);
    const target = u32(this.sum + (this.filled >>> 1));
    // Division by repeated subtraction: the part has no divider.
    while (u32(q + this.filled) <= target) {
      q = u32(q + this.filled);
      n = u32(n + 1);
    }
    return u16(n);
  }
}

class Ema {
  // Q8.8 state; alpha = 3/16.
  state = i32(0);
  primed = false;

  add(sample: u16): u16 {
    const x = i32(sample << 8);
    if (!this.primed) {
      this.state = x;
      this.primed = true;
    } else {
      this.state = i32(this.state + (i32(i32(x - this.state) * 3) >> 4));
    }
    return u16(i32(this.state + 128) >> 8);
  }
}

const avg = new MovingAverage();
const ema = new Ema();

export function main(input: Bytes, output: Bytes): u32 {
  let o = u32(0);
  for (let i = u32(0); u32(i + 2) <= input.length; i = u32(i + 2)) {
    // 12-bit ADC readings, big-endian on the wire.
    const s = u16(rd16be(input, i) & 0x0fff);
    const a = avg.add(s);
    const e = ema.add(s);
    if (u32(o + 4) <= output.length) {
      wr16le(output, o, a);
      wr16le(output, u32(o + 2), e);
      o = u32(o + 4);
    }
  }
  return u32(avg.sum + u8(avg.filled));
}
