// A fixed-point PID speed controller (Q16.16 gains, i32 state) with integral anti-windup,
// derivative on measurement and output clamping, run once per sample. Each case gives a
// setpoint and a sequence of measured speeds; the controller and a simple plant model keep
// their state across cases.
import { u16, u32, i16, i32, imul32, divi, rd16le, wr16le, wr32le, type Bytes } from '../../../firmware/lib/prelude.ts';

const OUT_MAX = 10000;
const OUT_MIN = -10000;
const I_MAX = 400000;

class Pid {
  kp = i32(3 * 256); // Q8
  ki = i32(40); // Q8
  kd = i32(128); // Q8
  integ = i32(0);
  lastMeas = i32(0);
  saturated = u32(0);

  step(setpoint: i32, meas: i32): i32 {
    const err = i32(setpoint - meas);
    // Anti-windup: only integrate while the integral stays inside its bounds.
    const nextI = i32(this.integ + imul32(this.ki, err));
    if (nextI <= I_MAX && nextI >= -I_MAX) this.integ = nextI;
    const dMeas = i32(meas - this.lastMeas);
    this.lastMeas = meas;
    const p = imul32(this.kp, err);
    const d = imul32(this.kd, dMeas);
    let out = i32(i32(p + this.integ - d) >> 8);
    if (out > OUT_MAX) {
      out = i32(OUT_MAX);
      this.saturated = u32(this.saturated + 1);
    } else if (out < OUT_MIN) {
      out = i32(OUT_MIN);
      this.saturated = u32(this.saturated + 1);
    }
    return out;
  }
}

/** First-order plant: speed moves 1/8 of the way towards drive/4 each tick. */
class Plant {
  speed = i32(0);
  step(drive: i32): i32 {
    this.speed = i32(this.speed + divi(i32(divi(drive, i32(4)) - this.speed), i32(8)));
    return this.speed;
  }
}

const pid = new Pid();
const plant = new Plant();

export function main(input: Bytes, output: Bytes): u32 {
  if (input.length < 2) return u32(0);
  const setpoint = i32(i16(rd16le(input, 0)));
  let o = u32(0);
  let ticks = u32(0);
  for (let i = u32(2); u32(i + 1) < input.length; i = u32(i + 2)) {
    // The measurement is the plant's speed plus sensor noise from the input.
    const noise = i32(i16(rd16le(input, i)) >> 6);
    const out = pid.step(setpoint, i32(plant.speed + noise));
    plant.step(out);
    if (u32(o + 4) <= u32(output.length - 4)) {
      wr16le(output, o, u16(out));
      wr16le(output, u32(o + 2), u16(plant.speed));
      o = u32(o + 4);
    }
    ticks = u32(ticks + 1);
  }
  wr32le(output, u32(output.length - 4), pid.saturated);
  return ticks;
}
