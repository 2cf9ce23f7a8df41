// Argument reduction for sin and cos: x = n * pi/2 + (y0 + y1), |y0 + y1| <= pi/4 (about),
// y0 + y1 a double-double. remPio2(x) returns n and leaves y0, y1 for pio2Y0()/pio2Y1().
//
// |x| < 2^20 * pi/2: Cody-Waite with pi/2 cut in three 33-bit pieces (fdlibm's constants; each
// n * piece is exact), a further piece only when the first ones cancelled.
// Larger |x|: Payne-Hanek in 16-bit integer limbs. x = m * 2^E (m a 53-bit integer) times a
// 208-bit window of the bits of 2/pi (the bits before the window only add multiples of 4 to
// x * 2/pi, those after it less than 2^-139): the product's integer part mod 4 is n, its top
// 96 fraction bits, times pi/2, are y0 + y1. The closest a double comes to a multiple of pi/2 is
// about 2^-61 * x's magnitude scale, so 192 fraction bits leave 70 bits and more for y0 + y1.
import { u16, u32, i32, mul32, f64, f64hi, f64lo, f64frombits } from './prelude.ts';
import { mulError } from './math-exp.ts';

const INV_PIO2 = f64(6.36619772367581382433e-01);
const PIO2_1 = f64(1.57079632673412561417e+00); // the first 33 bits of pi/2
const PIO2_1T = f64(6.07710050650619224932e-11); // pi/2 - PIO2_1
const PIO2_2 = f64(6.07710050630396597660e-11); // the next 33 bits
const PIO2_2T = f64(2.02226624879595063154e-21); // pi/2 - (PIO2_1 + PIO2_2)
const PIO2_3 = f64(2.02226624871116645580e-21); // the next 33 bits
const PIO2_3T = f64(8.47842766036889956997e-32); // pi/2 - (PIO2_1 + PIO2_2 + PIO2_3)
const PIO2_HI = f64(1.57079632679489655800e+00); // pi/2 rounded
const PIO2_LO = f64(6.12323399573676603587e-17); // pi/2 - PIO2_HI
const TOINT = f64(6755399441055744); // 1.5 * 2^52: (v + TOINT) - TOINT rounds v to an integer

// The bits of 2/pi after the binary point, 16 to an entry, most significant first (1216 bits:
// the window starts at bit E - 15 <= 956 for E <= 971, the largest double's exponent).
// test/unit/math.test.ts recomputes them with BigInt.
export const TWO_OVER_PI: readonly u16[] = [
  u16(0xa2f9), u16(0x836e), u16(0x4e44), u16(0x1529), u16(0xfc27), u16(0x57d1), u16(0xf534), u16(0xddc0),
  u16(0xdb62), u16(0x9599), u16(0x3c43), u16(0x9041), u16(0xfe51), u16(0x63ab), u16(0xdebb), u16(0xc561),
  u16(0xb724), u16(0x6e3a), u16(0x424d), u16(0xd2e0), u16(0x0649), u16(0x2eea), u16(0x09d1), u16(0x921c),
  u16(0xfe1d), u16(0xeb1c), u16(0xb129), u16(0xa73e), u16(0xe882), u16(0x35f5), u16(0x2ebb), u16(0x4484),
  u16(0xe99c), u16(0x7026), u16(0xb45f), u16(0x7e41), u16(0x3991), u16(0xd639), u16(0x8353), u16(0x39f4),
  u16(0x9c84), u16(0x5f8b), u16(0xbdf9), u16(0x283b), u16(0x1ff8), u16(0x97ff), u16(0xde05), u16(0x980f),
  u16(0xef2f), u16(0x118b), u16(0x5a0a), u16(0x6d1f), u16(0x6d36), u16(0x7ecf), u16(0x27cb), u16(0x09b7),
  u16(0x4f46), u16(0x3f66), u16(0x9e5f), u16(0xea2d), u16(0x7527), u16(0xbac7), u16(0xebe5), u16(0xf17b),
  u16(0x3d07), u16(0x39f7), u16(0x8a52), u16(0x92ea), u16(0x6bfb), u16(0x5fb1), u16(0x1f8d), u16(0x5d08),
  u16(0x5603), u16(0x3046), u16(0xfc7b), u16(0x6bab),
];

// Scratch limbs (16 bits each in a u32): the mantissa and the window least significant first, the
// product (17 limbs: the binary point is between limbs 11 and 12) and the fraction most
// significant first.
const MANT: u32[] = [u32(0), u32(0), u32(0), u32(0)];
const WIN: u32[] = [u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0)];
const PROD: u32[] = [
  u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0),
];
const FRAC: u32[] = [u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0), u32(0)];

let y0 = f64(0);
let y1 = f64(0);

/** The head of the last remPio2's remainder. */
export function pio2Y0(): f64 {
  return y0;
}
/** The tail of the last remPio2's remainder (y0 + y1 is the remainder to ~2^-100). */
export function pio2Y1(): f64 {
  return y1;
}

/** Biased exponent of v. */
function expOf(v: f64): u32 {
  return u32(u32(f64hi(v) >>> 20) & 0x7ff);
}

/** n with x - n * pi/2 = y0 + y1 (see pio2Y0), for finite x. */
export function remPio2(x: f64): i32 {
  const hx = f64hi(x);
  const ax = u32(hx & 0x7fffffff);
  if (ax < 0x413921fb) return medium(x, u32(ax >>> 20)); // |x| < 2^20 * pi/2
  const n = large(ax, f64lo(x));
  if (hx >= 0x80000000) {
    y0 = f64(-y0);
    y1 = f64(-y1);
    return i32(-n);
  }
  return n;
}

function medium(x: f64, ex: u32): i32 {
  const fn = f64(f64(x * INV_PIO2 + TOINT) - TOINT);
  let r = f64(x - fn * PIO2_1);
  let w = f64(fn * PIO2_1T);
  let y = f64(r - w);
  if (i32(ex - expOf(y)) > 16) {
    // r lost more than 16 bits to cancellation: take the next piece of pi/2 too
    let t = r;
    w = f64(fn * PIO2_2);
    r = f64(t - w);
    w = f64(fn * PIO2_2T - ((t - r) - w));
    y = f64(r - w);
    if (i32(ex - expOf(y)) > 49) {
      t = r;
      w = f64(fn * PIO2_3);
      r = f64(t - w);
      w = f64(fn * PIO2_3T - ((t - r) - w));
      y = f64(r - w);
    }
  }
  y0 = y;
  y1 = f64((r - y) - w);
  return i32(fn);
}

/** Entry i of 2/pi's 16-bit limbs with four zero limbs in front (the window may start before
 * the binary point), zero past the end. */
function piLimb(i: u32): u32 {
  if (i < 4) return u32(0);
  const j = u32(i - 4);
  return j < TWO_OVER_PI.length ? u32(TWO_OVER_PI[j]) : u32(0);
}

/** Payne-Hanek for |x| = (ax, lx) >= 2^20 * pi/2, finite; the remainder of |x|. */
function large(ax: u32, lx: u32): i32 {
  // |x| = m * 2^e, m = (ax's 20 bits | the hidden bit) * 2^32 + lx, e in [-32, 971]
  const e = i32(i32(ax >>> 20) - 1075);
  const mh = u32(u32(ax & 0x000fffff) | 0x00100000);
  MANT[0] = u32(lx & 0xffff);
  MANT[1] = u32(lx >>> 16);
  MANT[2] = u32(mh & 0xffff);
  MANT[3] = u32(mh >>> 16);
  // Window bit k (k = 0 the most significant) is bit e - 15 + k of 2/pi (bit 1 the first after the
  // point); bit b sits in piLimb((b - 1 + 64) >> 4) at (b - 1 + 64) & 15 from its top.
  for (let j = u32(0); j < WIN.length; j++) {
    const p = u32(e - 15 + 16 * (12 - j) - 1 + 64);
    const a = u32(p >>> 4);
    const o = u32(p & 15);
    const pair = u32(u32(piLimb(a) << 16) | piLimb(u32(a + 1)));
    WIN[j] = u32(u32(pair >>> (16 - o)) & 0xffff);
  }
  // PROD = MANT * WIN, schoolbook: every step's t <= (2^16 - 1)^2 + 2 * (2^16 - 1) < 2^32.
  for (let k = u32(0); k < PROD.length; k++) PROD[k] = u32(0);
  for (let i = u32(0); i < MANT.length; i++) {
    let carry = u32(0);
    for (let j = u32(0); j < WIN.length; j++) {
      const k = u32(i + j);
      if (k < PROD.length) {
        const t = u32(PROD[k] + mul32(MANT[i], WIN[j]) + carry);
        PROD[k] = u32(t & 0xffff);
        carry = u32(t >>> 16);
      }
    }
    const top = u32(i + 13);
    if (top < PROD.length) PROD[top] = carry;
  }
  // x * 2/pi = PROD * 2^-192: n is PROD's bits 192 and 193, the fraction its limbs 11 down to 0.
  let n = i32(u32(PROD[12] & 3));
  for (let k = u32(0); k < FRAC.length; k++) {
    const s = u32(11 - k);
    FRAC[k] = s < PROD.length ? PROD[s] : u32(0);
  }
  let negative = false;
  if (FRAC[0] >= 0x8000) {
    // fraction >= 1/2: round n up, the remainder is -(1 - fraction)
    n = i32(n + 1);
    negative = true;
    let carry = u32(1);
    for (let k = u32(FRAC.length); k > 0; k--) {
      const idx = u32(k - 1);
      if (idx < FRAC.length) {
        const t = u32(u32(u32(~FRAC[idx]) & 0xffff) + carry);
        FRAC[idx] = u32(t & 0xffff);
        carry = u32(t >>> 16);
      }
    }
  }
  // The first non-zero limb z, then 96 bits from it as hi + lo, times pi/2.
  let z = u32(0);
  while (z < FRAC.length) {
    if (FRAC[z] !== 0) break;
    z = u32(z + 1);
  }
  if (z >= FRAC.length) {
    y0 = f64(0);
    y1 = f64(0);
    return i32(n & 3);
  }
  const a = f64(u32(u32(fracLimb(z) << 16) | fracLimb(u32(z + 1))));
  const b = f64(u32(u32(fracLimb(u32(z + 2)) << 16) | fracLimb(u32(z + 3))));
  const c = f64(u32(u32(fracLimb(u32(z + 4)) << 16) | fracLimb(u32(z + 5))));
  const A = f64(a * 2.3283064365386963e-10); // 2^-32: exact
  const B = f64(b * 5.421010862427522e-20); // 2^-64
  const C = f64(c * 1.2621774483536189e-29); // 2^-96
  const fh = f64(A + B);
  const fl = f64(((A - fh) + B) + C); // A - fh and then + B are exact (Fast2Sum)
  const p = f64(fh * PIO2_HI);
  const q = f64(mulError(fh, PIO2_HI, p) + (fh * PIO2_LO + fl * PIO2_HI));
  const h = f64(p + q);
  const l = f64(q - (h - p));
  // scale by 2^(-16 z): z <= 11, so 2^-176 at least, and h >= 2^-17: no underflow
  const scale = f64frombits(u32(u32(1023 - 16 * z) << 20), u32(0));
  y0 = negative ? f64(-h * scale) : f64(h * scale);
  y1 = negative ? f64(-l * scale) : f64(l * scale);
  return i32(n & 3);
}

/** FRAC[i], zero past the end. */
function fracLimb(i: u32): u32 {
  return i < FRAC.length ? FRAC[i] : u32(0);
}
