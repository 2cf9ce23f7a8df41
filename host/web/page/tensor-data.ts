// Tensor contents as numbers: the typed-array view of a dtype, and the fills of the create form.
import { DType } from '../../client/client.ts';
import type { DLDataType } from '../../client/packet.ts';

export const DTYPES: Record<string, DLDataType> = DType;

export function dtypeName(d: DLDataType): string {
  const e = Object.entries(DTYPES).find(([, v]) => v.code === d.code && v.bits === d.bits && v.lanes === d.lanes);
  return e?.[0] ?? `code${d.code}.${d.bits}x${d.lanes}`;
}

type Numeric = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array;
const CTORS: Record<string, { new (n: number): Numeric; new (b: ArrayBuffer, o: number, n: number): Numeric }> = {
  int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array, float32: Float32Array,
};

/** The elements of `bytes` as numbers of `dtype` (a copy, aligned). */
export function elements(bytes: Uint8Array, dtype: DLDataType): Numeric {
  const C = CTORS[dtypeName(dtype)];
  if (C === undefined) throw new Error(`cannot show dtype ${dtypeName(dtype)}`);
  const copy = bytes.slice();
  const size = dtype.bits / 8;
  return new C(copy.buffer, 0, Math.floor(copy.length / size));
}

export function parseShape(text: string): number[] {
  const dims = text.split(/[,x×\s]+/).filter((s) => s !== '').map(Number);
  if (dims.length === 0 || dims.some((d) => !Number.isSafeInteger(d) || d <= 0)) throw new Error(`bad shape '${text}'; e.g. 64 or 16,16`);
  return dims;
}

/** New contents: 'ramp' (0, 1, 2, ...), 'sine', 'random', 'zeros' or the listed values. */
export function fill(kind: string, dtype: string, n: number, values: string): Numeric {
  const C = CTORS[dtype];
  if (C === undefined) throw new Error(`unknown dtype ${dtype}`);
  const out = new C(n);
  for (let i = 0; i < n; i++) {
    switch (kind) {
      case 'ramp': out[i] = i; break;
      case 'sine': out[i] = dtype === 'float32' ? Math.sin((2 * Math.PI * i) / Math.max(8, n / 4)) : Math.round(100 * Math.sin((2 * Math.PI * i) / Math.max(8, n / 4))); break;
      case 'random': out[i] = dtype === 'float32' ? Math.random() : Math.floor(Math.random() * 256); break;
      default: out[i] = 0;
    }
  }
  if (kind === 'values') {
    const vs = values.split(/[\s,]+/).filter((s) => s !== '').map(Number);
    if (vs.length !== n || vs.some((v) => Number.isNaN(v))) throw new Error(`expected ${n} numbers for this shape, got ${vs.length}`);
    out.set(vs);
  }
  return out;
}
