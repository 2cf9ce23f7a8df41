// The function registry: HANDLERS[i] implements the function named by entry i of FN_NAMES
// (names.ts). Global handle of function i: HANDLE_GLOBAL_FN | i; through the system library:
// HANDLE_MODULE_FN | i. To add a function: append it to FUNCTIONS in host/app/rpc-tables.ts,
// run `npm run gen` (names.ts), and append its handler here in the same position. The app's functions
// (ctx.ts AppTable) follow: app function k has index FN_COUNT + k.

import { u32 } from '../lib/prelude.ts';
import type { Ctx, FnHandler } from './ctx.ts';
import { Msg } from './messages.ts';
import { fnSystemLib, fnModuleGetFunction, fnGetCRTMaxPacketSize } from '../functions/system.ts';
import { fnTimeEvaluator } from '../functions/timeeval.ts';
import { fnEcho } from '../functions/echo.ts';
import { fnInfo } from '../functions/info.ts';
import { fnRandomFill, fnAdd, fnSum } from '../functions/tensor_ops.ts';
import { fnLog } from '../functions/device_log.ts';
import { fnSleep } from '../functions/sleep.ts';
import { FN_COUNT } from './names.ts';
import { callApp } from './contain.ts';

export const HANDLERS: readonly FnHandler[] = [
  fnSystemLib,
  fnModuleGetFunction,
  fnTimeEvaluator,
  fnGetCRTMaxPacketSize,
  fnRandomFill,
  fnEcho,
  fnInfo,
  fnAdd,
  fnSum,
  fnLog,
  fnSleep,
];

/** Calls function k on the parsed arguments c.args: built-in k (k < FN_COUNT), else app
 * function k - FN_COUNT (a panic in it is contained: contain.ts). */
export function callFunction(c: Ctx, k: u32): Msg {
  if (k < HANDLERS.length) {
    const h: FnHandler = HANDLERS[k];
    return h(c, c.args);
  }
  if (k >= FN_COUNT && u32(k - FN_COUNT) < c.app.count()) {
    // Under the panic trap: a panic in the app's code answers this call only (contain.ts).
    return callApp(c, u32(k - FN_COUNT));
  }
  return c.err.set1(Msg.UnknownFnHandle, k);
}
