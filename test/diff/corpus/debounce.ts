// A push-button debouncer and click classifier: a state machine fed one sample per tick
// (bit 0 of each input byte is the pin level, the other bits are ignored). It reports press,
// release, short click, long press and double click events, like a keypad driver.
import { u8, u16, u32, wr8, wr16le, log, type Bytes } from '../../../firmware/lib/prelude.ts';

const Btn = { Released: 0, Bouncing: 1, Pressed: 2, LongHeld: 3 } as const;
type Btn = (typeof Btn)[keyof typeof Btn];

const Ev = { None: 0, Press: 1, Release: 2, Click: 3, Long: 4, Double: 5 } as const;
type Ev = (typeof Ev)[keyof typeof Ev];

const STABLE_TICKS = 3;
const LONG_TICKS = 40;
const DOUBLE_GAP = 25;

let state: Btn = Btn.Released;
let stableCount = u8(0);
let heldTicks = u16(0);
let sinceClick = u16(0xffff);
let target = false;
let events = u32(0);

function tick(level: boolean): Ev {
  if (sinceClick !== 0xffff) sinceClick = u16(sinceClick + 1);
  switch (state) {
    case Btn.Released:
      if (level) {
        state = Btn.Bouncing;
        target = true;
        stableCount = u8(1);
      }
      return Ev.None;
    case Btn.Bouncing:
      if (level === target) {
        stableCount = u8(stableCount + 1);
        if (stableCount >= STABLE_TICKS) {
          if (target) {
            state = Btn.Pressed;
            heldTicks = u16(0);
            return Ev.Press;
          }
          state = Btn.Released;
          return Ev.Release;
        }
      } else {
        // Bounced back: the previous stable state wins.
        state = target ? Btn.Released : Btn.Pressed;
      }
      return Ev.None;
    case Btn.Pressed:
      if (!level) {
        state = Btn.Bouncing;
        target = false;
        stableCount = u8(1);
        const isDouble = sinceClick < DOUBLE_GAP;
        sinceClick = isDouble ? u16(0xffff) : u16(0);
        return isDouble ? Ev.Double : Ev.Click;
      }
      heldTicks = u16(heldTicks + 1);
      if (heldTicks >= LONG_TICKS) {
        state = Btn.LongHeld;
        return Ev.Long;
      }
      return Ev.None;
    case Btn.LongHeld:
      if (!level) {
        state = Btn.Bouncing;
        target = false;
        stableCount = u8(1);
      }
      return Ev.None;
  }
}

export function main(input: Bytes, output: Bytes): u32 {
  let o = u32(2);
  for (let i = u32(0); i < input.length; i++) {
    const ev = tick(u8(input[i] & 1) !== 0);
    if (ev !== Ev.None) {
      events = u32(events + 1);
      if (ev === Ev.Double) log('double click', i);
      if (o < output.length) {
        wr8(output, o, u8(u8(ev) | (u8(state) << 4)));
        o = u32(o + 1);
      }
    }
  }
  wr8(output, 0, u8(state));
  wr8(output, 1, stableCount);
  wr16le(output, u32(output.length - 2), heldTicks);
  return events;
}
