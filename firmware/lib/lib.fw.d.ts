// The only globals FwTS code can see (tsconfig "noLib": true). Anything not declared here is an
// ordinary TypeScript error (TS2304/TS2339) before the subset checker even runs.
// The index and element types are `number` here so that the FwTS prelude and plain TypeScript
// agree; codegen/src/check enforces that indices and stored values are wrapped integers.

/// <reference no-default-lib="true"/>

interface Array<T> { readonly length: number; [n: number]: T; }
interface ReadonlyArray<T> { readonly length: number; readonly [n: number]: T; }
interface Boolean {}
interface Function {}
interface CallableFunction extends Function {}
interface NewableFunction extends Function {}
interface IArguments {}
interface Number {}
interface Object {}
interface RegExp {}
interface String { readonly length: number; }
interface Symbol {}
interface SymbolConstructor { readonly iterator: unique symbol; }
declare var Symbol: SymbolConstructor;
interface TemplateStringsArray extends ReadonlyArray<string> {}

interface Uint8Array {
  readonly length: number;
  [index: number]: number;
  subarray(begin: number, end: number): Uint8Array;
  set(source: Uint8Array, offset: number): void;
  fill(value: number, start: number, end: number): this;
  copyWithin(target: number, start: number, end: number): this;
}
interface Uint8ArrayConstructor {
  new (length: number): Uint8Array;
}
declare var Uint8Array: Uint8ArrayConstructor;

interface Math {
  imul(a: number, b: number): number;
  clz32(x: number): number;
}
declare var Math: Math;

// Only the prelude (firmware/lib/prelude.ts) uses these; the checker rejects them in FwTS code.
interface Error { message: string; }
interface ErrorConstructor { new (message: string): Error; }
declare var Error: ErrorConstructor;
