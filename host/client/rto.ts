// Retransmission timeout of reliable mode, after TCP's (RFC 6298): a smoothed round trip and its
// variation from replies to requests sent once (Karn: a retransmitted request's reply could
// answer either copy, so it gives no sample; the session handshake gives the first), RTO =
// srtt + 4 x rttvar, at least 2 x srtt, within [min, max].
//
// Kept per request size class (<= 64 B, <= 128 B, ... <= 4 KiB): on a slow UART a 2 KiB request
// takes far longer to cross than an echo, so one estimate for both either resends big requests
// needlessly or waits too long for small ones. A class with no sample yet borrows the nearest
// smaller class's RTO, doubled per class (time grows with bytes).
//
// Retransmissions of one request back off only up to 8 x RTO: a serial link loses bytes, it does
// not congest, so unbounded backoff only slows recovery (yet a slow device function still sees
// few duplicates, each answered from its reply cache). Browser-safe.

export interface RtoOptions {
  /** Before any sample (ms, default 250: a slow UART's 2 KiB frame fits). */
  initialMs?: number;
  /** Floor (ms, default 5: below it timer and scheduling noise causes spurious resends). */
  minMs?: number;
  /** Ceiling (ms, default 2000). */
  maxMs?: number;
}

const CLASSES = 7;
/** The RTO never falls below this many smoothed round trips. On a steady link rttvar shrinks to
 * almost nothing, and srtt + 4 x rttvar then sits within the scheduling jitter of an emulated or
 * shared machine: the bench's QEMU run re-sent 212 of ~480 bulk requests needlessly (each a
 * 2 KiB copy on the slow direction: copyFrom's median 0.68x plain mode's). A lost request now
 * waits two round trips instead of about one. */
const STEADY_FLOOR = 2;

interface Estimate {
  srtt: number;
  rttvar: number;
  rto: number;
}

/** 0 for <= 64 bytes, 1 for <= 128, ... 6 for anything larger than 2 KiB. */
function sizeClass(bytes: number): number {
  let c = 0;
  while (c < CLASSES - 1 && bytes > 64 << c) c++;
  return c;
}

export class RtoEstimator {
  readonly minMs: number;
  readonly maxMs: number;
  private readonly initialMs: number;
  private readonly classes: (Estimate | undefined)[] = new Array<Estimate | undefined>(CLASSES).fill(undefined);

  constructor(opts: RtoOptions = {}) {
    this.minMs = opts.minMs ?? 5;
    this.maxMs = opts.maxMs ?? 2000;
    this.initialMs = this.clamp(opts.initialMs ?? 250);
  }

  /** The timeout for a request of `bytes` sent for the first time. */
  timeoutMs(bytes: number): number {
    const c = sizeClass(bytes);
    for (let k = c; k >= 0; k--) {
      const e = this.classes[k];
      if (e !== undefined) return this.clamp(e.rto * 2 ** (c - k));
    }
    return this.initialMs;
  }

  /** A round trip measured on a request of `bytes` that was sent once. */
  sample(rttMs: number, bytes: number): void {
    const c = sizeClass(bytes);
    const e = this.classes[c];
    if (e === undefined) {
      this.classes[c] = { srtt: rttMs, rttvar: rttMs / 2, rto: this.clamp(rttMs + 2 * rttMs) };
      return;
    }
    e.rttvar = 0.75 * e.rttvar + 0.25 * Math.abs(e.srtt - rttMs);
    e.srtt = 0.875 * e.srtt + 0.125 * rttMs;
    e.rto = this.clamp(Math.max(e.srtt + 4 * e.rttvar, STEADY_FLOOR * e.srtt));
  }

  /** The timeout after `retries` retransmissions of one request: RTO for the first two (a loss
   * is the likely cause), then doubling up to 8 x RTO (a slow device function is). */
  backoff(retries: number, bytes: number): number {
    return this.clamp(this.timeoutMs(bytes) * 2 ** Math.min(Math.max(retries - 2, 0), 3));
  }

  private clamp(ms: number): number {
    return Math.min(this.maxMs, Math.max(this.minMs, ms));
  }
}
