// MinRPC packet encoding and decoding on the host (spec §4): packed argument sequences for every
// type code, DLTensor records, request packets and reply packets. Pure TypeScript over
// Uint8Array/DataView, no Node APIs (the client is also built for the browser).

import { RPCCode, TypeCode } from '../../firmware/rpc/codes.ts';
import { allocBytes } from './slab.ts';
import { expandExceptionText } from './exception-text.ts';

export { RPCCode, TypeCode };

export interface DLDataType { code: number; bits: number; lanes: number }
export interface DLDevice { deviceType: number; deviceId: number }
export interface DLTensor {
  /** Device handle of the data (what DevAlloc* returned). */
  data: bigint;
  device: DLDevice;
  dtype: DLDataType;
  shape: readonly bigint[];
  byteOffset: bigint;
}

/** One value of a packed sequence, by type code. */
export type Value =
  | { type: 'int'; value: bigint }
  | { type: 'uint'; value: bigint }
  | { type: 'float'; value: number }
  | { type: 'handle'; value: bigint }
  | { type: 'null' }
  | { type: 'dtype'; value: DLDataType }
  | { type: 'device'; value: DLDevice }
  | { type: 'tensor'; value: DLTensor }
  | { type: 'object'; typeIndex: number; value: bigint }
  | { type: 'module'; value: bigint }
  | { type: 'func'; value: bigint }
  | { type: 'str'; value: string }
  | { type: 'bytes'; value: Uint8Array }
  | { type: 'bool'; value: boolean };

const CODE_OF: Record<Value['type'], number> = {
  int: TypeCode.Int, uint: TypeCode.UInt, float: TypeCode.Float, handle: TypeCode.OpaqueHandle,
  null: TypeCode.Null, dtype: TypeCode.DataType, device: TypeCode.Device, tensor: TypeCode.DLTensor,
  object: TypeCode.ObjectHandle, module: TypeCode.ModuleHandle, func: TypeCode.PackedFuncHandle,
  str: TypeCode.Str, bytes: TypeCode.Bytes, bool: TypeCode.Bool,
};
export function typeCodeOf(v: Value): number {
  return CODE_OF[v.type];
}

/** Raised when a packet cannot be decoded. */
export class PacketError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PacketError';
  }
}

const utf8enc = new TextEncoder();
const utf8dec = new TextDecoder();
/** Replies: a str that is not UTF-8 is a broken packet, not text to patch with U+FFFD. */
const utf8strict = new TextDecoder('utf-8', { fatal: true });

/** A finished writer's buffer: grow() replaces it before anything is written. */
const EMPTY = new Uint8Array(0);
const EMPTY_VIEW = new DataView(EMPTY.buffer);

/** Little-endian byte builder. Its buffers come from slab.ts (a view into a shared block). */
export class ByteWriter {
  private buf: Uint8Array;
  private dv: DataView;
  length = 0;
  /** `capacity`: the expected size; a writer that ends exactly there hands its buffer over uncopied. */
  constructor(capacity = 64) {
    this.buf = allocBytes(Math.max(capacity, 8));
    this.dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }
  private grow(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = Math.max(this.buf.length * 2, 8);
    while (size < this.length + n) size *= 2;
    const b = allocBytes(size);
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  u8(v: number): this { this.grow(1); this.dv.setUint8(this.length, v); this.length += 1; return this; }
  u16(v: number): this { this.grow(2); this.dv.setUint16(this.length, v, true); this.length += 2; return this; }
  i32(v: number): this { this.grow(4); this.dv.setInt32(this.length, v, true); this.length += 4; return this; }
  u32(v: number): this { this.grow(4); this.dv.setUint32(this.length, v, true); this.length += 4; return this; }
  i64(v: bigint): this { this.grow(8); this.dv.setBigInt64(this.length, BigInt.asIntN(64, v), true); this.length += 8; return this; }
  u64(v: bigint): this { this.grow(8); this.dv.setBigUint64(this.length, BigInt.asUintN(64, v), true); this.length += 8; return this; }
  f64(v: number): this { this.grow(8); this.dv.setFloat64(this.length, v, true); this.length += 8; return this; }
  bytes(b: Uint8Array): this { this.grow(b.length); this.buf.set(b, this.length); this.length += b.length; return this; }
  /** Overwrites 8 bytes already written (a length known only at the end). */
  patchU64(at: number, v: bigint): this { this.dv.setBigUint64(at, v, true); return this; }
  /** The bytes written; the writer is done (its buffer may be the one returned). */
  finish(): Uint8Array {
    const out = this.length === this.buf.length ? this.buf : this.buf.slice(0, this.length);
    this.buf = EMPTY;
    this.dv = EMPTY_VIEW;
    this.length = 0;
    return out;
  }
}

/** Little-endian reader that throws PacketError past the end. */
export class ByteReader {
  private readonly dv: DataView;
  readonly buf: Uint8Array;
  readonly end: number;
  pos: number;
  constructor(buf: Uint8Array, pos = 0, end = buf.length) {
    this.buf = buf;
    this.end = end;
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = pos;
  }
  get left(): number { return this.end - this.pos; }
  private need(n: number): number {
    if (this.pos + n > this.end) throw new PacketError(`truncated: need ${n} bytes at offset ${this.pos}, ${this.left} left`);
    const at = this.pos;
    this.pos += n;
    return at;
  }
  u8(): number { return this.dv.getUint8(this.need(1)); }
  u16(): number { return this.dv.getUint16(this.need(2), true); }
  i32(): number { return this.dv.getInt32(this.need(4), true); }
  u32(): number { return this.dv.getUint32(this.need(4), true); }
  i64(): bigint { return this.dv.getBigInt64(this.need(8), true); }
  u64(): bigint { return this.dv.getBigUint64(this.need(8), true); }
  f64(): number { return this.dv.getFloat64(this.need(8), true); }
  bytes(n: number): Uint8Array { const at = this.need(n); return this.buf.slice(at, at + n); }
  /** The next n bytes as a view of the packet (no copy): for a caller that copies them out at once. */
  view(n: number): Uint8Array { const at = this.need(n); return this.buf.subarray(at, at + n); }
}

export function tensorRecordBytes(ndim: number): number {
  return 32 + 8 * ndim;
}

export function writeTensor(w: ByteWriter, t: DLTensor): void {
  w.u64(t.data).i32(t.device.deviceType).i32(t.device.deviceId).i32(t.shape.length);
  w.u8(t.dtype.code).u8(t.dtype.bits).u16(t.dtype.lanes);
  for (const d of t.shape) w.i64(d);
  w.u64(t.byteOffset);
}

export function readTensor(r: ByteReader): DLTensor {
  const data = r.u64();
  const device = { deviceType: r.i32(), deviceId: r.i32() };
  const ndim = r.i32();
  if (ndim < 0 || ndim * 8 > r.left) throw new PacketError(`bad DLTensor ndim ${ndim}`);
  const dtype = { code: r.u8(), bits: r.u8(), lanes: r.u16() };
  const shape: bigint[] = [];
  for (let i = 0; i < ndim; i++) shape.push(r.i64());
  return { data, device, dtype, shape, byteOffset: r.u64() };
}

/** Packed sequence: i32 n, i32 codes[n], values. */
export function writeArgs(w: ByteWriter, args: readonly Value[]): void {
  w.i32(args.length);
  for (const a of args) w.i32(typeCodeOf(a));
  for (const a of args) {
    switch (a.type) {
      case 'int': w.i64(a.value); break;
      case 'uint': w.u64(a.value); break;
      case 'float': w.f64(a.value); break;
      case 'handle': case 'module': case 'func': w.u64(a.value); break;
      case 'null': break;
      case 'dtype': w.u8(a.value.code).u8(a.value.bits).u16(a.value.lanes).u32(0); break;
      case 'device': w.i32(a.value.deviceType).i32(a.value.deviceId); break;
      case 'tensor': writeTensor(w, a.value); break;
      case 'object': w.u32(a.typeIndex).u64(a.value); break;
      case 'str': { const b = utf8enc.encode(a.value); w.u64(BigInt(b.length)).bytes(b); break; }
      case 'bytes': w.u64(BigInt(a.value.length)).bytes(a.value); break;
      case 'bool': w.i64(a.value ? 1n : 0n); break;
    }
  }
}

/** `strictText`: a str with invalid UTF-8 throws PacketError (replies); otherwise it decodes
 * with replacement characters (tools that show any bytes, `urpc decode`). */
export function readArgs(r: ByteReader, strictText = false): Value[] {
  const n = r.i32();
  if (n < 0 || n * 4 > r.left) throw new PacketError(`bad argument count ${n}`);
  const codes: number[] = [];
  for (let i = 0; i < n; i++) codes.push(r.i32());
  const out: Value[] = [];
  for (const [i, c] of codes.entries()) {
    switch (c) {
      case TypeCode.Int: out.push({ type: 'int', value: r.i64() }); break;
      case TypeCode.UInt: out.push({ type: 'uint', value: r.u64() }); break;
      case TypeCode.Float: out.push({ type: 'float', value: r.f64() }); break;
      case TypeCode.OpaqueHandle: out.push({ type: 'handle', value: r.u64() }); break;
      case TypeCode.Null: out.push({ type: 'null' }); break;
      case TypeCode.DataType: {
        const value = { code: r.u8(), bits: r.u8(), lanes: r.u16() };
        r.u32();
        out.push({ type: 'dtype', value });
        break;
      }
      case TypeCode.Device: out.push({ type: 'device', value: { deviceType: r.i32(), deviceId: r.i32() } }); break;
      case TypeCode.DLTensor: out.push({ type: 'tensor', value: readTensor(r) }); break;
      case TypeCode.ObjectHandle: out.push({ type: 'object', typeIndex: r.u32(), value: r.u64() }); break;
      case TypeCode.ModuleHandle: out.push({ type: 'module', value: r.u64() }); break;
      case TypeCode.PackedFuncHandle: out.push({ type: 'func', value: r.u64() }); break;
      case TypeCode.Str: case TypeCode.Bytes: {
        const len = r.u64();
        if (len > BigInt(r.left)) throw new PacketError(`argument ${i}: length ${len} exceeds packet`);
        const b = r.bytes(Number(len));
        if (c !== TypeCode.Str) {
          out.push({ type: 'bytes', value: b });
          break;
        }
        let text: string;
        try {
          text = (strictText ? utf8strict : utf8dec).decode(b);
        } catch {
          throw new PacketError(`argument ${i}: a str of ${b.length} bytes that is not valid UTF-8`);
        }
        out.push({ type: 'str', value: text });
        break;
      }
      case TypeCode.Bool: out.push({ type: 'bool', value: r.i64() !== 0n }); break;
      default: throw new PacketError(`argument ${i}: unknown type code ${c}`);
    }
  }
  return out;
}

/** A whole packet: u64 packet_nbytes, i32 code, body. */
export function packet(code: number, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  return new ByteWriter(12 + body.length).u64(BigInt(4 + body.length)).i32(code).bytes(body).finish();
}

/** A packet written in place (no body copied into a second buffer): the header, then the body
 * through the writer; `bodyBytes` sizes the buffer when known. */
function packetWriter(code: number, bodyBytes = 52): ByteWriter {
  return new ByteWriter(12 + bodyBytes).u64(0n).i32(code);
}
function finishPacket(w: ByteWriter): Uint8Array {
  return w.patchU64(0, BigInt(w.length - 8)).finish();
}

// ---- requests ----

export function callFuncPacket(handle: bigint, args: readonly Value[]): Uint8Array {
  const w = packetWriter(RPCCode.CallFunc).u64(handle);
  writeArgs(w, args);
  return finishPacket(w);
}
export function syscallPacket(code: number, args: readonly Value[]): Uint8Array {
  const w = packetWriter(code);
  writeArgs(w, args);
  return finishPacket(w);
}
export function copyToRemotePacket(t: DLTensor, data: Uint8Array): Uint8Array {
  const w = packetWriter(RPCCode.CopyToRemote, tensorRecordBytes(t.shape.length) + 8 + data.length);
  writeTensor(w, t);
  w.u64(BigInt(data.length)).bytes(data);
  return finishPacket(w);
}
export function copyFromRemotePacket(t: DLTensor, nbytes: number): Uint8Array {
  const w = packetWriter(RPCCode.CopyFromRemote, tensorRecordBytes(t.shape.length) + 8);
  writeTensor(w, t);
  w.u64(BigInt(nbytes));
  return finishPacket(w);
}
export function shutdownPacket(): Uint8Array {
  return packet(RPCCode.Shutdown);
}
export function initServerPacket(version: string): Uint8Array {
  const v = utf8enc.encode(version);
  const w = new ByteWriter().u64(BigInt(v.length)).bytes(v);
  writeArgs(w, []);
  return packet(RPCCode.InitServer, w.finish());
}

// ---- replies ----

/** kReturn with a packed sequence (syscalls: one value; CallFunc: the 2-slot form). */
export function returnPacket(values: readonly Value[]): Uint8Array {
  const w = new ByteWriter();
  writeArgs(w, values);
  return packet(RPCCode.Return, w.finish());
}
/** kException carrying text. */
export function exceptionPacket(text: string): Uint8Array {
  return returnPacketWithCode(RPCCode.Exception, [str(text)]);
}
function returnPacketWithCode(code: number, values: readonly Value[]): Uint8Array {
  const w = new ByteWriter();
  writeArgs(w, values);
  return packet(code, w.finish());
}

export type Reply =
  | { code: typeof RPCCode.Return; values: Value[] }
  | { code: typeof RPCCode.Exception; message: string }
  | { code: typeof RPCCode.CopyAck; data: Uint8Array };

/** Checks the u64 length against the packet and returns [code, body reader]. */
export function openPacket(p: Uint8Array): [number, ByteReader] {
  const r = new ByteReader(p);
  const len = r.u64();
  if (len !== BigInt(p.length - 8)) throw new PacketError(`packet length ${len} but ${p.length - 8} bytes follow`);
  return [r.i32(), r];
}

export function decodeReply(p: Uint8Array): Reply {
  const [code, r] = openPacket(p);
  switch (code) {
    case RPCCode.Return: {
      const values = readArgs(r, true);
      if (r.left !== 0) throw new PacketError(`${r.left} bytes after the return values`);
      return { code, values };
    }
    case RPCCode.Exception: {
      const v = readArgs(r, true);
      const first = v[0];
      if (v.length !== 1 || first === undefined || first.type !== 'str') throw new PacketError('exception reply without a single str');
      // urpc devices send `Name(detail)`; the full text is put back together here.
      return { code, message: expandExceptionText(first.value) };
    }
    case RPCCode.CopyAck:
      // A view of the packet: the packet is the decoder's own copy, and the one caller
      // (copyFromRemote) copies the data into its result at once. Saves a 2 KiB allocation.
      return { code, data: r.view(r.left) };
    default:
      throw new PacketError(`unexpected reply code ${code}`);
  }
}

/** Applies the CallFunc 2-slot convention (spec §4.7): slot 0 is the original type code; returns
 * undefined for void, else the value (modules/functions as 'module'/'func', NDArray as tensor). */
export function returnValue(values: readonly Value[]): Value | undefined {
  const slot0 = values[0];
  if (slot0 === undefined || slot0.type !== 'int') throw new PacketError('CallFunc reply without the type-code slot');
  const orig = Number(slot0.value);
  const v = values[1];
  if (orig === TypeCode.Null) {
    if (v !== undefined && v.type !== 'null') throw new PacketError(`CallFunc reply announces void (type code 4) but holds ${v.type}`);
    return undefined;
  }
  if (v === undefined) throw new PacketError(`CallFunc reply for type code ${orig} without a value`);
  checkSlot(orig, v);
  if (orig === TypeCode.ModuleHandle) return { type: 'module', value: (v as { value: bigint }).value };
  if (orig === TypeCode.PackedFuncHandle) return { type: 'func', value: (v as { value: bigint }).value };
  return v;
}

/** The value a CallFunc reply may carry after slot 0's type code (spec §4.7: modules and
 * functions travel as handles, an NDArray as a DLTensor record). */
const SLOT_TYPE: Partial<Record<number, Value['type']>> = {
  [TypeCode.Int]: 'int', [TypeCode.UInt]: 'uint', [TypeCode.Float]: 'float', [TypeCode.OpaqueHandle]: 'handle',
  [TypeCode.DataType]: 'dtype', [TypeCode.Device]: 'device', [TypeCode.DLTensor]: 'tensor',
  [TypeCode.ModuleHandle]: 'handle', [TypeCode.PackedFuncHandle]: 'handle', [TypeCode.Str]: 'str',
  [TypeCode.Bytes]: 'bytes', [TypeCode.NDArrayHandle]: 'tensor', [TypeCode.Bool]: 'bool',
};

/** Throws PacketError unless `v` is what slot 0's type code `orig` announces (a value announced
 * as a str but holding an int is a broken reply, not an int). */
export function checkSlot(orig: number, v: Value): void {
  const want = SLOT_TYPE[orig];
  if (want === undefined) throw new PacketError(`CallFunc reply with unknown return type code ${orig}`);
  if (v.type !== want) throw new PacketError(`CallFunc reply announces type code ${orig} (${want}) but holds ${v.type}`);
}

// ---- value shorthands ----

export const int = (v: number | bigint): Value => ({ type: 'int', value: BigInt(v) });
export const str = (value: string): Value => ({ type: 'str', value });
export const handle = (v: number | bigint): Value => ({ type: 'handle', value: BigInt(v) });
export const cpu = (deviceId = 0): Value => ({ type: 'device', value: { deviceType: 1, deviceId } });
export const dtypeValue = (code: number, bits: number, lanes = 1): Value => ({ type: 'dtype', value: { code, bits, lanes } });

export function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0').toUpperCase()).join(' ');
}
export function fromHex(s: string): Uint8Array {
  const t = s.replace(/\s+/g, '');
  if (t.length % 2 !== 0) throw new Error('odd hex length');
  const b = new Uint8Array(t.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(t.slice(2 * i, 2 * i + 2), 16);
  return b;
}
