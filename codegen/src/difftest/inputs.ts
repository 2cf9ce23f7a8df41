// difftest/inputs.ts: the seeded PRNG and the test-vector generator shared by difftest and fuzz.
//
// README (difftest): inputs are N seeded random byte strings (lengths 0..~300, biased to short)
// followed by fixed edge inputs (empty, all 0x00 and all 0xFF of a few lengths, a ramp). The
// same list, in the same order, goes to Node and to every C binary, so module state that
// persists across cases evolves identically in both worlds.

/** splitmix32-style PRNG: deterministic for a seed, good enough for test generation. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** Uniform u32. */
  next(): number {
    this.s = (this.s + 0x9e3779b9) >>> 0;
    let z = this.s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return n <= 0 ? 0 : Math.floor((this.next() / 4294967296) * n);
  }
  /** Integer in [lo, hi] inclusive. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() / 4294967296 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  /** Weighted pick: [weight, value] pairs. */
  weighted<T>(xs: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of xs) total += w;
    let r = this.int(total);
    for (const [w, v] of xs) {
      if (r < w) return v;
      r -= w;
    }
    return xs[xs.length - 1]![1];
  }
  /** A derived, independent seed. */
  fork(): number {
    return this.next();
  }
}

export const EDGE_LENGTHS = [1, 2, 3, 4, 7, 8, 16, 64, 255, 256, 300] as const;

/** Fixed edge inputs: empty, all-0x00, all-0xFF of a few lengths, and a 0..255 ramp. */
export function edgeInputs(): Uint8Array[] {
  const out: Uint8Array[] = [new Uint8Array(0)];
  for (const n of [1, 4, 16, 256]) out.push(new Uint8Array(n));
  for (const n of [1, 2, 4, 8, 16, 255, 256]) out.push(new Uint8Array(n).fill(0xff));
  const ramp = new Uint8Array(256);
  for (let i = 0; i < 256; i++) ramp[i] = i;
  out.push(ramp);
  return out;
}

/** `cases` random inputs from `seed` followed by the edge inputs. */
export function makeInputs(cases: number, seed: number, maxLen = 300): Uint8Array[] {
  const rng = new Rng(seed ^ 0x5eed1234);
  const out: Uint8Array[] = [];
  for (let c = 0; c < cases; c++) {
    const len = rng.weighted<number>([
      [1, rng.int(9)],
      [3, rng.range(4, 40)],
      [3, rng.int(maxLen + 1)],
      [1, rng.pick(EDGE_LENGTHS)],
    ]);
    const b = new Uint8Array(len);
    const style = rng.int(4);
    for (let i = 0; i < len; i++) {
      if (style === 0) b[i] = rng.next() & 0xff;
      else if (style === 1) b[i] = rng.pick([0, 1, 0x7f, 0x80, 0xfe, 0xff]);
      else if (style === 2) b[i] = rng.int(4);
      else b[i] = rng.chance(0.5) ? rng.next() & 0xff : rng.pick([0, 0xff]);
    }
    out.push(b);
  }
  return out.concat(edgeInputs());
}

export function hex(b: Uint8Array, max = 512): string {
  let s = '';
  const n = Math.min(b.length, max);
  for (let i = 0; i < n; i++) s += b[i]!.toString(16).padStart(2, '0');
  return b.length > max ? s + `...(${b.length} bytes)` : s;
}

/** Inputs as the C driver reads them on stdin: [u32 LE len][bytes] per case. */
export function encodeInputs(inputs: readonly Uint8Array[]): Buffer {
  let total = 0;
  for (const b of inputs) total += 4 + b.length;
  const buf = Buffer.alloc(total);
  let o = 0;
  for (const b of inputs) {
    buf.writeUInt32LE(b.length, o);
    o += 4;
    buf.set(b, o);
    o += b.length;
  }
  return buf;
}
