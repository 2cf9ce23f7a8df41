// Trigonometry in FwTS: sin, cos, atan, atan2 and their f32 forms, bit-identical in Node and C
// (see math-exp.ts). sin and cos reduce x by pi/2 (math-pio2.ts: Cody-Waite, Payne-Hanek for huge
// |x|) and evaluate fdlibm's kernel polynomials on [-pi/4, pi/4]; atan reduces by the nearest of
// atan(1/2), atan(1), atan(3/2), atan(Inf) and evaluates fdlibm's odd polynomial.
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
import { u32, i32, f32, f64, f64hi, f64lo, abs, F64_NAN } from './prelude.ts';
import { remPio2, pio2Y0, pio2Y1 } from './math-pio2.ts';

// sin(x) ~ x + S1 x^3 + ... + S6 x^13 on [-pi/4, pi/4] (error < 2^-58)
const S1 = f64(-1.66666666666666324348e-01);
const S2 = f64(8.33333333332248946124e-03);
const S3 = f64(-1.98412698298579493134e-04);
const S4 = f64(2.75573137070700676789e-06);
const S5 = f64(-2.50507602534068634195e-08);
const S6 = f64(1.58969099521155010221e-10);
// cos(x) ~ 1 - x^2/2 + C1 x^4 + ... + C6 x^14 on [-pi/4, pi/4] (error < 2^-58)
const C1 = f64(4.16666666666666019037e-02);
const C2 = f64(-1.38888888888741095749e-03);
const C3 = f64(2.48015872894767294178e-05);
const C4 = f64(-2.75573143513906633035e-07);
const C5 = f64(2.08757232129817482790e-09);
const C6 = f64(-1.13596475577881948265e-11);

/** sin(x + y) for |x + y| <= pi/4, y a tail below x's last bit (0 when exact: withTail false). */
function kernelSin(x: f64, y: f64, withTail: boolean): f64 {
  const z = f64(x * x);
  const v = f64(z * x);
  const r = f64(S2 + z * (S3 + z * (S4 + z * (S5 + z * S6))));
  if (!withTail) return f64(x + v * (S1 + z * r));
  return f64(x - ((z * (0.5 * y - v * r) - y) - v * S1));
}

/** cos(x + y) for |x + y| <= pi/4 (1 - x^2/2 computed as w plus its rounding error). */
function kernelCos(x: f64, y: f64): f64 {
  const z = f64(x * x);
  const w = f64(z * z);
  const r = f64(z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6)));
  const hz = f64(0.5 * z);
  const one = f64(1 - hz);
  return f64(one + (((1 - one) - hz) + (z * r - x * y)));
}

/** sin(x); error below 1 ulp over the whole range. sin(+-Inf) = NaN, sin(-0) = -0. */
export function sin(x: f64): f64 {
  const ax = u32(f64hi(x) & 0x7fffffff);
  if (ax <= 0x3fe921fb) {
    // |x| <= pi/4 (about)
    if (ax < 0x3e500000) return x; // |x| < 2^-26: sin x = x to the last bit
    return kernelSin(x, f64(0), false);
  }
  if (ax >= 0x7ff00000) return F64_NAN;
  const n = remPio2(x);
  const y0 = pio2Y0();
  const y1 = pio2Y1();
  const q = u32(n & 3);
  if (q === 0) return kernelSin(y0, y1, true);
  if (q === 1) return kernelCos(y0, y1);
  if (q === 2) return f64(-kernelSin(y0, y1, true));
  return f64(-kernelCos(y0, y1));
}

/** cos(x); error below 1 ulp over the whole range. cos(+-Inf) = NaN. */
export function cos(x: f64): f64 {
  const ax = u32(f64hi(x) & 0x7fffffff);
  if (ax <= 0x3fe921fb) {
    if (ax < 0x3e46a09e) return f64(1); // |x| < 2^-27 * sqrt(2): cos x = 1 to the last bit
    return kernelCos(x, f64(0));
  }
  if (ax >= 0x7ff00000) return F64_NAN;
  const n = remPio2(x);
  const y0 = pio2Y0();
  const y1 = pio2Y1();
  const q = u32(n & 3);
  if (q === 0) return kernelCos(y0, y1);
  if (q === 1) return f64(-kernelSin(y0, y1, true));
  if (q === 2) return f64(-kernelCos(y0, y1));
  return kernelSin(y0, y1, true);
}

// atan(x) = atan(c) + atan((x - c) / (1 + x c)) for c = 1/2, 1, 3/2, Inf; hi + lo per c
const ATAN_HALF_HI = f64(4.63647609000806093515e-01);
const ATAN_HALF_LO = f64(2.26987774529616870924e-17);
const ATAN_ONE_HI = f64(7.85398163397448278999e-01);
const ATAN_ONE_LO = f64(3.06161699786838301793e-17);
const ATAN_3HALF_HI = f64(9.82793723247329054082e-01);
const ATAN_3HALF_LO = f64(1.39033110312309984516e-17);
const ATAN_INF_HI = f64(1.57079632679489655800e+00);
const ATAN_INF_LO = f64(6.12323399573676603587e-17);
// atan(t) ~ t - t^3 (AT0 + AT1 t^2 + ... + AT10 t^20) on |t| <= 7/16
const AT0 = f64(3.33333333333329318027e-01);
const AT1 = f64(-1.99999999998764832476e-01);
const AT2 = f64(1.42857142725034663711e-01);
const AT3 = f64(-1.11111104054623557880e-01);
const AT4 = f64(9.09088713343650656196e-02);
const AT5 = f64(-7.69187620504482999495e-02);
const AT6 = f64(6.66107313738753120669e-02);
const AT7 = f64(-5.83357013379057348645e-02);
const AT8 = f64(4.97687799461593236017e-02);
const AT9 = f64(-3.65315727442169155270e-02);
const AT10 = f64(1.62858201153657823623e-02);

/** t^3 (AT0 + ... + AT10 t^20), split in odd and even halves for a shorter dependency chain. */
function atanPoly(t: f64): f64 {
  const z = f64(t * t);
  const w = f64(z * z);
  const s1 = f64(z * (AT0 + w * (AT2 + w * (AT4 + w * (AT6 + w * (AT8 + w * AT10))))));
  const s2 = f64(w * (AT1 + w * (AT3 + w * (AT5 + w * (AT7 + w * AT9)))));
  return f64(t * (s1 + s2));
}

/** atan(x) in [-pi/2, pi/2]; within 1 ulp of Math.atan. atan(+-Inf) = +-pi/2. */
export function atan(x: f64): f64 {
  const hx = f64hi(x);
  const ax = u32(hx & 0x7fffffff);
  const neg = hx >= 0x80000000;
  if (x !== x) return x;
  if (ax >= 0x44100000) {
    // |x| >= 2^66: pi/2 to the last bit
    return neg ? f64(-ATAN_INF_HI - ATAN_INF_LO) : f64(ATAN_INF_HI + ATAN_INF_LO);
  }
  if (ax < 0x3fdc0000) {
    // |x| < 7/16
    if (ax < 0x3e400000) return x; // |x| < 2^-27
    return f64(x - atanPoly(x));
  }
  const a = abs(x);
  let hi = ATAN_INF_HI;
  let lo = ATAN_INF_LO;
  let t = f64(0);
  if (ax < 0x3fe60000) {
    // 7/16 <= |x| < 11/16
    hi = ATAN_HALF_HI;
    lo = ATAN_HALF_LO;
    t = f64((2 * a - 1) / (2 + a));
  } else if (ax < 0x3ff30000) {
    // 11/16 <= |x| < 19/16
    hi = ATAN_ONE_HI;
    lo = ATAN_ONE_LO;
    t = f64((a - 1) / (a + 1));
  } else if (ax < 0x40038000) {
    // 19/16 <= |x| < 39/16
    hi = ATAN_3HALF_HI;
    lo = ATAN_3HALF_LO;
    t = f64((a - 1.5) / (1 + 1.5 * a));
  } else {
    t = f64(-1 / a);
  }
  const r = f64(hi - ((atanPoly(t) - lo) - t));
  return neg ? f64(-r) : r;
}

const PI = f64(3.1415926535897931160e+00);
const PI_LO = f64(1.2246467991473531772e-16); // pi - PI
const PI_O_2 = f64(1.5707963267948965580e+00);
const PI_O_4 = f64(7.8539816339744827900e-01);

/** The angle of (x, y) in [-pi, pi]; within 1 ulp of Math.atan2. The signed zeros and infinities of C's
 * atan2 and Math.atan2 (atan2(+-0, -0) = +-pi, atan2(+-Inf, +-Inf) = +-pi/4 or +-3pi/4). */
export function atan2(y: f64, x: f64): f64 {
  if (x !== x || y !== y) return F64_NAN;
  const hx = f64hi(x);
  const lx = f64lo(x);
  const hy = f64hi(y);
  const ly = f64lo(y);
  const ix = u32(hx & 0x7fffffff);
  const iy = u32(hy & 0x7fffffff);
  if (hx === 0x3ff00000 && lx === 0) return atan(y); // x = 1
  const yNeg = hy >= 0x80000000;
  const xNeg = hx >= 0x80000000;
  if (iy === 0 && ly === 0) {
    // y = +-0: +-0 to the right, +-pi to the left (and for x = -0)
    if (!xNeg) return y;
    return yNeg ? f64(-PI) : PI;
  }
  if (ix === 0 && lx === 0) return yNeg ? f64(-PI_O_2) : PI_O_2;
  if (ix === 0x7ff00000) {
    let r = f64(0);
    if (iy === 0x7ff00000) r = xNeg ? f64(3 * PI_O_4) : PI_O_4;
    else r = xNeg ? PI : f64(0);
    return yNeg ? f64(-r) : r;
  }
  if (iy === 0x7ff00000) return yNeg ? f64(-PI_O_2) : PI_O_2;
  // |y/x| > 2^60: pi/2; left of the axis with |y/x| < 2^-60: pi
  const k = i32(i32(iy - ix) >> 20);
  let z = f64(0);
  let left = xNeg;
  if (k > 60) {
    z = f64(PI_O_2 + 0.5 * PI_LO);
    left = false;
  } else if (!(xNeg && k < -60)) {
    z = atan(abs(f64(y / x)));
  }
  if (!left) return yNeg ? f64(-z) : z;
  return yNeg ? f64((z - PI_LO) - PI) : f64(PI - (z - PI_LO));
}

// f32 forms: the f64 function of the exact widening, rounded once (see math-exp.ts).

/** sin in f32. */
export function sinf(x: f32): f32 {
  return f32(sin(f64(x)));
}
/** cos in f32. */
export function cosf(x: f32): f32 {
  return f32(cos(f64(x)));
}
/** atan in f32. */
export function atanf(x: f32): f32 {
  return f32(atan(f64(x)));
}
/** atan2 in f32. */
export function atan2f(y: f32, x: f32): f32 {
  return f32(atan2(f64(y), f64(x)));
}
