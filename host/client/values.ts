// Range checks of values sent to the device: a number that does not fit its dtype is an error
// that names the value and the range (RangeError), never a silent wrap (Int16Array.from([70000])
// keeps 4464; BigInt.asIntN(64, 10n ** 23n) is some other integer). Used by session.array, the
// scalar arguments of every call, `urpc call` and the REPL. No Node imports (browser-safe).
import { DType } from './client.ts';
import type { DLDataType } from './packet.ts';

export type DTypeName = keyof typeof DType;

/** The host typed array of each dtype. */
export const TYPED_ARRAYS = {
  int8: Int8Array, int16: Int16Array, int32: Int32Array,
  uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array,
  float32: Float32Array,
} as const satisfies Record<DTypeName, unknown>;

export type TypedArray = InstanceType<(typeof TYPED_ARRAYS)[DTypeName]>;

/** The largest finite float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;
export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/** The name of a dtype (int32, float32, ...), or undefined for one urpc has no name for. */
export function dtypeName(d: DLDataType): DTypeName | undefined {
  return (Object.keys(DType) as DTypeName[]).find((k) => DType[k].code === d.code && DType[k].bits === d.bits && DType[k].lanes === d.lanes);
}

/** The dtype of a name, or a RangeError that lists the names. */
export function dtypeOfName(name: string): DLDataType {
  if (!Object.hasOwn(DType, name)) throw new RangeError(`unknown dtype '${name}' (${Object.keys(DType).join(', ')})`);
  return DType[name as DTypeName];
}

/** The range of a dtype's elements, as text for messages: "-32768..32767". */
export function rangeText(name: DTypeName): string {
  const d = DType[name];
  if (d.code === 2) return `-${FLOAT32_MAX}..${FLOAT32_MAX}`;
  return d.code === 0 ? `${-(2 ** (d.bits - 1))}..${2 ** (d.bits - 1) - 1}` : `0..${2 ** d.bits - 1}`;
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}`;
  return String(v);
}

/** `v` as an element of dtype `name`, or a RangeError naming the value, the dtype and its range
 * (`where` says which element, e.g. "element 3"). Integers must be exact integers in range;
 * float32 takes any finite number up to FLOAT32_MAX in magnitude (rounding to the nearest float32
 * is not a wrap). */
export function checkElement(name: DTypeName, v: unknown, where = 'value'): number {
  const d = DType[name];
  const n = typeof v === 'bigint' && d.code !== 2 ? Number(v) : v;
  const bad = (why: string): RangeError => new RangeError(`${where} ${show(v)} ${why} ${name} (${rangeText(name)})`);
  if (typeof n !== 'number') throw bad('is not a number: expected');
  if (d.code === 2) {
    if (Number.isNaN(n) || Math.abs(n) > FLOAT32_MAX) throw bad('is outside the range of');
    return n;
  }
  if (!Number.isInteger(n)) throw bad('is not an integer: expected');
  const min = d.code === 0 ? -(2 ** (d.bits - 1)) : 0;
  const max = d.code === 0 ? 2 ** (d.bits - 1) - 1 : 2 ** d.bits - 1;
  if (n < min || n > max || (typeof v === 'bigint' && BigInt(n) !== v)) throw bad('is outside the range of');
  return n;
}

/** A typed array of dtype `name` holding `values`, each checked (checkElement). */
export function typedArrayOf(name: DTypeName, values: readonly unknown[]): TypedArray {
  const out = new TYPED_ARRAYS[name](values.length);
  values.forEach((v, i) => { out[i] = checkElement(name, v, `element ${i}:`); });
  return out;
}

/** An integer argument as the wire's int64, or a RangeError naming the value and the range
 * (BigInt.asIntN(64, ...) in the packet writer would wrap it to another integer). */
export function checkInt64(v: number | bigint): bigint {
  const b = BigInt(v);
  if (b < INT64_MIN || b > INT64_MAX) throw new RangeError(`integer argument ${typeof v === 'number' ? `${v} (${b})` : b} is outside int64 (${INT64_MIN}..${INT64_MAX})`);
  return b;
}

/** An element as text: integers as they are, float32 in the fewest digits that read back as the
 * same float32 (0.1, not 0.10000000149011612). */
export function formatElement(v: number, name: DTypeName): string {
  if (DType[name].code !== 2 || !Number.isFinite(v)) return String(v);
  for (let p = 1; p < 9; p++) {
    const t = Number(v.toPrecision(p));
    if (Math.fround(t) === v) return String(t);
  }
  return String(Number(v.toPrecision(9)));
}

/** The elements of a tensor's bytes (little-endian, as the device holds them). */
export function elementsOf(bytes: Uint8Array, name: DTypeName): number[] {
  const copy = bytes.slice(); // aligned, and not a view of the caller's buffer
  const T = TYPED_ARRAYS[name];
  return Array.from(new T(copy.buffer, 0, Math.floor(copy.length / T.BYTES_PER_ELEMENT)) as ArrayLike<number>);
}
