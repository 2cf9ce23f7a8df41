// Reference helpers for test/unit/math.test.ts: ulp distances, seeded inputs over the whole
// double range, and exact (BigInt) references where one is cheap: the bits of 2/pi and x^n.

const F64 = new Float64Array(1);
const I64 = new BigInt64Array(F64.buffer);
const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);

/** A double's position on the number line of doubles (-0 and +0 both 0). */
function ord64(x: number): bigint {
  F64[0] = x;
  const v = I64[0]!;
  return v < 0n ? -(v & 0x7fffffffffffffffn) : v;
}
function ord32(x: number): number {
  F32[0] = x;
  const v = I32[0]!;
  return v < 0 ? -(v & 0x7fffffff) : v;
}

/** Doubles between a and b (0 when equal; Infinity when one is NaN and the other not). */
export function ulps64(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  const d = ord64(a) - ord64(b);
  return Number(d < 0n ? -d : d);
}
/** Floats between a and b, both f32 values. */
export function ulps32(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  return Math.abs(ord32(a) - ord32(b));
}

/** The double with these bits. */
export function fromBits(hi: number, lo: number): number {
  I64[0] = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  return F64[0]!;
}

/** Seeded xorshift32: every run tests the same inputs. */
export class Rand {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  u32(): number {
    let s = this.s;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.s = s >>> 0;
    return this.s;
  }
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * (this.u32() / 4294967296);
  }
  /** Any double: random bits, so every exponent is equally likely (NaNs and infinities too). */
  bits(): number {
    return fromBits(this.u32(), this.u32());
  }
  /** Any f32, by random bits. */
  bits32(): number {
    const v = new Float32Array(new Uint32Array([this.u32()]).buffer)[0]!;
    return v;
  }
}

/** The bits of 2/pi after the point, 16 per entry, from pi by Machin's formula in BigInt. */
export function twoOverPiLimbs(count: number): number[] {
  const P = BigInt(16 * count + 64);
  const one = 1n << P;
  const atanInv = (k: bigint): bigint => {
    let sum = 0n;
    let term = one / k;
    let n = 1n;
    let sign = 1n;
    while (term !== 0n) {
      sum += (sign * term) / n;
      term /= k * k;
      n += 2n;
      sign = -sign;
    }
    return sum;
  };
  const pi = 16n * atanInv(5n) - 4n * atanInv(239n);
  const t = (2n * one * one) / pi;
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(Number((t >> (P - 16n * BigInt(i + 1))) & 0xffffn));
  return out;
}

function bitLength(v: bigint): number {
  return v.toString(2).length;
}

/** num / den * 2^e2 (num, den > 0) rounded to the nearest double, ties to even. */
export function roundRational(num: bigint, den: bigint, e2: number): number {
  // q = floor(num * 2^s / den) with 53 bits (fewer for a subnormal); the result is q * 2^(e2 - s)
  const quotient = (s: number): [bigint, bigint, bigint] => {
    const n = s >= 0 ? num << BigInt(s) : num;
    const d = s >= 0 ? den : den << BigInt(-s);
    return [n / d, n % d, d];
  };
  let s = 53 - (bitLength(num) - bitLength(den));
  if (quotient(s)[0] >= 1n << 53n) s -= 1;
  if (e2 - s < -1074) s = e2 + 1074;
  const [q0, r, d] = quotient(s);
  let q = q0;
  if (2n * r > d || (2n * r === d && (q & 1n) === 1n)) q += 1n;
  return scaleExact(q, e2 - s);
}

function scaleExact(q: bigint, exp: number): number {
  if (q === 0n) return 0;
  if (bitLength(q) + exp > 1024) return Infinity;
  // q <= 2^53: exact as a Number; the scaling is exact for a representable result
  let v = Number(q);
  let e = exp;
  while (e > 0) {
    const k = Math.min(e, 1000);
    v *= 2 ** k;
    e -= k;
  }
  while (e < 0) {
    const k = Math.min(-e, 1000);
    v /= 2 ** k;
    e += k;
  }
  return v;
}

/** |x| = m * 2^e with m an integer (x finite, non-zero). */
export function decompose(x: number): [bigint, number] {
  F64[0] = Math.abs(x);
  const bits = I64[0]!;
  const be = Number((bits >> 52n) & 0x7ffn);
  const m = bits & 0xfffffffffffffn;
  return be === 0 ? [m, -1074] : [m | (1n << 52n), be - 1075];
}

/** x^n exactly rounded (x finite, non-zero; n an integer), for the powi reference. */
export function powExact(x: number, n: number): number {
  const [m, e] = decompose(x);
  const sign = x < 0 && Math.abs(n) % 2 === 1 ? -1 : 1;
  if (n === 0) return 1;
  const mn = m ** BigInt(Math.abs(n));
  const r = n > 0 ? roundRational(mn, 1n, e * n) : roundRational(1n, mn, e * n);
  return sign * r;
}

// Exact references in BigInt fixed point (PREC fraction bits): exp, log, sin, cos, atan of a double,
// for the error of the library against the true value (not against Math.*, which has its own).
const PREC = 320n;
const ONE = 1n << PREC;

/** atanh(1/k) * 2^PREC, k >= 2 (for ln2 = 2 atanh(1/3)). */
function atanhInv(k: bigint): bigint {
  let sum = 0n;
  let term = ONE / k;
  let n = 1n;
  while (term !== 0n) {
    sum += term / n;
    term /= k * k;
    n += 2n;
  }
  return sum;
}
const LN2_FIX = 2n * atanhInv(3n);

/** pi * 2^p by Machin's formula (cached per p). */
const piCache = new Map<bigint, bigint>();
function piFixed(p: bigint): bigint {
  const hit = piCache.get(p);
  if (hit !== undefined) return hit;
  const one = 1n << p;
  const at = (k: bigint): bigint => {
    let sum = 0n;
    let term = one / k;
    let n = 1n;
    let sign = 1n;
    while (term !== 0n) {
      sum += (sign * term) / n;
      term /= k * k;
      n += 2n;
      sign = -sign;
    }
    return sum;
  };
  const v = 16n * at(5n) - 4n * at(239n);
  piCache.set(p, v);
  return v;
}

const div = (a: bigint, b: bigint): bigint => (a >= 0n ? a / b : -((-a) / b));
const floorDiv = (a: bigint, b: bigint): bigint => (a >= 0n ? a / b : -((-a + b - 1n) / b));
/** x * 2^p rounded toward zero. */
function toFixed(x: number, p: bigint): bigint {
  const [m, e] = decompose(x);
  const s = BigInt(e) + p;
  const v = s >= 0n ? m << s : m >> -s;
  return x < 0 ? -v : v;
}
/** e^r * 2^PREC for |r| * 2^-PREC <= 1 (Taylor). */
function expSeries(r: bigint): bigint {
  let sum = ONE;
  let term = ONE;
  for (let n = 1n; ; n++) {
    term = div(term * r, n << PREC);
    if (term === 0n) break;
    sum += term;
  }
  return sum;
}
/** sin (odd) or cos of r * 2^-PREC, |r| <= pi/4 (Taylor). */
function trigSeries(r: bigint, odd: boolean): bigint {
  let term = odd ? r : ONE;
  let sum = term;
  const r2 = (r * r) >> PREC;
  for (let n = odd ? 2n : 1n; ; n += 2n) {
    term = -div(term * r2, (n * (n + 1n)) << PREC);
    if (term === 0n) break;
    sum += term;
  }
  return sum;
}

/** An exact value v * 2^-PREC * 2^scale, compared with a double: the error in ulps of the result. */
function ulpError(got: number, v: bigint, scale: number): number {
  if (!Number.isFinite(got)) return Infinity;
  // ulp of the exact value's binade (normal range)
  const av = v < 0n ? -v : v;
  const exp2 = av.toString(2).length - 1 - Number(PREC) + scale; // floor(log2 |value|)
  const ulpExp = Math.max(exp2 - 52, -1074);
  // (got - value) / 2^ulpExp, with got = m * 2^e exactly
  const [gm, ge] = got === 0 ? [0n, 0] : decompose(got);
  const g = got < 0 ? -gm : gm;
  const shift = BigInt(Number(PREC) - scale); // value = v * 2^-(PREC - scale)
  // bring both to the common exponent -(PREC - scale) + min(0, ...): use a large common scale
  const base = -Number(shift) < ge ? -Number(shift) : ge;
  const G = g << BigInt(ge - base);
  const V = v << BigInt(-Number(shift) - base);
  const d = G - V;
  const ad = d < 0n ? -d : d;
  // ad * 2^base / 2^ulpExp
  const k = base - ulpExp;
  return k >= 0 ? Number(ad << BigInt(k)) : Number(ad) / 2 ** -k;
}

/** Error of exp(x) = got in ulps (|x| < 709, the result normal). */
export function expErr(x: number, got: number): number {
  const X = toFixed(x, PREC);
  const k = floorDiv(X + LN2_FIX / 2n, LN2_FIX);
  const r = X - k * LN2_FIX;
  return ulpError(got, expSeries(r), Number(k));
}

/** Error of log(x) = got in ulps (x > 0 finite, x != 1). */
export function logErr(x: number, got: number): number {
  const [m, e] = decompose(x);
  // x = mant * 2^k with mant in [1, 2)
  const bits = m.toString(2).length;
  const k = e + bits - 1;
  const mant = (m << PREC) >> BigInt(bits - 1); // mant * 2^PREC
  // log(mant) = 2 atanh((mant - 1) / (mant + 1))
  const s = ((mant - ONE) << PREC) / (mant + ONE);
  const s2 = (s * s) >> PREC;
  let term = s;
  let sum = 0n;
  for (let n = 1n; term !== 0n; n += 2n) {
    sum += term / n;
    term = (term * s2) >> PREC;
  }
  return ulpError(got, 2n * sum + BigInt(k) * LN2_FIX, 0);
}

/** Error of sin(x) (odd) or cos(x) = got in ulps (x finite; the result not tiny). */
export function trigErr(x: number, got: number, odd: boolean): number {
  const [, e] = x === 0 ? [0n, 0] : decompose(x);
  const p = PREC + BigInt(Math.max(0, e + 60));
  const pi = piFixed(p + 2n);
  const halfPi = pi >> 3n; // (pi/2) * 2^p
  const X = toFixed(x, p);
  let n = floorDiv(X + halfPi / 2n, halfPi);
  let r = X - n * halfPi;
  if (r > halfPi / 2n) {
    r -= halfPi;
    n += 1n;
  } else if (r < -halfPi / 2n) {
    r += halfPi;
    n -= 1n;
  }
  const R = r >> (p - PREC);
  const q = Number(((n % 4n) + 4n) % 4n);
  const s = trigSeries(R, true);
  const c = trigSeries(R, false);
  const v = odd ? [s, c, -s, -c][q]! : [c, -s, -c, s][q]!;
  return ulpError(got, v, 0);
}
