// The app table of a firmware built without an app: no user device functions.
//
// `urpc build --app <dir>` generates another module with this file name and this class
// (build/<board>/app/app_registry.ts: one wrapper per exported function of the app, its name and
// signature tables) and builds the firmware with its C (app_registry.c/.h) in place of this one's;
// see host/app/generate.ts. In Node, RpcServer.setApp() takes the generated class instead.

import { u32, type Bytes } from '../lib/prelude.ts';
import type { Ctx, AppTable } from './ctx.ts';
import type { Writer } from './wire.ts';
import { Msg } from './messages.ts';

/** @replaceable: the app's C links in place of this module's, and may have initialisers of its
 * own, so the modules importing this one always call its init (codegen driver.ts elideInits). */
export class AppRegistry implements AppTable {
  count(): u32 {
    return u32(0);
  }
  call(c: Ctx, k: u32): Msg {
    return c.err.set1(Msg.UnknownFnHandle, k);
  }
  find(name: Bytes): u32 {
    return u32(0);
  }
  copyName(k: u32, dst: Bytes): u32 {
    return u32(0);
  }
  putName(w: Writer, k: u32): void {
    return;
  }
  putSig(w: Writer, k: u32): void {
    return;
  }
}
