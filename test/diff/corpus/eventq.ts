// An event queue with deferred callbacks, as an RTOS-less firmware posts work from interrupts to
// the main loop: a fixed circular queue of (handler index, argument) records; handlers live in a
// function table, some re-post follow-up events, and the handler for a sensor event is chosen at
// run time by the power mode. Queue state, counters and the mode persist across cases.
import { u8, u16, u32, bytes, rd8, wr8, wr16le, rd16le, type Bytes } from '../../../firmware/lib/prelude.ts';

const QLEN = 16;

class Queue {
  ev = bytes(QLEN * 3);
  head = u8(0);
  count = u8(0);
  overflows = u16(0);

  post(kind: u8, arg: u16): boolean {
    if (this.count >= QLEN) {
      this.overflows = u16(this.overflows + 1);
      return false;
    }
    const slot = u32(u8(this.head + this.count) & (QLEN - 1));
    wr8(this.ev, u32(slot * 3), kind);
    wr16le(this.ev, u32(slot * 3 + 1), arg);
    this.count = u8(this.count + 1);
    return true;
  }
}

class System {
  q = new Queue();
  lowPower = false;
  total = u32(0);
  samples = u16(0);
  ticks = u32(0);
}

type Handler = (s: System, arg: u16) => void;

function onTick(s: System, arg: u16): void {
  s.ticks = u32(s.ticks + 1);
  if (u32(s.ticks & 7) === 0) s.q.post(u8(1), u16(arg + 1));
}
function onSampleFull(s: System, arg: u16): void {
  s.samples = u16(s.samples + 1);
  s.total = u32(s.total + arg);
}
function onSampleLow(s: System, arg: u16): void {
  // Low power: only every fourth sample is accumulated.
  if (u32(arg & 3) === 0) s.total = u32(s.total + (arg >>> 2));
}
function onMode(s: System, arg: u16): void {
  s.lowPower = u32(arg & 1) !== 0;
}
function onFlush(s: System, arg: u16): void {
  s.total = u32(arg);
  s.samples = u16(0);
}

const HANDLERS: readonly Handler[] = [onTick, onSampleFull, onMode, onFlush];
const sys = new System();

function dispatch(s: System): u32 {
  let n = u32(0);
  while (s.q.count > 0 && n < 64) {
    const slot = u32(s.q.head & (QLEN - 1));
    const kind = rd8(s.q.ev, u32(slot * 3));
    const arg = rd16le(s.q.ev, u32(slot * 3 + 1));
    s.q.head = u8(u8(s.q.head + 1) & (QLEN - 1));
    s.q.count = u8(s.q.count - 1);
    if (kind === 1) {
      // The sample handler depends on the power mode.
      const h: Handler = s.lowPower ? onSampleLow : onSampleFull;
      h(s, arg);
    } else {
      const k = u32(kind);
      if (k < HANDLERS.length) {
        const h = HANDLERS[k];
        h(s, arg);
      }
    }
    n = u32(n + 1);
  }
  return n;
}

export function main(input: Bytes, output: Bytes): u32 {
  let ran = u32(0);
  for (let i = u32(0); u32(i + 2) <= input.length; i = u32(i + 2)) {
    const kind = u8(rd8(input, i) & 3);
    sys.q.post(kind, u16(rd8(input, u32(i + 1)) | (u32(i) << 8)));
    // The main loop gets to run after every few interrupts.
    if (u32(rd8(input, i) & 0x30) === 0) ran = u32(ran + dispatch(sys));
  }
  ran = u32(ran + dispatch(sys));
  wr16le(output, 0, sys.samples);
  wr16le(output, 2, sys.q.overflows);
  wr8(output, 4, sys.lowPower ? u8(1) : u8(0));
  wr16le(output, 5, u16(sys.total));
  wr16le(output, 7, u16(sys.ticks));
  return ran;
}
