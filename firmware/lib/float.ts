// FwTS floating point: IEEE 754 binary32 (f32) and binary64 (f64), bit-identical in Node and C.
//
// Part of the prelude (prelude.ts re-exports it; codegen never lowers it: every export maps to a
// helper or a C operator of codegen/runtime/fw_rt.h). Node computes in double, so an f32 value is
// a double that Math.fround left exact; the result of an f32 `+ - * /` must be wrapped with
// f32(...) before it is used (one operation at a time, double rounding is then innocuous: 53 >=
// 2 * 24 + 2). Every helper here is exact (correctly rounded or exact by definition) in both
// worlds; NaN payloads and signs differ between CPUs, so no helper lets them be observed: the bit
// casts canonicalise NaN and copysign reads a NaN sign as positive. See docs/fwts.md, "Floats".

import type { u32 } from './prelude.ts';

declare const F32: unique symbol;
declare const F64: unique symbol;

/** An IEEE binary32 value (C `float`). In Node a double that Math.fround leaves unchanged. */
export type f32 = number & { readonly [F32]: true };
/** An IEEE binary64 value (C `double`). */
export type f64 = number & { readonly [F64]: true };

// lib.fw.d.ts hides Math's float functions and the typed arrays from FwTS code (the checker
// rejects Math.* there); the prelude reaches them through these typed views of the real globals.
interface FloatMath {
  fround(x: number): number;
  sqrt(x: number): number;
  abs(x: number): number;
  floor(x: number): number;
  ceil(x: number): number;
  trunc(x: number): number;
  round(x: number): number;
  min(a: number, b: number): number;
  max(a: number, b: number): number;
}
interface NumArray { [i: number]: number }
interface FloatGlobals {
  Math: FloatMath;
  Float32Array: new (buffer: unknown) => NumArray;
  Float64Array: new (buffer: unknown) => NumArray;
  Uint32Array: new (buffer: unknown) => NumArray;
  ArrayBuffer: new (length: number) => unknown;
}
const G = globalThis as unknown as FloatGlobals;
const M = G.Math;

/** x rounded to the nearest f32 (ties to even): C `(float)x`. Exact for an f32 argument. */
export const f32 = (x: number): f32 => M.fround(x) as f32;
/** x as an f64: exact for an f32, an integer of any declared width, or a literal. */
export const f64 = (x: number): f64 => x as f64;

/** Quiet NaN and +Infinity (C: fw_f64_nan() ..., never 0.0 / 0.0). Negate for -Infinity. */
export const F64_NAN = (0 / 0) as f64;
export const F64_INFINITY = (1 / 0) as f64;
export const F32_NAN = (0 / 0) as f32;
export const F32_INFINITY = (1 / 0) as f32;

/** Correctly rounded square root; NaN for x < 0 (C sqrt / sqrtf). */
export const sqrt = (x: f64): f64 => M.sqrt(x) as f64;
export const sqrtf = (x: f32): f32 => M.fround(M.sqrt(x)) as f32;
/** |x| (clears the sign, also of -0). */
export const abs = (x: f64): f64 => M.abs(x) as f64;
export const absf = (x: f32): f32 => M.abs(x) as f32;
/** Rounding to an integer value, as Math.floor / ceil / trunc (-0 kept: floor(-0.5) is -1, ceil(-0.5) is -0). */
export const floor = (x: f64): f64 => M.floor(x) as f64;
export const floorf = (x: f32): f32 => M.floor(x) as f32;
export const ceil = (x: f64): f64 => M.ceil(x) as f64;
export const ceilf = (x: f32): f32 => M.ceil(x) as f32;
export const trunc = (x: f64): f64 => M.trunc(x) as f64;
export const truncf = (x: f32): f32 => M.trunc(x) as f32;
/** JavaScript's Math.round: the nearest integer, ties toward +Infinity (round(2.5) = 3,
 * round(-2.5) = -2), -0 for x in [-0.5, -0]. Not C's round(), which takes ties away from zero. */
export const round = (x: f64): f64 => M.round(x) as f64;
export const roundf = (x: f32): f32 => M.round(x) as f32;
/** JavaScript's Math.min / Math.max of two: NaN if either is NaN, and -0 < +0 (min(0, -0) = -0).
 * Not C's fmin/fmax, which return the other operand of a NaN. */
export const min = (a: f64, b: f64): f64 => M.min(a, b) as f64;
export const minf = (a: f32, b: f32): f32 => M.min(a, b) as f32;
export const max = (a: f64, b: f64): f64 => M.max(a, b) as f64;
export const maxf = (a: f32, b: f32): f32 => M.max(a, b) as f32;

/** True when y is negative, -0 included; a NaN counts as positive (its sign bit is not portable). */
function negative(y: number): boolean {
  return y < 0 || (y === 0 && 1 / y < 0);
}
/** |x| with the sign of y; a NaN y gives +|x|. */
export const copysign = (x: f64, y: f64): f64 => (negative(y) ? -M.abs(x) : M.abs(x)) as f64;
export const copysignf = (x: f32, y: f32): f32 => (negative(y) ? -M.abs(x) : M.abs(x)) as f32;

// Bit casts through one shared 8-byte buffer (little-endian words on every host Node runs on is
// not assumed: the words are read through a Float64Array/Uint32Array pair and put in order below).
const buf = new G.ArrayBuffer(8);
const F32A = new G.Float32Array(buf);
const F64A = new G.Float64Array(buf);
const W = new G.Uint32Array(buf);
F64A[0] = 1;
/** Index of the high word of a double in W (1 on little-endian hosts). */
const HI = W[1] === 0x3ff00000 ? 1 : 0;

/** The binary32 encoding of x; every NaN gives 0x7fc00000. */
export function f32bits(x: f32): u32 {
  if (x !== x) return 0x7fc00000 as u32;
  F32A[0] = x;
  return W[0] as u32;
}
/** The f32 with encoding b (a NaN encoding gives a NaN). */
export function f32frombits(b: u32): f32 {
  W[0] = b;
  return F32A[0] as f32;
}
/** High word (sign, exponent, top 20 mantissa bits) of x's binary64 encoding; NaN gives 0x7ff80000. */
export function f64hi(x: f64): u32 {
  if (x !== x) return 0x7ff80000 as u32;
  F64A[0] = x;
  return W[HI] as u32;
}
/** Low word (bottom 32 mantissa bits) of x's binary64 encoding; NaN gives 0. */
export function f64lo(x: f64): u32 {
  if (x !== x) return 0 as u32;
  F64A[0] = x;
  return W[1 - HI] as u32;
}
/** The f64 with encoding hi * 2^32 + lo (a NaN encoding gives a NaN). */
export function f64frombits(hi: u32, lo: u32): f64 {
  W[HI] = hi;
  W[1 - HI] = lo;
  return F64A[0] as f64;
}
