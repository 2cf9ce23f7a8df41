// FwTS prelude: the integer model, byte buffers, panic and log; floats in float.ts (re-exported).
//
// In Node this file runs as ordinary TypeScript and *is* the reference semantics. codegen never
// lowers it: every export maps to a C type or a static inline helper in codegen/runtime/fw_rt.h.
// Keep the two in step (test/codegen/prelude.test.ts compares them on edge values).

export * from './float.ts';

declare const U8: unique symbol;
declare const U16: unique symbol;
declare const U32: unique symbol;
declare const I8: unique symbol;
declare const I16: unique symbol;
declare const I32: unique symbol;

/** Integers of a declared width. The brand makes `a + b` plain `number`, so a wrap is required
 * before the value is stored, passed, returned or compared. */
export type u8 = number & { readonly [U8]: true };
export type u16 = number & { readonly [U16]: true };
export type u32 = number & { readonly [U32]: true };
export type i8 = number & { readonly [I8]: true };
export type i16 = number & { readonly [I16]: true };
export type i32 = number & { readonly [I32]: true };
/** Any wrapped integer. */
export type Int = u8 | u16 | u32 | i8 | i16 | i32;
/** An index or length: any wrapped integer, or a literal. It is `number` so literals need no wrap;
 * the subset checker rejects unwrapped intermediates here (FW2003). */
export type Index = number;
export type bool = boolean;

export const u8 = (x: number): u8 => (x & 0xff) as u8;
export const u16 = (x: number): u16 => (x & 0xffff) as u16;
export const u32 = (x: number): u32 => (x >>> 0) as u32;
export const i8 = (x: number): i8 => ((x << 24) >> 24) as i8;
export const i16 = (x: number): i16 => ((x << 16) >> 16) as i16;
export const i32 = (x: number): i32 => (x | 0) as i32;

/** Low 32 bits of a 32x32-bit product (a plain `*` loses them past 2^53 in JS). */
export const mul32 = (a: u32, b: u32): u32 => (Math.imul(a, b) >>> 0) as u32;
export const imul32 = (a: i32, b: i32): i32 => Math.imul(a, b) as i32;
export const clz32 = (x: u32): u32 => Math.clz32(x) as u32;

/** Panic codes raised by the prelude itself; user codes start at 0x100. */
export const Panic = { Bounds: 1, DivZero: 2, Unreachable: 3 } as const;

/** A panic in Node: the C side calls fw_panic(code), which never returns. */
export class FwPanic extends Error {
  readonly code: number;
  /** A brand: the prelude can be loaded twice in one process (a module imported by file URL and
   * the same module required), and then `instanceof` fails across the two copies. */
  readonly fwPanic = true;
  constructor(code: number) {
    super('firmware panic ' + code);
    this.code = code;
  }
}

/** e is a FwPanic of any copy of the prelude. */
export function isFwPanic(e: unknown): e is FwPanic {
  return e instanceof Error && (e as { fwPanic?: unknown }).fwPanic === true;
}

export function panic(code: u32): never {
  throw new FwPanic(code);
}

/** Node only: where a FwPanic was raised, as the C side's __FILE__/__LINE__ name it under the
 * generated #line directives (repository-relative .ts path, ASCII; see firmware/rpc/contain.ts). */
export interface PanicSite {
  readonly file: Uint8Array;
  readonly line: number;
}
let panicSiteReader: ((e: FwPanic) => PanicSite) | null = null;
/** Installed by the host (host/app/panic-site.ts reads the JavaScript stack). */
export function setPanicSiteReader(reader: ((e: FwPanic) => PanicSite) | null): void { panicSiteReader = reader; }
/** Where e was raised; an empty file and line 0 when no reader is installed. */
export function panicSite(e: FwPanic): PanicSite {
  return panicSiteReader !== null ? panicSiteReader(e) : { file: new Uint8Array(0), line: 0 };
}

export const divu = (a: u32, b: u32): u32 => (b === 0 ? panic(Panic.DivZero as u32) : ((a / b) >>> 0) as u32);
export const modu = (a: u32, b: u32): u32 => (b === 0 ? panic(Panic.DivZero as u32) : (a % b) as u32);
/** Truncating signed division; INT32_MIN / -1 wraps to INT32_MIN as in JS `(a / b) | 0`. */
export const divi = (a: i32, b: i32): i32 => (b === 0 ? panic(Panic.DivZero as u32) : ((a / b) | 0) as i32);
export const modi = (a: i32, b: i32): i32 => (b === 0 ? panic(Panic.DivZero as u32) : ((a % b) | 0) as i32);

/** A byte buffer. At run time it is a Uint8Array; the type gives reads the `u8` width and
 * `length` the `u32` width so the checker can reason about them. Allocate with `bytes(N)`. */
export interface Bytes {
  readonly length: u32;
  [index: number]: u8;
}

/** A zero-filled static buffer: only at module top level or in a field initializer. */
export const bytes = (length: number): Bytes => new Uint8Array(length) as unknown as Bytes;
/** Host-side view of a Uint8Array as Bytes (Node only; no copy). */
export const asBytes = (a: Uint8Array): Bytes => a as unknown as Bytes;

function check(b: Bytes, i: number, n: number): void {
  if (i < 0 || i + n > b.length) panic(Panic.Bounds as u32);
}

/** A view of b[begin, end) sharing its memory. Unlike subarray() it never clamps: out of range panics. */
export function view(b: Bytes, begin: Index, end: Index): Bytes {
  if (begin < 0 || end < begin || end > b.length) panic(Panic.Bounds as u32);
  return (b as unknown as Uint8Array).subarray(begin, end) as unknown as Bytes;
}
/** dst[at, at + src.length) = src, as if through a temporary (views may overlap). */
export function copy(dst: Bytes, at: Index, src: Bytes): void {
  check(dst, at, src.length);
  (dst as unknown as Uint8Array).set(src as unknown as Uint8Array, at);
}
/** b[begin, end) = value. */
export function fill(b: Bytes, value: u8, begin: Index, end: Index): void {
  if (begin < 0 || end < begin || end > b.length) panic(Panic.Bounds as u32);
  (b as unknown as Uint8Array).fill(value, begin, end);
}

// Bounds-checked access where no proof exists: both worlds panic the same way.
export function rd8(b: Bytes, i: Index): u8 { check(b, i, 1); return b[i]; }
export function wr8(b: Bytes, i: Index, v: u8): void { check(b, i, 1); b[i] = v; }
export function rd16le(b: Bytes, i: Index): u16 { check(b, i, 2); return (b[i] | (b[i + 1] << 8)) as u16; }
export function rd16be(b: Bytes, i: Index): u16 { check(b, i, 2); return ((b[i] << 8) | b[i + 1]) as u16; }
export function rd32le(b: Bytes, i: Index): u32 {
  check(b, i, 4);
  return ((b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0) as u32;
}
export function rd32be(b: Bytes, i: Index): u32 {
  check(b, i, 4);
  return (((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0) as u32;
}
export function wr16le(b: Bytes, i: Index, v: u16): void { check(b, i, 2); b[i] = u8(v); b[i + 1] = u8(v >>> 8); }
export function wr16be(b: Bytes, i: Index, v: u16): void { check(b, i, 2); b[i] = u8(v >>> 8); b[i + 1] = u8(v); }
export function wr32le(b: Bytes, i: Index, v: u32): void {
  check(b, i, 4);
  b[i] = u8(v); b[i + 1] = u8(v >>> 8); b[i + 2] = u8(v >>> 16); b[i + 3] = u8(v >>> 24);
}
export function wr32be(b: Bytes, i: Index, v: u32): void {
  check(b, i, 4);
  b[i] = u8(v >>> 24); b[i + 1] = u8(v >>> 16); b[i + 2] = u8(v >>> 8); b[i + 3] = u8(v);
}

/** Where log lines go in Node; the C side calls fw_platform_log(). */
export type LogSink = (message: string, values: readonly number[]) => void;
let logSink: LogSink | null = null;
export function setLogSink(sink: LogSink | null): void { logSink = sink; }

/** Device log: a constant message and up to 4 integer values (defmt-style: no formatting on the MCU). */
export function log(message: string, ...values: Index[]): void {
  if (logSink !== null) logSink(message, values);
}
