// Which function handles may be called (spec §4.8 FreeHandle). urpc's function handles are fixed
// per function (HANDLE_GLOBAL_FN | k through GetGlobalFunc, HANDLE_MODULE_FN | k through the
// system library), so a freed handle is one whose lookups have all been freed: one byte per
// function and kind counts the lookups not yet freed.
//
//   0           never looked up since the session began: callable (the handles are well known)
//   1 .. 0xFE   lookups not yet freed: callable; FreeHandle takes one away (the last one frees)
//   0xFF        freed: calls and a second FreeHandle are refused until the next lookup
//
// A count that reaches 0xFE stays there (it no longer counts, and the handle is never freed).
// A new session forgets everything (reset).

import { u8, u32, bytes, fill, rd8, wr8, type Bytes, type bool } from '../lib/prelude.ts';
import { RPC_MAX_FUNCTIONS } from './config.ts';

const FREED = 0xff;
const SATURATED = 0xfe;

export class FnHandles {
  /** [kind * RPC_MAX_FUNCTIONS + k]; kind 0 global, 1 module. */
  private readonly state: Bytes = bytes(RPC_MAX_FUNCTIONS * 2);

  private slot(module: bool, k: u32): u32 {
    return module ? u32(RPC_MAX_FUNCTIONS + k) : k;
  }

  /** Function k is within the table (the registry never holds more). */
  tracked(k: u32): bool {
    return k < RPC_MAX_FUNCTIONS;
  }

  /** A lookup handed out the handle of function k. */
  lookedUp(module: bool, k: u32): void {
    if (!this.tracked(k)) {
      return;
    }
    const i: u32 = this.slot(module, k);
    const s: u8 = rd8(this.state, i);
    if (s === FREED) {
      wr8(this.state, i, u8(1));
    } else if (s < SATURATED) {
      wr8(this.state, i, u8(s + 1));
    }
  }

  /** The handle of function k may be called. */
  callable(module: bool, k: u32): bool {
    return !this.tracked(k) || rd8(this.state, this.slot(module, k)) !== FREED;
  }

  /** FreeHandle of function k's handle; false if it is already freed. */
  free(module: bool, k: u32): bool {
    if (!this.tracked(k)) {
      return true;
    }
    const i: u32 = this.slot(module, k);
    const s: u8 = rd8(this.state, i);
    if (s === FREED) {
      return false;
    }
    if (s === 0 || s === 1) {
      wr8(this.state, i, u8(FREED));
    } else if (s < SATURATED) {
      wr8(this.state, i, u8(s - 1));
    }
    return true;
  }

  reset(): void {
    fill(this.state, u8(0), u32(0), this.state.length);
  }
}
