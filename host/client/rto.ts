// Retransmission timeout of reliable mode, after TCP's (RFC 6298): a smoothed round trip and its
// variation from replies to requests sent once (Karn: a retransmitted request's reply could
// answer either copy, so it gives no sample), RTO = srtt + 4 x rttvar within [min, max], doubled
// on each of the first three retransmissions of one request and then held: a serial link loses
// bytes, it does not congest, so unbounded backoff only slows recovery (yet a slow device
// function still sees few duplicates, each answered from the device's reply cache).
// Browser-safe.

export interface RtoOptions {
  /** Before the first sample (ms, default 250: a slow UART's 2 KiB frame fits). */
  initialMs?: number;
  /** Floor (ms, default 5: below it timer and scheduling noise causes spurious resends). */
  minMs?: number;
  /** Ceiling (ms, default 2000). */
  maxMs?: number;
}

export class RtoEstimator {
  readonly minMs: number;
  readonly maxMs: number;
  private srtt: number | undefined;
  private rttvar = 0;
  private rto: number;

  constructor(opts: RtoOptions = {}) {
    this.minMs = opts.minMs ?? 5;
    this.maxMs = opts.maxMs ?? 2000;
    this.rto = this.clamp(opts.initialMs ?? 250);
  }

  /** The timeout for a request sent for the first time. */
  get timeoutMs(): number {
    return this.rto;
  }

  /** A round trip measured on a request that was sent once. */
  sample(rttMs: number): void {
    if (this.srtt === undefined) {
      this.srtt = rttMs;
      this.rttvar = rttMs / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - rttMs);
      this.srtt = 0.875 * this.srtt + 0.125 * rttMs;
    }
    this.rto = this.clamp(this.srtt + 4 * this.rttvar);
  }

  /** The timeout after `retries` retransmissions of one request (backoff up to 8 x RTO). */
  backoff(retries: number): number {
    return this.clamp(this.rto * 2 ** Math.min(retries, 3));
  }

  private clamp(ms: number): number {
    return Math.min(this.maxMs, Math.max(this.minMs, ms));
  }
}
