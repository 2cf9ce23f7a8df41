// Sensor drivers behind an interface, as a HAL would have them: a thermistor (lookup table with
// linear interpolation), a pressure sensor (two's-complement 24-bit raw with offset/scale
// calibration) and a simulated counter. A polling loop reads them through the interface and
// an alarm object tracks thresholds with hysteresis. The input supplies the raw register values.
import { u8, u16, u32, i32, imul32, divi, rd8, rd16le, wr8, wr32le, wr16le, type Bytes } from '../../../firmware/lib/prelude.ts';

export interface Sensor {
  /** Latch a raw reading from the bus bytes at `at`. */
  sample(raw: Bytes, at: u32): void;
  /** The value in milli-units. */
  value(): i32;
  id(): u8;
}

// Thermistor: ADC counts (10-bit) to milli-degrees, 9 points 128 counts apart.
const THERM_MC: readonly i32[] = [i32(-40000), i32(-18000), i32(-2000), i32(12000), i32(25000), i32(39000), i32(55000), i32(76000), i32(110000)];

class Thermistor implements Sensor {
  adc = u16(0);
  sample(raw: Bytes, at: u32): void {
    this.adc = u16(rd16le(raw, at) & 0x3ff);
  }
  value(): i32 {
    const seg = u32(this.adc >>> 7);
    const frac = i32(this.adc & 127);
    if (seg < THERM_MC.length && u32(seg + 1) < THERM_MC.length) {
      const lo = THERM_MC[seg];
      const hi = THERM_MC[u32(seg + 1)];
      return i32(lo + (imul32(i32(hi - lo), frac) >> 7));
    }
    return THERM_MC[8];
  }
  id(): u8 {
    return u8(1);
  }
}

class Pressure implements Sensor {
  raw = i32(0);
  offset = i32(-1200);
  scaleNum = i32(25);
  scaleDen = i32(16);
  sample(raw: Bytes, at: u32): void {
    const v = u32(rd8(raw, at) | (rd8(raw, u32(at + 1)) << 8) | (rd8(raw, u32(at + 2)) << 16));
    // Sign-extend 24 bits.
    this.raw = i32(i32(v << 8) >> 8);
  }
  value(): i32 {
    return divi(imul32(i32(this.raw - this.offset), this.scaleNum), this.scaleDen);
  }
  id(): u8 {
    return u8(2);
  }
}

class Counter implements Sensor {
  n = u32(0);
  sample(raw: Bytes, at: u32): void {
    this.n = u32(this.n + rd8(raw, at));
  }
  value(): i32 {
    return i32(this.n);
  }
  id(): u8 {
    return u8(3);
  }
}

class Alarm {
  high = i32(50000);
  low = i32(45000);
  active = false;
  trips = u16(0);
  update(v: i32): void {
    if (!this.active && v > this.high) {
      this.active = true;
      this.trips = u16(this.trips + 1);
    } else if (this.active && v < this.low) {
      this.active = false;
    }
  }
}

const therm = new Thermistor();
const press = new Pressure();
const counter = new Counter();
const alarm = new Alarm();

function poll(s: Sensor, raw: Bytes, at: u32, out: Bytes, o: u32): void {
  s.sample(raw, at);
  const v = s.value();
  wr8(out, o, s.id());
  wr32le(out, u32(o + 1), u32(v));
}

export function main(input: Bytes, output: Bytes): u32 {
  let o = u32(0);
  let rounds = u32(0);
  // Each round reads 6 raw bytes: 2 thermistor, 3 pressure, 1 counter.
  for (let i = u32(0); u32(i + 6) <= input.length && u32(o + 15) <= u32(output.length - 4); i = u32(i + 6)) {
    poll(therm, input, i, output, o);
    poll(press, input, u32(i + 2), output, u32(o + 5));
    poll(counter, input, u32(i + 5), output, u32(o + 10));
    alarm.update(therm.value());
    o = u32(o + 15);
    rounds = u32(rounds + 1);
  }
  wr16le(output, u32(output.length - 4), alarm.trips);
  wr8(output, u32(output.length - 2), alarm.active ? u8(1) : u8(0));
  return rounds;
}
