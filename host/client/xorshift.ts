// xorshift32: a small seedable PRNG, the same sequence in every run (fault injection, soak
// runs). Not for anything secret. Browser-safe.
export class Xorshift32 {
  private s: number;
  constructor(seed: number) {
    this.s = (seed >>> 0) || 0x2545f491;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s / 0x1_0000_0000;
  }
  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
}
