// A cooperative tick scheduler as in a bare-metal super-loop: four periodic tasks with their own
// period and phase, run from a function table when due, each getting a shared context; a task
// can suspend another or change its period. Each input byte is a number of elapsed ticks
// (0 = a missed tick interrupt); the scheduler state persists across cases.
import { u8, u16, u32, bytes, mul32, rd16le, rd8, wr8, wr16le, wr32le, log, type Bytes } from '../../../firmware/lib/prelude.ts';

const NTASKS = 4;

class Ctx {
  now = u32(0);
  led = false;
  blinks = u16(0);
  samples = u32(0);
  sampleSum = u32(0);
  watchdogKicks = u16(0);
  // Per task: period (u16 LE), next due (u16 LE, wraps), enabled (u8), runs (u8).
  table = bytes(NTASKS * 6);
}

type Task = (c: Ctx, self: u32) => void;

function period(c: Ctx, t: u32): u16 {
  return rd16le(c.table, u32(t * 6));
}
function setPeriod(c: Ctx, t: u32, p: u16): void {
  wr16le(c.table, u32(t * 6), p);
}
function setEnabled(c: Ctx, t: u32, on: boolean): void {
  wr8(c.table, u32(t * 6 + 4), on ? u8(1) : u8(0));
}

function taskBlink(c: Ctx, self: u32): void {
  c.led = !c.led;
  if (c.led) c.blinks = u16(c.blinks + 1);
  // Blink faster once the sampler has run a while.
  if (c.samples > 50 && period(c, self) > 5) setPeriod(c, self, u16(5));
}

function taskSample(c: Ctx, self: u32): void {
  const v = u32(mul32(c.now, u32(2654435761)) >>> 24);
  c.samples = u32(c.samples + 1);
  c.sampleSum = u32(c.sampleSum + v);
  if (u32(c.samples & 63) === 0) log('sampler average', u32(c.sampleSum >>> 6), self);
  if (u32(c.samples & 63) === 0) c.sampleSum = u32(0);
}

function taskWatchdog(c: Ctx, self: u32): void {
  c.watchdogKicks = u16(c.watchdogKicks + 1);
  // Suspend the sampler every 8th kick, resume on the next.
  setEnabled(c, u32(1), u32(c.watchdogKicks & 7) !== 0);
  if (self !== 2) log('watchdog in the wrong slot', self);
}

function taskReport(c: Ctx, self: u32): void {
  setPeriod(c, self, u16(period(c, self) + 1));
}

const TASKS: readonly Task[] = [taskBlink, taskSample, taskWatchdog, taskReport];
const ctx = new Ctx();
let booted = false;

function boot(c: Ctx): void {
  for (let t = u32(0); t < NTASKS; t++) {
    setPeriod(c, t, u16(3 + t * 7));
    wr16le(c.table, u32(t * 6 + 2), u16(t));
    setEnabled(c, t, true);
  }
}

/** Run every task due at c.now; returns how many ran. */
function runDue(c: Ctx): u32 {
  let ran = u32(0);
  for (let t = u32(0); t < TASKS.length; t++) {
    const due = rd16le(c.table, u32(t * 6 + 2));
    // Wrap-safe "now >= due" on 16-bit timestamps.
    if (u16(u16(c.now) - due) < 0x8000) {
      wr16le(c.table, u32(t * 6 + 2), u16(due + period(c, t)));
      if (rd8(c.table, u32(t * 6 + 4)) !== 0) {
        const task = TASKS[t];
        task(c, t);
        wr8(c.table, u32(t * 6 + 5), u8(rd8(c.table, u32(t * 6 + 5)) + 1));
        ran = u32(ran + 1);
      }
    }
  }
  return ran;
}

export function main(input: Bytes, output: Bytes): u32 {
  if (!booted) {
    boot(ctx);
    booted = true;
  }
  let ran = u32(0);
  for (let i = u32(0); i < input.length; i++) {
    const ticks = u32(input[i] & 15);
    for (let k = u32(0); k < ticks; k++) {
      ctx.now = u32(ctx.now + 1);
      ran = u32(ran + runDue(ctx));
    }
  }
  wr32le(output, 0, ctx.now);
  wr16le(output, 4, ctx.blinks);
  wr32le(output, 6, ctx.samples);
  wr16le(output, 10, ctx.watchdogKicks);
  wr8(output, 12, ctx.led ? u8(1) : u8(0));
  for (let k = u32(0); k < ctx.table.length; k++) wr8(output, u32(16 + k), rd8(ctx.table, k));
  return ran;
}
