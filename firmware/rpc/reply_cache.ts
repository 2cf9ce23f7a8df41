// Reliable mode's deduplication (session version 2, docs/protocol.md): the host retransmits a
// request until its reply arrives, so the device runs each sequence number once and answers a
// repeat with the reply it already sent (a lost reply costs no second execution: no double
// allocation, no double call). DeviceStack asks this unit what to do with each request and each
// reply; it keeps no other state of its own for it.
//
// The cached reply is a view of the server's reply buffer, untouched until the next request,
// except for requests refused while an async call runs: tick() rewrites that buffer meanwhile, so
// their (short) refusal is kept as a copy. An async call's reply goes out under its own request's
// number, and is cached only while that request is still the current one (both rules came from
// fuzz findings: 743c6f1 and 2d926df).

import { u8, u32, bytes, view, copy, type Bytes, type bool } from '../lib/prelude.ts';

/** What to do with a request (take()). */
export const Take = {
  /** A new sequence number: serve it. */
  New: 0,
  /** A repeat of the current request, already answered: send cached() again. */
  Repeat: 1,
  /** A repeat of a request still running (async) or that gets no reply: nothing. */
  Ignore: 2,
} as const;
export type Take = (typeof Take)[keyof typeof Take];

/** Room for a cached refusal: the 8-byte length, code, type codes and Busy's text. */
export const BUSY_REPLY_BYTES = 160;

/** cached() before any reply (a view field needs a view to start from). */
const NO_REPLY = bytes(0);

export class ReplyCache {
  /** Repeats answered from the cache (diagnostics). */
  repeats: u32 = u32(0);
  /** The sequence number of the request being served or last served. */
  private seq: u8 = u8(0);
  /** A request has been seen in this session (seq is meaningful). */
  private seqValid: bool = false;
  /** The reply to seq has been sent and is lastReply. */
  private replied: bool = false;
  private lastReply: Bytes = NO_REPLY;
  private readonly busyReply: Bytes = bytes(BUSY_REPLY_BYTES);
  /** The sequence number of the request that went async. */
  private asyncSeq: u8 = u8(0);

  /** A new session: numbers start afresh. */
  reset(): void {
    this.seqValid = false;
    this.replied = false;
  }

  /** A request numbered s arrives. */
  take(s: u8): Take {
    if (this.seqValid && s === this.seq) {
      if (this.replied) {
        this.repeats = u32(this.repeats + 1);
        return Take.Repeat;
      }
      return Take.Ignore;
    }
    this.seq = s;
    this.seqValid = true;
    this.replied = false;
    return Take.New;
  }

  /** The current request's number. */
  current(): u8 {
    return this.seq;
  }

  /** The reply to send again for a Repeat. */
  cached(): Bytes {
    return this.lastReply;
  }

  /** The request just taken went async: its reply will come from a later tick(). */
  wentAsync(): void {
    this.asyncSeq = this.seq;
  }

  /** A reply sent from tick() answers the async request; true when that is no longer the
   * current one (requests were refused meanwhile): it goes out under asyncNumber() and is not
   * cached, since a repeat of the current request must get the current request's reply. */
  staleAsync(fromTick: bool): bool {
    return fromTick && this.asyncSeq !== this.seq;
  }

  asyncNumber(): u8 {
    return this.asyncSeq;
  }

  /** Caches the reply to the current request and returns the bytes to send (under current()).
   * `rewritten`: the server's reply buffer will be rewritten before the next request (a refusal
   * while an async call runs), so a copy is kept. */
  keep(packet: Bytes, rewritten: bool): Bytes {
    this.lastReply = packet;
    if (rewritten) {
      if (packet.length > this.busyReply.length) {
        this.replied = false; // cannot happen (refusals are short); a repeat is then ignored
        return packet;
      }
      copy(this.busyReply, u32(0), packet);
      this.lastReply = view(this.busyReply, u32(0), packet.length);
    }
    this.replied = true;
    return this.lastReply;
  }
}
