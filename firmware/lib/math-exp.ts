// Exponentials and logarithms in FwTS: exp, expm1, exp2, log, log2, powi, tanh, sigmoid, ldexp,
// and their f32 forms (the f64 function on the widened argument, rounded once with f32()).
//
// Written in FwTS itself, from + - * / and the bit casts only, so Node and the generated C compute
// the same bits (no Math.*, no libm). The methods are fdlibm's (argument reduction by Cody-Waite
// with ln2 split in two, fdlibm's minimax coefficients); their error against Node's Math.* is
// measured by test/unit/math.test.ts and tabled in docs/fwts.md ("Math"). Trigonometry is in
// math-trig.ts.
//
// The coefficients and the reduction schemes follow fdlibm:
// ====================================================
// Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//
// Developed at SunPro, a Sun Microsystems, Inc. business.
// Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice
// is preserved.
// ====================================================
import { u32, i32, f32, f64, f64hi, f64lo, f64frombits, abs, F64_NAN, F64_INFINITY } from './prelude.ts';

const LN2_HI = f64(6.93147180369123816490e-01); // ln2 to 32 bits: k * LN2_HI is exact for |k| < 2^21
const LN2_LO = f64(1.90821492927058770002e-10); // ln2 - LN2_HI
const LN2 = f64(6.93147180559945286227e-01);
const LN2_TAIL = f64(2.319046813846299558e-17); // ln2 - LN2
const INV_LN2 = f64(1.44269504088896338700e+00);
const E = f64(2.718281828459045); // e rounded, Math.E
const EXP_OVER = f64(7.09782712893383973096e+02); // exp(x) overflows above
const EXP_UNDER = f64(-7.45133219101941108420e+02); // exp(x) rounds to 0 below
// exp(r) = 1 + r + r*c/(2 - c), c = r - r^2 * P(r^2) on |r| <= ln2/2 (fdlibm, error < 2^-59)
const P1 = f64(1.66666666666666019037e-01);
const P2 = f64(-2.77777777770155933842e-03);
const P3 = f64(6.61375632143793436117e-05);
const P4 = f64(-1.65339022054652515390e-06);
const P5 = f64(4.13813679705723846039e-08);
const SPLIT = f64(134217729); // 2^27 + 1, Veltkamp's splitter

/** 2^k as an f64 for -1022 <= k <= 1023 (built from its exponent field). */
function pow2(k: i32): f64 {
  return f64frombits(u32(u32(k + 1023) << 20), u32(0));
}

/** x * 2^n with one rounding (C's scalbn): intermediate steps stay normal, so a subnormal result
 * is rounded once, by the last multiplication. */
export function ldexp(x: f64, n: i32): f64 {
  let y = x;
  let k = n;
  if (k > 1023) {
    y = f64(y * pow2(i32(1023)));
    k = i32(k - 1023);
    if (k > 1023) {
      y = f64(y * pow2(i32(1023)));
      k = i32(k - 1023);
      if (k > 1023) k = i32(1023);
    }
  } else if (k < -1022) {
    // 2^-969 = 2^-1022 * 2^53: y stays normal until the last step.
    y = f64(y * pow2(i32(-969)));
    k = i32(k + 969);
    if (k < -1022) {
      y = f64(y * pow2(i32(-969)));
      k = i32(k + 969);
      if (k < -1022) k = i32(-1022);
    }
  }
  return f64(y * pow2(k));
}

/** a * b - p exactly, where p is the rounded a * b (Dekker's product; |a|, |b| < 2^995). */
export function mulError(a: f64, b: f64, p: f64): f64 {
  const ca = f64(SPLIT * a);
  const ah = f64(ca - (ca - a));
  const al = f64(a - ah);
  const cb = f64(SPLIT * b);
  const bh = f64(cb - (cb - b));
  const bl = f64(b - bh);
  return f64(((ah * bh - p) + ah * bl + al * bh) + al * bl);
}

/** e^(hi - lo) * 2^k for |hi - lo| <= ln2/2, lo a correction far below hi's last bit. */
function expKernel(hi: f64, lo: f64, k: i32): f64 {
  const r = f64(hi - lo);
  const t = f64(r * r);
  const c = f64(r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5)))));
  const y = f64(1 - ((lo - (r * c) / (2 - c)) - hi));
  return k === 0 ? y : ldexp(y, k);
}

/** e^x; error below 1 ulp. exp(NaN) = NaN, exp(+Inf) = +Inf, exp(-Inf) = 0. */
export function exp(x: f64): f64 {
  const hx = f64hi(x);
  const ax = u32(hx & 0x7fffffff);
  const neg = hx >= 0x80000000;
  if (ax >= 0x40862e42) {
    // |x| >= 709.78: overflow, underflow, or not finite
    if (x !== x) return x;
    if (ax >= 0x7ff00000) return neg ? f64(0) : x;
    if (x > EXP_OVER) return F64_INFINITY;
    if (x < EXP_UNDER) return f64(0);
  }
  if (ax < 0x3e300000) return f64(1 + x); // |x| < 2^-28
  if (ax <= 0x3fd62e42) return expKernel(x, f64(0), i32(0)); // |x| <= ln2/2
  if (x === 1) return E; // the reduction below gets e's last bit wrong
  // x = k ln2 + r, k the nearest integer (truncation of x/ln2 +- 1/2), r = hi - lo.
  const k = i32(f64(INV_LN2 * x + (neg ? f64(-0.5) : f64(0.5))));
  const t = f64(k);
  return expKernel(f64(x - t * LN2_HI), f64(t * LN2_LO), k);
}

// expm1's rational form: Q1..Q5 scaled by 2^i for R(2z), z = x^2/2 (fdlibm, error < 2^-61)
const Q1 = f64(-3.33333333333331316428e-02);
const Q2 = f64(1.58730158725481460165e-03);
const Q3 = f64(-7.93650757867487942473e-05);
const Q4 = f64(4.00821782732936239552e-06);
const Q5 = f64(-2.01099218183624371326e-07);

/** e^x - 1, accurate near 0; within 1 ulp of Math.expm1 (docs/fwts.md, Math). expm1(-Inf) = -1. */
export function expm1(x: f64): f64 {
  const hx = f64hi(x);
  const ax = u32(hx & 0x7fffffff);
  const neg = hx >= 0x80000000;
  if (ax >= 0x4043687a) {
    // |x| >= 56 ln2: e^x - 1 is e^x, or -1 below -56 ln2
    if (x !== x) return x;
    if (ax >= 0x7ff00000) return neg ? f64(-1) : x;
    if (x > EXP_OVER) return F64_INFINITY;
    if (neg) return f64(-1);
  }
  if (ax < 0x3c900000) return x; // |x| < 2^-54
  let k = i32(0);
  let r = x;
  let c = f64(0); // the rounding error of r = hi - lo
  if (ax > 0x3fd62e42) {
    k = i32(f64(INV_LN2 * x + (neg ? f64(-0.5) : f64(0.5))));
    const t = f64(k);
    const hi = f64(x - t * LN2_HI);
    const lo = f64(t * LN2_LO);
    r = f64(hi - lo);
    c = f64((hi - r) - lo);
  }
  const hfx = f64(0.5 * r);
  const hxs = f64(r * hfx);
  const r1 = f64(1 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5)))));
  const t3 = f64(3 - r1 * hfx);
  let e = f64(hxs * ((r1 - t3) / (6 - r * t3)));
  if (k === 0) return f64(r - (r * e - hxs));
  e = f64(r * (e - c) - c);
  e = f64(e - hxs);
  if (k === -1) return f64(0.5 * (r - e) - 0.5);
  if (k === 1) return r < -0.25 ? f64(-2 * (e - (r + 0.5))) : f64(1 + 2 * (r - e));
  if (k <= -2 || k > 56) return f64(ldexp(f64(1 - (e - r)), k) - 1);
  if (k < 20) {
    const t = f64frombits(u32(0x3ff00000 - u32(0x200000 >>> k)), u32(0)); // 1 - 2^-k
    return f64(f64(t - (e - r)) * pow2(k));
  }
  const t = pow2(i32(-k));
  return f64(f64(f64(r - (e + t)) + 1) * pow2(k));
}

/** 2^x; within 1 ulp of 2 ** x, exact for integer x. */
export function exp2(x: f64): f64 {
  const hx = f64hi(x);
  const ax = u32(hx & 0x7fffffff);
  if (ax >= 0x40900000) {
    // |x| >= 1024 or not finite
    if (x !== x) return x;
    if (ax >= 0x7ff00000) return hx >= 0x80000000 ? f64(0) : x;
    if (x >= 1024) return F64_INFINITY;
    if (x <= -1075) return f64(0); // 2^-1075 is the tie between 0 and the least subnormal: even
  }
  if (ax < 0x3c900000) return f64(1 + x); // |x| < 2^-54
  // x = k + r, k the nearest integer (the 1.5 * 2^52 trick rounds to nearest even), |r| <= 1/2 exact;
  // r * ln2 as hi + e with e the error of the product, so the kernel sees it to ~2^-100.
  const kf = f64(f64(x + 6755399441055744) - 6755399441055744);
  const r = f64(x - kf);
  const hi = f64(r * LN2);
  const e = f64(mulError(r, LN2, hi) + r * LN2_TAIL);
  return expKernel(hi, f64(-e), i32(kf));
}

// log(1 + f) = f - f^2/2 + s * (f^2/2 + R(s^2)), s = f / (2 + f) (fdlibm, error < 2^-58.45)
const LG1 = f64(6.666666666666735130e-01);
const LG2 = f64(3.999999999940941908e-01);
const LG3 = f64(2.857142874366239149e-01);
const LG4 = f64(2.222219843214978396e-01);
const LG5 = f64(1.818357216161805012e-01);
const LG6 = f64(1.531383769920937332e-01);
const LG7 = f64(1.479819860511658591e-01);
const TWO54 = f64(18014398509481984);

// logReduce(x) sets these: x = 2^logK * (1 + logF), sqrt(2)/2 < 1 + logF < sqrt(2); logM is the
// top 20 mantissa bits of x before the reduction (fdlibm picks the polynomial form by them).
let logK = i32(0);
let logF = f64(0);
let logM = u32(0);

/** Reduces a positive finite x for log and log2 (subnormals scaled by 2^54 first). */
function logReduce(x: f64): void {
  let v = x;
  let k = i32(0);
  let hx = f64hi(v);
  if (hx < 0x00100000) {
    k = i32(-54);
    v = f64(v * TWO54);
    hx = f64hi(v);
  }
  k = i32(k + i32((hx >>> 20) - 1023));
  const m = u32(hx & 0x000fffff);
  // i is 0x100000 when the mantissa is above ~sqrt(2): then halve it and count one more power
  const i = u32(u32(m + 0x95f64) & 0x100000);
  v = f64frombits(u32(m | (i ^ 0x3ff00000)), f64lo(v));
  logK = i32(k + i32(i >>> 20));
  logF = f64(v - 1);
  logM = m;
}

/** R(s^2) of the log(1 + f) form, s = f / (2 + f). */
function logPoly(s: f64): f64 {
  const z = f64(s * s);
  const w = f64(z * z);
  const t1 = f64(w * (LG2 + w * (LG4 + w * LG6)));
  const t2 = f64(z * (LG1 + w * (LG3 + w * (LG5 + w * LG7))));
  return f64(t2 + t1);
}

/** Not finite, zero or negative: the result for log and log2 (else NaN, meaning "none"). */
function logSpecial(x: f64): f64 {
  if (x !== x) return x;
  if (x === 0) return f64(-F64_INFINITY);
  if (x < 0) return F64_NAN;
  return x; // +Inf
}

/** Natural logarithm; error below 1 ulp. log(0) = -Inf, log(x < 0) = NaN. */
export function log(x: f64): f64 {
  if (!(x > 0) || f64hi(x) >= 0x7ff00000) return logSpecial(x);
  logReduce(x);
  const k = logK;
  const f = logF;
  const m = logM;
  const dk = f64(k);
  if (m === 0 || m >= 0xffffe) {
    // |f| < 2^-20
    if (f === 0) return k === 0 ? f64(0) : f64(dk * LN2_HI + dk * LN2_LO);
    const r = f64(f * f * (0.5 - 0.33333333333333333 * f));
    return k === 0 ? f64(f - r) : f64(dk * LN2_HI - ((r - dk * LN2_LO) - f));
  }
  const s = f64(f / (2 + f));
  const r = logPoly(s);
  if (m >= 0x6147a && m <= 0x6b851) {
    // f near its ends: the f^2/2 form keeps the accuracy
    const hfsq = f64(0.5 * f * f);
    if (k === 0) return f64(f - (hfsq - s * (hfsq + r)));
    return f64(dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f));
  }
  if (k === 0) return f64(f - s * (f - r));
  return f64(dk * LN2_HI - ((s * (f - r) - dk * LN2_LO) - f));
}

const IVLN2_HI = f64(1.44269504072144627571e+00); // 1/ln2 to 33 bits
const IVLN2_LO = f64(1.67517131648865118353e-10); // 1/ln2 - IVLN2_HI

/** Base-2 logarithm; within 1 ulp of Math.log2, exact for powers of two. */
export function log2(x: f64): f64 {
  if (!(x > 0) || f64hi(x) >= 0x7ff00000) return logSpecial(x);
  logReduce(x);
  const f = logF;
  const dk = f64(logK);
  if (f === 0) return dk;
  // log(1 + f) = hi + lo with hi = f - f^2/2 cut to 20 bits, so hi * IVLN2_HI is exact.
  const hfsq = f64(0.5 * f * f);
  const s = f64(f / (2 + f));
  const r = f64(s * (hfsq + logPoly(s)));
  const hi = f64frombits(f64hi(f64(f - hfsq)), u32(0));
  const lo = f64(((f - hi) - hfsq) + r);
  const valHi = f64(hi * IVLN2_HI);
  const valLo = f64((lo + hi) * IVLN2_LO + lo * IVLN2_HI);
  // k + valHi + valLo, adding the larger two first and keeping their rounding error
  const w = f64(dk + valHi);
  return f64((valLo + ((dk - w) + valHi)) + w);
}

/** tanh(x); within 1 ulp of Math.tanh. tanh(+-Inf) = +-1. */
export function tanh(x: f64): f64 {
  const hx = f64hi(x);
  const ax = u32(hx & 0x7fffffff);
  const neg = hx >= 0x80000000;
  if (x !== x) return x;
  let z = f64(1); // |x| >= 22: 1 to the last bit
  if (ax < 0x40360000) {
    if (ax < 0x3c800000) return f64(x * (1 + x)); // |x| < 2^-55: x itself
    const a = abs(x);
    if (ax >= 0x3ff00000) {
      const t = expm1(f64(a + a));
      z = f64(1 - 2 / (t + 2));
    } else {
      const t = expm1(f64(-2 * a));
      z = f64(-t / (t + 2));
    }
  }
  return neg ? f64(-z) : z;
}

/** The logistic function 1 / (1 + e^-x), without overflow for large |x|; sigmoid(-Inf) = 0. */
export function sigmoid(x: f64): f64 {
  if (x >= 0) return f64(1 / (1 + exp(f64(-x))));
  const e = exp(x);
  return f64(e / (1 + e));
}

// powi's running values: mantissas in [1, 2) as double-double (h + l) with an f64 exponent.
let accH = f64(1);
let accL = f64(0);
let accE = f64(0);
let sqH = f64(1);
let sqL = f64(0);
let sqE = f64(0);

/** acc *= sq, renormalised to [1, 2) (both factors are in [1, 2), so the product is in [1, 4)). */
function accTimesSq(): void {
  const p = f64(accH * sqH);
  const q = f64(mulError(accH, sqH, p) + (accH * sqL + accL * sqH));
  let h = f64(p + q);
  let l = f64(q - (h - p));
  let e = f64(accE + sqE);
  if (h >= 2) {
    h = f64(h * 0.5);
    l = f64(l * 0.5);
    e = f64(e + 1);
  }
  accH = h;
  accL = l;
  accE = e;
}

/** sq *= sq, renormalised to [1, 2). */
function squareSq(): void {
  const p = f64(sqH * sqH);
  const q = f64(mulError(sqH, sqH, p) + 2 * (sqH * sqL));
  let h = f64(p + q);
  let l = f64(q - (h - p));
  let e = f64(sqE + sqE);
  if (h >= 2) {
    h = f64(h * 0.5);
    l = f64(l * 0.5);
    e = f64(e + 1);
  }
  sqH = h;
  sqL = l;
  sqE = e;
}

/** x^n for an integer n, by squaring in double-double (about 100 bits) with the exponent kept
 * apart, so no intermediate overflows and the result is rounded once or twice: exactly rounded
 * on every normal result test/unit/math.test.ts checks (|n| <= 64), subnormal results may be 1 ulp
 * off (the mantissa rounded, then the scaling). powi(x, 0) = 1 for every x
 * (NaN too, as Math.pow); the signs and infinities of Math.pow(x, n) otherwise. */
export function powi(x: f64, n: i32): f64 {
  if (n === 0) return f64(1);
  if (x !== x) return x;
  const hx = f64hi(x);
  const lx = f64lo(x);
  const ax = u32(hx & 0x7fffffff);
  const negative = hx >= 0x80000000 && u32(n & 1) === 1;
  if (ax >= 0x7ff00000 || (ax === 0 && lx === 0)) {
    // +-Inf or +-0: the magnitude is Inf or 0, the sign is x's when n is odd
    const big = ax >= 0x7ff00000 ? n > 0 : n < 0;
    const m = big ? F64_INFINITY : f64(0);
    return negative ? f64(-m) : m;
  }
  // |x| = mant * 2^e, mant in [1, 2)
  let hm = ax;
  let lm = lx;
  let e = i32(0);
  if (ax < 0x00100000) {
    const s = f64(f64frombits(ax, lx) * TWO54);
    hm = f64hi(s);
    lm = f64lo(s);
    e = i32(-54);
  }
  e = i32(e + i32((hm >>> 20) - 1023));
  accH = f64(1);
  accL = f64(0);
  accE = f64(0);
  sqH = f64frombits(u32(u32(hm & 0x000fffff) | 0x3ff00000), lm);
  sqL = f64(0);
  sqE = f64(0);
  let k = n < 0 ? u32(-n) : u32(n); // |n|, 2^31 for INT32_MIN
  const absN = f64(k);
  while (k !== 0) {
    if (u32(k & 1) !== 0) accTimesSq();
    k = u32(k >>> 1);
    if (k !== 0) squareSq();
  }
  // |x|^|n| = (accH + accL) * 2^(accE + e * |n|)
  let h = accH;
  let l = accL;
  let scale = f64(accE + f64(e) * absN);
  if (n < 0) {
    // 1 / (h + l) as a double-double: q0 plus the correction of its residual
    const q0 = f64(1 / h);
    const p = f64(h * q0);
    const residual = f64(((1 - p) - mulError(h, q0, p)) - l * q0);
    l = f64(residual / h);
    h = q0;
    scale = f64(-scale);
  }
  let m = F64_INFINITY;
  if (scale < -1200) m = f64(0);
  else if (scale <= 1100) m = ldexp(f64(h + l), i32(scale));
  return negative ? f64(-m) : m;
}

// f32 forms: the f64 function of the exact widening, rounded once. Both steps are the same in
// Node and C, so these are bit-identical too; the double rounding costs at most a tie case.

/** e^x in f32. */
export function expf(x: f32): f32 {
  return f32(exp(f64(x)));
}
/** e^x - 1 in f32. */
export function expm1f(x: f32): f32 {
  return f32(expm1(f64(x)));
}
/** 2^x in f32. */
export function exp2f(x: f32): f32 {
  return f32(exp2(f64(x)));
}
/** Natural logarithm in f32. */
export function logf(x: f32): f32 {
  return f32(log(f64(x)));
}
/** Base-2 logarithm in f32. */
export function log2f(x: f32): f32 {
  return f32(log2(f64(x)));
}
/** tanh in f32. */
export function tanhf(x: f32): f32 {
  return f32(tanh(f64(x)));
}
/** The logistic function in f32. */
export function sigmoidf(x: f32): f32 {
  return f32(sigmoid(f64(x)));
}
/** x^n in f32. */
export function powif(x: f32, n: i32): f32 {
  return f32(powi(f64(x), n));
}
