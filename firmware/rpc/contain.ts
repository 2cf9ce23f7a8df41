// Panic containment of user device functions (the app's, `urpc build --app`). A panic inside one
// (a bounds error, a division by zero, an explicit panic()) ends that call only: the call answers
// kException "device function scale panicked: Bounds at examples/app/scale.ts:20" and the device
// keeps serving, its tensors allocated. A panic anywhere else (the protocol core) is not caught
// here: the board's fw_panic_at reboots or ends the firmware, as before.
//
// The trap is the platform's: in C, trapCall & co. are firmware/platform/common/trap.h (setjmp
// before the call; fw_panic_at longjmps back while it is armed); in Node trapCall catches the
// FwPanic. What is rolled back and what is not: docs/device-functions.md.

import { u8, u32, bytes, isFwPanic, Panic, panicSite, type Bytes } from '../lib/prelude.ts';
import type { Ctx } from './ctx.ts';
import { Msg } from './messages.ts';

/** What trapCall runs: app function k on c.args (the AppTable.call contract). */
export type AppCall = (c: Ctx, k: u32) => Msg;

/** Node's record of the last contained panic (the C keeps its own in trap.h). */
let caughtCode: u32 = u32(0);
let caughtLine: u32 = u32(0);
const NO_FILE = bytes(0);
let caughtFile: Bytes = NO_FILE;

/** Runs call(c, k); if it panics, returns Msg.AppPanic instead, and trapCode, trapLine and
 * trapFile describe the panic until the next one. */
/** @extern */
export function trapCall(call: AppCall, c: Ctx, k: u32): Msg {
  try {
    return call(c, k);
  } catch (e) {
    if (!isFwPanic(e)) {
      throw e;
    }
    const site = panicSite(e);
    caughtCode = u32(e.code);
    caughtLine = u32(site.line);
    caughtFile = site.file as unknown as Bytes;
    return Msg.AppPanic;
  }
}

/** The code of the last contained panic (Panic.Bounds, ..., or panic()'s argument). */
/** @extern */
export function trapCode(): u32 {
  return caughtCode;
}

/** The .ts line of the last contained panic. */
/** @extern */
export function trapLine(): u32 {
  return caughtLine;
}

/** Copies the .ts file of the last contained panic (repository-relative, no leading ../) into
 * dst, at most dst.length bytes; returns how many it copied. */
/** @extern */
export function trapFile(dst: Bytes): u32 {
  let n: u32 = u32(0);
  while (n < dst.length && n < caughtFile.length) {
    dst[n] = u8(caughtFile[n]);
    n = u32(n + 1);
  }
  return n;
}

/** Calls app function k under the trap. A panic becomes the call's exception, naming the
 * function, the panic and its .ts file:line (Msg.AppPanic*). */
export function callApp(c: Ctx, k: u32): Msg {
  const m: Msg = trapCall(callUntrapped, c, k);
  if (m !== Msg.AppPanic) {
    return m;
  }
  const code: u32 = trapCode();
  const d = c.err;
  let r: Msg = Msg.AppPanicCode;
  if (code === Panic.Bounds) {
    r = d.set1(Msg.AppPanicBounds, trapLine());
  } else if (code === Panic.DivZero) {
    r = d.set1(Msg.AppPanicDivZero, trapLine());
  } else if (code === Panic.Unreachable) {
    r = d.set1(Msg.AppPanicUnreachable, trapLine());
  } else {
    d.set2(r, code, trapLine());
  }
  d.textAdded(c.app.copyName(k, d.textRoom()));
  d.textAdded(trapFile(d.textRoom()));
  return r;
}

function callUntrapped(c: Ctx, k: u32): Msg {
  return c.app.call(c, k);
}
