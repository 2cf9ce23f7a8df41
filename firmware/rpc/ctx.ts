// The state every device function sees: injected memory and platform, the reply writer, the
// parsed arguments, scratch tensors and the time evaluator's settings. Device functions are
// top-level `FnHandler`s that get this context explicitly (FwTS has no closures).

import { u32, bytes, type Bytes, type bool } from '../lib/prelude.ts';
import type { Memory, Platform } from './ports.ts';
import type { Msg } from './messages.ts';
import { Writer, Detail, Args } from './wire.ts';
import { Tensor } from './tensor.ts';
import { RPC_BOARD_NAME_BYTES } from './config.ts';

export class Ctx {
  readonly mem: Memory;
  readonly plat: Platform;
  readonly err: Detail = new Detail();
  readonly out: Writer = new Writer();
  readonly args: Args;
  readonly t0: Tensor = new Tensor();
  readonly t1: Tensor = new Tensor();
  readonly t2: Tensor = new Tensor();
  readonly name: Bytes = bytes(RPC_BOARD_NAME_BYTES);

  // runtime.RPCTimeEvaluator: only the newest evaluator handle is valid.
  evalLive: bool = false;
  evalSerial: u32 = u32(0);
  evalFn: u32 = u32(0);
  evalNumber: u32 = u32(1);
  evalRepeat: u32 = u32(1);
  evalMinMs: u32 = u32(0);
  evalZeroLimit: u32 = u32(0);

  constructor(mem: Memory, plat: Platform) {
    this.mem = mem;
    this.plat = plat;
    this.args = new Args(this.out.buf, this.err);
  }
}

/** A device function. It reads `a`, writes its return value into `c.out` with one of the ret*
 * helpers (2-slot CallFunc convention) and returns Msg.Ok, or returns an error Msg (details in
 * c.err) and the server answers kException with that text instead. */
export type FnHandler = (c: Ctx, a: Args) => Msg;
