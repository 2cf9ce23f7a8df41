// One wrong snippet and its fixed form per diagnostic code (docs/fwts.md, Diagnostics). The
// wrong one must give that code and nothing else; the fixed one must pass TypeScript and the
// checker, lower, and compile under the strict flags (test/codegen/fixes.test.ts). `@prelude`
// stands for the relative path of firmware/lib/prelude.ts. A code may have several pairs when its
// fix depends on the construct (FW2006, FW2011, FW2015, FW3003).
import type { Code } from '../../codegen/src/check/catalogue.ts';

export interface FixPair {
  readonly code: Code;
  readonly wrong: string;
  readonly fixed: string;
  /** Other modules of the program (path relative to the snippet's directory). */
  readonly more?: Readonly<Record<string, string>>;
  /** Other modules of the fixed program, when they differ from `more`. */
  readonly fixedMore?: Readonly<Record<string, string>>;
  /** Codes the wrong snippet gives when TypeScript rejects it first (default: only `code`). */
  readonly expect?: readonly string[];
}

/** Codes with no user fix: an internal error is a bug in codegen. */
export const NO_PAIR: ReadonlySet<Code> = new Set<Code>([9001]);

export const PAIRS: readonly FixPair[] = [
  // ------------------------------------------------------------------ FW1xxx syntax
  {
    code: 1001,
    wrong: `import { u8, u32 } from '@prelude';
export function low(x: u32): u8 {
  return (x + 1) as u8;
}`,
    fixed: `import { u8, u32 } from '@prelude';
export function low(x: u32): u8 {
  return u8(x + 1);
}`,
  },
  {
    code: 1001,
    expect: ['TS2318', 'FW1001'],
    wrong: `import { u8 } from '@prelude';
function logged(value: unknown, context: unknown): void {}
@logged
export class Decorated { n = u8(0); }`,
    fixed: `import { u8 } from '@prelude';
export class Decorated { n = u8(0); }`,
  },
  {
    code: 1002,
    wrong: `import { u8 } from '@prelude';
export function one(): u8 {
  var v = u8(1);
  return v;
}`,
    fixed: `import { u8 } from '@prelude';
export function one(): u8 {
  let v = u8(1);
  return v;
}`,
  },
  {
    code: 1003,
    wrong: `import { u8 } from '@prelude';
const TBL: readonly u8[] = [u8(1), u8(2)];
export function head(): u8 {
  const [first] = TBL;
  return first;
}`,
    fixed: `import { u8 } from '@prelude';
const TBL: readonly u8[] = [u8(1), u8(2)];
export function head(): u8 {
  const first = TBL[0];
  return first;
}`,
  },
  {
    code: 1004,
    wrong: `import { u8, u32 } from '@prelude';
export function sum(...xs: u8[]): u32 {
  return u32(0);
}`,
    fixed: `import { u32, rd8, type Bytes } from '@prelude';
export function sum(xs: Bytes, n: u32): u32 {
  let s = u32(0);
  for (let i = u32(0); i < n; i++) {
    s = u32(s + rd8(xs, i));
  }
  return s;
}`,
  },
  {
    code: 1005,
    wrong: `import { u8 } from '@prelude';
export function inc(a: u8, step: u8 = u8(1)): u8 {
  return u8(a + step);
}`,
    fixed: `import { u8 } from '@prelude';
export function inc(a: u8, step: u8): u8 {
  return u8(a + step);
}`,
  },
  {
    code: 1006,
    wrong: `import { u8, u32 } from '@prelude';
const TBL: readonly u8[] = [u8(1), u8(2)];
export function total(): u32 {
  let s = u32(0);
  for (const v of TBL) {
    s = u32(s + v);
  }
  return s;
}`,
    fixed: `import { u8, u32 } from '@prelude';
const TBL: readonly u8[] = [u8(1), u8(2)];
export function total(): u32 {
  let s = u32(0);
  for (let i = u32(0); i < TBL.length; i++) {
    s = u32(s + TBL[i]);
  }
  return s;
}`,
  },
  {
    code: 1007,
    wrong: `import { u8 } from '@prelude';
export function check(x: u8): u8 {
  if (x === 0) {
    throw u8(1);
  }
  return x;
}`,
    fixed: `import { u8, u32, panic } from '@prelude';
export function check(x: u8): u8 {
  if (x === 0) {
    panic(u32(1));
  }
  return x;
}`,
  },
  {
    code: 1009,
    wrong: `export class Port {}
export function isPort(p: Port): boolean {
  return p instanceof Port;
}`,
    fixed: `import { u8 } from '@prelude';
export const Kind = { Port: 0, Uart: 1 } as const;
export type Kind = (typeof Kind)[keyof typeof Kind];
export class Device {
  kind: Kind = Kind.Port;
  id = u8(0);
}
export function isPort(d: Device): boolean {
  return d.kind === Kind.Port;
}`,
  },
  {
    code: 1010,
    wrong: `import { u32, type Bytes } from '@prelude';
export function size(x: Bytes | null, n: u32): u32 {
  return n;
}`,
    fixed: `import { u32, type Bytes } from '@prelude';
export function size(x: Bytes, has: boolean): u32 {
  return has ? x.length : u32(0);
}`,
  },
  {
    code: 1011,
    wrong: `import { log } from '@prelude';
export function hello(): void {
  const s = 'hello';
  log(s);
}`,
    fixed: `import { log } from '@prelude';
export function hello(): void {
  log('hello');
}`,
  },
  {
    code: 1012,
    wrong: `import { u8 } from '@prelude';
export function same(a: u8, b: u8): boolean {
  if (a == b) return true;
  return false;
}`,
    fixed: `import { u8 } from '@prelude';
export function same(a: u8, b: u8): boolean {
  if (a === b) return true;
  return false;
}`,
  },
  {
    code: 1013,
    wrong: `import { u8 } from '@prelude';
export function sum(a: u8, b: u8): u8 {
  let c = u8(0);
  c = u8(a + (c = b));
  return c;
}`,
    fixed: `import { u8 } from '@prelude';
export function sum(a: u8, b: u8): u8 {
  let c = u8(0);
  c = b;
  c = u8(a + c);
  return c;
}`,
  },
  {
    code: 1014,
    wrong: `import { u8 } from '@prelude';
export function any(a: u8, b: u8, flag: boolean): boolean {
  flag ||= a === b;
  return flag;
}`,
    fixed: `import { u8 } from '@prelude';
export function any(a: u8, b: u8, flag: boolean): boolean {
  flag = flag || a === b;
  return flag;
}`,
  },
  {
    code: 1014,
    expect: ['TS2322', 'FW1014'],
    wrong: `import { u8 } from '@prelude';
export function add(x: u8, a: u8): u8 {
  x += a;
  return x;
}`,
    fixed: `import { u8 } from '@prelude';
export function add(x: u8, a: u8): u8 {
  x = u8(x + a);
  return x;
}`,
  },
  {
    code: 1015,
    wrong: `import { u8 } from '@prelude';
export class Base { n = u8(0); }
export class Derived extends Base { m = u8(1); }`,
    fixed: `import { u8 } from '@prelude';
export class Base { n = u8(0); }
export class Derived {
  base = new Base();
  m = u8(1);
}`,
  },
  {
    code: 1016,
    wrong: `import { u8 } from '@prelude';
export const twice = (x: u8): u8 => u8(x * 2);`,
    fixed: `import { u8 } from '@prelude';
export function twice(x: u8): u8 {
  return u8(x * 2);
}`,
  },
  {
    code: 1017,
    wrong: `import { u8 } from '@prelude';
export function three(): u8 {
  let p1 = u8(1), p2 = u8(2);
  return u8(p1 + p2);
}`,
    fixed: `import { u8 } from '@prelude';
export function three(): u8 {
  let p1 = u8(1);
  let p2 = u8(2);
  return u8(p1 + p2);
}`,
  },
  {
    code: 1018,
    wrong: `import { u8 } from '@prelude';
let later = u8(0);
later = u8(1);
export function get(): u8 { return later; }`,
    fixed: `import { u8 } from '@prelude';
let later = u8(0);
export function reset(): void { later = u8(1); }
export function get(): u8 { return later; }`,
  },
  {
    code: 1020,
    wrong: `import * as p from '@prelude';
export function one(): p.u8 {
  return p.u8(1);
}`,
    fixed: `import { u8 } from '@prelude';
export function one(): u8 {
  return u8(1);
}`,
  },
  {
    code: 1021,
    wrong: `import { u8 } from '@prelude';
export class Counter {
  n = u8(0);
  get value(): u8 { return this.n; }
}`,
    fixed: `import { u8 } from '@prelude';
export class Counter {
  n = u8(0);
  value(): u8 { return this.n; }
}`,
  },
  {
    code: 1022,
    wrong: `export function id<T>(x: T): T {
  return x;
}`,
    fixed: `import { u8 } from '@prelude';
export function id(x: u8): u8 {
  return x;
}`,
  },
  {
    code: 1023,
    wrong: `import { u8 } from '@prelude';
export function first(a: u8, b: u8): u8 {
  const pair = [a, b];
  return pair[0];
}`,
    fixed: `import { u8 } from '@prelude';
export class Pair { x = u8(0); y = u8(0); }
const pair = new Pair();
export function first(a: u8, b: u8): u8 {
  pair.x = a;
  pair.y = b;
  return pair.x;
}`,
  },
  {
    code: 1023,
    wrong: `import { u8, u32 } from '@prelude';
const TBL: readonly u8[] = [u8(1), u8(2)];
function count(xs: readonly u8[]): u32 { return u32(xs.length); }
export function size(): u32 { return count(TBL); }`,
    fixed: `import { u8, u32 } from '@prelude';
const TBL: readonly u8[] = [u8(1), u8(2)];
export function size(): u32 { return u32(TBL.length); }`,
  },
  {
    code: 1024,
    wrong: `import { u8 } from '@prelude';
export class Port { n = u8(0); }
const PORTS: readonly Port[] = [new Port(), new Port()];
export function first(): u8 { return PORTS[0].n; }`,
    fixed: `import { u8 } from '@prelude';
export class Port { n = u8(0); }
const port0 = new Port();
const port1 = new Port();
export function pick(second: boolean): u8 {
  if (second) return port1.n;
  return port0.n;
}`,
  },
  {
    code: 1025,
    wrong: `import { u8, wr8, type Bytes } from '@prelude';
export function send(b: Bytes, a: u8): void;
export function send(b: Bytes, a: u8): void {
  wr8(b, 0, a);
}`,
    fixed: `import { u8, u16, wr8, wr16le, type Bytes } from '@prelude';
export function sendU8(b: Bytes, a: u8): void {
  wr8(b, 0, a);
}
export function sendU16(b: Bytes, a: u16): void {
  wr16le(b, 0, a);
}`,
  },
  {
    code: 1026,
    wrong: `import { u8, log } from '@prelude';
export function note(a: u8): void {
  block: {
    if (a === 0) break block;
    log('nonzero', a);
  }
}`,
    fixed: `import { u8, log } from '@prelude';
export function note(a: u8): void {
  if (a !== 0) {
    log('nonzero', a);
  }
}`,
  },
  {
    code: 1027,
    wrong: `import { u8 } from '@prelude';
export function kind(b: u8): u8 {
  switch (b) {
    case 0x7e: return u8(1);
    case 0x7d: return u8(2);
    case 0x7e: return u8(3);
    default: return u8(0);
  }
}`,
    fixed: `import { u8 } from '@prelude';
export function kind(b: u8): u8 {
  switch (b) {
    case 0x7e: return u8(1);
    case 0x7d: return u8(2);
    default: return u8(0);
  }
}`,
  },
  // ------------------------------------------------------------------ FW2xxx integers
  {
    code: 2001,
    wrong: `import { u32 } from '@prelude';
export function f(n: number): u32 {
  return u32(n);
}`,
    fixed: `import { u32 } from '@prelude';
export function f(n: u32): u32 {
  return u32(n);
}`,
  },
  {
    code: 2001,
    wrong: `import { u32 } from '@prelude';
export function fold(x: bigint): u32 {
  return u32(0);
}`,
    fixed: `import { u32 } from '@prelude';
export function fold(lo: u32, hi: u32): u32 {
  return u32(lo ^ hi);
}`,
  },
  {
    code: 2002,
    wrong: `import { u32 } from '@prelude';
export function top(): u32 {
  return u32(4294967296);
}`,
    fixed: `import { u32 } from '@prelude';
export function top(): u32 {
  return u32(4294967295);
}`,
  },
  {
    code: 2003,
    wrong: `import { u8, u16, u32 } from '@prelude';
export function over(a: u8, b: u16, c: u32): boolean {
  if (a + b > c) return true;
  return false;
}`,
    fixed: `import { u8, u16, u32 } from '@prelude';
export function over(a: u8, b: u16, c: u32): boolean {
  if (u32(a + b) > c) return true;
  return false;
}`,
  },
  {
    code: 2004,
    wrong: `import { u32, i32 } from '@prelude';
export function less(c: u32, s: i32): boolean {
  return c < s;
}`,
    fixed: `import { u32, i32 } from '@prelude';
export function less(c: u32, s: i32): boolean {
  return i32(c) < s;
}`,
  },
  {
    code: 2005,
    wrong: `import { u32 } from '@prelude';
export function half(c: u32): u32 {
  return u32(c / 2);
}`,
    fixed: `import { u32, divu } from '@prelude';
export function half(c: u32): u32 {
  return divu(c, u32(2));
}`,
  },
  {
    code: 2006,
    wrong: `import { u32, i32 } from '@prelude';
export function eighth(x: u32, c: u32): i32 {
  return i32((i32(x) - c) >> 3);
}`,
    fixed: `import { u32, i32 } from '@prelude';
export function eighth(x: u32, c: u32): i32 {
  return i32(i32(i32(x) - c) >> 3);
}`,
  },
  {
    code: 2006,
    wrong: `import { u32 } from '@prelude';
export function half(c: u32): u32 {
  return u32(c >> 1);
}`,
    fixed: `import { u32 } from '@prelude';
export function half(c: u32): u32 {
  return u32(c >>> 1);
}`,
  },
  {
    code: 2007,
    wrong: `import { u32 } from '@prelude';
export function square(c: u32): u32 {
  return u32(c * c);
}`,
    fixed: `import { u32, mul32 } from '@prelude';
export function square(c: u32): u32 {
  return mul32(c, c);
}`,
  },
  {
    code: 2008,
    wrong: `import { u8 } from '@prelude';
export function next(): u8 {
  let k = u8(0);
  k++;
  return k;
}`,
    fixed: `import { u8 } from '@prelude';
export function next(): u8 {
  let k = u8(0);
  k = u8(k + 1);
  return k;
}`,
  },
  {
    code: 2009,
    wrong: `import { u8 } from '@prelude';
export function nonzero(a: u8): boolean {
  if (a) return true;
  return false;
}`,
    fixed: `import { u8 } from '@prelude';
export function nonzero(a: u8): boolean {
  if (a !== 0) return true;
  return false;
}`,
  },
  {
    code: 2010,
    wrong: `import { u8, u16 } from '@prelude';
export function neither(a: u8, b: u16): boolean {
  return !(a !== 0 && b);
}`,
    fixed: `import { u8, u16 } from '@prelude';
export function neither(a: u8, b: u16): boolean {
  return !(a !== 0 && b !== 0);
}`,
  },
  {
    code: 2011,
    wrong: `import { i32 } from '@prelude';
export function sq(a: i32): i32 {
  return i32(Math.imul(a, a));
}`,
    fixed: `import { i32, imul32 } from '@prelude';
export function sq(a: i32): i32 {
  return imul32(a, a);
}`,
  },
  {
    code: 2011,
    expect: ['TS2339', 'FW2011'],
    wrong: `import { u8 } from '@prelude';
export function most(a: u8, b: u8): u8 {
  return Math.max(a, b);
}`,
    fixed: `import { u8 } from '@prelude';
export function most(a: u8, b: u8): u8 {
  return a > b ? a : b;
}`,
  },
  {
    code: 2012,
    wrong: `import { u16, u32 } from '@prelude';
export function hash(b: u16, c: u32): u32 {
  return u32(c * b * 31 + c * b * 31);
}`,
    fixed: `import { u16, u32 } from '@prelude';
export function hash(b: u16, c: u32): u32 {
  return u32(u32(c * b * 31) + u32(c * b * 31));
}`,
  },
  {
    code: 2013,
    wrong: `import { u8 } from '@prelude';
export function pick(ok: boolean): u8 {
  switch (ok) {
    case true: return u8(1);
  }
  return u8(0);
}`,
    fixed: `import { u8 } from '@prelude';
export function pick(ok: boolean): u8 {
  if (ok) return u8(1);
  return u8(0);
}`,
  },
  {
    code: 2014,
    wrong: `import { u32 } from '@prelude';
export function square(c: u32): u32 {
  return u32(c ** 2);
}`,
    fixed: `import { u32, mul32 } from '@prelude';
export function square(c: u32): u32 {
  return mul32(c, c);
}`,
  },
  {
    code: 2015,
    wrong: `import { u8, i32 } from '@prelude';
export function isMinusOne(s: i32): u8 {
  switch (s) {
    case 0xffffffff: return u8(1);
    default: return u8(0);
  }
}`,
    fixed: `import { u8, i32 } from '@prelude';
export function isMinusOne(s: i32): u8 {
  switch (s) {
    case -1: return u8(1);
    default: return u8(0);
  }
}`,
  },
  {
    code: 2015,
    wrong: `import { u8 } from '@prelude';
export function classify(b: u8): u8 {
  switch (b) {
    case 255: return u8(1);
    case 256: return u8(2);
    default: return u8(0);
  }
}`,
    fixed: `import { u8 } from '@prelude';
export function classify(b: u8): u8 {
  switch (b) {
    case 255: return u8(1);
    default: return u8(0);
  }
}`,
  },
  {
    code: 2016,
    wrong: `export const Level = { Low: -1, High: 1 } as const;
export type Level = (typeof Level)[keyof typeof Level];
export function isLow(l: Level): boolean {
  return l === Level.Low;
}`,
    fixed: `export const Level = { Low: 0, High: 2 } as const;
export type Level = (typeof Level)[keyof typeof Level];
export function isLow(l: Level): boolean {
  return l === Level.Low;
}`,
  },
  {
    code: 2017,
    wrong: `import { f32 } from '@prelude';
export function mac(a: f32, b: f32, c: f32): f32 {
  return f32(a * b + c);
}`,
    fixed: `import { f32 } from '@prelude';
export function mac(a: f32, b: f32, c: f32): f32 {
  return f32(f32(a * b) + c);
}`,
  },
  {
    code: 2018,
    wrong: `import { f32 } from '@prelude';
export function tenth(x: f32): f32 {
  return f32(x * 0.1);
}`,
    fixed: `import { f32 } from '@prelude';
export function tenth(x: f32): f32 {
  return f32(x * f32(0.1));
}`,
  },
  {
    code: 2019,
    wrong: `import { f64, u32 } from '@prelude';
export function shift(x: f64, n: u32): f64 {
  return f64(x + n);
}`,
    fixed: `import { f64, u32 } from '@prelude';
export function shift(x: f64, n: u32): f64 {
  return f64(x + f64(n));
}`,
  },
  // ------------------------------------------------------------------ FW3xxx buffers
  {
    code: 3001,
    wrong: `import { u8, bytes } from '@prelude';
export function scratch(): u8 {
  const local = bytes(4);
  return local[0];
}`,
    fixed: `import { u8, bytes } from '@prelude';
const local = bytes(4);
export function scratch(): u8 {
  return local[0];
}`,
  },
  {
    code: 3002,
    wrong: `import { u32, bytes } from '@prelude';
let size = u32(8);
const dyn = bytes(size);
export function len(): u32 { return dyn.length; }`,
    fixed: `import { u32, bytes } from '@prelude';
const N = 8;
const dyn = bytes(N);
export function len(): u32 { return dyn.length; }`,
  },
  {
    code: 3003,
    wrong: `import { u8, u32, type Bytes } from '@prelude';
export function at(b: Bytes, i: u32): u8 {
  return b[i];
}`,
    fixed: `import { u8, u32, rd8, type Bytes } from '@prelude';
export function at(b: Bytes, i: u32): u8 {
  return rd8(b, i);
}`,
  },
  {
    // The catalogue's guard fix, for a field index (a ring buffer's write position).
    code: 3003,
    wrong: `import { u8, u32, bytes } from '@prelude';
export class Log {
  buf = bytes(16);
  len = u32(0);
  put(v: u8): void {
    this.buf[this.len] = v;
    this.len = u32(this.len + 1);
  }
}`,
    fixed: `import { u8, u32, bytes } from '@prelude';
export class Log {
  buf = bytes(16);
  len = u32(0);
  put(v: u8): void {
    if (this.len < this.buf.length) {
      this.buf[this.len] = v;
      this.len = u32(this.len + 1);
    }
  }
}`,
  },
  {
    // The catalogue's guard fix, for an index expression: the test spells it as the access does.
    code: 3003,
    wrong: `import { u8, u32, type Bytes } from '@prelude';
export function next(b: Bytes, i: u32): u8 {
  return b[u32(i + 1)];
}`,
    fixed: `import { u8, u32, type Bytes } from '@prelude';
export function next(b: Bytes, i: u32): u8 {
  if (u32(i + 1) < b.length) { return b[u32(i + 1)]; }
  return u8(0);
}`,
  },
  {
    code: 3004,
    wrong: `export const raw = new Uint8Array(4);`,
    fixed: `import { bytes } from '@prelude';
export const raw = bytes(4);`,
  },
  {
    code: 3005,
    wrong: `import { bytes, type Bytes } from '@prelude';
export class Holder {
  buf = bytes(8);
  load(b: Bytes): void {
    this.buf = b;
  }
}`,
    fixed: `import { bytes, copy, type Bytes } from '@prelude';
export class Holder {
  buf = bytes(8);
  load(b: Bytes): void {
    copy(this.buf, 0, b);
  }
}`,
  },
  {
    code: 3006,
    wrong: `import { u8 } from '@prelude';
let small = u8(1);
const TABLE: readonly u8[] = [u8(1), small];
export function second(): u8 { return TABLE[1]; }`,
    fixed: `import { u8 } from '@prelude';
const SMALL = 1;
const TABLE: readonly u8[] = [u8(1), u8(SMALL)];
export function second(): u8 { return TABLE[1]; }`,
  },
  {
    code: 3007,
    wrong: `import { u16, u32 } from '@prelude';
const T16: readonly u16[] = [u16(1), u16(2), u16(3)];
export function lookup(i: u32): u16 {
  return T16[i];
}`,
    fixed: `import { u16, u32 } from '@prelude';
const T16: readonly u16[] = [u16(1), u16(2), u16(3)];
export function lookup(i: u32): u16 {
  if (i < T16.length) { return T16[i]; }
  return u16(0);
}`,
  },
  // ------------------------------------------------------------------ FW4xxx calls
  {
    code: 4001,
    wrong: `import { u8, u32 } from '@prelude';
function again(b: u8): u32 { return b === 0 ? u32(0) : u32(1 + ping(u8(b - 1))); }
function ping(b: u8): u32 { return again(b); }
export function count(b: u8): u32 { return ping(b); }`,
    fixed: `import { u8, u32 } from '@prelude';
export function count(b: u8): u32 {
  let n = u32(0);
  for (let i = u8(0); i < b; i++) {
    n = u32(n + 1);
  }
  return n;
}`,
  },
  {
    code: 4002,
    wrong: `import { u8, u32 } from '@prelude';
export class Uart { send(b: u8): u32 { return u32(b); } }
export const uart = new Uart();
export type Send = (b: u8) => u32;
function apply(f: Send, b: u8): u32 { return f(b); }
export function go(b: u8): u32 { return apply(uart.send, b); }`,
    fixed: `import { u8, u32 } from '@prelude';
export class Uart { send(b: u8): u32 { return u32(b); } }
export const uart = new Uart();
export function go(b: u8): u32 { return uart.send(b); }`,
  },
  {
    code: 4004,
    wrong: `import { u32, setLogSink } from '@prelude';
export function quiet(): u32 {
  setLogSink(undefined as never);
  return u32(0);
}`,
    fixed: `import { u32 } from '@prelude';
/** @extern */
export function quiet(): u32 {
  return u32(0);
}`,
  },
  {
    code: 4005,
    wrong: `import { u32 } from '@prelude';
function more(n: u32): boolean { return n < 10; }
export function run(a: u32): u32 {
  let n = a;
  do { n = u32(n + 1); } while (more(n));
  return n;
}`,
    fixed: `import { u32 } from '@prelude';
function more(n: u32): boolean { return n < 10; }
export function run(a: u32): u32 {
  let n = a;
  let again = true;
  do {
    n = u32(n + 1);
    again = more(n);
  } while (again);
  return n;
}`,
  },
  {
    code: 4006,
    wrong: `import { u8, u32 } from '@prelude';
export interface Port { send(b: u8): u32; }
export class Uart { send(b: u8): u32 { return u32(b); } }
export const uart = new Uart();
function use(p: Port): u32 { return p.send(u8(1)); }
export function go(): u32 { return use(uart); }`,
    fixed: `import { u8, u32 } from '@prelude';
export interface Port { send(b: u8): u32; }
export class Uart implements Port { send(b: u8): u32 { return u32(b); } }
export const uart = new Uart();
function use(p: Port): u32 { return p.send(u8(1)); }
export function go(): u32 { return use(uart); }`,
  },
  {
    code: 4007,
    wrong: `import { u32 } from '@prelude';
type Handler = (x: u32, y: u32) => u32;
function inc(x: u32): u32 { return u32(x + 1); }
const SHORT: readonly Handler[] = [inc];
export function run(x: u32): u32 {
  const h = SHORT[0];
  return h(x, x);
}`,
    fixed: `import { u32 } from '@prelude';
type Handler = (x: u32, y: u32) => u32;
function inc(x: u32, _y: u32): u32 { return u32(x + 1); }
const SHORT: readonly Handler[] = [inc];
export function run(x: u32): u32 {
  const h = SHORT[0];
  return h(x, x);
}`,
  },
  // ------------------------------------------------------------------ FW5xxx modules
  {
    code: 5001,
    more: { 'more/twin.ts': `import { u8 } from '@prelude';\nexport class Twin { n = u8(0); }` },
    wrong: `import { u8 } from '@prelude';
import { Twin as OtherTwin } from './more/twin.ts';
export class Twin { n = u8(1); }
export function both(a: Twin, b: OtherTwin): u8 { return u8(a.n + b.n); }`,
    fixed: `import { u8 } from '@prelude';
import { Twin } from './more/twin.ts';
export class Pair { n = u8(1); }
export function both(a: Pair, b: Twin): u8 { return u8(a.n + b.n); }`,
  },
  {
    code: 5002,
    wrong: `import { u32 } from '@prelude';
function scale(x: u32): u32 { return u32(x + OFFSET); }
const first = scale(u32(2));
const OFFSET = u32(40);
export function get(): u32 { return first; }`,
    fixed: `import { u32 } from '@prelude';
function scale(x: u32): u32 { return u32(x + OFFSET); }
const OFFSET = u32(40);
const first = scale(u32(2));
export function get(): u32 { return first; }`,
  },
  {
    code: 5002,
    more: {
      'more/b.ts': `import { u32 } from '@prelude';
import { readA } from '../main.ts';
export const fromB = u32(readA() + 1);`,
    },
    wrong: `import { u32 } from '@prelude';
import { fromB } from './more/b.ts';
export const A_BASE = u32(5);
export function readA(): u32 { return A_BASE; }
export function get(): u32 { return fromB; }`,
    fixedMore: {
      'more/base.ts': `import { u32 } from '@prelude';
export const A_BASE = u32(5);
export function readA(): u32 { return A_BASE; }`,
      'more/b.ts': `import { u32 } from '@prelude';
import { readA } from './base.ts';
export const fromB = u32(readA() + 1);`,
    },
    fixed: `import { u32 } from '@prelude';
import { fromB } from './more/b.ts';
export function get(): u32 { return fromB; }`,
  },
];
