// The host's share of a group's collectives (group.ts): splitting a tensor's bytes along its first
// axis (scatter), joining per-device parts (gather) and reducing them element by element
// (allreduce). Pure functions over bytes, so the results are byte-exact and testable alone.
// Browser-safe: no Node imports.
import { RpcError, dtypeBytes } from './client.ts';
import type { DLDataType } from './packet.ts';

export type ReduceOp = 'sum' | 'min' | 'max';

/** Bytes of one row (one index of axis 0) of a tensor of `shape`. */
export function rowBytes(shape: readonly number[], dtype: DLDataType): number {
  return shape.slice(1).reduce((a, b) => a * b, 1) * dtypeBytes(dtype);
}

/** Splits `data` (a tensor of `shape`) into `n` equal parts along axis 0: part i holds rows
 * [i * shape[0] / n, (i + 1) * shape[0] / n). The rows must divide evenly. */
export function splitAxis0(data: Uint8Array, shape: readonly number[], dtype: DLDataType, n: number): { shape: number[]; parts: Uint8Array[] } {
  const rows = shape[0];
  if (rows === undefined) throw new RpcError('scatter: a tensor of rank 0 has no first axis to split');
  const total = shape.reduce((a, b) => a * b, 1) * dtypeBytes(dtype);
  if (data.length !== total) throw new RpcError(`scatter: ${data.length} bytes for a tensor of shape [${shape.join(', ')}] (${total} bytes)`);
  if (rows % n !== 0) throw new RpcError(`scatter: the first axis (${rows}) does not split evenly over ${n} devices`);
  const each = (rows / n) * rowBytes(shape, dtype);
  const parts = Array.from({ length: n }, (_, i) => data.slice(i * each, (i + 1) * each));
  return { shape: [rows / n, ...shape.slice(1)], parts };
}

/** Joins per-device tensors along axis 0 (device order); every other axis must agree. */
export function concatAxis0(parts: readonly { shape: readonly number[]; bytes: Uint8Array }[]): { shape: number[]; bytes: Uint8Array } {
  const first = parts[0];
  if (first === undefined) throw new RpcError('gather: no parts');
  if (first.shape.length === 0) throw new RpcError('gather: a tensor of rank 0 has no first axis to join along');
  const tail = first.shape.slice(1).join(',');
  parts.forEach((p, i) => {
    if (p.shape.slice(1).join(',') !== tail) {
      throw new RpcError(`gather: device ${i} has shape [${p.shape.join(', ')}], device 0 [${first.shape.join(', ')}]: only the first axis may differ`);
    }
  });
  const bytes = new Uint8Array(parts.reduce((a, p) => a + p.bytes.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p.bytes, at);
    at += p.bytes.length;
  }
  return { shape: [parts.reduce((a, p) => a + (p.shape[0] ?? 0), 0), ...first.shape.slice(1)], bytes };
}

type Num = number;
interface Lane {
  read(v: DataView, at: number): Num;
  write(v: DataView, at: number, x: Num): void;
  /** The sum as the element type holds it (integers wrap as the device's unsigned C arithmetic;
   * float32 rounds after every addition, float64 is JS arithmetic). */
  add(a: Num, b: Num): Num;
}

const wrapInt = (bits: number, signed: boolean) => (x: number): number => {
  const m = 2 ** bits;
  let r = ((x % m) + m) % m;
  if (signed && r >= m / 2) r -= m;
  return r;
};

function laneOf(d: DLDataType): Lane | undefined {
  if (d.lanes !== 1) return undefined;
  const int = (bits: 8 | 16 | 32, signed: boolean): Lane => {
    const wrap = wrapInt(bits, signed);
    const get = signed ? { 8: 'getInt8', 16: 'getInt16', 32: 'getInt32' }[bits] : { 8: 'getUint8', 16: 'getUint16', 32: 'getUint32' }[bits];
    const set = signed ? { 8: 'setInt8', 16: 'setInt16', 32: 'setInt32' }[bits] : { 8: 'setUint8', 16: 'setUint16', 32: 'setUint32' }[bits];
    return {
      read: (v, at) => (v[get as 'getInt32'])(at, true),
      write: (v, at, x) => (v[set as 'setInt32'])(at, x, true),
      add: (a, b) => wrap(a + b),
    };
  };
  if (d.code === 0 && (d.bits === 8 || d.bits === 16 || d.bits === 32)) return int(d.bits, true);
  if (d.code === 1 && (d.bits === 8 || d.bits === 16 || d.bits === 32)) return int(d.bits, false);
  if (d.code === 2 && d.bits === 32) {
    return { read: (v, at) => v.getFloat32(at, true), write: (v, at, x) => v.setFloat32(at, x, true), add: (a, b) => Math.fround(a + b) };
  }
  if (d.code === 2 && d.bits === 64) {
    return { read: (v, at) => v.getFloat64(at, true), write: (v, at, x) => v.setFloat64(at, x, true), add: (a, b) => a + b };
  }
  return undefined;
}

/** The element-wise reduction of equal-length parts, folded in device order (part 0 first):
 * sum wraps for integers and rounds per step for float32; min/max propagate a NaN. */
export function reduceParts(parts: readonly Uint8Array[], dtype: DLDataType, op: ReduceOp): Uint8Array {
  const lane = laneOf(dtype);
  if (lane === undefined) {
    throw new RpcError(`allreduce: dtype code ${dtype.code} bits ${dtype.bits} lanes ${dtype.lanes} is not supported ` +
      '(int8/16/32, uint8/16/32, float32 or float64, one lane)');
  }
  const first = parts[0];
  if (first === undefined) throw new RpcError('allreduce: no parts');
  parts.forEach((p, i) => {
    if (p.length !== first.length) throw new RpcError(`allreduce: device ${i} holds ${p.length} bytes, device 0 ${first.length}: the tensors must have one size`);
  });
  const size = dtypeBytes(dtype);
  const out = first.slice();
  const ov = new DataView(out.buffer, out.byteOffset, out.length);
  const views = parts.map((p) => new DataView(p.buffer, p.byteOffset, p.length));
  const fold = op === 'sum' ? lane.add
    : op === 'min' ? (a: Num, b: Num): Num => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b))
      : (a: Num, b: Num): Num => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b));
  for (let at = 0; at + size <= out.length; at += size) {
    let acc = lane.read(views[0]!, at);
    for (let i = 1; i < views.length; i++) acc = fold(acc, lane.read(views[i]!, at));
    lane.write(ov, at, acc);
  }
  return out;
}
