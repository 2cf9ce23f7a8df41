// The RPC server's three injected dependencies. Each is a narrow interface so that the session,
// the page allocator and the board platform can implement it without knowing the server.

import type { u32, Bytes, bool } from '../lib/prelude.ts';
import type { Err } from '../lib/errors.ts';

/** Where reply packets go (the session implements it: one packet per Normal message).
 * `packet` is a whole RPC packet (u64 length + i32 code + body) and is only valid during the
 * call: copy it if it must outlive the call. */
export interface PacketSink {
  send(packet: Bytes): Err;
}

/** Tensor memory. Handles are what the host sees as device "pointers": non-zero u32 values
 * that are only ever passed back. The server bounds-checks every access against `data(h)`. */
export interface Memory {
  /** Allocates nbytes (0 allowed). Returns a non-zero handle, or 0 when out of memory. */
  alloc(nbytes: u32): u32;
  /** Frees a live handle. Returns false (and changes nothing) if h is not live: never handed
   * out, or already freed. */
  free(h: u32): bool;
  /** True while h is a live allocation. */
  live(h: u32): bool;
  /** The bytes of live allocation h (length = the nbytes asked for). Only called when live(h). */
  data(h: u32): Bytes;
  /** Frees every allocation (new session / Shutdown). */
  reset(): void;
  /** Pool size and free bytes, for urpc.info. */
  capacity(): u32;
  available(): u32;
}

/** Board services used by the built-in functions. */
export interface Platform {
  /** A free-running counter (wraps at 2^32). */
  ticks(): u32;
  /** Counter frequency in Hz (non-zero). */
  ticksPerSecond(): u32;
  /** 32 random bits (tvm.contrib.random.random_fill). */
  random32(): u32;
  /** Copies the board name (ASCII) into dst, at most dst.length bytes; returns the length. */
  boardName(dst: Bytes): u32;
}
