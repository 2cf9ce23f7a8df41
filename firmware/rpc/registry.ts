// The function registry: HANDLERS[i] (builtins.ts) implements the function named by entry i of
// FN_NAMES (names.ts). Global handle of function i: HANDLE_GLOBAL_FN | i; through the system
// library: HANDLE_MODULE_FN | i. Both tables are generated from FUNCTIONS in
// host/app/rpc-tables.ts (`npm run gen`); a board build that links fewer built-ins lowers the
// firmware with its own copies of the two (host/board/builtins.ts). The app's functions
// (ctx.ts AppTable) follow: app function k has index FN_COUNT + k.

import { u32 } from '../lib/prelude.ts';
import type { Ctx, FnHandler } from './ctx.ts';
import { Msg } from './messages.ts';
import { HANDLERS } from './builtins.ts';
import { FN_COUNT } from './names.ts';
import { callApp } from './contain.ts';

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
